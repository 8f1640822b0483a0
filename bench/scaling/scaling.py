#!/usr/bin/env python3
"""Scaling of `srlif sweep`: cost linear in neurons x steps x grid points, memory independent of steps.

Each measurement is one `srlif sweep` in a fresh child process. Wall time and work come from the
run's own run.json (wall_seconds: the simulation, without process start-up and output;
neuron_steps; neuron_steps_per_second); the peak resident set size is the child's ru_maxrss as
reported by GNU time (/usr/bin/time -f %M, which forks srlif from its own small image), so every
run has its own maximum. Runs shorter than --repeat-below seconds are repeated (--repeats times)
and the fastest is kept. Before each run the script waits until the machine is idle (other
processes < 10 % of the CPUs, from /proc/stat), and a run of 0.5 s or more during which other
processes used more than 10 % of the CPUs is retried (up to 3 times); the tables give that
background load ("bg %").

Series (dt = 0.1 ms, so steps = duration / 0.1 ms - 1; sigma 30, A 20, I_bias 178, CPU backend):
  (a) neurons  N = 1e3 ... 1e7 at 1 grid point, steps chosen so that N x steps ~ 2e9
      (at least 1000 steps, so N = 1e7 does 1e10 neuron-steps);
  (b) steps    1e3 ... 1e6 at N = 1e4, 1 grid point: wall time linear, peak RSS flat;
  (c) points   P = 1 ... 256 (a sigma list 0:60:P) at N = 1e4 and 1000 steps, with the
      default common random numbers (the points of one neuron share its noise) and with
      --decorrelate (every point draws its own noise);
  (d) N = 1e5 x P = 256 points, more than the 8 Mi neurons srlif keeps in flight by default:
      the points run in batches of 83 and the peak RSS stops growing with P.
Besides the wall time the tables give the CPU time (user + system) of the whole process.

Outputs: markdown tables and log-log slopes on stdout; scaling.csv and scaling.md in --out-dir
(default /tmp/srlif_scaling); with --figure, docs/figures/scaling.png (or --figure PATH).

Usage (from anywhere; paths default relative to the repository root):
  /usr/bin/python3 bench/scaling/scaling.py --figure
  /usr/bin/python3 bench/scaling/scaling.py --quick      # smoke test, ~20x less work
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
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DT_MS = 0.1
FIXED = ["--amplitude", "20", "--bias", "178"]

NEURONS_A = [10**3, 10**4, 10**5, 10**6, 10**7]
WORK_A = 2e9          # target neuron-steps per run of series (a)
MIN_STEPS = 1000
STEPS_B = [10**3, 10**4, 10**5, 10**6]
NEURONS_B = 10**4
POINTS_C = [1, 4, 16, 64, 256]
NEURONS_C = 10**4
STEPS_C = 1000
NEURONS_D = 10**5     # (d) N x P = 2.56e7 > 8 Mi neurons in flight: automatic batches of 83 points
POINTS_D = 256
IN_FLIGHT = 8 << 20   # srlif's automatic cap on neurons in flight (src/planning/sweep_plan.cpp)


def duration_for(steps):
    """Duration in ms that gives `steps` time steps (samples = duration / dt, steps = samples - 1)."""
    return f"{(steps + 1) * DT_MS:.1f}"


GNU_TIME = Path("/usr/bin/time")
CPUS = os.cpu_count() or 1
TICK = os.sysconf("SC_CLK_TCK")


def cpu_busy_seconds():
    """CPU-seconds spent busy (all CPUs together) since boot, from /proc/stat."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / TICK


def wait_until_idle(threshold, timeout):
    """Waits (up to `timeout` s) until the machine is busy less than `threshold` of its CPUs."""
    start = time.perf_counter()
    while True:
        before = cpu_busy_seconds()
        time.sleep(0.5)
        busy = (cpu_busy_seconds() - before) / (0.5 * CPUS)
        if busy < threshold:
            return busy
        if time.perf_counter() - start > timeout:
            print(f"  still {100 * busy:.0f} % busy after {timeout:.0f} s; measuring anyway", file=sys.stderr)
            return busy
        print(f"  machine {100 * busy:.0f} % busy; waiting", file=sys.stderr, flush=True)
        time.sleep(10)


