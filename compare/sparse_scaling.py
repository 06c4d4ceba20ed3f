"""Finite-size scaling of the degree-resolved RFHM experiment against the sparse theory.

Physics: ``docs/theory/rfhm_sparse_theory.md`` Secs. 2 and 6 (the "doc").  Input: CSV rows
of :func:`montecarlo.rfhm_degree.degree_task` (``hopfield-phases simulate rfhm-degree``), one
row per (N, alpha, alpha_D, L, sample) with the degrees and final overlaps of K start features.

Per (L, alpha_D, N) this module reports (:func:`scaling_table`):

* **per-degree retrieval probability** ``P(retrieved | n)`` (retrieved: ``mu > 0.5``; failed
  features end at mu ~ 0, doc Sec. 6) at every alpha (:func:`per_degree`), against the theory
  step ``1[n >= n_c(alpha)]`` (:func:`theory.rfhm_sparse.critical_degree`);
* **misclassification rate** of that step over all features and loads of the grid, with a
  bootstrap interval over networks (:func:`misclassification`);
* **mean-mu 0.9-crossing** in alpha of the per-network mean overlap, first up-crossing of the
  per-alpha means interpolated in ln alpha, with a bootstrap interval over networks
  (:func:`compare.agreement.transition`), against the N = infinity Poisson-mixture crossing
  (:func:`theory.rfhm_sparse.mean_mu_crossing`) -- or, for dense coefficients, against the
  dense RS learning line (:func:`theory.rfhm.learning_transition`);
* **extrapolation in 1/N** of the crossing and of the misclassification rate
  (:func:`compare.agreement.extrapolate_inverse_n`), and a power-law fit
  ``rate ~ N^-b`` of the misclassification rate.

Command line: ``hopfield-phases sparse-scaling CSV [CSV ...] [--out TABLE.csv]`` (registered by
:mod:`compare.commands.rfhm_degree`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from functools import lru_cache

import numpy as np

from . import agreement as ag

__all__ = ["records", "per_degree", "misclassification", "mean_mu_samples", "crossing",
           "scaling_table", "theory_n_c", "theory_crossing", "RETRIEVED", "THRESHOLD"]

#: a feature counts as retrieved when its final overlap exceeds this (doc Sec. 6: failed
#: features end at mu ~ 0, retrieved ones at m_n ~ 0.95-1)
RETRIEVED = 0.5
#: level of the mean-mu crossing ([W] Fig. 1 criterion)
THRESHOLD = 0.9


def _L_key(r) -> str:
    return "dense" if r.get("L") in ("dense", None) or r.get("coefficients") == "dense" else str(int(r["L"]))


def records(rows) -> list[dict]:
    """Per-feature records (N, alpha, alpha_D, L key, sample, degree, mu) of CSV rows."""
    from hopfield_phases.montecarlo.rfhm_degree import explode

    out = []
    for rec in explode(rows):
        rec["Lkey"] = _L_key(rec)
        out.append(rec)
    return out


@lru_cache(maxsize=None)
def theory_n_c(alpha: float, alpha_D: float, L: int) -> int:
    """n_c(alpha) of the degree-resolved theory (cached)."""
    from hopfield_phases.theory import rfhm_sparse

    return int(rfhm_sparse.critical_degree(alpha, alpha_D, L))


@lru_cache(maxsize=None)
def theory_crossing(alpha_D: float, Lkey: str) -> float:
    """N = infinity mean-mu 0.9-crossing (sparse) or the dense RS learning line (dense)."""
    from hopfield_phases.theory import rfhm, rfhm_sparse

    if Lkey == "dense":
        return float(rfhm.learning_transition(alpha_D))
    return float(rfhm_sparse.mean_mu_crossing(alpha_D, int(Lkey), THRESHOLD))


def per_degree(recs) -> list[dict]:
    """``P(retrieved | n)`` per (Lkey, alpha_D, N, alpha, n): count, fraction, binomial s.e.,
    and the theory step."""
    cells = defaultdict(list)
    for r in recs:
        cells[(r["Lkey"], float(r["alpha_D"]), int(r["N"]), float(r["alpha"]), int(r["degree"]))].append(r["mu"] > RETRIEVED)
    out = []
    for (Lk, aD, N, a, n), v in sorted(cells.items()):
        p = float(np.mean(v))
        row = dict(L=Lk, alpha_D=aD, N=N, alpha=a, degree=n, count=len(v), p_retrieved=p,
                   sem=math.sqrt(max(p * (1 - p), 0.25 / len(v)) / len(v)))
        if Lk != "dense":
            row["theory"] = float(n >= theory_n_c(a, aD, int(Lk)))
        out.append(row)
    return out


def misclassification(recs, *, n_boot: int = 1000, level: float = 0.68, seed: int = 0):
    """Misclassification rate of the theory step over the given (sparse) records, with a
    percentile bootstrap over networks (a network = (alpha, sample)).  Returns
    ``(rate, lo, hi, n_features)``."""
    nets = defaultdict(list)
    for r in recs:
        pred = r["degree"] >= theory_n_c(float(r["alpha"]), float(r["alpha_D"]), int(r["Lkey"]))
        nets[(float(r["alpha"]), int(r["sample"]))].append(pred != (r["mu"] > RETRIEVED))
    wrong = np.array([sum(v) for v in nets.values()], dtype=float)
    tot = np.array([len(v) for v in nets.values()], dtype=float)
    if tot.sum() == 0:
        return math.nan, math.nan, math.nan, 0
    rate = float(wrong.sum() / tot.sum())
    rng = np.random.default_rng(seed)
    if n_boot and len(tot) > 1:
        idx = rng.integers(0, len(tot), size=(n_boot, len(tot)))
        b = wrong[idx].sum(axis=1) / tot[idx].sum(axis=1)
        lo, hi = np.quantile(b, [(1 - level) / 2, (1 + level) / 2])
    else:
        lo = hi = math.nan
    return rate, float(lo), float(hi), int(tot.sum())


def mean_mu_samples(rows):
    """``(alphas, samples matrix)`` of the per-network mean overlaps (rows of one N, L, alpha_D)."""
    by = defaultdict(list)
    for r in rows:
        by[float(r["alpha"])].append(float(r["mu_mean"]))
    alphas = np.array(sorted(by))
    width = max(len(v) for v in by.values())
    M = np.full((len(alphas), width), np.nan)
    for i, a in enumerate(alphas):
        M[i, : len(by[a])] = by[a]
    return alphas, M


def crossing(rows, *, n_boot: int = 1000, seed: int = 0) -> ag.Transition:
    """Mean-mu 0.9-crossing with a 68 % bootstrap interval over networks (no interval when
    some alpha has a single network)."""
    alphas, M = mean_mu_samples(rows)
    tr = ag.transition(alphas, M, THRESHOLD, method="mean", which="first", n_boot=n_boot,
                       seed=seed)
    if np.min(np.sum(np.isfinite(M), axis=1)) < 2:
        # one network at some alpha: resampling cannot vary it, the interval would be empty
        tr.ci_low = tr.ci_high = math.nan
    return tr


def _groups(rows):
    g = defaultdict(list)
    for r in rows:
        g[(_L_key(r), float(r["alpha_D"]), int(r["N"]))].append(r)
    return dict(sorted(g.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])))


def scaling_table(rows, *, n_boot: int = 1000, seed: int = 0, theory: bool = True) -> list[dict]:
    """One row per (L, alpha_D, N) with the misclassification rate and the mean-mu crossing
    (bootstrap 68 % intervals), then extrapolation rows (``N = "inf"``) per (L, alpha_D)."""
    out = []
    per_series = defaultdict(list)
    for (Lk, aD, N), rs in _groups(rows).items():
        recs = records(rs)
        row = dict(L=Lk, alpha_D=aD, N=N, networks=len(rs), features=len(recs),
                   alphas=len({float(r["alpha"]) for r in rs}))
        if Lk != "dense" and theory:
            rate, lo, hi, nf = misclassification(recs, n_boot=n_boot, seed=seed)
            row.update(misclassified=rate, misclassified_lo=lo, misclassified_hi=hi)
        tr = crossing(rs, n_boot=n_boot, seed=seed)
        row.update(crossing=tr.value, crossing_lo=tr.ci_low, crossing_hi=tr.ci_high)
        if theory:
            row["crossing_theory"] = theory_crossing(aD, Lk)
        out.append(row)
        per_series[(Lk, aD)].append(row)
    for (Lk, aD), rs in per_series.items():
        if len({r["N"] for r in rs}) < 2:
            continue
        N = np.array([r["N"] for r in rs], dtype=float)
        ext = dict(L=Lk, alpha_D=aD, N="inf", networks=sum(r["networks"] for r in rs),
                   features=sum(r["features"] for r in rs))
        x = np.array([r["crossing"] for r in rs])
        e = np.array([0.5 * (r["crossing_hi"] - r["crossing_lo"]) for r in rs])
        try:
            ex = ag.extrapolate_inverse_n(N, x, e if np.all(np.isfinite(e) & (e > 0)) else None,
                                          level=0.68)
            ext.update(crossing=ex.value, crossing_lo=ex.ci_low, crossing_hi=ex.ci_high)
        except ValueError:
            pass
        if theory:
            ext["crossing_theory"] = theory_crossing(aD, Lk)
        if "misclassified" in rs[0]:
            y = np.array([r["misclassified"] for r in rs])
            ok = y > 0
            try:
                ey = np.array([0.5 * (r["misclassified_hi"] - r["misclassified_lo"]) for r in rs])
                ex = ag.extrapolate_inverse_n(N, y, ey if np.all(np.isfinite(ey) & (ey > 0)) else None,
                                              level=0.68)
                ext.update(misclassified=ex.value, misclassified_lo=ex.ci_low, misclassified_hi=ex.ci_high)
            except ValueError:
                pass
            if ok.sum() >= 2:
                b = np.polyfit(np.log(N[ok]), np.log(y[ok]), 1)[0]
                ext["misclassified_power"] = float(b)
        out.append(ext)
    return out


def main(args) -> int:
    """CLI body of ``hopfield-phases sparse-scaling``."""
    import sys

    from hopfield_phases._core.tables import csv_line, format_value, write_table
    from hopfield_phases.montecarlo.sweep import read_sweep

    rows = []
    for path in args.csv:
        rows.extend(read_sweep(path))
    if not rows:
        raise ValueError("csv: no rows")
    table = scaling_table(rows, n_boot=args.n_boot, seed=args.seed, theory=not args.no_theory)
    if args.per_degree:
        pd = per_degree(records(rows))
        if args.out:
            write_table(args.per_degree, pd, description="P(retrieved | n) per (L, alpha_D, N, alpha)")
    if args.out:
        write_table(args.out, table, description="finite-size scaling of the degree-resolved RFHM "
                    "experiment (docs/theory/rfhm_sparse_theory.md Sec. 6)")
        print(args.out)
        return 0
    keys = []
    for r in table:
        keys += [k for k in r if k not in keys]
    sys.stdout.write(csv_line(keys))
    for r in table:
        sys.stdout.write(csv_line([format_value(r.get(k, "")) for k in keys]))
    return 0
