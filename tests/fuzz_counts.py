"""Fuzzing the public theory and Monte Carlo entry points (issue 14): specs and outcome counts.

Not a test: ``tests/test_fuzz.py`` imports the specs from here; run this script to print the
table of outcomes per module (ok / ValueError / TypeError naming a parameter, unnamed
ValueError/TypeError, other exception, timeout)::

    python tests/fuzz_counts.py [EXAMPLES_PER_FUNCTION]   # default 40

Every argument of a call is either one of a few valid values or one of a fixed list of hostile
values (0, negatives, 1e-200, 1e300, 10**400, nan, +-inf, bool, str, bytes, None, lists,
complex, huge integers).  A call is bounded in time by SIGALRM (Python-level code only);
calls known to hang in code that ignores SIGALRM (:func:`known_hang`) are not made and are
counted as timeouts.
"""

from __future__ import annotations

import math
import os
import re
import signal
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HOPFIELD_MEMORY_LIMIT", str(2 * 10**9))  # Monte Carlo guards refuse early

#: seconds one call may take before it counts as a timeout.
TIME_BOUND = 8.0

NASTY_REAL = [0.0, -1.0, 1e-200, 1e300, 10**400, math.nan, math.inf, -math.inf, True, "0.5",
              None, b"1", [1.0], 1j]
NASTY_INT = [0, -1, 1, 2, 10**9, 10**20, 1e20, 2.5, True, "3", None, math.nan]
NASTY_CHOICE = ["bogus", None, 3, ""]

OUTCOMES = ("ok", "ValueError", "TypeError", "unnamed", "other", "timeout")


@dataclass
class Spec:
    """One public function: its valid values and the kind of each argument."""

    module: str
    name: str
    func: Callable
    valid: dict  # argument -> list of valid values (the first is typical)
    kinds: dict  # argument -> "real" | "int" | "choice"
    aliases: tuple = ()  # derived names a message may name instead (e.g. M for alpha)
    examples: int = 12  # default number of fuzz examples in the test suite

    @property
    def label(self) -> str:
        return f"{self.module}.{self.name}"

    def nasty(self, arg):
        return {"real": NASTY_REAL, "int": NASTY_INT, "choice": NASTY_CHOICE}[self.kinds[arg]]


