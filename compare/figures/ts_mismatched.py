"""``ts-mismatched``: a p-body student (p = 4 by default) trained on a p* = 2 Curie-Weiss teacher,
phases P, lR, gR, eR (and SG) in the two scaling regimes of the teacher-student paper (its Fig. 6).

Physics: ``docs/theory/teacher_student_theory.md`` Sec. 10, ``docs/theory/teacher_student_paper_code.md`` (Fig. 6 and
Known defects 3); theory in ``theory.teacher_student.mismatched_teacher``.  Panels:
(a) finite noise, ``c = 0``, ``c_s = eta alpha/T`` (eta = 1 by default), ``M = alpha N^{p/2}/(p/2+1)!``;
(b) large noise, ``c = c_s = alpha/T^2``, ``M = alpha N^{p-1}/p!``.
Colours: the labels of ``mismatched_phase_diagram`` (our 1RSB competitor; the paper's RS-P
competitor gives the same labels here except for SG cells, counted in the summary).  Lines: lR, gR
and eR boundaries by root finding (``mismatched_boundary``), and the analytic eR/gR line
(``alpha = 1/eta``, ``alpha = T``).  Crosses: where the paper's code puts the eR/gR line (the doc's
numbers: alpha = 0.54-0.98 in (a); the end points alpha = 0.16/0.28/0.46 at T = 0.2/0.4/0.6 in (b)),
shifted by its reference-free-entropy defect.

Cell-for-cell comparison with the paper's code: ``compare.figures._paper_code`` re-runs its
algorithm (100 undamped iterations, 401-point Simpson, chained global searches) on the same grid,
with its reference defect and with the reference fixed; the counts of differing cells (against our
labels with the paper's RS-P competitor) are in the sidecar JSON and the summary, the per-cell
labels in the CSV (``paper_code_label``, ``paper_code_fixed_label``).

Pure theory.  Grid (alpha x T): tiny 6 x 6, quick 30 x 30, paper 101 x 100 (the notebook default;
the paper plots 401 x 400).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hopfield_phases._core.tables import write_table
from ..plotting import new_figure, save_figure
from . import Figure, FigureOutput
from ._common import plot_boundaries, plot_label_grid, styled

NAME = "ts-mismatched"
GRID = {"tiny": (6, 6), "quick": (30, 30), "paper": (101, 100)}
NBOUND = {"tiny": 2, "quick": 8, "paper": 30}
ALPHA_MAX, T_MAX = 2.0, 4.0
COLORS = {"P": "#e6e6e6", "lR": "#fff2a8", "gR": "#b9e4b0", "eR": "#a9cdf0", "SG": "#f4b6b6"}
ORDER = ["P", "lR", "gR", "eR", "SG"]
REGIMES = ("finite-noise", "large-noise")
#: the paper code's eR/gR line in the large-noise regime (docs/theory/teacher_student_paper_code.md, Known defects 3)
PAPER_CODE_LARGE_NOISE = ((0.16, 0.2), (0.28, 0.4), (0.46, 0.6))


def _pairs(ours, theirs):
    out = {}
    for a, b in zip(ours[ours != theirs], theirs[ours != theirs]):
        out[f"{a}->{b}"] = out.get(f"{a}->{b}", 0) + 1
    return out


def compute(size="quick", p=4, eta=1.0):
    from hopfield_phases.theory.teacher_student import mismatched_teacher as mt
    from hopfield_phases.theory.teacher_student import nishimori_thresholds, teacher

    from . import _paper_code as pc

    if size not in GRID:
        raise ValueError(f"size must be one of {list(GRID)}, got {size!r}")
    na, nT = GRID[size]
    alphas = np.linspace(ALPHA_MAX / na, ALPHA_MAX, na)
    temps = np.linspace(T_MAX / nT, T_MAX, nT)
    rows, meta = [], dict(p=p, eta=eta)
    for regime in REGIMES:
        kw = dict(regime=regime, eta=eta if regime == "finite-noise" else None)
        D = mt.mismatched_phase_diagram(p, alphas, temps, **kw)
        Dp = mt.mismatched_phase_diagram(p, alphas, temps, competitor="rs-paramagnet", **kw)
        meta[f"{regime}: cells differing (1rsb vs rs-paramagnet competitor)"] = int(np.sum(D.labels != Dp.labels))
        # the paper code's algorithm (its reference defect, and with the reference fixed), cell for cell
        code = pc.mismatched_labels(p, alphas, temps, regime, eta=eta, reference="paper-code")
        fixed = pc.mismatched_labels(p, alphas, temps, regime, eta=eta, reference="fixed")
        meta[f"{regime}: cells"] = int(code.size)
        meta[f"{regime}: differing from paper code"] = _pairs(Dp.labels, code)
        meta[f"{regime}: differing from paper code with its reference fixed"] = _pairs(Dp.labels, fixed)
        for r, lc, lf in zip(D.rows(), code.ravel(), fixed.ravel()):
            rows.append(dict(panel=regime, series="grid", alpha=r["alpha"], T=r["T"], label=r["label"],
                             paper_code_label=str(lc), paper_code_fixed_label=str(lf),
                             q_star=r["q_star"], m=r["m"], entropy=r["entropy"], converged=r["converged"]))
        Tb = np.linspace(0.1, T_MAX, NBOUND[size])
        for kind in ("lR", "gR", "eR"):
            for T, a in zip(Tb, mt.mismatched_boundary(p, kind, Tb, **kw)):
                rows.append(dict(panel=regime, series=kind, alpha=float(a), T=float(T)))
        # the analytic eR/gR line where it separates eR from gR: finite noise T < T*_c(p) (memorisation
        # beats P); large noise T < 1/lambda_c(p) (at alpha = T, lambda = 1/T must exceed lambda_c)
        T_end = teacher.critical_temperature(p) if regime == "finite-noise" else 1.0 / nishimori_thresholds(p)[1]
        for T in np.linspace(0.02, T_end, 30):
            rows.append(dict(panel=regime, series="eR/gR analytic", alpha=float(mt.eR_gR_line(T, **{
                "regime": regime, "eta": eta})), T=float(T)))
    for a, T in PAPER_CODE_LARGE_NOISE:
        rows.append(dict(panel="large-noise", series="paper code eR/gR", alpha=a, T=T))
    return rows, meta


def draw(rows, meta):
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    fig, axes = new_figure(1, 2, figsize=(9.5, 4.0))
    cmap = ListedColormap([COLORS[k] for k in ORDER])
    for ax, regime in zip(axes, REGIMES):
        plot_label_grid(ax, rows, regime, ORDER, cmap)
        plot_boundaries(ax, rows, regime, (("lR", dict(color="C1", ls="--", marker=".", label="lR (root finding)")),
                         ("gR", dict(color="C2", ls="-", marker=".", label="gR (root finding)")),
                         ("eR", dict(color="C0", ls="none", marker="o", ms=3, label="eR (root finding)")),
                         ("eR/gR analytic", dict(color="k", ls=":", label=r"eR/gR: $\alpha=1/\eta$ or $\alpha=T$")),
                         ("paper code eR/gR", dict(color="m", ls="none", marker="x", label="paper code eR/gR"))))
        ax.set_xlim(0, ALPHA_MAX)
        ax.set_ylim(0, T_MAX)
        ax.set_xlabel(r"load $\alpha$")
        ax.set_ylabel("student temperature $T$")
        ax.set_title(f"({'a' if regime == 'finite-noise' else 'b'}) {regime}"
                     + (f", $\\eta={meta['eta']:g}$" if regime == "finite-noise" else r", $T^*\propto\sqrt{NT}$"),
                     fontsize=9)
    h, lab = [], []
    for ax in axes:
        for hh, ll in zip(*ax.get_legend_handles_labels()):
            if ll not in lab:
                h.append(hh)
                lab.append(ll)
    h += [Patch(color=COLORS[k], label=k) for k in ORDER]
    lab += ORDER
    fig.legend(h, lab, loc="lower center", ncol=5, fontsize=7, frameon=False)
    fig.suptitle(f"p* = 2 teacher, p = {meta['p']} student", fontsize=9)
    fig.tight_layout(rect=(0, 0.12, 1, 0.95))
    return fig


def build(out_dir, size="quick", seed=0, p=4, eta=1.0) -> FigureOutput:
    out_dir = Path(out_dir)
    rows, meta = compute(size, p=p, eta=eta)
    csv = write_table(out_dir / f"{NAME}.csv", rows, seed=None,
                      description="p* = 2 teacher, p-body student: phases in the finite- and large-noise "
                      "regimes (docs/theory/teacher_student_theory.md Sec. 10)", parameters=dict(size=size, **meta))
    fig = styled(draw, rows, meta)
    files = save_figure(fig, out_dir, NAME) + [csv, csv.with_suffix(".json")]
    return FigureOutput(files=files, summary=f"p={p}, eta={eta}: " + "; ".join(
        f"{k}: {v}" for k, v in meta.items() if "differing" in k or "cells" in k))


def _add_arguments(parser):
    parser.add_argument("--p", type=int, default=4, help="student order p >= 3 (default 4; even for a signal)")
    parser.add_argument("--eta", type=float, default=1.0, help="finite-noise signal eta (default 1)")


FIGURE = Figure(name=NAME, help="p* = 2 teacher, p-body student: P/lR/gR/eR in both scaling regimes "
                "(paper's Fig. 6)", build=build, add_arguments=_add_arguments, order=54,
                options_from_args=lambda a: {"p": a.p, "eta": a.eta})
