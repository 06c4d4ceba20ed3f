"""The experiment of the workshop paper (Negri et al. 2023, "Methods"; docs/theory/rfhm_dynamics.md Sec. 1.1):
magnetisations of the Random-Features Hopfield Model under exact zero-temperature dynamics.

Per sample (one instance):

1. ``P = round(alpha N)`` examples, ``D = round(alpha_D N)`` features (Python ``round``:
   ties to even, as Julia's ``round``).
2. Draws from ``numpy.random.default_rng(child 0 of the sample's SeedSequence)`` in this order:
   features F (N x D, as random bit words: :func:`montecarlo.patterns.draw_feature_bits`), the
   P train coefficients (``coefficients`` kind, ``L_train`` nonzero entries for "sparse"),
   then one test coefficient vector per ``L_test`` (always L_test nonzero +-1 entries:
   ``sign(F c)`` with a fresh c), then, for corrupted starts, the flip sets.  The instance is
   the same whichever kernel/layout is used.
3. Start states: the feature ``f_1``, the train example ``xi^1``, one test example per L_test.
   With ``initial_overlap=m0`` each start state is replaced by a copy in which exactly
   ``round((1 - m0) N / 2)`` uniformly chosen sites are flipped (basin-of-attraction studies);
   the observables are still overlaps with the *uncorrupted* targets.
4. All start states are relaxed together by an exact kernel (``kernel="auto"`` picks int8 or
   bits by :func:`montecarlo.zero_temperature.choose_kernel`) with the xoshiro256** stream
   seeded by child 1 of the sample's SeedSequence.
5. Observables: ``mu = f_1.s/N``, ``m_train = xi^1.s/N``, ``m_test[L] = xi_test.s/N``; sweeps
   used, converged flag, flips and visits at an exact zero field, per start state.

``train_start=False`` relaxes only the feature and the test examples (``m_train`` is NaN and
the ``sweeps_train``/``converged_train`` columns are absent), for figures that draw only mu and
m_test ([W] Fig. 3a).  The instance is the same, and every kernel evolves each start state
independently given the shared permutation stream (drawn once per sweep whichever start
states are still active), so mu, m_test and their per-start sweeps, converged flags, flips
and zero fields are *identical* to those of ``train_start=True`` with the same seed (tested);
the train start is often the costlier half of a sample where examples are not attractors.

Column layout (owned here; every sweep CSV of this task -- ``simulate rfhm``, the figures
``rfhm-fig1``, ``rfhm-fig3a``, ``rfhm-fig3b`` and the RFHM overlay -- has it, so each can feed
the others' reduction, e.g. ``figure rfhm-fig1 --from-csv`` a CSV of ``simulate rfhm``):
the grid parameters and ``sample`` (added by ``montecarlo.sweep``), then
:meth:`SampleResult.as_row`:

* ``P``, ``D``: examples and features;
* ``mu``, ``m_train``: overlaps of the relaxed feature and train example with their targets;
* ``m_test_<L>`` for each L_test (e.g. ``m_test_3``), ``m_test_dense`` for ``L_test="dense"``
  (:func:`m_test_column`);
* ``sweeps`` (largest over the relaxed start states), ``converged`` (all of them converged
  within ``max_sweeps``), and per start state ``sweeps_<start>``, ``converged_<start>``
  (start names ``feature``, ``train``, ``test_<L>``, ``test_dense``; ``train`` only with
  ``train_start=True``);
* ``flips``, ``zero_fields``: summed over the relaxed start states.

Memory: the chosen kernel's data (N*P bytes for int8, N*P/8 for bits) plus N*D bytes of
features and the coefficients during generation (B is written 64 examples at a time)
(:func:`sample_memory`); checked before allocation.  N*P is limited only by memory (int64
fields where int32 could overflow; docs/theory/rfhm_dynamics.md Sec. 4.4) and N by 2^32.
Time: ~ build + (sweeps summed over the start states) x N x P x const, calibrated in
:mod:`montecarlo.cost` (``benchmarks/rfhm_cost_calibration.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import patterns
from .sweep import run_sweep
from hopfield_phases._core.validation import check_memory, choice, flag, integer, positive, probability
from .zero_temperature import TIE_RULES, choose_kernel, kernel_memory, relax_bits, relax_int8

__all__ = ["SampleResult", "Instance", "build_instance", "run_sample", "sample_task", "sweep",
           "validate_parameters", "sample_memory", "START_NAMES", "m_test_column", "COLUMNS"]

START_NAMES = ("feature", "train")
#: columns present in every row of :meth:`SampleResult.as_row` (plus ``m_test_<L>`` per L_test)
COLUMNS = ("P", "D", "mu", "m_train", "sweeps", "converged", "flips", "zero_fields")


def _label(L):
    """The name of an L_test value in columns: an int, or "dense" (L = D)."""
    if L is None or (isinstance(L, str) and L.strip().lower() == "dense"):
        return "dense"
    try:
        return int(L)
    except (TypeError, ValueError):
        raise ValueError(f"L_test: expected integers or 'dense', got {L!r}") from None


def m_test_column(L) -> str:
    """Column of the test-example overlap for ``L_test = L``: ``m_test_3``, ``m_test_dense``."""
    return f"m_test_{_label(L)}"


@dataclass
class SampleResult:
    """Result of one sample.  ``m_test`` maps L_test (int, or "dense") -> overlap; ``sweeps``,
    ``converged``, ``flips`` and ``zero_fields`` map a start name ("feature", "train",
    "test_L", "test_dense") -> value."""

    N: int
    P: int
    D: int
    mu: float
    m_train: float
    m_test: dict
    sweeps: dict
    converged: dict
    flips: dict = field(default_factory=dict)
    zero_fields: dict = field(default_factory=dict)
    kernel: str = ""
    initial_overlap: float | None = None

    @property
    def all_converged(self) -> bool:
        return all(self.converged.values())

    def as_row(self) -> dict:
        """Flat scalar columns (for the sweep CSV; the layout of the module docstring)."""
        row = {"P": self.P, "D": self.D, "mu": self.mu, "m_train": self.m_train}
        for L, v in self.m_test.items():
            row[m_test_column(L)] = v
        row["sweeps"] = int(max(self.sweeps.values()))
        row["converged"] = bool(self.all_converged)
        for name in self.sweeps:
            row[f"sweeps_{name}"] = int(self.sweeps[name])
        for name in self.converged:
            row[f"converged_{name}"] = bool(self.converged[name])
        row["flips"] = int(sum(self.flips.values()))
        row["zero_fields"] = int(sum(self.zero_fields.values()))
        return row


@dataclass
class Instance:
    """One RFHM instance in the layout of its kernel (``X`` int8 N x P or ``B`` bits N x W)."""

    N: int
    P: int
    D: int
    kernel: str
    data: np.ndarray
    targets: np.ndarray  # R x N int8: feature, train, tests
    names: list
    starts: np.ndarray  # R x N int8 (== targets unless corrupted)


def _L_value(name, L, D):
    if L is None or (isinstance(L, str) and L.lower() == "dense"):
        return D
    L = integer(name, L, minimum=1)
    if L > D:
        raise ValueError(f"{name} must be <= D = round(alpha_D N) = {D}, got {L}")
    return L


def _derived_sizes(N, alpha, alpha_D, L_train=3, L_test=(3, 5, 7), coefficients="sparse",
                   tie="reference", max_sweeps=500, initial_overlap=None, kernel="auto"):
    """Every argument checked (ValueError naming the parameter) and the derived sizes
    ``(N, P, D, L_train, L_test tuple, kernel)``; no memory check, no allocation."""
    N = integer("N", N, minimum=2)
    if N >= 2**32:
        raise ValueError(f"N must be < 2^32, got {N}")
    alpha = positive("alpha", alpha)
    alpha_D = positive("alpha_D", alpha_D)
    choice("coefficients", coefficients, patterns.COEFFICIENT_KINDS)
    choice("tie", tie, TIE_RULES)
    choice("kernel", kernel, ("auto", "int8", "bits"))
    integer("max_sweeps", max_sweeps, minimum=1)
    if initial_overlap is not None:
        probability("initial_overlap", initial_overlap)
    for name, value in (("alpha", alpha), ("alpha_D", alpha_D)):
        if value * N > 2.0**62:
            raise ValueError(f"{name}: {name}*N = {value * N:.3g} is too large a count")
    P = int(round(alpha * N))
    D = int(round(alpha_D * N))
    if P < 1:
        raise ValueError(f"alpha: alpha*N = {alpha * N:g} gives P = round(alpha N) = 0 examples")
    if D < 1:
        raise ValueError(f"alpha_D: alpha_D*N = {alpha_D * N:g} < 1 gives no features")
    L_train = D if coefficients != "sparse" else _L_value("L_train", L_train, D)
    if isinstance(L_test, (int, np.integer, str)):
        L_test = (L_test,)
    L_test = tuple(_L_value("L_test", L, D) for L in L_test)
    if len(set(L_test)) != len(L_test):
        raise ValueError(f"L_test values must be distinct, got {L_test}")
    if N * P >= 2**63:
        raise ValueError(f"N: N*P = {N * P} exceeds the int64 field limit 2^63")
    k = choose_kernel(N, P) if kernel == "auto" else kernel
    return N, P, D, L_train, L_test, k


def _memory_need(N, P, D, L_train, n_tests, coefficients, k) -> int:
    """Peak bytes of one sample: kernel data + features + coefficients (+ for int8, the bit
    array it is unpacked from)."""
    R = 2 + n_tests
    if coefficients == "sparse" and 4 * L_train <= D:
        coef = 16 * P * L_train  # int64 positions (+ sort/redraw temporaries) and int8 signs
    else:
        coef = 17 * P * D  # P x D uniforms + argpartition indices, or dense positions + signs
    # generation writes B block by block (patterns.examples_bits): no example-major copy; the
    # int8 layout is unpacked from B (B and X coexist briefly)
    return int(kernel_memory(k, N, P, R) + N * D + coef
               + (N * ((P + 63) // 64) * 8 + N * P if k == "int8" else 0))


def sample_memory(N, alpha, alpha_D, L_train=3, L_test=(3, 5, 7), coefficients="sparse",
                  kernel="auto", **_ignored) -> int:
    """Bytes one :func:`run_sample` needs at its peak (the figure the memory guard checks);
    arguments as :func:`run_sample` (others ignored).  For cost estimates (no allocation)."""
    N, P, D, L_train, L_test, k = _derived_sizes(N, alpha, alpha_D, L_train, L_test, coefficients,
                                                 kernel=kernel)
    return _memory_need(N, P, D, L_train, len(L_test), coefficients, k)


def validate_parameters(N, alpha, alpha_D, L_train=3, L_test=(3, 5, 7), coefficients="sparse",
                        tie="reference", max_sweeps=500, initial_overlap=None, kernel="auto",
                        train_start=True):
    """Check every argument (ValueError naming the parameter) and return the derived sizes
    ``(N, P, D, L_train, L_test tuple, kernel)``; includes the memory check.  No allocation.

    Limits (docs/theory/rfhm_dynamics.md Sec. 4.4): ``N < 2^32`` (bounded random integers) and memory.
    N*P is *not* limited by 2^31: the kernels use int64 fields where int32 could overflow, so
    the real limit on N*P is the memory guard (about N*P/8 bytes bit-packed, N*P for int8,
    plus the generation buffers: :func:`sample_memory`)."""
    N, P, D, L_train, L_test, k = _derived_sizes(N, alpha, alpha_D, L_train, L_test, coefficients,
                                                 tie, max_sweeps, initial_overlap, kernel)
    flag("train_start", train_start)
    need = _memory_need(N, P, D, L_train, len(L_test), coefficients, k)
    check_memory("N", need, f"N = {N}, P = {P} (N*P = {N * P:.3g}) with the {k} kernel, whose "
                 "N*P is limited only by memory,")
    return N, P, D, L_train, L_test, k


def _seeds(seed):
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(
        integer("seed", seed, minimum=0))
    data_ss, dyn_ss = ss.spawn(2)
    return np.random.default_rng(data_ss), dyn_ss


def build_instance(N, alpha, alpha_D, L_train=3, L_test=(3, 5, 7), coefficients="sparse", seed=0,
                   initial_overlap=None, kernel="auto"):
    """Generate an instance (see the module docstring for the draw order); returns
    ``(Instance, dynamics SeedSequence)``."""
    L_arg = L_test
    N, P, D, L_train, L_test, k = validate_parameters(N, alpha, alpha_D, L_train, L_test, coefficients,
                                                      "reference", 1, initial_overlap, kernel)
    rng, dyn_ss = _seeds(seed)
    FB = patterns.draw_feature_bits(rng, N, D)
    c = patterns.draw_coefficients(rng, P, D, L_train, coefficients)
    tcoef = [patterns.draw_coefficients(rng, 1, D, L, "sparse") for L in L_test]
    bitpath = coefficients != "gaussian" and c.L <= 255
    F = None if bitpath else patterns.features_from_bits(FB, N)
    if bitpath:
        tests = [patterns.example_vector_bits(FB, N, ct.positions[0], ct.signs[0]) for ct in tcoef]
        feature = patterns.unpack_sites(FB[:1], N)[0]
    else:
        tests = [patterns.example_vector(F, ct.positions[0], ct.signs[0]) for ct in tcoef]
        feature = F[:, 0].copy()
    if k == "int8":
        if coefficients != "gaussian" and c.L <= 255:  # bit-parallel generation, then unpacked
            data = patterns.unpack_sites(patterns.examples_bits(None, c, FB=FB, N=N), P)
        else:
            data = patterns.examples_int8(F, c)
        train = data[:, 0].copy()
    else:
        data = patterns.examples_bits(None, c, FB=FB, N=N) if bitpath else patterns.examples_bits(F, c)
        train = ((data[:, 0] & np.uint64(1)).astype(np.int8) * np.int8(2) - np.int8(1)).astype(np.int8)
    del c
    targets = np.stack([feature, train, *tests]).astype(np.int8)
    labels = [_label(L) for L in ((L_arg,) if isinstance(L_arg, (int, np.integer, str)) or L_arg is None
                                  else L_arg)]
    names = ["feature", "train"] + [f"test_{lab}" for lab in labels]
    starts = targets
    if initial_overlap is not None:
        starts = targets.copy()
        n_flip = int(round((1.0 - float(initial_overlap)) * N / 2))
        for r in range(starts.shape[0]):
            idx = rng.choice(N, size=n_flip, replace=False)
            starts[r, idx] = -starts[r, idx]
    return Instance(N, P, D, k, data, targets, names, starts), dyn_ss


def run_sample(N, alpha, alpha_D, L_train=3, L_test=(3, 5, 7), coefficients="sparse", tie="reference",
               seed=0, max_sweeps=500, *, initial_overlap=None, kernel="auto",
               train_start=True) -> SampleResult:
    """One sample of the paper's experiment (module docstring): returns a :class:`SampleResult`
    with ``mu``, ``m_train``, ``m_test`` (dict L_test -> overlap), ``sweeps`` and ``converged``
    (dicts per start state).  ``seed``: int or ``numpy.random.SeedSequence``.
    ``L_train``: int, or "dense"/None for L = D (ignored unless ``coefficients="sparse"``).
    ``initial_overlap``: start from corrupted copies with this overlap (basin studies).
    ``train_start=False``: do not relax the train example (``m_train`` NaN); mu and m_test are
    those of ``train_start=True`` (module docstring).
    Bad input raises ``ValueError`` naming the parameter before any allocation."""
    validate_parameters(N, alpha, alpha_D, L_train, L_test, coefficients, tie, max_sweeps,
                        initial_overlap, kernel, train_start)
    inst, dyn_ss = build_instance(N, alpha, alpha_D, L_train, L_test, coefficients, seed,
                                  initial_overlap, kernel)
    rows = list(range(len(inst.names))) if train_start else [0] + list(range(2, len(inst.names)))
    starts = np.ascontiguousarray(inst.starts[rows])
    if inst.kernel == "int8":
        res = relax_int8(inst.data, starts, dyn_ss, tie, max_sweeps)
    else:
        res = relax_bits(inst.data, inst.P, starts, dyn_ss, tie, max_sweeps)
    ov = res.overlaps_with(inst.targets[rows])
    names = [inst.names[r] for r in rows]
    tests = [(n, v) for n, v in zip(names, ov) if n.startswith("test_")]
    return SampleResult(
        N=inst.N, P=inst.P, D=inst.D, mu=float(ov[0]),
        m_train=float(ov[1]) if train_start else float("nan"),
        m_test={_label(n.split("_", 1)[1]): float(v) for n, v in tests},
        sweeps={n: int(v) for n, v in zip(names, res.sweeps)},
        converged={n: bool(v) for n, v in zip(names, res.converged)},
        flips={n: int(v) for n, v in zip(names, res.flips)},
        zero_fields={n: int(v) for n, v in zip(names, res.zero_fields)},
        kernel=inst.kernel, initial_overlap=initial_overlap,
    )


_PARAM_NAMES = ("N", "alpha", "alpha_D", "L_train", "L_test", "coefficients", "tie", "max_sweeps",
                "initial_overlap", "train_start")


def sample_task(params: dict, sample: int, seed: np.random.SeedSequence) -> dict:
    """Sweep task (for :func:`montecarlo.sweep.run_sweep`): ``run_sample(**params, seed=seed)``
    flattened with :meth:`SampleResult.as_row`.  ``L_test`` may be a list or a comma string."""
    return run_sample(seed=seed, **_task_kwargs(params)).as_row()


def _task_kwargs(params: dict) -> dict:
    """:func:`run_sample` keywords of a grid point (``L_test``: list or comma string of ints
    and "dense"); ValueError on unknown parameters."""
    kw = {k: v for k, v in params.items() if k in _PARAM_NAMES}
    unknown = set(params) - set(_PARAM_NAMES)
    if unknown:
        raise ValueError(f"grid: unknown RFHM parameters {sorted(unknown)}")
    if isinstance(kw.get("L_test"), str):
        kw["L_test"] = [x.strip() for x in kw["L_test"].split(",") if x.strip()]
    if isinstance(kw.get("L_test"), (list, tuple)):
        kw["L_test"] = tuple(_label(x) for x in kw["L_test"])
    return kw


def _cost(params: dict) -> float:
    return float(params.get("N", 1)) ** 2 * float(params.get("alpha", 1.0))


def sweep(grid, samples, out, workers=None, executor="local", *, scheduler=None, master_seed=0,
          command=None, progress=True, description="RFHM magnetisations"):
    """Run :func:`run_sample` over ``grid`` x ``samples`` with :func:`montecarlo.sweep.run_sweep`.

    ``grid``: list of dicts of :func:`run_sample` keyword arguments (or a mapping name ->
    values, expanded as a product).  Every grid point is validated before any work.  Seeds per
    (params, sample) from ``master_seed``; the CSV has the parameter columns, ``sample``, and
    the columns of the module docstring (``P, D, mu, m_train, m_test_<L>..., sweeps,
    converged, sweeps_<start>, converged_<start>, flips, zero_fields``).
    Returns the CSV path."""
    from .sweep import expand_grid

    points = expand_grid(grid)
    for p in points:
        kw = _task_kwargs(p)
        if "N" not in kw or "alpha" not in kw or "alpha_D" not in kw:
            raise ValueError("grid: every point needs N, alpha and alpha_D")
        validate_parameters(**kw)
    return run_sweep(sample_task, points, samples, out, workers=workers, executor=executor,
                     scheduler=scheduler, master_seed=master_seed, command=command, progress=progress,
                     description=description, priority=_cost)
