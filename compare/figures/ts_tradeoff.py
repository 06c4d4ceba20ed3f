"""``ts-tradeoff``: prototypes (eR) vs features (gR): recovery from a corrupted copy of xi*, and
resistance to teacher noise (the poster's "Discussion"; ``docs/theory/teacher_student_theory.md`` Secs.
3.6, 6, 7, 9, 12).

Simulation (:func:`hopfield_phases.montecarlo.recovery.recovery_task`, one ``run_sweep``): the
distinct-index student from a corrupted start at overlap q0 with xi*, until q* >= 0.8 or a
budget of sweeps; p = 3 and 4 at alpha = 7, on two paths that cross the eR/gR boundary:
* ``nishimori``: T = T* = 1.2 (eR: aligned teacher, T* < T*_c(p) ~ 1.45-1.49) and
  T = T* = 2 (gR);
* ``zero_T``: a zero-temperature student (descent) with the same two teachers, T* = 1.2 (eR)
  and T* = 2 (gR).
Several N per p (the scaling with N) and several q0 (the basin edge).

Theory (:mod:`hopfield_phases.theory.teacher_student.tradeoff`): the basin edge and barrier of
the landscape (eR: the aligned-example landscape at the run's N; gR: the RS V(q*) at N = inf
and with the finite-N coupling r_N), and the noise tolerance T*_max of each regime along each
path; along alpha it scales as sqrt(alpha) for gR/lR (the boundaries are prop. to T^2 and
T*^2) and is flat (T*_c(p)) for eR.

Sizes: tiny (p = 3: N = 12-24, p = 4: N = 8-14, 3 q0, 2 samples, budget 8 sweeps; seconds);
quick (p = 3: N = 24, 48, 96, 192; p = 4: N = 16, 24, 32, 48; q0 in {-0.2, 0, 0.1, 0.2, 0.3,
0.45, 0.6}; 6 samples; budget 30 sweeps; 1344 runs, about 1.5 min of CPU on 2 cores, 6 min wall
on a heavily shared 2-core machine); paper (p = 3: N up to 512, p = 4: up to 96; 9 q0; 24
samples; budget 400; the ``packed`` engine of :func:`~hopfield_phases.montecarlo.recovery.recovery_task`:
bit-packed data and, at T > 0 and p = 3, the bit-packed chain, same law as the ``reference``
engine of the smaller sizes, 4.7x faster per T > 0 run and 3.2x per descent at p = 3, N = 512).  Recovery
threshold q* >= 0.8.

Reduction (:mod:`hopfield_phases.compare.tradeoff`): medians of the censored recovery times
with bootstrap intervals and 25-75 % spreads, recovery fractions, basin edges (isotonic 1/2
crossing in q0 with bootstrap intervals), and the speed-up t_gR/t_eR at equal (p, path, N, q0).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .. import agreement as ag
from .. import tradeoff as red
from ..plotting import new_figure
from . import Figure, FigureOutput
from . import _common as C

NAME = "ts-tradeoff"
ALPHA = 7.0
THRESHOLD = 0.8
T_PROTOTYPE, T_FEATURE = 1.2, 2.0
PATHS = {
    "nishimori": {"eR": (T_PROTOTYPE, T_PROTOTYPE), "gR": (T_FEATURE, T_FEATURE)},
    "zero_T": {"eR": (0.0, T_PROTOTYPE), "gR": (0.0, T_FEATURE)},
}
SIZES = {
    "tiny": dict(N={3: (12, 16, 20, 24), 4: (8, 10, 12, 14)}, q0=(0.0, 0.4, 0.7), samples=2,
                 budget=8, n_boot=50, n_grid=9, finite_N_theory=False, q0_ref=(0.4,)),
    "quick": dict(N={3: (24, 48, 96, 192), 4: (16, 24, 32, 48)},
                  q0=(-0.2, 0.0, 0.1, 0.2, 0.3, 0.45, 0.6), samples=6, budget=30, n_boot=300, n_grid=21,
                  finite_N_theory=True, q0_ref=(0.3, 0.45)),
    "paper": dict(N={3: (64, 128, 256, 512), 4: (32, 48, 64, 96)},
                  q0=(-0.2, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7), samples=24, budget=400,
                  n_boot=1000, n_grid=41, finite_N_theory=True, q0_ref=(0.3, 0.5), engine="packed"),
}
#: T > 0 recovery run at p = 3, N = 512, alpha = 7, 400 sweeps: 26.3 s (reference engine) / 5.6 s
#: (packed), measured on this 2-core machine, one core, in the same session (2026-11-29).
PACKED_SPEEDUP = 4.7
ALPHA_CURVE = np.linspace(2.0, 20.0, 37)


def grid(size: str) -> list[dict]:
    s = SIZES[size]
    out = []
    for p in (3, 4):
        for path, regimes in PATHS.items():
            for regime, (T, Ts) in regimes.items():
                for N in s["N"][p]:
                    for q0 in s["q0"]:
                        point = dict(path=path, regime=regime, p=p, N=N, alpha=ALPHA, T=T, T_teacher=Ts,
                                     q0=q0, threshold=THRESHOLD, budget=s["budget"])
                        if s.get("engine", "reference") != "reference":  # keeps the smaller sizes' seeds
                            point["engine"] = s["engine"]
                        out.append(point)
    return out


def work(size: str) -> float:
    """CPU work of the simulation at ``size``, up to a constant (``estimate``): every run at its
    full sweep budget, samples x N x M x budget (the kernel reads the M examples of each of
    the N spins once per sweep); runs that recover stop earlier, so this bounds the dynamics.
    The ``packed`` engine's p = 3 work is divided by its measured speed-up :data:`PACKED_SPEEDUP`."""
    from hopfield_phases.montecarlo.teacher_student import n_examples

    s = SIZES[size]
    packed = s.get("engine", "reference") == "packed"
    return float(sum(s["samples"] * g["N"] * n_examples(g["alpha"], g["N"], g["p"]) * g["budget"]
                     / (PACKED_SPEEDUP if packed and g["p"] == 3 else 1.0) for g in grid(size)))


