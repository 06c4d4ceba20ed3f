"""Agreement metrics (compare/agreement.py) against synthetic data with known answers."""

import math

import numpy as np
import pytest
from scipy import stats

from hopfield_phases.compare import agreement as ag


def _noisy_step(rng, x, x_c, spread, n_samples, noise=0.03, low=0.0, high=1.0):
    """Per-sample magnetisations: sample j retrieves (m = high) above its own threshold
    x_c * exp(spread * g_j), fails (m = low) below; plus Gaussian noise.  The mean curve is
    low + (high-low) Phi((ln x - ln x_c)/spread), so its crossing of t is known exactly."""
    thr = x_c * np.exp(spread * rng.standard_normal((len(x), n_samples)))
    m = np.where(x[:, None] >= thr, high, low)
    return m + noise * rng.standard_normal(m.shape)


def test_threshold_crossing_log_interpolation():
    x = np.array([1.0, math.e**2])
    assert ag.threshold_crossing(x, [0.0, 1.0], 0.5) == pytest.approx(math.e)
    assert ag.threshold_crossing(x, [0.0, 1.0], 0.5, log=False) == pytest.approx((1 + math.e**2) / 2)
    # first vs last upward crossing of a re-entrant curve
    x = np.arange(1.0, 7.0)
    y = [0.0, 1.0, 0.0, 0.0, 1.0, 1.0]
    assert ag.threshold_crossing(x, y, 0.5, log=False, which="first") == pytest.approx(1.5)
    assert ag.threshold_crossing(x, y, 0.5, log=False, which="last") == pytest.approx(4.5)
    assert ag.threshold_crossing(x, y, 0.5, log=False, direction="down") == pytest.approx(2.5)
    assert math.isnan(ag.threshold_crossing(x, np.zeros(6), 0.5))


def test_pava_known_fits():
    np.testing.assert_allclose(ag.pava([1, 3, 2, 4]), [1, 2.5, 2.5, 4])
    np.testing.assert_allclose(ag.pava([3, 1], [1, 3]), [1.5, 1.5])
    np.testing.assert_allclose(ag.pava([4, 2, 3, 1], increasing=False), [4, 2.5, 2.5, 1])
    # optimality: the fit beats random monotone competitors in weighted squared error
    rng = np.random.default_rng(1)
    y = np.cumsum(rng.normal(0.1, 1.0, 30))
    w = rng.uniform(0.5, 2.0, 30)
    f = ag.pava(y, w)
    assert np.all(np.diff(f) >= -1e-12)
    best = np.sum(w * (f - y) ** 2)
    for _ in range(200):
        g = np.sort(f + rng.normal(0, 0.3, 30))
        assert np.sum(w * (g - y) ** 2) >= best - 1e-9


@pytest.mark.parametrize("method", ["mean", "isotonic"])
def test_transition_recovers_known_threshold(method):
    rng = np.random.default_rng(2024)
    x = np.logspace(-2, 0, 41)
    x_c, spread, t = 0.08, 0.25, 0.9
    samples = _noisy_step(rng, x, x_c, spread, 200)
    known = x_c * math.exp(spread * stats.norm.ppf(t))
    tr = ag.transition(x, samples, t, method=method, n_boot=300, level=0.95, seed=7)
    assert tr.ci_low <= known <= tr.ci_high
    assert tr.ci_low <= tr.value <= tr.ci_high
    assert abs(tr.value / known - 1) < 0.05
    assert tr.n_boot_valid == 300
    # a wrong location is excluded by the interval
    assert not (tr.ci_low <= 1.3 * known <= tr.ci_high)
    # reproducible for a fixed seed
    tr2 = ag.transition(x, samples, t, method=method, n_boot=300, level=0.95, seed=7)
    assert (tr2.ci_low, tr2.ci_high) == (tr.ci_low, tr.ci_high)


def test_samples_matrix_and_means():
    xs, M = ag.samples_matrix([2, 1, 2, 1, 2], [1.0, 0.0, 3.0, 2.0, 5.0])
    np.testing.assert_array_equal(xs, [1, 2])
    mean, sem, n = ag.sample_means(M)
    np.testing.assert_allclose(mean, [1.0, 3.0])
    np.testing.assert_array_equal(n, [2, 3])
    np.testing.assert_allclose(sem, [np.std([0, 2], ddof=1) / np.sqrt(2), np.std([1, 3, 5], ddof=1) / np.sqrt(3)])


