"""``hopfield-phases simulate rfhm``: resumable sweeps of the RFHM magnetisation experiment.

Example (the workshop paper's Fig. 1 setting at N = 8000, 10 samples)::

    hopfield-phases simulate rfhm --N 8000 --alpha-D 0.005 --alpha 0.01:1:41:log \\
        --L-train 3 --L-test 3,5,7 --samples 10 --out runs/fig1_N8000.csv

Value lists: ``a:b:n`` (n evenly spaced values from a to b), ``a:b:n:log`` (log-spaced), or a
comma list ``0.1,0.2``.  ``--N``, ``--alpha-D`` and ``--L-train`` accept comma lists too; the grid
is their Cartesian product (alpha varies fastest).  Rerunning the same command resumes.
"""

from __future__ import annotations

import shlex
import sys

import numpy as np


def parse_values(text: str, name: str, kind=float) -> list:
    """Parse ``a:b:n[:log]`` or a comma list into a list of numbers (ValueError naming ``name``)."""
    text = str(text).strip()
    try:
        if ":" in text:
            parts = text.split(":")
            if len(parts) not in (3, 4) or (len(parts) == 4 and parts[3] not in ("log", "lin")):
                raise ValueError
            a, b, n = float(parts[0]), float(parts[1]), int(parts[2])
            if n < 1:
                raise ValueError
            if len(parts) == 4 and parts[3] == "log":
                if a <= 0 or b <= 0:
                    raise ValueError
                vals = np.geomspace(a, b, n)
            else:
                vals = np.linspace(a, b, n)
            vals = [float(v) for v in vals]
            if kind is int:
                vals = sorted({int(round(v)) for v in vals})
            return vals
        vals = [kind(x) for x in text.split(",") if x.strip()]
        if not vals:
            raise ValueError
        return vals
    except ValueError:
        raise ValueError(f"{name}: cannot parse {text!r}; use a:b:n, a:b:n:log or a comma list") from None


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

    Ns = parse_values(args.N, "--N", int)
    alphas = parse_values(args.alpha, "--alpha")
    alpha_Ds = parse_values(args.alpha_D, "--alpha-D")
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
    command = " ".join(["hopfield-phases", *map(shlex.quote, sys.argv[1:])])
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
    p.add_argument("--N", required=True, help="number of neurons (int or comma list)")
    p.add_argument("--alpha", required=True, help="load alpha = P/N: a:b:n[:log] or comma list")
    p.add_argument("--alpha-D", dest="alpha_D", required=True,
                   help="feature density alpha_D = D/N (value, a:b:n[:log] or comma list)")
    p.add_argument("--L-train", dest="L_train", default="3",
                   help="nonzero coefficients per train example (int, comma list, or 'dense'); default 3")
    p.add_argument("--L-test", dest="L_test", default="3,5,7",
                   help="nonzero coefficients of the test examples, one start per value (default 3,5,7)")
    p.add_argument("--samples", type=int, default=10, help="samples (instances) per grid point (default 10)")
    p.add_argument("--out", required=True, help="output CSV (sidecar OUT.json); resumed if it exists")
    p.add_argument("--coefficients", choices=("sparse", "dense", "gaussian"), default="sparse",
                   help="train coefficients: sparse (L_train nonzero +-1), dense +-1, dense gaussian")
    p.add_argument("--tie", choices=("reference", "sign"), default="reference",
                   help="tie rule at h_i = 0: reference (flip, authors' code; default) or sign (s=+1)")
    p.add_argument("--max-sweeps", dest="max_sweeps", type=int, default=500, help="sweep cap (default 500)")
    p.add_argument("--initial-overlap", dest="initial_overlap", type=float, default=None,
                   help="start from corrupted copies with this overlap (basin studies)")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="local process pool (default) or dask.distributed (optional extra)")
    p.add_argument("--scheduler", default=None, help="dask scheduler address (with --executor dask)")
    p.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_run)
