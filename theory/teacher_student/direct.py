"""The direct model: a dense (p-body) Hopfield network storing random patterns; phases SG, lR,
gR, P in the (alpha, T) plane (the paper's Fig. 1, p = 3).

Physics: ``docs/theory/teacher_student_theory.md`` Sec. 4 ("Coincidence with the direct
model") and Sec. 5 (the 1RSB spin glass); ``docs/theory/teacher_student_paper_code.md``
("Definitions that differ", "Their figures" item 1).

Model.  ``H[sigma | xi] = -N^{1-p} sum_mu S_p(xi^mu, sigma)`` with ``M = alpha N^{p-1}/p!`` i.i.d.
uniform patterns, temperature ``T = 1/beta``.  One pattern condensed with overlap m; the others
are, after the cumulant expansion of doc Sec. 3.1, the Gaussian p-spin glass of noise strength
``lambda = alpha beta^2`` (``J^2 = 2 alpha``, doc Sec. 4).  The RS free entropy [derived] is the
memorisation free entropy of doc Sec. 6 (the condensed pattern plays the example's role)::

    Phi(m, q) = -(p-1) beta m^p + (lambda/2)[1 - p q^{p-1} + (p-1) q^p]
                + E_z ln 2cosh(beta p m^{p-1} + sqrt(lambda p q^{p-1}) z),
    m = E tanh h,   q = E tanh^2 h.

It is the student's RS free entropy (doc Sec. 3.2) with ``q* -> m`` and the signal ``mu -> beta``,
so the retrieval branch is :func:`theory.teacher_student.student.retrieval_state` at
``(lambda, mu) = (alpha beta^2, beta)``.  Entropy at fixed alpha (doc Sec. 3.4 with mu = beta):
``s = Phi - lambda (1 - q^p) - beta m^p``.

Phases (labels "SG", "lR", "gR", "P"):

* **R** (retrieval, m > 0): reached by iteration from ``(q, m) = (1, 1)``.
* **competitor** of R: ``competitor="1rsb"`` (ours, default): the paramagnet ``Phi_P = ln 2 +
  lambda/2`` for ``lambda <= lambda_c(p)``, else the 1RSB spin glass (doc Sec. 5,
  :func:`theory.teacher_student.spin_glass.one_step_rsb`); ``competitor="rs-paramagnet"`` (the
  paper's): ``Phi_P`` everywhere, also where its entropy ``ln 2 - lambda/2`` is negative.
* **SG** label of a non-retrieval point: ``sg="1rsb-static"`` (ours): ``lambda > lambda_c(p)``, the
  static 1RSB transition (p = 3: ``T = 0.6514 sqrt(2 alpha)``); ``sg="rs-existence"`` (the paper's):
  an RS spin-glass solution ``q = E tanh^2(sqrt(lambda p q^{p-1}) z) > 0`` exists,
  ``lambda >= lambda_RS(p)`` (p = 3: 2.1268, ``T = 0.4849 sqrt(2 alpha)``).
* gR: ``Phi_R > Phi_competitor``.  lR: R exists but is not global and the competitor is the
  paramagnet.  With ``competitor="1rsb"`` a non-global R where the competitor is the 1RSB glass is
  labelled SG with ``metastable_retrieval=True`` (as :func:`student.solve` does, doc Sec. 7 step 3).
  The paper's precedence (its notebook: gR > lR > SG > P) is what ``competitor="rs-paramagnet"``
  gives.
* negative-entropy line of the paramagnet: ``alpha = 2 ln 2 T^2`` (doc Sec. 3.4).

Independent facts (tests): as alpha -> 0 the model is the p-spin Curie-Weiss magnet, so the gR
line tends to ``T*_c(p)`` and the lR line to ``T*_sp(p)`` of :mod:`theory.teacher_student.teacher`;
the SG line is ``lambda_c T^2`` with ``T_s = 1/sqrt(2 lambda_c) = 0.65139`` for p = 3 (doc Sec. 4
table, the 3-spin glass literature value 0.651).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import optimize

from .. import gaussian as G
from ..solvers import ConvergenceError, find_boundary, solve_on_grid
from hopfield_phases._core import validation as v
from hopfield_phases._core.results import ResultContract, status_from
from .covariance import distinct
from .spin_glass import one_step_rsb
from .student import nishimori_thresholds, retrieval_state, rs_free_entropy, rs_entropy, rs_replicon

__all__ = ["DirectResult", "DirectPhaseDiagram", "direct_solve", "direct_phase", "direct_boundary",
           "direct_phase_diagram", "rs_spin_glass_threshold", "negative_entropy_alpha",
           "COMPETITORS", "SG_DEFINITIONS", "DIRECT_LABELS"]

LN2 = math.log(2.0)
COMPETITORS = ("1rsb", "rs-paramagnet")
SG_DEFINITIONS = ("1rsb-static", "rs-existence")
DIRECT_LABELS = ("SG", "lR", "gR", "P")
_M_ZERO = 1e-3


def _check_p(p):
    return v.integer("p", p, minimum=3)


@lru_cache(maxsize=None)
def _rs_sg(p: int):
    # parametrise the RS spin-glass branch by b = sqrt(lambda p q^{p-1}): q = E tanh^2(b z) =: g(b),
    # lambda(b) = b^2/(p g(b)^{p-1}) -> infinity at both ends (p >= 3); its minimum is the threshold.
    def lam(t):
        b = math.exp(t)
        return b * b / (p * G.expect_tanh2(0.0, b) ** (p - 1))

    res = optimize.minimize_scalar(lam, bounds=(-4.0, 6.0), method="bounded", options={"xatol": 1e-10})
    b = math.exp(res.x)
    return float(res.fun), float(G.expect_tanh2(0.0, b))


def rs_spin_glass_threshold(p):
    """``(lambda_RS(p), q)``: the smallest ``lambda = alpha/T^2`` at which the RS spin-glass equation
    ``q = E tanh^2(sqrt(lambda p q^{p-1}) z)`` has a root q > 0, and that root (the paper's SG
    definition; p = 3: 2.1268, i.e. ``T = 0.4849 sqrt(2 alpha)``, docs/theory/teacher_student_paper_code.md)."""
    return _rs_sg(_check_p(p))


def negative_entropy_alpha(T):
    """``alpha = 2 ln 2 T^2``: beyond it the RS paramagnet's entropy ``ln 2 - lambda/2`` is negative
    (doc Sec. 3.4).  Vectorised."""
    T = np.asarray(T, dtype=float)
    if np.any(~np.isfinite(T)) or np.any(T <= 0):
        raise ValueError("T must be > 0")
    out = 2.0 * LN2 * T**2
    return float(out) if out.ndim == 0 else out


@dataclass
class DirectResult(ResultContract):
    """State of the direct model at ``(p, alpha, T)``: the label, the labelled state's overlaps
    (``m`` with the condensed pattern, ``q``), free entropy and entropy, the retrieval state (if any)
    and the competitor's free entropy.  ``status`` as in :mod:`hopfield_phases._core.results`."""

    p: int
    alpha: float
    T: float
    competitor: str
    sg: str
    lam: float
    label: str
    m: float
    q: float
    free_entropy: float
    entropy: float
    replicon: float
    metastable_retrieval: bool
    phi_competitor: float
    phi_retrieval: float
    x_1rsb: float
    rs_trusted: bool


