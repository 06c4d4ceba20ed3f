"""Argument checks shared by the theory modules.

Every public function validates its physical parameters *before* any work and raises a
``ValueError`` whose message starts with the parameter's name, e.g. ``"alpha must be >= 0, got -1"``.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

__all__ = ["real", "nonnegative", "positive", "integer", "odd_integer", "choice"]


def real(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a real number, got {value!r}") from None
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def nonnegative(name: str, value) -> float:
    value = real(name, value)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return value


def positive(name: str, value) -> float:
    value = real(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


def integer(name: str, value, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        if isinstance(value, Real) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return value


def odd_integer(name: str, value, minimum: int = 1) -> int:
    value = integer(name, value, minimum)
    if value % 2 == 0:
        raise ValueError(f"{name} must be odd, got {value!r}")
    return value


def choice(name: str, value, options) -> str:
    if value not in options:
        raise ValueError(f"{name} must be one of {sorted(options)!r}, got {value!r}")
    return value
