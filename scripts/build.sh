#!/usr/bin/env bash
# Configures and builds srlif in build/ (Release; CUDA backend when nvcc is found).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_dependencies.sh
[[ -x /usr/local/cuda/bin/nvcc ]] && export PATH="/usr/local/cuda/bin:$PATH"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j "$(nproc)"
