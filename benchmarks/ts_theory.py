"""Benchmark of the dense teacher-student theory (issue 5).

* a p = 3 phase diagram on a 60 x 60 (alpha, T) grid (target < 60 s on one core), on the
  Nishimori line, at a fixed teacher temperature T* = 2 (where the 1RSB spin glass is needed) and
  with the paper's options at T* = 1.5 (its Fig. 5: ``competitor="rs-paramagnet"``,
  ``sg="rs-existence"``, ``eR_definition="memorization"``);
* ``nishimori_thresholds(p)`` for p = 3, 4, 5, 10 (target < 1 s each; the function caches per p,
  so the cache is cleared before each timing).

Times are CPU times of this process (``time.process_time``), so they are not inflated by other
jobs on the machine; run with ``OMP_NUM_THREADS=1`` for a strict one-core figure.
Usage: ``python benchmarks/ts_theory.py [--grid 60]``.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

import numpy as np

from hopfield_phases.theory import teacher_student as ts


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--grid", type=int, default=60)
    args = ap.parse_args(argv)
    n = args.grid
    for p in (3, 4, 5, 10):
        ts.student._nishimori.cache_clear()
        t = time.process_time()
        ts.nishimori_thresholds(p)
        dt = time.process_time() - t
        print(f"nishimori_thresholds({p:2d}): {dt:7.3f} s CPU   (target < 1 s: ratio {dt / 1.0:.3f})")
    paper = dict(competitor="rs-paramagnet", sg="rs-existence", eR_definition="memorization")
    for label, Ts, alphas, temps, opts in (
            ("Nishimori line", None, np.linspace(0.25, 25, n), np.linspace(0.5, 4, n), {}),
            ("T* = 2", 2.0, np.linspace(0.25, 32, n), np.linspace(0.3, 6, n), {}),
            ("T* = 1.5, paper", 1.5, np.linspace(0.0, 4, n), np.linspace(0.04, 4, n), paper)):
        t = time.process_time()
        d = ts.phase_diagram(3, alphas, temps, Ts, **opts)
        dt = time.process_time() - t
        counts = dict(Counter(d.labels.ravel()))
        print(f"p=3 phase diagram {n}x{n}, {label:15s}: {dt:7.2f} s CPU   (target < 60 s: ratio {dt / 60:.3f}); "
              f"labels {counts}; status {d.status} ({d.message})")


if __name__ == "__main__":
    main()
