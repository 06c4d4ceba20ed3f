"""``hopfield-phases reproduce`` (the main job) and ``hopfield-phases report``."""

from __future__ import annotations

import time
from pathlib import Path

from .. import figures as _figures
from ..report import write_report


def _reproduce(args) -> int:
    reg = _figures.registry()
    names = args.only or list(reg)
    for n in names:
        _figures.get(n)  # validates names before any work
    out = Path(args.out)
    t_all = time.perf_counter()
    timings = {}
    for i, name in enumerate(names, 1):
        fig = reg[name]
        print(f"[{i}/{len(names)}] {name} (size={args.size}) ...", flush=True)
        t0 = time.perf_counter()
        result = fig.build(out / name, size=args.size, seed=args.seed)
        timings[name] = time.perf_counter() - t0
        for f in result.files:
            print(f"    {f}")
        print(f"    done in {timings[name]:.1f} s", flush=True)
    report = write_report(out, timings=timings)
    print(f"report: {report}")
    print(f"reproduce finished in {time.perf_counter() - t_all:.1f} s")
    return 0


def _report(args) -> int:
    path = write_report(Path(args.out))
    print(path)
    return 0


def register(groups) -> None:
    p = groups.root.add_parser(
        "reproduce",
        help="draw every figure (the main job) and write the agreement report",
        description="Draw every registered figure into OUT/NAME/ and gather the agreement "
        "tables into OUT/report.md.  Finished simulation rows are cached and reused.",
    )
    p.add_argument("--size", choices=_figures.SIZES, default="quick",
                   help="quick (default, < 15 min on 2 cores), paper (the papers' sizes) or tiny")
    p.add_argument("--only", nargs="+", metavar="NAME", help="draw only these figures")
    p.add_argument("--out", default="figures_out", help="output folder (default: figures_out)")
    p.add_argument("--seed", type=int, default=0, help="master seed (default: 0)")
    p.set_defaults(func=_reproduce)

    r = groups.root.add_parser(
        "report", help="gather the agreement tables of drawn figures into one markdown file",
        description="Collect OUT/*/NAME_agreement.csv into OUT/report.md.",
    )
    r.add_argument("--out", default="figures_out", help="folder that reproduce wrote (default: figures_out)")
    r.set_defaults(func=_report)
