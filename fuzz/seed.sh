#!/usr/bin/env bash
# Seeds the fuzz corpora from the test fixtures and the bundled datasets.
#
# load_file: each input is one selector byte (which file of the mini fixture it replaces:
# its index in tierscope::ingest::FILES) followed by a real CSV file of that name.
# pipeline: the same files, as raw bytes for `arbitrary` to start from.
set -euo pipefail
cd "$(dirname "$0")"
files=(countries.csv entities.csv items.csv bom.csv supply.csv products.csv ownership.csv restricted.csv)
mkdir -p corpus/load_file corpus/pipeline
for dir in ../tests/fixtures/mini ../datasets/legacy-semiconductors ../datasets/biologic-ingredients; do
  tag=$(basename "$dir")
  for i in "${!files[@]}"; do
    f="$dir/${files[$i]}"
    [ -f "$f" ] || continue
    { printf "\\x$(printf %02x "$i")"; cat "$f"; } > "corpus/load_file/$tag-${files[$i]}"
    cp "$f" "corpus/pipeline/$tag-${files[$i]}"
  done
done
echo "seeded: $(ls corpus/load_file | wc -l) load_file, $(ls corpus/pipeline | wc -l) pipeline inputs"
