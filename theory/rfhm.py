"""Replica-symmetric saddle point of the Random-Features Hopfield Model (RFHM).

Specification: ``docs/theory/rfhm_theory.md`` (cited below as "doc"), Secs. 1, 2 and 5.
Model: N neurons ``s_i = +-1``, D = alpha_D N random +-1 features (columns of F), P = alpha N
examples ``xi^mu = sign(F c^mu)`` with dense coefficients (Gaussian or +-1: same RS theory,
doc Sec. 2.1), Hebb couplings ``J_ij = N^-1 sum_mu xi^mu_i xi^mu_j`` with ``J_ii = 0``.
``alpha_T = alpha / alpha_D`` is the number of examples per feature.  Temperature ``T = 1/beta``.

Condensed states (doc Sec. 2.1, 2.6, 2.7):

* ``state="feature"``: retrieval of one feature (n = 1), overlap ``m = f_1 . s / N``;
* ``state="mixture"``: symmetric mixture of n (odd) features, overlap m with each;
* ``state="example"``: retrieval of a stored (train) example ``xi^1``; besides
  ``m = xi^1 . s / N`` it carries the latent overlap ``t = lambda^1 . s / N`` (doc Sec. 2.6).

Two independent switches reproduce the authors' published numbers (doc Secs. 2.3, 2.6):

* ``variant="sq"`` (default, derived) or ``"lin"`` (the T = 0 feature solver of [code-PRL],
  which produced the published [PRL] learning line): the power s of ``Delta1`` in the
  denominator of ``dpdh = kappa1^2 (kappa*^2 + kappa1^2 P_d) / Delta1^s`` (s = 2 or 1).
* ``storage="with_t"`` (default, derived, supported by simulations) or ``"no_t"`` (the T = 0
  example solver of [code-PRL], which produced the published [PRL] storage line; t = 0).

Methods
-------
* T = 0, feature / mixture: the exact one-equation reduction of doc Sec. 2.4 in the
  signal-to-noise variable ``y = mhat0 / sqrt(alpha qhat0)``.  Existence iff
  ``max_y R(y) >= 1`` on the physical branch; spinodals are roots (Brent) of
  ``max_y R - 1``; the retrieval solution is the largest root of ``R(y) = 1``.
  The full T = 0 equations of doc Sec. 2.3 are also solved by damped iteration
  (``method="iteration"``) and agree to 1e-8 (doc Sec. 5 item 4).
* T > 0, feature / mixture: damped fixed-point iteration of the finite-temperature equations
  of doc Sec. 2.2.  Gaussian averages ``E_z tanh(a + b z)`` use :mod:`theory.gaussian`, which
  at ``b > 1`` (the low-T regime where doc Sec. 2.2 warns that Gauss-Hermite quadrature fails)
  switches to the split/asymptotic method -- the documented exception to the project's
  Gauss-Hermite default.
* T = 0, stored example: the two-unknown formulation ``(u, w) = (m/s, tau/s)``,
  ``s = sqrt(alpha qhat0)``, of doc Sec. 2.8, v-averages by Gauss-Legendre on [0, 9]; the
  storage line by continuation in ln(alpha) with step halving (doc Sec. 2.8,
  ``theory.solvers.continue_branch``).
* alpha -> infinity: the AGS T = 0 equation at load alpha_D, ``y sqrt(alpha_D) = m(y) - y g(y)``
  (doc Sec. 2.5), whose existence limit is the Hopfield capacity ``alpha_n^c`` (doc Sec. 3.2).

Results and errors (the package's result contract, ``theory.solvers``)
---------------------------------------------------------------------
:func:`solve` and :func:`dense_test_state` return an :class:`RFHMSolution` whose ``status`` is
``"ok"``, ``"absent"`` (the RS state does not exist at these parameters: ``max_y R < 1``, the
iteration reached a non-retrieval fixed point, no stored-example solution) or
``"unconverged"`` (the iteration or root polish did not converge; the numbers are the last
iterate); they never raise for these.  ``exists`` (``status == "ok"``) and ``converged``
(``status != "unconverged"``) remain as read-only properties.  The line functions return a
number: ``nan`` where the line does not exist (documented on each), and they raise
:class:`~theory.solvers.ConvergenceError` when a root finder does not converge (never an
exception from scipy).  Bad input raises ``ValueError`` naming the parameter, before any work.
Every bracket expansion goes through :func:`theory.solvers.expand_bracket`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np
from scipy import optimize, special

from . import gaussian
from .mixtures import g_of_y, gaussian_pdf, m_of_y, zeta_law
from .solvers import (ConvergenceError, bracketed_root, continue_branch, expand_bracket,
                      fixed_point, polish_root, real_array)
from hopfield_phases._core.results import ABSENT, OK, UNCONVERGED, ResultContract
from hopfield_phases._core.validation import choice, integer, nonnegative, odd_integer, positive

__all__ = [
    "KAPPA1_SQ",
    "KAPPA_STAR_SQ",
    "HOPFIELD_CAPACITY",
    "RFHMSolution",
    "solve",
    "reduced_R",
    "max_R",
    "learning_transition",
    "mixture_spinodal",
    "mixture_transition",
    "storage_transition",
    "alpha_inf_capacity",
    "dense_test_state",
    "VARIANTS",
    "STORAGES",
    "STATES",
]

#: Gaussian-equivalence constants for sigma = sign (doc Sec. 1.2).
KAPPA1_SQ = 2.0 / math.pi
KAPPA_STAR_SQ = 1.0 - 2.0 / math.pi
KAPPA1 = math.sqrt(KAPPA1_SQ)
#: AGS T = 0 capacity of the single-pattern retrieval state (doc Sec. 3.2, [AGS87]).
HOPFIELD_CAPACITY = 0.137906

VARIANTS = ("sq", "lin")
STORAGES = ("with_t", "no_t")
STATES = ("feature", "mixture", "example")

_K1 = KAPPA1_SQ
_KS = KAPPA_STAR_SQ

# y grid for maximising R(y) (doc Sec. 2.8: "0.05 to 12, a few hundred points"); a log grid
# reaching lower y is used because for large n the maximiser moves to y ~ n^-1/2.
_Y_GRID = np.geomspace(1e-3, 14.0, 400)


def _power(variant: str) -> int:
    return 2 if variant == "sq" else 1


# --------------------------------------------------------------------------------------------
# Result object
# --------------------------------------------------------------------------------------------


@dataclass
class RFHMSolution(ResultContract):
    """RS saddle point of the RFHM (doc Sec. 2).

    Zero-temperature variables carry the names of doc Sec. 2.3: ``dq = delta q``
    (``q = 1 - dq/beta``), ``dp = delta p`` (``P_d - P = dp/beta``), ``qhat0 = qhat/(alpha
    beta^2)``, ``mhat0 = mhat/beta``, ``dph = (phat_d - phat)/(alpha_T beta)``, ``dpdh``
    (doc Sec. 2.3), ``P_d``, ``y = mhat0/sqrt(alpha qhat0)`` and the auxiliaries ``E``,
    ``Delta1``.  At T > 0 the raw order parameters ``q, P, qhat, phat, phat_d, mhat`` are
    filled as well, and the zero-temperature names hold their rescaled values at that beta
    (e.g. ``dq = beta (1 - q)``), which converge to the T = 0 ones as beta -> infinity.
    For a stored example, ``t`` is the latent overlap and ``tau = alpha_T dph t`` (Sec. 2.6).

    ``free_energy`` is the RS free energy per spin ``f = -G/beta`` (doc Sec. 2.1) at T > 0;
    it is ``nan`` at T = 0, where the toolkit does not implement the ground-state energy.

    ``status`` (result contract, module docstring): ``"ok"``; ``"absent"`` when the requested
    RS state does not exist at these parameters (order parameters ``nan``, or, for the
    iteration methods, those of the non-retrieval fixed point reached); ``"unconverged"`` when
    the numerical solve did not converge (the last iterate).  Read-only properties kept for
    old callers: ``exists`` is ``status == "ok"``, ``converged`` is ``status != "unconverged"``.
    """

    state: str
    alpha: float
    alpha_D: float
    T: float
    n: int
    variant: str
    storage: str | None
    method: str
    m: float = math.nan
    dq: float = math.nan
    dp: float = math.nan
    qhat0: float = math.nan
    mhat0: float = math.nan
    dph: float = math.nan
    dpdh: float = math.nan
    P_d: float = math.nan
    y: float = math.nan
    E: float = math.nan
    Delta1: float = math.nan
    t: float = math.nan
    tau: float = math.nan
    q: float = math.nan
    P: float = math.nan
    qhat: float = math.nan
    phat: float = math.nan
    phat_d: float = math.nan
    mhat: float = math.nan
    free_energy: float = math.nan

    @property
    def exists(self) -> bool:
        return self.status == OK

    @property
    def converged(self) -> bool:
        return self.status != UNCONVERGED

    def as_dict(self) -> dict:
        """Every field (order parameters first, then the contract fields), ``exists`` and
        ``converged``."""
        d = asdict(self)
        contract = ("status", "message", "iterations", "residual")
        out = {k: v for k, v in d.items() if k not in contract}
        out.update({k: d[k] for k in contract})
        out["exists"], out["converged"] = self.exists, self.converged
        return out


def _check_common(alpha, alpha_D, variant):
    alpha = positive("alpha", alpha)
    alpha_D = positive("alpha_D", alpha_D)
    variant = choice("variant", variant, VARIANTS)
    return alpha, alpha_D, variant


# --------------------------------------------------------------------------------------------
# T = 0: one-equation reduction (doc Sec. 2.4)
# --------------------------------------------------------------------------------------------


def _reduction(y, alpha, alpha_D, n, variant):
    """All T = 0 order parameters as functions of ``y`` (doc Sec. 2.4), vectorised over y.

    Returns a dict of arrays; ``R`` is ``-inf`` where the point is off the physical branch
    (``m > 0, E > 0, Delta1 > 0, 1 - B kappa1^2 > 0``).
    """
    y = np.asarray(y, dtype=float)
    aT = alpha / alpha_D
    s = _power(variant)
    m = m_of_y(y, n)
    g = g_of_y(y, n)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        E = 1.0 - y * g / m
        c = y * g / (aT * _K1 * m)
        Delta1 = 1.0 / (1.0 + c * (_K1 / E + _KS))
        dq = c * Delta1
        dp = dq / E
        B = aT * dq**2 * _K1 / (Delta1**s * E**2)
        den = 1.0 - B * _K1
        P_d = (n * m**2 / alpha_D + 1.0 / E**2 + B * _KS) / den
        dph = _K1 / Delta1
        dpdh = _K1 * (_KS + _K1 * P_d) / Delta1**s
        qhat0 = _KS * (_KS + _K1 * P_d) / Delta1**2 + (dpdh + aT * dph**2) / E**2
        R = aT * dph * m / (y * np.sqrt(alpha * qhat0))
        ok = (m > 0) & (E > 0) & (Delta1 > 0) & (den > 0) & (qhat0 > 0) & np.isfinite(R)
        R = np.where(ok, R, -np.inf)
    mhat0 = aT * dph * m
    return dict(y=y, m=m, g=g, E=E, Delta1=Delta1, dq=dq, dp=dp, B=B, P_d=P_d, dph=dph,
                dpdh=dpdh, qhat0=qhat0, mhat0=mhat0, R=R)


def reduced_R(y, alpha, alpha_D, n=1, variant="sq"):
    """``R(y)`` of doc Sec. 2.4 (``-inf`` off the physical branch); the T = 0 fixed points
    are the roots of ``R(y) = 1``."""
    y = real_array("y", y)
    alpha, alpha_D, variant = _check_common(alpha, alpha_D, variant)
    n = odd_integer("n", n)
    return _reduction(y, alpha, alpha_D, n, variant)["R"]


def _maximise(fun_vec, grid=_Y_GRID):
    """Maximise a vectorised scalar function of y: grid, then bounded Brent refinement."""
    vals = fun_vec(grid)
    i = int(np.argmax(vals))
    if not np.isfinite(vals[i]):
        return math.nan, -math.inf
    lo = grid[max(i - 1, 0)]
    hi = grid[min(i + 1, len(grid) - 1)]
    res = optimize.minimize_scalar(
        lambda y: -float(fun_vec(np.array([y]))[0]), bounds=(lo, hi), method="bounded",
        options={"xatol": 1e-12 * max(1.0, hi)},
    )
    if -res.fun >= vals[i]:
        return float(res.x), float(-res.fun)
    return float(grid[i]), float(vals[i])


def _max_R(alpha, alpha_D, n, variant):
    return _maximise(lambda y: _reduction(y, alpha, alpha_D, n, variant)["R"])


def max_R(alpha, alpha_D, n=1, variant="sq"):
    """``(y*, max_y R(y))`` on the physical branch (doc Sec. 2.4, 2.8).  The feature (n = 1)
    or n-mixture state exists at T = 0 iff ``max R >= 1``."""
    alpha, alpha_D, variant = _check_common(alpha, alpha_D, variant)
    n = odd_integer("n", n)
    return _max_R(alpha, alpha_D, n, variant)


def _solve_reduction(alpha, alpha_D, n, variant, state):
    ystar, rmax = _max_R(alpha, alpha_D, n, variant)
    base = dict(state=state, alpha=alpha, alpha_D=alpha_D, T=0.0, n=n, variant=variant,
                storage=None, method="reduction")
    if not (rmax >= 1.0):
        return RFHMSolution(**base, status=ABSENT,
                            message=f"no retrieval solution: max_y R(y) = {rmax:.6g} < 1 "
                                    "(doc Sec. 2.4 existence criterion)")
    # largest root of R(y) = 1 above the maximiser (doc Sec. 2.4): the upper end doubles
    # (lower end fixed at the maximiser) until R <= 1
    f = lambda y: float(_reduction(np.array([y]), alpha, alpha_D, n, variant)["R"][0]) - 1.0
    br = expand_bracket(f, ystar, max(2.0 * ystar, 1.0), factor=2.0, limit=1e6, slide=False,
                        fa=rmax - 1.0, until=lambda fa, fb: fb <= 0, what="R(y) = 1")
    if br.status != OK:  # pragma: no cover - R(y) -> 0 as y -> oo
        return RFHMSolution(**base, status=ABSENT, message=f"R(y) > 1 at very large y: {br.message}")
    its = 0
    if rmax == 1.0:
        y = ystar
    else:
        r = bracketed_root(f, ystar, br.x[1], xtol=1e-15, rtol=1e-15, maxiter=500,
                           what="root of R(y) = 1")
        if r.status != OK:
            return RFHMSolution(**base, status=UNCONVERGED if r.status == UNCONVERGED else ABSENT,
                                message=r.message, iterations=r.iterations)
        y, its = r.x, r.iterations
    r = _reduction(np.array([y]), alpha, alpha_D, n, variant)
    vals = {k: float(v[0]) for k, v in r.items() if k not in ("g", "B", "R")}
    return RFHMSolution(**base, status=OK, residual=abs(f(y)), iterations=its,
                        message="root of R(y) = 1 above the maximiser", **vals)


# --------------------------------------------------------------------------------------------
# T = 0: full equations by damped iteration (doc Sec. 2.3)
# --------------------------------------------------------------------------------------------


def _t0_update(x, alpha, alpha_D, n, variant):
    """One sweep of the T = 0 equations of doc Sec. 2.3; ``x = (m, dq, dp, P_d, qhat0)``."""
    m, dq, dp, P_d, qhat0 = x
    aT = alpha / alpha_D
    s = _power(variant)
    zeta, prob = zeta_law(n)
    Delta1 = 1.0 - _K1 * dp - _KS * dq
    dph = _K1 / Delta1
    dpdh = _K1 * (_KS + _K1 * P_d) / Delta1**s
    E = 1.0 - aT * dq * dph
    dp_new = dq / E
    P_d_new = n * m**2 / alpha_D + (1.0 + aT * dq**2 * dpdh) / E**2
    qhat0_new = _KS * (_KS + _K1 * P_d) / Delta1**2 + (dpdh + aT * dph**2) / E**2
    mhat0 = aT * dph * m
    if not (alpha * qhat0_new > 0):
        return np.full(5, math.nan)
    sq = math.sqrt(alpha * qhat0_new)
    arg = mhat0 * zeta / sq
    m_new = float(prob @ (zeta * special.erf(arg / math.sqrt(2.0)))) / n
    dq_new = float(prob @ (2.0 * gaussian_pdf(arg))) / sq
    return np.array([m_new, dq_new, dp_new, P_d_new, qhat0_new])


def _solve_iteration(alpha, alpha_D, n, variant, state, x0=None, damping=0.5, tol=1e-14,
                     max_iter=200000):
    base = dict(state=state, alpha=alpha, alpha_D=alpha_D, T=0.0, n=n, variant=variant,
                storage=None, method="iteration")
    if x0 is None:
        # generic start deep in retrieval: m = 1, small susceptibilities (dq ~ 1/alpha_T)
        # (the n-mixture overlap deep in its phase is a_n = C(n-1, (n-1)/2)/2^(n-1), doc Sec. 1.3)
        aT = alpha / alpha_D
        m0 = math.comb(n - 1, (n - 1) // 2) / 2.0 ** (n - 1)
        x0 = np.array([m0, 0.1 / aT, 0.1 / aT, n * m0**2 / alpha_D + 1.0, 1.0 + aT * _K1**2])

    def upd(x):
        with np.errstate(all="ignore"):
            return _t0_update(x, alpha, alpha_D, n, variant)

    res = fixed_point(upd, x0, damping=damping, tol=tol, max_iter=max_iter,
                      raise_on_failure=False)
    m, dq, dp, P_d, qhat0 = res.x
    aT = alpha / alpha_D
    with np.errstate(all="ignore"):  # an unconverged last iterate may be off the domain
        Delta1 = 1.0 - _K1 * dp - _KS * dq
        dph = _K1 / Delta1
        E = 1.0 - aT * dq * dph
        dpdh = _K1 * (_KS + _K1 * P_d) / Delta1 ** _power(variant)
        y = float(aT * dph * m / np.sqrt(alpha * qhat0))
    ok = res.converged and m > 1e-6 and E > 0 and Delta1 > 0
    status = OK if ok else (UNCONVERGED if not res.converged else ABSENT)
    return RFHMSolution(
        **base, status=status, m=m, dq=dq, dp=dp, P_d=P_d,
        qhat0=qhat0, Delta1=Delta1, dph=dph, dpdh=dpdh,
        E=E, mhat0=aT * dph * m, y=y,
        iterations=res.iterations, residual=res.residual,
        message=res.message if ok else f"{res.message}; iteration did not reach a retrieval state",
    )


# --------------------------------------------------------------------------------------------
# Finite temperature (doc Sec. 2.2)
# --------------------------------------------------------------------------------------------


def _finite_t_update(x, alpha, alpha_D, beta, n):
    """One sweep of doc Sec. 2.2.  ``x = (m, omq, P, dP)`` with ``omq = 1 - q`` and
    ``dP = P_d - P`` (kept separately: both are O(1/beta) and would lose digits as
    differences)."""
    m, omq, P, dP = x
    aT = alpha / alpha_D
    q = 1.0 - omq
    Sigma = _KS * q + _K1 * P
    Sigma_d = _KS + _K1 * (P + dP)
    Delta = _KS * omq + _K1 * dP
    D1 = 1.0 - beta * Delta
    phat = aT * beta**2 * _K1 * Sigma / D1**2
    dphat = aT * beta * _K1 / D1  # phat_d - phat
    phat_d = phat + dphat
    E = 1.0 - dphat * omq
    # doc Sec. 2.2; P_d - P = (1 - q)/E
    P_new = n * m**2 / alpha_D + (q + phat * omq**2) / E**2
    dP_new = omq / E
    qhat = alpha * beta**2 * _KS * Sigma / D1**2 + alpha_D * (phat + q * dphat**2) / E**2
    mhat = m * dphat
    zeta, prob = zeta_law(n)
    aux = dict(q=q, Sigma=Sigma, Sigma_d=Sigma_d, D1=D1, phat=phat, phat_d=phat_d, E=E,
               qhat=qhat, mhat=mhat)
    if not (qhat >= 0 and math.isfinite(qhat) and math.isfinite(mhat)):
        # off the physical domain (the iteration diverges): a non-finite update, which
        # fixed_point reports as unconverged, instead of an error from the quadrature
        return np.full(4, math.nan), aux
    a = mhat * zeta
    b = math.sqrt(qhat)
    m_new = float(prob @ (zeta * gaussian.expect_tanh(a, b))) / n
    omq_new = float(prob @ gaussian.expect_sech2(a, b))
    return np.array([m_new, omq_new, P_new, dP_new]), aux


def _free_energy_T(alpha, alpha_D, beta, n, m, omq, P, dP, aux):
    """RS free energy ``f = -G/beta`` (doc Sec. 2.1)."""
    q = 1.0 - omq
    P_d = P + dP
    phat, phat_d, qhat, mhat = aux["phat"], aux["phat_d"], aux["qhat"], aux["mhat"]
    Sigma = _KS * q + _K1 * P
    Delta = _KS * omq + _K1 * dP
    D1 = 1.0 - beta * Delta
    dph = phat_d - phat
    E = 1.0 - dph * omq
    zeta, prob = zeta_law(n)
    G = (qhat * (q - 1.0) / 2.0 - n * mhat * m
         + float(prob @ gaussian.expect_log2cosh(mhat * zeta, math.sqrt(qhat)))
         + 0.5 * (n * m**2 * dph - alpha_D * (phat_d * P_d - phat * P))
         - 0.5 * alpha_D * (math.log(E) - (dph * q + phat * omq) / E)
         - 0.5 * alpha * (math.log(D1) - beta * Sigma / D1) - alpha * beta / 2.0)
    return -G / beta


def _solve_finite_T(alpha, alpha_D, T, n, state, x0=None, damping=0.5, tol=1e-13,
                    max_iter=100000):
    beta = 1.0 / T
    base = dict(state=state, alpha=alpha, alpha_D=alpha_D, T=T, n=n, variant="sq",
                storage=None, method="iteration")
    if x0 is None:
        # start from the T = 0 'sq' solution when it exists (doc Sec. 2.2/2.3 mapping)
        z = _solve_reduction(alpha, alpha_D, n, "sq", state)
        if z.exists:
            x0 = np.array([z.m, min(z.dq / beta, 0.5), z.P_d - z.dp / beta, z.dp / beta])
        else:
            x0 = np.array([1.0, 0.05, n / alpha_D, 0.05])

    def upd(x):
        with np.errstate(all="ignore"):
            return _finite_t_update(x, alpha, alpha_D, beta, n)[0]

    res = fixed_point(upd, x0, damping=damping, tol=tol, max_iter=max_iter,
                      raise_on_failure=False)
    m, omq, P, dP = res.x
    with np.errstate(all="ignore"):
        _, aux = _finite_t_update(res.x, alpha, alpha_D, beta, n)
    aT = alpha / alpha_D
    ok = bool(res.converged and m > 1e-6 and aux["D1"] > 0 and aux["E"] > 0)
    status = OK if ok else (UNCONVERGED if not res.converged else ABSENT)
    out = RFHMSolution(**base, status=status,
                       iterations=res.iterations, residual=res.residual,
                       message=res.message if ok else res.message + "; no retrieval state reached")
    with np.errstate(all="ignore"):  # an unconverged last iterate may be off the domain
        out.m, out.q, out.P, out.P_d = m, 1.0 - omq, P, P + dP
        out.qhat, out.phat, out.phat_d, out.mhat = (aux["qhat"], aux["phat"], aux["phat_d"],
                                                    aux["mhat"])
        out.dq, out.dp = beta * omq, beta * dP
        out.qhat0, out.mhat0 = aux["qhat"] / (alpha * beta**2), aux["mhat"] / beta
        out.dph = (aux["phat_d"] - aux["phat"]) / (aT * beta)
        out.dpdh = (2 * aux["phat"] - aux["phat_d"]) * omq**2 / (aT * out.dq**2)
        out.Delta1, out.E = aux["D1"], aux["E"]
        out.y = float(out.mhat0 / np.sqrt(alpha * out.qhat0))
    if ok:
        out.free_energy = _free_energy_T(alpha, alpha_D, beta, n, m, omq, P, dP, aux)
    return out


# --------------------------------------------------------------------------------------------
# Stored example (doc Sec. 2.6, algorithm of Sec. 2.8)
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _v_nodes(n_nodes: int = 300):
    """Gauss-Legendre nodes for ``E_v f = 2 int_0^inf Dv f(v)`` on [0, 9] (doc Sec. 2.8)."""
    x, w = np.polynomial.legendre.leggauss(n_nodes)
    v = 4.5 * (x + 1.0)
    wv = 4.5 * w * 2.0 * gaussian_pdf(v)
    return v, wv


def _latent_chain(dq, t, alpha, alpha_D, spow):
    """Steps 3-5 of doc Sec. 2.8, shared by the stored example (Sec. 2.6) and the dense unseen
    example (Sec. 2.7): given ``dq`` and the latent overlap ``t`` (0 for no-t), the closed-form
    Delta1 (larger root of ``Delta1^2 - (a + b0 - kappa1^2 dq) Delta1 + a b0 = 0`` with
    ``a = alpha_T kappa1^2 dq``, ``b0 = 1 - kappa*^2 dq``, requiring Delta1 > a, i.e. E > 0), then
    E, dp, dph, B, P_d (with ``t^2/alpha_D``), dpdh, qhat0, ``s_new = sqrt(alpha qhat0)`` and
    ``tau = alpha_T dph t``.  Returns None off the physical branch."""
    aT = alpha / alpha_D
    a = aT * _K1 * dq
    b0 = 1.0 - _KS * dq
    bq = a + b0 - _K1 * dq
    disc = bq * bq - 4.0 * a * b0
    if disc < 0:
        return None
    Delta1 = 0.5 * (bq + math.sqrt(disc))
    if not (Delta1 > a and Delta1 > 0):
        return None
    E = 1.0 - a / Delta1
    dph = _K1 / Delta1
    B = aT * dq**2 * _K1 / (Delta1**spow * E**2)
    den = 1.0 - B * _K1
    if den <= 0:
        return None
    P_d = (t * t / alpha_D + 1.0 / E**2 + B * _KS) / den
    dpdh = _K1 * (_KS + _K1 * P_d) / Delta1**spow
    qhat0 = _KS * (_KS + _K1 * P_d) / Delta1**2 + (dpdh + aT * dph**2) / E**2
    return dict(E=E, Delta1=Delta1, dp=dq / E, dph=dph, P_d=P_d, dpdh=dpdh, qhat0=qhat0,
                s_new=math.sqrt(alpha * qhat0), tau=aT * dph * t)


def _example_eval(u, w, alpha, alpha_D, variant, with_t):
    """Residuals and order parameters of the T = 0 stored-example equations at ``(u, w)``
    (doc Sec. 2.8 steps 1-5).  Returns ``(residuals, values)``; residuals are nan off the
    physical branch."""
    v, wv = _v_nodes()
    s_pow = _power(variant)
    arg = u + w * v
    erf_ = special.erf(arg / math.sqrt(2.0))
    m = float(wv @ erf_)
    t = float(wv @ (v * erf_))
    g = float(wv @ (2.0 * gaussian_pdf(arg)))
    bad = (np.array([math.nan, math.nan]), {})
    if not (m > 0 and u > 0):
        return bad
    s = m / u
    dq = g / s
    c = _latent_chain(dq, t if with_t else 0.0, alpha, alpha_D, s_pow)
    if c is None:
        return bad
    res = np.array([c["s_new"] / s - 1.0, c["tau"] / c["s_new"] - w])
    vals = dict(m=m, t=t, dq=dq, dp=c["dp"], qhat0=c["qhat0"], dph=c["dph"], dpdh=c["dpdh"],
                P_d=c["P_d"], E=c["E"], Delta1=c["Delta1"], tau=c["tau"], mhat0=c["tau"], y=u)
    return res, vals


def _example_no_t_root(alpha, alpha_D, variant):
    """no-t example state: largest sign change of the residual on a log u-grid, refined by
    Brent (doc Sec. 2.8).  Returns u or None."""
    grid = np.geomspace(0.05, 1e4, 400)
    r = np.array([_example_eval(u, 0.0, alpha, alpha_D, variant, False)[0][0] for u in grid])
    idx = [i for i in range(len(grid) - 1)
           if np.isfinite(r[i]) and np.isfinite(r[i + 1]) and np.sign(r[i]) != np.sign(r[i + 1])]
    f = lambda u: _example_eval(u, 0.0, alpha, alpha_D, variant, False)[0][0]
    if not idx:
        # close to the fold the two roots can share one grid cell: polish from the grid point
        # of smallest |residual| (accepted only if it converges to a true root)
        fin = np.isfinite(r)
        if not np.any(fin):
            return None
        u0 = grid[fin][np.argmin(np.abs(r[fin]))]
        fun = lambda x: np.array([f(math.exp(x[0]))]) if abs(x[0]) < 40 else np.array([1e3])
        res = polish_root(fun, [math.log(u0)], tol=1e-13, raise_on_failure=False)
        return math.exp(res.x[0]) if res.converged else None
    i = idx[-1]
    return optimize.brentq(f, grid[i], grid[i + 1], xtol=1e-14, rtol=1e-15)


def _example_with_t_root(alpha, alpha_D, variant, guess):
    """with-t example state: 2-d root in ``(ln u, ln w)`` from ``guess = (u, w)``."""

    def fun(x):
        if not np.all(np.abs(x) < 40.0):
            return np.array([1e3, 1e3])
        r, _ = _example_eval(math.exp(x[0]), math.exp(x[1]), alpha, alpha_D, variant, True)
        return r

    res = polish_root(fun, np.log(guess), tol=1e-13, raise_on_failure=False)
    if not res.converged:
        return None
    return np.exp(res.x)


_M_RETRIEVAL = 0.3  # doc Sec. 2.8: a stored-example solution counts as retrieval when m > 0.3


def _example_root(alpha, alpha_D, variant, storage, guess):
    """Polish the stored-example solution from ``guess = (u, w)`` (w ignored for no-t).
    Returns ``(u, w)`` or None if no retrieval solution (m > 0.3) is reached."""
    with_t = storage == "with_t"
    if with_t:
        sol = _example_with_t_root(alpha, alpha_D, variant, guess)
    else:
        fun = lambda x: (_example_eval(math.exp(x[0]), 0.0, alpha, alpha_D, variant, False)[0][:1]
                         if abs(x[0]) < 40.0 else np.array([1e3]))
        res = polish_root(fun, [math.log(guess[0])], tol=1e-13, raise_on_failure=False)
        sol = np.array([math.exp(res.x[0]), 0.0]) if res.converged else None
    if sol is None:
        return None
    _, vals = _example_eval(sol[0], sol[1], alpha, alpha_D, variant, with_t)
    if not vals or not vals["m"] > _M_RETRIEVAL:
        return None
    return sol


def _example_solution(alpha, alpha_D, variant, storage, guess=None):
    """Solve the stored-example state; returns ``(u, w)`` of the retrieval solution with the
    largest m, or None.  no-t: largest sign change on a log u-grid + Brent (doc Sec. 2.8);
    with-t: 2-d root seeded from the no-t solution and a few initial w (doc Sec. 2.8)."""
    u0 = _example_no_t_root(alpha, alpha_D, variant)
    if storage == "no_t":
        if u0 is None:
            return None
        _, vals = _example_eval(u0, 0.0, alpha, alpha_D, variant, False)
        return np.array([u0, 0.0]) if vals and vals["m"] > _M_RETRIEVAL else None
    guesses = [] if guess is None else [np.asarray(guess, dtype=float)]
    if u0 is not None:
        guesses += [np.array([u0, w]) for w in (0.5, 2.0, 0.1, 5.0)]
    guesses += [np.array([u, w]) for u in (3.0, 1.5) for w in (1.0, 0.3)]
    best, best_m = None, -1.0
    for gs in guesses:
        sol = _example_root(alpha, alpha_D, variant, storage, gs)
        if sol is not None:
            m = _example_eval(sol[0], sol[1], alpha, alpha_D, variant, True)[1]["m"]
            if m > best_m + 1e-9:
                best, best_m = sol, m
    return best


def _solve_example(alpha, alpha_D, variant, storage, guess=None):
    base = dict(state="example", alpha=alpha, alpha_D=alpha_D, T=0.0, n=1, variant=variant,
                storage=storage, method="reduction")
    sol = _example_solution(alpha, alpha_D, variant, storage, guess)
    if sol is None:
        return RFHMSolution(**base, status=ABSENT,
                            message="no stored-example solution found (doc Sec. 2.6/2.8)")
    res, vals = _example_eval(sol[0], sol[1], alpha, alpha_D, variant, storage == "with_t")
    if storage == "no_t":
        vals["t"] = math.nan
    return RFHMSolution(**base, status=OK,
                        residual=float(np.max(np.abs(res))), message="converged", **vals)


# --------------------------------------------------------------------------------------------
# Public solve()
# --------------------------------------------------------------------------------------------


def solve(alpha, alpha_D, T=0.0, state="feature", n=1, variant="sq", *, storage="with_t",
          method="reduction", max_iter=None):
    """RS saddle point of the RFHM at load ``alpha = P/N``, feature density
    ``alpha_D = D/N`` and temperature ``T`` (doc Sec. 2).

    Parameters
    ----------
    state : {"feature", "mixture", "example"}
        Retrieval of one feature (``n`` must be 1), of a symmetric n-mixture of features
        (n odd), or of a stored example (``n`` must be 1; T = 0 only, doc Sec. 6 item 3).
    variant : {"sq", "lin"}
        Denominator ``Delta1^2`` (derived) or ``Delta1`` (published PRL code) of ``dpdh``
        (doc Sec. 2.3).  Only T = 0; the finite-T equations (Sec. 2.2) are unique and tend
        to 'sq' as T -> 0 (Sec. 5 item 3), so ``variant`` must be "sq" when T > 0.
    storage : {"with_t", "no_t"}
        For ``state="example"`` only: keep the latent overlap t (derived) or drop it (published
        PRL storage line) (doc Sec. 2.6).
    method : {"reduction", "iteration"}
        At T = 0 for feature/mixture: the one-equation reduction (Sec. 2.4, default) or damped
        iteration of the full T = 0 equations (Sec. 2.3).  T > 0 always iterates Sec. 2.2.
    max_iter : int, optional
        Iteration limit of the damped iterations (T > 0, or ``method="iteration"``); default
        100000 (T > 0) and 200000 (T = 0).  Ignored by the reduction and the stored example.

    Returns
    -------
    RFHMSolution
        ``status="ok"``; ``"absent"`` (``nan`` order parameters and a message) when the state
        does not exist (``max_y R < 1``, no example solution, or the iteration reached a
        non-retrieval fixed point); ``"unconverged"`` when the iteration hit ``max_iter``.
        Never raises for these.
    """
    alpha, alpha_D, variant = _check_common(alpha, alpha_D, variant)
    T = nonnegative("T", T)
    state = choice("state", state, STATES)
    n = odd_integer("n", n)
    storage = choice("storage", storage, STORAGES)
    method = choice("method", method, ("reduction", "iteration"))
    its = {} if max_iter is None else {"max_iter": integer("max_iter", max_iter, minimum=1)}
    if state in ("feature", "example") and n != 1:
        raise ValueError(f"n must be 1 for state={state!r}, got {n}")
    if T > 0 and variant != "sq":
        raise ValueError("variant must be 'sq' at T > 0: the finite-T equations (doc Sec. 2.2) "
                         "have no 'lin' form")
    if state == "example":
        if T > 0:
            raise ValueError("T must be 0 for state='example': finite-T stored-example "
                             "retrieval with t is not implemented (doc Sec. 6 item 3)")
        return _solve_example(alpha, alpha_D, variant, storage)
    if T > 0:
        return _solve_finite_T(alpha, alpha_D, T, n, state, **its)
    if method == "iteration":
        return _solve_iteration(alpha, alpha_D, n, variant, state, **its)
    return _solve_reduction(alpha, alpha_D, n, variant, state)


# --------------------------------------------------------------------------------------------
# alpha -> infinity (doc Sec. 2.5) and transition lines (doc Sec. 2.8)
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _ags_capacity(n: int) -> float:
    def fun(y):
        with np.errstate(divide="ignore", invalid="ignore"):
            val = (m_of_y(y, n) - y * g_of_y(y, n)) / y
            return np.where(val > 0, val**2, -np.inf)

    return _maximise(fun, np.geomspace(1e-3, 14.0, 2000))[1]


def alpha_inf_capacity(n=1):
    """alpha -> infinity limit of the spinodal ``alpha_D^c(alpha, n)`` (doc Sec. 2.5):
    the AGS T = 0 capacity ``alpha_n^c = max_y [(m(y) - y g(y))/y]^2`` (doc Sec. 3.2) at
    load alpha_D.  0.137906 for n = 1, 0.029942 for n = 3."""
    return _ags_capacity(odd_integer("n", n))


def _exists_condition(alpha, alpha_D, n, variant):
    return _max_R(alpha, alpha_D, n, variant)[1] - 1.0


def _alpha_line(alpha_D, n, variant):
    """alpha at which ``max_y R = 1`` at fixed alpha_D (feature n = 1 or n-mixture), by Brent
    in ln(alpha).  nan when alpha_D >= alpha_n^c (no transition at any alpha)."""
    if alpha_D >= _ags_capacity(n):
        return math.nan
    cond = lambda la: _exists_condition(math.exp(la), alpha_D, n, variant)
    # from alpha_T = 1, lower ln(alpha) in steps of 2 until the state is absent (cond < 0)
    la = math.log(alpha_D)
    br = expand_bracket(cond, la, la, step=-2.0, factor=1.0, limit=math.log(1e-12), slide=False,
                        fa=0.0, until=lambda fa, fb: fb < 0, allow_inf=True,
                        what="absent end of the line")
    if br.status != OK:  # pragma: no cover - the state exists at every alpha down to 1e-12
        return math.nan
    lo, c_lo = br.x[1], br.extra["fb"]
    # then raise ln(alpha) in steps of 1 (sliding) until the state exists (cond >= 0)
    br = expand_bracket(cond, lo, lo + 1.0, step=1.0, factor=1.0, limit=math.log(1e12), fa=c_lo,
                        until=lambda fa, fb: fb >= 0, allow_inf=True,
                        what="existing end of the line")
    if br.status != OK:
        # alpha_D within ~1e-12 of alpha_n^c: the line diverges (doc Sec. 2.5)
        return math.nan
    return _line_root(cond, br)


def _line_root(cond, br) -> float:
    """exp of the Brent root of ``cond`` on the bracket found by :func:`expand_bracket`:
    ``nan`` if absent (non-finite end), ConvergenceError if Brent stops early."""
    (a, b), fa, fb = br.x, br.extra["fa"], br.extra["fb"]
    lo, hi, f_lo, f_hi = (a, b, fa, fb) if a < b else (b, a, fb, fa)
    r = bracketed_root(cond, lo, hi, xtol=1e-13, rtol=1e-14, maxiter=500, fa=f_lo, fb=f_hi,
                       what="max_y R = 1")
    if r.status == ABSENT:
        return math.nan
    if r.status != OK:
        raise ConvergenceError(r.message, r)
    return math.exp(r.x)


def learning_transition(alpha_D, variant="sq"):
    """Learning line ``alpha_c(alpha_D)``: the load beyond which single features are T = 0 RS
    fixed points (doc Secs. 2.4, 2.8).  Root of ``max_y R(y; alpha, alpha_D, n=1) = 1`` in
    alpha (Brent on ln alpha).

    Returns ``nan`` for ``alpha_D >= alpha_1^c = 0.137906`` (the Hopfield capacity): as
    alpha -> infinity the RFHM reduces to a Hopfield model storing the D features at load
    alpha_D (doc Sec. 2.5), so above its capacity no feature is ever a fixed point, and the
    line diverges as alpha_D -> 0.137906 from below.  ``variant="lin"`` reproduces the
    published [PRL] learning line (doc Sec. 2.3).
    """
    alpha_D = positive("alpha_D", alpha_D)
    variant = choice("variant", variant, VARIANTS)
    return _alpha_line(alpha_D, 1, variant)


def mixture_transition(alpha_D, n, variant="sq"):
    """Inverse of :func:`mixture_spinodal`: the alpha beyond which symmetric n-mixtures of
    features (test examples of L_test = n features) are T = 0 RS fixed points (doc Sec. 2.8).
    ``nan`` for ``alpha_D >= alpha_n^c`` (the AGS n-mixture capacity, doc Sec. 2.5), where
    mixtures are unstable at every alpha.  n = 1 gives the learning line."""
    alpha_D = positive("alpha_D", alpha_D)
    n = odd_integer("n", n)
    variant = choice("variant", variant, VARIANTS)
    return _alpha_line(alpha_D, n, variant)


def mixture_spinodal(alpha, n, variant="sq"):
    """Spinodal ``alpha_D^c(alpha, n)`` of the symmetric n-mixture of features (n = 1: the
    learning line read at fixed alpha), i.e. the root in alpha_D of ``max_y R = 1`` (doc
    Secs. 2.4, 2.8), by Brent in ln(alpha_D).  The n-mixture exists for
    ``alpha_D < alpha_D^c``.  It rises with alpha towards ``alpha_n^c`` (doc Sec. 2.5);
    ``alpha=inf`` returns that limit.  Always defined for alpha > 0 (the state exists at small
    enough alpha_D); returns ``nan`` only if the root cannot be bracketed above
    ``alpha_D = 1e-14`` (not observed)."""
    n = odd_integer("n", n)
    variant = choice("variant", variant, VARIANTS)
    if isinstance(alpha, (int, float)) and alpha == math.inf:
        return _ags_capacity(n)
    alpha = positive("alpha", alpha)
    cap = _ags_capacity(n)
    cond = lambda la: _exists_condition(alpha, math.exp(la), n, variant)
    hi = math.log(cap)
    c_hi = cond(hi)
    if c_hi >= 0:  # pragma: no cover - the spinodal approaches alpha_n^c from below
        hi, c_hi = math.log(cap * 1.5), None
    # lower ln(alpha_D) in steps of 1 (sliding) until the state exists (cond >= 0)
    br = expand_bracket(cond, hi, hi - 1.0, step=-1.0, factor=1.0, limit=math.log(1e-14),
                        fa=c_hi, until=lambda fa, fb: fb >= 0, allow_inf=True,
                        what="existing end of the spinodal")
    if br.status != OK:
        return math.nan
    return _line_root(cond, br)


def storage_transition(alpha_D, storage="with_t", variant="sq"):
    """Storage line: the load alpha at which stored (train) examples stop being T = 0 RS
    fixed points, at feature density alpha_D (doc Secs. 2.6, 2.8).

    The example-retrieval branch (m > 0.3) is continued upward in ln(alpha) from
    ``alpha = 1e-3 min(1, alpha_D)``, with the previous solution as guess; a step is accepted
    when a solution exists whose m differs from the previous by less than 0.05, otherwise the
    step is halved, down to 1e-10 in ln(alpha) (doc Sec. 2.8); the fold is placed half-way
    into the last failed step (``theory.solvers.continue_branch``).  ``storage="with_t"`` keeps the
    latent overlap t (derived, supported by simulations); ``"no_t"`` reproduces the published
    [PRL] storage line.  ``variant`` switches the ``dpdh`` form independently (default 'sq',
    as used by the doc for both storage variants).

    Returns ``nan`` only if the retrieval branch cannot be found at the starting load.
    """
    alpha_D = positive("alpha_D", alpha_D)
    storage = choice("storage", storage, STORAGES)
    variant = choice("variant", variant, VARIANTS)
    with_t = storage == "with_t"
    # start well inside the storage phase: the with-t line is ~0.5 alpha_D at small alpha_D,
    # the no-t line ~0.37 sqrt(alpha_D) (the u-grid of the no-t seed reaches u = 1e4)
    a0 = 1e-3 * min(1.0, alpha_D) if with_t else 1e-2 * min(1.0, math.sqrt(alpha_D))
    start = _example_solution(a0, alpha_D, variant, storage)
    if start is None:
        return math.nan

    def m_of(la, sol):
        return _example_eval(sol[0], sol[1], math.exp(la), alpha_D, variant, with_t)[1]["m"]

    def solve_at(la, guess):
        sol = _example_root(math.exp(la), alpha_D, variant, storage, guess[1])
        return None if sol is None else (la, sol)

    def accept(prev, new):
        return abs(m_of(*new) - m_of(*prev)) < 0.05

    la0 = math.log(a0)
    branch = continue_branch(solve_at, la0, math.log(1e6), 0.2, (la0, start), accept=accept,
                             min_step=1e-10)
    if branch.fold is None:  # pragma: no cover - examples always destabilise
        return math.nan
    return math.exp(branch.fold)


# --------------------------------------------------------------------------------------------
# Dense unseen example (doc Sec. 2.7)
# --------------------------------------------------------------------------------------------


def _dense_test_eval(w, s, alpha, alpha_D, variant):
    """Residuals ``(s_new/s - 1, tau/s_new - w)`` of the dense-unseen-example equations of doc
    Sec. 2.7 (field ``xi_t tau |lambda| + s z``, no self-term; ``w = tau/s``,
    ``s = sqrt(alpha qhat0)``), with the closed forms ``E_v v erf(w v/sqrt2) =
    sqrt(2/pi) w/sqrt(1+w^2)`` and ``E_v 2G(w v) = sqrt(2/pi)/sqrt(1+w^2)``; the rest of the
    chain as for the stored example (doc Sec. 2.8 steps 3-5, t^2/alpha_D in P_d).
    Returns None off the physical branch, else ``(r_s, ratio, values)`` with
    ``ratio = (tau/s_new)/w``."""
    spow = _power(variant)
    root = math.sqrt(1.0 + w * w)
    t = KAPPA1 * w / root
    g = KAPPA1 / root
    dq = g / s
    c = _latent_chain(dq, t, alpha, alpha_D, spow)
    if c is None:
        return None
    vals = dict(m=2.0 / math.pi * math.atan(w), t=t, dq=dq, dp=c["dp"], qhat0=c["qhat0"],
                dph=c["dph"], dpdh=c["dpdh"], P_d=c["P_d"], E=c["E"], Delta1=c["Delta1"],
                tau=c["tau"], mhat0=c["tau"], y=w)
    return c["s_new"] / s - 1.0, c["tau"] / (c["s_new"] * w), vals


def dense_test_state(alpha, alpha_D, variant="sq"):
    """Dense unseen (test) example with Gaussian coefficients, T = 0, RS (doc Sec. 2.7).

    For each ``w = tau/s`` on a log grid [1e-3, 1e3], the s-equation ``s_new(s) = s`` is solved
    (all roots on a log s-grid of 8 decades around ``sqrt(alpha (1 + alpha_T))``, Brent), and the w-equation is checked through
    ``ratio = (tau/s_new)/w``: a retrieval solution requires ``ratio = 1``.  The returned
    :class:`RFHMSolution` has ``state="dense_test"``; ``exists=False`` when ``ratio < 1``
    everywhere on the grid (the message gives the largest ratio found).  Doc Sec. 2.7 states
    that no such state exists at any finite alpha_D (``n alpha_D^c(alpha, n)`` stays finite as
    n -> infinity); this function lets that be checked.
    """
    alpha, alpha_D, variant = _check_common(alpha, alpha_D, variant)
    base = dict(state="dense_test", alpha=alpha, alpha_D=alpha_D, T=0.0, n=1, variant=variant,
                storage="with_t", method="reduction")
    # s = sqrt(alpha qhat0) scales like sqrt(alpha (1 + alpha_T)): grid around that scale
    s_grid = math.sqrt(alpha * (1.0 + alpha / alpha_D)) * np.geomspace(1e-4, 1e4, 240)
    best_ratio, best = -math.inf, None
    per_w = []
    for w in np.geomspace(1e-3, 1e3, 121):
        r = [_dense_test_eval(w, s, alpha, alpha_D, variant) for s in s_grid]
        rs = np.array([x[0] if x is not None else math.nan for x in r])
        roots = []
        for i in range(len(s_grid) - 1):
            if np.isfinite(rs[i]) and np.isfinite(rs[i + 1]) and np.sign(rs[i]) != np.sign(rs[i + 1]):
                f = lambda s: _dense_test_eval(w, s, alpha, alpha_D, variant)[0]
                roots.append(optimize.brentq(f, s_grid[i], s_grid[i + 1], xtol=1e-14))
        ratios = [_dense_test_eval(w, s, alpha, alpha_D, variant)[1] for s in roots]
        per_w.append((w, max(ratios) if ratios else -math.inf))
        for s, ratio in zip(roots, ratios):
            if ratio > best_ratio:
                best_ratio, best = ratio, (w, s)
    if best is None:
        return RFHMSolution(**base, status=ABSENT,
                            message="no RS dense-test-example state: the s-equation has no "
                                    "root on the grid (doc Sec. 2.7)")
    if best_ratio < 1.0:
        return RFHMSolution(**base, status=ABSENT,
                            message=f"no RS dense-test-example state: max over the grid of "
                                    f"(tau/s_new)/w = {best_ratio:.6g} < 1 (doc Sec. 2.7)")
    # a solution exists: refine the root of ratio(w) = 1 on the branch of the best point
    w_star, s_star = best

    def ratio_minus_one(x):
        w, s = math.exp(x[0]), math.exp(x[1])
        out = _dense_test_eval(w, s, alpha, alpha_D, variant)
        return np.array([1e3, 1e3]) if out is None else np.array([out[0], out[1] - 1.0])

    res = polish_root(ratio_minus_one, np.log([w_star, s_star]), tol=1e-13,
                      raise_on_failure=False)
    if not res.converged:
        return RFHMSolution(**base, status=UNCONVERGED, iterations=res.iterations,
                            residual=res.residual,
                            message=f"ratio reaches {best_ratio:.6g} >= 1 but the root did not "
                                    "converge")
    w, s = np.exp(res.x)
    _, _, vals = _dense_test_eval(w, s, alpha, alpha_D, variant)
    return RFHMSolution(**base, status=OK, residual=res.residual, iterations=res.iterations,
                        message="converged", **vals)
