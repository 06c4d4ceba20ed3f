"""The command line's one range type: ``start:stop:num[:log]`` or a comma list.

``0.01:1:41:log``  41 values geometrically spaced from 0.01 to 1 (``numpy.geomspace``)
``1:8:8``          8 values evenly spaced from 1 to 8 (``numpy.linspace``; ``:lin`` may be added)
``3,5,7``          the listed values
A single number is a one-element list.  With ``kind=int`` the values must be integers
(a range is rounded and deduplicated).  Errors are ``ValueError`` naming the parameter.
"""

from __future__ import annotations

import argparse
import math

import numpy as np

__all__ = ["parse_range", "parse_choices", "range_type", "RANGE_HELP"]

RANGE_HELP = "START:STOP:NUM[:log] or a comma list"


def parse_range(text, name: str, kind=float, *, positive: bool = False,
                nonnegative: bool = False) -> list:
    """Parse ``text`` into a list of ``kind`` values (see the module docstring)."""
    text = str(text).strip()
    bad = ValueError(f"{name}: cannot parse {text!r}; use {RANGE_HELP}")
    if ":" in text:
        parts = text.split(":")
        if len(parts) not in (3, 4) or (len(parts) == 4 and parts[3] not in ("log", "lin")):
            raise bad
        try:
            a, b, n = float(parts[0]), float(parts[1]), int(parts[2])
        except ValueError:
            raise bad from None
        if n < 1 or n > 1_000_000 or not (math.isfinite(a) and math.isfinite(b)):
            raise ValueError(f"{name}: {text!r} needs finite START, STOP and 1 <= NUM <= 1e6")
        if len(parts) == 4 and parts[3] == "log":
            if a <= 0 or b <= 0:
                raise ValueError(f"{name}: a :log range needs START, STOP > 0, got {text!r}")
            vals = [float(v) for v in np.geomspace(a, b, n)]
        else:
            vals = [float(v) for v in np.linspace(a, b, n)]
        if kind is int:
            vals = sorted({int(round(v)) for v in vals})
    else:
        items = [x.strip() for x in text.split(",") if x.strip()]
        if not items:
            raise bad
        vals = []
        for x in items:
            try:
                v = float(x)
            except ValueError:
                raise bad from None
            if not math.isfinite(v):
                raise ValueError(f"{name} must be finite, got {x!r}")
            if kind is int:
                if not v.is_integer():
                    raise ValueError(f"{name}: expected integers, got {x!r}")
                v = int(v)
            vals.append(v)
    if positive and any(v <= 0 for v in vals):
        raise ValueError(f"{name} must be > 0, got {text!r}")
    if nonnegative and any(v < 0 for v in vals):
        raise ValueError(f"{name} must be >= 0, got {text!r}")
    return vals


def parse_choices(text, name: str, options) -> list:
    """A comma list of words from ``options``."""
    vals = [x.strip() for x in str(text).split(",") if x.strip()]
    bad = [v for v in vals if v not in options]
    if not vals or bad:
        raise ValueError(f"{name}: expected a comma list of {', '.join(options)}; got {text!r}")
    return vals


def range_type(name: str, kind=float, **checks):
    """An argparse ``type=`` for the range grammar (errors become argparse usage errors)."""

    def convert(text):
        try:
            return parse_range(text, name, kind, **checks)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = f"range of {name}"
    return convert
