"""Per-task cost model of the simulations (wall seconds and peak bytes of one sample), for the
estimates that ``reproduce`` prints before a long run (docs/theory/rfhm_dynamics.md Sec. 4.2).

RFHM sample (``montecarlo.rfhm.run_sample``), kernel k chosen as the run would choose it::

    seconds = b_k N P  [+ b_dense N P D / 64 for dense coefficients]     (instance build)
            + v_k N P R s                                                 (relaxation)
            + t_task                          (sweep bookkeeping per task: seeds, pickling, CSV row)

with R the number of start states and s the sweeps per start state, unknown before the run:
the cost-weighted mean of a *sweep survey* of the figure's own quick grid (its design at
reduced N; Sec. 4.2: "sweep counts can be taken from a survey with a fast exact kernel"), else
the mean over the calibration points, scaled to the task's N as (N / N_survey)^0.51 (the
growth measured on the paper-size rfhm-fig3b run, :func:`sweeps_per_start`).  The pessimistic
``seconds_high`` covers the rest (sweep counts near a transition grow faster than that).
Per-visit cost is proportional to P for both exact kernels (Sec. 4.1: P MACs for int8,
n_b ceil(P/64) popcounts for bits).  Peak bytes: ``montecarlo.rfhm.sample_memory`` (the figure
the memory guard checks) times the calibrated ratio, plus the process's base RSS.

The constants live in ``montecarlo/cost_calibration.py``, written by
``benchmarks/rfhm_cost_calibration.py`` (machine, date and load recorded in its ``meta``).
They are single-process wall times on a shared machine (two calibrations under different load
differed by a factor ~2): treat estimates as good to a factor of about 2-3 (the sweep count
per start state varies from 1 to ~100 with the parameters, and grows with N).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["TaskCost", "calibration", "rfhm_sample_cost", "base_rss", "sweeps_per_start"]


@dataclass(frozen=True)
class TaskCost:
    """Cost of one task (one sample at one grid point): expected and pessimistic wall seconds
    (one process), and the peak bytes of the task's data (excluding the process base RSS)."""

    seconds: float
    seconds_high: float
    peak_bytes: int


@lru_cache(maxsize=4)
def calibration(path: str | None = None) -> dict:
    """The calibration constants (``montecarlo/cost_calibration.py``, or a JSON file ``path``
    with the same keys, e.g. one written with ``--model x.json`` for another machine)."""
    if path is None:
        from .cost_calibration import CALIBRATION

        return CALIBRATION
    p = Path(path)
    if not p.exists():
        raise ValueError(f"path: no cost calibration at {p} (run benchmarks/rfhm_cost_calibration.py)")
    return json.loads(p.read_text())


def base_rss(cal: dict | None = None) -> int:
    """Resident bytes of one worker process before any task (python, numpy, numba, the kernels)."""
    cal = cal or calibration()
    return int(cal.get("memory", {}).get("base_rss", 170e6))


def point_key(params: dict) -> str:
    """Key of a grid point in a per-point sweep survey (``point_sweeps`` of the calibration,
    ``benchmarks/rfhm_point_survey.py``): its RFHM parameters except N and ``train_start``
    (the survey counts sweeps *per start state*; which start states run does not change the
    others' trajectories), canonical JSON."""
    from . import rfhm
    from .sweep import canonical_params

    return canonical_params({k: v for k, v in params.items()
                             if k in rfhm._PARAM_NAMES and k not in ("N", "train_start")})


def _grow(s: float, N, N_s, cal: dict) -> float:
    """Sweeps per start s measured at N_s, taken to N: the sweeps beyond the final (checking)
    one grow as N^gamma (``sweep_growth``)."""
    gamma = float(cal.get("sweep_growth", {}).get("exponent", 0.0))
    return 1.0 + max(0.0, s - 1.0) * (float(N) / float(N_s)) ** gamma


def sweeps_per_start(cal: dict, figure: str | None = None, N: int | None = None,
                     params: dict | None = None) -> float:
    """A-priori sweeps per start state: the cost-weighted mean of the figure's sweep survey
    (its quick grid, ``sweeps_per_start`` in the calibration), else the mean over the
    calibration points.  With ``N`` and a survey that records its (cost-weighted) N_s, the
    survey mean is scaled to N as (N / N_s)^gamma, gamma = ``sweep_growth.exponent`` (0.51,
    fitted on the paper-size rfhm-fig3b run, N = 1000-32000: sweeps per start grow about as
    sqrt(N) at fixed alpha, alpha_D).  ``params``: the grid point; where the figure has a
    per-point survey covering it (``point_sweeps``), that point's own count, scaled from the
    survey's N by the same law applied to the sweeps beyond the final checking one."""
    point = cal.get("point_sweeps", {}).get(figure) if figure is not None else None
    if point and params is not None:
        s = point["sweeps"].get(point_key(params))
        if s is not None:
            return _grow(float(s), N if N is not None else point["N"], point["N"], cal)
    survey = cal.get("sweeps_per_start", {})
    if figure is not None and figure in survey:
        s = float(survey[figure]["weighted_mean"])
        N_s = survey[figure].get("N")
        gamma = float(cal.get("sweep_growth", {}).get("exponent", 0.0))
        if N is not None and N_s:
            s *= (float(N) / float(N_s)) ** gamma
        return s
    return float(cal["mean_sweeps_per_start"])


def rfhm_sample_cost(params: dict, cal: dict | None = None, figure: str | None = None) -> TaskCost:
    """Cost of one sample of ``montecarlo.rfhm.sample_task`` at grid point ``params`` (its
    keywords: N, alpha, alpha_D, L_train, L_test, coefficients, ...).  ``figure``: whose sweep
    survey gives the sweeps per start state (:func:`sweeps_per_start`).  ``seconds_high``
    doubles the build and quadruples the relaxation (sweeps x 2 for the larger N of a paper
    run, rates / 2 for the load spread seen between calibrations).  Validates the point
    (ValueError naming the parameter) but allocates nothing and checks no memory."""
    from . import rfhm

    cal = cal or calibration()
    kw = rfhm._task_kwargs(params)
    N, P, D, L_train, L_test, k = rfhm._derived_sizes(
        kw["N"], kw["alpha"], kw["alpha_D"], kw.get("L_train", 3), kw.get("L_test", (3, 5, 7)),
        kw.get("coefficients", "sparse"), kernel=kw.get("kernel", "auto"))
    c = cal[k]
    R = (2 if kw.get("train_start", True) else 1) + len(L_test)  # start states relaxed
    NP = float(N) * float(P)
    build = c["build_per_NP"] * NP
    if kw.get("coefficients", "sparse") != "sparse":
        build += cal.get("dense_build_per_NPD64", 0.0) * NP * D / 64.0
    per_sweep = c["relax_per_NP_sweep"] * NP * R
    mem = rfhm._memory_need(N, P, D, L_train, len(L_test), kw.get("coefficients", "sparse"), k)
    ratio = float(cal.get("memory", {}).get("ratio", 1.0))
    s_mean = min(max(1.0, sweeps_per_start(cal, figure, N, params)), float(kw.get("max_sweeps", 500)))
    relax = per_sweep * s_mean
    fixed = float(cal.get("task_overhead_s", 0.0))
    return TaskCost(seconds=fixed + build + relax, seconds_high=2 * (fixed + build) + 4 * relax,
                    peak_bytes=int(ratio * mem))
