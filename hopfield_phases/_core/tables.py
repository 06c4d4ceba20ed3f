"""Tidy CSV tables with a JSON sidecar of provenance.

Convention (``data/``, every sweep and every figure): ``NAME.csv`` holds a tidy table with a
header row; ``NAME.json`` beside it holds the provenance record of
:func:`hopfield_phases._core.provenance.provenance` (command, version, git commit, seed, date,
python and numpy versions) plus whatever the producer adds (``parameters``, ``description``,
``columns`` with units).  Floats are written with ``repr`` so that a table read back is
bit-identical; lists as compact JSON; ``None`` as an empty field.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np

from .provenance import provenance

__all__ = ["format_value", "parse_value", "csv_line", "sidecar_path", "write_table", "read_table",
           "write_json"]


def _plain(v):
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, (list, tuple, np.ndarray)):
        return [_plain(x) for x in v]
    return v


def format_value(v) -> str:
    """The CSV text of one value (inverse of :func:`parse_value`)."""
    v = _plain(v)
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, float):
        return "nan" if math.isnan(v) else repr(v)
    if isinstance(v, int):
        return str(v)
    if v is None:
        return ""
    if isinstance(v, list):
        return json.dumps(v, separators=(",", ":"))
    return str(v)


def parse_value(v: str):
    """int, float, bool, JSON list, ``None`` (empty) or the string itself."""
    if v == "":
        return None
    for cast in (int, float):
        try:
            return cast(v)
        except ValueError:
            pass
    if v in ("True", "False"):
        return v == "True"
    if v.startswith("["):
        try:
            return json.loads(v)
        except json.JSONDecodeError:
            pass
    return v


def csv_line(values: Sequence[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(values)
    return buf.getvalue()


def sidecar_path(csv_path: str | Path) -> Path:
    """``NAME.json`` beside ``NAME.csv``; refuses a table path that *is* a ``.json`` file."""
    csv_path = Path(csv_path)
    if csv_path.suffix.lower() == ".json":
        raise ValueError(f"out: {csv_path} ends in .json, the name of the provenance sidecar; "
                         "give the table a .csv name")
    return csv_path.with_suffix(".json")


def write_json(path: str | Path, record: Mapping) -> None:
    """Write ``record`` atomically (temporary file + rename)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w") as fh:
        json.dump(record, fh, indent=1, default=str)
        fh.write("\n")
    tmp.replace(path)


def write_table(
    path: str | Path,
    rows: Iterable[Mapping] | Mapping[str, Iterable],
    *,
    command: str | None = None,
    seed: int | None = None,
    **extra,
) -> Path:
    """Write ``rows`` (a list of dicts, or a dict of equal-length columns) to ``path`` (CSV)
    and its provenance to the sidecar ``path.with_suffix('.json')``; both atomically."""
    path = Path(path)
    side = sidecar_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(rows, Mapping):
        cols = {k: list(np.asarray(v).tolist()) for k, v in rows.items()}
        if len({len(v) for v in cols.values()}) > 1:
            raise ValueError("rows: columns must have equal lengths")
        keys = list(cols)
        rows = [dict(zip(keys, vals)) for vals in zip(*cols.values())]
    rows = list(rows)
    fieldnames: list[str] = []
    for r in rows:
        for k in r:
            if k not in fieldnames:
                fieldnames.append(k)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="") as fh:
        fh.write(csv_line(fieldnames))
        for r in rows:
            fh.write(csv_line([format_value(r.get(k)) for k in fieldnames]))
    tmp.replace(path)
    write_json(side, provenance(command=command, seed=seed, **extra))
    return path


def read_table(path: str | Path) -> tuple[list[dict], dict]:
    """Read a table written by :func:`write_table` (or a sweep): ``(rows, provenance)``.
    Values are parsed back with :func:`parse_value`; the sidecar is ``{}`` if missing."""
    path = Path(path)
    try:
        with open(path, newline="") as fh:
            rows = [{k: parse_value(v) for k, v in r.items()} for r in csv.DictReader(fh)]
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a CSV text file (cannot be decoded as UTF-8)") from None
    side = path.with_suffix(".json")
    meta = {}
    if side.exists() and side != path:
        try:
            meta = json.loads(side.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ValueError(f"{side}: damaged provenance sidecar (not JSON)") from None
    return rows, meta
