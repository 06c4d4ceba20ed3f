"""Cost estimates of figures: what ``reproduce`` prints before a long run (and all that
``reproduce --dry-run`` prints).

A figure reports its cost through the optional ``estimate(size, workers=None)`` hook of its
registry entry (``compare.figures.Figure.estimate``), returning an :class:`Estimate`: wall
seconds and peak bytes of the whole figure, computed from its grid and a per-task cost model
(``montecarlo.cost``).  A figure without a hook, or whose hook fails, gets an estimate marked
*unknown* (never an error): :func:`estimate_figure`.

Sweep estimate (:func:`sweep_estimate`): tasks (grid point x sample) run on ``workers``
processes, largest first; wall ~ max(total / workers, longest task) (the list-scheduling
bound); peak memory ~ the main process plus ``workers`` processes each holding the largest
task.  Only the simulation is modelled (theory lines, bootstraps and drawing are not).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

__all__ = ["Estimate", "unknown", "sweep_estimate", "rfhm_sweep_estimate", "estimate_figure",
           "estimate_figures", "format_estimates", "format_seconds", "format_bytes",
           "measured_costs", "measured_estimate", "scaled_estimate", "record_measured_costs", "timing_peak_mb",
           "MEASURED_COSTS"]

#: measured wall time and peak memory of whole figures (``data/figure_costs.csv``), the cost
#: model of figures without a per-task hook (theory figures, and simulations whose cost is not
#: modelled per task); regenerate with ``hopfield-phases report --out OUT --costs FILE``.
MEASURED_COSTS = Path(__file__).resolve().parent.parent / "data" / "figure_costs.csv"
#: the pessimistic estimate of a measured figure: wall time x this factor (machine load, the
#: spread between runs seen here, ~ +/- 30 %).
MEASURED_HIGH = 1.5


@dataclass
class Estimate:
    """Estimated wall seconds (expected and pessimistic) and peak bytes of one figure;
    ``seconds is None`` means unknown (``note`` says why)."""

    seconds: float | None
    peak_bytes: int | None
    seconds_high: float | None = None
    tasks: int = 0
    note: str = ""

    @property
    def known(self) -> bool:
        return self.seconds is not None and math.isfinite(self.seconds)


def unknown(note: str) -> Estimate:
    return Estimate(seconds=None, peak_bytes=None, note=note)


def sweep_estimate(costs: Iterable[tuple], workers: int, *, base_bytes: int | None = None,
                   note: str = "") -> Estimate:
    """Estimate of a sweep from ``(TaskCost, n_samples)`` pairs (one per grid point)."""
    from hopfield_phases.montecarlo.cost import base_rss

    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    base = base_rss() if base_bytes is None else int(base_bytes)
    total = high = longest = longest_high = 0.0
    peak_task = 0
    n = 0
    for cost, samples in costs:
        samples = int(samples)
        if samples <= 0:
            continue
        n += samples
        total += cost.seconds * samples
        high += cost.seconds_high * samples
        longest = max(longest, cost.seconds)
        longest_high = max(longest_high, cost.seconds_high)
        peak_task = max(peak_task, cost.peak_bytes)
    if n == 0:
        return Estimate(seconds=0.0, seconds_high=0.0, peak_bytes=base, tasks=0, note=note)
    w = min(workers, n)
    return Estimate(seconds=max(total / w, longest), seconds_high=max(high / w, longest_high),
                    peak_bytes=pool_peak_bytes(peak_task, w, base), tasks=n, note=note)


def pool_peak_bytes(task_bytes: int, workers: int, base_bytes: int | None = None) -> int:
    """Peak memory of a worker pool: the main process plus ``workers`` processes, each its
    base plus the largest task (``task_bytes``)."""
    from hopfield_phases.montecarlo.cost import base_rss

    base = base_rss() if base_bytes is None else int(base_bytes)
    return int(base + workers * (base + task_bytes))


def rfhm_sweep_estimate(points: Iterable[dict], samples, workers: int, note: str = "", *,
                        figure: str | None = None) -> Estimate:
    """Estimate of a ``montecarlo.rfhm.sample_task`` sweep: ``points`` the grid,
    ``samples`` an int (same for all points) or a list of ints parallel to ``points``;
    ``figure`` selects its sweep survey (``montecarlo.cost.sweeps_per_start``)."""
    from hopfield_phases.montecarlo.cost import calibration, rfhm_sample_cost

    cal = calibration()
    points = list(points)
    counts = [samples] * len(points) if isinstance(samples, int) else list(samples)
    if len(counts) != len(points):
        raise ValueError("samples: one count per grid point needed")
    costs = [(rfhm_sample_cost(p, cal, figure), s) for p, s in zip(points, counts)]
    meta = cal.get("meta", {})
    tag = f"calibrated {meta.get('date', '?')}"
    return sweep_estimate(costs, workers, note=f"{note}; {tag}" if note else tag)


def measured_costs(path=None) -> dict:
    """``{(figure, size): row}`` of the measured-cost table (empty if there is none)."""
    from hopfield_phases._core.tables import read_table

    path = Path(path) if path is not None else MEASURED_COSTS
    if not path.exists():
        return {}
    try:
        rows, _ = read_table(path)
    except (OSError, ValueError):
        return {}
    return {(str(r["figure"]), str(r["size"])): r for r in rows if r.get("seconds") not in (None, "")}


def measured_estimate(name: str, size: str, workers: int | None = None, path=None) -> Estimate | None:
    """Estimate of a figure from its measured whole-figure run (``data/figure_costs.csv``), or
    None.  The wall time is used as measured on the machine's ``cores`` when ``workers`` is
    unset or not smaller; with fewer workers than the measuring run used, it is scaled by
    cores / workers (a simulation's worker pool; a single-core theory figure does not change)."""
    row = measured_costs(path).get((name, size))
    if row is None:
        return None
    sec = float(row["seconds"])
    cores = int(row.get("cores") or 1)
    parallel = str(row.get("parallel", "")).lower() in ("true", "1", "yes")
    if parallel and workers is not None and workers < cores:
        sec *= cores / workers
    mem = row.get("peak_mem_mb")
    peak = int(float(mem) * 1e6) if mem not in (None, "") else None
    return Estimate(seconds=sec, seconds_high=MEASURED_HIGH * sec, peak_bytes=peak, tasks=0,
                    note=f"measured {str(row.get('date', '?'))[:10]} ({cores} cores, whole figure)")


#: the pessimistic factor of an estimate scaled from a measured run at another size (the work
#: model is a proportionality, not a calibration of each term)
SCALED_HIGH = 3.0


def scaled_estimate(name: str, size: str, work, *, from_size: str = "quick",
                    workers: int | None = None, peak_bytes: int | None = None,
                    note: str = "", path=None) -> Estimate:
    """Estimate of a figure at ``size`` from its measured run at ``from_size``, scaled by the
    ratio of the work ``work(size) / work(from_size)`` (``work``: size -> a number proportional
    to the CPU time, e.g. the sum over the grid of samples x spins x examples x sweeps).

    A measured run at ``size`` itself wins (:func:`measured_estimate`).  Without either
    measurement the estimate is *unknown*.  Pessimistic value: SCALED_HIGH x the expected one.
    ``peak_bytes``: the figure's own memory model (the measured run at the smaller size does
    not say it); ``note``: what the work model assumes (printed first)."""
    own = measured_estimate(name, size, workers, path)
    if own is not None:
        return own
    ref = measured_estimate(name, from_size, workers, path)
    if ref is None:
        return unknown(f"no measured run at size {size} or {from_size}")
    w0, w1 = float(work(from_size)), float(work(size))
    if not (w0 > 0 and math.isfinite(w1)):
        return unknown(f"work model of {name} undefined at size {from_size}")
    sec = ref.seconds * w1 / w0
    return Estimate(seconds=sec, seconds_high=SCALED_HIGH * sec, peak_bytes=peak_bytes, tasks=0,
                    note=(f"{note}; " if note else "") + f"{from_size} run scaled x {w1 / w0:.3g} "
                         f"by the work model ({ref.note})")


def record_measured_costs(timings: dict, path=None, *, cores: int | None = None,
                          command: str = "") -> Path:
    """Merge a ``reproduce`` run's ``OUT/timings.json`` entries into the measured-cost table.

    A figure's peak memory is the larger of its main process (per figure) and its largest child
    process; ``parallel`` says whether it used worker processes or threads (its wall time then
    scales with the cores)."""
    import datetime

    from hopfield_phases._core.tables import write_table

    path = Path(path) if path is not None else MEASURED_COSTS
    rows = {k: dict(v) for k, v in measured_costs(path).items()}
    cores = cores or os.cpu_count() or 1
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    for name, t in timings.items():
        if not isinstance(t, dict) or "seconds" not in t or "size" not in t:
            continue
        peak = timing_peak_mb(t)
        rows[(name, t["size"])] = dict(
            figure=name, size=t["size"], seconds=float(t["seconds"]),
            peak_mem_mb=peak if peak is not None else "", cores=cores,
            parallel=bool(t["parallel"]) if "parallel" in t else _uses_workers(name),
            date=t.get("date", today))
    out = sorted(rows.values(), key=lambda r: (str(r["size"]), str(r["figure"])))
    return write_table(path, out, command=command or "hopfield-phases report --out OUT --costs FILE",
                       description="measured wall time (s) and peak memory (MB) of whole figures "
                       "on this machine, by figure and size; the cost model of figures without a "
                       "per-task hook (compare.cost_model.measured_estimate)",
                       columns=dict(figure="figure name", size="tiny | quick | paper",
                                    seconds="wall time of the figure (s)",
                                    peak_mem_mb="peak resident memory, main or largest child (MB)",
                                    cores="CPU cores of the measuring machine",
                                    parallel="the figure used all cores (wall time scales with them)",
                                    date="UTC date of the run"))


def _uses_workers(name: str) -> bool:
    """Whether a registered figure takes ``workers`` (:attr:`Figure.takes_workers`)."""
    from . import figures

    fig = figures.registry().get(name)
    return fig is not None and fig.takes_workers


def timing_peak_mb(entry: dict) -> float | None:
    """Peak memory (MB) of one ``OUT/timings.json`` entry: the larger of its main process and
    its largest child process, or None when it has neither."""
    mems = [float(entry[k]) for k in ("peak_mem_mb_main", "peak_mem_mb_children")
            if entry.get(k) not in (None, "")]
    return max(mems) if mems else None


def estimate_figure(fig, size: str, workers: int | None = None) -> Estimate:
    """The figure's estimate: its per-task hook; else its measured whole-figure cost
    (:func:`measured_estimate`); else an *unknown* one (no hook and no measurement, or the
    hook failed)."""
    hook = getattr(fig, "estimate", None)
    if hook is None:
        est = measured_estimate(fig.name, size, workers)
        return est if est is not None else unknown("no cost model for this figure")
    try:
        est = hook(size, workers=workers)
    except Exception as exc:  # noqa: BLE001 - an estimate must never stop the run
        return unknown(f"estimate failed: {type(exc).__name__}: {exc}")
    if not isinstance(est, Estimate):
        return unknown(f"estimate hook returned {type(est).__name__}, not an Estimate")
    return est


def estimate_figures(names: Iterable[str], size: str, workers: int | None = None) -> dict:
    from . import figures

    reg = figures.registry()
    return {n: estimate_figure(reg[n], size, workers) for n in names}


def format_seconds(s: float | None) -> str:
    if s is None or not math.isfinite(s):
        return "unknown"
    if s < 90:
        return f"{s:.0f} s"
    if s < 5400:
        return f"{s / 60:.1f} min"
    return f"{s / 3600:.1f} h"


def format_bytes(b: int | None) -> str:
    if b is None:
        return "unknown"
    return f"{b / 1e9:.2f} GB" if b >= 1e9 else f"{b / 1e6:.0f} MB"


def format_estimates(estimates: dict, size: str, workers: int | None = None,
                     measured: dict | None = None) -> str:
    """A table: one line per figure (wall time expected / pessimistic, peak memory, tasks, note)
    and the total (sum of wall times: figures run one after the other; peak: the largest)."""
    w = max([len(n) for n in estimates] + [6])
    lines = [f"estimate (size={size}, workers={workers or 'all cores'}; simulation from the "
             "calibrated per-task cost model, other figures from measured whole-figure runs):",
             f"  {'figure':<{w}}  {'wall':>9}  {'(high)':>9}  {'peak mem':>9}  {'tasks':>6}  note"]
    total = high = 0.0
    peak = 0
    n_unknown = 0
    for name, e in estimates.items():
        note = e.note
        if not e.known:
            n_unknown += 1
            if measured and name in measured:
                note = f"{note}; last measured run: {format_seconds(measured[name])}"
        else:
            total += e.seconds
            high += e.seconds_high if e.seconds_high is not None else e.seconds
            peak = max(peak, e.peak_bytes or 0)
        lines.append(f"  {name:<{w}}  {format_seconds(e.seconds):>9}  "
                     f"{format_seconds(e.seconds_high) if e.known else '':>9}  "
                     f"{format_bytes(e.peak_bytes):>9}  {e.tasks if e.known and e.tasks else '':>6}  {note}")
    tail = f" + {n_unknown} figure(s) of unknown cost" if n_unknown else ""
    lines.append(f"  {'TOTAL':<{w}}  {format_seconds(total):>9}  {format_seconds(high):>9}  "
                 f"{format_bytes(peak):>9}  {'':>6}  known figures{tail}")
    return "\n".join(lines)
