#!/usr/bin/env bash
# Opens an HTML report in headless Chromium (Debian's `chromium` package) and saves a
# full-page screenshot, so a person can look at the report as a reader would.
#   scripts/screenshot.sh reports/legacy-semiconductors/report.html /tmp/report.png [width] [height]
set -euo pipefail
html=${1:?usage: screenshot.sh REPORT.html OUT.png [width] [height]}
out=${2:?usage: screenshot.sh REPORT.html OUT.png [width] [height]}
width=${3:-1400}
height=${4:-4000}
command -v chromium >/dev/null || { echo "chromium is not installed: apt-get install chromium" >&2; exit 2; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars \
  --window-size="$width,$height" --screenshot="$out" "file://$(realpath "$html")" 2>/dev/null
echo "wrote $out"