def estimate(size: str, workers=None):
    """Cost model (``compare.cost_model.scaled_estimate``): the measured quick run scaled by
    :func:`work`, unless this size was measured itself.  Peak memory: the main process plus
    ``workers`` runs of the largest data set (N M int8 examples, the N M / 8 bits of the
    ``packed`` engine and the float64 overlaps; measured: 405 MB for a whole p = 3, N = 512
    descent process, 2026-11-29)."""
    from hopfield_phases.montecarlo.teacher_student import n_examples

    from ..cost_model import pool_peak_bytes, scaled_estimate

    packed = SIZES[size].get("engine", "reference") == "packed"  # + the bits, N M / 8
    big = max(int((g["N"] * (1.125 if packed else 1.0) + 16) * n_examples(g["alpha"], g["N"], g["p"]))
              for g in grid(size))
    return scaled_estimate(NAME, size, work, workers=workers,
                           peak_bytes=pool_peak_bytes(big, workers or C.default_workers(size)),
                           note="bound: every run at its full sweep budget")


def simulate(out_dir: Path, size: str, seed: int, workers=None) -> list[dict]:
    from hopfield_phases.montecarlo.recovery import recovery_task

    s = SIZES[size]
    return C.cached_sweep(recovery_task, grid(size), s["samples"], out_dir, NAME, size, seed,
                          workers=workers, description=f"{NAME} recovery runs")


# --------------------------------------------------------------------------------------------
# theory
# --------------------------------------------------------------------------------------------


