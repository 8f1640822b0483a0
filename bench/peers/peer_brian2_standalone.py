#!/usr/bin/env python3
"""Peer 4: Brian2 C++ standalone mode (set_device('cpp_standalone')), OpenMP threads = 2 by default.

The model is brian2_model.py (method='euler', noise sigma/(tau_m g_L) xi, threshold v >= V_th,
reset v = V_reset, refractory 2 ms). Brian2 writes a C++ project, compiles it with make and runs
the binary; the binary itself measures the time of the simulation loop (Network::run), which is
what the neuron-steps/s are computed from. Code generation, compilation and the binary's whole
run (with its setup and writing of results) are reported separately.
"""

import os
import shutil
import sys
import signal
import tempfile
import time

import common as c


def main():
    p = c.parser(__doc__.splitlines()[0], neurons=10000, duration_ms=10000.0)
    p.add_argument("--threads", type=int, default=2, help="OpenMP threads (0 = no OpenMP; default 2)")
    p.add_argument("--keep", metavar="DIR", help="write the C++ project to DIR and keep it")
    args = p.parse_args()
    # a time limit (SIGTERM) still removes the temporary project directory
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(128 + sig))
    args.srlif_threads = max(args.threads, 1)

    import brian2 as b2
    from brian2 import ms
    import brian2_model as m

    directory = args.keep or tempfile.mkdtemp(prefix="brian2_standalone_")
    b2.set_device("cpp_standalone", build_on_run=False, directory=directory)
    b2.prefs.devices.cpp_standalone.openmp_threads = args.threads
    b2.prefs.logging.std_redirection = False
    try:
        net, group, mon = m.build(args.neurons, args.seed)
        net.run(args.duration * ms)
        c.wait_idle()
        with c.Meter() as meter:  # over compile + run (the run is the larger part at 10^4 x 10 s)
            t0 = time.perf_counter()
            b2.device.build(directory=directory, compile=True, run=True, with_output=False)
            total_build = time.perf_counter() - t0
        make = b2.device.timers["compile"]["make"] or 0.0
        binary = b2.device.timers["run_binary"] or 0.0
        secs = float(b2.device._last_run_time)
        total = int(mon.num_spikes)
    finally:
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)

    steps = int(round(args.duration / c.DT))
    rate = total / (args.neurons * args.duration / 1000.0)
    codegen = total_build - make - binary
    label = (f"Brian2 cpp_standalone ({args.threads} OpenMP threads)" if args.threads > 0
             else "Brian2 cpp_standalone (no OpenMP)")
    if args.threads > 0 and os.environ.get("OMP_WAIT_POLICY"):
        label += f" OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']}"
    c.emit(label, args.neurons, steps, secs, rate,
           max(args.threads, 1),
           f"brian2 {b2.__version__}; compile (make) {make:.1f} s, code generation {codegen:.1f} s, "
           f"binary total {binary:.1f} s",
           duration_ms=args.duration, background=meter.background)
    if not args.no_srlif:
        c.run_srlif(args.neurons, args.duration, args.srlif_threads)


if __name__ == "__main__":
    main()
