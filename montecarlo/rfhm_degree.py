"""Degree-resolved RFHM experiment: final feature overlap against the feature's degree.

Physics: ``docs/theory/rfhm_sparse_theory.md`` Secs. 1 and 6 (the "doc").  In the sparse
RFHM a feature k appears in ``n_k`` train examples (its *degree*, ~Poisson(alpha L/alpha_D));
the degree-resolved theory predicts retrieval iff ``n_k >= n_c(alpha)``.  This experiment
records, for many start features per network, the degree and the final overlap, so the theory
can be tested feature by feature (doc Sec. 6).

Per sample (one network):

1. ``P = round(alpha N)``, ``D = round(alpha_D N)`` (Python ``round``, as
   :mod:`montecarlo.rfhm`).
2. Draws from ``numpy.random.default_rng(child 0 of the sample's SeedSequence)`` in this order:
   features (bit rows, :func:`montecarlo.patterns.draw_feature_bits`), the P train
   coefficients (``coefficients`` kind, L nonzero +-1 entries for "sparse"), then, if
   ``test_starts > 0``, ``test_starts`` test coefficient vectors with ``L_test`` nonzero
   entries.
3. Start states, relaxed together in one batch by an exact zero-temperature kernel
   (:func:`montecarlo.zero_temperature.relax_int8` or ``relax_bits``, chosen by
   :func:`~montecarlo.zero_temperature.choose_kernel`; the dynamics stream is child 1 of the
   sample's SeedSequence): the first ``K = min(features, D)`` features ``f_0 .. f_{K-1}``
   (features are exchangeable, so these are a uniform sample), then the first
   ``train_starts`` train examples, then the ``test_starts`` test examples.
4. Observables: ``mu_k = f_k . s_k / N``; degree ``n_k`` = number of train examples whose
   coefficient vector contains feature k (from the coefficient positions; ``P`` for dense
   coefficients, where every example contains every feature); for train/test starts the
   overlap with the start and the smallest degree among its L features.

CSV columns of :func:`degree_task` (one row per (grid point, sample); the per-start lists are
``;``-joined strings, exploded by :func:`explode`):

=================  ========================================================================
``P``, ``D``, ``K``  examples, features, number of start features
``kernel``          exact kernel used (int8 / bits)
``degrees``         ``n_k`` of the K start features, ``;``-joined ints
``mus``             final ``mu_k``, ``;``-joined (6 decimals)
``sweeps``          sweeps used per start feature, ``;``-joined
``mu_mean``         mean of ``mus``
``all_converged``   every start (features, train, test) stopped before ``max_sweeps``
``train_m``         final overlaps of the train-example starts (``;``-joined, may be empty)
``train_min_degree``  the smallest degree among each train example's L features
``test_m``          final overlaps of the test-example starts
``test_min_degree``   the smallest train degree among each test example's L_test features
``train_max_degree``, ``test_max_degree``  the largest degree among the example's features
=================  ========================================================================

Memory: the kernel's data (N*P bytes int8, N*P/8 bits) + ~N*P/8 for the bit-parallel
generation + N*D/8 of feature bits + P*L*8 of coefficients (checked before allocation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import patterns
from .sweep import expand_grid, run_sweep
from .zero_temperature import TIE_RULES, choose_kernel, kernel_memory, relax_bits, relax_int8
from hopfield_phases._core.validation import check_memory, choice, integer, positive

__all__ = ["DegreeSample", "run_degree_sample", "degree_task", "degree_sweep", "explode",
           "validate_degree_parameters", "PARAMETERS"]

PARAMETERS = ("N", "alpha", "alpha_D", "L", "coefficients", "features", "train_starts",
              "test_starts", "L_test", "tie", "max_sweeps")


@dataclass
class DegreeSample:
    """One network: per start feature its degree and final overlap (arrays of length K)."""

    N: int
    P: int
    D: int
    kernel: str
    degrees: np.ndarray
    mus: np.ndarray
    sweeps: np.ndarray
    converged: np.ndarray
    train_m: np.ndarray
    train_min_degree: np.ndarray
    test_m: np.ndarray
    test_min_degree: np.ndarray
    train_max_degree: np.ndarray | None = None
    test_max_degree: np.ndarray | None = None

    def as_row(self) -> dict:
        j = lambda a, f="{:d}": ";".join(f.format(v) for v in a)
        return {
            "P": self.P, "D": self.D, "K": int(self.degrees.size), "kernel": self.kernel,
            "degrees": j(self.degrees), "mus": j(self.mus, "{:.6f}"), "sweeps": j(self.sweeps),
            "mu_mean": float(np.mean(self.mus)), "all_converged": bool(np.all(self.converged)),
            "train_m": j(self.train_m, "{:.6f}"), "train_min_degree": j(self.train_min_degree),
            "test_m": j(self.test_m, "{:.6f}"), "test_min_degree": j(self.test_min_degree),
            "train_max_degree": j(self.train_max_degree if self.train_max_degree is not None else []),
            "test_max_degree": j(self.test_max_degree if self.test_max_degree is not None else []),
        }


def validate_degree_parameters(N, alpha, alpha_D, L=3, coefficients="sparse", features=32,
                               train_starts=0, test_starts=0, L_test=3, tie="reference",
                               max_sweeps=500):
    """Check every argument (ValueError naming the parameter) and the memory; returns
    ``(N, P, D, L, K, kernel)``.  No allocation."""
    N = integer("N", N, minimum=2)
    alpha = positive("alpha", alpha)
    alpha_D = positive("alpha_D", alpha_D)
    choice("coefficients", coefficients, ("sparse", "dense"))
    features = integer("features", features, minimum=1)
    train_starts = integer("train_starts", train_starts, minimum=0)
    test_starts = integer("test_starts", test_starts, minimum=0)
    choice("tie", tie, TIE_RULES)
    integer("max_sweeps", max_sweeps, minimum=1)
    P = int(round(alpha * N))
    D = int(round(alpha_D * N))
    if P < 1:
        raise ValueError(f"alpha: alpha*N = {alpha * N:g} gives no examples")
    if D < 1:
        raise ValueError(f"alpha_D: alpha_D*N = {alpha_D * N:g} gives no features")
    if coefficients == "sparse":
        L = integer("L", L, minimum=1)
        if L > D:
            raise ValueError(f"L must be <= D = {D}, got {L}")
    else:
        L = D
    L_test = integer("L_test", L_test, minimum=1)
    if test_starts and L_test > D:
        raise ValueError(f"L_test must be <= D = {D}, got {L_test}")
    if train_starts > P:
        raise ValueError(f"train_starts must be <= P = {P}, got {train_starts}")
    if N * P >= 2**31:
        raise ValueError(f"N: N*P = {N * P} exceeds the int32 field limit 2^31")
    K = min(features, D)
    R = K + train_starts + test_starts
    k = choose_kernel(N, P, R)
    W = (P + 63) // 64
    need = (kernel_memory(k, N, P, R) + 8 * N * W + 8 * 64 * W * ((N + 63) // 64) + D * N // 8
            + 16 * P * L + R * N + (N * P if k == "int8" else 0))
    check_memory("N", need, f"N = {N}, P = {P} with the {k} kernel and {R} start states")
    return N, P, D, L, K, k


def run_degree_sample(N, alpha, alpha_D, L=3, coefficients="sparse", features=32, train_starts=0,
                      test_starts=0, L_test=3, tie="reference", max_sweeps=500, seed=0) -> DegreeSample:
    """One network of the degree-resolved experiment (module docstring).  ``seed``: int or
    ``numpy.random.SeedSequence``."""
    N, P, D, L, K, k = validate_degree_parameters(N, alpha, alpha_D, L, coefficients, features,
                                                  train_starts, test_starts, L_test, tie, max_sweeps)
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(
        integer("seed", seed, minimum=0))
    data_ss, dyn_ss = ss.spawn(2)
    rng = np.random.default_rng(data_ss)
    FB = patterns.draw_feature_bits(rng, N, D)
    c = patterns.draw_coefficients(rng, P, D, L, coefficients)
    if coefficients == "sparse":
        degree = np.bincount(c.positions.ravel(), minlength=D)
    else:
        degree = np.full(D, P, dtype=np.int64)
    tests = [patterns.draw_coefficients(rng, 1, D, L_test, "sparse") for _ in range(test_starts)]
    if c.L <= 255:
        B = patterns.examples_bits(None, c, FB=FB, N=N)
    else:
        B = patterns.examples_bits(patterns.features_from_bits(FB, N), c)
    train_pos = c.positions[:train_starts].copy()
    del c
    starts = [patterns.unpack_sites(FB[:K], N)]
    if train_starts:  # columns mu < train_starts of the bit-packed examples
        mu = np.arange(train_starts)
        bits = (B[:, mu >> 6] >> (mu & 63).astype(np.uint64)) & np.uint64(1)
        starts.append(np.ascontiguousarray((bits.T.astype(np.int8) * 2 - 1).astype(np.int8)))
    if test_starts:
        starts.append(np.stack([patterns.example_vector_bits(FB, N, t.positions[0], t.signs[0]) for t in tests]))
    S0 = np.concatenate(starts).astype(np.int8)
    if k == "int8":
        X = patterns.unpack_sites(B, P)
        del B
        res = relax_int8(X, S0, dyn_ss, tie, max_sweeps)
    else:
        res = relax_bits(B, P, S0, dyn_ss, tie, max_sweeps)
    ov = res.overlaps_with(S0)
    a, b = K, K + train_starts
    return DegreeSample(
        N=N, P=P, D=D, kernel=k, degrees=degree[:K].astype(np.int64), mus=ov[:a],
        sweeps=res.sweeps[:a].astype(np.int64), converged=res.converged.astype(bool),
        train_m=ov[a:b], train_min_degree=np.array([degree[p].min() for p in train_pos], dtype=np.int64),
        test_m=ov[b:], test_min_degree=np.array([degree[t.positions[0]].min() for t in tests], dtype=np.int64),
        train_max_degree=np.array([degree[p].max() for p in train_pos], dtype=np.int64),
        test_max_degree=np.array([degree[t.positions[0]].max() for t in tests], dtype=np.int64),
    )


def _kwargs(params: dict) -> dict:
    unknown = set(params) - set(PARAMETERS)
    if unknown:
        raise ValueError(f"grid: unknown rfhm-degree parameters {sorted(unknown)}")
    kw = dict(params)
    if kw.get("L") in ("dense", None):
        kw["coefficients"] = "dense"
        kw["L"] = 1
    return kw


def degree_task(params: dict, sample: int, seed: np.random.SeedSequence) -> dict:
    """Sweep task for :func:`montecarlo.sweep.run_sweep`: :func:`run_degree_sample` flattened
    by :meth:`DegreeSample.as_row` (columns in the module docstring).  ``L="dense"`` selects
    dense +-1 coefficients."""
    return run_degree_sample(seed=seed, **_kwargs(params)).as_row()


def _cost(params: dict) -> float:
    return float(params.get("N", 1)) ** 2 * float(params.get("alpha", 1.0))


def degree_sweep(grid, samples, out, workers=None, *, master_seed=0, command=None, progress=True,
                 description="RFHM degree-resolved feature retrieval"):
    """:func:`degree_task` over ``grid`` x ``samples`` (:func:`montecarlo.sweep.run_sweep`);
    every grid point validated before any work.  Returns the CSV path."""
    points = expand_grid(grid)
    for p in points:
        kw = _kwargs(p)
        if not {"N", "alpha", "alpha_D"} <= set(kw):
            raise ValueError("grid: every point needs N, alpha and alpha_D")
        validate_degree_parameters(**kw)
    return run_sweep(degree_task, points, samples, out, workers=workers, master_seed=master_seed,
                     command=command, progress=progress, description=description, priority=_cost)


def _split(text, kind):
    if text is None or text == "" or (isinstance(text, float) and np.isnan(text)):
        return np.empty(0, dtype=kind)
    return np.array([kind(v) for v in str(text).split(";")], dtype=kind)


def explode(rows) -> list[dict]:
    """Per-feature records from the CSV rows of :func:`degree_task`: each dict holds the
    row's parameters (N, alpha, alpha_D, L, sample, ...) and ``feature`` (index), ``degree``,
    ``mu``."""
    out = []
    skip = {"degrees", "mus", "sweeps", "train_m", "train_min_degree", "test_m", "test_min_degree",
            "train_max_degree", "test_max_degree"}
    for r in rows:
        base = {k: v for k, v in r.items() if k not in skip}
        for i, (n, mu) in enumerate(zip(_split(r["degrees"], int), _split(r["mus"], float))):
            out.append({**base, "feature": i, "degree": int(n), "mu": float(mu)})
    return out
