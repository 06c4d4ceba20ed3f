"""Solver core shared by every saddle-point computation in ``theory/``.

* :func:`fixed_point` - damped fixed-point iteration ``x <- (1-d) x + d F(x)``.
* :func:`polish_root` - Newton-type root polishing (``scipy.optimize.root``).
* :func:`expand_bracket` - the one bracket-widening loop of the package: moves one end of an
  interval outward (geometrically, or by growing additive steps) until a condition (by default
  a sign change) holds, or gives up at a limit with status ``"absent"``.
* :func:`bracketed_root` - Brent's method on a bracket, with its convergence checked.
* :func:`find_boundary` - a boundary as the root of a scalar condition: :func:`expand_bracket`
  then :func:`bracketed_root`.
* :func:`first_maximum` - the first local maximum of a scalar function met when a branch is
  followed geometrically from a start value (the existence fold of a branch parametrised
  explicitly, e.g. ``alpha(y)`` of the AGS theory), refined by Brent's bounded maximiser.
* :func:`continue_branch` - continuation of a solution branch along a parameter with step
  halving, for branches known only through a solver that fails past the fold.
* :func:`locate_fold` - bisection on existence between a parameter where a branch exists and
  one where it does not (the fallback when only a yes/no existence test is available; where
  the branch has an explicit parametrisation, :func:`first_maximum` is faster and more
  precise: superlinear instead of one bit per evaluation).

Result contract (``hopfield_phases._core.results``; README "Results and errors")
-------------------------------------------------------------------------------
Every result object derives from :class:`~hopfield_phases._core.results.ResultContract`:
``status`` is ``"ok"``, ``"absent"`` (the object - root, bracket, maximum, state, boundary -
does not exist in the range searched: a documented answer, not a failure) or
``"unconverged"`` (the solver gave up: the numbers are the last iterate and must not be used),
with ``message``, ``iterations`` and ``residual``.  The policy, applied in every theory module:

* a function that returns a result object never raises for absence or non-convergence: it
  says so in ``status`` (``fixed_point``/``polish_root`` keep their historical
  ``raise_on_failure=True`` default and raise :class:`ConvergenceError` only when asked to);
* a function that returns a bare number (a boundary location) returns ``nan`` for "absent"
  and raises :class:`ConvergenceError` for "unconverged".  The low-level
  :func:`find_boundary` and :func:`locate_fold` signal "absent" with :class:`NoSolution`
  instead, which every public boundary function of the package translates to ``nan``;
* bad input raises ``ValueError`` naming the parameter, before any work
  (``hopfield_phases._core.validation``).

Every result type keeps the read-only ``converged`` of old callers as ``status !=
"unconverged"`` (``success`` is ``status == "ok"``; ``RFHMSolution.exists`` too).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
from scipy import optimize

from hopfield_phases._core.results import ABSENT, OK, UNCONVERGED, ResultContract
from hopfield_phases._core.validation import integer, positive, real

__all__ = [
    "SolverResult",
    "ConvergenceError",
    "NoSolution",
    "fixed_point",
    "polish_root",
    "expand_bracket",
    "bracketed_root",
    "find_boundary",
    "first_maximum",
    "continue_branch",
    "Branch",
    "locate_fold",
    "real_array",
    "check_callable",
]


@dataclass(init=False)
class SolverResult(ResultContract):
    """Outcome of an iterative solve.

    Attributes
    ----------
    x : ndarray
        The solution vector (last iterate when not converged; for :func:`expand_bracket` the
        bracket ``(a, b)``; for :func:`first_maximum` the location).
    status, message, iterations, residual
        The result contract (module docstring).  ``residual`` is the max-norm of
        ``F(x) - x`` (fixed point) or of ``f(x)`` (root).
    extra : dict
        Solver-specific information (e.g. the values at the ends of a bracket).
    converged : bool
        Read-only, ``status != "unconverged"`` (kept for old callers).

    The historical positional constructor ``SolverResult(x, converged, iterations, residual,
    message, extra)`` still works; ``status=`` (keyword) overrides ``converged``.
    """

    x: np.ndarray = None
    extra: dict = field(default_factory=dict)

    def __init__(self, x=None, converged: bool | None = None, iterations: int = 0,
                 residual: float = math.nan, message: str = "", extra: dict | None = None, *,
                 status: str | None = None):
        if status is None:
            status = OK if (converged is None or converged) else UNCONVERGED
        self.x = x
        self.extra = {} if extra is None else extra
        self.status = status
        self.message = message
        self.iterations = int(iterations)
        self.residual = float(residual)
        self.__post_init__()

    @property
    def converged(self) -> bool:
        return self.status != UNCONVERGED

    def raise_if_failed(self, what: str = "solver") -> "SolverResult":
        if self.status == UNCONVERGED:
            raise ConvergenceError(f"{what} did not converge: {self.message}", self)
        return self


class ConvergenceError(RuntimeError):
    """An iterative solver did not converge; ``.result`` holds the last state."""

    def __init__(self, message: str, result: SolverResult | None = None):
        super().__init__(message)
        self.result = result


class NoSolution(ValueError):
    """The requested object (root, branch, boundary) does not exist in the given range."""


# ----------------------------------------------------------------------------------------
# argument checks shared by the theory modules (arrays; scalars use _core.validation)
# ----------------------------------------------------------------------------------------


def real_array(name: str, values, minimum: float | None = None, finite: bool = True) -> np.ndarray:
    """``values`` as a float array of finite numbers (``>= minimum`` if given; with
    ``finite=False`` infinities and NaN pass, for functions that propagate them).

    Booleans, strings and bytes are refused (no silent coercion), as by
    ``hopfield_phases._core.validation``; ValueError naming ``name`` otherwise."""
    if isinstance(values, (float, int)) and not isinstance(values, bool):
        try:
            arr = np.asarray(float(values))
        except OverflowError:
            raise ValueError(f"{name} must be finite, got a number too large for a float") from None
    else:
        if isinstance(values, (str, bytes, bytearray)):
            raise ValueError(f"{name} must be real numbers, got {values!r}")
        try:
            arr = np.asarray(values)
            if not isinstance(values, np.ndarray) and arr.dtype.kind in "iuf" and any(
                    isinstance(v, (bool, np.bool_)) for v in np.asarray(values, dtype=object).flat):
                raise ValueError  # a bool mixed into a list of numbers
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be real numbers, got {values!r}") from None
        if arr.dtype.kind not in "iuf":
            if arr.dtype.kind == "O" and arr.size and all(
                    not isinstance(v, (bool, str, bytes, bytearray)) for v in arr.flat):
                try:
                    arr = arr.astype(float)
                except (TypeError, ValueError, OverflowError):
                    raise ValueError(f"{name} must be real numbers, got {values!r}") from None
            else:
                raise ValueError(f"{name} must be real numbers, got {values!r}")
        arr = arr.astype(float, copy=False)
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {values!r}")
    if minimum is not None and arr.size and np.min(arr) < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {values!r}")
    return arr


def check_callable(name: str, value) -> Callable:
    """``value`` if callable; ValueError naming ``name`` otherwise."""
    if not callable(value):
        raise ValueError(f"{name} must be callable, got {value!r}")
    return value


_FLOATS = (float, np.float64)


def _real(name, value) -> float:
    """:func:`_core.validation.real` with a fast path for plain finite floats (these checks
    run inside the inner loops of every solver)."""
    if type(value) in _FLOATS and value - value == 0.0:
        return float(value)
    return real(name, value)


def _tol(name, value) -> float:
    if type(value) in _FLOATS and value > 0.0 and value - value == 0.0:
        return float(value)
    return positive(name, value)


def fixed_point(
    update: Callable[[np.ndarray], np.ndarray],
    x0,
    damping: float = 0.5,
    tol: float = 1e-12,
    max_iter: int = 20000,
    raise_on_failure: bool = True,
    what: str = "fixed-point iteration",
) -> SolverResult:
    """Damped fixed-point iteration ``x <- (1 - damping) x + damping * update(x)``.

    Converged (status "ok") when ``max|update(x) - x| <= tol * (1 + max|x|)``.  Non-finite
    iterates or ``max_iter`` reached give status "unconverged" (raised as
    :class:`ConvergenceError` when ``raise_on_failure``).
    """
    check_callable("update", update)
    x = real_array("x0", x0).copy()
    damping = real("damping", damping)
    if not 0.0 < damping <= 1.0:
        raise ValueError(f"damping must be in (0, 1], got {damping}")
    tol = _tol("tol", tol)
    max_iter = integer("max_iter", max_iter, minimum=1)
    res = math.inf
    for it in range(1, max_iter + 1):
        fx = np.asarray(update(x), dtype=float)
        if not np.all(np.isfinite(fx)):
            result = SolverResult(x, False, it, math.inf, "non-finite update")
            break
        res = float(np.max(np.abs(fx - x))) if fx.size else 0.0
        if res <= tol * (1.0 + float(np.max(np.abs(x))) if x.size else 1.0):
            result = SolverResult(fx, True, it, res, "converged")
            break
        x = (1.0 - damping) * x + damping * fx
    else:
        result = SolverResult(x, False, max_iter, res, f"max_iter={max_iter} reached, residual {res:.3g}")
    if raise_on_failure:
        result.raise_if_failed(what)
    return result


def polish_root(
    fun: Callable[[np.ndarray], np.ndarray],
    x0,
    tol: float = 1e-12,
    method: str = "hybr",
    raise_on_failure: bool = True,
    what: str = "root polish",
) -> SolverResult:
    """Solve ``fun(x) = 0`` from ``x0`` with ``scipy.optimize.root`` and report the residual
    (status "ok" when the max-norm residual is <= ``max(1e3 tol, 1e-9)``)."""
    check_callable("fun", fun)
    x0 = np.atleast_1d(real_array("x0", x0))
    tol = _tol("tol", tol)
    if not isinstance(method, str):
        raise ValueError(f"method must be a scipy.optimize.root method name, got {method!r}")
    with np.errstate(all="ignore"):
        sol = optimize.root(fun, x0, method=method, tol=tol)
        f = np.atleast_1d(np.asarray(fun(sol.x), dtype=float))
    res = float(np.max(np.abs(f))) if np.all(np.isfinite(f)) else math.inf
    ok = bool(np.all(np.isfinite(sol.x))) and res <= max(1e3 * tol, 1e-9)
    result = SolverResult(
        np.asarray(sol.x, dtype=float), ok, int(getattr(sol, "nfev", 0)), res, str(sol.message)
    )
    if raise_on_failure:
        result.raise_if_failed(what)
    return result


def _sign_change(fa: float, fb: float) -> bool:
    return fb == 0 or np.sign(fa) != np.sign(fb)


def expand_bracket(
    f: Callable[[float], float],
    a: float,
    b: float,
    *,
    factor: float = 2.0,
    step: float | None = None,
    limit: float | None = None,
    clip: bool = False,
    max_expand: int = 60,
    slide: bool = True,
    until: Callable[[float, float], bool] | None = None,
    fa: float | None = None,
    fb: float | None = None,
    allow_inf: bool = False,
    what: str = "bracket",
) -> SolverResult:
    """Move the end ``b`` of ``[a, b]`` away from ``a`` until ``until(f(a), f(b))`` holds.

    The one bracket-widening loop of the package.  Each expansion first slides the inner end
    to the old outer one (``a <- b``, when ``slide``; the interval then keeps the last two
    points, as a continuation does) and then moves ``b``:

    * ``step=None``: geometrically, ``b <- b * factor`` (``factor > 1`` moves away from 0,
      ``0 < factor < 1`` towards it);
    * ``step`` given: additively, ``b <- b + step`` with ``step <- step * factor`` (the sign of
      ``step`` gives the direction; ``factor = 1`` for equal steps).

    ``limit`` bounds ``b``: a move that would pass it gives up with status "absent" without
    evaluating ``f`` there, or, with ``clip=True``, evaluates at ``limit`` itself and gives up
    only if the condition still fails there.  ``until`` defaults to a sign change
    (``f(b) == 0`` or ``sign f(a) != sign f(b)``).  A non-finite ``f`` also ends the search
    with status "absent" (with ``allow_inf=True`` only NaN does: a condition that is
    ``-inf`` off a physical branch is then simply "not yet").  ``fa``/``fb`` may pass values
    already known (with ``slide=False`` and an ``until`` that ignores ``fa``, ``fa`` is never
    used).

    Returns a :class:`SolverResult` with ``x = (a, b)`` (the last bracket),
    ``extra = {"fa", "fb"}``, ``iterations`` = number of expansions and status "ok" when the
    condition holds, "absent" when it never did within ``limit``/``max_expand``.
    """
    check_callable("f", f)
    a, b = _real("a", a), _real("b", b)
    factor = _tol("factor", factor)
    if step is not None:
        step = _real("step", step)
        if step == 0:
            raise ValueError("step must be nonzero")
    elif factor == 1.0:
        raise ValueError("factor must differ from 1 for a geometric expansion")
    if limit is not None:
        limit = _real("limit", limit)
    max_expand = integer("max_expand", max_expand, minimum=0)
    if until is not None:
        check_callable("until", until)
    cond = until or _sign_change
    fa = f(a) if fa is None else fa
    fb = f(b) if fb is None else fb
    n = 0
    bad = (lambda v: np.isnan(v)) if allow_inf else (lambda v: not np.isfinite(v))
    while True:
        if bad(fa) or bad(fb):
            return SolverResult(np.array([a, b]), iterations=n, status=ABSENT,
                                message=f"{what}: not finite at an end of [{a:.6g}, {b:.6g}]",
                                extra={"fa": fa, "fb": fb})
        if cond(fa, fb):
            return SolverResult(np.array([a, b]), iterations=n, status=OK,
                                message=f"{what}: bracket found after {n} expansions",
                                extra={"fa": fa, "fb": fb})
        if n >= max_expand:
            return SolverResult(np.array([a, b]), iterations=n, status=ABSENT,
                                message=f"{what}: no sign change after {n} expansions "
                                        f"(last [{a:.6g}, {b:.6g}])", extra={"fa": fa, "fb": fb})
        if step is None:
            new = b * factor
        else:
            new = b + step
            step *= factor
        outward = new > b
        if limit is not None and ((outward and new > limit) or (not outward and new < limit)):
            if not clip or b == limit:
                return SolverResult(np.array([a, b]), iterations=n, status=ABSENT,
                                    message=f"{what}: no sign change before the limit "
                                            f"{limit:.6g}", extra={"fa": fa, "fb": fb})
            new = limit
        if slide:
            a, fa = b, fb
        b = new
        fb = f(b)
        n += 1


def bracketed_root(
    f: Callable[[float], float],
    a: float,
    b: float,
    *,
    xtol: float = 2e-12,
    rtol: float = 4 * np.finfo(float).eps,
    maxiter: int = 100,
    fa: float | None = None,
    fb: float | None = None,
    what: str = "root",
) -> SolverResult:
    """Root of ``f`` in the bracket ``[a, b]`` by Brent's method (``scipy.optimize.brentq``).

    Status "ok" (``x`` the root, ``residual = |f(x)|``), "absent" when ``f`` has no sign
    change on the bracket or is not finite at an end, "unconverged" when Brent's method
    stops after ``maxiter`` iterations (``x`` the last iterate).  ``fa``/``fb``: values of
    ``f`` at the ends if already known (an exact zero there is returned at once).
    """
    check_callable("f", f)
    a, b = _real("a", a), _real("b", b)
    xtol, rtol = _tol("xtol", xtol), _tol("rtol", rtol)
    maxiter = integer("maxiter", maxiter, minimum=1)
    fa = f(a) if fa is None else fa
    fb = f(b) if fb is None else fb
    if not (np.isfinite(fa) and np.isfinite(fb)):
        return SolverResult(math.nan, status=ABSENT,
                            message=f"{what}: not finite at an end of [{a:.6g}, {b:.6g}]")
    if fa == 0:
        return SolverResult(float(a), iterations=0, residual=0.0, message=f"{what}: exact zero")
    if fb == 0:
        return SolverResult(float(b), iterations=0, residual=0.0, message=f"{what}: exact zero")
    if np.sign(fa) == np.sign(fb):
        return SolverResult(math.nan, status=ABSENT,
                            message=f"{what}: no sign change in [{a:.6g}, {b:.6g}]")
    seen: dict = {}

    def g(v):  # remember the values so that the residual at the root costs no evaluation
        fv = seen[v] = f(v)
        return fv

    x, r = optimize.brentq(g, a, b, xtol=xtol, rtol=rtol, maxiter=maxiter, full_output=True,
                           disp=False)
    res = abs(float(seen[x] if x in seen else f(x))) if r.converged else math.nan
    if not r.converged:
        return SolverResult(float(x), iterations=r.iterations, residual=res, status=UNCONVERGED,
                            message=f"{what}: Brent's method stopped after {r.iterations} "
                                    f"iterations ({r.flag})")
    return SolverResult(float(x), iterations=r.iterations, residual=res,
                        message=f"{what}: converged (Brent, {r.iterations} iterations)")


def find_boundary(
    condition: Callable[[float], float],
    lo: float,
    hi: float,
    expand: float | None = None,
    limit: float | None = None,
    max_expand: int = 60,
    xtol: float = 1e-12,
    rtol: float = 1e-12,
    *,
    maxiter: int = 500,
) -> float:
    """Root of a scalar ``condition`` in ``[lo, hi]`` by Brent's method.

    If the signs at ``lo`` and ``hi`` agree and ``expand`` is given, the bracket is widened by
    :func:`expand_bracket`: ``hi`` is multiplied by ``expand`` (or, for ``expand < 1``, ``lo``
    is shrunk), sliding the other end, until the sign changes or ``limit`` is passed.
    Raises :class:`NoSolution` when no sign change is found (or the condition is not finite
    at an end of the bracket) and :class:`ConvergenceError` when Brent's method does not
    converge in ``maxiter`` iterations.
    """
    check_callable("condition", condition)
    lo, hi = _real("lo", lo), _real("hi", hi)
    if expand is not None:
        expand = _tol("expand", expand)
    f_lo, f_hi = condition(lo), condition(hi)
    if expand is None:
        if (np.isfinite(f_lo) and np.isfinite(f_hi) and f_lo != 0 and f_hi != 0
                and np.sign(f_lo) == np.sign(f_hi)):
            raise NoSolution(f"no sign change of the condition in [{lo:.6g}, {hi:.6g}]")
    else:
        if expand > 1:
            br = expand_bracket(condition, lo, hi, factor=expand, limit=limit,
                                max_expand=max_expand, fa=f_lo, fb=f_hi,
                                until=lambda fa, fb: fa == 0 or _sign_change(fa, fb))
            (lo, hi), f_lo, f_hi = br.x, br.extra["fa"], br.extra["fb"]
        else:
            br = expand_bracket(condition, hi, lo, factor=expand, limit=limit,
                                max_expand=max_expand, fa=f_hi, fb=f_lo,
                                until=lambda fa, fb: fb == 0 or _sign_change(fa, fb))
            (hi, lo), f_hi, f_lo = br.x, br.extra["fa"], br.extra["fb"]
        if br.status != OK:
            raise NoSolution(br.message)
    if not (np.isfinite(f_lo) and np.isfinite(f_hi)):
        raise NoSolution("condition is not finite at an end of the bracket")
    r = bracketed_root(condition, lo, hi, xtol=xtol, rtol=rtol, maxiter=maxiter, fa=f_lo,
                       fb=f_hi, what="boundary")
    if r.status == ABSENT:
        raise NoSolution(r.message)
    r.raise_if_failed("boundary")
    return float(r.x)


def first_maximum(
    f: Callable[[float], float],
    start: float,
    *,
    ratio: float = 0.8,
    stop: float,
    hint: float | None = None,
    hint_ratio: float = 1.08,
    xatol_rel: float = 1e-9,
    f_start: float | None = None,
    what: str = "first maximum",
) -> SolverResult:
    """The first local maximum of ``f`` met when following ``x`` geometrically from ``start``
    (``x <- x * ratio``; ``ratio < 1`` walks towards 0), refined by Brent's bounded maximiser.

    This is the fold finder of an explicitly parametrised branch (e.g. the AGS branch
    ``alpha(y)`` at fixed T, continued from ``y = oo``; theory.hopfield): the first point where
    ``f`` stops increasing brackets the maximum between the last three points.  Taking the
    *first* maximum matters where ``f`` has further, unrelated maxima beyond it.

    ``hint`` (e.g. the fold at a neighbouring parameter) is tried first: if
    ``f(hint) >= f(hint * hint_ratio), f(hint / hint_ratio)`` the maximum is bracketed there
    without the walk.  The walk gives up with status "absent" when ``x`` passes ``stop``;
    status "unconverged" when the bounded maximiser fails.  Returns a :class:`SolverResult`
    with ``x`` the location, ``extra["value"]`` the maximum and ``extra["bracket"]``.
    Convergence: ``|x - x*| <= xatol_rel * (upper end of the bracket)``.
    """
    check_callable("f", f)
    start = _tol("start", start)
    ratio = _tol("ratio", ratio)
    if ratio == 1.0:
        raise ValueError("ratio must differ from 1")
    stop = _tol("stop", stop)
    hint_ratio = _tol("hint_ratio", hint_ratio)
    xatol_rel = _tol("xatol_rel", xatol_rel)
    bracket = None
    n = 0
    if hint is not None:
        hint = _tol("hint", hint)
        xs = (hint * hint_ratio, hint, hint / hint_ratio)
        vals = [f(v) for v in xs]
        n += 3
        if vals[1] >= vals[0] and vals[1] >= vals[2]:
            bracket = (min(xs[0], xs[2]), max(xs[0], xs[2]))
    if bracket is None:
        x_prev2, x_prev = None, start
        f_prev = f(start) if f_start is None else f_start
        x = start * ratio
        while True:
            if (ratio < 1 and x < stop) or (ratio > 1 and x > stop):
                return SolverResult(math.nan, iterations=n, status=ABSENT,
                                    message=f"{what}: no local maximum between {start:.6g} "
                                            f"and {stop:.6g}")
            fx = f(x)
            n += 1
            if fx < f_prev:
                other = x_prev2 if x_prev2 is not None else x_prev / ratio
                bracket = (min(x, other), max(x, other))
                break
            x_prev2, x_prev, f_prev = x_prev, x, fx
            x *= ratio
    lo, hi = bracket
    res = optimize.minimize_scalar(lambda v: -f(v), bounds=(lo, hi), method="bounded",
                                   options={"xatol": xatol_rel * hi})
    n += int(getattr(res, "nfev", 0))
    if not res.success:
        return SolverResult(float(res.x), iterations=n, status=UNCONVERGED,
                            message=f"{what}: bounded maximiser failed: {res.message}",
                            extra={"value": float(-res.fun), "bracket": bracket})
    return SolverResult(float(res.x), iterations=n, message=f"{what}: converged",
                        extra={"value": float(-res.fun), "bracket": bracket})


@dataclass
class Branch:
    """A solution branch followed by :func:`continue_branch`."""

    params: np.ndarray
    solutions: list
    fold: float | None
    """Estimate of the parameter where the branch ceased to exist (None if it reached the end)."""
    message: str = ""


def continue_branch(
    solve: Callable[[float, Any], Any | None],
    start: float,
    stop: float,
    step: float,
    guess: Any,
    accept: Callable[[Any, Any], bool] | None = None,
    min_step: float = 1e-9,
    max_points: int = 100000,
) -> Branch:
    """Follow a branch from ``start`` towards ``stop``.

    ``solve(param, guess)`` returns a solution or ``None`` when none is found from ``guess``.
    ``accept(previous, new)`` may reject a step (e.g. when the order parameter jumps to another
    branch).  A failed or rejected step halves the step; when it falls below ``min_step`` the
    branch is declared to end (fold) half-way into the last failed step.  Raises
    :class:`NoSolution` when there is no solution at ``start``.
    """
    check_callable("solve", solve)
    if accept is not None:
        check_callable("accept", accept)
    start, stop, step = real("start", start), real("stop", stop), real("step", step)
    if step == 0:
        raise ValueError("step must be nonzero")
    min_step = positive("min_step", min_step)
    max_points = integer("max_points", max_points, minimum=1)
    direction = 1.0 if stop >= start else -1.0
    step = abs(step) * direction
    p = start
    sol = solve(p, guess)
    if sol is None:
        raise NoSolution(f"no solution at the start of the branch (parameter {start:.6g})")
    params, sols = [p], [sol]
    while (stop - p) * direction > 0 and len(params) < max_points:
        h = step if (stop - p) * direction > abs(step) else stop - p
        new = solve(p + h, sols[-1])
        if new is not None and (accept is None or accept(sols[-1], new)):
            p = p + h
            params.append(p)
            sols.append(new)
            continue
        if abs(h) <= min_step:
            return Branch(np.array(params), sols, p + 0.5 * h, "fold: branch ends")
        step = 0.5 * h
    return Branch(np.array(params), sols, None, "reached stop")


def locate_fold(
    exists: Callable[[float], bool],
    p_exists: float,
    p_absent: float,
    xtol: float = 1e-10,
    max_iter: int = 200,
) -> float:
    """Bisection for the parameter at which a branch ceases to exist.

    ``exists(p_exists)`` must be True and ``exists(p_absent)`` False; the returned value lies
    within ``xtol`` of the switch.  Raises :class:`NoSolution` if the ends do not straddle it
    and :class:`ConvergenceError` if ``max_iter`` bisections do not reach ``xtol``.
    """
    check_callable("exists", exists)
    p_exists, p_absent = real("p_exists", p_exists), real("p_absent", p_absent)
    xtol = positive("xtol", xtol)
    max_iter = integer("max_iter", max_iter, minimum=1)
    if not exists(p_exists):
        raise NoSolution(f"branch does not exist at {p_exists:.6g}")
    if exists(p_absent):
        raise NoSolution(f"branch still exists at {p_absent:.6g}")
    a, b = p_exists, p_absent
    for _ in range(max_iter):
        if abs(b - a) <= xtol:
            break
        mid = 0.5 * (a + b)
        if exists(mid):
            a = mid
        else:
            b = mid
    else:
        if abs(b - a) > xtol:
            raise ConvergenceError(f"fold bisection: interval {abs(b - a):.3g} > xtol after "
                                   f"{max_iter} steps")
    return 0.5 * (a + b)


def solve_on_grid(solve: Callable, alphas, temperatures, fields: Sequence[str]):
    """``solve(alpha, T)`` at every point of the grid ``temperatures x alphas`` (row-major, T
    first), the shared loop of the phase-diagram functions.

    Returns ``(alphas, temperatures, labels, values, converged, results)``: the 1-d float
    arrays, an object array of ``result.label``, ``{field: float array of result.field}``, a bool
    array of ``result.success``, and the results in grid order."""
    al = np.atleast_1d(np.asarray(alphas, dtype=float))
    Ts = np.atleast_1d(np.asarray(temperatures, dtype=float))
    shape = (Ts.size, al.size)
    labels = np.empty(shape, dtype=object)
    values = {f: np.full(shape, np.nan) for f in fields}
    conv = np.zeros(shape, dtype=bool)
    results = []
    for i, T in enumerate(Ts):
        for j, a in enumerate(al):
            r = solve(a, T)
            results.append(r)
            labels[i, j], conv[i, j] = r.label, r.success
            for f in fields:
                values[f][i, j] = getattr(r, f)
    return al, Ts, labels, values, conv, results


def check_finite_array(name: str, values: Sequence[float]) -> None:
    """Raise ``ValueError`` naming ``name`` if any value is not finite."""
    real_array(name, values)