def test_sigmoid_fit_recovers_parameters():
    x = np.logspace(-2, 0, 30)
    true = ag.Sigmoid(x0=0.1, width=0.3, lo=0.05, hi=0.98, crossing=np.nan, ci_low=np.nan, ci_high=np.nan)
    rng = np.random.default_rng(3)
    y = true(x) + 0.005 * rng.standard_normal(len(x))
    fit = ag.fit_sigmoid(x, y, sem=np.full(len(x), 0.005), threshold=0.5)
    assert fit.x0 == pytest.approx(0.1, rel=0.03)
    assert fit.width == pytest.approx(0.3, rel=0.05)
    u = math.log(0.1) + 0.3 * math.log((0.5 - 0.05) / (0.98 - 0.5))
    assert fit.ci_low < math.exp(u) < fit.ci_high or fit.crossing == pytest.approx(math.exp(u), rel=0.01)


def test_extrapolation_recovers_inverse_n_law():
    rng = np.random.default_rng(5)
    N = np.array([500.0, 1000, 2000, 4000, 8000])
    err = np.full(len(N), 0.002)
    x = 0.2 + 30.0 / N + err * rng.standard_normal(len(N))
    ex = ag.extrapolate_inverse_n(N, x, err, level=0.95)
    assert ex.ci_low <= 0.2 <= ex.ci_high
    assert ex.value == pytest.approx(0.2, abs=0.006)
    assert ex.slope == pytest.approx(30.0, abs=3 * ex.slope_err + 1e-9)
    # noiseless, unweighted: exact
    ex = ag.extrapolate_inverse_n(N, 0.2 + 30.0 / N)
    assert ex.value == pytest.approx(0.2, abs=1e-12) and ex.slope == pytest.approx(30.0)
    with pytest.raises(ValueError, match="N"):
        ag.extrapolate_inverse_n([100, 100], [1.0, 2.0])


def test_z_scores_and_rows():
    zs = ag.z_scores([1.0, 2.0, 3.0], [0.5, 0.5, 0.5], [1.0, 1.0, 3.0])
    np.testing.assert_allclose(zs.z, [0.0, 2.0, 0.0])
    assert zs.frac_above_2 == 0.0 and zs.chi2_dof == pytest.approx(4 / 3)
    row = ag.agreement_row("learning transition", 0.11, 0.1, 0.12, 0.1, "sq", N=1000)
    assert row["relative_difference"] == pytest.approx(0.1)
    assert row["theory_in_ci"] is True and row["N"] == 1000
    assert list(row)[:7] == ["quantity", "simulation", "ci_low", "ci_high", "theory", "variant",
                             "relative_difference"]


def test_bad_input_names_parameter():
    with pytest.raises(ValueError, match="^x"):
        ag.transition([1.0, 0.5], [[1.0], [0.0]])
    with pytest.raises(ValueError, match="^method"):
        ag.transition([1.0, 2.0], [[0.0], [1.0]], method="spline")
    with pytest.raises(ValueError, match="^samples"):
        ag.transition([1.0, 2.0, 3.0], [[0.0], [1.0]])


def test_bootstrap_interval_matches_delta_method():
    """Two-point linear crossing x_c = 1 + (t - m1)/(m2 - m1) of two sample means: the
    68 % bootstrap half-width (scipy.stats.bootstrap, one sample per x) equals the delta-method
    standard error computed from the known sample spread (an independent fact)."""
    rng = np.random.default_rng(11)
    n, s = 400, 0.1
    m1, m2 = rng.normal(0.2, s, n), rng.normal(0.8, s, n)
    a, b = m1.mean(), m2.mean()
    d1, d2 = (0.5 - b) / (b - a) ** 2, -(0.5 - a) / (b - a) ** 2
    se = math.hypot(d1 * m1.std(ddof=1), d2 * m2.std(ddof=1)) / math.sqrt(n)
    tr = ag.transition([1.0, 2.0], [m1, m2], 0.5, method="mean", log=False, n_boot=3000, seed=1)
    assert tr.value == pytest.approx(1 + (0.5 - a) / (b - a))
    assert 0.9 < 0.5 * (tr.ci_high - tr.ci_low) / se < 1.1
    assert tr.n_failed == 0 and tr.n_boot_valid == 3000


