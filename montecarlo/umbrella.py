"""Overlap landscape of the dense student by umbrella sampling in q* and WHAM reweighting.

Physics: teacher_student_theory.md Sec. 3.6 (V(q*)), 12 (MC protocol).  The distribution of
the generalisation overlap q* = xi.xi*/N in the student's Gibbs measure behaves as
P_N(q*) ≍ exp(N V(q*)); its log per spin is the MC counterpart of the theory's constrained
free entropy V(q*) (up to an additive constant and O(ln N / N) corrections).

Umbrella sampling
-----------------
Window w adds to the student energy the bias (energy units)

    U_w(q*) = N (k T / 2) max(|q* - c_w| - width, 0)^2,

i.e. beta U_w = N k/2 d^2 with a dimensionless stiffness k ("kT per spin"); width = 0 is the
harmonic bias, width > 0 the flat-bottom bias.  Each window is an independent Metropolis run
(:class:`montecarlo.teacher_student.StudentChain`, same examples for all windows) started
from a corrupted copy of xi* with q* = c_w, equilibrated for ``equilibration`` sweeps, then
measured once per sweep.

WHAM (discrete, binless)
------------------------
q* takes the N+1 values x_j = -1 + 2j/N, so no histogram binning is needed.  With H_w(x) the
counts of window w, n_w its number of samples and b_w(x) = beta U_w(x), the WHAM equations
(Kumar et al. 1992; the self-consistent maximum-likelihood solution, equivalent to MBAR on
the discrete states) are

    P(x)  = sum_w H_w(x) / sum_w n_w exp(f_w - b_w(x)),
    f_w   = -ln sum_x P(x) exp(-b_w(x)),

iterated in log space (logsumexp) until max |f_w change| < tol; f is fixed by f_0 = 0.
P is normalised over the visited x.  ``V_mc(x) = ln P(x) / N``.  This is a self-contained
implementation; it is tested against an exactly solvable case (i.i.d. samples of known biased
distributions, and a tiny student whose P(q*) is enumerated exactly).

Statistical errors: :func:`wham` is deterministic given the samples; :func:`landscape`
estimates the error of V by a block bootstrap (blocks of consecutive sweeps per window).

Cost: windows * (equilibration + sweeps) sweeps of O(N M) each; memory N*M bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import logsumexp

from . import rng as xrng
from . import teacher_sampling as ts
from . import teacher_student as tsm
from hopfield_phases._core.validation import integer, nonnegative, real
from .resources import check_teacher_student

__all__ = ["WhamResult", "wham", "bias_reduced", "LandscapeResult", "landscape"]


def bias_reduced(x, center, k, width, N):
    """beta U(x) = N k/2 max(|x - center| - width, 0)^2 (dimensionless)."""
    d = np.maximum(np.abs(np.asarray(x, dtype=float) - center) - width, 0.0)
    return 0.5 * k * N * d * d


@dataclass
class WhamResult:
    """x: the states; log_p: ln P(x) normalised over visited states (-inf where unvisited);
    f: window free energies (f_0 = 0); iterations; converged; counts: total counts per x."""

    x: np.ndarray
    log_p: np.ndarray
    f: np.ndarray
    iterations: int
    converged: bool
    counts: np.ndarray


def wham(counts, bias, tol=1e-10, max_iter=100000) -> WhamResult:
    """Discrete WHAM.

    Parameters
    ----------
    counts : (W, X) array, counts[w, j] of state j in window w.
    bias : (W, X) array, reduced bias b_w(x_j) = beta U_w(x_j).
    Returns a :class:`WhamResult` (``x`` is left as the index 0..X-1).
    Raises RuntimeError if not converged after max_iter (never silently unconverged).
    """
    counts = np.asarray(counts, dtype=float)
    bias = np.asarray(bias, dtype=float)
    if counts.shape != bias.shape or counts.ndim != 2:
        raise ValueError("counts and bias must be (W, X) arrays of the same shape")
    n_w = counts.sum(axis=1)
    if np.any(n_w <= 0):
        raise ValueError("counts: every window needs at least one sample")
    H = counts.sum(axis=0)
    vis = H > 0
    logH = np.log(H[vis])
    b = bias[:, vis]
    log_n = np.log(n_w)
    f = np.zeros(counts.shape[0])
    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        log_den = logsumexp(log_n[:, None] + f[:, None] - b, axis=0)
        log_p = logH - log_den
        f_new = -logsumexp(log_p[None, :] - b, axis=1)
        f_new -= f_new[0]
        delta = np.max(np.abs(f_new - f))
        f = f_new
        if delta < tol:
            converged = True
            break
    if not converged:
        raise RuntimeError(f"wham did not converge in {max_iter} iterations (last change {delta:.2e})")
    log_den = logsumexp(log_n[:, None] + f[:, None] - b, axis=0)
    lp = logH - log_den
    lp -= logsumexp(lp)
    out = np.full(counts.shape[1], -np.inf)
    out[vis] = lp
    return WhamResult(x=np.arange(counts.shape[1]), log_p=out, f=f, iterations=it,
                      converged=True, counts=H)


@dataclass
class LandscapeResult:
    """MC overlap landscape.

    q : the N+1 values of q*; V : ln P(q*)/N (max set to 0; nan where unvisited);
    V_err : block-bootstrap standard error of V (relative to its maximum);
    centers, k, width : the windows; window_mean, window_std : q* per window;
    r_N, r_sample, M : data couplings (doc Sec. 2, 12); settings.
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

    def rows(self) -> list[dict]:
        return [dict(q_star=float(q), V_mc=float(v), V_mc_err=float(e))
                for q, v, e in zip(self.q, self.V, self.V_err) if np.isfinite(v)]


