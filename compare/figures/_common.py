"""Plumbing shared by the theory-vs-simulation figures (not a figure itself: the leading
underscore keeps it out of the registry).

Every simulation figure follows the same pipeline, which makes it rebuildable from its CSV:

1. **simulate**: :func:`cached_sweep` runs ``montecarlo.sweep.run_sweep`` into
   ``OUT/sweeps/NAME_SIZE.csv``; a rerun reuses finished rows (the sweep is resumable);
2. **reduce**: the figure module turns the per-sample rows and the theory into a long table of
   everything plotted (columns ``panel, series, kind, x, y, yerr, ...``), written with
   :func:`compare.datasets.write_table` as ``NAME.csv`` (+ ``NAME.json``);
3. **draw**: the figure is drawn from the rows *read back* from ``NAME.csv``; so
   ``build(..., from_csv=NAME.csv)`` skips steps 1-2 and gives identical PNG/PDF bytes.

The agreement table ``NAME_agreement.csv`` is computed in step 2 from the per-sample rows (it
needs them for the bootstrap) and is kept, not recomputed, when rebuilding from a CSV.
"""

from __future__ import annotations

import math
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from hopfield_phases._core.tables import read_table, write_table
from ..plotting import save_figure

__all__ = ["cached_sweep", "write_plot_table", "read_plot_table", "finish", "log",
           "add_from_csv_argument", "options_from_args", "series", "default_workers",
           "by_series", "sweep_command", "require_columns", "is_plot_table",
           "build_simulation_figure", "simulation_figure"]


def log(msg: str) -> None:
    """Progress line for the stages of a figure (stderr, flushed)."""
    print(f"    {msg}", file=sys.stderr, flush=True)


def default_workers(size: str) -> int:
    """One process for tiny runs (no pool start-up cost), every core otherwise."""
    if size == "tiny":
        return 1
    return max(1, os.cpu_count() or 1)


def sweep_command(name: str, size: str, seed: int) -> str:
    return f"hopfield-phases figure {name} --size {size} --seed {seed}"


def cached_sweep(task: Callable, grid, samples, out_dir: Path, name: str, size: str, seed: int,
                 *, workers: int | None = None, description: str = "", tag: str = "") -> list[dict]:
    """Run (or resume) a sweep into ``OUT/sweeps/NAME_SIZE[_TAG].csv`` and return its rows.

    The CSV is the simulation cache: rows already present are not recomputed (``run_sweep``
    matches on the parameter values and the sample index, and refuses a different seed)."""
    from hopfield_phases.montecarlo.sweep import read_sweep, run_sweep

    path = Path(out_dir) / "sweeps" / f"{name}_{size}{('_' + tag) if tag else ''}.csv"
    t0 = time.perf_counter()
    run_sweep(task, grid, samples, path, workers=workers or default_workers(size),
              master_seed=int(seed), command=sweep_command(name, size, seed),
              progress=size != "tiny", description=description or path.stem)
    rows = _in_grid(read_sweep(path), grid, samples)
    log(f"simulation {path.name}: {len(rows)} rows ({time.perf_counter() - t0:.1f} s)")
    return rows


def _in_grid(rows: list[dict], grid, samples) -> list[dict]:
    """Only the rows of this grid and these samples (a cache written by an earlier, different
    grid keeps its other rows, which must not leak into this figure)."""
    from hopfield_phases.montecarlo.sweep import canonical_params, expand_grid

    points = expand_grid(grid)
    keys = {canonical_params(p) for p in points}
    names = sorted({k for p in points for k in p})
    wanted = set(range(samples)) if isinstance(samples, int) else set(int(v) for v in samples)
    return [r for r in rows if r["sample"] in wanted
            and canonical_params({k: r[k] for k in names if k in r}) in keys]


def write_plot_table(out_dir: Path, name: str, rows: list[dict], *, size: str, seed: int,
                     description: str, parameters: dict) -> Path:
    """``NAME.csv`` (everything plotted) + ``NAME.json`` provenance."""
    return write_table(Path(out_dir) / f"{name}.csv", rows, command=sweep_command(name, size, seed),
                       seed=seed, description=description, parameters=parameters, size=size)


