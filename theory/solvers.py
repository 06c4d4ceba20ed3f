"""Solver core shared by every saddle-point computation in ``theory/``.

* :func:`fixed_point` - damped fixed-point iteration ``x <- (1-d) x + d F(x)``.
* :func:`polish_root` - Newton-type root polishing (``scipy.optimize.root``).
* :func:`find_boundary` - a boundary as the root of a scalar condition (Brent), with
  optional geometric bracket expansion.
* :func:`continue_branch` - continuation of a solution branch along a parameter with
  step halving; it stops at a fold, where the branch ceases to exist.
* :func:`locate_fold` - bisection on existence between a parameter where a branch exists
  and one where it does not.

Every solver returns a :class:`SolverResult` (values, converged flag, iterations, residual,
message).  Nothing unconverged is returned silently: with ``raise_on_failure=True`` (the
default) a :class:`ConvergenceError` carrying the result is raised; with ``False`` the result
comes back with ``converged=False`` and a message saying why.  Where a physical object does
not exist (no root in the bracket, no branch) the boundary functions raise
:class:`NoSolution`, which callers translate to ``nan`` with a documented reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
from scipy import optimize

__all__ = [
    "SolverResult",
    "ConvergenceError",
    "NoSolution",
    "fixed_point",
    "polish_root",
    "find_boundary",
    "continue_branch",
    "Branch",
    "locate_fold",
]


@dataclass
class SolverResult:
    """Outcome of an iterative solve.

    Attributes
    ----------
    x : ndarray
        The solution vector (last iterate when not converged).
    converged : bool
    iterations : int
    residual : float
        Max-norm of ``F(x) - x`` (fixed point) or of ``f(x)`` (root).
    message : str
    extra : dict
        Solver-specific information (e.g. the bracket of a boundary).
    """

    x: np.ndarray
    converged: bool
    iterations: int
    residual: float
    message: str = ""
    extra: dict = field(default_factory=dict)

    def raise_if_failed(self, what: str = "solver") -> "SolverResult":
        if not self.converged:
            raise ConvergenceError(f"{what} did not converge: {self.message}", self)
        return self


class ConvergenceError(RuntimeError):
    """An iterative solver did not converge; ``.result`` holds the last state."""

    def __init__(self, message: str, result: SolverResult | None = None):
        super().__init__(message)
        self.result = result


class NoSolution(ValueError):
    """The requested object (root, branch, boundary) does not exist in the given range."""


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

    Converged when ``max|update(x) - x| <= tol * (1 + max|x|)``.  Non-finite iterates stop
    the iteration with ``converged=False``.
    """
    if not 0.0 < damping <= 1.0:
        raise ValueError(f"damping must be in (0, 1], got {damping}")
    x = np.array(x0, dtype=float, copy=True)
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
    """Solve ``fun(x) = 0`` from ``x0`` with ``scipy.optimize.root`` and report the residual."""
    x0 = np.atleast_1d(np.asarray(x0, dtype=float))
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


def find_boundary(
    condition: Callable[[float], float],
    lo: float,
    hi: float,
    expand: float | None = None,
    limit: float | None = None,
    max_expand: int = 60,
    xtol: float = 1e-12,
    rtol: float = 1e-12,
) -> float:
    """Root of a scalar ``condition`` in ``[lo, hi]`` by Brent's method.

    If the signs at ``lo`` and ``hi`` agree and ``expand`` is given, ``hi`` is multiplied by
    ``expand`` (or, for ``expand < 1``, ``lo`` is shrunk) until the sign changes or ``limit``
    is passed.  Raises :class:`NoSolution` when no sign change is found; a non-finite value
    at an end of the bracket also raises :class:`NoSolution`.
    """
    f_lo, f_hi = condition(lo), condition(hi)
    n = 0
    while np.isfinite(f_lo) and np.isfinite(f_hi) and np.sign(f_lo) == np.sign(f_hi) and f_lo != 0:
        if expand is None or n >= max_expand:
            raise NoSolution(f"no sign change of the condition in [{lo:.6g}, {hi:.6g}]")
        if expand > 1:
            lo, f_lo = hi, f_hi
            hi = hi * expand
            if limit is not None and hi > limit:
                raise NoSolution(f"no sign change below the limit {limit:.6g}")
            f_hi = condition(hi)
        else:
            hi, f_hi = lo, f_lo
            lo = lo * expand
            if limit is not None and lo < limit:
                raise NoSolution(f"no sign change above the limit {limit:.6g}")
            f_lo = condition(lo)
        n += 1
    if not (np.isfinite(f_lo) and np.isfinite(f_hi)):
        raise NoSolution("condition is not finite at an end of the bracket")
    if f_lo == 0:
        return float(lo)
    if f_hi == 0:
        return float(hi)
    return float(optimize.brentq(condition, lo, hi, xtol=xtol, rtol=rtol, maxiter=500))


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
    branch is declared to end (fold) half-way into the last failed step.
    """
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
    within ``xtol`` of the switch.  Raises ``ValueError`` if the ends do not straddle it.
    """
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
    return 0.5 * (a + b)


def check_finite_array(name: str, values: Sequence[float]) -> None:
    """Raise ``ValueError`` naming ``name`` if any value is not finite."""
    if not np.all(np.isfinite(np.asarray(values, dtype=float))):
        raise ValueError(f"{name} must be finite")
