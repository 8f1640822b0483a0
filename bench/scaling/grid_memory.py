#!/usr/bin/env python3
"""Peak memory of a sweep against its number of grid points (up to 10^6) and steps.

Each run is one `srlif sweep` (CPU backend) in a fresh process, peak RSS from GNU time (see
scaling.py, whose run_once this uses): 8 neurons per point (one lane block), sigma x amplitude
grids of P = 10^3 ... 10^6 points at 100 steps; the 10^5-point grid at 1000 and 10^4 steps and the
10^6-point grid at 1000 steps. Prints a markdown table, the bytes per grid point (least squares
over P) and the peak RSS against steps.

  /usr/bin/python3 bench/scaling/grid_memory.py [--binary build/srlif] [--threads 2]
"""
import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scaling import REPO, duration_for, run_once, slope  # noqa: E402

GRIDS = [(10, 100), (100, 100), (100, 1000), (1000, 1000)]  # sigma values x amplitude values


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=str(REPO / "build" / "srlif"))
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="srlif_grid_memory_"))
    rows = []
    runs = [(g, 100) for g in GRIDS] + [(GRIDS[2], 1000), (GRIDS[2], 10000), (GRIDS[-1], 1000)]
    for (sigmas, amplitudes), steps in runs:
        run_args = ["--sigma", f"0:60:{sigmas}", "--amplitude", f"0:20:{amplitudes}", "--bias", "178",
                    "--neurons", "8", "--duration", duration_for(steps), "--min-spikes", "0"]
        r = run_once(Path(args.binary), run_args, workdir, args.threads)
        r["steps"] = steps
        rows.append(r)
        print(f"  {r['grid_points']:>9,} points x {steps} steps: {r['peak_rss_mib']:8.1f} MiB, "
              f"{r['process_seconds']:.2f} s", file=sys.stderr, flush=True)
    print("| grid points | neurons per point | steps | peak RSS MiB | process s |")
    print("|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['grid_points']:,} | 8 | {r['steps']:,} | {r['peak_rss_mib']:.1f} | {r['process_seconds']:.2f} |")
    at_100 = [r for r in rows if r["steps"] == 100]
    xs = [r["grid_points"] for r in at_100]
    ys = [r["peak_rss_mib"] * 2**20 for r in at_100]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    per_point = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    print(f"\nbytes per grid point (least squares, 100 steps): {per_point:.0f}")
    print(f"log-log slope of peak RSS against grid points (10^4 .. 10^6): "
          f"{slope(xs[1:], [r['peak_rss_mib'] for r in at_100[1:]]):.3f}")
    for points in (10**5, 10**6):
        by_steps = [(r["steps"], r["peak_rss_mib"]) for r in rows if r["grid_points"] == points]
        print(f"peak RSS against steps, {points:,} points: " +
              ", ".join(f"{steps:,} steps {mib:.1f} MiB" for steps, mib in by_steps))


if __name__ == "__main__":
    main()
