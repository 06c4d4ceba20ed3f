"""Faithful float32 reference port (docs/theory/rfhm_dynamics.md Secs. 2, 2.4): float32 J = X X^T / N and a
fastmath float32 dot product at every visit, rule R only.  Differs from the exact kernels only
where exact ties are possible.

Build: the symmetric rank-k product computed as general float32 products on the lower block
triangle (block size 2048, mirrored; the diagonal blocks are computed in full, ~N*2048*P
extra flops), division by N *in place* (peak 4N^2 bytes for J, plus the 4NP float32 copy of
X).  The initial energy product of the original is kept (one J.s pass per start); the unused
random draw at stable visits is omitted; rows of J instead of columns (J symmetric).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from hopfield_phases._core.validation import check_memory, integer

from ..rng import new_state, shuffle
from .common import Relaxation, empty_result

__all__ = ["build_J_float32", "relax_float32", "memory_bytes"]


def memory_bytes(N: int, P: int, R: int = 1) -> int:
    """Bytes of the data structures: float32 J, the float32 build copy of X, int8 X."""
    return 4 * N * N + 4 * N * P + N * P


def _block_triangle(A: np.ndarray, out: np.ndarray, block: int = 2048, scale=None) -> None:
    """out = A A^T via float32 general products on the lower block triangle, mirrored."""
    N = A.shape[0]
    for a in range(0, N, block):
        Aa = A[a:a + block]
        for b in range(0, a + 1, block):
            prod = Aa @ A[b:b + block].T
            out[a:a + block, b:b + block] = prod
            if b != a:
                out[b:b + block, a:a + block] = prod.T


def build_J_float32(X: np.ndarray, block: int = 2048) -> np.ndarray:
    """Faithful reference build: float32 ``J = X X^T / N`` (site-major X, N x P), zero
    diagonal, division in place.  Exact before division while P < 2^24."""
    N, P = X.shape
    if P >= 1 << 24:
        raise ValueError(f"P must be < 2^24 for an exact float32 product, got {P}")
    check_memory("N", memory_bytes(N, P), "the dense float32 coupling matrix")
    A = X.astype(np.float32)
    J = np.empty((N, N), dtype=np.float32)
    _block_triangle(A, J, block)
    del A
    J /= np.float32(N)
    np.fill_diagonal(J, 0.0)
    return J



@njit(fastmath=True, cache=True)
def _sdot(a, b):
    acc = np.float32(0.0)
    for j in range(a.shape[0]):
        acc += a[j] * b[j]
    return acc


@njit(cache=True)
def _relax_float32_kernel(J, s, state, max_sweeps):
    """The authors' loop: float32 field by a full dot product at every visit, rule R."""
    N = s.shape[0]
    # initial energy: one J.s product (kept for faithfulness)
    E = 0.0
    for i in range(N):
        E -= _sdot(J[i], s) * s[i]
    E = E / (2.0 * N)
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
            h = _sdot(J[i], s)
            si = s[i]
            if h == 0.0:
                zeros += 1
            sg = np.float32(1.0) if h >= 0.0 else np.float32(-1.0)
            if si == sg:
                count += 1
            if np.float32(2.0) * h * si <= 0.0:
                s[i] = -si
                E += 2.0 * h * si / N
                flips += 1
        if count == N:
            converged = True
            break
    return converged, sweep, flips, zeros, E


def relax_float32(X: np.ndarray | None, starts: np.ndarray, seed=0, max_sweeps: int = 500,
                  J: np.ndarray | None = None) -> Relaxation:
    """Faithful float32 reference port (Sec. 2): rule R only.  Pass site-major X (J is built
    by :func:`build_J_float32`) or ``J=`` directly."""
    max_sweeps = integer("max_sweeps", max_sweeps, minimum=1)
    if J is None:
        J = build_J_float32(X)
    starts = np.atleast_2d(starts)
    R, N = starts.shape
    out = empty_result(R, N)
    for r in range(R):
        s = starts[r].astype(np.float32).copy()
        c, sw, fl, z, _E = _relax_float32_kernel(J, s, new_state(seed), max_sweeps)
        out.states[r] = s.astype(np.int8)
        out.converged[r], out.sweeps[r], out.flips[r], out.zero_fields[r] = c, sw, fl, z
    return out
