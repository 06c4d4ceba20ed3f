"""Dense (p-body) Hopfield student learning from a teacher's examples: Monte Carlo.

Physics: docs/theory/teacher_student_theory.md Sec. 1 (model), 2 (teacher), 11 (Hamiltonians), 12 (MC
protocol).

Model
-----
Teacher pattern xi* in {+-1}^N, M examples sigma^a drawn exactly from the teacher's Gibbs
law at T* (:mod:`montecarlo.teacher_sampling`), M = round(alpha N^{p-1} / p!).  The student
spins xi have the energy

    H(xi) = -N^{1-p} sum_a S(X_a),   X_a = xi . sigma^a,

with S(X) = S_p(X) (distinct-index form, the default, doc Sec. 11) or S(X) = X^p (literal).
Single-spin-flip Metropolis at temperature T with random sequential sweeps (a fresh random
permutation of the sites every sweep), or zero-temperature dynamics (T = 0: a flip is
accepted iff it strictly lowers the energy; the run stops after a sweep with no accepted
flip, i.e. at a local minimum for single flips).

Incremental update (doc Sec. 12)
--------------------------------
We keep the M overlaps X_a and B_a = B(X_a), where for s = +-1

    S(X + 2s) - S(X) = A(X) + s B(X),
    A(X) = [S(X+2) + S(X-2)]/2 - S(X)   (degree p-2),   B(X) = [S(X+2) - S(X-2)]/2 (degree p-1).

Flipping xi_k changes X_a by 2 s_a with s_a = -xi_k sigma^a_k, hence

    Delta E_k = -N^{1-p} [ sum_a A(X_a) - xi_k sum_a sigma^a_k B(X_a) ]:

a trial flip is ONE dot product of the int8 column sigma^._k (contiguous: the examples are
stored site-major) with the float64 vector B.  After an accepted flip, X, B and sum_a A(X_a)
are updated in one O(M) pass.  All these quantities are integers, held exactly in float64
while below 2**53 (e.g. p = 3: |sum_a S(X_a)| <= M N^3, about 1e13 at N = 400, alpha = 5;
typical values, with X ~ sqrt(N), are far smaller), so the tracked energy does not drift; it
equals the from-scratch energy :func:`brute_force_energy` (tested).

Cost: O(M) per trial flip, O(N M) = O(alpha N^p / p!) per sweep; memory N*M bytes for the
examples plus 16 M bytes for X and B.

Random numbers: the kernel carries an explicit xoshiro256** state (:mod:`montecarlo.rng`,
seeded from a numpy SeedSequence): every sweep Fisher-Yates-shuffles the site order in place,
and a uniform double is drawn for each trial flip that raises the energy.  Initial
configurations come from a numpy Generator on a sibling SeedSequence.  Same seed, same
result.  (The naive reference kernel :func:`naive_sweeps` takes pre-drawn arrays instead.)

Observables (per sweep): q* = xi.xi*/N, m = max_a |X_a|/N and its argmax, energy per spin
e = H/N, acceptance rate.  Summaries are means over the last 2/3 of the sweeps (doc
Sec. 12) with their standard deviation, the integrated autocorrelation time of q*
(emcee's estimator, convention 1 + 2 sum rho), the error of the mean and a first-half /
second-half check (:mod:`montecarlo.statistics`; a ShortChainWarning when the measured part
is shorter than 50 tau_int).  The realised coupling r_sample of the data and the exact
finite-N ratio r_N of the teacher law are reported (doc Sec. 2, 12).

This module never imports ``theory``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numba as nb
import numpy as np

from . import rng as xrng
from . import teacher_sampling as ts
# chain statistics live in montecarlo.statistics; re-exported here under their old names
from .statistics import ShortChainWarning, integrated_autocorrelation_time, summarize
from .resources import check_teacher_student

__all__ = [
    "sample_teacher",
    "n_examples",
    "energy_polynomials",
    "brute_force_energy",
    "StudentChain",
    "TSResult",
    "run",
    "summarize",
    "integrated_autocorrelation_time",
    "ShortChainWarning",
    "corrupted_start",
    "naive_energy",
    "naive_sweeps",
]

STARTS = ("planted", "random", "corrupted")


# --------------------------------------------------------------------------- helpers
def _seed_sequence(seed) -> np.random.SeedSequence:
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer or a SeedSequence, got {seed!r}")
    return np.random.SeedSequence(int(seed))


def n_examples(alpha: float, N: int, p: int) -> int:
    """M = round(alpha N^{p-1} / p!) (poster load definition, doc Sec. 1)."""
    return int(round(alpha * float(N) ** (p - 1) / math.factorial(p)))


def energy_polynomials(p: int, N: int, interaction: str):
    """Ascending coefficient arrays (cS, cA, cB) of S(X), A(X), B(X) (module docstring).

    A(X) = [S(X+2) + S(X-2)]/2 - S(X),  B(X) = [S(X+2) - S(X-2)]/2.
    """
    P = np.polynomial.Polynomial
    S = P(ts.interaction_polynomial(p, N, interaction))
    Sp = S(P([2.0, 1.0]))
    Sm = S(P([-2.0, 1.0]))
    A = (Sp + Sm) / 2 - S
    B = (Sp - Sm) / 2
    cA = np.zeros(max(p - 1, 1))
    cA[: len(A.coef)] = A.coef[: len(cA)]
    cB = np.zeros(p)
    cB[: len(B.coef)] = B.coef[:p]
    return S.coef.copy(), np.round(cA), np.round(cB)


def brute_force_energy(xi, examples, p: int, interaction: str = "distinct") -> float:
    """H(xi) = -N^{1-p} sum_a S(xi . sigma^a), computed from scratch (the obvious way).

    For the distinct-index form S_p is evaluated from its definition through the elementary
    symmetric polynomials of y_i = xi_i sigma^a_i (recursion e_k <- e_k + y e_{k-1} over
    sites, exact in float64 for small N), NOT through the polynomial in X; so it is an
    independent check of :func:`montecarlo.teacher_sampling.distinct_polynomial`.
    """
    xi = np.asarray(xi, dtype=np.int64)
    ex = np.asarray(examples, dtype=np.int64)
    N = xi.shape[0]
    y = ex * xi[None, :]  # (M, N)
    if interaction == "literal":
        S = y.sum(axis=1).astype(float) ** p
    elif interaction == "distinct":
        e = np.zeros((y.shape[0], p + 1))
        e[:, 0] = 1.0
        for i in range(N):
            for k in range(p, 0, -1):
                e[:, k] += y[:, i] * e[:, k - 1]
        S = math.factorial(p) * e[:, p]
    else:
        raise ValueError(f"interaction must be one of {ts.INTERACTIONS}, got {interaction!r}")
    return -float(N) ** (1 - p) * float(S.sum())


def sample_teacher(N, p, T_teacher, M, seed=0, interaction="literal"):
    """Exact teacher examples (doc Sec. 2).

    Parameters
    ----------
    N : number of spins; p : interaction order (>= 2); T_teacher : T* > 0 (``inf`` allowed:
    uniform examples); M : number of examples; seed : int or SeedSequence;
    interaction : the teacher's Hamiltonian, 'literal' (default, poster) or 'distinct'.

    Returns
    -------
    xi_star : int8 array (N,), a uniformly random teacher pattern.
    examples : int8 array (M, N), Fortran-ordered (site columns contiguous);
        ``examples.T`` is the C-contiguous site-major (N, M) array the kernels use.
    The overlaps K_a = xi*.sigma^a can be recovered as ``examples @ xi_star``.

    Memory N*M bytes (ValueError naming M beyond 8 GiB).  Time O(N M).
    """
    N = ts.check_positive_int("N", N)
    p = ts.check_p(p)
    T_teacher = ts.check_temperature("T_teacher", T_teacher, allow_zero=False)
    M = ts.check_positive_int("M", M, minimum=0)
    ts.check_interaction("interaction", interaction)
    check_teacher_student(N, M, kernel=False, p=p)
    rng = np.random.default_rng(_seed_sequence(seed))
    xi_star = (2 * rng.integers(0, 2, size=N) - 1).astype(np.int8)
    law = ts.k_law(N, p, T_teacher, interaction)
    K = ts.sample_k(law, M, rng)
    examples = ts.sample_examples(xi_star, K, rng)
    return xi_star, examples


def corrupted_start(xi_star, q0: float, rng: np.random.Generator) -> np.ndarray:
    """xi* with round(N (1 - q0)/2) uniformly chosen sites flipped: initial q* = q0 (to 2/N)."""
    N = xi_star.shape[0]
    n_flip = int(round(N * (1.0 - q0) / 2.0))
    xi = xi_star.astype(np.int8).copy()
    idx = rng.choice(N, size=n_flip, replace=False)
    xi[idx] *= -1
    return xi


# --------------------------------------------------------------------------- kernels
@nb.njit(cache=True, inline="always")
def _horner(c, x):
    r = 0.0
    for j in range(c.shape[0] - 1, -1, -1):
        r = r * x + c[j]
    return r


@nb.njit(cache=True, fastmath=True)
def _column_dot(col, B):
    """sum_a col[a] * B[a] for an int8 column and float64 B (vectorised)."""
    s = 0.0
    for a in range(col.shape[0]):
        s += col[a] * B[a]
    return s


@nb.njit(cache=True, fastmath=True)
def _apply_flip(col, sgn, X, B, cA, cB):
    """X_a += 2 s_a with s_a = sgn*col[a]; refresh B; return the change of sum_a A(X_a)."""
    dA = 0.0
    for a in range(col.shape[0]):
        x_old = X[a]
        x_new = x_old + 2.0 * sgn * col[a]
        X[a] = x_new
        B[a] = _horner(cB, x_new)
        dA += _horner(cA, x_new) - _horner(cA, x_old)
    return dA


@nb.njit(cache=True, fastmath=True)
def _apply_flip_deg5(col, sgn, X, B, cA, cB):
    """Same as :func:`_apply_flip` for p <= 6: Horner unrolled on zero-padded coefficients
    (len(cA) = 5, len(cB) = 6), so the loop vectorises.  Integers stay exact in float64."""
    a0, a1, a2, a3, a4 = cA[0], cA[1], cA[2], cA[3], cA[4]
    b0, b1, b2, b3, b4, b5 = cB[0], cB[1], cB[2], cB[3], cB[4], cB[5]
    dA = 0.0
    for a in range(col.shape[0]):
        x = X[a]
        y = x + 2.0 * sgn * col[a]
        X[a] = y
        B[a] = ((((b5 * y + b4) * y + b3) * y + b2) * y + b1) * y + b0
        dA += (((a4 * y + a3) * y + a2) * y + a1) * y - ((((a4 * x + a3) * x + a2) * x + a1) * x)
    return dA


@nb.njit(cache=True)
def _bias_energy(q, center, kappa, width, N):
    """Umbrella bias U(q*) = N kappa/2 * max(|q* - center| - width, 0)^2 (energy units)."""
    d = abs(q - center) - width
    if d <= 0.0:
        return 0.0
    return 0.5 * kappa * N * d * d


@nb.njit(cache=True)
def _sweeps_kernel(cols, xi, xi_star, X, B, state, cA, cB, scale, beta, zero_T,
                   rstate, order, bias, q_out, e_out, m_out, arg_out, acc_out, codes_out):
    """Run q_out.shape[0] sweeps of single-spin Metropolis (or T = 0 descent).

    cols : (N, M) int8 site-major examples.  xi : (N,) int8 student (modified).
    X, B : (M,) float64 overlaps and B(X) (modified).
    state : float64[3] = [sum_a A(X_a), sum_a S(X_a), sum_i xi_i xi*_i] (modified).
    rstate : xoshiro256** state (montecarlo.rng), advanced in place.
    order : (N,) int64 site order, shuffled in place (Fisher-Yates) at the start of every
        sweep (a uniform permutation whatever the previous order); one uniform double is drawn
        per trial with dE > 0 (T > 0 only).
    bias : float64[3] = [center, kappa, width] of the q* bias (kappa = 0: none).
    Per-sweep outputs (length S): q*, energy per spin (unbiased), m, argmax a, accepted
    flips; codes_out (length S or 0) receives the state code sum_i [xi_i = 1] 2^i.
    Returns the number of sweeps done (zero_T stops after a sweep with no accepted flip).
    """
    N = cols.shape[0]
    M = cols.shape[1]
    n_sweeps = q_out.shape[0]
    center = bias[0]
    kappa = bias[1]
    width = bias[2]
    for s in range(n_sweeps):
        n_acc = 0
        xrng.shuffle(rstate, order)
        for t in range(N):
            k = order[t]
            xk = xi[k]
            col = cols[k]
            dot = _column_dot(col, B)
            dS = state[0] - xk * dot  # integer: S_new - S_old summed over examples
            dE = -scale * dS
            if kappa > 0.0:
                q_old = state[2] / N
                q_new = (state[2] - 2.0 * xk * xi_star[k]) / N
                dE_tot = dE + _bias_energy(q_new, center, kappa, width, N) - _bias_energy(
                    q_old, center, kappa, width, N)
            else:
                dE_tot = dE
            if zero_T:
                accept = dE_tot < 0.0
            else:
                accept = dE_tot <= 0.0 or xrng.next_double(rstate) < math.exp(-beta * dE_tot)
            if accept:
                sgn = -1.0 * xk
                if cB.shape[0] == 6:
                    dA = _apply_flip_deg5(col, sgn, X, B, cA, cB)
                else:
                    dA = _apply_flip(col, sgn, X, B, cA, cB)
                state[0] += dA
                state[1] += dS
                state[2] -= 2.0 * xk * xi_star[k]
                xi[k] = -xk
                n_acc += 1
        # per-sweep observables
        best = -1.0
        arg = 0
        for a in range(M):
            v = abs(X[a])
            if v > best:
                best = v
                arg = a
        q_out[s] = state[2] / N
        e_out[s] = -scale * state[1] / N
        m_out[s] = best / N
        arg_out[s] = arg
        acc_out[s] = n_acc
        if codes_out.shape[0] > 0:
            code = 0
            for i in range(N):
                if xi[i] > 0:
                    code += 1 << i
            codes_out[s] = code
        if zero_T and n_acc == 0:
            return s + 1
    return n_sweeps


@nb.njit(cache=True)
def naive_energy(cols, xi, cS, scale):
    """H(xi) recomputed from scratch: X = xi . sigma^a for every a, then -scale sum_a S(X_a).

    O(N M).  Used by the naive reference dynamics and the benchmark."""
    N = cols.shape[0]
    M = cols.shape[1]
    X = np.zeros(M)
    for i in range(N):
        xv = float(xi[i])
        c = cols[i]
        for a in range(M):
            X[a] += xv * c[a]
    tot = 0.0
    for a in range(M):
        tot += _horner(cS, X[a])
    return -scale * tot


@nb.njit(cache=True)
def naive_sweeps(cols, xi, cS, scale, beta, order, u):
    """Naive Metropolis: every trial flip recomputes the energy from scratch (O(N M) each).

    Same conventions as :func:`_sweeps_kernel` (order, u pre-drawn).  Returns accepted flips."""
    N = cols.shape[0]
    acc = 0
    e_cur = naive_energy(cols, xi, cS, scale)
    for s in range(order.shape[0]):
        for t in range(order.shape[1]):
            k = order[s, t]
            xi[k] = -xi[k]
            e_new = naive_energy(cols, xi, cS, scale)
            dE = e_new - e_cur
            if dE <= 0.0 or u[s, t] < math.exp(-beta * dE):
                e_cur = e_new
                acc += 1
            else:
                xi[k] = -xi[k]
    return acc


# --------------------------------------------------------------------------- chain
class StudentChain:
    """A student spin configuration evolving on a fixed example set.

    Parameters
    ----------
    examples : int8 (M, N) (any order; a site-major copy is made if needed).
    xi_star : int8 (N,) teacher pattern (only used for the observable q*).
    xi0 : int8 (N,) initial student configuration.
    p : interaction order; interaction : 'distinct' (default) or 'literal'.
    seed : int or SeedSequence for the dynamics' xoshiro256** stream (:mod:`montecarlo.rng`).

    Memory: N*M bytes (site-major examples; shared, not copied, when ``examples`` is the
    Fortran-ordered array of :func:`sample_teacher`) + 16 M bytes.
    """

    def __init__(self, examples, xi_star, xi0, p, interaction="distinct", seed=0):
        p = ts.check_p(p)
        ts.check_interaction("interaction", interaction)
        ex = np.asarray(examples)
        if ex.ndim != 2:
            raise ValueError("examples must be a 2-d (M, N) array")
        M, N = ex.shape
        self.cols = np.ascontiguousarray(ex.T, dtype=np.int8)  # (N, M), no copy if F-ordered
        self.N, self.M, self.p, self.interaction = N, M, p, interaction
        self.xi_star = np.asarray(xi_star, dtype=np.int8).copy()
        self.xi = np.asarray(xi0, dtype=np.int8).copy()
        if self.xi.shape != (N,) or self.xi_star.shape != (N,):
            raise ValueError("xi0 and xi_star must have shape (N,)")
        self.cS, self.cA, self.cB = energy_polynomials(p, N, interaction)
        if p <= 6:  # zero-pad for the unrolled update kernel
            self.cA = np.concatenate([self.cA, np.zeros(5 - len(self.cA))])
            self.cB = np.concatenate([self.cB, np.zeros(6 - len(self.cB))])
        self.scale = float(N) ** (1 - p)
        self.rng_state = xrng.new_state(seed)
        self.order = np.arange(N, dtype=np.int64)
        self.reset(self.xi)

    def reset(self, xi):
        """Set the configuration and recompute X, B and the sums from scratch."""
        self.xi = np.asarray(xi, dtype=np.int8).copy()
        self.X = np.zeros(self.M)
        for i in range(self.N):  # no (N, M) float temporary
            self.X += float(self.xi[i]) * self.cols[i]
        P = np.polynomial.polynomial
        self.B = P.polyval(self.X, self.cB)
        self.state = np.array([
            float(P.polyval(self.X, self.cA).sum()),
            float(P.polyval(self.X, self.cS).sum()),
            float(np.dot(self.xi.astype(np.int64), self.xi_star.astype(np.int64))),
        ])

    @property
    def energy(self) -> float:
        """Current H(xi) (tracked incrementally)."""
        return -self.scale * self.state[1]

    @property
    def q_star(self) -> float:
        return self.state[2] / self.N

    def delta_energy(self, k: int) -> float:
        """Energy change of flipping site k, from the incremental formula (no flip)."""
        dot = float(_column_dot(self.cols[k], self.B))
        return -self.scale * (self.state[0] - self.xi[k] * dot)

    def advance(self, n_sweeps, T, *, bias=None, record_states=False):
        """Run ``n_sweeps`` sweeps at temperature T (T = 0: descent, may stop early).

        bias : None or (center, kappa, width): umbrella bias on q* (see :func:`_bias_energy`).
        Returns a dict of per-sweep arrays q_star, energy, m, m_index, accepted (+ codes, the
        state code sum_i [xi_i = 1] 2^i, when record_states; N <= 62).
        """
        T = ts.check_temperature("T", T, allow_inf=False)
        n_sweeps = ts.check_positive_int("n_sweeps", n_sweeps)
        zero_T = T == 0.0
        beta = 0.0 if zero_T else 1.0 / T
        b = np.zeros(3) if bias is None else np.asarray(bias, dtype=float)
        if record_states and self.N > 62:
            raise ValueError("record_states needs N <= 62")
        q = np.empty(n_sweeps)
        e = np.empty(n_sweeps)
        m = np.empty(n_sweeps)
        arg = np.empty(n_sweeps, dtype=np.int64)
        acc = np.empty(n_sweeps, dtype=np.int64)
        codes = np.empty(n_sweeps if record_states else 0, dtype=np.int64)
        n = _sweeps_kernel(self.cols, self.xi, self.xi_star, self.X, self.B, self.state,
                           self.cA, self.cB, self.scale, beta, zero_T, self.rng_state,
                           self.order, b, q, e, m, arg, acc, codes)
        return dict(q_star=q[:n], energy=e[:n], m=m[:n], m_index=arg[:n], accepted=acc[:n],
                    codes=codes[:n])


# --------------------------------------------------------------------------- public run
@dataclass
class TSResult:
    """Outcome of :func:`run`.  Means are over the last 2/3 of the sweeps.

    q_star, q_star_std, q_star_err : generalisation overlap xi.xi*/N (mean, std, error of
        the mean from tau_int).
    m, m_std : max_a |xi.sigma^a|/N; m_index : the maximising example a at the last sweep.
    energy, energy_std : energy per spin H/N.
    acceptance : accepted / attempted flips over the whole run.
    tau_int : integrated autocorrelation time of q* (sweeps; convention 1 + 2 sum_t rho(t),
        :mod:`montecarlo.statistics`).
    r_N : exact finite-N coupling ratio of the teacher law; r_sample : realised ratio of
        this example set (doc Sec. 2, 12).
    M, sweeps_done, settings, series (per-sweep arrays; None unless keep_series).
    n_tau : measured sweeps / tau_int (< 50: tau_int and q_star_err unreliable, a
        ShortChainWarning was emitted).  q_star_halves_z : (second-half mean - first-half mean)
        of q* over its combined error (|z| > 3: still drifting).
    """

    q_star: float
    q_star_std: float
    q_star_err: float
    m: float
    m_std: float
    m_index: int
    energy: float
    energy_std: float
    acceptance: float
    tau_int: float
    r_N: float
    r_sample: float
    M: int
    sweeps_done: int
    q_star_initial: float
    q_star_final: float
    m_final: float
    settings: dict = field(default_factory=dict)
    series: dict | None = None
    n_tau: float = float("nan")
    q_star_halves_z: float = float("nan")

    def as_row(self) -> dict:
        """Flat scalar columns (for the sweep runner)."""
        d = asdict(self)
        d.pop("settings")
        d.pop("series")
        return d


def run(p, N, alpha, T, T_teacher, start="planted", sweeps=600, seed=0,
        interaction="distinct", teacher_interaction="literal", *, q0=None,
        keep_series=False, data=None, data_seed=None) -> TSResult:
    """One Monte Carlo run of the dense teacher-student problem (doc Sec. 12).

    Parameters
    ----------
    p : interaction order (>= 2).  N : spins.  alpha : load, M = round(alpha N^{p-1}/p!).
    T : student temperature (>= 0; 0 = zero-temperature descent).  T_teacher : T* (> 0).
    start : 'planted' (xi = xi*), 'random', or 'corrupted' (xi* with a fraction of sites
        flipped so that the initial q* = q0; requires ``q0`` in [-1, 1]).
    sweeps : number of sweeps (means over the last 2/3).
    seed : int or SeedSequence.  The data set (teacher + examples) depends only on the seed,
        not on ``start``: planted and random runs with the same seed see the same data.
        (Children 0 and 1 of ``SeedSequence(seed)`` seed the data and the dynamics.)
    data_seed : optional int/SeedSequence for the data set; then ``seed`` seeds only the
        dynamics (used by :func:`sweep_task` to share one data set between starts and T).
    interaction : student Hamiltonian 'distinct' (default) or 'literal'.
    teacher_interaction : teacher Hamiltonian 'literal' (default, poster) or 'distinct'.
    keep_series : store the per-sweep arrays in ``result.series``.
    data : optional precomputed (xi_star, examples) to reuse (its M must match alpha).

    Cost O(sweeps * N * M) time, N*M bytes of memory.
    """
    p = ts.check_p(p)
    N = ts.check_positive_int("N", N, minimum=2)
    try:
        alpha = float(alpha)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"alpha must be a non-negative number, got {alpha!r}") from None
    if not math.isfinite(alpha) or alpha < 0:
        raise ValueError(f"alpha must be a non-negative number, got {alpha!r}")
    T = ts.check_temperature("T", T, allow_inf=False)
    T_teacher = ts.check_temperature("T_teacher", T_teacher, allow_zero=False)
    if start not in STARTS:
        raise ValueError(f"start must be one of {STARTS}, got {start!r}")
    if start == "corrupted":
        if q0 is None or not (-1.0 <= float(q0) <= 1.0):
            raise ValueError(f"q0 must be given in [-1, 1] for a corrupted start, got {q0!r}")
    sweeps = ts.check_positive_int("sweeps", sweeps)
    ts.check_interaction("interaction", interaction)
    ts.check_interaction("teacher_interaction", teacher_interaction)
    check_teacher_student(N, 0, p=p)  # N >= p and p <= MAX_P before M = alpha N^{p-1}/p!
    M = n_examples(alpha, N, p)
    check_teacher_student(N, M, sweeps=sweeps, name="alpha", p=p)
    ss = _seed_sequence(seed)
    if data_seed is None:
        data_ss, dyn_ss = ss.spawn(2)
    else:
        data_ss, dyn_ss = _seed_sequence(data_seed), ss
    if data is None:
        xi_star, examples = sample_teacher(N, p, T_teacher, M, seed=data_ss,
                                           interaction=teacher_interaction)
    else:
        xi_star, examples = data
        if examples.shape != (M, N):
            raise ValueError(f"data: examples must have shape (M, N) = ({M}, {N})")
    K = (examples.astype(np.int32) @ xi_star.astype(np.int32)) if M * N <= 2**26 else _overlaps(
        examples, xi_star)
    r_sample = ts.realized_coupling_ratio(K, N, p, T_teacher) if M else float("nan")
    r_N = ts.coupling_ratio(N, p, T_teacher, teacher_interaction)
    rng = np.random.default_rng(dyn_ss)
    if start == "planted":
        xi0 = xi_star.copy()
    elif start == "random":
        xi0 = (2 * rng.integers(0, 2, size=N) - 1).astype(np.int8)
    else:
        xi0 = corrupted_start(xi_star, float(q0), rng)
    chain = StudentChain(examples, xi_star, xi0, p, interaction, seed=dyn_ss.spawn(1)[0])
    q_init = chain.q_star
    series = chain.advance(sweeps, T)
    summ = summarize(series)
    n_done = series["q_star"].shape[0]
    settings = dict(p=p, N=N, alpha=alpha, M=M, T=T, T_teacher=T_teacher, start=start, q0=q0,
                    sweeps=sweeps, seed=repr(seed) if not isinstance(seed, int) else seed,
                    interaction=interaction, teacher_interaction=teacher_interaction)
    return TSResult(
        q_star=summ["q_star"], q_star_std=summ["q_star_std"], q_star_err=summ["q_star_err"],
        m=summ["m"], m_std=summ["m_std"], m_index=summ["m_index"],
        energy=summ["energy"], energy_std=summ["energy_std"],
        acceptance=float(series["accepted"].sum()) / (n_done * N),
        tau_int=summ["tau_int"], r_N=r_N, r_sample=r_sample, M=M, sweeps_done=n_done,
        q_star_initial=float(q_init), q_star_final=summ["q_star_final"], m_final=summ["m_final"],
        settings=settings, series=series if keep_series else None,
        n_tau=summ["n_tau"], q_star_halves_z=summ["q_star_halves_z"],
    )


def _overlaps(examples, xi_star, chunk=65536):
    M = examples.shape[0]
    out = np.empty(M, dtype=np.int64)
    x = xi_star.astype(np.int32)
    for a0 in range(0, M, chunk):
        out[a0:a0 + chunk] = examples[a0:a0 + chunk].astype(np.int32) @ x
    return out


# --------------------------------------------------------------------------- sweep task
DATA_KEYS = ("p", "N", "alpha", "T_teacher", "teacher_interaction")


def sweep_task(params: dict, sample: int, seed: np.random.SeedSequence) -> dict:
    """Task for :func:`montecarlo.sweep.run_sweep`: one :func:`run` per (params, sample).

    params: p, N, alpha, T, T_teacher, start, sweeps, interaction, teacher_interaction
    (optional q0 for corrupted starts).  The data set is seeded by
    ``seed_for({p, N, alpha, T_teacher, teacher_interaction}, sample, master_seed)``, so
    every student temperature, start and student Hamiltonian of one sample sees the same
    teacher and examples (hysteresis and Hamiltonian comparisons on identical data); the
    dynamics uses the pair's own seed.  Returns the flat columns of :meth:`TSResult.as_row`.
    """
    from .sweep import seed_for

    data_params = {k: params[k] for k in DATA_KEYS if k in params}
    data_ss = seed_for(data_params, sample, master_seed=seed.entropy)
    res = run(params["p"], params["N"], params["alpha"], params["T"], params["T_teacher"],
              start=params.get("start", "planted"), sweeps=params.get("sweeps", 600), seed=seed,
              interaction=params.get("interaction", "distinct"),
              teacher_interaction=params.get("teacher_interaction", "literal"),
              q0=params.get("q0"), data_seed=data_ss)
    return res.as_row()
