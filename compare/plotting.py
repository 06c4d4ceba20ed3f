"""Shared plotting conventions: a paper-like style and deterministic PNG + PDF output.

No backend is chosen here (importing this module in a notebook keeps the notebook's backend);
the command line selects Agg itself (:mod:`hopfield_phases.compare.cli`).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": 10,
    "axes.labelsize": 11,
    "axes.titlesize": 11,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "lines.linewidth": 1.5,
    "axes.spines.top": True,
    "axes.spines.right": True,
    "xtick.direction": "in",
    "ytick.direction": "in",
    "xtick.top": True,
    "ytick.right": True,
    "mathtext.fontset": "cm",
    "font.family": "serif",
}


def new_figure(*args, **kwargs):
    """``plt.subplots`` under the toolkit's style."""
    with plt.rc_context(STYLE):
        return plt.subplots(*args, **kwargs)


def save_figure(fig, out_dir: str | Path, name: str) -> list[Path]:
    """Write ``NAME.png`` and ``NAME.pdf`` (no timestamps, so reruns are byte-stable)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    png, pdf = out_dir / f"{name}.png", out_dir / f"{name}.pdf"
    with plt.rc_context(STYLE):
        fig.savefig(png, metadata={"Software": None})
        fig.savefig(pdf, metadata={"CreationDate": None, "ModDate": None, "Producer": None})
    plt.close(fig)
    return [png, pdf]
