"""``hopfield-phases theory hopfield``: the AGS phase diagram of the standard Hopfield model.

Prints the lines T_g, T_M, T_c and the mixture lines T_n (``theory.hopfield.phase_diagram``)
as tidy rows ``line, n, alpha, T, binding``; or the key numbers (``--summary``); or one saddle
point (``--solve ALPHA T``).  CSV by default, JSON with ``--format json``.
"""

from __future__ import annotations


import numpy as np

from hopfield_phases._core.ranges import parse_range

from .output import OUT_TABLE_HELP, add_format_argument, add_range, print_rows

_LINE_CHOICES = ("spin_glass", "retrieval_spinodal", "retrieval_global", "mixture")


def _alphas(args):
    if args.alphas is not None and args.alpha_grid is not None:
        raise ValueError("alphas: give either --alphas or --alpha-grid, not both")
    if args.alphas is not None:
        if any(a < 0 for a in args.alphas):
            raise ValueError(f"--alphas must be >= 0, got {args.alphas}")
        return np.asarray(args.alphas, dtype=float)
    if args.alpha_grid is not None:  # the same grammar as START:STOP:NUM
        start, stop, num = args.alpha_grid
        if not float(num).is_integer():
            raise ValueError(f"alpha-grid: NUM must be a positive integer, got {num!r}")
        vals = parse_range(f"{start!r}:{stop!r}:{int(num)}", "--alpha-grid", nonnegative=True)
        return np.asarray(vals, dtype=float)
    return None


def _run(args) -> int:
    from hopfield_phases.theory import hopfield as H

    if args.solve is not None:
        alpha, T = args.solve
        st = H.solve(alpha, T, n=args.n[0] if args.n else 1, state=args.state)
        print_rows([st.as_dict()], args.format)
        return 0
    if args.summary:
        n_list = tuple(args.n) if args.n else (3, 5, 7)
        rows = [
            {"quantity": "alpha_c", "n": 1, "value": H.capacity(1)},
            {"quantity": "m_c", "n": 1, "value": H.capacity_overlap(1)},
            {"quantity": "alpha_g", "n": 1, "value": H.alpha_g()},
        ]
        for n in n_list:
            rows.append({"quantity": "capacity", "n": n, "value": H.capacity(n)})
            rows.append({"quantity": "m_c", "n": n, "value": H.capacity_overlap(n)})
            if n > 1:
                rows.append({"quantity": "T_zero_load", "n": n,
                             "value": H.mixture_temperature_zero_load(n)})
        print_rows(rows, args.format)
        return 0
    if args.points < 2:
        raise ValueError(f"points must be >= 2, got {args.points}")
    diagram = H.phase_diagram(alphas=_alphas(args), lines=tuple(args.lines),
                              n_list=tuple(args.n) if args.n else (3, 5, 7), points=args.points)
    rows = diagram.rows()
    if args.out:
        from hopfield_phases._core.tables import write_table

        path = write_table(
            args.out, rows, command=_command(args), seed=None,
            description="AGS replica-symmetric lines of the standard Hopfield model "
                        "(docs/theory/rfhm_theory.md Sec. 3): one row per point, columns line (T_g, T_M, T_c, "
                        "T_n), n, alpha, T, binding (formula | fold | asym | free_energy).",
            columns={"line": "line name", "n": "mixture order (1: retrieval)",
                     "alpha": "load P/N", "T": "temperature (units of the Hebb coupling)",
                     "binding": "what defines the point: formula (T_g), fold (existence "
                                "limit), asym (lambda_asym = 0), free_energy (f_ret = f_SG)"},
            key_points={k: float(v) for k, v in diagram.points.items()},
            parameters={"lines": list(args.lines), "n_list": list(args.n or (3, 5, 7)),
                        "points": args.points},
        )
        print(path)
        return 0
    print_rows(rows, args.format)
    return 0


def _command(args) -> str:
    parts = ["hopfield-phases", "theory", "hopfield", "--lines", *args.lines, "--points",
             str(args.points)]
    if args.n:
        parts += ["--n", *map(str, args.n)]
    if args.alphas is not None:
        parts += ["--alphas", *map(repr, args.alphas)]
    if args.alpha_grid is not None:
        parts += ["--alpha-grid", *map(repr, args.alpha_grid)]
    if args.out:
        parts += ["--out", str(args.out)]
    return " ".join(parts)


def register(groups) -> None:
    p = groups.theory.add_parser(
        "hopfield",
        help="AGS replica-symmetric phase diagram of the standard Hopfield model",
        description=(
            "Lines of the AGS phase diagram (docs/theory/rfhm_theory.md Sec. 3): T_g = 1 + sqrt(alpha) "
            "(spin_glass), the retrieval spinodal T_M (retrieval_spinodal), the line T_c where "
            "retrieval becomes the global minimum (retrieval_global) and the stability lines T_n "
            "of symmetric n-mixtures (mixture).  Default: every line traced with --points "
            "points in T; --alphas / --alpha-grid evaluate T(alpha) at given loads instead "
            "(nan where a line does not exist).  --summary prints alpha_c, m_c, alpha_g, the "
            "capacities alpha_n^c and T_n(alpha=0); --solve ALPHA T prints one saddle point."
        ),
    )
    p.add_argument("--lines", nargs="+", choices=_LINE_CHOICES, default=list(_LINE_CHOICES),
                   metavar="LINE", help=f"lines to compute, from {', '.join(_LINE_CHOICES)}")
    add_range(p, "--n", kind=int, help="odd mixture orders for the mixture lines (default: 3 5 7); "
              "with --solve the first is the state's n")
    p.add_argument("--points", type=int, default=60, help="points per line when tracing")
    add_range(p, "--alphas", nonnegative=True,
              help="evaluate every line at these loads (default: trace the lines)")
    p.add_argument("--alpha-grid", nargs=3, type=float, metavar=("START", "STOP", "NUM"),
                   help="evaluate every line on numpy.linspace(START, STOP, NUM), the same as "
                        "--alphas START:STOP:NUM (default: trace the lines)")
    p.add_argument("--summary", action="store_true",
                   help="print the key numbers instead of the lines")
    p.add_argument("--solve", nargs=2, type=float, metavar=("ALPHA", "T"),
                   help="print the saddle point at (ALPHA, T) instead of the lines")
    p.add_argument("--state", choices=("retrieval", "spin_glass", "paramagnet"),
                   default="retrieval", help="state for --solve")
    p.add_argument("--out", metavar="FILE.csv", default=None, help=OUT_TABLE_HELP)
    add_format_argument(p, out=False)
    p.set_defaults(func=_run)
