"""``ts-direct``: the direct model (dense Hopfield network with random patterns) in the (alpha, T)
plane, p = 3: phases SG, lR, gR, P and the negative-entropy line (the teacher-student paper's
Fig. 1).

Physics: ``docs/theory/teacher_student_theory.md`` Sec. 4-5, ``docs/theory/teacher_student_paper_code.md`` (definitions
that differ); theory in ``theory.teacher_student.direct``.  Two panels on the same grid:
(a) our conventions (competitor of retrieval: P for lambda <= lambda_c, else the 1RSB spin glass;
SG = the static 1RSB transition ``alpha = lambda_c T^2``); (b) the paper's (competitor: the RS
paramagnet everywhere; SG = an RS spin-glass solution exists, ``alpha = lambda_RS T^2``).  Lines by
root finding (``direct_boundary``): lR spinodal, gR line (per competitor), SG line, and the
negative-entropy line of the paramagnet ``alpha = 2 ln 2 T^2``.  The summary counts the grid cells
whose labels differ between (a) and (b), and the cells where (b) differs from the paper code's own
algorithm re-run on the same grid (``compare.figures._paper_code``: 100 undamped iterations, Simpson
on 401 points; differences come from its unconverged iterations near the spinodal, Known defect 1).

Pure theory: no simulation.  ``NAME.csv`` holds the grid (``series=grid``) and the lines.
Grid (alpha x T): tiny 6 x 6, quick 40 x 40, paper 201 x 200 (the paper plots 401 x 400; its
notebook default is 101 x 100).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hopfield_phases._core.tables import write_table
from ..plotting import new_figure, save_figure
from . import Figure, FigureOutput
from ._common import plot_boundaries, plot_label_grid, styled

NAME = "ts-direct"
GRID = {"tiny": (6, 6), "quick": (40, 40), "paper": (201, 200)}
NBOUND = {"tiny": 2, "quick": 16, "paper": 40}
ALPHA_MAX, T_MAX = 2.0, 4.0
COLORS = {"P": "#e6e6e6", "lR": "#fff2a8", "gR": "#b9e4b0", "SG": "#f4b6b6"}
ORDER = ["P", "lR", "gR", "SG"]
PANELS = {"ours": dict(competitor="1rsb", sg="1rsb-static"),
          "paper": dict(competitor="rs-paramagnet", sg="rs-existence")}


def compute(size="quick", p=3):
    from hopfield_phases.theory.teacher_student import direct as d

    if size not in GRID:
        raise ValueError(f"size must be one of {list(GRID)}, got {size!r}")
    na, nT = GRID[size]
    alphas = np.linspace(ALPHA_MAX / na, ALPHA_MAX, na)
    temps = np.linspace(T_MAX / nT, T_MAX, nT)
    rows, labels = [], {}
    for panel, opts in PANELS.items():
        D = d.direct_phase_diagram(p, alphas, temps, **opts)
        labels[panel] = D.labels
        for r in D.rows():
            rows.append(dict(panel=panel, series="grid", alpha=r["alpha"], T=r["T"], label=r["label"], m=r["m"],
                             entropy=r["entropy"], converged=r["converged"]))
    Tb = np.linspace(0.1, 1.9, NBOUND[size])
    for panel, opts in PANELS.items():
        for kind in ("lR", "gR"):
            if kind == "lR" and panel == "paper":
                vals = [r["alpha"] for r in rows if r["panel"] == "ours" and r["series"] == "lR"]
            else:
                vals = d.direct_boundary(p, kind, Tb, **opts)
            for T, a in zip(Tb, vals):
                rows.append(dict(panel=panel, series=kind, alpha=float(a), T=float(T)))
        Ts = np.linspace(0.05, T_MAX, 60)
        for kind in ("SG", "negative-entropy"):
            for T, a in zip(Ts, d.direct_boundary(p, kind, Ts, **opts)):
                rows.append(dict(panel=panel, series=kind, alpha=float(a), T=float(T)))
    from . import _paper_code as pc

    code = pc.direct_labels(p, alphas, temps)
    code_pairs = {}
    for a, b in zip(labels["paper"][labels["paper"] != code], code[labels["paper"] != code]):
        code_pairs[f"{a}->{b}"] = code_pairs.get(f"{a}->{b}", 0) + 1
    differ = int(np.sum(labels["ours"] != labels["paper"]))
    pairs = {}
    for a, b in zip(labels["ours"].ravel(), labels["paper"].ravel()):
        if a != b:
            pairs[f"{a}->{b}"] = pairs.get(f"{a}->{b}", 0) + 1
    lam_rs = d.rs_spin_glass_threshold(p)[0]
    from hopfield_phases.theory.teacher_student import nishimori_thresholds

    meta = dict(p=p, cells=int(labels["ours"].size), cells_differing=differ, differing=pairs,
                paper_code_differing=code_pairs,
                lambda_c=nishimori_thresholds(p)[1], lambda_RS=lam_rs)
    return rows, meta


def draw(rows, meta):
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    fig, axes = new_figure(1, 2, figsize=(9.5, 4.0))
    cmap = ListedColormap([COLORS[k] for k in ORDER])
    titles = {"ours": "(a) ours: 1RSB competitor, SG = static 1RSB",
              "paper": "(b) paper: RS-P competitor, SG = RS-SG exists"}
    for ax, panel in zip(axes, PANELS):
        plot_label_grid(ax, rows, panel, ORDER, cmap)
        plot_boundaries(ax, rows, panel, (("lR", dict(color="C1", ls="--", label="lR spinodal")),
                         ("gR", dict(color="C2", ls="-", label="gR line")),
                         ("SG", dict(color="C3", ls=":", label="SG line")),
                         ("negative-entropy", dict(color="w", ls="--", label=r"$s_P=0$: $2\ln 2\,T^2$"))))
        ax.set_xlim(0, ALPHA_MAX)
        ax.set_ylim(0, T_MAX)
        ax.set_xlabel(r"load $\alpha = M p!/N^{p-1}$")
        ax.set_ylabel("temperature $T$")
        ax.set_title(titles[panel], fontsize=9)
    h, lab = axes[0].get_legend_handles_labels()
    h += [Patch(color=COLORS[k], label=k) for k in ORDER]
    lab += ORDER
    fig.legend(h, lab, loc="lower center", ncol=8, fontsize=7, frameon=False)
    fig.suptitle(f"direct model, random patterns, p = {meta['p']}: {meta['cells_differing']} of "
                 f"{meta['cells']} cells differ", fontsize=9)
    fig.tight_layout(rect=(0, 0.08, 1, 0.95))
    return fig


def build(out_dir, size="quick", seed=0, p=3) -> FigureOutput:
    out_dir = Path(out_dir)
    rows, meta = compute(size, p=p)
    csv = write_table(out_dir / f"{NAME}.csv", rows, seed=None,
                      description="direct model phase diagram, ours vs the paper's conventions "
                      "(docs/theory/teacher_student_theory.md Sec. 4-5)", parameters=dict(size=size, **meta))
    fig = styled(draw, rows, meta)
    files = save_figure(fig, out_dir, NAME) + [csv, csv.with_suffix(".json")]
    s = (f"p={p}: {meta['cells_differing']}/{meta['cells']} cells differ (ours vs paper conventions): "
         f"{meta['differing']}; paper conventions vs the paper code's algorithm: "
         f"{meta['paper_code_differing']}; lambda_c={meta['lambda_c']:.6f}, lambda_RS={meta['lambda_RS']:.6f}")
    return FigureOutput(files=files, summary=s)


def _add_arguments(parser):
    parser.add_argument("--p", type=int, default=3, help="interaction order p >= 3 (default 3)")


FIGURE = Figure(name=NAME, help="direct model (random patterns) phase diagram, SG/lR/gR/P (paper's Fig. 1)",
                build=build, add_arguments=_add_arguments, order=52,
                options_from_args=lambda a: {"p": a.p})
