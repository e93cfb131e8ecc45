#!/usr/bin/env bash
# Installs the Debian packages fetchpool needs to build and test. Needs root (or sudo).
# Skips apt-get entirely when everything is already there, so repeated runs are fast.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ca-certificates
  libcurl4-openssl-dev libcli11-dev libfmt-dev
  libgtest-dev libgmock-dev libcpp-httplib-dev nlohmann-json3-dev libbenchmark-dev libssl-dev
  python3 curl libsqlite3-dev sqlite3
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (or install sudo)" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
