"""Replica-symmetric (AGS) theory of the standard Hopfield model, finite T and T = 0.

Source: ``docs/theory/rfhm_theory.md`` Sec. 3 ([AGS85], [AGS87]), notation of Sec. 1.4.
States: retrieval (n = 1), symmetric mixtures of n (odd) patterns, spin glass (m = 0),
paramagnet (m = q = 0).  Temperature ``T = 1/beta``, load ``alpha = P/N``.

Equations (Sec. 3.1), with ``zeta = sum_{k<=n} eps_k`` and ``C = beta (1 - q)``::

    m = n^-1 E_zeta E_z zeta tanh beta(m zeta + sqrt(alpha r) z)
    q = E_zeta E_z tanh^2 beta(m zeta + sqrt(alpha r) z)
    r = q / (1 - C)^2
    f = alpha/2 + n m^2/2 + (alpha/2beta)[ln(1-C) - beta q/(1-C)] + (alpha beta/2) r (1-q)
        - T E_zeta E_z ln 2cosh beta(m zeta + sqrt(alpha r) z)

Zero temperature (Sec. 3.2), ``y = m/sqrt(alpha r)``::

    m = m(y), C = y g(y)/m, r = (1-C)^-2, alpha = [(m - y g)/y]^2   (theory.mixtures)
    f0   = alpha/2 + n m^2/2 - (alpha/2)/(1-C) + (alpha/2) C r - E_zeta E_z |m zeta + sqrt(alpha r) z|
    f_SG = alpha/2 - (alpha/2)/(1-C) + (alpha/2) C r - sqrt(2 alpha r/pi),
           C = a/(1+a), a = sqrt(2/(pi alpha)), r = (1-C)^-2.

Mixture stability (Sec. 3.4), ``w(zeta) = 1 - (zeta^2 - n)/(n(n-1))``::

    lambda_asym = 1 - beta E_zeta E_z w(zeta) sech^2 beta(m zeta + sqrt(alpha r) z)
    (T = 0:  1 - E_zeta[w(zeta) 2G(m zeta/sqrt(alpha r))]/sqrt(alpha r))

Numerical method (a variant of Sec. 3.5, documented here)
---------------------------------------------------------
The doc suggests Newton in ``(m, ln C)``.  We use instead the *exact explicit
parametrisation* of the RS solution family by ``x = beta m`` and ``y = m/sqrt(alpha r)``:
the Gaussian field is ``beta h = x zeta + (x/y) z``, so

    m = n^-1 E zeta tanh(x zeta + (x/y) z),   T = m/x,   1 - q = E sech^2(x zeta + (x/y) z),
    C = (1-q)/T,   r = q/(1-C)^2,   alpha = (m/y)^2 / r,

all explicit (no fixed point to iterate, no ill-conditioning when C is exponentially small:
C only enters through ``1 - C``).  At fixed T, ``T(x; y) = m/x`` decreases strictly from 1
(x -> 0) to 0 (x -> oo), so ``x(T, y)`` is one bracketed Brent root; the branch of solutions
at fixed T is then the curve ``y -> alpha(y)`` with ``alpha -> 0`` as ``y -> oo`` (alpha = 0 is
``y = oo``, b = 0 exactly).  Consequences:

* the solution at (alpha, T) is the root of ``alpha(y) = alpha`` on ``y > y_fold`` (Brent);
* the existence fold at fixed T (the retrieval spinodal T_M, the mixture existence line) is
  the first local maximum of ``alpha(y)`` met when the branch is continued from ``y = oo``
  downward (geometric continuation steps, then Brent's bounded maximiser); at T = 0 this is
  exactly ``alpha_n^c = max_y [(m - y g)/y]^2`` (Sec. 3.2, 3.5).  Taking the *first* maximum
  matters for mixtures, whose ``alpha(y)`` has a second, unrelated maximum at small y;
* every line is therefore computed in the form ``alpha_line(T)`` (one optimisation or Brent
  root per T); ``T_line(alpha)`` is the Brent root in T of ``alpha_line(T) - alpha``.
  This parametrisation is single-valued even where ``T_line(alpha)`` is not: the RS retrieval
  spinodal is slightly re-entrant near T = 0 (its alpha reaches a maximum ~0.1382 at T ~ 0.02,
  above alpha_c = 0.137906; a known artefact of replica symmetry [AGS87]).  ``T_M(alpha)`` is
  then defined as the *highest* temperature at which retrieval exists.

Gaussian averages use ``theory.gaussian`` (Gauss-Hermite for b <= 1, split/asymptotic method for
large b), accurate at the large ``b = x/y`` of low temperature.  Every returned state carries
the residual of the original AGS equations (m, q, r) evaluated at the returned values.

Conventions: free energies per neuron, including the constant ``alpha/2`` of ``J_ii = 0``.

Results and errors (the package's result contract, ``theory.solvers``)
---------------------------------------------------------------------
:func:`solve` returns a :class:`HopfieldState` whose ``status`` is ``"ok"``, ``"absent"`` (the
state does not exist at (alpha, T): e.g. retrieval beyond its spinodal, the spin glass above
T_g; the order parameters are ``nan``) or ``"unconverged"`` (the residual of the AGS equations
exceeds ``tol``, or a root finder stopped early); it never raises for these.  The functions
returning a number (``critical_temperature``, ``spinodal_alpha``, ``global_alpha``,
``mixture_alpha``) return ``nan`` where the line does not exist and raise
:class:`~theory.solvers.ConvergenceError` when a root finder does not converge.  Bad input
raises ``ValueError`` naming the parameter, before any work.  The bracket expansions, the
fold finder (first maximum of ``alpha(y)``) and the Brent roots are those of
:mod:`theory.solvers`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from numbers import Integral

import numpy as np
from scipy import optimize

from . import gaussian as gauss
from .mixtures import g_of_y, m_of_y, zeta_law
from .solvers import (ConvergenceError, NoSolution, bracketed_root, expand_bracket, first_maximum,
                      real_array)
from hopfield_phases._core.results import ABSENT, OK, UNCONVERGED, ResultContract
from hopfield_phases._core.validation import choice, integer, nonnegative, odd_integer, positive, real

__all__ = [
    "STATES",
    "LINES",
    "HopfieldState",
    "PhaseDiagram",
    "solve",
    "capacity",
    "capacity_overlap",
    "alpha_g",
    "critical_temperature",
    "mixture_temperature_zero_load",
    "spinodal_alpha",
    "global_alpha",
    "mixture_alpha",
    "spin_glass_temperature",
    "rs_free_energy",
    "phase_diagram",
    "NoSolution",
]

STATES = ("retrieval", "spin_glass", "paramagnet")
LINES = ("spin_glass", "retrieval_spinodal", "retrieval_global", "mixture")

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_RESIDUAL_TOL = 1e-9
_Y_START = 40.0  # start of the continuation from y = oo (alpha ~ 1e-3 there)
_Y_RATIO = 0.8  # geometric continuation step in y
_Y_MIN = 0.05


# ----------------------------------------------------------------------------------------
# results
# ----------------------------------------------------------------------------------------


@dataclass
class HopfieldState(ResultContract):
    """One RS saddle point of the AGS theory.

    Attributes
    ----------
    state : {"retrieval", "spin_glass", "paramagnet"}; n > 1 with "retrieval" is the
        symmetric n-mixture.
    n, alpha, T : the parameters.
    m : overlap with each condensed pattern (0 for spin glass / paramagnet).
    q : Edwards-Anderson order parameter.
    r : noise parameter of the non-condensed patterns (field variance ``alpha r``).
    C : ``beta (1 - q)`` (at T = 0 its limit).
    y : ``m / sqrt(alpha r)`` (``inf`` at alpha = 0; ``nan`` for m = 0 states).
    f : free energy per neuron, including the constant ``alpha/2`` (Sec. 3.1/3.2).
    lambda_asym : Hessian eigenvalue of the asymmetric directions of a mixture (Sec. 3.4);
        ``nan`` for n = 1 and for m = 0 states.
    lambda_out : ``1 - C`` (stability towards non-condensed patterns; must be > 0).
    status : ``"ok"``; ``"absent"`` when the state does not exist at (alpha, T) (order
        parameters ``nan``); ``"unconverged"`` when the residual exceeds the tolerance.
    residual : max |lhs - rhs| of the m, q, r equations at the returned values.
    iterations : Brent iterations of the final root (0 for closed forms).
    message : how the state was obtained, or why it is absent / unconverged.
    converged : read-only, ``status != "unconverged"`` (kept for old callers; as for every
        result type of the package).
    """

    state: str
    n: int
    alpha: float
    T: float
    m: float
    q: float
    r: float
    C: float
    y: float
    f: float
    lambda_asym: float
    lambda_out: float

    @property
    def converged(self) -> bool:
        return self.status != UNCONVERGED

    @property
    def beta(self) -> float:
        return math.inf if self.T == 0 else 1.0 / self.T

    def as_dict(self) -> dict:
        """Every field (order parameters first, then the contract fields) and ``converged``."""
        return _contract_last({k: getattr(self, k) for k in self.__dataclass_fields__},
                              converged=self.converged)


def _contract_last(values: dict, **extra) -> dict:
    contract = ("status", "message", "iterations", "residual")
    out = {k: v for k, v in values.items() if k not in contract}
    out.update({k: values[k] for k in contract})
    out.update(extra)
    return out


def _make_state(state, n, alpha, T, m, q, r, C, y, f, lambda_asym, lambda_out, residual, message,
                tol=None, iterations=0) -> HopfieldState:
    """A state with status "ok" when ``residual <= tol`` (default 1e-9), else "unconverged"."""
    tol = _RESIDUAL_TOL if tol is None else tol
    ok = bool(residual <= tol)
    if not ok:
        message = f"{message}; residual {residual:.3g} > tol {tol:.3g}"
    return HopfieldState(state, n, alpha, T, m, q, r, C, y, f, lambda_asym, lambda_out,
                         status=OK if ok else UNCONVERGED, residual=residual, message=message,
                         iterations=iterations)


def _absent_state(state, n, alpha, T, message, status=ABSENT) -> HopfieldState:
    nan = math.nan
    return HopfieldState(state, n, alpha, T, nan, nan, nan, nan, nan, nan, nan, nan,
                         status=status, message=message)


@dataclass
class PhaseDiagram(ResultContract):
    """The AGS phase diagram: every line as arrays ``alpha``, ``T`` plus key points.

    ``lines[name]`` is a dict with ``alpha``, ``T`` (float arrays, ``nan`` where the line does
    not exist at a requested alpha), ``n`` and ``binding`` (per point: ``"formula"``,
    ``"fold"``, ``"asym"`` or ``"free_energy"``).  Names: ``T_g``, ``T_M``, ``T_c`` and
    ``T_<n>`` for the mixture lines.  ``points`` holds ``alpha_c``, ``m_c``, ``alpha_g``,
    ``capacity_<n>``, ``T_<n>_zero_load``.

    ``status`` (result contract): ``"ok"`` (points where a line does not exist are ``nan``:
    a documented answer; ``message`` counts them), or ``"unconverged"`` when a root finder
    failed at some point (that point is ``nan`` too, and ``message`` names it).
    """

    lines: dict = field(default_factory=dict)
    points: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)
    """``(line, alpha or T, message)`` of every point where a root finder did not converge."""

    def rows(self) -> list[dict]:
        """Tidy rows ``line, n, alpha, T, binding`` of every line (for CSV / JSON)."""
        out = []
        for name, ln in self.lines.items():
            for a, t, b in zip(ln["alpha"], ln["T"], ln["binding"]):
                out.append({"line": name, "n": int(ln["n"]), "alpha": float(a), "T": float(t),
                            "binding": b})
        return out


# ----------------------------------------------------------------------------------------
# the explicit (x, y) map at finite T and the y map at T = 0
# ----------------------------------------------------------------------------------------


def _m_at(x: float, y: float, n: int) -> float:
    """``m = n^-1 E zeta tanh(x zeta + (x/y) z)`` (Sec. 3.1 with beta m = x, beta sqrt(ar) = x/y)."""
    zeta, prob = zeta_law(n)
    b = 0.0 if math.isinf(y) else x / y
    return float((prob * zeta) @ gauss.expect_tanh(x * zeta, np.full(zeta.shape, b)) / n)


def _one_minus_q(x: float, y: float, n: int) -> float:
    zeta, prob = zeta_law(n)
    b = 0.0 if math.isinf(y) else x / y
    return float(prob @ gauss.expect_sech2(x * zeta, np.full(zeta.shape, b)))


def _x_at(T: float, y: float, n: int, guess: float | None = None) -> float:
    """The unique x > 0 with ``m(x, y)/x = T`` (0 < T < 1); Brent in ln x.

    ``m(x,y)/x`` decreases strictly in x (tanh(u)/u decreases in |u|), from 1 at x -> 0 to 0,
    and is <= 1/x, so the root lies below ln(1.05/T)."""

    def F(u):
        x = math.exp(u)
        return _m_at(x, y, n) / x - T

    u_hi_max = math.log(1.05 / T)
    lo_ok = lambda f_in, f_out: f_out > 0  # noqa: E731 - the lower end must have F > 0
    hi_ok = lambda f_in, f_out: f_out <= 0  # noqa: E731 - the upper end must have F <= 0
    if guess is not None and guess > 0:
        # widen around the guess: lower end down, then upper end up (steps 0.05, x3 each)
        u0 = math.log(guess)
        lo, hi = u0 - 0.02, min(u0 + 0.02, u_hi_max)
        br = expand_bracket(F, hi, lo, step=-0.05, factor=3.0, limit=-40.0, clip=True,
                            until=lo_ok, what="overlap root (lower end)")
        (hi, lo), (f_hi, f_lo) = br.x, (br.extra["fa"], br.extra["fb"])
        br = expand_bracket(F, lo, hi, step=0.05 * 3.0**br.iterations, factor=3.0,
                            limit=u_hi_max, clip=True, until=hi_ok, fa=f_lo, fb=f_hi,
                            what="overlap root (upper end)")
        (lo, hi), (f_lo, f_hi) = br.x, (br.extra["fa"], br.extra["fb"])
    else:
        hi = u_hi_max
        br = expand_bracket(F, hi, hi - 2.0, step=-4.0, factor=1.0, limit=-40.0, clip=True,
                            until=lo_ok, what="overlap root")
        (hi, lo), (f_hi, f_lo) = br.x, (br.extra["fa"], br.extra["fb"])
    if not (f_lo > 0 >= f_hi):
        raise NoSolution(f"no overlap solution at T={T!r}, y={y!r} (T too close to 1)")
    r = bracketed_root(F, lo, hi, xtol=1e-14, rtol=1e-15, maxiter=200, fa=f_lo, fb=f_hi,
                       what="overlap root x(T, y)")
    if r.status != OK:
        raise ConvergenceError(r.message, r)
    return math.exp(r.x)


@dataclass
class _Point:
    """Order parameters of the RS family at (x, y) [finite T] or y [T = 0]."""

    T: float
    x: float
    y: float
    m: float
    q: float
    C: float
    r: float
    alpha: float


def _point_T(T: float, y: float, n: int, guess: float | None = None) -> _Point:
    x = _x_at(T, y, n, guess)
    m = T * x
    s2 = _one_minus_q(x, y, n)
    q = 1.0 - s2
    C = s2 / T
    r = q / (1.0 - C) ** 2
    alpha = 0.0 if math.isinf(y) else (m / y) ** 2 / r
    return _Point(T, x, y, m, q, C, r, alpha)


def _point_0(y: float, n: int) -> _Point:
    """T = 0 (Sec. 3.2): m(y), C = y g/m, r = (1-C)^-2, alpha = ((m - y g)/y)^2."""
    if math.isinf(y):
        zeta, prob = zeta_law(n)
        m = float(prob @ np.abs(zeta)) / n
        return _Point(0.0, math.inf, y, m, 1.0, 0.0, 1.0, 0.0)
    m = float(m_of_y(y, n))
    g = float(g_of_y(y, n))
    C = y * g / m
    r = (1.0 - C) ** -2
    alpha = ((m - y * g) / y) ** 2
    return _Point(0.0, math.inf, y, m, 1.0, C, r, alpha)


def _noise(p: _Point) -> float:
    """sqrt(alpha r) = m / y."""
    return 0.0 if math.isinf(p.y) else p.m / p.y


def _free_energy(p: _Point, n: int) -> float:
    """RS free energy of a retrieval / mixture point (Sec. 3.1; T = 0: f0 of Sec. 3.2)."""
    zeta, prob = zeta_law(n)
    s = _noise(p)
    a, T = p.alpha, p.T
    if T == 0:
        field_term = float(prob @ gauss.expect_abs(p.m * zeta, np.full(zeta.shape, s)))
        if a == 0:
            return n * p.m**2 / 2 - field_term
        return a / 2 + n * p.m**2 / 2 - (a / 2) / (1 - p.C) + (a / 2) * p.C * p.r - field_term
    b = 0.0 if math.isinf(p.y) else p.x / p.y
    field_term = T * float(prob @ gauss.expect_log2cosh(p.x * zeta, np.full(zeta.shape, b)))
    if a == 0:
        return n * p.m**2 / 2 - field_term
    return (a / 2 + n * p.m**2 / 2 + (a * T / 2) * math.log1p(-p.C) - (a / 2) * p.q / (1 - p.C)
            + (a / 2) * p.r * p.C - field_term)


def rs_free_energy(alpha, T, m, q, r, n=1) -> float:
    """The AGS RS free-energy functional f(m, q, r) of Sec. 3.1 at *arbitrary* order parameters
    (finite T; ``C = beta (1 - q)`` must be < 1).  At a saddle point it equals ``solve(...).f``
    and its gradient in (m, q, r) vanishes.  m = 0 gives the spin-glass functional (the
    ``n m^2/2`` term is then 0)."""
    alpha, T = nonnegative("alpha", alpha), positive("T", T)
    n = odd_integer("n", n)
    m, q, r = real("m", m), nonnegative("q", q), nonnegative("r", r)
    beta = 1.0 / T
    C = beta * (1.0 - q)
    if alpha > 0 and C >= 1.0:
        raise ValueError(f"q must satisfy beta (1 - q) < 1, got q={q!r} at T={T!r}")
    zeta, prob = zeta_law(n)
    b = beta * math.sqrt(alpha * r)
    field_term = T * float(prob @ gauss.expect_log2cosh(beta * m * zeta, np.full(zeta.shape, b)))
    if alpha == 0:
        return n * m**2 / 2 - field_term
    return (alpha / 2 + n * m**2 / 2 + (alpha / (2 * beta)) * (math.log1p(-C) - beta * q / (1 - C))
            + (alpha * beta / 2) * r * (1 - q) - field_term)


def _asym_weights(n: int) -> np.ndarray:
    zeta, _ = zeta_law(n)
    return 1.0 - (zeta**2 - n) / (n * (n - 1))


def _lambda_asym(p: _Point, n: int) -> float:
    """lambda_asym of Sec. 3.4 (finite T, and its T = 0 form)."""
    if n == 1:
        return math.nan
    zeta, prob = zeta_law(n)
    w = _asym_weights(n) * prob
    s = _noise(p)
    if p.T == 0:
        if s == 0:
            return 1.0
        return 1.0 - float(w @ (2.0 * _gauss_pdf(p.m * zeta / s))) / s
    b = 0.0 if math.isinf(p.y) else p.x / p.y
    return 1.0 - float(w @ gauss.expect_sech2(p.x * zeta, np.full(zeta.shape, b))) / p.T


def _gauss_pdf(x):
    return np.exp(-0.5 * np.square(x)) / math.sqrt(2.0 * math.pi)


def _residual(state: str, n: int, alpha: float, T: float, m: float, q: float, r: float) -> float:
    """max |lhs - rhs| of the AGS equations (Sec. 3.1 / 3.2) at the given order parameters,
    evaluated directly from their definitions (independent of the parametrisation); the r
    equation is taken in the equivalent, well-conditioned form ``sqrt(q/r) = 1 - C``."""
    zeta, prob = zeta_law(n)
    s = math.sqrt(alpha * r) if alpha > 0 else 0.0
    if T == 0:
        if s == 0:
            m_rhs = float(prob @ np.abs(zeta)) / n
            return abs(m - m_rhs) if state == "retrieval" else 0.0
        m_rhs = float((prob * zeta) @ gauss.expect_sign(m * zeta, np.full(zeta.shape, s))) / n
        C = float(prob @ (2.0 * _gauss_pdf(m * zeta / s))) / s
        # r = (1-C)^-2 in the well-conditioned form r^-1/2 = 1 - C (r is huge when C -> 1)
        return max(abs(m - m_rhs), abs(q - 1.0), abs(r**-0.5 - (1.0 - C)))
    beta = 1.0 / T
    a, b = beta * m * zeta, np.full(zeta.shape, beta * s)
    m_rhs = float((prob * zeta) @ gauss.expect_tanh(a, b)) / n
    one_minus_q = float(prob @ gauss.expect_sech2(a, b))
    q_rhs = 1.0 - one_minus_q
    C = beta * one_minus_q
    # r = q/(1-C)^2 in the well-conditioned form sqrt(q/r) = 1 - C
    res_r = abs(math.sqrt(q_rhs / r) - (1.0 - C)) if (alpha > 0 and r > 0) else 0.0
    return max(abs(m - m_rhs), abs(q - q_rhs), res_r)


def _state_from_point(p: _Point, n: int, message: str, tol=None, iterations=0) -> HopfieldState:
    res = _residual("retrieval", n, p.alpha, p.T, p.m, p.q, p.r)
    return _make_state("retrieval", n, p.alpha, p.T, p.m, p.q, p.r, p.C, p.y,
                       _free_energy(p, n), _lambda_asym(p, n), 1.0 - p.C, res, message, tol,
                       iterations)


# ----------------------------------------------------------------------------------------
# the branch at fixed T: continuation from y = oo, fold, solution at given alpha
# ----------------------------------------------------------------------------------------


class _Branch:
    """The retrieval / n-mixture branch at fixed T, parametrised by y (cached points)."""

    def __init__(self, T: float, n: int):
        if not 0.0 <= T < 1.0:
            raise NoSolution(f"T must be < 1 for retrieval and mixture states, got {T!r}")
        self.T, self.n = T, n
        self._cache: dict[float, _Point] = {}
        self._last_x: float | None = None
        self._fold: _Point | None = None

    def at(self, y: float) -> _Point:
        p = self._cache.get(y)
        if p is None:
            if self.T == 0:
                p = _point_0(y, self.n)
            else:
                p = _point_T(self.T, y, self.n, guess=self._last_x)
                self._last_x = p.x
            self._cache[y] = p
        return p

    def alpha(self, y: float) -> float:
        return self.at(y).alpha

    def fold(self, y_hint: float | None = None) -> _Point:
        """First local maximum of alpha(y) from y = oo: the existence fold at this T."""
        if self._fold is not None:
            return self._fold
        res = first_maximum(self.alpha, _Y_START, ratio=_Y_RATIO, stop=_Y_MIN, hint=y_hint,
                            hint_ratio=1.08, xatol_rel=1e-9,
                            what=f"existence fold of the n={self.n} branch at T={self.T!r}")
        if res.status == ABSENT:
            raise NoSolution(f"no existence fold found for n={self.n} at T={self.T!r}")
        if res.status != OK:
            raise ConvergenceError(res.message, res)
        self._fold = self.at(float(res.x))
        return self._fold

    def y_at_alpha(self, alpha: float) -> tuple[float, int]:
        """``(y, iterations)``: the y > y_fold with alpha(y) = alpha (alpha(y) decreases
        there to 0); bracket doubled from (y_fold, 2 y_fold), then Brent."""
        if alpha == 0:
            return math.inf, 0
        f = self.fold()
        if alpha > f.alpha:
            raise NoSolution(
                f"the n={self.n} state does not exist at alpha={alpha!r}, T={self.T!r}: "
                f"beyond its existence limit alpha={f.alpha:.6g} at this T")
        if alpha == f.alpha:
            return f.y, 0
        g = lambda v: self.alpha(v) - alpha  # noqa: E731
        br = expand_bracket(g, f.y, f.y * 2.0, factor=2.0, limit=1e12, fa=f.alpha - alpha,
                            until=lambda fa, fb: fb <= 0, what="y(alpha)")
        if br.status != OK:
            raise NoSolution(f"alpha={alpha!r} too small to resolve")
        lo, hi = br.x
        r = bracketed_root(g, lo, hi, xtol=1e-13 * hi, rtol=1e-15, maxiter=300,
                           what=f"y(alpha={alpha!r}) at T={self.T!r}")
        if r.status != OK:
            raise ConvergenceError(r.message, r)
        return r.x, r.iterations

    def root_along(self, fun, what: str) -> float:
        """The y in (y_fold, oo) where ``fun(point)`` changes sign (it must be > 0 at the
        fold side or at y -> oo and of opposite sign at the other end); Brent with bracket
        expansion towards large y."""
        f = self.fold()
        g = lambda v: fun(self.at(v))  # noqa: E731
        br = expand_bracket(g, f.y, f.y * 1.5, factor=2.0, limit=1e9,
                            until=lambda fa, fb: fa == 0 or fb == 0 or np.sign(fa) != np.sign(fb),
                            what=what)
        if br.status != OK:
            raise NoSolution(f"{what}: no sign change along the branch at T={self.T!r}")
        (lo, hi), v_lo, v_hi = br.x, br.extra["fa"], br.extra["fb"]
        r = bracketed_root(g, lo, hi, xtol=1e-12 * hi, maxiter=300, fa=v_lo, fb=v_hi,
                           what=f"{what} at T={self.T!r}")
        if r.status != OK:
            raise ConvergenceError(r.message, r)
        return r.x


@lru_cache(maxsize=4096)
def _branch(T: float, n: int) -> _Branch:
    return _Branch(T, n)


# ----------------------------------------------------------------------------------------
# spin glass and paramagnet
# ----------------------------------------------------------------------------------------


def _sg_alpha(b: float, T: float) -> tuple[float, float, float, float]:
    """SG family at fixed T parametrised by b = beta sqrt(alpha r): (alpha, q, C, r)."""
    s2 = float(gauss.expect_sech2(0.0, b))
    q = 1.0 - s2
    C = s2 / T
    if q <= 0.0:  # b -> 0 limit: alpha -> (T - 1)^2
        return (T - 1.0) ** 2, 0.0, C, 0.0
    alpha = (b * T * (1.0 - C)) ** 2 / q  # = (b T)^2 / r, finite also where C -> 1
    r = q / (1.0 - C) ** 2 if C != 1.0 else math.inf
    return alpha, q, C, r


def _spin_glass(alpha: float, T: float, tol=None) -> HopfieldState:
    if alpha == 0:
        raise NoSolution("the spin-glass state exists only for alpha > 0 (at alpha = 0 it "
                         "reduces to the paramagnet)")
    if T == 0:
        # C = a/(1+a), a = sqrt(2/(pi alpha)), r = (1-C)^-2, written with s = sqrt(alpha) and
        # k = sqrt(2/pi) so that nothing overflows or cancels as alpha -> 0:
        # 1 - C = s/(s+k), alpha r = (s+k)^2, (alpha/2)/(1-C) = s(s+k)/2, (alpha/2) C r = k(s+k)/2
        k, sa = _SQRT_2_OVER_PI, math.sqrt(alpha)
        C, one_minus_C = k / (sa + k), sa / (sa + k)
        r = (sa + k) ** 2 / alpha
        f = alpha / 2 - sa * (sa + k) / 2 + k * (sa + k) / 2 - k * (sa + k)
        if math.isfinite(r):
            res = _residual("spin_glass", 1, alpha, 0.0, 0.0, 1.0, r)
        else:  # r overflows (alpha < ~1e-308): the r equation r^-1/2 = 1 - C, m, q exact
            res = one_minus_C
        return _make_state("spin_glass", 1, alpha, 0.0, 0.0, 1.0, r, C, math.nan, f, math.nan,
                           one_minus_C, res, "T = 0 closed form (Sec. 3.2)", tol)
    if T >= 1.0 + math.sqrt(alpha):
        raise NoSolution(f"the spin-glass state does not exist at T={T!r} >= T_g = 1 + sqrt(alpha)")
    # physical domain: C < 1, i.e. E sech^2(b z) < T
    if T >= 1.0:
        b_lo = 0.0
    else:
        r0 = bracketed_root(lambda b: float(gauss.expect_sech2(0.0, b)) - T, 0.0, 10.0 / T,
                            xtol=1e-15, rtol=1e-15, what="spin glass: edge C = 1 of the domain")
        if r0.status != OK:
            raise ConvergenceError(r0.message, r0)
        b_lo = r0.x

    def F(b):
        if b <= b_lo:
            return -alpha if T < 1 else (T - 1.0) ** 2 - alpha
        return _sg_alpha(b, T)[0] - alpha

    # the lower end stays at the domain edge b_lo; the upper end doubles until F >= 0
    br = expand_bracket(F, b_lo, max(2.0 * b_lo, 1.0), factor=2.0, limit=1e12, slide=False,
                        until=lambda fa, fb: fb >= 0, what="spin glass b(alpha)")
    if br.status != OK:
        raise NoSolution("spin glass: alpha too large to resolve")
    rb = bracketed_root(F, b_lo, br.x[1], xtol=1e-15, rtol=1e-15, maxiter=300,
                        fb=br.extra["fb"], what="spin glass b(alpha)")
    if rb.status != OK:
        raise ConvergenceError(rb.message, rb)
    b = rb.x
    _, q, C, r = _sg_alpha(b, T)
    f = (alpha / 2 + (alpha * T / 2) * math.log1p(-C) - (alpha / 2) * q / (1 - C)
         + (alpha / 2) * r * C - T * float(gauss.expect_log2cosh(0.0, b)))
    res = _residual("spin_glass", 1, alpha, T, 0.0, q, r)
    return _make_state("spin_glass", 1, alpha, T, 0.0, q, r, C, math.nan, f, math.nan, 1.0 - C,
                       res, "Brent root in b = beta sqrt(alpha r) of the SG family at fixed T",
                       tol, rb.iterations)


def _paramagnet(alpha: float, T: float) -> HopfieldState:
    """m = q = r = 0, C = beta: f = alpha/2 + (alpha T/2) ln(1 - 1/T) - T ln 2 (T > 1)."""
    if alpha == 0:
        # no non-condensed patterns at alpha = 0: lambda_out is not defined
        return _make_state("paramagnet", 1, 0.0, T, 0.0, 0.0, 0.0, math.inf if T == 0 else 1 / T,
                           math.nan, -T * math.log(2.0), math.nan, math.nan, 0.0,
                           "alpha = 0: f = -T ln 2 (unstable in m for T < 1)")
    if T <= 1.0:
        raise NoSolution(f"the RS paramagnet at alpha > 0 needs T > 1 (C = 1/T < 1), got T={T!r}")
    C = 1.0 / T
    f = alpha / 2 + (alpha * T / 2) * math.log1p(-C) - T * math.log(2.0)
    return _make_state("paramagnet", 1, alpha, T, 0.0, 0.0, 0.0, C, math.nan, f, math.nan,
                       1.0 - C, 0.0, "closed form")


# ----------------------------------------------------------------------------------------
# public: solve, capacity, alpha_g
# ----------------------------------------------------------------------------------------


def _check_alpha_T(alpha, T):
    return nonnegative("alpha", alpha), nonnegative("T", T)


def solve(alpha, T, n=1, state="retrieval", *, tol=_RESIDUAL_TOL) -> HopfieldState:
    """RS saddle point of the AGS theory at load ``alpha`` and temperature ``T``.

    ``state="retrieval"`` with ``n = 1`` is retrieval of one pattern, with odd ``n > 1`` the
    symmetric n-mixture (on its stable, large-y branch; it may be unstable through
    ``lambda_asym < 0``: check ``result.lambda_asym``).  ``"spin_glass"`` and ``"paramagnet"``
    are the m = 0 states (``n`` is ignored for them).  Equations: module docstring (Sec. 3.1,
    3.2).

    Returns a :class:`HopfieldState` with ``status`` "ok"; "absent" (order parameters
    ``nan``, the reason in ``message``) when the state does not exist at (alpha, T), e.g.
    retrieval beyond its spinodal; "unconverged" when the residual of the AGS equations at the
    returned values exceeds ``tol`` (default 1e-9) or a root finder stopped early.  Never
    raises for these; raises ``ValueError`` (naming the parameter) for bad input.
    """
    alpha, T = _check_alpha_T(alpha, T)
    n = odd_integer("n", n)
    choice("state", state, STATES)
    tol = positive("tol", tol)
    name = "retrieval" if state == "retrieval" else state
    try:
        if state == "spin_glass":
            return _spin_glass(alpha, T, tol)
        if state == "paramagnet":
            return _paramagnet(alpha, T)
        if T >= 1.0:
            raise NoSolution(f"the n={n} retrieval/mixture state does not exist at T={T!r} >= 1")
        br = _branch(T, n)
        y, its = br.y_at_alpha(alpha)
        p = br.at(y)
        p = _Point(p.T, p.x, p.y, p.m, p.q, p.C, p.r, alpha)  # alpha(y) = alpha to ~1e-16
        how = ("T = 0 one-variable form in y (Sec. 3.2)" if T == 0
               else "explicit (x, y) parametrisation, Brent root in y (module docstring)")
        return _state_from_point(p, n, how, tol, its)
    except NoSolution as exc:
        return _absent_state(name, n if state == "retrieval" else 1, alpha, T, str(exc))
    except ConvergenceError as exc:
        return _absent_state(name, n if state == "retrieval" else 1, alpha, T, str(exc),
                             status=UNCONVERGED)


@lru_cache(maxsize=64)
def _capacity_point(n: int) -> _Point:
    return _Branch(0.0, n).fold()


def capacity(n=1) -> float:
    """Zero-temperature capacity ``alpha_n^c = max_y [(m(y) - y g(y))/y]^2`` (Sec. 3.2), the
    maximum taken at the first local maximum met from y = oo (the existence fold of the
    branch that starts at alpha = 0).  n = 1: 0.137906; n = 3: 0.029942."""
    n = odd_integer("n", n)
    return _capacity_point(n).alpha


def capacity_overlap(n=1) -> float:
    """The overlap m at the T = 0 existence limit (m_c ~ 0.967 for n = 1, Sec. 3.2)."""
    n = odd_integer("n", n)
    return _capacity_point(n).m


def _delta_f(br: _Branch):
    """f_retrieval - f_SG along the retrieval branch at the branch's T."""

    def fun(p: _Point) -> float:
        if p.alpha <= 0:
            return -1.0  # alpha -> 0: retrieval is the global minimum (T < 1)
        return _free_energy(p, 1) - _spin_glass(p.alpha, p.T).f

    return fun


