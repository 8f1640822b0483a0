#!/usr/bin/env bash
# The main job: builds srlif and reproduces the reference study (H1-H5, DESIGN.md
# section 6) with the study's trial counts: tables, report.md and figures in
# results/study/. Extra arguments go to `srlif reproduce` (e.g. --trials 2000).
# It builds the `srlif` target alone (not the tests or the benchmarks), and the CUDA
# backend only where it can run: with nvcc and an NVIDIA GPU that nvidia-smi lists
# (SRLIF_CUDA=ON or OFF decides instead). Both backends give the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z ${SRLIF_CUDA:-} ]]; then
  SRLIF_CUDA=OFF
  if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then SRLIF_CUDA=ON; fi
  export SRLIF_CUDA
fi
bash scripts/build.sh srlif
./build/srlif reproduce --out results/study "$@"
echo
cat results/study/report.md
