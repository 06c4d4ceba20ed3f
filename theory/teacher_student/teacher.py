"""The teacher: a p-spin Curie-Weiss ferromagnet with one pattern xi*.

Physics: ``docs/theory/teacher_student_theory.md`` (cited below as "doc") Sec. 1 and 2.

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
saturation, and every root in that variable is found in ``ln u`` (or ``ln m`` for the unstable
branch near m = 0), so that large p (``1 - m ~ 2 4^{-p}``) and low T* (``1 - m ~ 2 e^{-2 beta* p}``,
far below the smallest double) lose no precision and no root finder runs out of iterations.

Limits: ``p <= P_MAX`` (= 10^4) for the mean-field functions, ``p <= POLY_P_MAX`` (= 100) for
:func:`distinct_index_polynomial` (Newton's identities in floating point; above that the
cancellations are uncontrolled and the cost O(p^2) grows without purpose).  The finite-N law and
``r_N`` need ``N >= p`` (``S_p`` sums over p distinct sites) and refuse, before allocating,
an N whose arrays would not fit in memory (:func:`hopfield_phases._core.validation.check_memory`).

Results follow :class:`hopfield_phases._core.results.ResultContract` (``status`` "ok" /
"absent" / "unconverged", ``message``, ``iterations``, ``residual``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import optimize, special

from hopfield_phases._core import validation as v
from hopfield_phases._core.results import ABSENT, OK, UNCONVERGED, ResultContract
from ..solvers import ConvergenceError

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
    "P_MAX",
    "POLY_P_MAX",
]

LN2 = math.log(2.0)
P_MAX = 10_000
POLY_P_MAX = 100


def _check_p(p) -> int:
    return v.integer("p", p, minimum=2, maximum=P_MAX)


def _brent_log(fun, t_lo, t_hi, what):
    """Root of ``fun`` in a log variable on ``[t_lo, t_hi]`` (Brent, 500 iterations); returns
    ``(root, iterations, converged)``.  The functions solved here are smooth and monotone near
    their root in the log variable, so Brent converges in a few tens of steps."""
    root, r = optimize.brentq(fun, t_lo, t_hi, xtol=1e-14, rtol=4 * np.finfo(float).eps, maxiter=500,
                              full_output=True, disp=False)
    return float(root), int(r.iterations), bool(r.converged)


def _entropy_deficit_u(u):
    """``ln 2 - s(m)`` with ``m = 1 - 2u`` (doc Sec. 2: s is the binary entropy), stable for u -> 0."""
    u = np.asarray(u, dtype=float)
    return LN2 + (1.0 - u) * np.log1p(-u) + special.xlogy(u, u)


def _atanh_u(u):
    """``atanh(m) = 0.5 ln((1-u)/u)`` with ``m = 1 - 2u``."""
    return 0.5 * (np.log1p(-u) - np.log(u))


@dataclass(kw_only=True)
class TeacherBranches(ResultContract):
    """Solutions of the teacher's mean-field equation at one temperature (doc Sec. 2).

    ``paramagnet`` is 0 (always a solution, locally stable for p >= 3).  ``unstable`` and
    ``ferro`` are the two non-zero solutions (NaN when ``beta* < beta*_sp``).  ``stable`` is the
    equilibrium magnetisation m_bar (``ferro`` when ``beta* >= beta*_c``, else 0).
    ``ferro_deficit`` is ``1 - ferro`` computed in log space (exact to double precision relative
    even where ``ferro`` rounds to 1.0, e.g. ``~2 e^{-2 beta* p}`` at low T*).
    ``free_entropy`` maps each branch to ``f_T(m) = beta* m^p + s(m)``.

    ``status``: "ok" when the ferromagnetic branch exists, "absent" when ``beta* < beta*_sp``
    (only the paramagnet; ``stable = 0``), "unconverged" if a root finder gave up.
    """

    p: int
    T_teacher: float
    paramagnet: float
    unstable: float
    ferro: float
    stable: float
    free_entropy: dict = field(default_factory=dict)
    ferro_deficit: float = float("nan")


@lru_cache(maxsize=None)
def _spinodal_u(p: int) -> float:
    """``u`` at the minimum of ``atanh(m)/(p m^{p-1})`` (the spinodal; doc Sec. 2)."""
    # d/dm ln[atanh(m)/m^{p-1}] = 1/((1-m^2) atanh m) - (p-1)/m ; in u: 1-m^2 = 4u(1-u)
    def dlog(u):
        m = 1.0 - 2.0 * u
        return 1.0 / (4.0 * u * (1.0 - u) * _atanh_u(u)) - (p - 1) / m

    # dlog < 0 near u = 1/2 (m -> 0, p >= 3) and > 0 near u -> 0 (m -> 1); solved in t = ln u
    t, _, ok = _brent_log(lambda t: dlog(math.exp(t)), -700.0, math.log(0.5 - 1e-9), "spinodal")
    if not ok:  # pragma: no cover - Brent on a smooth bracketed function
        raise ConvergenceError(f"teacher spinodal (p={p}) did not converge")
    return math.exp(t)


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
def _critical_t(p: int) -> float:
    """``u`` at the minimum of ``(ln2 - s(m))/m^p``: ``m atanh(m) = p (ln 2 - s(m))`` (doc Sec. 2)."""

    def cond(t):
        u = math.exp(t)
        m = 1.0 - 2.0 * u
        atanh = 0.5 * (math.log1p(-u) - t)
        deficit = LN2 + (1.0 - u) * math.log1p(-u) + u * t
        return m * atanh - p * deficit

    # near m -> 0: m atanh m ~ m^2 < p m^2/2 for p >= 3, so cond < 0; near m -> 1 cond > 0.
    # u_c ~ 4^{-p}: the bracket in t = ln u reaches below -p ln 4 for every p <= P_MAX.
    t, _, ok = _brent_log(cond, -2.0 * p * LN2 - 50.0, math.log(0.5 - 1e-6), "critical point")
    if not ok:  # pragma: no cover
        raise ConvergenceError(f"teacher critical point (p={p}) did not converge")
    return t


def critical_beta(p) -> float:
    """``beta*_c = min_{0<m<1} (ln 2 - s(m))/m^p`` (doc Sec. 2): the teacher is aligned
    (examples have ``|m0| -> m_bar > 0``) for ``beta* > beta*_c``.  p = 2: ``1/2``.
    Large p: ``ln 2 - beta*_c ~ 4^{-p}`` (doc Sec. 2, checked in the tests)."""
    p = _check_p(p)
    if p == 2:
        return 0.5
    t = _critical_t(p)  # ln u_c; u_c ~ 4^{-p} underflows to 0 above p ~ 500, which is harmless here
    u = math.exp(t)
    deficit = LN2 + (1.0 - u) * math.log1p(-u) + u * t
    return float(deficit / math.exp(p * math.log1p(-2.0 * u)))


def critical_temperature(p) -> float:
    """``T*_c(p) = 1/beta*_c(p)`` (doc Sec. 2); ``T*_c -> 1/ln 2`` from above as p -> infinity."""
    return 1.0 / critical_beta(p)


def spinodal_temperature(p) -> float:
    """``T*_sp(p) = 1/beta*_sp(p)`` (doc Sec. 2): above it only the paramagnet exists."""
    return 1.0 / spinodal_beta(p)


def magnetization_branches(p, T_teacher) -> TeacherBranches:
    """All solutions of ``m = tanh(beta* p m^{p-1})`` in ``[0, 1)`` (doc Sec. 2).

    Parameters: p (integer 2..P_MAX), T_teacher = T* > 0.

    The ferromagnetic root is found in ``t = ln u``, ``u = (1 - m)/2``: the equation reads
    ``(ln(1-u) - t)/2 = beta* p (1 - 2u)^{p-1}``, so ``t ~ -2 beta* p`` at low T*
    (``m = 1 - 2 e^{-2 beta* p (1 + ...)}``); the bracket ``[-2 beta* p - 50, ln u_sp]`` always
    holds the root.  The unstable root is found in ``ln m`` on ``(0, m_sp)``
    (``m ~ (T*/p)^{1/(p-2)}`` at low T*).  Never raises for valid input: a failed root finder is
    reported in ``status`` ("unconverged").
    """
    p = _check_p(p)
    T_teacher = v.positive("T_teacher", T_teacher)
    beta = 1.0 / T_teacher
    if not math.isfinite(beta):
        raise ValueError(f"T_teacher must be >= 1e-308 (1/T* overflows), got {T_teacher!r}")
    nan = float("nan")
    iterations, converged = 0, True
    deficit = nan
    if p == 2:
        if beta <= 0.5:
            unstable = ferro = nan
        else:
            unstable = nan
            # m = tanh(2 beta m) in t = ln u: (ln(1-u) - t)/2 = 2 beta (1 - 2u).  Near beta = 1/2,
            # m^2 = 3 (2 beta - 1)(1 + O(2 beta - 1)); the upper bracket end m_hi has g < 0.
            m_small = math.sqrt(3.0 * (2.0 * beta - 1.0))
            if m_small < 1e-6:
                ferro, deficit = m_small, 1.0 - m_small
            else:
                m_hi = min(0.5 * m_small, 0.5)
                g2 = lambda t: 0.5 * (math.log1p(-math.exp(t)) - t) - 2.0 * beta * (1.0 - 2.0 * math.exp(t))  # noqa: E731
                t, iterations, converged = _brent_log(g2, -4.0 * beta - 50.0, math.log((1.0 - m_hi) / 2.0),
                                                      "ferro (p=2)")
                u = math.exp(t)
                ferro, deficit = 1.0 - 2.0 * u, 2.0 * u
    else:
        u_sp = _spinodal_u(p)
        b_sp = spinodal_beta(p)
        if beta < b_sp:
            unstable = ferro = nan
        elif beta == b_sp:
            unstable = ferro = 1.0 - 2.0 * u_sp
            deficit = 2.0 * u_sp
        else:
            # ferro: t = ln u in (-inf, ln u_sp): g > 0 at the lower end, g < 0 at u_sp
            def g_t(t):
                u = math.exp(t)
                return 0.5 * (math.log1p(-u) - t) - beta * p * math.exp((p - 1) * math.log1p(-2.0 * u))

            t_f, it1, ok1 = _brent_log(g_t, -2.0 * beta * p - 50.0, math.log(u_sp), "ferro")
            u_f = math.exp(t_f)
            ferro, deficit = 1.0 - 2.0 * u_f, 2.0 * u_f
            # unstable: s = ln m in (-inf, ln m_sp): atanh(m) - beta p m^{p-1} > 0 as m -> 0, < 0 at m_sp
            m_sp = 1.0 - 2.0 * u_sp

            def g_s(s_):
                m = math.exp(s_)
                return math.atanh(m) - beta * p * math.exp((p - 1) * s_)

            # m_u < (1/(beta p))^{1/(p-2)} (atanh m >= m): a finite lower bracket below it
            s_lo = min(math.log(m_sp), -math.log(beta * p) / (p - 2)) - 5.0
            s_u, it2, ok2 = _brent_log(g_s, s_lo, math.log(m_sp), "unstable")
            unstable = math.exp(s_u)
            iterations, converged = it1 + it2, ok1 and ok2
    stable = 0.0
    if np.isfinite(ferro) and beta >= critical_beta(p):
        stable = ferro

    def f(m, d):
        if not np.isfinite(m):
            return nan
        u = d / 2.0 if np.isfinite(d) else (1.0 - m) / 2.0
        return beta * m**p + LN2 - float(_entropy_deficit_u(u))

    if not converged:
        status, msg = UNCONVERGED, "a teacher root finder did not converge"
    elif np.isfinite(ferro):
        status, msg = OK, "ferromagnetic branch exists" + (" (equilibrium)" if stable > 0 else " (metastable)")
    else:
        status, msg = ABSENT, "no ferromagnetic branch (T* > T*_sp): only the paramagnet m = 0"
    return TeacherBranches(
        p=p, T_teacher=T_teacher, paramagnet=0.0, unstable=unstable, ferro=ferro, stable=stable,
        free_entropy={"paramagnet": LN2, "unstable": f(unstable, nan), "ferro": f(ferro, deficit)},
        ferro_deficit=deficit, status=status, message=msg, iterations=iterations,
        residual=0.0 if status == OK else nan,
    )


def m_bar(p, T_teacher) -> float:
    """Equilibrium teacher magnetisation ``m_bar(T*)`` (doc Sec. 2): the ferromagnetic root of
    ``m = tanh(beta* p m^{p-1})`` when ``T* < T*_c(p)`` (at ``T* = T*_c`` the ferro value), else 0.
    A number: raises :class:`~hopfield_phases.theory.solvers.ConvergenceError` if the root finder
    did not converge (never observed)."""
    b = magnetization_branches(p, T_teacher)
    if b.status == UNCONVERGED:
        raise ConvergenceError(f"m_bar(p={b.p}, T*={b.T_teacher}): {b.message}")
    return b.stable


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

    ``p`` is limited to ``POLY_P_MAX`` (= 100): the cost is O(p^2) per X and the floating-point
    identities are checked against exact integer arithmetic up to p = 50 (relative error ~1e-15
    of ``N!/(N-p)!``).  For ``p > N`` there are no p distinct sites and ``S_p = 0`` exactly.
    """
    p = v.integer("p", p, minimum=1, maximum=POLY_P_MAX)
    N = v.integer("N", N, minimum=1)
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"X must be a real number or array of reals, got {X!r}") from None
    if not np.all(np.isfinite(X)) or np.any(np.abs(X) > N):
        raise ValueError(f"X must be finite with |X| <= N = {N} (X is a sum of N spins +-1)")
    if p > N:
        return np.zeros_like(X)
    e = [np.ones_like(X)]
    for k in range(1, p + 1):
        acc = np.zeros_like(X)
        for j in range(1, k + 1):
            Pj = X if j % 2 == 1 else float(N)
            acc = acc + (-1) ** (j - 1) * e[k - j] * Pj
        e.append(acc / k)
    return e[p] * math.factorial(p)