def read_plot_table(path) -> tuple[list[dict], dict]:
    """Rows and provenance of a plotted table (``NAME.csv``)."""
    path = Path(path)
    if not path.exists():
        raise ValueError(f"from_csv: no such file {path}")
    return read_table(path)


def require_columns(rows: list[dict], columns: Iterable[str], what: str) -> None:
    """ValueError (naming ``from_csv``) unless ``rows`` is non-empty and has every column."""
    if not rows:
        raise ValueError(f"from_csv: {what}: the table has no rows")
    have = set().union(*(r.keys() for r in rows))
    missing = [c for c in columns if c not in have]
    if missing:
        raise ValueError(f"from_csv: {what}: missing columns {missing} (has {sorted(have)})")


def is_plot_table(rows: list[dict]) -> bool:
    """Whether rows are a plotted table (``series``, ``kind``, ``x``, ``y`` columns) rather than
    the per-sample rows of a simulation."""
    return bool(rows) and {"series", "kind", "x", "y"} <= set(rows[0])


def _check_drawable(name: str, rows: list[dict], meta: dict, path) -> None:
    """A plotted table given to ``--from-csv`` must be this figure's and hold simulation
    points: never draw empty axes."""
    cmd = str(meta.get("command") or "")
    if " figure " in f" {cmd} " and f"figure {name}" not in cmd:
        raise ValueError(f"from_csv: {path} is the table of another figure ({cmd!r}), not {name}")
    if not any(r.get("kind") == "simulation" and math.isfinite(_f(r.get("y"))) for r in rows):
        raise ValueError(f"from_csv: {path} has no simulation points to draw for {name}")


