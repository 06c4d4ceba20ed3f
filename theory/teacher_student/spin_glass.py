"""One-step RSB spin glass of the direct dense Hopfield model (the non-retrieval competitor).

Physics: ``docs/theory/teacher_student_theory.md`` Sec. 4 (coincidence with the direct
model) and Sec. 5 (the spin-glass competitor off the Nishimori line).

The direct p-body Hopfield model with random memories is, after the cumulant expansion of
doc Sec. 3.1, a Gaussian Ising spin glass with covariance ``xi(q)`` (``q^p`` for the
distinct-index form) and noise strength ``lambda = alpha beta^2`` (``J^2 = 2 alpha``).  Its 1RSB
free entropy with ``q0 = 0``, overlap ``q1`` and Parisi parameter ``x`` is (doc Sec. 5, written for
a general covariance; for ``xi = q^p`` it is the doc's formula term by term)

    Phi_1RSB(x, q1) = (lambda/2) [xi(1) - xi'(q1) + (1 - x)(q1 xi'(q1) - xi(q1))]
                      + (1/x) ln E_z [2 cosh(b z)]^x ,       b = sqrt(lambda xi'(q1)),

with ``q1 = E_z[(2cosh h)^x tanh^2 h] / E_z[(2cosh h)^x]``, ``h = b z``.  At ``x = 1`` it equals the
annealed (paramagnetic) value ``ln 2 + lambda xi(1)/2``.  The spin glass free entropy is
``Phi_SG = min_{x in (0, 1]} Phi_1RSB(x, q1(x))``; when the minimum is at ``x = 1`` (or there is no
``q1 > 0``) the non-retrieval state is the paramagnet.

Derivative (envelope theorem, Stein's lemma under the tilted measure; [derived] here):
``dPhi_SG/dlambda = [xi(1) - (1 - x) xi(q1)] / 2``, so the entropy at fixed alpha is
``s_SG = Phi_SG - 2 lambda dPhi/dlambda = Phi_SG - lambda [xi(1) - (1 - x) xi(q1)]`` (doc Sec. 5,
``s = Phi - 2 lambda dPhi/dlambda``) and the energy per spin is ``e = -alpha beta [xi(1) - (1-x) xi(q1)]``.

Numerics (the split idea of doc Sec. 3.5 applied to the tilted measure): for ``b <= 1``
Gauss-Hermite in z; for ``b > 1`` the averages are written in log space,
``E[(2cosh bz)^x g(bz)] = 2 e^{x^2 b^2/2} int_0^inf N(h/b; x b, 1) (1 + e^{-2h})^x g(h) dh/b``
(g even), integrated in ``h`` on Gauss-Legendre panels graded towards the kink at ``h = 0`` over
``[0, 40]``; beyond ``h = 40`` the factor ``(1 + e^{-2h})^x tanh^2 h`` equals 1 to ``e^{-80}`` and
the tail is a normal CDF.  Agreement with adaptive quadrature ~1e-12 (tests).

The RS spin glass (the paper's definition of "SG", [TT] and ``docs/theory/teacher_student_paper_code.md``,
"Definitions that differ"): the RS equation with no bias, ``q = E_z tanh^2(sqrt(lambda xi'(q)) z)``,
has a solution ``q > 0`` iff ``lambda >= lambda_RS(p)``.  Parametrising the non-zero branch by
``w = lambda xi'(q)`` (as for the Nishimori line, doc Sec. 4): ``q = g(w) := E tanh^2(sqrt(w) z)`` and
``lambda(w) = w / xi'(g(w))``; lambda_RS is the minimum of lambda(w) (p = 3: 2.1268, i.e. the
paper's line ``T = 0.4849 sqrt(2 alpha)``).  See :func:`rs_spin_glass_threshold`, :func:`rs_spin_glass`.

Results follow :class:`hopfield_phases._core.results.ResultContract`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from functools import lru_cache

from .. import gaussian as G
from hopfield_phases._core import validation as v
from hopfield_phases._core.results import ABSENT, OK, UNCONVERGED, ResultContract
from ..solvers import NoSolution, find_boundary, fixed_point
from .covariance import Covariance, distinct

__all__ = ["SpinGlassResult", "RSSpinGlassResult", "one_step_rsb", "phi_1rsb", "q1_equation", "solve_q1",
           "dphi_dx", "rs_spin_glass", "rs_spin_glass_threshold", "X_MIN"]

X_MIN = 1e-12
"""Smallest Parisi parameter searched for the static x_s (x_s ~ T at low T; T = 1e-12 is far
below any temperature where 1RSB is used)."""

LN2 = math.log(2.0)


_GH_Z, _GH_W = G.gauss_hermite(200)
_H_MAX = G.H_MAX
_HX, _HW = G.graded_half_line_nodes()


def _tilted(x: float, b: float, with_log2cosh: bool = False):
    """Tilted averages under ``w(z) = phi(z) (2cosh bz)^x``.

    Returns ``(ln E_z[(2cosh bz)^x], <tanh^2(bz)>_x, <ln 2cosh(bz)>_x)`` where ``<.>_x`` is the
    tilted mean (the last entry is NaN unless ``with_log2cosh``).

    b <= 1: Gauss-Hermite in z.  b > 1: the log-space form of the module docstring in the
    variable ``h = b u`` on the graded panels of :mod:`theory.gaussian` over ``[0, 40]``; beyond
    ``h = 40`` the factor ``(1 + e^{-2h})^x tanh^2 h`` is 1 to ``e^{-80}`` and the tail is closed form.
    """
    if b == 0.0:
        return x * LN2, 0.0, LN2
    if b <= 1.0:
        h = b * _GH_Z
        lc = G.log2cosh(h)
        w = _GH_W * np.exp(x * lc)
        s0 = float(np.sum(w))
        t2 = float(np.sum(w * np.tanh(h) ** 2)) / s0
        l2 = float(np.sum(w * lc)) / s0 if with_log2cosh else float("nan")
        return math.log(s0), t2, l2
    h = _HX
    xb = x * b
    dens = np.exp(-0.5 * (h / b - xb) ** 2) / (b * math.sqrt(2.0 * math.pi))
    e2 = np.exp(-2.0 * h)
    f0 = (1.0 + e2) ** x
    tail = special.ndtr(xb - _H_MAX / b)
    s0 = float(np.sum(_HW * dens * f0)) + tail
    th = (1.0 - e2) / (1.0 + e2)
    t2 = (float(np.sum(_HW * dens * f0 * th * th)) + tail) / s0
    l2 = float("nan")
    if with_log2cosh:
        lc = h + np.log1p(e2)
        u0 = _H_MAX / b
        tail_l = b * (xb * tail + math.exp(-0.5 * (u0 - xb) ** 2) / math.sqrt(2.0 * math.pi))
        l2 = (float(np.sum(_HW * dens * f0 * lc)) + tail_l) / s0
    return LN2 + 0.5 * xb * xb + math.log(s0), t2, l2


def q1_equation(x: float, q1: float, lam: float, cov: Covariance) -> float:
    """Right-hand side of the 1RSB equation ``q1 = E[(2cosh h)^x tanh^2 h]/E[(2cosh h)^x]``."""
    b = math.sqrt(lam * cov.d1(q1)) if q1 > 0 else 0.0
    return _tilted(x, b)[1]


def phi_1rsb(x: float, q1: float, lam: float, cov: Covariance) -> float:
    """``Phi_1RSB(x, q1)`` (module docstring, doc Sec. 5)."""
    d1 = cov.d1(q1) if q1 > 0 else cov.d1(0.0)
    b = math.sqrt(lam * d1)
    logmean = _tilted(x, b)[0]
    # (1/x) ln E(2cosh)^x ; _tilted_logmean gives ln 2 + x^2 b^2/2 + ln E_u[...] = ln E (2cosh)^x
    return 0.5 * lam * (cov.value(1.0) - d1 + (1.0 - x) * (q1 * d1 - cov.value(q1))) + logmean / x


def dphi_dx(x: float, q1: float, lam: float, cov: Covariance) -> float:
    """``dPhi_1RSB/dx`` at fixed q1 ([derived] from the module-docstring formula):

    ``-(lambda/2)(q1 xi'(q1) - xi(q1)) - ln E(2cosh h)^x / x^2 + <ln 2cosh h>_x / x``.

    At ``x = 1`` and the 1RSB q1 this is ``Phi_NL(q1) - Phi_P`` (minus the complexity of doc
    Sec. 4): it changes sign exactly at lambda_c, where the 1RSB state leaves the paramagnet.
    """
    d1 = cov.d1(q1)
    b = math.sqrt(lam * d1)
    logmean, _, l2 = _tilted(x, b, with_log2cosh=True)
    return -0.5 * lam * (q1 * d1 - cov.value(q1)) - logmean / x**2 + l2 / x


def solve_q1(x: float, lam: float, cov: Covariance, guess: float = 1.0, step: float = 0.01):
    """Largest root of ``q1 = <tanh^2 h>_x`` (the stable one, reached by iteration from q1 = 1).

    Bracketed from ``guess`` by steps of ``step`` then Brent (``xtol 1e-14``).  Returns 0.0 when
    there is no root above ``step`` (no 1RSB solution at this x).  Two roots closer than ``step``
    (within a tiny window of the fold) can be missed: the fold is where the state ceases to exist.
    """
    def g(q):
        return q1_equation(x, q, lam, cov) - q

    hi = min(1.0, guess + 2 * step)
    g_hi = g(hi)
    while g_hi > 0 and hi < 1.0:
        hi = min(1.0, hi + step)
        g_hi = g(hi)
    if g_hi > 0:  # cannot happen (the right side is < 1); defensive
        return 1.0
    lo = hi
    while True:
        lo = lo - step
        if lo <= step:
            return 0.0
        g_lo = g(lo)
        if g_lo > 0:
            break
        hi = lo
    return float(optimize.brentq(g, lo, hi, xtol=1e-14, rtol=1e-14))


@dataclass(kw_only=True)
class SpinGlassResult(ResultContract):
    """Non-retrieval state at noise strength ``lam`` (doc Sec. 5).

    ``status``: "ok" for a 1RSB spin glass (``x < 1``); "absent" when there is no spin glass,
    i.e. the minimum of ``Phi_1RSB`` over x is at x = 1 and the non-retrieval state is the
    paramagnet (``paramagnet`` True, ``phi = ln 2 + lam xi(1)/2``, ``x = 1``, ``q1 = 0``; the numbers
    are those of the paramagnet, a valid answer); "unconverged" when the search for x_s failed
    (numbers NaN).  ``dphi_dlam`` and ``entropy`` as in the module docstring; ``entropy`` is per
    spin at fixed alpha.  ``converged`` (read-only) is ``status != "unconverged"``.
    """

    lam: float
    phi: float
    x: float
    q1: float
    dphi_dlam: float
    entropy: float
    paramagnet: bool

    @property
    def converged(self) -> bool:
        return self.status != UNCONVERGED


def _failed(lam, message, iterations=0):
    nan = float("nan")
    return SpinGlassResult(lam=lam, phi=nan, x=nan, q1=nan, dphi_dlam=nan, entropy=nan, paramagnet=False,
                           status=UNCONVERGED, message=message, iterations=iterations)


def one_step_rsb(p, lam, cov: Covariance | None = None, x_step: float = 0.02) -> SpinGlassResult:
    """The direct model's non-retrieval state at ``lam = alpha beta^2`` (doc Sec. 4-5).

    ``Phi_SG = min_x Phi_1RSB(x, q1(x))``.  Near ``x = 1``, ``Phi_1RSB - Phi_P ~ (x - 1) dPhi/dx(1)``,
    so the state is the paramagnet when the 1RSB equation has no root at x = 1 or
    ``dPhi/dx(1) <= 0`` (i.e. ``lambda <= lambda_c``, doc Sec. 4); otherwise the static x_s is the
    root of ``dPhi/dx = 0`` below 1: walked down from x = 1 in steps ``x_step`` (following q1) to
    ``x = x_step``, then, if x_s is smaller (low T: ``x_s ~ T``, e.g. 0.0200 at T = 0.04,
    lambda = 2375), by :func:`~hopfield_phases.theory.solvers.find_boundary`'s geometric bracket
    expansion down to ``X_MIN``; Brent to 1e-13.  ``cov`` defaults to the distinct-index
    covariance ``q^p``.  Never raises for valid input (see ``status``).
    """
    p = v.integer("p", p, minimum=3)
    lam = v.nonnegative("lam", lam)
    if cov is not None and not isinstance(cov, Covariance):
        raise ValueError(f"cov must be a Covariance, got {type(cov).__name__}")
    x_step = v.real("x_step", x_step)
    if not 0.0 < x_step < 0.5:
        raise ValueError(f"x_step must be in (0, 0.5), got {x_step!r}")
    cov = cov or distinct(p)
    xi1 = cov.value(1.0)
    phi_p = LN2 + 0.5 * lam * xi1
    para = SpinGlassResult(lam=lam, phi=phi_p, x=1.0, q1=0.0, dphi_dlam=0.5 * xi1, entropy=LN2 - 0.5 * lam * xi1,
                           paramagnet=True, status=ABSENT, residual=0.0,
                           message="no 1RSB spin glass: the non-retrieval state is the paramagnet")
    if lam == 0.0 or cov.has_linear_term:
        if cov.has_linear_term:
            para.message = "paramagnet (1RSB not implemented with a linear covariance term)"
        return para
    q1 = solve_q1(1.0, lam, cov)
    if q1 <= 0.0:
        return para
    d = dphi_dx(1.0, q1, lam, cov)
    if d <= 0.0:
        return para
    # walk down in x (following q1) until dPhi/dx changes sign
    x_hi, q_hi = 1.0, q1
    x = 1.0
    steps = 0
    found = False
    while x - x_step >= x_step * (1.0 - 1e-9):
        x = x - x_step
        steps += 1
        q = solve_q1(x, lam, cov, guess=q_hi)
        if q <= 0.0:
            return _failed(lam, f"1RSB q1 ceased to exist at x={x:.3g} before dPhi/dx = 0", steps)
        d_lo = dphi_dx(x, q, lam, cov)
        if d_lo < 0.0:
            found = True
            break
        x_hi, q_hi, d = x, q, d_lo
    cache = {"q": q_hi, "n": steps}

    def cond(xx):
        cache["n"] += 1
        qq = solve_q1(xx, lam, cov, guess=cache["q"])
        if qq <= 0.0:
            return float("nan")
        cache["q"] = qq
        return dphi_dx(xx, qq, lam, cov)

    try:
        if found:
            known = {x: d_lo, x_hi: d}  # the bracket's end values, as computed in the walk
            xs = find_boundary(lambda xx: known[xx] if xx in known else cond(xx), x, x_hi, xtol=1e-13, rtol=1e-13)
        else:
            # x_s < x_step: geometric bracket expansion towards 0 from [x_step/2, x_step]
            xs = find_boundary(cond, 0.5 * x_hi, x_hi, expand=0.5, limit=X_MIN, max_expand=200,
                               xtol=1e-15, rtol=1e-13)
    except NoSolution as exc:
        return _failed(lam, f"no stationary x in ({X_MIN:g}, 1): {exc}", cache["n"])
    q1 = solve_q1(xs, lam, cov, guess=cache["q"])
    if q1 <= 0.0:
        return _failed(lam, f"1RSB q1 vanished at x_s={xs:.3g}", cache["n"])
    phi = phi_1rsb(xs, q1, lam, cov)
    dphi = 0.5 * (xi1 - (1.0 - xs) * cov.value(q1))
    res = abs(q1_equation(xs, q1, lam, cov) - q1)
    return SpinGlassResult(lam=lam, phi=phi, x=xs, q1=q1, dphi_dlam=dphi, entropy=phi - 2.0 * lam * dphi,
                           paramagnet=False, status=OK, message="1RSB spin glass", iterations=cache["n"],
                           residual=float(res))


# ---------------------------------------------------------------------------------------------
# RS spin glass (the paper's "SG": an RS solution q > 0 with no bias exists)
# ---------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class RSSpinGlassResult(ResultContract):
    """RS spin-glass solution ``q = E tanh^2(sqrt(lam xi'(q)) z)`` (q* = 0) at noise ``lam``.

    ``status`` "ok" (a solution q > 0 exists: the stable, largest one), "absent"
    (``lam < lambda_RS``: only q = 0), "unconverged" (iteration gave up).  ``free_entropy`` is the
    RS free entropy ``(lam/2)[xi(1) - xi(q) - (1-q) xi'(q)] + E ln 2cosh`` of that solution,
    ``entropy = Phi - lam (xi(1) - xi(q))`` (doc Sec. 3.2, 3.4 with mu = 0)."""

    lam: float
    q: float
    free_entropy: float
    entropy: float
    threshold: float

    @property
    def converged(self) -> bool:
        return self.status != UNCONVERGED


def _rs_lambda_of_w(w, cov):
    q = float(G.expect_tanh2(0.0, math.sqrt(w)))
    return w / cov.d1(q)


@lru_cache(maxsize=None)
def _rs_threshold(p: int):
    cov = distinct(p)
    # lambda(w) -> infinity at both ends for p >= 3: minimise in ln w
    res = optimize.minimize_scalar(lambda t: _rs_lambda_of_w(math.exp(t), cov), bounds=(-6.0, 12.0),
                                   method="bounded", options={"xatol": 1e-12})
    w = math.exp(res.x)
    return _rs_lambda_of_w(w, cov), float(G.expect_tanh2(0.0, math.sqrt(w)))


def rs_spin_glass_threshold(p) -> float:
    """``lambda_RS(p)``: the smallest ``lambda = alpha/T^2`` at which the RS spin-glass equation has a
    solution ``q > 0`` (module docstring).  p = 3: 2.1268 (the paper's SG line ``T = 0.4849 sqrt(2 alpha)``,
    ``docs/theory/teacher_student_paper_code.md``).  Distinct-index covariance ``q^p``."""
    p = v.integer("p", p, minimum=3, maximum=200)
    return _rs_threshold(p)[0]


def rs_spin_glass(p, lam, cov: Covariance | None = None, tol: float = 1e-13, max_iter: int = 100000):
    """The RS spin glass at ``lam`` (module docstring): iteration of ``q <- E tanh^2(sqrt(lam xi'(q)) z)``
    from q = 1 (it converges to the largest, stable root).  Existence is decided by
    ``lam >= lambda_RS(p)`` (distinct covariance) so a slow iteration near the threshold cannot be
    mistaken for absence; a returned state with ``status="unconverged"`` says the iteration gave up."""
    p = v.integer("p", p, minimum=3, maximum=200)
    lam = v.nonnegative("lam", lam)
    if cov is not None and not isinstance(cov, Covariance):
        raise ValueError(f"cov must be a Covariance, got {type(cov).__name__}")
    tol = v.positive("tol", tol)
    max_iter = v.integer("max_iter", max_iter, minimum=1)
    cov = cov or distinct(p)
    nan = float("nan")
    thr = _rs_threshold(p)[0] if cov.terms == distinct(p).terms else nan
    if cov.has_linear_term:
        raise ValueError("cov must have no linear term (q = 0 is then not a solution; no RS spin glass)")
    if math.isfinite(thr) and lam < thr:
        return RSSpinGlassResult(lam=lam, q=0.0, free_entropy=LN2 + 0.5 * lam * cov.value(1.0),
                                 entropy=LN2 - 0.5 * lam * cov.value(1.0), threshold=thr, status=ABSENT,
                                 message=f"no RS spin glass: lambda < lambda_RS = {thr:.6g}", residual=0.0)

    def upd(x):
        q = min(max(float(x[0]), 0.0), 1.0)
        return np.array([float(G.expect_tanh2(0.0, math.sqrt(lam * cov.d1(q))))])

    r = fixed_point(upd, [1.0], damping=1.0, tol=tol, max_iter=max_iter, raise_on_failure=False)
    q = float(r.x[0])
    if r.converged and q < 1e-8:
        # only reachable for a non-distinct covariance (no threshold known): q = 0 is the only root
        return RSSpinGlassResult(lam=lam, q=0.0, free_entropy=LN2 + 0.5 * lam * cov.value(1.0),
                                 entropy=LN2 - 0.5 * lam * cov.value(1.0), threshold=thr, status=ABSENT,
                                 message="no RS spin glass (iteration from q = 1 reached q = 0)",
                                 iterations=r.iterations, residual=r.residual)
    b = math.sqrt(lam * cov.d1(q))
    phi = 0.5 * lam * (cov.value(1.0) - cov.value(q) - (1.0 - q) * cov.d1(q)) + float(G.expect_log2cosh(0.0, b))
    return RSSpinGlassResult(lam=lam, q=q, free_entropy=phi, entropy=phi - lam * (cov.value(1.0) - cov.value(q)),
                             threshold=thr, status=OK if r.converged else UNCONVERGED,
                             message="RS spin glass" if r.converged else f"RS spin glass iteration: {r.message}",
                             iterations=r.iterations, residual=r.residual)
