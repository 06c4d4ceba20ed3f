"""Replica-symmetric theory of a dense (p-body) Hopfield student learning one pattern from
teacher examples: phases P, lR, gR, eR and the spin-glass competitor SG.

Physics: ``../shared/docs/teacher_student_theory.md`` (cited as "doc Sec. n"); the poster
``../shared/papers/dense_hopfield_teacher_student_poster.txt``; the paper Theriault & Tantari,
SciPost Phys. 17, 040 (2024), arXiv:2401.04191 (whose equations the doc re-derives).

Conventions (doc Sec. 1)
------------------------
* Student ``H_S[xi | sigma] = -N^{1-p} sum_a S_p(xi, sigma^a)`` (distinct-index form, default
  ``interaction="distinct"``) or ``(xi.sigma^a)^p`` (``interaction="literal"``, modelled through the
  mixed covariance xi_lit of doc Sec. 11 with a literal teacher); student temperature ``T = 1/beta``.
* Teacher: p-spin Curie-Weiss at ``T* = 1/beta*`` (:mod:`theory.teacher_student.teacher`); ``T_teacher=None``
  means the Nishimori line ``T* = T``.
* Load ``alpha = M p!/N^{p-1}``; reduced couplings ``lambda = alpha beta^2`` (noise) and
  ``mu = alpha beta beta*`` (signal).
* Free entropy per spin ``Phi`` (= -beta f), entropy per spin ``s`` at fixed alpha and beta*,
  energy per spin ``e`` in units of the coupling.  Overlaps: ``q_star = xi.xi*/N``,
  ``q = xi^rho.xi^nu/N`` (two student replicas), ``m = xi.sigma^a/N``.

RS theory (doc Sec. 3.2-3.4) for a misaligned teacher, with noise covariance ``xi(q)`` and
teacher-student cross covariance ``xi_c(q*)`` (:mod:`theory.teacher_student.covariance`)::

    Phi = (lambda/2)[xi(1) - xi(q) - (1-q) xi'(q)] + mu [xi_c(q*) - q* xi_c'(q*)]
          + E_z ln 2cosh(h),      h = mu xi_c'(q*) + sqrt(lambda xi'(q)) z,
    q* = E tanh h,   q = E tanh^2 h,
    e  = -alpha [beta (xi(1) - xi(q)) + beta* xi_c(q*)],
    s  = Phi - lambda (xi(1) - xi(q)) - mu xi_c(q*),
    replicon = lambda xi''(q) E sech^4 h   (RS locally stable iff < 1).

For ``xi = xi_c = q^p`` these are the doc's formulas term by term.  All Gaussian averages use
:mod:`theory.gaussian` (split method at large field width, doc Sec. 3.5).

Phase labels (doc Sec. 7): "eR" (aligned teacher, T* < T*_c(p); or, with
``eR_definition="memorization"``, where the single-example memorisation state of doc Sec. 6 is
global), "gR" (retrieval global), "lR" (retrieval locally stable but not global, competitor P),
"P" (paramagnet), "SG" (1RSB spin glass of the direct model, :mod:`theory.teacher_student.spin_glass`; a locally
stable retrieval state there is flagged ``metastable_retrieval``).  ``POSTER_LABELS`` maps SG to the
poster's four labels (SG -> "P" non-retrieval, or "lR" when a metastable retrieval state exists).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, asdict
from functools import lru_cache

import numpy as np
from scipy import optimize, special

from .. import gaussian as G
from . import teacher as _teacher
from hopfield_phases._core import validation as v
from ..solvers import NoSolution, SolverResult, find_boundary, fixed_point, polish_root
from .spin_glass import one_step_rsb
from .covariance import INTERACTIONS, Covariance, for_interaction

__all__ = [
    "TSResult",
    "PhaseDiagram",
    "solve",
    "phase",
    "nishimori_thresholds",
    "nishimori_overlaps",
    "teacher_critical_temperature",
    "eR_temperature",
    "boundary",
    "alpha_gR_infinite_p",
    "landscape",
    "phase_diagram",
    "rs_free_entropy",
    "rs_entropy",
    "rs_energy",
    "rs_replicon",
    "rs_saddle",
    "retrieval_state",
    "kappa_c",
    "zero_temperature",
    "m_nishimori",
    "LABELS",
    "KINDS",
    "POSTER_LABELS",
]

LN2 = math.log(2.0)
LABELS = ("P", "lR", "gR", "eR", "SG")
KINDS = ("lR", "gR", "eR", "SG")
ER_DEFINITIONS = ("teacher", "memorization")
POSTER_LABELS = {"P": "P", "lR": "lR", "gR": "gR", "eR": "eR", "SG": "P"}
_QSTAR_ZERO = 1e-5


# ---------------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------------


def _check_p(p) -> int:
    p = v.integer("p", p, minimum=2)
    if p < 3:
        raise ValueError(
            "p must be >= 3 for the student theory: at p = 2 the cumulant expansion of doc Sec. 3.1 "
            "fails (a separate BBP-type problem)"
        )
    return p


def _check_point(p, alpha, T, T_teacher, interaction="distinct"):
    p = _check_p(p)
    alpha = v.nonnegative("alpha", alpha)
    T = v.positive("T", T)
    T_teacher = T if T_teacher is None else v.positive("T_teacher", T_teacher)
    v.choice("interaction", interaction, INTERACTIONS)
    return p, alpha, T, T_teacher, interaction


def _couplings(alpha, T, T_teacher):
    """``(lambda, mu) = (alpha/T^2, alpha/(T T*))`` (doc Sec. 1)."""
    return alpha / T**2, alpha / (T * T_teacher)


# ---------------------------------------------------------------------------------------------
# RS functions of the order parameters (doc Sec. 3.2-3.4)
# ---------------------------------------------------------------------------------------------


def _field(lam, mu, q, qs, cov: Covariance):
    a = mu * cov.d1(qs) if (qs > 0 or cov.has_linear_term) else 0.0
    b2 = lam * cov.d1(q) if (q > 0 or cov.has_linear_term) else 0.0
    return a, math.sqrt(max(b2, 0.0))


def rs_saddle(lam, mu, q, qs, cov: Covariance):
    """Right-hand sides ``(E tanh h, E tanh^2 h)`` of the RS equations (doc Sec. 3.3)."""
    a, b = _field(lam, mu, q, qs, cov)
    return G.expect_tanh(a, b), G.expect_tanh2(a, b)


def rs_free_entropy(lam, mu, q, qs, cov: Covariance) -> float:
    """``Phi_RS(q, q*)`` (doc Sec. 3.2, general covariance form)."""
    a, b = _field(lam, mu, q, qs, cov)
    return (0.5 * lam * (cov.value(1.0) - cov.value(q) - (1.0 - q) * cov.d1(q))
            + mu * (cov.value(qs) - qs * cov.d1(qs)) + G.expect_log2cosh(a, b))


def rs_entropy(lam, mu, q, qs, cov: Covariance, phi=None) -> float:
    """``s = Phi - beta dPhi/dbeta`` at fixed alpha, beta* = ``Phi - lambda(xi(1)-xi(q)) - mu xi_c(q*)``
    (doc Sec. 3.4; uses dPhi/dlambda = (xi(1)-xi(q))/2, dPhi/dmu = xi_c(q*) at the saddle point)."""
    if phi is None:
        phi = rs_free_entropy(lam, mu, q, qs, cov)
    return phi - lam * (cov.value(1.0) - cov.value(q)) - mu * cov.value(qs)


def rs_energy(alpha, T, T_teacher, q, qs, cov: Covariance) -> float:
    """``e = -alpha [beta (xi(1) - xi(q)) + beta* xi_c(q*)]`` (doc Sec. 1 and 3.4)."""
    return -alpha * ((cov.value(1.0) - cov.value(q)) / T + cov.value(qs) / T_teacher)


def rs_replicon(lam, mu, q, qs, cov: Covariance) -> float:
    """Replicon eigenvalue ratio ``lambda xi''(q) E sech^4 h`` (doc Sec. 3.4); RS stable iff < 1."""
    a, b = _field(lam, mu, q, qs, cov)
    return lam * cov.d2(q) * G.expect_sech4(a, b)


def m_nishimori(omega):
    """``m_NL(omega) = E_z tanh(omega + sqrt(omega) z)`` (doc Sec. 4)."""
    omega = np.asarray(omega, dtype=float)
    return G.expect_tanh(omega, np.sqrt(omega))


# ---------------------------------------------------------------------------------------------
# Retrieval branch
# ---------------------------------------------------------------------------------------------


def _map_jacobian(lam, mu, x, cov, eps=1e-7):
    """Jacobian of the RS map ``(q, q*) -> (E tanh^2 h, E tanh h)`` at ``x = (q, q*)`` (forward or
    backward differences, step ``eps``)."""
    def G_(y):
        t, t2 = rs_saddle(lam, mu, y[0], y[1], cov)
        return np.array([t2, t])

    f0 = G_(x)
    J = np.empty((2, 2))
    for j in range(2):
        dx = np.array(x, dtype=float)
        h = eps * max(1.0, abs(dx[j]))
        dx[j] = dx[j] - h if dx[j] + h > 1.0 else dx[j] + h
        step = dx[j] - x[j]
        J[:, j] = (G_(dx) - f0) / step
    return J


def retrieval_state(lam, mu, cov: Covariance, guess=(1.0, 1.0), tol=1e-12, max_iter=4000,
                    polish_every=20) -> SolverResult | None:
    """The RS retrieval solution reached from ``guess`` (default ``(q, q*) = (1, 1)``; doc Sec. 7 step 3).

    Damped (here undamped, the map is monotone near the branch) iteration of
    ``(q, q*) <- (E tanh^2 h, E tanh h)``, accelerated by a Newton polish every ``polish_every``
    steps that is accepted only when it lands close by on a *stable* fixed point of the map
    (spectral radius of its Jacobian < 1), so the unstable (saddle) root is never returned.
    Returns ``None`` when the iteration collapses to ``q* = 0`` (no retrieval state; for a
    covariance with a linear term, q* = 0 is not a solution and no collapse test is made).
    Returns a :class:`SolverResult` with ``x = (q, q*)``; ``converged=False`` with a message when
    ``max_iter`` is reached (never silently).
    """
    x = np.array([guess[0], guess[1]], dtype=float)
    lin = cov.has_linear_term

    def F(y):
        q = min(max(y[0], 0.0), 1.0)
        qs = min(max(y[1], 0.0), 1.0)
        return np.array(rs_saddle(lam, mu, q, qs, cov))

    res = math.inf
    next_polish = polish_every
    for it in range(1, max_iter + 1):
        fx = F(x)
        new = np.array([fx[1], fx[0]])
        res = float(np.max(np.abs(new - x)))
        x = new
        if res <= tol:
            return SolverResult(x, True, it, res, "converged")
        if not lin and x[1] < _QSTAR_ZERO:
            return None
        if it >= next_polish and res < 1e-3:
            pol = polish_root(lambda y: (lambda f: np.array([f[1] - y[0], f[0] - y[1]]))(F(y)), x,
                              tol=1e-13, raise_on_failure=False)
            y = pol.x
            if (pol.converged and np.all(np.abs(y - x) < 0.05) and 0.0 <= y[0] <= 1.0
                    and 0.0 <= y[1] <= 1.0 and (lin or y[1] > _QSTAR_ZERO)):
                J = _map_jacobian(lam, mu, (y[0], y[1]), cov)
                if np.max(np.abs(np.linalg.eigvals(J))) < 1.0:
                    return SolverResult(np.array(y), True, it, pol.residual, "converged (Newton polish)")
            # failed or unstable: wait twice as long before the next attempt
            polish_every *= 2
            next_polish = it + polish_every
    return SolverResult(x, False, max_iter, res, f"retrieval iteration: max_iter={max_iter}, residual {res:.3g}")


# ---------------------------------------------------------------------------------------------
# Nishimori line (doc Sec. 4)
# ---------------------------------------------------------------------------------------------


def _lambda_of_omega(omega, p):
    return omega / (p * float(m_nishimori(omega)) ** (p - 1))


def _delta_phi_nl(omega, p):
    """``Phi_NL - Phi_P`` on the NL branch parametrised by omega (doc Sec. 4)."""
    q = float(m_nishimori(omega))
    lam = omega / (p * q ** (p - 1))
    return -0.5 * lam * (p * q ** (p - 1) + (p - 1) * q**p) + G.expect_log2cosh(omega, math.sqrt(omega)) - LN2


@lru_cache(maxsize=None)
def _nishimori(p: int):
    # lambda(omega) = omega / (p m_NL(omega)^{p-1}) -> infinity at both ends (p >= 3): minimise in ln omega
    res = optimize.minimize_scalar(lambda t: _lambda_of_omega(math.exp(t), p), bounds=(-8.0, 10.0),
                                   method="bounded", options={"xatol": 1e-11})
    w_sp = math.exp(res.x)
    lam_sp = _lambda_of_omega(w_sp, p)
    hi = w_sp * 2.0
    while _delta_phi_nl(hi, p) < 0:
        hi *= 2.0
    w_c = optimize.brentq(lambda w: _delta_phi_nl(w, p), w_sp, hi, xtol=1e-14, rtol=1e-15)
    lam_c = _lambda_of_omega(w_c, p)
    return lam_sp, lam_c, float(m_nishimori(w_sp)), float(m_nishimori(w_c))


def nishimori_thresholds(p):
    """``(lambda_sp(p), lambda_c(p))`` on the Nishimori line (doc Sec. 4).

    The NL branch is parametrised by ``omega = lambda p q^{p-1}``: ``q = m_NL(omega)``,
    ``lambda(omega) = omega/(p m_NL(omega)^{p-1})``.  lambda_sp is the minimum of lambda(omega)
    (spinodal, where lR appears; the dynamical transition of the direct model) and lambda_c the
    root of ``Phi_NL - Phi_P`` on the upper branch (first-order P -> gR; the static 1RSB
    transition of the direct model).  Then ``alpha_sp(T) = lambda_sp T^2`` and
    ``alpha_c(T) = lambda_c T^2`` for ``T > T_eR(p)``.
    """
    p = _check_p(p)
    lam_sp, lam_c, _, _ = _nishimori(p)
    return lam_sp, lam_c


def nishimori_overlaps(p):
    """``(q*(lambda_sp), q*(lambda_c))`` on the NL (doc Sec. 4 table)."""
    p = _check_p(p)
    return _nishimori(p)[2:]


def teacher_critical_temperature(p) -> float:
    """``T*_c(p)`` of the p-spin Curie-Weiss teacher (doc Sec. 2; :func:`theory.teacher.critical_temperature`)."""
    p = v.integer("p", p, minimum=2)
    return _teacher.critical_temperature(p)


def eR_temperature(p) -> float:
    """``T_eR(p) = T*_c(p)`` [interpretation, doc Sec. 6]: on the NL, eR occupies ``T < T_eR``."""
    return teacher_critical_temperature(p)


# ---------------------------------------------------------------------------------------------
# Result of a point
# ---------------------------------------------------------------------------------------------


@dataclass
class TSResult:
    """State of the student at one point (p, alpha, T, T*).

    ``label`` in :data:`LABELS`.  The order parameters and thermodynamics are those of the
    labelled state: for "lR" the (metastable) retrieval state; for "P"/"SG" the non-retrieval
    state (SG: ``q = q1`` of the 1RSB solution, with ``x_1rsb``); for "eR" the aligned-teacher
    limits (``q = q_star = 1``, ``m = m_bar``, entropy 0; free entropy and energy are
    super-extensive and reported as NaN) or, with ``eR_definition="memorization"`` and a
    misaligned teacher, the memorisation state.
    ``rs_trusted`` is False where ``entropy < 0`` or ``replicon > 1`` (doc Sec. 14 item 7).
    ``retrieval`` holds the RS retrieval solution (or None), ``phi_nonretrieval`` the competitor's
    free entropy, ``metastable_retrieval`` is True when a locally stable retrieval state is not
    global (for SG points this is the "metastable R" flag of doc Sec. 7).
    """

    p: int
    alpha: float
    T: float
    T_teacher: float
    interaction: str
    lam: float
    mu: float
    label: str
    q: float
    q_star: float
    m: float
    free_entropy: float
    entropy: float
    energy: float
    replicon: float
    rs_trusted: bool
    converged: bool
    metastable_retrieval: bool = False
    competitor: str = "P"
    phi_nonretrieval: float = float("nan")
    x_1rsb: float = float("nan")
    retrieval: dict | None = None
    eR_definition: str = "teacher"
    message: str = ""

    @property
    def poster_label(self) -> str:
        """The poster's four labels (doc Sec. 14 item 4): SG -> lR if metastable R, else P."""
        if self.label == "SG":
            return "lR" if self.metastable_retrieval else "P"
        return self.label

    def as_row(self) -> dict:
        d = asdict(self)
        r = d.pop("retrieval")
        d["poster_label"] = self.poster_label
        for k in ("q", "q_star", "free_entropy", "entropy", "energy", "replicon"):
            d[f"R_{k}"] = (r or {}).get(k, float("nan"))
        return d


