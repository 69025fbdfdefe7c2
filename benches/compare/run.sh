#!/usr/bin/env bash
# tierscope side by side with networkx and igraph, on the same generated files, in one run.
#
#   benches/compare/run.sh                     # 10k, 100k and 1M supply rows, 3 runs each
#   SIZES="10000" RUNS=1 benches/compare/run.sh   # a quick smoke run
#   BIG=10000000 benches/compare/run.sh        # also tierscope (and csv) at 10M rows
#
# Settings (environment): SIZES (supply rows, space-separated), RUNS (runs per tool and size;
# the median is reported), BIG (extra sizes timed for tierscope and csv only), NX_MAX and
# IGRAPH_MAX (largest size each Python library is timed at), CHECK_ROWS (size of the
# single-input dataset for the dominator cross-check), WORK (scratch folder; default a
# temporary one, removed at the end). See benches/compare/README.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
SIZES="${SIZES:-10000 100000 1000000}"
RUNS="${RUNS:-3}"
BIG="${BIG:-}"
NX_MAX="${NX_MAX:-1000000}"
IGRAPH_MAX="${IGRAPH_MAX:-1000000}"
CHECK_ROWS="${CHECK_ROWS:-100000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
if [[ -z "${WORK:-}" ]]; then
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK"

echo "== setup"
if [[ ! -x /usr/bin/time ]]; then
  echo "installing GNU time (Debian package 'time') for peak memory"
  apt-get update -qq && apt-get install -y -qq time > /dev/null
fi
venv="$CARGO_TARGET_DIR/compare-venv"
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import networkx, igraph" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  "$venv/bin/pip" install -q -r "$here/requirements.txt"
fi
py="$venv/bin/python"
(cd "$root" && cargo build --release -q --bin tierscope --example csv_read --example partial)
ts="$CARGO_TARGET_DIR/release/tierscope"
csvr="$CARGO_TARGET_DIR/release/examples/csv_read"
partial="$CARGO_TARGET_DIR/release/examples/partial"
"$py" -c "import networkx, igraph, platform; print('networkx', networkx.__version__, '| igraph', igraph.__version__, '| python', platform.python_version())"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

results="$WORK/results.tsv"
: > "$results"
: > "$WORK/checks.txt"
# measure TOOL ROWS RUN command...: appends "tool rows run seconds peak_kib"
measure() {
  local tool="$1" rows="$2" run="$3"
  shift 3
  local log="$WORK/time.log"
  if ! /usr/bin/time -v -o "$log" "$@" > "$WORK/$tool-$rows.out" 2> "$WORK/$tool-$rows.err"; then
    echo "FAILED: $tool at $rows rows:" >&2
    tail -n 5 "$WORK/$tool-$rows.err" "$log" >&2
    echo "FAIL $tool at $rows rows did not finish" >> "$WORK/checks.txt"
    return 0
  fi
  local wall peak
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
  peak=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  printf '%s\t%s\t%s\t%s\t%s\n' "$tool" "$rows" "$run" "$wall" "$peak" >> "$results"
  printf '  %-9s %9s rows  run %s  %10s  %8.0f MiB\n' "$tool" "$rows" "$run" "$wall" "$(echo "$peak / 1024" | bc -l)"
}

for rows in $SIZES $BIG; do
  dir="$WORK/sector-$rows"
  echo "== $rows supply rows"
  "$ts" generate --out "$dir" --supply-rows "$rows" --seed 1
  is_big=0
  for b in $BIG; do [[ "$b" == "$rows" ]] && is_big=1; done
  for run in $(seq 1 "$RUNS"); do
    measure csv "$rows" "$run" "$csvr" "$dir"
    measure tierscope "$rows" "$run" sh -c "'$ts' analyze '$dir' --format json > '$WORK/report-$rows.json'"
    measure ts-partial "$rows" "$run" "$partial" "$dir"
    if [[ $is_big == 0 && $rows -le $IGRAPH_MAX ]]; then
      measure igraph "$rows" "$run" "$py" "$here/pywork.py" igraph "$dir" --hhi "$WORK/hhi-igraph-$rows.tsv"
    fi
    if [[ $is_big == 0 && $rows -le $NX_MAX ]]; then
      measure networkx "$rows" "$run" "$py" "$here/pywork.py" networkx "$dir" --hhi "$WORK/hhi-networkx-$rows.tsv"
    fi
  done
  # The HHI cross-check on this size, against the report tierscope wrote.
  for lib in igraph networkx; do
    if [[ -f "$WORK/hhi-$lib-$rows.tsv" ]]; then
      "$py" "$here/check.py" hhi "$WORK/report-$rows.json" "$WORK/hhi-$lib-$rows.tsv" "$lib" | tee -a "$WORK/checks.txt"
    fi
  done
  [[ $is_big == 1 ]] && rm -f "$WORK/report-$rows.json"
done

echo "== cross-check: dominators on a single-input dataset of $CHECK_ROWS rows"
single="$WORK/single-$CHECK_ROWS"
"$ts" generate --out "$single" --supply-rows "$CHECK_ROWS" --seed 2 --single-input
"$ts" analyze "$single" --format json > "$WORK/report-single.json"
for lib in igraph networkx; do
  "$py" "$here/pywork.py" "$lib" "$single" --spof "$WORK/spof-$lib.tsv" > /dev/null 2>&1
  "$py" "$here/check.py" spof "$WORK/report-single.json" "$WORK/spof-$lib.tsv" "$lib" | tee -a "$WORK/checks.txt"
done

echo "== results (median of $RUNS runs)"
python3 "$here/table.py" "$results"
if grep -q FAIL "$WORK/checks.txt"; then
  echo "cross-check FAILED"
  exit 1
fi
echo "cross-check passed"
