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

Grammar shared by every subcommand: value lists use one range type, ``START:STOP:NUM[:log]`` or
a comma list (:mod:`hopfield_phases._core.ranges`); ``--out`` is a CSV *file* for tables
(``theory``, ``simulate``; provenance sidecar ``OUT.json`` beside it) and a *folder* for figures
(``figure``, ``reproduce``, ``report``); every command that runs a sweep has ``--workers`` and
``--quiet``; ``--help`` shows every default.

Errors: every error a user can cause (bad values, unwritable or locked output, an unreachable
dask scheduler, not enough memory, a solver that gives up) ends in one line
``hopfield-phases: error: ...`` on stderr and a non-zero exit status (2 for bad input, 1 for
everything else, 130 on Ctrl-C).  ``--debug`` (or the environment variable
``HOPFIELD_DEBUG=1``) shows the traceback instead, for developers.

The matplotlib backend is set to Agg here (the command line only writes files), before
anything imports pyplot; the library itself never sets a backend.
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


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps descriptions as written and appends ``(default: X)`` to every option whose help
    does not already state its default (flags and required options excepted)."""

    def _get_help_string(self, action):
        text = action.help or ""
        if (action.default is argparse.SUPPRESS or action.required or action.nargs == 0
                or not action.option_strings or "default" in text.lower() or "%(default)" in text):
            return text
        value = action.default
        if isinstance(value, (list, tuple)):
            value = ",".join(map(str, value))
        elif value is None:
            value = "none"
        return f"{text} (default: {str(value).replace('%', '%%')})"


class _Parser(argparse.ArgumentParser):
    """Every parser and subparser of the command line shows its defaults in --help."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)


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


def _add_quiet_to_figures(root) -> None:
    """``--quiet`` on every ``figure NAME`` (figures that run a sweep also have ``--workers``)."""
    figure = root.choices.get("figure")
    if figure is None:  # pragma: no cover
        return
    for action in figure._subparsers._group_actions:
        for sub in getattr(action, "choices", {}).values():
            if not any("--quiet" in a.option_strings for a in sub._actions):
                sub.add_argument("--quiet", action="store_true", help="no progress bars")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="hopfield-phases",
        description=(
            "Phase diagrams of Hopfield networks that learn from structured data: replica "
            "theory (theory), Monte Carlo (simulate), and their comparison (figure, "
            "reproduce, report)."
        ),
    )
    from hopfield_phases import __version__

    parser.add_argument("--version", action="version", version=f"hopfield-phases {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="show the full traceback of an error (also: HOPFIELD_DEBUG=1)")
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

    _add_quiet_to_figures(root)
    groups = Groups(theory=theory_sub, simulate=simulate_sub, root=root)
    for module in _command_modules():
        register = getattr(module, "register", None)
        if register is not None:
            register(groups)
    return parser


def _set_backend() -> None:
    """The command line only writes files: use Agg, before any pyplot import."""
    import matplotlib

    matplotlib.use("Agg")


def _message(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror and exc.filename is not None:
        return f"{exc.strerror}: {exc.filename}"
    text = str(exc).strip().splitlines()
    text = text[0] if text else ""
    if isinstance(exc, MemoryError):
        return f"not enough memory{': ' + text if text else ''}; reduce the problem size"
    return text or type(exc).__name__


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (argparse errors included)."""
    _set_backend()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    func = getattr(args, "func", None)
    if func is None:  # pragma: no cover - argparse 'required' handles this
        parser.print_help()
        return 2
    debug = args.debug or os.environ.get("HOPFIELD_DEBUG", "") not in ("", "0")
    if getattr(args, "quiet", False):  # also silences progress bars of figures and reproduce
        os.environ["TQDM_DISABLE"] = "1"
    try:
        result = func(args)
    except BrokenPipeError:  # output piped into e.g. `head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        if debug:
            raise
        print("hopfield-phases: interrupted (finished sweep rows are kept; rerun to resume)",
              file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - one clear line for the user, see module doc
        if debug:
            raise
        bad_input = isinstance(exc, (ValueError, TypeError))
        kind = "" if isinstance(exc, (ValueError, OSError, RuntimeError, MemoryError)) \
            else f"{type(exc).__name__}: "
        print(f"hopfield-phases: error: {kind}{_message(exc)}", file=sys.stderr)
        if not bad_input:
            print("hopfield-phases: (rerun with --debug for the traceback)", file=sys.stderr)
        return 2 if bad_input else 1
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
