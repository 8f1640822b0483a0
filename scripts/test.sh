#!/usr/bin/env bash
# The test command: builds srlif and runs the whole suite twice, as the
# Release build (with the CUDA backend when nvcc is found; GPU tests skip
# themselves without a GPU) and as a CPU-only build under AddressSanitizer and
# UBSan (which is also the -DSRLIF_CUDA=OFF build); between them the Python
# package is built (pip install .) and its pytest suite runs (scripts/test_python.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_dependencies.sh --tests
bash scripts/build.sh
(cd build && ctest --output-on-failure -j "$(nproc)")
bash scripts/test_python.sh

cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSRLIF_CUDA=OFF -DSRLIF_SANITIZE=ON \
  -DSRLIF_BUILD_BENCH=OFF >/dev/null
cmake --build build-sanitize -j "$(nproc)"
(cd build-sanitize && ctest --output-on-failure -j "$(nproc)")
