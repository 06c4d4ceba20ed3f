#!/usr/bin/env python
"""Benchmark: our xoshiro256** stream (montecarlo/rng.py) against numpy ``Generator`` objects
(PCG64, Philox) inside numba kernels, in one run (issue 13 item 8).

numba (>= 0.56) accepts ``numpy.random.Generator`` arguments in nopython code; the draws call
the bit generator through its C function pointers and advance the Python object's state.  We
time, single thread, process CPU time, best of ``--repeat``:

* ``shuffle``: the per-sweep Fisher-Yates shuffle of the site order (N sites), ours
  (``rng.shuffle``, Lemire bounded integers) vs ``Generator.shuffle`` in numba and vs the same
  Fisher-Yates loop drawing ``gen.integers(0, i + 1)`` (``+integers``);
* ``metropolis``: the RFHM Metropolis kernel (montecarlo/metropolis.py: one shuffle per sweep,
  one uniform per visit with dE > 0) as it is, vs the same loop with ``gen.shuffle`` and
  ``gen.random()`` (or the ``+integers`` shuffle); T = 1.2 on random +-1 patterns (most visits draw a uniform), R replicas;
* ``uniforms``: a bare loop summing n uniforms (the cost of one draw);

and check the seed semantics: the numba draws equal numpy's own Python-side draws for the same
SeedSequence (so same seed, same result, whatever the number of workers, since every task
builds its stream from its own SeedSequence) and a Generator-argument kernel can be cached.

Last line: ``ratio <best numpy variant / ours, Metropolis kernel time>``.
Run:  python benchmarks/rng_streams.py [--N 4000] [--P 20] [--R 4] [--sweeps 40] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np
from numba import njit

from hopfield_phases.montecarlo import rng as xr
from hopfield_phases.montecarlo.fields import dot_i8_m, init_overlaps_int8
from hopfield_phases.montecarlo.metropolis import _metropolis_kernel


# ------------------------------------------------------------------ numpy-Generator variants
@njit(cache=True)
def _shuffle_np(gen, perm, n_sweeps):
    for _ in range(n_sweeps):
        gen.shuffle(perm)


@njit(cache=True)
def _fisher_yates_np(gen, a):
    """Fisher-Yates with numpy's bounded integers (``gen.integers``), the same swaps as ours."""
    for i in range(a.shape[0] - 1, 0, -1):
        j = gen.integers(0, i + 1)
        tmp = a[i]
        a[i] = a[j]
        a[j] = tmp


@njit(cache=True)
def _shuffle_np_fy(gen, perm, n_sweeps):
    for _ in range(n_sweeps):
        _fisher_yates_np(gen, perm)


@njit(cache=True)
def _draws_np(gen, n):
    out = np.empty(n)
    for k in range(n):
        out[k] = gen.random()
    return out


@njit(cache=True)
def _shuffle_ours(state, perm, n_sweeps):
    for _ in range(n_sweeps):
        xr.shuffle(state, perm)


@njit(cache=True)
def _uniforms_np(gen, n):
    s = 0.0
    for _ in range(n):
        s += gen.random()
    return s


@njit(cache=True)
def _uniforms_ours(state, n):
    s = 0.0
    for _ in range(n):
        s += xr.next_double(state)
    return s


@njit(cache=True)
def _metropolis_kernel_np(X, S, M, targets, beta, n_sweeps, gen, trace, accepted, fy):
    """montecarlo.metropolis._metropolis_kernel with the numpy Generator as the stream
    (``fy``: Fisher-Yates on gen.integers instead of gen.shuffle)."""
    N, P = X.shape
    R = S.shape[0]
    perm = np.arange(N)
    for sweep in range(n_sweeps):
        if fy:
            _fisher_yates_np(gen, perm)
        else:
            gen.shuffle(perm)
        for t in range(N):
            i = perm[t]
            x = X[i]
            for r in range(R):
                si = S[r, i]
                H = dot_i8_m(x, M[r]) - np.int32(P) * np.int32(si)
                dE = 2.0 * si * H / N
                acc = dE <= 0.0
                if not acc:
                    acc = gen.random() < np.exp(-beta * dE)
                if acc:
                    S[r, i] = -si
                    accepted[r] += 1
                    m = M[r]
                    if si < 0:
                        for k in range(P):
                            m[k] += 2 * x[k]
                    else:
                        for k in range(P):
                            m[k] -= 2 * x[k]
        for r in range(R):
            ov = 0
            for j in range(N):
                ov += S[r, j] * targets[r, j]
            trace[sweep, r] = ov / N


def _best(f, repeat):
    best = np.inf
    for _ in range(repeat):
        t0 = time.process_time()
        f()
        best = min(best, time.process_time() - t0)
    return best


