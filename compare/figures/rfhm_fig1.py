"""``rfhm-fig1``: magnetisations of a feature, a train example and test examples against the
load alpha at fixed alpha_D, as in Fig. 1 of the workshop paper [W].

Simulation: zero-temperature asynchronous dynamics (``montecarlo.rfhm.run_sample``, the
reference semantics of ``docs/theory/rfhm_dynamics.md``) with sparse training coefficients (L_train = 3)
at alpha_D = 0.005, started from a feature (mu), a train example (m_train) and fresh test
examples with L_test = 3, 5, 7 features (m_test).  Points are per-alpha sample means with
standard errors (``docs/theory/rfhm_dynamics.md`` Sec. 5.2).

Theory marked on the figure (``docs/theory/rfhm_theory.md``):

* the RS learning transition ``alpha_c(alpha_D)`` (Sec. 2.8), both variants 'sq' (derived,
  default) and 'lin' (the published [PRL] line), as vertical lines (blue);
* the RS spinodals of L_test-mixtures of features ``alpha_c^{(n)}(alpha_D)`` (Sec. 2.8, the
  generalisation lines for test examples with n = L_test), both variants, as vertical lines in
  the colours of the m_test curves.  These are dense-coefficient lines; for sparse training
  they are expected close to the 0.9-crossings (Sec. 5 item 8);
* the signal-to-noise one-step estimate (Sec. 4.2) as thin dotted curves: ``1 - 2 f_u`` where
  ``f_u`` is the predicted fraction of unstable spins of each start state (an initial error
  rate, not a transition point).

Input: the rows of ``montecarlo.rfhm.sample_task`` (its column layout), from the figure's cached
sweep or from ``simulate rfhm`` (``figure rfhm-fig1 --from-csv runs/fig1.csv``; one alpha_D,
the largest N drawn).  Relaxations that hit the sweep cap (``converged`` false) are left out of
means and crossings and counted in the agreement table (``unconverged_excluded``).

Agreement (``rfhm-fig1_agreement.csv``): the 0.9-crossings of the mean curves (first upward
crossing; interpolated in ln alpha; and of the isotonic fit), with 68 % bootstrap intervals
over samples, against the RS lines of both variants.  For m_train the *last* upward crossing
(the re-entrance) is compared with the L = 3 mixture line.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .. import agreement as ag
from ..plotting import new_figure
from . import _common as C

NAME = "rfhm-fig1"
ALPHA_D = 0.005
L_TRAIN = 3
L_TEST = (3, 5, 7)
THRESHOLD = 0.9

#: sizes: N (drawn), smaller N_extra (only for the 1/N extrapolation of the transitions),
#: the alpha grid (log-spaced), samples per alpha.  D = round(alpha_D N) must be >= 7 (L_test).
#: N*P is limited only by memory (int64 fields where int32 could overflow), so the paper size
#: reaches alpha = 6 at N = 32000 (P = 192000, ~1.6 GB per sample with the bit kernel).
SIZES = {
    "tiny": dict(N=1400, N_extra=(), alpha_min=0.01, alpha_max=3.0, n_alpha=5, samples=2, n_boot=50),
    "quick": dict(N=16000, N_extra=(4000, 8000), alpha_min=0.002, alpha_max=6.0, n_alpha=28,
                  samples=20, n_boot=500),
    "paper": dict(N=32000, N_extra=(8000, 16000), alpha_min=0.002, alpha_max=6.0, n_alpha=50,
                  samples=40, n_boot=1000),
}

#: what each size takes from [W] and what was chosen where [W] states no number (sidecar).
SIZE_PROVENANCE = {
    "tiny": "test size (seconds); not a paper size",
    "quick": "reduced size (N = 16000, 20 samples) for the default reproduce run",
    "paper": "[W] Fig. 1: N = 32000, averages of 40 samples (stated in the caption).  Not stated "
             "in [W], chosen here: alpha_D = 0.005 (the value of the authors' Fig.-1-type run "
             "in [code-gen]); alpha from 0.002 to 6 on 50 log-spaced points (~14 per decade; "
             "the authors' run uses 20 per decade over 0.01-1, we extend it below to show the "
             "storage phase of m_train and above to show the generalisation plateaus of "
             "L_test = 5, 7, whose RS lines lie at alpha ~ 0.43 and 0.78); N_extra = 8000, 16000 "
             "only for the 1/N extrapolation of the transitions (not in [W]).",
}

COLORS = {"mu": "C0", "m_train": "C1", "m_test_L3": "C3", "m_test_L5": "C4", "m_test_L7": "C5"}
LABELS = {"mu": r"$\mu$ (feature)", "m_train": r"$m^{\rm train}$",
          "m_test_L3": r"$m^{\rm test}$, $L=3$", "m_test_L5": r"$m^{\rm test}$, $L=5$",
          "m_test_L7": r"$m^{\rm test}$, $L=7$"}


def alpha_grid(size: str) -> np.ndarray:
    s = SIZES[size]
    return np.geomspace(s["alpha_min"], s["alpha_max"], s["n_alpha"])


def theory_lines(alpha_D: float = ALPHA_D, L_test=L_TEST) -> list[dict]:
    """Vertical RS lines: learning transition and L_test-mixture transitions, both variants."""
    from hopfield_phases.theory import rfhm as th

    rows = []
    for variant in ("sq", "lin"):
        a = C.agreement_or_nan(th.learning_transition, alpha_D, variant=variant)
        rows.append(dict(panel="main", series="mu", kind=f"theory_{variant}", x=a, y=math.nan,
                         yerr=math.nan, label=f"learning transition ({variant})"))
        for n in L_test:
            a = C.agreement_or_nan(th.mixture_transition, alpha_D, n, variant=variant)
            rows.append(dict(panel="main", series=f"m_test_L{n}", kind=f"theory_{variant}", x=a,
                             y=math.nan, yerr=math.nan, label=f"{n}-mixture transition ({variant})"))
    from hopfield_phases.theory import rfhm_sparse  # sparse degree theory (docs/theory/rfhm_sparse_theory.md)

    a = C.agreement_or_nan(rfhm_sparse.mean_mu_crossing, alpha_D, L_TRAIN)
    rows.append(dict(panel="main", series="mu", kind="theory_sparse", x=a, y=math.nan, yerr=math.nan,
                     label=f"sparse theory: mean-mu 0.9-crossing (L={L_TRAIN})"))
    return rows


def snr_curves(alphas: np.ndarray, alpha_D: float = ALPHA_D, L_train: int = L_TRAIN,
               L_test=L_TEST) -> list[dict]:
    """One-step SNR estimate ``1 - 2 f_unstable`` (docs/theory/rfhm_theory.md Sec. 4.2) on a fine grid."""
    from hopfield_phases.theory import snr

    rows = []
    fine = np.geomspace(alphas[0], alphas[-1], 60)
    for key, fn in _snr_functions(snr, L_train, L_test).items():
        for a in fine:
            try:
                f = float(fn(a, alpha_D))
            except Exception:  # noqa: BLE001 - outside the estimate's domain
                f = math.nan
            rows.append(dict(panel="main", series=key, kind="snr", x=float(a), y=1 - 2 * f,
                             yerr=math.nan, label=f"SNR 1-2f ({key})"))
    return rows


def _snr_functions(snr, L_train, L_test):
    """Map series -> f(alpha, alpha_D), the predicted unstable fraction (theory.snr)."""
    out = {"mu": lambda a, aD: snr.unstable_fraction_feature(a, aD, L=L_train),
           "m_train": lambda a, aD: snr.unstable_fraction_example(a, aD, L=L_train, train=True)}
    for n in L_test:
        out[f"m_test_L{n}"] = (lambda a, aD, n=n:
                               snr.unstable_fraction_example(a, aD, L=L_train, L_test=n))
    return out


def grid(size: str) -> list[dict]:
    """The simulated parameter points (``montecarlo.rfhm.run_sample`` keywords), largest alpha
    first (most expensive) for load balance."""
    s = SIZES[size]
    return [dict(N=int(N), alpha=float(a), alpha_D=ALPHA_D, L_train=L_TRAIN, L_test=list(L_TEST),
                 coefficients="sparse")
            for N in (s["N"], *s["N_extra"]) for a in alpha_grid(size)[::-1]]


def simulate(out_dir: Path, size: str, seed: int, workers=None) -> list[dict]:
    from hopfield_phases.montecarlo import rfhm as mc

    s = SIZES[size]
    return C.cached_sweep(mc.sample_task, grid(size), s["samples"], out_dir, NAME, size, seed,
                          workers=workers,
                          description=f"{NAME} N={','.join(str(n) for n in (s['N'], *s['N_extra']))}")


def estimate(size: str, workers=None):
    """Cost of the simulation at ``size`` (``compare.cost_model``; per-sample model of
    ``montecarlo.cost``)."""
    from ..cost_model import rfhm_sweep_estimate

    return rfhm_sweep_estimate(grid(size), SIZES[size]["samples"], workers or C.default_workers(size),
                               figure=NAME)


def series_columns(rows: list[dict]) -> dict:
    """Plotted series -> simulation column (``montecarlo.rfhm`` layout), for the series whose
    column the rows have: mu, m_train and m_test_L{L} for L in 3, 5, 7."""
    from hopfield_phases.montecarlo import rfhm as mc

    have = set().union(*(r.keys() for r in rows)) if rows else set()
    cols = {"mu": "mu", "m_train": "m_train"}
    cols.update({f"m_test_L{n}": mc.m_test_column(n) for n in L_TEST if mc.m_test_column(n) in have})
    return cols


def reduce(sim_rows: list[dict], size: str, seed: int):
    """Plotted rows (means, theory lines, SNR curves), agreement rows and the parameters read
    from the rows.  The rows may come from the cache or from ``simulate rfhm`` (one alpha_D;
    the largest N is drawn, smaller N only enter the 1/N extrapolation); relaxations that did
    not converge are left out and counted (``unconverged_excluded``)."""
    from hopfield_phases.montecarlo import rfhm as mc

    s = SIZES[size]
    C.require_columns(sim_rows, ("N", "alpha", "alpha_D", "mu", "m_train", "converged"),
                      f"{NAME} simulation rows (montecarlo.rfhm layout)")
    cols = series_columns(sim_rows)
    L_test = [n for n in L_TEST if f"m_test_L{n}" in cols]
    if not L_test:
        raise ValueError(f"from_csv: {NAME} needs at least one of the columns "
                         f"{[mc.m_test_column(n) for n in L_TEST]}")
    alpha_Ds = sorted({float(r["alpha_D"]) for r in sim_rows})
    if len(alpha_Ds) != 1:
        raise ValueError(f"from_csv: {NAME} draws one alpha_D, the rows have {alpha_Ds}")
    alpha_D = alpha_Ds[0]
    L_trains = {r.get("L_train", L_TRAIN) for r in sim_rows}
    L_train = L_trains.pop() if len(L_trains) == 1 else L_TRAIN
    L_train = L_train if isinstance(L_train, int) else L_TRAIN
    all_rows, n_unconv = ag.converged_rows(sim_rows)
    if n_unconv:
        C.log(f"{n_unconv} of {len(sim_rows)} samples had an unconverged relaxation: left out")
    Ns = sorted({int(r["N"]) for r in all_rows})
    if not Ns:
        raise ValueError(f"from_csv: {NAME}: no converged simulation rows")
    N_main = Ns[-1]
    sim_rows = [r for r in all_rows if r["N"] == N_main]
    rows: list[dict] = []
    agreement: list[dict] = []
    alphas = None
    M = {}
    for key, col in cols.items():
        xs, mat = ag.samples_matrix([r["alpha"] for r in sim_rows], [r[col] for r in sim_rows])
        mean, sem, n = ag.sample_means(mat)
        alphas, M[key] = xs, mat
        for a, m, e, k in zip(xs, mean, sem, n):
            rows.append(dict(panel="main", series=key, kind="simulation", x=float(a), y=float(m),
                             yerr=float(e), label=LABELS[key], n=int(k)))
    C.log("theory: RS learning and mixture transitions (sq, lin)")
    lines = theory_lines(alpha_D, L_test)
    rows += lines
    C.log("theory: signal-to-noise one-step estimates")
    rows += snr_curves(alphas, alpha_D, L_train, L_test)

    def th(series):
        return {r["kind"][len("theory_"):]: r["x"] for r in lines if r["series"] == series}

    C.log("agreement: bootstrap of the 0.9-crossings")
    n_samples = max(int(v) for v in np.sum(np.isfinite(M["mu"]), axis=1))
    common = dict(N=N_main, alpha_D=alpha_D, n_samples=n_samples, n_boot=s["n_boot"], seed=seed)
    agreement += ag.crossing_rows(alphas, M["mu"], th("mu"), "learning transition alpha_c (mu)",
                                  threshold=THRESHOLD, **common)
    for n in L_test:
        agreement += ag.crossing_rows(alphas, M[f"m_test_L{n}"], th(f"m_test_L{n}"),
                                      f"generalisation L_test={n} (m_test)", threshold=THRESHOLD,
                                      **common)
    if 3 in L_test:
        agreement += ag.crossing_rows(alphas, M["m_train"], th("m_test_L3"),
                                      "train re-entrance (m_train, last up-crossing) vs 3-mixture",
                                      threshold=THRESHOLD, methods=("mean",), which="last", **common)
    if len(Ns) > 1:
        C.log("agreement: 1/N extrapolation of the transitions")
        for key, q in [("mu", "learning transition alpha_c (mu)")] + [
                (f"m_test_L{n}", f"generalisation L_test={n} (m_test)") for n in L_test]:
            agreement += extrapolation_rows(all_rows, key, q, th(key), s, seed, cols[key])
    for r in agreement:
        r["unconverged_excluded"] = n_unconv
    return rows, agreement, dict(N=N_main, N_extra=tuple(Ns[:-1]), alpha_D=alpha_D,
                                 L_train=L_train, L_test=L_test)


def extrapolation_rows(all_rows, key, quantity, theory, s, seed, column=None) -> list[dict]:
    """Isotonic 0.9-crossings at every N (68 % bootstrap intervals), extrapolated linearly in
    1/N (weights from the interval half-widths); 95 % interval of the intercept."""
    Ns = sorted({r["N"] for r in all_rows})
    xs_N, err_N, failed, used = [], [], [], []
    for N in Ns:
        sel = [r for r in all_rows if r["N"] == N]
        xs, mat = ag.samples_matrix([r["alpha"] for r in sel], [r[column or key] for r in sel])
        if len(xs) < 2:
            continue
        tr = ag.transition(xs, mat, THRESHOLD, method="isotonic", n_boot=s["n_boot"],
                           seed=np.random.SeedSequence([int(seed), int(N)]).generate_state(1)[0])
        xs_N.append(tr.value)
        err_N.append(0.5 * (tr.ci_high - tr.ci_low))
        failed.append(tr.n_failed)
        used.append(N)
    Ns = used
    try:
        ex = ag.extrapolate_inverse_n(Ns, xs_N, err_N)
    except ValueError as exc:
        C.log(f"extrapolation of {key}: {exc}")
        return []
    return [ag.agreement_row(quantity + " N->inf", ex.value, ex.ci_low, ex.ci_high, th, variant,
                             method="isotonic 0.9-crossing, linear in 1/N", level=ex.level,
                             N="+".join(str(n) for n in Ns), slope_1_over_N=ex.slope,
                             chi2_dof=ex.chi2_dof,
                             per_N=";".join(f"{n}:{x:.4g}" for n, x in zip(Ns, xs_N)),
                             n_boot_failed=";".join(f"{n}:{k}" for n, k in zip(Ns, failed)))
            for variant, th in theory.items()]


def draw(rows: list[dict], N: int | None = None):
    fig, ax = new_figure(figsize=(7.6, 4.0))
    for key, color in COLORS.items():
        x, y, e = C.series(rows, series=key, kind="simulation")
        if len(x):
            ax.errorbar(x, y, yerr=e, color=color, marker="o", ms=3, lw=1.2, capsize=2,
                        label=LABELS[key])
        x, y, _ = C.series(rows, series=key, kind="snr")
        if len(x):
            ax.plot(x, y, color=color, lw=2.0, ls="-", alpha=0.25)
        for variant, ls in (("sq", "--"), ("lin", ":"), ("sparse", "-.")):
            x, _, _ = C.series(rows, series=key, kind=f"theory_{variant}")
            for xv in x[np.isfinite(x)]:
                ax.axvline(xv, color=color, ls=ls, lw=1.0, alpha=0.9)
    ax.set_xscale("log")
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel(r"$\alpha = P/N$")
    ax.set_ylabel("magnetization")
    title = rf"$\alpha_D = {ALPHA_D}$, sparse $L = {L_TRAIN}$"
    if N:
        title += f", $N = {N}$"
    ax.set_title(title)
    from matplotlib.lines import Line2D

    handles, labels = ax.get_legend_handles_labels()
    handles += [Line2D([], [], color="k", ls="--", lw=1), Line2D([], [], color="k", ls=":", lw=1),
                Line2D([], [], color="k", ls="-", lw=2.0, alpha=0.25)]
    handles += [Line2D([], [], color="k", ls="-.", lw=1)]
    labels += ["RS transition ('sq')", "RS transition ('lin', [PRL])", "SNR one-step $1-2f$",
               "sparse degree theory, $N=\\infty$"]
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=7,
              borderaxespad=0.0)
    fig.subplots_adjust(left=0.09, right=0.70, bottom=0.13, top=0.92)
    return fig


def _summary(agreement) -> str:
    if not agreement:
        return ""
    lines = []
    for r in agreement:
        if r["method"].startswith("isotonic") or "re-entrance" in r["quantity"]:
            lines.append(f"{r['quantity']}: sim {r['simulation']:.4g} [{r['ci_low']:.4g}, "
                         f"{r['ci_high']:.4g}] vs {r['variant']} {r['theory']:.4g}")
    return "\n".join(lines)


FIGURE = C.simulation_figure(
    NAME, sizes=SIZES, simulate=simulate, reduce=reduce, draw=draw, order=30,
    help="[W] Fig. 1: mu, m_train, m_test vs alpha at alpha_D = 0.005 (simulation + RS lines + SNR)",
    parameters=lambda size: dict(SIZES[size], alpha_D=ALPHA_D, L_train=L_TRAIN, L_test=list(L_TEST),
                                 size_provenance=SIZE_PROVENANCE[size]),
    plot_description=__doc__.splitlines()[0],
    agreement_description="rfhm-fig1: 0.9-crossings of the simulated magnetisations (68 % "
    "bootstrap intervals over samples) vs the RS lines",
    draw_args=lambda rows, meta: (rows, (meta.get("parameters") or {}).get("N")),
    summary=_summary, estimate=lambda size, workers=None: estimate(size, workers))
build = FIGURE.build