def _retrieval_dict(p, alpha, T, T_teacher, lam, mu, cov, sol: SolverResult):
    q, qs = float(sol.x[0]), float(sol.x[1])
    phi = rs_free_entropy(lam, mu, q, qs, cov)
    return {
        "q": q, "q_star": qs, "free_entropy": phi, "entropy": rs_entropy(lam, mu, q, qs, cov, phi),
        "energy": rs_energy(alpha, T, T_teacher, q, qs, cov), "replicon": rs_replicon(lam, mu, q, qs, cov),
        "converged": sol.converged, "message": sol.message,
    }


def _memorization_state(p, alpha, T, lam):
    """Single-example memorisation with a misaligned teacher, ``q* = 0`` (doc Sec. 6):

    ``Phi = -(p-1) beta m^p + (lambda/2)[1 - p q^{p-1} + (p-1) q^p] + E ln 2cosh(a + b z)``,
    ``a = beta p m^{p-1}``, ``b = sqrt(lambda p q^{p-1})``, ``m = E tanh``, ``q = E tanh^2``.
    Returns a dict or None (no m > 0 solution from m = q = 1)."""
    beta = 1.0 / T

    def upd(y):
        m, q = min(max(y[0], 0.0), 1.0), min(max(y[1], 0.0), 1.0)
        a, b = beta * p * m ** (p - 1), math.sqrt(lam * p * q ** (p - 1))
        return np.array([G.expect_tanh(a, b), G.expect_tanh2(a, b)])

    r = fixed_point(upd, [1.0, 1.0], damping=1.0, tol=1e-12, max_iter=3000, raise_on_failure=False)
    m, q = float(r.x[0]), float(r.x[1])
    if m < 1e-4:
        return None
    a, b = beta * p * m ** (p - 1), math.sqrt(lam * p * q ** (p - 1))
    phi = -(p - 1) * beta * m**p + 0.5 * lam * (1 - p * q ** (p - 1) + (p - 1) * q**p) + G.expect_log2cosh(a, b)
    # s = Phi - beta dPhi/dbeta at fixed alpha: beta d/dbeta = beta d/dbeta|_a + 2 lambda d/dlambda
    energy = -(m**p) - alpha * beta * (1.0 - q**p)
    entropy = phi + beta * energy
    replicon = lam * p * (p - 1) * q ** (p - 2) * G.expect_sech4(a, b)
    return {"m": m, "q": q, "free_entropy": phi, "entropy": entropy, "energy": energy,
            "replicon": replicon, "converged": r.converged}


