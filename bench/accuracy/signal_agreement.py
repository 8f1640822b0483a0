#!/usr/bin/env python3
"""Simulation against the periodic Fokker-Planck state under the study's signal.

The study's neuron (I_bias 178 pA, f 10 Hz, dt 0.1 ms) under A = 20 pA: `srlif theory --response
periodic` gives the mean rate and the pooled vector strength of an infinite population at each
sigma; `srlif sweep` simulates them with --scheme exact and a 500 ms warm-up, with euler (the
study's scheme) and with exact without a warm-up. Each simulated number is the mean of GROUPS
independent groups of neurons (seeds 1..GROUPS); its standard error is their standard deviation
over sqrt(GROUPS). The same comparison at 3 sigmas is a test (tests/theory_agreement_test.cpp).

Outputs (in --out-dir, default bench/accuracy/out):
  signal_agreement.csv   one row per (run, sigma)
  signal_agreement.md    the markdown table printed to stdout
and, with --figure, docs/figures/theory_agreement.png (or --figure PATH).

Usage (from anywhere; the srlif binary defaults to build/srlif):
  /usr/bin/python3 bench/accuracy/signal_agreement.py --figure     # about 1 minute on 2 cores
  /usr/bin/python3 bench/accuracy/signal_agreement.py --quick      # 10x fewer neurons
"""
import argparse
import csv
import io
import math
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SIGMAS = "10:100:10"  # pA*sqrt(ms): 10 points
AMPLITUDE = 20.0  # pA
GROUPS = 10
NEURONS = 2000  # per group and point
DURATION_MS = 2000.0
WARMUP_MS = 500.0
RUNS = [  # (label, scheme, warm-up ms)
    ("exact, warm-up 500 ms", "exact", WARMUP_MS),
    ("euler, warm-up 500 ms", "euler", WARMUP_MS),
    ("exact, no warm-up", "exact", 0.0),
]


def run(cmd):
    proc = subprocess.run([str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{proc.stderr}")
    return proc.stdout


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def estimate(samples):
    n = len(samples)
    mean = sum(samples) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in samples) / (n - 1))
    return mean, sd / math.sqrt(n)


def simulate(srlif, scheme, warmup, neurons, work):
    per_sigma = {}
    for seed in range(1, GROUPS + 1):
        out = Path(work) / f"{scheme}-{warmup}-{seed}"
        run([srlif, "sweep", "--scheme", scheme, "--sigma", SIGMAS, "--amplitude", AMPLITUDE,
             "--neurons", neurons, "--duration", DURATION_MS, "--warmup", warmup, "--seed", seed,
             "--min-spikes", 0, "--out", out])
        for row in rows((out / "points.csv").read_text()):
            entry = per_sigma.setdefault(float(row["sigma"]), ([], []))
            entry[0].append(float(row["mean_rate_hz"]))
            entry[1].append(float(row["pooled_vector_strength"]))
    return {sigma: (estimate(r), estimate(v)) for sigma, (r, v) in per_sigma.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--srlif", type=Path, default=REPO / "build" / "srlif")
    parser.add_argument("--out-dir", type=Path, default=REPO / "bench" / "accuracy" / "out")
    parser.add_argument("--figure", nargs="?", const=REPO / "docs" / "figures" / "theory_agreement.png",
                        type=Path, default=None)
    parser.add_argument("--quick", action="store_true", help="10x fewer neurons")
    args = parser.parse_args()
    neurons = NEURONS // 10 if args.quick else NEURONS

    theory = {float(row["sigma"]): row for row in rows(run(
        [args.srlif, "theory", "--response", "periodic", "--sigma", SIGMAS, "--amplitude", AMPLITUDE]))}
    with tempfile.TemporaryDirectory() as work:
        results = [(label, simulate(args.srlif, scheme, warmup, neurons, work)) for label, scheme, warmup in RUNS]

    args.out_dir.mkdir(parents=True, exist_ok=True)
    table = ["| σ (pA·√ms) | theory rate (Hz) | " + " | ".join(f"{label}: rate" for label, _ in results) +
             " | theory VS | " + " | ".join(f"{label}: VS" for label, _ in results) + " |",
             "|---" * (3 + 2 * len(results)) + "|"]
    with open(args.out_dir / "signal_agreement.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["run", "sigma", "rate_hz", "rate_se_hz", "theory_rate_hz", "vector_strength",
                         "vector_strength_se", "theory_vector_strength"])
        for sigma in sorted(theory):
            t_rate = float(theory[sigma]["periodic_mean_rate_hz"])
            t_vs = float(theory[sigma]["periodic_vector_strength"])
            rate_cells, vs_cells = [], []
            for label, sim in results:
                (rate, rate_se), (vs, vs_se) = sim[sigma]
                writer.writerow([label, sigma, rate, rate_se, t_rate, vs, vs_se, t_vs])
                rate_cells.append(f"{rate:.3f} ± {rate_se:.3f} ({(rate - t_rate) / rate_se:+.1f} SE)")
                vs_cells.append(f"{vs:.4f} ± {vs_se:.4f} ({(vs - t_vs) / vs_se:+.1f} SE)")
            table.append(f"| {sigma:g} | {t_rate:.3f} | " + " | ".join(rate_cells) + f" | {t_vs:.4f} | " +
                         " | ".join(vs_cells) + " |")
    text = "\n".join(table) + "\n"
    (args.out_dir / "signal_agreement.md").write_text(text)
    print(text)

    if args.figure:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        sigmas = sorted(theory)
        fig, axes = plt.subplots(1, 2, figsize=(10, 4))
        # The deviation from theory, in % of the theory's value, with 4 standard errors either side.
        for ax, column, index, name in ((axes[0], "periodic_mean_rate_hz", 0, "mean rate"),
                                        (axes[1], "periodic_vector_strength", 1, "pooled vector strength")):
            ax.axhline(0.0, color="k", lw=1, label="periodic Fokker-Planck state")
            for (label, sim), marker, shift in zip(results, ("o", "s", "^"), (-1.5, 0.0, 1.5)):
                exact = [float(theory[s][column]) for s in sigmas]
                values = [100 * (sim[s][index][0] / t - 1) for s, t in zip(sigmas, exact)]
                errors = [100 * 4 * sim[s][index][1] / t for s, t in zip(sigmas, exact)]
                ax.errorbar([s + shift for s in sigmas], values, yerr=errors, fmt=marker, ms=4, capsize=2,
                            label=f"{label} (±4 SE)")
            ax.set_xlabel("σ (pA·√ms)")
            ax.set_ylabel(f"{name}: simulated / theory − 1 (%)")
            ax.grid(alpha=0.3)
        axes[0].legend(fontsize=8)
        fig.suptitle(f"A = {AMPLITUDE:g} pA, I_bias = 178 pA, f = 10 Hz, dt = 0.1 ms; "
                     f"{GROUPS} × {neurons} neurons × {DURATION_MS / 1000:g} s per point", fontsize=10)
        fig.tight_layout()
        args.figure.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(args.figure, dpi=110)
        print(f"figure: {args.figure}")


if __name__ == "__main__":
    main()
