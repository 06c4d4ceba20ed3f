"""Recovery of the teacher's pattern from a corrupted start: Monte Carlo.

Physics: docs/theory/teacher_student_theory.md Sec. 12 (the MC protocol: exact teacher, distinct-index
student, single-spin Metropolis with random sequential sweeps, or T = 0 descent), Sec. 3.6
(the landscape V(q*) that governs the recovery) and Sec. 6 (eR, the aligned teacher).  The
question is the poster's "Discussion" claim: starting the student from a corrupted copy of
xi*, recovery is much faster with prototypes (eR) than with features (lR/gR).

Experiment
----------
One run = one data set (teacher pattern xi* and M = round(alpha N^{p-1}/p!) exact teacher
examples at T*, :func:`montecarlo.teacher_student.sample_teacher`) and one student chain
(:class:`montecarlo.teacher_student.StudentChain`) started at
:func:`montecarlo.teacher_student.corrupted_start`: xi* with round(N (1 - q0)/2) sites
flipped, so that the initial overlap is q0 (to 2/N).  The chain runs at temperature T
(T = 0: zero-temperature descent, which stops at the first sweep without an accepted flip,
i.e. at a single-flip local minimum) until q* = xi.xi*/N first reaches ``threshold``, or
``budget`` sweeps have been done.  The recovery time is the number of completed sweeps at
the end of which q* >= threshold (0 when the start already has q0 >= threshold); it is NaN
when the chain does not recover within the budget (a censored time, bounded below by the
budget).

The chain advances in chunks (1, 2, 4, ... up to 64 sweeps) and stops after the first chunk
in which the threshold is reached; since the sweeps form one deterministic sequence for a
given seed, the chunking does not change the result.

Seeds (as :func:`montecarlo.teacher_student.sweep_task`): the data set is seeded by
``seed_for({p, N, alpha, T_teacher, teacher_interaction}, sample, master_seed)`` so that every
q0 and every student temperature of one sample sees the same teacher and examples; the
pair's own SeedSequence is split into the corruption draw and the dynamics' stream.

Task columns (:func:`recovery_task`, for :func:`montecarlo.sweep.run_sweep`)
---------------------------------------------------------------------------
``recovered``      bool: q* reached ``threshold`` within ``budget`` sweeps.
``t_rec``          recovery time in sweeps (float; 0 if q0 >= threshold; NaN if not recovered).
``sweeps_done``    sweeps actually run (<= budget; at T = 0 the descent may stop earlier).
``stuck``          bool: T = 0 only, the descent reached a local minimum without recovering.
``q_initial``      the realised initial overlap (q0 to within 2/N).
``q_final``        q* at the end of the run.
``q_max``          largest q* seen during the run.
``m_final``        max_a |xi.sigma^a|/N at the end of the run (memorisation of one example).
``M``              number of examples.
``r_sample``       realised teacher-student coupling ratio of this data set (doc Sec. 2, 12).

Grid parameters: ``p, N, alpha, T, T_teacher, q0`` (required); ``threshold`` (default 0.8),
``budget`` (default 200), ``interaction`` (default 'distinct'), ``teacher_interaction``
(default 'literal'), ``engine`` (default 'reference'); any other (string) labels such as
``path`` and ``regime`` are carried along unused.

Engines (the same Markov chain law, different random streams, so a grid point's rows differ
between engines; the engine is a grid parameter, so their rows never mix in one table):

``reference``  :func:`montecarlo.teacher_student.sample_teacher` (int8 examples) and
               :class:`montecarlo.teacher_student.StudentChain`, at every T.
``packed``     :func:`montecarlo.ts_fast.sample_teacher_packed` (``method='fast'``, about
               20x faster data) and, at T > 0 and p = 3, one chain of the bit-packed
               :class:`montecarlo.ts_fast.ChainSet` (its fast p = 3 kernel: 4.7x the reference's
               sweeps per second at N = 512, alpha = 7).  Otherwise :class:`StudentChain` runs on
               the unpacked examples: the T = 0 descent (``ChainSet`` has no T = 0 rule) and
               p != 3, where ``ChainSet``'s general-p path is slower than the reference (2.5x
               slower at p = 4, N = 96, alpha = 7; measured 2026-11-29).  Memory N*M/8 bytes on
               the ``ChainSet`` path, N*M otherwise.

Cost: O(N M) per sweep = O(alpha N^p / p!), times the sweeps done; N*M bytes of memory
(``reference``).
This module never imports ``theory``.
"""

from __future__ import annotations

import math

import numpy as np

from . import teacher_sampling as tsamp
from . import teacher_student as tsm
from .sweep import seed_for

__all__ = ["RECOVERY_COLUMNS", "ENGINES", "first_crossing", "recover", "recovery_task"]

RECOVERY_COLUMNS = ("recovered", "t_rec", "sweeps_done", "stuck", "q_initial", "q_final",
                    "q_max", "m_final", "M", "r_sample")
DATA_KEYS = tsm.DATA_KEYS
_MAX_CHUNK = 64
ENGINES = ("reference", "packed")


class _PackedChain:
    """One chain of a bit-packed :class:`montecarlo.ts_fast.ChainSet`, seen through the part of
    :class:`montecarlo.teacher_student.StudentChain`'s interface that :func:`recover` uses
    (``N, M, X, q_star, advance``; T > 0 only)."""

    def __init__(self, data, xi0, p, interaction, seed):
        from .ts_fast import ChainSet

        self._set = ChainSet(data, xi0[None, :], p, interaction, seed=seed)
        self.N, self.M = self._set.N, self._set.M

    @property
    def X(self) -> np.ndarray:
        return self._set.X[0]

    @property
    def q_star(self) -> float:
        return float(self._set.q_star[0])

    def advance(self, n_sweeps, T):
        out = self._set.advance(n_sweeps, T)
        return {k: v[0] for k, v in out.items() if k in ("q_star", "energy", "m", "accepted")}


