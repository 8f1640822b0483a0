#!/usr/bin/env python3
"""Peer (GPU): Brian2CUDA (set_device('cuda_standalone')), the same Brian2 model on an NVIDIA GPU.

The model is brian2_model.py (method='euler', noise sigma/(tau_m g_L) xi, threshold v >= V_th,
reset v = V_reset, refractory 2 ms). Brian2CUDA writes a CUDA project, compiles it with nvcc and
runs it; the binary measures the time of its simulation loop, from which the neuron-steps/s are
computed; compile time and the binary's whole run are reported separately.

Needs a GPU and the CUDA toolkit. Brian2CUDA pins its own Brian2 version (brian2cuda 1.0a7 needs
brian2 2.8.0, which needs numpy < 2.4), so install it in its own virtual environment:
    python3 -m venv /tmp/b2cuda && /tmp/b2cuda/bin/pip install brian2cuda "numpy<2.4"
    /tmp/b2cuda/bin/python bench/peers/peer_brian2cuda.py
Exits with status 2 and a clear message when Brian2CUDA, nvcc or a CUDA device is not available.
Not measured yet (written on a machine without a GPU).
"""

import shutil
import signal
import sys
import tempfile
import time

import common as c
import gpu_check


def main():
    p = c.parser(__doc__.splitlines()[0], neurons=1000000, duration_ms=10000.0)
    p.add_argument("--keep", metavar="DIR", help="write the CUDA project to DIR and keep it")
    p.add_argument("--compile-only", action="store_true",
                   help="no GPU needed: generate and nvcc-compile the project (for --compute-capability), "
                        "do not run it; checks the model and the toolchain on a machine without a GPU")
    p.add_argument("--compute-capability", type=float, default=None,
                   help="compile for this compute capability (e.g. 9.0) instead of detecting the GPU")
    args = p.parse_args()
    # a time limit (SIGTERM) still removes the temporary project directory
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(128 + sig))

    n_gpu, why = gpu_check.cuda_gpu_count()
    if n_gpu == 0 and not args.compile_only:
        print(f"peer_brian2cuda: no CUDA GPU usable here ({why}); this peer needs an NVIDIA GPU. Skipped.")
        sys.exit(2)
    if gpu_check.nvcc_path() is None:
        print("peer_brian2cuda: nvcc (the CUDA toolkit) not found. Skipped.")
        sys.exit(2)
    try:
        import brian2 as b2
        import brian2cuda  # noqa: F401  (registers the 'cuda_standalone' device)
    except ImportError as e:
        print(f"peer_brian2cuda: Brian2CUDA is not installed ({e}); see this script's docstring. Skipped.")
        sys.exit(2)
    from brian2 import ms
    import brian2_model as m

    directory = args.keep or tempfile.mkdtemp(prefix="brian2cuda_")
    b2.set_device("cuda_standalone", build_on_run=False, directory=directory)
    b2.prefs.logging.std_redirection = False
    # CUDA 13's Thrust/libcu++ need C++17, but Brian2CUDA's makefile passes -std=c++11 to nvcc and
    # the host compiler; a later -std wins, so append C++17 (supported by every CUDA >= 11).
    cb = b2.prefs.devices.cuda_standalone.cuda_backend
    cb.extra_compile_args_nvcc = list(cb.extra_compile_args_nvcc) + ["-std=c++17"]
    b2.prefs.codegen.cpp.extra_compile_args_gcc = [
        "-std=c++17" if a == "-std=c++11" else a for a in b2.prefs.codegen.cpp.extra_compile_args_gcc]
    if args.compile_only or args.compute_capability is not None:
        b2.prefs.devices.cuda_standalone.cuda_backend.detect_gpus = False
        b2.prefs.devices.cuda_standalone.cuda_backend.gpu_id = 0
        b2.prefs.devices.cuda_standalone.cuda_backend.compute_capability = args.compute_capability or 9.0
    if args.compile_only:
        try:
            net, group, mon = m.build(args.neurons, args.seed)
            net.run(args.duration * ms)
            t0 = time.perf_counter()
            b2.device.build(directory=directory, compile=True, run=False)
            print(f"peer_brian2cuda: compiled the CUDA project in {time.perf_counter() - t0:.1f} s "
                  f"(compute capability {args.compute_capability or 9.0}); not run (--compile-only).")
        finally:
            if not args.keep:
                shutil.rmtree(directory, ignore_errors=True)
        return
    try:
        net, group, mon = m.build(args.neurons, args.seed)
        net.run(args.duration * ms)
        with c.Meter() as meter:
            t0 = time.perf_counter()
            b2.device.build(directory=directory, compile=True, run=True, with_output=False)
            total_build = time.perf_counter() - t0
        timers = getattr(b2.device, "timers", {}) or {}
        make = (timers.get("compile") or {}).get("make") or 0.0
        binary = timers.get("run_binary") or 0.0
        secs = float(b2.device._last_run_time)
        total = int(mon.num_spikes)
    finally:
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)

    steps = int(round(args.duration / c.DT))
    rate = total / (args.neurons * args.duration / 1000.0)
    c.emit(f"Brian2CUDA ({gpu_check.gpu_name()})", args.neurons, steps, secs, rate, 1,
           f"brian2cuda {getattr(brian2cuda, '__version__', '?')}; compile (make) {make:.1f} s, "
           f"code generation {total_build - make - binary:.1f} s, binary total {binary:.1f} s",
           duration_ms=args.duration, background=meter.background)
    if not args.no_srlif:
        c.run_srlif(args.neurons, args.duration, 0, backend="cuda", label="srlif CUDA")


if __name__ == "__main__":
    main()
