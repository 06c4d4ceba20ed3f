"""Gather the agreement tables that figures write (``NAME_agreement.csv``) into one markdown file."""

from __future__ import annotations

from pathlib import Path

from .datasets import read_table


def _md_table(rows: list[dict]) -> str:
    if not rows:
        return "_(no rows)_\n"
    keys = list(rows[0].keys())
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    for r in rows:
        cells = []
        for k in keys:
            v = r.get(k)
            cells.append(f"{v:.4g}" if isinstance(v, float) else str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_report(out_dir: Path, timings: dict | None = None) -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    parts = ["# hopfield-phases agreement report\n"]
    for table in sorted(out_dir.glob("*/*_agreement.csv")):
        rows, meta = read_table(table)
        name = table.name[: -len("_agreement.csv")]
        parts.append(f"\n## {name}\n\n")
        if meta.get("description"):
            parts.append(meta["description"] + "\n\n")
        parts.append(_md_table(rows))
    if timings:
        parts.append("\n## Wall time\n\n")
        parts.append(_md_table([{"figure": k, "seconds": round(v, 1)} for k, v in timings.items()]))
    path = out_dir / "report.md"
    path.write_text("".join(parts))
    return path
