"""Matrix-free exact kernel on site-major int8 X, all start states batched (docs/theory/rfhm_dynamics.md
Secs. 3.2, 3.3).

Per visit and active replica: P int8 x int16 multiply-adds (:func:`montecarlo.fields.dot_i8_m`,
vectorised 16-bit madd, int32 accumulator), reading P bytes; per flip P int16 updates.  Overlaps
m are int16 (int32 if N > 32767).  Where the int32 accumulator could overflow (``N * P >= 2^31``,
Sec. 4.4) the field is accumulated in int64 (:func:`dot_i8_m_wide`): same integers, so the
trajectory is unchanged; N*P is then limited only by memory.  A *certified sign cache* (see :mod:`.bits`) skips evaluations whose
sign is already known.  Software prefetch of the row visited two steps ahead.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from hopfield_phases._core.validation import integer

from ..fields import dot_i8_m, init_overlaps_int8
from ..prefetch import PREFETCH_DISTANCE, prefetch_row
from ..rng import new_state, shuffle
from .common import Relaxation, check_int_limits, empty_result, needs_wide_fields, rule_code

__all__ = ["relax_int8", "memory_bytes", "dot_i8_m_wide"]


def memory_bytes(N: int, P: int, R: int = 1) -> int:
    """Bytes of the data structures: int8 X, the overlaps and the per-replica state/cache."""
    return N * P + 4 * R * P + 17 * R * N


@njit(cache=True)
def dot_i8_m_wide(x, m):
    """``sum_k x[k] m[k]`` for an int8 row x and int16/int32 overlaps m, int64 accumulator
    (exact for any N*P < 2^63; docs/theory/rfhm_dynamics.md Sec. 4.4)."""
    acc = np.int64(0)
    for k in range(x.shape[0]):
        acc += np.int64(x[k]) * np.int64(m[k])
    return acc


@njit(cache=True)
def _relax_int8_kernel(X, S, M, state, rule, max_sweeps, converged, sweeps, flips, zeros, prefetch,
                       use_cache, wide):
    N, P = X.shape
    R = S.shape[0]
    Hb = np.zeros((R, N), dtype=np.int64)  # certified sign cache (see the bits kernel)
    Fs = np.zeros((R, N), dtype=np.int64)
    Fr = np.zeros(R, dtype=np.int64)
    twoP = 2 * np.int64(P)
    active = np.arange(R)
    n_act = R
    count = np.zeros(R, dtype=np.int64)
    perm = np.arange(N)
    for sweep in range(1, max_sweeps + 1):
        shuffle(state, perm)
        for a in range(n_act):
            count[active[a]] = 0
        for t in range(N):
            i = perm[t]
            if prefetch and t + PREFETCH_DISTANCE < N:
                prefetch_row(X, perm[t + PREFETCH_DISTANCE])
            x = X[i]
            for a in range(n_act):
                r = active[a]
                si = S[r, i]
                hb = Hb[r, i]
                if use_cache and abs(hb) > twoP * (Fr[r] - Fs[r, i]):
                    H = hb
                else:
                    if wide:
                        H = dot_i8_m_wide(x, M[r]) - np.int64(P) * np.int64(si)
                    else:
                        H = np.int64(dot_i8_m(x, M[r]) - np.int32(P) * np.int32(si))
                    Hb[r, i] = H
                    Fs[r, i] = Fr[r]
                flip = False
                if H == 0:
                    zeros[r] += 1
                if (H >= 0 and si > 0) or (H < 0 and si < 0):
                    count[r] += 1
                    if rule == 0 and H == 0:
                        flip = True
                else:
                    flip = True
                if flip:
                    S[r, i] = -si
                    flips[r] += 1
                    Fr[r] += 1
                    m = M[r]
                    if si < 0:  # new value +1: m += 2 x
                        for k in range(P):
                            m[k] += 2 * x[k]
                    else:
                        for k in range(P):
                            m[k] -= 2 * x[k]
        n_new = 0
        for a in range(n_act):
            r = active[a]
            sweeps[r] = sweep
            if count[r] == N:
                converged[r] = True
            else:
                active[n_new] = r
                n_new += 1
        n_act = n_new
        if n_act == 0:
            break



def relax_int8(X: np.ndarray, starts: np.ndarray, seed=0, tie: str = "reference",
               max_sweeps: int = 500, prefetch: bool = True, sign_cache: bool = True,
               wide: bool | None = None) -> Relaxation:
    """Matrix-free exact kernel on site-major int8 X (N x P), all start states batched with
    one shared permutation stream from ``new_state(seed)``.  Memory N*P + 2*R*P bytes;
    per sweep N visits of R*P int8 x int16 multiply-adds; per flip P updates.  ``wide``:
    int64 field accumulator (default: exactly when ``N * P >= 2^31``; forcing it gives the
    same integers, used by the tests)."""
    rule = rule_code(tie)
    max_sweeps = integer("max_sweeps", max_sweeps, minimum=1)
    N, P = X.shape
    check_int_limits(N, P)
    wide = needs_wide_fields(N, P) if wide is None else bool(wide)
    S = np.ascontiguousarray(np.atleast_2d(starts), dtype=np.int8).copy()
    R = S.shape[0]
    M = np.empty((R, P), dtype=np.int16 if N <= 32767 else (np.int32 if N < 2**31 else np.int64))
    init_overlaps_int8(X, S, M)
    out = empty_result(R, N)
    _relax_int8_kernel(X, S, M, new_state(seed), rule, max_sweeps, out.converged, out.sweeps,
                       out.flips, out.zero_fields, prefetch, bool(sign_cache), bool(wide))
    out.states = S
    out.overlaps_final = M  # maintained m = X s (for invariant checks)
    return out
