#!/usr/bin/env python3
"""srlif's CPU throughput against vectorised NumPy on one core, measured in the same run (issue 15).

    python3 bench/peers/cpu_targets.py              # ~1 minute on a 2-vCPU machine
    python3 bench/peers/cpu_targets.py --repeat 3   # best of 3 for every line

It runs, one after the other, on the reference neuron (sigma 30 pA*sqrt(ms), A 20 pA, I_bias 178 pA,
f 10 Hz, dt 0.1 ms, Euler-Maruyama):
  * srlif, one grid point, 10^4 neurons x 10^5 steps, every thread (`srlif bench --backend cpu`);
  * srlif, an SR curve of 25 sigma values (0:60:25) x 10^4 neurons x 10^5 steps, every thread
    (`srlif bench --backend cpu --points 25`), whose points share each neuron's noise;
  * NumPy vectorised across neurons (peer_numpy.py, float64 and float32), 10^4 neurons x 10^4
    steps, one core (NumPy's element-wise loops are single-threaded);
and prints each in neuron-steps per second with the ratios srlif/NumPy, beside issue 15's targets
for a 2-thread machine (SR curve >= 7e9 and ~100x NumPy; one point >= 1.7e9 and ~25x). A benchmark:
it prints its numbers and never fails on a slow machine. Needs numpy (the test .venv has it) and
build/srlif (or $SRLIF).
"""

import argparse
import os
import re
import subprocess
import sys
import time

import numpy as np

import common as c
import peer_numpy

TARGETS = {"srlif, 1 grid point": (1.7e9, 25.0), "srlif, SR curve of 25 points": (7.0e9, 100.0)}


def srlif_rate(arguments, repeat):
    """neuron-steps/s of srlif bench's all-threads CPU line."""
    command = [c.SRLIF, "bench", "--backend", "cpu", "--repeat", str(repeat), *arguments]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    lines = [line for line in output.splitlines() if line.startswith("cpu, ")]
    if not lines:
        sys.exit(f"unexpected output of {' '.join(command)}:\n{output}")
    match = re.search(r"([0-9.e+]+) neuron-steps/s", lines[-1])  # the last line: every thread
    threads = re.match(r"cpu, (\d+) thread", lines[-1]).group(1)
    return float(match.group(1)), int(threads)


def numpy_rate(dtype, neurons, duration_ms, repeat):
    best = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        _, steps = peer_numpy.simulate(neurons, duration_ms, dtype, seed=1)
        best = max(best, neurons * steps / (time.perf_counter() - start))
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs per line")
    parser.add_argument("--steps", type=int, default=100000, help="srlif's steps (default 10^5: 10 s)")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(os.cpu_count() or 1))
    print(f"date {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}, {os.cpu_count()} CPUs, "
          f"numpy {np.__version__}, srlif {c.SRLIF}")

    rows = []
    one, threads = srlif_rate(["--neurons", "10000", "--steps", str(args.steps)], args.repeat)
    rows.append(("srlif, 1 grid point", threads, one))
    curve, _ = srlif_rate(["--points", "25", "--neurons", "10000", "--steps", str(args.steps)], args.repeat)
    rows.append(("srlif, SR curve of 25 points", threads, curve))
    numpy64 = numpy_rate(np.float64, 10000, 1000.0, args.repeat)
    numpy32 = numpy_rate(np.float32, 10000, 1000.0, args.repeat)
    rows.append(("NumPy float64, 1 grid point", 1, numpy64))
    rows.append(("NumPy float32, 1 grid point", 1, numpy32))

    print("\n| workload | threads | neuron-steps/s | srlif / NumPy float64 | srlif / NumPy float32 | issue 15 target |")
    print("|---|---|---|---|---|---|")
    for name, used, rate in rows:
        ratio = f"{rate / numpy64:.1f}x | {rate / numpy32:.1f}x" if name.startswith("srlif") else " | "
        target = ""
        if name in TARGETS:
            floor, times = TARGETS[name]
            target = f">= {floor:.2g} and ~{times:.0f}x ({'met' if rate >= floor else 'not met'})"
        print(f"| {name} | {used} | {rate:.3g} | {ratio} | {target} |")


if __name__ == "__main__":
    main()