def theory(size: str) -> dict:
    """Basin predictions per (p, path, regime, N, variant) and noise tolerances per (p, path, regime)."""
    from hopfield_phases.theory.teacher_student import teacher as th_teacher
    from hopfield_phases.theory.teacher_student import tradeoff as tt

    s = SIZES[size]
    basins, tol = {}, {}
    for p in (3, 4):
        for path, regimes in PATHS.items():
            for regime, (T, Ts) in regimes.items():
                if regime == "eR":
                    for N in s["N"][p]:
                        basins[(p, path, regime, N, "N")] = tt.basin(p, ALPHA, T, Ts, N=N)
                else:
                    C.log(f"theory: landscape p={p} {path} {regime}")
                    basins[(p, path, regime, None, "N=inf")] = tt.basin(p, ALPHA, T, Ts, n_grid=s["n_grid"])
                    if s["finite_N_theory"] and T > 0:  # r_N: finite T only (T = 0 is a proxy)
                        for N in s["N"][p]:
                            r = th_teacher.coupling_ratio(N, p, Ts)
                            basins[(p, path, regime, N, "r_N")] = tt.basin(
                                p, ALPHA, T, Ts, coupling_ratio=r, n_grid=s["n_grid"])
            for regime in ("eR", "gR", "lR"):
                tol[(p, path, regime)] = tt.noise_tolerance(p, ALPHA, regime, path)
    return {"basins": basins, "tolerance": tol}


# --------------------------------------------------------------------------------------------
# reduction
# --------------------------------------------------------------------------------------------


def _theory_basin(th, p, path, regime, N):
    """(value, variant) pairs of the theory basin edge for one (p, path, regime, N)."""
    out = []
    for (pp, pa, rg, NN, var), b in th["basins"].items():
        if (pp, pa, rg) == (p, path, regime) and NN in (None, N):
            out.append((var, b))
    return out


def reduce(sim_rows, size: str, seed: int):
    s = SIZES[size]
    nb = s["n_boot"]
    C.log("reduce: medians, fractions, basin edges (bootstrap)")
    points = red.summarize_points(sim_rows, n_boot=nb, seed=seed)
    th = theory(size)
    rows, agreement = [], []
    # per-point times
    for k, pt in enumerate(points):
        p, path, regime, N, q0 = pt["p"], pt["path"], pt["regime"], pt["N"], pt["q0"]
        bars = {var: b for var, b in _theory_basin(th, p, path, regime, N)}
        extra = {}
        for var, b in bars.items():
            extra[f"theory_edge_{var}"] = b.basin_edge
            # Arrhenius exponent N * Delta V(q0) at finite T; at T = 0 nothing is activated (NaN)
            extra[f"N_barrier_{var}"] = (N * b.barrier_from(q0) if b.success and b.T > 0 else math.nan)
        agreement.append(ag.agreement_row(
            "median recovery time (sweeps)", pt["median"], pt["ci_low"], pt["ci_high"], math.nan,
            "", p=p, path=path, regime=regime, N=N, q0=q0, T=pt["T"], T_teacher=pt["T_teacher"],
            alpha=pt["alpha"], budget=pt["budget"], q25=pt["q25"], q75=pt["q75"],
            fraction=pt["fraction"], fraction_low=pt["fraction_low"], fraction_high=pt["fraction_high"],
            n=pt["n"], method="median of censored times (+inf beyond budget), bootstrap 68 %", **extra))
        base = dict(p=p, path=path, regime=regime, N=N, q0=q0, budget=pt["budget"])
        rows.append(dict(base, panel="time", kind="simulation", y=pt["median"], ylo=pt["ci_low"],
                         yhi=pt["ci_high"], q25=pt["q25"], q75=pt["q75"]))
        rows.append(dict(base, panel="fraction", kind="simulation", y=pt["fraction"],
                         ylo=pt["fraction_low"], yhi=pt["fraction_high"]))
    # basin edges
    by = red.group(sim_rows, ("p", "path", "regime", "N"))
    for k, ((p, path, regime, N), rs) in enumerate(by.items()):
        e = red.basin_edge([r["q0"] for r in rs], [bool(r["recovered"]) for r in rs], n_boot=nb,
                           seed=int(np.random.SeedSequence([int(seed), 100 + k]).generate_state(1)[0]))
        for var, b in _theory_basin(th, p, path, regime, N):
            agreement.append(ag.agreement_row(
                "basin edge q0 (P(recover) = 1/2)", e["edge"], e["ci_low"], e["ci_high"],
                b.basin_edge if b.success else math.nan, var, p=p, path=path, regime=regime, N=N,
                T=rs[0]["T"], T_teacher=rs[0]["T_teacher"], alpha=ALPHA, edge_bound=e["edge_bound"],
                theory_barrier=b.barrier, N_times_barrier=N * b.barrier if b.success and b.T > 0 else math.nan,
                theory_q_retrieval=b.q_retrieval, theory_T_used=b.T_used,
                coupling_ratio=b.coupling_ratio, theory_status=b.status,
                method="isotonic 1/2-crossing in q0, bootstrap 68 %"))
            rows.append(dict(p=p, path=path, regime=regime, N=N, panel="edge", kind=f"theory {var}",
                             y=b.basin_edge if b.success else math.nan, ylo=math.nan, yhi=math.nan))
        rows.append(dict(p=p, path=path, regime=regime, N=N, panel="edge", kind="simulation",
                         y=e["edge"], ylo=e["ci_low"], yhi=e["ci_high"], edge_bound=e["edge_bound"]))
    # speed-up gR / eR
    idx = red.group(sim_rows, ("p", "path", "N", "q0", "regime"))
    for k, key in enumerate(red.group(sim_rows, ("p", "path", "N", "q0"))):
        f, pr = idx.get(key + ("gR",)), idx.get(key + ("eR",))
        if not f or not pr:
            continue
        sp = red.speedup([r["t_rec"] for r in f], [bool(r["recovered"]) for r in f],
                         [r["t_rec"] for r in pr], [bool(r["recovered"]) for r in pr], n_boot=nb,
                         seed=int(np.random.SeedSequence([int(seed), 10_000 + k]).generate_state(1)[0]))
        p, path, N, q0 = key
        agreement.append(ag.agreement_row(
            "speed-up t_rec(gR) / t_rec(eR)", sp["ratio"], sp["ci_low"], sp["ci_high"], math.nan, "",
            p=p, path=path, N=N, q0=q0, alpha=ALPHA, budget=f[0].get("budget"),
            method="ratio of censored medians, bootstrap 68 % (inf: features beyond the budget)"))
    # noise tolerance
    for (p, path, regime), t in th["tolerance"].items():
        agreement.append(ag.agreement_row("noise tolerance T*_max", math.nan, math.nan, math.nan,
                                          t.T_star_max, regime, p=p, path=path, regime=regime,
                                          alpha=ALPHA, method=t.method, theory_status=t.status))
        for a in ALPHA_CURVE:
            y = t.T_star_max if regime == "eR" else t.T_star_max * math.sqrt(a / ALPHA)
            if regime != "eR" and not y > th["tolerance"][(p, path, "eR")].T_star_max:
                y = math.nan  # features need a misaligned teacher (T* > T*_c)
            rows.append(dict(p=p, path=path, regime=regime, panel="tolerance", kind="theory",
                             x=float(a), y=float(y), ylo=math.nan, yhi=math.nan))
    return rows, agreement


