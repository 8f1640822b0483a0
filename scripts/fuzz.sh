#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets.cmake) for SECONDS of a core each (default 60; CI runs
# 60), all at once: with T targets on C cores each runs SECONDS x T / C of wall time (5 targets
# on 2 cores, 60: 150 s together): libFuzzer under ASan and UBSan, from the seeds of
# fuzz/corpus/NAME and the regressions of fuzz/regressions/NAME. It builds them first in
# build-fuzz/: Clang (libFuzzer is Clang's; Debian: clang, libclang-rt-dev, libomp-dev, from
# install_dependencies.sh --tests), -O1, the library with the sanitizers and libFuzzer's coverage
# counters but for the simulation kernels, which no reader reaches, no cuda-sim, no tests.
# New inputs are kept in build-fuzz/corpus/NAME (a longer run goes on from them); an input that
# breaks a promise (fuzz/fuzz_target.hpp) is saved in build-fuzz/artifacts/ and fails the run:
# copy it into fuzz/regressions/NAME/, where FuzzCorpus.* replays it in every build, and fix
# what it found.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
if [[ ! $seconds =~ ^[1-9][0-9]{0,6}$ ]]; then
  echo "usage: bash scripts/fuzz.sh [SECONDS]: SECONDS is a whole number of seconds per target, 1 to 9999999" >&2
  exit 2
fi
names=$(sed -n 's/^set(SRLIF_FUZZ_TARGETS \(.*\))$/\1/p' fuzz/fuzz_targets.cmake)
clang=$(command -v clang++ || true)
if [[ -z $clang ]]; then
  echo "srlif: fuzzing needs Clang's libFuzzer: run bash scripts/install_dependencies.sh --tests" >&2
  exit 2
fi
CC=${clang%++} CXX=$clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 \
  -DSRLIF_CUDA=OFF -DSRLIF_CUDA_SIM=OFF -DSRLIF_SANITIZE=ON -DSRLIF_FUZZ=ON -DSRLIF_BUILD_TESTS=OFF \
  -DSRLIF_BUILD_BENCH=OFF >/dev/null
# shellcheck disable=SC2046
cmake --build build-fuzz -j "$(nproc)" $(printf -- '--target srlif_fuzz_%s ' $names)
mkdir -p build-fuzz/artifacts build-fuzz/logs
run_target() {  # run_target NAME SECONDS: exit 0 when no promise broke
  local name=$1 seconds=$2 corpus=build-fuzz/corpus/$1
  local log=build-fuzz/logs/$name.log
  mkdir -p "$corpus"
  local folders=("$corpus" "fuzz/corpus/$name")
  [[ -d fuzz/regressions/$name ]] && folders+=("fuzz/regressions/$name")
  if build-fuzz/fuzz/srlif_fuzz_"$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$name-" "${folders[@]}" >"$log" 2>&1; then
    local runs coverage
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    echo "srlif fuzz $name: ${runs:-?} inputs in $seconds s, $coverage, no promise broken"
  else
    echo "srlif fuzz $name: FAILED; the end of $log:" >&2
    tail -40 "$log" >&2
    return 1
  fi
}
export -f run_target
count=$(wc -w <<<"$names")
cores=$(nproc)
wall=$(((seconds * count + cores - 1) / cores))
((wall < seconds)) && wall=$seconds
echo "srlif fuzz: $count targets at once on $cores cores, $wall s each (about $seconds s of a core)" >&2
# shellcheck disable=SC2086
printf '%s\n' $names | xargs -P "$count" -I{} bash -c 'run_target {} '"$wall"
