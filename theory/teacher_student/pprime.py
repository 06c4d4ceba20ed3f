"""Student with p' != teacher p (p = 2 Curie-Weiss teacher, even p' student) and the two
candidate readings of the paper's robustness statements.

Physics: ``docs/theory/teacher_student_theory.md`` Sec. 10.  **Both candidates are
[interpretation] and NOT verified against the paper** (doc Sec. 14 item 3).

* A paramagnetic p = 2 teacher (``H = -N m^2``, ``beta* < 1/2``) gives examples with covariance
  ``I + (c/N) xi* xi*^T``, ``c = 2 beta*/(1 - 2 beta*)``.  The first cumulant couples a p'-body
  student to xi* with ``beta*_eff = (c/2)^{p'/2} N^{p'/2 - 1}/(p'/2)!`` (doc Sec. 10).
* **Candidate A** (zero-temperature tolerance to teacher noise): retrieval exists iff
  ``beta*_eff sqrt(alpha p'/2) >= kappa_c(p')`` (doc Sec. 9), so the largest teacher temperature
  is ``T*_max = 2 + 2/c`` with ``c/2 = [kappa_c (p'/2)!/sqrt(alpha p'/2)]^{2/p'} N^{2/p' - 1}``;
  leading order ``T*_max ~ N^{1-2/p'} / [(p'/2)! kappa_c/sqrt(alpha p'/2)]^{2/p'}``.
* **Candidate B** (robustness to a corrupted initial condition): the unstable root ``q_u`` of the
  T = 0 map ``q -> erf(kappa q^{n})`` bounds the basin of retrieval; a fraction ``(1 - q_u)/2`` of
  flipped spins is tolerated.  For ``kappa >> kappa_c``, ``q_u ~ (sqrt(pi)/(2 kappa))^{1/(n-1)}``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import optimize, special

from hopfield_phases._core import validation as v
from hopfield_phases._core.results import ABSENT, OK, UNCONVERGED, ResultContract
from ._mapping import MappingAccess
from .student import kappa_c

__all__ = ["effective_beta", "candidate_A_max_teacher_temperature", "candidate_B_unstable_root", "UNVERIFIED",
           "CandidateAResult", "CandidateBResult"]


@dataclass(kw_only=True)
class CandidateAResult(MappingAccess, ResultContract):
    """Candidate A (closed form; ``status`` always "ok").  Dict-style access kept (``r["T_max"]``)."""

    p_prime: int
    alpha: float
    N: float
    kappa_c: float
    T_max: float
    T_max_leading: float
    ratio: float
    ratio_leading: float
    reading: str


@dataclass(kw_only=True)
class CandidateBResult(MappingAccess, ResultContract):
    """Candidate B: ``status`` "ok", "absent" (``kappa <= kappa_c``: no retrieval root, so no
    unstable root; numbers NaN) or "unconverged" (Brent gave up).  Dict-style access kept."""

    kappa: float
    exponent: int
    kappa_c: float
    q_u: float
    q_u_approx: float
    tolerated_flip_fraction: float
    reading: str

UNVERIFIED = "interpretation of the paper (doc Sec. 10); not verified against the paper's equations"


def _even(name, value):
    value = v.integer(name, value, minimum=4)
    if value % 2:
        raise ValueError(f"{name} must be even, got {value!r}")
    return value


def effective_beta(p_prime, N, T_teacher) -> float:
    """``beta*_eff = (c/2)^{p'/2} N^{p'/2-1}/(p'/2)!`` with ``c = 2 beta*/(1-2 beta*)`` (doc Sec. 10);
    requires a paramagnetic p = 2 teacher, ``T* > 2``."""
    p_prime = _even("p_prime", p_prime)
    N = v.positive("N", N)
    T_teacher = v.positive("T_teacher", T_teacher)
    if T_teacher <= 2.0:
        raise ValueError("T_teacher must be > 2 (paramagnetic p = 2 teacher, beta* < 1/2)")
    b = 1.0 / T_teacher
    c = 2.0 * b / (1.0 - 2.0 * b)
    h = p_prime // 2
    return (c / 2.0) ** h * N ** (h - 1) / math.factorial(h)


def candidate_A_max_teacher_temperature(p_prime, alpha, N) -> dict:
    """Candidate A [interpretation, unverified]: ``T*_max`` (exact c) and its leading-order form, both
    also divided by ``N^{1-2/p'}`` (doc Sec. 10)."""
    p_prime = _even("p_prime", p_prime)
    alpha = v.positive("alpha", alpha)
    N = v.positive("N", N)
    kc, _ = kappa_c(p_prime)
    h = p_prime // 2
    K = (kc * math.factorial(h) / math.sqrt(alpha * p_prime / 2.0)) ** (2.0 / p_prime)
    half_c = K * N ** (2.0 / p_prime - 1.0)
    c = 2.0 * half_c
    T_exact = 2.0 + 2.0 / c
    T_lead = N ** (1.0 - 2.0 / p_prime) / K
    scale = N ** (1.0 - 2.0 / p_prime)
    return CandidateAResult(p_prime=p_prime, alpha=alpha, N=N, kappa_c=kc, T_max=T_exact, T_max_leading=T_lead,
                            ratio=T_exact / scale, ratio_leading=T_lead / scale, reading=UNVERIFIED, status=OK,
                            residual=0.0, message="closed form")


def candidate_B_unstable_root(kappa, exponent) -> dict:
    """Candidate B [interpretation, unverified]: the unstable root ``q_u`` of ``q = erf(kappa q^n)``
    (``n = exponent >= 2``) by Brent, beside ``(sqrt(pi)/(2 kappa))^{1/(n-1)}`` (doc Sec. 10).
    The root exists only for ``kappa > kappa_c`` of the map (``kappa_c`` of p = n + 1); below,
    ``status="absent"``."""
    kappa = v.positive("kappa", kappa)
    n = v.integer("exponent", exponent, minimum=2, maximum=199)
    kc, q_m = kappa_c(n + 1)
    approx = (math.sqrt(math.pi) / (2.0 * kappa)) ** (1.0 / (n - 1))
    nan = float("nan")
    if kappa <= kc:
        return CandidateBResult(kappa=kappa, exponent=n, kappa_c=kc, q_u=nan, q_u_approx=approx,
                                tolerated_flip_fraction=nan, reading=UNVERIFIED, status=ABSENT,
                                message=f"kappa <= kappa_c = {kc:.6g} for exponent {n}: no retrieval root")
    g = lambda q: special.erf(kappa * q**n) - q  # noqa: E731
    # g < 0 just above 0, g(q_m) >= 0 since kappa >= kappa_c
    q_u, r = optimize.brentq(g, 1e-12, q_m, xtol=1e-15, rtol=1e-15, full_output=True, disp=False)
    return CandidateBResult(kappa=kappa, exponent=n, kappa_c=kc, q_u=float(q_u), q_u_approx=approx,
                            tolerated_flip_fraction=(1.0 - q_u) / 2.0, reading=UNVERIFIED,
                            status=OK if r.converged else UNCONVERGED, iterations=int(r.iterations),
                            residual=float(abs(g(q_u))), message="unstable root" if r.converged else r.flag)
