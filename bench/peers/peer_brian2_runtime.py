#!/usr/bin/env python3
"""Peer 3: Brian2 in runtime mode, cython code generation target (numpy target if Cython cannot
compile here; the output says which).

The model is brian2_model.py (method='euler', noise sigma/(tau_m g_L) xi, threshold v >= V_th,
reset v = V_reset, refractory 2 ms). Code generation and Cython compilation happen in a first
run of zero duration, timed separately ("setup/compile"); the timed run is the simulation proper.
Compiled Cython modules are cached (~/.cython/brian_extensions), so only the very first run on a
machine pays the full compile time.
"""

import time

import common as c


def cython_works():
    try:
        from brian2.codegen.runtime.cython_rt.cython_rt import CythonCodeObject
        return bool(CythonCodeObject.is_available())
    except Exception as e:  # pragma: no cover - depends on the machine
        print(f"cython target unavailable: {e}")
        return False


def main():
    p = c.parser(__doc__.splitlines()[0], neurons=10000, duration_ms=2000.0)
    p.add_argument("--target", choices=["auto", "cython", "numpy"], default="auto")
    p.add_argument("--cython-cache", metavar="DIR",
                   help="Cython cache directory (an empty one makes the setup time include a full compile)")
    args = p.parse_args()

    t_import = time.perf_counter()
    import brian2 as b2
    from brian2 import ms
    import brian2_model as m
    t_import = time.perf_counter() - t_import

    target = args.target
    if target == "auto":
        target = "cython" if cython_works() else "numpy"
        if target == "numpy":
            print("NOTE: Cython compilation is not available here; falling back to the numpy target")
    b2.prefs.codegen.target = target
    if args.cython_cache:
        b2.prefs.codegen.runtime.cython.cache_dir = args.cython_cache
    b2.prefs.logging.std_redirection = False

    net, group, mon = m.build(args.neurons, args.seed)
    t0 = time.perf_counter()
    net.run(0 * ms)  # generates (and for cython, compiles or loads from cache) the code objects
    setup = time.perf_counter() - t0
    c.wait_idle()
    with c.Meter() as meter:
        t0 = time.perf_counter()
        net.run(args.duration * ms)
        secs = time.perf_counter() - t0
    steps = int(round(args.duration / c.DT))
    total = int(mon.num_spikes)
    rate = total / (args.neurons * args.duration / 1000.0)
    c.emit(f"Brian2 runtime ({target})", args.neurons, steps, secs, rate, 1,
           f"brian2 {b2.__version__}; setup/compile {setup:.1f} s, import {t_import:.1f} s",
           duration_ms=args.duration, background=meter.background)
    if not args.no_srlif:
        c.run_srlif(args.neurons, args.duration, args.srlif_threads)


if __name__ == "__main__":
    main()
