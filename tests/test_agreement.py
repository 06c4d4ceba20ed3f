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
