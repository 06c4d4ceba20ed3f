"""Gather the agreement tables that figures write (``NAME_agreement.csv``) into one markdown file.

``write_report(out_dir)`` scans ``OUT/*/NAME_agreement.csv`` (the layout of ``reproduce``; a
table directly in ``OUT`` is also picked up) and writes ``OUT/report.md`` with, per figure:
the figure image link, the description and provenance (command, seed, commit) of the table,
a one-line summary (how many theory values fall inside the simulation intervals, the median
relative difference) and the table itself; then the wall times.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from hopfield_phases._core.tables import read_table

#: columns shown first (in this order) when present; the others follow.
_FIRST = ["quantity", "simulation", "ci_low", "ci_high", "theory", "variant",
          "relative_difference", "theory_in_ci", "method", "N"]


def _cell(v) -> str:
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        return f"{v:.4g}"
    if v is None:
        return ""
    return str(v).replace("|", "\\|")


def _md_table(rows: list[dict], reorder: bool = True) -> str:
    if not rows:
        return "_(no rows)_\n"
    keys: list[str] = []
    for r in rows:
        for k in r:
            if k not in keys:
                keys.append(k)
    if reorder:
        keys = [k for k in _FIRST if k in keys] + [k for k in keys if k not in _FIRST]
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    for r in rows:
        lines.append("| " + " | ".join(_cell(r.get(k)) for k in keys) + " |")
    return "\n".join(lines) + "\n"


def summarize(rows: list[dict]) -> str:
    """One line: theory values inside the simulation intervals, median |relative difference|."""
    inside = [r.get("theory_in_ci") for r in rows if isinstance(r.get("theory_in_ci"), bool)]
    rel = [abs(r["relative_difference"]) for r in rows
           if isinstance(r.get("relative_difference"), float) and math.isfinite(r["relative_difference"])]
    parts = [f"{len(rows)} rows"]
    if inside:
        parts.append(f"theory inside the simulation interval in {sum(inside)}/{len(inside)}")
    if rel:
        rel.sort()
        med = rel[len(rel) // 2] if len(rel) % 2 else 0.5 * (rel[len(rel) // 2 - 1] + rel[len(rel) // 2])
        parts.append(f"median |relative difference| {med:.3g}")
    return "; ".join(parts) + "."


def write_report(out_dir: Path, timings: dict | None = None, *, total_seconds: float | None = None,
                 size: str | None = None, output: str | Path | None = None) -> Path:
    """Write the markdown report (default ``OUT/report.md``) and return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = Path(output) if output else out_dir / "report.md"
    parts = ["# hopfield-phases agreement report\n\n"]
    parts.append("Simulated transition locations (with bootstrap intervals over samples) against "
                 "the theory lines.  `relative_difference = (simulation - theory)/|theory|`; "
                 "`theory_in_ci` says whether the theory value lies inside the simulation "
                 "interval.\n")
    if size:
        parts.append(f"\nSize: `{size}`.\n")
    tables = sorted(set(out_dir.glob("*/*_agreement.csv")) | set(out_dir.glob("*_agreement.csv")))
    if not tables:
        parts.append("\n_No agreement tables found under this folder._\n")
    for table in tables:
        rows, meta = read_table(table)
        name = table.name[: -len("_agreement.csv")]
        parts.append(f"\n## {name}\n\n")
        png = table.with_name(f"{name}.png")
        if png.exists():
            rel = png.relative_to(path.parent) if png.is_relative_to(path.parent) else png
            parts.append(f"![{name}]({rel.as_posix()})\n\n")
        if meta.get("description"):
            parts.append(meta["description"] + "\n\n")
        prov = [f"{k}: `{meta[k]}`" for k in ("command", "seed", "git_commit", "date") if k in meta]
        if prov:
            parts.append("Provenance: " + ", ".join(prov) + ".\n\n")
        parts.append(summarize(rows) + "\n\n")
        parts.append(_md_table(rows))
    if timings:
        parts.append("\n## Wall time\n\n")
        trows = [{"figure": k, "seconds": round(float(v), 1)} for k, v in timings.items()]
        if total_seconds is not None:
            trows.append({"figure": "total", "seconds": round(float(total_seconds), 1)})
        parts.append(_md_table(trows))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(parts))
    return path


