"""Cheap simulation points drawn over the theory phase diagrams.

For each diagram there is a pair of functions: ``*_points(out_dir, size, seed, workers)`` runs a
small, cached simulation (a task of ``montecarlo``: ``montecarlo.hopfield.hopfield_task``,
``montecarlo.rfhm.sample_task``, ``montecarlo.teacher_student.sweep_task``, through
``montecarlo.sweep.run_sweep``; this module only reduces and draws; the CSV goes to
``OUT/sweeps/overlay-*_SIZE.csv`` and a rerun reuses finished rows) and returns
``(rows, agreement)``: the rows to plot (add them to the figure's CSV) and agreement-table
rows (:func:`compare.agreement.agreement_row`); ``draw_*_points(ax, rows)`` draws the rows onto
a matplotlib Axes whose axes are those of the diagram.  The drawing uses only the rows, so a
figure that stores them in its CSV can be redrawn from it.

* **AGS diagram** (``hopfield-phase-diagram``, axes alpha, T): standard Hopfield network with
  random +-1 patterns (``montecarlo.hopfield``) started from a stored pattern; a point is
  "retrieval" when the mean overlap with the pattern exceeds 0.8 (filled circle) and
  "no retrieval" otherwise (open circle).  At T = 0 the load where the mean final overlap
  crosses 0.9 downward (bootstrap interval) is compared with alpha_c = 0.137906
  (``docs/theory/rfhm_theory.md`` Sec. 3.2; the finite-N crossing lies above it).
* **RFHM diagram** (``rfhm-phase-diagram``, axes alpha, alpha_D): dense +-1 coefficients at a
  few alpha_D; the learning onset (mu crosses 0.9 upward) and the storage collapse (m_train
  crosses 0.9 downward) in alpha, with 68 % bootstrap intervals, as horizontal error bars,
  compared with ``theory.rfhm.learning_transition`` ('sq', 'lin') and
  ``storage_transition`` (with-t, no-t).
* **TS diagram** (``ts-phase-diagram``, axes alpha, T; p = 3 on the Nishimori line T = T* by
  default): Metropolis runs of the distinct-index student (``montecarlo.teacher_student``)
  from planted and random starts; marker fill = q* (planted: circles, random: triangles),
  showing the hysteresis of the first-order transition.  These are qualitative (N ~ 10^2:
  large finite-size effects, ``docs/theory/teacher_student_theory.md`` Sec. 12), so no agreement rows.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from hopfield_phases.montecarlo import hopfield as mc_hopfield
from hopfield_phases.montecarlo import rfhm as mc_rfhm

from . import agreement as ag
from .agreement import converged_rows

__all__ = ["hopfield_points", "draw_hopfield_points", "rfhm_points", "draw_rfhm_points",
           "ts_points", "draw_ts_points", "overlay", "SIZES", "rfhm_grid", "rfhm_estimate"]

SIZES = {
    "hopfield": {
        "tiny": dict(N=200, alphas=(0.05, 0.15), temperatures=(0.0, 0.5), samples=2, sweeps=30),
        "quick": dict(N=1000, alphas=(0.02, 0.05, 0.08, 0.11, 0.13, 0.145, 0.155, 0.17, 0.19),
                      temperatures=(0.0, 0.2, 0.4, 0.6, 0.8, 1.0), samples=3, sweeps=60),
        "paper": dict(N=4000, alphas=tuple(np.round(np.arange(0.01, 0.2001, 0.005), 3)),
                      temperatures=tuple(np.round(np.arange(0.0, 1.2001, 0.1), 2)), samples=5,
                      sweeps=200),
    },
    "rfhm": {
        "tiny": dict(N=300, alpha_Ds=(0.05,), n_alpha=4, samples=2),
        "quick": dict(N=2000, alpha_Ds=(0.02, 0.05, 0.09), n_alpha=12, samples=6),
        "paper": dict(N=8000, alpha_Ds=(0.01, 0.02, 0.04, 0.06, 0.09, 0.12), n_alpha=20, samples=20),
    },
    "ts": {
        "tiny": dict(p=3, N=30, alphas=(3.0,), temperatures=(2.0,), sweeps=60, samples=1),
        "quick": dict(p=3, N=80, alphas=(3.0, 5.0, 7.0, 10.0, 14.0), temperatures=(1.5, 2.0, 3.0),
                      sweeps=300, samples=1),
        "paper": dict(p=3, N=200, alphas=(3.0, 4.0, 5.0, 5.5, 7.0, 9.0),
                      temperatures=(1.5, 2.0, 2.5, 3.0), sweeps=600, samples=2),
    },
}
RETRIEVAL = 0.8


def _check_size(kind, size):
    if size not in SIZES[kind]:
        raise ValueError(f"size must be one of {list(SIZES[kind])}, got {size!r}")
    return SIZES[kind][size]


def _sweep(task, grid, samples, out_dir, name, size, seed, workers):
    from .figures import _common as C

    return C.cached_sweep(task, grid, samples, Path(out_dir), f"overlay-{name}", size, seed,
                          workers=workers, description=f"overlay {name}")


# --------------------------------------------------------------------------------------------
# AGS diagram
# --------------------------------------------------------------------------------------------


def hopfield_points(out_dir, size: str = "quick", seed: int = 0, workers=None):
    """Simulation points for the AGS diagram: ``rows`` with columns ``overlay, alpha, T, y
    (mean overlap), yerr, n, retrieval`` and agreement rows (T = 0 retrieval limit)."""
    s = _check_size("hopfield", size)
    grid = [dict(N=s["N"], alpha=float(a), T=float(T), sweeps=s["sweeps"])
            for a in sorted(s["alphas"], reverse=True) for T in s["temperatures"]]
    sim = _sweep(mc_hopfield.hopfield_task, grid, s["samples"], out_dir, "hopfield", size, seed,
                 workers)
    sim, n_unconverged = converged_rows(sim)
    rows = []
    for a in s["alphas"]:
        for T in s["temperatures"]:
            v = np.array([r["m"] for r in sim if r["alpha"] == a and r["T"] == T])
            if not len(v):  # every relaxation here hit the sweep cap (counted in agreement)
                continue
            rows.append(dict(overlay="hopfield", alpha=float(a), T=float(T), y=float(v.mean()),
                             yerr=float(v.std(ddof=1) / math.sqrt(len(v))) if len(v) > 1 else math.nan,
                             n=len(v), retrieval=bool(v.mean() > RETRIEVAL), N=s["N"]))
    agreement = []
    zero = [r for r in sim if r["T"] == 0.0]
    if len({r["alpha"] for r in zero}) >= 2:
        from hopfield_phases.theory import hopfield as H

        xs, M = ag.samples_matrix([r["alpha"] for r in zero], [r["m"] for r in zero])
        tr = ag.transition(xs, M, 0.9, method="isotonic", direction="down", log=False, n_boot=300,
                           seed=seed)
        agreement.append(ag.agreement_row(
            "T=0 retrieval limit alpha_c (pattern overlap 0.9-crossing)", tr.value, tr.ci_low,
            tr.ci_high, H.capacity(1), "AGS RS", N=s["N"], method="isotonic, 68 % bootstrap",
            n_boot_failed=tr.n_failed, unconverged_excluded=n_unconverged,
            note="finite-N crossing expected above alpha_c"))
    return rows, agreement


def draw_hopfield_points(ax, rows, **kwargs) -> None:
    """Filled circles: retrieval (mean overlap > 0.8); open circles: none.  Axes (alpha, T)."""
    pts = [r for r in rows if r.get("overlay") == "hopfield"]
    for ret, face in ((True, "C0"), (False, "none")):
        sel = [r for r in pts if bool(r["retrieval"]) == ret]
        if sel:
            ax.scatter([r["alpha"] for r in sel], [r["T"] for r in sel], s=kwargs.get("s", 16),
                       facecolors=face, edgecolors="C0", linewidths=0.8, zorder=5, clip_on=False,
                       label=(f"MC, N={sel[0]['N']}: " + ("retrieval" if ret else "no retrieval")))


# --------------------------------------------------------------------------------------------
# RFHM diagram
# --------------------------------------------------------------------------------------------


def rfhm_grid(size: str) -> list[dict]:
    """The dense-coefficient ``montecarlo.rfhm.sample_task`` points of the RFHM overlay: per
    alpha_D, ``n_alpha`` loads from 0.15 alpha_D to 3 x the RS learning line, largest first."""
    from hopfield_phases.theory import rfhm as th

    s = _check_size("rfhm", size)
    grids = {}
    for aD in s["alpha_Ds"]:
        a_learn = th.learning_transition(aD)
        top = min(3.0 * a_learn, 0.9 * 2**31 / s["N"] ** 2)  # kept from the int32 era: same grid, same cache
        grids[aD] = np.geomspace(0.15 * aD, top, s["n_alpha"])
    grid = [dict(N=s["N"], alpha=float(a), alpha_D=float(aD), L_train="dense", L_test=[3],
                 coefficients="dense") for aD in s["alpha_Ds"] for a in grids[aD][::-1]]
    grid.sort(key=lambda p: -p["alpha"])
    return grid


def rfhm_estimate(size: str, workers=None):
    """Cost model of the RFHM overlay (``compare.cost_model.rfhm_sweep_estimate``)."""
    import os

    from .cost_model import rfhm_sweep_estimate

    return rfhm_sweep_estimate(rfhm_grid(size), int(SIZES["rfhm"][size]["samples"]),
                               workers or os.cpu_count() or 1, note="RFHM overlay")


def rfhm_points(out_dir, size: str = "quick", seed: int = 0, workers=None):
    """Learning onsets and storage collapses from dense-coefficient simulations at a few
    alpha_D: ``rows`` with ``overlay, transition (learning|storage), alpha_D, alpha, alpha_lo,
    alpha_hi`` and agreement rows against the RS lines."""
    from hopfield_phases.theory import rfhm as th

    from .figures import _common as C

    s = _check_size("rfhm", size)
    grid = rfhm_grid(size)
    sim = _sweep(mc_rfhm.sample_task, grid, s["samples"], out_dir, "rfhm", size, seed, workers)
    sim, n_unconverged = converged_rows(sim)
    rows, agreement = [], []
    for i, aD in enumerate(s["alpha_Ds"]):
        sel = [r for r in sim if r["alpha_D"] == aD]
        for key, trans, direction, theory in (
                ("mu", "learning", "up", {v: th.learning_transition(aD, v) for v in ("sq", "lin")}),
                ("m_train", "storage", "down",
                 {st: C.agreement_or_nan(th.storage_transition, aD, st) for st in ("with_t", "no_t")})):
            xs, M = ag.samples_matrix([r["alpha"] for r in sel], [r[key] for r in sel])
            tr = ag.transition(xs, M, 0.9, method="isotonic", direction=direction, n_boot=300,
                               seed=np.random.SeedSequence([int(seed), i]).generate_state(1)[0])
            rows.append(dict(overlay="rfhm", transition=trans, alpha_D=float(aD), alpha=tr.value,
                             alpha_lo=tr.ci_low, alpha_hi=tr.ci_high, N=s["N"], samples=s["samples"]))
            for variant, value in theory.items():
                agreement.append(ag.agreement_row(
                    f"{trans} transition at alpha_D={aD:g} (dense)", tr.value, tr.ci_low, tr.ci_high,
                    value, variant, N=s["N"], method=f"isotonic 0.9-crossing ({direction}), 68 % bootstrap",
                    n_boot_failed=tr.n_failed, unconverged_excluded=n_unconverged))
    return rows, agreement


def draw_rfhm_points(ax, rows, **kwargs) -> None:
    """Horizontal error bars (alpha interval) at each simulated alpha_D: learning onsets
    (blue squares) and storage collapses (orange diamonds).  Axes (alpha, alpha_D)."""
    for trans, color, marker in (("learning", "C0", "s"), ("storage", "C1", "D")):
        sel = [r for r in rows if r.get("overlay") == "rfhm" and r["transition"] == trans
               and np.isfinite(r["alpha"])]
        if not sel:
            continue
        x = np.array([r["alpha"] for r in sel])
        lo = np.array([r["alpha_lo"] for r in sel])
        hi = np.array([r["alpha_hi"] for r in sel])
        err = np.vstack([np.nan_to_num(x - lo), np.nan_to_num(hi - x)])
        ax.errorbar(x, [r["alpha_D"] for r in sel], xerr=np.maximum(err, 0), ls="none", color=color,
                    marker=marker, ms=4, capsize=2, zorder=5,
                    label=f"MC {trans} (N={sel[0]['N']}, 0.9-crossing)")


# --------------------------------------------------------------------------------------------
# TS diagram
# --------------------------------------------------------------------------------------------


def ts_points(out_dir, size: str = "quick", seed: int = 0, workers=None, T_teacher=None):
    """Planted and random starts of the p-body student at a grid of (alpha, T) (T* = T by
    default: the Nishimori line).  ``rows``: ``overlay, start, alpha, T, T_teacher, q_star,
    q_star_std, r_sample, N``.  No agreement rows (qualitative at these N)."""
    from hopfield_phases.montecarlo.teacher_student import sweep_task

    s = _check_size("ts", size)
    grid = [dict(p=s["p"], N=s["N"], alpha=float(a), T=float(T),
                 T_teacher=float(T if T_teacher is None else T_teacher), start=start,
                 sweeps=s["sweeps"], interaction="distinct", teacher_interaction="literal")
            for a in sorted(s["alphas"], reverse=True) for T in s["temperatures"]
            for start in ("planted", "random")]
    sim = _sweep(sweep_task, grid, s["samples"], out_dir, "ts", size, seed, workers)
    rows = []
    for g in grid:
        v = [r for r in sim if all(r[k] == g[k] for k in ("alpha", "T", "T_teacher", "start", "N", "p"))]
        q = np.array([r["q_star"] for r in v])
        rows.append(dict(overlay="ts", start=g["start"], alpha=g["alpha"], T=g["T"],
                         T_teacher=g["T_teacher"], q_star=float(q.mean()),
                         q_star_std=float(np.mean([r["q_star_std"] for r in v])),
                         r_sample=float(np.mean([r["r_sample"] for r in v])), N=s["N"], p=s["p"]))
    return rows, []


def draw_ts_points(ax, rows, **kwargs) -> None:
    """Markers at (alpha, T) coloured by q* (0 white .. 1 dark): planted starts as circles,
    random starts as triangles slightly offset in alpha."""
    import matplotlib as mpl

    cmap = mpl.colormaps.get_cmap(kwargs.get("cmap", "Greys"))
    for start, marker, shift in (("planted", "o", 0.985), ("random", "^", 1.015)):
        sel = [r for r in rows if r.get("overlay") == "ts" and r["start"] == start]
        if not sel:
            continue
        ax.scatter([r["alpha"] * shift for r in sel], [r["T"] for r in sel],
                   c=[max(0.0, r["q_star"]) for r in sel], cmap=cmap, vmin=0.0, vmax=1.0,
                   marker=marker, s=kwargs.get("s", 22), edgecolors="k", linewidths=0.6, zorder=5,
                   label=f"MC {start} start (N={sel[0]['N']}; fill = q*)")


# --------------------------------------------------------------------------------------------
# one call for a theory figure
# --------------------------------------------------------------------------------------------

_KINDS = {"hopfield": (hopfield_points, draw_hopfield_points),
          "rfhm": (rfhm_points, draw_rfhm_points),
          "ts": (ts_points, draw_ts_points)}


def overlay(kind: str, ax, out_dir, name: str, size: str = "quick", seed: int = 0, workers=None,
            **options) -> tuple[list[Path], list[dict]]:
    """Simulate (cached), draw onto ``ax`` and store: ``OUT/NAME_simulation.csv`` (the plotted
    points, with provenance; redraw with ``draw_*_points(ax, read_table(...)[0])``) and, when
    there are agreement rows, ``OUT/NAME_agreement.csv`` (gathered by ``report``).  ``kind`` is
    ``"hopfield"``, ``"rfhm"`` or ``"ts"``; ``options`` go to the points function (e.g.
    ``T_teacher`` for ``"ts"``).  Returns ``(files, agreement)``."""
    from hopfield_phases._core.tables import write_table

    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {list(_KINDS)}, got {kind!r}")
    points, draw = _KINDS[kind]
    rows, agreement = points(out_dir, size, seed, workers, **options)
    draw(ax, rows)
    out_dir = Path(out_dir)
    cmd = f"hopfield-phases figure {name} --size {size} --seed {seed}"
    files = [write_table(out_dir / f"{name}_simulation.csv", rows, command=cmd, seed=seed, size=size,
                         description=f"simulation points drawn over {name} (compare.overlays.{kind}_points)")]
    if agreement:
        files.append(write_table(out_dir / f"{name}_agreement.csv", agreement, command=cmd, seed=seed,
                                 description=f"{name}: simulated transitions (68 % bootstrap intervals) "
                                 "vs the theory lines"))
    return files, agreement
