"""Reduction of the p = 3 overlap-landscape experiment (``docs/theory/teacher_student_theory.md`` Secs. 3.6
and 12): the RS theory curves V(q*) and their comparison with an umbrella-sampling estimate
(:mod:`hopfield_phases.montecarlo.umbrella`, which owns the simulation and the reweighting).
Used by ``figure ts-landscape`` and ``simulate ts-landscape``, so both report the same numbers
(:func:`hopfield_phases.compare.agreement.landscape_agreement`).

Theory: ``theory.teacher_student.landscape`` at N = infinity (``r = 1``) and with the coupling
realised by the sampled data, ``mu -> r_sample mu`` (Sec. 12 item (c); implemented by
``T* -> T*/r``, since T* enters V only through mu).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from . import agreement as ag

__all__ = ["theory_landscape", "compare_landscape", "feature_intervals", "VARIANTS"]

#: theory variants compared: name -> whether the coupling is the realised r_sample (else r = 1)
VARIANTS = ("N=inf", "r_sample")


def theory_landscape(p, alpha, T, T_teacher, q, r=1.0, interaction="distinct"):
    """Theory V(q*) (doc Sec. 3.6) at coupling mu -> r mu, on q in [0, 1) (nan elsewhere).

    mu = r alpha/(T T*) is realised by passing T*/r as the teacher temperature."""
    from hopfield_phases.theory import teacher_student as tt

    q = np.asarray(q, dtype=float)
    out = np.full(q.shape, np.nan)
    ok = (q >= 0) & (q < 1)
    out[ok] = tt.landscape(p, alpha, T, T_teacher / r, q_star=q[ok], interaction=interaction)
    return out


def feature_intervals(q, boot, n_boot: int, level: float = 0.68, **kw) -> dict:
    """Percentile intervals of the landscape features (:func:`agreement.landscape_features`)
    over the bootstrap replicas ``boot`` (rows: V of the replicas whose reweighting converged;
    ``n_boot`` replicas were requested).  Returns feature -> ``(lo, hi, n_failed)``, where
    ``n_failed`` counts the replicas that failed to reweight or lack the feature; no interval
    (NaN) when more than half failed."""
    boot = np.asarray(boot, dtype=float).reshape(-1, len(q))
    F = [ag.landscape_features(q, vb, **kw) for vb in boot]
    out = {}
    for key in ("q_R", "q_B", "depth", "dV"):
        v = np.array([f[key] for f in F], dtype=float)
        good = v[np.isfinite(v)]
        failed = int(n_boot - len(good))
        if len(good) and len(good) >= 0.5 * n_boot:
            lo, hi = np.quantile(good, [(1 - level) / 2, (1 + level) / 2])
        else:
            lo = hi = math.nan
        out[key] = (float(lo), float(hi), failed)
    return out


def compare_landscape(q, V, V_err, p, alpha, T, T_teacher, r_sample, *,
                      interaction="distinct") -> dict:
    """Theory curves shifted onto the MC landscape and their agreement.

    Returns variant -> ``dict(curve=V_theory + shift (nan outside [0, 1)), agreement=dict of
    :func:`agreement.landscape_agreement` with V_err weights)`` for the variants ``N=inf`` and
    ``r_sample``."""
    out = {}
    for variant in VARIANTS:
        r = float(r_sample) if variant == "r_sample" else 1.0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            Vt = theory_landscape(p, alpha, T, T_teacher, q, r, interaction)
        a = ag.landscape_agreement(q, V, Vt, V_err=V_err)
        out[variant] = dict(curve=Vt + a.get("shift", 0.0), agreement=a)
    return out
