"""``rfhm-sparse-degree``: feature retrieval resolved by feature degree, sparse RFHM
(``docs/theory/rfhm_sparse_theory.md`` Secs. 2 and 6).

Panels:

(a), (b) ``P(retrieved | n)`` (``mu > 0.5``) against the degree n of the start feature, for
    several N at two loads, with the theory step ``1[n >= n_c(alpha)]``
    (:func:`theory.rfhm_sparse.critical_degree`);
(c) mean feature overlap ``<mu>(alpha)`` for several N (sparse L = 3) against the N = infinity
    Poisson mixture -- a sawtooth, with drops at every fold alpha*(n) -- and the dense-coefficient
    model's mean overlap beside it, with the dense RS learning line;
(d) the mean-mu 0.9-crossing against N: sparse (theory: the sawtooth's crossing, no drift)
    and dense (theory: the dense RS line, towards which its crossing drifts), with 68 %
    bootstrap intervals over networks.

Simulation: :func:`montecarlo.rfhm_degree.degree_task` (exact zero-temperature dynamics,
``features`` start features per network relaxed in one batch), alpha_D = 0.005.
Agreement rows: the crossing per N against the theory, and the misclassification rate of the
theory step per N (theory value 0).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .. import agreement as ag
from .. import sparse_scaling as fss
from ..plotting import new_figure
from . import Figure, FigureOutput
from . import _common as C

NAME = "rfhm-sparse-degree"
ALPHA_D = 0.005
L_SPARSE = 3

SIZES = {
    "tiny": dict(N=(1000, 2000), alphas=(0.04, 0.05, 0.06), N_dense=(1000, 2000),
                 alphas_dense=(0.05, 0.06), samples=2, features=10, panel_alphas=(0.04, 0.06),
                 theory_points=12),
    "quick": dict(N=(2000, 4000, 8000), alphas=tuple(np.round(np.linspace(0.03, 0.07, 9), 6)),
                  N_dense=(2000, 4000, 8000), alphas_dense=tuple(np.round(np.linspace(0.04, 0.07, 7), 6)),
                  samples=4, features=32, panel_alphas=(0.04, 0.06), theory_points=60),
    "paper": dict(N=(4000, 8000, 16000, 32000), alphas=tuple(np.round(np.linspace(0.025, 0.075, 11), 6)),
                  N_dense=(4000, 8000, 16000), alphas_dense=tuple(np.round(np.linspace(0.04, 0.07, 7), 6)),
                  samples=8, features=32, panel_alphas=(0.04, 0.06), theory_points=150),
}


def grid(size: str) -> list[dict]:
    s = SIZES[size]
    g = []
    for N in sorted(s["N"], reverse=True):
        for a in s["alphas"]:
            g.append(dict(N=int(N), alpha=float(a), alpha_D=ALPHA_D, L=L_SPARSE, features=s["features"]))
    for N in sorted(s["N_dense"], reverse=True):
        for a in s["alphas_dense"]:
            g.append(dict(N=int(N), alpha=float(a), alpha_D=ALPHA_D, L="dense", features=s["features"]))
    return g


def work(size: str) -> float:
    """CPU work of the simulation at ``size``, up to a constant (``estimate``): samples x N^2
    alpha per network (N spins x P = alpha N patterns per sweep; the sweep count to a fixed
    point does not grow with N here)."""
    s = SIZES[size]
    return float(sum(s["samples"] * g["N"] ** 2 * g["alpha"] for g in grid(size)))


def estimate(size: str, workers=None):
    """Cost model (``compare.cost_model.scaled_estimate``): the measured quick run scaled by
    :func:`work`, unless this size was measured itself.  Peak memory: the main process plus
    ``workers`` networks of the largest N P (int8 patterns, the bit-packed copy and the
    bit-parallel work space, module doc of ``montecarlo.rfhm_degree``)."""
    from ..cost_model import pool_peak_bytes, scaled_estimate

    big = max(g["N"] * g["alpha"] * g["N"] * 1.25 + ALPHA_D * g["N"] * g["N"] / 8 for g in grid(size))
    return scaled_estimate(NAME, size, work, workers=workers,
                           peak_bytes=pool_peak_bytes(int(big), workers or C.default_workers(size)))


def simulate(out_dir: Path, size: str, seed: int, workers=None) -> list[dict]:
    from hopfield_phases.montecarlo.rfhm_degree import degree_task

    return C.cached_sweep(degree_task, grid(size), SIZES[size]["samples"], out_dir, NAME, size, seed,
                          workers=workers, description=NAME)


def sawtooth(alpha_lo: float, alpha_hi: float, points: int, alpha_D=ALPHA_D, L=L_SPARSE):
    """``(alpha, <mu>)`` of the N = infinity mixture on a grid that brackets every fold
    alpha*(n) in the range (so the drops are drawn as drops)."""
    from hopfield_phases.theory import rfhm_sparse as sp

    n_lo = sp.critical_degree(alpha_lo, alpha_D, L)
    n_hi = sp.critical_degree(alpha_hi, alpha_D, L)
    folds = sp.alpha_star_table(range(max(1, n_lo - 1), n_hi + 1), alpha_D, L)
    folds = folds[np.isfinite(folds) & (folds > alpha_lo) & (folds < alpha_hi)]
    a = np.unique(np.concatenate([np.linspace(alpha_lo, alpha_hi, points),
                                  folds * (1 - 1e-4), folds * (1 + 1e-4)]))
    return a, sp.mean_feature_magnetization(a, alpha_D, L)


def reduce(sim_rows, size: str, seed: int):
    s = SIZES[size]
    rows: list[dict] = []
    agreement: list[dict] = []
    sparse = [r for r in sim_rows if str(r["L"]) != "dense"]
    dense = [r for r in sim_rows if str(r["L"]) == "dense"]
    recs = fss.records(sparse)
    # (a), (b): P(retrieved | n)
    pdeg = fss.per_degree(recs)
    for k, a in enumerate(s["panel_alphas"]):
        sel = [r for r in pdeg if abs(r["alpha"] - a) < 1e-12]
        for r in sel:
            rows.append(dict(panel=f"pdeg{k}", series=f"N{r['N']}", kind="simulation", x=r["degree"],
                             y=r["p_retrieved"], yerr=r["sem"], alpha=a, N=r["N"], count=r["count"]))
        nc = fss.theory_n_c(float(a), ALPHA_D, L_SPARSE)
        ns = [r["degree"] for r in sel] or [nc]
        for n in range(min(ns + [nc]) - 2, max(ns + [nc]) + 3):
            rows.append(dict(panel=f"pdeg{k}", series="theory", kind="theory", x=n, y=float(n >= nc),
                             yerr=math.nan, alpha=a, n_c=nc))
    # (c): mean mu(alpha)
    for label, data in (("sparse", sparse), ("dense", dense)):
        for N in sorted({int(r["N"]) for r in data}):
            alphas, M = fss.mean_mu_samples([r for r in data if int(r["N"]) == N])
            mean, sem, _ = ag.sample_means(M)
            for a, m, e in zip(alphas, mean, sem):
                rows.append(dict(panel="mean", series=f"{label}_N{N}", kind="simulation", x=a, y=m,
                                 yerr=e, N=N))
    lo, hi = min(s["alphas"]), max(s["alphas"])
    C.log("theory: N = infinity mean-mu sawtooth")
    a_th, mu_th = sawtooth(lo, hi, s["theory_points"])
    for a, m in zip(a_th, mu_th):
        rows.append(dict(panel="mean", series="sawtooth", kind="theory", x=float(a), y=float(m), yerr=math.nan))
    cross_sparse = fss.theory_crossing(ALPHA_D, str(L_SPARSE))
    cross_dense = fss.theory_crossing(ALPHA_D, "dense")
    rows.append(dict(panel="mean", series="sparse_crossing", kind="theory_line", x=cross_sparse, y=0.9, yerr=math.nan))
    rows.append(dict(panel="mean", series="dense_RS", kind="theory_line", x=cross_dense, y=0.9, yerr=math.nan))
    # (d): crossing vs N, misclassification
    for label, data, th in (("sparse", sparse, cross_sparse), ("dense", dense, cross_dense)):
        for N in sorted({int(r["N"]) for r in data}):
            rs = [r for r in data if int(r["N"]) == N]
            tr = fss.crossing(rs, seed=seed)
            rows.append(dict(panel="cross", series=label, kind="simulation", x=N, y=tr.value,
                             yerr=math.nan, lo=tr.ci_low, hi=tr.ci_high))
            agreement.append(ag.agreement_row(
                f"mean-mu 0.9-crossing ({label}, N={N})", tr.value, tr.ci_low, tr.ci_high, th,
                "sparse degree theory" if label == "sparse" else "dense RS (sq)", N=N,
                alpha_D=ALPHA_D, method="first up-crossing of per-alpha means, bootstrap over networks (68 %)"))
            if label == "sparse":
                rate, rlo, rhi, nf = fss.misclassification(fss.records(rs), seed=seed)
                agreement.append(ag.agreement_row(
                    f"misclassified by 1[n >= n_c] (N={N})", rate, rlo, rhi, 0.0, "sparse degree theory",
                    N=N, alpha_D=ALPHA_D, features=nf, method="bootstrap over networks (68 %)"))
                rows.append(dict(panel="misclass", series="sparse", kind="simulation", x=N, y=rate,
                                 yerr=math.nan, lo=rlo, hi=rhi))
        rows.append(dict(panel="cross", series=f"{label}_theory", kind="theory_line", x=math.nan, y=th,
                         yerr=math.nan))
    return rows, agreement


def draw(rows, params=None):
    fig, axes = new_figure(2, 2, figsize=(9.0, 7.0))
    ax = axes.ravel()
    pa = (params or {}).get("panel_alphas", ("?", "?"))
    for k in range(2):
        sel = [r for r in rows if r["panel"] == f"pdeg{k}"]
        Ns = sorted({r["N"] for r in sel if r["kind"] == "simulation"})
        for j, N in enumerate(Ns):
            x, y, e = C.series(sel, series=f"N{N}", kind="simulation")
            ax[k].errorbar(x + 0.08 * (j - len(Ns) / 2), y, yerr=np.nan_to_num(e), ls="none", marker="o",
                           ms=3.5, capsize=1.5, color=f"C{j}", label=f"$N={N}$")
        xt, yt, _ = C.series(sel, series="theory")
        if len(xt):
            ax[k].step(xt, yt, where="mid", color="k", lw=1.2, label=r"theory $1[n\geq n_c]$")
        alpha = sel[0]["alpha"] if sel else pa[k]
        ax[k].set_title(rf"$\alpha={alpha:g}$, $L={L_SPARSE}$, $\alpha_D={ALPHA_D}$", fontsize=9)
        ax[k].set_xlabel("feature degree $n$")
        ax[k].set_ylabel(r"$P(\mu>0.5\mid n)$")
        ax[k].set_ylim(-0.05, 1.05)
        ax[k].legend(fontsize=7, loc="lower right")
    sel = [r for r in rows if r["panel"] == "mean"]
    series = []
    for r in sel:
        if r["kind"] == "simulation" and r["series"] not in series:
            series.append(r["series"])
    for j, name in enumerate(series):
        x, y, e = C.series(sel, series=name, kind="simulation")
        dense = name.startswith("dense")
        ax[2].errorbar(x, y, yerr=np.nan_to_num(e), ls="--" if dense else "none", lw=0.7,
                       marker="s" if dense else "o", ms=3.5, capsize=1.5, mfc="none" if dense else None,
                       color=f"C{j}", label=name.replace("_N", " $N=") + "$")
    xt, yt, _ = C.series(sel, series="sawtooth")
    ax[2].plot(xt, yt, color="k", lw=1.2, label=r"sparse theory, $N=\infty$")
    for name, ls, lab in (("sparse_crossing", ":", "sparse 0.9-crossing"), ("dense_RS", "-.", "dense RS line")):
        xs, _, _ = C.series(sel, series=name)
        if len(xs):
            ax[2].axvline(xs[0], color="0.4", ls=ls, lw=1.0, label=lab)
    ax[2].axhline(0.9, color="0.7", lw=0.6)
    ax[2].set_xlabel(r"$\alpha$")
    ax[2].set_ylabel(r"mean $\mu$")
    ax[2].legend(fontsize=6, loc="lower right")
    sel = [r for r in rows if r["panel"] == "cross"]
    for j, (label, mk) in enumerate((("sparse", "o"), ("dense", "s"))):
        pts = [r for r in sel if r["series"] == label]
        if pts:
            x = np.array([r["x"] for r in pts], float)
            y = np.array([r["y"] for r in pts], float)
            lo = np.array([C._f(r.get("lo")) for r in pts])
            hi = np.array([C._f(r.get("hi")) for r in pts])
            err = np.vstack([np.nan_to_num(y - lo), np.nan_to_num(hi - y)])
            ax[3].errorbar(x, y, yerr=np.clip(err, 0, None), marker=mk, ls="none", capsize=2,
                           color=f"C{j}", label=f"{label} simulation")
        th = [r for r in sel if r["series"] == f"{label}_theory"]
        if th:
            ax[3].axhline(th[0]["y"], color=f"C{j}", ls="--", lw=1.0,
                          label="sparse theory (N=inf)" if label == "sparse" else "dense RS line")
    ax[3].set_xscale("log")
    ax[3].set_xlabel("$N$")
    ax[3].set_ylabel(r"mean-$\mu$ 0.9-crossing $\alpha$")
    ax[3].legend(fontsize=7)
    fig.tight_layout()
    return fig


def build(out_dir, size: str = "quick", seed: int = 0, *, from_csv=None, workers=None) -> FigureOutput:
    """Draw ``rfhm-sparse-degree``; ``from_csv`` redraws from a stored ``rfhm-sparse-degree.csv``."""
    files, agreement = C.build_simulation_figure(
        NAME, out_dir, size, seed, sizes=SIZES, simulate=simulate, reduce=reduce, draw=draw,
        parameters=lambda: {k: (list(v) if isinstance(v, tuple) else v) for k, v in SIZES[size].items()},
        plot_description=__doc__.splitlines()[0],
        agreement_description="rfhm-sparse-degree: mean-mu crossings vs the sparse degree theory "
        "(sparse) and the dense RS line (dense); misclassification of the theory step",
        from_csv=from_csv, workers=workers)
    return FigureOutput(files=files, agreement=agreement)


FIGURE = Figure(name=NAME, help="sparse RFHM: P(retrieved | degree) vs the theory step, mean mu vs "
                "the N = infinity sawtooth, dense crossing drift", build=build, order=45,
                add_arguments=C.add_from_csv_argument, options_from_args=C.options_from_args,
                estimate=estimate)