def _retrieval(lam, beta, cov):
    sol = retrieval_state(lam, beta, cov)
    if sol is None or sol.x[1] < _M_ZERO:
        return None, True
    return sol, bool(sol.converged)


def direct_solve(p, alpha, T, *, competitor="1rsb", sg="1rsb-static") -> DirectResult:
    """Label and RS/1RSB thermodynamics of the direct model at one point (module docstring)."""
    p = _check_p(p)
    alpha = v.nonnegative("alpha", alpha)
    T = v.positive("T", T)
    v.choice("competitor", competitor, COMPETITORS)
    v.choice("sg", sg, SG_DEFINITIONS)
    cov = distinct(p)
    beta = 1.0 / T
    lam = alpha * beta * beta
    lam_c = nishimori_thresholds(p)[1]
    nan = float("nan")
    sol, conv = _retrieval(lam, beta, cov)
    R = None
    if sol is not None:
        q, m = float(sol.x[0]), float(sol.x[1])
        phi = rs_free_entropy(lam, beta, q, m, cov)
        R = dict(q=q, m=m, phi=phi, s=rs_entropy(lam, beta, q, m, cov, phi), rep=rs_replicon(lam, beta, q, m, cov))
    phi_p = LN2 + 0.5 * lam
    comp = dict(label="P", q=0.0, phi=phi_p, s=LN2 - 0.5 * lam, x=nan, rep=0.0)
    if competitor == "1rsb" and lam > lam_c:
        g = one_step_rsb(p, lam, cov)
        conv = conv and g.converged
        if not g.paramagnet and g.converged:
            comp = dict(label="SG", q=g.q1, phi=g.phi, s=g.entropy, x=g.x, rep=nan)
    sg_exists = lam > lam_c if sg == "1rsb-static" else lam >= rs_spin_glass_threshold(p)[0]
    nonret_label = "SG" if sg_exists else "P"
    meta = False
    if R is not None and R["phi"] > comp["phi"]:
        label, st = "gR", dict(m=R["m"], q=R["q"], phi=R["phi"], s=R["s"], rep=R["rep"])
    elif R is not None and comp["label"] == "P":
        label, st, meta = "lR", dict(m=R["m"], q=R["q"], phi=R["phi"], s=R["s"], rep=R["rep"]), True
    else:
        label = nonret_label
        meta = R is not None
        st = dict(m=0.0, q=comp["q"], phi=comp["phi"], s=comp["s"], rep=comp["rep"])
        if sg == "rs-existence" and label == "SG" and comp["label"] == "P":
            qrs = _rs_sg_root(p, lam)
            st["q"] = qrs
    trusted = bool(st["s"] >= -1e-10 and not (np.isfinite(st["rep"]) and st["rep"] > 1.0))
    return DirectResult(p=p, alpha=alpha, T=T, competitor=competitor, sg=sg, lam=lam, label=label, m=st["m"],
                        q=st["q"], free_entropy=st["phi"], entropy=st["s"], replicon=st["rep"],
                        metastable_retrieval=meta, phi_competitor=comp["phi"],
                        phi_retrieval=R["phi"] if R else nan, x_1rsb=comp["x"], rs_trusted=trusted,
                        status=status_from(converged=conv), message=label
                        + (" (metastable retrieval exists)" if meta and label == "SG" else ""))