def solve(p, alpha, T, T_teacher=None, interaction="distinct", eR_definition="teacher") -> TSResult:
    """Phase and RS/1RSB thermodynamics of the student at one point (doc Sec. 7 algorithm).

    Parameters
    ----------
    p : int >= 3
        Interaction order of teacher and student (p' = p).
    alpha : float >= 0
        Load ``M p!/N^{p-1}``.
    T : float > 0
        Student temperature.
    T_teacher : float > 0 or None
        Teacher temperature T*; None means the Nishimori line ``T* = T``.
    interaction : "distinct" (default) or "literal"
        Student Hamiltonian form (doc Sec. 11, 14 item 1).  The literal student is modelled with a
        literal teacher (``xi = xi_c = xi_lit``); it has no P phase for odd p.
    eR_definition : "teacher" (default) or "memorization"
        Which definition of eR labels the point (doc Sec. 14 item 2): the aligned teacher
        ``T* < T*_c(p)`` [interpretation adopted here], or additionally the region where the
        single-example memorisation state of doc Sec. 6 is global.

    Returns a :class:`TSResult`; ``converged`` is False (with a message) if any saddle point
    did not converge.
    """
    p, alpha, T, T_teacher, interaction = _check_point(p, alpha, T, T_teacher, interaction)
    v.choice("eR_definition", eR_definition, ER_DEFINITIONS)
    cov = for_interaction(p, interaction)
    lam, mu = _couplings(alpha, T, T_teacher)
    base = dict(p=p, alpha=alpha, T=T, T_teacher=T_teacher, interaction=interaction, lam=lam, mu=mu,
                eR_definition=eR_definition)
    nan = float("nan")

    # 1. aligned teacher -> eR (doc Sec. 6, 7 step 1)
    if _teacher.is_aligned(p, T_teacher):
        mb = _teacher.m_bar(p, T_teacher)
        return TSResult(**base, label="eR", q=1.0, q_star=1.0, m=mb, free_entropy=nan, entropy=0.0,
                        energy=nan, replicon=0.0, rs_trusted=True, converged=True, competitor="none",
                        message="aligned teacher (T* < T*_c): q* -> 1, m -> m_bar; energy super-extensive")

    # 2. retrieval branch from (1, 1)
    sol = retrieval_state(lam, mu, cov) if alpha > 0 else None
    R = _retrieval_dict(p, alpha, T, T_teacher, lam, mu, cov, sol) if sol is not None else None
    if R is not None and not cov.has_linear_term and R["q_star"] < 1e-3:
        R = None
    converged = True if R is None else bool(R["converged"])

    # 3. non-retrieval competitor: P (or the low branch for a linear covariance) / 1RSB SG
    if cov.has_linear_term:
        low = retrieval_state(lam, mu, cov, guess=(0.0, 0.0)) if alpha > 0 else SolverResult(
            np.zeros(2), True, 0, 0.0, "alpha = 0")
        NR = _retrieval_dict(p, alpha, T, T_teacher, lam, mu, cov, low)
        NR.update(label="gR" if NR["q_star"] > _QSTAR_ZERO else "P", x=nan)
        converged = converged and low.converged
    else:
        lam_c = nishimori_thresholds(p)[1] if interaction == "distinct" else math.inf
        phi_p = LN2 + 0.5 * lam * cov.value(1.0)
        need_sg = lam > lam_c and (R is None or R["free_entropy"] <= phi_p)
        if interaction == "literal" and (R is None or R["free_entropy"] <= phi_p):
            need_sg = True
        sg = one_step_rsb(p, lam, cov) if need_sg else None
        if sg is not None and not sg.paramagnet:
            NR = {"label": "SG", "q": sg.q1, "q_star": 0.0, "free_entropy": sg.phi, "entropy": sg.entropy,
                  "energy": -alpha / T * (cov.value(1.0) - (1.0 - sg.x) * cov.value(sg.q1)),
                  "replicon": nan, "x": sg.x, "converged": sg.converged}
            converged = converged and sg.converged
        else:
            NR = {"label": "P", "q": 0.0, "q_star": 0.0, "free_entropy": phi_p,
                  "entropy": LN2 - 0.5 * lam * cov.value(1.0), "energy": -alpha / T * cov.value(1.0),
                  "replicon": lam * cov.d2(0.0), "x": nan, "converged": True}

    # 4. labels
    if R is not None and (R["free_entropy"] > NR["free_entropy"]
                          or (cov.has_linear_term and abs(R["q_star"] - NR["q_star"]) < 1e-6)):
        label, state, meta = "gR", R, False
    elif R is not None and NR["label"] in ("P", "gR") and not cov.has_linear_term:
        label, state, meta = "lR", R, True
    else:
        label, state, meta = NR["label"], NR, R is not None

    m = 0.0
    message = ""
    if eR_definition == "memorization" and interaction == "distinct" and alpha >= 0:
        mem = _memorization_state(p, alpha, T, lam)
        if mem is not None and mem["free_entropy"] > max(NR["free_entropy"], R["free_entropy"] if R else -math.inf):
            label, meta = "eR", R is not None
            state = {"q": mem["q"], "q_star": 0.0, "free_entropy": mem["free_entropy"],
                     "entropy": mem["entropy"], "energy": mem["energy"], "replicon": mem["replicon"],
                     "x": nan, "converged": mem["converged"]}
            m = mem["m"]
            message = "memorisation of one example (misaligned teacher, q* = 0; doc Sec. 6)"

    ent, rep = state["entropy"], state["replicon"]
    trusted = bool(ent >= -1e-10 and not (np.isfinite(rep) and rep > 1.0))
    if not message:
        message = {"gR": "retrieval global", "lR": "retrieval metastable (competitor P)",
                   "P": "paramagnet", "SG": "1RSB spin glass" + (" (metastable R exists)" if meta else "")}[label]
    return TSResult(**base, label=label, q=float(state["q"]), q_star=float(state["q_star"]), m=m,
                    free_entropy=float(state["free_entropy"]), entropy=float(ent), energy=float(state["energy"]),
                    replicon=float(rep), rs_trusted=trusted, converged=bool(converged and state.get("converged", True)),
                    metastable_retrieval=bool(meta), competitor=NR["label"] if NR["label"] != "gR" else "low branch",
                    phi_nonretrieval=float(NR["free_entropy"]), x_1rsb=float(NR.get("x", nan)), retrieval=R,
                    message=message)


