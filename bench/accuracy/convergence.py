#!/usr/bin/env python3
"""Convergence of the stationary firing rate with the time step, for both schemes.

At A = 0 the LIF neuron driven by bias + white noise has a known stationary rate (the Siegert
formula, `srlif theory`). This script runs `srlif sweep` at a few (bias, sigma) points of the
noise-driven regime for dt in 0.4 ... 0.025 ms and both schemes (euler, exact), and reports the
relative rate error against Siegert with its standard error (rate_std_hz / sqrt(neurons)).
It also runs `srlif bench` for each scheme to give the cost per step.

Outputs (in --out-dir, default bench/accuracy/out):
  convergence.csv   one row per (scheme, dt, bias, sigma)
  convergence.md    the markdown table printed to stdout
  bench_euler.txt, bench_exact.txt   the raw `srlif bench` output
and, with --figure, docs/figures/accuracy_convergence.png (or --figure PATH).

Usage (from anywhere; paths default relative to the repository root):
  /usr/bin/python3 bench/accuracy/convergence.py --figure
  /usr/bin/python3 bench/accuracy/convergence.py --quick          # smoke test, ~10x fewer neurons
"""
import argparse
import csv
import io
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

DTS = [0.4, 0.2, 0.1, 0.05, 0.025]  # ms
SCHEMES = ["euler", "exact"]
# bias:sigma, Siegert 3.5, 10.9, 15.6, 20.7 Hz and two regular ~60 Hz points (260 pA). One sweep per
# (dt, scheme) runs the product of the biases and sigmas listed, so a full product (here 3 x 2)
# wastes nothing.
DEFAULT_POINTS = "178:40,178:60,190:40,190:60,260:40,260:60"
DURATION_MS = 40000.0
# Neurons per point at each dt (40 s each): the rate standard error is 0.16 % (dt 0.4 ms) to
# 0.33 % (dt 0.025 ms) at the slowest point (3.5 Hz) and 0.05-0.2 % at the others, well below
# euler's errors (2-20 %); 0.01 % at the 60 Hz points.
# The work per neuron grows as 1/dt, so small dt gets fewer neurons: 1.8e10 neuron-steps in all, counting each grid point
# (the grid points of one sweep share each neuron's noise). --quick divides the neurons by 10.
NEURONS = {0.4: 2000, 0.2: 1500, 0.1: 1000, 0.05: 750, 0.025: 500}
RESOLVED_SE = 2.0  # an error is "resolved" when |error| > 2 standard errors


def parse_points(text):
    points = []
    for item in text.split(","):
        bias, sigma = item.split(":")
        points.append((float(bias), float(sigma)))
    return points


def fmt_axis(values):
    return ",".join(repr(v) if v != int(v) else str(int(v)) for v in values)


def run(cmd, **kwargs):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{proc.stderr}")
    return proc.stdout


def wait_for(srlif):
    # build/ may be briefly missing while someone rebuilds: wait a little before giving up.
    for _ in range(60):
        if srlif.is_file() and os.access(srlif, os.X_OK):
            return
        time.sleep(5)
    sys.exit(f"srlif binary not found: {srlif}")


def read_csv(text_or_path):
    if isinstance(text_or_path, Path):
        with open(text_or_path, newline="") as handle:
            return list(csv.DictReader(handle))
    return list(csv.DictReader(io.StringIO(text_or_path)))


def siegert_rates(srlif, points):
    biases = sorted({b for b, _ in points})
    sigmas = sorted({s for _, s in points})
    out = run([str(srlif), "theory", "--bias", fmt_axis(biases), "--sigma", fmt_axis(sigmas)])
    rates = {}
    for row in read_csv(out):
        rates[(float(row["bias"]), float(row["sigma"]))] = float(row["rate_hz"])
    return rates


# Siegmund's correction: a Brownian path watched only at grid points crosses a level b about
# as often as a continuously watched one crosses b + rho*s, s the per-step noise std and
# rho = -zeta(1/2)/sqrt(2 pi) = 0.5826. For the euler step s = sigma_V sqrt(dt/tau_m) with
# sigma_V = sigma/(g_L sqrt(tau_m)) (docs/theory.md), so the Siegert rate at V_th + rho*s is a
# prediction of euler's rate to leading order, O(sqrt(dt)).
RHO = 0.5825971579390106
V_TH, TAU_M, G_L = -55.0, 10.0, 10.0  # the reference neuron (DESIGN.md section 1)


