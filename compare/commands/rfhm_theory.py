"""``hopfield-phases theory rfhm ...``: RS lines and saddle points of the RFHM (theory/rfhm.py).

Subcommands::

    learning-line     alpha_c(alpha_D)            (docs/theory/rfhm_theory.md Secs. 2.4, 2.8)
    mixture-spinodal  alpha_D^c(alpha, n)         (Secs. 2.4, 2.5, 2.8)
    mixture-line      alpha_c^(n)(alpha_D)        (inverse of the spinodal, Sec. 2.8)
    storage-line      alpha_s(alpha_D)            (Secs. 2.6, 2.8)
    solve             one saddle point (all order parameters)

Every subcommand prints CSV (default) or JSON (``--format json``).  ``--variant sq|lin|both``
selects the ``dpdh`` form (Sec. 2.3), ``--storage with_t|no_t|both`` the t switch (Sec. 2.6).
Lines that do not exist (e.g. the learning line above alpha_D = 0.137906) print ``nan``.
"""

from __future__ import annotations


from hopfield_phases.theory import rfhm

from .output import add_format_argument, add_range, emit


def _variants(v):
    return list(rfhm.VARIANTS) if v == "both" else [v]


def _storages(s):
    return list(rfhm.STORAGES) if s == "both" else [s]


def _add_grid(p, name, lo, hi, points, log=True):
    flag = "--" + name.replace("_", "-")
    add_range(p, flag, dest=name, default=f"{lo}:{hi}:{points}{':log' if log else ''}",
              positive=True, help=f"{name} values")


def _add_variant(p):
    p.add_argument("--variant", choices=("sq", "lin", "both"), default="sq",
                   help="dpdh form: sq (derived), lin (published PRL code), or both")


def _learning(args):
    rows = []
    for v in _variants(args.variant):
        for ad in args.alpha_D:
            rows.append({"alpha_D": ad, "variant": v, "alpha_c": rfhm.learning_transition(ad, v)})
    emit(rows, args)
    return 0


def _spinodal(args):
    rows = []
    for v in _variants(args.variant):
        for n in args.n:
            for a in args.alpha:
                rows.append({"alpha": a, "n": n, "variant": v,
                             "alpha_D_c": rfhm.mixture_spinodal(a, n, v)})
            if args.with_limit:
                rows.append({"alpha": "inf", "n": n, "variant": v,
                             "alpha_D_c": rfhm.alpha_inf_capacity(n)})
    emit(rows, args)
    return 0


def _mixture_line(args):
    rows = []
    for v in _variants(args.variant):
        for n in args.n:
            for ad in args.alpha_D:
                rows.append({"alpha_D": ad, "n": n, "variant": v,
                             "alpha_c": rfhm.mixture_transition(ad, n, v)})
    emit(rows, args)
    return 0


def _storage(args):
    rows = []
    for st in _storages(args.storage):
        for v in _variants(args.variant):
            for ad in args.alpha_D:
                rows.append({"alpha_D": ad, "storage": st, "variant": v,
                             "alpha_s": rfhm.storage_transition(ad, st, v)})
    emit(rows, args)
    return 0


def _solve(args):
    sol = rfhm.solve(args.alpha, args.alpha_D_value, T=args.T, state=args.state, n=args.n,
                     variant=args.variant, storage=args.storage, method=args.method)
    emit([sol.as_dict()], args)
    return 0


def register(groups) -> None:
    p = groups.theory.add_parser(
        "rfhm", help="random-features Hopfield model: learning, mixture and storage lines",
        description=__doc__.split("\n\n")[0] + " See docs/theory/rfhm_theory.md Sec. 2.",
    )
    sub = p.add_subparsers(dest="rfhm_command", metavar="LINE", required=True)

    q = sub.add_parser("learning-line", help="alpha_c(alpha_D): features become fixed points",
                       description="Learning line alpha_c(alpha_D) (T = 0, RS); nan above 0.137906.")
    _add_grid(q, "alpha_D", 0.002, 0.13, 20)
    _add_variant(q)
    add_format_argument(q)
    q.set_defaults(func=_learning)

    q = sub.add_parser("mixture-spinodal", help="alpha_D^c(alpha, n): n-mixtures exist below it",
                       description="Spinodal alpha_D^c(alpha, n) of symmetric n-mixtures of features.")
    _add_grid(q, "alpha", 0.05, 1000.0, 20)
    add_range(q, "--n", kind=int, default=[3, 5, 7], help="mixture orders (odd)")
    q.add_argument("--with-limit", action="store_true", help="add the alpha = inf (AGS) row")
    _add_variant(q)
    add_format_argument(q)
    q.set_defaults(func=_spinodal)

    q = sub.add_parser("mixture-line", help="alpha_c^(n)(alpha_D): inverse of the spinodal",
                       description="Load beyond which n-mixtures are stable; nan above alpha_n^c.")
    _add_grid(q, "alpha_D", 0.001, 0.025, 20)
    add_range(q, "--n", kind=int, default=[3, 5, 7], help="mixture orders (odd)")
    _add_variant(q)
    add_format_argument(q)
    q.set_defaults(func=_mixture_line)

    q = sub.add_parser("storage-line", help="alpha_s(alpha_D): stored examples stop being fixed points",
                       description="Storage line (T = 0, RS), with or without the latent overlap t.")
    _add_grid(q, "alpha_D", 0.001, 10.0, 20)
    q.add_argument("--storage", choices=("with_t", "no_t", "both"), default="with_t",
                   help="with_t (derived), no_t (published PRL), or both")
    _add_variant(q)
    add_format_argument(q)
    q.set_defaults(func=_storage)

    q = sub.add_parser("solve", help="one RS saddle point with all order parameters",
                       description="RS saddle point of the RFHM (theory.rfhm.solve).")
    q.add_argument("--alpha", type=float, required=True, help="load P/N")
    q.add_argument("--alpha-D", dest="alpha_D_value", type=float, required=True,
                   help="feature density D/N")
    q.add_argument("--T", type=float, default=0.0, help="temperature")
    q.add_argument("--state", choices=rfhm.STATES, default="feature", help="which state")
    q.add_argument("--n", type=int, default=1, help="mixture order (odd)")
    q.add_argument("--variant", choices=rfhm.VARIANTS, default="sq", help="dpdh form")
    q.add_argument("--storage", choices=rfhm.STORAGES, default="with_t", help="t switch")
    q.add_argument("--method", choices=("reduction", "iteration"), default="reduction",
                   help="solver")
    add_format_argument(q)
    q.set_defaults(func=_solve)
