"""Gather the agreement tables that figures write (``NAME_agreement.csv``) into one markdown file.

``write_report(out_dir)`` scans ``OUT/*/NAME_agreement.csv`` (the layout of ``reproduce``; a
table directly in ``OUT`` is also picked up) and writes ``OUT/report.md`` with, per figure:
the figure image link, the description and provenance (command, seed, commit) of the table,
a one-line summary (how many theory values fall inside the simulation intervals, the median
relative difference) and the table itself; then the wall times.
"""

from __future__ import annotations

import math
from pathlib import Path

from .datasets import read_table

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


def _md_table(rows: list[dict]) -> str:
    if not rows:
        return "_(no rows)_\n"
    keys: list[str] = []
    for r in rows:
        for k in r:
            if k not in keys:
                keys.append(k)
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
