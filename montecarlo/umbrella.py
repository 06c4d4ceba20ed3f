"""Overlap landscape of the dense student by umbrella sampling in q* and MBAR reweighting: the
one home of this experiment (windows, chains, sweep task, reweighting, bootstrap).

Physics: docs/theory/teacher_student_theory.md Sec. 3.6 (V(q*)), 12 (MC protocol).  The distribution of
the generalisation overlap q* = xi.xi*/N in the student's Gibbs measure behaves as
P_N(q*) ≍ exp(N V(q*)); its log per spin is the MC counterpart of the theory's constrained
free entropy V(q*) (up to an additive constant and O(ln N / N) corrections).

Umbrella sampling
-----------------
Window w adds to the student energy the bias (energy units)

    U_w(q*) = N (k T / 2) max(|q* - c_w| - width, 0)^2,

i.e. beta U_w = N k/2 d^2 with a dimensionless stiffness k ("kT per spin"); width = 0 is the
harmonic bias, width > 0 the flat-bottom bias.  Each window is an independent Metropolis run
(:func:`run_window`: :class:`montecarlo.teacher_student.StudentChain`, same examples for all
windows) started from a corrupted copy of xi* with q* = c_w, equilibrated for
``equilibration`` sweeps, then measured once per sweep.  :func:`landscape` runs the windows in
one process; :func:`window_task` is the same window as a task of
:func:`montecarlo.sweep.run_sweep` (parallel, cached; used by ``figure ts-landscape``).

Reweighting (MBAR, pymbar)
--------------------------
q* takes the N+1 values x_j = -1 + 2j/N.  The window free energies f_w are the MBAR solution
(Shirts & Chodera 2008; ``pymbar.MBAR``) for the reduced potentials u_w(x_n) = b_w(x_n) =
beta U_w(x_n) of all pooled samples (the unbiased energy is common to all windows and
cancels).  With H(x) the pooled counts and n_w the samples of window w, the unbiased

    P(x) = H(x) / sum_w n_w exp(f_w - b_w(x))

(the MBAR weights summed over the samples at x, which on discrete states is WHAM with
zero-width bins, Kumar et al. 1992), normalised over the visited x; ``V_mc(x) = ln P(x)/N``.
:func:`mbar` checks the self-consistency residual ``max_w |f_w + ln sum_x P(x) e^{-b_w(x)}|``
itself and raises RuntimeError above ``tol`` (pymbar only logs a warning).

Statistical errors: a block bootstrap (blocks of consecutive sweeps per window, resampled
independently per window by ``scipy.stats.bootstrap``; :func:`estimate`).  Replicas use :func:`wham`, the same estimator
solved on the (window x state) count matrix by Newton's method, started from the MBAR solution:
pymbar 4 has no sample weights, so its cost grows with the number of samples (K windows x
sum n_w columns) where the count form needs K^2 (N+1) per step.  Measured in one run (2 shared,
loaded cores): N = 100, 56 windows x 600 sweeps (size "quick"): pymbar 9-14 s per solve, count
solver 0.5 s (8 Newton steps), f equal to 2e-12; N = 200, 111 windows x 4000 sweeps (size
"paper"): pymbar 231 s and a 394 MB u_kn matrix per solve (200 replicas: ~13 h), count solver
0.7 s.  Failed replicas (no convergence) are counted (``n_boot_failed``), never silently dropped.

Cost: windows * (equilibration + sweeps) sweeps of O(N M) each; memory N*M bytes, plus
8 K sum(n_w) bytes for the MBAR matrix.
"""

from __future__ import annotations

import json
import logging
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy.special import logsumexp

from hopfield_phases._core.validation import check_memory

from . import rng as xrng
from . import teacher_sampling as ts
from . import teacher_student as tsm
from hopfield_phases._core.validation import integer, nonnegative, positive
from .resources import check_teacher_student

__all__ = ["bias_reduced", "q_values", "default_stiffness", "run_window", "window_task",
           "window_grid", "counts_matrix", "ReweightResult", "WhamResult", "mbar", "wham",
           "LandscapeEstimate", "estimate", "LandscapeResult", "landscape"]