def specs() -> list[Spec]:
    from hopfield_phases.montecarlo import rfhm as mc_rfhm
    from hopfield_phases.montecarlo import teacher_student as mc_ts
    from hopfield_phases.theory import hopfield, rfhm, snr
    from hopfield_phases.theory import teacher_student as ts
    from hopfield_phases.theory.teacher_student import teacher

    R, I, C = "real", "int", "choice"
    out = [
        Spec("theory.hopfield", "solve", hopfield.solve,
             {"alpha": [0.05, 0.1, 0.0], "T": [0.2, 0.5, 0.0], "n": [1, 3]}, {"alpha": R, "T": R, "n": I}),
        Spec("theory.hopfield", "critical_temperature", hopfield.critical_temperature,
             {"alpha": [0.05, 0.01], "line": ["retrieval_spinodal", "spin_glass"], "n": [1, 3]},
             {"alpha": R, "line": C, "n": I}),
        Spec("theory.hopfield", "capacity", hopfield.capacity, {"n": [1, 3, 5]}, {"n": I}),
        Spec("theory.hopfield", "phase_diagram", hopfield.phase_diagram,
             {"alphas": [[0.05], [0.01, 0.1]], "lines": [("spin_glass",)], "n_list": [(3,)],
              "points": [4]}, {"alphas": R, "lines": C, "n_list": I, "points": I}, examples=6),
        Spec("theory.rfhm", "solve", rfhm.solve,
             {"alpha": [0.1, 0.5], "alpha_D": [0.02, 0.1], "T": [0.0, 0.1], "n": [1, 3]},
             {"alpha": R, "alpha_D": R, "T": R, "n": I}),
        Spec("theory.rfhm", "learning_transition", rfhm.learning_transition,
             {"alpha_D": [0.02, 0.1], "variant": ["sq", "lin"]}, {"alpha_D": R, "variant": C}),
        Spec("theory.rfhm", "mixture_spinodal", rfhm.mixture_spinodal,
             {"alpha": [1.0, 0.1], "n": [3, 5], "variant": ["sq"]}, {"alpha": R, "n": I, "variant": C}),
        Spec("theory.rfhm", "storage_transition", rfhm.storage_transition,
             {"alpha_D": [0.2, 1.0], "storage": ["with_t", "no_t"]}, {"alpha_D": R, "storage": C}),
        Spec("theory.snr", "noise_variance", snr.noise_variance,
             {"alpha": [0.1, 1.0], "alpha_D": [0.05, 0.5], "L": [3, None]}, {"alpha": R, "alpha_D": R, "L": I}),
        Spec("theory.snr", "unstable_fraction_feature", snr.unstable_fraction_feature,
             {"alpha": [0.1, 0.5], "alpha_D": [0.05, 0.5], "L": [3, None]},
             {"alpha": R, "alpha_D": R, "L": I}),
        Spec("theory.snr", "unstable_fraction_example", snr.unstable_fraction_example,
             {"alpha": [0.1, 0.5], "alpha_D": [0.05, 0.5], "L": [3, None]},
             {"alpha": R, "alpha_D": R, "L": I}),
        Spec("theory.snr", "d_gen_dense", snr.d_gen_dense, {"N": [1000, 200], "alpha": [0.1, 0.3]},
             {"N": I, "alpha": R}),
        Spec("theory.teacher_student", "solve", ts.solve,
             {"p": [3, 4], "alpha": [5.0, 1.0], "T": [2.0, 1.0], "T_teacher": [None, 2.0]},
             {"p": I, "alpha": R, "T": R, "T_teacher": R}),
        Spec("theory.teacher_student", "phase", ts.phase,
             {"p": [3], "alpha": [5.0, 1.0], "T": [2.0, 1.0], "T_teacher": [None, 2.0]},
             {"p": I, "alpha": R, "T": R, "T_teacher": R}),
        Spec("theory.teacher_student", "boundary", ts.boundary,
             {"p": [3], "kind": ["gR", "lR"], "T_teacher": [2.0, None], "temperatures": [(2.0,)]},
             {"p": I, "kind": C, "T_teacher": R, "temperatures": R}, examples=8),
        Spec("theory.teacher_student", "nishimori_thresholds", ts.nishimori_thresholds,
             {"p": [3, 4, 10]}, {"p": I}),
        Spec("theory.teacher_student.teacher", "m_bar", teacher.m_bar,
             {"p": [3, 4], "T_teacher": [2.0, 1.0]}, {"p": I, "T_teacher": R}),
        Spec("theory.teacher_student.teacher", "magnetization_branches", teacher.magnetization_branches,
             {"p": [3, 4], "T_teacher": [2.0, 1.0]}, {"p": I, "T_teacher": R}),
        Spec("theory.teacher_student.teacher", "critical_temperature", teacher.critical_temperature,
             {"p": [3, 4]}, {"p": I}),
        Spec("theory.teacher_student.teacher", "coupling_ratio", teacher.coupling_ratio,
             {"N": [100, 50], "p": [3], "T_teacher": [2.0, 3.0]}, {"N": I, "p": I, "T_teacher": R}),
        Spec("theory.teacher_student.teacher", "distinct_index_polynomial", teacher.distinct_index_polynomial,
             {"p": [3, 4], "X": [2.0, 0.0], "N": [10, 100]}, {"p": I, "X": R, "N": I}),
        Spec("montecarlo.rfhm", "run_sample", mc_rfhm.run_sample,
             {"N": [100, 60], "alpha": [0.1, 0.2], "alpha_D": [0.1, 0.05], "L_train": [3],
              "L_test": [(3,)], "max_sweeps": [50]},
             {"N": I, "alpha": R, "alpha_D": R, "L_train": I, "L_test": I, "max_sweeps": I},
             aliases=("P", "D", "L")),
        Spec("montecarlo.teacher_student", "run", mc_ts.run,
             {"p": [3], "N": [16, 20], "alpha": [1.0, 2.0], "T": [2.0, 0.0], "T_teacher": [2.0],
              "sweeps": [20]},
             {"p": I, "N": I, "alpha": R, "T": R, "T_teacher": R, "sweeps": I}, aliases=("M",)),
        Spec("montecarlo.teacher_student", "sample_teacher", mc_ts.sample_teacher,
             {"N": [16, 20], "p": [3], "T_teacher": [2.0, 1.0], "M": [10, 0]},
             {"N": I, "p": I, "T_teacher": R, "M": I}),
    ]
    return out