def first_crossing(q_series, threshold: float) -> int:
    """Index (0-based) of the first entry of ``q_series`` >= ``threshold``; -1 if none."""
    q = np.asarray(q_series, dtype=float)
    hit = np.flatnonzero(q >= threshold)
    return int(hit[0]) if hit.size else -1


def _check_threshold(threshold) -> float:
    try:
        thr = float(threshold)
    except (TypeError, ValueError):
        raise ValueError(f"threshold must be a number in (-1, 1], got {threshold!r}") from None
    if not (-1.0 < thr <= 1.0):
        raise ValueError(f"threshold must be a number in (-1, 1], got {threshold!r}")
    return thr


def recover(chain: "tsm.StudentChain", T: float, threshold: float = 0.8, budget: int = 200) -> dict:
    """Run ``chain`` at temperature T until q* >= threshold or ``budget`` sweeps (module doc).

    Returns the columns ``recovered, t_rec, sweeps_done, stuck, q_final, q_max, m_final``.
    """
    thr = _check_threshold(threshold)
    budget = tsamp.check_positive_int("budget", budget, minimum=0)
    T = tsamp.check_temperature("T", T, allow_inf=False)
    q_max = chain.q_star
    if chain.q_star >= thr:
        m0 = float(np.max(np.abs(chain.X))) / chain.N if chain.M else 0.0
        return dict(recovered=True, t_rec=0.0, sweeps_done=0, stuck=False,
                    q_final=float(chain.q_star), q_max=float(q_max), m_final=m0)
    done, chunk, t_rec, stuck, m_final = 0, 1, math.nan, False, math.nan
    while done < budget:
        n = min(chunk, budget - done)
        s = chain.advance(n, T)
        k = s["q_star"].shape[0]
        if k:
            q_max = max(q_max, float(np.max(s["q_star"])))
            m_final = float(s["m"][-1])
        i = first_crossing(s["q_star"], thr)
        if i >= 0:
            t_rec = float(done + i + 1)
            done += k
            break
        done += k
        if k < n:  # T = 0 descent stopped at a local minimum below the threshold
            stuck = True
            break
        chunk = min(2 * chunk, _MAX_CHUNK)
    if math.isnan(m_final):
        m_final = float(np.max(np.abs(chain.X))) / chain.N if chain.M else 0.0
    return dict(recovered=bool(math.isfinite(t_rec)), t_rec=t_rec, sweeps_done=int(done),
                stuck=bool(stuck), q_final=float(chain.q_star), q_max=float(q_max),
                m_final=float(m_final))


def recovery_task(params: dict, sample: int, seed: np.random.SeedSequence) -> dict:
    """Task for :func:`montecarlo.sweep.run_sweep`: one recovery run (columns: module doc)."""
    for key in ("p", "N", "alpha", "T", "T_teacher", "q0"):
        if key not in params:
            raise ValueError(f"params must contain {key!r}")
    p = tsamp.check_p(params["p"])
    N = tsamp.check_positive_int("N", params["N"], minimum=2)
    alpha = float(params["alpha"])
    if not math.isfinite(alpha) or alpha < 0:
        raise ValueError(f"alpha must be a non-negative number, got {params['alpha']!r}")
    T = tsamp.check_temperature("T", params["T"], allow_inf=False)
    T_teacher = tsamp.check_temperature("T_teacher", params["T_teacher"], allow_zero=False)
    q0 = float(params["q0"])
    if not (-1.0 <= q0 <= 1.0):
        raise ValueError(f"q0 must be in [-1, 1], got {params['q0']!r}")
    thr = _check_threshold(params.get("threshold", 0.8))
    budget = tsamp.check_positive_int("budget", params.get("budget", 200), minimum=0)
    interaction = params.get("interaction", "distinct")
    teacher_interaction = params.get("teacher_interaction", "literal")
    tsamp.check_interaction("interaction", interaction)
    tsamp.check_interaction("teacher_interaction", teacher_interaction)
    engine = params.get("engine", "reference")
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    M = tsm.n_examples(alpha, N, p)
    tsamp.check_size(N, M)

    data = {k: params[k] for k in DATA_KEYS if k in params}
    data_ss = seed_for(data, sample, master_seed=seed.entropy)
    init_ss, run_ss = seed.spawn(2)
    if engine == "reference":
        xi_star, examples = tsm.sample_teacher(N, p, T_teacher, M, seed=data_ss,
                                               interaction=teacher_interaction)
        K = examples.astype(np.int64) @ xi_star.astype(np.int64)
    else:
        from .ts_fast import sample_teacher_packed, unpack_examples

        packed = sample_teacher_packed(N, p, T_teacher, M, seed=data_ss,
                                       interaction=teacher_interaction, method="fast")
        xi_star, K = packed.xi_star, packed.K[:M]
    r_sample = float(tsamp.realized_coupling_ratio(K, N, p, T_teacher)) if M else math.nan
    xi0 = tsm.corrupted_start(xi_star, q0, np.random.default_rng(init_ss))
    if engine == "packed" and T > 0 and M > 0 and p == 3:
        chain = _PackedChain(packed, xi0, p, interaction, run_ss)
    else:
        if engine == "packed":
            examples = unpack_examples(packed.bits, M)
        chain = tsm.StudentChain(examples, xi_star, xi0, p, interaction, seed=run_ss)
    q_initial = float(chain.q_star)
    out = recover(chain, T, thr, budget)
    out.update(q_initial=q_initial, M=int(M), r_sample=r_sample)
    return {k: out[k] for k in RECOVERY_COLUMNS}
