#!/usr/bin/env bash
# Installs the Debian packages fetchpool needs to build, test and package: scdoc builds the man
# page; dpkg-dev, lintian and man-db serve scripts/package.sh; bash-completion, zsh and fish
# test the completions. Needs root (or sudo).
# Skips apt-get entirely when everything is already there, so repeated runs are fast.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ca-certificates
  libcurl4-openssl-dev libcli11-dev libfmt-dev
  libgtest-dev libgmock-dev libcpp-httplib-dev nlohmann-json3-dev rapidjson-dev libbenchmark-dev libssl-dev
  python3 curl libsqlite3-dev sqlite3 libidn2-dev libtomlplusplus-dev
  libxml2-dev zlib1g-dev libxxhash-dev  # --sitemap (streaming XML, gzip), --dedup/--baseline keys
  git ripgrep                           # the --input diff and grep tests run the real tools
  scdoc dpkg-dev file lintian man-db bash-completion zsh fish
  clang libclang-rt-dev clang-tidy clang-format  # scripts/fuzz.sh (libFuzzer) and scripts/lint.sh
  nginx tinyproxy openssl strace                 # TLS, HTTP/2 and proxy integration tests
  dnsmasq-base                                   # the DNS failure tests' private resolver
  python3-jsonschema python3-markdown cmark-gfm  # tests validate the CI reports with them
  chromium python3-websocket  # the HTML report's browser test and scripts/report-screenshot.sh
  parallel slurm-wlm munge    # fetchpool report on real engines (tests/integration/engines_*)
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
