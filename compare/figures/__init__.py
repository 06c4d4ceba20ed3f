"""Figure registry.

Each module in this package that defines a module-level ``FIGURE = Figure(...)`` is
registered automatically under ``FIGURE.name``; ``hopfield-phases figure NAME`` draws it and
``hopfield-phases reproduce`` draws all of them in ``order``.

A figure's ``build(out_dir, size="quick", seed=0, **options)`` writes at least
``NAME.png``, ``NAME.pdf``, ``NAME.csv`` (everything plotted) and ``NAME.json``
(provenance) into ``out_dir`` and returns a :class:`FigureOutput`.  ``size`` is one of
``"tiny"`` (seconds, for tests), ``"quick"`` (the default of ``reproduce``) and ``"paper"``.
An optional ``Figure.estimate(size, workers=None)`` hook reports the cost of a size before it
is run (``compare.cost_model``; ``reproduce --dry-run``).

Simulation figures are declared with ``_common.simulation_figure`` (or built with
``_common.build_simulation_figure``): the simulation task and its column layout live in
``montecarlo`` (``montecarlo.rfhm.sample_task``, ``montecarlo.umbrella.window_task``); the
figure module only reduces and draws.  ``--from-csv FILE`` draws without simulating, from the
figure's own ``NAME.csv`` or from the CSV of the matching ``simulate`` command; a CSV that
lacks the needed columns is an error (exit 2), never a figure with empty axes.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

SIZES = ("tiny", "quick", "paper")


@dataclass
class FigureOutput:
    files: list[Path]
    agreement: list[dict] = field(default_factory=list)
    """Rows of the agreement table (simulation vs theory), empty for pure-theory figures."""
    summary: str = ""


@dataclass
class Figure:
    name: str
    help: str
    build: Callable[..., FigureOutput]
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None
    order: int = 100
    options_from_args: Callable[[argparse.Namespace], dict] | None = None
    estimate: Callable[..., object] | None = None
    """Optional cost hook ``estimate(size, workers=None) -> compare.cost_model.Estimate`` (wall
    seconds and peak bytes of ``build`` at that size, from the figure's grid and a per-task
    cost model); printed by ``reproduce`` before it starts.  Without it the estimate is
    reported as unknown."""

    @property
    def takes_workers(self) -> bool:
        """``build`` accepts ``workers`` (a simulation on a worker pool: its wall time scales
        with the cores)."""
        import inspect

        try:
            params = inspect.signature(self.build).parameters
        except (TypeError, ValueError):  # pragma: no cover
            return False
        return "workers" in params or any(q.kind is q.VAR_KEYWORD for q in params.values())


_REGISTRY: dict[str, Figure] | None = None


def registry() -> dict[str, Figure]:
    """All figures, discovered from the modules of this package, sorted by ``order``."""
    global _REGISTRY
    if _REGISTRY is None:
        found: dict[str, Figure] = {}
        for info in pkgutil.iter_modules(__path__):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{__name__}.{info.name}")
            fig = getattr(module, "FIGURE", None)
            if isinstance(fig, Figure):
                if fig.name in found:
                    raise RuntimeError(f"two figures named {fig.name!r}")
                found[fig.name] = fig
        _REGISTRY = dict(sorted(found.items(), key=lambda kv: (kv[1].order, kv[0])))
    return _REGISTRY


def get(name: str) -> Figure:
    reg = registry()
    if name not in reg:
        raise ValueError(f"figure must be one of {list(reg)}, got {name!r}")
    return reg[name]


def add_common_arguments(parser: argparse.ArgumentParser, out_default: str = "figures_out") -> None:
    parser.add_argument("--out", default=out_default, help=f"output folder (default: {out_default})")
    parser.add_argument(
        "--size", choices=SIZES, default="quick",
        help="tiny (seconds), quick (default; minutes) or paper (the papers' sizes)",
    )
    parser.add_argument("--seed", type=int, default=0, help="master seed of any simulation (default: 0)")


def _run_one(args) -> int:
    fig = get(args.figure_name)
    options = fig.options_from_args(args) if fig.options_from_args else {}
    out = fig.build(Path(args.out), size=args.size, seed=args.seed, **options)
    for f in out.files:
        print(f)
    if out.summary:
        print(out.summary)
    return 0


def add_figure_parsers(root) -> None:
    figure = root.add_parser(
        "figure", help="draw one figure (PNG, PDF, CSV of what is plotted, JSON provenance)",
        description="Draw one figure.  Every figure writes NAME.png, NAME.pdf, NAME.csv and NAME.json.",
    )
    sub = figure.add_subparsers(dest="figure_name", metavar="NAME", required=True)
    for name, fig in registry().items():
        p = sub.add_parser(name, help=fig.help, description=fig.help)
        add_common_arguments(p)
        if fig.add_arguments:
            fig.add_arguments(p)
        p.set_defaults(func=_run_one)
