"""``hopfield-phases theory ts ...``: dense teacher-student replica theory (CSV or JSON).

Physics: ``docs/theory/teacher_student_theory.md`` (theory.teacher_student, theory.teacher,
theory.teacher_student.spin_glass, .example_retrieval, .pprime).

Examples::

    hopfield-phases theory ts point --p 3 --alpha 5 --T 2                # Nishimori line
    hopfield-phases theory ts point --p 3 --alpha 3,6 --T 1 --T-teacher 2 --format json
    hopfield-phases theory ts thresholds --p 3,4,5,10
    hopfield-phases theory ts boundary --p 3 --kind gR --T-teacher 2 --T 1 1.5 2.5
    hopfield-phases theory ts teacher --p 3 4 5 10
    hopfield-phases theory ts rN --p 3 --T-teacher 2 2.5 3 --N 50 100 200
    hopfield-phases theory ts diagram --p 3 --alpha 0.5:20:5 --T 0.5:4:5 --T-teacher 2
    hopfield-phases theory ts zero-t --p 3 --alpha 6 --T-teacher 2
    hopfield-phases theory ts landscape --p 3 --alpha 4.7136 --T 2 --q-star 0:0.95:20
    hopfield-phases theory ts diagram --p 3 --alpha 0:4:11 --T 0.4:4:10 --T-teacher 1.5 \
        --competitor rs-paramagnet --sg rs-existence --eR-definition memorization   # the paper's Fig. 5
"""

from __future__ import annotations

import math

import numpy as np

from .output import add_format_argument, add_range, emit


def _point(args):
    from hopfield_phases.theory import teacher_student as ts

    rows = []
    for a in args.alpha:
        for T in args.T:
            r = ts.solve(args.p, a, T, args.T_teacher, interaction=args.interaction,
                         eR_definition=args.eR_definition, competitor=args.competitor, sg=args.sg)
            rows.append(r.as_row())
    emit(rows, args)
    return 0


def _thresholds(args):
    from hopfield_phases.theory import teacher_student as ts

    rows = []
    for p in args.p:
        ls, lc = ts.nishimori_thresholds(p)
        qa, qb = ts.nishimori_overlaps(p)
        TeR = ts.eR_temperature(p)
        rows.append({"p": p, "lambda_sp": ls, "lambda_c": lc, "q_star_sp": qa, "q_star_c": qb,
                     "T_d": 1 / math.sqrt(2 * ls), "T_s": 1 / math.sqrt(2 * lc), "T_eR": TeR,
                     "alpha_sp_T2": ls * 4.0, "alpha_c_T2": lc * 4.0,
                     "alpha_sp_TeR": ls * TeR**2, "alpha_c_TeR": lc * TeR**2,
                     "kappa_c": ts.kappa_c(p)[0]})
    emit(rows, args)
    return 0


def _boundary(args):
    from hopfield_phases.theory import teacher_student as ts

    temps = args.T
    vals = ts.boundary(args.p, args.kind, args.T_teacher, temps, eR_definition=args.eR_definition,
                       assume_misaligned=args.assume_misaligned, competitor=args.competitor, sg=args.sg)
    rows = []
    for T, a in zip(temps, vals):
        row = {"p": args.p, "kind": args.kind, "T": T,
               "T_teacher": T if args.T_teacher is None else args.T_teacher, "alpha": float(a)}
        if args.with_pinf:
            row["alpha_pinf"] = float(ts.alpha_gR_infinite_p(T, row["T_teacher"]))
        rows.append(row)
    emit(rows, args)
    return 0


def _teacher(args):
    from hopfield_phases.theory.teacher_student import teacher as t

    rows = []
    for p in args.p:
        Tc = t.critical_temperature(p)
        rows.append({"p": p, "T_c": Tc, "T_sp": t.spinodal_temperature(p), "m_bar_at_Tc": t.m_bar(p, Tc),
                     "beta_c": 1 / Tc, "ln2_minus_beta_c_times_4p": (math.log(2) - 1 / Tc) * 4.0**p})
    rows.append({"p": "inf", "T_c": 1 / math.log(2), "T_sp": math.inf, "m_bar_at_Tc": 1.0,
                 "beta_c": math.log(2), "ln2_minus_beta_c_times_4p": 1.0})
    emit(rows, args)
    return 0