_LAW_ARRAYS = 10  # float64/int64 arrays of length N + 1 alive at once in log_pmf_overlap / coupling_ratio


def _check_law(N, p, T_teacher, form):
    """Validation shared by the finite-N law and r_N (before any allocation)."""
    p = _check_p(p)
    N = v.integer("N", N, minimum=1)
    if N < p:
        raise ValueError(f"N must be >= p (S_p sums over p distinct sites), got N={N} < p={p}")
    T_teacher = v.positive("T_teacher", T_teacher)
    v.choice("form", form, ("literal", "distinct"))
    if form == "distinct" and p > POLY_P_MAX:
        raise ValueError(f"p must be <= {POLY_P_MAX} for form='distinct', got {p}")
    v.check_memory("N", _LAW_ARRAYS * 8.0 * (N + 1), what=f"the law of K for N = {N}")
    return N, p, T_teacher


def log_pmf_overlap(N, p, T_teacher, form: str = "literal"):
    """Exact finite-N law of ``K = xi*.sigma`` under the teacher (doc Sec. 2):

    ``P(K) ∝ C(N, (N+K)/2) exp(beta* K^p / N^{p-1})``  (``form="literal"``), or with ``K^p``
    replaced by ``S_p(K)`` (``form="distinct"``).

    Returns ``(K, log_pmf)`` with ``K = -N, -N+2, ..., N`` (int array) and the normalised
    natural-log probabilities (``logsumexp(log_pmf) == 0``).  Pure numpy/scipy, cost O(N p).
    To sample an example: draw K from this law, then choose uniformly the ``(N+K)/2`` sites with
    ``sigma_i = xi*_i`` (doc Sec. 2 recipe).
    """
    N, p, T_teacher = _check_law(N, p, T_teacher, form)
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
    Requires ``N >= p`` (ValueError naming N otherwise) and refuses an N whose arrays do not fit
    in memory before allocating them.
    """
    N, p, T_teacher = _check_law(N, p, T_teacher, form)
    if p > POLY_P_MAX:
        raise ValueError(f"p must be <= {POLY_P_MAX} for r_N (S_p by Newton's identities), got {p}")
    K, logp = log_pmf_overlap(N, p, T_teacher, form)
    S = distinct_index_polynomial(p, K.astype(float), N)
    mean_S = float(np.sum(np.exp(logp) * S))
    falling = math.prod(N - j for j in range(p))
    denom = math.factorial(p) * falling / float(N) ** (p - 1) / T_teacher
    return mean_S / denom


def coupling_ratio_correction(p, T_teacher, N_values=(4000, 8000, 16000, 32000), form: str = "literal"):
    """Coefficient c of ``r_N = 1 + c/N + O(1/N^2)`` (doc Sec. 2), from a least-squares fit of
    ``N (r_N - 1) = c + d/N`` over ``N_values`` (large N, misaligned teacher).  Returns ``(c, d)``."""
    N_values = [v.integer("N_values", n, minimum=2) for n in np.atleast_1d(N_values)]
    if len(set(N_values)) < 2:
        raise ValueError("N_values must hold at least two distinct sizes")
    Ns = np.asarray(N_values, dtype=float)
    y = np.array([n * (coupling_ratio(int(n), p, T_teacher, form) - 1.0) for n in N_values])
    A = np.vstack([np.ones_like(Ns), 1.0 / Ns]).T
    (c, d), *_ = np.linalg.lstsq(A, y, rcond=None)
    return float(c), float(d)
