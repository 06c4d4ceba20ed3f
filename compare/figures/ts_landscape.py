"""``ts-landscape``: the p = 3 overlap landscape V(q*) of the dense teacher-student model, RS
theory against an umbrella-sampling Monte Carlo estimate (the poster's third benchmark;
``teacher_student_theory.md`` Secs. 3.6 and 12).

Theory: ``theory.teacher_student.landscape`` (the constrained free entropy V(q*), Sec. 3.6)
at N = infinity, and with the coupling realised by the sampled data, ``mu r_sample`` (Sec. 12
item (c); implemented by ``T* -> T*/r_sample``, since T* enters V only through mu).

Simulation: umbrella sampling in q* (the windows and bias of ``montecarlo.umbrella``: a
harmonic bias ``beta U = N k/2 (q* - c)^2``, Metropolis with the distinct-index student on one
teacher data set), one ``run_sweep`` task per window (so the windows run in parallel and are
cached), then discrete WHAM (``montecarlo.umbrella.wham``); ``V_mc = ln P(q*)/N``.  Errors: a
block bootstrap over the sweeps of each window.

V is defined up to a constant: the theory curves are shifted to the MC estimate by the
weighted mean difference over the common q* range.  Agreement (on the common range
0 <= q* <= 0.98): the position q*_min of the minimum of V between q* = 0 and the retrieval
maximum (the barrier), the depth ``V(q*_max) - V(q*_min)`` (both with 68 % block-bootstrap
intervals), and the rms deviation after the shift.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np

from .. import agreement as ag
from ..plotting import new_figure
from . import Figure, FigureOutput
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


def stiffness(N: int, n: int) -> float:
    """As ``montecarlo.umbrella.landscape``: k = 1/(N s^2) with s the window spacing, >= 4."""
    spacing = (Q_MAX - Q_MIN) / (n - 1)
    return max(4.0, 1.0 / (N * spacing**2))


def window_task(params: dict, sample: int, seed) -> dict:
    """One umbrella window: Metropolis with bias on the data set of ``(data_seed, sample)``.
    Returns the per-sweep q* as indices ``j = (q*+1) N/2`` (JSON list), r_sample, r_N, M."""
    from hopfield_phases.montecarlo import teacher_sampling as tsamp
    from hopfield_phases.montecarlo import teacher_student as tsm

    p, N = int(params["p"]), int(params["N"])
    alpha, T, Tt = float(params["alpha"]), float(params["T"]), float(params["T_teacher"])
    M = tsm.n_examples(alpha, N, p)
    data_ss = np.random.SeedSequence([int(params["data_seed"]), int(sample)])
    xi_star, examples = tsm.sample_teacher(N, p, Tt, M, seed=data_ss)
    K = examples.astype(np.int64) @ xi_star.astype(np.int64)
    init_ss, run_ss = seed.spawn(2)  # as montecarlo.umbrella.landscape for one window
    c = float(params["center"])
    xi0 = tsm.corrupted_start(xi_star, c, np.random.default_rng(init_ss))
    chain = tsm.StudentChain(examples, xi_star, xi0, p, "distinct", seed=run_ss)
    bias = (c, float(params["k"]) * T, 0.0)
    if int(params["equilibration"]):
        chain.advance(int(params["equilibration"]), T, bias=bias)
    q = chain.advance(int(params["sweeps"]), T, bias=bias)["q_star"]
    j = np.rint((np.asarray(q) + 1.0) * N / 2.0).astype(int)
    return {"q_index": json.dumps(j.tolist(), separators=(",", ":")),
            "q_mean": float(np.mean(q)), "q_std": float(np.std(q)), "M": int(M),
            "r_sample": float(tsamp.realized_coupling_ratio(K, N, p, Tt)),
            "r_N": float(tsamp.coupling_ratio(N, p, Tt))}


def simulate(out_dir: Path, size: str, seed: int, workers=None) -> list[dict]:
    s = SIZES[size]
    k = float(s.get("k") or stiffness(s["N"], s["n_windows"]))
    grid = [dict(p=P_ORDER, N=s["N"], alpha=s["alpha"], T=s["T"], T_teacher=s["T_teacher"],
                 center=round(float(c), 10), k=k, sweeps=s["sweeps"], equilibration=s["equilibration"],
                 data_seed=int(seed)) for c in centers(s["n_windows"])]
    return C.cached_sweep(window_task, grid, 1, out_dir, NAME, size, seed, workers=workers,
                          description=f"{NAME} windows N={s['N']}")


def wham_log_p(counts, bias, tol: float = 1e-9):
    """Discrete WHAM (the equations of ``montecarlo.umbrella.wham``) solved as the minimum of
    its convex likelihood function ``F(f) = sum_x H(x) ln sum_w n_w e^{f_w - b_w(x)} -
    sum_w n_w f_w`` (f_0 = 0) by BFGS with the analytic gradient, which converges in tens of
    iterations where the plain self-consistent iteration needs ~1e5 when neighbouring windows
    overlap weakly.  Returns ``ln P(x)`` normalised over visited x (-inf elsewhere).  Raises
    RuntimeError when the WHAM self-consistency residual ``max_w |f_w - f_w(P)|`` exceeds
    ``sqrt(tol)`` (never returns an unconverged answer)."""
    from scipy.optimize import minimize
    from scipy.special import logsumexp

    counts = np.asarray(counts, dtype=float)
    bias = np.asarray(bias, dtype=float)
    n_w = counts.sum(axis=1)
    H = counts.sum(axis=0)
    vis = H > 0
    Hv, b, log_n = H[vis], bias[:, vis], np.log(n_w)

    def fun(g):
        f = np.concatenate([[0.0], g])
        a = log_n[:, None] + f[:, None] - b
        lse = logsumexp(a, axis=0)
        val = float(Hv @ lse - n_w @ f)
        grad = (np.exp(a - lse[None, :]) @ Hv) - n_w
        return val / Hv.sum(), grad[1:] / Hv.sum()

    res = minimize(fun, np.zeros(len(n_w) - 1), jac=True, method="BFGS",
                   options={"gtol": tol, "maxiter": 5000})
    f = np.concatenate([[0.0], res.x])
    lp = np.log(Hv) - logsumexp(log_n[:, None] + f[:, None] - b, axis=0)
    lp -= logsumexp(lp)
    f_check = -logsumexp(lp[None, :] - b, axis=1)
    f_check -= f_check[0]
    resid = float(np.max(np.abs(f_check - f)))
    if resid > math.sqrt(tol):
        raise RuntimeError(f"WHAM did not converge (self-consistency residual {resid:.2e})")
    out = np.full(counts.shape[1], -np.inf)
    out[vis] = lp
    return out


def _wham_V(series: list[np.ndarray], cents, k, N):
    from hopfield_phases.montecarlo.umbrella import bias_reduced

    q = -1.0 + 2.0 * np.arange(N + 1) / N
    counts = np.zeros((len(series), N + 1))
    for w, j in enumerate(series):
        counts[w] = np.bincount(j, minlength=N + 1)
    bias = np.array([bias_reduced(q, c, k, 0.0, N) for c in cents])
    V = wham_log_p(counts, bias) / N
    V = V - np.max(V[np.isfinite(V)])
    V[~np.isfinite(V)] = np.nan
    return q, V


Q_TOP = 0.98  # largest q* compared (the theory needs q* < 1)


def _features(q, V):
    """On the common range 0 <= q* <= 0.98: the retrieval maximum (q* > 0.4), the minimum of V
    between q* = 0 and it (the barrier), and its depth: ``(q_max, q_min, V(q_max) - V(q_min))``."""
    ok = np.isfinite(V) & (q <= Q_TOP + 1e-9)
    hi = ok & (q > 0.4)
    if not hi.any():
        return math.nan, math.nan, math.nan
    i_max = np.flatnonzero(hi)[np.argmax(V[hi])]
    mid = ok & (q >= -1e-9) & (q <= q[i_max])
    if not mid.any():
        return float(q[i_max]), math.nan, math.nan
    i_min = np.flatnonzero(mid)[np.argmin(V[mid])]
    return float(q[i_max]), float(q[i_min]), float(V[i_max] - V[i_min])


def reduce(sim_rows, size: str, seed: int):
    from hopfield_phases.theory import teacher_student as th

    s = SIZES[size]
    N = s["N"]
    sim_rows = sorted(sim_rows, key=lambda r: r["center"])
    cents = np.array([r["center"] for r in sim_rows])
    k = float(sim_rows[0]["k"])
    series = [np.asarray(r["q_index"], dtype=int) for r in sim_rows]
    r_sample, r_N, M = sim_rows[0]["r_sample"], sim_rows[0]["r_N"], sim_rows[0]["M"]
    C.log("WHAM and block bootstrap")
    q, V = _wham_V(series, cents, k, N)
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 7]))
    boots, feats = [], []
    for _ in range(s["n_boot"]):
        bs = []
        for j in series:
            nb = max(1, len(j) // s["block"])
            pick = rng.integers(0, nb, size=nb)
            bs.append(np.concatenate([j[i * s["block"]:(i + 1) * s["block"]] for i in pick]))
        try:
            _, vb = _wham_V(bs, cents, k, N)
        except RuntimeError:
            continue
        boots.append(vb)
        feats.append(_features(q, vb))
    boots = np.array(boots)
    with np.errstate(invalid="ignore"):
        V_err = np.array([np.nanstd(boots[:, j]) if np.isfinite(boots[:, j]).sum() > 2 else np.nan
                          for j in range(N + 1)])
    C.log("theory: V(q*) at N = inf and with the realised coupling r_sample")
    qt = q[(q >= -1e-9) & (q <= Q_TOP + 1e-9)]
    qt = np.clip(qt, 0.0, None)
    theory = {"N=inf": th.landscape(P_ORDER, s["alpha"], s["T"], s["T_teacher"], qt),
              "r_sample": th.landscape(P_ORDER, s["alpha"], s["T"], s["T_teacher"] / r_sample, qt)}
    rows = [dict(series="mc", kind="simulation", x=float(x), y=float(v), yerr=float(e))
            for x, v, e in zip(q, V, V_err) if np.isfinite(v)]
    agreement = []
    f_mc = _features(q, V)
    F = np.array(feats) if feats else np.full((1, 3), np.nan)
    with warnings.catch_warnings():  # a feature may be undefined in every replica (tiny runs)
        warnings.simplefilter("ignore", RuntimeWarning)
        lo = np.nanquantile(F, 0.16, axis=0)
        hi = np.nanquantile(F, 0.84, axis=0)
    mc_on_t = np.interp(qt, q, V)
    w_err = np.interp(qt, q, np.nan_to_num(V_err, nan=np.nanmax(V_err)))
    w = 1.0 / np.maximum(w_err, 1e-4) ** 2
    fin = np.isfinite(mc_on_t)
    for variant, Vt in theory.items():
        shift = float(np.sum((w * (mc_on_t - Vt))[fin]) / np.sum(w[fin]))
        Vs = Vt + shift
        rms = float(np.sqrt(np.mean((mc_on_t[fin] - Vs[fin]) ** 2)))
        chi2 = float(np.mean(((mc_on_t[fin] - Vs[fin]) / np.maximum(w_err[fin], 1e-12)) ** 2))
        rows += [dict(series=variant, kind="theory", x=float(x), y=float(v), yerr=math.nan, shift=shift)
                 for x, v in zip(qt, Vs)]
        f_th = _features(qt, Vs)
        extra = dict(N=N, M=M, p=P_ORDER, alpha=s["alpha"], T=s["T"], T_teacher=s["T_teacher"],
                     r_sample=r_sample, r_N=r_N, rms_after_shift=rms, chi2_per_point=chi2,
                     method=f"umbrella sampling + WHAM, {len(cents)} windows, block bootstrap (68 %)")
        agreement.append(ag.agreement_row("q* of the minimum of V (barrier)", f_mc[1], lo[1], hi[1],
                                          f_th[1], variant, **extra))
        agreement.append(ag.agreement_row(f"depth V(q*_max) - V(q*_min), q* <= {Q_TOP}", f_mc[2],
                                          lo[2], hi[2], f_th[2], variant, q_max_sim=f_mc[0],
                                          q_max_theory=f_th[0], **extra))
    depth = {r["variant"]: r for r in agreement if r["quantity"].startswith("depth")}
    qmin = {r["variant"]: r for r in agreement if r["quantity"].startswith("q* of the minimum")}
    text = (f"depth $V(q^*_{{max}})-V(q^*_{{min}})$: MC {f_mc[2]:.3f} [{lo[2]:.3f}, {hi[2]:.3f}]\n"
            f"   RS ($r_{{sample}}$) {depth['r_sample']['theory']:.3f}, RS ($N=\\infty$) "
            f"{depth['N=inf']['theory']:.3f}\n"
            f"$q^*_{{min}}$: MC {f_mc[1]:.2f}, RS ($r_{{sample}}$) {qmin['r_sample']['theory']:.2f}, "
            f"RS ($N=\\infty$) {qmin['N=inf']['theory']:.2f}\n"
            f"$r_{{sample}}$ = {r_sample:.3f}, $M$ = {M}")
    rows.append(dict(series="annotation", kind="text", x=0.03, y=0.42, yerr=math.nan, label=text))
    return rows, agreement


def draw(rows, params=None):
    fig, ax = new_figure(figsize=(5.2, 3.8))
    x, y, e = C.series(rows, series="mc", kind="simulation")
    N = (params or {}).get("N")
    ax.errorbar(x, y, yerr=np.nan_to_num(e), color="k", marker="o", ms=2.5, ls="none", capsize=1.5,
                label=f"MC umbrella + WHAM ($N={N}$)" if N else "MC umbrella + WHAM")
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


def build(out_dir, size: str = "quick", seed: int = 0, *, from_csv=None, workers=None) -> FigureOutput:
    """Draw ``ts-landscape``; ``from_csv`` redraws from a stored ``ts-landscape.csv``."""
    files, agreement = C.build_simulation_figure(
        NAME, out_dir, size, seed, sizes=SIZES, simulate=simulate, reduce=reduce, draw=draw,
        parameters=lambda: dict(SIZES[size], p=P_ORDER), plot_description=__doc__.splitlines()[0],
        agreement_description="ts-landscape: retrieval maximum and barrier of V(q*), umbrella "
        "sampling (68 % block-bootstrap intervals) vs RS theory at N = inf and at the realised "
        "coupling", from_csv=from_csv, workers=workers, stage="umbrella sampling")
    return FigureOutput(files=files, agreement=agreement)


FIGURE = Figure(name=NAME, help="p = 3 teacher-student overlap landscape V(q*): RS theory vs "
                "umbrella-sampling Monte Carlo", build=build, order=80,
                add_arguments=C.add_from_csv_argument, options_from_args=C.options_from_args)
