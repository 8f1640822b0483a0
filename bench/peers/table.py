#!/usr/bin/env python3
"""Collect the RESULT lines of the peer scripts (files or stdin) into one Markdown table.

The ratio srlif/peer divides srlif's neuron-steps/s on the same workload (same neurons, same
simulated duration, same number of threads) by the peer's; the srlif rate column is srlif's mean
rate on that workload, next to the peer's. "other jobs' CPU" is the share of the machine's CPUs
that other processes used during the timed region (see common.Meter)."""

import json
import sys


def fmt_rate(x):
    return f"{x:.3f}"


def sci(x):
    m, e = f"{x:.2e}".split("e")
    return f"{m} × 10^{int(e)}"


def main():
    recs = []
    srcs = sys.argv[1:] or ["-"]
    for src in srcs:
        f = sys.stdin if src == "-" else open(src)
        for line in f:
            if line.startswith("RESULT "):
                recs.append(json.loads(line[len("RESULT "):]))
    key = lambda r: (r["neurons"], round(r["duration_ms"], 6), r["threads"])
    srlif = {}
    for r in recs:
        if r["tool"].startswith("srlif"):
            srlif.setdefault(key(r), r)
    print("| tool | threads | neurons | steps | seconds | neuron-steps/s | srlif/peer | mean rate Hz | srlif rate Hz (same workload) | other jobs' CPU | notes |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    seen = set()
    for r in recs:
        is_srlif = r["tool"].startswith("srlif")
        if is_srlif:
            if key(r) in seen:
                continue
            seen.add(key(r))
        m = srlif.get(key(r))
        ratio = "—" if is_srlif or m is None else f"{m['neuron_steps_per_s'] / r['neuron_steps_per_s']:.1f}"
        bg = "?" if r.get("background_cpu") is None else f"{100 * r['background_cpu']:.0f}%"
        srate = "—" if is_srlif or m is None else fmt_rate(m["rate_hz"])
        print(f"| {r['tool']} | {r['threads']} | {r['neurons']} | {r['steps']} | {r['seconds']:.3f} | "
              f"{sci(r['neuron_steps_per_s'])} | {ratio} | {fmt_rate(r['rate_hz'])} | {srate} | {bg} | {r.get('note', '')} |")


if __name__ == "__main__":
    main()