def _gen(kind, seed):
    ss = np.random.SeedSequence(seed)
    return np.random.Generator(np.random.PCG64(ss) if kind == "PCG64" else np.random.Philox(ss))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--N", type=int, default=4000)
    ap.add_argument("--P", type=int, default=20)
    ap.add_argument("--R", type=int, default=4)
    ap.add_argument("--sweeps", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    N, P, R, n_sweeps = args.N, args.P, args.R, args.sweeps

    # ---- seed semantics
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a "cannot cache" NumbaWarning would fail here
        g1, g2 = _gen("PCG64", 7), _gen("PCG64", 7)
        a = np.arange(20)
        _shuffle_np(g1, a, 1)
        b = np.arange(20)
        g2.shuffle(b)
        same_shuffle = np.array_equal(a, b)
        u_nb = _draws_np(g1, 1000)
        u_py = g2.random(1000)
        same_uniforms = np.array_equal(u_nb, u_py)  # numba advanced the Python object's state identically
    print(f"# seed semantics: numba gen.shuffle == numpy shuffle: {same_shuffle}; "
          f"numba uniforms == numpy uniforms after it: {same_uniforms}")

    # ---- shuffle
    perm = np.arange(N)
    n_sh = max(1, 400000 // N) * 10
    st = xr.new_state(1)
    _shuffle_ours(st, perm, 1)
    t_ours = _best(lambda: _shuffle_ours(st, perm, n_sh), args.repeat)
    res = {"ours": t_ours}
    for kind in ("PCG64", "Philox"):
        g = _gen(kind, 1)
        _shuffle_np(g, perm, 1)
        res[kind] = _best(lambda g=g: _shuffle_np(g, perm, n_sh), args.repeat)
        _shuffle_np_fy(g, perm, 1)
        res[kind + "+integers"] = _best(lambda g=g: _shuffle_np_fy(g, perm, n_sh), args.repeat)
    keys = ("PCG64", "PCG64+integers", "Philox", "Philox+integers")
    print(f"shuffle   N={N:6d} x{n_sh}: ours {1e9 * t_ours / (n_sh * N):6.2f} ns/site | "
          + " | ".join(f"{k} {1e9 * res[k] / (n_sh * N):6.2f} ({res[k] / t_ours:4.2f}x)" for k in keys))

    # ---- bare uniforms
    n_u = 20_000_000
    st = xr.new_state(2)
    _uniforms_ours(st, 10)
    t_ours = _best(lambda: _uniforms_ours(st, n_u), args.repeat)
    res = {}
    for kind in ("PCG64", "Philox"):
        g = _gen(kind, 2)
        _uniforms_np(g, 10)
        res[kind] = _best(lambda g=g: _uniforms_np(g, n_u), args.repeat)
    print(f"uniforms  n={n_u}: ours {1e9 * t_ours / n_u:6.2f} ns/draw | "
          + " | ".join(f"{k} {1e9 * res[k] / n_u:6.2f} ns/draw ({res[k] / t_ours:4.2f}x)"
                       for k in ("PCG64", "Philox")))

    # ---- Metropolis kernel
    rng = np.random.default_rng(0)
    X = (2 * rng.integers(0, 2, (N, P)) - 1).astype(np.int8)
    S0 = np.ascontiguousarray(X[:, :R].T)
    beta = 1.0 / 1.2

    def setup():
        S = S0.copy()
        M = np.empty((R, P), dtype=np.int16)
        init_overlaps_int8(X, S, M)
        return S, M, np.zeros((n_sweeps, R)), np.zeros(R, dtype=np.int64)

    def run_ours():
        S, M, tr, acc = setup()
        _metropolis_kernel(X, S, M, S0, beta, n_sweeps, xr.new_state(3), tr, acc)
        return acc

    def run_np(kind, fy):
        S, M, tr, acc = setup()
        _metropolis_kernel_np(X, S, M, S0, beta, n_sweeps, _gen(kind, 3), tr, acc, fy)
        return acc

    acc = run_ours()
    t_ours = _best(run_ours, args.repeat)
    res = {}
    for kind in ("PCG64", "Philox"):
        for fy in (False, True):
            key = kind + ("+integers" if fy else "")
            run_np(kind, fy)
            res[key] = _best(lambda kind=kind, fy=fy: run_np(kind, fy), args.repeat)
    visits = n_sweeps * N * R
    print(f"metropolis N={N} P={P} R={R} sweeps={n_sweeps} (acceptance {acc.sum() / visits:.2f}): "
          f"ours {1e9 * t_ours / visits:6.2f} ns/visit | "
          + " | ".join(f"{k} {1e9 * res[k] / visits:6.2f} ({res[k] / t_ours:4.2f}x)" for k in keys))
    print(f"# load average {os.getloadavg()} (shared machine: compare ratios, not times)")
    best = min(res, key=res.get)
    print(f"# best numpy variant in the Metropolis kernel: {best}")
    print(f"ratio {res[best] / t_ours:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
