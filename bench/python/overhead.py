"""The Python front end's overhead: the H1 curve (25 sigma x 1000 neurons, 10 s) run by
srlif.sweep and by the srlif binary, alternately, REPEAT times each; prints each time and
the medians. Run with the package installed (scripts/test_python.sh makes .venv):

    .venv/bin/python bench/python/overhead.py [REPEAT]
"""

import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

import srlif

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("SRLIF_BINARY", str(ROOT / "build" / "srlif"))
H1 = ["--sigma", "0:60:25", "--amplitude", "20", "--bias", "178", "--neurons", "1000", "--backend", "cpu"]


def main():
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    python_times, cli_times = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            srlif.sweep(sigma="0:60:25", amplitude=20, bias=178, neurons=1000, backend="cpu", out=folder,
                        progress=False)
            python_times.append(time.perf_counter() - started)
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            subprocess.run([BINARY, "sweep", *H1, "--out", folder, "--quiet"], check=True)
            cli_times.append(time.perf_counter() - started)
    for label, times in (("python srlif.sweep", python_times), ("cli srlif sweep", cli_times)):
        print(f"{label:20s} " + " ".join(f"{t:.3f}" for t in times) + f"  median {statistics.median(times):.3f} s")
    ratio = statistics.median(python_times) / statistics.median(cli_times)
    print(f"python / cli (medians): {ratio:.3f}  (2.5e9 neuron-steps per run)")


if __name__ == "__main__":
    main()
