"""``rfhm-fig3a``: feature magnetisation (dashed) and test-example magnetisation (solid)
against alpha, for several alpha_D (panels) and numbers of features per example L (colours),
as in Fig. 3a of the workshop paper [W].

Simulation: ``montecarlo.rfhm.run_sample`` with sparse training coefficients, L_train = L, and
test examples with L_test = L (the same L), per-alpha sample means with standard errors.

Theory (``docs/theory/rfhm_theory.md`` Sec. 2.8), vertical lines, both variants ('sq' dashed, 'lin'
dotted; [W] Fig. 3a shows the [PRL] 'lin' learning line):

* the RS learning transition alpha_c(alpha_D) in black (it does not depend on L in the dense
  theory; the sparse theory replaces kappa1^2 by g_L, Sec. 1.3, a weak dependence);
* the L-mixture transitions alpha_c^{(L)}(alpha_D) in the colour of L, where they exist
  (alpha_D < alpha_L^c: none for L = 3 above 0.029942).

Agreement: 0.9-crossings (first upward; isotonic fit) of mu and m_test with 68 % bootstrap
intervals, against these lines.  Relaxations that hit the sweep cap (column ``converged`` of
``montecarlo.rfhm``) are left out and counted (``unconverged_excluded``).  ``--from-csv``
takes this figure's table or the rows of ``simulate rfhm`` (one N; panels: its alpha_D values;
L_test must include L_train).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .. import agreement as ag
from ..plotting import new_figure
from . import _common as C

NAME = "rfhm-fig3a"
THRESHOLD = 0.9
L_VALUES = (3, 5, 7)

SIZES = {
    "tiny": dict(N=500, alpha_Ds=(0.01,), Ls=(3,), alpha_ranges=((0.02, 3.0),), n_alpha=4,
                 samples=2, n_boot=50),
    "quick": dict(N=6000, alpha_Ds=(0.005, 0.01, 0.02), Ls=(3, 5, 7),
                  alpha_ranges=((0.005, 2.0), (0.01, 15.0), (0.02, 6.0)), n_alpha=13, samples=10,
                  n_boot=300),
    "paper": dict(N=32000, alpha_Ds=(0.005, 0.01, 0.02, 0.04), Ls=(3, 5, 7),
                  alpha_ranges=((0.002, 3.0), (0.005, 14.0), (0.01, 10.0), (0.02, 10.0)),
                  n_alpha=24, samples=40, n_boot=1000, train_start=False),
}
"""Per alpha_D (same order): the alpha range of its panel (log grid of ``n_alpha`` points).
N*P is limited only by memory (int64 fields where int32 could overflow): the paper size runs
[W]'s N = 32000 up to alpha = 14 (P = 448000, ~3.6 GB per sample with the bit kernel).
``train_start=False`` (paper size): the train example is not relaxed, since the figure draws
only mu and m_test; their values are those of a run with it (``montecarlo.rfhm``), at about
half the cost where starts escape.  The smaller sizes keep it (their cached rows and seeds
stay valid)."""

#: what each size takes from [W] and what was chosen where [W] states no number (sidecar).
SIZE_PROVENANCE = {
    "tiny": "test size (seconds); not a paper size",
    "quick": "reduced size (N = 6000, 10 samples) for the default reproduce run",
    "paper": "[W] Fig. 3a: N = 32000, averages of 40 samples, L = 3, 5, 7 (stated in the caption "
             "and text).  Not stated in [W], chosen here: the panels alpha_D = 0.005, 0.01, 0.02, "
             "0.04 (spanning the L = 3 mixture threshold alpha_D ~ 0.03 discussed in [W]); per "
             "panel an alpha range covering the learning line and the L-mixture lines where they "
             "exist (up to alpha = 14 at alpha_D = 0.01, where the L = 7 line lies at alpha ~ 9), "
             "24 log-spaced points.  Only the feature and the test example are relaxed "
             "(train_start=False): the figure draws mu and m_test, as [W] Fig. 3a, and the "
             "train start was 35-50 % of the sweeps in a first run.",
}

L_COLORS = {1: "C7", 3: "C3", 5: "C4", 7: "C5", 9: "C2"}


def alpha_grid(size: str, panel: int) -> np.ndarray:
    s = SIZES[size]
    lo, hi = s["alpha_ranges"][panel]
    return np.geomspace(lo, hi, s["n_alpha"])


def grid(size: str) -> list[dict]:
    """The simulated parameter points, expensive (large P) first."""
    s = SIZES[size]
    extra = {} if s.get("train_start", True) else {"train_start": False}
    points = [dict(N=s["N"], alpha=float(a), alpha_D=float(aD), L_train=int(L), L_test=[int(L)],
                   coefficients="sparse", **extra)
              for i, aD in enumerate(s["alpha_Ds"]) for a in alpha_grid(size, i)[::-1] for L in s["Ls"]]
    points.sort(key=lambda p: -p["alpha"])
    return points


def estimate(size: str, workers=None):
    """Cost of the simulation at ``size`` (``compare.cost_model``)."""
    from ..cost_model import rfhm_sweep_estimate

    return rfhm_sweep_estimate(grid(size), SIZES[size]["samples"], workers or C.default_workers(size),
                               figure=NAME)


def simulate(out_dir: Path, size: str, seed: int, workers=None) -> list[dict]:
    from hopfield_phases.montecarlo import rfhm as mc

    s = SIZES[size]
    return C.cached_sweep(mc.sample_task, grid(size), s["samples"], out_dir, NAME, size, seed,
                          workers=workers, description=f"{NAME} N={s['N']}")


def reduce(sim_rows, size: str, seed: int):
    """Plotted rows, agreement rows and the parameters read from the rows (the panels are the
    rows' alpha_D, the colours their L_train; test column ``m_test_<L>`` with L = L_train).
    Relaxations that did not converge are left out and counted (``unconverged_excluded``)."""
    from hopfield_phases.montecarlo import rfhm as mc
    from hopfield_phases.theory import rfhm as th

    s = SIZES[size]
    C.require_columns(sim_rows, ("N", "alpha", "alpha_D", "L_train", "mu", "converged"),
                      f"{NAME} simulation rows (montecarlo.rfhm layout)")
    Ns = sorted({int(r["N"]) for r in sim_rows})
    if len(Ns) != 1:
        raise ValueError(f"from_csv: {NAME} draws one N, the rows have {Ns}")
    Ls = sorted({r["L_train"] for r in sim_rows if isinstance(r["L_train"], int)})
    C.require_columns(sim_rows, [mc.m_test_column(L) for L in Ls], f"{NAME} simulation rows")
    alpha_Ds = sorted({float(r["alpha_D"]) for r in sim_rows})
    rows: list[dict] = []
    agreement: list[dict] = []
    for aD in alpha_Ds:
        panel = f"alpha_D={aD:g}"
        C.log(f"theory: RS lines at alpha_D = {aD:g}")
        learn = {v: C.agreement_or_nan(th.learning_transition, aD, variant=v) for v in ("sq", "lin")}
        for v, a in learn.items():
            rows.append(dict(panel=panel, alpha_D=aD, L="", series="mu", kind=f"theory_{v}", x=a,
                             y=math.nan, yerr=math.nan))
        for L in Ls:
            mix = {v: C.agreement_or_nan(th.mixture_transition, aD, L, variant=v) for v in ("sq", "lin")}
            for v, a in mix.items():
                rows.append(dict(panel=panel, alpha_D=aD, L=L, series="m_test", kind=f"theory_{v}", x=a,
                                 y=math.nan, yerr=math.nan))
            from hopfield_phases.theory import rfhm_sparse  # sparse degree theory, mean-mu crossing

            a_sp = C.agreement_or_nan(rfhm_sparse.mean_mu_crossing, aD, L)
            rows.append(dict(panel=panel, alpha_D=aD, L=L, series="mu", kind="theory_sparse", x=a_sp,
                             y=math.nan, yerr=math.nan))
            sel, n_unconv = ag.converged_rows(
                [r for r in sim_rows if r["alpha_D"] == aD and r["L_train"] == L])
            if not sel:
                continue
            common = dict(N=Ns[0], alpha_D=aD, L=L, n_samples=len({r.get("sample") for r in sel}),
                          n_boot=s["n_boot"], seed=seed, unconverged_excluded=n_unconv)
            for key, series, theory, q in (("mu", "mu", dict(learn, sparse=a_sp), "learning transition (mu)"),
                                           (mc.m_test_column(L), "m_test", mix,
                                            f"generalisation L_test={L} (m_test)")):
                xs, mat = ag.samples_matrix([r["alpha"] for r in sel], [r[key] for r in sel])
                mean, sem, n = ag.sample_means(mat)
                for a, m, e, k in zip(xs, mean, sem, n):
                    rows.append(dict(panel=panel, alpha_D=aD, L=L, series=series, kind="simulation",
                                     x=float(a), y=float(m), yerr=float(e), n=int(k)))
                if len(xs) >= 2:
                    agreement += ag.crossing_rows(xs, mat, theory, q, threshold=THRESHOLD, **common)
    return rows, agreement, dict(N=Ns[0], alpha_Ds=tuple(alpha_Ds), Ls=tuple(Ls))


def draw(rows, N=None):
    panels = list(C.by_series(rows, "panel"))
    fig, axes = new_figure(1, len(panels), figsize=(3.2 * len(panels) + 0.6, 3.4), sharey=True,
                           squeeze=False)
    for ax, (panel,) in zip(axes[0], panels):
        prow = [r for r in rows if r["panel"] == panel]
        Ls = sorted({r["L"] for r in prow if r["kind"] == "simulation"})
        for L in Ls:
            col = L_COLORS.get(L, "k")
            for series, ls, mk in (("mu", "--", "s"), ("m_test", "-", "o")):
                x, y, e = C.series(prow, series=series, L=L, kind="simulation")
                lab = (rf"$\mu$, $L={L}$" if series == "mu" else rf"$m^{{\rm test}}$, $L={L}$")
                ax.errorbar(x, y, yerr=e, color=col, ls=ls, marker=mk, ms=2.5, lw=1.1, capsize=1.5,
                            label=lab)
            for v, ls in (("sq", "--"), ("lin", ":")):
                x, _, _ = C.series(prow, series="m_test", L=L, kind=f"theory_{v}")
                for xv in x[np.isfinite(x)]:
                    ax.axvline(xv, color=col, ls=ls, lw=0.9)
            x, _, _ = C.series(prow, series="mu", L=L, kind="theory_sparse")
            for xv in x[np.isfinite(x)]:
                ax.axvline(xv, color=col, ls="-.", lw=0.9)
        for v, ls in (("sq", "--"), ("lin", ":")):
            x, _, _ = C.series(prow, series="mu", kind=f"theory_{v}")
            for xv in x[np.isfinite(x)]:
                ax.axvline(xv, color="k", ls=ls, lw=0.9)
        ax.set_xscale("log")
        ax.set_ylim(-0.05, 1.05)
        ax.set_xlabel(r"$\alpha$")
        aD = panel.split("=")[1]
        ax.set_title(rf"$\alpha_D = {aD}$")
    axes[0][0].set_ylabel("magnetization")
    from matplotlib.lines import Line2D

    Ls = sorted({r["L"] for r in rows if r["kind"] == "simulation"})
    handles = [Line2D([], [], color=L_COLORS.get(L, "k"), lw=2) for L in Ls]
    labels = [f"$L = {L}$" for L in Ls]
    handles += [Line2D([], [], color="gray", ls="--", marker="s", ms=3),
                Line2D([], [], color="gray", ls="-", marker="o", ms=3)]
    labels += [r"$\mu$ (feature)", r"$m^{\rm test}$"]
    axes[0][0].legend(handles, labels, loc="upper left", fontsize=7)
    if N:
        fig.suptitle(rf"sparse training with $L$ features per example, test examples with "
                     rf"$L_{{\rm test}} = L$, $N = {N}$.  Vertical lines: RS transitions ('sq' dashed, "
                     "'lin' dotted; black: learning, coloured: $L$-mixtures)", fontsize=8)
    fig.tight_layout()
    return fig


FIGURE = C.simulation_figure(
    NAME, sizes=SIZES, simulate=simulate, reduce=reduce, draw=draw, order=35,
    help="[W] Fig. 3a: mu (dashed) and m_test (solid) vs alpha for several alpha_D (panels) and L "
         "(colours), with the RS lines of both variants",
    plot_description=__doc__.splitlines()[0],
    agreement_description="rfhm-fig3a: 0.9-crossings of mu and m_test (68 % bootstrap "
    "intervals) vs the RS learning and L-mixture lines",
    draw_args=lambda rows, meta: (rows, (meta.get("parameters") or {}).get("N")),
    parameters=lambda size: dict(SIZES[size], size_provenance=SIZE_PROVENANCE[size]),
    estimate=lambda size, workers=None: estimate(size, workers))
build = FIGURE.build
