"""Exact finite-N sampling of the dense teacher's examples (docs/theory/teacher_student_theory.md Sec. 2, 11).

The teacher is a p-body Hopfield network with one pattern xi* (a p-spin Curie-Weiss
ferromagnet).  Its examples sigma^a in {+-1}^N are i.i.d. Gibbs samples at temperature
T* = 1/beta*:

* literal teacher (the poster's form, the default):  H_T = -N^{1-p} (xi*.sigma)^p,
* distinct-index teacher:  H_T = -N^{1-p} S_p(xi*.sigma),

where S_p(X) is the sum over ordered p-tuples of *distinct* sites of prod_i xi*_i sigma_i.
Because xi*_i sigma_i = +-1, S_p depends on sigma only through K = xi*.sigma and is a
polynomial in K (Newton's identities, doc Sec. 11; :func:`distinct_polynomial`).

Exact law (doc Sec. 2):  P(K) ∝ C(N, (N+K)/2) exp(beta* E(K)),  E(K) = K^p / N^{p-1} or
S_p(K) / N^{p-1},  K in {-N, -N+2, ..., N}.  It is normalised in log space (gammaln +
logsumexp), so it is stable for any N.  An example is drawn by sampling K from this law and
then choosing uniformly the (N+K)/2 sites where sigma_i = xi*_i.  The recipe is exact at
every N.

Storage: examples are int8 (one byte per entry).  :func:`sample_examples` returns an array of
shape (M, N) in Fortran (column-major) order, so that ``examples[:, k]`` - the column of site
k over all examples, which is what a single-spin trial flip of the student reads - is
contiguous.  ``examples.T`` is the C-contiguous site-major (N, M) array.

Memory: N*M bytes for the examples (plus a transient chunk of at most ``chunk`` rows).
Time: O(N*M) (one random permutation per example).

This module is pure numpy/scipy; it never imports ``theory``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln, logsumexp

__all__ = [
    "INTERACTIONS",
    "MAX_EXAMPLE_BYTES",
    "distinct_polynomial",
    "distinct_energy",
    "literal_energy",
    "interaction_polynomial",
    "falling_factorial",
    "KLaw",
    "k_law",
    "sample_k",
    "sample_examples",
    "coupling_ratio",
    "realized_coupling_ratio",
    "check_p",
    "check_interaction",
    "check_size",
]

INTERACTIONS = ("literal", "distinct")

#: Largest example array (bytes) we agree to allocate; 'M that would not fit in memory'.
MAX_EXAMPLE_BYTES = 8 * 2**30


# --------------------------------------------------------------------------- validation
def check_p(p) -> int:
    """p must be an integer >= 2 (p-body interaction)."""
    if isinstance(p, bool) or not isinstance(p, (int, np.integer)) and not (
        isinstance(p, float) and float(p).is_integer()
    ):
        raise ValueError(f"p must be an integer >= 2, got {p!r}")
    p = int(p)
    if p < 2:
        raise ValueError(f"p must be an integer >= 2, got {p}")
    return p


def check_interaction(name: str, value) -> str:
    """``value`` must be 'literal' or 'distinct'; the message starts with ``name``."""
    if value not in INTERACTIONS:
        raise ValueError(f"{name} must be one of {INTERACTIONS}, got {value!r}")
    return value


def check_positive_int(name: str, value, minimum: int = 1) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    try:
        iv = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}") from None
    if iv != value or iv < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return iv


def check_temperature(name: str, value, allow_zero: bool = True, allow_inf: bool = True) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name} must be a real number >= 0, got {value!r}") from None
    if math.isnan(v) or v < 0 or (v == 0 and not allow_zero) or (math.isinf(v) and not allow_inf):
        raise ValueError(f"{name} must be {'>= 0' if allow_zero else '> 0'}, got {value!r}")
    return v


def check_size(N: int, M: int, max_bytes: int = MAX_EXAMPLE_BYTES) -> None:
    """Raise ValueError('M ...') when the N*M int8 example array would exceed ``max_bytes``."""
    if N * M > max_bytes:
        raise ValueError(
            f"M = {M} examples of N = {N} spins need {N * M / 2**30:.1f} GiB "
            f"(limit {max_bytes / 2**30:.1f} GiB); reduce alpha or N"
        )


# --------------------------------------------------------------------------- polynomials
def distinct_polynomial(p: int, N: int) -> np.ndarray:
    """Coefficients c[0..p] (ascending powers of X) of S_p(X) = sum_j c[j] X^j.

    S_p is the sum over ordered p-tuples of distinct sites of prod y_i, with y_i = +-1 and
    X = sum_i y_i.  With e_k the elementary symmetric polynomials of the y_i, S_p = p! e_p,
    and Newton's identities  k e_k = sum_{i=1}^k (-1)^{i-1} e_{k-i} P_i  hold with the power
    sums P_i = N for even i and X for odd i (doc Sec. 11).  Coefficients are computed in
    exact integer arithmetic (Python ints) and returned as float64; they are exact integers
    as long as they are below 2**53.

    Check values (doc Sec. 11): S_3 = X^3 - (3N-2) X,  S_4 = X^4 - (6N-8) X^2 + 3N^2 - 6N.
    """
    p = int(p)
    if p < 1:
        raise ValueError(f"p must be an integer >= 1, got {p}")
    from fractions import Fraction

    N = int(N)
    # e[k] as list of Fraction coefficients in X
    e = [[Fraction(1)]]

    def power_sum(i):
        return [Fraction(0), Fraction(1)] if i % 2 else [Fraction(N)]

    def mul(a, b):
        out = [Fraction(0)] * (len(a) + len(b) - 1)
        for i, ai in enumerate(a):
            for j, bj in enumerate(b):
                out[i + j] += ai * bj
        return out

    def add(a, b, sign=1):
        n = max(len(a), len(b))
        a = a + [Fraction(0)] * (n - len(a))
        b = b + [Fraction(0)] * (n - len(b))
        return [x + sign * y for x, y in zip(a, b)]

    for k in range(1, p + 1):
        acc = [Fraction(0)]
        for i in range(1, k + 1):
            acc = add(acc, mul(e[k - i], power_sum(i)), sign=(1 if i % 2 else -1))
        e.append([c / k for c in acc])
    coeffs = [c * math.factorial(p) for c in e[p]]
    coeffs = coeffs + [Fraction(0)] * (p + 1 - len(coeffs))
    for c in coeffs:
        assert c.denominator == 1
    return np.array([float(c) for c in coeffs[: p + 1]])


def interaction_polynomial(p: int, N: int, interaction: str) -> np.ndarray:
    """Ascending coefficients of S(X): X^p (literal) or S_p(X) (distinct), doc Sec. 11/12."""
    check_interaction("interaction", interaction)
    if interaction == "literal":
        c = np.zeros(p + 1)
        c[p] = 1.0
        return c
    return distinct_polynomial(p, N)


def distinct_energy(X, p: int, N: int) -> np.ndarray:
    """S_p(X) evaluated at (arrays of) integer overlaps X, float64."""
    return np.polynomial.polynomial.polyval(np.asarray(X, dtype=float), distinct_polynomial(p, N))


def literal_energy(X, p: int) -> np.ndarray:
    """X^p, float64."""
    return np.asarray(X, dtype=float) ** p


def falling_factorial(N: int, p: int) -> float:
    """N (N-1) ... (N-p+1)."""
    return float(np.prod(np.arange(N, N - p, -1, dtype=float)))


# --------------------------------------------------------------------------- exact law
@dataclass(frozen=True)
class KLaw:
    """The exact finite-N law of K = xi*.sigma (doc Sec. 2).

    Attributes
    ----------
    K : int64 array, the support {-N, -N+2, ..., N}.
    log_prob : float64 array, normalised log-probabilities (logsumexp == 0).
    N, p, T_teacher, interaction : the settings.
    """

    K: np.ndarray
    log_prob: np.ndarray
    N: int
    p: int
    T_teacher: float
    interaction: str

    @property
    def prob(self) -> np.ndarray:
        return np.exp(self.log_prob)

    def mean(self, f) -> float:
        """E_T[f(K)] under the exact law (f vectorised)."""
        return float(np.sum(self.prob * np.asarray(f(self.K), dtype=float)))


def k_law(N: int, p: int, T_teacher: float, interaction: str = "literal") -> KLaw:
    """Exact law  P(K) ∝ C(N, (N+K)/2) exp(beta* E(K)),  E = K^p/N^{p-1} or S_p(K)/N^{p-1}.

    Normalised in log space (gammaln + logsumexp, doc Sec. 2).  ``T_teacher = inf`` gives the
    uniform (binomial) law.  Cost O(N).
    """
    N = check_positive_int("N", N)
    p = check_p(p)
    T_teacher = check_temperature("T_teacher", T_teacher, allow_zero=False)
    check_interaction("interaction", interaction)
    K = np.arange(-N, N + 1, 2, dtype=np.int64)
    n_up = (N + K) // 2
    log_binom = gammaln(N + 1.0) - gammaln(n_up + 1.0) - gammaln(N - n_up + 1.0)
    if math.isinf(T_teacher):
        tilt = np.zeros_like(log_binom)
    else:
        S = np.polynomial.polynomial.polyval(
            K.astype(float), interaction_polynomial(p, N, interaction)
        )
        tilt = (S / float(N) ** (p - 1)) / T_teacher
    logw = log_binom + tilt
    logw = logw - logsumexp(logw)
    return KLaw(K=K, log_prob=logw, N=N, p=p, T_teacher=T_teacher, interaction=interaction)


def sample_k(law: KLaw, M: int, rng: np.random.Generator) -> np.ndarray:
    """M i.i.d. draws of K from ``law`` (inverse-CDF on the exact probabilities)."""
    prob = law.prob
    cdf = np.cumsum(prob)
    cdf /= cdf[-1]
    idx = np.searchsorted(cdf, rng.random(M), side="right")
    idx = np.minimum(idx, len(cdf) - 1)
    return law.K[idx]


def sample_examples(
    xi_star: np.ndarray,
    K: np.ndarray,
    rng: np.random.Generator,
    chunk: int = 4096,
) -> np.ndarray:
    """Examples with prescribed overlaps K_a = xi*.sigma^a, otherwise uniformly random.

    For each a, the (N + K_a)/2 sites with sigma_i = xi*_i are a uniformly random subset
    (a random permutation of a row with the right number of +1's).  Returns int8 of shape
    (M, N), Fortran-ordered (site columns contiguous).  Memory N*M bytes + chunk*N bytes.
    """
    xi_star = np.asarray(xi_star, dtype=np.int8)
    N = xi_star.shape[0]
    M = K.shape[0]
    site_major = np.empty((N, M), dtype=np.int8)
    cols = np.arange(N)
    for a0 in range(0, M, chunk):
        a1 = min(M, a0 + chunk)
        n_up = (N + K[a0:a1]) // 2
        rows = np.where(cols[None, :] < n_up[:, None], 1, -1).astype(np.int8)
        rows = rng.permuted(rows, axis=1)
        rows *= xi_star[None, :]
        site_major[:, a0:a1] = rows.T
    return site_major.T  # (M, N), Fortran order


# --------------------------------------------------------------------------- coupling ratio
def _coupling_denominator(N: int, p: int, T_teacher: float) -> float:
    """beta* p! N(N-1)...(N-p+1)/N^{p-1}: the N -> inf value of E_T[S_p(K)] (doc Sec. 2)."""
    return (1.0 / T_teacher) * math.factorial(p) * falling_factorial(N, p) / float(N) ** (p - 1)


def coupling_ratio(N: int, p: int, T_teacher: float, interaction: str = "literal") -> float:
    """r_N = E_T[S_p(K)] / (beta* p! N(N-1)...(N-p+1)/N^{p-1}) under the exact law (doc Sec. 2).

    ``interaction`` is the teacher's Hamiltonian.  S_p is always the distinct-index polynomial.
    """
    law = k_law(N, p, T_teacher, interaction)
    if math.isinf(law.T_teacher):
        return float("nan")
    c = distinct_polynomial(p, N)
    return law.mean(lambda K: np.polynomial.polynomial.polyval(K.astype(float), c)) / (
        _coupling_denominator(N, p, law.T_teacher)
    )


def realized_coupling_ratio(K: np.ndarray, N: int, p: int, T_teacher: float) -> float:
    """r_sample = mean_a S_p(K_a) / (beta* p! N(N-1)...(N-p+1)/N^{p-1}) (doc Sec. 12)."""
    if math.isinf(T_teacher):
        return float("nan")
    S = np.polynomial.polynomial.polyval(np.asarray(K, dtype=float), distinct_polynomial(p, N))
    return float(np.mean(S)) / _coupling_denominator(N, p, T_teacher)
