#!/usr/bin/env bash
# Configures and builds srlif in build/ (Release; CUDA backend when nvcc is found,
# unless SRLIF_CUDA=OFF). With target names (e.g. `bash scripts/build.sh srlif`),
# builds only those and what they need; without, everything (the command line, the
# tests, the benchmarks).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_dependencies.sh
[[ -x /usr/local/cuda/bin/nvcc ]] && export PATH="/usr/local/cuda/bin:$PATH"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSRLIF_CUDA="${SRLIF_CUDA:-ON}" >/dev/null
targets=()
for target in "$@"; do targets+=(--target "$target"); done
cmake --build build -j "$(nproc)" "${targets[@]}"
