#!/usr/bin/env python3
"""Peer (GPU): CuPy, vectorised across neurons on an NVIDIA GPU, float64 or float32.

Same scheme as srlif's `euler` (DESIGN.md section 1) and as peer_numpy.py: the noise is drawn in
blocks of steps with cupy.random (cuRAND XORWOW by default), and each step is one fused
ElementwiseKernel over all neurons (hold at V_reset while refractory, else the Euler step, spike
test v' >= V_th, reset, refractory counter n_ref - 1). The spike count is reduced on the GPU.

Needs a GPU: pip install cupy-cuda12x (or cupy-cuda13x to match the driver). Exits with status 2
and a clear message when CuPy or a CUDA device is not available. Not measured yet (written on a
machine without a GPU).
"""

import sys
import time

import common as c
import gpu_check

STEP = r"""
    if (r > 0) {
        v = v_reset;
        r = r - 1;
    } else {
        T vn = v * decay + drive + z;
        if (v < v_th && vn >= v_th) {
            v = v_reset;
            r = n_ref - 1;
            count += 1;
        } else {
            v = vn;
        }
    }
"""


def main():
    p = c.parser(__doc__.splitlines()[0], neurons=1000000, duration_ms=10000.0)
    p.add_argument("--dtype", choices=["float64", "float32"], default="float32")
    p.add_argument("--block", type=int, default=64, help="steps of noise drawn per call (default 64)")
    args = p.parse_args()

    n_gpu, why = gpu_check.cuda_gpu_count()
    if n_gpu == 0:
        print(f"peer_cupy: no CUDA GPU usable here ({why}); this peer needs an NVIDIA GPU. Skipped.")
        sys.exit(2)
    try:
        import cupy as cp
    except ImportError:
        print("peer_cupy: CuPy is not installed (pip install cupy-cuda12x or cupy-cuda13x). Skipped.")
        sys.exit(2)
    try:
        cp.cuda.runtime.getDeviceCount()
    except Exception as e:
        print(f"peer_cupy: CuPy cannot use the GPU ({e}). Skipped.")
        sys.exit(2)
    import numpy as np

    dtype = cp.float64 if args.dtype == "float64" else cp.float32
    kernel = cp.ElementwiseKernel(
        "T decay, T drive, T z, T v_th, T v_reset, int32 n_ref",
        "T v, int32 r, int32 count",
        STEP, "srlif_peer_euler_step")

    drive_host = np.asarray(c.drive_table(args.duration), dtype=np.float64)
    k_updates = drive_host.size - 1
    a = c.DT / c.TAU_M
    drive_term = (a * (c.E_L + drive_host / c.G_L)).astype(dtype)  # host scalars per step
    decay = dtype(1.0 - a)
    noise_scale = dtype(a * c.SIGMA / (c.G_L * np.sqrt(c.DT)))

    def run(neurons, updates):
        rng = cp.random.default_rng(args.seed) if hasattr(cp.random, "default_rng") else None
        v = cp.full(neurons, c.V_INIT, dtype=dtype)
        r = cp.zeros(neurons, dtype=cp.int32)
        count = cp.zeros(neurons, dtype=cp.int32)
        for k0 in range(0, updates, args.block):
            nb = min(args.block, updates - k0)
            if rng is not None:
                z = rng.standard_normal((nb, neurons), dtype=dtype)
            else:
                z = cp.random.standard_normal((nb, neurons), dtype=dtype)
            z *= noise_scale
            for j in range(nb):
                kernel(decay, drive_term[k0 + j], z[j], dtype(c.V_TH), dtype(c.V_RESET),
                       np.int32(c.N_REF), v, r, count)
        total = int(count.sum(dtype=cp.int64))
        cp.cuda.Stream.null.synchronize()
        return total

    run(min(args.neurons, 1024), min(k_updates, 100))  # warm-up: compiles the kernel
    cp.cuda.Stream.null.synchronize()
    with c.Meter() as meter:
        t0 = time.perf_counter()
        total = run(args.neurons, k_updates)
        secs = time.perf_counter() - t0
    rate = total / (args.neurons * args.duration / 1000.0)
    c.emit(f"CuPy vectorised {args.dtype} ({gpu_check.gpu_name()})", args.neurons, k_updates, secs,
           rate, 1, f"cupy {cp.__version__}",
           duration_ms=args.duration, background=meter.background)
    if not args.no_srlif:
        c.run_srlif(args.neurons, args.duration, 0, backend="cuda", label="srlif CUDA")


if __name__ == "__main__":
    main()