def _rs_sg_root(p, lam):
    """Largest root of ``q = E tanh^2(sqrt(lam p q^{p-1}) z)`` (0 if none)."""
    q = 1.0
    for _ in range(5000):
        qn = G.expect_tanh2(0.0, math.sqrt(lam * p * q ** (p - 1)))
        if abs(qn - q) < 1e-13:
            return float(qn)
        q = qn
        if q < 1e-6:
            return 0.0
    return float(q)


def direct_phase(p, alpha, T, *, competitor="1rsb", sg="1rsb-static") -> str:
    """Phase of the direct model (random patterns): "SG", "lR", "gR" or "P" (module docstring)."""
    return direct_solve(p, alpha, T, competitor=competitor, sg=sg).label


def _exists(p, alpha, T):
    beta = 1.0 / T
    sol, _ = _retrieval(alpha * beta * beta, beta, distinct(p))
    return sol is not None


def _spinodal_alpha(p, T, rtol=1e-7):
    """Largest alpha with a retrieval state at temperature T (bisection on existence, which is
    monotone: the noise lambda = alpha/T^2 grows with alpha at fixed signal beta); NaN if none."""
    if not _exists(p, 1e-12, T):
        return float("nan")
    lo, hi = 0.0, 0.5
    while _exists(p, hi, T):
        lo, hi = hi, hi * 2.0
        if hi > 1e6:
            raise ConvergenceError("direct lR spinodal: retrieval exists up to alpha = 1e6")
    while hi - lo > rtol * hi:
        mid = 0.5 * (lo + hi)
        if _exists(p, mid, T):
            lo = mid
        else:
            hi = mid
    return lo


