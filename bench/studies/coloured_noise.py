#!/usr/bin/env python3
"""Stochastic resonance with coloured noise: how the optimum moves with the noise's correlation time.

The reference study's neuron (A = 20 pA, I_bias = 178 pA, f = 10 Hz, scheme euler, dt 0.1 ms)
driven by Ornstein-Uhlenbeck noise of correlation time tau_s (--noise-tau 0 = white ... 10 ms),
one call of the Python package with tau_s as an axis and the pooled spectrum recorded:
  (a) sigma_opt against tau_s, by the study's rule (mean vector strength of valid neurons) and by
      the SNR of the pooled activity, parabola-refined; the dashed line is the white optimum scaled
      by sqrt(1 + tau_s/tau_m), the sigma that gives the free membrane the white optimum's variance
      (var V = sigma^2 / (2 g_L^2 (tau_m + tau_s)), docs/theory.md);
      the band is the sigma range where the SNR is within 3 dB of its best (a broad plateau);
  (b) the study's curve (mean vector strength against sigma) and (c) the SNR curve, for some tau_s.

Outputs: a markdown table on stdout, coloured_noise_optimum.csv in --out-dir, and with --figure
docs/figures/sigma_opt_noise_tau.png (or --figure PATH).

Usage (the repository's test environment has the package and matplotlib):
  .venv/bin/python bench/studies/coloured_noise.py --figure
  .venv/bin/python bench/studies/coloured_noise.py --neurons 200 --duration 2000   # a quick look
"""
import argparse
import csv
import math
import time
from pathlib import Path

import srlif

REPO = Path(__file__).resolve().parents[2]
TAU_M = 10.0  # ms
NOISE_TAUS = [0.0, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0]  # ms
CURVE_TAUS = [0.0, 1.0, 5.0, 10.0]
OBJECTIVES = {"vs-valid": "study's rule (mean R of valid neurons)", "snr": "SNR of the pooled activity"}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--neurons", type=int, default=2000)
    parser.add_argument("--duration", type=float, default=10000.0, help="ms")
    parser.add_argument("--sigma", default="0:120:49")
    parser.add_argument("--out-dir", default=str(REPO / "bench" / "studies" / "out"))
    parser.add_argument("--figure", nargs="?", const=str(REPO / "docs" / "figures" / "sigma_opt_noise_tau.png"))
    args = parser.parse_args()
    started = time.perf_counter()
    ds = srlif.sweep(sigma=args.sigma, noise_tau=NOISE_TAUS, neurons=args.neurons, duration=args.duration,
                     spectrum=True, progress=False)
    seconds = time.perf_counter() - started

    rows = []
    for tau_s in NOISE_TAUS:
        row = {"noise_tau": tau_s}
        for objective in OBJECTIVES:
            at = ds.sel(objective=objective, noise_tau=tau_s).squeeze()
            row[f"sigma_opt_{objective}"] = float(at.sigma_opt)
            row[f"refined_{objective}"] = float(at.sigma_opt_refined)
        curve = ds.sel(noise_tau=tau_s).squeeze()
        row["best_mean_vs"] = float(curve.mean_vector_strength.max())
        row["best_snr_db"] = float(curve.snr_db.max())
        # The SNR's plateau: the sigma range within 3 dB of its best (its optimum is broad).
        near = curve.sigma.values[(curve.snr_db >= row["best_snr_db"] - 3.0).values]
        row["snr_within_3db_from"], row["snr_within_3db_to"] = float(near.min()), float(near.max())
        rows.append(row)
    white = {objective: rows[0][f"refined_{objective}"] for objective in OBJECTIVES}

    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "coloured_noise_optimum.csv", "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    print(f"{args.neurons} neurons x {args.duration:g} ms per point, sigma {args.sigma}; "
          f"{ds.attrs['neuron_steps']:.3g} neuron-steps in {seconds:.1f} s ({ds.attrs['execution_device']})\n")
    print("| tau_s (ms) | sigma_opt, study's rule | refined | white x sqrt(1 + tau_s/tau_m) | best mean R | "
          "sigma_opt, SNR | refined | white x sqrt(1 + tau_s/tau_m) | best SNR (dB) | SNR within 3 dB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        scale = math.sqrt(1.0 + row["noise_tau"] / TAU_M)
        print(f"| {row['noise_tau']:g} | {row['sigma_opt_vs-valid']:g} | {row['refined_vs-valid']:.3g} | "
              f"{white['vs-valid'] * scale:.3g} | {row['best_mean_vs']:.3f} | {row['sigma_opt_snr']:g} | "
              f"{row['refined_snr']:.3g} | {white['snr'] * scale:.3g} | {row['best_snr_db']:.2f} | "
              f"{row['snr_within_3db_from']:g}-{row['snr_within_3db_to']:g} |")

    if args.figure:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots(1, 3, figsize=(15, 4.2), constrained_layout=True)
        x = [row["noise_tau"] for row in rows]
        fine = [0.1 * k for k in range(0, 101)]
        for objective, style in (("vs-valid", "o-"), ("snr", "s-")):
            line = axes[0].plot(x, [row[f"refined_{objective}"] for row in rows], style, label=OBJECTIVES[objective])
            axes[0].plot(fine, [white[objective] * math.sqrt(1.0 + t / TAU_M) for t in fine], "--", lw=1,
                         color=line[0].get_color())
        axes[0].fill_between(x, [row["snr_within_3db_from"] for row in rows], [row["snr_within_3db_to"] for row in rows],
                             color="tab:orange", alpha=0.15, lw=0, label="SNR within 3 dB of its best")
        axes[0].set_xlabel("noise correlation time $\\tau_s$ (ms)")
        axes[0].set_ylabel("$\\sigma_{opt}$ (pA$\\sqrt{ms}$), parabola-refined")
        axes[0].set_title("(a) the optimum against $\\tau_s$ (dashed: white x $\\sqrt{1+\\tau_s/\\tau_m}$)")
        axes[0].legend(fontsize=8)
        for tau_s in CURVE_TAUS:
            curve = ds.sel(noise_tau=tau_s).squeeze()
            label = "white" if tau_s == 0 else f"$\\tau_s$ = {tau_s:g} ms"
            axes[1].plot(curve.sigma, curve.mean_vector_strength, "-", label=label)
            axes[2].plot(curve.sigma, curve.snr_db, "-", label=label)
        axes[1].set_ylabel("mean vector strength of valid neurons")
        axes[1].set_title("(b) the study's curve")
        axes[2].set_ylabel("SNR of the pooled activity at f (dB)")
        axes[2].set_title("(c) the pooled SNR")
        for ax in axes[1:]:
            ax.set_xlabel("noise intensity $\\sigma$ (pA$\\sqrt{ms}$)")
            ax.legend(fontsize=8)
        for ax in axes:
            ax.grid(alpha=0.3)
        figure.suptitle(f"Reference neuron, A = 20 pA, f = 10 Hz, Ornstein-Uhlenbeck noise; {args.neurons} neurons x "
                        f"{args.duration / 1000:g} s per point", fontsize=9)
        Path(args.figure).parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(args.figure, dpi=120)
        print(f"\nwrote {args.figure}")


if __name__ == "__main__":
    main()