#: columns that say which point of the figure an agreement row is about (gallery labels); ``N``
#: is added when the table holds more than one N.
_CONTEXT = ("alpha_D", "L", "p", "path", "regime", "q0")
#: above this many rows, the gallery shows only the rows that have a theory value.
GALLERY_MAX_ROWS = 60


def _compact(rows: list[dict]) -> list[dict]:
    """Key columns of an agreement table; of the two crossing methods only the isotonic one.
    Each quantity is labelled with the context columns the row has (:data:`_CONTEXT`)."""
    out = []
    several_N = len({r.get("N") for r in rows if r.get("N") not in (None, "")}) > 1
    context = _CONTEXT + (("N",) if several_N else ())
    for r in rows:
        method = str(r.get("method", ""))
        if method.startswith("mean ") and any(str(o.get("method", "")).startswith("isotonic")
                                              and o.get("quantity") == r.get("quantity") for o in rows):
            continue
        sim, lo, hi = r.get("simulation"), r.get("ci_low"), r.get("ci_high")
        fmt = (lambda v: f"{v:.4g}" if isinstance(v, (int, float)) and math.isfinite(v) else "nan")
        name = str(r.get("quantity"))
        extra = ", ".join(f"{k}={r[k]}" for k in context if r.get(k) not in (None, "")
                          and f"{k}=" not in name)  # not twice: "D_gen at N=1000 (N=1000)"
        out.append({"quantity": name + (f" ({extra})" if extra else ""),
                    "simulation [interval]": f"{fmt(sim)} [{fmt(lo)}, {fmt(hi)}]",
                    "theory": fmt(r.get("theory")), "variant": r.get("variant", ""),
                    "rel. diff.": fmt(r.get("relative_difference")),
                    "theory in interval": r.get("theory_in_ci", "")})
    return out