@lru_cache(maxsize=1)
def _alpha_g_point() -> _Point:
    br = _Branch(0.0, 1)
    y = br.root_along(_delta_f(br), "T = 0 global-minimum limit")
    return br.at(y)


def alpha_g() -> float:
    """The load where retrieval stops being the global minimum at T = 0: root of
    ``f0(alpha) = f_SG(alpha)`` (Sec. 3.2), by Brent's method along the T = 0 branch.
    AGS quote 0.051; see ``docs/theory/rfhm_theory.md`` Sec. 6 item 4."""
    return _alpha_g_point().alpha


# ----------------------------------------------------------------------------------------
# lines in the form alpha_line(T)
# ----------------------------------------------------------------------------------------


def _check_T_line(T) -> float:
    T = nonnegative("T", T)
    return T


def spinodal_alpha(T, n=1, y_hint=None) -> float:
    """Existence limit ``alpha`` of the n-state at temperature T (the retrieval spinodal
    T_M for n = 1, the mixture existence fold for n > 1): the first maximum of alpha(y)
    along the branch at fixed T (:func:`theory.solvers.first_maximum`).  0 for T >= 1;
    ``nan`` if no fold is found (absent); ``y_hint``: a guess of the fold's y."""
    T = _check_T_line(T)
    n = odd_integer("n", n)
    if y_hint is not None:
        y_hint = positive("y_hint", y_hint)
    try:
        return _spinodal_alpha_raw(T, n, y_hint)
    except NoSolution:
        return math.nan


