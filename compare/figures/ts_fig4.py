"""``ts-fig4``: the teacher-student paper's Fig. 4, q*(T) on the Nishimori line (T = T*),
p = 3, alpha = 3, 6, 9, 20, RS theory against Monte Carlo (docs/theory/teacher_student_paper_code.md,
"Their figures" item 4; docs/theory/teacher_student_theory.md Sec. 4, 12).

Simulation (``montecarlo.ts_tempering.fig4_task`` through ``montecarlo.sweep.run_sweep``,
cached and resumable): per temperature ONE exact-teacher data set at the largest load, every
smaller load a prefix of it; ``chains`` planted (retrieval branch) and ``chains`` random
(paramagnetic branch) starts per load, run in parallel on one shared bit-packed copy of the
examples (``montecarlo.ts_fast``) until the standard error of q* is <= ``target_se`` with
agreeing first/second halves, or the sweep budget is spent (status in the table).

Theory (``theory.teacher_student``): RS with lambda = alpha/T^2 and mu = r lambda (doc Sec. 12
(a)-(c)): N = infinity (r = 1), the exact finite-N coupling r_N, and the realised coupling
r_sample of each data set.  Two branches: 'local' = the retrieval solution reached from
(q, q*) = (1, 1) where it exists (the planted chains' branch), 'global' = the RS state of larger
free entropy, retrieval or paramagnet (q* = 0).

Sizes: tiny (N = 48, seconds), quick (N = 128, 6 temperatures, minutes), paper (N = 512, 20
temperatures in [1, 3], 16 chains per start for up to 240 sweeps, then up to 96 chains where the
s.e. of q* is still above the 0.005 target: ``montecarlo.ts_tempering.run_adaptive``; in a cell
where the chains split between retrieval and the paramagnet (q* threshold 0.5), the target applies
to each branch, the start's own branch is the plotted point and the chains that left it are drawn
as triangles).  A planted cell whose chains never became stationary (status 'unconverged': at
N = 512, the planted starts just beyond the end of the RS retrieval branch relax through
long-lived plateaus for more than 900 sweeps, ``benchmarks/ts_fig4_relaxation.py``) is drawn as a
hollow diamond.

``NAME.csv``: ``panel`` (alpha), ``series`` (planted, random, local, global), ``kind`` (simulation,
theory_inf, theory_rN, theory_rsample), ``x`` (T), ``y`` (q*), ``yerr`` (s.e.), and for mc rows
``tau_max, sweeps, status, half_z, equilibrated, r_sample, r_N, frac_retrieved`` (fraction of
chains whose mean q* > 1/2: random starts that split between branches show metastability).

Physics note: below the teacher's T*_c(3) the exact teacher is aligned (doc Sec. 2, 6), so at
the low-T end of [1, 3] the examples are close to xi* (the paper's Monte Carlo teacher, sampled
by Monte Carlo, stays misaligned there; docs/theory/teacher_student_paper_code.md).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..plotting import new_figure
from . import Figure, FigureOutput
from . import _common as C

NAME = "ts-fig4"
P = 3
ALPHAS = [3.0, 6.0, 9.0, 20.0]
SIZES = {
    "tiny": dict(N=48, alphas=[3.0, 9.0], temperatures=[1.2, 2.5], chains=4, target_se=0.02,
                 max_sweeps=60, min_sweeps=20, batch=10, fine=12),
    "quick": dict(N=128, alphas=ALPHAS, temperatures=[1.0, 1.4, 1.8, 2.2, 2.6, 3.0], chains=16,
                  target_se=0.005, max_sweeps=400, min_sweeps=60, batch=30, fine=60),
    # paper: 16 chains per start run up to 240 sweeps; where the s.e. is still above 0.005 (chains
    # frozen apart: random starts in the glassy region, escapes near a spinodal) chains are added,
    # up to 96, each run as long as the first (montecarlo.ts_tempering.run_adaptive)
    "paper": dict(N=512, alphas=ALPHAS, temperatures=list(np.round(np.linspace(1.0, 3.0, 20), 6)),
                  chains=16, max_chains=96, target_se=0.005, max_sweeps=240, min_sweeps=90, batch=30,
                  fine=120, random_below=1.2, branches=0.5),
}
#: paper size runs the random (paramagnetic-branch) start only where it is a branch of the RS
#: theory worth measuring: lambda = alpha/T^2 < random_below * lambda_c (P global at N = infinity,
#: with a margin).  Above it the global branch is retrieval (the planted start samples it) and a
#: random start stays trapped in a glassy paramagnet at N = 512 (chain means frozen apart, tau_int
#: as long as the run; see run_adaptive): a dynamical trap, not a branch of the RS curves.
STARTS = ("planted", "random")


def grid(size: str) -> list[dict]:
    s = SIZES[size]
    out = []
    for T in s["temperatures"]:
        extra = {"max_chains": s["max_chains"]} if "max_chains" in s else {}
        if "branches" in s:
            extra["branches"] = s["branches"]
        if "random_below" in s:
            extra["starts"] = starts_for(s["alphas"], float(T), s["random_below"])
        out.append(dict(p=P, N=s["N"], T=float(T), alphas=[float(a) for a in s["alphas"]],
                        chains=s["chains"], target_se=s["target_se"], max_sweeps=s["max_sweeps"],
                        min_sweeps=s["min_sweeps"], batch=s["batch"], **extra))
    return out


def starts_for(alphas, T: float, random_below: float) -> list[str]:
    """The starts of ``fig4_task`` as 'KEY:START' strings: 'planted' at every load; 'random' too
    where lambda = alpha/T^2 < random_below * lambda_c(3) (the RS paramagnet is global at N =
    infinity, or near it)."""
    from hopfield_phases.montecarlo.ts_tempering import alpha_key
    from hopfield_phases.theory.teacher_student import nishimori_thresholds

    lam_c = nishimori_thresholds(P)[1]
    out = []
    for a in alphas:
        out.append(f"{alpha_key(a)}:planted")
        if float(a) / T**2 < random_below * lam_c:
            out.append(f"{alpha_key(a)}:random")
    return out


def simulate(out_dir: Path, size: str, seed: int, workers=None) -> list[dict]:
    from hopfield_phases.montecarlo.ts_tempering import fig4_task

    # one process: the chains of a data set already use every core (numba prange)
    return C.cached_sweep(fig4_task, grid(size), 1, out_dir, NAME, size, seed, workers=1,
                          description="ts-fig4: Nishimori-line q*(T), p = 3, planted and random starts")


def rs_branches(alpha: float, T: float, r: float = 1.0) -> dict:
    """RS q* on the Nishimori line T = T* at coupling mu = r lambda (doc Sec. 3.3, 12):
    'local' (retrieval branch from (1, 1); nan where it does not exist) and 'global' (the state
    of larger RS free entropy: retrieval or the paramagnet q* = 0)."""
    from hopfield_phases.theory import teacher_student as tt
    from hopfield_phases.theory.teacher_student.covariance import for_interaction
    from hopfield_phases.theory.teacher_student.student import rs_free_entropy

    lam = alpha / T**2
    mu = r * lam
    cov = for_interaction(P, "distinct")
    sol = tt.retrieval_state(lam, mu, cov, guess=(1.0, 1.0))
    if sol is None or not sol.converged:
        local = math.nan
        return dict(local=local, glob=0.0 if sol is None else math.nan)
    q, qs = float(sol.x[0]), float(sol.x[1])
    phi_R = rs_free_entropy(lam, mu, q, qs, cov)
    phi_P = rs_free_entropy(lam, mu, 0.0, 0.0, cov)
    return dict(local=qs, glob=qs if phi_R > phi_P else 0.0)


def _ran(r, st, k) -> bool:
    """The start st was run at load k of this cell (paper size runs some starts only: see
    random_below)."""
    return r.get(f"q_{st}_{k}") not in (None, "")


def _split(r, st, k):
    """(nR, nP) chains of a start in the retrieval / paramagnet branch, or None without
    branch columns (sizes without ``branches``)."""
    if r.get(f"nR_{st}_{k}") in (None, ""):
        return None
    return int(r[f"nR_{st}_{k}"]), int(r[f"nP_{st}_{k}"])


def _own_branch(r, st, k):
    """(q*, s.e.) of a start: the pooled chains; in a split cell, the chains still on the
    start's own branch (planted: retrieval, random: paramagnet), when there are any."""
    n = _split(r, st, k)
    tag = "R" if st == "planted" else "P"
    if n is not None and min(n) > 0:
        return float(r[f"q{tag}_{st}_{k}"]), float(r[f"se{tag}_{st}_{k}"])
    return float(r[f"q_{st}_{k}"]), float(r[f"se_{st}_{k}"])


