#!/usr/bin/env bash
# Configures and builds one flavour: scripts/build.sh [release|thread|address] → build[-flavour]/
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-release}
# -Werror only without sanitizers: GCC's manual warns that they raise the rate of false positive
# warnings (-Wmaybe-uninitialized above all) and advises against combining them with -Werror.
# The thread flavour compiles with clang and its -Wthread-safety analysis as errors
# (FETCHPOOL_THREAD_SAFETY): the lock annotations get checked by a build CI makes anyway.
compiler=()
case "$flavour" in
  release) dir=build sanitize="" type=Release werror=ON ;;
  thread) dir=build-tsan sanitize=thread type=RelWithDebInfo werror=OFF
    compiler=(-DCMAKE_CXX_COMPILER=clang++ -DFETCHPOOL_THREAD_SAFETY=ON) ;;
  address) dir=build-asan sanitize=address type=RelWithDebInfo werror=OFF ;;
  *) echo "usage: $0 [release|thread|address]" >&2; exit 2 ;;
esac
# The sanitizer builds use -O1 -g1 (line tables only): the sanitizers' documented minimum for
# usable speed, and half the compile time of RelWithDebInfo's -O2 -g (87 s -> 45 s for the
# slowest test file under ASan+UBSan), which keeps .ci/run within its budget.
flags=()
[ -n "$sanitize" ] && flags=(-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG")
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# ccache, when installed: rebuilds and other checkouts of the tree (git worktrees) reuse objects;
# CCACHE_BASEDIR makes their paths relative so the checkouts share one cache.
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
fi
# A build directory configured with another compiler (build-tsan made with GCC before) starts over.
if [ ${#compiler[@]} -gt 0 ] && [ -f "$dir/CMakeCache.txt" ] &&
  ! grep -q '^CMAKE_CXX_COMPILER:[A-Z]*=.*clang++' "$dir/CMakeCache.txt"; then
  rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"
fi
cmake -S . -B "$dir" "${generator[@]}" "${launcher[@]}" "${compiler[@]}" -DCMAKE_BUILD_TYPE="$type" -DFETCHPOOL_SANITIZE="$sanitize" \
  -DFETCHPOOL_WERROR="$werror" "${flags[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)"
echo "$dir"
