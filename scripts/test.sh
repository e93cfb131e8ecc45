#!/usr/bin/env bash
# Installs dependencies, then builds and runs the whole test suite three ways: plain,
# ThreadSanitizer, and AddressSanitizer+UndefinedBehaviorSanitizer. Then the packaging checks
# (scripts/package.sh), the static checks (scripts/lint.sh: clang-format and clang-tidy), a
# short fuzzing run of every parser (scripts/fuzz.sh, FETCHPOOL_FUZZ_SECONDS each, default 10;
# 0 skips it), and the benchmark's smoke mode, so it cannot rot (it reports; it never fails on
# timings).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

flavours=${FETCHPOOL_TEST_FLAVOURS:-"release thread address"}
for flavour in $flavours; do
  echo "=== $flavour: build"
  dir=$(scripts/build.sh "$flavour" | tail -n 1)
  echo "=== $flavour: test"
  runner=()
  # TSan's shadow memory needs a fixed layout; newer kernels randomise mmap too widely for it.
  [ "$flavour" = thread ] && command -v setarch >/dev/null && runner=(setarch "$(uname -m)" -R)
  "${runner[@]}" ctest --test-dir "$dir" --output-on-failure -j "$(nproc)" --timeout 180
done

if [ "${FETCHPOOL_SKIP_PACKAGE:-0}" != 1 ]; then
  echo "=== package: .deb, lintian, cmake --install"
  scripts/package.sh
fi

if [ "${FETCHPOOL_SKIP_LINT:-0}" != 1 ]; then
  echo "=== lint"
  [ -f build/compile_commands.json ] || scripts/build.sh release >/dev/null
  scripts/lint.sh
fi

fuzz_seconds=${FETCHPOOL_FUZZ_SECONDS:-10}
if [ "$fuzz_seconds" != 0 ]; then
  echo "=== fuzz (${fuzz_seconds}s per target)"
  scripts/fuzz.sh "$fuzz_seconds"
fi

if [ -x bench/run.sh ] && [ "${FETCHPOOL_SKIP_BENCH:-0}" != 1 ]; then
  echo "=== benchmark smoke run"
  [ -x build/bench/fetchpool_microbench ] && build/bench/fetchpool_microbench --benchmark_min_time=0.05
  bench/run.sh --smoke --fetchpool build/fetchpool
fi