def _other_branch(r, st, k):
    """(q*, s.e., chains) of the chains that left the start's branch in a split cell, or None."""
    n = _split(r, st, k)
    if n is None or min(n) == 0:
        return None
    tag, cnt = ("P", n[1]) if st == "planted" else ("R", n[0])
    return float(r[f"q{tag}_{st}_{k}"]), float(r[f"se{tag}_{st}_{k}"]), cnt


def reduce(sim_rows, size: str, seed: int):
    from hopfield_phases.compare import agreement as ag
    from hopfield_phases.montecarlo.ts_tempering import alpha_key

    s = SIZES[size]
    rows, agreement = [], []
    sim_rows = sorted(sim_rows, key=lambda r: r["T"])
    for alpha in s["alphas"]:
        k = alpha_key(alpha)
        for r in sim_rows:
            T = float(r["T"])
            rs = float(r[f"r_sample_{k}"])
            for st in STARTS:
                if not _ran(r, st, k):
                    continue
                q, e = _own_branch(r, st, k)
                other = _other_branch(r, st, k)
                if other is not None:  # chains that left their start's branch: drawn apart
                    rows.append(dict(panel=alpha, series=f"{st} (left branch)", kind="simulation", x=T,
                                     y=other[0], yerr=other[1], chains=other[2]))
                rows.append(dict(panel=alpha, series=st, kind="simulation", x=T, y=q, yerr=e,
                                 tau_max=r[f"tau_max_{st}_{k}"], sweeps=r[f"sweeps_{st}_{k}"],
                                 status=r[f"status_{st}_{k}"], half_z=r[f"half_z_{st}_{k}"],
                                 equilibrated=r[f"equil_{st}_{k}"], r_sample=rs, r_N=r["r_N"],
                                 frac_retrieved=r[f"frac_retrieved_{st}_{k}"],
                                 chains=r.get(f"chains_{st}_{k}", s["chains"])))
            th = {name: rs_branches(alpha, T, rr) for name, rr in
                  (("inf", 1.0), ("rN", float(r["r_N"])), ("rsample", rs))}
            for name in ("rN", "rsample"):
                for br, key in (("local", "local"), ("global", "glob")):
                    rows.append(dict(panel=alpha, series=br, kind=f"theory_{name}", x=T,
                                     y=th[name][key], yerr=math.nan))
            # planted chains follow the retrieval (local) branch; random chains the paramagnet
            # q* = 0, locally stable for every lambda at p >= 3 (doc Sec. 12, observation 3)
            for st in STARTS:
                if not _ran(r, st, k):
                    continue
                q, e = _own_branch(r, st, k)
                if st == "planted":
                    pred, br = th["rsample"]["local"], "RS local (retrieval) branch at r_sample"
                    if not math.isfinite(pred):  # no retrieval branch: the planted chains melt
                        pred, br = th["rsample"]["glob"], "RS global branch at r_sample"
                else:
                    pred, br = 0.0, "paramagnet q* = 0"
                agreement.append(ag.agreement_row(
                    f"q* alpha={alpha:g} T={T:g} ({st})", q, q - e, q + e, pred, br,
                    alpha=alpha, T=T, N=s["N"], global_rsample=th["rsample"]["glob"],
                    local_inf=th["inf"]["local"], global_inf=th["inf"]["glob"],
                    se=e, tau_max=r[f"tau_max_{st}_{k}"], sweeps=r[f"sweeps_{st}_{k}"],
                    status=r[f"status_{st}_{k}"], frac_retrieved=r[f"frac_retrieved_{st}_{k}"],
                    chains=r.get(f"chains_{st}_{k}", s["chains"]),
                    left_branch=(_other_branch(r, st, k) or (None, None, 0))[2],
                    method="s.e. over independent chains (column chains); in a split cell, over "
                           "the chains on the start's branch (left_branch: chains that left it)"))
        C.log(f"theory: RS branches at alpha = {alpha:g}")
        for T in np.linspace(min(s["temperatures"]), max(s["temperatures"]), s["fine"]):
            b = rs_branches(alpha, float(T), 1.0)
            rows.append(dict(panel=alpha, series="local", kind="theory_inf", x=float(T),
                             y=b["local"], yerr=math.nan))
            rows.append(dict(panel=alpha, series="global", kind="theory_inf", x=float(T),
                             y=b["glob"], yerr=math.nan))
    return rows, agreement


