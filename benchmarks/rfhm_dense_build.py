"""Benchmark: building dense-coefficient RFHM examples, xi = sign(F c) with L = D.

``montecarlo.patterns.examples_int8`` sums many +-1 coefficients per example (kind "dense", or
L > MATMUL_MIN_L) by exact float32 BLAS products; the gather loop it replaced
(``_examples_int8_kernel``, N P L scalar operations with indexed reads) is kept as the
reference.  Both give the same array (checked here).  Prints the seconds of each and, last,
``dense_build_speedup <loop / matmul>`` measured in this run.  Process CPU time is not used:
BLAS may use several threads; wall time on an otherwise idle machine is what matters.

Defaults: N = 8000, D = 960 (alpha_D = 0.12, the largest feature load of the rfhm-phase-diagram
overlay), P = 1000.  Run:  python benchmarks/rfhm_dense_build.py [--N 8000 --D 960 --P 1000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from hopfield_phases.montecarlo import patterns as pt


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--N", type=int, default=8000)
    ap.add_argument("--D", type=int, default=960)
    ap.add_argument("--P", type=int, default=1000)
    a = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    F = pt.draw_features(rng, a.N, a.D)
    c = pt.draw_coefficients(rng, a.P, a.D, a.D, "dense")
    small = pt.draw_coefficients(rng, 8, a.D, a.D, "dense")  # compile the loop outside the timing
    pt._examples_int8_kernel(F[:8], small.positions, small.signs, np.empty((8, 8), np.int8))
    pt.examples_int8(F[:64], small)

    t0 = time.perf_counter()
    X = pt.examples_int8(F, c)
    t_mm = time.perf_counter() - t0
    ref = np.empty_like(X)
    t0 = time.perf_counter()
    pt._examples_int8_kernel(F, c.positions, c.signs, ref)
    t_loop = time.perf_counter() - t0
    if not np.array_equal(X, ref):
        raise SystemExit("matmul and loop builds differ")
    entries = float(a.N) * a.P * a.D
    print(f"N = {a.N}, D = {a.D}, P = {a.P}: {entries:.3g} coefficient entries")
    print(f"gather loop   {t_loop:8.3f} s  ({t_loop / entries * 1e9:.3f} ns per entry)")
    print(f"BLAS matmul   {t_mm:8.3f} s  ({t_mm / entries * 1e9:.4f} ns per entry)")
    print(f"dense_build_speedup {t_loop / t_mm:.1f}")


if __name__ == "__main__":
    main()
