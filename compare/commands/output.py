"""What every subcommand shares: table output (``--format``, ``--out``) and sweep options.

The meaning of ``--out`` is the same everywhere:

* ``theory ...`` and ``simulate ...`` write **tables**: ``--out`` is a CSV *file*, with its
  JSON provenance sidecar beside it (``OUT.json``; an ``--out`` ending in ``.json`` is
  refused).  Without ``--out`` the ``theory`` commands print the table (``--format``).
* ``figure NAME``, ``reproduce`` and ``report`` write **figures**: ``--out`` is a *folder*.

Every command that runs a Monte Carlo sweep has ``--workers``, ``--quiet`` and ``--seed``;
``simulate`` commands also ``--executor`` / ``--scheduler`` (dask).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import shlex
import sys
from typing import Iterable, Mapping

OUT_TABLE_HELP = ("write the table to this CSV file, with a JSON provenance sidecar OUT.json "
                  "beside it, instead of printing it (default: print)")


def command_line() -> str:
    """The command as typed (for provenance sidecars)."""
    return " ".join(["hopfield-phases", *map(shlex.quote, sys.argv[1:])])


def add_format_argument(parser, out: bool = True) -> None:
    """``--format csv|json`` (what is printed) and, with ``out=True``, ``--out FILE.csv``."""
    parser.add_argument("--format", choices=("csv", "json"), default="csv",
                        help="format of the printed table")
    if out:
        parser.add_argument("--out", metavar="FILE.csv", default=None, help=OUT_TABLE_HELP)


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


def emit(rows, args, description: str = "", **extra) -> None:
    """Print ``rows`` (``args.format``) or, with ``args.out``, write them as a table + sidecar."""
    out = getattr(args, "out", None)
    if out:
        from hopfield_phases._core.tables import write_table

        check_out_file(out)
        if getattr(args, "format", "csv") == "json":
            raise ValueError("--format json prints the table; --out writes a CSV file: give one of them")
        print(write_table(out, list(rows), command=command_line(), description=description, **extra))
        return
    print_rows(rows, getattr(args, "format", "csv"))


# --------------------------------------------------------------------------- sweeps
def add_sweep_arguments(parser, executor: bool = True, quiet: bool = True) -> None:
    """``--workers``, ``--seed``, ``--quiet`` and (``executor=True``) ``--executor``/``--scheduler``."""
    parser.add_argument("--workers", type=int, default=None, metavar="W",
                        help="worker processes (default: every core); results do not depend on it")
    parser.add_argument("--seed", type=int, default=0, help="master seed")
    if quiet:
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
    if executor:
        parser.add_argument("--executor", choices=("local", "dask"), default="local",
                            help="local process pool, or dask.distributed (optional extra "
                                 "'hopfield-phases[dask]')")
        parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                            help="dask scheduler address, e.g. tcp://host:8786 (only with "
                                 "--executor dask; default: a local dask cluster)")


def check_out_file(out) -> None:
    """Refuse, before any work, a table ``--out`` that is a folder or a ``.json`` name."""
    from pathlib import Path

    from hopfield_phases._core.tables import sidecar_path

    sidecar_path(out)
    if Path(out).is_dir():
        raise IsADirectoryError(f"--out {out} is a folder; tables need a CSV file name")


def check_sweep_arguments(args) -> None:
    """Refuse inconsistent sweep options before any work (ValueError naming the option)."""
    if getattr(args, "out", None):
        check_out_file(args.out)
    workers = getattr(args, "workers", None)
    if workers is not None and workers < 1:
        raise ValueError(f"--workers must be >= 1, got {workers}")
    if getattr(args, "seed", 0) < 0:
        raise ValueError(f"--seed must be >= 0, got {args.seed}")
    if getattr(args, "scheduler", None) is not None and getattr(args, "executor", "local") != "dask":
        raise ValueError("--scheduler needs --executor dask")
    samples = getattr(args, "samples", None)
    if samples is not None and samples < 1:
        raise ValueError(f"--samples must be >= 1, got {samples}")


# --------------------------------------------------------------------------- ranges
class _FlattenRanges(argparse.Action):
    """``nargs='+'`` of range tokens (``3 4 5``, ``3,4,5`` or ``3:10:8``): one flat list."""

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, [v for chunk in values for v in chunk])


def add_range(parser, flag: str, *, kind=float, default=None, required: bool = False,
              help: str = "", dest: str | None = None, many: bool = True, **checks) -> None:
    """An option in the command line's one range grammar (``START:STOP:NUM[:log]``, a comma
    list, or with ``many=True`` several such tokens separated by spaces)."""
    from hopfield_phases._core.ranges import RANGE_HELP, parse_range, range_type

    name = flag
    kw = dict(type=range_type(name, kind, **checks), required=required, metavar="RANGE",
              help=f"{help}: {RANGE_HELP}" + (" (integers)" if kind is int else ""))
    if dest:
        kw["dest"] = dest
    if many:
        kw.update(nargs="+", action=_FlattenRanges)
    if default is not None:
        kw["default"] = parse_range(default, name, kind, **checks) if isinstance(default, str) else default
    parser.add_argument(flag, **kw)