def series(rows: Iterable[dict], **match) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x, y, yerr)`` arrays of the rows whose columns equal ``match`` (in table order)."""
    sel = [r for r in rows if all(r.get(k) == v for k, v in match.items())]
    x = np.array([_f(r.get("x")) for r in sel])
    y = np.array([_f(r.get("y")) for r in sel])
    e = np.array([_f(r.get("yerr")) for r in sel])
    return x, y, e


def by_series(rows: Iterable[dict], *keys: str) -> dict[tuple, list[dict]]:
    """Group rows by the values of ``keys`` (first-seen order)."""
    out: dict[tuple, list[dict]] = {}
    for r in rows:
        out.setdefault(tuple(r.get(k) for k in keys), []).append(r)
    return out


def _f(v) -> float:
    if v is None or v == "":
        return math.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def finish(fig, out_dir: Path, name: str, *, agreement: list[dict] | None, size: str, seed: int,
           description: str, from_csv: Path | None = None, extra_files: Iterable[Path] = ()
           ) -> list[Path]:
    """Save PNG/PDF; write (or, when rebuilding from a CSV, copy along) the agreement table.
    Returns the list of files of the figure."""
    out_dir = Path(out_dir)
    files = save_figure(fig, out_dir, name)
    files += [out_dir / f"{name}.csv", out_dir / f"{name}.json"]
    agr = out_dir / f"{name}_agreement.csv"
    if agreement is not None:
        write_table(agr, agreement, command=sweep_command(name, size, seed), seed=seed,
                    description=description)
    elif from_csv is not None:
        src = Path(from_csv).with_name(f"{name}_agreement.csv")
        if src.exists() and src.resolve() != agr.resolve():
            shutil.copyfile(src, agr)
            side = src.with_suffix(".json")
            if side.exists():
                shutil.copyfile(side, agr.with_suffix(".json"))
    if agr.exists():
        files += [agr]
    files += list(extra_files)
    return files


def copy_plot_table(from_csv: Path, out_dir: Path, name: str) -> None:
    """Copy ``NAME.csv``/``NAME.json`` into ``out_dir`` when rebuilding elsewhere."""
    src = Path(from_csv)
    dst = Path(out_dir) / f"{name}.csv"
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.resolve() != dst.resolve():
        shutil.copyfile(src, dst)
        if src.with_suffix(".json").exists():
            shutil.copyfile(src.with_suffix(".json"), dst.with_suffix(".json"))


def add_from_csv_argument(parser) -> None:
    parser.add_argument("--from-csv", metavar="CSV", default=None,
                        help="draw without simulating: from a stored NAME.csv (redraw only) or "
                             "from a CSV of the matching `simulate` command (reduced here)")
    parser.add_argument("--workers", type=int, default=None,
                        help="simulation processes (default: all cores; 1 for --size tiny)")


def options_from_args(args) -> dict:
    opts = {}
    if getattr(args, "from_csv", None):
        opts["from_csv"] = args.from_csv
    if getattr(args, "workers", None):
        opts["workers"] = args.workers
    return opts


def agreement_or_nan(fn: Callable, *args, **kwargs):
    """Evaluate a theory function; NaN (with a progress note) if it has no answer there."""
    try:
        return float(fn(*args, **kwargs))
    except Exception as exc:  # theory may legitimately have no solution (NoSolution etc.)
        log(f"theory {getattr(fn, '__name__', fn)}{args} {kwargs}: {type(exc).__name__}: {exc}")
        return math.nan


def plot_label_grid(ax, rows: Iterable[dict], panel, order, cmap) -> None:
    """Draw the phase labels of the ``series == "grid"`` rows of ``panel`` as a colour mesh over
    (alpha, T); colour k is label ``order[k]`` (the phase-diagram figures)."""
    g = [r for r in rows if r["panel"] == panel and r["series"] == "grid"]
    al = np.array(sorted({r["alpha"] for r in g}))
    Ts = np.array(sorted({r["T"] for r in g}))
    Z = np.full((Ts.size, al.size), np.nan)
    for r in g:
        Z[np.searchsorted(Ts, r["T"]), np.searchsorted(al, r["alpha"])] = order.index(r["label"])
    ax.pcolormesh(al, Ts, Z, cmap=cmap, vmin=-0.5, vmax=len(order) - 0.5, shading="nearest")


def plot_boundaries(ax, rows: Iterable[dict], panel, styles) -> None:
    """Draw, for each ``(series, style)`` in ``styles``, the finite ``(alpha, T)`` points of the
    rows of ``panel`` as one line sorted by T (the boundary lines of the phase-diagram figures)."""
    rows = list(rows)
    for kind, st in styles:
        pts = sorted(((r["alpha"], r["T"]) for r in rows if r["panel"] == panel and r["series"] == kind
                      and np.isfinite(r["alpha"])), key=lambda x: x[1])
        if pts:
            pts = np.array(pts)
            ax.plot(pts[:, 0], pts[:, 1], **st)


def styled(draw: Callable, *args, **kwargs):
    """Call a drawing function under the toolkit's matplotlib style (so that every text
    object, including titles added after ``new_figure``, uses it)."""
    import matplotlib.pyplot as plt

    from ..plotting import STYLE

    with plt.rc_context(STYLE):
        return draw(*args, **kwargs)


def add_simulation_arguments(parser) -> None:
    """``--no-simulation`` and ``--workers`` for theory figures that overlay cheap simulation
    points (``compare.overlays``)."""
    parser.add_argument("--no-simulation", dest="simulate", action="store_false",
                        help="draw the theory lines only (no simulation points)")
    parser.add_argument("--workers", type=int, default=None,
                        help="simulation processes (default: all cores; 1 for --size tiny)")


def simulation_options(args) -> dict:
    return {"simulate": args.simulate, "workers": args.workers}


def build_simulation_figure(name: str, out_dir, size: str, seed: int, *, sizes: dict,
                            simulate: Callable, reduce: Callable, draw: Callable,
                            parameters: Callable[[], dict], plot_description: str,
                            agreement_description: str,
                            draw_args: Callable = lambda rows, meta: (rows, meta.get("parameters")),
                            from_csv=None, workers=None, stage: str = "simulation"
                            ) -> tuple[list[Path], list[dict]]:
    """The pipeline shared by the simulation figures.

    1. ``simulate(out_dir, size, seed, workers)`` -> per-sample rows (cached sweep);
    2. ``reduce(sim_rows, size, seed)`` -> (plotted rows, agreement rows[, parameters]),
       written to ``NAME.csv`` (+ sidecar with ``parameters()``, updated with the optional
       third element: what the rows themselves say, e.g. their N);
    3. the figure is always drawn from ``NAME.csv`` read back from disk, with
       ``draw(*draw_args(rows, meta))``.

    ``from_csv`` skips 1: either a plotted ``NAME.csv`` (copied, so the PNG/PDF are
    byte-identical; it must be this figure's table and hold simulation points) or a CSV of
    per-sample simulation rows (the matching ``simulate`` command's output or the sweep cache),
    which goes through 2.  ``reduce`` raises ValueError when the rows lack its columns, so a
    wrong CSV is an error, never empty axes.

    Returns ``(files, agreement rows)``.
    """
    if size not in sizes:
        raise ValueError(f"size must be one of {list(sizes)}, got {size!r}")
    out_dir = Path(out_dir)
    agreement = None
    sim_rows = None
    if from_csv is None:
        log(f"{name}: {stage} (size={size})")
        sim_rows = simulate(out_dir, size, seed, workers)
    else:
        csv_rows, csv_meta = read_plot_table(Path(from_csv))
        if is_plot_table(csv_rows):
            _check_drawable(name, csv_rows, csv_meta, from_csv)
            copy_plot_table(Path(from_csv), out_dir, name)
        else:
            log(f"{name}: reducing the simulation rows of {from_csv}")
            sim_rows = csv_rows
    if sim_rows is not None:
        out = reduce(sim_rows, size, seed)
        rows, agreement = out[0], out[1]
        params = dict(parameters(), **(out[2] if len(out) > 2 else {}))
        if from_csv is not None:
            params["from_csv"] = str(from_csv)
            if not any(r.get("kind") == "simulation" and math.isfinite(_f(r.get("y"))) for r in rows):
                raise ValueError(f"from_csv: {from_csv} gives no simulation points for {name}")
        write_plot_table(out_dir, name, rows, size=size, seed=seed, description=plot_description,
                         parameters=params)
    rows, meta = read_plot_table(out_dir / f"{name}.csv")
    fig = styled(draw, *draw_args(rows, meta))
    files = finish(fig, out_dir, name, agreement=agreement, size=size, seed=seed,
                   description=agreement_description,
                   from_csv=Path(from_csv) if from_csv and agreement is None else None)
    return files, agreement or []


def simulation_figure(name: str, *, sizes: dict, simulate: Callable, reduce: Callable,
                      draw: Callable, help: str, order: int, plot_description: str,
                      agreement_description: str, parameters: Callable[[str], dict] | None = None,
                      draw_args: Callable = lambda rows, meta: (rows, meta.get("parameters")),
                      summary: Callable[[list], str] | None = None,
                      stage: str = "simulation", estimate: Callable | None = None):
    """The registered ``Figure`` of a simulation figure: its ``build(out_dir, size, seed, *,
    from_csv=None, workers=None)`` runs :func:`build_simulation_figure`, and the command line
    gets ``--from-csv`` and ``--workers``.  ``parameters(size)`` (default: ``sizes[size]``)
    goes to the sidecar; ``summary(agreement)`` to the printed summary; ``estimate(size,
    workers=None)`` is the optional cost hook of the registry entry (``compare.cost_model``)."""
    from . import Figure, FigureOutput

    def build(out_dir, size: str = "quick", seed: int = 0, *, from_csv=None, workers=None):
        files, agreement = build_simulation_figure(
            name, out_dir, size, seed, sizes=sizes, simulate=simulate, reduce=reduce, draw=draw,
            parameters=lambda: dict(parameters(size) if parameters else sizes.get(size, {})),
            plot_description=plot_description, agreement_description=agreement_description,
            draw_args=draw_args, from_csv=from_csv, workers=workers, stage=stage)
        return FigureOutput(files=files, agreement=agreement,
                            summary=summary(agreement) if summary else "")

    build.__doc__ = (f"Draw ``{name}``; ``from_csv`` draws from a stored ``{name}.csv`` or from "
                     "the CSV of the matching ``simulate`` command, without simulating.")
    return Figure(name=name, help=help, build=build, order=order,
                  add_arguments=add_from_csv_argument, options_from_args=options_from_args,
                  estimate=estimate)
