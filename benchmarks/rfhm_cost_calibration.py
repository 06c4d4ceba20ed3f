#!/usr/bin/env python
"""Calibrate the per-sample cost model of the RFHM simulations (``montecarlo.cost``).

Usage::

    python benchmarks/rfhm_cost_calibration.py                 # default points, writes the JSON
    python benchmarks/rfhm_cost_calibration.py --out cal.json --no-write-model
    python benchmarks/rfhm_cost_calibration.py --max-seconds 240

Each point is one sample of ``montecarlo.rfhm`` (instance build, then the batched relaxation of
its start states), run in this process, single-threaded, after a JIT warm-up.  Recorded per
point: build and relaxation wall seconds, kernel, P, R, the sweeps summed over the start states,
flips, and the process's peak RSS (points run in order of increasing predicted memory, so the
running maximum of ``ru_maxrss`` is the point's own peak).

Fit (docs/theory/rfhm_dynamics.md Sec. 4.2, "time(instance) = build + sum over start states of
time(relaxation)", with per-visit cost proportional to P for both exact kernels):

    build_seconds   = b_k * N * P            (+ b_dense * N * P * D / 64 for dense coefficients)
    relax_seconds   = v_k * N * P * S        (S = sweeps summed over the start states)
    + task_overhead_s per task of a sweep    (measured: run_sweep minus direct calls)

per kernel k (int8, bits), least squares on the measured points; ``mean_sweeps_per_start`` is
the mean of S / R over the points (the estimator's a-priori sweep count).  Peak memory:
``base_rss + ratio * montecarlo.rfhm.sample_memory``.  The machine and date go into the JSON.
Timings are wall-clock and affected by other load on the machine (recorded: the load average).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import pprint
import resource
import sys
import time
from pathlib import Path

import numpy as np

POINTS = [
    # (N, alpha, alpha_D, L_train, L_test, coefficients) -- representative of the figure grids
    (8000, 0.005, 0.005, 3, (3, 5, 7), "sparse"),
    (8000, 0.02, 0.005, 3, (3, 5, 7), "sparse"),
    (8000, 0.05, 0.005, 3, (3, 5, 7), "sparse"),
    (16000, 0.02, 0.005, 3, (3, 5, 7), "sparse"),
    (8000, 0.1, 0.005, 3, (3, 5, 7), "sparse"),
    (8000, 0.5, 0.005, 3, (3, 5, 7), "sparse"),
    (8000, 2.0, 0.005, 3, (3, 5, 7), "sparse"),
    (16000, 0.3, 0.01, 5, (5,), "sparse"),
    (16000, 1.0, 0.005, 3, (3, 5, 7), "sparse"),
    (8000, 1.0, 0.02, 3, (3,), "sparse"),
    (8000, 2.0, 101 / 8000, "dense", ("dense",), "dense"),
    (16000, 3.0, 0.02, 7, (7,), "sparse"),
    (32000, 1.0, 0.005, 3, (3, 5, 7), "sparse"),
]


def rss_bytes() -> int:
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(r) * (1 if sys.platform == "darwin" else 1024)


def run_point(N, alpha, alpha_D, L_train, L_test, coefficients, seed):
    from hopfield_phases.montecarlo import rfhm as mc
    from hopfield_phases.montecarlo.zero_temperature import relax_bits, relax_int8

    t0 = time.perf_counter()
    inst, dyn = mc.build_instance(N, alpha, alpha_D, L_train, L_test, coefficients, seed)
    t1 = time.perf_counter()
    if inst.kernel == "int8":
        res = relax_int8(inst.data, inst.starts, dyn)
    else:
        res = relax_bits(inst.data, inst.P, inst.starts, dyn)
    t2 = time.perf_counter()
    return dict(N=N, alpha=alpha, alpha_D=alpha_D, L_train=str(L_train), coefficients=coefficients,
                seed=seed, kernel=inst.kernel, P=inst.P, D=inst.D, R=int(inst.starts.shape[0]),
                build_s=t1 - t0, relax_s=t2 - t1, sweeps_total=int(res.sweeps.sum()),
                sweeps_max=int(res.sweeps.max()), flips=int(res.flips.sum()),
                converged=bool(res.converged.all()),
                model_memory=mc.sample_memory(N, alpha, alpha_D, L_train, L_test, coefficients))


def fit(rows) -> dict:
    """Least-squares constants of the cost model (module docstring)."""
    model = {}
    for k in ("int8", "bits"):
        sel = [r for r in rows if r["kernel"] == k]
        if not sel:
            continue
        NP = np.array([r["N"] * r["P"] for r in sel], float)
        NPS = NP * np.array([r["sweeps_total"] for r in sel], float)
        sparse = np.array([r["coefficients"] != "dense" for r in sel])
        b = float(np.sum(np.array([r["build_s"] for r in sel])[sparse] * NP[sparse])
                  / np.sum(NP[sparse] ** 2)) if sparse.any() else 0.0
        relax = np.array([r["relax_s"] for r in sel])
        v = float(np.sum(relax * NPS) / np.sum(NPS ** 2))
        model[k] = dict(build_per_NP=b, relax_per_NP_sweep=v, points=len(sel))
    dense = [r for r in rows if r["coefficients"] == "dense"]
    if dense and "bits" in model:
        x = np.array([r["N"] * r["P"] * r["D"] / 64 for r in dense], float)
        rest = np.array([r["build_s"] - model[r["kernel"]]["build_per_NP"] * r["N"] * r["P"] for r in dense])
        model["dense_build_per_NPD64"] = max(0.0, float(np.sum(rest * x) / np.sum(x * x)))
    s_per_start = [r["sweeps_total"] / r["R"] for r in rows]
    model["mean_sweeps_per_start"] = float(np.mean(s_per_start))
    model["max_sweeps_per_start"] = float(np.max(s_per_start))
    return model


SURVEY_FIGURES = ("rfhm-fig1", "rfhm-fig3a", "rfhm-fig3b")


def sweep_survey(size: str, samples: int, workers: int, tmp: Path) -> dict:
    """Sweeps per start state over each RFHM figure's own grid at ``size`` (default "quick":
    the figure's design at reduced N; docs/theory/rfhm_dynamics.md Sec. 4.2: "sweep counts can be taken
    from a survey with a fast exact kernel").  A grid shrunk uniformly in N would misplace
    figures whose grid scales differently with N (rfhm-fig3b: D ~ sqrt(N) for dense
    coefficients), so the figure's own smaller grid is used.  Returns per figure the
    cost-weighted mean (weights N P R: the relaxation time is sum of v N P R s) and the
    maximum of the per-sample mean."""
    import importlib

    from hopfield_phases.montecarlo import rfhm as mc
    from hopfield_phases.montecarlo.sweep import canonical_params, read_sweep, run_sweep

    out = {}
    for name in SURVEY_FIGURES:
        mod = importlib.import_module("hopfield_phases.compare.figures." + name.replace("-", "_"))
        points = mod.grid(size)
        weights = {}
        for p in points:
            kw = mc._task_kwargs(p)
            N, P, D, L, L_test, k = mc.validate_parameters(**kw)
            weights[canonical_params(p)] = N * P * (2 + len(L_test))
        t0 = time.perf_counter()
        path = tmp / f"survey_{name}.csv"
        run_sweep(mc.sample_task, points, samples, path, workers=workers, progress=False)
        names = sorted({k for q in points for k in q})
        num = den = smax = 0.0
        w_tot = sum(weights.values())
        log_N = sum(w * np.log(float(q["N"])) for q, w in
                    ((json.loads(c), w) for c, w in weights.items())) / w_tot
        for r in read_sweep(path):
            w = weights.get(canonical_params({k: r[k] for k in names if k in r}))
            if w is None:
                continue
            per = [v for k, v in r.items() if k.startswith("sweeps_") and v not in (None, "")]
            s_mean = float(np.mean(per))
            num += w * s_mean
            den += w
            smax = max(smax, s_mean)
        out[name] = dict(weighted_mean=num / den, max=smax, points=len(points), samples=samples,
                         grid=size, N=round(float(np.exp(log_N)), 1),
                         seconds=round(time.perf_counter() - t0, 1))
        print(f"survey {name}: {len(points)} points x {samples} samples ({size} grid): "
              f"weighted mean sweeps/start {num / den:.2f}, max {smax:.1f} "
              f"({time.perf_counter() - t0:.0f} s)", flush=True)
    return out


def task_overhead(tmp: Path, n: int = 200) -> float:
    """Seconds per task spent outside the sample itself in a sweep (seeding, pickling, the CSV
    row, pool bookkeeping): ``n`` tiny samples through ``run_sweep`` on one worker, minus the
    same samples run directly."""
    from hopfield_phases.montecarlo import rfhm as mc
    from hopfield_phases.montecarlo.sweep import run_sweep

    grid = [dict(N=200, alpha=0.05, alpha_D=0.05, L_train=3, L_test=[3, 5, 7], coefficients="sparse")]
    t0 = time.perf_counter()
    for s in range(n):
        mc.run_sample(200, 0.05, 0.05, seed=s)
    direct = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_sweep(mc.sample_task, grid, n, tmp / "overhead.csv", workers=1, progress=False)
    swept = time.perf_counter() - t0
    return max(0.0, (swept - direct) / n)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=2, help="samples per point (default 2)")
    ap.add_argument("--out", default="benchmarks/rfhm_cost_calibration_runs.json",
                    help="raw measurements (JSON)")
    ap.add_argument("--model", default="montecarlo/cost_calibration.py",
                    help="calibration constants read by montecarlo.cost (python module)")
    ap.add_argument("--no-write-model", action="store_true")
    ap.add_argument("--survey-size", default="quick",
                    help="sweep survey of the RFHM figures' grids at this size (default quick; "
                    "'none' to skip)")
    ap.add_argument("--survey-samples", type=int, default=2)
    ap.add_argument("--survey-workers", type=int, default=2)
    ap.add_argument("--max-seconds", type=float, default=280.0,
                    help="stop starting new points after this many seconds")
    args = ap.parse_args(argv)
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")
    from hopfield_phases.montecarlo import rfhm as mc

    mc.run_sample(600, 0.05, 0.02, seed=0)  # JIT warm-up (int8)
    mc.run_sample(600, 1.0, 0.02, seed=0)  # JIT warm-up (bits)
    mc.run_sample(600, 1.0, 11 / 600, "dense", ("dense",), "dense", seed=0)
    base = rss_bytes()
    pts = sorted(POINTS, key=lambda p: mc.sample_memory(*p))
    rows = []
    t_start = time.perf_counter()
    for p in pts:
        for seed in range(args.seeds):
            if time.perf_counter() - t_start > args.max_seconds:
                break
            r = run_point(*p, seed)
            r["peak_rss"] = rss_bytes()
            r["load1"] = os.getloadavg()[0]
            rows.append(r)
            print(f"N={r['N']:6d} alpha={r['alpha']:<6g} {r['coefficients']:6s} {r['kernel']:4s} "
                  f"P={r['P']:6d} build {r['build_s']:7.2f} s relax {r['relax_s']:7.2f} s "
                  f"sweeps {r['sweeps_total']:4d} rss {r['peak_rss'] / 1e6:7.0f} MB "
                  f"model {r['model_memory'] / 1e6:7.0f} MB load {r['load1']:.1f}", flush=True)
    model = fit(rows)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        model["task_overhead_s"] = task_overhead(Path(tmp))
    print(f"per-task sweep overhead: {model['task_overhead_s'] * 1e3:.1f} ms", flush=True)
    if args.survey_size != "none":
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            model["sweeps_per_start"] = sweep_survey(args.survey_size, args.survey_samples,
                                                     args.survey_workers, Path(tmp))
    big = [r for r in rows if r["model_memory"] > 0.5 * max(x["model_memory"] for x in rows)]
    model["memory"] = dict(base_rss=base, ratio=max(1.0, max(
        (r["peak_rss"] - base) / r["model_memory"] for r in big)))
    for r in rows:
        k = model[r["kernel"]]
        pred = (k["build_per_NP"] * r["N"] * r["P"]
                + k["relax_per_NP_sweep"] * r["N"] * r["P"] * r["sweeps_total"])
        r["predicted_s_given_sweeps"] = pred
        r["measured_s"] = r["build_s"] + r["relax_s"]
    meta = dict(machine=f"{platform.node()} {platform.machine()} {os.cpu_count()} cores "
                f"({platform.processor() or 'cpu'})",
                date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                note="single process, wall clock, machine shared with other jobs (see load1)",
                command="python benchmarks/rfhm_cost_calibration.py",
                mean_load1=float(np.mean([r["load1"] for r in rows])))
    Path(args.out).write_text(json.dumps(dict(meta=meta, model=model, runs=rows), indent=1) + "\n")
    print(json.dumps(model, indent=1))
    if not args.no_write_model:
        try:  # keys measured by other scripts (rfhm_point_survey.py, the sweep growth) are kept
            from hopfield_phases.montecarlo.cost_calibration import CALIBRATION as old

            for key in ("sweep_growth", "point_sweeps"):
                if key in old and key not in model:
                    model[key] = old[key]
        except ImportError:
            pass
        Path(args.model).write_text(
            '"""Calibration constants of ``montecarlo.cost`` (written by '
            'benchmarks/rfhm_cost_calibration.py; machine and date in ``meta``)."""\n\n'
            "CALIBRATION = " + pprint.pformat(dict(meta=meta, **model), sort_dicts=False, width=96)
            + "\n")
        print(f"wrote {args.model}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
