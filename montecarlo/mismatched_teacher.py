"""Monte Carlo with a teacher of order p* != p: exact sampling of a p*-spin Curie-Weiss teacher
(p* = 2 in the paper) and a p-body student trained on its examples.

Physics: docs/theory/teacher_student_theory.md Sec. 2 (exact finite-N law of K = xi*.sigma and the
sampling recipe, valid for any teacher order, p* = 2 included), Sec. 10 (p' != p), Sec. 12
(Monte Carlo protocol); docs/theory/teacher_student_paper_code.md ("Their figures" items 6-8).

Teacher.  ``H_T = -N^{1-p*} (xi*.sigma)^{p*}`` (literal; p* = 2: ``-K^2/N``).  Exact law
``P(K) ∝ C(N, (N+K)/2) exp(beta* K^{p*}/N^{p*-1})`` then a uniformly random configuration with
that K (:mod:`montecarlo.teacher_sampling`, reused here with the teacher's own order).

Loads and teacher temperatures of the paper's two regimes (p even):

* ``"finite-noise"``: ``M = round(alpha N^{p/2}/(p/2+1)!)``, fixed T* (the paper's Fig. 8:
  ``T* = 2 + sqrt 2``, which makes eta = 1 for p = 4);
* ``"large-noise"``: ``M = round(alpha N^{p-1}/p!)`` and, unless given, the paper's
  ``T* = 2/c``, ``c = (p!/((p-1)!! T N^{p/2-1}))^{2/p}`` (p = 4: ``T* = sqrt(N T/2)``).

Student: :class:`montecarlo.teacher_student.StudentChain` (distinct-index p-body Hamiltonian,
single-spin Metropolis, T = 0 descent).  Reported finite-N couplings: the effective teacher
coupling ``beta*_eff = E[S_p(K)]/(p! N)`` under the exact law (``beta_eff_law``) and realised by
the sample (``beta_eff_sample``, mean over the examples); the large-noise theory line assumes
``beta*_eff = 1/T`` and the finite-noise one ``alpha_p beta*_eff = eta alpha``
(``alpha_p = M p!/N^{p-1}``).

This module never imports ``theory``.
"""

from __future__ import annotations

import math

import numpy as np

from . import teacher_sampling as tsamp
from . import teacher_student as tsm

__all__ = ["REGIMES", "n_examples", "large_noise_teacher_temperature", "sample_teacher",
           "effective_coupling", "run", "sweep_task"]

REGIMES = ("finite-noise", "large-noise")


def _double_factorial(n: int) -> int:
    return math.prod(range(n, 0, -2)) if n > 0 else 1


def _check_even_p(p):
    p = tsamp.check_p(p)
    if p < 4 or p % 2:
        raise ValueError(f"p must be an even integer >= 4 (a p* = 2 teacher gives odd p no signal), got {p}")
    return p


def _check_regime(regime):
    if regime not in REGIMES:
        raise ValueError(f"regime must be one of {REGIMES}, got {regime!r}")
    return regime


def n_examples(alpha: float, N: int, p: int, regime: str) -> int:
    """M of the regime (module docstring)."""
    _check_regime(regime)
    if regime == "finite-noise":
        return int(round(alpha * float(N) ** (p / 2) / math.gamma(p / 2 + 2)))
    return tsm.n_examples(alpha, N, p)


def large_noise_teacher_temperature(N: int, T: float, p: int) -> float:
    """The paper's large-noise teacher temperature ``2/c`` (p = 4: ``sqrt(N T/2)``)."""
    c = (math.factorial(p) / (_double_factorial(p - 1) * T * float(N) ** (p / 2 - 1))) ** (2.0 / p)
    return 2.0 / c


def sample_teacher(N, T_teacher, M, seed=0, p_teacher=2):
    """Exact examples of the p*-spin Curie-Weiss teacher (literal form), any p* >= 2.

    Returns ``(xi_star, examples)`` as :func:`montecarlo.teacher_student.sample_teacher`
    (int8, examples (M, N) Fortran-ordered).  Memory N*M bytes."""
    return tsm.sample_teacher(N, p_teacher, T_teacher, M, seed=seed, interaction="literal")


def effective_coupling(K, N: int, p: int, T_teacher: float, p_teacher: int = 2) -> dict:
    """``beta*_eff = E[S_p(K)]/(p! N)`` under the exact law (``law``) and the sample mean over
    the overlaps ``K`` (``sample``); module docstring."""
    law = tsamp.k_law(N, p_teacher, T_teacher, "literal")
    c = tsamp.distinct_polynomial(p, N)
    d = math.factorial(p) * float(N)
    S = np.polynomial.polynomial.polyval(np.asarray(K, dtype=float), c)
    return {"law": law.mean(lambda k: np.polynomial.polynomial.polyval(k.astype(float), c)) / d,
            "sample": float(np.mean(S)) / d if len(S) else float("nan")}


