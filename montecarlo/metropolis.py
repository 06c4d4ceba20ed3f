"""Finite-temperature Metropolis dynamics of the Hebbian Hopfield network on the exact
matrix-free integer fields of :mod:`montecarlo.fields`.

Energy ``E(s) = -1/2 sum_{i!=j} J_ij s_i s_j`` with ``J = X^T X / N`` (zero diagonal), so flipping
spin i costs ``dE = 2 s_i h_i = 2 s_i H_i / N`` with the exact integer field
``H_i = x_i . m - P s_i``.  Temperature ``T = 1/beta`` in the same units as ``h`` (the AGS
convention: the Mattis state of one pattern at alpha -> 0 has ``m = tanh(beta m)``).

Sweep schedule: ``n_sweeps`` sweeps, each a fresh uniform random permutation of the sites (the
same xoshiro256** Fisher-Yates stream as the zero-temperature kernels), visiting every site
once.  At a visit the flip is accepted if ``dE <= 0``, otherwise with probability
``exp(-beta dE)`` (one uniform draw, only when ``dE > 0``).  The overlaps with the targets are
recorded after every sweep; the first ``n_burn`` sweeps are discarded and the rest averaged.
All R start states are advanced together with the shared permutation (as the batched T=0
kernel) but with their own acceptance draws taken from the same stream in replica order, so a
run is a deterministic function of (data, starts, T, schedule, seed).

Cost: per sweep N visits x R x P int8 x int16 multiply-adds + P per accepted flip; memory
N*P + 2RP bytes.  ``T = 0`` is allowed and gives rule R (ties flip, dE = 0 accepted) without
the zero-temperature stopping rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from hopfield_phases._core.validation import integer, nonnegative

from .fields import dot_i8_m, init_overlaps_int8
from .rng import new_state, next_double, shuffle

__all__ = ["MetropolisResult", "metropolis"]


@dataclass
class MetropolisResult:
    """``mean_overlap`` (R,) averaged over the measured sweeps; ``overlap_trace`` (n_sweeps x R)
    overlaps with the targets after every sweep; ``states`` (R x N) final; ``acceptance``
    (R,) fraction of accepted flips over all visits."""

    mean_overlap: np.ndarray
    overlap_trace: np.ndarray
    states: np.ndarray
    acceptance: np.ndarray


@njit(cache=True)
def _metropolis_kernel(X, S, M, targets, beta, n_sweeps, state, trace, accepted):
    N, P = X.shape
    R = S.shape[0]
    perm = np.arange(N)
    for sweep in range(n_sweeps):
        shuffle(state, perm)
        for t in range(N):
            i = perm[t]
            x = X[i]
            for r in range(R):
                si = S[r, i]
                H = dot_i8_m(x, M[r]) - np.int32(P) * np.int32(si)
                dE = 2.0 * si * H / N
                acc = dE <= 0.0
                if not acc:
                    if beta == np.inf:
                        acc = False
                    else:
                        acc = next_double(state) < np.exp(-beta * dE)
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


def metropolis(X: np.ndarray, starts: np.ndarray, T: float, n_sweeps: int = 200, n_burn: int = 50,
               seed=0, targets: np.ndarray | None = None) -> MetropolisResult:
    """Metropolis at temperature ``T`` on site-major int8 X (N x P) from ``starts`` (R x N).

    ``targets`` (default: the starts) are the configurations whose overlaps are recorded.
    Returns a :class:`MetropolisResult`.  See the module docstring for the schedule."""
    T = nonnegative("T", T)
    n_sweeps = integer("n_sweeps", n_sweeps, minimum=1)
    n_burn = integer("n_burn", n_burn, minimum=0, maximum=n_sweeps - 1)
    N, P = X.shape
    if N * P >= 2**31:
        raise ValueError(f"N: N*P = {N * P} exceeds the int32 field limit 2^31")
    S = np.ascontiguousarray(np.atleast_2d(starts), dtype=np.int8).copy()
    tg = S.copy() if targets is None else np.ascontiguousarray(np.atleast_2d(targets), dtype=np.int8)
    R = S.shape[0]
    M = np.empty((R, P), dtype=np.int16 if N <= 32767 else np.int32)
    init_overlaps_int8(X, S, M)
    trace = np.zeros((n_sweeps, R))
    accepted = np.zeros(R, dtype=np.int64)
    beta = np.inf if T == 0 else 1.0 / T
    _metropolis_kernel(X, S, M, tg, beta, n_sweeps, new_state(seed), trace, accepted)
    return MetropolisResult(mean_overlap=trace[n_burn:].mean(axis=0), overlap_trace=trace, states=S,
                            acceptance=accepted / (n_sweeps * N))