def _spinodal_alpha_raw(T: float, n: int, y_hint=None) -> float:
    return _spinodal_point(T, n, y_hint).alpha if T < 1 else 0.0


def _spinodal_point(T: float, n: int, y_hint=None) -> _Point:
    return _branch(T, n).fold(y_hint)


def global_alpha(T) -> float:
    """alpha on the line T_c where ``f_retrieval = f_SG`` at temperature T (Sec. 3.3):
    Brent root along the retrieval branch at fixed T.  alpha_g at T = 0; 0 for T >= 1;
    ``nan`` where the crossing is not found (absent)."""
    T = _check_T_line(T)
    try:
        return _global_alpha_raw(T)
    except NoSolution:
        return math.nan


def _global_alpha_raw(T: float) -> float:
    if T >= 1:
        return 0.0
    br = _branch(T, 1)
    y = br.root_along(_delta_f(br), "T_c")
    return br.at(y).alpha


def mixture_temperature_zero_load(n) -> float:
    """T_n at alpha = 0: the root in x = beta m of lambda_asym = 0 on the symmetric mixture
    ``m = n^-1 E zeta tanh(x zeta)``, T = m/x (Sec. 3.4).  ~0.460 for n = 3."""
    return _mixture_T0(odd_integer("n", n, minimum=3))