def test_bootstrap_counts_failed_replicas():
    """Replicas without a crossing are counted (n_failed), never silently dropped; the count
    reaches the agreement rows."""
    x = [1.0, 2.0, 3.0]
    # at x = 3 half of the samples are high: the mean crosses 0.45 in only part of the replicas
    samples = [[0.0, 0.0, 0.0, 0.0], [0.1, 0.0, 0.2, 0.1], [1.0, 0.0, 1.0, 0.0]]
    tr = ag.transition(x, samples, 0.45, method="mean", log=False, n_boot=400, seed=3)
    assert math.isfinite(tr.value)
    assert 0 < tr.n_failed < 400
    assert tr.n_failed == int(np.sum(~np.isfinite(tr.boot))) == tr.n_boot - tr.n_boot_valid
    assert tr.as_dict()["n_failed"] == tr.n_failed
    rows = ag.crossing_rows(x, samples, {"th": 2.5}, "q", threshold=0.45, methods=("mean",),
                            n_boot=400, seed=3)
    assert rows[0]["n_boot_failed"] + rows[0]["n_boot_valid"] == 400
    # a single sample at an x is not resampled (scipy needs two); no samples at all: no crossing
    one = ag.transition([1.0, 2.0], [[0.0], [1.0, 1.0]], 0.5, n_boot=50, seed=0)
    assert one.n_failed == 0 and one.ci_low == one.ci_high == one.value


def test_isotonic_regression_is_scipy_and_handles_gaps():
    y = np.array([1.0, np.nan, 3.0, 2.0, 4.0])
    w = np.array([1.0, 1.0, 1.0, 1.0, 0.0])
    fit = ag.pava(y, w)
    np.testing.assert_allclose(fit, [1.0, 1.0, 2.5, 2.5, 2.5])  # gaps filled from the left


def test_converged_rows_policy():
    rows = [dict(m=1.0, converged=True), dict(m=0.0, converged=False), dict(m=0.5)]
    keep, n = ag.converged_rows(rows)
    assert n == 1 and [r["m"] for r in keep] == [1.0, 0.5]


def test_landscape_agreement_known_curves():
    """V = (q - 0.4)^2 on [0, 0.95]: barrier at 0.4, retrieval end point 0.95, depth 0.55^2,
    dV = 0.55^2 - 0.4^2; a constant offset is removed exactly by the shift."""
    q = np.linspace(-0.2, 1.0, 61)
    V = (q - 0.4) ** 2
    f = ag.landscape_features(q, V)
    assert f["q_B"] == pytest.approx(0.4) and f["q_R"] == pytest.approx(0.94)  # grid step 0.02
    assert f["depth"] == pytest.approx(0.54**2) and f["dV"] == pytest.approx(0.54**2 - 0.16)
    a = ag.landscape_agreement(q, V + 0.7, V, V_err=np.full(q.shape, 0.01))
    assert a["shift"] == pytest.approx(0.7) and a["rms"] == pytest.approx(0, abs=1e-12)
    assert a["qB_mc"] == a["qB_theory"] == pytest.approx(0.4)
    rng = np.random.default_rng(0)
    noisy = V + 0.7 + 0.01 * rng.standard_normal(q.shape)
    b = ag.landscape_agreement(q, noisy, V, V_err=np.full(q.shape, 0.01))
    assert 0.005 < b["rms"] < 0.015 and 0.5 < b["chi2_per_point"] < 1.6
    # a wrong theory is seen: rms grows
    c = ag.landscape_agreement(q, noisy, 0.5 * V)
    assert c["rms"] > 3 * b["rms"]
    # the theory's features do not depend on where the simulation has points
    sparse = np.where(q > 0.91, noisy, np.nan)  # two common points: no deviation measure
    d = ag.landscape_agreement(q, sparse, V)
    assert d["qB_theory"] == pytest.approx(0.4) and math.isnan(d["rms"])