def verdict(agreement: list[dict]) -> str:
    """A plain-text verdict on the poster's claim from the speed-up and basin-edge rows."""
    sp = [r for r in agreement if r["quantity"].startswith("speed-up") and not math.isnan(r["simulation"])]
    if not sp:
        return "no comparable (p, path, N, q0) points"
    faster = [r for r in sp if r["simulation"] > 1 and (math.isnan(r["ci_low"]) or r["ci_low"] > 1)]
    slower = [r for r in sp if r["simulation"] < 1 and (math.isnan(r["ci_high"]) or r["ci_high"] < 1)]
    return (f"prototypes faster at {len(faster)}/{len(sp)} comparable points (interval above 1), "
            f"slower at {len(slower)}/{len(sp)}")


# --------------------------------------------------------------------------------------------
# drawing
# --------------------------------------------------------------------------------------------

_COL = {("nishimori", "eR"): "C3", ("nishimori", "gR"): "C0", ("zero_T", "eR"): "C1", ("zero_T", "gR"): "C2"}
_LAB = {("nishimori", "eR"): "eR, $T=T^*$", ("nishimori", "gR"): "gR, $T=T^*$",
        ("zero_T", "eR"): "eR, $T=0$", ("zero_T", "gR"): "gR, $T=0$"}


def _sel(rows, **m):
    return [r for r in rows if all(r.get(k) == v for k, v in m.items())]


