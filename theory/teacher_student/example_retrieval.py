"""Aligned teacher with a finite number M of examples: example retrieval (eR) as a
finite-pattern p-spin Hopfield model with correlated patterns.

Physics: ``../shared/docs/teacher_student_theory.md`` Sec. 6 ([derived, interpretation]).

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


import numpy as np
from scipy import stats

from . import teacher as _teacher
from hopfield_phases._core import validation as v
from ..solvers import fixed_point

__all__ = ["symmetric_mixture"]


def symmetric_mixture(p, M, T, T_teacher=None) -> dict:
    """Symmetric-mixture example-retrieval state with M examples (doc Sec. 6).

    Iterates ``m <- E[S tanh(beta p m^{p-1} S)]/M`` from m = 1.  Returns a dict with ``m_bar``,
    ``m`` (overlap with each example), ``q_star``, ``free_entropy`` and ``converged``.
    ``T_teacher=None`` is the NL (T* = T).  Requires an aligned teacher (``T* <= T*_c``) so that
    ``m_bar > 0``; raises ValueError otherwise.
    """
    p = v.integer("p", p, minimum=2)
    M = v.integer("M", M, minimum=1)
    T = v.positive("T", T)
    T_teacher = T if T_teacher is None else v.positive("T_teacher", T_teacher)
    mb = _teacher.magnetization_branches(p, T_teacher).ferro
    if not (mb > 0):
        raise ValueError("T_teacher must be below the teacher's spinodal temperature (no aligned state)")
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

    r = fixed_point(upd, [1.0], damping=1.0, tol=1e-14, max_iter=100000, raise_on_failure=False)
    m = float(r.x[0])
    h = beta * p * m ** (p - 1) * S
    q_star = float(np.sum(w * np.tanh(h)))
    logcosh = np.abs(h) + np.log1p(np.exp(-2 * np.abs(h))) + 0.0
    phi = -(p - 1) * beta * M * m**p + float(np.sum(w * logcosh))
    return {"p": p, "M": M, "T": T, "T_teacher": T_teacher, "m_bar": mb, "m": m, "q_star": q_star,
            "free_entropy": phi, "converged": bool(r.converged), "note": mb_note}
