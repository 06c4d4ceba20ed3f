"""Symmetric n-mixtures: the law of zeta and the zero-temperature functions m(y), g(y).

``docs/theory/rfhm_theory.md`` Sec. 1.4: for a symmetric mixture of n patterns (or
features), ``zeta = sum_{k<=n} eps_k`` with i.i.d. ``eps_k = +-1``, so
``P(zeta) = C(n, (n+zeta)/2) / 2^n`` on ``{-n, -n+2, ..., n}``.  n = 1 is zeta = +-1.

Sec. 2.4 and Sec. 3.2 define, with ``G(x) = exp(-x^2/2)/sqrt(2 pi)``::

    m(y) = n^{-1} E_zeta zeta erf(y zeta / sqrt 2)
    g(y) = E_zeta 2 G(y zeta)

which are the T = 0 overlap and the (rescaled) susceptibility of the AGS theory and of the
one-equation reduction of the RFHM.  Their y-derivatives are given in closed form so that
folds can be found by root finding on ``d/dy``.

Arguments are validated (``ValueError`` naming the parameter; booleans, strings and bytes
refused); non-finite y propagate (NaN in, NaN out), as iterations rely on it.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import special

from .solvers import real_array
from hopfield_phases._core.validation import odd_integer

__all__ = ["zeta_law", "m_of_y", "g_of_y", "dm_dy", "dg_dy", "gaussian_pdf"]

_SQRT2 = np.sqrt(2.0)


def gaussian_pdf(x):
    """``G(x) = exp(-x^2/2) / sqrt(2 pi)``."""
    x = real_array("x", x, finite=False)
    return np.exp(-0.5 * np.square(x)) / np.sqrt(2.0 * np.pi)


@lru_cache(maxsize=None)
def _law(n: int) -> tuple[np.ndarray, np.ndarray]:
    k = np.arange(n + 1)
    zeta = (2 * k - n).astype(float)
    # binomial(n, k) / 2^n in log space: no overflow for any n
    log_prob = special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1) - n * np.log(2.0)
    prob = np.exp(log_prob)
    prob /= prob.sum()
    zeta.setflags(write=False)
    prob.setflags(write=False)
    return zeta, prob


def zeta_law(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Values and probabilities of ``zeta`` for the symmetric n-mixture (n odd, >= 1)."""
    return _law(odd_integer("n", n))


def m_of_y(y, n: int = 1):
    """``m(y) = n^{-1} E_zeta zeta erf(y zeta/sqrt 2)``, vectorised over y."""
    zeta, prob = zeta_law(n)
    y = real_array("y", y, finite=False)
    return (special.erf(y[..., None] * zeta / _SQRT2) * zeta) @ prob / n


def g_of_y(y, n: int = 1):
    """``g(y) = E_zeta 2 G(y zeta)``, vectorised over y."""
    zeta, prob = zeta_law(n)
    y = real_array("y", y, finite=False)
    return (2.0 * gaussian_pdf(y[..., None] * zeta)) @ prob


def dm_dy(y, n: int = 1):
    """``dm/dy = n^{-1} E_zeta zeta^2 2 G(y zeta)``."""
    zeta, prob = zeta_law(n)
    y = real_array("y", y, finite=False)
    return (2.0 * gaussian_pdf(y[..., None] * zeta) * zeta**2) @ prob / n


def dg_dy(y, n: int = 1):
    """``dg/dy = -E_zeta 2 y zeta^2 G(y zeta)``."""
    zeta, prob = zeta_law(n)
    y = real_array("y", y, finite=False)
    return (-2.0 * y[..., None] * zeta**2 * gaussian_pdf(y[..., None] * zeta)) @ prob
