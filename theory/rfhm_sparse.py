"""Degree-resolved T = 0 theory of feature retrieval in the RFHM with sparse coefficients.

Specification: ``docs/theory/rfhm_sparse_theory.md`` (cited below as "doc"), with the
conventions of ``docs/theory/rfhm_theory.md`` (cited as "dense doc").  Model: N spins,
D = alpha_D N features, P = alpha N examples ``xi^mu = sign(F c^mu)``, each ``c^mu`` with
exactly L (odd) nonzero +-1 entries; Hebb couplings; zero-temperature asynchronous dynamics
started from the feature f_1.

Structure (doc Sec. 1): feature k appears in ``n_k ~ Poisson(lambda)`` examples,
``lambda = alpha L / alpha_D``, finite as N -> infinity.  The n examples containing f_1 (the
*condensed set*) are treated exactly through the joint law of ``(A, B)`` (doc Sec. 2), their
``n (L-1)`` *partner* features acquire a small overlap ``m_p`` that feeds back through the
*partner reinforcement* ``R = alpha_T dph m_p`` (doc Sec. 1 item 4), and everything else is
the dense RS T = 0 'sq' theory (dense doc Sec. 2.3) with ``kappa1^2 -> g_L`` and
``kappa*^2 -> 1 - g_L``.

Single-site problem (doc Sec. 2)::

    h = M A + R B + sigma z,   A = sum_mu a_mu,   B = sum_mu b_mu,   a_mu = sign(1 + b_mu),
    b_mu = 2 j_mu - (L-1),     j_mu ~ Binomial(L-1, 1/2)

    m   = E erf(h_s / (sqrt2 sigma)),          h_s = M A + R B
    M   = n^-1 E[A erf(h_s/(sqrt2 sigma))]
    m_p = (n(L-1))^-1 E[B erf(h_s/(sqrt2 sigma))]
    dq  = E[2 G(h_s/sigma)] / sigma

Bulk (doc Sec. 2, with g = g_L)::

    a = alpha_T g dq,  b0 = 1 - (1-g) dq,
    Delta1 = larger root of Delta1^2 - (a + b0 - g dq) Delta1 + a b0 = 0   (Delta1 > a)
    E = 1 - a/Delta1,  dph = g/Delta1
    P_d = [n(L-1) m_p^2/alpha_D + 1/E^2 + alpha_T dq^2 g(1-g)/(Delta1^2 E^2)]
          / (1 - alpha_T dq^2 g^2/(Delta1^2 E^2))
    dpdh = g((1-g) + g P_d)/Delta1^2
    sigma^2 = alpha [(1-g)((1-g) + g P_d)/Delta1^2 + (dpdh + alpha_T dph^2)/E^2]
    R = alpha_T dph m_p

Retrieval criterion (doc Sec. 2, operational): damped iteration (damping 0.5, tolerance
1e-11) of ``(M, m_p, dq)`` from the feature start ``(a_L, 0, 0)``; the degree-n feature is
retrieved iff it converges on the physical branch (``Delta1 > a``, ``E > 0``, positive
``P_d`` denominator) with ``m > 0.5``.  Otherwise ``dq`` runs away (E -> 0): ``status =
"absent"``.

Vote laws (``vote=``): ``"exact"`` (default) averages over the exact joint law of (A, B),
the n-fold convolution of the one-example law ``P(a, b) = C(L-1, j)/2^(L-1)``; ``"gaussian"``
replaces it by the Gaussian with the same mean and covariance, where the averages close by
the Stein identities of doc Sec. 4 (and ``n`` may be non-integer, e.g. ``n = lambda``).

Public functions: :func:`solve_degree`, :func:`alpha_star` (the fold alpha*(n): bisection on
existence with :func:`theory.solvers.locate_fold`, bracket by geometric search),
:func:`critical_degree` (``n_c(alpha) = min{n : alpha*(n) >= alpha}``),
:func:`mean_feature_magnetization` (the N = infinity Poisson mixture, doc Sec. 2 "Mean
overlap") and :func:`mean_mu_crossing` (its 0.9-crossing), :func:`typical_feature_line`
(the n = lambda line of doc Sec. 4) and :func:`dense_limit_line` (Gaussian vote,
L -> infinity, g = 2/pi: the dense learning line of dense doc Sec. 2.3).

Approximations A1-A6 of doc Sec. 3 are those of the theory, not of the numerics; the
numerics here are exact sums over finite supports (no quadrature).

Speed (issue 12): the damped iteration steps on scalars; on an alpha grid
:func:`mean_feature_magnetization` continues in alpha (n_c walked up from its value at the
previous alpha, each degree's fixed point polished by Broyden steps from its extrapolation in
alpha).  None of this changes a fixed point or a decision of the operational criterion; the
straightforward path is kept (``_mean_mu_one(..., _reference=True)``) and the tests hold the
two equal to 1e-9.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np
from scipy import special, stats

from .solvers import NoSolution, continue_branch, locate_fold, polish_root
from hopfield_phases._core.results import ABSENT, OK, UNCONVERGED, ResultContract
from hopfield_phases._core.validation import choice, integer, odd_integer, positive

__all__ = ["SparseDegreeSolution", "VOTES", "a_L", "g_L", "degree_law", "solve_degree",
           "alpha_star", "alpha_star_table", "critical_degree", "mean_feature_magnetization",
           "mean_mu_crossing", "typical_feature_line", "dense_limit_line", "poisson_weights",
           "M_RETRIEVAL", "DAMPING", "TOL"]

VOTES = ("exact", "gaussian")
#: doc Sec. 2: a converged physical fixed point counts as retrieval when m > 0.5
M_RETRIEVAL = 0.5
#: doc Sec. 2: damping and tolerance of the operational iteration
DAMPING = 0.5
TOL = 1e-11
#: doc Sec. 2: bisection tolerance of the fold in alpha
FOLD_XTOL = 2e-6
_MAX_ITER = 40000
_SQRT2 = math.sqrt(2.0)
_INV_SQRT2PI = 1.0 / math.sqrt(2.0 * math.pi)


# --------------------------------------------------------------------------------------------
# constants and the exact law of (A, B)
# --------------------------------------------------------------------------------------------


def a_L(L: int) -> float:
    """Walsh weight of one feature in an L-majority, ``C(L-1,(L-1)/2)/2^(L-1)`` (dense doc Sec. 1.3)."""
    L = odd_integer("L", L)
    return math.comb(L - 1, (L - 1) // 2) / 2.0 ** (L - 1)


def g_L(L: int) -> float:
    """``g_L = L a_L^2`` (dense doc Sec. 1.3): 3/4, 45/64, 175/256, ... -> 2/pi."""
    return L * a_L(L) ** 2


_LAST_GRID: dict = {}


def _law_grid(n: int, L: int) -> np.ndarray:
    """Full grid of the n-fold law, indexed (k, J): k = number of examples with a = +1,
    J = sum of the j_mu.  Built by repeated 2-D convolution with the one-example law,
    extending the last grid computed for this L when n is larger (one grid kept per L)."""
    half = (L - 1) // 2
    one = np.zeros((2, L))  # one[a_index, j], a_index 1 for a = +1
    for j in range(L):
        one[1 if j >= half else 0, j] = math.comb(L - 1, j) / 2.0 ** (L - 1)
    n0, law = _LAST_GRID.get(L, (0, None))
    if law is None or n0 > n:
        n0, law = 0, np.ones((1, 1))
    for _ in range(n - n0):
        new = np.zeros((law.shape[0] + 1, law.shape[1] + L - 1))
        for ai in range(2):
            for j in range(L):
                new[ai:ai + law.shape[0], j:j + law.shape[1]] += one[ai, j] * law
        law = new
    _LAST_GRID[L] = (n, law)
    return law


@lru_cache(maxsize=512)
def _law(n: int, L: int, cutoff: float = 1e-17):
    """Support and probabilities of (A, B) for n examples (doc Sec. 2): the n-fold 2-D
    convolution of the one-example law ``P(a, b) = C(L-1, j)/2^(L-1)``, ``b = 2j - (L-1)``,
    ``a = sign(1 + b)``.  Points with probability below ``cutoff`` are dropped (their total
    mass is returned as the third value)."""
    law = _law_grid(n, L)
    k, J = np.nonzero(law >= cutoff)
    p = law[k, J]
    dropped = float(1.0 - p.sum())
    A = (2 * k - n).astype(float)
    B = (2 * J - n * (L - 1)).astype(float)
    return A, B, p, dropped


def degree_law(n, L):
    """``(A, B, prob)``: the exact joint law of the condensed votes of a degree-n feature
    (doc Sec. 2), as arrays over its support (probabilities below 1e-17 dropped)."""
    n = integer("n", n, minimum=1)
    L = odd_integer("L", L)
    A, B, p, _ = _law(n, L)
    return A.copy(), B.copy(), p.copy()


def poisson_weights(lam, n_max=None):
    """``Poisson(n; lam)`` for n = 0 .. n_max (default: mean + 12 sd + 10)."""
    lam = positive("lam", lam)
    if n_max is None:
        n_max = int(lam + 12.0 * math.sqrt(lam) + 10)
    n = np.arange(n_max + 1)
    return n, stats.poisson.pmf(n, lam)


# --------------------------------------------------------------------------------------------
# result object
# --------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class SparseDegreeSolution(ResultContract):
    """Fixed point of the degree-n single-site problem (doc Sec. 2).

    ``m`` overlap with f_1, ``M`` with each condensed example, ``m_p`` with each partner,
    ``dq`` the T = 0 susceptibility, ``R`` the partner reinforcement, ``sigma`` the bulk
    noise, ``E`` and ``Delta1`` the bulk auxiliaries, ``P_d`` the self-overlap of the feature
    projections.  ``retrieved`` is the operational criterion of doc Sec. 2 (``status == "ok"``
    and ``m > 0.5``); ``status = "absent"`` when the iteration left the physical branch (the
    feature is not retrieved: runaway of dq), ``"unconverged"`` when it did not settle.
    """

    n: float
    alpha: float
    alpha_D: float
    L: float
    vote: str
    reinforcement: bool
    m: float = math.nan
    M: float = math.nan
    m_p: float = math.nan
    dq: float = math.nan
    R: float = math.nan
    sigma: float = math.nan
    E: float = math.nan
    Delta1: float = math.nan
    P_d: float = math.nan

    @property
    def retrieved(self) -> bool:
        return self.status == OK and self.m > M_RETRIEVAL

    def as_dict(self) -> dict:
        d = asdict(self)
        d["retrieved"] = self.retrieved
        return d


# --------------------------------------------------------------------------------------------
# the equations
# --------------------------------------------------------------------------------------------


class _Problem:
    """The degree-n equations at fixed (alpha, alpha_D, L, vote); ``bulk`` and ``update``."""

    def __init__(self, n, alpha, alpha_D, L, vote, reinforcement, g=None, reference=False):
        self.n = float(n)
        self.reference = reference  # numpy evaluation of the site averages (the old path)
        self.alpha = alpha
        self.alpha_D = alpha_D
        self.aT = alpha / alpha_D
        self.L = float(L)
        if g is None:
            self.aL = a_L(int(L))
            self.g = L * self.aL**2
        else:  # Gaussian vote with a prescribed g (dense limit, doc Sec. 4): a_L = sqrt(g/L)
            self.g = float(g)
            self.aL = math.sqrt(self.g / L)
        self.vote = vote
        self.reinforcement = reinforcement
        if vote == "exact":
            self.A, self.B, self.p, _ = _law(int(n), int(L))

    def bulk(self, m_p, dq):
        """Delta1, E, dph, P_d, sigma, R from (m_p, dq) (doc Sec. 2, bulk); None off the
        physical branch."""
        g, aT = self.g, self.aT
        a = aT * g * dq
        b0 = 1.0 - (1.0 - g) * dq
        c = a + b0 - g * dq
        disc = c * c - 4.0 * a * b0
        if not disc >= 0.0:
            return None
        Delta1 = 0.5 * (c + math.sqrt(disc))
        if not Delta1 > a or not Delta1 > 0.0:
            return None
        E = 1.0 - a / Delta1
        dph = g / Delta1
        den = 1.0 - aT * dq**2 * g**2 / (Delta1**2 * E**2)
        if not den > 0.0:
            return None
        if not self.reinforcement:  # no partners at all: R = 0 and no partner term in P_d
            m_p = 0.0
        P_d = (self.n * (self.L - 1.0) * m_p**2 / self.alpha_D + 1.0 / E**2
               + aT * dq**2 * g * (1.0 - g) / (Delta1**2 * E**2)) / den
        dpdh = g * ((1.0 - g) + g * P_d) / Delta1**2
        s2 = self.alpha * ((1.0 - g) * ((1.0 - g) + g * P_d) / Delta1**2 + (dpdh + aT * dph**2) / E**2)
        if not s2 > 0.0:
            return None
        R = aT * dph * m_p if self.reinforcement else 0.0
        return Delta1, E, dph, P_d, math.sqrt(s2), R

    def site(self, M, R, sigma):
        """(m, M_new, m_p_new, dq_new) of the single-site problem."""
        return self._site_reference(M, R, sigma)

    def _site_reference(self, M, R, sigma):
        """The straightforward numpy evaluation of :meth:`site` (reference for the fused
        kernel :func:`_site_sums`; also the Gaussian-vote closed forms)."""
        n, L1 = self.n, self.L - 1.0
        if self.vote == "exact":
            hs = M * self.A + R * self.B
            er = special.erf(hs / (_SQRT2 * sigma))
            pe = self.p * er
            m = float(pe.sum())
            M_new = float(pe @ self.A) / n
            m_p = float(pe @ self.B) / (n * L1) if L1 > 0 else 0.0
            dq = float(self.p @ np.exp(-0.5 * (hs / sigma) ** 2)) * 2.0 * _INV_SQRT2PI / sigma
            return m, M_new, m_p, dq
        # Gaussian vote: Stein identities (doc Sec. 4)
        aL = self.aL
        S = n * aL * M
        V = n * (M**2 * (1.0 - aL**2) + 2.0 * M * R * L1 * aL + R**2 * L1)
        t = math.sqrt(sigma**2 + V)
        m = math.erf(S / (_SQRT2 * t))
        dq = 2.0 * _INV_SQRT2PI * math.exp(-0.5 * (S / t) ** 2) / t
        M_new = aL * m + dq * (M * (1.0 - aL**2) + R * L1 * aL)
        m_p = dq * (M * aL + R)
        return m, M_new, m_p, dq

    def full(self, x):
        """All quantities at x = (M, m_p, dq); None off the physical branch."""
        M, m_p, dq = x
        b = self.bulk(m_p, dq)
        if b is None:
            return None
        Delta1, E, dph, P_d, sigma, R = b
        m, M_new, mp_new, dq_new = self.site(M, R, sigma)
        return dict(m=m, x_new=np.array([M_new, mp_new, dq_new]), Delta1=float(Delta1), E=float(E),
                    P_d=float(P_d), sigma=float(sigma), R=float(R))

    def start(self):
        return np.array([self.aL, 0.0, 0.0])  # the feature start (doc Sec. 2)


def _iterate(prob: _Problem, x0=None, damping=DAMPING, tol=TOL, max_iter=_MAX_ITER):
    """Damped iteration of doc Sec. 2; returns (status, x, info, iterations, residual, msg)."""
    x = prob.start() if x0 is None else np.array(x0, dtype=float)
    res = math.inf
    # the components as numpy float64 scalars: the same arithmetic as on the array x, without
    # the per-step array and dict overhead of prob.full
    M, mp, dq = x[0], x[1], x[2]
    c0 = 1.0 - damping
    with np.errstate(all="ignore"):
        for it in range(1, max_iter + 1):
            b = prob.bulk(mp, dq)
            if b is not None:
                _, M_new, mp_new, dq_new = prob.site(M, b[5], b[4])
            if b is None or not (math.isfinite(M_new) and math.isfinite(mp_new)
                                 and math.isfinite(dq_new)):
                return ABSENT, np.array([M, mp, dq]), None, it, math.inf, (
                    "the iteration left the physical branch (E -> 0, dq runs away): not retrieved")
            res = float(max(abs(M_new - M), abs(mp_new - mp), abs(dq_new - dq)))
            if res <= tol:
                fx = np.array([M_new, mp_new, dq_new])
                return OK, fx, prob.full(fx), it, res, "converged"
            M = c0 * M + damping * M_new
            mp = c0 * mp + damping * mp_new
            dq = c0 * dq + damping * dq_new
        x = np.array([M, mp, dq])
        return UNCONVERGED, x, prob.full(x), max_iter, res, f"max_iter={max_iter} reached, residual {res:.3g}"


def _result(prob, status, x, info, it, res, msg):
    base = dict(n=prob.n, alpha=prob.alpha, alpha_D=prob.alpha_D, L=prob.L, vote=prob.vote,
                reinforcement=prob.reinforcement, iterations=it, residual=res)
    if info is None:
        return SparseDegreeSolution(**base, status=status, message=msg)
    m = info["m"]
    if status == OK and not m > M_RETRIEVAL:
        status, msg = ABSENT, f"converged to m = {m:.4g} <= {M_RETRIEVAL}: not a retrieval state"
    return SparseDegreeSolution(**base, status=status, message=msg, m=m, M=float(x[0]),
                                m_p=float(x[1]), dq=float(x[2]), R=info["R"], sigma=info["sigma"],
                                E=info["E"], Delta1=info["Delta1"], P_d=info["P_d"])


def _check(n, alpha, alpha_D, L, vote, *, real_n=False):
    vote = choice("vote", vote, VOTES)
    if real_n or vote == "gaussian":
        n = positive("n", n)
    else:
        n = integer("n", n, minimum=1)
    alpha = positive("alpha", alpha)
    alpha_D = positive("alpha_D", alpha_D)
    if vote == "gaussian" and not isinstance(L, (int, np.integer)):
        L = positive("L", L)
        if L < 1:
            raise ValueError(f"L must be >= 1, got {L}")
    else:
        L = odd_integer("L", L)
    return n, alpha, alpha_D, L, vote


def solve_degree(n, alpha, alpha_D, L=3, *, vote="exact", reinforcement=True, g=None,
                 x0=None) -> SparseDegreeSolution:
    """Fixed point of the degree-n feature (doc Sec. 2) by the operational damped iteration
    from the feature start (or from ``x0 = (M, m_p, dq)``).

    ``vote``: "exact" (joint law of (A, B)) or "gaussian" (doc Sec. 4; ``n`` may be real).
    ``reinforcement=False`` removes the partners (R = 0 and no partner term in P_d; the
    doc Sec. 5 check alpha*(25) = 0.0929).  ``g`` (Gaussian vote only):
    override ``g_L`` with ``a_L = sqrt(g/L)`` (the dense limit of doc Sec. 4).
    Returns a :class:`SparseDegreeSolution`; ``status`` "absent" means not retrieved.
    """
    n, alpha, alpha_D, L, vote = _check(n, alpha, alpha_D, L, vote)
    if g is not None:
        if vote != "gaussian":
            raise ValueError("g: overriding g_L is only defined for vote='gaussian'")
        g = positive("g", g)
        if g >= 1.0:
            raise ValueError(f"g must be < 1, got {g}")
    prob = _Problem(n, alpha, alpha_D, L, vote, bool(reinforcement), g)
    return _result(prob, *_iterate(prob, x0))


def _retrieved(n, alpha, alpha_D, L, vote, reinforcement=True, g=None, memo=None) -> bool:
    prob = _Problem(n, alpha, alpha_D, L, vote, reinforcement, g)
    status, x, info, it, res, msg = _iterate(prob)
    if memo is not None:  # the first iteration's end point, reused as the branch start
        memo[alpha] = x
    if status == UNCONVERGED:
        # critical slowing down right at the fold: decide by the trend of dq (runaway = absent)
        status, x, info, it, res, msg = _iterate(prob, x0=x, max_iter=4 * _MAX_ITER)
        if status == UNCONVERGED:
            from .solvers import ConvergenceError

            raise ConvergenceError(f"degree {n} at alpha = {alpha:.8g}: {msg}")
    return status == OK and info["m"] > M_RETRIEVAL


# --------------------------------------------------------------------------------------------
# the fold alpha*(n), n_c(alpha), mean overlap
# --------------------------------------------------------------------------------------------


def _branch_point(prob: _Problem, guess):
    """Newton (hybr) solve of the fixed point from ``guess``; (x, info) on the physical
    retrieval branch or None."""
    # unknowns and residuals relative to the guess's scale (m_p is ~1e-9 in the dense limit)
    scale = np.maximum(np.abs(np.asarray(guess, dtype=float)), 1e-300)

    def fun(y):
        f = prob.full(y * scale)
        return np.full(3, 1e3) if f is None else f["x_new"] / scale - y

    with np.errstate(all="ignore"):
        r = polish_root(fun, np.asarray(guess, dtype=float) / scale, tol=1e-13, raise_on_failure=False)
    x = r.x * scale
    if not r.converged or not x[2] > 0:
        return None
    info = prob.full(x)
    if info is None or not info["m"] > M_RETRIEVAL:
        return None
    return x, info


def _fold_on_branch(make, a_exists, stop, xtol, ex, x0=None):
    """Fold of the retrieval branch between ``a_exists`` (retrieved) and ``stop``:
    continuation of the fixed point in alpha with Newton steps and step halving
    (:func:`theory.solvers.continue_branch`) until the branch ends, the fold then confirmed by
    the operational criterion ``ex`` at alpha*(1 -+ 1e-3) (on the retrieved / failed sides).
    Returns None when the confirmation fails (callers then bisect on ``ex``).  ``x0``: the end
    point of the damped iteration at ``a_exists`` when the caller already has it."""
    if x0 is None:
        x0 = _iterate(make(a_exists))[1]

    def solve(a, prev):
        pt = _branch_point(make(a), prev[0])
        return None if pt is None else (pt[0], pt[1]["m"])

    def accept(prev, new):
        return abs(new[1] - prev[1]) < 0.05

    br = continue_branch(solve, a_exists, stop, 0.05 * a_exists, (x0, 1.0), accept=accept,
                         min_step=0.25 * xtol)
    if br.fold is None:
        return None
    a_f = float(br.fold)
    side = 1.0 if stop > a_exists else -1.0
    if ex(a_f * (1.0 - side * 1e-3)) and not ex(a_f * (1.0 + side * 1e-3)):
        return a_f
    return None


def _fold(n, alpha_D, L, vote, reinforcement, g, xtol, guess=None):
    """alpha*(n): (1) a retrieved alpha by the operational test, (2) the fold by
    continuation on the branch (:func:`_fold_on_branch`), (3) if its confirmation fails,
    bisection on the operational criterion (:func:`theory.solvers.locate_fold`)."""
    memo = {}
    ex = lambda a: _retrieved(n, a, alpha_D, L, vote, reinforcement, g, memo)
    make = lambda a: _Problem(n, a, alpha_D, L, vote, reinforcement, g)
    lo = guess if guess is not None else max(1e-4, 0.6 * alpha_D * n / L)
    k = 0
    while not ex(lo):
        lo *= 0.7
        k += 1
        if k > 60:
            return math.nan  # never retrieved (parity region, doc Sec. 2)
    a_f = _fold_on_branch(make, lo, 50.0 * lo, xtol, ex, x0=memo.get(lo))
    if a_f is not None:
        return a_f
    hi = lo * 1.15
    k = 0
    while ex(hi):
        lo, hi = hi, hi * 1.15
        k += 1
        if k > 200:
            raise NoSolution(f"degree {n} still retrieved at alpha = {hi:.4g}")
    return locate_fold(ex, lo, hi, xtol=xtol)


def alpha_star(n, alpha_D, L=3, *, vote="exact", reinforcement=True, g=None, xtol=FOLD_XTOL):
    """The fold ``alpha*(n)``: the largest alpha at which the degree-n feature is retrieved
    (doc Sec. 2), by bisection on existence (:func:`theory.solvers.locate_fold`, tolerance
    ``xtol`` in alpha, default 2e-6 as in the doc) after a geometric bracket search.
    Method: continuation of the retrieval fixed point in alpha (Newton steps, step halving
    down to xtol/4: :func:`theory.solvers.continue_branch`), the fold confirmed by the
    operational criterion of doc Sec. 2 at alpha*(1 -+ 1e-3); bisection on that criterion
    (:func:`theory.solvers.locate_fold`) if the confirmation fails.

    ``nan`` when the feature is retrieved at no alpha (the even-n parity region of doc Sec. 2).
    Raises ``ConvergenceError`` if the iteration cannot decide at some alpha.
    """
    n, _, alpha_D, L, vote = _check(n, 1.0, alpha_D, L, vote)
    xtol = positive("xtol", xtol)
    return _fold(n, alpha_D, L, vote, bool(reinforcement), g, xtol)


def alpha_star_table(n_values, alpha_D, L=3, *, vote="exact", xtol=FOLD_XTOL):
    """``alpha*(n)`` for several n (array), each bracket seeded from the previous fold."""
    alpha_D = positive("alpha_D", alpha_D)
    out = []
    guess = None
    for n in n_values:
        n, _, _, L, vote = _check(n, 1.0, alpha_D, L, vote)
        v = _fold(n, alpha_D, L, vote, True, None, xtol, guess=guess)
        out.append(v)
        if np.isfinite(v):
            guess = 0.97 * v
    return np.array(out)


@lru_cache(maxsize=4096)
def _fold_cached(n, alpha_D, L, vote):
    return _fold(n, alpha_D, L, vote, True, None, FOLD_XTOL)


def _n_c(alpha, alpha_D, L, vote):
    """min{n: alpha*(n) >= alpha} (doc Sec. 2) from the (cached) folds alpha*(n), walking from
    n = lambda; a degree in the parity region (alpha*(n) = nan) counts as never retrieved."""
    a_s = lambda n: _fold_cached(int(n), alpha_D, L, vote)
    ok = lambda n: n >= 1 and np.isfinite(a_s(n)) and a_s(n) >= alpha
    hi = max(1, int(round(alpha * L / alpha_D)))
    k = 0
    while not ok(hi):
        hi += max(1, hi // 4)
        k += 1
        if k > 100:
            raise NoSolution(f"no degree up to {hi} is retrieved at alpha = {alpha:.4g}")
    lo = hi // 2
    while lo > 1 and ok(lo):
        hi, lo = lo, lo // 2
    while hi - lo > 1:  # ok(hi), not ok(lo) (alpha*(n) increasing above the parity region)
        mid = (hi + lo) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    while hi > 1 and ok(hi - 1):  # guard: walk down past any non-monotone step
        hi -= 1
    return hi


def _n_c_from(alpha, alpha_D, L, vote, n_start):
    """``n_c(alpha)`` given ``n_start = n_c(alpha')`` at some ``alpha' <= alpha`` (continuation
    along a sorted alpha grid).  The set {n : alpha*(n) >= alpha} shrinks as alpha grows, so
    n_c(alpha) >= n_start: walk up from ``n_start`` to the first retrieved degree, then apply
    the same walk-down guard as :func:`_n_c`.  Touches only the folds between consecutive
    n_c values instead of a fresh search per alpha."""
    a_s = lambda n: _fold_cached(int(n), alpha_D, L, vote)
    ok = lambda n: n >= 1 and np.isfinite(a_s(n)) and a_s(n) >= alpha
    n = max(1, int(n_start))
    k = 0
    while not ok(n):
        n += 1
        k += 1
        if k > 1000:
            raise NoSolution(f"no degree up to {n} is retrieved at alpha = {alpha:.4g}")
    while n > 1 and ok(n - 1):
        n -= 1
    return n


def critical_degree(alpha, alpha_D, L=3, *, vote="exact"):
    """``n_c(alpha) = min{n : alpha*(n) >= alpha}`` (doc Sec. 2): a feature of degree n is
    retrieved iff ``n >= n_c``.  Found by a search in n starting at ``lambda = alpha L/alpha_D``
    (existence tests of the operational criterion); assumes alpha*(n) increasing above the
    parity region (tested)."""
    _, alpha, alpha_D, L, vote = _check(1, alpha, alpha_D, L, vote)
    return _n_c(alpha, alpha_D, L, vote)


def _chord_point(prob: _Problem, warm, jac=None, tol=1e-13, max_iter=30):
    """Fixed point of the degree-n map from a close prediction ``warm`` by quasi-Newton
    (Broyden) iterations on ``F(y) = f(y s)/s - y`` (scaled as in :func:`_branch_point`),
    starting from the Jacobian ``jac`` carried over from the neighbouring alpha (continuation)
    or formed by forward differences (also when the carried one converges slowly).  Stops
    when the step is below ``tol`` (relative, as the xtol of the hybr polish) and the residual
    below 1e-12; returns ``(x, info, jac)`` on the physical retrieval branch or None (callers
    then fall back to :func:`_branch_point`).  It only changes how the fixed point is
    reached, not the fixed point."""
    scale = np.maximum(np.abs(np.asarray(warm, dtype=float)), 1e-300)

    last = {}

    def F(y):
        f = prob.full(y * scale)
        if f is None or not np.all(np.isfinite(f["x_new"])):
            return None
        last["info"] = f
        return f["x_new"] / scale - y

    y = np.ones(3)
    with np.errstate(all="ignore"):
        r = F(y)
        if r is None:
            return None
        fresh = jac is None
        for it in range(max_iter):
            if jac is None or (it == 6 and not fresh):  # forward-difference Jacobian
                fresh = True
                jac = np.empty((3, 3))
                for j in range(3):
                    yj = y.copy()
                    yj[j] += 1e-7
                    rj = F(yj)
                    if rj is None:
                        return None
                    jac[:, j] = (rj - r) / 1e-7
            try:
                step = -np.linalg.solve(jac, r)
            except np.linalg.LinAlgError:
                return None
            if not np.all(np.isfinite(step)):
                return None
            y = y + step
            r_new = F(y)
            if r_new is None:
                return None
            if np.max(np.abs(step)) <= tol and np.max(np.abs(r_new)) <= 1e-12:
                break
            ss = float(step @ step)
            if ss > 0.0:  # Broyden's (good) rank-one update
                jac = jac + np.outer(r_new - r - jac @ step, step) / ss
            r = r_new
        else:
            return None
    x = y * scale
    if not x[2] > 0:
        return None
    info = last["info"]  # prob.full(x) of the last iterate
    if not info["m"] > M_RETRIEVAL:
        return None
    return x, info, jac  # jac (scaled variables) is reused at the next alpha


def _m_of_degree(n, alpha, alpha_D, L, vote, guess, warm=None, reference=False, jacs=None):
    """m_n(alpha) for a degree known to be retrieved: root polish of the fixed point from a
    warm start (same fixed point as the damped iteration; checked by its residual), with the
    damped iteration as fallback.  ``warm``: a predicted point of the same degree from the
    neighbouring alpha values (continuation in alpha), tried before ``guess`` (degree n-1 at
    this alpha)."""
    prob = _Problem(n, alpha, alpha_D, L, vote, True, reference=reference)
    if warm is not None:
        pt = _chord_point(prob, warm, jacs.get(n) if jacs is not None else None)
        if pt is not None:
            if jacs is not None:
                jacs[n] = pt[2]
            return pt[1]["m"], pt[0]
        pt = _branch_point(prob, warm)
        if pt is not None:
            return pt[1]["m"], pt[0]
    if guess is not None:
        pt = _branch_point(prob, guess)
        if pt is not None:
            return pt[1]["m"], pt[0]
    status, x, info, it, res, msg = _iterate(prob)
    if status != OK:
        return math.nan, None
    return info["m"], x


#: continuation in alpha (mean_feature_magnetization on a grid) is used between neighbouring
#: alpha values closer than this relative distance; farther apart each alpha starts afresh
_CONT_REL_STEP = 0.1


def _predict(hist, n, alpha):
    """Warm start for degree n at ``alpha`` from its fixed points at the previous one or two
    alpha values of the grid (linear extrapolation in alpha when two are known)."""
    pts = [h for h in hist if n in h[1]]
    if not pts or abs(alpha - pts[-1][0]) > _CONT_REL_STEP * alpha:
        return None
    a1, x1 = pts[-1][0], pts[-1][1][n]
    if len(pts) < 2 or pts[-2][0] == a1:
        return x1
    a0, x0 = pts[-2][0], pts[-2][1][n]
    return x1 + (x1 - x0) * (alpha - a1) / (a1 - a0)


def _mean_mu_one(alpha, alpha_D, L, vote, tail=1e-12, details=False, state=None, _reference=False):
    """The Poisson mixture at one alpha.  ``state`` (a dict, alpha visited in increasing
    order): continuation across the alpha grid -- n_c from the previous n_c
    (:func:`_n_c_from`) and each degree's fixed point polished from its extrapolation in
    alpha (:func:`_predict`).  ``_reference=True``: the straightforward path (fresh n_c
    search, degree n polished from degree n-1, numpy site averages), kept as the reference of
    the tests."""
    lam = alpha * L / alpha_D
    cont = state is not None and not _reference and state.get("alpha", math.inf) <= alpha
    if cont:
        nc = _n_c_from(alpha, alpha_D, L, vote, state["nc"])
    else:
        nc = _n_c(alpha, alpha_D, L, vote)
    hist = state.get("hist", []) if cont else []
    jacs = state.setdefault("jacs", {}) if state is not None and not _reference else None
    xs = {}
    n_max = int(lam + 12.0 * math.sqrt(lam) + 10)
    ns = np.arange(n_max + 1)
    w = stats.poisson.pmf(ns, lam)
    # special.pdtrc(k, lam) is what stats.poisson.sf(k, lam) evaluates, without its overhead
    ms = np.zeros(n_max + 1)
    guess = None
    for n in range(nc, n_max + 1):
        if n > lam and special.pdtrc(n - 1, lam) < tail:
            ms[n:] = 1.0 if n > nc else ms[n:]  # tail mass < 1e-12 counted with m = 1
            break
        warm = _predict(hist, n, alpha) if n > nc else None
        m, x = _m_of_degree(n, alpha, alpha_D, L, vote, guess, warm, _reference, jacs)
        if not np.isfinite(m) and n == nc:
            # alpha within the fold tolerance (2e-6) of alpha*(n_c): the operational criterion
            # at this alpha decides, and it says not retrieved
            continue
        if not np.isfinite(m):
            raise NoSolution(f"degree {n} >= n_c = {nc} not retrieved at alpha = {alpha:.6g}")
        ms[n] = m
        guess = x
        xs[n] = x
        if special.pdtrc(n, lam) * (1.0 - m) < 1e-11:
            # m_n increases towards 1 with n: counting the rest of the tail with m = 1 changes
            # the mixture by less than 1e-11
            ms[n + 1:] = 1.0
            break
    mean = float(w @ ms) + float(stats.poisson.sf(n_max, lam))
    if state is not None and not _reference:
        state.update(alpha=alpha, nc=nc, hist=(hist + [(alpha, xs)])[-2:])
    if details:
        return mean, nc, ns, w, ms
    return mean


def mean_feature_magnetization(alpha, alpha_D, L=3, *, vote="exact", details=False):
    """Mean feature overlap at N = infinity, the Poisson mixture of doc Sec. 2::

        <mu>(alpha) = sum_n Poisson(n; lambda) m_n(alpha) 1[n >= n_c(alpha)],  lambda = alpha L/alpha_D

    (failed features contribute 0).  ``alpha`` scalar or 1-D array.  With ``details=True``
    (scalar alpha) returns ``(mean, n_c, n, weights, m_n)``.  An array is solved in increasing
    alpha with continuation (n_c and the degree fixed points carried from the previous alpha;
    same values as alpha by alpha, to rounding) and returned in the input order.
    """
    choice("vote", vote, VOTES)
    alpha_D = positive("alpha_D", alpha_D)
    L = odd_integer("L", L)
    if np.ndim(alpha) == 0:
        return _mean_mu_one(positive("alpha", alpha), alpha_D, L, vote, details=details)
    if details:
        raise ValueError("details: only for a scalar alpha")
    a = np.array([positive("alpha", v) for v in np.ravel(alpha)], dtype=float)
    out = np.empty(a.size)
    state = {}
    for i in np.argsort(a, kind="stable"):  # increasing alpha: continuation (see _mean_mu_one)
        out[i] = _mean_mu_one(float(a[i]), alpha_D, L, vote, state=state)
    return out


def mean_mu_crossing(alpha_D, L=3, level=0.9, *, vote="exact", lo=None, hi=None, xtol=1e-6):
    """The alpha at which ``<mu>(alpha)`` (N = infinity sawtooth) first reaches ``level``
    from below.  The sawtooth drops at each alpha*(n); between drops it increases, so the
    crossing is either a smooth root (Brent via :func:`theory.solvers.find_boundary`) or a
    drop itself -- both are handled by bisection on ``<mu> - level`` over a bracket found
    on a coarse grid.  Returns nan when no crossing is found in [lo, hi]."""
    alpha_D = positive("alpha_D", alpha_D)
    L = odd_integer("L", L)
    level = positive("level", level)
    lo = 2.0 * alpha_D if lo is None else positive("lo", lo)
    hi = 30.0 * alpha_D if hi is None else positive("hi", hi)
    f = lambda a: _mean_mu_one(a, alpha_D, L, vote) - level
    grid = np.geomspace(lo, hi, 16)
    prev = None
    for a in grid:
        v = f(a)
        if v >= 0 and prev is not None and prev[1] < 0:
            # first upward crossing in (prev, a); the function may jump down inside the
            # bracket (sawtooth), so refine the first up-crossing by bisection
            x0, x1 = prev[0], a
            while x1 - x0 > xtol:
                mid = 0.5 * (x0 + x1)
                if f(mid) >= 0:
                    x1 = mid
                else:
                    x0 = mid
            return 0.5 * (x0 + x1)
        prev = (a, v)
    return math.nan


def typical_feature_line(alpha_D, L=3, *, vote="exact", g=None, xtol=1e-7):
    """The typical-feature line (doc Sec. 4 table): the alpha above which the feature of
    degree ``n = lambda = alpha L/alpha_D`` is retrieved (the learning line of a typical
    feature).

    Gaussian vote: n is real; bisection on existence at ``(n = alpha L/alpha_D, alpha)``
    (:func:`theory.solvers.locate_fold`).  Exact vote: n must be an integer; the line is the
    crossing of ``alpha*(n)`` with ``alpha_D n/L``, located between consecutive integers and
    interpolated linearly in n (the doc's table quotes it to 3 digits)."""
    alpha_D = positive("alpha_D", alpha_D)
    vote = choice("vote", vote, VOTES)
    if vote == "gaussian":
        Lf = positive("L", L)
        ex = lambda a: _retrieved(a * Lf / alpha_D, a, alpha_D, Lf, "gaussian", True, g)
        # below the line the n = lambda feature has too few examples to be retrieved, above
        # it it is retrieved: scan up for the first retrieved alpha, then bisect
        prev = None
        for a in alpha_D * np.geomspace(0.25, 64.0, 49):
            if ex(a):
                break
            prev = a
        else:
            return math.nan
        if prev is None:
            return math.nan
        make = lambda b: _Problem(b * Lf / alpha_D, b, alpha_D, Lf, "gaussian", True, g)
        a_f = _fold_on_branch(make, a, prev, xtol, ex)
        if a_f is not None:
            return a_f
        return locate_fold(ex, a, prev, xtol=xtol)
    L = odd_integer("L", L)
    if g is not None:
        raise ValueError("g: only for vote='gaussian'")
    d = lambda n: _fold(n, alpha_D, L, "exact", True, None, xtol) - alpha_D * n / L
    n = max(2, int(round(0.035 * L / alpha_D)))
    # alpha*(n) grows faster than alpha_D n/L past the line: find n with d(n) < 0 <= d(n+1)
    dn = d(n)
    while not np.isfinite(dn) or dn >= 0:
        n -= 1 if np.isfinite(dn) else -1
        dn = d(n)
        if n < 2:
            return math.nan
    dn1 = d(n + 1)
    while dn1 < 0:
        n, dn = n + 1, dn1
        dn1 = d(n + 1)
    t = -dn / (dn1 - dn)
    return alpha_D * (n + t) / L


def dense_limit_line(alpha_D, L=1e7, g=2.0 / math.pi, xtol=1e-8):
    """Dense-limit consistency (doc Sec. 4): the typical-feature line with a Gaussian vote,
    ``a_L = sqrt(g/L)``, ``g = 2/pi`` and L -> infinity (default 1e7).  Equals the dense RS
    learning line of dense doc Sec. 2.3 (``rfhm.learning_transition``): 0.04631 at
    alpha_D = 0.005 and 0.09786 at 0.01."""
    return typical_feature_line(alpha_D, L, vote="gaussian", g=g, xtol=xtol)