def draw(rows, params=None):
    panels = sorted({float(r["panel"]) for r in rows})
    n = len(panels)
    fig, axes = new_figure(1, n, figsize=(3.0 * n, 3.2), sharey=True, squeeze=False)
    for ax, alpha in zip(axes[0], panels):
        sel = [r for r in rows if float(r["panel"]) == alpha]
        x, y, _ = C.series(sel, series="global", kind="theory_inf")
        ax.plot(x, y, "k-", lw=1.2, label="RS global (N=inf)")
        x, y, _ = C.series(sel, series="local", kind="theory_inf")
        ax.plot(x, y, "k--", lw=1.0, label="RS local/retrieval (N=inf)")
        x, y, _ = C.series(sel, series="local", kind="theory_rN")
        ax.plot(x, y, ":", color="C2", lw=1.0, label=r"RS local, $r_N$")
        x, y, _ = C.series(sel, series="local", kind="theory_rsample")
        ax.plot(x, y, "x", color="C3", ms=4, label=r"RS local, $r_{sample}$")
        # planted cells whose chains never became stationary (relaxing beyond the RS spinodal,
        # status 'unconverged'): drawn hollow, apart from the equilibrated ones
        done = [r for r in sel if r.get("status") in (None, "", "ok")]
        x, y, e = C.series(done, series="planted", kind="simulation")
        ax.errorbar(x, y, yerr=np.nan_to_num(e), fmt="o", color="C0", ms=4, capsize=2,
                    label="MC planted")
        x, y, e = C.series([r for r in sel if r not in done], series="planted", kind="simulation")
        if len(x):
            ax.errorbar(x, y, yerr=np.nan_to_num(e), fmt="D", mfc="none", color="C0", ms=4,
                        capsize=2, label="MC planted, not stationary (status unconverged)")
        x, y, e = C.series(sel, series="random", kind="simulation")
        ax.errorbar(x, y, yerr=np.nan_to_num(e), fmt="s", mfc="none", color="C1", ms=4,
                    capsize=2, label="MC random")
        for st, color in (("planted", "C0"), ("random", "C1")):
            x, y, e = C.series(sel, series=f"{st} (left branch)", kind="simulation")
            if len(x):
                ax.errorbar(x, y, yerr=np.nan_to_num(e), fmt="^", mfc="none", color=color, ms=4,
                            capsize=2, alpha=0.7, label=f"MC {st}, chains that left its branch")
        ax.set_title(rf"$\alpha$ = {alpha:g}")
        ax.set_xlabel(r"$T = T^*$")
        ax.set_ylim(-0.05, 1.05)
    axes[0][0].set_ylabel(r"$q^*$")
    handles = {}
    for ax in axes[0]:  # one legend below the panels (series present in any panel)
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    fig.legend(list(handles.values()), list(handles), loc="lower center", ncol=min(len(handles), 4),
               fontsize=6, frameon=False)
    N = (params or {}).get("N", "")
    fig.suptitle(f"p = 3 Nishimori line, N = {N}: RS vs Monte Carlo", fontsize=9)
    fig.tight_layout(rect=(0, 0.04 + 0.035 * math.ceil(len(handles) / 4), 1, 1))
    return fig


