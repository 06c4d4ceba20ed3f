"""Agreement between simulation and theory: where a transition happens, and how well it matches.

Methods (``docs/theory/rfhm_dynamics.md`` Sec. 5.2, ``docs/theory/rfhm_theory.md`` Sec. 5 item 8):

* **Per-x sample means** with standard errors (:func:`sample_means`), and z-scores of those means
  against a reference curve, with the fraction of ``|z| > 2`` and ``chi^2/dof``
  (:func:`z_scores`).
* **Threshold crossing** of the mean magnetisation, e.g. the first grid point at which it
  reaches 0.9, interpolated linearly in ``log x`` (:func:`threshold_crossing`).  ``which="first"``
  is the first upward crossing, ``which="last"`` the last upward crossing (the onset of the final
  high plateau, robust to re-entrant curves such as ``m_train`` in [W] Fig. 1).
* **Isotonic fit** (pool-adjacent-violators, :func:`pava`: ``scipy.optimize.isotonic_regression``)
  of the mean curve, weighted by the number of samples, and its crossing (:func:`isotonic_crossing`).  The isotonic fit has a single
  crossing by construction, which makes it robust to noise.
* **Bootstrap over samples** (:func:`transition`): the samples at each x are resampled with
  replacement, independently for each x (different x are independent instances), and the
  crossing is recomputed; the interval is the percentile interval of the bootstrap
  distribution (default 16-84 %, i.e. a 68 % band as in ``docs/theory/rfhm_dynamics.md`` Sec. 5.2).
  The resampling is ``scipy.stats.bootstrap`` (one independent sample per x, ``paired=False``)
  with an explicit ``numpy.random.Generator`` seeded from ``seed``; the interval is taken over
  the replicas that have a crossing, and the others are counted (``n_failed``), never dropped
  silently.
* **Landscape agreement** (:func:`landscape_features`, :func:`landscape_agreement`): the one
  metric comparing a simulated overlap landscape V(q*) with a theory curve (best constant
  shift, rms, the retrieval maximum, the barrier and its depth), used by ``figure
  ts-landscape`` and ``simulate ts-landscape``.
* **Fitted sigmoid** (:func:`fit_sigmoid`): ``lo + (hi-lo)/(1+exp(-(ln x - ln x0)/w))`` by least
  squares; its crossing of the threshold, with a delta-method interval.
* **Finite-size extrapolation** (:func:`extrapolate_inverse_n`): a weighted straight line in
  ``1/N`` through transition points at several N; the intercept is the N = infinity estimate,
  with a Student-t interval.
* **Agreement rows** (:func:`agreement_row`): the dict written to ``NAME_agreement.csv``
  (gathered by ``hopfield-phases report``).

Everything here is pure numpy/scipy and deterministic for a given seed.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass, field
from typing import Sequence

import numpy as np
from scipy import optimize, stats

__all__ = [
    "sample_means",
    "threshold_crossing",
    "pava",
    "isotonic_crossing",
    "Transition",
    "transition",
    "Sigmoid",
    "fit_sigmoid",
    "Extrapolation",
    "extrapolate_inverse_n",
    "ZScores",
    "z_scores",
    "agreement_row",
    "crossing_rows",
    "samples_matrix",
    "landscape_features",
    "landscape_agreement",
    "converged_rows",
    "LANDSCAPE_Q_MAX",
    "LANDSCAPE_Q_SPLIT",
]

#: the q* range and the split between the paramagnet and retrieval parts of the landscape
#: metric (:func:`landscape_agreement`), shared by the figure and the ``simulate`` command
LANDSCAPE_Q_MAX = 0.95
LANDSCAPE_Q_SPLIT = 0.3


# --------------------------------------------------------------------------------------------
# input handling
# --------------------------------------------------------------------------------------------


def converged_rows(rows) -> tuple[list[dict], int]:
    """The rows of a simulation whose relaxation converged (column ``converged``; rows without
    the column count as converged) and the number excluded.  The policy of the figures: an
    unconverged relaxation (sweep cap reached) is no fixed point of the dynamics, so it is left
    out of means and crossings, and the agreement rows report how many were left out."""
    keep = [r for r in rows if r.get("converged", True) not in (False, 0, "False", "false")]
    return keep, len(rows) - len(keep)


def samples_matrix(x, values) -> tuple[np.ndarray, np.ndarray]:
    """Group per-sample values by x.

    ``x`` and ``values`` are equal-length sequences (one entry per simulated sample, e.g. the
    rows of a sweep CSV).  Returns ``(xs, M)`` with ``xs`` the sorted distinct x and ``M`` a
    ``(len(xs), n_max)`` float array of the values at each x, padded with NaN.
    """
    x = np.asarray(x, dtype=float)
    v = np.asarray(values, dtype=float)
    if x.shape != v.shape or x.ndim != 1:
        raise ValueError("x and values must be 1-d sequences of equal length")
    xs = np.unique(x)
    groups = [v[x == xi] for xi in xs]
    n_max = max((len(g) for g in groups), default=0)
    M = np.full((len(xs), n_max), np.nan)
    for i, g in enumerate(groups):
        M[i, : len(g)] = g
    return xs, M


def _as_matrix(samples) -> np.ndarray:
    """Samples as a 2-d float array (rows: x values; columns: samples; NaN = missing)."""
    if isinstance(samples, np.ndarray) and samples.ndim == 2:
        return samples.astype(float)
    rows = [np.asarray(s, dtype=float).ravel() for s in samples]
    n_max = max((len(r) for r in rows), default=0)
    M = np.full((len(rows), n_max), np.nan)
    for i, r in enumerate(rows):
        M[i, : len(r)] = r
    return M


def _check_x(x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or len(x) < 2:
        raise ValueError("x must be a 1-d sequence of at least two values")
    if not np.all(np.diff(x) > 0):
        raise ValueError("x must be strictly increasing")
    return x


def sample_means(samples) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-row mean, standard error of the mean (ddof=1; NaN with one sample) and count,
    ignoring NaN entries.  ``samples``: 2-d array or a list of per-x sequences."""
    M = _as_matrix(samples)
    n = np.sum(np.isfinite(M), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.nansum(M, axis=1) / np.maximum(n, 1), np.nan)
        dev = np.where(np.isfinite(M), M - mean[:, None], 0.0)
        var = np.where(n > 1, np.sum(dev**2, axis=1) / np.maximum(n - 1, 1), np.nan)
        sem = np.sqrt(var / n)
    return mean, sem, n


