"""``hopfield-phases simulate ts`` and ``simulate ts-landscape``: dense teacher-student Monte Carlo.

Physics: teacher_student_theory.md Sec. 2, 11, 12 (MC protocol), 3.6 (landscape).

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

``simulate ts-landscape`` measures V(q*) = ln P_N(q*)/N by umbrella sampling + WHAM
(:mod:`montecarlo.umbrella`) and writes it with the theory's V(q*) (doc Sec. 3.6) at N = inf and
at the realised coupling (both shifted so that their maximum is 0), plus a summary of the
agreement (locations of the maxima, the free-entropy difference between them, the barrier).
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


def theory_landscape(p, alpha, T, T_teacher, q, r=1.0, interaction="distinct"):
    """Theory V(q*) (doc Sec. 3.6) at coupling mu -> r mu, on q in [0, 1) (nan elsewhere).

    mu = r alpha/(T T*) is realised by passing T*/r as the teacher temperature.
    """
    from hopfield_phases.theory import teacher_student as tt

    q = np.asarray(q, dtype=float)
    out = np.full(q.shape, np.nan)
    ok = (q >= 0) & (q < 1)
    out[ok] = tt.landscape(p, alpha, T, T_teacher / r, q_star=q[ok], interaction=interaction)
    return out


def landscape_agreement(q, V_mc, V_th, q_min=0.0, q_max=0.95, q_split=0.3) -> dict:
    """Numbers comparing an MC landscape with a theory curve on q* in [q_min, q_max].

    rms / max_abs: deviation after the best constant shift (V is defined up to a constant);
    argmax_*: location of the maximum of each curve; dV_*: V(q_R) - V(q_P) of each curve, with
    q_P = 0 and q_R the argmax on q* >= q_split (the retrieval maximum or end point).
    """
    q = np.asarray(q, dtype=float)
    V_mc = np.asarray(V_mc, dtype=float)
    V_th = np.asarray(V_th, dtype=float)
    S = (q >= q_min - 1e-12) & (q <= q_max + 1e-12) & np.isfinite(V_mc) & np.isfinite(V_th)
    if S.sum() < 3:
        return {}
    d = V_mc[S] - V_th[S]
    d = d - d.mean()
    out = dict(rms=float(np.sqrt(np.mean(d * d))), max_abs=float(np.max(np.abs(d))),
               n_points=int(S.sum()))
    qs = q[S]
    for name, V in (("mc", V_mc[S]), ("theory", V_th[S])):
        out[f"argmax_{name}"] = float(qs[np.argmax(V)])
        hi = qs >= q_split
        i0 = int(np.argmin(np.abs(qs)))
        out[f"dV_{name}"] = float(np.max(V[hi]) - V[i0]) if hi.any() else float("nan")
        out[f"qR_{name}"] = float(qs[hi][np.argmax(V[hi])]) if hi.any() else float("nan")
    return out


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
                    description="dense teacher-student MC (teacher_student_theory.md Sec. 12)")
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

    check_sweep_arguments(args)
    centers = args.windows
    res = landscape(args.p, args.N, args.alpha, args.T, args.T_teacher, centers=centers, k=args.k,
                    width=args.width, sweeps=args.sweeps, equilibration=args.equilibration,
                    seed=args.seed, interaction=args.interaction,
                    teacher_interaction=args.teacher_interaction)
    q = res.q
    rows = []
    V_inf = V_rs = None
    if not args.no_theory:
        sel = (q >= 0) & (q < 1) & np.isfinite(res.V)
        V_inf = theory_landscape(args.p, args.alpha, args.T, args.T_teacher, q, 1.0, args.interaction)
        V_rs = theory_landscape(args.p, args.alpha, args.T, args.T_teacher, q, res.r_sample,
                                args.interaction)
        for V in (V_inf, V_rs):
            V -= np.nanmax(V[sel])
    for j in range(len(q)):
        if not np.isfinite(res.V[j]):
            continue
        row = dict(q_star=float(q[j]), V_mc=float(res.V[j]), V_mc_err=float(res.V_err[j]))
        if V_inf is not None:
            row.update(V_theory_inf=float(V_inf[j]), V_theory_rsample=float(V_rs[j]))
        rows.append(row)
    params = dict(res.settings, r_N=res.r_N, r_sample=res.r_sample, windows=list(map(float, centers)))
    write_table(args.out, rows, command=command_line(), seed=args.seed,
                description="overlap landscape V(q*) = ln P(q*)/N: umbrella sampling + WHAM vs RS "
                            "theory (doc Sec. 3.6)", parameters=params)
    print(args.out)
    summ = {"r_N": res.r_N, "r_sample": res.r_sample, "M": res.M}
    if V_inf is not None:
        for name, V in (("theory_inf", V_inf), ("theory_rsample", V_rs)):
            for key, val in landscape_agreement(q, res.V, V).items():
                summ[f"{name}_{key}"] = val
    for k_, v_ in summ.items():
        print(f"{k_} {v_:.6g}" if isinstance(v_, float) else f"{k_} {v_}")
    if V_inf is not None:
        path = Path(args.out).with_name(Path(args.out).stem + "_agreement.csv")
        write_table(path, [dict(res.settings, **summ)], command=command_line(), seed=args.seed,
                    description="landscape agreement: MC vs RS V(q*) at N=inf and r_sample "
                                "(rms after best constant shift on q* in [0, 0.95])",
                    parameters=params)
        print(path)
    return 0


def register(groups) -> None:
    p = groups.simulate.add_parser(
        "ts", help="dense teacher-student Metropolis: q*, m, energy vs alpha (resumable CSV)",
        description="Dense (p-body) Hopfield student learning from exact teacher samples "
                    "(teacher_student_theory.md Sec. 12).  One row per grid point and sample: q*, "
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
        description="Umbrella sampling in windows of q* with WHAM reweighting "
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
