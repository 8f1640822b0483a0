#!/usr/bin/env python3
"""What the neuron axes are for: how the stochastic-resonance optimum moves with the neuron.

Three sweeps of the reference study's neuron (A = 20 pA, I_bias = 178 pA, f = 10 Hz), each one
call of the Python package with a neuron parameter or a spread as an axis:
  (a) sigma_opt against the membrane time constant tau_m (--tau-m 4,6,...,20);
  (b) sigma_opt against the threshold distance V_th - mu, mu = E_L + I_bias/g_L = -57.2 mV
      (--v-th -56.5 ... -52);
      each by the study's rule (mean vector strength of valid neurons) and by the SNR of the
      pooled activity (--spectrum), with the parabola-refined optimum;
  (c) the pooled SNR against the population's diversity, a normal spread of the neurons' bias
      currents (--bias-spread 0 ... 12 pA), at a few fixed sigma: does diversity help the
      population carry the signal?

Outputs: markdown tables on stdout, neuron_axes.csv and bias_spread_snr.csv in --out-dir, and with --figure
docs/figures/sigma_opt_neuron.png (or --figure PATH).

Usage (the repository's test environment has the package and matplotlib):
  .venv/bin/python bench/studies/neuron_axes.py --figure
  .venv/bin/python bench/studies/neuron_axes.py --neurons 200 --duration 2000   # a quick look
"""
import argparse
import csv
import time
from pathlib import Path

import numpy as np

import srlif

REPO = Path(__file__).resolve().parents[2]
MU = -75.0 + 178.0 / 10.0  # mV: E_L + I_bias / g_L of the reference neuron
SPREAD_SIGMAS = [5.0, 15.0, 30.0]  # pA*sqrt(ms): below, near and above the homogeneous optimum
OBJECTIVES = {"vs-valid": "study's rule (mean R of valid neurons)", "snr": "SNR of the pooled activity"}


