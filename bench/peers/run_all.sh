#!/usr/bin/env bash
# Peers side by side with srlif on the reference workload (DESIGN.md section 1: the reference
# neuron, f 10 Hz, I_bias 178 pA, A 20 pA, sigma 30 pA*sqrt(ms), Euler-Maruyama, dt 0.1 ms).
#
#   bash bench/peers/run_all.sh            # installs the peers into bench/peers/.venv, runs them all
#   QUICK=1 bash bench/peers/run_all.sh    # ten times shorter workloads (a smoke test)
#   PEERS_WAIT_IDLE=30 bash ...            # before each timed region wait up to 30 s (default 5)
#                                          # for other jobs to leave the CPUs idle
#
# Prints each result as it comes, then one Markdown table: tool, threads, neurons, steps, seconds,
# neuron-steps/s, srlif/peer (srlif's neuron-steps/s on the same workload and thread count divided
# by the peer's), the peer's mean rate and srlif's on the same workload, and the share of the CPUs
# that other jobs used during each timed region (on a shared 2-vCPU machine they distort the
# throughput, of the 2-thread runs most). Logs go to $LOGDIR
# (default: a fresh temporary directory). Takes about 3 minutes on a 2-vCPU AMD EPYC.
# The GPU peers (peer_cupy.py, peer_brian2cuda.py) are not run here: they need a GPU.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="${PEERS_VENV:-$HERE/.venv}"   # PEERS_VENV: another virtual environment
export SRLIF="${SRLIF:-$REPO/build/srlif}"
LOGDIR="${LOGDIR:-$(mktemp -d /tmp/srlif_peers.XXXXXX)}"
mkdir -p "$LOGDIR"
Q="${QUICK:-0}"
scale() { if [ "$Q" = 1 ]; then python3 -c "print($1/10)"; else echo "$1"; fi; }

# --- srlif and the peers -----------------------------------------------------------------
# Snapshot the srlif binary (it may be rebuilt while this runs): wait until it exists, has not
# changed for 5 s and answers --version, then run the copy.
for i in $(seq 60); do
    if [ -x "$SRLIF" ]; then
        m1=$(stat -c %Y "$SRLIF"); sleep 5; m2=$(stat -c %Y "$SRLIF" 2>/dev/null || echo x)
        if [ "$m1" = "$m2" ] && cp "$SRLIF" "$LOGDIR/srlif" && "$LOGDIR/srlif" --version >/dev/null 2>&1; then
            break
        fi
    fi
    [ "$i" = 1 ] && echo "waiting for $SRLIF (missing or being rebuilt; build it with bash scripts/build.sh)"
    [ "$i" = 60 ] && { echo "no usable srlif binary at $SRLIF" >&2; exit 1; }
    sleep 5
done
SRLIF_SRC="$SRLIF"
export SRLIF="$LOGDIR/srlif"
need_apt=()
command -v g++ >/dev/null || need_apt+=(g++)
command -v make >/dev/null || need_apt+=(make)
python3 -c 'import venv, ensurepip' 2>/dev/null || need_apt+=(python3-venv)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "installing Debian packages: ${need_apt[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need_apt[@]}"
fi
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
if ! "$VENV/bin/python" -c 'import numpy, brian2, Cython' 2>/dev/null; then
    echo "installing the Python peers into $VENV (numpy, brian2, cython)"
    "$VENV/bin/pip" install -q --upgrade pip >/dev/null
    "$VENV/bin/pip" install -q -r "$HERE/requirements.txt"
fi
PY="$VENV/bin/python"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs"
echo "srlif $("$SRLIF" --version) (copy of $SRLIF_SRC, built $(date -u -r "$SRLIF_SRC" +%Y-%m-%dT%H:%MZ))"
echo "python $("$PY" -c 'import sys, numpy, brian2; print(sys.version.split()[0], "numpy", numpy.__version__, "brian2", brian2.__version__)'); logs: $LOGDIR"

# --- run -----------------------------------------------------------------------------------
run() {  # run NAME LIMIT_S CMD...: log everything, show the result lines
    local name="$1" limit="$2"; shift 2
    echo "== $name"
    local t0=$SECONDS rc=0
    ( cd "$HERE" && exec timeout "$limit" "$@" ) >"$LOGDIR/$name.log" 2>&1 || rc=$?
    grep -E '^  |^NOTE' "$LOGDIR/$name.log" || true
    if [ "$rc" = 124 ]; then
        echo "   TIMED OUT after $limit s (see $LOGDIR/$name.log)"
    elif [ "$rc" != 0 ]; then
        echo "   FAILED (exit $rc); last lines of $LOGDIR/$name.log:"; tail -n 15 "$LOGDIR/$name.log" | sed 's/^/   /'
    fi
    echo "   ($((SECONDS - t0)) s)"
}

REF_D=$(scale 10000)   # ms per neuron at the reference workload
SHORT_D=$(scale 2000)
CY_CACHE="$(mktemp -d /tmp/srlif_peers_cython.XXXXXX)"   # empty: the setup time includes the Cython compile
trap 'rm -rf "$CY_CACHE"' EXIT

run 01_srlif_reference 120 "$PY" srlif_reference.py --neurons 10000 --duration "$REF_D" --threads 1 2
run 02_python_loop     120 "$PY" peer_python_loop.py --neurons 200 --duration "$REF_D"
run 03_numpy_float64   120 "$PY" peer_numpy.py --dtype float64 --neurons 10000 --duration "$REF_D" --no-srlif
run 04_numpy_float32   120 "$PY" peer_numpy.py --dtype float32 --neurons 10000 --duration "$REF_D" --no-srlif
run 05_brian2_runtime  150 "$PY" peer_brian2_runtime.py --neurons 10000 --duration "$SHORT_D" --cython-cache "$CY_CACHE"
run 06_brian2_cpp_1thr 120 "$PY" peer_brian2_standalone.py --threads 0 --neurons 10000 --duration "$SHORT_D" --no-srlif
# Brian2's OpenMP code forks and joins threads several times per time step: on a shared machine a
# busy core stalls every barrier (see docs/peers.md), hence the shorter run and the time limit.
run 07_brian2_cpp_omp2 90  "$PY" peer_brian2_standalone.py --threads 2 --neurons 10000 --duration "$SHORT_D"

echo
"$PY" "$HERE/table.py" "$LOGDIR"/0*.log | tee "$LOGDIR/table.md"
