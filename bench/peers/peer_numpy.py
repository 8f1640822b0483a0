#!/usr/bin/env python3
"""Peer 2: NumPy vectorised across neurons (one array operation per step for all neurons),
float64 or float32.

Same scheme as srlif's `euler` (DESIGN.md section 1). The noise is drawn in blocks of steps
(NumPy's PCG64 + ziggurat normals) to amortise the call overhead; the step itself is branch-free:
while a neuron is refractory (r > 0) its potential is held at V_reset and r counts down; otherwise
v' = v + dt/tau_m (E_L - v + I_k/g_L) and a spike (v' >= V_th) resets v and sets r = n_ref - 1.
(srlif's extra condition v_k < V_th always holds here: a potential at or above threshold is reset in
the same step, so it is not re-tested.)
"""

import time

import numpy as np

import common as c


def simulate(neurons, duration_ms, dtype, seed, block=256):
    drive = np.asarray(c.drive_table(duration_ms), dtype=np.float64)
    k_updates = drive.size - 1
    a = c.DT / c.TAU_M
    # v' = (1-a) v + a (E_L + I_k/g_L) + a sigma/(g_L sqrt(dt)) z
    decay = dtype(1.0 - a)
    drive_term = (a * (c.E_L + drive / c.G_L)).astype(dtype)
    noise_scale = dtype(a * c.SIGMA / (c.G_L * np.sqrt(c.DT)))
    v_th = dtype(c.V_TH)
    v_reset = dtype(c.V_RESET)

    rng = np.random.default_rng(seed)
    v = np.full(neurons, c.V_INIT, dtype=dtype)
    vn = np.empty_like(v)
    r = np.zeros(neurons, dtype=np.int16)
    free = np.empty(neurons, dtype=bool)
    spike = np.empty(neurons, dtype=bool)
    held = np.empty(neurons, dtype=bool)
    total = 0
    for k0 in range(0, k_updates, block):
        nb = min(block, k_updates - k0)
        z = rng.standard_normal((nb, neurons), dtype=dtype)
        z *= noise_scale
        for j in range(nb):
            np.multiply(v, decay, out=vn)
            vn += drive_term[k0 + j]
            vn += z[j]
            np.equal(r, 0, out=free)
            np.logical_not(free, out=held)
            np.greater_equal(vn, v_th, out=spike)
            spike &= free
            np.copyto(v, vn, where=free)
            np.copyto(v, v_reset, where=spike)
            np.subtract(r, 1, out=r, where=held)
            np.copyto(r, c.N_REF - 1, where=spike)
            total += int(np.count_nonzero(spike))
    return total, k_updates


def main():
    p = c.parser(__doc__.splitlines()[0], neurons=10000, duration_ms=1000.0)
    p.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    args = p.parse_args()
    dtype = np.float64 if args.dtype == "float64" else np.float32
    c.wait_idle()
    with c.Meter() as meter:
        t0 = time.perf_counter()
        total, steps = simulate(args.neurons, args.duration, dtype, args.seed)
        secs = time.perf_counter() - t0
    rate = total / (args.neurons * args.duration / 1000.0)
    c.emit(f"NumPy vectorised {args.dtype}", args.neurons, steps, secs, rate, 1,
           f"numpy {np.__version__}",
           duration_ms=args.duration, background=meter.background)
    if not args.no_srlif:
        c.run_srlif(args.neurons, args.duration, args.srlif_threads)


if __name__ == "__main__":
    main()