def optimum_table(ds, axis):
    """(axis value, sigma_opt and refined per objective) for each slice of a one-axis sweep."""
    rows = []
    for value in ds[axis].values:
        row = {axis: float(value)}
        for objective in OBJECTIVES:
            at = ds.sel(objective=objective, **{axis: value}).squeeze()
            row[f"sigma_opt_{objective}"] = float(at.sigma_opt)
            row[f"sigma_opt_refined_{objective}"] = float(at.sigma_opt_refined)
        rows.append(row)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--neurons", type=int, default=2000)
    parser.add_argument("--duration", type=float, default=10000.0, help="ms")
    parser.add_argument("--sigma", default="0:100:41")
    parser.add_argument("--out-dir", default=str(REPO / "bench" / "studies" / "out"))
    parser.add_argument("--figure", nargs="?", const=str(REPO / "docs" / "figures" / "sigma_opt_neuron.png"))
    args = parser.parse_args()
    started = time.perf_counter()
    common = dict(sigma=args.sigma, neurons=args.neurons, duration=args.duration, spectrum=True, progress=False)

    by_tau = srlif.sweep(tau_m=[4, 6, 8, 10, 12, 15, 20], **common)
    by_threshold = srlif.sweep(v_th=np.round(np.linspace(-56.5, -52.0, 10), 2), **common)
    steps = by_tau.attrs["neuron_steps"] + by_threshold.attrs["neuron_steps"]

    spreads = np.linspace(0.0, 12.0, 13)
    by_spread = srlif.sweep(**dict(common, sigma=SPREAD_SIGMAS, bias_spread=spreads))
    seconds = time.perf_counter() - started
    steps += by_spread.attrs["neuron_steps"]

    tau_rows = optimum_table(by_tau, "tau_m")
    threshold_rows = optimum_table(by_threshold, "v_th")
    for row in threshold_rows:
        row["threshold_distance_mv"] = row["v_th"] - MU

    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "neuron_axes.csv", "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["axis", "value", "sigma_opt_vs_valid", "refined_vs_valid", "sigma_opt_snr", "refined_snr"])
        for axis, rows in (("tau_m", tau_rows), ("v_th", threshold_rows)):
            for row in rows:
                writer.writerow([axis, row[axis], row["sigma_opt_vs-valid"], row["sigma_opt_refined_vs-valid"],
                                 row["sigma_opt_snr"], row["sigma_opt_refined_snr"]])
    snr = by_spread.snr_db.squeeze()  # (sigma, bias_spread)
    rate = by_spread.mean_rate_hz.squeeze()
    with open(out_dir / "bias_spread_snr.csv", "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["sigma", "bias_spread", "snr_db", "mean_rate_hz"])
        for sigma in SPREAD_SIGMAS:
            for spread in spreads:
                writer.writerow([sigma, spread, float(snr.sel(sigma=sigma, bias_spread=spread)),
                                 float(rate.sel(sigma=sigma, bias_spread=spread))])

    print(f"{args.neurons} neurons x {args.duration:g} ms per point, sigma {args.sigma}; "
          f"{steps:.3g} neuron-steps in {seconds:.1f} s ({by_tau.attrs['execution_device']})\n")
    print("| tau_m (ms) | sigma_opt, study's rule | refined | sigma_opt, SNR | refined |\n|---|---|---|---|---|")
    for row in tau_rows:
        print(f"| {row['tau_m']:g} | {row['sigma_opt_vs-valid']:g} | {row['sigma_opt_refined_vs-valid']:.3g} | "
              f"{row['sigma_opt_snr']:g} | {row['sigma_opt_refined_snr']:.3g} |")
    print("\n| V_th (mV) | V_th - mu (mV) | sigma_opt, study's rule | refined | sigma_opt, SNR | refined |\n"
          "|---|---|---|---|---|---|")
    for row in threshold_rows:
        print(f"| {row['v_th']:g} | {row['threshold_distance_mv']:.2f} | {row['sigma_opt_vs-valid']:g} | "
              f"{row['sigma_opt_refined_vs-valid']:.3g} | {row['sigma_opt_snr']:g} | "
              f"{row['sigma_opt_refined_snr']:.3g} |")

    print("\n| bias spread (pA) | " + " | ".join(f"SNR at sigma {s:g} (dB), rate (Hz)" for s in SPREAD_SIGMAS) +
          " |\n|---|" + "---|" * len(SPREAD_SIGMAS))
    for spread in spreads:
        cells = [f"{float(snr.sel(sigma=s, bias_spread=spread)):.2f}, {float(rate.sel(sigma=s, bias_spread=spread)):.2f}"
                 for s in SPREAD_SIGMAS]
        print(f"| {spread:g} | " + " | ".join(cells) + " |")

    if args.figure:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots(1, 3, figsize=(15, 4.2), constrained_layout=True)
        for ax, rows, key, label in ((axes[0], tau_rows, "tau_m", "membrane time constant $\\tau_m$ (ms)"),
                                     (axes[1], threshold_rows, "threshold_distance_mv",
                                      "threshold distance $V_{th} - \\mu$ (mV)")):
            x = [row[key] for row in rows]
            for objective, style in (("vs-valid", "o-"), ("snr", "s--")):
                ax.plot(x, [row[f"sigma_opt_refined_{objective}"] for row in rows], style,
                        label=OBJECTIVES[objective])
            ax.set_xlabel(label)
            ax.set_ylabel("$\\sigma_{opt}$ (pA$\\sqrt{ms}$), parabola-refined")
            ax.grid(alpha=0.3)
        axes[0].set_title("(a) the optimum against $\\tau_m$")
        axes[1].set_title("(b) the optimum against the threshold distance")
        axes[0].legend(fontsize=8)
        for sigma in SPREAD_SIGMAS:
            axes[2].plot(spreads, snr.sel(sigma=sigma).values, "o-", label=f"$\\sigma$ = {sigma:g} pA$\\sqrt{{ms}}$")
        axes[2].set_xlabel("bias spread across the population (pA, standard deviation)")
        axes[2].set_ylabel("SNR of the pooled activity at f (dB)")
        axes[2].set_title("(c) diversity and the pooled signal")
        axes[2].grid(alpha=0.3)
        axes[2].legend(fontsize=8)
        figure.suptitle(f"Reference neuron, A = 20 pA, f = 10 Hz; {args.neurons} neurons x "
                        f"{args.duration / 1000:g} s per point", fontsize=9)
        Path(args.figure).parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(args.figure, dpi=120)
        print(f"\nwrote {args.figure}")


if __name__ == "__main__":
    main()