@lru_cache(maxsize=64)
def _mixture_T0(n: int) -> float:
    def lam(u):
        x = math.exp(u)
        return _lambda_asym(_point_xy(x, math.inf, n), n)

    lo, hi = math.log(0.5), math.log(50.0)
    r = bracketed_root(lam, lo, hi, xtol=1e-14, rtol=1e-15, what=f"T_{n} at alpha = 0")
    if r.status == ABSENT:  # pragma: no cover - the bracket holds the root for every odd n >= 3
        return math.nan
    if r.status != OK:
        raise ConvergenceError(r.message, r)
    return _point_xy(math.exp(r.x), math.inf, n).T


def _point_xy(x: float, y: float, n: int) -> _Point:
    m = _m_at(x, y, n)
    T = m / x
    s2 = _one_minus_q(x, y, n)
    q = 1.0 - s2
    C = s2 / T
    r = q / (1.0 - C) ** 2
    alpha = 0.0 if math.isinf(y) else (m / y) ** 2 / r
    return _Point(T, x, y, m, q, C, r, alpha)


def _mixture_alpha_info(T: float, n: int, y_hint=None) -> tuple[float, str, _Point]:
    """(alpha_n(T), binding, point): the lower of the existence fold and lambda_asym = 0."""
    Tn = _mixture_T0(n)
    if T >= Tn:
        return 0.0, "asym", None
    br = _branch(T, n)
    f = br.fold(y_hint)
    if _lambda_asym(f, n) >= 0:
        return f.alpha, "fold", f
    y = br.root_along(lambda p: _lambda_asym(p, n), "lambda_asym = 0")
    p = br.at(y)
    return p.alpha, "asym", p