_MARK = {("nishimori", "eR"): "s", ("nishimori", "gR"): "o", ("zero_T", "eR"): "D", ("zero_T", "gR"): "v"}
_SHIFT = {("nishimori", "eR"): -0.012, ("nishimori", "gR"): -0.004, ("zero_T", "eR"): 0.004,
          ("zero_T", "gR"): 0.012}
_DODGE = {k: 1.0 + 2.0 * v for k, v in _SHIFT.items()}


def _tplot(ax, x, y, lo, hi, budget, color, label, marker="o", ls="-"):
    """Median time + 1 on a log axis; censored medians drawn at the budget (open triangles)."""
    x, y, lo, hi = (np.asarray(a, dtype=float) for a in (x, y, lo, hi))
    fin = np.isfinite(y)
    b = float(budget) if budget else np.nan
    with np.errstate(invalid="ignore"):
        yerr = np.array([np.where(np.isfinite(lo), y - lo, 0.0), np.where(np.isfinite(hi), hi - y, b - y)])
        yerr = np.nan_to_num(np.clip(yerr, 0, None))
    ax.errorbar(x[fin], y[fin] + 1, yerr=yerr[:, fin], color=color, marker=marker, ms=3.5, lw=1.1,
                capsize=2, label=label, ls=ls)
    if (~fin).any():
        ax.plot(x[~fin], np.full((~fin).sum(), b + 1), ls="none", marker="^", mfc="none", color=color, ms=5)


def draw(rows, params=None):
    params = params or {}
    fig, axes = new_figure(2, 4, figsize=(13.0, 6.2))
    q0_refs = params.get("q0_ref", [0.3])
    q0_refs = q0_refs if isinstance(q0_refs, list) else [q0_refs]
    for i, p in enumerate((3, 4)):
        ax_n, ax_q, ax_f, ax_t = axes[i]
        Ns = sorted({r["N"] for r in _sel(rows, p=p, panel="time")})
        N_max = Ns[-1] if Ns else None
        for (path, regime), col in _COL.items():
            for k, q0_ref in enumerate(q0_refs):
                pts = sorted(_sel(rows, p=p, panel="time", path=path, regime=regime, q0=q0_ref), key=lambda r: r["N"])
                if pts:
                    _tplot(ax_n, [r["N"] * _DODGE[(path, regime)] for r in pts], [r["y"] for r in pts],
                           [r["ylo"] for r in pts], [r["yhi"] for r in pts], pts[0]["budget"], col,
                           _LAB[(path, regime)] + f", $q_0={q0_ref}$", marker=_MARK[(path, regime)],
                           ls="-" if k == 0 else "--")
            pts = sorted(_sel(rows, p=p, panel="time", path=path, regime=regime, N=N_max), key=lambda r: r["q0"])
            if pts:
                _tplot(ax_q, [r["q0"] + _SHIFT[(path, regime)] for r in pts], [r["y"] for r in pts],
                       [r["ylo"] for r in pts], [r["yhi"] for r in pts], pts[0]["budget"], col,
                       _LAB[(path, regime)], marker=_MARK[(path, regime)])
                x = np.array([r["q0"] for r in pts])
                ax_q.fill_between(x, np.array([r["q25"] for r in pts], dtype=float) + 1,
                                  np.minimum(np.array([r["q75"] for r in pts], dtype=float), pts[0]["budget"]) + 1,
                                  color=col, alpha=0.12, lw=0)
            pts = sorted(_sel(rows, p=p, panel="fraction", path=path, regime=regime, N=N_max), key=lambda r: r["q0"])
            if pts:
                y = np.array([r["y"] for r in pts], dtype=float)
                lo = np.array([r["ylo"] for r in pts], dtype=float)
                hi = np.array([r["yhi"] for r in pts], dtype=float)
                ax_f.errorbar([r["q0"] + _SHIFT[(path, regime)] for r in pts], y,
                              yerr=np.nan_to_num([y - lo, hi - y]), color=col, marker=_MARK[(path, regime)],
                              ms=3.5, capsize=2, lw=1.1, label=_LAB[(path, regime)])
            for r in _sel(rows, p=p, panel="edge", path=path, regime=regime):
                if r["kind"] == "simulation" or not np.isfinite(r["y"]):
                    continue
                if r["kind"] == "theory N=inf" or r.get("N") == N_max:
                    ls = {"theory N=inf": "-", "theory r_N": "--", "theory N": ":"}.get(r["kind"], "-")
                    for ax in (ax_q, ax_f):
                        ax.axvline(r["y"], color=col, ls=ls, lw=0.9, alpha=0.8)
        for (path, regime), col in _COL.items():
            pts = sorted(_sel(rows, p=p, panel="tolerance", path=path, regime=regime), key=lambda r: r["x"])
            if pts:
                ax_t.plot([r["x"] for r in pts], [r["y"] for r in pts], color=col,
                          ls="-" if path == "nishimori" else "--", label=_LAB[(path, regime)].replace("eR", "eR").replace("gR", "gR"))
            if regime == "gR":
                pts = sorted(_sel(rows, p=p, panel="tolerance", path=path, regime="lR"), key=lambda r: r["x"])
                if pts:
                    ax_t.plot([r["x"] for r in pts], [r["y"] for r in pts], color=col, lw=0.8,
                              ls=":", label=f"lR spinodal, {'$T=T^*$' if path == 'nishimori' else '$T=0$'}")
        ax_t.axvline(params.get("alpha", ALPHA), color="0.5", lw=0.8)
        for ax in (ax_n, ax_q):
            ax.set_yscale("log")
            ax.set_ylabel("recovery time + 1 (sweeps)")
        ax_n.set_xscale("log")
        if Ns:
            ax_n.set_xticks(Ns)
            ax_n.set_xticklabels([str(n) for n in Ns])
            ax_n.minorticks_off()
        ax_n.set_xlabel("$N$")
        ax_n.set_title(f"$p={p}$: median time vs $N$ (triangles: beyond budget)", fontsize=9)
        ax_q.set_xlabel("$q_0$")
        ax_q.set_title(f"$p={p}$, $N={N_max}$ (lines: theory basin edges)", fontsize=9)
        ax_f.set_xlabel("$q_0$")
        ax_f.set_ylabel("P(recover within budget)")
        ax_f.axhline(0.5, color="0.6", lw=0.7)
        ax_f.set_title(f"$p={p}$, $N={N_max}$", fontsize=9)
        ax_t.set_xlabel(r"$\alpha$")
        ax_t.set_ylabel(r"noise tolerance $T^*_{\max}$")
        ax_t.set_title(f"$p={p}$: largest $T^*$ that still retrieves", fontsize=9)
        if i == 0:
            ax_n.legend(fontsize=6)
            ax_t.legend(fontsize=6)
    fig.tight_layout()
    return fig


