"""Benchmark: the whole AGS phase diagram (issue 2, Speed section; target < 30 s on one core).

Computes every line of ``theory.hopfield.phase_diagram`` - T_g, T_M, T_c and the mixture
lines T_3, T_5, T_7 - with 60 points each (default tracing, ``alpha_line(T)`` per point),
from a cold start (all caches cleared), and prints per-line and total CPU time
(``time.process_time``, since the machine may be shared) and the ratio to the 30 s target.

Optionally (``--alpha-grid``) it also times the same lines evaluated on a 60-point alpha grid
through ``critical_temperature`` (T(alpha) by Brent in T), the slower mode of
``phase_diagram(alphas=...)``.

Run:  python benchmarks/hopfield_diagram.py [--points 60] [--alpha-grid]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from hopfield_phases.theory import hopfield as H

TARGET_S = 30.0


def _clear_caches() -> None:
    for name in dir(H):
        fn = getattr(H, name)
        if hasattr(fn, "cache_clear"):
            fn.cache_clear()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=60)
    ap.add_argument("--alpha-grid", action="store_true",
                    help="also time the alpha-grid mode (critical_temperature per point)")
    args = ap.parse_args()

    _clear_caches()
    t0 = time.process_time()
    per_line = {}
    for line, n_list in (("spin_glass", ()), ("retrieval_spinodal", ()), ("retrieval_global", ()),
                         ("mixture", (3,)), ("mixture", (5,)), ("mixture", (7,))):
        t = time.process_time()
        d = H.phase_diagram(lines=(line,), n_list=n_list or (3,), points=args.points)
        key = next(iter(d.lines))
        per_line[key] = (time.process_time() - t, len(d.lines[key]["T"]))
    total = time.process_time() - t0
    for key, (dt, npts) in per_line.items():
        print(f"{key:5s} {npts:4d} points  {dt:7.2f} s CPU")
    print(f"whole diagram (all lines, {args.points} points each, cold caches): {total:.2f} s CPU")
    print(f"ratio_to_target {total / TARGET_S:.3f}  (target < 1: {TARGET_S:.0f} s on one core)")

    if args.alpha_grid:
        _clear_caches()
        t = time.process_time()
        alphas = np.linspace(0.0, 0.16, args.points)
        H.phase_diagram(alphas=alphas, points=args.points)
        print(f"alpha-grid mode (critical_temperature at {args.points} alphas per line): "
              f"{time.process_time() - t:.2f} s CPU")


if __name__ == "__main__":
    main()
