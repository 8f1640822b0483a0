#!/usr/bin/env python3
"""Figures of `srlif reproduce`: reads the tables in DIR and writes PNGs beside them.

Usage: plot_report.py [--when-told] DIR

With --when-told the script imports matplotlib, then waits for the line "draw"
on its input (srlif starts it before the simulation so that the imports overlap
it) and exits without drawing if the input closes first.
"""
import csv
import math
import multiprocessing
import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

SIGMA_LABEL = r"noise intensity $\sigma$ (pA$\cdot\sqrt{\mathrm{ms}}$)"


def read(path):
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for key, value in row.items():
            try:
                row[key] = float(value)
            except (TypeError, ValueError):
                pass
    return rows


def column(rows, key):
    return np.array([row[key] for row in rows], dtype=float)


def optimum(rows, objective, key, value):
    for row in rows:
        if row["objective"] == objective and row[key] == value:
            return row
    return None


def merged_legend(axis, twin, loc):
    """One legend for a plot and its twin axis."""
    handles, labels = axis.get_legend_handles_labels()
    more_handles, more_labels = twin.get_legend_handles_labels()
    axis.legend(handles + more_handles, labels + more_labels, loc=loc, fontsize=8)


def save(figure, out, name):
    figure.tight_layout()
    figure.savefig(out / name, dpi=110)
    plt.close(figure)


def sr_curve(out):
    rows = read(out / "h1_curve.csv")
    sigma = column(rows, "sigma")
    mean_r = column(rows, "mean_vector_strength")
    sd_r = column(rows, "std_vector_strength")
    valid = column(rows, "valid_neurons")
    sem_r = sd_r / np.sqrt(np.maximum(valid, 1))
    eligible = column(rows, "valid_fraction") >= 0.5
    figure, axis = plt.subplots(figsize=(7.5, 4.5))
    axis.errorbar(sigma, mean_r, yerr=sem_r, fmt="o-", color="C0", capsize=3, label="mean R of valid trials (± SEM)")
    axis.plot(sigma, column(rows, "pooled_vector_strength"), "s--", color="C0", alpha=0.5, label="pooled R")
    if eligible.any():
        best = np.nanargmax(np.where(eligible, mean_r, np.nan))
        axis.axvline(sigma[best], color="C3", ls=":", label=rf"$\sigma_{{opt}}$ = {sigma[best]:g} (study's rule)")
    axis.set_xlabel(SIGMA_LABEL)
    axis.set_ylabel("vector strength R")
    axis.set_ylim(0, 1.05)
    rate_axis = axis.twinx()
    rate_axis.errorbar(sigma, column(rows, "mean_rate_hz"), yerr=column(rows, "rate_std_hz"), fmt="^-",
                       color="C1", capsize=2, label="firing rate (± SD)")
    rate_axis.set_ylabel("firing rate (Hz)", color="C1")
    if (out / "h1_theory.csv").exists():  # the periodic Fokker-Planck state (srlif theory)
        theory = read(out / "h1_theory.csv")
        axis.plot(column(theory, "sigma"), column(theory, "periodic_vector_strength"), "-", color="k", lw=1.2,
                  label="pooled R, theory (periodic FP state)")
        rate_axis.plot(column(theory, "sigma"), column(theory, "periodic_mean_rate_hz"), "--", color="k", lw=1.2,
                       label="rate, theory")
    merged_legend(axis, rate_axis, "center right")
    axis.set_title("H1: stochastic-resonance curve (I_bias 178 pA, A 20 pA, f 10 Hz)")
    save(figure, out, "h1_sr_curve.png")


def spectral(out):
    rows = read(out / "spectral_readout.csv")
    sigma = column(rows, "sigma")
    figure, axis = plt.subplots(figsize=(7.5, 4.5))
    axis.plot(sigma, column(rows, "spectral_amplitude_hz"), "o-", color="C2", label="amplitude at 10 Hz")
    axis.set_xlabel(SIGMA_LABEL)
    axis.set_ylabel("rate modulation at 10 Hz (Hz)", color="C2")
    snr_axis = axis.twinx()
    snr = column(rows, "snr_db")
    snr_axis.plot(sigma, snr, "s-", color="C4", label="SNR")
    if np.isfinite(snr).any():
        best = np.nanargmax(snr)
        snr_axis.axvline(sigma[best], color="C4", ls=":", label=rf"SNR peak at $\sigma$ = {sigma[best]:g}")
    snr_axis.set_ylabel("SNR at 10 Hz (dB)", color="C4")
    merged_legend(axis, snr_axis, "lower right")
    axis.set_title("Pooled activity at the signal frequency (H1 neurons)")
    save(figure, out, "h1_spectral.png")


