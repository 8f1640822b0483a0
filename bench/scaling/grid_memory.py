#!/usr/bin/env python3
"""Peak memory of a sweep against its grid points, the grid points in flight and the steps.

Each run is one `srlif sweep` (CPU backend) in a fresh process, peak RSS from GNU time (see
scaling.py, whose run_once this uses), 8 neurons per point (one lane block), sigma x amplitude
grids. Three series:
  - grid points P = 10^3 ... 10^6 at 100 steps, 10^4 points in flight (--batch-points 10000);
  - 10^6 grid points at 100 steps with 10^3 ... 10^6 points in flight;
  - 10^5 grid points, 10^4 in flight, at 10^2, 10^3 and 10^4 steps.
Prints a markdown table and the fitted bytes per grid point and per point in flight.

  /usr/bin/python3 bench/scaling/grid_memory.py [--binary build/srlif] [--threads 2]
"""
import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scaling import REPO, duration_for, run_once  # noqa: E402

GRIDS = {10**3: (10, 100), 10**4: (100, 100), 10**5: (100, 1000), 10**6: (1000, 1000)}  # sigma x amplitude
IN_FLIGHT = 10**4


def least_squares_slope(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=str(REPO / "build" / "srlif"))
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="srlif_grid_memory_"))
    runs = ([("grid points", points, IN_FLIGHT, 100) for points in GRIDS] +
            [("in flight", 10**6, batch, 100) for batch in (10**3, 10**5, 10**6)] +
            [("steps", 10**5, IN_FLIGHT, steps) for steps in (1000, 10000)])
    rows = []
    for series, points, batch, steps in runs:
        sigmas, amplitudes = GRIDS[points]
        run_args = ["--sigma", f"0:60:{sigmas}", "--amplitude", f"0:20:{amplitudes}", "--bias", "178",
                    "--neurons", "8", "--duration", duration_for(steps), "--min-spikes", "0",
                    "--batch-points", str(batch)]
        r = run_once(Path(args.binary), run_args, workdir, args.threads)
        r.update(series=series, batch=batch, steps=steps)
        rows.append(r)
        print(f"  {r['grid_points']:>9,} points, {batch:>9,} in flight, {steps:>6,} steps: "
              f"{r['peak_rss_mib']:8.1f} MiB, {r['process_seconds']:.2f} s", file=sys.stderr, flush=True)
    print("| grid points | in flight (--batch-points) | neurons per point | steps | peak RSS MiB | process s |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in sorted(rows, key=lambda r: (r["grid_points"], r["batch"], r["steps"])):
        print(f"| {r['grid_points']:,} | {r['batch']:,} | 8 | {r['steps']:,} | {r['peak_rss_mib']:.1f} | "
              f"{r['process_seconds']:.2f} |")
    by_points = [r for r in rows if r["batch"] == IN_FLIGHT and r["steps"] == 100]
    per_point = least_squares_slope([r["grid_points"] for r in by_points],
                                    [r["peak_rss_mib"] * 2**20 for r in by_points])
    by_flight = [r for r in rows if r["grid_points"] == 10**6 and r["steps"] == 100]
    per_flight = least_squares_slope([r["batch"] for r in by_flight],
                                     [r["peak_rss_mib"] * 2**20 for r in by_flight])
    print(f"\nbytes per grid point, {IN_FLIGHT:,} in flight (least squares, 10^3 .. 10^6 points): {per_point:.1f}")
    print(f"bytes per grid point in flight, 10^6 grid points (least squares, 10^3 .. 10^6 in flight): "
          f"{per_flight:.0f}")
    by_steps = [(r["steps"], r["peak_rss_mib"]) for r in rows
                if r["grid_points"] == 10**5 and r["batch"] == IN_FLIGHT]
    print("peak RSS against steps, 100,000 points: " +
          ", ".join(f"{steps:,} steps {mib:.1f} MiB" for steps, mib in sorted(by_steps)))


if __name__ == "__main__":
    main()
