"""Prototypes (eR) vs features (lR/gR): recovery landscape and noise tolerance.

Physics: ``docs/theory/teacher_student_theory.md`` Sec. 3.6 (the constrained free entropy
V(q*)), Sec. 6 (eR: aligned teacher, memorisation of examples correlated with xi*), Sec. 7
(boundaries), Sec. 9 (T = 0) and Sec. 12 (the MC protocol the predictions are compared with).
The question is the poster's "Discussion": starting from a corrupted copy of xi*, recovery is
much faster with prototypes than with features, traded against resistance to teacher noise.

Recovery side: the landscape along q*
-------------------------------------
*Features (misaligned teacher, lR/gR).*  ``V(q*)`` is :func:`student.landscape` (doc Sec. 3.6):
``P_N(q*) ~ exp(N V(q*))``; its maxima are the RS saddles (P at q* = 0, retrieval at q*_R).
*Prototypes (aligned teacher, eR, doc Sec. 6).*  Every example has overlap ``m_bar(T*)`` with
xi*; with M = alpha N^{p-1}/p! examples the memorisation field is super-extensive.  Averaging the
distinct-index energy over the examples (i.i.d. ``tau_i = xi*_i sigma_i`` of mean ``m_bar``, for
which ``E prod_r tau_{i_r} = m_bar^p`` over distinct sites) gives, per spin,

    V_eR(q*) = beta M N^{-p} m_bar^p S_p(N q*) + s(q*),     s(q) = H((1+q)/2)  (binary entropy),

[derived] with ``S_p`` the distinct-index polynomial (:func:`teacher.distinct_index_polynomial`,
doc Sec. 11).  This is the M -> large limit of the symmetric-mixture (memorisation) branch of
:mod:`example_retrieval` (all ``m_a = m_bar q*``); the RS noise term (lambda, O(1) per spin) is
dropped against the O(M) energy.  At T = 0 the entropy drops out: ``V_eR = M N^{-p} m_bar^p
S_p(N q*)`` (minus the energy).  For p = 3, ``S_3 = X^3 - (3N-2) X`` is stationary at
``X = +-sqrt(N - 2/3)``: the eR basin edge is ``q* ~ N^{-1/2}`` (-> 0), and a start below it
relaxes to ``q* ~ -N^{-1/2}`` (the distinct-index subtraction), behind a barrier that grows
with N.  ``example_retrieval.symmetric_mixture`` gives the retrieval end point (q*_R ~ 1).

*Basin edge and barrier (both regimes).*  Walking down in q* from the retrieval maximum q*_R,
V decreases until it stops decreasing: that q* is the **basin edge** ``q_edge`` (the start
``q0`` of a corrupted copy of xi* is inside the basin iff ``q0 > q_edge``).  Walking further
down, V increases to the local maximum ``q_top`` of the non-retrieval state the start falls
into (the highest V below the edge); the **barrier** is ``Delta V = V(q_top) - V(q_edge) >= 0`` (free entropy per spin), and it
is 0 when V is monotone on the landscape's domain.  For ``q0 > q_edge`` the barrier is 0.

*Scaling of the recovery time with N* [derived, Kramers/Arrhenius in the collective
coordinate q*]: at finite T a start with ``q0 > q_edge`` slides down the free-energy slope and
recovers in a number of sweeps that does not grow exponentially with N (O(1) up to logarithmic
factors; it diverges as q0 -> q_edge); a start with ``q0 < q_edge`` first equilibrates in the
non-retrieval state and escapes at rate ``~ exp(-N Delta V)``, so ``tau_rec ~ tau_0
exp(N Delta V)`` and, within a fixed budget of sweeps, the probability of recovery falls to 0 as
N grows.  At T = 0 (descent) nothing is activated: the basin edge decides (recover iff
``q0 > q_edge``); the T = 0 landscape is approximated by the RS V at the small temperature
:data:`ZERO_T_PROXY` (times T) on ``q* >= Q_FLOOR_ZERO_T`` (the RS paramagnet at q* = 0 is not
the low-T state, doc Sec. 5), [approximate: RS is AT-unstable there, doc Sec. 5, 9].
Finite N at p = 3, 4: the data are more informative than at N = infinity (``r_N > 1``, doc
Sec. 2); :func:`basin` accepts ``coupling_ratio`` (mu -> r mu, i.e. T* -> T*/r, doc Sec. 12 (b)).

Noise-tolerance side
--------------------
:func:`noise_tolerance`: along a path, the largest teacher temperature T* at which a regime
still retrieves xi*, from the existing boundaries:
* eR: ``T*_c(p)`` (:func:`teacher.critical_temperature`), for every alpha > 0 (doc Sec. 6, 7);
* gR / lR on the Nishimori line (T = T*): the T at which alpha is on the boundary
  (:func:`student.boundary`; there ``lambda_c T^2`` / ``lambda_sp T^2``), by Brent in T;
* gR / lR at a zero-temperature student: the theory depends on (lambda, mu) only, so
  ``alpha_b(T, T*) = T*^2 alpha_b(T/T*, 1)``; lR is exact at T = 0 (doc Sec. 9:
  ``kappa = sqrt(alpha p/2)/T* >= kappa_c``), gR uses ``alpha_gR(T -> 0, 1)`` from
  :func:`student.boundary` at ``T = ZERO_T_PROXY`` (``assume_misaligned``).
Features gain tolerance with data (``T*_max ~ sqrt(alpha)``), prototypes do not
(``T*_c(p) -> 1/ln 2``).

Results derive from :class:`hopfield_phases._core.results.ResultContract`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import optimize

from hopfield_phases._core import validation as v
from hopfield_phases._core.results import ABSENT, OK, UNCONVERGED, ResultContract

from . import example_retrieval as _er
from . import student as _st
from . import teacher as _teacher

__all__ = ["ZERO_T_PROXY", "Q_FLOOR_ZERO_T", "REGIMES", "Basin", "NoiseTolerance",
           "landscape_basin", "er_landscape", "basin", "noise_tolerance", "n_examples"]

ZERO_T_PROXY = 0.1
"""Student temperature (in units of T*) at which the RS landscape stands in for T = 0."""
Q_FLOOR_ZERO_T = 0.05
"""Lowest q* of the T = 0 (low-T RS) feature landscape (skips the unphysical RS paramagnet)."""
REGIMES = ("eR", "gR", "lR")
_N_GRID = 41


def n_examples(alpha, N, p) -> int:
    """``M = round(alpha N^{p-1}/p!)`` (poster load, doc Sec. 1)."""
    return int(round(float(alpha) * float(N) ** (p - 1) / math.factorial(p)))


# ---------------------------------------------------------------------------------------------
# generic basin / barrier of a sampled landscape
# ---------------------------------------------------------------------------------------------


def landscape_basin(q, V, q_retrieval=None):
    """Basin edge, barrier top and barrier of a landscape sampled on an increasing grid.

    From the retrieval maximum (the grid point nearest ``q_retrieval``, default the global
    maximum of V), walk down in q while V strictly decreases: the last point is the basin edge.
    The top of the barrier is the highest point of V below the edge (the maximum of the
    non-retrieval state a start below the edge falls into; taking the maximum rather than the
    nearest local maximum makes the barrier robust to kinks of the sampled landscape).  Returns
    ``(q_edge, q_top, barrier)`` with ``barrier = V(q_top) - V(q_edge)`` (0 and ``q_top =
    q_edge`` when V is monotone below the retrieval maximum).  Raises ValueError on bad input.
    """
    q = np.asarray(q, dtype=float)
    V = np.asarray(V, dtype=float)
    if q.ndim != 1 or q.shape != V.shape or q.size < 2:
        raise ValueError("q and V must be 1-d arrays of equal length >= 2")
    if not np.all(np.isfinite(q)) or not np.all(np.isfinite(V)):
        raise ValueError("q and V must be finite")
    if np.any(np.diff(q) <= 0):
        raise ValueError("q must be strictly increasing")
    i = int(np.argmax(V)) if q_retrieval is None else int(np.argmin(np.abs(q - float(q_retrieval))))
    while i > 0 and V[i - 1] < V[i]:
        i -= 1
    edge = i
    top = int(np.argmax(V[: edge + 1]))
    return float(q[edge]), float(q[top]), float(V[top] - V[edge])


def _refine_min(f, a, b):
    if not b > a:
        return a
    r = optimize.minimize_scalar(f, bounds=(a, b), method="bounded", options={"xatol": 1e-6})
    return float(r.x)


# ---------------------------------------------------------------------------------------------
# eR landscape
# ---------------------------------------------------------------------------------------------


def _binary_entropy(q):
    q = np.asarray(q, dtype=float)
    a, b = (1 + q) / 2, (1 - q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        s = -np.where(a > 0, a * np.log(a), 0.0) - np.where(b > 0, b * np.log(b), 0.0)
    return s


def er_landscape(p, alpha, T, T_teacher, N, q_star):
    """``V_eR(q*)`` per spin (module docstring; doc Sec. 6, 11), vectorised over q* in [-1, 1].

    ``T = 0`` returns the T = 0 landscape ``M N^{-p} m_bar^p S_p(N q*)`` (minus the energy per
    spin).  Requires an aligned teacher (``T* < T*_c(p)``): ValueError otherwise."""
    p = v.integer("p", p, minimum=3)
    alpha = v.positive("alpha", alpha)
    T = v.nonnegative("T", T)
    T_teacher = v.positive("T_teacher", T_teacher)
    N = v.integer("N", N, minimum=p)
    if not _teacher.is_aligned(p, T_teacher):
        raise ValueError("T_teacher must be below T*_c(p) (aligned teacher) for the eR landscape")
    qs = np.asarray(q_star, dtype=float)
    if np.any(~np.isfinite(qs)) or np.any(np.abs(qs) > 1):
        raise ValueError("q_star must be in [-1, 1]")
    M = n_examples(alpha, N, p)
    mb = _teacher.m_bar(p, T_teacher)
    energy = M * float(N) ** (-p) * mb**p * _teacher.distinct_index_polynomial(p, N * qs, N)
    out = energy if T == 0 else energy / T + _binary_entropy(qs)
    return float(out) if np.ndim(q_star) == 0 else out


# ---------------------------------------------------------------------------------------------
# basin prediction
# ---------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class Basin(ResultContract):
    """Landscape prediction for recovery from a corrupted start (module docstring).

    ``regime``: "eR" (aligned teacher, :func:`er_landscape`) or the misaligned label of
    :func:`student.phase` ("gR", "lR"; "P"/"SG" give status "absent": no retrieval state).
    ``q_retrieval``: q* of the retrieval maximum; ``basin_edge``: where V stops decreasing
    below it; ``q_top``: top of the barrier; ``barrier``: ``V(q_top) - V(basin_edge)`` per spin
    at temperature ``T_used`` (for ``T = 0``: ``T_used`` = :data:`ZERO_T_PROXY` T* for features,
    and the barrier is multiplied by ``T_used``, an energy per spin; eR at T = 0 is exact);
    ``q_grid, V_grid``: the sampled landscape.  ``N``: size (eR only; M depends on N).
    """

    p: int
    alpha: float
    T: float
    T_teacher: float
    N: int | None
    regime: str
    coupling_ratio: float = 1.0
    T_used: float = math.nan
    q_retrieval: float = math.nan
    basin_edge: float = math.nan
    q_top: float = math.nan
    barrier: float = math.nan
    q_grid: np.ndarray = field(default=None, repr=False)
    V_grid: np.ndarray = field(default=None, repr=False)

    def barrier_from(self, q0: float) -> float:
        """Barrier a start at q0 must cross: 0 if ``q0 > basin_edge``, else ``barrier``.  NaN
        when the result is not ok.  ``tau_rec ~ exp(N * barrier_from(q0))`` at finite T."""
        q0 = v.real("q0", q0)
        if not -1.0 <= q0 <= 1.0:
            raise ValueError(f"q0 must be in [-1, 1], got {q0!r}")
        if not self.success:
            return math.nan
        return 0.0 if q0 > self.basin_edge else float(self.barrier)

    def as_row(self) -> dict:
        return {k: getattr(self, k) for k in (
            "p", "alpha", "T", "T_teacher", "N", "regime", "coupling_ratio", "T_used", "q_retrieval",
            "basin_edge", "q_top", "barrier", "status", "message")}


def basin(p, alpha, T, T_teacher=None, N=None, *, coupling_ratio=1.0, n_grid=_N_GRID) -> Basin:
    """Basin edge and barrier of the recovery landscape at (p, alpha, T, T*) (module docstring).

    ``T_teacher=None``: the Nishimori line (T* = T; then T > 0).  ``T = 0``: zero-temperature
    student.  ``N``: required where the teacher is aligned (eR), ignored otherwise.
    ``coupling_ratio``: finite-N coupling ``mu -> r mu`` (misaligned teacher only).
    Returns a :class:`Basin`; ``status`` "absent" where there is no retrieval state.
    """
    p = v.integer("p", p, minimum=3)
    alpha = v.positive("alpha", alpha)
    T = v.nonnegative("T", T)
    if T_teacher is None:
        if T == 0:
            raise ValueError("T must be > 0 on the Nishimori line (T_teacher=None)")
        T_teacher = T
    T_teacher = v.positive("T_teacher", T_teacher)
    r = v.positive("coupling_ratio", coupling_ratio)
    n_grid = v.integer("n_grid", n_grid, minimum=5)
    if N is not None:
        N = v.integer("N", N, minimum=p)
    base = dict(p=p, alpha=alpha, T=T, T_teacher=T_teacher, N=N, coupling_ratio=r)

    if _teacher.is_aligned(p, T_teacher):  # prototypes
        if N is None:
            raise ValueError("N must be given for an aligned teacher (eR: M depends on N)")
        # retrieval end point from the memorisation branch (example_retrieval, doc Sec. 6)
        M = n_examples(alpha, N, p)
        mix = _er.symmetric_mixture(p, max(M, 1), T if T > 0 else ZERO_T_PROXY * T_teacher, T_teacher)
        q_R = min(float(mix["q_star"]), 1.0)
        # fine grid in X = N q* (integers of the parity of N): the edge sits at q* ~ N^{-1/2}
        X = np.arange(-N, N + 1, 2, dtype=float)
        qg = X / N
        Vg = er_landscape(p, alpha, T, T_teacher, N, qg)
        edge, top, bar = landscape_basin(qg, Vg, q_retrieval=1.0)
        status = OK if mix["converged"] else UNCONVERGED
        return Basin(**base, regime="eR", T_used=T, q_retrieval=q_R, basin_edge=edge, q_top=top,
                     barrier=bar, q_grid=qg, V_grid=Vg, status=status, iterations=0,
                     message="eR landscape (aligned teacher; exact on the X = N q* lattice)"
                     + ("" if mix["converged"] else "; memorisation branch unconverged"))

    # features: the RS landscape of the misaligned teacher (doc Sec. 3.6)
    T_used = T if T > 0 else ZERO_T_PROXY * T_teacher
    # the misaligned theory depends on (lambda, mu) = (alpha/T^2, r alpha/(T T*)) only (doc Sec. 1):
    # evaluate it at (c^2 alpha, c T, c T*/r), c >= 1 chosen so that this teacher is misaligned
    c = max(1.0, 2.0 * _teacher.spinodal_temperature(p) * r / T_teacher)
    a_eff, T_eff, Ts_eff = c * c * alpha, c * T_used, c * T_teacher / r
    res = _st.solve(p, a_eff, T_eff, Ts_eff)
    R = res.retrieval
    if R is None or not (R["q_star"] > 1e-3):
        return Basin(**base, regime=res.label, T_used=T_used, status=ABSENT,
                     message=f"no retrieval state (label {res.label})")
    q_R = float(R["q_star"])
    label = "gR" if res.label == "gR" else "lR"
    q_lo = 0.0 if T > 0 else Q_FLOOR_ZERO_T
    q_hi = min(q_R, 0.999)
    qg = np.linspace(q_lo, q_hi, n_grid)

    def V_at(x):
        try:
            return float(_st.landscape(p, a_eff, T_eff, Ts_eff, float(x)))
        except RuntimeError:  # the landscape's inner q iteration did not converge here
            return math.nan

    Vg = np.array([V_at(x) for x in qg])
    ok = np.isfinite(Vg)
    n_bad = int((~ok).sum())
    note = "RS landscape V(q*)" + (f" at T = {T_used:g} (T = 0 proxy, RS approximate)" if T == 0 else "")
    if n_bad:
        note += f"; {n_bad} of {n_grid} grid points unconverged and skipped"
    if ok.sum() < 5 or not ok[-1]:
        return Basin(**base, regime=label, T_used=T_used, q_retrieval=q_R, status=UNCONVERGED,
                     q_grid=qg, V_grid=Vg, message=note)
    qg, Vg = qg[ok], Vg[ok]
    scale = T_used if T == 0 else 1.0
    edge, top, bar = landscape_basin(qg, Vg, q_retrieval=q_hi)
    j = int(np.argmin(np.abs(qg - edge)))
    if 0 < j < len(qg) - 1:  # refine the minimum between the grid neighbours
        try:
            e2 = _refine_min(lambda x: float(_st.landscape(p, a_eff, T_eff, Ts_eff, x)), qg[j - 1], qg[j + 1])
            v2 = V_at(e2)
            if math.isfinite(v2) and v2 <= Vg[j]:
                edge, bar = e2, float(Vg[int(np.argmin(np.abs(qg - top)))] - v2)
        except RuntimeError:
            note += "; edge refinement failed (grid value kept)"
    status = OK if R.get("converged", True) else UNCONVERGED
    return Basin(**base, regime=label, T_used=T_used, q_retrieval=q_R, basin_edge=float(edge),
                 q_top=float(top), barrier=float(max(bar, 0.0)) * scale, q_grid=qg, V_grid=Vg * scale,
                 status=status, residual=0.0, message=note)


# ---------------------------------------------------------------------------------------------
# noise tolerance
# ---------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class NoiseTolerance(ResultContract):
    """Largest teacher temperature at which ``regime`` still retrieves, along a path.

    ``path``: "nishimori" (T = T*) or "zero_T" (student at T = 0).  ``T_star_max``: the
    tolerance (NaN when absent).  ``method``: how it was obtained."""

    p: int
    alpha: float
    regime: str
    path: str
    T_star_max: float = math.nan
    method: str = ""

    def as_row(self) -> dict:
        return {k: getattr(self, k) for k in ("p", "alpha", "regime", "path", "T_star_max", "method",
                                              "status", "message")}


@lru_cache(maxsize=None)
def _gR_zero_T_coefficient(p: int) -> float:
    """``alpha_gR(T -> 0, T* = 1)`` (boundary at T = ZERO_T_PROXY, misaligned theory)."""
    return float(_st.boundary(p, "gR", T_teacher=1.0, temperatures=(ZERO_T_PROXY,),
                              assume_misaligned=True)[0])


def noise_tolerance(p, alpha, regime, path="nishimori") -> NoiseTolerance:
    """T*_max of ``regime`` ("eR", "gR", "lR") at load alpha along ``path`` (module docstring)."""
    p = v.integer("p", p, minimum=3)
    alpha = v.positive("alpha", alpha)
    v.choice("regime", regime, REGIMES)
    v.choice("path", path, ("nishimori", "zero_T"))
    base = dict(p=p, alpha=alpha, regime=regime, path=path)
    T_eR = _teacher.critical_temperature(p)
    if regime == "eR":
        return NoiseTolerance(**base, T_star_max=T_eR, method="T*_c(p): teacher alignment (doc Sec. 6)",
                              message="eR needs an aligned teacher")
    if path == "zero_T":
        if regime == "lR":
            kc, _ = _st.kappa_c(p)
            Ts = math.sqrt(alpha * p / 2.0) / kc
            method = "kappa = sqrt(alpha p/2)/T* = kappa_c (doc Sec. 9)"
        else:
            Ts = math.sqrt(alpha / _gR_zero_T_coefficient(p))
            method = f"alpha = T*^2 alpha_gR(T={ZERO_T_PROXY}, T*=1) (boundary, doc Sec. 7)"
        if Ts <= T_eR:
            return NoiseTolerance(**base, method=method, status=ABSENT,
                                  message="the regime does not exist at this load above T*_c")
        return NoiseTolerance(**base, T_star_max=Ts, method=method)
    # Nishimori line: Brent in T of boundary(T) - alpha
    kind = regime

    def f(T):
        return float(_st.boundary(p, kind, None, temperatures=(T,))[0]) - alpha

    lo = T_eR * (1 + 1e-9)
    if f(lo) > 0:
        return NoiseTolerance(**base, method="boundary on the NL", status=ABSENT,
                              message="alpha is below the boundary already at T_eR")
    hi = 2 * lo
    while f(hi) <= 0:
        hi *= 2
    r = optimize.brentq(f, lo, hi, xtol=1e-12, rtol=1e-12, full_output=True)
    Ts, info = r
    return NoiseTolerance(**base, T_star_max=float(Ts), method="Brent on boundary(p, kind)(T) = alpha, NL",
                          iterations=int(info.iterations), residual=abs(f(Ts)),
                          status=OK if info.converged else UNCONVERGED)
