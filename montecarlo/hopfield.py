"""The standard Hopfield network (Hopfield 1982; Amit, Gutfreund & Sompolinsky 1987) as a sweep
task: the simulation points drawn over the AGS phase diagram (``figure hopfield-phase-diagram``;
``docs/theory/rfhm_theory.md`` Secs. 3.2-3.4).

Per sample: ``P = max(1, round(alpha N))`` random +-1 patterns (site-major int8, drawn from
child 0 of the sample's SeedSequence), the network started from pattern 0 and run with
child 1's stream: exact zero-temperature asynchronous dynamics
(``montecarlo.zero_temperature.relax_int8``, at most 500 sweeps) at T = 0, Metropolis
(``montecarlo.metropolis.metropolis``, ``sweeps`` sweeps, the second half averaged) at T > 0.

Columns of :func:`hopfield_task`: ``P``; ``m``, the final (T = 0) or time-averaged (T > 0)
overlap with pattern 0; ``converged`` (T = 0: the relaxation reached a fixed point within its
sweep cap; T > 0: always True, the run length is fixed).
"""

from __future__ import annotations

import numpy as np

from hopfield_phases._core.validation import integer, nonnegative, positive

__all__ = ["hopfield_task", "MAX_SWEEPS_T0"]

MAX_SWEEPS_T0 = 500


def hopfield_task(params: dict, sample: int, seed) -> dict:
    """Sweep task (:func:`montecarlo.sweep.run_sweep`).  ``params``: ``N``, ``alpha``, ``T``
    and, for T > 0, ``sweeps``.  ``seed``: the sweep's SeedSequence (or an int)."""
    from .metropolis import metropolis
    from .zero_temperature import relax_int8

    N = integer("N", params["N"], minimum=2)
    alpha = positive("alpha", params["alpha"])
    T = nonnegative("T", params["T"])
    P = max(1, int(round(alpha * N)))
    # a copy of the sweep's SeedSequence, so that spawning does not alter the caller's
    data_ss, dyn_ss = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key).spawn(2) \
        if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed).spawn(2)
    rng = np.random.default_rng(data_ss)
    X = (2 * rng.integers(0, 2, size=(N, P)) - 1).astype(np.int8)
    start = X[:, 0].copy()[None, :]
    dyn_seed = int(dyn_ss.generate_state(1, dtype=np.uint32)[0])
    if T == 0.0:
        res = relax_int8(X, start, seed=dyn_seed, max_sweeps=MAX_SWEEPS_T0)
        return {"P": P, "m": float(res.overlaps_with(start)[0]), "converged": bool(res.converged[0])}
    n = integer("sweeps", params["sweeps"], minimum=2)
    res = metropolis(X, start, T, n_sweeps=n, n_burn=n // 2, seed=dyn_seed)
    return {"P": P, "m": float(res.mean_overlap[0]), "converged": True}