def write_gallery(out_dir: Path, gallery: str | Path, images: str | Path | None = None,
                  size: str = "quick", names: list[str] | None = None, *,
                  copy_tables: bool = False, timings: dict | None = None) -> Path:
    """The figure gallery (markdown): every ``OUT/NAME/NAME.png`` copied to ``images``
    (default: ``figures/`` next to the gallery file), with the command that draws it, its
    description and its agreement numbers (compact form).  ``names`` fixes the order
    (default: the figure registry's order).  ``copy_tables``: also copy each figure's
    ``NAME_agreement.csv`` (and its ``.json``) beside its image.  ``timings``: the entries of
    ``OUT/timings.json``; a last section tabulates, per figure, the estimated and measured wall
    time and peak memory."""
    import shutil

    from .figures import registry

    out_dir, gallery = Path(out_dir), Path(gallery)
    images = Path(images) if images else gallery.parent / "figures"
    images.mkdir(parents=True, exist_ok=True)
    reg = registry()
    names = names or [n for n in reg if (out_dir / n / f"{n}.png").exists()]
    missing = [n for n in reg if n not in names]
    title = "Figure gallery" if size == "quick" else f"Figure gallery, size `{size}`"
    img_rel = os.path.relpath(images, gallery.parent)
    gal_rel = gallery.as_posix() if not gallery.is_absolute() else gallery.name
    extra = ""
    if size != "quick":
        extra = " --images " + images.as_posix() if images != gallery.parent / "figures" else ""
        extra += f" --size {size} --copy-tables"
    parts = [f"# {title}\n\n",
             f"Every figure of `hopfield-phases`, drawn at size `{size}` by\n\n"
             f"```bash\nhopfield-phases reproduce --size {size}\n```\n\n"
             "(one figure: `hopfield-phases figure NAME --size " + size + "`; redraw from a stored table: "
             "`hopfield-phases figure NAME --from-csv OUT/NAME/NAME.csv` for the simulation "
             "figures).  Each figure folder also holds `NAME.pdf`, `NAME.csv` (everything "
             "plotted), `NAME.json` (provenance) and, where simulation meets theory, "
             "`NAME_agreement.csv`.  Intervals: transition crossings, 68 % bootstrap over "
             "samples; `N->inf` rows, 95 % interval of a straight-line fit in 1/N; D_gen rows, "
             "mean +- standard error over groups; slopes, 68 % t-interval; ts-landscape, 68 % "
             "block bootstrap over sweeps.  `rel. diff.` = (simulation - theory)/|theory|; the "
             "full tables (methods, sample counts) are in each figure's `NAME_agreement.csv` and "
             f"in `OUT/report.md`.\n\nThis page and `{images.as_posix() if not images.is_absolute() else Path(img_rel).as_posix()}/` are regenerated by "
             f"`hopfield-phases reproduce --size {size} --out figures_out && hopfield-phases "
             f"report --out figures_out --gallery {gal_rel}{extra}`.\n"]
    if missing:
        parts.append(f"\n**Not in this set yet** (no `OUT/NAME/NAME.png` at size `{size}`): "
                     + ", ".join(f"`{n}`" for n in missing) + ".\n")
    for name in names:
        png = out_dir / name / f"{name}.png"
        if not png.exists():
            continue
        shutil.copyfile(png, images / png.name)
        rel = os.path.relpath(images / png.name, gallery.parent)
        fig = reg.get(name)
        parts.append(f"\n## {name}\n\n")
        if fig is not None:
            parts.append(fig.help + "\n\n")
        parts.append(f"```bash\nhopfield-phases figure {name} --size {size}\n```\n\n")
        parts.append(f"![{name}]({Path(rel).as_posix()})\n\n")
        table = out_dir / name / f"{name}_agreement.csv"
        if table.exists() and copy_tables:
            for f in (table, table.with_suffix(".json")):
                if f.exists():
                    shutil.copyfile(f, images / f.name)
            rel_t = os.path.relpath(images / table.name, gallery.parent)
            parts.append(f"Full agreement table: [`{table.name}`]({Path(rel_t).as_posix()}).\n\n")
        if table.exists():
            rows, meta = read_table(table)
            parts.append("Agreement (" + summarize(rows).rstrip(".") + "):\n\n")
            shown = rows
            if len(rows) > GALLERY_MAX_ROWS:
                shown = [r for r in rows if isinstance(r.get("theory"), (int, float))
                         and math.isfinite(r["theory"])]
                parts.append(f"Shown: the {len(shown)} rows with a theory value; the other "
                             f"{len(rows) - len(shown)} (simulation only) are in the full table.\n\n")
            parts.append(_md_table(_compact(shown), reorder=False))
        else:
            parts.append("_Pure theory figure (no simulation in it)._\n")
    if timings:
        parts.append(_cost_section(timings, size))
    gallery.parent.mkdir(parents=True, exist_ok=True)
    gallery.write_text("".join(parts))
    return gallery


def _cost_section(timings: dict, size: str) -> str:
    """Markdown table: per figure of this size, estimated and measured wall time and peak memory."""
    from .cost_model import format_seconds, timing_peak_mb

    rows = []
    total = 0.0
    for name, t in timings.items():
        if not isinstance(t, dict) or t.get("size") != size:
            continue
        mem = timing_peak_mb(t)
        est = t.get("estimated_seconds")
        est_mem = t.get("estimated_peak_mem_mb")
        total += float(t["seconds"])
        rows.append({"figure": name, "estimated wall": format_seconds(est) if est is not None else "-",
                     "measured wall": format_seconds(float(t["seconds"])),
                     "estimated peak MB": f"{est_mem:.0f}" if est_mem is not None else "-",
                     "measured peak MB": f"{mem:.0f}" if mem is not None else "-",
                     "date": str(t.get("date", "")) or "-"})
    if not rows:
        return ""
    rows.append({"figure": "total (sum)", "estimated wall": "", "measured wall": format_seconds(total),
                 "estimated peak MB": "", "measured peak MB": "", "date": ""})
    return ("\n## Cost of this set\n\nWall time and peak resident memory of each figure as run "
            "(`OUT/timings.json`), beside the estimate printed before the run (`-`: the figure had no "
            "cost model then).\n\n" + _md_table(rows, reorder=False))
