"""``ts-fig7``: q*(T) of a p = 4 student trained on a p* = 2 teacher in the large-noise regime,
alpha = 0.5, 1, 1.5: RS theory against Monte Carlo (the teacher-student paper's Fig. 7).

Physics: ``docs/theory/teacher_student_theory.md`` Sec. 2, 10, 12; ``docs/theory/teacher_student_paper_code.md`` (Fig. 7
and the remark on the effective coupling).  Theory (``theory.teacher_student.mismatched_teacher``):
the RS retrieval branch from (q, q*) = (1, 1) at ``lambda = mu = alpha/T^2`` (the paper's "local"
overlap), N = infinity; with the finite-N teacher coupling ``mu -> mu beta*_eff T`` where
``beta*_eff = E[S_4(K)]/(4! N)`` under the exact law of the N-spin teacher at the paper's
``T* = sqrt(N T/2)`` (``r_N`` line) and as realised by each sample (``r_sample``, one theory value per
Monte Carlo point).  Panel (b): ``beta*_eff T`` itself (exact law, its Gaussian N = infinity form
with the exact ``c = 2 beta*/(1 - 2 beta*)``, the sample values) against the value 1 that the
N = infinity line assumes.

Simulation (``montecarlo.mismatched_teacher.sweep_task``): exact p* = 2 teacher examples,
``M = alpha N^3/24``, planted start (xi = xi*, as the paper), single-spin Metropolis with the
distinct-index student; q* averaged over the last 2/3 of the sweeps; error of the mean from
tau_int (and the spread over samples when there are several); first/second-half means of the
measured window are kept as an equilibration check.  Sizes: tiny N = 32; quick N = 128, 10
temperatures in [0.4, 2.2] (where the branches end), 300 sweeps; paper N = 256 (the paper's), its 20
temperatures in [0.4, 4.2], 600 sweeps (the paper: 100 chains of ~2560 sweeps).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .. import agreement as ag
from ..plotting import new_figure
from . import Figure, FigureOutput
from . import _common as C

NAME = "ts-fig7"
P_STUDENT = 4
ALPHAS = (0.5, 1.0, 1.5)
SIZES = {
    "tiny": dict(N=32, alphas=(0.5, 1.5), temps=(0.6, 1.4), sweeps=40, samples=1),
    "quick": dict(N=128, alphas=ALPHAS, temps=tuple(np.round(np.linspace(0.4, 2.2, 10), 6)), sweeps=300, samples=1),
    "paper": dict(N=256, alphas=ALPHAS, temps=tuple(np.round(np.linspace(0.4, 4.2, 20), 6)), sweeps=600,
                  samples=1),
}


def simulate(out_dir: Path, size: str, seed: int, workers=None) -> list[dict]:
    from hopfield_phases.montecarlo.mismatched_teacher import sweep_task

    s = SIZES[size]
    grid = [dict(p=P_STUDENT, N=s["N"], alpha=float(a), T=float(T), regime="large-noise", sweeps=s["sweeps"],
                 start="planted") for a in s["alphas"] for T in s["temps"]]
    return C.cached_sweep(sweep_task, grid, s["samples"], out_dir, NAME, size, seed, workers=workers,
                          description=f"{NAME} N={s['N']}")


def reduce(sim_rows, size: str, seed: int):
    from hopfield_phases.theory.teacher_student import mismatched_teacher as mt

    s = SIZES[size]
    N = s["N"]
    rows, agreement = [], []
    T_fine = np.linspace(max(0.3, 12.5 / N), 4.4, 60)  # T* = sqrt(N T/2) >= 2.5: teacher well paramagnetic
    C.log("theory: RS retrieval branch at N = inf and with the exact finite-N coupling")
    beff = {float(T): mt.effective_coupling(N, P_STUDENT, mt.large_noise_teacher_temperature(N, T, P_STUDENT))
            for T in T_fine}
    for T in T_fine:
        b = beff[float(T)]
        rows += [dict(panel="coupling", series=k, kind="theory", alpha=math.nan, x=float(T), y=b[k] * T, yerr=math.nan)
                 for k in ("exact", "gaussian")]
    for a in s["alphas"]:
        for T in T_fine:
            rows.append(dict(panel="q", series="N=inf", kind="theory", alpha=a, x=float(T),
                             y=mt.retrieval_overlap(P_STUDENT, a, T), yerr=math.nan))
            rows.append(dict(panel="q", series="r_N", kind="theory", alpha=a, x=float(T),
                             y=mt.retrieval_overlap(P_STUDENT, a, T, signal_ratio=beff[float(T)]["exact"] * T),
                             yerr=math.nan))
        for T in s["temps"]:
            pts = [r for r in sim_rows if abs(r["alpha"] - a) < 1e-12 and abs(r["T"] - T) < 1e-9]
            if not pts:
                continue
            q = np.array([r["q_star"] for r in pts])
            err_in = np.array([r["q_star_err"] for r in pts])
            err = float(np.sqrt(np.sum(err_in**2)) / len(q))
            if len(q) > 1:
                err = max(err, float(np.std(q, ddof=1) / math.sqrt(len(q))))
            bs = float(np.mean([r["beta_eff_sample"] for r in pts])) * T
            bl = float(pts[0]["beta_eff_law"]) * T
            th = {"N=inf": mt.retrieval_overlap(P_STUDENT, a, T),
                  "r_N": mt.retrieval_overlap(P_STUDENT, a, T, signal_ratio=bl),
                  "r_sample": mt.retrieval_overlap(P_STUDENT, a, T, signal_ratio=bs)}
            halves = (float(np.mean([r["q_star_first_half"] for r in pts])),
                      float(np.mean([r["q_star_second_half"] for r in pts])))
            rows.append(dict(panel="q", series="mc", kind="simulation", alpha=a, x=float(T), y=float(q.mean()),
                             yerr=err, first_half=halves[0], second_half=halves[1],
                             tau_int=float(np.mean([r["tau_int"] for r in pts]))))
            rows.append(dict(panel="q", series="r_sample", kind="theory-point", alpha=a, x=float(T),
                             y=th["r_sample"], yerr=math.nan))
            rows.append(dict(panel="coupling", series="sample", kind="simulation", alpha=a, x=float(T), y=bs,
                             yerr=math.nan))
            for variant, val in th.items():
                agreement.append(ag.agreement_row(f"q* (alpha={a:g}, T={T:g})", float(q.mean()), float(q.mean()) - err,
                                                  float(q.mean()) + err, val, variant, N=N, M=int(pts[0]["M"]),
                                                  T_teacher=float(pts[0]["T_teacher"]), beta_eff_T_sample=bs,
                                                  beta_eff_T_law=bl, first_half=halves[0], second_half=halves[1],
                                                  tau_int=rows[-3]["tau_int"], samples=len(q),
                                                  sweeps=int(pts[0]["sweeps_done"]),
                                                  method="planted Metropolis, mean over last 2/3, error from tau_int"))
    return rows, agreement


def draw(rows, params=None):
    fig, (ax, ax2) = new_figure(1, 2, figsize=(9.5, 3.9))
    N = (params or {}).get("N")
    for i, a in enumerate((params or {}).get("alphas", ALPHAS)):
        col = f"C{i}"
        for series, ls in (("N=inf", "-"), ("r_N", "--")):
            x, y, _ = C.series(rows, panel="q", series=series, kind="theory", alpha=a)
            ax.plot(x, y, color=col, ls=ls, lw=1.2, label=rf"RS $\alpha={a:g}$" + (r" ($N=\infty$)" if series == "N=inf"
                                                                             else rf" ($r_N$, $N={N}$)"))
        x, y, e = C.series(rows, panel="q", series="mc", kind="simulation", alpha=a)
        ax.errorbar(x, y, yerr=np.nan_to_num(e), color=col, marker="o", ms=3, ls="none", capsize=2)
        x, y, _ = C.series(rows, panel="q", series="r_sample", kind="theory-point", alpha=a)
        ax.plot(x, y, color=col, marker="x", ms=4, ls="none")
    ax.plot([], [], "ko", ms=3, label=f"MC, planted, $N={N}$")
    ax.plot([], [], "kx", ms=4, label=r"RS at realised coupling $r_{\rm sample}$")
    ax.set_xlabel("student temperature $T$")
    ax.set_ylabel(r"$q^*$")
    ax.set_ylim(-0.05, 1.05)
    ax.legend(fontsize=6, ncol=1)
    ax.set_title(r"(a) $p^*=2$, $p=4$, large noise, $T^*=\sqrt{NT/2}$", fontsize=9)
    for series, st in (("exact", dict(color="k", ls="-", label=f"exact teacher law, $N={N}$")),
                       ("gaussian", dict(color="0.5", ls="--", label=r"$N\to\infty$ form, exact $c$"))):
        x, y, _ = C.series(rows, panel="coupling", series=series, kind="theory")
        ax2.plot(x, y, **st)
    x, y, _ = C.series(rows, panel="coupling", series="sample", kind="simulation")
    ax2.plot(x, y, "o", color="C3", ms=3, label="realised by the samples")
    ax2.axhline(1.0, color="C0", lw=1, label=r"assumed by the $N=\infty$ line")
    ax2.set_xlabel("student temperature $T$")
    ax2.set_ylabel(r"effective coupling $\beta^*_{\rm eff}\,T$")
    ax2.set_ylim(0.5, 3.0)
    ax2.legend(fontsize=7)
    ax2.set_title("(b) finite-N teacher coupling", fontsize=9)
    fig.tight_layout()
    return fig


def build(out_dir, size: str = "quick", seed: int = 0, *, from_csv=None, workers=None) -> FigureOutput:
    """Draw ``ts-fig7``; ``from_csv`` redraws from a stored ``ts-fig7.csv``."""
    files, agreement = C.build_simulation_figure(
        NAME, out_dir, size, seed, sizes=SIZES, simulate=simulate, reduce=reduce, draw=draw,
        parameters=lambda: dict(SIZES[size], p=P_STUDENT, p_teacher=2, regime="large-noise"),
        plot_description=__doc__.splitlines()[0],
        agreement_description="ts-fig7: Monte Carlo q* (planted, error of the mean from tau_int) vs RS at "
        "N = inf, at the exact finite-N coupling r_N and at the realised coupling r_sample",
        from_csv=from_csv, workers=workers)
    return FigureOutput(files=files, agreement=agreement)


FIGURE = Figure(name=NAME, help="p* = 2 teacher, p = 4 student, large noise: q*(T), RS vs Monte Carlo "
                "(paper's Fig. 7)", build=build, order=82, add_arguments=C.add_from_csv_argument,
                options_from_args=C.options_from_args)