def bias_reduced(x, center, k, width, N):
    """beta U(x) = N k/2 max(|x - center| - width, 0)^2 (dimensionless)."""
    d = np.maximum(np.abs(np.asarray(x, dtype=float) - center) - width, 0.0)
    return 0.5 * k * N * d * d


def q_values(N: int) -> np.ndarray:
    """The N+1 values of q* = -1 + 2j/N."""
    return -1.0 + 2.0 * np.arange(N + 1) / N


def default_stiffness(N: int, centers) -> float:
    """k = 1/(N s^2) with s the smallest window spacing (a window's q* spread ~ its spacing),
    at least 4."""
    centers = np.sort(np.asarray(centers, dtype=float))
    spacing = float(np.min(np.diff(centers))) if centers.size > 1 else 0.1
    return max(4.0, 1.0 / (N * spacing**2))


def _check_windows(centers, k, width, N):
    centers = np.asarray(centers, dtype=float)
    if centers.ndim != 1 or centers.size < 1 or not np.all(np.abs(centers) <= 1):  # NaN fails too
        raise ValueError("centers must be a non-empty list of q* values in [-1, 1]")
    k = default_stiffness(N, centers) if k is None else positive("k", k)
    return centers, k, nonnegative("width", width)


# --------------------------------------------------------------------------- windows
def run_window(examples, xi_star, p, center, k, width, T, sweeps, equilibration, seed, *,
               interaction="distinct", chain=None):
    """One umbrella window: Metropolis with bias ``beta U = N k/2 max(|q*-c|-width, 0)^2``,
    started from a corrupted copy of xi* at q* = center (``seed``: SeedSequence, child 0 the
    start, child 1 the dynamics).  ``chain``: a StudentChain on the same examples to reuse
    (its site-major copy of the examples), or None.  Returns ``(q* per measured sweep, chain)``."""
    init_ss, run_ss = seed.spawn(2)
    xi0 = tsm.corrupted_start(xi_star, center, np.random.default_rng(init_ss))
    if chain is None:
        chain = tsm.StudentChain(examples, xi_star, xi0, p, interaction, seed=run_ss)
    else:  # reuse the site-major examples; fresh configuration and random stream
        chain.reset(xi0)
        chain.rng_state = xrng.new_state(run_ss)
    bias = (float(center), k * T, width)
    if equilibration:
        chain.advance(int(equilibration), T, bias=bias)
    return np.asarray(chain.advance(int(sweeps), T, bias=bias)["q_star"]), chain


def window_grid(p, N, alpha, T, T_teacher, centers, k=None, *, width=0.0, sweeps=1000,
                equilibration=200, data_seed=0, interaction="distinct",
                teacher_interaction="literal") -> list[dict]:
    """The parameter points of :func:`window_task`, one per window (same data set)."""
    centers, k, width = _check_windows(centers, k, width, int(N))
    return [dict(p=int(p), N=int(N), alpha=float(alpha), T=float(T), T_teacher=float(T_teacher),
                 center=round(float(c), 10), k=float(k), width=width, sweeps=int(sweeps),
                 equilibration=int(equilibration), data_seed=int(data_seed),
                 interaction=interaction, teacher_interaction=teacher_interaction)
            for c in centers]


def window_task(params: dict, sample: int, seed) -> dict:
    """Sweep task (:func:`montecarlo.sweep.run_sweep`): one umbrella window on the data set of
    ``SeedSequence([data_seed, sample])`` (shared by all windows of a sample), dynamics seeded
    by the sweep's SeedSequence.  ``params`` as made by :func:`window_grid` (``width``,
    ``interaction``, ``teacher_interaction`` optional: 0, distinct, literal).

    Columns: ``q_index`` (JSON list of the per-sweep j = (q*+1) N/2), ``q_mean``, ``q_std``,
    ``M``, ``r_sample``, ``r_N``."""
    p, N = int(params["p"]), int(params["N"])
    alpha, T, Tt = float(params["alpha"]), float(params["T"]), float(params["T_teacher"])
    inter = params.get("interaction", "distinct")
    t_inter = params.get("teacher_interaction", "literal")
    M = tsm.n_examples(alpha, N, p)
    data_ss = np.random.SeedSequence([int(params["data_seed"]), int(sample)])
    xi_star, examples = tsm.sample_teacher(N, p, Tt, M, seed=data_ss, interaction=t_inter)
    K = tsm._overlaps(examples, xi_star)
    q, _ = run_window(examples, xi_star, p, float(params["center"]), float(params["k"]),
                      float(params.get("width", 0.0)), T, int(params["sweeps"]),
                      int(params["equilibration"]), seed, interaction=inter)
    j = np.rint((q + 1.0) * N / 2.0).astype(int)
    return {"q_index": json.dumps(j.tolist(), separators=(",", ":")),
            "q_mean": float(np.mean(q)), "q_std": float(np.std(q)), "M": int(M),
            "r_sample": float(ts.realized_coupling_ratio(K, N, p, Tt)),
            "r_N": float(ts.coupling_ratio(N, p, Tt, t_inter))}


