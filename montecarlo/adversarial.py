"""Adversarial start for the dense student at zero temperature (the paper's Fig. 8).

Physics: docs/theory/teacher_student_paper_code.md ("Their figures" item 8); theory in
``theory.teacher_student.adversarial`` (eps_c = alpha^{1/3}/(1 + alpha^{1/3}) for p = 4).

Protocol.  Finite-noise regime of a p* = 2 teacher (:mod:`montecarlo.mismatched_teacher`):
``M = alpha N^{p/2}/(p/2+1)!`` exact examples at T* (default ``2 + sqrt 2``).  The attacking
example sigma^k is either a *typical* one (the example of smallest ``|xi*.sigma^a|``) or the one
of *largest overlap* ``xi*.sigma^a``.  The student starts at xi* corrupted by sigma^k with weight
eps: each site independently takes ``sigma^k_i`` with probability eps, else ``xi*_i``.  It then
runs zero-temperature single-spin descent (:class:`montecarlo.teacher_student.StudentChain` at
T = 0: a flip is accepted iff it strictly lowers the energy; the run stops at a local minimum
or after ``max_sweeps``).  Observables: the final q* = xi.xi*/N and the final overlap with the
attacking example m_k.

This module never imports ``theory``.
"""

from __future__ import annotations

import math

import numpy as np

from . import mismatched_teacher as mm
from . import teacher_student as tsm

__all__ = ["ATTACKS", "attacking_example", "adversarial_start", "run", "sweep_task"]

ATTACKS = ("typical", "max-overlap")
DEFAULT_T_TEACHER = 2.0 + math.sqrt(2.0)


def attacking_example(K, attack: str) -> int:
    """Index of the attacking example: argmin |K_a| ("typical") or argmax K_a ("max-overlap")."""
    if attack not in ATTACKS:
        raise ValueError(f"attack must be one of {ATTACKS}, got {attack!r}")
    K = np.asarray(K)
    return int(np.argmin(np.abs(K))) if attack == "typical" else int(np.argmax(K))


def adversarial_start(xi_star, example, eps: float, rng: np.random.Generator) -> np.ndarray:
    """xi* with each site replaced by the example's with probability ``eps`` (int8)."""
    eps = float(eps)
    if not 0.0 <= eps <= 1.0:
        raise ValueError(f"eps must be in [0, 1], got {eps!r}")
    mask = rng.random(np.asarray(xi_star).shape[0]) < eps
    return np.where(mask, example, xi_star).astype(np.int8)


def run(p, N, alpha, eps, *, attack="typical", T_teacher=DEFAULT_T_TEACHER, chains=1, max_sweeps=200,
        seed=0, data_seed=None, data=None) -> dict:
    """``chains`` zero-temperature descents from independent adversarial starts on one data set.

    Returns a flat dict: mean/std over chains of the final q* and m_k, the start's q*_0 and m_0
    (means), the fraction of chains ending with q* > 1/2, the attacking example's overlap m_k(0) = xi*.sigma^k/N, M, the largest sweep count and
    whether every chain stopped at a local minimum."""
    p = mm._check_even_p(p)
    N = int(N)
    if N < 4:
        raise ValueError(f"N must be >= 4, got {N!r}")
    alpha = float(alpha)
    if not math.isfinite(alpha) or alpha <= 0:
        raise ValueError(f"alpha must be > 0, got {alpha!r}")
    if attack not in ATTACKS:
        raise ValueError(f"attack must be one of {ATTACKS}, got {attack!r}")
    chains = int(chains)
    if chains < 1:
        raise ValueError(f"chains must be >= 1, got {chains!r}")
    M = mm.n_examples(alpha, N, p, "finite-noise")
    if M < 1:
        raise ValueError(f"alpha = {alpha} gives no example at N = {N}")
    ss = tsm._seed_sequence(seed)
    data_ss, dyn_ss = (ss.spawn(2) if data_seed is None else (tsm._seed_sequence(data_seed), ss))
    xi_star, examples = data if data is not None else mm.sample_teacher(N, T_teacher, M, seed=data_ss)
    K = tsm._overlaps(examples, xi_star)
    k = attacking_example(K, attack)
    ex = np.ascontiguousarray(examples[k]).astype(np.int8)
    q_fin, m_fin, q0, m0, sweeps, local_min = [], [], [], [], [], True
    for css in dyn_ss.spawn(chains):
        init_ss, run_ss = css.spawn(2)
        xi0 = adversarial_start(xi_star, ex, eps, np.random.default_rng(init_ss))
        q0.append(float(xi0.astype(np.int64) @ xi_star.astype(np.int64)) / N)
        m0.append(float(xi0.astype(np.int64) @ ex.astype(np.int64)) / N)
        chain = tsm.StudentChain(examples, xi_star, xi0, p, "distinct", seed=run_ss)
        ser = chain.advance(max_sweeps, 0.0)
        n = ser["q_star"].shape[0]
        sweeps.append(n)
        local_min = local_min and bool(ser["accepted"][-1] == 0)
        q_fin.append(chain.q_star)
        m_fin.append(float(chain.xi.astype(np.int64) @ ex.astype(np.int64)) / N)
    q_fin, m_fin = np.array(q_fin), np.array(m_fin)
    return dict(q_star=float(q_fin.mean()), q_star_std=float(q_fin.std()), m_attack=float(m_fin.mean()),
                m_attack_std=float(m_fin.std()), q_star_start=float(np.mean(q0)), m_start=float(np.mean(m0)),
                retrieved_fraction=float(np.mean(q_fin > 0.5)), m_k=float(K[k]) / N, M=int(M), sweeps=int(max(sweeps)), local_minimum=bool(local_min),
                chains=chains)


def sweep_task(params: dict, sample: int, seed: np.random.SeedSequence) -> dict:
    """Task for :func:`montecarlo.sweep.run_sweep`: one data set per (params, sample) and a
    :func:`run` for every attack size in ``params["eps_values"]`` (the data are sampled once; each
    eps gets its own child of the task's SeedSequence).  params: p, N, alpha, eps_values, attack,
    chains, max_sweeps, optional T_teacher.  The data seed depends on (p, N, alpha, T_teacher,
    sample) only, so both attacks see the same examples.  Per-eps results are JSON lists."""
    import json

    from .sweep import seed_for

    p, N, alpha = int(params["p"]), int(params["N"]), float(params["alpha"])
    Tt = float(params.get("T_teacher", DEFAULT_T_TEACHER))
    data_ss = seed_for({"p": p, "N": N, "alpha": alpha, "T_teacher": Tt}, sample, master_seed=seed.entropy)
    M = mm.n_examples(alpha, N, p, "finite-noise")
    data = mm.sample_teacher(N, Tt, M, seed=data_ss)
    eps_values = [float(e) for e in params["eps_values"]]
    cols: dict[str, list] = {}
    for e, css in zip(eps_values, seed.spawn(len(eps_values))):
        r = run(p, N, alpha, e, attack=params.get("attack", "typical"), T_teacher=Tt,
                chains=params.get("chains", 1), max_sweeps=params.get("max_sweeps", 200), seed=css, data=data)
        for key, val in r.items():
            cols.setdefault(key, []).append(val)
    out = {k: json.dumps(v, separators=(",", ":")) for k, v in cols.items()
           if k not in ("M", "m_k", "chains")}  # chains is a parameter column
    out.update(eps=json.dumps(eps_values, separators=(",", ":")), M=int(M), m_k=float(cols["m_k"][0]))
    return out
