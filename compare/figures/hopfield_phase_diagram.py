"""``hopfield-phase-diagram``: the AGS phase diagram of the standard Hopfield model, T vs alpha,
as in the top panel of Fig. 2 of the workshop paper [W] (which reproduces [AGS87]).

Lines (``theory.hopfield``, ``docs/theory/rfhm_theory.md`` Sec. 3.3-3.4):

* T_g = 1 + sqrt(alpha) (black): the spin-glass state appears below it;
* T_M (blue): the retrieval line (spinodal), below which patterns are stored and retrieved;
* T_c (blue, dashed): below it retrieval is the global minimum of the free energy;
* T_3, T_5, T_7 (red, violet, brown): stability lines of symmetric mixtures of 3, 5, 7 patterns.

``NAME.csv`` holds every plotted line point (``line, n, alpha, T, binding``) and the key numbers
as rows with ``line = "point:<name>"``.  Unless ``simulate=False`` (``--no-simulation``), cheap
simulation points of a standard Hopfield network are drawn over the lines
(:func:`compare.overlays.hopfield_points`; ``NAME_simulation.csv``) and the simulated T = 0
capacity is compared with alpha_c in ``NAME_agreement.csv``.
"""

from __future__ import annotations

from pathlib import Path

from hopfield_phases._core.tables import write_table
from ..plotting import new_figure, save_figure
from . import Figure, FigureOutput
from ._common import add_simulation_arguments, simulation_options

NAME = "hopfield-phase-diagram"
POINTS = {"tiny": 8, "quick": 60, "paper": 120}
N_LIST = (3, 5, 7)
STYLE = {
    "T_g": dict(color="k", ls="-", label=r"$T_g=1+\sqrt{\alpha}$"),
    "T_M": dict(color="C0", ls="-", label=r"$T_M$ (retrieval)"),
    "T_c": dict(color="C0", ls="--", label=r"$T_c$ (retrieval global minimum)"),
    "T_3": dict(color="C3", ls="-", label=r"$n=3$ mixtures"),
    "T_5": dict(color="C4", ls="-", label=r"$n=5$ mixtures"),
    "T_7": dict(color="C5", ls="-", label=r"$n=7$ mixtures"),
}


def compute(size: str = "quick"):
    from hopfield_phases.theory import hopfield as H

    if size not in POINTS:
        raise ValueError(f"size must be one of {list(POINTS)}, got {size!r}")
    return H.phase_diagram(points=POINTS[size], n_list=N_LIST)


def draw(diagram, out_dir: Path, decorate=None):
    import matplotlib.pyplot as plt

    from ..plotting import STYLE as RC

    fig, ax = new_figure(figsize=(6.2, 3.6))
    with plt.rc_context(RC):
        for name, ln in diagram.lines.items():
            st = STYLE.get(name, dict(color="C2", ls="-", label=name))
            ax.plot(ln["alpha"], ln["T"], color=st["color"], ls=st["ls"], label=st["label"])
        pts = diagram.points
        ax.plot([pts["alpha_c"]], [0.0], "o", color="C0", ms=3, clip_on=False)
        for n in N_LIST:
            if f"capacity_{n}" in pts:
                ax.plot([pts[f"capacity_{n}"]], [0.0], "o", color=STYLE[f"T_{n}"]["color"], ms=3,
                        clip_on=False)
        # region labels as in [AGS87] / [W] Fig. 2 (top): paramagnet, spin glass, retrieval
        # (global minimum), retrieval metastable with the spin glass
        ax.text(0.02, 1.19, "P", ha="center", va="center")
        ax.text(0.115, 0.82, "SG", ha="center", va="center")
        ax.text(0.026, 0.45, "R", ha="center", va="center", color="C0")
        ax.text(0.077, 0.27, "R + SG", ha="center", va="center", color="C0")
        if decorate is not None:
            decorate(ax)
        ax.set_xlim(0.0, 0.2)
        ax.set_ylim(0.0, 1.25)
        ax.set_xlabel(r"$\alpha$")
        ax.set_ylabel(r"$T$")
        ax.set_title("Standard Hopfield model (AGS, replica symmetric)")
        ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5))
        fig.tight_layout()
    return save_figure(fig, out_dir, NAME)


def build(out_dir, size: str = "quick", seed: int = 0, simulate: bool = True,
          workers=None) -> FigureOutput:
    out_dir = Path(out_dir)
    diagram = compute(size)
    rows = diagram.rows()
    for k, v in diagram.points.items():
        rows.append({"line": f"point:{k}", "n": 0, "alpha": float(v), "T": float("nan"),
                     "binding": "value"})
    csv = write_table(
        out_dir / f"{NAME}.csv", rows, command=f"hopfield-phases figure {NAME} --size {size}",
        seed=None, size=size,
        description="AGS RS phase diagram of the standard Hopfield model: lines T_g, T_M, T_c, "
                    "T_n (n = 3, 5, 7) as (alpha, T) points, and key numbers (rows 'point:*', "
                    "value in column alpha).",
        parameters={"points_per_line": POINTS[size], "n_list": list(N_LIST)},
    )
    sim_files, agreement = [], []

    def decorate(ax):
        if simulate:
            from ..overlays import overlay

            f, a = overlay("hopfield", ax, out_dir, NAME, size, seed, workers)
            sim_files.extend(f)
            agreement.extend(a)

    files = draw(diagram, out_dir, decorate) + [csv, csv.with_suffix(".json")] + sim_files
    p = diagram.points
    summary = (f"alpha_c={p['alpha_c']:.6f} m_c={p['m_c']:.4f} alpha_g={p['alpha_g']:.5f} "
               + " ".join(f"alpha_{n}^c={p[f'capacity_{n}']:.6f} T_{n}(0)={p[f'T_{n}_zero_load']:.4f}"
                          for n in N_LIST))
    return FigureOutput(files=files, agreement=agreement, summary=summary)


FIGURE = Figure(
    name=NAME,
    help="AGS phase diagram of the Hopfield model (T vs alpha: T_g, T_M, T_c, n = 3, 5, 7 "
         "mixture lines), as [W] Fig. 2 top",
    build=build,
    add_arguments=add_simulation_arguments,
    options_from_args=simulation_options,
    order=10,
)