def counts_matrix(series, N) -> np.ndarray:
    """(W, N+1) counts of the state index j = (q*+1) N/2 per window; ``series`` holds per-window
    arrays of q* values (float) or of indices j (int)."""
    C = np.zeros((len(series), N + 1))
    for w, s in enumerate(series):
        s = np.asarray(s)
        j = s.astype(np.int64) if s.dtype.kind in "iu" else np.rint((s + 1.0) * N / 2.0).astype(np.int64)
        C[w] = np.bincount(j, minlength=N + 1)
    return C


# --------------------------------------------------------------------------- reweighting
@dataclass
class ReweightResult:
    """x: state indices 0..X-1; log_p: ln P(x) normalised over visited states (-inf where
    unvisited); f: window free energies (f_0 = 0); iterations (solver report; pymbar: the
    steps of its protocol); residual: the self-consistency residual checked; converged (always
    True: an unconverged solve raises); counts: total counts per x; method."""

    x: np.ndarray
    log_p: np.ndarray
    f: np.ndarray
    iterations: int
    converged: bool
    counts: np.ndarray
    residual: float = 0.0
    method: str = "mbar"


WhamResult = ReweightResult  # the former name


def _check_counts(counts, bias):
    counts = np.asarray(counts, dtype=float)
    bias = np.asarray(bias, dtype=float)
    if counts.shape != bias.shape or counts.ndim != 2:
        raise ValueError("counts and bias must be (W, X) arrays of the same shape")
    if np.any(counts < 0) or np.any(counts != np.round(counts)):
        raise ValueError("counts must be non-negative integers")
    n_w = counts.sum(axis=1)
    if np.any(n_w <= 0):
        raise ValueError("counts: every window needs at least one sample")
    return counts, bias, n_w


def _finish(counts, bias, n_w, f, tol, iterations, method) -> ReweightResult:
    """ln P(x) from window free energies f; raises RuntimeError when f is not self-consistent."""
    H = counts.sum(axis=0)
    vis = H > 0
    b = bias[:, vis]
    f = np.asarray(f, dtype=float) - f[0]
    lp = np.log(H[vis]) - logsumexp(np.log(n_w)[:, None] + f[:, None] - b, axis=0)
    lp -= logsumexp(lp)
    f_check = -logsumexp(lp[None, :] - b, axis=1)
    resid = float(np.max(np.abs(f_check - f_check[0] - f)))
    if not np.isfinite(resid) or resid > tol:
        raise RuntimeError(f"{method} did not converge (self-consistency residual {resid:.2e} > {tol:.1e})")
    out = np.full(counts.shape[1], -np.inf)
    out[vis] = lp
    return ReweightResult(x=np.arange(counts.shape[1]), log_p=out, f=f, iterations=int(iterations),
                          converged=True, counts=H, residual=resid, method=method)


def _pymbar():
    """Import pymbar without its import-time banners (it logs that JAX is absent)."""
    log = logging.getLogger("pymbar")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        import pymbar
    finally:
        log.setLevel(level)
    return pymbar


