"""Signal-to-noise (SNR) estimates for the Random-Features Hopfield Model, and D_gen scaling.

Specification: ``docs/theory/rfhm_theory.md`` Sec. 4 (cited as "doc"), and the
order-of-magnitude argument of [W] (Negri et al., NeurIPS 2023 workshop paper on RFHM
generalisation, see ``docs/theory/README.md``; eqs. (4), (6), (8), (9) and Appendix A).

Conventions (doc Sec. 1.1): N spins, D = alpha_D N features (+-1 columns of F), P = alpha N
training examples ``xi^mu = sign(F c^mu)`` with either *sparse* coefficients (exactly L nonzero
+-1 entries, L odd) or *dense* coefficients (Gaussian, or +-1 with L = D).  Hebb couplings
with zero diagonal.  ``alpha_T = alpha/alpha_D = P/D``.  For a configuration x (a feature, a
train example or a test example) the aligned field is ``x_i h_i = S_i + Z_i`` with
``h_i = sum_{j != i} J_ij x_j``; a spin is *unstable* when ``x_i h_i <= 0``.  The functions
below predict the fraction of unstable spins *before any dynamics* (one-step estimate, no
Onsager reaction term: initial error rates, not transition points; doc Sec. 4.2 "Scope").

Constants (doc Sec. 1.3): the Walsh weight of each feature in an L-majority,
``a_L = C(L-1, (L-1)/2) / 2^(L-1)``, and ``g_L = L a_L^2`` (-> kappa1^2 = 2/pi as L -> inf).

Noise (doc Sec. 4.2): ``Z ~ N(0, sigma^2)``, ``sigma^2 = alpha (1 + alpha_T g_L^2)``.

D_gen (doc Sec. 4.3): sparse test examples of L_t features are symmetric L_t-mixtures and
exist iff ``alpha_D < alpha_D^c(alpha, L_t)``, so ``D_gen = alpha_D^c(alpha, L_t) N``; dense
+-1 test examples are D-mixtures, which exist iff ``D alpha_D < C(alpha)`` with
``C(alpha) = lim_n n alpha_D^c(alpha, n)``, so ``D_gen = sqrt(C(alpha) N)``.

Results and errors (the package's result contract, ``theory.solvers``): the functions return
numbers; :func:`C_constant_result` returns a :class:`CConstant` with ``status`` ``"ok"``,
``"absent"`` (a mixture spinodal it needs does not exist) or ``"unconverged"`` (the Richardson
extrapolation has not settled to ``rtol``) and never raises for these; :func:`C_constant`
(a bare number) returns ``nan`` when absent and raises
:class:`~theory.solvers.ConvergenceError` when unconverged.  Bad input raises ``ValueError``
naming the parameter, before any work.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import special

from . import rfhm
from .solvers import ConvergenceError
from hopfield_phases._core.results import ABSENT, OK, UNCONVERGED, ResultContract
from hopfield_phases._core.validation import choice, flag as _flag, integer, odd_integer, positive

__all__ = [
    "KAPPA1",
    "a_L",
    "g_L",
    "noise_variance",
    "unstable_fraction_feature",
    "unstable_fraction_example",
    "margin_law",
    "dense_test_arctan",
    "feature_snr2",
    "workshop_noise_terms",
    "C_constant",
    "C_constant_result",
    "CConstant",
    "d_gen_sparse",
    "d_gen_dense",
]

KAPPA1 = math.sqrt(2.0 / math.pi)
_K1SQ = 2.0 / math.pi


def _H(x):
    """Gaussian tail ``H(x) = erfc(x/sqrt 2)/2``."""
    return 0.5 * special.erfc(np.asarray(x, dtype=float) / math.sqrt(2.0))


def a_L(L):
    """``a_L = C(L-1, (L-1)/2)/2^(L-1)``: linear (Walsh degree-1) weight of each of the L
    features in ``Maj_L`` (doc Sec. 1.3).  a_1 = 1, a_3 = 1/2, a_5 = 3/8.  Computed with
    log-gamma so that large L (dense +-1 coefficients, L = D) is exact to rounding."""
    L = odd_integer("L", L)
    k = (L - 1) // 2
    return math.exp(math.lgamma(L) - 2.0 * math.lgamma(k + 1) - (L - 1) * math.log(2.0))


def g_L(L=None):
    """``g_L = L a_L^2`` (doc Sec. 1.3): the sparse analogue of kappa1^2.  ``L=None`` means
    dense coefficients, ``g = kappa1^2 = 2/pi`` (the L -> infinity limit)."""
    if L is None:
        return _K1SQ
    return odd_integer("L", L) * a_L(L) ** 2


def _check(alpha, alpha_D):
    return positive("alpha", alpha), positive("alpha_D", alpha_D)


def noise_variance(alpha, alpha_D, L=None):
    """``sigma^2 = alpha (1 + alpha_T g_L^2)`` (doc Sec. 4.2): crosstalk of all examples plus the
    correlated part from pairs of examples sharing features.  ``L=None``: dense."""
    alpha, alpha_D = _check(alpha, alpha_D)
    g = g_L(L)
    return alpha * (1.0 + alpha / alpha_D * g**2)


def margin_law(L):
    """Law of the margin ``|chi|`` of ``chi = sum_{k<=L} c_k F_ik`` (L independent +-1):
    values ``1, 3, ..., L`` (L odd) and their probabilities ``2 C(L, (L+j)/2)/2^L``."""
    L = odd_integer("L", L)
    j = np.arange(1, L + 1, 2)
    logp = (math.log(2.0) + special.gammaln(L + 1) - special.gammaln((L + j) / 2 + 1)
            - special.gammaln((L - j) / 2 + 1) - L * math.log(2.0))
    return j.astype(float), np.exp(logp)


def unstable_fraction_feature(alpha, alpha_D, L=None, P=None, D=None):
    """Predicted fraction of spins with ``f_i h_i <= 0`` on a feature (doc Sec. 4.2).

    Sparse (L odd): ``S = a_L sum_{mu contains k} y_mu`` with ``y_mu = +-1`` of mean a_L and the
    number ``n_k`` of examples containing k Poisson(alpha_T L) -- or Binomial(P, L/D) when the
    finite sizes ``P`` and ``D`` are given -- and ``fraction = sum P(S) H(S/sigma)``, the law of
    S summed exactly (doc: "sum exactly").  ``S = a_L (j - k)`` with j (k) the number of
    examples containing the feature that agree (disagree) with it:

    * Poisson law (default): by Poisson thinning, j and k are independent Poisson variables
      of means ``alpha_T L (1 +- a_L)/2``, so ``j - k`` has the Skellam law
      ``P(d) = e^{-(mu1+mu2)} (mu1/mu2)^{d/2} I_|d|(2 sqrt(mu1 mu2))`` (closed form; modified
      Bessel function, exponentially scaled);
    * Binomial law (``P``, ``D``): ``j - k`` is a sum of P independent steps +1, -1, 0 of
      probabilities ``(L/D)(1 + a_L)/2, (L/D)(1 - a_L)/2, 1 - L/D``; its law is the P-fold
      convolution of the step law, by binary exponentiation (about 2 log2 P direct
      convolutions of positive vectors, so every probability keeps its relative accuracy).

    Every law is truncated to the window ``mean +- (40 sd + 30)`` of ``j - k`` (neglected
    mass < 1e-30; the sum P(S) H(S/sigma) is dominated well inside it).  Cost: O(sqrt(alpha_T
    L)) (Poisson) or O(P L/D) (Binomial), against O((alpha_T L)^2) for the former
    double sum over n_k and j (30 s for ``unstable_fraction_feature(2.0678, 0.002165, L=11)``,
    now ~2 ms).  Both agree with that exact double sum to 1e-11 relative
    (tests/test_snr.py).  Documented limits (ValueError beyond): ``alpha_T L <= 1e9``
    (Poisson, ~3 s) and ``P L/D <= 2e4`` (Binomial, ~0.5 s; the Poisson law differs from it
    by O(L/D)).

    Dense (``L=None``): Gaussian signal of mean ``kappa1^2 alpha_T`` and variance
    ``kappa1^2 alpha_T``: ``H(kappa1^2 alpha_T / sqrt(sigma^2 + kappa1^2 alpha_T))``.
    """
    alpha, alpha_D = _check(alpha, alpha_D)
    if L is not None:
        L = odd_integer("L", L)
    if (P is None) != (D is None):
        raise ValueError("P and D must be given together (finite-size binomial law of n_k)")
    if P is not None:
        if L is None:
            raise ValueError("P and D are only used with sparse coefficients (give L)")
        P = integer("P", P, minimum=1)
        D = integer("D", D, minimum=L)
    aT = alpha / alpha_D
    if L is not None:
        if P is None and aT * L > _MAX_POISSON_MEAN:
            raise ValueError(f"alpha: alpha/alpha_D * L = {aT * L:.3g} exceeds {_MAX_POISSON_MEAN:.0e}"
                             f" (the exact sum would need more than "
                             f"{80 * math.sqrt(_MAX_POISSON_MEAN):.0e} terms)")
        if P is not None and P * L / D > _MAX_BINOMIAL_MEAN:
            raise ValueError(f"P: P L/D = {P * L / D:.3g} exceeds {_MAX_BINOMIAL_MEAN:.0e} (the exact "
                             "finite-size law costs O((P L/D)^2) there); omit P and D for the "
                             "Poisson law, which differs by O(L/D)")
    sigma = math.sqrt(noise_variance(alpha, alpha_D, L))
    if L is None:
        return float(_H(_K1SQ * aT / math.sqrt(sigma**2 + _K1SQ * aT)))
    a = a_L(L)
    p_agree = 0.5 * (1.0 + a)
    if P is None:
        lam = aT * L
        d, pd = _skellam_law(lam * p_agree, lam * (1.0 - p_agree))
    else:
        d, pd = _trinomial_sum_law(P, L / D, p_agree)
    return float(pd @ _H(a * d / sigma))


#: Largest mean number alpha_T L of examples per feature for the Poisson law (~3 s, 2.5e6 terms)
_MAX_POISSON_MEAN = 1e9
#: Largest P L/D for the finite-size law (direct convolutions of ~1.2e4 terms, ~0.5 s)
_MAX_BINOMIAL_MEAN = 2e4


def _window(mean: float, var: float, lo: int, hi: int) -> np.ndarray:
    """Integers in ``mean +- (40 sd + 30)``, clipped to [lo, hi]."""
    w = 40.0 * math.sqrt(var) + 30.0
    return np.arange(max(lo, math.floor(mean - w)), min(hi, math.ceil(mean + w)) + 1)


def _skellam_law(mu1: float, mu2: float) -> tuple[np.ndarray, np.ndarray]:
    """Values d and probabilities of ``j - k``, j ~ Poisson(mu1), k ~ Poisson(mu2) independent
    (Skellam law, closed form with the exponentially scaled Bessel function ``ive``)."""
    if mu2 == 0.0:  # L = 1: every example agrees with its feature, d = j ~ Poisson(mu1)
        d = _window(mu1, mu1, 0, 2**62)
        logp = d * math.log(mu1) - mu1 - special.gammaln(d + 1.0) if mu1 > 0 else np.where(
            d == 0, 0.0, -np.inf)
        return d.astype(float), np.exp(logp)
    d = _window(mu1 - mu2, mu1 + mu2, -(2**62), 2**62)
    x = 2.0 * math.sqrt(mu1 * mu2)
    with np.errstate(divide="ignore"):
        logp = (-(math.sqrt(mu1) - math.sqrt(mu2)) ** 2 + 0.5 * d * math.log(mu1 / mu2)
                + np.log(special.ive(np.abs(d), x)))  # -(mu1+mu2) + x = -(sqrt mu1 - sqrt mu2)^2
    return d.astype(float), np.exp(logp)


def _convolve_laws(x, y):
    """Law of the sum of two independent integer variables given as ``(pmf, offset)``,
    truncated to ``mean +- (40 sd + 30)`` (all terms positive: relative rounding ~ eps)."""
    pmf = np.convolve(x[0], y[0])
    off = x[1] + y[1]
    d = off + np.arange(pmf.size)
    tot = pmf.sum()
    mean = float(pmf @ d) / tot
    var = max(float(pmf @ (d - mean) ** 2) / tot, 0.0)
    w = _window(mean, var, int(d[0]), int(d[-1]))
    return pmf[w[0] - off:w[-1] - off + 1], int(w[0])


def _trinomial_sum_law(P: int, q: float, p: float) -> tuple[np.ndarray, np.ndarray]:
    """Values d and probabilities of the sum of P independent steps +1 (prob q p), -1
    (q (1-p)), 0 (1 - q): the P-fold convolution of the step law by binary exponentiation
    (direct convolutions of positive vectors, each truncated to its window)."""
    result = (np.array([1.0]), 0)
    base = (np.array([q * (1.0 - p), 1.0 - q, q * p]), -1)
    k = P
    while k:
        if k & 1:
            result = _convolve_laws(result, base)
        k >>= 1
        if k:
            base = _convolve_laws(base, base)
    pmf, off = result
    return off + np.arange(pmf.size, dtype=float), pmf


def unstable_fraction_example(alpha, alpha_D, L=None, L_test=None, train=False,
                              coefficients="gaussian", D=None):
    """Predicted fraction of spins with ``x_i h_i <= 0`` on a test or train example
    (doc Sec. 4.2).

    Sparse training (L odd): a test example of ``L_test`` features (odd; default L) has signal
    ``<S> = a_{L_t} |chi| g_L alpha_T`` (+1 for a train example, the self-term; then
    ``L_test`` must equal L) and site variance ``Var S = a_{L_t}^2 L_t g_L alpha_T``; the
    fraction is ``sum_{|chi|} P(|chi|) H(<S>/sqrt(sigma^2 + Var S))``.

    Dense training (``L=None``): ``g_L -> kappa1^2``, ``a_{L_t}|chi| -> kappa1 |lambda|``,
    ``sigma_tot^2 = alpha (1 + alpha_T kappa1^4) + kappa1^4 alpha_T``.  With
    ``coefficients="gaussian"`` ``lambda ~ N(0,1)`` (closed form ``(1/pi) arctan(sigma_tot /
    (kappa1^3 alpha_T))`` for a test example); with ``"binary"`` (dense +-1, needs odd ``D``)
    ``|lambda|`` is replaced by the lattice variable ``|chi|/sqrt(D)``.
    """
    alpha, alpha_D = _check(alpha, alpha_D)
    coefficients = choice("coefficients", coefficients, ("gaussian", "binary"))
    train = _flag("train", train)
    if D is not None and coefficients != "binary":
        raise ValueError("D is only used with coefficients='binary'")
    aT = alpha / alpha_D
    self_term = 1.0 if train else 0.0
    if L is not None:
        L = odd_integer("L", L)
        Lt = L if L_test is None else odd_integer("L_test", L_test)
        if train and Lt != L:
            raise ValueError(f"L_test must equal L for a train example, got {Lt} != {L}")
        g = g_L(L)
        at = a_L(Lt)
        sig2 = noise_variance(alpha, alpha_D, L) + at**2 * Lt * g * aT
        chi, p = margin_law(Lt)
        return float(p @ _H((at * chi * g * aT + self_term) / math.sqrt(sig2)))
    if L_test is not None:
        raise ValueError("L_test is only used with sparse training (give L)")
    sig_tot = math.sqrt(alpha * (1.0 + aT * _K1SQ**2) + _K1SQ**2 * aT)
    signal = KAPPA1**3 * aT
    if coefficients == "binary":
        if D is None:
            raise ValueError("D must be given for dense +-1 coefficients")
        D = odd_integer("D", D)
        chi, p = margin_law(D)
        return float(p @ _H((signal * chi / math.sqrt(D) + self_term) / sig_tot))
    if not train:
        return dense_test_arctan(alpha, alpha_D)
    # E_lambda H((signal |lambda| + 1)/sigma_tot), |lambda| half-normal: Gauss-Legendre on [0, 12]
    x, w = np.polynomial.legendre.leggauss(200)
    v = 6.0 * (x + 1.0)
    wv = 6.0 * w * 2.0 * np.exp(-0.5 * v * v) / math.sqrt(2.0 * math.pi)
    return float(wv @ _H((signal * v + 1.0) / sig_tot))


def dense_test_arctan(alpha, alpha_D=None):
    """Dense Gaussian-coefficient test example: ``(1/pi) arctan(sigma_tot/(kappa1^3 alpha_T))``
    (doc Sec. 4.2); ``alpha=inf`` gives the limit ``(1/pi) arctan(sqrt(alpha_D)/kappa1)``."""
    if _is_inf(alpha):
        alpha_D = positive("alpha_D", alpha_D)
        return math.atan(math.sqrt(alpha_D) / KAPPA1) / math.pi
    alpha, alpha_D = _check(alpha, alpha_D)
    aT = alpha / alpha_D
    sig_tot = math.sqrt(alpha * (1.0 + aT * _K1SQ**2) + _K1SQ**2 * aT)
    return math.atan(sig_tot / (KAPPA1**3 * aT)) / math.pi


def feature_snr2(alpha, alpha_D, L=None):
    """Squared SNR of the feature field, ``<S>^2/(sigma^2 + Var S)`` with ``<S> = Var S =
    g_L alpha_T``; tends to ``1/alpha_D`` (Hopfield at load alpha_D) as alpha -> infinity
    (doc Sec. 4.2, consistent with Sec. 2.5)."""
    alpha, alpha_D = _check(alpha, alpha_D)
    g = g_L(L)
    aT = alpha / alpha_D
    return (g * aT) ** 2 / (noise_variance(alpha, alpha_D, L) + g * aT)


def workshop_noise_terms(N, P, D, L, state="feature", corrected=True):
    """Order-of-magnitude relative noise terms of [W] (signal normalised to 1).

    ``state="feature"``, sparse coefficients, [W] eq. (8)::

        O(sqrt(D/N)),   (L/D) O(sqrt(D/P)),   (L/D) O(sqrt(D^2/(P N)))

    The first (Hopfield crosstalk among the features, ``sqrt(alpha_D)``) has the correct form.
    The second is **underestimated** in [W] (doc Sec. 4.1): in eq. (7) the sum
    ``sum_mu c_muk c_muk'`` scales as ``sqrt(P) L/D``, not ``sqrt(P) L^2/D^2``, so the correct
    term is ``O(sqrt(D/P)) = O(alpha_T^-1/2)``, finite as D -> infinity: the spread of the
    signal itself, relevant near the learning transition.  ``corrected=True`` (default)
    returns the corrected second term, ``False`` the published one.  (The third term is
    returned as published.)

    ``state="dense_feature"``, [W] eq. (6): ``sqrt(D/N), sqrt(D/P), sqrt(D/N) sqrt(D/P)``.
    ``state="mixture"``, [W] eq. (4)/(9): ``sqrt(L D/N), sqrt(L^3/(D P)), sqrt(L^3/(N P))``.

    Returns a dict ``{"crosstalk": ..., "signal_spread": ..., "third": ...}``.
    """
    N = integer("N", N, minimum=1)
    P = integer("P", P, minimum=1)
    D = integer("D", D, minimum=1)
    L = integer("L", L, minimum=1)
    state = choice("state", state, ("feature", "dense_feature", "mixture"))
    corrected = _flag("corrected", corrected)
    if state == "feature":
        second = math.sqrt(D / P) if corrected else (L / D) * math.sqrt(D / P)
        return {"crosstalk": math.sqrt(D / N), "signal_spread": second,
                "third": (L / D) * math.sqrt(D * D / (P * N))}
    if state == "dense_feature":
        return {"crosstalk": math.sqrt(D / N), "signal_spread": math.sqrt(D / P),
                "third": math.sqrt(D / N) * math.sqrt(D / P)}
    return {"crosstalk": math.sqrt(L * D / N), "signal_spread": math.sqrt(L**3 / (D * P)),
            "third": math.sqrt(L**3 / (N * P))}


# --------------------------------------------------------------------------------------------
# D_gen (doc Sec. 4.3)
# --------------------------------------------------------------------------------------------

#: mixture orders used for C(alpha) (zeta_law of theory.mixtures overflows beyond n ~ 1000)
_C_ORDERS = (101, 201, 401, 801)


@lru_cache(maxsize=64)
def _C_table(alpha: float, variant: str):
    vals = []
    for n in _C_ORDERS:
        if alpha == math.inf:
            vals.append(n * rfhm.alpha_inf_capacity(n))
        else:
            vals.append(n * rfhm.mixture_spinodal(alpha, n, variant))
    return tuple(vals)


def _is_inf(value) -> bool:
    """``value`` is +infinity (a float, not a bool or a string)."""
    return (isinstance(value, (float, np.floating)) and not isinstance(value, bool)
            and value == math.inf)


@dataclass
class CConstant(ResultContract):
    """``C(alpha) = lim_n n alpha_D^c(alpha, n)`` with its extrapolation details.

    ``value`` (``nan`` unless status is "ok"), ``n`` (orders used), ``n_alpha_Dc``
    (``n alpha_D^c(alpha, n)`` at those orders), ``richardson`` (the two extrapolations
    compared); ``status``, ``message``, ``iterations`` (0), ``residual`` (the relative
    difference of the two extrapolations) of the result contract.
    """

    value: float = math.nan
    n: tuple = ()
    n_alpha_Dc: tuple = ()
    richardson: tuple = ()

    @property
    def converged(self) -> bool:
        return self.status != UNCONVERGED

    def as_dict(self) -> dict:
        return {"n": self.n, "n_alpha_Dc": self.n_alpha_Dc, "richardson": self.richardson,
                "converged": self.converged, "status": self.status, "message": self.message}


def C_constant_result(alpha, variant="sq", rtol=1e-3) -> CConstant:
    """``C(alpha) = lim_{n->inf} n alpha_D^c(alpha, n)`` (doc Secs. 2.7, 4.3) as a result
    object; ``alpha=inf`` uses the AGS capacities, ``C(inf) = lim n alpha_n^c``.

    ``n alpha_D^c`` is computed at n = 101, 201, 401, 801; its approach is O(1/n), so the
    limit is taken by Richardson extrapolation ``2 f(2n) - f(n)``.  Status "ok" when the
    extrapolations from (201, 401) and (401, 801) agree within ``rtol`` (relative),
    "unconverged" otherwise (``value`` nan), "absent" if a spinodal is absent (nan).
    """
    if not _is_inf(alpha):
        alpha = positive("alpha", alpha)
    variant = choice("variant", variant, rfhm.VARIANTS)
    rtol = positive("rtol", rtol)
    f = _C_table(float(alpha), variant)
    r1 = 2.0 * f[2] - f[1]
    r2 = 2.0 * f[3] - f[2]
    common = dict(n=_C_ORDERS, n_alpha_Dc=f, richardson=(r1, r2))
    if not all(math.isfinite(v) for v in f):
        return CConstant(**common, status=ABSENT,
                         message="a mixture spinodal alpha_D^c(alpha, n) does not exist")
    rel = abs(r2 - r1) / abs(r2) if r2 != 0 else math.inf
    if rel <= rtol:
        return CConstant(**common, value=r2, status=OK, residual=rel, message="converged")
    return CConstant(**common, status=UNCONVERGED, residual=rel,
                     message=f"Richardson estimates differ by {rel:.3g} > rtol = {rtol:.3g}")


def C_constant(alpha, variant="sq", rtol=1e-3, return_details=False):
    """``C(alpha) = lim_{n->inf} n alpha_D^c(alpha, n)`` (doc Secs. 2.7, 4.3); ``alpha=inf``
    uses the AGS capacities, ``C(inf) = lim n alpha_n^c``.  Method:
    :func:`C_constant_result`.

    Returns the number: ``nan`` if absent; raises :class:`~theory.solvers.ConvergenceError`
    if the Richardson extrapolation has not converged to ``rtol``.  With
    ``return_details=True`` returns ``(value, details)`` and never raises for either:
    ``details`` is a dict with ``n, n_alpha_Dc, richardson, converged, status, message``.
    """
    return_details = _flag("return_details", return_details)
    res = C_constant_result(alpha, variant, rtol)
    if return_details:
        return res.value, res.as_dict()
    if res.status == UNCONVERGED:
        raise ConvergenceError(f"C(alpha={alpha!r}): {res.message}", res)
    return res.value


def d_gen_sparse(N, alpha, L_test, variant="sq"):
    """``D_gen(N) = alpha_D^c(alpha, L_t) N`` for sparse test examples of ``L_test`` features
    (doc Sec. 4.3); ``alpha=inf`` uses the AGS capacity ``alpha_{L_t}^c``."""
    N = positive("N", N)
    L_test = odd_integer("L_test", L_test)
    variant = choice("variant", variant, rfhm.VARIANTS)
    if _is_inf(alpha):
        return rfhm.alpha_inf_capacity(L_test) * N
    return rfhm.mixture_spinodal(positive("alpha", alpha), L_test, variant) * N


def d_gen_dense(N, alpha, variant="sq"):
    """``D_gen(N) = sqrt(C(alpha) N)`` for dense +-1 test examples (doc Sec. 4.3)."""
    N = positive("N", N)
    return math.sqrt(C_constant(alpha, variant) * N)