def _counts_matrix(series, N):
    W = len(series)
    C = np.zeros((W, N + 1))
    for w, s in enumerate(series):
        j = np.rint((np.asarray(s) + 1.0) * N / 2.0).astype(np.int64)
        C[w] = np.bincount(j, minlength=N + 1)
    return C


def landscape(p, N, alpha, T, T_teacher, *, centers=None, k=None, width=0.0, sweeps=1000,
              equilibration=200, seed=0, interaction="distinct", teacher_interaction="literal",
              data=None, n_boot=40, block=50) -> LandscapeResult:
    """Umbrella-sampling estimate of V(q*) = ln P_N(q*)/N (doc Sec. 3.6).

    Parameters
    ----------
    p, N, alpha, T (> 0), T_teacher, interaction, teacher_interaction : as in
        :func:`montecarlo.teacher_student.run` (M = round(alpha N^{p-1}/p!)).
    centers : window centres in q* (default: 26 values from -0.1 to 1.0).
    k : stiffness of the bias, beta U = N k/2 d^2 (default: 1/(N s^2) with s the window
        spacing, so a window's q* spread ~ its spacing; at least 4).
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
    if centers is None:
        centers = np.linspace(-0.1, 1.0, 23)
    centers = np.asarray(centers, dtype=float)
    if centers.ndim != 1 or centers.size < 1 or not np.all(np.abs(centers) <= 1):
        raise ValueError("centers must be a non-empty list of q* values in [-1, 1]")
    if k is None:
        spacing = float(np.min(np.diff(np.sort(centers)))) if centers.size > 1 else 0.1
        k = max(4.0, 1.0 / (N * spacing**2))
    k = real("k", k)
    if not (k > 0):
        raise ValueError(f"k must be > 0, got {k!r}")
    width = nonnegative("width", width)
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
    for w, (c, wss) in enumerate(zip(centers, dyn_ss.spawn(len(centers)))):
        init_ss, run_ss = wss.spawn(2)
        xi0 = tsm.corrupted_start(xi_star, c, np.random.default_rng(init_ss))
        if chain is None:
            chain = tsm.StudentChain(examples, xi_star, xi0, p, interaction, seed=run_ss)
        else:  # reuse the site-major examples; fresh configuration and random stream
            chain.reset(xi0)
            chain.rng_state = xrng.new_state(run_ss)
        bias = (c, k * T, width)
        if equilibration:
            chain.advance(equilibration, T, bias=bias)
        out = chain.advance(sweeps, T, bias=bias)
        series.append(out["q_star"])
    q = -1.0 + 2.0 * np.arange(N + 1) / N
    bias_mat = np.array([bias_reduced(q, c, k, width, N) for c in centers])
    C = _counts_matrix(series, N)
    res = wham(C, bias_mat)
    V = res.log_p / N
    V = V - np.max(V[np.isfinite(V)])
    V[~np.isfinite(V)] = np.nan
    # block bootstrap
    rng = np.random.default_rng(ss.spawn(3)[2])
    boots = []
    for _ in range(n_boot):
        bs = []
        for s in series:
            nb = max(1, len(s) // block)
            pick = rng.integers(0, nb, size=nb)
            bs.append(np.concatenate([s[i * block:(i + 1) * block] for i in pick]))
        try:
            rb = wham(_counts_matrix(bs, N), bias_mat)
        except RuntimeError:
            continue
        vb = rb.log_p / N
        vb = vb - np.max(vb[np.isfinite(vb)])
        boots.append(vb)
    boots = np.array(boots)
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(boots)
        V_err = np.array([np.std(boots[finite[:, j], j]) if finite[:, j].sum() > 2 else np.nan
                          for j in range(N + 1)])
    settings = dict(p=p, N=N, alpha=alpha, M=M, T=T, T_teacher=T_teacher, k=k, width=width,
                    sweeps=sweeps, equilibration=equilibration, interaction=interaction,
                    teacher_interaction=teacher_interaction, n_windows=int(centers.size))
    return LandscapeResult(q=q, V=V, V_err=V_err, log_p=res.log_p, centers=centers,
                           window_mean=np.array([s.mean() for s in series]),
                           window_std=np.array([s.std() for s in series]),
                           r_N=r_N, r_sample=r_sample, M=M, settings=settings)
