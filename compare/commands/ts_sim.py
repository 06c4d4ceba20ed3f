"""``hopfield-phases simulate ts`` and ``simulate ts-landscape``: dense teacher-student Monte Carlo.

Physics: docs/theory/teacher_student_theory.md Sec. 2, 11, 12 (MC protocol), 3.6 (landscape).

Examples::

    hopfield-phases simulate ts --p 3 --N 200 --alpha 1:8:8 --T 2 --T-teacher 2 --samples 8 \\
        --start planted,random --out runs/ts.csv
    hopfield-phases simulate ts-landscape --p 3 --N 100 --alpha 4.714 --T 2 --T-teacher 2 \\
        --out runs/ts_landscape.csv

``simulate ts`` runs :func:`montecarlo.teacher_student.run` on the grid (N x alpha x T x
T_teacher x start x interaction; alpha fastest) through the generic resumable sweep runner
(:func:`montecarlo.sweep.run_sweep`: seeds, resume, progress bar, optional Dask).  All starts,
student temperatures and student Hamiltonians of one (p, N, alpha, T*, sample) share one data
set.  With ``--theory`` a second table OUT_theory.csv adds, for every row, the RS predictions of
q* at N = inf, at the finite-N coupling r_N and at the realised coupling r_sample (doc Sec. 12).

``simulate ts-landscape`` measures V(q*) = ln P_N(q*)/N by umbrella sampling + MBAR
(:mod:`montecarlo.umbrella`) and writes it with the theory's V(q*) (doc Sec. 3.6) at N = inf and
at the realised coupling (both shifted onto the MC estimate), plus a summary of the agreement
(:mod:`compare.landscape`, the metric of ``figure ts-landscape``: locations of the maxima, the
free-entropy difference between them, the barrier).  The table feeds
``figure ts-landscape --from-csv``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hopfield_phases._core.ranges import RANGE_HELP, parse_choices, range_type

from .output import add_sweep_arguments, check_sweep_arguments, command_line


# --------------------------------------------------------------------------- theory at coupling r
def rs_q_star(p, alpha, T, T_teacher, r=1.0, interaction="distinct", start="planted"):
    """RS q* (doc Sec. 3.3) with lambda = alpha/T^2 and mu = r alpha/(T T*) (doc Sec. 12 (b), (c)).

    start='planted': the retrieval branch reached from (q, q*) = (1, 1) (0 if it does not
    exist); 'random': the state reached from q* = 0+ (P for the distinct-index student,
    since P is always locally stable at p >= 3; the unique small-q* state for the literal one).
    """
    from hopfield_phases.theory import teacher_student as tt
    from hopfield_phases.theory.teacher_student.covariance import for_interaction

    if T <= 0:
        return float("nan")
    lam = alpha / T**2
    mu = r * alpha / (T * T_teacher)
    cov = for_interaction(p, interaction)
    guess = (1.0, 1.0) if start in ("planted", "corrupted") else (1e-3, 1e-3)
    if start == "random" and not cov.has_linear_term:
        return 0.0
    sol = tt.retrieval_state(lam, mu, cov, guess=guess)
    if sol is None:
        return 0.0
    if not sol.converged:
        return float("nan")
    return float(sol.x[1])


def theory_columns(row: dict) -> dict:
    """q*_theory at N = inf, r_N and r_sample for one sweep row.

    nan for a literal student with a distinct-index teacher (xi_c = q^p != xi = xi_lit, doc
    Sec. 11), which the single-covariance RS solver used here does not cover."""
    if row.get("interaction") == "literal" and row.get("teacher_interaction") == "distinct":
        nan = float("nan")
        return dict(q_star_theory_inf=nan, q_star_theory_rN=nan, q_star_theory_rsample=nan)
    kw = dict(interaction=row.get("interaction", "distinct"), start=row.get("start", "planted"))
    args = (int(row["p"]), float(row["alpha"]), float(row["T"]), float(row["T_teacher"]))
    return dict(q_star_theory_inf=rs_q_star(*args, r=1.0, **kw),
                q_star_theory_rN=rs_q_star(*args, r=float(row["r_N"]), **kw),
                q_star_theory_rsample=rs_q_star(*args, r=float(row["r_sample"]), **kw))


# --------------------------------------------------------------------------- commands
def _run_ts(args) -> int:
    from hopfield_phases.montecarlo import teacher_sampling as tsamp
    from hopfield_phases.montecarlo import teacher_student as tsm
    from hopfield_phases.montecarlo.sweep import read_sweep, run_sweep

    check_sweep_arguments(args)
    Ns, alphas, Ts, Tts = args.N, args.alpha, args.T, args.T_teacher
    starts = parse_choices(args.start, "--start", tsm.STARTS)
    inters = (list(tsamp.INTERACTIONS) if args.interaction.strip() == "both"
              else parse_choices(args.interaction, "--interaction", tsamp.INTERACTIONS))
    tsamp.check_interaction("--teacher-interaction", args.teacher_interaction)
    if "corrupted" in starts and args.q0 is None:
        raise ValueError("--q0: required with --start corrupted")
    tsamp.check_p(args.p)
    if args.q0 is not None and not -1.0 <= args.q0 <= 1.0:
        raise ValueError(f"--q0 must be in [-1, 1], got {args.q0}")
    for N in Ns:
        if N < args.p:
            raise ValueError(f"--N must be >= p = {args.p}, got {N}")
        for a in alphas:
            tsamp.check_size(N, tsm.n_examples(a, N, args.p))
    if any(t < 0 for t in Ts):
        raise ValueError("--T must be >= 0")
    if any(t <= 0 for t in Tts):
        raise ValueError("--T-teacher must be > 0")
    grid = []
    for N in sorted(Ns, reverse=True):  # expensive points first
        for Tt in Tts:
            for T in Ts:
                for inter in inters:
                    for start in starts:
                        for a in alphas:
                            params = dict(p=args.p, N=N, alpha=a, T=T, T_teacher=Tt, start=start,
                                          sweeps=args.sweeps, interaction=inter,
                                          teacher_interaction=args.teacher_interaction)
                            if start == "corrupted":
                                params["q0"] = args.q0
                            grid.append(params)
    out = run_sweep(tsm.sweep_task, grid, args.samples, args.out, workers=args.workers,
                    executor=args.executor, scheduler=args.scheduler, master_seed=args.seed,
                    command=command_line(), progress=not args.quiet,
                    description="dense teacher-student MC (docs/theory/teacher_student_theory.md Sec. 12)")
    print(out)
    if args.theory:
        from hopfield_phases._core.tables import write_table

        rows = []
        for r in read_sweep(out):
            rows.append({**r, **theory_columns(r)})
        path = Path(out).with_name(Path(out).stem + "_theory.csv")
        write_table(path, rows, command=command_line(), seed=args.seed,
                    description="MC q* with RS theory at N=inf, r_N and r_sample (doc Sec. 12)")
        print(path)
    return 0


def _run_landscape(args) -> int:
    from hopfield_phases._core.tables import write_table
    from hopfield_phases.montecarlo.umbrella import landscape

    from ..landscape import compare_landscape, feature_intervals

    check_sweep_arguments(args)
    centers = args.windows
    res = landscape(args.p, args.N, args.alpha, args.T, args.T_teacher, centers=centers, k=args.k,
                    width=args.width, sweeps=args.sweeps, equilibration=args.equilibration,
                    seed=args.seed, interaction=args.interaction,
                    teacher_interaction=args.teacher_interaction)
    q = res.q
    theory = None if args.no_theory else compare_landscape(
        q, res.V, res.V_err, args.p, args.alpha, args.T, args.T_teacher, res.r_sample,
        interaction=args.interaction)
    # every row carries the run's parameters, so that the table alone feeds
    # `figure ts-landscape --from-csv`
    const = dict(p=args.p, N=args.N, alpha=args.alpha, T=args.T, T_teacher=args.T_teacher, M=res.M,
                 r_sample=res.r_sample, r_N=res.r_N, n_boot=res.settings["n_boot"],
                 n_boot_failed=res.n_boot_failed)
    rows = []
    for j in range(len(q)):
        if not np.isfinite(res.V[j]):
            continue
        row = dict(q_star=float(q[j]), V_mc=float(res.V[j]), V_mc_err=float(res.V_err[j]))
        if theory is not None:
            row.update(V_theory_inf=float(theory["N=inf"]["curve"][j]),
                       V_theory_rsample=float(theory["r_sample"]["curve"][j]))
        rows.append(dict(row, **const))
    params = dict(res.settings, r_N=res.r_N, r_sample=res.r_sample, windows=list(map(float, centers)))
    write_table(args.out, rows, command=command_line(), seed=args.seed,
                description="overlap landscape V(q*) = ln P(q*)/N: umbrella sampling + MBAR vs RS "
                            "theory (doc Sec. 3.6), theory shifted onto the MC estimate",
                parameters=params)
    print(args.out)
    summ = {"r_N": res.r_N, "r_sample": res.r_sample, "M": res.M, "n_boot_failed": res.n_boot_failed}
    for key, (lo, hi, failed) in feature_intervals(q, res.boot, res.settings["n_boot"]).items():
        summ.update({f"mc_{key}_lo": lo, f"mc_{key}_hi": hi, f"mc_{key}_n_failed": failed})
    if theory is not None:
        for name, variant in (("theory_inf", "N=inf"), ("theory_rsample", "r_sample")):
            for key, val in theory[variant]["agreement"].items():
                summ[f"{name}_{key}"] = val
    for k_, v_ in summ.items():
        print(f"{k_} {v_:.6g}" if isinstance(v_, float) else f"{k_} {v_}")
    if theory is not None:
        path = Path(args.out).with_name(Path(args.out).stem + "_agreement.csv")
        write_table(path, [dict(res.settings, **summ)], command=command_line(), seed=args.seed,
                    description="landscape agreement (compare.agreement.landscape_agreement): MC vs "
                                "RS V(q*) at N=inf and r_sample, after the best constant shift",
                    parameters=params)
        print(path)
    return 0


def register(groups) -> None:
    p = groups.simulate.add_parser(
        "ts", help="dense teacher-student Metropolis: q*, m, energy vs alpha (resumable CSV)",
        description="Dense (p-body) Hopfield student learning from exact teacher samples "
                    "(docs/theory/teacher_student_theory.md Sec. 12).  One row per grid point and sample: q*, "
                    "m, energy, acceptance, tau_int, r_N, r_sample.  Rerunning resumes; results "
                    "do not depend on --workers.",
        epilog="Example: hopfield-phases simulate ts --p 3 --N 200 --alpha 1:8:8 --T 2 "
               "--T-teacher 2 --samples 8 --start planted,random --out runs/ts.csv")
    p.add_argument("--p", type=int, default=3, help="interaction order")
    p.add_argument("--N", required=True, type=range_type("--N", int, positive=True),
                   help=f"number of spins: {RANGE_HELP} (integers)")
    p.add_argument("--alpha", required=True, type=range_type("--alpha", nonnegative=True),
                   help=f"load alpha = M p!/N^(p-1): {RANGE_HELP}")
    p.add_argument("--T", required=True, type=range_type("--T", nonnegative=True),
                   help=f"student temperature(s) (0 = zero-T dynamics): {RANGE_HELP}")
    p.add_argument("--T-teacher", dest="T_teacher", required=True,
                   type=range_type("--T-teacher", positive=True),
                   help=f"teacher temperature(s) T*: {RANGE_HELP}")
    p.add_argument("--samples", type=int, default=1, help="data sets per grid point")
    p.add_argument("--start", default="planted", help="planted, random, corrupted (comma list)")
    p.add_argument("--q0", type=float, default=None,
                   help="initial q* of corrupted starts (required with --start corrupted; default: none)")
    p.add_argument("--sweeps", type=int, default=600, help="sweeps per run (means over the last 2/3)")
    p.add_argument("--interaction", default="distinct",
                   help="student Hamiltonian(s): distinct, literal, or both (comma list)")
    p.add_argument("--teacher-interaction", dest="teacher_interaction", default="literal",
                   help="teacher Hamiltonian: literal (poster) or distinct")
    p.add_argument("--out", required=True, metavar="FILE.csv",
                   help="output table: a CSV file (JSON provenance sidecar FILE.json beside it); "
                        "rerunning the same command resumes it")
    p.add_argument("--theory", action="store_true",
                   help="also write OUT_theory.csv with RS q* at N=inf, r_N and r_sample")
    add_sweep_arguments(p)
    p.set_defaults(func=_run_ts)

    q = groups.simulate.add_parser(
        "ts-landscape", help="dense teacher-student overlap landscape V(q*) by umbrella sampling",
        description="Umbrella sampling in windows of q* with MBAR reweighting "
                    "(montecarlo.umbrella); writes V_mc(q*) = ln P(q*)/N with the RS V(q*) "
                    "(doc Sec. 3.6) at N = inf and at the realised coupling r_sample.  The "
                    "windows run one after the other in this process.")
    q.add_argument("--p", type=int, default=3, help="interaction order")
    q.add_argument("--N", type=int, required=True, help="number of spins")
    q.add_argument("--alpha", type=float, required=True, help="load alpha = M p!/N^(p-1)")
    q.add_argument("--T", type=float, required=True, help="student temperature (> 0)")
    q.add_argument("--T-teacher", dest="T_teacher", type=float, required=True,
                   help="teacher temperature T*")
    q.add_argument("--windows", default="-0.1:1:23", type=range_type("--windows"),
                   help=f"window centres in q*: {RANGE_HELP}")
    q.add_argument("--k", type=float, default=None,
                   help="bias stiffness: beta U = N k/2 (q*-c)^2 (default: 1/(N spacing^2), >= 4)")
    q.add_argument("--width", type=float, default=0.0, help="flat-bottom half width")
    q.add_argument("--sweeps", type=int, default=1000, help="measured sweeps per window")
    q.add_argument("--equilibration", type=int, default=200, help="discarded sweeps per window")
    q.add_argument("--interaction", default="distinct", choices=("distinct", "literal"),
                   help="student Hamiltonian")
    q.add_argument("--teacher-interaction", dest="teacher_interaction", default="literal",
                   choices=("distinct", "literal"), help="teacher Hamiltonian")
    q.add_argument("--no-theory", action="store_true", help="skip the theory columns")
    q.add_argument("--seed", type=int, default=0, help="master seed")
    q.add_argument("--out", required=True, metavar="FILE.csv",
                   help="output table: a CSV file (JSON provenance sidecar FILE.json beside it; "
                        "the agreement summary goes to FILE_agreement.csv)")
    q.set_defaults(func=_run_landscape)
