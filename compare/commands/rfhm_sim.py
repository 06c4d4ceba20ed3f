"""``hopfield-phases simulate rfhm``: resumable sweeps of the RFHM magnetisation experiment.

Example (the workshop paper's Fig. 1 setting at N = 8000, 10 samples)::

    hopfield-phases simulate rfhm --N 8000 --alpha-D 0.005 --alpha 0.01:1:41:log \\
        --L-train 3 --L-test 3,5,7 --samples 10 --out runs/fig1_N8000.csv

Value lists (the one range type of the command line, :mod:`hopfield_phases._core.ranges`):
``a:b:n`` (n evenly spaced values from a to b), ``a:b:n:log`` (log-spaced), or a comma list ``0.1,0.2``.
``--N``, ``--alpha-D`` and ``--L-train`` accept lists too; the grid is their Cartesian product (alpha varies fastest).  Rerunning the same command resumes.
"""

from __future__ import annotations

from hopfield_phases._core.ranges import RANGE_HELP, range_type

from .output import add_sweep_arguments, check_sweep_arguments, command_line


def _L_list(text: str, name: str) -> list:
    out = []
    for x in str(text).split(","):
        x = x.strip()
        if not x:
            continue
        if x.lower() == "dense":
            out.append("dense")
        else:
            try:
                out.append(int(x))
            except ValueError:
                raise ValueError(f"{name}: expected integers or 'dense', got {x!r}") from None
    if not out:
        raise ValueError(f"{name}: empty list")
    return out


def _run(args) -> int:
    from hopfield_phases.montecarlo.rfhm import sweep

    check_sweep_arguments(args)
    Ns, alphas, alpha_Ds = args.N, args.alpha, args.alpha_D
    L_trains = _L_list(args.L_train, "--L-train")
    L_test = ",".join(str(x) for x in _L_list(args.L_test, "--L-test"))
    grid = []
    for N in Ns:
        for aD in alpha_Ds:
            for Lt in L_trains:
                for a in alphas:
                    p = {"N": N, "alpha_D": aD, "L_train": Lt, "L_test": L_test, "alpha": a,
                         "coefficients": args.coefficients, "tie": args.tie, "max_sweeps": args.max_sweeps}
                    if args.initial_overlap is not None:
                        p["initial_overlap"] = args.initial_overlap
                    grid.append(p)
    command = command_line()
    out = sweep(grid, args.samples, args.out, workers=args.workers, executor=args.executor,
                scheduler=args.scheduler, master_seed=args.seed, command=command,
                progress=not args.quiet)
    print(out)
    return 0


def register(groups) -> None:
    p = groups.simulate.add_parser(
        "rfhm",
        help="RFHM magnetisations mu, m_train, m_test vs alpha (zero-temperature dynamics)",
        description=(
            "Random-Features Hopfield Model, workshop-paper experiment: for each grid point and "
            "sample, build an instance (features, sparse/dense training examples), relax the "
            "feature f_1, the train example xi^1 and one fresh test example per L_test with exact "
            "zero-temperature asynchronous dynamics, and append mu, m_train, m_test_L, sweeps and "
            "converged flags to a CSV (JSON provenance sidecar next to it).  Rerunning the same "
            "command resumes and skips finished rows; the result does not depend on --workers."
        ),
        epilog="Value lists: a:b:n (linear), a:b:n:log (log-spaced) or comma lists.  Example: "
               "hopfield-phases simulate rfhm --N 8000 --alpha-D 0.005 --alpha 0.01:1:41:log "
               "--L-train 3 --L-test 3,5,7 --samples 10 --out runs/fig1_N8000.csv",
    )
    p.add_argument("--N", required=True, type=range_type("--N", int, positive=True),
                   help=f"number of neurons: {RANGE_HELP} (integers)")
    p.add_argument("--alpha", required=True, type=range_type("--alpha", positive=True),
                   help=f"load alpha = P/N: {RANGE_HELP}")
    p.add_argument("--alpha-D", dest="alpha_D", required=True, type=range_type("--alpha-D", positive=True),
                   help=f"feature density alpha_D = D/N: {RANGE_HELP}")
    p.add_argument("--L-train", dest="L_train", default="3",
                   help="nonzero coefficients per train example (int, comma list, or 'dense')")
    p.add_argument("--L-test", dest="L_test", default="3,5,7",
                   help="nonzero coefficients of the test examples, one start per value")
    p.add_argument("--samples", type=int, default=10, help="samples (instances) per grid point")
    p.add_argument("--out", required=True, metavar="FILE.csv",
                   help="output table: a CSV file (JSON provenance sidecar FILE.json beside it); "
                        "rerunning the same command resumes it")
    p.add_argument("--coefficients", choices=("sparse", "dense", "gaussian"), default="sparse",
                   help="train coefficients: sparse (L_train nonzero +-1), dense +-1, dense gaussian")
    p.add_argument("--tie", choices=("reference", "sign"), default="reference",
                   help="tie rule at h_i = 0: reference (flip, authors' code) or sign (s=+1)")
    p.add_argument("--max-sweeps", dest="max_sweeps", type=int, default=500, help="sweep cap")
    p.add_argument("--initial-overlap", dest="initial_overlap", type=float, default=None,
                   help="start from corrupted copies with this overlap (basin studies; "
                        "default: exact copies)")
    add_sweep_arguments(p)
    p.set_defaults(func=_run)
