#!/usr/bin/env bash
# The main job: builds srlif and reproduces the reference study (H1-H5, DESIGN.md
# section 6) with the study's trial counts: tables, report.md and figures in
# results/study/. Extra arguments go to `srlif reproduce` (e.g. --trials 2000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
./build/srlif reproduce --out results/study "$@"
echo
cat results/study/report.md