# --------------------------------------------------------------------------------------------
# crossings
# --------------------------------------------------------------------------------------------


def threshold_crossing(x, y, threshold: float = 0.9, *, log: bool = True, which: str = "first",
                       direction: str = "up") -> float:
    """Where the curve ``y(x)`` crosses ``threshold``, interpolated linearly in ``ln x``
    (``log=True``) or in x.

    ``direction="up"``: a crossing is a pair of neighbours with ``y[i] < t <= y[i+1]``;
    ``"down"``: ``y[i] >= t > y[i+1]``.  ``which="first"`` returns the first such crossing (for
    ``"up"``: the first grid interval where the mean reaches the threshold), ``"last"`` the last one.
    NaN entries of ``y`` are skipped.  Returns NaN when there is no crossing on the grid
    (including when ``y`` is already past the threshold at ``x[0]``: the transition is then
    below the grid).
    """
    if which not in ("first", "last"):
        raise ValueError(f"which must be 'first' or 'last', got {which!r}")
    if direction not in ("up", "down"):
        raise ValueError(f"direction must be 'up' or 'down', got {direction!r}")
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(y) & np.isfinite(x)
    x, y = x[ok], y[ok]
    if len(x) < 2:
        return math.nan
    if log:
        if np.any(x <= 0):
            raise ValueError("x must be positive for log interpolation")
        u = np.log(x)
    else:
        u = x
    t = float(threshold)
    if direction == "up":
        hit = (y[:-1] < t) & (y[1:] >= t)
    else:
        hit = (y[:-1] >= t) & (y[1:] < t)
    idx = np.flatnonzero(hit)
    if len(idx) == 0:
        return math.nan
    i = idx[0] if which == "first" else idx[-1]
    y0, y1 = y[i], y[i + 1]
    frac = (t - y0) / (y1 - y0) if y1 != y0 else 0.0
    ui = u[i] + frac * (u[i + 1] - u[i])
    return float(np.exp(ui)) if log else float(ui)


