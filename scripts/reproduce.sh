#!/usr/bin/env bash
# The main job: builds srlif and runs the reference study's H1 curve (I_bias 178 pA,
# A 20 pA, f 10 Hz, sigma = 0..60 in 25 steps) with 1000 neurons per point instead
# of the study's 20 trials, printing the table and writing results/h1/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
./build/srlif sweep --sigma 0:60:25 --amplitude 20 --bias 178 --frequency 10 \
  --neurons 1000 --seed 1 --out results/h1 "$@"