def mixture_alpha(T, n=3) -> float:
    """alpha on the mixture stability line at temperature T (Sec. 3.4): the lower of the
    existence fold and the lambda_asym = 0 point along the symmetric branch.  0 for
    T >= T_n(alpha = 0).  ``n = 1`` gives the retrieval spinodal.  ``nan`` where the line is
    not found (absent)."""
    T = _check_T_line(T)
    n = odd_integer("n", n)
    try:
        return _mixture_alpha_raw(T, n)
    except NoSolution:
        return math.nan


def _mixture_alpha_raw(T: float, n: int) -> float:
    if n == 1:
        return _spinodal_alpha_raw(T, 1)
    return _mixture_alpha_info(T, n)[0]


def spin_glass_temperature(alpha) -> float:
    """T_g = 1 + sqrt(alpha) (Sec. 3.3)."""
    return 1.0 + math.sqrt(nonnegative("alpha", alpha))


# ----------------------------------------------------------------------------------------
# T_line(alpha): Brent in T on alpha_line(T) - alpha
# ----------------------------------------------------------------------------------------


def _line_function(line: str, n: int):
    if line == "retrieval_spinodal":
        return lambda T: _spinodal_alpha_raw(T, n)
    if line == "retrieval_global":
        return _global_alpha_raw
    return lambda T: _mixture_alpha_raw(T, n)