def run_once(binary, args, workdir, threads):
    out = Path(tempfile.mkdtemp(prefix="run_", dir=workdir))
    cmd = [str(binary), "sweep", *args, "--backend", "cpu", "--threads", str(threads), "--quiet",
           "--out", str(out)]
    rss_file = out.with_suffix(".rss")
    # The peak RSS is the child's ru_maxrss. On Linux a process's ru_maxrss keeps the high-water
    # mark of the process it was forked from (exec does not reset it), so a child forked from this
    # Python interpreter reports at least the interpreter's ~14 MiB. GNU time forks srlif from its
    # own small image (~1 MiB) and reports srlif's ru_maxrss (%M, KiB); without it, the child's own
    # rusage from os.wait4 is used, floored at the interpreter's size.
    wrapped = ([str(GNU_TIME), "-f", "%M", "-o", str(rss_file)] + cmd) if GNU_TIME.exists() else cmd
    with tempfile.TemporaryFile() as log:
        busy_before = cpu_busy_seconds()
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)  # rusage of the child and its reaped children
        process_seconds = time.perf_counter() - start
        busy = cpu_busy_seconds() - busy_before
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            log.seek(0)
            sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{log.read().decode(errors='replace')}")
    if GNU_TIME.exists():
        rss_kib = int(rss_file.read_text().split()[-1])
        rss_file.unlink()
    else:
        rss_kib = usage.ru_maxrss
    run = json.loads((out / "run.json").read_text())
    shutil.rmtree(out, ignore_errors=True)
    # CPU used by other processes while srlif ran, as a fraction of all CPUs (clock ticks of 10 ms:
    # meaningful for runs of a second or more).
    background = max(0.0, busy - usage.ru_utime - usage.ru_stime) / (CPUS * process_seconds)
    return {
        "background": background,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "wall_seconds": float(run["wall_seconds"]),
        "process_seconds": process_seconds,
        "neuron_steps": int(run["neuron_steps"]),
        "neuron_steps_per_second": float(run["neuron_steps_per_second"]),
        "peak_rss_mib": rss_kib / 1024.0,
        "grid_points": int(run["grid_points"]),
        "noise": run.get("noise", ""),
        "command": " ".join(cmd[:1] + ["sweep"] + args),
    }


def measure(binary, args, workdir, threads, repeats, repeat_below, max_background=0.1, idle_timeout=300,
            attempts=3):
    """Best of `repeats` runs for short runs; a run during which other processes used more than
    `max_background` of the CPUs is discarded and retried (up to `attempts` times)."""
    def clean_run():
        worst = None
        for attempt in range(attempts):
            wait_until_idle(max_background, idle_timeout)
            r = run_once(binary, args, workdir, threads)
            if r["process_seconds"] < 0.5 or r["background"] <= max_background:
                return r
            print(f"  background load {100 * r['background']:.0f} % of the CPUs during the run "
                  f"({r['wall_seconds']:.2f} s); retrying", file=sys.stderr, flush=True)
            if worst is None or r["background"] < worst["background"]:
                worst = r
            time.sleep(10)
        return worst

    best = clean_run()
    rss = best["peak_rss_mib"]
    tries = 1
    while tries < repeats and best["wall_seconds"] < repeat_below:
        again = clean_run()
        rss = max(rss, again["peak_rss_mib"])
        if again["wall_seconds"] < best["wall_seconds"]:
            best = again
        tries += 1
    best["peak_rss_mib"] = rss
    best["runs"] = tries
    return best


def slope(xs, ys):
    """Least-squares slope of log y against log x."""
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    sxx = sum((x - mx) ** 2 for x in lx)
    return sum((x - mx) * (y - my) for x, y in zip(lx, ly)) / sxx if sxx > 0 else float("nan")


def sci(x, digits=2):
    if x == 0:
        return "0"
    exp = int(math.floor(math.log10(abs(x))))
    mant = x / 10**exp
    if round(mant, digits - 1) >= 10:
        mant, exp = mant / 10, exp + 1
    return f"{mant:.{digits - 1}f}e{exp}"