def phase(p, alpha, T, T_teacher=None, interaction="distinct", eR_definition="teacher") -> str:
    """Phase label of a point, one of ``"P", "lR", "gR", "eR", "SG"`` (doc Sec. 7)."""
    return solve(p, alpha, T, T_teacher, interaction, eR_definition).label


# ---------------------------------------------------------------------------------------------
# Boundaries (doc Sec. 7)
# ---------------------------------------------------------------------------------------------


def _spectral_gap(lam, mu, cov, sol):
    """``1 - rho`` with rho the spectral radius of the RS map's Jacobian at a retrieval solution."""
    J = _map_jacobian(lam, mu, (sol.x[0], sol.x[1]), cov)
    return 1.0 - float(np.max(np.abs(np.linalg.eigvals(J))))


def _spinodal_alpha(p, T, T_teacher, cov, rtol=1e-9, return_existing=False):
    """lR spinodal off the NL: the smallest alpha at which the retrieval state exists.

    1. Bracket by bisection on existence (:func:`retrieval_state` from (1, 1) converges to q* > 0)
       to 1e-2 relative (1e-3 with ``return_existing``, which returns a load where R exists).
    2. Refine by the secant method on ``g(alpha) = gap |gap|``, ``gap = 1 - rho(J)``, the spectral
       gap of the RS map at the retrieval solution: at a saddle-node fold ``gap ~ sqrt(alpha -
       alpha_sp)``, so g is smooth and linear through the fold.  Steps that leave the branch are
       replaced by bisection.  Tested against the NL value ``lambda_sp T^2``.
    """
    beta, beta_t = 1.0 / T, 1.0 / T_teacher

    def state(alpha, guess=(1.0, 1.0)):
        lam, mu = alpha * beta**2, alpha * beta * beta_t
        sol = retrieval_state(lam, mu, cov, guess=guess, max_iter=2000)
        if sol is None or not sol.converged or sol.x[1] <= 1e-3:
            return None, None
        return sol, _spectral_gap(lam, mu, cov, sol)

    def exists(alpha):
        return state(alpha)[0] is not None

    hi = 1.0
    while not exists(hi):
        hi *= 2.0
        if hi > 1e6:
            raise NoSolution("no retrieval state below alpha = 1e6")
    lo = hi / 2.0
    while exists(lo):
        hi, lo = lo, lo / 2.0
        if lo < 1e-8:
            return 0.0
    coarse = 1e-3 if return_existing else 1e-2
    while hi - lo > coarse * hi:
        mid = 0.5 * (hi + lo)
        if exists(mid):
            hi = mid
        else:
            lo = mid
    if return_existing:
        return hi
    a1 = hi
    s1, g1 = state(a1)
    a0 = hi * (1.0 + 1e-2)
    s0, g0 = state(a0, guess=s1.x)
    g1, g0 = g1 * abs(g1), g0 * abs(g0)
    for _ in range(60):
        if g1 == g0:
            break
        a_new = a1 - g1 * (a1 - a0) / (g1 - g0)
        if not (lo < a_new < max(a1, a0)):
            a_new = 0.5 * (lo + a1)
        s_new, g_new = state(a_new, guess=s1.x)
        if s_new is None:
            lo = a_new
            continue
        a0, g0 = a1, g1
        a1, s1, g1 = a_new, s_new, g_new * abs(g_new)
        if abs(a1 - a0) <= rtol * a1 or a1 - lo <= rtol * a1:
            break
    return a1


