#!/usr/bin/env python3
"""Coloured noise (--noise-tau): the simulated rate against theory, and the exact scheme's step.

(a) A = 0: the stationary rate of the exact scheme (dt 0.05 ms) for a noise correlation time
    tau_s from 0 to 2 ms (tau_s/tau_m up to 0.2) at four (bias, sigma) points, against the
    white-noise Siegert rate and the Fourcaud-Brunel (2002) correction (`srlif theory
    --noise-tau`); the relative differences with their standard errors (rate_std_hz/sqrt(neurons)).
(b) A = 20 pA: the exact scheme at coarse steps (dt 0.2 and 0.5 ms) against a fine-step euler
    run (dt 0.01 ms) for tau_s = 1, 2, 5 ms at three sigma: the rate and the study's mean vector
    strength, their differences in units of the combined standard error.

Outputs (in --out-dir, default bench/accuracy/out): coloured_rate.csv, coloured_steps.csv,
coloured_noise.md (the tables printed to stdout), and with --figure
docs/figures/coloured_noise_rate.png (or --figure PATH).

Usage (from anywhere):
  /usr/bin/python3 bench/accuracy/coloured_noise.py --figure
  /usr/bin/python3 bench/accuracy/coloured_noise.py --quick     # ~10x fewer neurons
"""
import argparse
import csv
import io
import math
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TAU_M = 10.0  # ms, the reference neuron's
NOISE_TAUS = [0.0, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0]  # ms
RATE_POINTS = [(178.0, 40.0), (178.0, 60.0), (190.0, 40.0), (190.0, 60.0)]  # (bias pA, sigma pA sqrt(ms))
STEP_TAUS = [1.0, 2.0, 5.0]
STEP_SIGMAS = [20.0, 40.0, 60.0]
COARSE_DTS = [0.2, 0.5]
FINE_DT = 0.01


def axis(values):
    return ",".join(f"{v:g}" for v in values)


def sweep(binary, out, arguments):
    subprocess.run([binary, "sweep", *arguments, "--quiet", "--out", str(out)], check=True)
    with open(Path(out) / "points.csv") as file:
        return list(csv.DictReader(file))