def mbar(counts, bias, tol: float = 1e-6, initial_f=None) -> ReweightResult:
    """MBAR (``pymbar.MBAR``) for discrete states.

    Parameters
    ----------
    counts : (W, X) array, counts[w, j] of state j in window w (the samples are expanded from
        it: MBAR sees one column per sample).
    bias : (W, X) array, reduced bias b_w(x_j) = beta U_w(x_j).
    tol : bound on the self-consistency residual of f (checked here).
    initial_f : optional starting window free energies.
    Returns a :class:`ReweightResult` (``x`` is the index 0..X-1).  Raises RuntimeError if
    the solution is not self-consistent (never returns an unconverged answer).
    """
    counts, bias, n_w = _check_counts(counts, bias)
    # u_kn and pymbar's work arrays of the same shape (about four copies)
    check_memory("counts", 4 * 8 * counts.shape[0] * n_w.sum(),
                 f"MBAR on {counts.shape[0]} windows x {int(n_w.sum())} samples")
    pymbar = _pymbar()
    idx = np.concatenate([np.repeat(np.arange(counts.shape[1]), counts[w].astype(np.int64))
                          for w in range(counts.shape[0])])
    u_kn = bias[:, idx]
    log = logging.getLogger("pymbar")
    level = log.level
    log.setLevel(logging.ERROR)  # unconverged solves are caught by our own residual check
    try:
        m = pymbar.MBAR(u_kn, n_w.astype(np.int64), initial_f_k=initial_f)
    finally:
        log.setLevel(level)
    return _finish(counts, bias, n_w, m.f_k, tol, 1, "mbar")


def wham(counts, bias, tol: float = 1e-6, initial_f=None) -> ReweightResult:
    """The MBAR/WHAM estimator solved on the count matrix (cost W^2 X per step, independent of
    the number of samples): minimum of the convex function ``F(f) = sum_x H(x) ln sum_w n_w
    e^{f_w - b_w(x)} - sum_w n_w f_w`` (f_0 = 0) by a trust-region Newton method with the
    analytic gradient and Hessian (``scipy.optimize.minimize(method="trust-exact")``).  Used
    for bootstrap replicas, where :func:`mbar` is too slow (module docstring); ``initial_f``
    (e.g. the full-data solution) starts the solver.  Same result as :func:`mbar`; raises
    RuntimeError when not self-consistent."""
    from scipy.optimize import minimize

    counts, bias, n_w = _check_counts(counts, bias)
    H = counts.sum(axis=0)
    vis = H > 0
    Hv, b, log_n = H[vis], bias[:, vis], np.log(n_w)
    total = Hv.sum()

    def weights(g):
        f = np.concatenate([[0.0], g])
        a = log_n[:, None] + f[:, None] - b
        lse = logsumexp(a, axis=0)
        return f, lse, np.exp(a - lse[None, :])  # p[w, x]: share of window w at state x

    def fun(g):
        f, lse, p = weights(g)
        grad = p @ Hv - n_w
        return float(Hv @ lse - n_w @ f) / total, grad[1:] / total

    def hess(g):
        _, _, p = weights(g)
        ph = p * Hv[None, :]
        Hm = np.diag(ph.sum(axis=1)) - ph @ p.T
        return Hm[1:, 1:] / total

    g0 = np.zeros(len(n_w) - 1) if initial_f is None else \
        np.asarray(initial_f, dtype=float)[1:] - float(initial_f[0])
    res = minimize(fun, g0, jac=True, hess=hess, method="trust-exact", options={"gtol": 1e-12})
    return _finish(counts, bias, n_w, np.concatenate([[0.0], res.x]), tol, res.nit, "wham")


# --------------------------------------------------------------------------- estimate
@dataclass
class LandscapeEstimate:
    """V(q*) from umbrella windows.  q: the N+1 values; V = ln P/N with max 0 (nan where
    unvisited); V_err: block-bootstrap standard deviation; log_p, f: the MBAR result; boot:
    (n_ok, N+1) V of the converged replicas; n_boot, n_boot_failed: replicas requested and
    replicas whose reweighting failed (excluded from V_err and boot, counted here)."""

    q: np.ndarray
    V: np.ndarray
    V_err: np.ndarray
    log_p: np.ndarray
    f: np.ndarray
    boot: np.ndarray
    n_boot: int
    n_boot_failed: int


def _V(log_p, N):
    V = np.asarray(log_p, dtype=float) / N
    V = V - np.max(V[np.isfinite(V)])
    V[~np.isfinite(V)] = np.nan
    return V