def build(out_dir, size: str = "quick", seed: int = 0, *, from_csv=None, workers=None) -> FigureOutput:
    """Draw ``ts-tradeoff``; ``from_csv`` redraws from a stored ``ts-tradeoff.csv``."""
    files, agreement = C.build_simulation_figure(
        NAME, out_dir, size, seed, sizes=SIZES, simulate=simulate, reduce=reduce, draw=draw,
        parameters=lambda: dict(alpha=ALPHA, threshold=THRESHOLD, q0_ref=list(SIZES[size]["q0_ref"]),
                                budget=SIZES[size]["budget"], samples=SIZES[size]["samples"],
                                N={str(k): list(v) for k, v in SIZES[size]["N"].items()},
                                q0=list(SIZES[size]["q0"]), paths={k: {r: list(t) for r, t in v.items()}
                                                                   for k, v in PATHS.items()}),
        plot_description=__doc__.splitlines()[0],
        agreement_description="ts-tradeoff: recovery times, basin edges and speed-up (68 % bootstrap) "
        "vs the landscape's basin edges and barriers; noise tolerance from the boundaries",
        from_csv=from_csv, workers=workers, stage="recovery runs")
    return FigureOutput(files=files, agreement=agreement, summary=verdict(agreement) if agreement else "")


FIGURE = Figure(name=NAME, help="prototypes (eR) vs features (gR): recovery time from a corrupted "
                "start and noise tolerance", build=build, order=85,
                add_arguments=C.add_from_csv_argument, options_from_args=C.options_from_args,
                estimate=estimate)
