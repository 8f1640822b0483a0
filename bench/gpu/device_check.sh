#!/usr/bin/env bash
# Every GPU check of srlif in one call, for a lent GPU machine (no package registry there):
# build here (bash scripts/build.sh), then run this there with the build folder carried:
#
#   bash bench/gpu/device_check.sh [OUT_DIR] [SECONDS]
#
# In order of importance, each step bounded so that the whole stays inside SECONDS (default 520):
#   1. the GPU tests (srlif_gpu_tests);
#   2. `srlif bench --backend cuda` on the reference workload at sizes that fill the card: one
#      point, and the SR curve of 25 sigma values with shared noise beside the same curve with
#      --decorrelate (every point its own noise: the kernel without sharing, each thread drawing
#      its own normals as before issue 15), so the gain is a ratio on one card in one call;
#   3. the CuPy peer beside srlif's CUDA backend (bench/peers/peer_cupy.py);
#   4. compute-sanitizer: memcheck on every GPU test, racecheck/initcheck/synccheck on one;
#   5. Nsight Compute on one advance_chunk launch of one point and one of the shared SR curve
#      (issue rate, occupancy, registers, instructions), and the SASS counts of every kernel;
#   6. the CPU test binary (with a GPU there, `--backend auto` runs the CLI tests on it);
#   7. the Brian2CUDA peer, from wheels carried in .whl/ (brian2cuda 1.0a7, brian2 2.8.0, numpy 2.3).
# Logs go to OUT_DIR (default $OUT, else a temporary folder); the summary is summary.txt.
# SKIP_PEERS=1 leaves out steps 3 and 7 (the peers), e.g. to re-check tests only.
set -uo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT_DIR="${1:-${OUT:-$(mktemp -d /tmp/srlif_gpu.XXXXXX)}}"
BUDGET="${2:-520}"
mkdir -p "$OUT_DIR"
SUMMARY="$OUT_DIR/summary.txt"
START=$SECONDS
cd "$REPO"
# compute-sanitizer and ncu live beside nvcc and under Nsight Compute's own folder on CUDA images.
for dir in /usr/local/cuda/bin /opt/nvidia/nsight-compute/*; do [ -d "$dir" ] && PATH="$PATH:$dir"; done

say() { echo "$*" | tee -a "$SUMMARY"; }
left() { echo $((BUDGET - (SECONDS - START))); }
# step NAME LIMIT LOG CMD...: run CMD with at most LIMIT s (less when the budget is short).
step() {
  local name="$1" limit="$2" log="$3"; shift 3
  local remaining; remaining=$(left)
  if [ "$remaining" -lt 15 ]; then say "== $name: SKIPPED (budget spent)"; return; fi
  [ "$limit" -gt "$remaining" ] && limit=$remaining
  say "== $name (limit ${limit} s)"
  local t0=$SECONDS rc=0
  { echo "== $name"; timeout -k 5 "$limit" "$@"; } >>"$log" 2>&1 || rc=$?
  say "   exit $rc after $((SECONDS - t0)) s"
}

# The test binaries hold this checkout's absolute paths (the srlif binary, data files): make
# them resolve on a machine where the checkout lies elsewhere.
BUILT_AT=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' build/CMakeCache.txt)
if [ -n "$BUILT_AT" ] && [ ! -e "$BUILT_AT" ]; then mkdir -p "$(dirname "$BUILT_AT")" && ln -s "$REPO" "$BUILT_AT"; fi

# Built on an older Debian: should this image lack a library the binaries need, use the copies
# carried in .devlibs/ (libgomp).
if ldd build/srlif | grep -q 'not found' && [ -d .devlibs ]; then export LD_LIBRARY_PATH="$REPO/.devlibs"; fi

say "date: $(date -u +%Y-%m-%dT%H:%MZ)"
say "gpu: $(nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,power.limit --format=csv,noheader 2>&1)"
say "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs"
say "srlif $(build/srlif --version 2>&1)"
build/srlif info 2>&1 | tee -a "$SUMMARY"

# 1. GPU tests
step "gpu tests" 150 "$OUT_DIR/gpu_tests.log" build/tests/srlif_gpu_tests
grep -E '^\[  (PASSED|FAILED|SKIPPED) |^\[  FAILED  \]|tests ran' "$OUT_DIR/gpu_tests.log" | tee -a "$SUMMARY"

# 2. Throughput of the reference workload on the GPU
bench() { step "bench $*" 60 "$OUT_DIR/bench.log" build/srlif bench --backend cuda --repeat 3 "$@"; grep -E '^cuda ' "$OUT_DIR/bench.log" | tail -1 | tee -a "$SUMMARY"; }
bench --neurons 1000000 --steps 100000
bench --neurons 4000000 --steps 25000
bench --neurons 100000 --steps 100000
bench --neurons 1000000 --steps 100000 --scheme exact
# SR curves (25 sigma values): shared noise, then each point its own (the unshared kernel)
bench --neurons 1000000 --steps 10000 --points 25
bench --neurons 1000000 --steps 10000 --points 25 --decorrelate
bench --neurons 1000000 --steps 10000 --points 25 --scheme exact
bench --neurons 1000000 --steps 10000 --points 25 --scheme exact --decorrelate
bench --neurons 1000000 --steps 10000 --points 32
bench --neurons 1000000 --steps 10000 --points 32 --decorrelate

# 3. CuPy peer beside srlif CUDA (same workload: 10^6 neurons x 10 s)
[ "${SKIP_PEERS:-0}" = 1 ] || step "peer cupy" 120 "$OUT_DIR/peers.log" env PYTHONUNBUFFERED=1 python3 bench/peers/peer_cupy.py
grep -E '^  ' "$OUT_DIR/peers.log" | tee -a "$SUMMARY"

# 4. compute-sanitizer
SAN="compute-sanitizer --error-exitcode 99 --print-limit 20"
step "memcheck (all GPU tests)" 150 "$OUT_DIR/sanitizer.log" $SAN --tool memcheck --leak-check full build/tests/srlif_gpu_tests
ONE='--gtest_filter=GpuReadouts.IdenticalToCpuAcrossChunks:GpuBackend.ExactSchemeIdenticalToCpu'
for tool in racecheck initcheck synccheck; do
  step "$tool" 60 "$OUT_DIR/sanitizer.log" $SAN --tool $tool build/tests/srlif_gpu_tests "$ONE"
done
grep -E 'ERROR SUMMARY|LEAK SUMMARY|RACECHECK SUMMARY' "$OUT_DIR/sanitizer.log" | tee -a "$SUMMARY"

# 5. Nsight Compute on one chunk launch of one point, and one of the 25-point curve (the widest
#    launch, 16 points sharing), clocks left as they are; SASS counts from the build's object
NCU_SECTIONS="--section SpeedOfLight --section ComputeWorkloadAnalysis --section Occupancy --section LaunchStats \
  --section SchedulerStats --section WarpStateStats --section InstructionStats"
step "ncu advance_chunk (one point)" 90 "$OUT_DIR/ncu.txt" ncu --clock-control none -k regex:advance_chunk -s 2 -c 1 \
  $NCU_SECTIONS build/srlif bench --backend cuda --neurons 1000000 --steps 20000
step "ncu advance_chunk (25-point curve)" 90 "$OUT_DIR/ncu.txt" ncu --clock-control none -k regex:advance_chunk -s 6 -c 1 \
  $NCU_SECTIONS build/srlif bench --backend cuda --neurons 1000000 --steps 8192 --points 25
grep -E '^  advance_chunk|Duration|Executed Ipc|Issue Slots Busy|Achieved Occupancy|Registers Per|Compute \(SM\) Throughput|Executed Instructions  ' "$OUT_DIR/ncu.txt" | tee -a "$SUMMARY"
if command -v cuobjdump >/dev/null; then
  step "sass counts" 30 "$OUT_DIR/sass.txt" python3 bench/gpu/sass_counts.py build/CMakeFiles/srlif_cuda.dir/kernels/cuda_backend.cu.o
  grep -E '^\| (euler|exact) \| no' "$OUT_DIR/sass.txt" | tee -a "$SUMMARY"
fi

# 6. CPU test binary, one process per test, on every core
list_tests() { build/tests/srlif_tests --gtest_list_tests | awk '/^[^ ]/{suite=$1} /^  /{print suite $1}'; }
run_cpu_tests() {
  list_tests | xargs -P "$(nproc)" -I{} sh -c 'build/tests/srlif_tests --gtest_filter="{}" >/tmp/cputest_$$.log 2>&1 && echo "PASS {}" || { echo "FAIL {}"; cat /tmp/cputest_$$.log; }'
}
step "cpu tests (GPU present)" 150 "$OUT_DIR/cpu_tests.log" bash -c "$(declare -f list_tests run_cpu_tests); run_cpu_tests"
say "   $(grep -c '^PASS' "$OUT_DIR/cpu_tests.log") passed, $(grep -c '^FAIL' "$OUT_DIR/cpu_tests.log") failed: $(grep '^FAIL' "$OUT_DIR/cpu_tests.log" | tr '\n' ' ')"

# 7. Brian2CUDA peer (wheels in .whl/; it compiles its CUDA project with nvcc first)
if [ "${SKIP_PEERS:-0}" = 1 ]; then
  say "== peers: skipped (SKIP_PEERS=1)"
elif ls .whl/Brian2Cuda-*.whl >/dev/null 2>&1; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/b2site .whl/*.whl >>"$OUT_DIR/peers.log" 2>&1
  step "peer brian2cuda" 400 "$OUT_DIR/peers.log" env PYTHONPATH=/tmp/b2site PYTHONUNBUFFERED=1 python3 bench/peers/peer_brian2cuda.py
  grep -E '^  ' "$OUT_DIR/peers.log" | tee -a "$SUMMARY"
else
  say "== peer brian2cuda: SKIPPED (no wheels in .whl/)"
fi
say "total $((SECONDS - START)) s"