def _line_top(line: str, n: int) -> float:
    """The temperature where the line meets alpha = 0."""
    if line == "mixture" and n > 1:
        return _mixture_T0(n)
    return 1.0


@lru_cache(maxsize=64)
def _line_nose(line: str, n: int) -> tuple[float, float]:
    """(T*, alpha*) maximising alpha_line(T): the line's largest alpha and where it is.
    The RS lines can be re-entrant near T = 0 (alpha_line rises slightly with T first)."""
    fun = _line_function(line, n)
    top = _line_top(line, n)
    a0 = fun(0.0)
    # if the maximum is not at T = 0 it lies at low T (re-entrance): bounded Brent maximiser
    res = optimize.minimize_scalar(lambda t: -fun(t), bounds=(0.0, 0.25 * top), method="bounded",
                                   options={"xatol": 1e-7})
    if not res.success:
        raise ConvergenceError(f"largest alpha of line {line!r} (n={n}): {res.message}")
    if -res.fun <= a0:
        return 0.0, float(a0)
    return float(res.x), float(-res.fun)


def critical_temperature(alpha, line, n=1) -> float:
    """Temperature of a phase boundary at load ``alpha`` (Sec. 3.3, 3.4).

    ``line``:

    * ``"spin_glass"``: T_g = 1 + sqrt(alpha) (n ignored);
    * ``"retrieval_spinodal"``: T_M, the highest T at which the n-state (n = 1: retrieval)
      exists (its existence fold); 1 at alpha = 0; reaches 0 at ``capacity(n)``;
    * ``"retrieval_global"``: T_c, where ``f_retrieval = f_SG`` (n must be 1); reaches 0 at
      :func:`alpha_g`;
    * ``"mixture"``: T_n, the stability limit of the symmetric n-mixture, the lower of the
      lambda_asym = 0 line and the existence fold (n = 1: same as retrieval_spinodal).

    Each is the Brent root in T of ``alpha_line(T) - alpha`` where ``alpha_line(T)`` is itself a
    Brent root or bounded maximisation (no grid scan).  Where the RS line is re-entrant the
    upper temperature is returned.  Returns ``nan`` where the line does not exist at this
    alpha (beyond its largest alpha); raises :class:`~theory.solvers.ConvergenceError` if a
    root finder does not converge.
    """
    alpha = nonnegative("alpha", alpha)
    choice("line", line, LINES)
    n = odd_integer("n", n)
    if line == "spin_glass":
        return 1.0 + math.sqrt(alpha)
    if line == "retrieval_global" and n != 1:
        raise ValueError(f"n must be 1 for line='retrieval_global' (a mixture is never the "
                         f"global minimum), got {n!r}")
    try:
        return _critical_temperature_raw(alpha, line, n)
    except NoSolution:
        return math.nan


