#!/usr/bin/env bash
# Makes docs/report.png, docs/output.md's picture of an HTML report, from a real run: fetchpool
# against the loopback test server (some slow URLs, some failures, a retried one), written with
# --html and photographed by headless Chromium. Run it after changing the report so the picture
# stays true: scripts/report-screenshot.sh [OUT.png]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/report.png}
build=${BUILD_DIR:-build}
[ -x "$build/fetchpool" ] && [ -x "$build/tests/fetchpool-testserver" ] || scripts/build.sh release >/dev/null
command -v chromium >/dev/null || { echo "report-screenshot: chromium is not installed (scripts/install-deps.sh)" >&2; exit 1; }

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkfifo "$work/server-stdin"
"$build/tests/fetchpool-testserver" --until-stdin-eof <"$work/server-stdin" >"$work/server.out" 2>&1 &
server_pid=$!
exec 3>"$work/server-stdin"  # the server stops when this closes
for _ in $(seq 100); do [ -s "$work/server.out" ] && break; sleep 0.05; done
base=$(head -1 "$work/server.out")

{
  for i in $(seq 1 120); do echo "$base/delay/$(( (i * 37) % 90 + 5 ))?item=$i"; done
  for i in $(seq 1 25); do echo "$base/delay/$(( 150 + (i * 53) % 400 ))?page=$i"; done
  for i in 1 2 3; do echo "$base/delay/1200?slow=$i"; done
  for i in $(seq 1 30); do echo "$base/size/$(( i * 4096 ))"; done
  echo "$base/status/404"
  echo "$base/status/404?from=sitemap"
  echo "$base/status/500"
  echo "$base/flaky?key=demo&fails=1"
  echo "$base/truncated"
  echo "http://127.0.0.1:1/refused"
  echo "ftp://example.invalid/not-http"
} >"$work/urls.txt"

build_abs=$(cd "$build" && pwd)
"$build_abs/fetchpool" -q -w 6 --retries 1 --retry-wait 0.3 --html "$work/report.html" "$work/urls.txt" >/dev/null || true
mkdir -p "$(dirname "$out")"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --hide-scrollbars --window-size=1280,1500 \
  --screenshot="$(realpath -m "$out")" "file://$work/report.html" >/dev/null 2>&1
echo "report-screenshot: wrote $out"
