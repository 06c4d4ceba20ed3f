"""``hopfield-phases simulate rfhm-degree``: the degree-resolved RFHM experiment
(docs/theory/rfhm_sparse_theory.md Sec. 6; :mod:`montecarlo.rfhm_degree`) and
``hopfield-phases theory rfhm-sparse``: the degree-resolved theory (:mod:`theory.rfhm_sparse`).

Examples::

    hopfield-phases simulate rfhm-degree --N 8000 --alpha 0.03:0.07:9 --alpha-D 0.005 \\
        --L 3 --features 32 --samples 4 --out runs/degree_N8000.csv
    hopfield-phases theory rfhm-sparse --alpha-D 0.005 --L 3 --n 18:34:17

The simulation CSV has one row per (grid point, sample) with the per-feature degrees and
final overlaps as ``;``-joined lists (columns documented in :mod:`montecarlo.rfhm_degree`);
``hopfield-phases figure rfhm-sparse-degree`` and :mod:`compare.sparse_scaling` reduce it.
"""

from __future__ import annotations

import shlex
import sys

from hopfield_phases._core.ranges import RANGE_HELP, parse_range

from .output import add_sweep_arguments, check_sweep_arguments


def _L_list(text):
    out = []
    for x in str(text).split(","):
        x = x.strip()
        if not x:
            continue
        if x.lower() == "dense":
            out.append("dense")
        else:
            out.extend(parse_range(x, "--L", int))
    if not out:
        raise ValueError("--L: empty list")
    return out


def _simulate(args) -> int:
    from hopfield_phases.montecarlo.rfhm_degree import degree_sweep

    check_sweep_arguments(args)
    grid = []
    for N in parse_range(args.N, "--N", int):
        for aD in parse_range(args.alpha_D, "--alpha-D", positive=True):
            for L in _L_list(args.L):
                for a in parse_range(args.alpha, "--alpha", positive=True):
                    p = {"N": N, "alpha_D": aD, "L": L, "alpha": a, "features": args.features,
                         "tie": args.tie, "max_sweeps": args.max_sweeps}
                    if args.train_starts:
                        p["train_starts"] = args.train_starts
                    if args.test_starts:
                        p["test_starts"] = args.test_starts
                        p["L_test"] = args.L_test
                    grid.append(p)
    command = " ".join(["hopfield-phases", *map(shlex.quote, sys.argv[1:])])
    out = degree_sweep(grid, args.samples, args.out, workers=args.workers, master_seed=args.seed,
                       command=command, progress=not args.quiet)
    print(out)
    return 0


def _theory(args) -> int:
    from hopfield_phases._core.tables import csv_line
    from hopfield_phases.theory import rfhm_sparse as sp

    aD = float(args.alpha_D)
    L = int(args.L)
    if args.alpha is not None:
        sys.stdout.write(csv_line(["alpha", "alpha_D", "L", "vote", "n_c", "mean_mu"]))
        for a in parse_range(args.alpha, "--alpha", positive=True):
            nc = sp.critical_degree(a, aD, L, vote=args.vote)
            mu = sp.mean_feature_magnetization(a, aD, L, vote=args.vote)
            sys.stdout.write(csv_line([a, aD, L, args.vote, nc, mu]))
        return 0
    ns = parse_range(args.n, "--n", int)
    sys.stdout.write(csv_line(["n", "alpha_D", "L", "vote", "alpha_star"]))
    for n, a in zip(ns, sp.alpha_star_table(ns, aD, L, vote=args.vote)):
        sys.stdout.write(csv_line([n, aD, L, args.vote, a]))
    return 0