def _critical_temperature_raw(alpha: float, line: str, n: int) -> float:
    top = _line_top(line, n)
    if alpha == 0:
        return top
    t_nose, a_nose = _line_nose(line, n)
    if alpha > a_nose:
        raise NoSolution(f"line {line!r} (n={n}) does not exist at alpha={alpha!r}: its largest "
                         f"alpha is {a_nose:.6g}")
    fun = _line_function(line, n)
    if alpha == a_nose:
        return t_nose
    r = bracketed_root(lambda t: fun(t) - alpha, t_nose, top, xtol=1e-12, rtol=1e-15,
                       maxiter=200, what=f"T of line {line!r} (n={n}) at alpha={alpha!r}")
    if r.status == ABSENT:
        raise NoSolution(r.message)
    if r.status != OK:
        raise ConvergenceError(r.message, r)
    return float(r.x)


# ----------------------------------------------------------------------------------------
# phase diagram
# ----------------------------------------------------------------------------------------


def _T_grid(top: float, points: int) -> np.ndarray:
    """Temperatures 0..top, denser near both ends (cosine spacing)."""
    s = np.linspace(0.0, 1.0, points)
    return top * 0.5 * (1.0 - np.cos(np.pi * s))


def _line_by_T(line: str, n: int, points: int, failures: list) -> dict:
    top = _line_top(line, n)
    Ts = _T_grid(top, points)
    alphas, binding = np.empty(points), []
    hint = None
    for i, T in enumerate(Ts):
        T = float(T)
        if i == points - 1:
            alphas[i] = 0.0
            binding.append("asym" if (line == "mixture" and n > 1) else
                           ("free_energy" if line == "retrieval_global" else "fold"))
            continue
        how = "free_energy" if line == "retrieval_global" else "fold"
        try:
            if line == "retrieval_global":
                alphas[i] = _global_alpha_raw(T)
            elif line == "retrieval_spinodal" or n == 1:
                p = _spinodal_point(T, n, hint)
                hint = p.y
                alphas[i] = p.alpha
            else:
                a, how, p = _mixture_alpha_info(T, n, hint)
                if how == "fold":
                    hint = p.y
                alphas[i] = a
        except NoSolution:
            alphas[i] = math.nan  # absent at this T
        except ConvergenceError as exc:
            alphas[i] = math.nan
            failures.append((line, n, T, str(exc)))
        binding.append(how)
    return {"alpha": alphas, "T": Ts, "n": n, "binding": binding}


