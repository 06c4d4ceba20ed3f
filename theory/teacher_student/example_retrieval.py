"""Aligned teacher with a finite number M of examples: example retrieval (eR) as a
finite-pattern p-spin Hopfield model with correlated patterns.

Physics: ``docs/theory/teacher_student_theory.md`` Sec. 6 ([derived, interpretation]).

In the gauge xi* = 1 the variables ``tau^a_i = xi*_i sigma^a_i`` are i.i.d. +-1 with mean
``m_bar(T*)`` (the teacher's equilibrium magnetisation, :func:`theory.teacher.m_bar`).  With
``M = O(1)`` examples the student's free entropy per spin is

    Phi = max_{m_a} [ -(p-1) beta sum_a m_a^p + E_tau ln 2cosh(beta p sum_a m_a^{p-1} tau_a) ],
    m_a = E_tau[tau_a tanh(beta p sum_b m_b^{p-1} tau_b)],   q* = E_tau tanh(beta p sum_b m_b^{p-1} tau_b).

:func:`symmetric_mixture` solves the symmetric mixture (all m_a = m): then the field is
``beta p m^{p-1} S`` with ``S = sum_a tau_a = M - 2k``, ``k ~ Binomial(M, (1 - m_bar)/2)``, an
exact finite sum.  For M = 1 on the Nishimori line, ``m_1 = m_bar`` and ``q* = m_bar^2`` exactly
(teacher and student solve the same Curie-Weiss equation; doc Sec. 6, Sec. 13 item 11).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from . import teacher as _teacher
from hopfield_phases._core import validation as v
from hopfield_phases._core.results import ABSENT, OK, UNCONVERGED, ResultContract
from ..solvers import fixed_point
from ._mapping import MappingAccess

__all__ = ["symmetric_mixture", "MixtureResult", "M_MAX"]

M_MAX = 10**6
"""Largest number of examples (the binomial sum has M + 1 terms)."""


@dataclass(kw_only=True)
class MixtureResult(MappingAccess, ResultContract):
    """Symmetric-mixture example-retrieval state (doc Sec. 6).  ``status`` "ok"; "absent" when the
    teacher has no aligned (ferromagnetic) state at T* (above T*_sp: ``m_bar`` NaN, numbers NaN);
    "unconverged" when the iteration for m gave up.  Dict-style access is kept for old callers
    (``r["q_star"]``).  ``converged`` is ``status != "unconverged"``."""

    p: int
    M: int
    T: float
    T_teacher: float
    m_bar: float
    m: float
    q_star: float
    free_entropy: float
    note: str = ""

    @property
    def converged(self) -> bool:
        return self.status != UNCONVERGED


def symmetric_mixture(p, M, T, T_teacher=None, *, max_iter=100000) -> MixtureResult:
    """Symmetric-mixture example-retrieval state with M examples (doc Sec. 6).

    Iterates ``m <- E[S tanh(beta p m^{p-1} S)]/M`` from m = 1.  Returns a :class:`MixtureResult`
    with ``m_bar``, ``m`` (overlap with each example), ``q_star``, ``free_entropy`` and ``status``.
    ``T_teacher=None`` is the NL (T* = T).  Needs a teacher ferromagnetic state (``T* <= T*_sp``;
    between T*_c and T*_sp the metastable one is used and ``note`` says so); above T*_sp the
    result has ``status="absent"``.
    """
    p = v.integer("p", p, minimum=2, maximum=_teacher.P_MAX)
    M = v.integer("M", M, minimum=1, maximum=M_MAX)
    T = v.positive("T", T)
    T_teacher = T if T_teacher is None else v.positive("T_teacher", T_teacher)
    max_iter = v.integer("max_iter", max_iter, minimum=1)
    if not math.isfinite(1.0 / T):
        raise ValueError(f"T must be >= 1e-308, got {T!r}")
    branches = _teacher.magnetization_branches(p, T_teacher)
    mb = branches.ferro
    nan = float("nan")
    if branches.status == UNCONVERGED or not (mb > 0):
        status = UNCONVERGED if branches.status == UNCONVERGED else ABSENT
        return MixtureResult(p=p, M=M, T=T, T_teacher=T_teacher, m_bar=nan, m=nan, q_star=nan, free_entropy=nan,
                             status=status, message=f"no aligned teacher state: {branches.message}")
    if T_teacher > _teacher.critical_temperature(p):
        mb_note = "metastable teacher ferro state used (T* > T*_c)"
    else:
        mb_note = ""
    k = np.arange(M + 1)
    w = stats.binom.pmf(k, M, (1.0 - mb) / 2.0)
    S = (M - 2 * k).astype(float)
    beta = 1.0 / T

    def upd(x):
        m = min(max(x[0], 0.0), 1.0)
        return np.array([float(np.sum(w * S * np.tanh(beta * p * m ** (p - 1) * S))) / M])

    r = fixed_point(upd, [1.0], damping=1.0, tol=1e-14, max_iter=max_iter, raise_on_failure=False)
    m = float(r.x[0])
    h = beta * p * m ** (p - 1) * S
    q_star = float(np.sum(w * np.tanh(h)))
    logcosh = np.abs(h) + np.log1p(np.exp(-2 * np.abs(h))) + 0.0
    phi = -(p - 1) * beta * M * m**p + float(np.sum(w * logcosh))
    return MixtureResult(p=p, M=M, T=T, T_teacher=T_teacher, m_bar=mb, m=m, q_star=q_star, free_entropy=float(phi),
                         note=mb_note, status=OK if r.converged else UNCONVERGED,
                         message="symmetric mixture" if r.converged else f"symmetric mixture: {r.message}",
                         iterations=r.iterations, residual=r.residual)
