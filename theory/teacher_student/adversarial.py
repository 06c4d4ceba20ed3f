"""Zero-temperature adversarial robustness of a p-body student trained on a p* = 2 teacher
(the paper's Fig. 8): the critical attack size eps_c(alpha, p).

Physics: ``docs/theory/teacher_student_paper_code.md`` ("Their figures" item 8) and
``docs/theory/teacher_student_theory.md`` Sec. 10 (finite-noise coupling of a p* = 2
teacher), Sec. 6 (memorisation of one example).  Finite-noise regime of
:mod:`theory.teacher_student.mismatched_teacher`: ``M = alpha N^{p/2}/(p/2+1)!`` examples, no
student-student noise (c = 0), teacher signal ``eta alpha`` (eta = 1 for p = 4, T* = 2 + sqrt 2).

Attack.  The student starts at xi* corrupted by one example sigma^k: each site takes
``sigma^k_i`` with probability eps, else ``xi*_i``.  With ``m_k = sigma^k.xi*/N`` (about 0 for a
typical example) the start has

    q*_0 = (1 - eps) + eps m_k,      m_0 = eps + (1 - eps) m_k      (overlap with sigma^k).

Derivation of eps_c [derived].  At T = 0 and c = 0 the energy per spin on the (q*, m) plane is
(RS energy of doc Sec. 3.4 with lambda = 0, plus the condensed example's ``-m^p``, doc Sec. 6)

    e(q*, m) = -eta alpha q*^p - m^p,

so the local field on site i is ``h_i = p eta alpha q*^{p-1} xi*_i + p m^{p-1} sigma^k_i``.  On the
sites where ``xi*_i = sigma^k_i`` both terms agree; on the others (half of the sites for a typical
example) the spin follows the larger one.  If the teacher term wins, every flip raises q* and lowers
m, which strengthens the teacher term: zero-temperature descent runs to q* -> 1.  If the example
term wins, the student runs to the example (m -> 1, q* -> m_k).  The threshold is the field balance
at the start:

    eta alpha (q*_0)^{p-1} = (m_0)^{p-1},

i.e. for a typical example (m_k = 0)

    eps_c(alpha, p) = (eta alpha)^{1/(p-1)} / (1 + (eta alpha)^{1/(p-1)}),

which for p = 4, eta = 1 is the paper's ``alpha^{1/3}/(1 + alpha^{1/3})``.  At ``alpha = 1/eta``
(the eR/gR line of the finite-noise regime, same signal balance beta = mu) eps_c = 1/2.  For the
example of largest overlap (``m_k > 0``) the balance is solved by Brent in eps.
Finite-N effects not in this formula: the other examples' O(N^{-1/2}) overlaps, and the student-
student noise ``lambda = alpha_p beta^2`` with ``alpha_p = M p!/N^{p-1}`` (zero at N = infinity).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize

from hopfield_phases._core import validation as v

__all__ = ["adversarial_threshold", "start_overlaps"]


def start_overlaps(eps, example_overlap=0.0):
    """``(q*_0, m_0)`` of the corrupted start (module docstring)."""
    eps = v.probability("eps", eps)
    mk = v.real("example_overlap", example_overlap)
    return (1.0 - eps) + eps * mk, eps + (1.0 - eps) * mk


def adversarial_threshold(alpha, p, p_teacher=2, *, eta=1.0, example_overlap=0.0):
    """Critical attack size ``eps_c`` at T = 0 (module docstring): the student retrieves xi* for
    ``eps < eps_c`` and falls to the attacking example for ``eps > eps_c``.

    ``eps_c = (eta alpha)^{1/(p-1)}/(1 + (eta alpha)^{1/(p-1)})`` for a typical example
    (``example_overlap = 0``); p = 4, eta = 1: ``alpha^{1/3}/(1 + alpha^{1/3})``.  Vectorised in alpha.
    """
    p = v.integer("p", p, minimum=3)
    p_teacher = v.integer("p_teacher", p_teacher, minimum=2)
    if p_teacher != 2:
        raise ValueError(f"p_teacher must be 2, got {p_teacher}")
    eta = v.positive("eta", eta)
    mk = v.real("example_overlap", example_overlap)
    if not -1.0 < mk < 1.0:
        raise ValueError(f"example_overlap must be in (-1, 1), got {example_overlap!r}")
    a = np.asarray(alpha, dtype=float)
    if np.any(~np.isfinite(a)) or np.any(a <= 0):
        raise ValueError("alpha must be > 0")
    r = (eta * a) ** (1.0 / (p - 1))
    if mk == 0.0:
        out = r / (1.0 + r)
    else:
        def one(rr):
            g = lambda e: rr * ((1 - e) + e * mk) - (e + (1 - e) * mk)  # noqa: E731  (balance^(1/(p-1)))
            return optimize.brentq(g, 0.0, 1.0, xtol=1e-15) if g(0.0) > 0 > g(1.0) else math.nan
        out = np.vectorize(one)(r)
    return float(out) if np.ndim(out) == 0 else out
