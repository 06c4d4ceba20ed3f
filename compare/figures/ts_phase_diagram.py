"""``ts-phase-diagram``: phase diagram of the dense teacher-student model in the (alpha, T) plane.

Physics: ``docs/theory/teacher_student_theory.md`` Sec. 4-7 (``theory.teacher_student``).  Two panels, p = 3
by default: (a) the Nishimori line T* = T; (b) a fixed teacher temperature T* (default 2,
``--T-teacher``).  Colored regions are the phase labels of :func:`theory.teacher_student.phase_diagram`
on a grid (P, lR, gR, eR, SG; SG is the 1RSB spin glass of the direct model, which the poster's
four labels do not have); lines are the boundaries obtained by root finding
(:func:`theory.teacher_student.boundary`): NL ``alpha_sp = lambda_sp T^2`` and
``alpha_c = lambda_c T^2`` above ``T_eR = T*_c(p)``; fixed T*: the lR spinodal, the gR line and the
P -> SG line ``lambda_c T^2`` (T < T*).  Grid points where RS is not trustworthy (entropy < 0 or
replicon > 1) are marked with small crosses.

Pure theory: no simulation, no agreement table.  ``NAME.csv`` holds the grid (``series=grid``) and
the boundary points (``series=<kind>``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hopfield_phases._core.tables import write_table
from ..plotting import new_figure, save_figure
from ._common import add_simulation_arguments, simulation_options
from . import Figure, FigureOutput

NAME = "ts-phase-diagram"
GRID = {"tiny": 9, "quick": 40, "paper": 80}
NBOUND = {"tiny": 0, "quick": 10, "paper": 24}
COLORS = {"P": "#e6e6e6", "lR": "#fff2a8", "gR": "#b9e4b0", "eR": "#a9cdf0", "SG": "#f4b6b6"}
ORDER = ["P", "lR", "gR", "eR", "SG"]


def compute(size="quick", p=3, T_teacher=2.0):
    from hopfield_phases.theory import teacher_student as ts

    if size not in GRID:
        raise ValueError(f"size must be one of {list(GRID)}, got {size!r}")
    n, nb = GRID[size], NBOUND[size]
    lam_sp, lam_c = ts.nishimori_thresholds(p)
    TeR = ts.eR_temperature(p)
    rows = []
    panels = {"NL": dict(T_teacher=None, alphas=np.linspace(0.25, 25.0, n), temps=np.linspace(0.5, 4.0, n)),
              "fixed": dict(T_teacher=T_teacher, alphas=np.linspace(0.25, 20.0, n), temps=np.linspace(0.3, 5.0, n))}
    for name, P in panels.items():
        d = ts.phase_diagram(p, P["alphas"], P["temps"], P["T_teacher"])
        for r in d.rows():
            rows.append(dict(panel=name, series="grid", T=r["T"], alpha=r["alpha"], T_teacher=r["T_teacher"],
                             label=r["label"], q_star=r["q_star"], entropy=r["entropy"], replicon=r["replicon"],
                             rs_trusted=r["rs_trusted"]))
    # boundaries
    Tn = np.linspace(max(TeR, 0.5) + 1e-9, 4.0, 50)
    for kind, lam in (("lR", lam_sp), ("gR", lam_c)):
        for T in Tn:
            rows.append(dict(panel="NL", series=kind, T=float(T), alpha=float(lam * T * T), T_teacher=float(T)))
    rows.append(dict(panel="NL", series="eR", T=float(TeR), alpha=float("nan"), T_teacher=float(TeR)))
    from hopfield_phases.theory.teacher_student import teacher as tt

    if not tt.is_aligned(p, T_teacher):
        extra = [0.999 * T_teacher] if nb else [3.0]
        Tb = np.unique(np.concatenate([np.linspace(0.35, 5.0, nb), extra]))
        for kind in ("lR", "gR"):
            vals = ts.boundary(p, kind, T_teacher, Tb)
            for T, a in zip(Tb, vals):
                rows.append(dict(panel="fixed", series=kind, T=float(T), alpha=float(a), T_teacher=T_teacher))
        for T in np.linspace(0.3, T_teacher, 30):
            rows.append(dict(panel="fixed", series="SG", T=float(T), alpha=float(lam_c * T * T), T_teacher=T_teacher))
    return rows, dict(p=p, T_teacher=T_teacher, lambda_sp=lam_sp, lambda_c=lam_c, T_eR=TeR)


def draw(rows, meta, out_dir: Path, decorate=None):
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from ..plotting import STYLE as RC

    fig, axes = new_figure(1, 2, figsize=(9.5, 4.0))
    cmap = ListedColormap([COLORS[k] for k in ORDER])
    with plt.rc_context(RC):
        for ax, panel in zip(axes, ("NL", "fixed")):
            g = [r for r in rows if r["panel"] == panel and r["series"] == "grid"]
            al = np.array(sorted({r["alpha"] for r in g}))
            Ts = np.array(sorted({r["T"] for r in g}))
            Z = np.full((Ts.size, al.size), np.nan)
            bad = []
            for r in g:
                i, j = np.searchsorted(Ts, r["T"]), np.searchsorted(al, r["alpha"])
                Z[i, j] = ORDER.index(r["label"])
                if not r["rs_trusted"]:
                    bad.append((r["alpha"], r["T"]))
            ax.pcolormesh(al, Ts, Z, cmap=cmap, vmin=-0.5, vmax=len(ORDER) - 0.5, shading="nearest")
            if bad:
                b = np.array(bad)
                ax.plot(b[:, 0], b[:, 1], "x", color="k", ms=3, mew=0.6, label="RS untrusted (s<0 or replicon>1)")
            for kind, st in (("lR", dict(color="C1", ls="--", label="lR spinodal")),
                             ("gR", dict(color="C2", ls="-", label="gR boundary")),
                             ("SG", dict(color="C3", ls=":", label=r"P$\to$SG: $\lambda_c T^2$"))):
                pts = [(r["alpha"], r["T"]) for r in rows if r["panel"] == panel and r["series"] == kind
                       and np.isfinite(r["alpha"])]
                if pts:
                    pts = np.array(sorted(pts, key=lambda x: x[1]))
                    ax.plot(pts[:, 0], pts[:, 1], **st)
            if np.all(Z == ORDER.index("eR")):
                ax.text(0.5, 0.6, "aligned teacher ($T^*<T^*_c(p)$):\neR for every $\\alpha$, $T$",
                        transform=ax.transAxes, ha="center", fontsize=9)
            if panel == "NL":
                ax.axhline(meta["T_eR"], color="C0", lw=1.0, label=r"$T_{eR}=T^*_c(p)$")
                ax.set_title(f"(a) Nishimori line $T^*=T$, p = {meta['p']}")
            else:
                ax.axhline(meta["T_teacher"], color="k", lw=0.6, ls="-.", label=r"$T=T^*$")
                ax.set_title(f"(b) fixed teacher $T^*={meta['T_teacher']:g}$, p = {meta['p']}")
            if decorate is not None:
                decorate(ax, panel)
            ax.set_xlabel(r"load $\alpha = M p!/N^{p-1}$")
            ax.set_ylabel("student temperature $T$")
            ax.set_xlim(al.min(), al.max())
            ax.set_ylim(Ts.min(), Ts.max())
        handles, labels = [], []
        for ax in axes:
            h, l_ = ax.get_legend_handles_labels()
            for hh, ll in zip(h, l_):
                if ll not in labels:
                    handles.append(hh)
                    labels.append(ll)
        handles += [Patch(color=COLORS[k], label=k) for k in ORDER]
        labels += ORDER
        fig.legend(handles, labels, loc="lower center", ncol=6, fontsize=7, frameon=False)
        fig.tight_layout(rect=(0, 0.13, 1, 1))
    return save_figure(fig, out_dir, NAME)


def build(out_dir, size="quick", seed=0, p=3, T_teacher=2.0, simulate=True, workers=None) -> FigureOutput:
    """Theory phases; with ``simulate`` (and p = 3, the overlay's order) Metropolis points from
    planted and random starts are drawn on both panels (:func:`compare.overlays.ts_points`,
    written to ``NAME_simulation.csv`` and ``NAME-fixed_simulation.csv``)."""
    out_dir = Path(out_dir)
    rows, meta = compute(size, p=p, T_teacher=T_teacher)
    sim_files = []

    def decorate(ax, panel):
        if simulate and p == 3:
            from ..overlays import overlay

            if panel == "NL":
                f, _ = overlay("ts", ax, out_dir, NAME, size, seed, workers)
            else:
                f, _ = overlay("ts", ax, out_dir, f"{NAME}-fixed", size, seed, workers,
                               T_teacher=T_teacher)
            sim_files.extend(f)

    files = draw(rows, meta, out_dir, decorate) + sim_files
    csv = write_table(out_dir / f"{NAME}.csv", rows, seed=None,
                      description="dense teacher-student phase diagram (docs/theory/teacher_student_theory.md Sec. 4-7)",
                      parameters=dict(size=size, **meta))
    files += [csv, csv.with_suffix(".json")]
    s = (f"p={p}: lambda_sp={meta['lambda_sp']:.6f}, lambda_c={meta['lambda_c']:.6f}, "
         f"T_eR={meta['T_eR']:.6f}; T*={T_teacher:g}")
    return FigureOutput(files=files, summary=s)


def _add_arguments(parser):
    parser.add_argument("--p", type=int, default=3, help="interaction order p >= 3 (default 3)")
    parser.add_argument("--T-teacher", dest="T_teacher", type=float, default=2.0,
                        help="teacher temperature of panel (b) (default 2)")
    add_simulation_arguments(parser)


def _options(args):
    return {"p": args.p, "T_teacher": args.T_teacher, **simulation_options(args)}


FIGURE = Figure(name=NAME, help="dense teacher-student phase diagram (alpha, T): Nishimori line and fixed T*",
                build=build, add_arguments=_add_arguments, order=50, options_from_args=_options)
