"""The ``hopfield-phases`` command line.

Top-level subcommands::

    hopfield-phases theory   MODEL ...     print boundaries / saddle points (CSV or JSON)
    hopfield-phases simulate MODEL ...     run Monte Carlo sweeps (resumable CSV output)
    hopfield-phases figure   NAME ...      draw one figure (PNG, PDF, CSV, JSON provenance)
    hopfield-phases reproduce [...]        draw every figure (the main job)
    hopfield-phases report   [...]         gather agreement tables into one markdown file

``theory`` and ``simulate`` subcommands are contributed by the modules of
``compare.commands`` (each defines ``register(groups)``); ``figure`` subcommands come from the
figure registry of ``compare.figures``.  Both are discovered automatically.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from dataclasses import dataclass

from . import commands as _commands_pkg
from . import figures as _figures


@dataclass
class Groups:
    """The subparser groups a command module may extend."""

    theory: argparse._SubParsersAction
    simulate: argparse._SubParsersAction
    root: argparse._SubParsersAction


def _command_modules():
    for info in sorted(pkgutil.iter_modules(_commands_pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        yield importlib.import_module(f"{_commands_pkg.__name__}.{info.name}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hopfield-phases",
        description=(
            "Phase diagrams of Hopfield networks that learn from structured data: replica "
            "theory (theory), Monte Carlo (simulate), and their comparison (figure, "
            "reproduce, report)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from hopfield_phases import __version__

    parser.add_argument("--version", action="version", version=f"hopfield-phases {__version__}")
    root = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    theory = root.add_parser(
        "theory", help="compute phase boundaries and saddle points; print CSV or JSON",
        description="Compute phase boundaries and saddle points; print CSV or JSON.",
    )
    theory_sub = theory.add_subparsers(dest="model", metavar="MODEL", required=True)

    simulate = root.add_parser(
        "simulate", help="run Monte Carlo sweeps (tidy CSV, resumable)",
        description="Run Monte Carlo parameter sweeps; rows are appended to a CSV as they "
        "finish and a rerun of the same command resumes.",
    )
    simulate_sub = simulate.add_subparsers(dest="model", metavar="MODEL", required=True)

    _figures.add_figure_parsers(root)

    groups = Groups(theory=theory_sub, simulate=simulate_sub, root=root)
    for module in _command_modules():
        register = getattr(module, "register", None)
        if register is not None:
            register(groups)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:  # pragma: no cover - argparse 'required' handles this
        parser.print_help()
        return 2
    try:
        result = func(args)
    except ValueError as exc:
        print(f"hopfield-phases: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into e.g. `head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