def _line_by_alpha(line: str, n: int, alphas: np.ndarray, failures: list) -> dict:
    Ts = np.empty(alphas.shape)
    binding = []
    for i, a in enumerate(alphas):
        try:
            Ts[i] = critical_temperature(float(a), line, n)  # nan where the line does not exist
        except ConvergenceError as exc:
            Ts[i] = math.nan
            failures.append((line, n, float(a), str(exc)))
        if line == "spin_glass":
            binding.append("formula")
        elif line == "retrieval_global":
            binding.append("free_energy")
        elif line == "mixture" and n > 1 and math.isfinite(Ts[i]) and a > 0:
            try:
                binding.append(_mixture_alpha_info(float(Ts[i]), n)[1])
            except (NoSolution, ConvergenceError):  # pragma: no cover - found just above
                binding.append("asym")
        elif line == "mixture" and n > 1:
            binding.append("asym")
        else:
            binding.append("fold")
    return {"alpha": np.asarray(alphas, dtype=float), "T": Ts, "n": n, "binding": binding}


def _as_tuple(name: str, value) -> tuple:
    """A scalar (number or string) as a one-element tuple, any other iterable as a tuple;
    ValueError naming ``name`` for anything else (e.g. None)."""
    if isinstance(value, (str, Integral)) or np.ndim(value) == 0 and not hasattr(value, "__iter__"):
        return (value,)
    try:
        return tuple(value)
    except TypeError:
        raise ValueError(f"{name} must be a sequence, got {value!r}") from None


def phase_diagram(alphas=None, lines=LINES, n_list=(3, 5, 7), points: int = 60) -> PhaseDiagram:
    """Every AGS line (Sec. 3.3, 3.4) and the key points.

    ``alphas=None``: each line is traced with ``points`` points in its natural, single-valued
    parametrisation ``alpha_line(T)`` (temperatures from 0 to the line's top, cosine-spaced;
    T_g on a sqrt-spaced alpha grid up to 0.16).  With ``alphas`` given, every line is
    evaluated at those loads through :func:`critical_temperature` (``nan`` where a line does not
    exist).  ``lines`` is a subset of :data:`LINES`; ``"mixture"`` is drawn for every n in
    ``n_list`` (odd, >= 3; a single integer is accepted).  Returns a :class:`PhaseDiagram`
    (result contract: status "unconverged", never an exception, if a root finder failed at
    some point, which is then ``nan``).
    """
    lines = _as_tuple("lines", lines)
    for ln in lines:
        choice("lines", ln, LINES)
    n_list = tuple(odd_integer("n_list", n, minimum=3) for n in _as_tuple("n_list", n_list))
    points = integer("points", points, minimum=2)
    if alphas is not None:
        alphas = np.atleast_1d(real_array("alphas", alphas, minimum=0.0))
        if alphas.ndim != 1 or alphas.size == 0:
            raise ValueError("alphas must be a non-empty 1-d sequence")
    d = PhaseDiagram()
    d.points["alpha_c"] = capacity(1)
    d.points["m_c"] = capacity_overlap(1)
    for ln in lines:
        if ln == "spin_glass":
            if alphas is None:
                a = 0.16 * np.linspace(0.0, 1.0, points) ** 2
                d.lines["T_g"] = {"alpha": a, "T": 1.0 + np.sqrt(a), "n": 1,
                                  "binding": ["formula"] * points}
            else:
                d.lines["T_g"] = _line_by_alpha(ln, 1, alphas, d.failures)
        elif ln == "retrieval_spinodal":
            d.lines["T_M"] = (_line_by_T(ln, 1, points, d.failures) if alphas is None
                              else _line_by_alpha(ln, 1, alphas, d.failures))
        elif ln == "retrieval_global":
            d.points["alpha_g"] = alpha_g()
            d.lines["T_c"] = (_line_by_T(ln, 1, points, d.failures) if alphas is None
                              else _line_by_alpha(ln, 1, alphas, d.failures))
        else:
            for n in n_list:
                d.points[f"capacity_{n}"] = capacity(n)
                d.points[f"T_{n}_zero_load"] = mixture_temperature_zero_load(n)
                d.lines[f"T_{n}"] = (_line_by_T(ln, n, points, d.failures) if alphas is None
                                     else _line_by_alpha(ln, n, alphas, d.failures))
    n_nan = sum(int(np.sum(np.isnan(ln["T"]) | np.isnan(ln["alpha"]))) for ln in d.lines.values())
    if d.failures:
        d.status = UNCONVERGED
        d.message = (f"{len(d.failures)} point(s) unconverged (nan), first: line "
                     f"{d.failures[0][0]!r} n={d.failures[0][1]} at {d.failures[0][2]:.6g}: "
                     f"{d.failures[0][3]}")
    else:
        d.message = (f"{len(d.lines)} lines; {n_nan} point(s) where a line does not exist (nan)"
                     if n_nan else f"{len(d.lines)} lines")
    return d