def pava(y, weights=None, *, increasing: bool = True) -> np.ndarray:
    """Isotonic least-squares fit by pool-adjacent-violators (``scipy.optimize.isotonic_regression``).

    Minimises ``sum w_i (f_i - y_i)^2`` over non-decreasing ``f`` (non-increasing when
    ``increasing=False``).  NaN entries of ``y`` (or zero weight) are ignored and filled, in the
    output, with the fitted value of the nearest preceding valid point (or the first one).
    """
    y = np.asarray(y, dtype=float)
    w = np.ones_like(y) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != y.shape:
        raise ValueError("weights must have the shape of y")
    if np.any(w < 0):
        raise ValueError("weights must be non-negative")
    ok = np.isfinite(y) & (w > 0)
    out = np.full_like(y, np.nan)
    if not ok.any():
        return out
    fit = optimize.isotonic_regression(y[ok], weights=w[ok], increasing=increasing).x
    out[ok] = fit
    # fill ignored entries
    last = fit[0]
    for i in range(len(out)):
        if np.isfinite(out[i]):
            last = out[i]
        else:
            out[i] = last
    return out


def isotonic_crossing(x, y, threshold: float = 0.9, *, weights=None, log: bool = True,
                      increasing: bool = True) -> float:
    """Crossing of ``threshold`` by the isotonic (PAVA) fit of ``y(x)``; see
    :func:`threshold_crossing`.  With ``increasing=False`` the fit is non-increasing and the
    downward crossing is returned."""
    fit = pava(y, weights, increasing=increasing)
    return threshold_crossing(x, fit, threshold, log=log, which="first",
                              direction="up" if increasing else "down")


# --------------------------------------------------------------------------------------------
# bootstrap over samples
# --------------------------------------------------------------------------------------------


@dataclass
class Transition:
    """A transition location estimated from samples, with a bootstrap interval."""

    value: float
    ci_low: float
    ci_high: float
    method: str
    threshold: float
    level: float
    n_boot: int
    n_boot_valid: int
    """Bootstrap replicas in which a crossing exists (the interval uses only these)."""
    boot: np.ndarray = field(default=None, repr=False)

    @property
    def n_failed(self) -> int:
        """Bootstrap replicas without a crossing (excluded from the interval, counted)."""
        return int(self.n_boot - self.n_boot_valid)

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("boot")
        d["n_failed"] = self.n_failed
        return d


def _crossing_from_means(x, mean, n, threshold, method, log, which, direction):
    if method == "mean":
        return threshold_crossing(x, mean, threshold, log=log, which=which, direction=direction)
    if method == "isotonic":
        return isotonic_crossing(x, mean, threshold, weights=n, log=log,
                                 increasing=(direction == "up"))
    raise ValueError(f"method must be 'mean' or 'isotonic', got {method!r}")


