"""Printing tables as CSV or JSON for the ``theory`` subcommands."""

from __future__ import annotations

import csv
import json
import math
import sys
from typing import Iterable, Mapping


def add_format_argument(parser) -> None:
    parser.add_argument(
        "--format", choices=("csv", "json"), default="csv", help="output format (default: csv)"
    )


def _clean(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if hasattr(v, "item"):
        return _clean(v.item())
    return v


def print_rows(rows: Iterable[Mapping], fmt: str = "csv", stream=None) -> None:
    """Print a list of dict rows as CSV (header from the first row) or as a JSON list."""
    stream = stream or sys.stdout
    rows = list(rows)
    if fmt == "json":
        json.dump([{k: _clean(v) for k, v in r.items()} for r in rows], stream, indent=1)
        stream.write("\n")
        return
    if not rows:
        return
    writer = csv.DictWriter(stream, fieldnames=list(rows[0].keys()), lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: ("nan" if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()})
