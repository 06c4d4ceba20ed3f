"""Exact integer overlaps and fields of the Hebbian Hopfield network (docs/theory/rfhm_dynamics.md
Secs. 1.2, 3.2).

Couplings ``J = X^T X / N`` with zero diagonal, X the P x N matrix of examples, stored
*site-major* here (``X`` is N x P int8, row i = the P example bits of site i).  For a state s
the overlaps are ``m = X^T s`` (one per example) and the exact integer fields

    H_i = N h_i = x_i . m - P s_i        (x_i = row i of X).

Two layers:

* numpy, from scratch (int64; tests and invariant checks): :func:`overlaps`, :func:`fields`;
* numba, the hot-loop pieces shared by the zero-temperature kernels
  (:mod:`montecarlo.zero_temperature`) and Metropolis (:mod:`montecarlo.metropolis`):
  :func:`dot_i8_m` (one int8 row times int16/int32 overlaps, int32 accumulator) and
  :func:`init_overlaps_int8` (the overlaps of R states, one pass over X).

Integer limits (Sec. 4.4): the int32 accumulator of :func:`dot_i8_m` is exact while
``N * P < 2^31``; overlaps fit int16 up to N = 32767 (callers use int32 above).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["overlaps", "fields", "dot_i8_m", "init_overlaps_int8"]


def overlaps(X: np.ndarray, s: np.ndarray) -> np.ndarray:
    """``m = X s`` for site-major X (N x P) and one or more states (R x N): int64 (R x P)."""
    return np.atleast_2d(s).astype(np.int64) @ X.astype(np.int64)


def fields(X: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Exact integer fields ``H = X m - P s`` (int64, R x N) from scratch."""
    s2 = np.atleast_2d(s).astype(np.int64)
    m = overlaps(X, s2)
    return m @ X.astype(np.int64).T - X.shape[1] * s2


@njit(cache=True)
def dot_i8_m(x, m):
    """``sum_k x[k] m[k]`` for an int8 row x and int16/int32 overlaps m, int32 accumulator."""
    acc = np.int32(0)
    for k in range(x.shape[0]):
        acc = np.int32(acc + np.int32(x[k]) * np.int32(m[k]))
    return acc


@njit(cache=True)
def init_overlaps_int8(X, S, M):
    """Fill ``M[r] = sum_i S[r, i] X[i]`` (R x P) for site-major int8 X (N x P) and states
    S (R x N int8); one pass over X shared by all R states."""
    R = S.shape[0]
    N, P = X.shape
    for r in range(R):
        for k in range(P):
            M[r, k] = 0
    for i in range(N):
        x = X[i]
        for r in range(R):
            if S[r, i] > 0:
                for k in range(P):
                    M[r, k] += x[k]
            else:
                for k in range(P):
                    M[r, k] -= x[k]
