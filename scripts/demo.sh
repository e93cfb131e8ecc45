#!/usr/bin/env bash
# Installs dependencies, builds, and shows fetchpool on a URL list against a loopback test
# server that this script starts (these machines have no internet).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release >/dev/null

coproc SERVER { exec build/tests/fetchpool-testserver --until-stdin-eof; }
trap 'exec {SERVER[1]}>&-; wait "$SERVER_PID" 2>/dev/null || true' EXIT
read -r base <&"${SERVER[0]}"

urls=(
  "$base/size/1229"
  "$base/size/922"
  "$base/delay/300"
  "$base/redirect/3"
  "$base/size/5242880"
  "$base/status/404"
  "$base/truncated"
  "http://127.0.0.1:1/refused"
  "ftp://example.com/not-http"
)
echo "\$ printf '%s\\n' ${urls[*]} | fetchpool -workers=3"
status=0
printf '%s\n' "${urls[@]}" | build/fetchpool -workers=3 || status=$?
echo "(exit status $status: 1 because some URLs failed, as they should)"