def parameters_of(size: str) -> dict:
    s = dict(SIZES[size])
    s["temperatures"] = [float(t) for t in s["temperatures"]]
    return dict(size=size, p=P, teacher_interaction="literal", interaction="distinct", **s)


def build(out_dir, size: str = "quick", seed: int = 0, *, from_csv=None, workers=None) -> FigureOutput:
    files, agreement = C.build_simulation_figure(
        NAME, out_dir, size, seed, sizes=SIZES, simulate=simulate, reduce=reduce, draw=draw,
        parameters=lambda: parameters_of(size),
        plot_description="ts-fig4: q*(T = T*) for p = 3, MC (planted/random) and RS branches "
                         "(N = inf, r_N, r_sample)",
        agreement_description="ts-fig4: MC q* against RS at the realised coupling",
        from_csv=from_csv, workers=workers)
    devs = [abs(a["simulation"] - a["theory"]) for a in agreement
            if math.isfinite(a["simulation"]) and math.isfinite(a["theory"])]
    worst = max(devs, default=math.nan)
    return FigureOutput(files=files, agreement=agreement,
                        summary=f"{NAME}: {len(agreement)} cells" + (
                            f", max |MC - RS(r_sample)| = {worst:.3g}" if agreement else ""))


#: CPU seconds per example entry per chain-sweep of the bit-packed p = 3 kernel on this machine
#: (N = 512, alpha = 3 / 6 / 9 / 20: 6.4 / 12 / 18.5 / 47.5 ms per chain-sweep, benchmarks/ts_dynamics.py
#: and the 2026-11-29 pilot at T = 2): ~0.106 ns per entry, one core.
SECONDS_PER_ENTRY = 0.106e-9


