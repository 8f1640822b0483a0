"""Shared pieces of the peer comparisons: the reference workload, the srlif runner and the
result line that run_all.sh collects into one table.

The reference workload (DESIGN.md section 1): the study's reference neuron driven by
I_k = I_bias + A sin(2 pi f t_k) + sigma z_k / sqrt(dt), integrated with the Euler-Maruyama
scheme, refractory hold of n_ref = round(t_ref/dt) samples including the spike sample.
"""

import argparse
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

# Units: mV, ms, pA, nS, Hz (as in srlif).
V_TH = -55.0
V_RESET = -75.0
E_L = -75.0
V_INIT = -75.0
TAU_M = 10.0
G_L = 10.0
T_REF = 2.0
DT = 0.1
FREQ = 10.0
I_BIAS = 178.0
AMP = 20.0
SIGMA = 30.0
N_REF = max(int(round(T_REF / DT)), 0)  # 20 samples

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
SRLIF = os.environ.get("SRLIF", os.path.join(REPO, "build", "srlif"))


def samples(duration_ms):
    """K = ceil(duration/dt) samples t_0..t_{K-1}; K-1 Euler updates (srlif's count)."""
    return int(math.ceil(duration_ms / DT - 1e-9))


def drive_table(duration_ms):
    """I_bias + A sin(2 pi f t_k) for k = 0..K-1 (pA), computed in double precision like srlif."""
    k = samples(duration_ms)
    return [I_BIAS + AMP * math.sin(2.0 * math.pi * FREQ * (i * DT) / 1000.0) for i in range(k)]


def _cpu_jiffies():
    """(busy, total) jiffies of the whole machine from /proc/stat (busy includes steal)."""
    with open("/proc/stat") as f:
        vals = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (vals + [0] * 8)[:8]
    busy = user + nice + system + irq + softirq + steal
    return busy, busy + idle + iowait


class Meter:
    """Measures, over a timed region, how much CPU the rest of the machine used: the machine's busy
    time (/proc/stat, steal included) minus this process's and its children's CPU time, as a
    fraction of all CPUs. Other jobs on a 2-vCPU machine distort throughput (OpenMP codes most)."""

    def __init__(self):
        self.hz = os.sysconf("SC_CLK_TCK")
        self.ncpu = os.cpu_count() or 1

    def __enter__(self):
        self.t0 = time.perf_counter()
        self.j0 = _cpu_jiffies()
        self.o0 = os.times()
        return self

    def __exit__(self, *exc):
        wall = time.perf_counter() - self.t0
        j1 = _cpu_jiffies()
        o1 = os.times()
        busy = (j1[0] - self.j0[0]) / self.hz
        own = sum(getattr(o1, a) - getattr(self.o0, a)
                  for a in ("user", "system", "children_user", "children_system"))
        self.background = max(0.0, busy - own) / (wall * self.ncpu) if wall > 0 else 0.0
        return False


def wait_idle(max_seconds=None, threshold=0.15, window=1.0):
    """Wait (up to max_seconds: default $PEERS_WAIT_IDLE or 5 s; 0 = do not wait) until the rest of
    the machine uses less than `threshold` of the CPUs over a `window`-second sample; returns the
    last sample."""
    if max_seconds is None:
        max_seconds = float(os.environ.get("PEERS_WAIT_IDLE", "5"))
    if max_seconds <= 0:
        return None
    t_end = time.perf_counter() + max_seconds
    while True:
        with Meter() as m:
            time.sleep(window)
        if m.background < threshold or time.perf_counter() >= t_end:
            if m.background >= threshold:
                print(f"NOTE: machine still busy ({100 * m.background:.0f}% of the CPUs used by other jobs)",
                      flush=True)
            return m.background


def emit(tool, neurons, steps, seconds, rate_hz, threads, note="", duration_ms=None, background=None):
    """Print one machine-readable result line (collected by table.py) and a human line."""
    rec = {
        "tool": tool,
        "neurons": int(neurons),
        "duration_ms": float(duration_ms if duration_ms is not None else round(steps * DT)),
        "steps": int(steps),
        "seconds": float(seconds),
        "neuron_steps_per_s": float(neurons) * float(steps) / float(seconds) if seconds > 0 else float("nan"),
        "rate_hz": float(rate_hz),
        "threads": int(threads),
        "note": note,
        "background_cpu": background,
    }
    print("RESULT " + json.dumps(rec), flush=True)
    print(
        f"  {tool:<34s} N={neurons:<6d} steps={steps:<7d} {seconds:8.3f} s  "
        f"{rec['neuron_steps_per_s']:.3e} neuron-steps/s  rate {rate_hz:.4f} Hz"
        + (f"  ({note})" if note else "")
        + (f"  [other jobs: {100 * background:.0f}% CPU]" if background is not None else ""),
        flush=True,
    )
    return rec


def run_srlif(neurons, duration_ms, threads, seed=1, label=None, backend="cpu"):
    """Run `srlif sweep` on the reference workload; report its own simulation time (run.json)."""
    if not os.path.exists(SRLIF):
        print(f"srlif binary not found at {SRLIF} (build it first: bash scripts/build.sh)", file=sys.stderr)
        return None
    out = tempfile.mkdtemp(prefix="srlif_peer_")
    try:
        cmd = [
            SRLIF, "sweep", "--sigma", str(SIGMA), "--amplitude", str(AMP), "--bias", str(I_BIAS),
            "--frequency", str(FREQ), "--neurons", str(neurons), "--duration", str(duration_ms),
            "--threads", str(threads), "--seed", str(seed), "--backend", backend, "--quiet", "--out", out,
        ]
        for attempt in range(13):  # the binary may be in the middle of a rebuild: wait and retry
            try:
                wait_idle()
                t0 = time.perf_counter()
                with Meter() as meter:
                    subprocess.run(cmd, check=True)
                wall = time.perf_counter() - t0
                break
            except (OSError, subprocess.CalledProcessError) as e:
                if attempt == 12:
                    raise
                print(f"NOTE: srlif could not run ({e}); retrying in 10 s", flush=True)
                time.sleep(10)
        with open(os.path.join(out, "run.json")) as f:
            run = json.load(f)
        with open(os.path.join(out, "points.csv")) as f:
            row = next(csv.DictReader(f))
        steps = run["neuron_steps"] // neurons
        note = f"process wall {wall:.3f} s"
        return emit(label or f"srlif CPU {threads} thread{'s' if threads > 1 else ''}",
                    neurons, steps, run["wall_seconds"], float(row["mean_rate_hz"]), threads, note,
                    duration_ms=duration_ms, background=meter.background)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def parser(description, neurons, duration_ms):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--neurons", type=int, default=neurons, help=f"neurons (default {neurons})")
    p.add_argument("--duration", type=float, default=duration_ms, help=f"simulated ms per neuron (default {duration_ms:g})")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-srlif", action="store_true", help="do not run srlif on the same workload")
    p.add_argument("--srlif-threads", type=int, default=1, help="threads for the matching srlif run (default 1)")
    return p
