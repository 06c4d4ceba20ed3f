"""Brute-force zero-temperature dynamics (docs/theory/rfhm_dynamics.md Sec. 3.1): the obvious python loop
on the dense int64 K = X X^T.  For tests only (O(N^2) memory, slow)."""

from __future__ import annotations

import numpy as np

from hopfield_phases._core.validation import integer

from ..rng import new_state, shuffle
from .common import Relaxation, empty_result, rule_code

__all__ = ["relax_brute", "memory_bytes"]


def memory_bytes(N: int, P: int, R: int = 1) -> int:
    """Bytes of the data structures: dense int64 K plus the int8 examples."""
    return 8 * N * N + N * P


def relax_brute(X: np.ndarray, starts: np.ndarray, seed=0, tie: str = "reference",
                max_sweeps: int = 500) -> Relaxation:
    """Obvious implementation: K = X X^T in int64, ``H_i = K_i . s`` at every visit, python
    loop.  For tests only (O(N^2) memory, slow).  Each start state is relaxed separately with
    the generator ``new_state(seed)``."""
    rule = rule_code(tie)
    max_sweeps = integer("max_sweeps", max_sweeps, minimum=1)
    Xi = X.astype(np.int64)
    K = Xi @ Xi.T
    np.fill_diagonal(K, 0)
    starts = np.atleast_2d(starts)
    R, N = starts.shape
    out = empty_result(R, N)
    for r in range(R):
        s = starts[r].astype(np.int64).copy()
        state = new_state(seed)
        perm = np.arange(N)
        flips = zeros = 0
        converged = False
        sweep = 0
        for sweep in range(1, max_sweeps + 1):
            shuffle(state, perm)
            count = 0
            for i in perm:
                H = int(K[i] @ s)
                sgn = 1 if H >= 0 else -1
                if H == 0:
                    zeros += 1
                if s[i] == sgn:
                    count += 1
                flip = (H * s[i] <= 0) if rule == 0 else (sgn != s[i])
                if flip:
                    s[i] = -s[i]
                    flips += 1
            if count == N:
                converged = True
                break
        out.states[r] = s
        out.converged[r] = converged
        out.sweeps[r] = sweep
        out.flips[r] = flips
        out.zero_fields[r] = zeros
    return out

