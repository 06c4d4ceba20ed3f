"""Fig. 2 (bottom) of [W]: T = 0 RS phase diagram of the dense RFHM in the (alpha, alpha_D) plane.

Lines (theory/rfhm.py; docs/theory/rfhm_theory.md Secs. 2.4-2.8):

* learning line ``alpha_D^c(alpha, 1)``: features are fixed points below it (to its right);
* mixture spinodals ``alpha_D^c(alpha, n)`` for n = 3, 5, 7: symmetric n-mixtures of features
  (test examples with L_test = n) are fixed points below them -- the lines [W] conjectures;
* storage line ``alpha_s(alpha_D)``: stored examples are fixed points to its left
  (with-t, derived; no-t, the published [PRL] convention);
* thin dotted horizontals: the alpha -> infinity limits, the AGS capacities alpha_n^c.

``--variant sq|lin|both`` (default both; 'lin' dashed) and ``--storage with_t|no_t|both``.
Pure theory: no agreement table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hopfield_phases._core.tables import write_table
from hopfield_phases.compare.figures import Figure, FigureOutput
from hopfield_phases.compare.plotting import new_figure, save_figure
from hopfield_phases.compare.figures._common import add_simulation_arguments, simulation_options
from hopfield_phases.theory import rfhm

NAME = "rfhm-phase-diagram"
_POINTS = {"tiny": 10, "quick": 60, "paper": 160}
_COLORS = {1: "tab:blue", 3: "tab:red", 5: "tab:purple", 7: "tab:brown"}
_ALPHA_RANGE = (0.01, 1e3)


def build(out_dir, size="quick", seed=0, variant="both", storage="both", orders=(3, 5, 7),
          simulate=True, workers=None):
    if variant not in ("sq", "lin", "both"):
        raise ValueError(f"variant must be 'sq', 'lin' or 'both', got {variant!r}")
    if storage not in ("with_t", "no_t", "both", "none"):
        raise ValueError(f"storage must be 'with_t', 'no_t', 'both' or 'none', got {storage!r}")
    if size not in _POINTS:
        raise ValueError(f"size must be one of {list(_POINTS)}, got {size!r}")
    out_dir = Path(out_dir)
    npts = _POINTS[size]
    variants = ["sq", "lin"] if variant == "both" else [variant]
    storages = {"both": ["with_t", "no_t"], "none": []}.get(storage, [storage])
    alphas = np.geomspace(*_ALPHA_RANGE, npts)
    rows = []
    fig, ax = new_figure(figsize=(7.6, 3.9))
    for n in (1, *orders):
        for v in variants:
            ad = np.array([rfhm.mixture_spinodal(a, n, v) for a in alphas])
            label = ("learning line" if n == 1 else f"{n}-mixtures") + f" ({v})"
            ax.plot(alphas, ad, color=_COLORS.get(n, "k"), ls="-" if v == "sq" else "--",
                    lw=1.5 if v == "sq" else 1.1, label=label)
            rows += [{"line": "learning" if n == 1 else "mixture", "n": n, "variant": v,
                      "storage": "", "alpha": a, "alpha_D": d} for a, d in zip(alphas, ad)]
        cap = rfhm.alpha_inf_capacity(n)
        ax.axhline(cap, color=_COLORS.get(n, "k"), lw=0.6, ls=":")
        rows.append({"line": "alpha_inf_limit", "n": n, "variant": "", "storage": "",
                     "alpha": float("inf"), "alpha_D": cap})
    ad_grid = np.geomspace(1e-3, 0.16, max(npts // 2, 6))
    for st in storages:
        a_s = np.array([rfhm.storage_transition(d, st) for d in ad_grid])
        ax.plot(a_s, ad_grid, color="tab:orange", ls="-" if st == "with_t" else "-.",
                lw=1.3, label=f"storage line ({st.replace('_', '-')})")
        rows += [{"line": "storage", "n": 1, "variant": "sq", "storage": st, "alpha": a,
                  "alpha_D": d} for a, d in zip(a_s, ad_grid)]
    sim_files, agreement = [], []
    if simulate:
        from hopfield_phases.compare.overlays import overlay

        sim_files, agreement = overlay("rfhm", ax, out_dir, NAME, size, seed, workers)
    ax.set_xscale("log")
    ax.set_xlim(5e-3 if simulate else _ALPHA_RANGE[0], _ALPHA_RANGE[1])
    ax.set_ylim(0.0, 0.15)
    ax.set_xlabel(r"$\alpha = P/N$")
    ax.set_ylabel(r"$\alpha_D = D/N$")
    ax.set_title("RFHM, T = 0, RS: learning, mixture and storage lines", fontsize=9)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=7, ncol=1)
    fig.subplots_adjust(right=0.64)
    files = save_figure(fig, out_dir, NAME)
    csv = write_table(out_dir / f"{NAME}.csv", rows, command=f"hopfield-phases figure {NAME}",
                      seed=None, description="[W] Fig. 2 bottom: RS T=0 lines of the RFHM",
                      parameters={"size": size, "variant": variant, "storage": storage,
                                  "orders": list(orders)})
    files += [csv, csv.with_suffix(".json")] + list(sim_files)
    summary = "; ".join(f"alpha_D^c(alpha=inf, n={n}) = {rfhm.alpha_inf_capacity(n):.6f}"
                        for n in (1, *orders))
    return FigureOutput(files=files, agreement=agreement, summary=summary)


def _add_arguments(p):
    p.add_argument("--variant", choices=("sq", "lin", "both"), default="both",
                   help="dpdh form: sq (solid), lin (dashed), or both (default)")
    p.add_argument("--storage", choices=("with_t", "no_t", "both", "none"), default="both",
                   help="storage line(s) to draw (default both)")
    add_simulation_arguments(p)


def _options(args):
    return {"variant": args.variant, "storage": args.storage, **simulation_options(args)}


def _estimate(size, workers=None):
    from ..overlays import rfhm_estimate

    return rfhm_estimate(size, workers)


FIGURE = Figure(name=NAME, help="[W] Fig. 2 bottom: learning line, n = 3, 5, 7 mixture lines and "
                "storage lines of the RFHM in the (alpha, alpha_D) plane (RS, T = 0)",
                build=build, add_arguments=_add_arguments, order=20,
                options_from_args=_options, estimate=_estimate)