def _nonretrieval_phi(p, lam, cov):
    lam_c = nishimori_thresholds(p)[1]
    if lam <= lam_c:
        return LN2 + 0.5 * lam * cov.value(1.0)
    return one_step_rsb(p, lam, cov).phi


def _gR_alpha(p, T, T_teacher, cov):
    """gR line off the NL: Brent on ``D(alpha) = Phi_R - Phi_NR`` (doc Sec. 7), with ``D = -1``
    where no retrieval state exists.  D is negative below the spinodal and (for p >= 3) still
    negative just above it, so the only sign change is the gR line; if retrieval is already global
    where it appears (deep in the SG region at low T), Brent converges to the spinodal itself,
    which is then the gR line."""
    beta, beta_t = 1.0 / T, 1.0 / T_teacher

    def D(alpha):
        lam, mu = alpha * beta**2, alpha * beta * beta_t
        sol = retrieval_state(lam, mu, cov, max_iter=2000)
        if sol is None or not sol.converged or sol.x[1] <= 1e-3:
            return -1.0
        q, qs = sol.x
        return rs_free_entropy(lam, mu, q, qs, cov) - _nonretrieval_phi(p, lam, cov)

    lo = hi = lam_guess = nishimori_thresholds(p)[1] * min(T, T_teacher) ** 2
    if D(lam_guess) > 0:
        while D(lo) > 0:
            hi, lo = lo, lo / 1.5
            if lo < 1e-8:
                return 0.0
    else:
        while D(hi) <= 0:
            lo, hi = hi, hi * 1.5
            if hi > 1e7:
                raise NoSolution("no gR boundary below alpha = 1e7")
    return find_boundary(D, lo, hi)