def _teacher_T(p, N, T, regime, T_teacher):
    if T_teacher is not None:
        return tsamp.check_temperature("T_teacher", T_teacher, allow_zero=False)
    if regime == "large-noise":
        if T <= 0:
            raise ValueError("T must be > 0 for the large-noise teacher temperature (or give T_teacher)")
        return large_noise_teacher_temperature(N, T, p)
    return 2.0 + math.sqrt(2.0)


def run(p, N, alpha, T, *, regime="large-noise", T_teacher=None, start="planted", sweeps=400, seed=0,
        data_seed=None, p_teacher=2, data=None, keep_series=False) -> dict:
    """One student chain on exact p*-teacher data.  ``start``: "planted" (xi = xi*) or "random".
    Returns a flat dict: q* statistics (last 2/3 of the sweeps, tau_int), m, M, T_teacher,
    alpha_p = M p!/N^{p-1} and the effective couplings ``beta_eff_law``, ``beta_eff_sample``."""
    p = _check_even_p(p)
    N = tsamp.check_positive_int("N", N, minimum=4)
    _check_regime(regime)
    alpha = float(alpha)
    if not math.isfinite(alpha) or alpha <= 0:
        raise ValueError(f"alpha must be > 0, got {alpha!r}")
    T = tsamp.check_temperature("T", T, allow_inf=False)
    if start not in ("planted", "random"):
        raise ValueError(f"start must be 'planted' or 'random', got {start!r}")
    p_teacher = tsamp.check_p(p_teacher)
    if p_teacher == p:
        raise ValueError("p_teacher must differ from p (use montecarlo.teacher_student for p* = p)")
    Tt = _teacher_T(p, N, T, regime, T_teacher)
    M = n_examples(alpha, N, p, regime)
    tsamp.check_size(N, M)
    ss = tsm._seed_sequence(seed)
    if data_seed is None:
        data_ss, dyn_ss = ss.spawn(2)
    else:
        data_ss, dyn_ss = tsm._seed_sequence(data_seed), ss
    xi_star, examples = data if data is not None else sample_teacher(N, Tt, M, seed=data_ss, p_teacher=p_teacher)
    K = tsm._overlaps(examples, xi_star)
    beff = effective_coupling(K, N, p, Tt, p_teacher)
    rng = np.random.default_rng(dyn_ss)
    xi0 = xi_star.copy() if start == "planted" else (2 * rng.integers(0, 2, size=N) - 1).astype(np.int8)
    chain = tsm.StudentChain(examples, xi_star, xi0, p, "distinct", seed=dyn_ss.spawn(1)[0])
    series = chain.advance(sweeps, T)
    s = tsm.summarize(series)
    third = series["q_star"].shape[0] - s["n_measured"]
    keep = series["q_star"][third:]
    h = keep.shape[0] // 2
    out = dict(q_star=s["q_star"], q_star_std=s["q_star_std"], q_star_err=s["q_star_err"], tau_int=s["tau_int"],
               q_star_first_half=float(np.mean(keep[:h])) if h else float("nan"),
               q_star_second_half=float(np.mean(keep[h:])) if h else float("nan"),
               m=s["m"], q_star_final=s["q_star_final"], energy=s["energy"], M=int(M), T_teacher=float(Tt),
               alpha_p=float(M * math.factorial(p) / float(N) ** (p - 1)),
               beta_eff_law=beff["law"], beta_eff_sample=beff["sample"], sweeps_done=int(series["q_star"].shape[0]))
    if keep_series:
        out["series"] = series
    return out


def sweep_task(params: dict, sample: int, seed: np.random.SeedSequence) -> dict:
    """Task for :func:`montecarlo.sweep.run_sweep`: one :func:`run` per (params, sample).
    params: p, N, alpha, T, regime, sweeps, start, optional T_teacher.  The data seed depends on
    (p, N, alpha, regime, T_teacher or T, sample) only, so planted and random starts share data."""
    from .sweep import seed_for

    keys = ("p", "N", "alpha", "regime", "T_teacher") if params.get("T_teacher") is not None else (
        "p", "N", "alpha", "regime", "T")
    data_ss = seed_for({k: params[k] for k in keys if k in params}, sample, master_seed=seed.entropy)
    res = run(params["p"], params["N"], params["alpha"], params["T"], regime=params.get("regime", "large-noise"),
              T_teacher=params.get("T_teacher"), start=params.get("start", "planted"),
              sweeps=params.get("sweeps", 400), seed=seed, data_seed=data_ss)
    return res