def table(rows):
    lines = ["| neurons N | steps | points | noise | neuron-steps | seconds | neuron-steps/s | "
             "ns / neuron-step | CPU ns / neuron-step | peak RSS MiB | bg % |",
             "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['neurons']:,} | {r['steps']:,} | {r['points']} | {r['noise']} | "
                     f"{sci(r['neuron_steps'])} | {r['wall_seconds']:.3f} | "
                     f"{sci(r['neuron_steps_per_second'])} | "
                     f"{1e9 * r['wall_seconds'] / r['neuron_steps']:.2f} | "
                     f"{1e9 * r['cpu_seconds'] / r['neuron_steps']:.2f} | {r['peak_rss_mib']:.1f} | "
                     f"{100 * r['background']:.0f} |")
    return "\n".join(lines)


def draw(path, series, baseline_mib):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    a, b, cc, cd, d = (series[k] for k in ("a", "b", "c_common", "c_decorrelated", "d"))
    series = {k: series[k] for k in ("a", "b", "c_common", "c_decorrelated")}
    # Bytes per neuron in flight, from the largest run of (a).
    fit_bytes = (a[-1]["peak_rss_mib"] - baseline_mib) * 2**20 / (a[-1]["neurons"] * a[-1]["points"])
    fig, axes = plt.subplots(2, 3, figsize=(15, 9))
    styles = {"a": ("o-", "C0", "(a) neurons N, 1 point"),
              "b": ("s-", "C1", "(b) steps, N = 1e4, 1 point"),
              "c_common": ("^-", "C2", "(c) points P, common noise"),
              "c_decorrelated": ("v-", "C3", "(c) points P, own noise per point")}

    ax = axes[0, 0]
    all_work = []
    for key, rows in series.items():
        marker, color, label = styles[key]
        xs = [r["neuron_steps"] for r in rows]
        ys = [r["wall_seconds"] for r in rows]
        all_work += xs
        ax.loglog(xs, ys, marker, color=color, label=f"{label} (slope {slope(xs, ys):.2f})")
    ref_rate = b[-1]["neuron_steps"] / b[-1]["wall_seconds"]
    lo, hi = min(all_work) / 2, max(all_work) * 2
    ax.loglog([lo, hi], [lo / ref_rate, hi / ref_rate], "k--", lw=1,
              label=f"slope 1 ({sci(ref_rate)} neuron-steps/s)")
    ax.set_xlabel("neuron-steps (neurons x steps x points)")
    ax.set_ylabel("wall time, s (run.json)")
    ax.set_title("Wall time vs work")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)

    def cost(rows, key="wall_seconds", divide=1):
        return [1e9 * r[key] / divide / r["neuron_steps"] for r in rows]

    threads = a[0]["threads"]
    cpu_label = f"CPU time / {threads} threads"

    ax = axes[0, 1]
    ax.semilogx([r["neurons"] for r in a], cost(a), "o-", color="C0", label="(a) vs neurons N")
    ax.semilogx([r["steps"] for r in b], cost(b), "s-", color="C1", label="(b) vs steps")
    ax.semilogx([r["neurons"] for r in a], cost(a, "cpu_seconds", threads), "o:", color="C0", alpha=0.5,
                label=f"(a) {cpu_label}")
    ax.semilogx([r["steps"] for r in b], cost(b, "cpu_seconds", threads), "s:", color="C1", alpha=0.5,
                label=f"(b) {cpu_label}")
    ax.set_xlabel("neurons N  /  steps")
    ax.set_ylabel("ns per neuron-step (solid: wall time)")
    ax.set_ylim(bottom=0)
    ax.set_title("Cost per neuron-step, 1 grid point: (a) and (b)")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)

    ax = axes[0, 2]
    ax.semilogx([r["points"] for r in cc], cost(cc), "^-", color="C2", label="common noise (default)")
    ax.semilogx([r["points"] for r in cd], cost(cd), "v-", color="C3",
                label="own noise per point (--decorrelate)")
    ax.semilogx([r["points"] for r in cc], cost(cc, "cpu_seconds", threads), "^:", color="C2", alpha=0.5,
                label=f"common, {cpu_label}")
    ax.semilogx([r["points"] for r in cd], cost(cd, "cpu_seconds", threads), "v:", color="C3", alpha=0.5,
                label=f"own noise, {cpu_label}")
    ax.set_xlabel(f"grid points P (N = {cc[0]['neurons']:,}, {cc[0]['steps']:,} steps)")
    ax.set_ylabel("ns per neuron-step (solid: wall time)")
    ax.set_ylim(bottom=0)
    ax.set_title("Cost per neuron-step vs grid points")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)

    ax = axes[1, 0]
    ax.loglog([r["steps"] for r in b], [r["peak_rss_mib"] for r in b], "s-", color="C1",
              label="(b) N = 1e4, 1 point")
    ax.set_ylim(1, 1000)
    ax.set_xlabel("steps")
    ax.set_ylabel("peak RSS, MiB")
    ax.set_title("Peak memory vs steps")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)

    def state_line(ax, xs, neurons_per_x, bytes_per_neuron, style, label):
        """baseline + bytes_per_neuron x (x * neurons_per_x) neurons in flight."""
        grid = [min(xs) * 10 ** (i / 20) for i in range(int(20 * math.log10(max(xs) / min(xs))) + 1)]
        ax.loglog(grid, [baseline_mib + x * neurons_per_x * bytes_per_neuron / 2**20 for x in grid],
                  style, color="k", lw=1, label=label)

    ax = axes[1, 1]
    ns = [r["neurons"] for r in a]
    ax.loglog(ns, [r["peak_rss_mib"] for r in a], "o-", color="C0", label="(a) 1 point")
    state_line(ax, ns, 1, 32, ":", f"{baseline_mib:.0f} MiB + 32 B x N (neuron state)")
    state_line(ax, ns, 1, fit_bytes, "--", f"{baseline_mib:.0f} MiB + {fit_bytes:.0f} B x N (fit)")
    ax.set_xlabel("neurons N")
    ax.set_ylabel("peak RSS, MiB")
    ax.set_title("Peak memory vs neurons")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)

    ax = axes[1, 2]
    ps = [r["points"] for r in cc]
    ax.loglog(ps, [r["peak_rss_mib"] for r in cc], "^-", color="C2", label="common noise")
    ax.loglog([r["points"] for r in cd], [r["peak_rss_mib"] for r in cd], "v--", color="C3",
              label="own noise per point (--decorrelate)")
    state_line(ax, ps, cc[0]["neurons"], 32, ":", f"{baseline_mib:.0f} MiB + 32 B x N x P (neuron state)")
    state_line(ax, ps, cc[0]["neurons"], fit_bytes, "--", f"{baseline_mib:.0f} MiB + {fit_bytes:.0f} B x N x P")
    for r in d:
        batch = min(r["points"], max(1, IN_FLIGHT // r["neurons"]))
        ax.loglog([r["points"]], [r["peak_rss_mib"]], "*", color="C4", ms=12,
                  label=f"N = {r['neurons']:,}: batches of {batch} points")
    ax.set_xlabel(f"grid points P (N = {cc[0]['neurons']:,}, all in flight)")
    ax.set_ylabel("peak RSS, MiB")
    ax.set_title("Peak memory vs grid points")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)

    fig.suptitle("srlif sweep scaling, CPU backend (dt 0.1 ms, sigma 30, A 20, I_bias 178)")
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=str(REPO / "build" / "srlif"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out-dir", default="/tmp/srlif_scaling")
    parser.add_argument("--figure", nargs="?", const=str(REPO / "docs" / "figures" / "scaling.png"),
                        default=None, help="write the figure (default docs/figures/scaling.png)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of a short configuration (best kept)")
    parser.add_argument("--repeat-below", type=float, default=2.0,
                        help="repeat runs whose wall time is below this many seconds")
    parser.add_argument("--max-background", type=float, default=0.1,
                        help="largest CPU share of other processes tolerated during a run (default 0.1)")
    parser.add_argument("--idle-timeout", type=float, default=300,
                        help="seconds to wait for an idle machine before each run (default 300)")
    parser.add_argument("--quick", action="store_true", help="smoke test: ~20x less work")
    args = parser.parse_args()

    binary = Path(args.binary)
    if not binary.exists():
        sys.exit(f"no binary at {binary}; build it first (bash scripts/build.sh)")
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="srlif_scaling_"))
    scale = 20 if args.quick else 1

    def go(series, first_key, first_value, neurons, steps, points, decorrelate=False):
        sigma = "30" if points == 1 else f"0:60:{points}"
        run_args = ["--sigma", sigma, *FIXED, "--neurons", str(neurons), "--duration", duration_for(steps)]
        if decorrelate:
            run_args.append("--decorrelate")
        r = measure(binary, run_args, workdir, args.threads, args.repeats, args.repeat_below,
                    args.max_background, args.idle_timeout)
        expected = neurons * steps * points
        if r["neuron_steps"] != expected:
            sys.exit(f"run.json reports {r['neuron_steps']} neuron-steps, expected {expected}: {r['command']}")
        r.update(series=series, threads=args.threads, neurons=neurons, steps=steps, points=points,
                 noise="decorrelated" if decorrelate else "common")
        print(f"  {series:15s} {first_key}={first_value:<9,} {sci(r['neuron_steps'])} neuron-steps "
              f"{r['wall_seconds']:7.3f} s  {sci(r['neuron_steps_per_second'])}/s  "
              f"{r['peak_rss_mib']:7.1f} MiB  ({r['runs']} run{'s' if r['runs'] > 1 else ''}, "
              f"background {100 * r['background']:.0f} %)",
              file=sys.stderr, flush=True)
        return r

    t0 = time.perf_counter()
    # Start-up footprint: the smallest run (1 neuron block, 1 point, 1000 steps).
    base = measure(binary, ["--sigma", "30", *FIXED, "--neurons", "8", "--duration", duration_for(1000)],
                   workdir, args.threads, 3, 1e9, 2.0, 0)
    baseline_mib = base["peak_rss_mib"]
    print(f"baseline (8 neurons, 1000 steps): peak RSS {baseline_mib:.1f} MiB", file=sys.stderr)

    series = {"a": [], "b": [], "c_common": [], "c_decorrelated": []}
    print("(a) neurons", file=sys.stderr)
    for n in NEURONS_A:
        steps = max(MIN_STEPS, int(round(WORK_A / scale / n)))
        series["a"].append(go("a", "N", n, n, steps, 1))
    print("(b) steps", file=sys.stderr)
    for steps in (STEPS_B[:-1] if args.quick else STEPS_B):
        series["b"].append(go("b", "steps", steps, NEURONS_B, steps, 1))
    for decorrelate in (False, True):
        key = "c_decorrelated" if decorrelate else "c_common"
        print(f"(c) points, {'--decorrelate' if decorrelate else 'common noise'}", file=sys.stderr)
        for p in POINTS_C:
            n = NEURONS_C // scale
            series[key].append(go(key, "P", p, n, STEPS_C, p, decorrelate))
    # (d) more neurons in flight than the automatic batch (8 Mi neurons): the points run in batches.
    print("(d) batching", file=sys.stderr)
    n_d = NEURONS_D // scale
    series["d"] = [go("d", "P", POINTS_D, n_d, STEPS_C, POINTS_D)]
    elapsed = time.perf_counter() - t0

    # CSV
    fields = ["series", "neurons", "steps", "points", "noise", "neuron_steps", "wall_seconds",
              "process_seconds", "cpu_seconds", "neuron_steps_per_second", "peak_rss_mib", "runs", "background",
              "command"]
    with open(out_dir / "scaling.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for rows in series.values():
            for r in rows:
                writer.writerow(r)

    # Slopes
    a, b, cc, cd, d = (series[k] for k in ("a", "b", "c_common", "c_decorrelated", "d"))

    def fit(rows, per_step=False, keep=lambda r: True):
        """(wall, CPU) log-log slopes of time against neuron-steps, or of time per step against N."""
        rows = [r for r in rows if keep(r)]
        xs = [r["neurons"] if per_step else r["neuron_steps"] for r in rows]
        return tuple(slope(xs, [r[key] / (r["steps"] if per_step else 1) for r in rows])
                     for key in ("wall_seconds", "cpu_seconds"))

    slopes = [
        ("(a) time vs neuron-steps, N = 1e3..1e7", fit(a)),
        ("(a) time per step vs N, N = 1e3..1e7", fit(a, per_step=True)),
        ("(a) time per step vs N, N >= 1e5", fit(a, per_step=True, keep=lambda r: r["neurons"] >= 10**5)),
        ("(b) time vs neuron-steps, steps = 1e3..1e6", fit(b)),
        ("(b) time vs neuron-steps, steps >= 1e4", fit(b, keep=lambda r: r["steps"] >= 10**4)),
        ("(c) time vs neuron-steps, common noise, P = 1..256", fit(cc)),
        ("(c) time vs neuron-steps, common noise, P >= 16", fit(cc, keep=lambda r: r["points"] >= 16)),
        ("(c) time vs neuron-steps, --decorrelate, P = 1..256", fit(cd)),
        ("(c) time vs neuron-steps, --decorrelate, P >= 16", fit(cd, keep=lambda r: r["points"] >= 16)),
    ]
    rss_slope = slope([r["steps"] for r in b], [r["peak_rss_mib"] for r in b])

    def linear(rows):
        """wall time / (N x steps) = c0 + c1 x P in ns, least squares in relative error (weights 1/y^2)."""
        xs = [r["points"] for r in rows]
        ys = [1e9 * r["wall_seconds"] / (r["neurons"] * r["steps"]) for r in rows]
        ws = [1 / y**2 for y in ys]
        sw = sum(ws)
        mx = sum(w * x for w, x in zip(ws, xs)) / sw
        my = sum(w * y for w, y in zip(ws, ys)) / sw
        c1 = (sum(w * (x - mx) * (y - my) for w, x, y in zip(ws, xs, ys))
              / sum(w * (x - mx) ** 2 for w, x in zip(ws, xs)))
        return my - c1 * mx, c1
    # Memory per neuron in flight (all points of a sweep are in flight here: N x P <= 8 Mi).
    per_neuron = []
    for label, rows, key in (("(a) 1 point", a, "neurons"), ("(c) common", cc, "points"),
                             ("(c) decorrelated", cd, "points")):
        for r in rows:
            in_flight = r["neurons"] * r["points"]
            if in_flight >= 10**5:
                per_neuron.append((label, r[key], in_flight,
                                   (r["peak_rss_mib"] - baseline_mib) * 2**20 / in_flight))

    md = []
    md.append(f"binary: {binary}; threads: {args.threads}; baseline RSS (8 neurons): {baseline_mib:.1f} MiB; "
              f"measured in {elapsed:.0f} s\n")
    fit_bytes = (a[-1]["peak_rss_mib"] - baseline_mib) * 2**20 / a[-1]["neurons"]
    md.append("### (a) neurons, 1 grid point\n")
    md.append(table(a))
    md.append("\n### (b) steps, N = 10^4, 1 grid point\n")
    md.append(table(b))
    md.append("\n### (c) grid points, N = 10^4, 1000 steps\n")
    md.append(table(cc + cd))
    md.append("\n### log-log slopes\n")
    md.append("| series | slope, wall time | slope, CPU time |\n|---|---:|---:|")
    md += [f"| {label} | {w:.3f} | {c:.3f} |" for label, (w, c) in slopes]
    md.append(f"| (b) peak RSS vs steps | {rss_slope:.3f} | |")
    md.append("\n### wall time / (N x steps) = c0 + c1 x P, least squares (relative) over P = 1..256\n")
    md.append("| noise | c0, ns | c1, ns per point |\n|---|---:|---:|")
    for label, rows in (("common", cc), ("decorrelated", cd)):
        c0, c1 = linear(rows)
        md.append(f"| {label} | {c0:.2f} | {c1:.3f} |")
    md.append(f"\n### (d) more neurons than fit in flight ({IN_FLIGHT:,}): points run in batches\n")
    md.append(table(d))
    for r in d:
        batch = min(r["points"], max(1, IN_FLIGHT // r["neurons"]))
        md.append(f"\nbatches of {batch} points ({sci(batch * r['neurons'])} neurons in flight): "
                  f"{(r['peak_rss_mib'] - baseline_mib) * 2**20 / (batch * r['neurons']):.1f} bytes per neuron in "
                  f"flight; all {r['points']} points at once would need about "
                  f"{baseline_mib + r['neurons'] * r['points'] * fit_bytes / 2**20:.0f} MiB")
    md.append("\n### peak RSS above the 8-neuron baseline, per neuron in flight\n")
    md.append("| series | N or P | neurons in flight | bytes / neuron |\n|---|---:|---:|---:|")
    md += [f"| {label} | {x:,} | {sci(f)} | {bpn:.1f} |" for label, x, f, bpn in per_neuron]
    text = "\n".join(md) + "\n"
    print(text)
    (out_dir / "scaling.md").write_text(text)

    if args.figure:
        draw(args.figure, series, baseline_mib)
        print(f"figure: {args.figure}", file=sys.stderr)
    print(f"csv: {out_dir / 'scaling.csv'}", file=sys.stderr)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
