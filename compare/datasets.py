"""Reference datasets: a CSV plus a JSON sidecar of provenance.

Convention (used by ``data/`` and by every figure): ``NAME.csv`` holds a tidy table with a
header row; ``NAME.json`` next to it holds

``command``  the command line that produced it,
``version``  the ``hopfield-phases`` version,
``git_commit`` the commit of the working tree (``unknown`` outside git; ``+dirty`` if modified),
``seed``     the master seed (``null`` for deterministic theory),
``date``     UTC ISO-8601 time of writing,
``python``, ``numpy`` versions, and any extra fields the producer adds (``parameters``,
``description``, ``columns`` with units).
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import math
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np

__all__ = ["provenance", "write_table", "read_table", "sidecar_path"]

_REPO = Path(__file__).resolve().parent.parent


def _version() -> str:
    try:
        return metadata.version("hopfield-phases")
    except metadata.PackageNotFoundError:  # running from a checkout without install
        return "0+unknown"


def _git_commit() -> str:
    try:
        commit = subprocess.run(
            ["git", "-C", str(_REPO), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5
        ).stdout.strip()
        if not commit:
            return "unknown"
        dirty = subprocess.run(
            ["git", "-C", str(_REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=5,
        ).stdout.strip()
        return commit + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def provenance(command: str | None = None, seed: int | None = None, **extra) -> dict:
    """The provenance record written next to every dataset and figure."""
    record = {
        "command": command if command is not None else " ".join(["hopfield-phases", *sys.argv[1:]]),
        "version": _version(),
        "git_commit": _git_commit(),
        "seed": seed,
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
    record.update(extra)
    return record


def sidecar_path(csv_path: str | Path) -> Path:
    return Path(csv_path).with_suffix(".json")


def _fmt(v):
    if isinstance(v, (float, np.floating)):
        v = float(v)
        return "nan" if math.isnan(v) else repr(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


def write_table(
    path: str | Path,
    rows: Iterable[Mapping] | Mapping[str, Iterable],
    *,
    command: str | None = None,
    seed: int | None = None,
    **extra,
) -> Path:
    """Write ``rows`` (a list of dicts, or a dict of equal-length columns) to ``path`` (CSV)
    and its provenance to the sidecar ``path.with_suffix('.json')``.  Floats are written with
    ``repr`` so that a table read back is bit-identical."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(rows, Mapping):
        cols = {k: list(np.asarray(v).tolist()) for k, v in rows.items()}
        n = {len(v) for v in cols.values()}
        if len(n) > 1:
            raise ValueError("columns must have equal lengths")
        keys = list(cols)
        rows = [dict(zip(keys, vals)) for vals in zip(*cols.values())]
    rows = list(rows)
    fieldnames: list[str] = []
    for r in rows:
        for k in r:
            if k not in fieldnames:
                fieldnames.append(k)
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fieldnames, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: _fmt(v) for k, v in r.items()})
    with open(sidecar_path(path), "w") as fh:
        json.dump(provenance(command=command, seed=seed, **extra), fh, indent=1, default=str)
        fh.write("\n")
    return path


def _parse(v: str):
    if v == "":
        return None
    for cast in (int, float):
        try:
            return cast(v)
        except ValueError:
            pass
    if v in ("True", "False"):
        return v == "True"
    return v


def read_table(path: str | Path) -> tuple[list[dict], dict]:
    """Read a table written by :func:`write_table`: ``(rows, provenance)``.  Numbers are
    parsed back to int/float; the sidecar is ``{}`` if missing."""
    path = Path(path)
    with open(path, newline="") as fh:
        rows = [{k: _parse(v) for k, v in r.items()} for r in csv.DictReader(fh)]
    side = sidecar_path(path)
    meta = json.loads(side.read_text()) if side.exists() else {}
    return rows, meta
