"""``ts-fig8``: zero-temperature adversarial robustness of a p = 4 student trained on a p* = 2
teacher (finite-noise regime, T* = 2 + sqrt 2, eta = 1): the map of the final q* over
(alpha, eps) against the critical attack eps_c(alpha) (the teacher-student paper's Fig. 8).

Physics: ``docs/theory/teacher_student_paper_code.md`` (Fig. 8); theory
``theory.teacher_student.adversarial.adversarial_threshold`` (eps_c = alpha^{1/3}/(1 + alpha^{1/3})
for a typical attacking example; for the example of largest overlap m_k with xi*, the same field
balance with the start overlaps ``q*_0 = 1 - eps + eps m_k``, ``m_0 = eps + (1 - eps) m_k``, using the
measured m_k).

Simulation (``montecarlo.adversarial.sweep_task``): ``M = alpha N^2/6`` exact p* = 2 examples, the
student started at xi* with each site replaced by the attacking example's with probability eps,
zero-temperature single-spin descent to a local minimum; ``chains`` independent starts per cell.
Two panels: a typical attacking example (smallest |xi*.sigma^a|) and the one of largest overlap.
Agreement: for each alpha, the eps at which the mean final q* crosses 1/2 (linear interpolation on
the eps grid) against eps_c.  Sizes: tiny N = 64 (2 x 4 cells); quick N = 512, 10 x 11 cells,
4 chains; paper N = 1024 (the paper's), 25 x 25 cells, 4 chains (the paper: 100).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .. import agreement as ag
from ..plotting import new_figure
from . import Figure, FigureOutput
from . import _common as C

NAME = "ts-fig8"
P_STUDENT = 4
T_TEACHER = 2.0 + math.sqrt(2.0)
ATTACKS = ("typical", "max-overlap")
SIZES = {
    "tiny": dict(N=64, alphas=(0.2, 0.8), eps=(0.3, 0.4, 0.45, 0.5), chains=2),
    "quick": dict(N=512, alphas=tuple(np.round(np.linspace(0.05, 1.0, 10), 6)),
                  eps=tuple(np.round(np.linspace(0.25, 0.5, 11), 6)), chains=4),
    "paper": dict(N=1024, alphas=tuple(np.round(np.linspace(0.05, 1.0, 25), 6)),
                  eps=tuple(np.round(np.linspace(0.25, 0.5, 25), 6)), chains=4),
}


def simulate(out_dir: Path, size: str, seed: int, workers=None) -> list[dict]:
    from hopfield_phases.montecarlo.adversarial import sweep_task

    s = SIZES[size]
    grid = [dict(p=P_STUDENT, N=s["N"], alpha=float(a), attack=att, eps_values=[float(e) for e in s["eps"]],
                 chains=s["chains"], max_sweeps=200, T_teacher=T_TEACHER)
            for a in s["alphas"] for att in ATTACKS]
    return C.cached_sweep(sweep_task, grid, 1, out_dir, NAME, size, seed, workers=workers,
                          description=f"{NAME} N={s['N']}")


def _crossing(eps, q, level=0.5):
    """First eps where q drops below ``level`` (linear interpolation); NaN if it never does or
    starts below."""
    eps, q = np.asarray(eps), np.asarray(q)
    if q[0] < level:
        return math.nan
    for i in range(1, len(q)):
        if q[i] < level:
            return float(eps[i - 1] + (level - q[i - 1]) * (eps[i] - eps[i - 1]) / (q[i] - q[i - 1]))
    return math.nan


def reduce(sim_rows, size: str, seed: int):
    from hopfield_phases.theory.teacher_student.adversarial import adversarial_threshold

    s = SIZES[size]
    rows, agreement = [], []
    a_fine = np.linspace(0.02, 1.0, 80)
    for a in a_fine:
        rows.append(dict(panel="typical", series="eps_c", kind="theory", alpha=float(a),
                         eps=adversarial_threshold(a, P_STUDENT), q_star=math.nan, q_star_std=math.nan))
    for att in ATTACKS:
        mks = []
        for r in sorted((r for r in sim_rows if r["attack"] == att), key=lambda r: r["alpha"]):
            a = float(r["alpha"])
            eps = np.asarray(r["eps"], dtype=float)
            q = np.abs(np.asarray(r["q_star"], dtype=float))
            qs = np.asarray(r["q_star_std"], dtype=float)
            mk = float(r["m_k"])
            mks.append(mk)
            for e, qq, sd, m_att, lm in zip(eps, q, qs, r["m_attack"], r["local_minimum"]):
                rows.append(dict(panel=att, series="mc", kind="simulation", alpha=a, eps=float(e), q_star=float(qq),
                                 q_star_std=float(sd), m_attack=float(m_att), local_minimum=bool(lm), m_k=mk))
            ec = adversarial_threshold(a, P_STUDENT, example_overlap=mk if att == "max-overlap" else 0.0)
            ec0 = adversarial_threshold(a, P_STUDENT)
            cross = _crossing(eps, q)
            step = float(eps[1] - eps[0]) if len(eps) > 1 else math.nan
            rows.append(dict(panel=att, series="crossing", kind="simulation", alpha=a, eps=cross, q_star=0.5,
                             q_star_std=math.nan))
            rows.append(dict(panel=att, series="eps_c(m_k)", kind="theory", alpha=a, eps=ec, q_star=math.nan,
                             q_star_std=math.nan))
            for variant, th in (("m_k=0 (paper formula)", ec0), ("measured m_k", ec)):
                agreement.append(ag.agreement_row(f"eps where q* crosses 1/2 ({att}, alpha={a:g})", cross,
                                                  cross - step / 2, cross + step / 2, th, variant, N=s["N"],
                                                  M=int(r["M"]), m_k=mk, chains=int(r["chains"]),
                                                  method="T=0 descent; crossing by linear interpolation, "
                                                  "interval = +- half the eps step"))
    return rows, agreement


def draw(rows, params=None):
    fig, axes = new_figure(1, 2, figsize=(9.8, 3.9))
    N = (params or {}).get("N")
    mesh = None
    for ax, att in zip(axes, ATTACKS):
        g = [r for r in rows if r["panel"] == att and r["series"] == "mc"]
        al = np.array(sorted({r["alpha"] for r in g}))
        ep = np.array(sorted({r["eps"] for r in g}))
        Z = np.full((ep.size, al.size), np.nan)
        for r in g:
            Z[np.searchsorted(ep, r["eps"]), np.searchsorted(al, r["alpha"])] = r["q_star"]
        mesh = ax.pcolormesh(al, ep, Z, cmap="RdBu", vmin=0, vmax=1, shading="nearest")
        x, y = [r["alpha"] for r in rows if r["series"] == "eps_c"], [r["eps"] for r in rows if r["series"] == "eps_c"]
        ax.plot(x, y, "k-", lw=1.4, label=r"$\varepsilon_c=\alpha^{1/3}/(1+\alpha^{1/3})$")
        if att == "max-overlap":
            pts = sorted((r["alpha"], r["eps"]) for r in rows if r["panel"] == att and r["series"] == "eps_c(m_k)")
            if pts:
                p_ = np.array(pts)
                ax.plot(p_[:, 0], p_[:, 1], "k--", lw=1.2, label=r"$\varepsilon_c$ with measured $m_k$")
        pts = [(r["alpha"], r["eps"]) for r in rows if r["panel"] == att and r["series"] == "crossing"
               and np.isfinite(r["eps"])]
        if pts:
            p_ = np.array(pts)
            ax.plot(p_[:, 0], p_[:, 1], "o", color="gold", mec="k", ms=4, label=r"MC: $q^*=1/2$ crossing")
        ax.set_xlim(min(al.min(), 0.05) - 0.02, 1.0 + 0.02)
        ax.set_ylim(ep.min() - 0.01, ep.max() + 0.01)
        ax.set_xlabel(r"load $\alpha$ ($M=\alpha N^2/6$)")
        ax.set_ylabel(r"attack weight $\varepsilon$")
        ax.set_title(f"({'a' if att == 'typical' else 'b'}) {att} example, $N={N}$, $T=0$", fontsize=9)
        ax.legend(fontsize=6, loc="lower right")
    fig.subplots_adjust(left=0.07, right=0.86, wspace=0.3, bottom=0.14)
    if mesh is not None:
        cax = fig.add_axes([0.88, 0.14, 0.015, 0.74])
        fig.colorbar(mesh, cax=cax, label=r"final $|q^*|$ (mean over chains)")
    return fig


def build(out_dir, size: str = "quick", seed: int = 0, *, from_csv=None, workers=None) -> FigureOutput:
    """Draw ``ts-fig8``; ``from_csv`` redraws from a stored ``ts-fig8.csv``."""
    files, agreement = C.build_simulation_figure(
        NAME, out_dir, size, seed, sizes=SIZES, simulate=simulate, reduce=reduce, draw=draw,
        parameters=lambda: dict(SIZES[size], p=P_STUDENT, p_teacher=2, T_teacher=T_TEACHER, regime="finite-noise"),
        plot_description=__doc__.splitlines()[0],
        agreement_description="ts-fig8: eps where the final q* crosses 1/2 vs eps_c(alpha), T = 0 descent",
        from_csv=from_csv, workers=workers)
    return FigureOutput(files=files, agreement=agreement)


FIGURE = Figure(name=NAME, help="p* = 2 teacher, p = 4 student: zero-temperature adversarial map q*(alpha, eps) "
                "vs eps_c (paper's Fig. 8)", build=build, order=84, add_arguments=C.add_from_csv_argument,
                options_from_args=C.options_from_args)
