"""``ts-landscape``: the p = 3 overlap landscape V(q*) of the dense teacher-student model, RS
theory against an umbrella-sampling Monte Carlo estimate (the poster's third benchmark;
``docs/theory/teacher_student_theory.md`` Secs. 3.6 and 12).

Theory: ``theory.teacher_student.landscape`` (the constrained free entropy V(q*), Sec. 3.6)
at N = infinity, and with the coupling realised by the sampled data, ``mu r_sample`` (Sec. 12
item (c); implemented by ``T* -> T*/r_sample``, since T* enters V only through mu).

Simulation (``montecarlo.umbrella``, the one home of the experiment): umbrella sampling in q*
(a harmonic bias ``beta U = N k/2 (q* - c)^2``, Metropolis with the distinct-index student on
one teacher data set), one ``umbrella.window_task`` per window (so the windows run in parallel
and are cached), then MBAR (``umbrella.estimate``, pymbar); ``V_mc = ln P(q*)/N``.  Errors: a
block bootstrap over the sweeps of each window; failed replicas are counted (``n_boot_failed``).

Reduction (``compare.landscape``, shared with ``simulate ts-landscape``): the theory curves
are shifted to the MC estimate by the weighted mean difference over the common q* range;
agreement (``compare.agreement.landscape_agreement``, on 0 <= q* <= 0.95): the position
q*_min of the minimum of V between q* = 0 and the retrieval maximum (the barrier), the depth
``V(q*_max) - V(q*_min)`` (both with 68 % block-bootstrap intervals), and the rms deviation
after the shift.  ``--from-csv`` accepts the plotted ``ts-landscape.csv`` or the window CSV of
the cache (``OUT/sweeps/ts-landscape_SIZE.csv``).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .. import agreement as ag
from ..landscape import compare_landscape, feature_intervals
from ..plotting import new_figure
from . import _common as C

NAME = "ts-landscape"
P_ORDER = 3

SIZES = {
    "tiny": dict(N=40, alpha=5.0, T=2.0, T_teacher=2.0, n_windows=12, sweeps=100, equilibration=20,
                 block=20, n_boot=10),
    "quick": dict(N=100, alpha=5.0, T=2.0, T_teacher=2.0, n_windows=56, sweeps=600,
                  equilibration=100, block=50, n_boot=60, k=60.0),
    "paper": dict(N=200, alpha=5.0, T=2.0, T_teacher=2.0, n_windows=111, sweeps=4000,
                  equilibration=500, block=100, n_boot=200, k=120.0),
}
Q_MIN, Q_MAX = -0.1, 1.0


def centers(n: int) -> np.ndarray:
    return np.linspace(Q_MIN, Q_MAX, n)


def simulate(out_dir: Path, size: str, seed: int, workers=None) -> list[dict]:
    """One ``montecarlo.umbrella.window_task`` per window (parallel, cached)."""
    from hopfield_phases.montecarlo import umbrella

    s = SIZES[size]
    grid = umbrella.window_grid(P_ORDER, s["N"], s["alpha"], s["T"], s["T_teacher"],
                                centers(s["n_windows"]), s.get("k"), sweeps=s["sweeps"],
                                equilibration=s["equilibration"], data_seed=int(seed))
    return C.cached_sweep(umbrella.window_task, grid, 1, out_dir, NAME, size, seed, workers=workers,
                          description=f"{NAME} windows N={s['N']}")


PARAMETERS = ("N", "p", "alpha", "T", "T_teacher", "r_sample", "r_N", "M")


def reduce(sim_rows, size: str, seed: int):
    """Simulation rows -> plotted rows and agreement rows.  The rows are either windows (rows of
    ``montecarlo.umbrella.window_task``, from the cache: reweighted here with the bootstrap
    settings of ``size``) or the table of ``simulate ts-landscape`` (``q_star``, ``V_mc``,
    ``V_mc_err`` and the run's parameters: no bootstrap replicas, so no feature intervals)."""
    from hopfield_phases.montecarlo import umbrella

    s = SIZES[size]
    what = "ts-landscape simulation rows (umbrella windows or `simulate ts-landscape` table)"
    C.require_columns(sim_rows, PARAMETERS, what)
    first = sim_rows[0]
    N, p = int(first["N"]), int(first["p"])
    alpha, T, Tt = float(first["alpha"]), float(first["T"]), float(first["T_teacher"])
    r_sample, r_N, M = first["r_sample"], first["r_N"], first["M"]
    if "q_index" in first:
        C.require_columns(sim_rows, ("center", "k"), what)
        sim_rows = sorted(sim_rows, key=lambda r: r["center"])
        cents = np.array([r["center"] for r in sim_rows])
        k = float(first["k"])
        width = float(first.get("width", 0.0) or 0.0)
        series = [np.asarray(r["q_index"], dtype=int) for r in sim_rows]
        C.log("MBAR and block bootstrap")
        est = umbrella.estimate(series, cents, k, width, N, n_boot=s["n_boot"], block=s["block"],
                                seed=np.random.SeedSequence([int(seed), 7]))
        q, V, V_err, boot, n_boot = est.q, est.V, est.V_err, est.boot, est.n_boot
        n_windows = len(cents)
        if est.n_boot_failed:
            C.log(f"{est.n_boot_failed} of {est.n_boot} bootstrap replicas failed to reweight")
    else:
        C.require_columns(sim_rows, ("q_star", "V_mc", "V_mc_err"), what)
        sim_rows = sorted(sim_rows, key=lambda r: r["q_star"])
        q = np.array([r["q_star"] for r in sim_rows], dtype=float)
        V = np.array([r["V_mc"] for r in sim_rows], dtype=float)
        V_err = np.array([r["V_mc_err"] for r in sim_rows], dtype=float)
        boot, n_boot, n_windows = np.empty((0, len(q))), 0, "?"
    C.log("theory: V(q*) at N = inf and with the realised coupling r_sample")
    theory = compare_landscape(q, V, V_err, p, alpha, T, Tt, r_sample)
    iv = feature_intervals(q, boot, n_boot)
    f_mc = ag.landscape_features(q, V)
    rows = [dict(series="mc", kind="simulation", x=float(x), y=float(v), yerr=float(e))
            for x, v, e in zip(q, V, V_err) if np.isfinite(v)]
    agreement = []
    for variant, th in theory.items():
        a = th["agreement"]
        rows += [dict(series=variant, kind="theory", x=float(x), y=float(v), yerr=math.nan,
                      shift=a.get("shift", math.nan))
                 for x, v in zip(q, th["curve"]) if np.isfinite(v) and 0 <= x <= ag.LANDSCAPE_Q_MAX]
        extra = dict(N=N, M=M, p=p, alpha=alpha, T=T, T_teacher=Tt, r_sample=r_sample, r_N=r_N,
                     rms_after_shift=a.get("rms", math.nan),
                     chi2_per_point=a.get("chi2_per_point", math.nan), n_boot=n_boot,
                     method=f"umbrella sampling + MBAR, {n_windows} windows, block bootstrap (68 %)")
        for key, quantity, more in (
                ("q_B", "q* of the minimum of V (barrier)", {}),
                ("depth", f"depth V(q*_max) - V(q*_min), q* <= {ag.LANDSCAPE_Q_MAX}",
                 dict(q_max_sim=f_mc["q_R"], q_max_theory=a.get("qR_theory", math.nan)))):
            lo, hi, failed = iv[key]
            agreement.append(ag.agreement_row(quantity, f_mc[key], lo, hi,
                                              a.get(f"{'qB' if key == 'q_B' else 'depth'}_theory", math.nan),
                                              variant, **more, **extra, n_boot_failed=failed))
    depth = {r["variant"]: r for r in agreement if r["quantity"].startswith("depth")}
    qmin = {r["variant"]: r for r in agreement if r["quantity"].startswith("q* of the minimum")}
    lo, hi, _ = iv["depth"]
    text = (f"depth $V(q^*_{{max}})-V(q^*_{{min}})$: MC {f_mc['depth']:.3f} [{lo:.3f}, {hi:.3f}]\n"
            f"   RS ($r_{{sample}}$) {depth['r_sample']['theory']:.3f}, RS ($N=\\infty$) "
            f"{depth['N=inf']['theory']:.3f}\n"
            f"$q^*_{{min}}$: MC {f_mc['q_B']:.2f}, RS ($r_{{sample}}$) {qmin['r_sample']['theory']:.2f}, "
            f"RS ($N=\\infty$) {qmin['N=inf']['theory']:.2f}\n"
            f"$r_{{sample}}$ = {r_sample:.3f}, $M$ = {M}")
    rows.append(dict(series="annotation", kind="text", x=0.03, y=0.42, yerr=math.nan, label=text))
    return rows, agreement, dict(N=N, p=p, alpha=alpha, T=T, T_teacher=Tt)


def draw(rows, params=None):
    fig, ax = new_figure(figsize=(5.2, 3.8))
    x, y, e = C.series(rows, series="mc", kind="simulation")
    N = (params or {}).get("N")
    ax.errorbar(x, y, yerr=np.nan_to_num(e), color="k", marker="o", ms=2.5, ls="none", capsize=1.5,
                label=f"MC umbrella + MBAR ($N={N}$)" if N else "MC umbrella + MBAR")
    for variant, col, ls in (("N=inf", "C0", "-"), ("r_sample", "C3", "--")):
        xt, yt, _ = C.series(rows, series=variant, kind="theory")
        lab = r"RS $V(q^*)$, $N=\infty$" if variant == "N=inf" else r"RS $V(q^*)$, realised coupling $r_{\rm sample}$"
        ax.plot(xt, yt, color=col, ls=ls, lw=1.4, label=lab)
    for r in rows:
        if r.get("kind") == "text":
            ax.text(r["x"], r["y"], r["label"], transform=ax.transAxes, fontsize=7, va="bottom")
    ax.set_xlabel(r"$q^*$")
    ax.set_ylabel(r"$V(q^*)$ (shifted)")
    if params:
        ax.set_title(rf"$p={P_ORDER}$, $\alpha={params.get('alpha')}$, $T=T^*={params.get('T')}$", fontsize=10)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


FIGURE = C.simulation_figure(
    NAME, sizes=SIZES, simulate=simulate, reduce=reduce, draw=draw, order=80,
    help="p = 3 teacher-student overlap landscape V(q*): RS theory vs umbrella-sampling Monte Carlo",
    parameters=lambda size: dict(SIZES[size], p=P_ORDER), plot_description=__doc__.splitlines()[0],
    agreement_description="ts-landscape: retrieval maximum and barrier of V(q*), umbrella "
    "sampling (68 % block-bootstrap intervals) vs RS theory at N = inf and at the realised "
    "coupling", stage="umbrella sampling")
build = FIGURE.build
