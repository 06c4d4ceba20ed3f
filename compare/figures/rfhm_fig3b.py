"""``rfhm-fig3b``: D_gen(N), the largest number of features that still allows generalisation,
for sparse (L = 3) and dense coefficients, log-log, with fitted slopes against the predicted
N and sqrt(N) scalings (workshop paper [W] Fig. 3b; ``docs/theory/rfhm_theory.md`` Sec. 4.3).

Criterion of [W] Fig. 3b: for each N the samples are split into groups (of 10 in [W]); a
group's D_gen is the largest D of the scanned grid at which *all* samples of the group have
``m_test > 0.9``; points are the mean over groups with its standard error.

* **sparse**: training with L = 3 features per example at fixed alpha, test examples with
  L_test = 3.  Theory: ``D_gen = alpha_D^c(alpha, 3) N`` (the 3-mixture spinodal, Sec. 4.3;
  dense-coefficient RS theory, so only approximate for sparse training).
* **dense**: dense +-1 training coefficients (L = D) at fixed alpha, dense +-1 test examples
  (a D-mixture).  Theory: ``D_gen = sqrt(C(alpha) N)`` with ``C(alpha) = lim n alpha_D^c(alpha, n)``
  (Secs. 2.7, 4.3).  D is odd (no ties in ``sign(F c)``).

The D grid of each N spans the prediction (factors 0.4 to 1.6 for sparse, 0.8 to 3.2 for
dense, where the simulated D_gen lies above the RS value); a D_gen at the top of its grid is a
lower bound and is flagged (``at_grid_edge``).  Relaxations that hit the sweep cap (column
``converged`` of ``montecarlo.rfhm``) are left out of the criterion and counted
(``unconverged_excluded``).  ``--from-csv`` takes this figure's table or rows of ``simulate
rfhm`` (one alpha per coefficient kind).  Slopes: least squares of
``ln D_gen`` on ``ln N``, weighted by the group standard errors, with a 68 % interval.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from scipy import stats

from .. import agreement as ag
from ..plotting import new_figure
from . import _common as C

NAME = "rfhm-fig3b"
THRESHOLD = 0.9

SIZES = {
    "tiny": dict(alpha_sparse=1.0, alpha_dense=2.0, N_sparse=(300, 600), N_dense=(300, 600),
                 n_D=4, group_size=2, groups=1),
    "quick": dict(alpha_sparse=1.0, alpha_dense=2.0, N_sparse=(500, 1000, 2000, 4000),
                  N_dense=(500, 1000, 2000, 4000, 8000), n_D=11, group_size=5, groups=4),
    "paper": dict(alpha_sparse=1.0, alpha_dense=2.0, N_sparse=(1000, 2000, 4000, 8000, 16000, 32000),
                  N_dense=(1000, 2000, 4000, 8000, 16000, 32000), n_D=14, group_size=10,
                  groups={1000: 10, 2000: 10, 4000: 10, 8000: 8, 16000: 6, 32000: 4}),
}
"""``groups``: groups of ``group_size`` samples, an int (every N) or a mapping N -> groups."""

#: what each size takes from [W] and what was chosen where [W] states no number (sidecar).
SIZE_PROVENANCE = {
    "tiny": "test size (seconds); not a paper size",
    "quick": "reduced size (N <= 8000, 4 groups of 5 samples) for the default reproduce run",
    "paper": "[W] Fig. 3b: groups of 10 samples, 4 to 10 groups depending on N (stated in the "
             "caption).  Not stated in [W], chosen here: N = 1000 ... 32000 doubling (32000 is "
             "the N of [W]'s other figures; 1000 the smallest with a sparse D grid of >= 14 "
             "distinct values), 10 groups for N <= 4000, 8 at 8000, 6 at 16000, 4 at 32000 "
             "(fewer where samples are expensive, as [W] describes); alpha = 1 (sparse) and 2 "
             "(dense); 14 log-spaced D values per N around the prediction (factors of "
             "FACTORS).",
}


def groups_for(size: str, N: int) -> int:
    """Number of groups at N for ``size`` (``groups`` may be an int or a mapping N -> int)."""
    g = SIZES[size]["groups"]
    return int(g[int(N)]) if isinstance(g, dict) else int(g)
#: D grid of each N: n_D log-spaced values from FACTORS[kind][0] to [1] times the prediction.
FACTORS = {"sparse": (0.4, 1.6), "dense": (0.8, 3.2)}
KINDS = {"sparse": dict(color="C0", marker="o", predicted_slope=1.0, label="sparse $L=3$"),
         "dense": dict(color="C3", marker="s", predicted_slope=0.5, label="dense $L=D$")}


def theory_dgen(kind: str, N, alpha: float, variant: str = "sq") -> float:
    from hopfield_phases.theory import snr

    if kind == "sparse":
        return float(snr.d_gen_sparse(N, alpha, 3, variant=variant))
    return float(snr.d_gen_dense(N, alpha, variant=variant))


def d_grid(kind: str, N: int, alpha: float, n_D: int) -> list[int]:
    """Integer D values around the prediction (odd for dense)."""
    pred = theory_dgen(kind, N, alpha)
    raw = np.geomspace(FACTORS[kind][0] * pred, FACTORS[kind][1] * pred, n_D)
    if kind == "dense":
        vals = {max(3, 2 * int(round((v - 1) / 2)) + 1) for v in raw}
    else:
        vals = {max(3, int(round(v))) for v in raw}
    return sorted(vals)


def grid(size: str) -> list[dict]:
    """The simulated parameter points (dense first, largest N first)."""
    s = SIZES[size]
    grid = []
    for kind in ("dense", "sparse"):
        alpha = s[f"alpha_{kind}"]
        for N in sorted(s[f"N_{kind}"], reverse=True):
            for D in d_grid(kind, N, alpha, s["n_D"]):
                p = dict(N=int(N), alpha=float(alpha), alpha_D=D / N, coefficients=kind,
                         L_train=3 if kind == "sparse" else "dense",
                         L_test=[3] if kind == "sparse" else ["dense"])
                grid.append(p)
    return grid


def samples_per_point(size: str) -> list[int]:
    """Samples of each grid point (``group_size`` x groups at its N), parallel to ``grid``."""
    s = SIZES[size]
    return [s["group_size"] * groups_for(size, p["N"]) for p in grid(size)]


def simulate(out_dir: Path, size: str, seed: int, workers=None) -> list[dict]:
    from hopfield_phases.montecarlo import rfhm as mc

    s = SIZES[size]
    if not isinstance(s["groups"], dict):
        return C.cached_sweep(mc.sample_task, grid(size), s["group_size"] * s["groups"], out_dir, NAME,
                              size, seed, workers=workers, description=NAME)
    # one cached sweep per sample count (the groups differ with N), largest N first
    by_count: dict[int, list[dict]] = {}
    for p, n in zip(grid(size), samples_per_point(size)):
        by_count.setdefault(n, []).append(p)
    rows = []
    for n, points in sorted(by_count.items()):
        rows += C.cached_sweep(mc.sample_task, points, n, out_dir, NAME, size, seed, workers=workers,
                               description=f"{NAME} {n} samples", tag=f"s{n}")
    return rows


def estimate(size: str, workers=None):
    """Cost of the simulation at ``size`` (``compare.cost_model``)."""
    from ..cost_model import rfhm_sweep_estimate

    return rfhm_sweep_estimate(grid(size), samples_per_point(size), workers or C.default_workers(size),
                               figure=NAME)


def _n_groups(size: str, N) -> str:
    try:
        return str(groups_for(size, N))
    except KeyError:  # rows of another N (from a CSV)
        return "the available"


def d_gen_groups(rows: list[dict], key: str, group_size: int) -> tuple[np.ndarray, bool, list[int]]:
    """Per-group D_gen (largest D at which every sample of the group has m > 0.9); also
    whether any group sits at the top of the grid, and the grid."""
    Ds = sorted({r["D"] for r in rows})
    groups = sorted({r["sample"] // group_size for r in rows})
    out = []
    for g in groups:
        ok_D = []
        for D in Ds:
            vals = [r[key] for r in rows if r["D"] == D and r["sample"] // group_size == g]
            if vals and all(v > THRESHOLD for v in vals):  # a D without rows proves nothing
                ok_D.append(D)
        out.append(max(ok_D) if ok_D else 0)
    return np.array(out, dtype=float), bool(len(out) and max(out) == Ds[-1]), Ds


def fit_slope(N, y, err, level: float = 0.68):
    """Weighted least squares of ln y on ln N: ``(slope, half-width at level, intercept)``."""
    lx, ly = np.log(N), np.log(y)
    le = np.where(np.isfinite(err) & (err > 0), err / y, np.nan)
    w = 1.0 / le**2 if np.all(np.isfinite(le)) else np.ones_like(lx)
    A = np.column_stack([np.ones_like(lx), lx])
    Aw = A * np.sqrt(w)[:, None]
    coef, *_ = np.linalg.lstsq(Aw, ly * np.sqrt(w), rcond=None)
    dof = len(lx) - 2
    resid = ly * np.sqrt(w) - Aw @ coef
    cov = np.linalg.inv(Aw.T @ Aw)
    if dof >= 1:
        cov = cov * max(1.0, float(resid @ resid) / dof) if np.all(np.isfinite(le)) else \
            cov * float(resid @ resid) / dof
        q = stats.t.ppf((1 + level) / 2, dof)
    else:
        q = math.nan
    return float(coef[1]), float(q * math.sqrt(cov[1, 1])), float(coef[0])


def reduce(sim_rows, size: str, seed: int):
    """Plotted rows and agreement rows; the kinds, N and alpha are read from the rows
    (``coefficients`` sparse: column ``m_test_3``; dense: ``m_test_dense``), the grouping from
    ``size``.  Relaxations that did not converge are left out of the [W] criterion and counted
    (``unconverged_excluded``)."""
    from hopfield_phases.montecarlo import rfhm as mc

    s = SIZES[size]
    C.require_columns(sim_rows, ("N", "alpha", "D", "coefficients", "sample", "converged"),
                      f"{NAME} simulation rows (montecarlo.rfhm layout)")
    rows: list[dict] = []
    agreement: list[dict] = []
    for kind in ("sparse", "dense"):
        mine = [r for r in sim_rows if r["coefficients"] == kind]
        if not mine:
            continue
        key = mc.m_test_column(3 if kind == "sparse" else "dense")
        C.require_columns(mine, (key,), f"{NAME} {kind} rows")
        alphas = sorted({float(r["alpha"]) for r in mine})
        if len(alphas) != 1:
            raise ValueError(f"from_csv: {NAME} needs one alpha per kind, {kind} rows have {alphas}")
        alpha = alphas[0]
        mine, n_unconv = ag.converged_rows(mine)
        Ns, means, sems = [], [], []
        for N in sorted({int(r["N"]) for r in mine}):
            sel = [r for r in mine if r["N"] == N]
            dg, edge, Ds = d_gen_groups(sel, key, s["group_size"])
            m = float(dg.mean())
            e = float(dg.std(ddof=1) / math.sqrt(len(dg))) if len(dg) > 1 else math.nan
            rows.append(dict(series=kind, kind="simulation", x=N, y=m, yerr=e, n=len(dg),
                             at_grid_edge=edge, D_grid=" ".join(map(str, Ds)),
                             groups=" ".join(str(int(v)) for v in dg)))
            Ns.append(N)
            means.append(m)
            sems.append(e)
        Ns, means, sems = map(np.array, (Ns, means, sems))
        if not len(Ns):
            continue
        C.log(f"theory: D_gen predictions ({kind}, alpha = {alpha:g})")
        fine = np.geomspace(min(Ns) / 1.5, max(Ns) * 1.5, 30)
        th = {}
        for variant in ("sq", "lin"):
            th[variant] = [theory_dgen(kind, N, alpha, variant) for N in fine]
            for N, d in zip(fine, th[variant]):
                rows.append(dict(series=kind, kind=f"theory_{variant}", x=float(N), y=d, yerr=math.nan))
        good = means > 0
        if good.sum() >= 2:
            slope, half, icpt = fit_slope(Ns[good], means[good], sems[good])
            for N in fine:
                rows.append(dict(series=kind, kind="fit", x=float(N), y=float(math.exp(icpt) * N**slope),
                                 yerr=math.nan, slope=slope, slope_ci=half))
            agreement.append(ag.agreement_row(
                f"D_gen slope ({kind})", slope, slope - half, slope + half,
                KINDS[kind]["predicted_slope"], "scaling", alpha=alpha,
                method="weighted LS of ln D_gen on ln N (68 %)", N="+".join(map(str, Ns.astype(int))),
                unconverged_excluded=n_unconv))
        # prefactors at every N
        for N, m, e in zip(Ns, means, sems):
            for variant in ("sq", "lin"):
                pred = theory_dgen(kind, N, alpha, variant)
                agreement.append(ag.agreement_row(
                    f"D_gen at N={int(N)} ({kind})", m, m - e, m + e, pred, variant, alpha=alpha,
                    method=f"[W] criterion: all {s['group_size']} samples m_test>0.9; mean +- s.e. "
                    f"over {_n_groups(size, N)} groups", N=int(N), unconverged_excluded=n_unconv))
    return rows, agreement


def draw(rows, params=None):
    fig, ax = new_figure(figsize=(5.2, 4.0))
    for kind, st in KINDS.items():
        x, y, e = C.series(rows, series=kind, kind="simulation")
        if not len(x):
            continue
        ax.errorbar(x, y, yerr=np.nan_to_num(e), color=st["color"], marker=st["marker"], ls="none",
                    ms=5, capsize=2, label=f"{st['label']} (simulation)")
        fit = [r for r in rows if r["series"] == kind and r["kind"] == "fit"]
        if fit:
            xf, yf, _ = C.series(fit)
            ax.plot(xf, yf, color=st["color"], lw=1.0,
                    label=rf"fit: slope ${fit[0]['slope']:.2f} \pm {fit[0]['slope_ci']:.2f}$ "
                    rf"(pred. {st['predicted_slope']:g})")
        for variant, ls in (("sq", "--"), ("lin", ":")):
            xt, yt, _ = C.series(rows, series=kind, kind=f"theory_{variant}")
            if len(xt):
                lab = ((r"RS $\alpha_D^c(\alpha,3)\,N$" if kind == "sparse" else r"RS $\sqrt{C(\alpha) N}$")
                       + f" ({variant})")
                ax.plot(xt, yt, color=st["color"], ls=ls, lw=1.0, alpha=0.8, label=lab)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("$N$")
    ax.set_ylabel(r"$D_{\rm gen}$")
    if params:
        ax.set_title(rf"sparse: $\alpha={params.get('alpha_sparse')}$; dense: $\alpha={params.get('alpha_dense')}$",
                     fontsize=9)
    ax.legend(fontsize=6.5, loc="upper left")
    fig.tight_layout()
    return fig


FIGURE = C.simulation_figure(
    NAME, sizes=SIZES, simulate=simulate, reduce=reduce, draw=draw, order=40,
    help="[W] Fig. 3b: D_gen(N) for sparse and dense coefficients with fitted slopes vs the "
         "predicted N and sqrt(N)",
    plot_description=__doc__.splitlines()[0],
    agreement_description="rfhm-fig3b: D_gen(N) slopes vs the predicted N (sparse) and "
    "sqrt(N) (dense) scalings, and D_gen vs the RS predictions at each N",
    parameters=lambda size: dict(SIZES[size], size_provenance=SIZE_PROVENANCE[size]),
    estimate=lambda size, workers=None: estimate(size, workers))
build = FIGURE.build
