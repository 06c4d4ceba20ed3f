"""The result contract, in the manner of ``scipy.optimize.OptimizeResult``.

Every theory result (and every self-extending simulation result) carries

``status``      ``"ok"`` (converged, the object exists), ``"absent"`` (the state or boundary
                does not exist at these parameters: a documented physical answer, not a
                failure) or ``"unconverged"`` (the solver gave up: the numbers are the last
                iterate and must not be used as an answer);
``message``     one sentence saying why;
``iterations``  solver iterations (0 for closed forms);
``residual``    the max-norm of the equations at the returned point (``nan`` when absent).

``success`` is ``status == "ok"``.  Policy (README, "Results and errors"): a function that
returns a result object never raises for absence or non-convergence, it says so in
``status``; a function that returns a bare number (a boundary location) returns ``nan`` for
"absent" and raises :class:`hopfield_phases.theory.solvers.ConvergenceError` for
"unconverged".  Bad input always raises ``ValueError`` naming the parameter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["STATUSES", "OK", "ABSENT", "UNCONVERGED", "ResultContract", "status_from"]

OK, ABSENT, UNCONVERGED = "ok", "absent", "unconverged"
STATUSES = (OK, ABSENT, UNCONVERGED)


@dataclass(kw_only=True)
class ResultContract:
    """Base of every result dataclass: the four contract fields, keyword-only and last."""

    status: str = OK
    message: str = ""
    iterations: int = 0
    residual: float = math.nan

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")

    @property
    def success(self) -> bool:
        return self.status == OK


def status_from(*, exists: bool = True, converged: bool = True) -> str:
    """The contract status of a solve: absence first, then convergence."""
    if not exists:
        return ABSENT
    return OK if converged else UNCONVERGED
