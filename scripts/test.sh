#!/usr/bin/env bash
# The test command: builds srlif and runs the whole suite twice, as the
# Release build (with the CUDA backend when nvcc is found; GPU tests skip
# themselves without a GPU) and as a CPU-only build under AddressSanitizer and
# UBSan (which is also the -DSRLIF_CUDA=OFF build); between them the Python
# package is built (pip install .) and its pytest suite runs (scripts/test_python.sh); before the
# sanitized tests every fuzz target runs for 60 s (scripts/fuzz.sh: Clang's libFuzzer, build-fuzz/).
# Each stage's wall time but the last's is printed when it ends (what CI's time goes
# to); the sanitized tests run last, so that ctest's summary closes the output.
set -euo pipefail
cd "$(dirname "$0")/.."
stage() {  # stage NAME COMMAND...: runs it, then prints how long it took
  local name=$1 start=$SECONDS
  shift
  "$@"
  echo "srlif test stage '$name': $((SECONDS - start)) s" >&2
}
stage "dependencies" bash scripts/install_dependencies.sh --tests
stage "release build" bash scripts/build.sh
stage "release tests" bash -c 'cd build && ctest --output-on-failure -j "$(nproc)"'
stage "python package and tests" bash scripts/test_python.sh

stage "sanitized build" bash -c 'cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSRLIF_CUDA=OFF \
  -DSRLIF_SANITIZE=ON -DSRLIF_BUILD_BENCH=OFF >/dev/null && cmake --build build-sanitize -j "$(nproc)"'
stage "fuzzing" bash scripts/fuzz.sh 60
cd build-sanitize
ctest --output-on-failure -j "$(nproc)"
