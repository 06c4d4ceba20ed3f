"""Teacher of order p* = 2 (a Curie-Weiss magnet) and a dense student of order p >= 3: the two
scaling regimes of the paper and their phases P, lR, gR, eR (and SG); the paper's Fig. 6.

Physics: ``docs/theory/teacher_student_theory.md`` Sec. 10 (p' != p: the first cumulant, the
effective coupling beta*_eff), Sec. 3.2-3.4 (RS free entropy), Sec. 5 (1RSB competitor),
Sec. 6 (memorisation of one example); ``docs/theory/teacher_student_paper_code.md``
("Their figures" item 6, "Known defects" item 3).

Teacher.  ``H_T = -N m0^2`` at ``T* > 2`` (paramagnetic): the examples have covariance
``I + (c/N) xi* xi*^T`` with ``c = 2 beta*/(1 - 2 beta*)`` (doc Sec. 10).  For an even student
order p the first cumulant couples the student to xi*:
``E_T[S_p(xi, sigma)] = (p-1)!! c^{p/2} N^{p/2} q*^p`` (Wick pairings, doc Sec. 10).  For odd p it
vanishes (the p* = 2 law is even in sigma): no signal at leading order, so the diagrams below are
then only the formal diagrams of the paper's equations in the reduced couplings.

Reduced couplings (the paper's ``c``, ``c_s``, our ``lambda``, ``mu``; student ``beta = 1/T``):

* **finite noise** (``regime="finite-noise"``): ``M = alpha N^{p/2}/(p/2+1)!`` examples, so the
  student-student noise ``lambda = alpha_p beta^2`` with ``alpha_p = M p!/N^{p-1} -> 0``: ``c = 0``,
  and ``c_s = mu = eta alpha/T`` with [derived from the first cumulant above]
  ``eta = (p-1)!! c^{p/2}/(p/2+1)!`` (:func:`eta_of_teacher`; p = 4, ``T* = 2 + sqrt 2``: eta = 1,
  the paper's Fig. 8 teacher).
* **large noise** (``regime="large-noise"``): ``M = alpha N^{p-1}/p!`` and a teacher temperature
  growing with N so that ``beta*_eff = (p-1)!! c^{p/2} N^{p/2-1}/p! = 1/T``
  (:func:`large_noise_teacher_temperature`; p = 4: ``T* ~ sqrt(N T/2)``): ``c = c_s = alpha/T^2``.

States (all RS, distinct-index student, covariance ``q^p``), with the RS free entropy of doc
Sec. 3.2 ``Phi(lambda, kappa; q, x) = (lambda/2)[1 - p q^{p-1} + (p-1) q^p] - (p-1) kappa x^p +
E_z ln 2cosh(kappa p x^{p-1} + sqrt(lambda p q^{p-1}) z)``:

* P: ``Phi_P = ln 2 + lambda/2``; SG: the 1RSB glass when ``lambda > lambda_c(p)`` (competitor
  ``"1rsb"``, ours) - with ``competitor="rs-paramagnet"`` (the paper's) the paramagnet everywhere;
* R (retrieval of xi*, m = 0): ``x = q*``, signal ``kappa = mu``;
* E (memorisation of one example, q* = 0, doc Sec. 6): ``x = m``, signal ``kappa = beta``
  (the example's own field ``beta p m^{p-1}``).  The state with both m > 0 and q* > 0 is not
  considered (the paper's iteration from q* = 0 never reaches it either).

Labels: eR when E is the global state, gR when R is, lR when R exists but is not global and the
non-retrieval state is the paramagnet, SG (``competitor="1rsb"``, lambda > lambda_c) or P otherwise.

**The eR/gR line is analytic** [derived]: R and E have the same free entropy function with
signals mu and beta at the same noise, and ``dPhi/dkappa = x^p >= 0`` at the saddle point, so E
beats R exactly when ``beta > mu``: finite noise ``alpha = 1/eta``, large noise ``alpha = T``
(:func:`eR_gR_line`).  The paper's code puts it at alpha = 0.54-0.98 and ends it at
alpha = 0.16/0.28/0.46 at T = 0.2/0.4/0.6: its chained global search evaluates the reference
free entropy with zero conjugate fields (docs/theory/teacher_student_paper_code.md, Known defects 3).
In the finite-noise regime every line is analytic: lR ``alpha = T beta*_sp(p)/eta``, gR
``alpha = T beta*_c(p)/eta`` (p-spin Curie-Weiss thresholds of the signal mu), eR (vs P)
``T < T*_c(p)``.  In the large-noise regime lR and gR (vs P) are the Nishimori-line values
``lambda_sp T^2`` and ``lambda_c T^2`` (R has lambda = mu).  The tests check the root-found lines
against these forms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..solvers import ConvergenceError, find_boundary, solve_on_grid
from hopfield_phases._core import validation as v
from hopfield_phases._core.results import ResultContract, status_from
from . import teacher as _teacher
from .covariance import distinct
from .spin_glass import one_step_rsb
from .student import nishimori_thresholds, retrieval_state, rs_entropy, rs_free_entropy, rs_replicon

__all__ = ["MismatchedResult", "MismatchedPhaseDiagram", "REGIMES", "COMPETITORS", "mismatched_solve",
           "mismatched_phase", "mismatched_boundary", "mismatched_phase_diagram", "eR_gR_line",
           "couplings", "eta_of_teacher", "large_noise_teacher_temperature", "effective_coupling",
           "n_examples", "retrieval_overlap"]

LN2 = math.log(2.0)
REGIMES = ("finite-noise", "large-noise")
COMPETITORS = ("1rsb", "rs-paramagnet")
_X_ZERO = 1e-3


def _double_factorial(n: int) -> int:
    return math.prod(range(n, 0, -2)) if n > 0 else 1


def _check(p, p_teacher, regime, eta, competitor="1rsb"):
    p = v.integer("p", p, minimum=3)
    p_teacher = v.integer("p_teacher", p_teacher, minimum=2)
    if p_teacher != 2:
        raise ValueError(f"p_teacher must be 2 (the Curie-Weiss teacher of the paper), got {p_teacher}")
    v.choice("regime", regime, REGIMES)
    v.choice("competitor", competitor, COMPETITORS)
    if regime == "finite-noise":
        eta = v.positive("eta", 1.0 if eta is None else eta)
    elif eta is not None:
        raise ValueError("eta is only used in the finite-noise regime (regime='finite-noise')")
    return p, regime, eta, competitor


def couplings(alpha, T, regime, eta=None):
    """``(lambda, mu, beta)``: noise, teacher signal and example signal (module docstring).
    finite noise: ``(0, eta alpha/T, 1/T)``; large noise: ``(alpha/T^2, alpha/T^2, 1/T)``."""
    if regime == "finite-noise":
        return 0.0, eta * alpha / T, 1.0 / T
    return alpha / T**2, alpha / T**2, 1.0 / T


def eR_gR_line(T, regime="finite-noise", eta=1.0):
    """The analytic eR/gR line (module docstring): ``alpha = 1/eta`` (finite noise) or
    ``alpha = T`` (large noise).  Vectorised in T."""
    v.choice("regime", regime, REGIMES)
    T = np.asarray(T, dtype=float)
    if np.any(~np.isfinite(T)) or np.any(T <= 0):
        raise ValueError("T must be > 0")
    out = np.full(T.shape, 1.0 / v.positive("eta", eta)) if regime == "finite-noise" else T.copy()
    return float(out) if out.ndim == 0 else out


def eta_of_teacher(p, T_teacher):
    """``eta = (p-1)!! c^{p/2}/(p/2+1)!``, ``c = 2 beta*/(1-2 beta*)`` [derived, module docstring]:
    the finite-noise signal ``mu = eta alpha/T`` of a p* = 2 teacher at ``T* > 2`` for an even p.
    p = 4, ``T* = 2 + sqrt 2``: eta = 1."""
    p = v.integer("p", p, minimum=4)
    if p % 2:
        raise ValueError(f"p must be even (odd p gets no first-cumulant signal), got {p}")
    T_teacher = v.positive("T_teacher", T_teacher)
    if T_teacher <= 2.0:
        raise ValueError("T_teacher must be > 2 (paramagnetic p* = 2 teacher)")
    b = 1.0 / T_teacher
    c = 2.0 * b / (1.0 - 2.0 * b)
    return _double_factorial(p - 1) * c ** (p // 2) / math.factorial(p // 2 + 1)


def large_noise_teacher_temperature(N, T, p, exact=False):
    """Teacher temperature of the large-noise regime at size N: ``beta*_eff = (p-1)!! c^{p/2}
    N^{p/2-1}/p! = 1/T``.  ``exact=False`` (the paper's Monte Carlo) uses ``c = 2 beta*``
    (p = 4: ``T* = sqrt(N T/2)``); ``exact=True`` inverts ``c = 2 beta*/(1-2 beta*)``."""
    p = v.integer("p", p, minimum=4)
    if p % 2:
        raise ValueError(f"p must be even, got {p}")
    N = v.positive("N", N)
    T = v.positive("T", T)
    c = (math.factorial(p) / (_double_factorial(p - 1) * T * N ** (p / 2 - 1))) ** (2.0 / p)
    beta = c / 2.0 if not exact else c / (2.0 * (1.0 + c))
    return 1.0 / beta


def effective_coupling(N, p, T_teacher):
    """Effective teacher coupling of the exact finite-N p* = 2 teacher seen by a p-body student:
    ``beta*_eff(N) = E_T[S_p(K)]/(p! N)`` (the student energy at xi = xi* is ``-N alpha beta*_eff``
    with ``M = alpha N^{p-1}/p!``), expectation over the exact law of ``K = xi*.sigma``
    (doc Sec. 2, :func:`teacher.log_pmf_overlap` with p = 2).  Returns a dict with ``exact``, the
    N = infinity forms ``gaussian`` (``(p-1)!! c^{p/2} N^{p/2-1}/p!``, exact c) and ``leading``
    (``c = 2 beta*``); in the large-noise regime the theory line assumes ``beta*_eff T = 1``."""
    N = v.integer("N", N, minimum=4)
    p = v.integer("p", p, minimum=4)
    T_teacher = v.positive("T_teacher", T_teacher)
    if T_teacher <= 2.0:
        raise ValueError("T_teacher must be > 2 (paramagnetic p* = 2 teacher)")
    K, logp = _teacher.log_pmf_overlap(N, 2, T_teacher)
    S = _teacher.distinct_index_polynomial(p, K.astype(float), N)
    exact = float(np.sum(np.exp(logp) * S)) / (math.factorial(p) * N)
    b = 1.0 / T_teacher
    c = 2.0 * b / (1.0 - 2.0 * b)
    df = _double_factorial(p - 1) / math.factorial(p)
    return {"exact": exact, "gaussian": df * c ** (p / 2) * N ** (p / 2 - 1),
            "leading": df * (2 * b) ** (p / 2) * N ** (p / 2 - 1)}


def n_examples(alpha, N, p, regime):
    """M: ``alpha N^{p/2}/(p/2+1)!`` (finite noise) or ``alpha N^{p-1}/p!`` (large noise)."""
    v.choice("regime", regime, REGIMES)
    if regime == "finite-noise":
        return int(round(alpha * N ** (p / 2) / math.gamma(p / 2 + 2)))
    return int(round(alpha * N ** (p - 1) / math.factorial(p)))


# ---------------------------------------------------------------------------------------------


def _state(lam, kappa, cov):
    """RS state from (q, x) = (1, 1) with signal kappa (R: kappa = mu; E: kappa = beta)."""
    sol = retrieval_state(lam, kappa, cov) if kappa > 0 else None
    if sol is None or sol.x[1] < _X_ZERO:
        return None
    q, x = float(sol.x[0]), float(sol.x[1])
    phi = rs_free_entropy(lam, kappa, q, x, cov)
    return dict(q=q, x=x, phi=phi, s=rs_entropy(lam, kappa, q, x, cov, phi),
                rep=rs_replicon(lam, kappa, q, x, cov), converged=bool(sol.converged))


def _nonretrieval(p, lam, cov, competitor):
    lam_c = nishimori_thresholds(p)[1]
    if competitor == "1rsb" and lam > lam_c:
        g = one_step_rsb(p, lam, cov)
        if not g.paramagnet:
            return dict(label="SG", q=g.q1, phi=g.phi, s=g.entropy, rep=float("nan"), converged=g.converged)
    return dict(label="P", q=0.0, phi=LN2 + 0.5 * lam, s=LN2 - 0.5 * lam, rep=0.0, converged=True)


@dataclass
class MismatchedResult(ResultContract):
    """State of a p-body student trained on a p* = 2 teacher at ``(alpha, T)`` in ``regime``:
    label, overlaps of the labelled state (``q_star``, ``m``, ``q``), free entropy, entropy, and the
    free entropies of R, E and the non-retrieval competitor (NaN when a state does not exist)."""

    p: int
    p_teacher: int
    alpha: float
    T: float
    regime: str
    eta: float
    competitor: str
    lam: float
    mu: float
    label: str
    q_star: float
    m: float
    q: float
    free_entropy: float
    entropy: float
    replicon: float
    phi_retrieval: float
    phi_example: float
    phi_nonretrieval: float
    metastable_retrieval: bool
    rs_trusted: bool


def mismatched_solve(p, alpha, T, *, p_teacher=2, regime="finite-noise", eta=None, competitor="1rsb"):
    """Label and RS thermodynamics at one point (module docstring).  ``eta`` (finite noise only,
    default 1) replaces the teacher temperature (:func:`eta_of_teacher`)."""
    p, regime, eta, competitor = _check(p, p_teacher, regime, eta, competitor)
    alpha = v.nonnegative("alpha", alpha)
    T = v.positive("T", T)
    cov = distinct(p)
    lam, mu, beta = couplings(alpha, T, regime, eta)
    R = _state(lam, mu, cov)
    E = _state(lam, beta, cov)
    NR = _nonretrieval(p, lam, cov, competitor)
    nan = float("nan")
    cands = [("NR", NR["phi"])] + ([("R", R["phi"])] if R else []) + ([("E", E["phi"])] if E else [])
    best = max(cands, key=lambda c: c[1])[0]
    meta = False
    if best == "E":
        label, st, qs, m = "eR", E, 0.0, E["x"]
    elif best == "R":
        label, st, qs, m = "gR", R, R["x"], 0.0
    elif R is not None and NR["label"] == "P":
        label, st, qs, m, meta = "lR", R, R["x"], 0.0, True
    else:
        label, st, qs, m, meta = NR["label"], NR, 0.0, 0.0, R is not None
    conv = all(s["converged"] for s in (R, E, NR) if s)
    trusted = bool(st["s"] >= -1e-10 and not (np.isfinite(st["rep"]) and st["rep"] > 1.0))
    return MismatchedResult(p=p, p_teacher=2, alpha=alpha, T=T, regime=regime, eta=eta if eta else nan,
                            competitor=competitor, lam=lam, mu=mu, label=label, q_star=qs, m=m, q=st["q"],
                            free_entropy=st["phi"], entropy=st["s"], replicon=st["rep"],
                            phi_retrieval=R["phi"] if R else nan, phi_example=E["phi"] if E else nan,
                            phi_nonretrieval=NR["phi"], metastable_retrieval=meta, rs_trusted=trusted,
                            status=status_from(converged=conv), message=label)


def mismatched_phase(p, alpha, T, *, p_teacher=2, regime="finite-noise", eta=None, competitor="1rsb") -> str:
    """Phase label "P", "lR", "gR", "eR" or "SG" of :func:`mismatched_solve`."""
    return mismatched_solve(p, alpha, T, p_teacher=p_teacher, regime=regime, eta=eta, competitor=competitor).label


def _bisect_existence(exists, lo_guess=0.5, rtol=1e-8):
    """Smallest alpha with ``exists(alpha)`` (monotone: the signal grows with alpha); NaN if none
    below 1e6."""
    hi = lo_guess
    while not exists(hi):
        hi *= 2.0
        if hi > 1e6:
            return float("nan")
    lo = 0.0
    while hi - lo > rtol * hi:
        mid = 0.5 * (lo + hi)
        if exists(mid):
            hi = mid
        else:
            lo = mid
    return hi


def mismatched_boundary(p, kind, temperatures, *, p_teacher=2, regime="finite-noise", eta=None,
                        competitor="1rsb"):
    """Load alpha on a boundary at each temperature, by root finding (NaN where it does not exist).

    ``kind``: "lR" (R appears: smallest alpha with a retrieval state; bisection on existence),
    "gR" (``Phi_R = Phi_NR``, Brent), "eR" (the largest alpha where E is the global state: Brent on
    ``Phi_E - max(Phi_R, Phi_NR)``; NaN where E is never global).  Compare with the analytic forms of
    the module docstring (:func:`eR_gR_line`)."""
    p, regime, eta, competitor = _check(p, p_teacher, regime, eta, competitor)
    v.choice("kind", kind, ("lR", "gR", "eR"))
    temps = np.atleast_1d(np.asarray(temperatures, dtype=float))
    for t in temps:
        v.positive("temperatures", t)
    cov = distinct(p)
    out = np.full(temps.shape, np.nan)
    for i, T in enumerate(temps):
        T = float(T)

        def phis(alpha):
            lam, mu, beta = couplings(alpha, T, regime, eta)
            R, E = _state(lam, mu, cov), _state(lam, beta, cov)
            return R, E, _nonretrieval(p, lam, cov, competitor)

        if kind == "lR":
            out[i] = _bisect_existence(lambda a: phis(a)[0] is not None)
        elif kind == "gR":
            def D(a):
                R, _, NR = phis(a)
                return -1.0 if R is None else R["phi"] - NR["phi"]
            hi = 0.5
            while D(hi) <= 0:
                hi *= 2.0
                if hi > 1e6:
                    break
            if hi > 1e6:
                continue
            lo = hi / 2.0
            while D(lo) > 0 and lo > 1e-9:
                hi, lo = lo, lo / 2.0
            out[i] = find_boundary(D, lo, hi, xtol=1e-12, rtol=1e-10) if lo > 1e-9 else 0.0
        else:
            def D(a):
                R, E, NR = phis(a)
                if E is None:
                    return -1.0
                return E["phi"] - max(NR["phi"], R["phi"] if R else -math.inf)
            if D(1e-9) <= 0:
                continue
            hi = 0.5
            while D(hi) > 0:
                hi *= 2.0
                if hi > 1e6:
                    raise ConvergenceError("eR boundary: E global up to alpha = 1e6")
            out[i] = find_boundary(D, 1e-9, hi, xtol=1e-12, rtol=1e-10)
    return out


@dataclass
class MismatchedPhaseDiagram:
    """Labels and order parameters on ``temperatures x alphas``."""

    p: int
    regime: str
    eta: float
    competitor: str
    alphas: np.ndarray
    temperatures: np.ndarray
    labels: np.ndarray
    q_star: np.ndarray
    m: np.ndarray
    entropy: np.ndarray
    converged: np.ndarray
    results: list = field(default_factory=list, repr=False)

    def rows(self):
        return [{"p": self.p, "regime": self.regime, "alpha": float(a), "T": float(T),
                 "label": str(self.labels[i, j]), "q_star": float(self.q_star[i, j]), "m": float(self.m[i, j]),
                 "entropy": float(self.entropy[i, j]), "converged": bool(self.converged[i, j])}
                for i, T in enumerate(self.temperatures) for j, a in enumerate(self.alphas)]


def mismatched_phase_diagram(p, alphas, temperatures, *, p_teacher=2, regime="finite-noise", eta=None,
                             competitor="1rsb") -> MismatchedPhaseDiagram:
    """:func:`mismatched_solve` on the grid ``temperatures x alphas``."""
    p, regime, eta, competitor = _check(p, p_teacher, regime, eta, competitor)
    al, Ts, labels, val, conv, res = solve_on_grid(
        lambda a, T: mismatched_solve(p, a, T, regime=regime, eta=eta, competitor=competitor),
        alphas, temperatures, ("q_star", "m", "entropy"))
    qs, m, s = val["q_star"], val["m"], val["entropy"]
    return MismatchedPhaseDiagram(p, regime, eta if eta else float("nan"), competitor, al, Ts, labels, qs, m, s,
                                  conv, res)



def retrieval_overlap(p, alpha, T, *, regime="large-noise", eta=None, signal_ratio=1.0):
    """q* of the RS retrieval branch reached from (q, q*) = (1, 1) (the paper's "local" overlap of
    its Fig. 7), NaN where it does not exist.  ``signal_ratio`` multiplies the teacher signal mu:
    the finite-N corrections of doc Sec. 12 (e.g. ``beta*_eff T`` realised by a sample in the
    large-noise regime, :func:`effective_coupling`)."""
    p, regime, eta, _ = _check(p, 2, regime, eta)
    alpha = v.positive("alpha", alpha)
    T = v.positive("T", T)
    r = v.positive("signal_ratio", signal_ratio)
    lam, mu, _ = couplings(alpha, T, regime, eta)
    R = _state(lam, r * mu, distinct(p))
    return float("nan") if R is None else R["x"]
