"""The teacher: a p-spin Curie-Weiss ferromagnet with one pattern xi*.

Physics: ``../shared/docs/teacher_student_theory.md`` (cited below as "doc") Sec. 1 and 2.

The teacher Hamiltonian is the literal dense-Hopfield form with a single pattern,
``H_T[sigma | xi*] = -N^{1-p} (sum_i xi*_i sigma_i)^p = -N m0^p``, ``m0 = xi*.sigma / N``,
at temperature ``T* = 1/beta*`` (energies per spin in units where the coupling is 1).
Examples are i.i.d. Gibbs samples of this measure.

Contents
--------
* :func:`magnetization_branches` - the solutions of ``m = tanh(beta* p m^{p-1})`` (doc Sec. 2).
* :func:`spinodal_beta`, :func:`critical_beta`, :func:`critical_temperature`,
  :func:`spinodal_temperature` - where the ferromagnetic solution appears and where it becomes
  the equilibrium state (doc Sec. 2).
* :func:`m_bar` - the equilibrium magnetisation ``|m0| -> m_bar(T*)`` (0 above ``T*_c``).
* :func:`distinct_index_polynomial` - ``S_p(X)``, the sum over ordered p-tuples of distinct sites
  of ``prod x_i`` for ``x_i = +-1`` with ``sum_i x_i = X`` (doc Sec. 11, Newton's identities).
* :func:`log_pmf_overlap` - the exact finite-N law of ``K = xi*.sigma`` (doc Sec. 2), in log
  space.
* :func:`coupling_ratio` - the finite-N coupling ratio ``r_N`` (doc Sec. 2) and
  :func:`coupling_ratio_correction` - its ``1/N`` coefficient.

All computations are in the variable ``u = (1 - m)/2`` where the ferromagnetic state is close to
saturation, so that large p (``1 - m ~ 2 4^{-p}``) does not lose precision.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import optimize, special

from hopfield_phases._core import validation as v

__all__ = [
    "TeacherBranches",
    "magnetization_branches",
    "spinodal_beta",
    "critical_beta",
    "spinodal_temperature",
    "critical_temperature",
    "m_bar",
    "is_aligned",
    "distinct_index_polynomial",
    "log_pmf_overlap",
    "coupling_ratio",
    "coupling_ratio_correction",
    "LN2",
]

LN2 = math.log(2.0)


def _check_p(p) -> int:
    return v.integer("p", p, minimum=2)


def _entropy_deficit_u(u):
    """``ln 2 - s(m)`` with ``m = 1 - 2u`` (doc Sec. 2: s is the binary entropy), stable for u -> 0."""
    u = np.asarray(u, dtype=float)
    return LN2 + (1.0 - u) * np.log1p(-u) + special.xlogy(u, u)


def _atanh_u(u):
    """``atanh(m) = 0.5 ln((1-u)/u)`` with ``m = 1 - 2u``."""
    return 0.5 * (np.log1p(-u) - np.log(u))


@dataclass(frozen=True)
class TeacherBranches:
    """Solutions of the teacher's mean-field equation at one temperature (doc Sec. 2).

    ``paramagnet`` is 0 (always a solution, locally stable for p >= 3).  ``unstable`` and
    ``ferro`` are the two non-zero solutions (NaN when ``beta* < beta*_sp``).  ``stable`` is the
    equilibrium magnetisation m_bar (``ferro`` when ``beta* >= beta*_c``, else 0).
    ``free_entropy`` maps each branch to ``f_T(m) = beta* m^p + s(m)``.
    """

    p: int
    T_teacher: float
    paramagnet: float
    unstable: float
    ferro: float
    stable: float
    free_entropy: dict


def _g_u(u, beta, p):
    # m - tanh(beta p m^{p-1}) has the sign of atanh(m) - beta p m^{p-1}
    m = 1.0 - 2.0 * u
    return _atanh_u(u) - beta * p * m ** (p - 1)


@lru_cache(maxsize=None)
def _spinodal_u(p: int) -> float:
    """``u`` at the minimum of ``atanh(m)/(p m^{p-1})`` (the spinodal; doc Sec. 2)."""
    # d/dm ln[atanh(m)/m^{p-1}] = 1/((1-m^2) atanh m) - (p-1)/m ; in u: 1-m^2 = 4u(1-u)
    def dlog(u):
        m = 1.0 - 2.0 * u
        return 1.0 / (4.0 * u * (1.0 - u) * _atanh_u(u)) - (p - 1) / m

    # dlog < 0 near u = 1/2 (m -> 0, p >= 3) and > 0 near u -> 0 (m -> 1)
    return optimize.brentq(dlog, 1e-300 if p > 40 else 1e-200, 0.5 - 1e-9, xtol=1e-300, rtol=1e-15)


def spinodal_beta(p) -> float:
    """``beta*_sp = min_{0<m<1} atanh(m)/(p m^{p-1})``: the ferromagnetic solution exists for
    ``beta* >= beta*_sp`` (doc Sec. 2).  p = 2: the transition is continuous, ``beta*_sp = 1/2``."""
    p = _check_p(p)
    if p == 2:
        return 0.5
    u = _spinodal_u(p)
    m = 1.0 - 2.0 * u
    return float(_atanh_u(u) / (p * m ** (p - 1)))


@lru_cache(maxsize=None)
def _critical_u(p: int) -> float:
    """``u`` at the minimum of ``(ln2 - s(m))/m^p``: ``m atanh(m) = p (ln 2 - s(m))`` (doc Sec. 2)."""

    def cond(u):
        m = 1.0 - 2.0 * u
        return m * _atanh_u(u) - p * _entropy_deficit_u(u)

    # near m -> 0: m atanh m ~ m^2 > p m^2/2? for p>=3, p m^2/2 > m^2, so cond < 0; near m -> 1 cond > 0
    return optimize.brentq(cond, 1e-300, 0.5 - 1e-6, xtol=1e-300, rtol=1e-15)


def critical_beta(p) -> float:
    """``beta*_c = min_{0<m<1} (ln 2 - s(m))/m^p`` (doc Sec. 2): the teacher is aligned
    (examples have ``|m0| -> m_bar > 0``) for ``beta* > beta*_c``.  p = 2: ``1/2``.
    Large p: ``ln 2 - beta*_c ~ 4^{-p}`` (doc Sec. 2, checked in the tests)."""
    p = _check_p(p)
    if p == 2:
        return 0.5
    u = _critical_u(p)
    m = 1.0 - 2.0 * u
    return float(_entropy_deficit_u(u) / m**p)


def critical_temperature(p) -> float:
    """``T*_c(p) = 1/beta*_c(p)`` (doc Sec. 2); ``T*_c -> 1/ln 2`` from above as p -> infinity."""
    return 1.0 / critical_beta(p)


def spinodal_temperature(p) -> float:
    """``T*_sp(p) = 1/beta*_sp(p)`` (doc Sec. 2): above it only the paramagnet exists."""
    return 1.0 / spinodal_beta(p)


def magnetization_branches(p, T_teacher) -> TeacherBranches:
    """All solutions of ``m = tanh(beta* p m^{p-1})`` in ``[0, 1)`` (doc Sec. 2).

    Parameters: p (integer >= 2), T_teacher = T* > 0.
    """
    p = _check_p(p)
    T_teacher = v.positive("T_teacher", T_teacher)
    beta = 1.0 / T_teacher
    nan = float("nan")
    if p == 2:
        if beta <= 0.5:
            unstable = ferro = nan
        else:
            unstable = nan
            ferro = float(optimize.brentq(lambda m: m - math.tanh(2 * beta * m), 1e-12, 1.0, xtol=1e-15))
    else:
        u_sp = _spinodal_u(p)
        b_sp = spinodal_beta(p)
        if beta < b_sp:
            unstable = ferro = nan
        elif beta == b_sp:
            unstable = ferro = 1.0 - 2.0 * u_sp
        else:
            # ferro: u in (0, u_sp); unstable: u in (u_sp, 1/2) where g changes sign
            uf = optimize.brentq(_g_u, 1e-300, u_sp, args=(beta, p), xtol=1e-300, rtol=1e-15)
            # near u -> 1/2 (m -> 0): atanh m ~ m > beta p m^{p-1}: g > 0
            hi = 0.5 - 1e-12
            uu = optimize.brentq(_g_u, u_sp, hi, args=(beta, p), xtol=1e-300, rtol=1e-15)
            ferro, unstable = 1.0 - 2.0 * uf, 1.0 - 2.0 * uu
    stable = 0.0
    if np.isfinite(ferro) and beta >= critical_beta(p):
        stable = ferro

    def f(m):
        if not np.isfinite(m):
            return nan
        u = (1.0 - m) / 2.0
        return beta * m**p + LN2 - float(_entropy_deficit_u(u))

    return TeacherBranches(
        p=p, T_teacher=T_teacher, paramagnet=0.0, unstable=unstable, ferro=ferro, stable=stable,
        free_entropy={"paramagnet": LN2, "unstable": f(unstable), "ferro": f(ferro)},
    )


def m_bar(p, T_teacher) -> float:
    """Equilibrium teacher magnetisation ``m_bar(T*)`` (doc Sec. 2): the ferromagnetic root of
    ``m = tanh(beta* p m^{p-1})`` when ``T* < T*_c(p)`` (at ``T* = T*_c`` the ferro value), else 0."""
    return magnetization_branches(p, T_teacher).stable


def is_aligned(p, T_teacher) -> bool:
    """True when the examples are aligned with xi* (``T* < T*_c(p)``, doc Sec. 2 and Sec. 6).
    At ``T* = T*_c`` the two teacher states coexist; it is counted as misaligned."""
    p = _check_p(p)
    T_teacher = v.positive("T_teacher", T_teacher)
    return T_teacher < critical_temperature(p)


# ---------------------------------------------------------------------------------------------
# Finite-N law of K = xi*.sigma
# ---------------------------------------------------------------------------------------------


def distinct_index_polynomial(p, X, N):
    """``S_p(X)``: sum over ordered p-tuples of distinct sites of ``prod_k x_{i_k}``, where
    ``x_i = xi_i sigma_i = +-1`` and ``X = sum_i x_i`` (doc Sec. 11).

    ``S_p = p! e_p`` with e_p the elementary symmetric polynomial, obtained by Newton's identities
    ``k e_k = sum_{j=1}^k (-1)^{j-1} e_{k-j} P_j`` with power sums ``P_j = N`` (j even) and
    ``P_j = X`` (j odd).  Vectorised in X.  Examples: ``S_2 = X^2 - N``,
    ``S_3 = X^3 - (3N - 2) X``.
    """
    p = v.integer("p", p, minimum=1)
    N = v.integer("N", N, minimum=1)
    X = np.asarray(X, dtype=float)
    e = [np.ones_like(X)]
    for k in range(1, p + 1):
        acc = np.zeros_like(X)
        for j in range(1, k + 1):
            Pj = X if j % 2 == 1 else float(N)
            acc = acc + (-1) ** (j - 1) * e[k - j] * Pj
        e.append(acc / k)
    return e[p] * math.factorial(p)


def log_pmf_overlap(N, p, T_teacher, form: str = "literal"):
    """Exact finite-N law of ``K = xi*.sigma`` under the teacher (doc Sec. 2):

    ``P(K) ∝ C(N, (N+K)/2) exp(beta* K^p / N^{p-1})``  (``form="literal"``), or with ``K^p``
    replaced by ``S_p(K)`` (``form="distinct"``).

    Returns ``(K, log_pmf)`` with ``K = -N, -N+2, ..., N`` (int array) and the normalised
    natural-log probabilities (``logsumexp(log_pmf) == 0``).  Pure numpy/scipy, cost O(N p).
    To sample an example: draw K from this law, then choose uniformly the ``(N+K)/2`` sites with
    ``sigma_i = xi*_i`` (doc Sec. 2 recipe).
    """
    N = v.integer("N", N, minimum=1)
    p = _check_p(p)
    T_teacher = v.positive("T_teacher", T_teacher)
    v.choice("form", form, ("literal", "distinct"))
    K = np.arange(-N, N + 1, 2)
    k = (N + K) // 2
    logc = special.gammaln(N + 1) - special.gammaln(k + 1) - special.gammaln(N - k + 1)
    Kf = K.astype(float)
    if form == "literal":
        energy = Kf**p / float(N) ** (p - 1)
    else:
        energy = distinct_index_polynomial(p, Kf, N) / float(N) ** (p - 1)
    logw = logc + energy / T_teacher
    return K, logw - special.logsumexp(logw)


def coupling_ratio(N, p, T_teacher, form: str = "literal") -> float:
    """Finite-N coupling ratio (doc Sec. 2)

    ``r_N = E_T[S_p(K)] / (beta* p! N(N-1)...(N-p+1) / N^{p-1})``,

    with the expectation over the exact law :func:`log_pmf_overlap` (teacher form ``form``).
    ``r_N -> 1`` as N -> infinity for a misaligned teacher, with a ``1/N`` correction.
    """
    K, logp = log_pmf_overlap(N, p, T_teacher, form)
    S = distinct_index_polynomial(p, K.astype(float), N)
    mean_S = float(np.sum(np.exp(logp) * S))
    falling = math.prod(N - j for j in range(p))
    denom = math.factorial(p) * falling / float(N) ** (p - 1) / T_teacher
    return mean_S / denom


def coupling_ratio_correction(p, T_teacher, N_values=(4000, 8000, 16000, 32000), form: str = "literal"):
    """Coefficient c of ``r_N = 1 + c/N + O(1/N^2)`` (doc Sec. 2), from a least-squares fit of
    ``N (r_N - 1) = c + d/N`` over ``N_values`` (large N, misaligned teacher).  Returns ``(c, d)``."""
    Ns = np.asarray(N_values, dtype=float)
    y = np.array([n * (coupling_ratio(int(n), p, T_teacher, form) - 1.0) for n in N_values])
    A = np.vstack([np.ones_like(Ns), 1.0 / Ns]).T
    (c, d), *_ = np.linalg.lstsq(A, y, rcond=None)
    return float(c), float(d)
