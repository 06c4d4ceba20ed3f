"""Multi-chain, multi-temperature teacher-student runs on one data set, equilibration built in.

Physics: docs/theory/teacher_student_theory.md Sec. 12 (MC protocol: planted and random starts, means over
the last 2/3 of the sweeps); the kernel is :mod:`montecarlo.ts_fast`.

* :func:`chain_statistics` - per chain tau_int of q* (emcee estimator, 1 + 2 sum rho), the error of the mean
  over independent chains, and a first-half / second-half agreement test of the measured
  window.
* :func:`run_until` - independent chains that extend themselves, batch by batch, until the
  requested standard error of q* is reached with halves that agree, or a sweep budget is
  spent; the outcome says which (``status`` "ok" or "unconverged" with a message), never
  silently.
* :func:`run_adaptive` - the same, then MORE CHAINS where more sweeps cannot help: chains
  trapped in different states (a glassy or metastable branch: each chain's mean frozen at its
  own value, tau_int as long as the run) make the error of the mean the spread between chains
  over sqrt(C), which only more chains reduce.
* :func:`parallel_tempering` - replica exchange across student temperatures on one data set
  (temperatures, not configurations, are exchanged; swap of neighbours i, i+1 accepted with
  probability min(1, exp[(beta_i - beta_{i+1})(H_i - H_{i+1})]), which keeps the product of
  the Boltzmann laws stationary), with the exchange rate of every neighbouring pair.
* :func:`fig4_task` - one Nishimori-line temperature of the paper's Fig. 4 for
  :func:`montecarlo.sweep.run_sweep`: ONE data set drawn at the largest load, every smaller
  load a prefix of it (alpha = 3 inside alpha = 9 at the same T*), planted and random starts
  run together as one set of parallel chains.

This module never imports ``theory``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from hopfield_phases._core.results import OK, UNCONVERGED, ResultContract
from . import teacher_sampling as tsamp
from .teacher_student import _seed_sequence, n_examples
from . import rng as xrng
from .ts_fast import SIGN_LUT, ChainSet, PackedData, _pt_kernel, sample_teacher_packed

from .statistics import integrated_time


def _tau_int(x) -> float:
    """tau_int = 1 + 2 sum_t rho(t) (emcee's convention, :mod:`montecarlo.statistics`)."""
    return integrated_time(x, warn=False)

__all__ = ["chain_statistics", "branch_statistics", "RunResult", "run_until", "run_adaptive",
           "initial_states", "PTResult",
           "parallel_tempering", "exchange_probability", "fig4_task", "alpha_key"]

KEEP = 2.0 / 3.0


# --------------------------------------------------------------------------- statistics
def _n_keep(n: int, keep: float = KEEP) -> int:
    """Sweeps in the measured window: the last ``keep`` of n (at least 2)."""
    return max(2, int(math.ceil(keep * n)))


def _window_means(q, keep: float = KEEP) -> np.ndarray:
    """Mean q* of each chain (row of q) over its measured window."""
    return q[:, q.shape[1] - _n_keep(q.shape[1], keep):].mean(axis=1)


def chain_statistics(q, keep: float = KEEP, z_halves: float = 4.0) -> dict:
    """Statistics of q* from C independent chains, q of shape (C, n), over the last ``keep``.

    mean : grand mean; se : error of the mean, the larger of (a) the spread of the C chain
    means / sqrt(C) (needs C >= 2) and (b) the pooled tau-based error
    sqrt(mean_c var_c tau_c / n) / sqrt(C); tau_int : per chain (sweeps; 1 + 2 sum rho, the
    convention of :mod:`montecarlo.statistics`); halves : the
    measured window cut in two, z = |mean_1 - mean_2| / sqrt(se_1^2 + se_2^2) (each from the
    chain spread); equilibrated : z < z_halves and n >= 5 max tau_int (= 10 in Sokal's
    1/2 + sum rho convention).
    """
    q = np.atleast_2d(np.asarray(q, dtype=float))
    C, n = q.shape
    n_keep = _n_keep(n, keep)
    w = q[:, n - n_keep:]
    means = w.mean(axis=1)
    taus = np.array([_tau_int(w[c]) for c in range(C)])
    taus_f = np.where(np.isfinite(taus), taus, 1.0)
    var = w.var(axis=1)
    se_tau = math.sqrt(float(np.mean(var * taus_f / n_keep)) / C)
    se_spread = float(means.std(ddof=1) / math.sqrt(C)) if C >= 2 else float("nan")
    se = max(se_tau, se_spread) if C >= 2 else se_tau
    h = n_keep // 2
    m1, m2 = w[:, :h].mean(axis=1), w[:, h:].mean(axis=1)

    def _se(v):
        return float(v.std(ddof=1) / math.sqrt(C)) if C >= 2 else float("nan")

    s12 = math.hypot(_se(m1), _se(m2))
    diff = float(m2.mean() - m1.mean())
    z = abs(diff) / s12 if s12 > 0 else (0.0 if diff == 0 else float("inf"))
    tau_max = float(np.nanmax(taus)) if np.isfinite(taus).any() else float("nan")
    equil = bool(z < z_halves and (not math.isfinite(tau_max) or n_keep >= 5 * tau_max))
    return dict(mean=float(means.mean()), se=se, se_spread=se_spread, se_tau=se_tau,
                std=float(w.std()), tau_int=taus, tau_max=tau_max,
                tau_mean=float(np.nanmean(taus)) if np.isfinite(taus).any() else float("nan"),
                half_diff=diff, half_z=z, equilibrated=equil, n_measured=n_keep, chains=C)


# --------------------------------------------------------------------------- self-extending run
@dataclass(kw_only=True)
class RunResult(ResultContract):
    """Outcome of :func:`run_until`: one entry of ``groups`` per group of chains.

    groups[g] : :func:`chain_statistics` of q* plus m (mean max_a |X_a|/N), energy (per spin)
    and acceptance of group g; sweeps : sweeps done; series : per-sweep (C, sweeps) arrays.
    status "ok": every group reached se <= target_se with its halves agreeing; otherwise
    "unconverged" and ``message`` says which group failed and why.  ``iterations`` = batches.
    """

    sweeps: int = 0
    groups: list = field(default_factory=list)
    series: dict | None = None
    branches: list = field(default_factory=list)


def run_until(chains: ChainSet, T, *, target_se=0.005, max_sweeps=2000, min_sweeps=60,
              batch=30, groups=None, keep=KEEP, soft_budget=None) -> RunResult:
    """Run the chains until each group's q* has standard error <= target_se (and agreeing
    halves, at least ``min_sweeps`` sweeps), or ``max_sweeps`` are done; reported either way.

    groups : list of index arrays (chains that share a start); default: all chains.
    soft_budget : past this many sweeps, stop as soon as every group is stationary (agreeing
    halves, window >= 5 tau_int) even if its error is above the target: more sweeps then only
    help slowly, more chains help (:func:`run_adaptive`); keep going, up to ``max_sweeps``,
    only while a group drifts (chains still relaxing or escaping).
    """
    target_se = float(target_se)
    if not target_se > 0:
        raise ValueError(f"target_se must be > 0, got {target_se!r}")
    max_sweeps = tsamp.check_positive_int("max_sweeps", max_sweeps)
    min_sweeps = tsamp.check_positive_int("min_sweeps", min_sweeps)
    batch = tsamp.check_positive_int("batch", batch)
    C = chains.C
    groups = [np.arange(C)] if groups is None else [np.asarray(g, dtype=np.int64) for g in groups]
    out = dict(q_star=np.empty((C, max_sweeps)), energy=np.empty((C, max_sweeps)),
               m=np.empty((C, max_sweeps)), accepted=np.empty((C, max_sweeps), np.int64),
               codes=np.empty((C, 0), np.int64))
    done, it = 0, 0
    while True:
        n = min(max(batch, min_sweeps - done) if done < min_sweeps else batch, max_sweeps - done)
        chains.advance(n, T, out=out, offset=done)
        done += n
        it += 1
        stats = _group_stats(out, done, groups, chains.N, keep)
        bad = [i for i, s in enumerate(stats) if not (s["se"] <= target_se and s["equilibrated"])]
        if (done >= min_sweeps and not bad) or done >= max_sweeps:
            break
        if soft_budget is not None and done >= soft_budget and all(st["equilibrated"] for st in stats):
            break
    series = {k: v[:, :done] for k, v in out.items() if k != "codes"}
    if bad:
        why = "; ".join(f"group {i}: se {stats[i]['se']:.4g} (target {target_se:g}), halves z "
                        f"{stats[i]['half_z']:.2f}, tau_max {stats[i]['tau_max']:.3g}" for i in bad)
        return RunResult(status=UNCONVERGED, message=f"sweep budget {max_sweeps} spent: {why}",
                         iterations=it, residual=max(stats[i]["se"] for i in bad), sweeps=done,
                         groups=stats, series=series)
    return RunResult(status=OK, message=f"se <= {target_se:g} with agreeing halves after {done} sweeps",
                     iterations=it, residual=max(s["se"] for s in stats), sweeps=done,
                     groups=stats, series=series)


def run_adaptive(data: PackedData, start: str, T, *, chains=16, max_chains=96, target_se=0.005,
                 sweep_budget=300, min_sweeps=60, batch=30, p=None, interaction="distinct",
                 seed=0, keep=KEEP, branches: float | None = None,
                 drift_budget: int | None = None) -> RunResult:
    """``chains`` chains from ``start`` ('planted' | 'random') run by :func:`run_until` (at most
    ``sweep_budget`` sweeps); if the error target is not met, chains are ADDED, each run for
    exactly as many sweeps as the first ones, until the standard error of q* over all chains is
    <= ``target_se`` with agreeing halves, or ``max_chains`` chains are used (reported either way).

    Why chains and not sweeps: when chains sit in different long-lived states (from a random
    start in the glassy region, or near a spinodal where some escape), the spread of the chain
    means does not shrink with the run length, only as 1 / sqrt(C).  The number added is the
    estimate C (se / target)^2 of the chains needed, times 1.1, at least ``chains``.

    ``drift_budget``: the first chains may run past ``sweep_budget``, up to ``drift_budget``
    sweeps, while their q* still drifts (halves disagreeing: chains relaxing, or escaping a
    metastable branch), which more chains cannot fix (``run_until(soft_budget=...)``).  A cell
    stationary at ``sweep_budget`` is unchanged by it.

    ``branches`` (a q* threshold, e.g. 0.5): where the chains split between two branches
    (:func:`branch_statistics`: retrieval above the threshold, paramagnet below), the target
    applies to EACH branch's mean instead of the pooled one, whose spread is then set by the
    fraction of chains in each branch, not by the run.  ``RunResult.branches`` holds the
    per-branch statistics whenever ``branches`` is given (one entry when the chains do not
    split).

    Seeds: child 0 of ``SeedSequence(seed)`` gives the first chains' starts, child 1 their
    dynamics; extension k uses the children 2k + 2 (starts) and 2k + 3 (dynamics).  The result
    depends on the seed only.  Memory: 2 M bytes per chain at a time (the chains of one
    extension), plus the (C, sweeps) series.
    """
    max_chains = tsamp.check_positive_int("max_chains", max_chains)
    chains = tsamp.check_positive_int("chains", chains)
    if max_chains < chains:
        raise ValueError(f"max_chains must be >= chains = {chains}, got {max_chains}")
    root = _seed_sequence(seed)
    kids = iter(root.spawn(2 + 2 * max_chains))
    p = data.p if p is None else p

    def _new(n):
        xi0 = initial_states(start, data.xi_star, n, np.random.default_rng(next(kids)))
        return ChainSet(data, xi0, p, interaction, seed=next(kids))

    if drift_budget is not None:
        drift_budget = tsamp.check_positive_int("drift_budget", drift_budget)
    hard = max(sweep_budget, drift_budget or 0)
    res = run_until(_new(chains), T, target_se=target_se, max_sweeps=hard,
                    min_sweeps=min(min_sweeps, sweep_budget), batch=batch, keep=keep,
                    soft_budget=sweep_budget if hard > sweep_budget else None)
    if res.status == OK:
        if branches is not None:
            res.branches = branch_statistics(res.series["q_star"], branches, keep)
        return res
    series, done, it = res.series, res.sweeps, res.iterations
    C = chains
    while True:
        stats = _group_stats(series, done, [np.arange(C)], data.N, keep)
        g = stats[0]
        ok = g["se"] <= target_se and g["equilibrated"]
        worst = g["se"]
        detail = f"se {g['se']:.4g}, halves z {g['half_z']:.2f}, tau_max {g['tau_max']:.3g}"
        split = None
        if not ok and branches is not None:
            split = branch_statistics(series["q_star"][:, :done], branches, keep)
            if len(split) > 1:  # two branches: each must meet the target on its own
                ok = all(b["se"] <= target_se and b["equilibrated"] for b in split)
                worst = max(b["se"] for b in split)
                detail = "; ".join(f"{b['branch']} branch: {b['chains']} chains, q* {b['mean']:.4g}, "
                                   f"se {b['se']:.4g}, halves z {b['half_z']:.2f}" for b in split)
        if ok or C >= max_chains:
            break
        need = int(math.ceil(1.1 * C * (worst / target_se) ** 2)) if worst > 0 else C
        add = int(min(max(need - C, chains), max_chains - C))
        ext = run_until(_new(add), T, target_se=target_se, max_sweeps=done, min_sweeps=done,
                        batch=done, keep=keep)
        series = {k: np.concatenate([series[k], ext.series[k]]) for k in series}
        C += add
        it += ext.iterations
    if split is None and branches is not None:
        split = branch_statistics(series["q_star"][:, :done], branches, keep)
    tail = f" (by branch: {detail})" if split is not None and len(split) > 1 else f" ({detail})"
    msg = (f"{'target met' if ok else 'target missed'}: {C} chains x {done} sweeps, target se "
           f"{target_se:g}{tail}" + ("" if ok or C < max_chains else "; chain limit reached"))
    return RunResult(status=OK if ok else UNCONVERGED, iterations=it, residual=float(worst),
                     sweeps=done, groups=stats, series=series, message=msg,
                     branches=split or [])


def branch_statistics(q, threshold: float, keep: float = KEEP) -> list[dict]:
    """Chains split by the mean q* of their measured window: 'retrieval' (> threshold) and
    'paramagnet' (<= threshold); :func:`chain_statistics` of each non-empty branch plus
    ``branch``, ``chains`` and ``fraction``.  A metastable cell (some chains escaped, or some
    random starts nucleated retrieval) has two branches, each a value of q* of its own."""
    q = np.atleast_2d(np.asarray(q, dtype=float))
    C = q.shape[0]
    means = _window_means(q, keep)
    out = []
    for name, sel in (("retrieval", means > threshold), ("paramagnet", means <= threshold)):
        idx = np.flatnonzero(sel)
        if idx.size == 0:
            continue
        st = chain_statistics(q[idx], keep)
        st.update(branch=name, chains=int(idx.size), fraction=float(idx.size / C))
        out.append(st)
    return out


def _group_stats(out, done, groups, N, keep):
    res = []
    n_keep = _n_keep(done, keep)
    for g in groups:
        s = chain_statistics(out["q_star"][g, :done], keep)
        s["m"] = float(out["m"][g, done - n_keep:done].mean())
        s["energy"] = float(out["energy"][g, done - n_keep:done].mean())
        s["acceptance"] = float(out["accepted"][g, :done].sum()) / (len(g) * done * N)
        res.append(s)
    return res


def initial_states(start: str, xi_star, n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, N) int8 initial configurations: 'planted' (xi*) or 'random' (uniform)."""
    N = xi_star.shape[0]
    if start == "planted":
        return np.tile(np.asarray(xi_star, dtype=np.int8), (n, 1))
    if start == "random":
        return (2 * rng.integers(0, 2, size=(n, N)) - 1).astype(np.int8)
    raise ValueError(f"start must be 'planted' or 'random', got {start!r}")


# --------------------------------------------------------------------------- parallel tempering
def exchange_probability(beta_i, beta_j, E_i, E_j) -> float:
    """Replica-exchange acceptance min(1, exp[(beta_i - beta_j)(E_i - E_j)]) (total energies)."""
    x = (beta_i - beta_j) * (E_i - E_j)
    return 1.0 if x >= 0 else math.exp(x)


@dataclass(kw_only=True)
class PTResult(ResultContract):
    """Outcome of :func:`parallel_tempering`.

    temperatures (R,); q_star, energy (per spin), m : (ladders, R, sweeps) per temperature
    (the chain holding that temperature at each sweep); exchange_rate (R-1,) accepted /
    proposed swaps of each neighbouring pair; attempts (R-1,); stats : per temperature
    :func:`chain_statistics` of q* over the ladders; codes (ladders, R, sweeps) when recorded.
    """

    temperatures: np.ndarray
    q_star: np.ndarray
    energy: np.ndarray
    m: np.ndarray
    exchange_rate: np.ndarray
    attempts: np.ndarray
    stats: list = field(default_factory=list)
    codes: np.ndarray | None = None


def parallel_tempering(data: PackedData, temperatures, n_sweeps, *, ladders=1, start="planted",
                       swap_every=1, interaction="distinct", seed=0, record_states=False,
                       xi0=None) -> PTResult:
    """Replica exchange over student ``temperatures`` (increasing) on one data set.

    ``ladders`` independent ladders (R chains each) run in parallel.  Every ``swap_every``
    sweeps, alternately the even and the odd neighbouring pairs (i, i+1) of every ladder
    propose to exchange temperatures with probability :func:`exchange_probability`.
    Seeds: children 0, 1, 2 of ``SeedSequence(seed)`` give the starts, the chains' dynamics
    and the exchange decisions; the result does not depend on the number of threads.
    """
    Ts = np.asarray(temperatures, dtype=float)
    if Ts.ndim != 1 or Ts.size < 2 or np.any(np.diff(Ts) <= 0) or np.any(Ts <= 0):
        raise ValueError(f"temperatures must be >= 2 increasing positive values, got {temperatures!r}")
    n_sweeps = tsamp.check_positive_int("n_sweeps", n_sweeps)
    swap_every = tsamp.check_positive_int("swap_every", swap_every)
    ladders = tsamp.check_positive_int("ladders", ladders)
    R = Ts.size
    ss_start, ss_dyn, ss_swap = _seed_sequence(seed).spawn(3)
    if xi0 is None:
        xi0 = initial_states(start, data.xi_star, ladders * R, np.random.default_rng(ss_start))
    chains = ChainSet(data, xi0, data.p, interaction, seed=ss_dyn)
    C = chains.C
    if C != ladders * R:
        raise ValueError(f"xi0 must hold ladders * len(temperatures) = {ladders * R} rows")
    raw = dict(q=np.empty((C, n_sweeps)), e=np.empty((C, n_sweeps)), m=np.empty((C, n_sweeps)),
               acc=np.empty((C, n_sweeps), np.int64),
               codes=np.empty((C, n_sweeps if record_states else 0), np.int64))
    if record_states and data.N > 62:
        raise ValueError("record_states needs N <= 62")
    tmap = np.empty((n_sweeps, C), np.int64)
    acc = np.zeros(R - 1, np.int64)
    att = np.zeros(R - 1, np.int64)
    _pt_kernel(data.bits, chains.M, chains.colsum, SIGN_LUT, chains.L, chains.cA, chains.cB,
               chains.fast3, chains.scale, 1.0 / Ts, ladders, chains.xi, data.xi_star, chains.X,
               chains.st, chains.rstates, chains.orders, xrng.new_state(ss_swap), swap_every,
               raw["q"], raw["e"], raw["m"], raw["acc"], raw["codes"], tmap, acc, att)
    # per temperature: the chain holding temperature i of ladder l at sweep s
    lad = np.arange(C) // R
    q = np.empty((ladders, R, n_sweeps))
    e = np.empty((ladders, R, n_sweeps))
    m = np.empty((ladders, R, n_sweeps))
    codes = np.empty((ladders, R, n_sweeps), np.int64) if record_states else None
    cols = np.arange(n_sweeps)
    for c in range(C):
        ti = tmap[:, c]
        q[lad[c], ti, cols] = raw["q"][c]
        e[lad[c], ti, cols] = raw["e"][c]
        m[lad[c], ti, cols] = raw["m"][c]
        if record_states:
            codes[lad[c], ti, cols] = raw["codes"][c]
    rate = np.where(att > 0, acc / np.maximum(att, 1), np.nan)
    stats = [chain_statistics(q[:, i, :]) for i in range(R)]
    return PTResult(temperatures=Ts, q_star=q, energy=e, m=m, exchange_rate=rate, attempts=att,
                    stats=stats, codes=codes, iterations=n_sweeps,
                    message=f"{n_sweeps} sweeps, {ladders} ladder(s) of {R} temperatures")


# --------------------------------------------------------------------------- Fig. 4 task
def alpha_key(alpha) -> str:
    """Column suffix of a load: 3 -> 'a3', 2.5 -> 'a2p5'."""
    return "a" + f"{float(alpha):g}".replace(".", "p").replace("-", "m")


def _parse_starts(spec) -> dict:
    """``starts`` of :func:`fig4_task`: a list of 'KEY:START' strings (the sweep-grid form, e.g.
    ['a3:planted', 'a3:random', 'a9:planted']) or a dict {KEY: [START, ...]}; -> {KEY: tuple}."""
    if not spec:
        return {}
    if isinstance(spec, dict):
        items = [(str(k), str(x)) for k, v in spec.items() for x in v]
    else:
        items = []
        for it in spec:
            if not isinstance(it, str) or it.count(":") != 1:
                raise ValueError(f"starts: entries must look like 'a3:planted', got {it!r}")
            k, x = it.split(":")
            items.append((k, x))
    out: dict = {}
    for k, x in items:
        if x not in ("planted", "random"):
            raise ValueError(f"starts: {k!r}: start must be 'planted' or 'random', got {x!r}")
        out[k] = out.get(k, ()) + (x,)
    return out


def fig4_dataset(params: dict, seed: np.random.SeedSequence):
    """``(data, seed_dynamics)`` of one :func:`fig4_task` cell: the exact-teacher data set of
    M(max alpha) examples at T* = params['T'] (child 0 of ``seed``; every load uses a prefix,
    ``data.prefix(n_examples(alpha, N, p))``) and the seed of the chains' dynamics (child 1).
    Memory: N M(max alpha) / 8 bytes packed (56 MB at N = 512, alpha = 20)."""
    p, N, T = int(params["p"]), int(params["N"]), float(params["T"])
    ss_data, ss_dyn = seed.spawn(2)
    M = max(n_examples(float(a), N, p) for a in params["alphas"])
    data = sample_teacher_packed(N, p, T, M, seed=ss_data,
                                 interaction=params.get("teacher_interaction", "literal"))
    return data, ss_dyn


def fig4_task(params: dict, sample: int, seed: np.random.SeedSequence) -> dict:
    """One Nishimori-line temperature T = T* of the paper's Fig. 4 (for ``run_sweep``).

    params : p, N, T (= T*), alphas (list), chains (per start), target_se, max_sweeps,
    min_sweeps, batch; optional max_chains (default: chains; more chains are added by
    :func:`run_adaptive` where the target is missed after max_sweeps), starts (which starts
    run at which load, :func:`_parse_starts`; default both for every alpha; an alpha not named,
    both; a start left out has no columns), branches (a q* threshold: the error target
    applies to each branch of a split cell, :func:`run_adaptive`; adds the columns
    qR_s_k, seR_s_k, nR_s_k (retrieval branch) and qP_s_k, seP_s_k, nP_s_k (paramagnet)),
    drift_sweeps (:func:`run_adaptive`'s drift_budget: the first chains may run past max_sweeps
    while q* drifts),
    teacher_interaction ('literal'), interaction ('distinct').
    One data set of M(max alpha) exact teacher examples (child 0 of ``seed``); every alpha
    uses its first M(alpha) examples.  Per alpha and start ('planted', 'random'), ``chains``
    chains run in parallel (children of child 1) until their q* reaches target_se with
    agreeing halves, or max_sweeps (:func:`run_until`; status per start).

    Columns, per alpha key k (:func:`alpha_key`) and start s in (planted, random):
    M_k, r_sample_k, q_s_k, se_s_k, tau_max_s_k, tau_mean_s_k, half_z_s_k, equil_s_k,
    m_s_k, acc_s_k, sweeps_s_k, status_s_k, frac_retrieved_s_k, chains_s_k; plus r_N.
    """
    p, N, T = int(params["p"]), int(params["N"]), float(params["T"])
    alphas = sorted(float(a) for a in params["alphas"])
    C = int(params.get("chains", 16))
    max_chains = int(params.get("max_chains", C))
    starts = _parse_starts(params.get("starts"))
    branches = params.get("branches")
    branches = None if branches is None else float(branches)
    interaction = params.get("interaction", "distinct")
    data, ss_dyn = fig4_dataset(params, seed)
    Ms = [n_examples(a, N, p) for a in alphas]
    row = {"r_N": data.r_N()}
    for alpha, M, ss in zip(alphas, Ms, ss_dyn.spawn(len(alphas))):
        k = alpha_key(alpha)
        d = data.prefix(M)
        row[f"M_{k}"] = M
        row[f"r_sample_{k}"] = d.r_sample()
        run_starts = starts.get(k, ("planted", "random"))
        for s, ss_s in zip(("planted", "random"), ss.spawn(2)):
            if s not in run_starts:  # its seed is still drawn: the other start does not depend on it
                continue
            # children 0, 1 of ss_s: the first chains' starts and dynamics (as before extensions
            # existed: a run that needs no extra chains is unchanged)
            res = run_adaptive(d, s, T, chains=C, max_chains=max_chains, p=p, interaction=interaction,
                               target_se=float(params.get("target_se", 0.005)),
                               sweep_budget=int(params.get("max_sweeps", 2000)),
                               min_sweeps=int(params.get("min_sweeps", 60)),
                               batch=int(params.get("batch", 30)), seed=ss_s, branches=branches,
                               drift_budget=params.get("drift_sweeps"))
            g = res.groups[0]
            row[f"chains_{s}_{k}"] = int(res.series["q_star"].shape[0])
            if branches is not None:
                split = {b["branch"]: b for b in res.branches}
                for tag, name in (("R", "retrieval"), ("P", "paramagnet")):
                    b = split.get(name)
                    row[f"q{tag}_{s}_{k}"] = b["mean"] if b else math.nan
                    row[f"se{tag}_{s}_{k}"] = b["se"] if b else math.nan
                    row[f"n{tag}_{s}_{k}"] = b["chains"] if b else 0
            row[f"q_{s}_{k}"] = g["mean"]
            row[f"se_{s}_{k}"] = g["se"]
            row[f"tau_max_{s}_{k}"] = g["tau_max"]
            row[f"tau_mean_{s}_{k}"] = g["tau_mean"]
            row[f"half_z_{s}_{k}"] = g["half_z"]
            row[f"equil_{s}_{k}"] = bool(g["equilibrated"])
            row[f"m_{s}_{k}"] = g["m"]
            row[f"acc_{s}_{k}"] = g["acceptance"]
            row[f"sweeps_{s}_{k}"] = res.sweeps
            row[f"status_{s}_{k}"] = res.status
            # chains on the retrieval branch (mean q* of the measured window > 1/2): a random
            # start that splits between branches is metastability, not a lack of sweeps
            row[f"frac_retrieved_{s}_{k}"] = float(np.mean(_window_means(res.series["q_star"]) > 0.5))
    return row
