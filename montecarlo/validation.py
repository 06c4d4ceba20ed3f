"""Argument checks for the simulation side (montecarlo must not import theory/).

Every check raises ``ValueError`` whose message starts with the parameter's name, before any
work or allocation.  :func:`check_memory` compares an estimated allocation with the memory
that the operating system reports as available.
"""

from __future__ import annotations

import math
import os
from numbers import Integral, Real

__all__ = ["real", "positive", "nonnegative", "integer", "choice", "probability",
           "available_memory", "check_memory"]


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


def positive(name: str, value) -> float:
    value = real(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


def nonnegative(name: str, value) -> float:
    value = real(name, value)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return value


def probability(name: str, value) -> float:
    value = real(name, value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value!r}")
    return value


def integer(name: str, value, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        if isinstance(value, Real) and math.isfinite(float(value)) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value!r}")
    return value


def choice(name: str, value, options) -> str:
    if value not in options:
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


def check_memory(name: str, nbytes: int, what: str = "", fraction: float = 0.8) -> None:
    """Raise ``ValueError`` (naming ``name``) if ``nbytes`` exceed ``fraction`` of the available memory.

    The environment variable ``HOPFIELD_MEMORY_LIMIT`` (bytes) overrides the available memory
    (useful on shared machines and in tests).
    """
    limit = os.environ.get("HOPFIELD_MEMORY_LIMIT")
    avail = int(float(limit)) if limit else int(fraction * available_memory())
    if nbytes > avail:
        raise ValueError(f"{name}: {what or 'the allocation'} needs {nbytes / 1e9:.3g} GB but only "
                         f"{avail / 1e9:.3g} GB are available")
