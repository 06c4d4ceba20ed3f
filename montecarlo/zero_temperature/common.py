"""Shared pieces of the zero-temperature kernels: the tie rules, the result type, and the
integer limits (docs/theory/rfhm_dynamics.md Secs. 1.3, 1.4, 4.4)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hopfield_phases._core.validation import choice

__all__ = ["TIE_RULES", "Relaxation", "rule_code", "empty_result", "check_int_limits", "needs_wide_fields",
           "INT32_FIELD_LIMIT", "MAX_N"]

TIE_RULES = ("reference", "sign")


@dataclass
class Relaxation:
    """Outcome of relaxing R start states (arrays of length R; ``states`` is R x N int8)."""

    states: np.ndarray
    converged: np.ndarray
    sweeps: np.ndarray
    flips: np.ndarray
    zero_fields: np.ndarray
    #: diagnostics set by some kernels: maintained overlaps (int8), bit planes and their
    #: total (bits), sweep of the hybrid switch (bits), visits with an evaluated field
    overlaps_final: np.ndarray | None = None
    planes: np.ndarray | None = None
    plane_total: np.ndarray | None = None
    switched: np.ndarray | None = None
    evaluated: np.ndarray | None = None

    def overlaps_with(self, starts: np.ndarray) -> np.ndarray:
        """``s_final . s0 / N`` per start state."""
        s0 = np.atleast_2d(starts).astype(np.int64)
        return (self.states.astype(np.int64) * s0).sum(axis=1) / s0.shape[1]



def rule_code(tie: str) -> int:
    """0 for rule R (``"reference"``), 1 for rule S (``"sign"``); ValueError naming ``tie``."""
    choice("tie", tie, TIE_RULES)
    return 0 if tie == "reference" else 1


def empty_result(R: int, N: int) -> Relaxation:
    """A :class:`Relaxation` for R start states of N sites, to be filled by a kernel."""
    return Relaxation(states=np.empty((R, N), np.int8), converged=np.zeros(R, bool),
                      sweeps=np.zeros(R, np.int64), flips=np.zeros(R, np.int64),
                      zero_fields=np.zeros(R, np.int64))


#: N*P from which an int32 accumulator of ``x_i . m`` could overflow (|x_i . m| <= N P, Sec. 4.4);
#: the kernels switch to int64 accumulators there (no refusal).
INT32_FIELD_LIMIT = 2**31
#: bounded random integers of the permutation (Lemire) need N < 2^32 (Sec. 4.4).
MAX_N = 2**32 - 1


def needs_wide_fields(N: int, P: int) -> bool:
    """Whether the int32 field accumulator can overflow (``N * P >= 2^31``, Sec. 4.4 "above,
    use int64"): the int8 kernel then accumulates ``x_i . m`` in int64.  The bits kernel always
    works in int64 (counts, plane sums, fields)."""
    return int(N) * int(P) >= INT32_FIELD_LIMIT


def check_int_limits(N: int, P: int) -> None:
    """The integer limits that remain once the fields are int64 (Sec. 4.4): ``N < 2^32``
    (bounded random integers of the shuffle) and ``|H_i| <= N P < 2^63``.  ``N * P`` is
    otherwise limited only by memory (checked by the callers' memory guard).  Index
    arithmetic in the numba kernels is int64 (``intp``) throughout."""
    if int(N) > MAX_N:
        raise ValueError(f"N: N = {N} must be < 2^32 (bounded random integers of the permutation)")
    if int(N) * int(P) >= 2**63:
        raise ValueError(f"N: N*P = {int(N) * int(P)} exceeds the int64 field limit 2^63")