def register(groups) -> None:
    p = groups.simulate.add_parser(
        "rfhm-degree",
        help="RFHM feature retrieval resolved by feature degree (sparse theory test)",
        description=(
            "Degree-resolved RFHM experiment: per network, relax the first FEATURES features in "
            "one batch with exact zero-temperature dynamics and record for each its degree n_k "
            "(number of train examples containing it) and its final overlap mu_k.  Resumable CSV, "
            "one row per (grid point, sample); independent of --workers."
        ),
        epilog=f"Ranges: {RANGE_HELP}.",
    )
    p.add_argument("--N", required=True, help="neurons (int, range or comma list)")
    p.add_argument("--alpha", required=True, help=f"load alpha = P/N ({RANGE_HELP})")
    p.add_argument("--alpha-D", dest="alpha_D", required=True, help="feature density alpha_D = D/N")
    p.add_argument("--L", default="3", help="nonzero coefficients per train example (ints or 'dense'); default 3")
    p.add_argument("--features", type=int, default=32, help="start features per network (default 32, at most D)")
    p.add_argument("--train-starts", dest="train_starts", type=int, default=0,
                   help="also relax the first K train examples (default 0)")
    p.add_argument("--test-starts", dest="test_starts", type=int, default=0,
                   help="also relax K fresh test examples (default 0)")
    p.add_argument("--L-test", dest="L_test", type=int, default=3, help="features per test example (default 3)")
    p.add_argument("--samples", type=int, default=4, help="networks per grid point (default 4)")
    p.add_argument("--out", required=True, metavar="FILE.csv",
                   help="output table: a CSV file (JSON provenance sidecar FILE.json beside it); "
                        "rerunning the same command resumes it")
    p.add_argument("--tie", choices=("reference", "sign"), default="reference", help="tie rule (default reference)")
    p.add_argument("--max-sweeps", dest="max_sweeps", type=int, default=500, help="sweep cap (default 500)")
    add_sweep_arguments(p, executor=False)
    p.set_defaults(func=_simulate)

    t = groups.theory.add_parser(
        "rfhm-sparse",
        help="sparse-coefficient RFHM: fold alpha*(n), critical degree, mean overlap (CSV)",
        description=(
            "Degree-resolved T = 0 theory of the sparse RFHM (docs/theory/rfhm_sparse_theory.md): with --n, "
            "the fold alpha*(n) per degree; with --alpha, the critical degree n_c(alpha) and the "
            "N = infinity mean feature overlap (Poisson mixture)."
        ),
        epilog=f"Ranges: {RANGE_HELP}.",
    )
    t.add_argument("--alpha-D", dest="alpha_D", type=float, default=0.005, help="alpha_D (default 0.005)")
    t.add_argument("--L", type=int, default=3, help="odd L (default 3)")
    t.add_argument("--n", default="18:34:17", help="degrees for alpha*(n) (default 18:34:17)")
    t.add_argument("--alpha", default=None, help="loads for n_c and <mu> (instead of --n)")
    t.add_argument("--vote", choices=("exact", "gaussian"), default="exact", help="vote law (default exact)")
    t.set_defaults(func=_theory)

    s = groups.root.add_parser(
        "sparse-scaling",
        help="finite-size scaling of rfhm-degree CSVs vs the sparse theory (table)",
        description=(
            "Reduce CSVs of 'simulate rfhm-degree': per (L, alpha_D, N) the misclassification rate "
            "of the theory step 1[n >= n_c(alpha)] and the mean-mu 0.9-crossing with bootstrap "
            "intervals over networks, and their extrapolation in 1/N (compare.sparse_scaling)."
        ),
    )
    s.add_argument("csv", nargs="+", help="CSV files of simulate rfhm-degree")
    s.add_argument("--out", default=None, metavar="FILE.csv",
                   help="output table: a CSV file (JSON provenance sidecar FILE.json beside it); "
                        "default: print to stdout")
    s.add_argument("--per-degree", dest="per_degree", default=None,
                   help="with --out: also write P(retrieved | n) per (L, alpha_D, N, alpha, n) here")
    s.add_argument("--n-boot", dest="n_boot", type=int, default=1000, help="bootstrap replicas (default 1000)")
    s.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    s.add_argument("--no-theory", dest="no_theory", action="store_true", help="simulation columns only")
    s.set_defaults(func=_scaling)


def _scaling(args) -> int:
    from hopfield_phases.compare import sparse_scaling

    return sparse_scaling.main(args)
