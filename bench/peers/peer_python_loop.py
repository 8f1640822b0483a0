#!/usr/bin/env python3
"""Peer 1: a plain Python loop, one neuron at a time and one step at a time, the way the
reference study's notebook simulates its trials (pure Python floats, stdlib random.gauss).

Same scheme as srlif's `euler` (DESIGN.md section 1): refractory hold of n_ref samples including
the spike sample, spike when v_k < V_th and v' >= V_th, then v = V_reset.
"""

import math
import random
import time

import common as c


def simulate_neuron(drive, rng):
    """One neuron over the whole drive table; returns its spike count."""
    a = c.DT / c.TAU_M
    noise_scale = c.SIGMA / math.sqrt(c.DT)
    v = c.V_INIT
    r = 0
    spikes = 0
    gauss = rng.gauss
    for k in range(len(drive) - 1):  # K-1 updates
        z = gauss(0.0, 1.0)  # drawn every step, unused while refractory (like srlif)
        if r > 0:
            v = c.V_RESET
            r -= 1
            continue
        i_k = drive[k] + noise_scale * z
        vn = v + a * (c.E_L - v + i_k / c.G_L)
        if v < c.V_TH and vn >= c.V_TH:
            spikes += 1
            v = c.V_RESET
            r = c.N_REF - 1
        else:
            v = vn
    return spikes


def main():
    args = c.parser(__doc__.splitlines()[0], neurons=20, duration_ms=10000.0).parse_args()
    drive = c.drive_table(args.duration)
    rng = random.Random(args.seed)
    c.wait_idle()
    with c.Meter() as meter:
        t0 = time.perf_counter()
        total = sum(simulate_neuron(drive, rng) for _ in range(args.neurons))
        secs = time.perf_counter() - t0
    steps = len(drive) - 1
    rate = total / (args.neurons * args.duration / 1000.0)
    c.emit("Python loop (1 neuron at a time)", args.neurons, steps, secs, rate, 1,
           "CPython, random.gauss",
           duration_ms=args.duration, background=meter.background)
    if not args.no_srlif:
        c.run_srlif(args.neurons, args.duration, args.srlif_threads)


if __name__ == "__main__":
    main()