def _gR_alpha(p, T, competitor):
    """Brent on ``D(alpha) = Phi_R - Phi_competitor`` (D = -1 without retrieval); NaN if D(0) <= 0."""
    cov = distinct(p)
    beta = 1.0 / T
    lam_c = nishimori_thresholds(p)[1]

    def D(alpha):
        lam = alpha * beta * beta
        sol, _ = _retrieval(lam, beta, cov)
        if sol is None:
            return -1.0
        phi_c = LN2 + 0.5 * lam
        if competitor == "1rsb" and lam > lam_c:
            phi_c = one_step_rsb(p, lam, cov).phi
        return rs_free_entropy(lam, beta, sol.x[0], sol.x[1], cov) - phi_c

    if D(1e-12) <= 0:
        return float("nan")
    hi = 0.5
    while D(hi) > 0:
        hi *= 2.0
        if hi > 1e6:
            raise ConvergenceError("direct gR line: retrieval global up to alpha = 1e6")
    return find_boundary(D, 1e-12, hi, xtol=1e-10, rtol=1e-9)


def direct_boundary(p, kind, temperatures, *, competitor="1rsb", sg="1rsb-static"):
    """Load alpha on a direct-model boundary at each temperature (NaN where it does not exist).

    ``kind``: "lR" (retrieval spinodal: R exists for alpha below it), "gR" (``Phi_R = Phi_competitor``:
    gR for alpha below it), "SG" (``lambda_c T^2`` for ``sg="1rsb-static"``, ``lambda_RS T^2`` for
    ``"rs-existence"``), "negative-entropy" (``2 ln 2 T^2``)."""
    p = _check_p(p)
    v.choice("kind", kind, ("lR", "gR", "SG", "negative-entropy"))
    v.choice("competitor", competitor, COMPETITORS)
    v.choice("sg", sg, SG_DEFINITIONS)
    temps = np.atleast_1d(np.asarray(temperatures, dtype=float))
    for t in temps:
        v.positive("temperatures", t)
    if kind == "SG":
        lam = nishimori_thresholds(p)[1] if sg == "1rsb-static" else rs_spin_glass_threshold(p)[0]
        return lam * temps**2
    if kind == "negative-entropy":
        return negative_entropy_alpha(temps) * np.ones_like(temps)
    f = _spinodal_alpha if kind == "lR" else (lambda p_, T: _gR_alpha(p_, T, competitor))
    return np.array([f(p, float(T)) for T in temps])


@dataclass
class DirectPhaseDiagram:
    """Labels and order parameters on ``temperatures x alphas`` (arrays of that shape)."""

    p: int
    alphas: np.ndarray
    temperatures: np.ndarray
    competitor: str
    sg: str
    labels: np.ndarray
    m: np.ndarray
    q: np.ndarray
    entropy: np.ndarray
    converged: np.ndarray
    results: list = field(default_factory=list, repr=False)

    def rows(self):
        return [{"p": self.p, "alpha": float(a), "T": float(T), "label": str(self.labels[i, j]),
                 "m": float(self.m[i, j]), "q": float(self.q[i, j]), "entropy": float(self.entropy[i, j]),
                 "converged": bool(self.converged[i, j])}
                for i, T in enumerate(self.temperatures) for j, a in enumerate(self.alphas)]


def direct_phase_diagram(p, alphas, temperatures, *, competitor="1rsb", sg="1rsb-static") -> DirectPhaseDiagram:
    """:func:`direct_solve` on the grid ``temperatures x alphas``."""
    p = _check_p(p)
    al, Ts, labels, val, conv, res = solve_on_grid(
        lambda a, T: direct_solve(p, a, T, competitor=competitor, sg=sg), alphas, temperatures,
        ("m", "q", "entropy"))
    m, q, s = val["m"], val["q"], val["entropy"]
    return DirectPhaseDiagram(p, al, Ts, competitor, sg, labels, m, q, s, conv, res)
