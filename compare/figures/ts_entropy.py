"""``ts-entropy``: entropy of the stable state over the (alpha, T) plane (the poster's first
benchmark, "the entropy is always positive"; ``docs/theory/teacher_student_theory.md`` Sec. 3.4, 5, 13 item 1).

Panels (p = 3): (a) Nishimori line, (b) fixed teacher T* = 2: color = entropy per spin of the
labelled (stable) state from :func:`theory.teacher_student.phase_diagram` (RS for P/lR/gR, 1RSB for
SG, 0 for the aligned-teacher eR), black contour s = 0, red crosses where s < 0 (only where RS
retrieval is AT-unstable or deep in the 1RSB SG at low T, doc Sec. 13 item 1).
(c) Why P never shows a negative entropy: along the NL, ``s_P = ln 2 - lambda/2`` becomes negative
only for ``lambda > 2 ln 2``, beyond ``lambda_c(p) < 2 ln 2`` where retrieval (gR) is already the
stable state; the entropy of the stable state (solid) stays positive, for p = 3, 4, 5, 10.  Off
the NL the same role is played by the 1RSB SG (RS-P would be negative there, dashed).

``NAME.csv``: the grids (``series=grid``) and the curves of panel (c) (``series=NL p=..``, ``s_P``).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from hopfield_phases._core.tables import write_table
from ..plotting import new_figure, save_figure
from . import Figure, FigureOutput

NAME = "ts-entropy"
GRID = {"tiny": 8, "quick": 36, "paper": 70}
NLAM = {"tiny": 12, "quick": 60, "paper": 120}
P_LIST = (3, 4, 5, 10)


def compute(size="quick", T_teacher=2.0):
    from hopfield_phases.theory import teacher_student as ts

    if size not in GRID:
        raise ValueError(f"size must be one of {list(GRID)}, got {size!r}")
    n = GRID[size]
    rows = []
    panels = {"NL": dict(T_teacher=None, alphas=np.linspace(0.25, 25.0, n), temps=np.linspace(0.5, 4.0, n)),
              "fixed": dict(T_teacher=T_teacher, alphas=np.linspace(0.25, 32.0, n), temps=np.linspace(0.3, 6.0, n))}
    for name, P in panels.items():
        d = ts.phase_diagram(3, P["alphas"], P["temps"], P["T_teacher"])
        for r in d.rows():
            rows.append(dict(panel=name, series="grid", alpha=r["alpha"], T=r["T"], lam=r["alpha"] / r["T"] ** 2,
                             label=r["label"], entropy=r["entropy"], replicon=r["replicon"],
                             rs_trusted=r["rs_trusted"]))
    # panel (c): along the NL at T = 2 (every p is misaligned there): entropy vs lambda
    lams = np.linspace(0.05, 3.0, NLAM[size])
    for p in P_LIST:
        for lam in lams:
            r = ts.solve(p, lam * 4.0, 2.0)
            rows.append(dict(panel="lambda", series=f"NL p={p}", alpha=lam * 4.0, T=2.0, lam=float(lam),
                             label=r.label, entropy=r.entropy, replicon=r.replicon, rs_trusted=r.rs_trusted))
    for lam in lams:
        rows.append(dict(panel="lambda", series="s_P", alpha=lam * 4.0, T=2.0, lam=float(lam), label="P",
                         entropy=math.log(2) - lam / 2, replicon=0.0, rs_trusted=True))
    meta = {"lambda_c": {p: ts.nishimori_thresholds(p)[1] for p in P_LIST}, "T_teacher": T_teacher}
    return rows, meta


def draw(rows, meta, out_dir: Path):
    import matplotlib.pyplot as plt
    from matplotlib.colors import TwoSlopeNorm

    from ..plotting import STYLE as RC

    fig, axes = new_figure(1, 3, figsize=(12.5, 3.9))
    with plt.rc_context(RC):
        for ax, panel, title in ((axes[0], "NL", "(a) entropy of the stable state, NL, p = 3"),
                                 (axes[1], "fixed", f"(b) same, fixed $T^*={meta['T_teacher']:g}$, p = 3")):
            g = [r for r in rows if r["panel"] == panel]
            al = np.array(sorted({r["alpha"] for r in g}))
            Ts = np.array(sorted({r["T"] for r in g}))
            S = np.full((Ts.size, al.size), np.nan)
            for r in g:
                S[np.searchsorted(Ts, r["T"]), np.searchsorted(al, r["alpha"])] = r["entropy"]
            vmax = max(np.nanmax(S), 1e-3)
            vmin = min(np.nanmin(S), -1e-3)
            m = ax.pcolormesh(al, Ts, S, cmap="RdBu_r", norm=TwoSlopeNorm(0.0, vmin, vmax), shading="nearest")
            if np.nanmin(S) < 0 < np.nanmax(S):
                ax.contour(al, Ts, S, levels=[0.0], colors="k", linewidths=0.8)
            neg = [(r["alpha"], r["T"]) for r in g if r["entropy"] < -1e-10]
            if neg:
                b = np.array(neg)
                ax.plot(b[:, 0], b[:, 1], "x", color="C3", ms=3, mew=0.7, label="s < 0")
                ax.legend(loc="upper right")
            fig.colorbar(m, ax=ax, label="entropy per spin $s$")
            ax.set_xlabel(r"load $\alpha$")
            ax.set_ylabel("student temperature $T$")
            ax.set_title(title, fontsize=9)
        cx = axes[2]
        c = [r for r in rows if r["panel"] == "lambda"]
        lamP = np.array([r["lam"] for r in c if r["series"] == "s_P"])
        sP = np.array([r["entropy"] for r in c if r["series"] == "s_P"])
        cx.plot(lamP, sP, "k--", lw=1.0, label=r"RS-P: $\ln 2-\lambda/2$")
        for k, p in enumerate(P_LIST):
            lam = np.array([r["lam"] for r in c if r["series"] == f"NL p={p}"])
            s = np.array([r["entropy"] for r in c if r["series"] == f"NL p={p}"])
            cx.plot(lam, s, color=f"C{k}", label=f"stable state, p = {p}")
            cx.axvline(meta["lambda_c"][p], color=f"C{k}", lw=0.6, ls=":")
        cx.axvline(2 * math.log(2), color="k", lw=0.6)
        cx.axhline(0.0, color="k", lw=0.6)
        cx.text(2 * math.log(2) + 0.03, 0.5, r"$2\ln 2$", fontsize=8)
        cx.set_xlabel(r"$\lambda=\alpha/T^2$ on the NL (dotted: $\lambda_c(p)$)")
        cx.set_ylabel("entropy per spin $s$")
        cx.set_title("(c) why: P is stable only for $\\lambda<\\lambda_c<2\\ln 2$", fontsize=9)
        cx.legend(loc="lower left", fontsize=7)
        fig.tight_layout()
    return save_figure(fig, out_dir, NAME)


def build(out_dir, size="quick", seed=0, T_teacher=2.0) -> FigureOutput:
    out_dir = Path(out_dir)
    rows, meta = compute(size, T_teacher)
    files = draw(rows, meta, out_dir)
    csv = write_table(out_dir / f"{NAME}.csv", rows, seed=None,
                      description="entropy of the stable state (docs/theory/teacher_student_theory.md Sec. 3.4, 5, 13.1)",
                      parameters=dict(size=size, T_teacher=T_teacher,
                                      lambda_c={str(k): v for k, v in meta["lambda_c"].items()}))
    files += [csv, csv.with_suffix(".json")]
    neg = [r for r in rows if r["panel"] in ("NL", "fixed") and r["entropy"] < -1e-10]
    nl_neg = [r for r in rows if r["panel"] in ("NL", "lambda") and r["series"] != "s_P" and r["entropy"] < -1e-10]
    return FigureOutput(files=files, summary=f"negative-entropy grid points: {len(neg)} (NL and NL curves: {len(nl_neg)})")


def _add_arguments(parser):
    parser.add_argument("--T-teacher", dest="T_teacher", type=float, default=2.0,
                        help="teacher temperature of panel (b) (default 2)")


FIGURE = Figure(name=NAME, help="entropy of the stable state over the (alpha, T) plane and why it stays >= 0",
                build=build, add_arguments=_add_arguments, order=70,
                options_from_args=lambda a: {"T_teacher": a.T_teacher})
