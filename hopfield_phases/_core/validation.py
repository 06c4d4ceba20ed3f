"""Argument checks shared by every layer.

Every public function validates its parameters *before* any work or allocation and raises a
``ValueError`` whose message starts with the parameter's name, e.g.
``"alpha must be >= 0, got -1"``.  Booleans, strings and bytes are refused where a number is
expected (no silent coercion); infinities, NaN and numbers too large for a float are refused.
:func:`check_memory` compares an estimated allocation with the memory the operating system
reports as available (``HOPFIELD_MEMORY_LIMIT`` in bytes overrides it).
"""

from __future__ import annotations

import math
import os
from numbers import Integral, Real

import numpy as np

__all__ = ["real", "nonnegative", "positive", "probability", "integer", "odd_integer", "flag", "choice",
           "available_memory", "check_memory"]


def _is_text_or_bool(value) -> bool:
    return isinstance(value, (bool, str, bytes, bytearray)) or type(value).__name__ == "bool_"


def real(name: str, value) -> float:
    """``value`` as a finite float; ValueError naming ``name`` otherwise."""
    if _is_text_or_bool(value):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    if not isinstance(value, Real):
        try:
            value = float(value)  # 0-d arrays, objects with __float__
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"{name} must be a real number, got {value!r}") from None
    try:
        value = float(value)
    except OverflowError:
        raise ValueError(f"{name} must be finite, got a number too large for a float") from None
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


def probability(name: str, value) -> float:
    value = real(name, value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value!r}")
    return value


def integer(name: str, value, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as an int (integral floats accepted); ValueError naming ``name`` otherwise."""
    if _is_text_or_bool(value):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if not isinstance(value, Integral):
        ok = False
        if isinstance(value, Real):
            try:
                f = float(value)
                ok = math.isfinite(f) and f.is_integer()
            except OverflowError:
                ok = False
        if not ok:
            raise ValueError(f"{name} must be an integer, got {value!r}")
        value = int(float(value))
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value!r}")
    return value


def odd_integer(name: str, value, minimum: int = 1, maximum: int | None = None) -> int:
    value = integer(name, value, minimum, maximum)
    if value % 2 == 0:
        raise ValueError(f"{name} must be odd, got {value!r}")
    return value


def flag(name: str, value) -> bool:
    """``value`` as a bool; only True/False (Python or numpy) are accepted, ValueError naming
    ``name`` otherwise (a string such as "no" or an integer is refused, not coerced)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise ValueError(f"{name} must be True or False, got {value!r}")


def choice(name: str, value, options):
    """``value`` if it is one of ``options``; ValueError naming ``name`` and the options."""
    try:
        ok = value in options
    except TypeError:  # unhashable value against a set
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}")
    return value


def available_memory() -> int:
    """Bytes of memory available to a new allocation (MemAvailable on Linux; else physical)."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover
        return 1 << 62


def check_memory(name: str, nbytes, what: str = "", fraction: float = 0.8) -> None:
    """Raise ``ValueError`` (naming ``name``) if ``nbytes`` exceed ``fraction`` of the available memory.

    ``nbytes`` may be a float (an estimate that would overflow an int64 is still refused).
    The environment variable ``HOPFIELD_MEMORY_LIMIT`` (bytes) overrides the available memory
    (useful on shared machines and in tests).
    """
    limit = os.environ.get("HOPFIELD_MEMORY_LIMIT")
    avail = int(float(limit)) if limit else int(fraction * available_memory())
    nbytes = float(nbytes)
    if not math.isfinite(nbytes) or nbytes > avail:
        raise ValueError(f"{name}: {what or 'the allocation'} needs {nbytes / 1e9:.3g} GB but only "
                         f"{avail / 1e9:.3g} GB are available")
