"""Benchmark of the RFHM RS lines (theory/rfhm.py), one core, CPU time.

Targets (issue 4): the learning line at 50 alpha_D points in < 5 s; the three mixture
spinodals (n = 3, 5, 7) at 50 alpha points each in < 10 s.  Also times the storage line
(with-t) at 20 points for information, and the SNR feature fraction of issue 14 item 5
(target < 1 s).  Run:  python benchmarks/rfhm_theory.py
"""

from __future__ import annotations

import time

import numpy as np

from hopfield_phases.theory import rfhm


def _timed(fn):
    t0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - t0, time.perf_counter() - w0


def main() -> None:
    rfhm.alpha_inf_capacity(1)  # warm caches shared by all lines
    ads = np.linspace(0.002, 0.135, 50)
    for variant in ("sq", "lin"):
        line, cpu, wall = _timed(lambda: [rfhm.learning_transition(a, variant) for a in ads])
        print(f"learning line ({variant}), 50 points: cpu {cpu:.3f} s, wall {wall:.3f} s "
              f"(target < 5 s; ratio {cpu / 5.0:.3f}); all finite: {np.all(np.isfinite(line))}")
    alphas = np.geomspace(0.01, 1e3, 50)
    for variant in ("sq", "lin"):
        lines, cpu, wall = _timed(
            lambda: [[rfhm.mixture_spinodal(a, n, variant) for a in alphas] for n in (3, 5, 7)])
        print(f"mixture spinodals n=3,5,7 ({variant}), 3 x 50 points: cpu {cpu:.3f} s, "
              f"wall {wall:.3f} s (target < 10 s; ratio {cpu / 10.0:.3f})")
    ads = np.geomspace(1e-3, 10.0, 20)
    _, cpu, wall = _timed(lambda: [rfhm.storage_transition(a) for a in ads])
    print(f"storage line (with-t), 20 points: cpu {cpu:.3f} s, wall {wall:.3f} s")
    # issue 14 item 5: the SNR feature fraction at alpha/alpha_D L ~ 1e4 (was ~30 s)
    from hopfield_phases.theory import snr

    _, cpu, wall = _timed(lambda: snr.unstable_fraction_feature(2.0678, 0.002165, L=11))
    print(f"snr.unstable_fraction_feature(2.0678, 0.002165, L=11): cpu {cpu:.4f} s, "
          f"wall {wall:.4f} s (target < 1 s)")
    _, cpu, wall = _timed(lambda: snr.unstable_fraction_feature(2.0678, 0.002165, L=11, P=10**6,
                                                                D=10**6 // 955))
    print(f"  same with the finite-size law, P = 1e6: cpu {cpu:.4f} s, wall {wall:.4f} s")


if __name__ == "__main__":
    main()