def transition(x, samples, threshold: float = 0.9, *, method: str = "isotonic",
               log: bool = True, which: str = "first", direction: str = "up",
               n_boot: int = 1000, level: float = 0.68, seed: int | np.random.Generator = 0
               ) -> Transition:
    """Transition location from per-sample magnetisations with a bootstrap interval.

    Parameters
    ----------
    x : increasing grid (e.g. alpha), length ``n_x``.
    samples : ``(n_x, n_samples)`` array (NaN = missing) or a list of per-x sequences.
    threshold : level of the mean magnetisation that defines the transition (0.9 in [W]).
    method : ``"mean"`` (crossing of the per-x sample means, interpolated in ln x) or
        ``"isotonic"`` (crossing of the PAVA fit of the means, weighted by sample counts).
    which, direction : see :func:`threshold_crossing` (``which`` is used by ``"mean"`` only).
    n_boot : bootstrap replicas; 0 gives NaN bounds.
    level : central probability of the percentile interval (0.68 = the 16-84 % band).
    seed : int or ``numpy.random.Generator``.

    The samples at each x are resampled with replacement, independently per x, by
    ``scipy.stats.bootstrap`` (``paired=False``; an x with a single sample stays fixed, as its
    resampling would be, since scipy needs two or more observations per sample).  Replicas
    without a crossing are excluded from the interval and counted (``n_failed``).
    """
    x = _check_x(x)
    M = _as_matrix(samples)
    if M.shape[0] != len(x):
        raise ValueError(f"samples must have one row per x ({len(x)}), got {M.shape[0]}")
    if method not in ("mean", "isotonic"):
        raise ValueError(f"method must be 'mean' or 'isotonic', got {method!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    if n_boot < 0:
        raise ValueError(f"n_boot must be >= 0, got {n_boot}")
    mean, _, n = sample_means(M)
    args = (threshold, method, log, which, direction)
    value = _crossing_from_means(x, mean, n, *args)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    boot = np.full(n_boot, np.nan)
    rows = [row[np.isfinite(row)] for row in M]
    free = [i for i, r in enumerate(rows) if len(r) >= 2]
    if n_boot and free:

        def statistic(*resampled, axis=-1):
            means = np.repeat(mean[:, None], resampled[0].shape[0] if resampled[0].ndim > 1 else 1,
                              axis=1)
            for i, r in zip(free, resampled):
                means[i] = np.mean(np.atleast_2d(r), axis=axis)
            return np.array([_crossing_from_means(x, means[:, b], n, *args)
                             for b in range(means.shape[1])])

        with warnings.catch_warnings():  # scipy's own interval is not used (NaN replicas)
            warnings.simplefilter("ignore")
            res = stats.bootstrap([rows[i] for i in free], statistic, n_resamples=n_boot,
                                  vectorized=True, paired=False, method="percentile",
                                  confidence_level=level, rng=rng)
        boot = np.asarray(res.bootstrap_distribution, dtype=float).reshape(n_boot)
    elif n_boot:
        boot[:] = value  # nothing to resample: every replica is the data
    good = boot[np.isfinite(boot)]
    # An interval is reported only when the data themselves cross the threshold and at least
    # half of the replicas do: otherwise the transition lies off the grid and the few replicas
    # that cross would give a misleadingly narrow interval.
    if np.isfinite(value) and n_boot and len(good) >= 0.5 * n_boot:
        lo, hi = np.quantile(good, [(1 - level) / 2, (1 + level) / 2])
    else:
        lo = hi = math.nan
    return Transition(value=float(value), ci_low=float(lo), ci_high=float(hi), method=method,
                      threshold=float(threshold), level=float(level), n_boot=int(n_boot),
                      n_boot_valid=int(len(good)), boot=boot)


# --------------------------------------------------------------------------------------------
# sigmoid fit
# --------------------------------------------------------------------------------------------


@dataclass
class Sigmoid:
    """``y = lo + (hi - lo) / (1 + exp(-(ln x - ln x0) / width))`` (in x if ``log=False``)."""

    x0: float
    width: float
    lo: float
    hi: float
    crossing: float
    ci_low: float
    ci_high: float
    log: bool = True

    def __call__(self, x):
        x = np.asarray(x, dtype=float)
        u = np.log(x) - np.log(self.x0) if self.log else x - self.x0
        return self.lo + (self.hi - self.lo) / (1 + np.exp(-u / self.width))


def fit_sigmoid(x, y, sem=None, threshold: float = 0.9, *, log: bool = True,
                level: float = 0.68, fix_levels: tuple[float, float] | None = None) -> Sigmoid:
    """Least-squares sigmoid fit of a mean curve (weights ``1/sem^2`` if given) and its
    crossing of ``threshold`` with a delta-method interval at ``level``.

    ``fix_levels=(lo, hi)`` fixes the plateaus (e.g. ``(0, 1)``); otherwise they are fitted.
    Raises ValueError when the fit fails or the threshold is outside ``(lo, hi)``.
    """
    x = _check_x(x)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(y)
    if ok.sum() < 4:
        raise ValueError("y must have at least four finite values for a sigmoid fit")
    u = np.log(x) if log else x
    sigma = None
    if sem is not None:
        s = np.asarray(sem, dtype=float)
        floor = max(np.nanmedian(s[s > 0]) if np.any(s > 0) else 1e-3, 1e-3) * 0.1
        sigma = np.where(np.isfinite(s) & (s > floor), s, floor)[ok]
    # initial guess: the mid crossing
    mid = 0.5 * (np.nanmin(y) + np.nanmax(y))
    u0 = np.interp(mid, np.sort(y[ok]), u[ok][np.argsort(y[ok])])
    w0 = max((u[-1] - u[0]) / 10, 1e-3)
    if fix_levels is None:
        def f(uu, c, w, lo, hi):
            return lo + (hi - lo) / (1 + np.exp(-(uu - c) / w))
        p0 = [u0, w0, np.nanmin(y), np.nanmax(y)]
    else:
        lo_f, hi_f = fix_levels

        def f(uu, c, w):
            return lo_f + (hi_f - lo_f) / (1 + np.exp(-(uu - c) / w))
        p0 = [u0, w0]
    try:
        popt, pcov = optimize.curve_fit(f, u[ok], y[ok], p0=p0, sigma=sigma,
                                        absolute_sigma=sigma is not None, maxfev=20000)
    except (RuntimeError, optimize.OptimizeWarning) as exc:
        raise ValueError(f"sigmoid fit failed: {exc}") from exc
    c, w = popt[0], popt[1]
    lo, hi = (popt[2], popt[3]) if fix_levels is None else fix_levels
    frac = (threshold - lo) / (hi - lo)
    if not 0 < frac < 1:
        raise ValueError(f"threshold {threshold} outside the fitted plateaus ({lo:.3g}, {hi:.3g})")
    uc = c + w * math.log(frac / (1 - frac))
    # delta method on (c, w) (plateaus treated through their covariance too)
    eps = 1e-6

    def ucross(p):
        lo_, hi_ = (p[2], p[3]) if fix_levels is None else fix_levels
        fr = (threshold - lo_) / (hi_ - lo_)
        fr = min(max(fr, 1e-12), 1 - 1e-12)
        return p[0] + p[1] * math.log(fr / (1 - fr))
    grad = np.zeros(len(popt))
    for k in range(len(popt)):
        dp = np.array(popt, dtype=float)
        h = eps * max(1.0, abs(dp[k]))
        dp[k] += h
        grad[k] = (ucross(dp) - uc) / h
    var = float(grad @ pcov @ grad) if np.all(np.isfinite(pcov)) else math.nan
    zq = stats.norm.ppf((1 + level) / 2)
    half = zq * math.sqrt(var) if var >= 0 else math.nan
    tr = (lambda v: float(np.exp(v))) if log else float
    return Sigmoid(x0=tr(c), width=float(w), lo=float(lo), hi=float(hi), crossing=tr(uc),
                   ci_low=tr(uc - half), ci_high=tr(uc + half), log=log)


# --------------------------------------------------------------------------------------------
# finite-size extrapolation
# --------------------------------------------------------------------------------------------


@dataclass
class Extrapolation:
    """``x(N) = value + slope / N``, fitted by weighted least squares."""

    value: float
    ci_low: float
    ci_high: float
    slope: float
    slope_err: float
    value_err: float
    chi2_dof: float
    level: float
    n_points: int

    def __call__(self, N):
        return self.value + self.slope / np.asarray(N, dtype=float)


def extrapolate_inverse_n(N, x, err=None, *, level: float = 0.95) -> Extrapolation:
    """Extrapolate transition points ``x`` measured at sizes ``N`` linearly in ``1/N``.

    With ``err`` (standard errors, e.g. half-widths of 68 % bootstrap intervals) the fit is
    weighted by ``1/err^2`` and the covariance is scaled by ``max(1, chi^2/dof)``; without it the
    residual variance is used.  The interval of the intercept uses Student's t with
    ``n - 2`` degrees of freedom (normal quantile when ``err`` is given and only two points are
    available).  Needs at least two distinct N.
    """
    N = np.asarray(N, dtype=float)
    x = np.asarray(x, dtype=float)
    if N.shape != x.shape or N.ndim != 1:
        raise ValueError("N and x must be 1-d of equal length")
    if np.any(N <= 0):
        raise ValueError("N must be positive")
    ok = np.isfinite(x)
    if err is not None:
        e = np.asarray(err, dtype=float)
        ok &= np.isfinite(e) & (e > 0)
    N, x = N[ok], x[ok]
    if len(np.unique(N)) < 2:
        raise ValueError("N must contain at least two distinct sizes with finite x")
    n = len(N)
    A = np.column_stack([np.ones(n), 1.0 / N])
    w = np.ones(n) if err is None else 1.0 / e[ok] ** 2
    Aw = A * np.sqrt(w)[:, None]
    xw = x * np.sqrt(w)
    coef, *_ = np.linalg.lstsq(Aw, xw, rcond=None)
    resid = xw - Aw @ coef
    dof = n - 2
    chi2 = float(resid @ resid)
    cov0 = np.linalg.inv(Aw.T @ Aw)
    if err is None:
        if dof < 1:
            cov = np.full((2, 2), np.nan)
        else:
            cov = cov0 * chi2 / dof
        q = stats.t.ppf((1 + level) / 2, dof) if dof >= 1 else math.nan
    else:
        scale = max(1.0, chi2 / dof) if dof >= 1 else 1.0
        cov = cov0 * scale
        q = stats.t.ppf((1 + level) / 2, dof) if dof >= 1 else stats.norm.ppf((1 + level) / 2)
    se = math.sqrt(cov[0, 0]) if np.isfinite(cov[0, 0]) else math.nan
    se_b = math.sqrt(cov[1, 1]) if np.isfinite(cov[1, 1]) else math.nan
    return Extrapolation(value=float(coef[0]), ci_low=float(coef[0] - q * se),
                         ci_high=float(coef[0] + q * se), slope=float(coef[1]),
                         slope_err=float(se_b), value_err=float(se),
                         chi2_dof=float(chi2 / dof) if dof >= 1 else math.nan,
                         level=float(level), n_points=int(n))


# --------------------------------------------------------------------------------------------
# z-scores against a reference curve
# --------------------------------------------------------------------------------------------


@dataclass
class ZScores:
    z: np.ndarray
    frac_above_2: float
    chi2_dof: float
    n: int


def z_scores(mean, sem, reference, reference_sem=None) -> ZScores:
    """z-scores ``(mean - reference) / sqrt(sem^2 + reference_sem^2)`` per point, the fraction
    with ``|z| > 2`` and ``chi^2/dof`` (dof = number of finite z).  Points with zero combined
    error are skipped (NaN z) unless the means are equal (z = 0)."""
    mean = np.asarray(mean, dtype=float)
    ref = np.broadcast_to(np.asarray(reference, dtype=float), mean.shape)
    s2 = np.asarray(sem, dtype=float) ** 2
    if reference_sem is not None:
        s2 = s2 + np.asarray(reference_sem, dtype=float) ** 2
    diff = mean - ref
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(s2 > 0, diff / np.sqrt(s2), np.where(diff == 0, 0.0, np.nan))
    fin = np.isfinite(z)
    n = int(fin.sum())
    return ZScores(z=z, frac_above_2=float(np.mean(np.abs(z[fin]) > 2)) if n else math.nan,
                   chi2_dof=float(np.sum(z[fin] ** 2) / n) if n else math.nan, n=n)


# --------------------------------------------------------------------------------------------
# table rows
# --------------------------------------------------------------------------------------------


def agreement_row(quantity: str, simulation: float, ci_low: float, ci_high: float,
                  theory: float, variant: str = "", **extra) -> dict:
    """One row of an agreement table.

    ``relative_difference = (simulation - theory) / |theory|``; ``theory_in_ci`` says whether the
    theory value lies inside the simulation interval.  Extra keyword fields (``N``, ``method``,
    ``level``, ``samples``, ``note`` ...) are appended in order.
    """
    sim = float(simulation) if simulation is not None else math.nan
    th = float(theory) if theory is not None else math.nan
    lo = float(ci_low) if ci_low is not None else math.nan
    hi = float(ci_high) if ci_high is not None else math.nan
    rel = (sim - th) / abs(th) if (math.isfinite(sim) and math.isfinite(th) and th != 0) else math.nan
    inside = bool(lo <= th <= hi) if all(map(math.isfinite, (lo, hi, th))) else ""
    row = {"quantity": quantity, "simulation": sim, "ci_low": lo, "ci_high": hi, "theory": th,
           "variant": variant, "relative_difference": rel, "theory_in_ci": inside}
    row.update(extra)
    return row


def crossing_rows(x, samples, theory: dict, quantity: str, *, threshold: float = 0.9,
                  methods: Sequence[str] = ("mean", "isotonic"), which: str = "first",
                  direction: str = "up", n_boot: int = 1000, level: float = 0.68, seed=0,
                  **extra) -> list[dict]:
    """Agreement rows of one simulated transition against theory values.

    ``theory`` maps a variant name (e.g. ``'sq'``, ``'lin'``) to the theoretical location.
    One row per (method, variant); the bootstrap generator is seeded once per method from
    ``seed`` so that the table is reproducible."""
    rows = []
    for k, method in enumerate(methods):
        tr = transition(x, samples, threshold, method=method, which=which, direction=direction,
                        n_boot=n_boot, level=level, seed=np.random.SeedSequence([int(seed), k]).generate_state(1)[0])
        for variant, th in theory.items():
            rows.append(agreement_row(quantity, tr.value, tr.ci_low, tr.ci_high, th, variant,
                                      method=f"{method} {threshold:g}-crossing", level=level,
                                      n_boot_valid=tr.n_boot_valid, n_boot_failed=tr.n_failed,
                                      **extra))
    return rows



# --------------------------------------------------------------------------------------------
# overlap landscape V(q*) (docs/theory/teacher_student_theory.md Sec. 3.6)
# --------------------------------------------------------------------------------------------


def landscape_features(q, V, *, q_max: float = LANDSCAPE_Q_MAX, q_split: float = LANDSCAPE_Q_SPLIT
                       ) -> dict:
    """Features of a landscape V(q*) on ``0 <= q* <= q_max``: the retrieval maximum ``q_R``
    (argmax on q* > q_split), the barrier ``q_B`` (argmin between q* = 0 and q_R), ``depth =
    V(q_R) - V(q_B)`` and ``dV = V(q_R) - V(0)`` (the free-entropy difference between the
    retrieval maximum and the paramagnet end).  NaN where a feature does not exist."""
    q = np.asarray(q, dtype=float)
    V = np.asarray(V, dtype=float)
    nan = math.nan
    out = dict(q_R=nan, q_B=nan, depth=nan, dV=nan)
    ok = np.isfinite(V) & (q <= q_max + 1e-9) & (q >= -1e-9)
    hi = ok & (q > q_split)
    if not hi.any():
        return out
    i_max = np.flatnonzero(hi)[np.argmax(V[hi])]
    out["q_R"] = float(q[i_max])
    i0 = np.flatnonzero(ok)[np.argmin(np.abs(q[ok]))]
    out["dV"] = float(V[i_max] - V[i0])
    mid = ok & (q <= q[i_max])
    i_min = np.flatnonzero(mid)[np.argmin(V[mid])]
    out["q_B"] = float(q[i_min])
    out["depth"] = float(V[i_max] - V[i_min])
    return out


def landscape_agreement(q, V_mc, V_th, q_min: float = 0.0, q_max: float = LANDSCAPE_Q_MAX,
                        q_split: float = LANDSCAPE_Q_SPLIT, *, V_err=None) -> dict:
    """The agreement of a simulated landscape with a theory curve on q* in [q_min, q_max].

    V is defined up to a constant: the theory is shifted by ``shift``, the mean difference
    ``V_mc - V_th`` over the points where both are finite (weighted by ``1/V_err^2`` when
    given; errors floored at 1e-4).  Returns ``rms``, ``max_abs`` (after the shift),
    ``chi2_per_point`` (with ``V_err``; else NaN), ``n_points`` (common points; the deviation
    entries are NaN, and the shift 0, with fewer than three), ``shift`` and, for ``name`` in
    (mc, theory), ``argmax_name``, ``qR_name``, ``qB_name``, ``depth_name``, ``dV_name``: the
    overall maximum and :func:`landscape_features` (with ``q_split``) of each curve on its own
    finite points in the range."""
    q = np.asarray(q, dtype=float)
    V_mc = np.asarray(V_mc, dtype=float)
    V_th = np.asarray(V_th, dtype=float)
    R = (q >= q_min - 1e-12) & (q <= q_max + 1e-12)
    S = R & np.isfinite(V_mc) & np.isfinite(V_th)
    nan = math.nan
    out = dict(rms=nan, max_abs=nan, chi2_per_point=nan, n_points=int(S.sum()), shift=0.0)
    if S.sum() >= 3:
        d = V_mc[S] - V_th[S]
        if V_err is not None:
            e = np.asarray(V_err, dtype=float)[S]
            fill = np.nanmax(e) if np.isfinite(e).any() else 1.0
            e = np.maximum(np.where(np.isfinite(e), e, fill), 1e-4)
            w = 1.0 / e**2
        else:
            e, w = None, np.ones_like(d)
        shift = float(np.sum(w * d) / np.sum(w))
        r = d - shift
        out.update(rms=float(np.sqrt(np.mean(r * r))), max_abs=float(np.max(np.abs(r))),
                   chi2_per_point=float(np.mean((r / e) ** 2)) if e is not None else nan,
                   shift=shift)
    for name, V in (("mc", V_mc), ("theory", V_th + out["shift"])):
        ok = R & np.isfinite(V)
        out[f"argmax_{name}"] = float(q[ok][np.argmax(V[ok])]) if ok.any() else nan
        f = landscape_features(q[ok], V[ok], q_max=q_max, q_split=q_split)
        out[f"qR_{name}"], out[f"qB_{name}"] = f["q_R"], f["q_B"]
        out[f"depth_{name}"], out[f"dV_{name}"] = f["depth"], f["dV"]
    return out
