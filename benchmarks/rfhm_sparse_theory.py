"""Benchmark of the degree-resolved sparse RFHM theory (theory/rfhm_sparse.py), one core, CPU time.

Targets (issue 12): ``alpha_star`` for one n in < 0.5 s; the N = infinity mean-mu curve at 50
alpha values in < 20 s.  Ratios: time / target, and against the dense RS learning line
(``rfhm.learning_transition``, one point) as the reference solver of the same kind.
Each timing starts from cold caches (the fold cache of ``rfhm_sparse`` is cleared).  The L = 3
curve is also timed on the straightforward reference path (``_reference=True``), for a ratio
measured in one run.
Run:  python benchmarks/rfhm_sparse_theory.py
"""

from __future__ import annotations

import time

import numpy as np

from hopfield_phases.theory import rfhm, rfhm_sparse as sp


def _timed(fn):
    t0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - t0, time.perf_counter() - w0


def main() -> None:
    sp.solve_degree(25, 0.05, 0.005, 3)  # import/first-call costs
    _, ref, _ = _timed(lambda: rfhm.learning_transition(0.005))
    print(f"reference: dense RS learning line, one point: cpu {ref:.3f} s")
    for L in (3, 5, 7):
        n = {3: 25, 5: 35, 7: 45}[L]
        sp._fold_cached.cache_clear()
        a, cpu, wall = _timed(lambda: sp.alpha_star(n, 0.005, L))
        print(f"alpha_star(n={n}, L={L}) = {a:.6f}: cpu {cpu:.3f} s, wall {wall:.3f} s "
              f"(target < 0.5 s; ratio {cpu / 0.5:.3f}; / dense line {cpu / ref:.2f})")
    alphas = np.linspace(0.02, 0.08, 50)
    for L in (3, 5, 7):
        sp._fold_cached.cache_clear()
        mu, cpu, wall = _timed(lambda: sp.mean_feature_magnetization(alphas, 0.005, L))
        print(f"mean-mu curve L={L}, 50 alphas: cpu {cpu:.3f} s, wall {wall:.3f} s "
              f"(target < 20 s; ratio {cpu / 20.0:.3f}); all finite: {np.all(np.isfinite(mu))}")
    # the same L = 3 curve by the straightforward path (fresh n_c search per alpha, degree n
    # polished from degree n-1, numpy site averages), kept as the reference of the tests
    sp._fold_cached.cache_clear()
    mu_ref, cpu_ref, _ = _timed(lambda: np.array(
        [sp._mean_mu_one(a, 0.005, 3, "exact", _reference=True) for a in alphas]))
    sp._fold_cached.cache_clear()
    mu, cpu, _ = _timed(lambda: sp.mean_feature_magnetization(alphas, 0.005, 3))
    print(f"mean-mu curve L=3, reference path (old per-alpha algorithm, same fold code): cpu {cpu_ref:.3f} s; fast/reference cpu ratio "
          f"{cpu / cpu_ref:.3f}; max relative difference {np.max(np.abs(mu / mu_ref - 1)):.2e}")
    sp._fold_cached.cache_clear()
    c, cpu, wall = _timed(lambda: sp.mean_mu_crossing(0.005, 3))
    print(f"mean-mu 0.9-crossing L=3: {c:.5f}: cpu {cpu:.3f} s, wall {wall:.3f} s")


if __name__ == "__main__":
    main()
