#!/usr/bin/env python3
"""srlif on the reference workload (10^4 neurons x 10 s by default), CPU backend, with each of
the given thread counts; reports srlif's own simulation time (run.json) and mean rate (points.csv)."""

import argparse

import common as c


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--neurons", type=int, default=10000)
    p.add_argument("--duration", type=float, default=10000.0)
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    for t in args.threads:
        c.run_srlif(args.neurons, args.duration, t, seed=args.seed)


if __name__ == "__main__":
    main()
