"""Statistics of Markov chains: integrated autocorrelation time, error of the mean, and the
first-half / second-half check (docs/theory/teacher_student_theory.md Sec. 12, observables and averages).

Integrated autocorrelation time
-------------------------------
Convention (emcee's, Sokal's notes p. 16 up to a factor 2):

    tau_int = 1 + 2 sum_{t >= 1} rho(t),

the number of steps per effectively independent sample: ``tau_int = 1`` for uncorrelated
data, ``(1 + a)/(1 - a)`` for an AR(1) series with coefficient a, and the error of the mean of
n samples is ``std * sqrt(tau_int / n)``.  The estimator is emcee's
(:func:`emcee.autocorr.integrated_time`: FFT autocorrelation, Sokal's automatic window, the
first W with ``W >= c tau_int(W)``, c = 5).  (Before this module, :mod:`montecarlo.teacher_student`
reported Sokal's ``1/2 + sum rho``, half this value; the error bars are unchanged.)

A chain shorter than ``MIN_TAU_MULTIPLE = 50`` tau_int gives an unreliable tau_int and error
bar (emcee's ``tol``); :func:`integrated_time` then emits a :class:`ShortChainWarning`
instead of failing, so that long sweeps finish and the warning (and the ``n_tau`` column of
the summaries) tells which points need longer runs.

Summaries
---------
:func:`summarize_chain` gives mean, std, error of the mean from tau_int, and the means of the
two halves with their z-score (difference over the combined error, each half's error from its
own std and tau_int): ``|z| > 3`` flags a chain that is still drifting
(equilibration or a slow escape).  :func:`summarize` applies it to the per-sweep series of a
teacher-student chain (means over the last 2/3 of the sweeps, doc Sec. 12).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass

import numpy as np
from emcee.autocorr import integrated_time as _emcee_integrated_time

__all__ = [
    "MIN_TAU_MULTIPLE",
    "ShortChainWarning",
    "integrated_time",
    "integrated_autocorrelation_time",
    "ChainSummary",
    "summarize_chain",
    "summarize",
]

#: a chain should be at least this many tau_int long for tau_int and the error bar to be trusted
MIN_TAU_MULTIPLE = 50


class ShortChainWarning(UserWarning):
    """A chain is shorter than ``MIN_TAU_MULTIPLE`` integrated autocorrelation times."""


def _warn_if_short(n: int, tau: float, name: str) -> None:
    if math.isfinite(tau) and n < MIN_TAU_MULTIPLE * tau:
        warnings.warn(
            f"{name}: {n} samples are only {n / tau:.1f} integrated autocorrelation times "
            f"(tau_int = {tau:.3g}); tau_int and the error bar need >= {MIN_TAU_MULTIPLE}",
            ShortChainWarning, stacklevel=3)


def integrated_time(x, c: float = 5.0, *, warn: bool = True, name: str = "chain") -> float:
    """Integrated autocorrelation time ``tau_int = 1 + 2 sum_t rho(t)`` of a 1-D series
    (emcee's estimator, see the module docstring).

    Returns nan for fewer than 4 points or a constant series (nothing to estimate).  With
    ``warn``, a :class:`ShortChainWarning` naming ``name`` is emitted when
    ``len(x) < MIN_TAU_MULTIPLE * tau_int``.  A strongly anticorrelated series can give an
    estimate below 1; it is floored at 1/n (the error of the mean stays positive).
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x must be a 1-d series, got shape {x.shape}")
    n = x.shape[0]
    if n < 4 or not np.all(np.isfinite(x)) or float(np.ptp(x)) == 0.0:
        return float("nan")
    tau = float(_emcee_integrated_time(x, c=c, tol=0, quiet=True)[0])
    tau = max(tau, 1.0 / n)
    if warn:
        _warn_if_short(n, tau, name)
    return tau


#: the name used before the move from :mod:`montecarlo.teacher_student` (same function)
integrated_autocorrelation_time = integrated_time


@dataclass(frozen=True)
class ChainSummary:
    """Summary of one series (see :func:`summarize_chain`).

    mean, std : of the samples.  error : ``std sqrt(tau_int / n)`` (std/sqrt(n) when tau_int is
    nan).  tau_int : emcee convention.  n : samples.  n_tau : n / tau_int (chain length in
    autocorrelation times; nan if tau_int is nan).  first_half, second_half : means of the two
    halves.  halves_z : (second_half - first_half) / combined error, each half's error from its
    own std and tau_int (0 for a constant series).
    """

    mean: float
    std: float
    error: float
    tau_int: float
    n: int
    n_tau: float
    first_half: float
    second_half: float
    halves_z: float

    @property
    def halves_agree(self) -> bool:
        """The two halves agree within 3 combined standard errors."""
        return abs(self.halves_z) <= 3.0

    @property
    def too_short(self) -> bool:
        """Shorter than ``MIN_TAU_MULTIPLE`` tau_int."""
        return math.isfinite(self.n_tau) and self.n_tau < MIN_TAU_MULTIPLE

    def as_dict(self) -> dict:
        return asdict(self)


def summarize_chain(x, *, warn: bool = True, name: str = "chain") -> ChainSummary:
    """Mean, error from tau_int and the first-half / second-half agreement of a 1-D series.

    Emits a :class:`ShortChainWarning` (with ``warn``) when the series is shorter than
    ``MIN_TAU_MULTIPLE`` tau_int.  Needs at least one sample."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.shape[0] < 1:
        raise ValueError(f"x must be a non-empty 1-d series, got shape {x.shape}")
    n = x.shape[0]
    tau = integrated_time(x, warn=False, name=name)
    if warn:
        _warn_if_short(n, tau, name)
    t = tau if math.isfinite(tau) else 1.0
    std = float(x.std())
    h = n // 2
    if h >= 1:
        a, b = x[:h], x[n - h:]
        ta, tb = (integrated_time(y, warn=False) for y in (a, b))
        ta, tb = (v if math.isfinite(v) else t for v in (ta, tb))
        e = math.sqrt((a.std() ** 2 * ta + b.std() ** 2 * tb) / h)
        diff = float(b.mean() - a.mean())
        z = diff / e if e > 0 else (0.0 if diff == 0 else math.copysign(math.inf, diff))
        first, second = float(a.mean()), float(b.mean())
    else:
        first = second = float(x[0])
        z = 0.0
    return ChainSummary(mean=float(x.mean()), std=std, error=std * math.sqrt(t / n), tau_int=tau,
                        n=n, n_tau=n / tau if math.isfinite(tau) else float("nan"),
                        first_half=first, second_half=second, halves_z=float(z))


def summarize(series: dict, keep: float = 2.0 / 3.0, *, warn: bool = True) -> dict:
    """Summary of the per-sweep series of a teacher-student chain (doc Sec. 12).

    ``series`` holds per-sweep arrays ``q_star``, ``energy``, ``m``, ``m_index`` (as returned by
    :meth:`montecarlo.teacher_student.StudentChain.advance`).  Means/stds over the last ``keep``
    fraction of the sweeps; tau_int, error of the mean and the halves check of q*; a
    :class:`ShortChainWarning` when the measured part is shorter than 50 tau_int(q*).
    """
    n = series["q_star"].shape[0]
    n_keep = max(1, int(math.ceil(keep * n)))
    sl = slice(n - n_keep, n)
    q = series["q_star"][sl]
    e = series["energy"][sl]
    m = series["m"][sl]
    sq = summarize_chain(q, warn=warn, name="q_star")
    last = n - 1
    return dict(
        q_star=sq.mean, q_star_std=sq.std, q_star_err=sq.error,
        m=float(m.mean()), m_std=float(m.std()),
        energy=float(e.mean()), energy_std=float(e.std()),
        tau_int=sq.tau_int, n_measured=n_keep, n_tau=sq.n_tau,
        q_star_first_half=sq.first_half, q_star_second_half=sq.second_half,
        q_star_halves_z=sq.halves_z,
        q_star_final=float(series["q_star"][last]), m_final=float(series["m"][last]),
        m_index=int(series["m_index"][last]),
    )