def _memorization_alpha(p, T):
    """eR (memorisation definition, doc Sec. 6): alpha below which the single-example memorisation
    state is global on the NL-independent competitor set {P/SG, memorisation}; NaN if never."""
    cov = for_interaction(p, "distinct")

    def D(alpha):
        lam = alpha / T**2
        mem = _memorization_state(p, alpha, T, lam)
        if mem is None:
            return -1.0
        return mem["free_entropy"] - _nonretrieval_phi(p, lam, cov)

    if D(1e-9) <= 0:
        return 0.0
    hi = 0.5
    while D(hi) > 0:
        hi *= 2.0
        if hi > 1e4:
            return math.inf
    return find_boundary(D, 1e-9, hi)


def boundary(p, kind, T_teacher=None, temperatures=(1.5, 2.0, 3.0), eR_definition="teacher",
             assume_misaligned=False):
    """Load alpha on a phase boundary, for each student temperature in ``temperatures`` (doc Sec. 7).

    ``kind``:
    * ``"lR"``: the retrieval spinodal (R appears; P <-> lR).  NL: ``lambda_sp T^2``; off the NL:
      the minimum over q* of the branch alpha(q*).
    * ``"gR"``: ``Phi_R = Phi_NR`` (competitor P for lambda <= lambda_c, else 1RSB SG).  NL:
      ``lambda_c T^2``; off the NL: Brent on alpha.
    * ``"SG"``: the P -> SG line ``alpha = lambda_c T^2`` (static 1RSB transition, independent of T*),
      returned only where it exists as a phase boundary (``T < T*``), else NaN.
    * ``"eR"``: eR occupies ``alpha < alpha_eR(T)``.  With ``eR_definition="teacher"`` this is +inf
      where the teacher is aligned (T* < T*_c) and 0 elsewhere; with ``"memorization"`` the
      alpha at which the memorisation state stops being global (misaligned teacher, distinct).

    NaN where the boundary does not exist (e.g. lR/gR inside the eR region of an aligned teacher).
    ``T_teacher=None`` is the Nishimori line (T* = T at every temperature).
    ``assume_misaligned=True`` evaluates the misaligned-teacher theory even where the teacher is
    aligned (the theory depends on (lambda, mu) only, so ``alpha_gR(T, T*) = T*^2 f(T/T*)``; this is
    how the p = 10 vs p -> infinity comparison of doc Sec. 8 at T* = 1 is meant).
    """
    p = _check_p(p)
    v.choice("kind", kind, KINDS)
    v.choice("eR_definition", eR_definition, ER_DEFINITIONS)
    temps = np.atleast_1d(np.asarray(temperatures, dtype=float))
    for t in temps:
        v.positive("temperatures", t)
    if T_teacher is not None:
        T_teacher = v.positive("T_teacher", T_teacher)
    lam_sp, lam_c = nishimori_thresholds(p)
    cov = for_interaction(p, "distinct")
    out = np.full(temps.shape, np.nan)
    for i, T in enumerate(temps):
        Ts = T if T_teacher is None else T_teacher
        aligned = _teacher.is_aligned(p, Ts) and not assume_misaligned
        if kind == "eR":
            if eR_definition == "teacher":
                out[i] = math.inf if aligned else 0.0
            else:
                out[i] = math.inf if aligned else _memorization_alpha(p, T)
            continue
        if aligned:
            continue
        if kind == "SG":
            out[i] = lam_c * T**2 if T < Ts else np.nan
        elif T_teacher is None or abs(Ts - T) <= 1e-14 * T:
            out[i] = (lam_sp if kind == "lR" else lam_c) * T**2
        else:
            if kind == "lR":
                out[i] = _spinodal_alpha(p, T, Ts, cov)
            else:
                out[i] = _gR_alpha(p, T, Ts, cov)
    return out


