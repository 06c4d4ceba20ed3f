"""Replica-symmetric theory of a dense (p-body) Hopfield student learning one pattern from
teacher examples: phases P, lR, gR, eR and the spin-glass competitor SG.

Physics: ``docs/theory/teacher_student_theory.md`` (cited as "doc Sec. n"); the poster
Thériault & Tantari, "The Amount of Data Needed to Train Dense Hopfield Networks"; the paper Theriault & Tantari,
SciPost Phys. 17, 040 (2024), arXiv:2401.04191 (whose equations the doc re-derives).

Conventions (doc Sec. 1)
------------------------
* Student ``H_S[xi | sigma] = -N^{1-p} sum_a S_p(xi, sigma^a)`` (distinct-index form, default
  ``interaction="distinct"``) or ``(xi.sigma^a)^p`` (``interaction="literal"``, modelled through the
  mixed covariance xi_lit of doc Sec. 11 with a literal teacher); student temperature ``T = 1/beta``.
* Teacher: p-spin Curie-Weiss at ``T* = 1/beta*`` (:mod:`theory.teacher_student.teacher`); ``T_teacher=None``
  means the Nishimori line ``T* = T``.
* Load ``alpha = M p!/N^{p-1}``; reduced couplings ``lambda = alpha beta^2`` (noise) and
  ``mu = alpha beta beta*`` (signal).
* Free entropy per spin ``Phi`` (= -beta f), entropy per spin ``s`` at fixed alpha and beta*,
  energy per spin ``e`` in units of the coupling.  Overlaps: ``q_star = xi.xi*/N``,
  ``q = xi^rho.xi^nu/N`` (two student replicas), ``m = xi.sigma^a/N``.

RS theory (doc Sec. 3.2-3.4) for a misaligned teacher, with noise covariance ``xi(q)`` and
teacher-student cross covariance ``xi_c(q*)`` (:mod:`theory.teacher_student.covariance`)::

    Phi = (lambda/2)[xi(1) - xi(q) - (1-q) xi'(q)] + mu [xi_c(q*) - q* xi_c'(q*)]
          + E_z ln 2cosh(h),      h = mu xi_c'(q*) + sqrt(lambda xi'(q)) z,
    q* = E tanh h,   q = E tanh^2 h,
    e  = -alpha [beta (xi(1) - xi(q)) + beta* xi_c(q*)],
    s  = Phi - lambda (xi(1) - xi(q)) - mu xi_c(q*),
    replicon = lambda xi''(q) E sech^4 h   (RS locally stable iff < 1).

For ``xi = xi_c = q^p`` these are the doc's formulas term by term.  All Gaussian averages use
:mod:`theory.gaussian` (split method at large field width, doc Sec. 3.5).

Phase labels (doc Sec. 7): "eR" (aligned teacher, T* < T*_c(p); or, with
``eR_definition="memorization"``, where the single-example memorisation state of doc Sec. 6 is
global), "gR" (retrieval global), "lR" (retrieval locally stable but not global, competitor P),
"P" (paramagnet), "SG" (1RSB spin glass of the direct model, :mod:`theory.teacher_student.spin_glass`; a locally
stable retrieval state there is flagged ``metastable_retrieval``).  ``POSTER_LABELS`` maps SG to the
poster's four labels (SG -> "P" non-retrieval, or "lR" when a metastable retrieval state exists).

Conventions as options (``docs/theory/teacher_student_paper_code.md``, "Definitions that differ"), keyword-only
on :func:`solve`, :func:`phase`, :func:`boundary` and :func:`phase_diagram`:

* ``competitor`` - the non-retrieval state retrieval is compared with:
  ``"1rsb"`` (ours, default): the RS paramagnet for ``lambda <= lambda_c(p)``, the 1RSB spin glass
  above (doc Sec. 5); ``"rs-paramagnet"`` (the paper's): the RS paramagnet ``ln 2 + lambda/2``
  everywhere, also where its entropy is negative.
* ``sg`` - what the label "SG" means: ``"1rsb-static"`` (ours, default): the 1RSB spin glass is the
  non-retrieval state (``lambda > lambda_c``; a locally stable retrieval state there is flagged
  ``metastable_retrieval``); ``"rs-existence"`` (the paper's): no retrieval state exists and an RS
  spin-glass solution does (``lambda >= lambda_RS(p)``, 2.1268 for p = 3,
  :func:`theory.teacher_student.spin_glass.rs_spin_glass_threshold`); an existing retrieval
  state is then lR or gR.  Mixed choices are allowed: the label follows ``sg``, the reported
  thermodynamics those of the labelled state (the RS spin glass for SG under "rs-existence").
* ``eR_definition`` - what "eR" means (doc Sec. 6, 14 item 2): ``"teacher"`` (default; the paper's
  Fig. 2): the teacher is aligned, ``T* < T*_c(p)``, for a teacher of the student's order;
  ``"memorization"`` (the paper's Figs. 5-6): in addition, where the single-example memorisation
  state (q* = 0, m > 0) has the largest free entropy among memorisation, retrieval and the
  competitor.
* ``p_teacher`` - the teacher's order; only ``p_teacher = p`` is covered by this module (the
  p* != p teacher of doc Sec. 10 has its own module); ``None`` means p.

The paper's figures 2 and 5 are reproduced by ``competitor="rs-paramagnet", sg="rs-existence"``
with ``eR_definition="teacher"`` (Fig. 2) or ``"memorization"`` (Fig. 5) (tests).

Results and errors (:class:`hopfield_phases._core.results.ResultContract`): :func:`solve`,
:func:`phase_diagram`, :func:`memorization_state`, :func:`zero_temperature` return results with
``status`` ("ok" / "absent" / "unconverged") and never raise for absence or non-convergence;
:func:`phase` returns the label and raises :class:`~hopfield_phases.theory.solvers.ConvergenceError`
(carrying the :class:`TSResult` as ``.result``) when the label rests on an unconverged solve;
:func:`boundary` returns NaN where a boundary does not exist and raises ConvergenceError where a
solve did not converge.  Bad input raises ValueError naming the parameter.  Numerical range:
``3 <= p <= P_MAX`` (= 200; lambda_c(p) agrees with 2 ln 2 to 1e-13 there) and
``lambda = alpha/T^2``, ``mu = alpha/(T T*)`` at most ``COUPLING_MAX`` (= 1e16, checked down to
T = 1e-8 at alpha = 6).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, asdict
from functools import lru_cache

import numpy as np
from scipy import optimize, special

from .. import gaussian as G
from . import teacher as _teacher
from hopfield_phases._core import validation as v
from hopfield_phases._core.results import ABSENT, OK, UNCONVERGED, ResultContract
from ..solvers import ConvergenceError, NoSolution, SolverResult, find_boundary, fixed_point, polish_root
from .spin_glass import one_step_rsb, rs_spin_glass, rs_spin_glass_threshold
from .covariance import INTERACTIONS, Covariance, for_interaction
from ._mapping import MappingAccess

__all__ = [
    "TSResult",
    "PhaseDiagram",
    "solve",
    "phase",
    "nishimori_thresholds",
    "nishimori_overlaps",
    "teacher_critical_temperature",
    "eR_temperature",
    "boundary",
    "alpha_gR_infinite_p",
    "landscape",
    "phase_diagram",
    "rs_free_entropy",
    "rs_entropy",
    "rs_energy",
    "rs_replicon",
    "rs_saddle",
    "retrieval_state",
    "kappa_c",
    "zero_temperature",
    "m_nishimori",
    "memorization_state",
    "MemorizationResult",
    "ZeroTemperatureResult",
    "teacher_gives_eR",
    "COMPETITORS",
    "SG_DEFINITIONS",
    "ER_DEFINITIONS",
    "P_MAX",
    "COUPLING_MAX",
    "LABELS",
    "KINDS",
    "POSTER_LABELS",
]

LN2 = math.log(2.0)
LABELS = ("P", "lR", "gR", "eR", "SG")
KINDS = ("lR", "gR", "eR", "SG")
ER_DEFINITIONS = ("teacher", "memorization")
COMPETITORS = ("1rsb", "rs-paramagnet")
SG_DEFINITIONS = ("1rsb-static", "rs-existence")
P_MAX = 200
COUPLING_MAX = 1e16
POSTER_LABELS = {"P": "P", "lR": "lR", "gR": "gR", "eR": "eR", "SG": "P"}
_QSTAR_ZERO = 1e-5


# ---------------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------------


def _check_p(p) -> int:
    p = v.integer("p", p, minimum=2, maximum=P_MAX)
    if p < 3:
        raise ValueError(
            "p must be >= 3 for the student theory: at p = 2 the cumulant expansion of doc Sec. 3.1 "
            "fails (a separate BBP-type problem)"
        )
    return p


def _check_point(p, alpha, T, T_teacher, interaction="distinct"):
    p = _check_p(p)
    alpha = v.nonnegative("alpha", alpha)
    T = v.positive("T", T)
    T_teacher = T if T_teacher is None else v.positive("T_teacher", T_teacher)
    v.choice("interaction", interaction, INTERACTIONS)
    _check_couplings(alpha, T, T_teacher)
    return p, alpha, T, T_teacher, interaction


def _check_couplings(alpha, T, T_teacher):
    """lambda = alpha/T^2 and mu = alpha/(T T*) within ``COUPLING_MAX`` (no overflow, no 1/0)."""
    with np.errstate(over="ignore"):
        lam = alpha / (T * T) if T * T > 0 else math.inf
        mu = alpha / (T * T_teacher) if T * T_teacher > 0 else math.inf
    if not lam <= COUPLING_MAX:
        raise ValueError(f"T must be >= sqrt(alpha/{COUPLING_MAX:g}) (lambda = alpha/T^2 <= {COUPLING_MAX:g}, "
                         f"the range of the RS numerics), got T={T!r} with alpha={alpha!r}")
    if not mu <= COUPLING_MAX:
        raise ValueError(f"T_teacher must keep mu = alpha/(T T*) <= {COUPLING_MAX:g}, got T*={T_teacher!r} "
                         f"with alpha={alpha!r}, T={T!r}")


def _check_options(competitor, sg, eR_definition, p, p_teacher):
    v.choice("competitor", competitor, COMPETITORS)
    v.choice("sg", sg, SG_DEFINITIONS)
    v.choice("eR_definition", eR_definition, ER_DEFINITIONS)
    if p_teacher is None:
        return p
    p_teacher = v.integer("p_teacher", p_teacher, minimum=2, maximum=_teacher.P_MAX)
    if p_teacher != p:
        raise ValueError(f"p_teacher must equal p here (p*={p_teacher}, p={p}): the RS theory of doc Sec. 3 "
                         "is for p* = p; a teacher of another order (doc Sec. 10) has its own module")
    return p_teacher


def _wants_mismatched(p, p_teacher, T_teacher, interaction, regime, eta) -> bool:
    """Whether a call is for a teacher of another order (p* != p: :mod:`.mismatched_teacher`).

    ``regime`` and ``eta`` belong to that case only; there ``T_teacher`` is replaced by ``eta``
    (finite noise) or drops out (large noise), and only the distinct-index student exists."""
    if p_teacher is None or v.integer("p_teacher", p_teacher, minimum=2) == v.integer("p", p, minimum=2):
        if regime is not None or eta is not None:
            raise ValueError("regime and eta apply only to a teacher of another order (p_teacher != p)")
        return False
    if T_teacher is not None:
        raise ValueError("T_teacher must be None for p_teacher != p: the teacher's noise is set by "
                         "regime ('finite-noise': eta; 'large-noise': c = alpha/T^2)")
    if interaction != "distinct":
        raise ValueError("interaction must be 'distinct' for p_teacher != p")
    return True


def _mismatched_kwargs(p_teacher, regime, eta, competitor):
    return dict(p_teacher=p_teacher, regime="finite-noise" if regime is None else regime, eta=eta,
                competitor=competitor)


def teacher_gives_eR(p, T_teacher, p_teacher=None) -> bool:
    """True when eR follows from the teacher alone (doc Sec. 6, 7 step 1): the teacher has the
    student's order (``p_teacher`` None or p) and is aligned, ``T* < T*_c(p)``.  A teacher of another
    order never gives eR here, whatever its temperature (issue: ``solve(4, ...)`` used to label every
    T < T*_c(4) = 1.4518 as eR whatever the teacher's order)."""
    p = v.integer("p", p, minimum=2, maximum=_teacher.P_MAX)
    T_teacher = v.positive("T_teacher", T_teacher)
    if p_teacher is not None:
        p_teacher = v.integer("p_teacher", p_teacher, minimum=2, maximum=_teacher.P_MAX)
        if p_teacher != p:
            return False
    return _teacher.is_aligned(p, T_teacher)


def _check_cov(cov):
    if not isinstance(cov, Covariance):
        raise ValueError(f"cov must be a Covariance (theory.teacher_student.covariance), got {type(cov).__name__}")
    return cov


def _check_rs_args(lam, mu, q, qs, cov):
    lam = v.nonnegative("lam", lam)
    mu = v.nonnegative("mu", mu)
    q = v.probability("q", q)
    qs = v.probability("qs", qs)
    _check_cov(cov)
    if lam > COUPLING_MAX:
        raise ValueError(f"lam must be <= {COUPLING_MAX:g}, got {lam!r}")
    if mu > COUPLING_MAX:
        raise ValueError(f"mu must be <= {COUPLING_MAX:g}, got {mu!r}")
    return lam, mu, q, qs, cov


def _couplings(alpha, T, T_teacher):
    """``(lambda, mu) = (alpha/T^2, alpha/(T T*))`` (doc Sec. 1)."""
    return alpha / (T * T), alpha / (T * T_teacher)  # T*T: inf, not OverflowError, for huge T


# ---------------------------------------------------------------------------------------------
# RS functions of the order parameters (doc Sec. 3.2-3.4)
# ---------------------------------------------------------------------------------------------


def _field(lam, mu, q, qs, cov: Covariance):
    a = mu * cov.d1(qs) if (qs > 0 or cov.has_linear_term) else 0.0
    b2 = lam * cov.d1(q) if (q > 0 or cov.has_linear_term) else 0.0
    return a, math.sqrt(max(b2, 0.0))


def _rs_saddle(lam, mu, q, qs, cov):
    a, b = _field(lam, mu, q, qs, cov)
    return G.expect_tanh(a, b), G.expect_tanh2(a, b)


def _rs_free_entropy(lam, mu, q, qs, cov):
    a, b = _field(lam, mu, q, qs, cov)
    return (0.5 * lam * (cov.value(1.0) - cov.value(q) - (1.0 - q) * cov.d1(q))
            + mu * (cov.value(qs) - qs * cov.d1(qs)) + G.expect_log2cosh(a, b))


def _rs_entropy(lam, mu, q, qs, cov, phi=None):
    if phi is None:
        phi = _rs_free_entropy(lam, mu, q, qs, cov)
    return phi - lam * (cov.value(1.0) - cov.value(q)) - mu * cov.value(qs)


def _rs_energy(alpha, T, T_teacher, q, qs, cov):
    return -alpha * ((cov.value(1.0) - cov.value(q)) / T + cov.value(qs) / T_teacher)


def _rs_replicon(lam, mu, q, qs, cov):
    a, b = _field(lam, mu, q, qs, cov)
    return lam * cov.d2(q) * G.expect_sech4(a, b)


def rs_saddle(lam, mu, q, qs, cov: Covariance):
    """Right-hand sides ``(E tanh h, E tanh^2 h)`` of the RS equations (doc Sec. 3.3).
    ``lam, mu >= 0``, ``q, qs`` in [0, 1], ``cov`` a :class:`Covariance` (ValueError otherwise)."""
    return _rs_saddle(*_check_rs_args(lam, mu, q, qs, cov))


def rs_free_entropy(lam, mu, q, qs, cov: Covariance) -> float:
    """``Phi_RS(q, q*)`` (doc Sec. 3.2, general covariance form).  Arguments as :func:`rs_saddle`."""
    return _rs_free_entropy(*_check_rs_args(lam, mu, q, qs, cov))


def rs_entropy(lam, mu, q, qs, cov: Covariance, phi=None) -> float:
    """``s = Phi - beta dPhi/dbeta`` at fixed alpha, beta* = ``Phi - lambda(xi(1)-xi(q)) - mu xi_c(q*)``
    (doc Sec. 3.4; uses dPhi/dlambda = (xi(1)-xi(q))/2, dPhi/dmu = xi_c(q*) at the saddle point)."""
    args = _check_rs_args(lam, mu, q, qs, cov)
    if phi is not None:
        phi = v.real("phi", phi)
    return _rs_entropy(*args, phi)


def rs_energy(alpha, T, T_teacher, q, qs, cov: Covariance) -> float:
    """``e = -alpha [beta (xi(1) - xi(q)) + beta* xi_c(q*)]`` (doc Sec. 1 and 3.4)."""
    alpha = v.nonnegative("alpha", alpha)
    T = v.positive("T", T)
    T_teacher = v.positive("T_teacher", T_teacher)
    _check_couplings(alpha, T, T_teacher)
    q = v.probability("q", q)
    qs = v.probability("qs", qs)
    return _rs_energy(alpha, T, T_teacher, q, qs, _check_cov(cov))


def rs_replicon(lam, mu, q, qs, cov: Covariance) -> float:
    """Replicon eigenvalue ratio ``lambda xi''(q) E sech^4 h`` (doc Sec. 3.4); RS stable iff < 1."""
    return _rs_replicon(*_check_rs_args(lam, mu, q, qs, cov))


def m_nishimori(omega):
    """``m_NL(omega) = E_z tanh(omega + sqrt(omega) z)`` (doc Sec. 4); ``omega`` finite and >= 0."""
    if isinstance(omega, (str, bytes, bool)):
        raise ValueError(f"omega must be a number >= 0, got {omega!r}")
    try:
        omega = np.asarray(omega, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"omega must be a number >= 0, got {omega!r}") from None
    if not np.all(np.isfinite(omega)) or np.any(omega < 0):
        raise ValueError("omega must be finite and >= 0")
    return G.expect_tanh(omega, np.sqrt(omega))


# ---------------------------------------------------------------------------------------------
# Retrieval branch
# ---------------------------------------------------------------------------------------------


def _map_jacobian(lam, mu, x, cov, eps=1e-7):
    """Jacobian of the RS map ``(q, q*) -> (E tanh^2 h, E tanh h)`` at ``x = (q, q*)`` (forward or
    backward differences, step ``eps``)."""
    def G_(y):
        t, t2 = _rs_saddle(lam, mu, y[0], y[1], cov)
        return np.array([t2, t])

    f0 = G_(x)
    J = np.empty((2, 2))
    for j in range(2):
        dx = np.array(x, dtype=float)
        h = eps * max(1.0, abs(dx[j]))
        dx[j] = dx[j] - h if dx[j] + h > 1.0 else dx[j] + h
        step = dx[j] - x[j]
        J[:, j] = (G_(dx) - f0) / step
    return J


def retrieval_state(lam, mu, cov: Covariance, guess=(1.0, 1.0), tol=1e-12, max_iter=4000,
                    polish_every=20) -> SolverResult | None:
    """The RS retrieval solution reached from ``guess`` (default ``(q, q*) = (1, 1)``; doc Sec. 7 step 3).

    Damped (here undamped, the map is monotone near the branch) iteration of
    ``(q, q*) <- (E tanh^2 h, E tanh h)``, accelerated by a Newton polish every ``polish_every``
    steps that is accepted only when it lands close by on a *stable* fixed point of the map
    (spectral radius of its Jacobian < 1), so the unstable (saddle) root is never returned.
    Returns ``None`` when the iteration collapses to ``q* = 0`` (no retrieval state; for a
    covariance with a linear term, q* = 0 is not a solution and no collapse test is made).
    Returns a :class:`SolverResult` with ``x = (q, q*)``; ``converged=False`` with a message when
    ``max_iter`` is reached (never silently).  (This solver-level function keeps the solver's
    result type; :func:`solve` turns it into the result contract.)

    Validation: ``lam, mu`` >= 0 (at most ``COUPLING_MAX``), ``cov`` a :class:`Covariance`,
    ``guess`` two numbers in [0, 1], ``tol > 0``, ``max_iter, polish_every`` integers >= 1.
    """
    lam = v.nonnegative("lam", lam)
    mu = v.nonnegative("mu", mu)
    if lam > COUPLING_MAX:
        raise ValueError(f"lam must be <= {COUPLING_MAX:g}, got {lam!r}")
    if mu > COUPLING_MAX:
        raise ValueError(f"mu must be <= {COUPLING_MAX:g}, got {mu!r}")
    _check_cov(cov)
    try:
        g0, g1 = guess
    except (TypeError, ValueError):
        raise ValueError(f"guess must be a pair (q, q*) in [0, 1], got {guess!r}") from None
    guess = (v.probability("guess", g0), v.probability("guess", g1))
    tol = v.positive("tol", tol)
    max_iter = v.integer("max_iter", max_iter, minimum=1)
    polish_every = v.integer("polish_every", polish_every, minimum=1)
    x = np.array([guess[0], guess[1]], dtype=float)
    lin = cov.has_linear_term

    def F(y):
        q = min(max(y[0], 0.0), 1.0)
        qs = min(max(y[1], 0.0), 1.0)
        return np.array(_rs_saddle(lam, mu, q, qs, cov))

    res = math.inf
    next_polish = polish_every
    for it in range(1, max_iter + 1):
        fx = F(x)
        new = np.array([fx[1], fx[0]])
        res = float(np.max(np.abs(new - x)))
        x = new
        if res <= tol:
            return SolverResult(x, True, it, res, "converged")
        if not lin and x[1] < _QSTAR_ZERO:
            return None
        if it >= next_polish and res < 1e-3:
            pol = polish_root(lambda y: (lambda f: np.array([f[1] - y[0], f[0] - y[1]]))(F(y)), x,
                              tol=1e-13, raise_on_failure=False)
            y = pol.x
            if (pol.converged and np.all(np.abs(y - x) < 0.05) and 0.0 <= y[0] <= 1.0
                    and 0.0 <= y[1] <= 1.0 and (lin or y[1] > _QSTAR_ZERO)):
                J = _map_jacobian(lam, mu, (y[0], y[1]), cov)
                if np.max(np.abs(np.linalg.eigvals(J))) < 1.0:
                    return SolverResult(np.array(y), True, it, pol.residual, "converged (Newton polish)")
            # failed or unstable: wait twice as long before the next attempt
            polish_every *= 2
            next_polish = it + polish_every
    return SolverResult(x, False, max_iter, res, f"retrieval iteration: max_iter={max_iter}, residual {res:.3g}")


# ---------------------------------------------------------------------------------------------
# Nishimori line (doc Sec. 4)
# ---------------------------------------------------------------------------------------------


def _lambda_of_omega(omega, p):
    return omega / (p * float(m_nishimori(omega)) ** (p - 1))


def _delta_phi_nl(omega, p):
    """``Phi_NL - Phi_P`` on the NL branch parametrised by omega (doc Sec. 4)."""
    q = float(m_nishimori(omega))
    lam = omega / (p * q ** (p - 1))
    return -0.5 * lam * (p * q ** (p - 1) + (p - 1) * q**p) + G.expect_log2cosh(omega, math.sqrt(omega)) - LN2


@lru_cache(maxsize=None)
def _nishimori(p: int):
    # lambda(omega) = omega / (p m_NL(omega)^{p-1}) -> infinity at both ends (p >= 3): minimise in ln omega
    res = optimize.minimize_scalar(lambda t: _lambda_of_omega(math.exp(t), p), bounds=(-8.0, 10.0),
                                   method="bounded", options={"xatol": 1e-11})
    w_sp = math.exp(res.x)
    lam_sp = _lambda_of_omega(w_sp, p)
    # Phi_NL - Phi_P < 0 at the spinodal, > 0 at large omega: geometric bracket expansion upwards
    w_c = find_boundary(lambda w: _delta_phi_nl(w, p), w_sp, 2.0 * w_sp, expand=2.0, limit=1e12,
                        xtol=1e-14, rtol=1e-15)
    lam_c = _lambda_of_omega(w_c, p)
    return lam_sp, lam_c, float(m_nishimori(w_sp)), float(m_nishimori(w_c))


def nishimori_thresholds(p):
    """``(lambda_sp(p), lambda_c(p))`` on the Nishimori line (doc Sec. 4).

    The NL branch is parametrised by ``omega = lambda p q^{p-1}``: ``q = m_NL(omega)``,
    ``lambda(omega) = omega/(p m_NL(omega)^{p-1})``.  lambda_sp is the minimum of lambda(omega)
    (spinodal, where lR appears; the dynamical transition of the direct model) and lambda_c the
    root of ``Phi_NL - Phi_P`` on the upper branch (first-order P -> gR; the static 1RSB
    transition of the direct model).  Then ``alpha_sp(T) = lambda_sp T^2`` and
    ``alpha_c(T) = lambda_c T^2`` for ``T > T_eR(p)``.
    """
    p = _check_p(p)
    lam_sp, lam_c, _, _ = _nishimori(p)
    return lam_sp, lam_c


def nishimori_overlaps(p):
    """``(q*(lambda_sp), q*(lambda_c))`` on the NL (doc Sec. 4 table)."""
    p = _check_p(p)
    return _nishimori(p)[2:]


def teacher_critical_temperature(p) -> float:
    """``T*_c(p)`` of the p-spin Curie-Weiss teacher (doc Sec. 2; :func:`theory.teacher.critical_temperature`)."""
    p = v.integer("p", p, minimum=2)
    return _teacher.critical_temperature(p)


def eR_temperature(p) -> float:
    """``T_eR(p) = T*_c(p)`` [interpretation, doc Sec. 6]: on the NL, eR occupies ``T < T_eR``."""
    return teacher_critical_temperature(p)


# ---------------------------------------------------------------------------------------------
# Result of a point
# ---------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class TSResult(ResultContract):
    """State of the student at one point (p, alpha, T, T*).

    ``label`` in :data:`LABELS`.  The order parameters and thermodynamics are those of the
    labelled state: for "lR" the (metastable) retrieval state; for "P"/"SG" the non-retrieval
    state (SG: ``q = q1`` of the 1RSB solution, with ``x_1rsb``; under ``sg="rs-existence"`` the RS
    spin glass); for "eR" the aligned-teacher limits (``q = q_star = 1``, ``m = m_bar``, entropy 0;
    free entropy and energy are super-extensive and reported as NaN) or, with
    ``eR_definition="memorization"`` and a misaligned teacher, the memorisation state.
    ``rs_trusted`` is False where ``entropy < 0`` or ``replicon > 1`` (doc Sec. 14 item 7).
    ``retrieval`` holds the RS retrieval solution (or None), ``phi_nonretrieval`` the competitor's
    free entropy, ``metastable_retrieval`` is True when a locally stable retrieval state is not
    global (for SG points this is the "metastable R" flag of doc Sec. 7).

    Contract: ``status`` is "ok" or "unconverged" (a state the label relies on did not converge;
    ``message`` says which); a point always has a label, so never "absent".  ``iterations`` and
    ``residual`` are those of the retrieval solve (0 / NaN when there is none).  ``converged``
    (read-only) is ``status != "unconverged"``.  The options used are recorded in
    ``competitor_definition``, ``sg_definition`` and ``eR_definition``.
    """

    p: int
    alpha: float
    T: float
    T_teacher: float
    interaction: str
    lam: float
    mu: float
    label: str
    q: float
    q_star: float
    m: float
    free_entropy: float
    entropy: float
    energy: float
    replicon: float
    rs_trusted: bool
    metastable_retrieval: bool = False
    competitor: str = "P"
    phi_nonretrieval: float = float("nan")
    x_1rsb: float = float("nan")
    retrieval: dict | None = None
    eR_definition: str = "teacher"
    competitor_definition: str = "1rsb"
    sg_definition: str = "1rsb-static"

    @property
    def converged(self) -> bool:
        return self.status != UNCONVERGED

    @property
    def poster_label(self) -> str:
        """The poster's four labels (doc Sec. 14 item 4): SG -> lR if metastable R, else P."""
        if self.label == "SG":
            return "lR" if self.metastable_retrieval else "P"
        return self.label

    def as_row(self) -> dict:
        d = asdict(self)
        r = d.pop("retrieval")
        d["converged"] = self.converged
        d["poster_label"] = self.poster_label
        for k in ("q", "q_star", "free_entropy", "entropy", "energy", "replicon"):
            d[f"R_{k}"] = (r or {}).get(k, float("nan"))
        return d


@dataclass(kw_only=True)
class MemorizationResult(MappingAccess, ResultContract):
    """Single-example memorisation state with a misaligned teacher, ``q* = 0`` (doc Sec. 6).

    ``status`` "ok" (a state with ``m > 0`` reached from m = q = 1), "absent" (the iteration
    collapses to m = 0), "unconverged".  Dict-style access (``r["m"]``) is kept for old callers."""

    p: int
    alpha: float
    T: float
    m: float
    q: float
    free_entropy: float
    entropy: float
    energy: float
    replicon: float

    @property
    def converged(self) -> bool:
        return self.status != UNCONVERGED


def _retrieval_dict(p, alpha, T, T_teacher, lam, mu, cov, sol: SolverResult):
    q, qs = float(sol.x[0]), float(sol.x[1])
    phi = _rs_free_entropy(lam, mu, q, qs, cov)
    return {
        "q": q, "q_star": qs, "free_entropy": phi, "entropy": _rs_entropy(lam, mu, q, qs, cov, phi),
        "energy": _rs_energy(alpha, T, T_teacher, q, qs, cov), "replicon": _rs_replicon(lam, mu, q, qs, cov),
        "converged": sol.converged, "message": sol.message, "iterations": sol.iterations,
        "residual": sol.residual,
    }


def _memorization(p, alpha, T, lam, max_iter=3000) -> MemorizationResult:
    """Single-example memorisation with a misaligned teacher, ``q* = 0`` (doc Sec. 6):

    ``Phi = -(p-1) beta m^p + (lambda/2)[1 - p q^{p-1} + (p-1) q^p] + E ln 2cosh(a + b z)``,
    ``a = beta p m^{p-1}``, ``b = sqrt(lambda p q^{p-1})``, ``m = E tanh``, ``q = E tanh^2``
    (the z-average over the example's spin sigma = +-1 folds into the sign of a: the integrand is
    even under (sigma, z) -> (-sigma, -z)).  Iterated from m = q = 1."""
    beta = 1.0 / T
    nan = float("nan")

    def upd(y):
        m, q = min(max(y[0], 0.0), 1.0), min(max(y[1], 0.0), 1.0)
        a, b = beta * p * m ** (p - 1), math.sqrt(lam * p * q ** (p - 1))
        return np.array([G.expect_tanh(a, b), G.expect_tanh2(a, b)])

    r = fixed_point(upd, [1.0, 1.0], damping=1.0, tol=1e-12, max_iter=max_iter, raise_on_failure=False)
    m, q = float(r.x[0]), float(r.x[1])
    if m < 1e-4:
        return MemorizationResult(p=p, alpha=alpha, T=T, m=0.0, q=q, free_entropy=nan, entropy=nan, energy=nan,
                                  replicon=nan, status=ABSENT, iterations=r.iterations, residual=r.residual,
                                  message="no memorisation state: the iteration from m = 1 collapses to m = 0")
    a, b = beta * p * m ** (p - 1), math.sqrt(lam * p * q ** (p - 1))
    phi = -(p - 1) * beta * m**p + 0.5 * lam * (1 - p * q ** (p - 1) + (p - 1) * q**p) + G.expect_log2cosh(a, b)
    # e = -dPhi/dbeta at fixed alpha (saddle point): -m^p - alpha beta (1 - q^p); s = Phi + beta e
    energy = -(m**p) - alpha * beta * (1.0 - q**p)
    entropy = phi + beta * energy
    replicon = lam * p * (p - 1) * q ** (p - 2) * G.expect_sech4(a, b)
    return MemorizationResult(p=p, alpha=alpha, T=T, m=m, q=q, free_entropy=float(phi), entropy=float(entropy),
                              energy=float(energy), replicon=float(replicon),
                              status=OK if r.converged else UNCONVERGED,
                              message="memorisation state" if r.converged else f"memorisation: {r.message}",
                              iterations=r.iterations, residual=r.residual)


def memorization_state(p, alpha, T, *, max_iter=3000) -> MemorizationResult:
    """The single-example memorisation state (q* = 0, m > 0) of a distinct-index student with a
    misaligned teacher (doc Sec. 6), as a :class:`MemorizationResult` (status "absent" when there is
    none).  It does not depend on T*: with q* = 0 the teacher enters only through lambda = alpha/T^2.
    With alpha -> 0 it is the p-spin Curie-Weiss state at T; it is also the retrieval state of the
    direct model (random patterns)."""
    p = _check_p(p)
    if p < 3:
        raise ValueError("p must be >= 3")
    alpha = v.nonnegative("alpha", alpha)
    T = v.positive("T", T)
    _check_couplings(alpha, T, T)
    max_iter = v.integer("max_iter", max_iter, minimum=1)
    return _memorization(p, alpha, T, alpha / (T * T), max_iter=max_iter)


def solve(p, alpha, T, T_teacher=None, interaction="distinct", eR_definition="teacher", *,
          competitor="1rsb", sg="1rsb-static", p_teacher=None, regime=None, eta=None) -> TSResult:
    """Phase and RS/1RSB thermodynamics of the student at one point (doc Sec. 7 algorithm).

    Parameters
    ----------
    p : int, 3 <= p <= P_MAX
        Interaction order of teacher and student (p' = p).
    alpha : float >= 0
        Load ``M p!/N^{p-1}``.
    T : float > 0
        Student temperature.
    T_teacher : float > 0 or None
        Teacher temperature T*; None means the Nishimori line ``T* = T``.
    interaction : "distinct" (default) or "literal"
        Student Hamiltonian form (doc Sec. 11, 14 item 1).  The literal student is modelled with a
        literal teacher (``xi = xi_c = xi_lit``); it has no P phase for odd p.
    eR_definition : "teacher" (default) or "memorization"
        Which definition of eR labels the point (module docstring; doc Sec. 14 item 2).
    competitor : "1rsb" (default) or "rs-paramagnet"  (keyword-only; module docstring)
    sg : "1rsb-static" (default) or "rs-existence"  (keyword-only; module docstring)
    p_teacher, regime, eta : keyword-only
        The teacher's order (None: p).  eR from the teacher needs a teacher of the student's
        order (:func:`teacher_gives_eR`).  ``p_teacher != p`` (e.g. 2 with p = 4) dispatches to
        :func:`.mismatched_teacher.mismatched_solve` (the paper's p* = 2 teacher) in the scaling
        ``regime`` "finite-noise" (default; ``eta`` replaces ``T_teacher``, which must be None)
        or "large-noise" (c = c_s = alpha/T^2); ``sg`` and ``eR_definition`` do not apply there.

    Returns a :class:`TSResult`; ``status`` is "unconverged" (with a message naming the solve)
    if any saddle point the label relies on did not converge.  Never raises for that.
    """
    if _wants_mismatched(p, p_teacher, T_teacher, interaction, regime, eta):
        from .mismatched_teacher import mismatched_solve

        return mismatched_solve(p, alpha, T, **_mismatched_kwargs(p_teacher, regime, eta, competitor))
    p, alpha, T, T_teacher, interaction = _check_point(p, alpha, T, T_teacher, interaction)
    _check_options(competitor, sg, eR_definition, p, p_teacher)
    cov = for_interaction(p, interaction)
    lam, mu = _couplings(alpha, T, T_teacher)
    base = dict(p=p, alpha=alpha, T=T, T_teacher=T_teacher, interaction=interaction, lam=lam, mu=mu,
                eR_definition=eR_definition, competitor_definition=competitor, sg_definition=sg)
    nan = float("nan")

    # 1. aligned teacher (of the student's order) -> eR (doc Sec. 6, 7 step 1)
    if _teacher.is_aligned(p, T_teacher):
        b = _teacher.magnetization_branches(p, T_teacher)
        ok = b.status != UNCONVERGED
        return TSResult(**base, label="eR", q=1.0, q_star=1.0, m=b.stable, free_entropy=nan, entropy=0.0,
                        energy=nan, replicon=0.0, rs_trusted=True, competitor="none",
                        status=OK if ok else UNCONVERGED, iterations=b.iterations, residual=0.0 if ok else nan,
                        message="aligned teacher (T* < T*_c): q* -> 1, m -> m_bar; energy super-extensive"
                        + ("" if ok else f"; teacher: {b.message}"))

    problems = []
    # 2. retrieval branch from (1, 1)
    sol = retrieval_state(lam, mu, cov) if alpha > 0 else None
    R = _retrieval_dict(p, alpha, T, T_teacher, lam, mu, cov, sol) if sol is not None else None
    if R is not None and not cov.has_linear_term and R["q_star"] < 1e-3:
        R = None
    if R is not None and not R["converged"]:
        problems.append(f"retrieval: {R['message']}")

    # 3. non-retrieval competitor: P (or the low branch for a linear covariance) / 1RSB SG
    lam_c = math.inf
    phi_p = LN2 + 0.5 * lam * cov.value(1.0)
    P_state = {"label": "P", "q": 0.0, "q_star": 0.0, "free_entropy": phi_p,
               "entropy": LN2 - 0.5 * lam * cov.value(1.0), "energy": -alpha / T * cov.value(1.0),
               "replicon": lam * cov.d2(0.0), "x": nan, "converged": True}

    def sg_state(sgr):
        return {"label": "SG", "q": sgr.q1, "q_star": 0.0, "free_entropy": sgr.phi, "entropy": sgr.entropy,
                "energy": -alpha / T * (cov.value(1.0) - (1.0 - sgr.x) * cov.value(sgr.q1)),
                "replicon": nan, "x": sgr.x, "converged": sgr.converged}

    if cov.has_linear_term:
        low = retrieval_state(lam, mu, cov, guess=(0.0, 0.0)) if alpha > 0 else SolverResult(
            np.zeros(2), True, 0, 0.0, "alpha = 0")
        NR = _retrieval_dict(p, alpha, T, T_teacher, lam, mu, cov, low)
        NR.update(label="gR" if NR["q_star"] > _QSTAR_ZERO else "P", x=nan)
        if not low.converged:
            problems.append(f"low branch: {low.message}")
    else:
        lam_c = nishimori_thresholds(p)[1] if interaction == "distinct" else math.inf
        NR = P_state
        if competitor == "1rsb":
            need_sg = lam > lam_c and (R is None or R["free_entropy"] <= phi_p)
            if interaction == "literal" and (R is None or R["free_entropy"] <= phi_p):
                need_sg = True
            sgr = one_step_rsb(p, lam, cov) if need_sg else None
            if sgr is not None and not sgr.paramagnet:
                NR = sg_state(sgr)
                if not sgr.converged:
                    problems.append(f"1RSB spin glass: {sgr.message}")

    # 4. labels
    lin = cov.has_linear_term
    if R is not None and (R["free_entropy"] > NR["free_entropy"]
                          or (lin and abs(R["q_star"] - NR["q_star"]) < 1e-6)):
        label, state, meta = "gR", R, False
    elif R is not None and not lin and (NR["label"] in ("P", "gR") or sg == "rs-existence"):
        label, state, meta = "lR", R, True
    else:
        label, state, meta = NR["label"], NR, R is not None

    # 4b. the SG label by its definition, for points without a retrieval state
    if not lin and R is None:
        if sg == "rs-existence":
            rsg = rs_spin_glass(p, lam, cov)
            if rsg.status != ABSENT:
                label = "SG"
                state = {"label": "SG", "q": rsg.q, "q_star": 0.0, "free_entropy": rsg.free_entropy,
                         "entropy": rsg.entropy, "energy": -alpha / T * (cov.value(1.0) - cov.value(rsg.q)),
                         "replicon": _rs_replicon(lam, 0.0, rsg.q, 0.0, cov), "x": nan,
                         "converged": rsg.converged}
                if not rsg.converged:
                    problems.append(f"RS spin glass: {rsg.message}")
            else:
                label = "P"
        elif competitor == "rs-paramagnet" and lam > lam_c:
            sgr = one_step_rsb(p, lam, cov)
            if not sgr.paramagnet:
                label, state = "SG", sg_state(sgr)
                if not sgr.converged:
                    problems.append(f"1RSB spin glass: {sgr.message}")

    m = 0.0
    message = ""
    if eR_definition == "memorization" and interaction == "distinct":
        mem = _memorization(p, alpha, T, lam)
        if mem.status != ABSENT:
            if mem.free_entropy > max(NR["free_entropy"], R["free_entropy"] if R else -math.inf):
                label, meta = "eR", R is not None
                state = {"q": mem.q, "q_star": 0.0, "free_entropy": mem.free_entropy, "entropy": mem.entropy,
                         "energy": mem.energy, "replicon": mem.replicon, "x": nan, "converged": mem.converged}
                m = mem.m
                message = "memorisation of one example (misaligned teacher, q* = 0; doc Sec. 6)"
            if not mem.converged:
                problems.append(f"memorisation: {mem.message}")

    ent, rep = state["entropy"], state["replicon"]
    trusted = bool(ent >= -1e-10 and not (np.isfinite(rep) and rep > 1.0))
    if not message:
        message = {"gR": "retrieval global", "lR": "retrieval metastable (competitor P)"
                   if NR["label"] == "P" else "retrieval locally stable, not global",
                   "P": "paramagnet",
                   "SG": ("RS spin glass exists (sg='rs-existence')" if sg == "rs-existence" else "1RSB spin glass")
                   + (" (metastable R exists)" if meta else "")}[label]
    if problems:
        message += "; unconverged: " + "; ".join(problems)
    return TSResult(**base, label=label, q=float(state["q"]), q_star=float(state["q_star"]), m=m,
                    free_entropy=float(state["free_entropy"]), entropy=float(ent), energy=float(state["energy"]),
                    replicon=float(rep), rs_trusted=trusted,
                    metastable_retrieval=bool(meta), competitor=NR["label"] if NR["label"] != "gR" else "low branch",
                    phi_nonretrieval=float(NR["free_entropy"]), x_1rsb=float(NR.get("x", nan)), retrieval=R,
                    status=UNCONVERGED if problems else OK, message=message,
                    iterations=int(R["iterations"]) if R else 0, residual=float(R["residual"]) if R else 0.0)


def phase(p, alpha, T, T_teacher=None, interaction="distinct", eR_definition="teacher", *,
          competitor="1rsb", sg="1rsb-static", p_teacher=None, regime=None, eta=None) -> str:
    """Phase label of a point, one of ``"P", "lR", "gR", "eR", "SG"`` (doc Sec. 7); options as
    :func:`solve`.  The label never hides a failed solve: when it rests on an unconverged saddle
    point, :class:`~hopfield_phases.theory.solvers.ConvergenceError` is raised with the full
    :class:`TSResult` (label and status) as ``.result``; use :func:`solve` to get the result
    without raising."""
    r = solve(p, alpha, T, T_teacher, interaction, eR_definition, competitor=competitor, sg=sg,
              p_teacher=p_teacher, regime=regime, eta=eta)
    if r.status == UNCONVERGED:
        raise ConvergenceError(f"phase at (p={r.p}, alpha={r.alpha}, T={r.T}, T*={r.T_teacher}) "
                               f"is {r.label!r} but rests on an unconverged solve: {r.message}", r)
    return r.label

# ---------------------------------------------------------------------------------------------
# Boundaries (doc Sec. 7)
# ---------------------------------------------------------------------------------------------


def _spectral_gap(lam, mu, cov, sol):
    """``1 - rho`` with rho the spectral radius of the RS map's Jacobian at a retrieval solution."""
    J = _map_jacobian(lam, mu, (sol.x[0], sol.x[1]), cov)
    return 1.0 - float(np.max(np.abs(np.linalg.eigvals(J))))


def _retrieval_or_raise(lam, mu, cov, guess=(1.0, 1.0), where=""):
    """:func:`retrieval_state` for the boundary searches: None where R is absent (collapse to
    q* = 0, or q* <= 1e-3), the solution where it converged.  A solve still crawling after 2000
    iterations (next to the fold) is decided by Newton from the last iterate: a root proves
    existence; a residual that stays far above the tolerance (> 1e-9; e.g. 5e-9 at 3e-8 relative
    below the p = 3 fold) proves absence; in between the iteration is followed up to 5e5 steps, and
    if that does not decide, ConvergenceError is raised (an unconverged solve is never taken for
    absence)."""
    sol = retrieval_state(lam, mu, cov, guess=guess, max_iter=2000)
    if sol is not None and not sol.converged:
        # within ~1e-8 of the fold the map's spectral radius is 1 to finite-difference accuracy
        # and the iteration crawls: a Newton root with q* > 0 next to the iterate proves existence
        def resid(y):
            t, t2 = _rs_saddle(lam, mu, min(max(y[0], 0.0), 1.0), min(max(y[1], 0.0), 1.0), cov)
            return np.array([t2 - y[0], t - y[1]])

        pol = polish_root(resid, sol.x, tol=1e-13, raise_on_failure=False)
        y = pol.x
        if pol.converged and 0.0 <= y[0] <= 1.0 and 1e-3 < y[1] <= 1.0 and np.all(np.abs(y - sol.x) < 1e-3):
            return SolverResult(np.array(y), True, sol.iterations + pol.iterations, pol.residual,
                                "converged (Newton at the fold)")
        # no root next to the iterate: just below the fold the iterate crawls through the "ghost"
        # of the branch, where |G(y) - y| has a positive minimum.  Newton (hybr) ending with a
        # residual far above its tolerance (> 1e-9) shows that minimum: no root, R is absent.
        if np.isfinite(pol.residual) and pol.residual > 1e-9:
            return None
        # otherwise follow the iteration to its end (~pi/sqrt(distance) steps, then collapse)
        sol = retrieval_state(lam, mu, cov, guess=(min(max(sol.x[0], 0.0), 1.0), min(max(sol.x[1], 0.0), 1.0)),
                              max_iter=500000)
        if sol is not None and not sol.converged:
            raise ConvergenceError(f"retrieval state {where} undecided: {sol.message}", sol)
    if sol is None or sol.x[1] <= 1e-3:
        return None
    return sol


def _spinodal_alpha(p, T, T_teacher, cov, rtol=1e-9, return_existing=False, max_secant=60):
    """lR spinodal off the NL: the smallest alpha at which the retrieval state exists.

    1. Bracket the existence switch: :func:`~hopfield_phases.theory.solvers.find_boundary` on
       ``+1 / -1`` (R exists / not), geometric bracket expansion from [1, 2] upwards (to 1e6) or
       from [0.5, 1] downwards (to 1e-8), Brent/bisection to 1e-2 relative (1e-3 with
       ``return_existing``, which returns a load where R exists).  An unconverged solve raises
       ConvergenceError; it is never taken for absence.
    2. Refine by the secant method on ``g(alpha) = gap |gap|``, ``gap = 1 - rho(J)``, the spectral
       gap of the RS map at the retrieval solution: at a saddle-node fold ``gap ~ sqrt(alpha -
       alpha_sp)``, so g is smooth and linear through the fold.  Steps that leave the branch are
       replaced by bisection.  Converged when a step is below ``rtol`` relative; after
       ``max_secant`` steps without that, ConvergenceError.  Tested against the NL value ``lambda_sp T^2``.
    Raises NoSolution when no retrieval state exists below alpha = 1e6; returns 0.0 when it exists
    down to alpha = 1e-8.
    """
    beta, beta_t = 1.0 / T, 1.0 / T_teacher

    def state(alpha, guess=(1.0, 1.0)):
        lam, mu = alpha * beta**2, alpha * beta * beta_t
        sol = _retrieval_or_raise(lam, mu, cov, guess=guess, where=f"at alpha={alpha:.10g}, T={T}, T*={T_teacher}")
        if sol is None:
            return None, None
        return sol, _spectral_gap(lam, mu, cov, sol)

    seen = {}

    def cond(alpha):
        e = state(alpha)[0] is not None
        seen[alpha] = e
        return 1.0 if e else -1.0

    coarse = 1e-3 if return_existing else 1e-2
    if cond(1.0) > 0:
        try:
            find_boundary(cond, 0.5, 1.0, expand=0.5, limit=1e-8, xtol=1e-300, rtol=0.25 * coarse)
        except NoSolution:
            return 0.0
    else:
        find_boundary(cond, 1.0, 2.0, expand=2.0, limit=1e6, xtol=1e-300, rtol=0.25 * coarse)
    hi = min(a for a, e in seen.items() if e)
    lo = max(a for a, e in seen.items() if not e and a < hi)
    if return_existing:
        return hi
    a1 = hi
    s1, g1 = state(a1)
    a0 = hi * (1.0 + 1e-2)
    s0, g0 = state(a0, guess=s1.x)
    if s0 is None:
        raise ConvergenceError(f"lR spinodal: retrieval lost at alpha={a0:.10g} above the bracket", None)
    g1, g0 = g1 * abs(g1), g0 * abs(g0)
    for _ in range(max_secant):
        if g1 == g0:
            if abs(a1 - a0) <= 10 * rtol * a1:
                return a1
            break
        a_new = a1 - g1 * (a1 - a0) / (g1 - g0)
        if not (lo < a_new < max(a1, a0)):
            a_new = 0.5 * (lo + a1)
        s_new, g_new = state(a_new, guess=s1.x)
        if s_new is None:
            lo = a_new
            continue
        a0, g0 = a1, g1
        a1, s1, g1 = a_new, s_new, g_new * abs(g_new)
        if abs(a1 - a0) <= rtol * a1 or a1 - lo <= rtol * a1:
            return a1
    raise ConvergenceError(f"lR spinodal (p={p}, T={T}, T*={T_teacher}): secant not converged after "
                           f"{max_secant} steps (last alpha={a1:.12g}, step {abs(a1 - a0):.3g}, "
                           f"bracket [{lo:.12g}, {a1:.12g}])", None)


def _nonretrieval_phi(p, lam, cov, competitor="1rsb"):
    """Free entropy of the competitor (module docstring): RS paramagnet, or the 1RSB spin glass above
    lambda_c with ``competitor="1rsb"``.  Raises ConvergenceError if the 1RSB search failed."""
    lam_c = nishimori_thresholds(p)[1]
    if competitor == "rs-paramagnet" or lam <= lam_c:
        return LN2 + 0.5 * lam * cov.value(1.0)
    sgr = one_step_rsb(p, lam, cov)
    if not sgr.converged:
        raise ConvergenceError(f"1RSB spin glass at lambda={lam:.10g}: {sgr.message}", None)
    return sgr.phi


def _gR_alpha(p, T, T_teacher, cov, competitor="1rsb"):
    """gR line off the NL: Brent on ``D(alpha) = Phi_R - Phi_NR`` (doc Sec. 7), with ``D = -1``
    where no retrieval state exists.  D is negative below the spinodal and (for p >= 3) still
    negative just above it, so the only sign change is the gR line; if retrieval is already global
    where it appears (deep in the SG region at low T), Brent converges to the spinodal itself,
    which is then the gR line.  The bracket is found by find_boundary's geometric expansion
    (factor 1.5) from ``lambda_c min(T, T*)^2``, downwards to 1e-8 (returns 0.0 below) or upwards to
    1e7 (NoSolution)."""
    beta, beta_t = 1.0 / T, 1.0 / T_teacher

    def D(alpha):
        lam, mu = alpha * beta**2, alpha * beta * beta_t
        sol = _retrieval_or_raise(lam, mu, cov, where=f"at alpha={alpha:.10g}, T={T}, T*={T_teacher}")
        if sol is None:
            return -1.0
        q, qs = sol.x
        return _rs_free_entropy(lam, mu, q, qs, cov) - _nonretrieval_phi(p, lam, cov, competitor)

    a0 = nishimori_thresholds(p)[1] * min(T, T_teacher) ** 2
    if D(a0) > 0:
        try:
            return find_boundary(D, a0 / 1.5, a0, expand=1.0 / 1.5, limit=1e-8)
        except NoSolution:
            return 0.0
    return find_boundary(D, a0, 1.5 * a0, expand=1.5, limit=1e7)


def _memorization_alpha(p, T, competitor="1rsb"):
    """eR (memorisation definition, doc Sec. 6): alpha below which the single-example memorisation
    state is global on the NL-independent competitor set {P/SG, memorisation}; 0 if never, inf if
    beyond alpha = 1e4 (bracket by find_boundary's geometric expansion from [1e-9, 0.5])."""
    cov = for_interaction(p, "distinct")

    def D(alpha):
        lam = alpha / (T * T)
        mem = _memorization(p, alpha, T, lam)
        if mem.status == ABSENT:
            return -1.0
        if not mem.converged:
            raise ConvergenceError(f"memorisation state at alpha={alpha:.10g}, T={T}: {mem.message}", None)
        return mem.free_entropy - _nonretrieval_phi(p, lam, cov, competitor)

    if D(1e-9) <= 0:
        return 0.0
    try:
        return find_boundary(D, 1e-9, 0.5, expand=2.0, limit=1e4)
    except NoSolution:
        return math.inf


def boundary(p, kind, T_teacher=None, temperatures=(1.5, 2.0, 3.0), eR_definition="teacher",
             assume_misaligned=False, *, competitor="1rsb", sg="1rsb-static", p_teacher=None,
             regime=None, eta=None):
    """Load alpha on a phase boundary, for each student temperature in ``temperatures`` (doc Sec. 7).

    ``kind``:
    * ``"lR"``: the retrieval spinodal (R appears; P <-> lR).  NL: ``lambda_sp T^2``; off the NL:
      the smallest alpha where R exists (:func:`_spinodal_alpha`).
    * ``"gR"``: ``Phi_R = Phi_NR``, the competitor as chosen by ``competitor`` ("1rsb": P for
      lambda <= lambda_c, else 1RSB SG; "rs-paramagnet": P).  NL: ``lambda_c T^2``; off the NL:
      Brent on alpha.
    * ``"SG"``: the line where SG appears, independent of T*, returned only where it is a phase
      boundary (``T < T*``), else NaN: ``sg="1rsb-static"``: ``alpha = lambda_c T^2`` (static 1RSB
      transition); ``sg="rs-existence"``: ``alpha = lambda_RS T^2`` (an RS spin glass appears).
    * ``"eR"``: eR occupies ``alpha < alpha_eR(T)``.  With ``eR_definition="teacher"`` this is +inf
      where the teacher is aligned (T* < T*_c) and 0 elsewhere; with ``"memorization"`` the
      alpha at which the memorisation state stops being global (misaligned teacher, distinct).

    Contract for a number: NaN where the boundary does not exist (e.g. lR/gR inside the eR region
    of an aligned teacher, or no retrieval below alpha = 1e6); ConvergenceError where a solve
    did not converge.  ``T_teacher=None`` is the Nishimori line (T* = T at every temperature).
    ``assume_misaligned=True`` evaluates the misaligned-teacher theory even where the teacher is
    aligned (the theory depends on (lambda, mu) only, so ``alpha_gR(T, T*) = T*^2 f(T/T*)``; this is
    how the p = 10 vs p -> infinity comparison of doc Sec. 8 at T* = 1 is meant).
    """
    if _wants_mismatched(p, p_teacher, T_teacher, "distinct", regime, eta):
        from .mismatched_teacher import mismatched_boundary

        return mismatched_boundary(p, kind, temperatures,
                                   **_mismatched_kwargs(p_teacher, regime, eta, competitor))
    p = _check_p(p)
    v.choice("kind", kind, KINDS)
    _check_options(competitor, sg, eR_definition, p, p_teacher)
    try:
        temps = np.atleast_1d(np.asarray(temperatures, dtype=float)) \
            if not isinstance(temperatures, (str, bytes)) else None
    except (TypeError, ValueError, OverflowError):
        temps = None
    if temps is None or temps.ndim != 1 or temps.size == 0:
        raise ValueError(f"temperatures must be a non-empty sequence of numbers > 0, got {temperatures!r}")
    for t in temps:
        v.positive("temperatures", t)
    if T_teacher is not None:
        T_teacher = v.positive("T_teacher", T_teacher)
    lam_sp, lam_c = nishimori_thresholds(p)
    cov = for_interaction(p, "distinct")
    out = np.full(temps.shape, np.nan)
    for i, T in enumerate(temps):
        Ts = T if T_teacher is None else T_teacher
        aligned = _teacher.is_aligned(p, Ts) and not assume_misaligned
        if kind == "eR":
            if eR_definition == "teacher":
                out[i] = math.inf if aligned else 0.0
            else:
                out[i] = math.inf if aligned else _memorization_alpha(p, T, competitor)
            continue
        if aligned:
            continue
        if kind == "SG":
            lam_sg = lam_c if sg == "1rsb-static" else rs_spin_glass_threshold(p)
            out[i] = lam_sg * T * T if T < Ts else np.nan
        elif T_teacher is None or abs(Ts - T) <= 1e-14 * T:
            out[i] = (lam_sp if kind == "lR" else lam_c) * T * T
        else:
            try:
                if kind == "lR":
                    out[i] = _spinodal_alpha(p, T, Ts, cov)
                else:
                    out[i] = _gR_alpha(p, T, Ts, cov, competitor)
            except NoSolution:
                out[i] = np.nan
    return out


def alpha_gR_infinite_p(T, T_teacher):
    """p -> infinity global-retrieval boundary (doc Sec. 8):

    ``alpha_gR = 2 ln 2 T^2 T*/(2T - T*)`` for ``T >= T*`` (competitor P) and ``2 ln 2 T*^2`` for
    ``T < T*`` (competitor the frozen REM spin glass).  Vectorised."""
    T = np.asarray(T, dtype=float)
    T_teacher = np.asarray(T_teacher, dtype=float)
    if np.any(~np.isfinite(T)) or np.any(T <= 0):
        raise ValueError("T must be > 0")
    if np.any(~np.isfinite(T_teacher)) or np.any(T_teacher <= 0):
        raise ValueError("T_teacher must be > 0")
    scalar = T.ndim == 0 and T_teacher.ndim == 0
    T, T_teacher = (np.array(a, dtype=float) for a in np.broadcast_arrays(np.atleast_1d(T), np.atleast_1d(T_teacher)))
    hot = T >= T_teacher
    out = np.full(T.shape, 2 * LN2) * T_teacher**2
    out[hot] = 2 * LN2 * T[hot] ** 2 * T_teacher[hot] / (2 * T[hot] - T_teacher[hot])
    return float(out[0]) if scalar else out


# ---------------------------------------------------------------------------------------------
# Landscape (doc Sec. 3.6)
# ---------------------------------------------------------------------------------------------


def landscape(p, alpha, T, T_teacher=None, q_star=0.5, interaction="distinct"):
    """Constrained free entropy ``V(q*)`` (doc Sec. 3.6), vectorised over ``q_star`` in [0, 1):

    ``V = (lambda/2)[xi(1) - xi(q) - (1-q) xi'(q)] + mu xi_c(q*) - qhat* q* + E ln 2cosh(qhat* + sqrt(lambda xi'(q)) z)``

    with ``qhat*`` and q fixed jointly by ``q* = E tanh(.)``, ``q = E tanh^2(.)`` (q iterated from
    ``q*^2``, qhat* by Brent).  ``P_N(q*) ≍ exp(N V(q*))``; its stationary points are the RS saddles.
    """
    p, alpha, T, T_teacher, interaction = _check_point(p, alpha, T, T_teacher, interaction)
    cov = for_interaction(p, interaction)
    lam, mu = _couplings(alpha, T, T_teacher)
    qs_arr = np.atleast_1d(np.asarray(q_star, dtype=float))
    if np.any(qs_arr < 0) or np.any(qs_arr >= 1):
        raise ValueError("q_star must be in [0, 1)")
    out = np.empty(qs_arr.shape)
    for i, qs in enumerate(qs_arr):
        q = qs * qs
        qhat = 0.0
        for _ in range(5000):
            b = math.sqrt(lam * cov.d1(q)) if q > 0 or cov.has_linear_term else 0.0
            if qs == 0.0:
                qhat = 0.0
            else:
                # E tanh(qhat + b z) increases from 0 to 1: geometric bracket expansion from [0, 1]
                qhat = find_boundary(lambda x: G.expect_tanh(x, b) - qs, 0.0, 1.0, expand=2.0, limit=1e12,
                                     xtol=1e-14, rtol=1e-14)
            q_new = G.expect_tanh2(qhat, b)
            if abs(q_new - q) < 1e-13:
                q = q_new
                break
            q = q_new
        else:
            raise ConvergenceError(f"landscape: q iteration did not converge at q*={qs}", None)
        b = math.sqrt(lam * cov.d1(q)) if q > 0 or cov.has_linear_term else 0.0
        out[i] = (0.5 * lam * (cov.value(1.0) - cov.value(q) - (1.0 - q) * cov.d1(q)) + mu * cov.value(qs)
                  - qhat * qs + G.expect_log2cosh(qhat, b))
    return float(out[0]) if np.ndim(q_star) == 0 else out


# ---------------------------------------------------------------------------------------------
# Phase diagram
# ---------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class PhaseDiagram(ResultContract):
    """Grid of labels and order parameters; arrays have shape ``(len(temperatures), len(alphas))``.

    Contract: ``statuses`` holds each point's status; ``status`` is "unconverged" if any point is
    (``message`` counts them), else "ok".  ``converged`` (read-only) is the boolean array
    ``statuses != "unconverged"``.  The options used are recorded in ``competitor_definition``,
    ``sg_definition`` and ``eR_definition``."""

    p: int
    alphas: np.ndarray
    temperatures: np.ndarray
    T_teacher: float | None
    labels: np.ndarray
    q: np.ndarray
    q_star: np.ndarray
    m: np.ndarray
    free_entropy: np.ndarray
    entropy: np.ndarray
    energy: np.ndarray
    replicon: np.ndarray
    rs_trusted: np.ndarray
    metastable_retrieval: np.ndarray
    statuses: np.ndarray
    results: list = field(default_factory=list, repr=False)
    eR_definition: str = "teacher"
    competitor_definition: str = "1rsb"
    sg_definition: str = "1rsb-static"

    @property
    def converged(self) -> np.ndarray:
        return self.statuses != UNCONVERGED

    def rows(self):
        """Tidy rows (one per grid point) for CSV output."""
        out = []
        for i, T in enumerate(self.temperatures):
            for j, a in enumerate(self.alphas):
                out.append({"p": self.p, "alpha": float(a), "T": float(T),
                            "T_teacher": float(T if self.T_teacher is None else self.T_teacher),
                            "label": str(self.labels[i, j]), "q": self.q[i, j], "q_star": self.q_star[i, j],
                            "m": self.m[i, j], "free_entropy": self.free_entropy[i, j],
                            "entropy": self.entropy[i, j], "energy": self.energy[i, j],
                            "replicon": self.replicon[i, j], "rs_trusted": bool(self.rs_trusted[i, j]),
                            "metastable_retrieval": bool(self.metastable_retrieval[i, j]),
                            "converged": bool(self.converged[i, j]), "status": str(self.statuses[i, j])})
        return out


def _check_grid(name, values):
    if isinstance(values, (str, bytes)):
        raise ValueError(f"{name} must be numbers, got {values!r}")
    try:
        arr = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers, got {values!r}") from None
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be a non-empty 1-d sequence of finite numbers")
    return arr


def phase_diagram(p, alphas, temperatures, T_teacher=None, interaction="distinct", eR_definition="teacher", *,
                  competitor="1rsb", sg="1rsb-static", p_teacher=None, regime=None, eta=None):
    """:func:`solve` on the grid ``temperatures x alphas`` (doc Sec. 7), options as :func:`solve`.
    ``T_teacher=None``: the NL.  Every grid point is validated before any solve."""
    if _wants_mismatched(p, p_teacher, T_teacher, interaction, regime, eta):
        from .mismatched_teacher import mismatched_phase_diagram

        return mismatched_phase_diagram(p, alphas, temperatures,
                                        **_mismatched_kwargs(p_teacher, regime, eta, competitor))
    p = _check_p(p)
    alphas = _check_grid("alphas", alphas)
    temps = _check_grid("temperatures", temperatures)
    for a in alphas:
        v.nonnegative("alphas", a)
    for t in temps:
        v.positive("temperatures", t)
    if T_teacher is not None:
        T_teacher = v.positive("T_teacher", T_teacher)
    v.choice("interaction", interaction, INTERACTIONS)
    _check_options(competitor, sg, eR_definition, p, p_teacher)
    for t in temps:
        _check_couplings(float(alphas.max()), float(t), float(t if T_teacher is None else T_teacher))
    shape = (temps.size, alphas.size)
    arrays = {k: np.full(shape, np.nan) for k in ("q", "q_star", "m", "free_entropy", "entropy", "energy", "replicon")}
    labels = np.empty(shape, dtype=object)
    flags = {k: np.zeros(shape, dtype=bool) for k in ("rs_trusted", "metastable_retrieval")}
    statuses = np.empty(shape, dtype=object)
    results = []
    for i, T in enumerate(temps):
        for j, a in enumerate(alphas):
            r = solve(p, a, T, T_teacher, interaction, eR_definition, competitor=competitor, sg=sg,
                      p_teacher=p_teacher)
            results.append(r)
            labels[i, j] = r.label
            statuses[i, j] = r.status
            for k in arrays:
                arrays[k][i, j] = getattr(r, k)
            for k in flags:
                flags[k][i, j] = getattr(r, k)
    n_bad = int(np.sum(statuses == UNCONVERGED))
    return PhaseDiagram(p=p, alphas=alphas, temperatures=temps, T_teacher=T_teacher, labels=labels, **arrays,
                        **flags, statuses=statuses, results=results, eR_definition=eR_definition,
                        competitor_definition=competitor, sg_definition=sg,
                        status=UNCONVERGED if n_bad else OK,
                        message=f"{n_bad} of {statuses.size} points unconverged" if n_bad
                        else f"all {statuses.size} points converged",
                        iterations=int(sum(r.iterations for r in results)),
                        residual=float(max((r.residual for r in results if np.isfinite(r.residual)), default=0.0)))


# ---------------------------------------------------------------------------------------------
# Zero temperature (doc Sec. 9)
# ---------------------------------------------------------------------------------------------


def kappa_c(p):
    """``kappa_c(p) = min_{0<q<1} erfinv(q)/q^{p-1}`` and the minimising q (doc Sec. 9): at T = 0 a
    retrieval solution exists iff ``kappa = beta* sqrt(alpha p/2) >= kappa_c``.  Returns ``(kappa_c, q)``.
    ``p`` here is the exponent-plus-one of the map ``q -> erf(kappa q^{p-1})`` (any integer >= 3)."""
    p = _check_p(p)
    # stationarity: d/dq [ln erfinv(q) - (p-1) ln q] = 0, with d erfinv/dq = sqrt(pi)/2 exp(erfinv^2)
    def cond(q):
        y = special.erfinv(q)
        return q * 0.5 * math.sqrt(math.pi) * math.exp(y * y) - (p - 1) * y

    q = optimize.brentq(cond, 1e-6, 1.0 - 1e-15, xtol=1e-15, rtol=1e-15)
    return float(special.erfinv(q) / q ** (p - 1)), float(q)


@dataclass(kw_only=True)
class ZeroTemperatureResult(MappingAccess, ResultContract):
    """T -> 0 retrieval solution (doc Sec. 9).  ``status`` "ok", or "absent" when
    ``kappa < kappa_c`` (numbers NaN, ``exists`` False).  Dict-style access (``z["q_star"]``) is kept
    for old callers."""

    p: int
    alpha: float
    T_teacher: float
    kappa: float
    kappa_c: float
    exists: bool
    q_star: float
    C: float
    e0: float
    s0: float


def zero_temperature(p, alpha, T_teacher) -> ZeroTemperatureResult:
    """T -> 0 retrieval solution at fixed T* and alpha, misaligned teacher (doc Sec. 9):

    ``q* = erf(kappa q*^{p-1})``, ``kappa = beta* sqrt(alpha p/2)``;
    ``C = beta(1-q) = sqrt(2/(pi alpha p)) exp(-kappa^2 q*^{2p-2})``;
    ``e0 = -alpha beta* q*^p - alpha p C``;  ``s(T->0) = -alpha p (p-1) C^2/4``.

    Returns a :class:`ZeroTemperatureResult` with q_star, C, e0, s0, kappa, kappa_c, exists
    (status "absent", False and NaNs when ``kappa < kappa_c``)."""
    p = _check_p(p)
    alpha = v.positive("alpha", alpha)
    T_teacher = v.positive("T_teacher", T_teacher)
    kap = math.sqrt(alpha * p / 2.0) / T_teacher
    if not math.isfinite(kap) or kap > COUPLING_MAX:
        raise ValueError(f"T_teacher must keep kappa = sqrt(alpha p/2)/T* <= {COUPLING_MAX:g}, got T*={T_teacher!r}")
    kc, q_m = kappa_c(p)
    nan = float("nan")
    base = dict(p=p, alpha=alpha, T_teacher=T_teacher, kappa=kap, kappa_c=kc)
    if kap < kc:
        return ZeroTemperatureResult(**base, exists=False, q_star=nan, C=nan, e0=nan, s0=nan, status=ABSENT,
                                     residual=nan, message=f"no T = 0 retrieval: kappa < kappa_c = {kc:.6g}")
    # the retrieval root is the largest root; at the minimiser q_m of erfinv(q)/q^{p-1},
    # erf(kappa q_m^{p-1}) >= q_m iff kappa >= kappa_c, and erf(kappa) < 1: bracket [q_m, 1]
    qs, r = optimize.brentq(lambda y: special.erf(kap * y ** (p - 1)) - y, q_m, 1.0, xtol=1e-16, rtol=1e-15,
                            full_output=True, disp=False)
    qs = float(qs)
    C = math.sqrt(2.0 / (math.pi * alpha * p)) * math.exp(-(kap**2) * qs ** (2 * p - 2))
    return ZeroTemperatureResult(**base, exists=True, q_star=qs, C=C, e0=-alpha / T_teacher * qs**p - alpha * p * C,
                                 s0=-alpha * p * (p - 1) * C**2 / 4.0, status=OK if r.converged else UNCONVERGED,
                                 iterations=int(r.iterations),
                                 residual=float(abs(special.erf(kap * qs ** (p - 1)) - qs)),
                                 message="T = 0 retrieval" if r.converged else f"Brent: {r.flag}")
