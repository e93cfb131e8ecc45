#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/*_fuzzer.cpp, clang with ASan+UBSan) in build-fuzz/ and
# runs each one for SECONDS (default 60) from its seed corpus in tests/fuzz/corpus/TARGET/.
# Exits non-zero on any finding: a crash, a failed property, a leak, a timeout or a memory blow-up.
# The inputs a run finds go to build-fuzz/corpus/TARGET/ (the checked-in seeds are never
# changed); a finding is saved as build-fuzz/artifacts/TARGET/crash-* (or leak-, timeout-, oom-).
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
[[ $seconds =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2; }

dir=build-fuzz
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# -O1 -g1 -DNDEBUG, as the sanitizer builds (libFuzzer's own examples build with -O1): about a
# minute less of .ci/run than -O2 -g, which keeps it within its budget.
CC=clang CXX=clang++ cmake -S . -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DFETCHPOOL_BUILD_TESTS=OFF -DFETCHPOOL_FUZZ=ON -DFETCHPOOL_WERROR=ON >/dev/null
cmake --build "$dir" --target fetchpool_fuzzers -j "$(nproc)"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for source in tests/fuzz/*_fuzzer.cpp; do targets+=("$(basename "$source" .cpp)"); done
fi

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# One target: its report on stdout, status 1 on a finding.
fuzz_one() {
  local target=$1 seeds=tests/fuzz/corpus/$1 work=$dir/corpus/$1 artifacts=$dir/artifacts/$1/
  local log=$dir/$1.log
  mkdir -p "$work" "$artifacts"
  echo "=== fuzz $target: ${seconds}s"
  # -timeout: one input taking over 10 s is a finding (a hang); -rss_limit_mb: so is 2 GiB.
  if "$dir/tests/fuzz/$target" "$work" "$seeds" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts" >"$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^Done' "$log" | tr '\n' ' ' || true
    echo
  else
    echo "fuzz: $target found something (log: $log)"
    grep -E -A 30 'ERROR|property failed|runtime error|Test unit written' "$log" | head -n 60 || true
    return 1
  fi
}

for target in "${targets[@]}"; do
  [ -d "tests/fuzz/corpus/$target" ] || { echo "fuzz: no seed corpus tests/fuzz/corpus/$target" >&2; exit 2; }
  rm -f "$dir/$target.status"
done
# One target per core at a time (each is one single-threaded process; -max_total_time is wall
# time), then the reports in the targets' order.
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n || true; done
  (if fuzz_one "$target" >"$dir/$target.report" 2>&1; then echo 0; else echo 1; fi \
    >"$dir/$target.status") &
done
wait
failed=()
for target in "${targets[@]}"; do
  if [ "$(cat "$dir/$target.status")" = 0 ]; then
    cat "$dir/$target.report"
  else
    cat "$dir/$target.report" >&2
    failed+=("$target")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}; reproduce with $dir/tests/fuzz/TARGET ARTIFACT" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets clean after ${seconds}s each"