def estimate(size: str, workers=None):
    """Cost model (``compare.cost_model``): chain-sweeps x N M x SECONDS_PER_ENTRY, over the
    cores (numba threads).  Expected: planted starts stop at min_sweeps, random starts use the
    sweep budget with half the extra chains; high: every start at its full budget and chain cap."""
    import os

    from hopfield_phases.montecarlo.teacher_student import n_examples
    from hopfield_phases.montecarlo.ts_tempering import alpha_key

    from ..cost_model import Estimate

    s = SIZES[size]
    cores = workers or os.cpu_count() or 1
    N, C = s["N"], s["chains"]
    Cmax = s.get("max_chains", C)
    lo = hi = 0.0
    for cell in grid(size):  # the tasks simulate() runs: which starts at which load
        runs = cell.get("starts")
        for a in cell["alphas"]:
            per = N * n_examples(a, N, P) * SECONDS_PER_ENTRY
            n_random = 1 if runs is None or f"{alpha_key(a)}:random" in runs else 0
            # planted: min_sweeps; random: the sweep budget with chains half-way to the cap
            lo += per * (C * s["min_sweeps"] + n_random * 0.5 * (C + Cmax) * s["max_sweeps"])
            hi += per * (1 + n_random) * Cmax * s["max_sweeps"]
    nT = len(s["temperatures"])
    Mmax = n_examples(max(s["alphas"]), N, P)
    peak = 200 * 2**20 + N * Mmax // 8 + 2 * Cmax * Mmax + 3 * 8 * Cmax * s["max_sweeps"] * len(s["alphas"])
    return Estimate(seconds=lo / cores, seconds_high=hi / cores, peak_bytes=int(peak),
                    tasks=nT, note=f"per-entry kernel cost {SECONDS_PER_ENTRY * 1e9:.3f} ns (measured 2026-11-29)")


FIGURE = Figure(name=NAME, help="[TS] Fig. 4: q*(T) on the Nishimori line, p = 3, alpha = 3, 6, 9, 20 "
                "(bit-packed multi-chain MC, RS global/local branches with r_N, r_sample)",
                build=build, order=85, add_arguments=C.add_from_csv_argument,
                options_from_args=C.options_from_args, estimate=estimate)
