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
from dataclasses import dataclass
from typing import Iterable

__all__ = ["Estimate", "unknown", "sweep_estimate", "rfhm_sweep_estimate", "estimate_figure",
           "estimate_figures", "format_estimates", "format_seconds", "format_bytes"]


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
                    peak_bytes=base + w * (base + peak_task), tasks=n, note=note)


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


def estimate_figure(fig, size: str, workers: int | None = None) -> Estimate:
    """The figure's estimate, or an *unknown* one (no hook, or the hook failed)."""
    hook = getattr(fig, "estimate", None)
    if hook is None:
        return unknown("no cost model for this figure")
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
    lines = [f"estimate (size={size}, workers={workers or 'all cores'}; simulation only, "
             "from the calibrated per-task cost model):",
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
                     f"{format_bytes(e.peak_bytes):>9}  {e.tasks if e.known else '':>6}  {note}")
    tail = f" + {n_unknown} figure(s) of unknown cost" if n_unknown else ""
    lines.append(f"  {'TOTAL':<{w}}  {format_seconds(total):>9}  {format_seconds(high):>9}  "
                 f"{format_bytes(peak):>9}  {'':>6}  known figures{tail}")
    return "\n".join(lines)