def theory(binary, bias, sigma, noise_taus):
    text = subprocess.run([binary, "theory", "--sigma", f"{sigma:g}", "--bias", f"{bias:g}", "--noise-tau",
                           axis(noise_taus)], check=True, capture_output=True, text=True).stdout
    return {float(row["noise_tau"]): float(row["rate_hz"]) for row in csv.DictReader(io.StringIO(text))}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(REPO / "build" / "srlif"))
    parser.add_argument("--out-dir", default=str(REPO / "bench" / "accuracy" / "out"))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--figure", nargs="?", const=str(REPO / "docs" / "figures" / "coloured_noise_rate.png"))
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = []

    def say(text=""):
        print(text)
        lines.append(text)

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        # (a) one sweep: the product of the biases, sigmas and tau_s (4 x 7 points of interest).
        neurons_a = 2000 // scale
        rows = sweep(args.binary, Path(scratch) / "rate", [
            "--scheme", "exact", "--dt", "0.05", "--duration", "20000", "--neurons", str(neurons_a),
            "--amplitude", "0", "--bias", axis(sorted({b for b, _ in RATE_POINTS})),
            "--sigma", axis(sorted({s for _, s in RATE_POINTS})), "--noise-tau", axis(NOISE_TAUS)])
        rate_rows = []
        for bias, sigma in RATE_POINTS:
            predicted = theory(args.binary, bias, sigma, NOISE_TAUS)
            siegert = predicted[0.0]
            for row in rows:
                if float(row["bias"]) != bias or float(row["sigma"]) != sigma:
                    continue
                tau_s = float(row["noise_tau"])
                rate = float(row["mean_rate_hz"])
                se = float(row["rate_std_hz"]) / math.sqrt(neurons_a)
                rate_rows.append(dict(bias=bias, sigma=sigma, noise_tau=tau_s, ratio=tau_s / TAU_M, rate_hz=rate,
                                      se_hz=se, siegert_hz=siegert, fourcaud_brunel_hz=predicted[tau_s]))
        # (b) the coarse exact steps against fine euler.
        neurons_b = 4000 // scale
        common = ["--duration", "10000", "--neurons", str(neurons_b), "--sigma", axis(STEP_SIGMAS),
                  "--noise-tau", axis(STEP_TAUS)]
        fine = sweep(args.binary, Path(scratch) / "fine", ["--scheme", "euler", "--dt", f"{FINE_DT:g}", *common])
        coarse = {dt: sweep(args.binary, Path(scratch) / f"coarse{dt:g}", ["--scheme", "exact", "--dt", f"{dt:g}",
                                                                          *common]) for dt in COARSE_DTS}
    seconds = time.perf_counter() - started

    with open(out_dir / "coloured_rate.csv", "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rate_rows[0]))
        writer.writeheader()
        writer.writerows(rate_rows)
    say(f"(a) A = 0, scheme exact, dt 0.05 ms, {neurons_a} neurons x 20 s per point; the rate against the "
        "white-noise Siegert rate and the Fourcaud-Brunel correction (difference / SE in brackets)\n")
    say("| bias (pA) | sigma | tau_s (ms) | tau_s/tau_m | rate (Hz) | Siegert (Hz) | vs Siegert | "
        "Fourcaud-Brunel (Hz) | vs F-B |")
    say("|---|---|---|---|---|---|---|---|---|")
    for row in rate_rows:
        versus = []
        for key in ("siegert_hz", "fourcaud_brunel_hz"):
            difference = row["rate_hz"] - row[key]
            versus.append(f"{100 * difference / row[key]:+.2f} % ({difference / row['se_hz']:+.1f})")
        say(f"| {row['bias']:g} | {row['sigma']:g} | {row['noise_tau']:g} | {row['ratio']:g} | "
            f"{row['rate_hz']:.4g} | {row['siegert_hz']:.4g} | {versus[0]} | {row['fourcaud_brunel_hz']:.4g} | "
            f"{versus[1]} |")

    step_rows = []
    for dt, rows in coarse.items():
        for exact_row, euler_row in zip(rows, fine):
            assert exact_row["sigma"] == euler_row["sigma"] and exact_row["noise_tau"] == euler_row["noise_tau"]
            entry = dict(dt=dt, sigma=float(exact_row["sigma"]), noise_tau=float(exact_row["noise_tau"]))
            for name, value, spread, count in (("rate", "mean_rate_hz", "rate_std_hz", "neurons"),
                                               ("vs", "mean_vector_strength", "std_vector_strength",
                                                "valid_neurons")):
                values = [float(r[value]) for r in (exact_row, euler_row)]
                errors = [float(r[spread]) / math.sqrt(float(r[count])) if float(r[count]) > 0 else math.nan
                          for r in (exact_row, euler_row)]
                entry[f"{name}_exact"], entry[f"{name}_euler"] = values
                entry[f"{name}_z"] = (values[0] - values[1]) / math.hypot(*errors)
            step_rows.append(entry)
    with open(out_dir / "coloured_steps.csv", "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(step_rows[0]))
        writer.writeheader()
        writer.writerows(step_rows)
    say(f"\n(b) A = 20 pA: scheme exact at coarse dt against euler at dt {FINE_DT:g} ms, {neurons_b} neurons x 10 s "
        "per point; differences in combined standard errors (z)\n")
    say("| exact dt (ms) | tau_s (ms) | sigma | rate exact / euler (Hz) | z | mean VS exact / euler | z |")
    say("|---|---|---|---|---|---|---|")
    for row in step_rows:
        say(f"| {row['dt']:g} | {row['noise_tau']:g} | {row['sigma']:g} | {row['rate_exact']:.4g} / "
            f"{row['rate_euler']:.4g} | {row['rate_z']:+.1f} | {row['vs_exact']:.4f} / {row['vs_euler']:.4f} | "
            f"{row['vs_z']:+.1f} |")
    worst = max(abs(row[key]) for row in step_rows for key in ("rate_z", "vs_z") if not math.isnan(row[key]))
    say(f"\nlargest |z| in (b): {worst:.1f}; all runs {seconds:.0f} s")
    (out_dir / "coloured_noise.md").write_text("\n".join(lines) + "\n")

    if args.figure:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
        for bias, sigma in RATE_POINTS:
            rows = [r for r in rate_rows if r["bias"] == bias and r["sigma"] == sigma]
            x = [math.sqrt(r["ratio"]) for r in rows]
            line = axes[0].errorbar(x, [r["rate_hz"] for r in rows], yerr=[2 * r["se_hz"] for r in rows], fmt="o",
                                    label=f"bias {bias:g} pA, $\\sigma$ {sigma:g}")
            curve = sorted(theory(args.binary, bias, sigma, [0.01 * k for k in range(0, 201)]).items())
            axes[0].plot([math.sqrt(t / TAU_M) for t, _ in curve], [rate for _, rate in curve], "-",
                         color=line[0].get_color(), lw=1)
            for r in rows:
                axes[1].errorbar(math.sqrt(r["ratio"]), 100 * (r["rate_hz"] / r["fourcaud_brunel_hz"] - 1),
                                 yerr=200 * r["se_hz"] / r["fourcaud_brunel_hz"], fmt="o",
                                 color=line[0].get_color())
        axes[0].set_xlabel("$\\sqrt{\\tau_s/\\tau_m}$")
        axes[0].set_ylabel("stationary rate (Hz)")
        axes[0].set_title("simulation (exact, dt 0.05 ms, $\\pm$2 SE) and Fourcaud-Brunel (lines)")
        axes[0].legend(fontsize=8)
        axes[1].axhline(0.0, color="k", lw=0.8)
        axes[1].axvline(math.sqrt(0.1), color="grey", ls=":", lw=1)
        axes[1].set_xlabel("$\\sqrt{\\tau_s/\\tau_m}$ (dotted: $\\tau_s/\\tau_m$ = 0.1)")
        axes[1].set_ylabel("simulated / Fourcaud-Brunel - 1 (%)")
        axes[1].set_title("the correction's error: first order in $\\sqrt{\\tau_s/\\tau_m}$")
        for ax in axes:
            ax.grid(alpha=0.3)
        Path(args.figure).parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(args.figure, dpi=120)
        print(f"wrote {args.figure}")


if __name__ == "__main__":
    main()