class CallTimeout(Exception):
    pass


def _big(v, limit=10**8) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v >= limit


def known_hang(spec: Spec, kwargs: dict) -> str | None:
    """Calls that would not be made because they hang (none are known now; kept as the hook
    for reporting such cases as timeouts)."""
    return None


def _alarm(signum, frame):
    raise CallTimeout()


def names_a_parameter(message: str, spec: Spec) -> bool:
    names = list(spec.valid) + list(spec.aliases)
    return any(re.search(rf"(^|[^A-Za-z0-9_]){re.escape(n)}([^A-Za-z0-9_]|$)", message) for n in names)


def call(spec: Spec, kwargs: dict, bound: float = TIME_BOUND):
    """Run one call; returns (outcome, exception or None, seconds)."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, bound)
    t0 = time.perf_counter()
    try:
        spec.func(**kwargs)
        outcome, exc = "ok", None
    except CallTimeout as e:
        outcome, exc = "timeout", e
    except (ValueError, TypeError) as e:
        exc = e
        outcome = type(e).__name__ if isinstance(e, (ValueError, TypeError)) and names_a_parameter(str(e), spec) \
            else "unnamed"
        if outcome not in ("ValueError", "TypeError", "unnamed"):  # subclasses
            outcome = "ValueError" if isinstance(e, ValueError) else "TypeError"
    except Exception as e:  # noqa: BLE001 - counted
        outcome, exc = "other", e
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return outcome, exc, time.perf_counter() - t0


def strategy(spec: Spec):
    from hypothesis import strategies as st

    return st.fixed_dictionaries({
        a: st.one_of(st.sampled_from(vals), st.sampled_from(spec.nasty(a)))
        for a, vals in spec.valid.items()})


def counts(examples: int = 40, stream=sys.stdout) -> dict:
    """Fuzz every spec with ``examples`` derandomized hypothesis examples; print the table."""
    from hypothesis import HealthCheck, given, settings

    table: dict[str, Counter] = defaultdict(Counter)
    worst: dict[str, list] = defaultdict(list)
    for spec in specs():
        @settings(derandomize=True, max_examples=examples, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(kw=strategy(spec))
        def run(kw):
            if known_hang(spec, kw):
                table[spec.module]["timeout"] += 1
                worst[spec.label].append(("timeout (not called)", kw, known_hang(spec, kw)[:60]))
                return
            outcome, exc, dt = call(spec, kw)
            table[spec.module][outcome] += 1
            if outcome in ("unnamed", "other", "timeout"):
                worst[spec.label].append((outcome, kw, repr(exc)[:120]))

        run()
    w = max(len(m) for m in table) + 2
    print(f"{'module':<{w}}" + "".join(f"{o:>11}" for o in OUTCOMES) + f"{'calls':>8}", file=stream)
    for m in sorted(table):
        c = table[m]
        print(f"{m:<{w}}" + "".join(f"{c[o]:>11}" for o in OUTCOMES) + f"{sum(c.values()):>8}",
              file=stream)
    print("\nfailures (first 3 per function):", file=stream)
    for label, items in sorted(worst.items()):
        for outcome, kw, exc in items[:3]:
            print(f"  {label} {outcome}: {kw} -> {exc}", file=stream)
    return {m: dict(c) for m, c in table.items()}


if __name__ == "__main__":
    counts(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
