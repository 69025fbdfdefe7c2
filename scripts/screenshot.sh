#!/usr/bin/env bash
# Opens an HTML report in headless Chromium (Debian's `chromium` package) and saves a
# screenshot of the WHOLE page, so a person can look at the report as a reader would.
# The page's height is measured first (a copy of the page that writes its own scroll height
# into its DOM, read back with --dump-dom), then the window is made that tall.
#   scripts/screenshot.sh reports/legacy-semiconductors/report.html /tmp/report.png [width]
# With a fourth argument, that height is used instead of the measured one.
# TIERSCOPE_CHROMIUM names another browser of the Chromium family.
set -euo pipefail
usage="usage: screenshot.sh REPORT.html OUT.png [width] [height]"
html=${1:?$usage}
out=${2:?$usage}
width=${3:-1400}
browser=${TIERSCOPE_CHROMIUM:-chromium}
command -v "$browser" >/dev/null || { echo "$browser is not installed: apt-get install chromium (or set TIERSCOPE_CHROMIUM)" >&2; exit 2; }
[ -f "$html" ] || { echo "no such file: $html" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() {
  "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --hide-scrollbars "$@" 2>/dev/null
}
if [ -n "${4:-}" ]; then
  height=$4
else
  # The copy sits beside the original, so that relative links resolve the same.
  probe="$(dirname "$(realpath "$html")")/.tierscope-probe-$$.html"
  trap 'rm -rf "$work" "$probe"' EXIT
  sed 's#</body>#<script>window.addEventListener("load",function(){document.body.setAttribute("data-page-height",Math.ceil(document.documentElement.scrollHeight))})</script></body>#' "$html" >"$probe"
  height=$(run --window-size="$width,1000" --virtual-time-budget=5000 --dump-dom "file://$probe" |
    grep -o 'data-page-height="[0-9]*"' | grep -o '[0-9]*' | head -n1 || true)
  rm -f "$probe"
  [ -n "$height" ] || { echo "could not measure the page's height" >&2; exit 2; }
fi
run --window-size="$width,$height" --screenshot="$out" "file://$(realpath "$html")"
[ -s "$out" ] || { echo "the browser wrote no screenshot" >&2; exit 2; }
echo "wrote $out ($width x $height px)"