def _rN(args):
    from hopfield_phases.theory.teacher_student import teacher as t

    rows = []
    for Ts in args.T_teacher:
        c, d = t.coupling_ratio_correction(args.p, Ts, form=args.teacher_form)
        for N in args.N:
            rows.append({"p": args.p, "T_teacher": Ts, "N": N,
                         "r_N": t.coupling_ratio(N, args.p, Ts, form=args.teacher_form),
                         "one_over_N_coefficient": c, "one_over_N2_coefficient": d})
    emit(rows, args)
    return 0


def _diagram(args):
    from hopfield_phases.theory import teacher_student as ts

    d = ts.phase_diagram(args.p, args.alpha, args.T, args.T_teacher,
                         interaction=args.interaction, eR_definition=args.eR_definition,
                         competitor=args.competitor, sg=args.sg)
    emit(d.rows(), args)
    return 0


def _zero_t(args):
    from hopfield_phases.theory import teacher_student as ts

    z = ts.zero_temperature(args.p, args.alpha, args.T_teacher)
    rows = [dict(kind="T=0 formulas (doc Sec. 9)", T=0.0, q_star=z["q_star"], C=z["C"], energy=z["e0"],
                 entropy=z["s0"], kappa=z["kappa"], kappa_c=z["kappa_c"])]
    lam_T = args.T
    for T in lam_T:
        r = ts.solve(args.p, args.alpha, T, args.T_teacher)
        R = r.retrieval or {}
        q = R.get("q", float("nan"))
        rows.append(dict(kind="finite-T RS retrieval", T=T, q_star=R.get("q_star", float("nan")),
                         C=(1 - q) / T, energy=R.get("energy", float("nan")),
                         entropy=R.get("entropy", float("nan")), kappa=z["kappa"], kappa_c=z["kappa_c"]))
    emit(rows, args)
    return 0


def _landscape(args):
    from hopfield_phases.theory import teacher_student as ts

    qs = np.array(args.q_star)
    V = ts.landscape(args.p, args.alpha, args.T, args.T_teacher, qs, interaction=args.interaction)
    emit([{"q_star": float(q), "V": float(x)} for q, x in zip(qs, np.atleast_1d(V))], args)
    return 0


def _pprime(args):
    from hopfield_phases.theory.teacher_student import pprime as pp

    rows = []
    for pr in args.p_prime:
        for N in args.N:
            rows.append(pp.candidate_A_max_teacher_temperature(pr, args.alpha, N))
    emit(rows, args)
    return 0


def _mixture(args):
    from hopfield_phases.theory.teacher_student import example_retrieval as er

    rows = [er.symmetric_mixture(args.p, M, T, args.T_teacher) for T in args.T for M in args.M]
    emit(rows, args)
    return 0