def curves(out, table, key, label, unit, name, title):
    rows = read(out / table)
    figure, axis = plt.subplots(figsize=(7.5, 4.5))
    for index, value in enumerate(sorted({row[key] for row in rows})):
        subset = [row for row in rows if row[key] == value]
        axis.plot(column(subset, "sigma"), column(subset, "mean_vector_strength"), "o-", ms=3,
                  color=plt.cm.viridis(index / max(1, len({row[key] for row in rows}) - 1)),
                  label=f"{label} = {value:g} {unit}")
    axis.set_xlabel(SIGMA_LABEL)
    axis.set_ylabel("mean R of valid trials")
    axis.set_ylim(0, 1.05)
    axis.legend(fontsize=8)
    axis.set_title(title)
    save(figure, out, name)


def sigma_opt(out):
    figure, axes = plt.subplots(1, 2, figsize=(10, 4))
    for axis, table, key, xlabel in ((axes[0], "h2_sigma_opt_vs_amplitude.csv", "amplitude", "amplitude A (pA)"),
                                     (axes[1], "h3_sigma_opt_vs_bias.csv", "bias", "bias current I_bias (pA)")):
        rows = read(out / table)
        for objective, marker, text in (("vs-valid", "o-", "study's rule (mean R, valid ≥ 0.5)"),
                                        ("snr", "s--", "SNR peak"), ("rayleigh-rate", "^:", "Rayleigh-rate peak")):
            subset = [row for row in rows if row["objective"] == objective]
            axis.plot(column(subset, key), column(subset, "sigma_opt_refined"), marker, label=text)
        axis.set_xlabel(xlabel)
        axis.set_ylabel(r"$\sigma_{opt}$ (refined)")
        axis.legend(fontsize=8)
    axes[0].set_title(r"H2: $\sigma_{opt}$ against amplitude (I_bias 178 pA)")
    axes[1].set_title(r"H3: $\sigma_{opt}$ against bias (A 10 pA)")
    save(figure, out, "sigma_opt.png")


def raster_psth(out):
    summary = read(out / "h5_population.csv")
    raster = read(out / "h5_raster.csv") if (out / "h5_raster.csv").exists() else []
    psth = read(out / "h5_psth.csv")
    theory_file = out / "h1_theory_rate_curve.csv"  # H1's neuron and signal: H5's too
    theory = read(theory_file) if theory_file.exists() else []
    figure, axes = plt.subplots(2, len(summary), figsize=(4.2 * len(summary), 6), sharex=True,
                                gridspec_kw={"height_ratios": [2, 1]})
    axes = np.array(axes).reshape(2, -1)
    for index, point in enumerate(summary):
        spikes = [row for row in raster if row["point"] == point["point"]]
        axes[0, index].plot([row["spike_time_ms"] for row in spikes], [row["neuron"] for row in spikes], "|",
                            color="k", ms=4)
        axes[0, index].set_title(rf"$\sigma$ = {point['sigma']:g}: {point['mean_rate_hz']:.2f} Hz, "
                                 rf"pooled R = {point['pooled_vector_strength']:.2f}", fontsize=9)
        axes[0, index].set_ylabel("neuron")
        axes[0, index].set_ylim(-1, min(point["neurons"], 50))
        bins = [row for row in psth if row["point"] == point["point"]]
        # stairs, not bar: one path instead of a thousand rectangles
        edges = np.append(column(bins, "time_start_ms"), bins[-1]["time_end_ms"])
        rates = column(bins, "rate_hz")
        axes[1, index].stairs(rates, edges, fill=True, color="C0")
        curve = [row for row in theory if row["sigma"] == point["sigma"]]
        if curve:  # the periodic state's rate r(t), repeated over the periods shown
            period = 1000.0 / curve[0]["frequency"]
            time = np.arange(0.0, 1000.0, 0.5)
            rate = np.interp(time % period, column(curve, "time_ms"), column(curve, "rate_hz"), period=period)
            axes[1, index].plot(time, rate, color="k", lw=1, label="theory r(t)")
            axes[1, index].legend(fontsize=7, loc="upper right")
            rates = np.append(rates, rate.max())
        axes[1, index].set_ylim(0, max(1.0, 1.1 * rates.max()))
        axes[1, index].set_xlabel("time (ms)")
        axes[1, index].set_ylabel("PSTH (Hz/neuron)")
        axes[1, index].set_xlim(0, 1000)
    figure.suptitle("H5: population raster and PSTH (first second shown, 10 ms bins)")
    save(figure, out, "h5_raster_psth.png")


