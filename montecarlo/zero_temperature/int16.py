"""Exact integer reference port (docs/theory/rfhm_dynamics.md Sec. 3.1): dense int16 K = X X^T, an int32
dot product of row i with s at every visit.  The ground truth of the exactness tests."""

from __future__ import annotations

import numpy as np
from numba import njit

from hopfield_phases._core.validation import check_memory, integer

from ..rng import new_state, shuffle
from .common import Relaxation, empty_result, rule_code

__all__ = ["build_K_int16", "relax_int16", "memory_bytes"]


def memory_bytes(N: int, P: int, R: int = 1) -> int:
    """Bytes of the data structures: int16 K, the float32 build copy of X, int8 X."""
    return 2 * N * N + 4 * N * P + N * P


def build_K_int16(X: np.ndarray, block: int = 2048) -> np.ndarray:
    """Exact integer couplings ``K = X X^T`` (int16, zero diagonal) via float32 block products
    cast to int16.  Needs P <= 32767."""
    N, P = X.shape
    if P > 32767:
        raise ValueError(f"P must be <= 32767 for int16 couplings, got {P}")
    check_memory("N", memory_bytes(N, P), "the dense int16 coupling matrix")
    A = X.astype(np.float32)
    K = np.empty((N, N), dtype=np.int16)
    for a in range(0, N, block):
        Aa = A[a:a + block]
        for b in range(0, a + 1, block):
            prod = (Aa @ A[b:b + block].T).astype(np.int16)
            K[a:a + block, b:b + block] = prod
            if b != a:
                K[b:b + block, a:a + block] = prod.T
    np.fill_diagonal(K, 0)
    return K



@njit(cache=True)
def _dot_i16_i8(k, s):
    acc = np.int32(0)
    for j in range(k.shape[0]):
        acc = np.int32(acc + np.int32(k[j]) * np.int32(s[j]))
    return acc


@njit(cache=True)
def _relax_int16_kernel(K, s, state, rule, max_sweeps):
    N = s.shape[0]
    perm = np.arange(N)
    flips = 0
    zeros = 0
    converged = False
    sweep = 0
    for sweep in range(1, max_sweeps + 1):
        shuffle(state, perm)
        count = 0
        for t in range(N):
            i = perm[t]
            H = _dot_i16_i8(K[i], s)
            si = s[i]
            if H == 0:
                zeros += 1
            if (H >= 0 and si > 0) or (H < 0 and si < 0):
                count += 1
                if rule == 0 and H == 0:
                    s[i] = -si
                    flips += 1
            elif True:
                s[i] = -si
                flips += 1
        if count == N:
            converged = True
            break
    return converged, sweep, flips, zeros


def relax_int16(X_or_K: np.ndarray, starts: np.ndarray, seed=0, tie: str = "reference",
                max_sweeps: int = 500, K: np.ndarray | None = None) -> Relaxation:
    """Exact integer reference port (Sec. 3.1): dense int16 K, int32 dot product of row i with
    s at every visit.  Ground truth of the exactness tests.  Pass site-major X (K is built) or
    ``K=`` directly."""
    rule = rule_code(tie)
    max_sweeps = integer("max_sweeps", max_sweeps, minimum=1)
    if K is None:
        K = build_K_int16(X_or_K)
    starts = np.atleast_2d(starts)
    R, N = starts.shape
    out = empty_result(R, N)
    for r in range(R):
        s = starts[r].astype(np.int8).copy()
        c, sw, fl, z = _relax_int16_kernel(K, s, new_state(seed), rule, max_sweeps)
        out.states[r] = s
        out.converged[r], out.sweeps[r], out.flips[r], out.zero_fields[r] = c, sw, fl, z
    return out