def register(groups) -> None:
    p = groups.theory.add_parser(
        "ts", help="dense teacher-student: phases P/lR/gR/eR/SG, thresholds, boundaries, teacher",
        description="Dense (p-body) Hopfield teacher-student replica theory "
        "(docs/theory/teacher_student_theory.md). Output CSV (default) or JSON.",
    )
    sub = p.add_subparsers(dest="ts_command", metavar="WHAT", required=True)

    def common(q, T_teacher=True, interaction=True, options=True):
        q.add_argument("--p", type=int, default=3, help="interaction order p >= 3")
        if T_teacher:
            q.add_argument("--T-teacher", dest="T_teacher", type=float, default=None,
                           help="teacher temperature T* (default: the Nishimori line T* = T)")
        if interaction:
            q.add_argument("--interaction", choices=("distinct", "literal"), default="distinct",
                           help="student Hamiltonian form (doc Sec. 11)")
        if not options:
            add_format_argument(q)
            return
        q.add_argument("--eR-definition", dest="eR_definition", choices=("teacher", "memorization"),
                       default="teacher", help="definition of eR: teacher = aligned teacher (ours, the paper's "
                       "Fig. 2), memorization = also where one example's memorisation state is global (the "
                       "paper's Figs. 5-6) (doc Sec. 14 item 2)")
        q.add_argument("--competitor", choices=("1rsb", "rs-paramagnet"), default="1rsb",
                       help="non-retrieval competitor: 1rsb = RS paramagnet below lambda_c, 1RSB spin glass "
                       "above (ours), rs-paramagnet = RS paramagnet everywhere (the paper's)")
        q.add_argument("--sg", choices=("1rsb-static", "rs-existence"), default="1rsb-static",
                       help="meaning of SG: 1rsb-static = the 1RSB spin glass is the state (ours), "
                       "rs-existence = an RS spin-glass solution exists and no retrieval (the paper's)")
        add_format_argument(q)

    q = sub.add_parser("point", help="phase, order parameters, entropy, replicon at (alpha, T)")
    common(q)
    add_range(q, "--alpha", required=True, nonnegative=True, help="load(s)")
    add_range(q, "--T", required=True, nonnegative=True, help="student temperature(s)")
    q.set_defaults(func=_point)

    q = sub.add_parser("thresholds", help="Nishimori-line lambda_sp, lambda_c, T_d, T_s, alpha_sp/c")
    add_range(q, "--p", kind=int, default=[3, 4, 5, 10], help="interaction orders")
    add_format_argument(q)
    q.set_defaults(func=_thresholds)

    q = sub.add_parser("boundary", help="alpha on the lR, gR, eR or SG line vs T")
    common(q, interaction=False)
    q.add_argument("--kind", choices=("lR", "gR", "eR", "SG"), default="gR", help="which line")
    add_range(q, "--T", default="1.5,2,3", positive=True, help="student temperatures")
    q.add_argument("--assume-misaligned", action="store_true",
                   help="use the misaligned-teacher theory even where T* < T*_c (scaling check)")
    q.add_argument("--with-pinf", action="store_true", help="add the p -> infinity gR formula")
    q.set_defaults(func=_boundary)

    q = sub.add_parser("teacher", help="teacher T*_c(p), T*_sp(p), m_bar(T*_c) and the p -> inf limit")
    add_range(q, "--p", kind=int, default=[3, 4, 5, 10], help="interaction orders")
    add_format_argument(q)
    q.set_defaults(func=_teacher)

    q = sub.add_parser("rN", help="finite-N coupling ratio r_N and its 1/N coefficient")
    q.add_argument("--p", type=int, default=3, help="interaction order")
    add_range(q, "--T-teacher", dest="T_teacher", default=[2.0, 2.5, 3.0], positive=True,
              help="teacher temperatures")
    add_range(q, "--N", kind=int, default=[50, 100, 200, 400, 1000, 4000], positive=True,
              help="system sizes")
    q.add_argument("--teacher-form", choices=("literal", "distinct"), default="literal",
                   help="teacher Hamiltonian")
    add_format_argument(q)
    q.set_defaults(func=_rN)

    q = sub.add_parser("diagram", help="phase diagram on an (alpha, T) grid (tidy rows)")
    common(q)
    add_range(q, "--alpha", default="0.5:20:8", nonnegative=True, help="loads")
    add_range(q, "--T", default="0.5:4:8", nonnegative=True, help="student temperatures")
    q.set_defaults(func=_diagram)

    q = sub.add_parser("zero-t", help="T = 0 formulas vs finite-T retrieval (doc Sec. 9)")
    q.add_argument("--p", type=int, default=3, help="interaction order")
    q.add_argument("--alpha", type=float, default=6.0, help="load")
    q.add_argument("--T-teacher", dest="T_teacher", type=float, default=2.0, help="teacher temperature T*")
    add_range(q, "--T", default="0.01,0.03,0.1", positive=True, help="finite temperatures to compare")
    add_format_argument(q)
    q.set_defaults(func=_zero_t)

    q = sub.add_parser("landscape", help="constrained free entropy V(q*) (doc Sec. 3.6)")
    common(q, options=False)
    q.add_argument("--alpha", type=float, default=4.7136, help="load")
    q.add_argument("--T", type=float, default=2.0, help="student temperature")
    add_range(q, "--q-star", dest="q_star", default="0:0.95:20", help="overlaps q* with the teacher")
    q.set_defaults(func=_landscape)

    q = sub.add_parser("pprime", help="p' != p student, candidate A T*_max (unverified, doc Sec. 10)")
    add_range(q, "--p-prime", dest="p_prime", kind=int, default=[4, 6, 8], help="student orders p'")
    add_range(q, "--N", default=[1e3, 1e4], positive=True, help="system sizes")
    q.add_argument("--alpha", type=float, default=1.0, help="load")
    add_format_argument(q)
    q.set_defaults(func=_pprime)

    q = sub.add_parser("mixture", help="aligned teacher, M examples: symmetric mixture (doc Sec. 6)")
    q.add_argument("--p", type=int, default=3, help="interaction order")
    add_range(q, "--T", default="1.4,1.48", positive=True, help="student temperatures")
    q.add_argument("--T-teacher", dest="T_teacher", type=float, default=None,
                   help="teacher temperature T* (default: the Nishimori line T* = T)")
    add_range(q, "--M", kind=int, default=[1, 2, 3, 5], positive=True, help="numbers of examples")
    add_format_argument(q)
    q.set_defaults(func=_mixture)