def alpha_gR_infinite_p(T, T_teacher):
    """p -> infinity global-retrieval boundary (doc Sec. 8):

    ``alpha_gR = 2 ln 2 T^2 T*/(2T - T*)`` for ``T >= T*`` (competitor P) and ``2 ln 2 T*^2`` for
    ``T < T*`` (competitor the frozen REM spin glass).  Vectorised."""
    T = np.asarray(T, dtype=float)
    T_teacher = np.asarray(T_teacher, dtype=float)
    if np.any(~np.isfinite(T)) or np.any(T <= 0):
        raise ValueError("T must be > 0")
    if np.any(~np.isfinite(T_teacher)) or np.any(T_teacher <= 0):
        raise ValueError("T_teacher must be > 0")
    scalar = T.ndim == 0 and T_teacher.ndim == 0
    T, T_teacher = (np.array(a, dtype=float) for a in np.broadcast_arrays(np.atleast_1d(T), np.atleast_1d(T_teacher)))
    hot = T >= T_teacher
    out = np.full(T.shape, 2 * LN2) * T_teacher**2
    out[hot] = 2 * LN2 * T[hot] ** 2 * T_teacher[hot] / (2 * T[hot] - T_teacher[hot])
    return float(out[0]) if scalar else out


# ---------------------------------------------------------------------------------------------
# Landscape (doc Sec. 3.6)
# ---------------------------------------------------------------------------------------------


def landscape(p, alpha, T, T_teacher=None, q_star=0.5, interaction="distinct"):
    """Constrained free entropy ``V(q*)`` (doc Sec. 3.6), vectorised over ``q_star`` in [0, 1):

    ``V = (lambda/2)[xi(1) - xi(q) - (1-q) xi'(q)] + mu xi_c(q*) - qhat* q* + E ln 2cosh(qhat* + sqrt(lambda xi'(q)) z)``

    with ``qhat*`` and q fixed jointly by ``q* = E tanh(.)``, ``q = E tanh^2(.)`` (q iterated from
    ``q*^2``, qhat* by Brent).  ``P_N(q*) ≍ exp(N V(q*))``; its stationary points are the RS saddles.
    """
    p, alpha, T, T_teacher, interaction = _check_point(p, alpha, T, T_teacher, interaction)
    cov = for_interaction(p, interaction)
    lam, mu = _couplings(alpha, T, T_teacher)
    qs_arr = np.atleast_1d(np.asarray(q_star, dtype=float))
    if np.any(qs_arr < 0) or np.any(qs_arr >= 1):
        raise ValueError("q_star must be in [0, 1)")
    out = np.empty(qs_arr.shape)
    for i, qs in enumerate(qs_arr):
        q = qs * qs
        qhat = 0.0
        for _ in range(5000):
            b = math.sqrt(lam * cov.d1(q)) if q > 0 or cov.has_linear_term else 0.0
            if qs == 0.0:
                qhat = 0.0
            else:
                f = lambda x: G.expect_tanh(x, b) - qs  # noqa: E731
                hi = 1.0
                while f(hi) < 0:
                    hi *= 2.0
                qhat = optimize.brentq(f, 0.0, hi, xtol=1e-14, rtol=1e-14)
            q_new = G.expect_tanh2(qhat, b)
            if abs(q_new - q) < 1e-13:
                q = q_new
                break
            q = q_new
        else:
            raise RuntimeError("landscape: q iteration did not converge")
        b = math.sqrt(lam * cov.d1(q)) if q > 0 or cov.has_linear_term else 0.0
        out[i] = (0.5 * lam * (cov.value(1.0) - cov.value(q) - (1.0 - q) * cov.d1(q)) + mu * cov.value(qs)
                  - qhat * qs + G.expect_log2cosh(qhat, b))
    return float(out[0]) if np.ndim(q_star) == 0 else out


# ---------------------------------------------------------------------------------------------
# Phase diagram
# ---------------------------------------------------------------------------------------------