def euler_shift_rates(srlif, points, dt):
    rates = {}
    for bias, sigma in points:
        shift = RHO * sigma / (G_L * math.sqrt(TAU_M)) * math.sqrt(dt / TAU_M)
        out = run([str(srlif), "theory", "--bias", fmt_axis([bias]), "--sigma", fmt_axis([sigma]),
                   "--v-th", repr(V_TH + shift)])
        rates[(bias, sigma)] = float(read_csv(out)[0]["rate_hz"])
    return rates


def sweep(srlif, points, dt, scheme, neurons, duration, seed, out_dir):
    biases = sorted({b for b, _ in points})
    sigmas = sorted({s for _, s in points})
    cmd = [str(srlif), "sweep", "--sigma", fmt_axis(sigmas), "--amplitude", "0",
           "--bias", fmt_axis(biases), "--neurons", str(neurons), "--duration", repr(duration),
           "--dt", repr(dt), "--scheme", scheme, "--seed", str(seed), "--quiet", "--out", str(out_dir)]
    start = time.monotonic()
    run(cmd)
    wall = time.monotonic() - start
    rows = {}
    for row in read_csv(out_dir / "points.csv"):
        rows[(float(row["bias"]), float(row["sigma"]))] = row
    return rows, wall


def bridge_check(dt, bias, sigma, neurons, duration, nu, seed=7):
    """A float64 NumPy re-implementation of the exact step (A = 0) run twice on the same random
    numbers: with the engine's bridge variance s^2 (the step's OU variance), and with
    s^2 e^{dt/tau_m}, the variance of the time-changed Brownian motion that the OU bridge is
    (X_t - mu = e^{-t/tau}(x_0 - mu + M_t), M a Brownian motion in the clock Var M_t; the
    boundary for M is V_th's image, straight to O(dt^2)). Returns both relative errors with
    their standard errors and the paired difference."""
    import numpy as np

    v_reset, e_leak, t_ref = -75.0, -75.0, 2.0
    mu = e_leak + bias / G_L
    decay = math.exp(-dt / TAU_M)
    s2 = sigma ** 2 * (1 - math.exp(-2 * dt / TAU_M)) / (2 * G_L ** 2 * TAU_M)
    half = np.array([[s2 / 2], [s2 * math.exp(dt / TAU_M) / 2]])
    n_ref = int(round(t_ref / dt))
    rng = np.random.default_rng(seed)
    v = np.full((2, neurons), v_reset)
    refractory = np.zeros((2, neurons), dtype=np.int64)
    count = np.zeros((2, neurons))
    for _ in range(int(math.ceil(duration / dt)) - 1):
        z = rng.standard_normal(neurons)
        u = rng.random(neurons)
        free = decay * v + (1 - decay) * mu + math.sqrt(s2) * z
        held = refractory > 0
        below = ~held & (v < V_TH)
        bridge = below & (free < V_TH) & (u < np.exp(-(V_TH - v) * (V_TH - free) / half))
        spike = (below & (free >= V_TH)) | bridge
        v = np.where(held | spike, v_reset, free)
        refractory = np.where(held, refractory - 1, np.where(spike, n_ref - 1, refractory))
        count += spike
    rate = count / (duration / 1000.0)
    result = [((r.mean() - nu) / nu, r.std() / math.sqrt(neurons) / nu) for r in rate]
    diff = rate[1] - rate[0]
    result.append((diff.mean() / nu, diff.std() / math.sqrt(neurons) / nu))
    return result


BENCH_LINE = re.compile(r"^(cpu, \d+ threads?|cuda)\s+([0-9.eE+-]+) neuron-steps/s")


def bench(srlif, scheme, quick, out_dir, round_index):
    cmd = [str(srlif), "bench", "--scheme", scheme, "--repeat", "2"]
    if quick:
        cmd += ["--neurons", "1000"]
    text = run(cmd)
    with open(out_dir / f"bench_{scheme}.txt", "w" if round_index == 0 else "a") as handle:
        handle.write(f"# round {round_index + 1}: srlif " + " ".join(cmd[1:]) + "\n" + text)
    rates = {}
    for line in text.splitlines():
        match = BENCH_LINE.match(line.strip())
        if match:
            rates[match.group(1)] = float(match.group(2))
    return rates


def slope(xs, ys):
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)


