"""``ts-pinf``: the p = 10 global-retrieval boundary beside the p -> infinity formula (the
poster's second benchmark; ``docs/theory/teacher_student_theory.md`` Sec. 8).

Finite p: :func:`theory.teacher_student.boundary` (kind "gR": Phi_R = Phi_P for lambda <= lambda_c,
else the direct model's 1RSB spin glass).  p -> infinity: ``alpha_gR = 2 ln 2 T^2 T*/(2T - T*)``
(T >= T*) and ``2 ln 2 T*^2`` (T < T*) (:func:`theory.teacher_student.alpha_gR_infinite_p`).
The misaligned theory depends on (lambda, mu) only, so ``alpha_gR/T*^2`` is a function of ``T/T*``;
the curves are computed at T* = 2 (a misaligned teacher for every p, T*_c(10) = 1.4427) and
plotted as ``alpha/T*^2`` against ``T/T*``.  Panel (b): the relative difference.

``NAME.csv``: ``T_over_Tstar, alpha_p10, alpha_pinf, rel_diff`` (alphas divided by T*^2).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hopfield_phases._core.tables import write_table
from ..plotting import new_figure, save_figure
from . import Figure, FigureOutput

NAME = "ts-pinf"
GRIDS = {"tiny": [0.5, 2.0],
         "quick": [0.5, 0.6, 0.7, 0.85, 0.95, 1.0, 1.1, 1.25, 1.5, 2.0, 2.5, 3.0],
         "paper": list(np.round(np.linspace(0.5, 3.0, 26), 6))}
T_STAR = 2.0
P = 10


def compute(size="quick"):
    from hopfield_phases.theory import teacher_student as ts

    if size not in GRIDS:
        raise ValueError(f"size must be one of {list(GRIDS)}, got {size!r}")
    x = np.array(GRIDS[size], dtype=float)
    a10 = ts.boundary(P, "gR", T_STAR, x * T_STAR) / T_STAR**2
    ainf = ts.alpha_gR_infinite_p(x * T_STAR, T_STAR) / T_STAR**2
    return {"T_over_Tstar": x, "alpha_p10": a10, "alpha_pinf": ainf, "rel_diff": a10 / ainf - 1.0}


def draw(cols, out_dir: Path):
    import matplotlib.pyplot as plt

    from ..plotting import STYLE as RC

    fig, (ax, bx) = new_figure(1, 2, figsize=(8.5, 3.4))
    with plt.rc_context(RC):
        xf = np.linspace(0.5, 3.0, 200)
        from hopfield_phases.theory import teacher_student as ts

        ax.plot(xf, ts.alpha_gR_infinite_p(xf, 1.0), "k-", label=r"$p\to\infty$: $2\ln 2\,T^2T^*/(2T-T^*)$, $2\ln2\,T^{*2}$")
        ax.plot(cols["T_over_Tstar"], cols["alpha_p10"], "o", color="C3", ms=4, label="p = 10 (RS / 1RSB SG)")
        ax.axvline(1.0, color="0.6", lw=0.6, ls=":")
        ax.set_xlabel(r"$T/T^*$")
        ax.set_ylabel(r"$\alpha_{gR}/T^{*2}$")
        ax.set_title("(a) global-retrieval boundary")
        ax.legend(loc="upper left")
        bx.plot(cols["T_over_Tstar"], cols["rel_diff"], "o-", color="C3", ms=4)
        bx.axhline(0.0, color="k", lw=0.6)
        bx.axvline(1.0, color="0.6", lw=0.6, ls=":")
        bx.set_xlabel(r"$T/T^*$")
        bx.set_ylabel(r"$\alpha_{gR}(p=10)/\alpha_{gR}(\infty) - 1$")
        bx.set_title(f"(b) relative difference (max |.| = {np.nanmax(np.abs(cols['rel_diff'])):.1e})")
        bx.ticklabel_format(axis="y", style="sci", scilimits=(-3, 3))
        fig.tight_layout()
    return save_figure(fig, out_dir, NAME)


def build(out_dir, size="quick", seed=0) -> FigureOutput:
    out_dir = Path(out_dir)
    cols = compute(size)
    files = draw(cols, out_dir)
    csv = write_table(out_dir / f"{NAME}.csv", cols, seed=None,
                      description="p = 10 gR boundary vs p -> infinity formula (docs/theory/teacher_student_theory.md Sec. 8); "
                                  "alphas divided by T*^2, computed at T* = 2",
                      parameters=dict(size=size, p=P, T_teacher=T_STAR))
    files += [csv, csv.with_suffix(".json")]
    return FigureOutput(files=files, summary=f"max |rel diff| p=10 vs p->inf: {np.nanmax(np.abs(cols['rel_diff'])):.3e}")


FIGURE = Figure(name=NAME, help="p = 10 gR boundary vs the p -> infinity formula (relative difference)",
                build=build, order=60)