@dataclass
class PhaseDiagram:
    """Grid of labels and order parameters; arrays have shape ``(len(temperatures), len(alphas))``."""

    p: int
    alphas: np.ndarray
    temperatures: np.ndarray
    T_teacher: float | None
    labels: np.ndarray
    q: np.ndarray
    q_star: np.ndarray
    m: np.ndarray
    free_entropy: np.ndarray
    entropy: np.ndarray
    energy: np.ndarray
    replicon: np.ndarray
    rs_trusted: np.ndarray
    metastable_retrieval: np.ndarray
    converged: np.ndarray
    results: list = field(default_factory=list, repr=False)

    def rows(self):
        """Tidy rows (one per grid point) for CSV output."""
        out = []
        for i, T in enumerate(self.temperatures):
            for j, a in enumerate(self.alphas):
                out.append({"p": self.p, "alpha": float(a), "T": float(T),
                            "T_teacher": float(T if self.T_teacher is None else self.T_teacher),
                            "label": str(self.labels[i, j]), "q": self.q[i, j], "q_star": self.q_star[i, j],
                            "m": self.m[i, j], "free_entropy": self.free_entropy[i, j],
                            "entropy": self.entropy[i, j], "energy": self.energy[i, j],
                            "replicon": self.replicon[i, j], "rs_trusted": bool(self.rs_trusted[i, j]),
                            "metastable_retrieval": bool(self.metastable_retrieval[i, j]),
                            "converged": bool(self.converged[i, j])})
        return out


def phase_diagram(p, alphas, temperatures, T_teacher=None, interaction="distinct", eR_definition="teacher"):
    """:func:`solve` on the grid ``temperatures x alphas`` (doc Sec. 7).  ``T_teacher=None``: the NL."""
    p = _check_p(p)
    alphas = np.atleast_1d(np.asarray(alphas, dtype=float))
    temps = np.atleast_1d(np.asarray(temperatures, dtype=float))
    shape = (temps.size, alphas.size)
    arrays = {k: np.full(shape, np.nan) for k in ("q", "q_star", "m", "free_entropy", "entropy", "energy", "replicon")}
    labels = np.empty(shape, dtype=object)
    flags = {k: np.zeros(shape, dtype=bool) for k in ("rs_trusted", "metastable_retrieval", "converged")}
    results = []
    for i, T in enumerate(temps):
        for j, a in enumerate(alphas):
            r = solve(p, a, T, T_teacher, interaction, eR_definition)
            results.append(r)
            labels[i, j] = r.label
            for k in arrays:
                arrays[k][i, j] = getattr(r, k)
            for k in flags:
                flags[k][i, j] = getattr(r, k)
    return PhaseDiagram(p, alphas, temps, T_teacher, labels, **arrays, **flags, results=results)


# ---------------------------------------------------------------------------------------------
# Zero temperature (doc Sec. 9)
# ---------------------------------------------------------------------------------------------


def kappa_c(p):
    """``kappa_c(p) = min_{0<q<1} erfinv(q)/q^{p-1}`` and the minimising q (doc Sec. 9): at T = 0 a
    retrieval solution exists iff ``kappa = beta* sqrt(alpha p/2) >= kappa_c``.  Returns ``(kappa_c, q)``.
    ``p`` here is the exponent-plus-one of the map ``q -> erf(kappa q^{p-1})`` (any integer >= 3)."""
    p = _check_p(p)
    # stationarity: d/dq [ln erfinv(q) - (p-1) ln q] = 0, with d erfinv/dq = sqrt(pi)/2 exp(erfinv^2)
    def cond(q):
        y = special.erfinv(q)
        return q * 0.5 * math.sqrt(math.pi) * math.exp(y * y) - (p - 1) * y

    q = optimize.brentq(cond, 1e-6, 1.0 - 1e-15, xtol=1e-15, rtol=1e-15)
    return float(special.erfinv(q) / q ** (p - 1)), float(q)


def zero_temperature(p, alpha, T_teacher):
    """T -> 0 retrieval solution at fixed T* and alpha, misaligned teacher (doc Sec. 9):

    ``q* = erf(kappa q*^{p-1})``, ``kappa = beta* sqrt(alpha p/2)``;
    ``C = beta(1-q) = sqrt(2/(pi alpha p)) exp(-kappa^2 q*^{2p-2})``;
    ``e0 = -alpha beta* q*^p - alpha p C``;  ``s(T->0) = -alpha p (p-1) C^2/4``.

    Returns a dict with q_star, C, e0, s0, kappa, kappa_c, exists (False and NaNs when
    ``kappa < kappa_c``)."""
    p = _check_p(p)
    alpha = v.positive("alpha", alpha)
    T_teacher = v.positive("T_teacher", T_teacher)
    kap = math.sqrt(alpha * p / 2.0) / T_teacher
    kc, _ = kappa_c(p)
    nan = float("nan")
    out = {"kappa": kap, "kappa_c": kc, "exists": kap >= kc, "q_star": nan, "C": nan, "e0": nan, "s0": nan}
    if kap < kc:
        return out
    # the retrieval root is the largest root; at the minimiser q_m of erfinv(q)/q^{p-1},
    # erf(kappa q_m^{p-1}) >= q_m iff kappa >= kappa_c, and erf(kappa) < 1: bracket [q_m, 1]
    _, q_m = kappa_c(p)
    qs = float(optimize.brentq(lambda y: special.erf(kap * y ** (p - 1)) - y, q_m, 1.0, xtol=1e-16, rtol=1e-15))
    C = math.sqrt(2.0 / (math.pi * alpha * p)) * math.exp(-(kap**2) * qs ** (2 * p - 2))
    out.update(q_star=qs, C=C, e0=-alpha / T_teacher * qs**p - alpha * p * C, s0=-alpha * p * (p - 1) * C**2 / 4.0)
    return out