def draw(records, points, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8.4, 5.0), dpi=130)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    style = {"euler": ("o", "-"), "exact": ("s", "--")}
    floor = 1e-5
    for scheme in SCHEMES:
        marker, line = style[scheme]
        for index, (bias, sigma) in enumerate(points):
            rows = sorted((r for r in records if r["scheme"] == scheme and r["bias"] == bias
                           and r["sigma"] == sigma), key=lambda r: r["dt_ms"])
            color = colors[index % len(colors)]
            dts = [r["dt_ms"] for r in rows]
            errs = [max(abs(r["rel_error"]), floor) for r in rows]
            ses = [r["rel_se"] for r in rows]
            lower = [min(se, e - floor) for e, se in zip(errs, ses)]
            ax.plot(dts, errs, line, color=color, lw=1.2, alpha=0.8)
            ax.errorbar(dts, errs, yerr=[lower, ses], fmt="none", ecolor=color, elinewidth=1, capsize=2)
            for r, e in zip(rows, errs):
                resolved = abs(r["rel_error"]) > RESOLVED_SE * r["rel_se"]
                ax.plot([r["dt_ms"]], [e], marker, ms=6, color=color,
                        mfc=color if resolved else "white", mec=color, mew=1.3)
    grid = [min(DTS), max(DTS)]
    # guide lines: a sqrt(dt) slope through euler's mean error at dt 0.1, and the reset term
    # nu*dt/2 of the fastest point (the exact scheme's known residual).
    euler_01 = [abs(r["rel_error"]) for r in records if r["scheme"] == "euler" and r["dt_ms"] == 0.1]
    if euler_01:
        ref = math.exp(sum(math.log(e) for e in euler_01) / len(euler_01))
        ax.plot(grid, [ref * math.sqrt(d / 0.1) for d in grid], ":", color="0.4", lw=1.5,
                label=r"$\propto\sqrt{dt}$")
    fastest = max(records, key=lambda r: r["siegert_hz"])
    nu = fastest["siegert_hz"] / 1000.0
    ax.plot(grid, [nu * d / 2 for d in grid], "-.", color="0.55", lw=1.2,
            label=f"$\\nu\\,dt/2$, $\\nu$ = {fastest['siegert_hz']:.1f} Hz\n(reset on the grid)")
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=colors[i % len(colors)], lw=2, label=f"bias {b:g} pA, $\\sigma$ {s:g}")
               for i, (b, s) in enumerate(points)]
    handles += [Line2D([], [], color="0.2", ls="-", marker="o", label="euler"),
                Line2D([], [], color="0.2", ls="--", marker="s", label="exact"),
                Line2D([], [], color="0.2", ls="none", marker="s", mfc="white", label="|error| < 2 SE")]
    handles += ax.get_legend_handles_labels()[0]
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(DTS)
    ax.set_xticklabels([f"{d:g}" for d in DTS])
    ax.minorticks_off()
    ax.set_ylim(bottom=3e-5)
    ax.set_xlabel("time step dt (ms)")
    ax.set_ylabel("|relative rate error| vs Siegert")
    ax.set_title("Stationary rate at A = 0 vs the Siegert formula", fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(handles=handles, fontsize=7.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.png")
    fig.savefig(tmp)
    os.replace(tmp, path)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--srlif", default=str(REPO / "build" / "srlif"), help="srlif binary (default build/srlif)")
    parser.add_argument("--out-dir", default=str(REPO / "bench" / "accuracy" / "out"))
    parser.add_argument("--figure", nargs="?", const=str(REPO / "docs" / "figures" / "accuracy_convergence.png"),
                        default=None, help="draw the figure (default path docs/figures/accuracy_convergence.png)")
    parser.add_argument("--quick", action="store_true", help="10x fewer neurons, small bench (smoke test)")
    parser.add_argument("--points", default=DEFAULT_POINTS, help=f"bias:sigma list (default {DEFAULT_POINTS})")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-bench", action="store_true", help="skip srlif bench")
    parser.add_argument("--bench-rounds", type=int, default=2,
                        help="rounds of (bench euler, bench exact), alternated; the best of each counts (default 2)")
    parser.add_argument("--bridge-check", action="store_true",
                        help="also run a NumPy re-implementation of the exact step at dt 0.4 ms with the engine's "
                             "bridge variance s^2 and with s^2 e^{dt/tau_m} (about 2 minutes on 2 cores)")
    parser.add_argument("--keep-runs", action="store_true", help="keep each sweep's output under OUT_DIR/runs")
    args = parser.parse_args()

    srlif = Path(args.srlif)
    if not srlif.is_absolute():
        srlif = (Path.cwd() / srlif) if (Path.cwd() / srlif).exists() else (REPO / srlif)
    wait_for(srlif)
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    points = parse_points(args.points)
    theory = siegert_rates(srlif, points)

    runs_dir = out_dir / "runs" if args.keep_runs else Path(tempfile.mkdtemp(prefix="srlif_accuracy_"))
    records = []
    total_start = time.monotonic()
    try:
        for dt in DTS:
            neurons = max(NEURONS[dt] // (10 if args.quick else 1), 20)
            for scheme in SCHEMES:
                run_dir = runs_dir / f"dt{dt:g}_{scheme}"
                shifted = euler_shift_rates(srlif, points, dt)
                rows, wall = sweep(srlif, points, dt, scheme, neurons, DURATION_MS, args.seed, run_dir)
                print(f"  dt {dt:g} ms, {scheme}: {neurons} neurons x {DURATION_MS / 1000:g} s, {wall:.1f} s",
                      file=sys.stderr)
                for bias, sigma in points:
                    row = rows[(bias, sigma)]
                    rate = float(row["mean_rate_hz"])
                    n = int(row["neurons"])
                    se = float(row["rate_std_hz"]) / math.sqrt(n)
                    nu = theory[(bias, sigma)]
                    records.append({
                        "scheme": scheme, "dt_ms": dt, "bias": bias, "sigma": sigma,
                        "neurons": n, "duration_ms": DURATION_MS, "seed": args.seed,
                        "siegert_hz": nu, "rate_hz": rate, "rate_se_hz": se,
                        "rel_error": (rate - nu) / nu, "rel_se": se / nu,
                        "z": (rate - nu) / se if se > 0 else float("nan"),
                        "reset_term": nu / 1000.0 * dt / 2.0,
                        "euler_shift_prediction": shifted[(bias, sigma)] / nu - 1.0,
                    })
    finally:
        if not args.keep_runs:
            shutil.rmtree(runs_dir, ignore_errors=True)
    sweep_wall = time.monotonic() - total_start

    fields = list(records[0].keys())
    csv_path = out_dir / "convergence.csv"
    with open(csv_path.with_suffix(".csv.tmp"), "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for r in records:
            writer.writerow({k: (repr(v) if isinstance(v, float) else v) for k, v in r.items()})
    os.replace(csv_path.with_suffix(".csv.tmp"), csv_path)

    lines = []
    lines.append("Relative rate error vs Siegert, % (± 1 standard error); A = 0, "
                 f"{DURATION_MS / 1000:g} s per neuron, neurons per point: "
                 + ", ".join(f"{max(NEURONS[d] // (10 if args.quick else 1), 20)} at dt {d:g}" for d in DTS)
                 + "; * = |error| > 2 SE")
    lines.append("")
    header = "| bias (pA) | σ | Siegert (Hz) | scheme | " + " | ".join(f"dt {d:g} ms" for d in DTS) + " | slope |"
    lines.append(header)
    lines.append("|" + "---|" * (5 + len(DTS)))
    for bias, sigma in points:
        for scheme in SCHEMES:
            rows = sorted((r for r in records if r["scheme"] == scheme and r["bias"] == bias
                           and r["sigma"] == sigma), key=lambda r: -r["dt_ms"])
            cells = []
            for r in rows:
                mark = "*" if abs(r["rel_error"]) > RESOLVED_SE * r["rel_se"] else ""
                cells.append(f"{100 * r['rel_error']:+.2f} ± {100 * r['rel_se']:.2f}{mark}")
            resolved = all(abs(r["rel_error"]) > RESOLVED_SE * r["rel_se"] for r in rows)
            s = f"{slope([r['dt_ms'] for r in rows], [abs(r['rel_error']) for r in rows]):.2f}" if resolved else "—"
            lines.append(f"| {bias:g} | {sigma:g} | {theory[(bias, sigma)]:.3f} | {scheme} | "
                         + " | ".join(cells) + f" | {s} |")
    lines.append("")
    lines.append("euler predicted by the Siegert rate with V_th raised by 0.5826·σ_V·√(dt/τ_m) "
                 "(Siegmund's correction for a path watched at grid points), %:")
    lines.append("")
    lines.append("| bias (pA) | σ | " + " | ".join(f"dt {d:g} ms" for d in DTS) + " |")
    lines.append("|" + "---|" * (2 + len(DTS)))
    for bias, sigma in points:
        pred = {r["dt_ms"]: r["euler_shift_prediction"] for r in records
                if r["scheme"] == "euler" and r["bias"] == bias and r["sigma"] == sigma}
        lines.append(f"| {bias:g} | {sigma:g} | " + " | ".join(f"{100 * pred[d]:+.2f}" for d in DTS) + " |")
    lines.append("")
    lines.append("Reset-on-the-grid term ν·dt/2 (the exact scheme's residual before its reset off the grid), %:")
    lines.append("")
    lines.append("| bias (pA) | σ | " + " | ".join(f"dt {d:g} ms" for d in DTS) + " |")
    lines.append("|" + "---|" * (2 + len(DTS)))
    for bias, sigma in points:
        nu = theory[(bias, sigma)]
        lines.append(f"| {bias:g} | {sigma:g} | " + " | ".join(f"{100 * nu / 1000 * d / 2:.3f}" for d in DTS) + " |")
    lines.append("")
    lines.append(f"Sweeps: {sweep_wall:.1f} s wall in all.")

    if not args.no_bench:
        # Alternate the schemes and keep the best of every round, so that load from other jobs on
        # the machine (which only ever slows a run down) biases neither scheme.
        rounds = []
        for index in range(max(args.bench_rounds, 1)):
            rounds.append({scheme: bench(srlif, scheme, args.quick, out_dir, index) for scheme in SCHEMES})
        lines.append("")
        lines.append("Cost per step (`srlif bench --scheme S --repeat 2`, reference workload: sigma 30, A 20, "
                     "bias 178, dt 0.1 ms" + (", --neurons 1000" if args.quick else "")
                     + f"; {len(rounds)} alternated rounds, best counts), neuron-steps/s:")
        lines.append("")
        lines.append("| backend | euler | exact | exact cost / euler cost | ratio in each round |")
        lines.append("|---|---|---|---|---|")
        for backend in rounds[0]["euler"]:
            if all(backend in r[scheme] for r in rounds for scheme in SCHEMES):
                e = max(r["euler"][backend] for r in rounds)
                x = max(r["exact"][backend] for r in rounds)
                each = ", ".join(f"{r['euler'][backend] / r['exact'][backend]:.2f}" for r in rounds)
                lines.append(f"| {backend} | {e:.3e} | {x:.3e} | {e / x:.2f} | {each} |")
    if args.bridge_check:
        lines.append("")
        lines.append("Bridge-variance check (NumPy, float64, dt 0.4 ms, same random numbers for both variants), "
                     "relative rate error vs Siegert, %:")
        lines.append("")
        lines.append("| bias (pA) | σ | neurons × s | bridge variance s² (engine) | s²·e^{dt/τ_m} | "
                     "difference | ν·dt/2 |")
        lines.append("|---|---|---|---|---|---|---|")
        scale = 10 if args.quick else 1
        for bias, sigma, neurons, duration in [(178.0, 40.0, 4000, 100000.0), (190.0, 60.0, 1500, 60000.0)]:
            nu = theory.get((bias, sigma)) or siegert_rates(srlif, [(bias, sigma)])[(bias, sigma)]
            start = time.monotonic()
            (e0, s0), (e1, s1), (d, sd) = bridge_check(0.4, bias, sigma, neurons // scale, duration, nu)
            print(f"  bridge check bias {bias:g} sigma {sigma:g}: {time.monotonic() - start:.0f} s", file=sys.stderr)
            lines.append(f"| {bias:g} | {sigma:g} | {neurons // scale} × {duration / 1000:g} | "
                         f"{100 * e0:+.2f} ± {100 * s0:.2f} | {100 * e1:+.2f} ± {100 * s1:.2f} | "
                         f"{100 * d:+.3f} ± {100 * sd:.3f} | {100 * nu / 1000 * 0.4 / 2:.3f} |")
    text = "\n".join(lines) + "\n"
    (out_dir / "convergence.md").write_text(text)
    print(text)

    if args.figure:
        figure = Path(args.figure)
        if not figure.is_absolute():
            figure = Path.cwd() / figure
        draw(records, points, figure)
        print(f"figure: {figure}")
    print(f"table: {out_dir / 'convergence.md'}, data: {csv_path}")


if __name__ == "__main__":
    main()
