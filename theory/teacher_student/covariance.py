"""Covariances of the Gaussian-equivalent student Hamiltonian (teacher-student model).

Physics: ``docs/theory/teacher_student_theory.md`` Sec. 3.1-3.2 and Sec. 11.

After the second-order cumulant expansion (doc Sec. 3.1) the student with load
``M = alpha N^{p-1}/p!`` is a Gaussian spin glass with noise covariance ``xi(q)`` in the
replica overlap q, plus a planted bias whose strength depends on the teacher-student cross
covariance ``xi_c(q*)``.  (``xi(.)`` is a function of an overlap, not the spins.)

* distinct-index student (Gardner p-spin Hopfield form, default): ``xi(q) = xi_c(q) = q^p``;
* literal student ``(sum_i xi_i sigma_i)^p`` with a literal teacher: ``xi = xi_c = xi_lit``,
  ``xi_lit(q) = sum_{k: r = p - 2k >= 1} p! / ((2^k k!)^2 r!) q^r`` (doc Sec. 11; for even p the
  r = 0 constant is left out: it shifts the energy, not the statistics).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Covariance", "distinct", "literal", "for_interaction", "INTERACTIONS"]

INTERACTIONS = ("distinct", "literal")


@dataclass(frozen=True)
class Covariance:
    """A polynomial covariance ``xi(q) = sum_r c_r q^r`` with its first two derivatives."""

    terms: tuple  # ((power r, coefficient c_r), ...)
    name: str

    def value(self, q):
        return sum(c * q**r for r, c in self.terms)

    def d1(self, q):
        return sum(c * r * q ** (r - 1) for r, c in self.terms)

    def d2(self, q):
        return sum(c * r * (r - 1) * q ** (r - 2) for r, c in self.terms if r >= 2)

    @property
    def has_linear_term(self) -> bool:
        """True when ``xi'(0) > 0``: a linear (Hebbian) field, so q* = 0 is not a solution."""
        return any(r == 1 for r, _ in self.terms)


def distinct(p: int) -> Covariance:
    """``xi(q) = q^p`` (doc Sec. 3.1)."""
    return Covariance(((p, 1.0),), f"distinct(p={p})")


def literal(p: int) -> Covariance:
    """``xi_lit(q)`` of doc Sec. 11, e.g. p = 3: ``q^3 + 1.5 q``; p = 4: ``q^4 + 3 q^2``."""
    terms = []
    for k in range(p // 2 + 1):
        r = p - 2 * k
        if r < 1:
            continue
        c = math.factorial(p) / ((2**k * math.factorial(k)) ** 2 * math.factorial(r))
        terms.append((r, float(c)))
    return Covariance(tuple(terms), f"literal(p={p})")


def for_interaction(p: int, interaction: str) -> Covariance:
    return distinct(p) if interaction == "distinct" else literal(p)
