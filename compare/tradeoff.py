"""Reduction of the recovery experiment: prototypes (eR) vs features (gR/lR).

Physics: ``docs/theory/teacher_student_theory.md`` Secs. 3.6, 6, 12; the question is the poster's
"Discussion" claim that recovery from a corrupted copy of xi* is much faster with prototypes.
Input: the per-run rows of :func:`hopfield_phases.montecarlo.recovery.recovery_task` (columns
``recovered``, ``t_rec`` (NaN when not recovered within the budget), ``budget``, ``q0``, ...).

Methods
-------
* **Recovery time** at one (point, N, q0): the runs that did not recover within the budget are
  censored, counted as ``+inf`` (their time is only known to exceed the budget).  The median
  is therefore finite iff more than half the runs recovered.  Spread: the 25-75 % quantiles.
  Interval of the median: bootstrap over runs (percentile, default 68 %); an infinite bound
  means "beyond the budget".  (:func:`time_summary`)
* **Recovery probability**: fraction recovered, with a bootstrap interval.
* **Basin edge**: the smallest q0 that recovers with probability >= 1/2: the 1/2-crossing of
  the isotonic (non-decreasing, PAVA) fit of the recovery fraction vs q0, linear in q0, with a
  bootstrap over runs at each q0 (:func:`hopfield_phases.compare.agreement.transition`).  When
  every q0 of the grid recovers (or none does), the edge is off the grid: reported as NaN with
  ``edge_bound`` "below q0_min" (or "above q0_max").  The interval is widened to contain the
  grid cell in which the fit crosses 1/2 (the resolution of the q0 grid).  (:func:`basin_edge`)
* **Speed-up** of prototypes over features at equal (p, path, N, q0): the ratio of median
  recovery times gR/eR with a paired-by-resampling bootstrap interval (independent resampling
  of the two sets of runs); ``inf`` when the features do not recover (median censored).
  (:func:`speedup`)

Everything here is numpy only, deterministic for a given seed.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np

from . import agreement as ag

__all__ = ["censored_times", "time_summary", "recovery_probability", "basin_edge", "speedup",
           "group", "summarize_points"]


def _level(level) -> float:
    level = float(level)
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    return level


def _n_boot(n_boot) -> int:
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 0:
        raise ValueError(f"n_boot must be a non-negative integer, got {n_boot!r}")
    return int(n_boot)


def censored_times(t_rec, recovered) -> np.ndarray:
    """Recovery times with the non-recovered runs set to +inf.  ValueError on bad input."""
    t = np.asarray(t_rec, dtype=float)
    r = np.asarray(recovered, dtype=bool)
    if t.ndim != 1 or t.shape != r.shape or t.size == 0:
        raise ValueError("t_rec and recovered must be non-empty 1-d sequences of equal length")
    if np.any(r & ~np.isfinite(t)) or np.any(t[r] < 0):
        raise ValueError("t_rec must be finite and >= 0 where recovered")
    return np.where(r, t, np.inf)


def _median(x):
    return float(np.quantile(np.sort(x), 0.5, method="inverted_cdf"))


def time_summary(t_rec, recovered, *, n_boot: int = 1000, level: float = 0.68, seed=0) -> dict:
    """Median recovery time (censored at +inf), its bootstrap interval and the 25/75 % quantiles.

    The median is the lower median (``inverted_cdf``) so that it is always one of the observed
    times (and +inf exactly when at least half the runs did not recover)."""
    t = censored_times(t_rec, recovered)
    level, n_boot = _level(level), _n_boot(n_boot)
    med = _median(t)
    q25, q75 = (float(np.quantile(t, a, method="inverted_cdf")) for a in (0.25, 0.75))
    lo = hi = math.nan
    if n_boot:
        rng = np.random.default_rng(seed)
        boots = np.array([_median(t[rng.integers(0, t.size, t.size)]) for _ in range(n_boot)])
        lo, hi = (float(np.quantile(boots, a, method="inverted_cdf")) for a in ((1 - level) / 2, (1 + level) / 2))
    return dict(median=med, ci_low=lo, ci_high=hi, q25=q25, q75=q75, n=int(t.size),
                n_recovered=int(np.isfinite(t).sum()))


def recovery_probability(recovered, *, n_boot: int = 1000, level: float = 0.68, seed=0) -> dict:
    """Fraction recovered with a bootstrap percentile interval."""
    r = np.asarray(recovered, dtype=float)
    if r.ndim != 1 or r.size == 0:
        raise ValueError("recovered must be a non-empty 1-d sequence")
    level, n_boot = _level(level), _n_boot(n_boot)
    f = float(r.mean())
    lo = hi = math.nan
    if n_boot:
        rng = np.random.default_rng(seed)
        b = np.array([r[rng.integers(0, r.size, r.size)].mean() for _ in range(n_boot)])
        lo, hi = (float(np.quantile(b, a)) for a in ((1 - level) / 2, (1 + level) / 2))
    return dict(fraction=f, ci_low=lo, ci_high=hi, n=int(r.size))


def basin_edge(q0, recovered, *, n_boot: int = 1000, level: float = 0.68, seed=0) -> dict:
    """Smallest q0 recovering with probability >= 1/2 (isotonic fit + bootstrap; module doc).

    ``q0`` and ``recovered`` are per-run sequences.  Returns ``edge, ci_low, ci_high,
    edge_bound`` ("" when the crossing is inside the grid, else "below q0_min" or
    "above q0_max") and ``n_boot_valid``."""
    x = np.asarray(q0, dtype=float)
    r = np.asarray(recovered, dtype=float)
    if x.ndim != 1 or x.shape != r.shape or x.size == 0:
        raise ValueError("q0 and recovered must be non-empty 1-d sequences of equal length")
    level, n_boot = _level(level), _n_boot(n_boot)
    xs, M = ag.samples_matrix(x, r)
    frac = np.nanmean(M, axis=1)
    fit = ag.pava(frac, np.sum(np.isfinite(M), axis=1).astype(float))
    bound = ""
    if fit[0] >= 0.5:
        bound = f"below q0_min={xs[0]:g}"
    elif fit[-1] < 0.5:
        bound = f"above q0_max={xs[-1]:g}"
    if bound or xs.size < 2:
        return dict(edge=math.nan, ci_low=math.nan, ci_high=math.nan, edge_bound=bound or "one q0 only",
                    n_boot_valid=0)
    tr = ag.transition(xs, M, 0.5, method="isotonic", log=False, n_boot=n_boot, level=level, seed=seed)
    # the data cannot resolve the edge finer than the grid cell where the fit crosses 1/2: the
    # interval is widened to contain that cell
    j = int(np.flatnonzero(fit >= 0.5)[0])
    lo = min(tr.ci_low, xs[j - 1]) if math.isfinite(tr.ci_low) else xs[j - 1]
    hi = max(tr.ci_high, xs[j]) if math.isfinite(tr.ci_high) else xs[j]
    return dict(edge=tr.value, ci_low=float(lo), ci_high=float(hi), edge_bound="",
                n_boot_valid=tr.n_boot_valid)


def speedup(t_feat, rec_feat, t_proto, rec_proto, *, n_boot: int = 1000, level: float = 0.68,
            seed=0) -> dict:
    """Ratio of median recovery times features/prototypes with a bootstrap interval.

    A ratio with a censored numerator is +inf; a prototype median of 0 sweeps (start already
    above the threshold) makes the ratio undefined (NaN) unless the features also take 0."""
    a = censored_times(t_feat, rec_feat)
    b = censored_times(t_proto, rec_proto)
    level, n_boot = _level(level), _n_boot(n_boot)

    def ratio(x, y):
        mx, my = _median(x), _median(y)
        if math.isinf(my):
            return math.nan
        if my == 0:
            return 1.0 if mx == 0 else math.nan
        return mx / my

    val = ratio(a, b)
    lo = hi = math.nan
    if n_boot:
        rng = np.random.default_rng(seed)
        bs = np.array([ratio(a[rng.integers(0, a.size, a.size)], b[rng.integers(0, b.size, b.size)])
                       for _ in range(n_boot)])
        bs = bs[~np.isnan(bs)]
        if bs.size >= n_boot / 2:
            lo, hi = (float(np.quantile(bs, q, method="inverted_cdf")) for q in ((1 - level) / 2, (1 + level) / 2))
    return dict(ratio=val, ci_low=lo, ci_high=hi)


def group(rows, keys) -> "OrderedDict[tuple, list[dict]]":
    """Rows grouped by the values of ``keys`` (first-seen order)."""
    out: OrderedDict = OrderedDict()
    for r in rows:
        out.setdefault(tuple(r.get(k) for k in keys), []).append(r)
    return out


def summarize_points(rows, *, n_boot: int = 1000, level: float = 0.68, seed=0) -> list[dict]:
    """One summary row per (p, path, regime, N, q0): median time, interval, spread, fraction."""
    out = []
    for k, (key, rs) in enumerate(group(rows, ("p", "path", "regime", "N", "q0")).items()):
        t = [r["t_rec"] if r["t_rec"] is not None else math.nan for r in rs]
        rec = [bool(r["recovered"]) for r in rs]
        ss = np.random.SeedSequence([int(seed), k]).generate_state(2)
        ts = time_summary(t, rec, n_boot=n_boot, level=level, seed=int(ss[0]))
        pr = recovery_probability(rec, n_boot=n_boot, level=level, seed=int(ss[1]))
        p, path, regime, N, q0 = key
        out.append(dict(p=p, path=path, regime=regime, N=N, q0=q0, T=rs[0]["T"], T_teacher=rs[0]["T_teacher"],
                        alpha=rs[0]["alpha"], budget=rs[0].get("budget"), median=ts["median"],
                        ci_low=ts["ci_low"], ci_high=ts["ci_high"], q25=ts["q25"], q75=ts["q75"],
                        fraction=pr["fraction"], fraction_low=pr["ci_low"], fraction_high=pr["ci_high"],
                        n=ts["n"], n_recovered=ts["n_recovered"]))
    return out