def phase_polar(out):
    summary = read(out / "h5_population.csv")
    histogram = read(out / "h5_phase_histogram.csv")
    figure = plt.figure(figsize=(4 * len(summary), 4.2))
    for index, point in enumerate(summary):
        axis = figure.add_subplot(1, len(summary), index + 1, projection="polar")
        bins = [row for row in histogram if row["point"] == point["point"]]
        starts = column(bins, "phase_start_rad")
        widths = column(bins, "phase_end_rad") - starts
        counts = column(bins, "spikes")
        axis.bar(starts, counts, width=widths, align="edge", color="C0", alpha=0.7)
        r = point["pooled_vector_strength"]
        if math.isfinite(r) and counts.max() > 0:
            axis.annotate("", xy=(point["preferred_phase_rad"], r * counts.max()), xytext=(0, 0),
                          arrowprops={"color": "C3", "width": 2})
        label = f"R = {r:.2f}, phase {point['preferred_phase_rad']:.2f} rad" if math.isfinite(r) else "no spikes"
        axis.set_title(rf"$\sigma$ = {point['sigma']:g}: {label}", fontsize=9)
        axis.set_yticklabels([])
    figure.suptitle("H5: spike phases within the 10 Hz cycle (arrow: pooled vector, length R)")
    save(figure, out, "h5_phase_polar.png")


def heatmaps(out):
    rows = read(out / "heatmap_sigma_amplitude.csv")
    sigma = sorted({row["sigma"] for row in rows})
    amplitude = sorted({row["amplitude"] for row in rows})
    for key, name, label in (("mean_vector_strength", "heatmap_r.png", "mean R of valid trials"),
                             ("snr_db", "heatmap_snr.png", "SNR at 10 Hz (dB)")):
        grid = np.full((len(amplitude), len(sigma)), np.nan)
        for row in rows:
            grid[amplitude.index(row["amplitude"]), sigma.index(row["sigma"])] = row[key]
        figure, axis = plt.subplots(figsize=(7.5, 4.5))
        # Suprathreshold corners (periodic firing without noise) reach SNRs far above the rest;
        # the colour scale stops at the 95th percentile so that the SR structure stays visible.
        finite = grid[np.isfinite(grid)]
        top = np.percentile(finite, 95) if finite.size else None
        image = axis.pcolormesh(sigma, amplitude, np.ma.masked_invalid(grid), shading="nearest", cmap="viridis",
                                vmax=top)
        figure.colorbar(image, ax=axis, label=label)
        axis.set_xlabel(SIGMA_LABEL)
        axis.set_ylabel("amplitude A (pA)")
        axis.set_title(f"{label} over noise x amplitude (I_bias 178 pA; blank: undefined)")
        save(figure, out, name)


# Slowest first, so that the workers finish together.
FIGURES = [
    (raster_psth,),
    (phase_polar,),
    (heatmaps,),
    (sr_curve,),
    (sigma_opt,),
    (spectral,),
    (curves, "h2_curves.csv", "amplitude", "A", "pA", "h2_curves.png", "H2: SR curves per amplitude (I_bias 178 pA)"),
    (curves, "h3_curves.csv", "bias", "I_bias", "pA", "h3_curves.png", "H3: SR curves per bias (A 10 pA)"),
]


def draw(job):
    out, index = job
    function, *arguments = FIGURES[index]
    function(out, *arguments)


def main():
    arguments = sys.argv[1:]
    when_told = "--when-told" in arguments
    if when_told:
        arguments.remove("--when-told")
    if len(arguments) != 1:
        sys.exit(__doc__)
    out = Path(arguments[0])
    if when_told and sys.stdin.readline().strip() != "draw":
        return  # the run stopped before its tables were written: nothing to draw
    jobs = [(out, index) for index in range(len(FIGURES))]
    # The figures are independent files: draw them on every core. Forked
    # workers share the already imported matplotlib (importing it is ~0.5 s).
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers > 1:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pool.map(draw, jobs, chunksize=1)
    else:
        for job in jobs:
            draw(job)


if __name__ == "__main__":
    main()