def _block_counts(j, N, block):
    """(n_blocks, N+1) state counts of the consecutive blocks of one window's series (the tail
    shorter than a block is left out; a series shorter than a block is one block)."""
    nb = max(1, len(j) // block)
    cut = j[: nb * block] if len(j) >= block else j
    rows = np.repeat(np.arange(nb), len(cut) // nb)
    out = np.zeros((nb, N + 1))
    np.add.at(out, (rows, cut), 1.0)
    return out


def estimate(series, centers, k, width, N, *, n_boot=40, block=50, seed=0) -> LandscapeEstimate:
    """MBAR landscape and block bootstrap from per-window series (q* values or indices j).

    The blocks of ``block`` consecutive sweeps of each window are resampled with replacement,
    independently per window, by ``scipy.stats.bootstrap`` (``paired=False``; the
    observations are the block indices, so a replica is a set of whole blocks; a window with a
    single block stays fixed, as scipy needs two observations).  ``seed``: int, SeedSequence
    or Generator.  A replica whose reweighting fails is counted in ``n_boot_failed``."""
    from scipy import stats

    N = int(N)
    if n_boot < 0:
        raise ValueError(f"n_boot must be >= 0, got {n_boot}")
    if block < 1:
        raise ValueError(f"block must be >= 1, got {block}")
    centers = np.asarray(centers, dtype=float)
    if len(series) != len(centers):
        raise ValueError("series: one series per window centre")
    q = q_values(N)
    bias = np.array([bias_reduced(q, c, k, width, N) for c in centers])
    counts = counts_matrix(series, N)
    res = mbar(counts, bias)
    V = _V(res.log_p, N)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    idx = [np.rint((np.asarray(s) + 1.0) * N / 2.0).astype(np.int64)
           if np.asarray(s).dtype.kind not in "iu" else np.asarray(s, dtype=np.int64) for s in series]
    blocks = [_block_counts(j, N, block) for j in idx]
    free = [w for w, B in enumerate(blocks) if len(B) >= 2]
    fixed = np.array([B.sum(axis=0) for B in blocks])

    def replica_V(picks, b):
        C = fixed.copy()
        for w, pick in zip(free, picks):
            C[w] = blocks[w][pick[b].astype(np.int64)].sum(axis=0)
        try:
            return _V(wham(C, bias, initial_f=res.f).log_p, N)
        except RuntimeError:  # counted below: a failed replica is all NaN
            return np.full(N + 1, np.nan)

    def statistic(*picks, axis=-1):
        picks = [np.atleast_2d(p) for p in picks]
        return np.stack([replica_V(picks, b) for b in range(picks[0].shape[0])], axis=-1)

    if n_boot and free:
        with warnings.catch_warnings():  # scipy's own interval is not used
            warnings.simplefilter("ignore")
            bt = stats.bootstrap([np.arange(len(blocks[w]), dtype=float) for w in free], statistic,
                                 n_resamples=n_boot, vectorized=True, paired=False,
                                 method="percentile", rng=rng)
        dist = np.asarray(bt.bootstrap_distribution, dtype=float).reshape(N + 1, n_boot).T
    else:
        dist = np.tile(V, (n_boot, 1))  # nothing to resample
    ok = np.isfinite(dist).any(axis=1)
    boots = dist[ok]
    finite = np.isfinite(boots)
    V_err = np.array([np.std(boots[finite[:, j], j]) if finite[:, j].sum() > 2 else np.nan
                      for j in range(N + 1)])
    return LandscapeEstimate(q=q, V=V, V_err=V_err, log_p=res.log_p, f=res.f, boot=boots,
                             n_boot=int(n_boot), n_boot_failed=int(np.sum(~ok)))


@dataclass
class LandscapeResult:
    """MC overlap landscape.

    q : the N+1 values of q*; V : ln P(q*)/N (max set to 0; nan where unvisited);
    V_err : block-bootstrap standard error of V (relative to its maximum);
    centers, k, width : the windows; window_mean, window_std : q* per window;
    r_N, r_sample, M : data couplings (doc Sec. 2, 12); n_boot_failed : bootstrap replicas
    whose reweighting failed (excluded from V_err); boot : V of the other replicas; settings.
    """

    q: np.ndarray
    V: np.ndarray
    V_err: np.ndarray
    log_p: np.ndarray
    centers: np.ndarray
    window_mean: np.ndarray
    window_std: np.ndarray
    r_N: float
    r_sample: float
    M: int
    settings: dict = field(default_factory=dict)
    n_boot_failed: int = 0
    boot: np.ndarray | None = field(default=None, repr=False)

    def rows(self) -> list[dict]:
        return [dict(q_star=float(q), V_mc=float(v), V_mc_err=float(e))
                for q, v, e in zip(self.q, self.V, self.V_err) if np.isfinite(v)]


def landscape(p, N, alpha, T, T_teacher, *, centers=None, k=None, width=0.0, sweeps=1000,
              equilibration=200, seed=0, interaction="distinct", teacher_interaction="literal",
              data=None, n_boot=40, block=50) -> LandscapeResult:
    """Umbrella-sampling estimate of V(q*) = ln P_N(q*)/N (doc Sec. 3.6), in one process.

    Parameters
    ----------
    p, N, alpha, T (> 0), T_teacher, interaction, teacher_interaction : as in
        :func:`montecarlo.teacher_student.run` (M = round(alpha N^{p-1}/p!)).
    centers : window centres in q* (default: 23 values from -0.1 to 1.0).
    k : stiffness of the bias, beta U = N k/2 d^2 (default :func:`default_stiffness`).
    width : flat-bottom half-width (0 = harmonic).
    sweeps, equilibration : measured / discarded sweeps per window.
    seed : int or SeedSequence (data: child 0; window w dynamics: child 1 spawned per window).
    n_boot, block : block bootstrap for V_err.
    """
    p = ts.check_p(p)
    N = ts.check_positive_int("N", N, minimum=2)
    T = ts.check_temperature("T", T, allow_zero=False, allow_inf=False)
    T_teacher = ts.check_temperature("T_teacher", T_teacher, allow_zero=False)
    ts.check_interaction("interaction", interaction)
    ts.check_interaction("teacher_interaction", teacher_interaction)
    sweeps = ts.check_positive_int("sweeps", sweeps)
    equilibration = ts.check_positive_int("equilibration", equilibration, minimum=0)
    centers, k, width = _check_windows(np.linspace(-0.1, 1.0, 23) if centers is None else centers,
                                       k, width, N)
    alpha = nonnegative("alpha", alpha)
    n_boot = integer("n_boot", n_boot, minimum=0)
    block = integer("block", block, minimum=1)
    if N < p:
        raise ValueError(f"N must be >= p = {p}, got {N}")
    M = tsm.n_examples(alpha, N, p)
    check_teacher_student(N, M, sweeps=sweeps + equilibration, windows=centers.size, name="alpha")
    ss = tsm._seed_sequence(seed)
    data_ss, dyn_ss = ss.spawn(2)
    if data is None:
        xi_star, examples = tsm.sample_teacher(N, p, T_teacher, M, seed=data_ss,
                                               interaction=teacher_interaction)
    else:
        xi_star, examples = data
    K = tsm._overlaps(examples, xi_star)
    r_sample = ts.realized_coupling_ratio(K, N, p, T_teacher)
    r_N = ts.coupling_ratio(N, p, T_teacher, teacher_interaction)
    series = []
    chain = None
    for c, wss in zip(centers, dyn_ss.spawn(len(centers))):
        s, chain = run_window(examples, xi_star, p, c, k, width, T, sweeps, equilibration, wss,
                              interaction=interaction, chain=chain)
        series.append(s)
    est = estimate(series, centers, k, width, N, n_boot=n_boot, block=block,
                   seed=np.random.default_rng(ss.spawn(3)[2]))
    settings = dict(p=p, N=N, alpha=alpha, M=M, T=T, T_teacher=T_teacher, k=k, width=width,
                    sweeps=sweeps, equilibration=equilibration, interaction=interaction,
                    teacher_interaction=teacher_interaction, n_windows=int(centers.size),
                    n_boot=int(n_boot), n_boot_failed=est.n_boot_failed,
                    reweighting="MBAR (pymbar); bootstrap replicas: count-matrix WHAM")
    return LandscapeResult(q=est.q, V=est.V, V_err=est.V_err, log_p=est.log_p, centers=centers,
                           window_mean=np.array([s.mean() for s in series]),
                           window_std=np.array([s.std() for s in series]),
                           r_N=r_N, r_sample=r_sample, M=M, settings=settings,
                           n_boot_failed=est.n_boot_failed, boot=est.boot)
