"""Checks of theory/snr.py (rfhm_theory.md Sec. 4, Sec. 5 item 6).

The main check generates RFHM instances with plain numpy (F random +-1, sparse or dense +-1
coefficients, xi = sign(F c) with sign(0) = +1, Hebb couplings with zero diagonal) and counts
the spins with ``x_i h_i <= 0`` before any dynamics on features, train examples and test
examples; the SNR predictions must agree within 10 % (relative).
"""

import math

import numpy as np
import pytest
from scipy import integrate, special

from hopfield_phases.theory import rfhm, snr


def test_a_L_and_g_L_values():
    assert [snr.a_L(L) for L in (1, 3, 5, 7, 9)] == pytest.approx(
        [1.0, 0.5, 3 / 8, 5 / 16, 35 / 128], rel=1e-14)
    assert [snr.g_L(L) for L in (3, 5, 7, 9)] == pytest.approx(
        [0.75, 45 / 64, 175 / 256, 11025 / 16384], rel=1e-14)
    assert snr.g_L(20001) == pytest.approx(2 / math.pi, rel=1e-4)
    assert snr.g_L(None) == 2 / math.pi


def test_a_L_is_walsh_weight_by_enumeration():
    # a_L = E[Maj_L(x) x_1] over uniform x in {+-1}^L, by brute-force enumeration
    for L in (3, 5, 7):
        xs = np.array(np.meshgrid(*[[-1, 1]] * L)).reshape(L, -1)
        maj = np.sign(xs.sum(axis=0))
        assert np.mean(maj * xs[0]) == pytest.approx(snr.a_L(L), abs=1e-15)


def test_margin_law():
    for L in (1, 3, 9, 101):
        chi, p = snr.margin_law(L)
        assert p.sum() == pytest.approx(1.0, abs=1e-13)
        # E chi^2 = L
        assert p @ chi**2 == pytest.approx(L, rel=1e-12)


def test_dense_arctan_law_by_quadrature_and_limit():
    alpha, alpha_D = 0.7, 0.05
    aT = alpha / alpha_D
    k1 = math.sqrt(2 / math.pi)
    sig = math.sqrt(alpha * (1 + aT * k1**4) + k1**4 * aT)
    f = lambda v: 2 * math.exp(-v * v / 2) / math.sqrt(2 * math.pi) * 0.5 * special.erfc(
        k1**3 * aT * v / sig / math.sqrt(2))
    direct = integrate.quad(f, 0, np.inf, epsabs=1e-14)[0]
    assert snr.unstable_fraction_example(alpha, alpha_D) == pytest.approx(direct, rel=1e-10)
    big = snr.dense_test_arctan(1e9, 0.05)
    assert big == pytest.approx(snr.dense_test_arctan(math.inf, 0.05), rel=1e-6)
    assert snr.feature_snr2(1e9, 0.05) == pytest.approx(1 / 0.05, rel=1e-6)


def test_corrected_noise_term_scaling():
    """[W] eq. (7): sum_mu c_muk c_muk' scales as sqrt(P) L/D (doc Sec. 4.1), not
    sqrt(P) L^2/D^2: measure its spread on sparse coefficients."""
    rng = np.random.default_rng(3)
    P, D, L = 4000, 60, 5
    C = np.zeros((P, D))
    for mu in range(P):
        idx = rng.choice(D, L, replace=False)
        C[mu, idx] = rng.choice([-1.0, 1.0], L)
    M = C.T @ C
    off = M[~np.eye(D, dtype=bool)]
    # exact: each term is nonzero (+-1) with probability L(L-1)/(D(D-1)) ~ (L/D)^2
    assert np.std(off) == pytest.approx(math.sqrt(P * L * (L - 1) / (D * (D - 1))), rel=0.1)
    # ... i.e. of order sqrt(P) L / D, far above the sqrt(P) L^2 / D^2 of [W] eq. (7)
    assert 0.5 < np.std(off) / (math.sqrt(P) * L / D) < 1.5
    assert np.std(off) > 5 * math.sqrt(P) * L**2 / D**2
    terms = snr.workshop_noise_terms(N=1000, P=P, D=D, L=L)
    published = snr.workshop_noise_terms(N=1000, P=P, D=D, L=L, corrected=False)
    assert terms["signal_spread"] == pytest.approx(math.sqrt(D / P))
    assert published["signal_spread"] == pytest.approx(L / D * math.sqrt(D / P))
    assert terms["crosstalk"] == pytest.approx(math.sqrt(D / 1000))


# ----------------------------------------------------------------------------- vs measured


def _instance(rng, N, D, P, L):
    F = rng.choice(np.array([-1.0, 1.0]), size=(N, D))
    if L is None:
        C = rng.choice(np.array([-1.0, 1.0]), size=(P, D))
    else:
        C = np.zeros((P, D))
        for mu in range(P):
            idx = rng.choice(D, L, replace=False)
            C[mu, idx] = rng.choice(np.array([-1.0, 1.0]), L)
    xi = np.where(F @ C.T >= 0, 1.0, -1.0)
    return F, xi


def _fields(xi, X):
    """h = J X with J = xi xi^T / N and zero diagonal."""
    N, P = xi.shape
    return xi @ (xi.T @ X) / N - (P / N) * X


def _test_examples(rng, F, n, Lt):
    D = F.shape[1]
    if Lt is None:
        Ct = rng.choice(np.array([-1.0, 1.0]), size=(n, D))
    else:
        Ct = np.zeros((n, D))
        for r in range(n):
            idx = rng.choice(D, Lt, replace=False)
            Ct[r, idx] = rng.choice(np.array([-1.0, 1.0]), Lt)
    return np.where(F @ Ct.T >= 0, 1.0, -1.0)


def _measure(N, alpha_D, alpha, L, Lts, samples, seed):
    rng = np.random.default_rng(seed)
    D, P = int(round(alpha_D * N)), int(round(alpha * N))
    if L is None and D % 2 == 0:
        D += 1
    out = {"feature": [], "train": [], **{f"test{Lt}": [] for Lt in Lts}}
    for _ in range(samples):
        F, xi = _instance(rng, N, D, P, L)
        out["feature"].append(np.mean(F * _fields(xi, F) <= 0))
        x = xi[:, :200]
        out["train"].append(np.mean(x * _fields(xi, x) <= 0))
        for Lt in Lts:
            x = _test_examples(rng, F, 200, Lt)
            out[f"test{Lt}"].append(np.mean(x * _fields(xi, x) <= 0))
    return {k: float(np.mean(v)) for k, v in out.items()}, D, P


@pytest.mark.parametrize("alpha_D,alpha", [(0.05, 0.3), (0.1, 1.0)])
def test_sparse_L3_prediction_matches_measured(alpha_D, alpha):
    L = 3
    meas, D, P = _measure(2000, alpha_D, alpha, L, (3, 5), samples=3, seed=11)
    pred = {
        "feature": snr.unstable_fraction_feature(alpha, alpha_D, L),
        "train": snr.unstable_fraction_example(alpha, alpha_D, L, train=True),
        "test3": snr.unstable_fraction_example(alpha, alpha_D, L, L_test=3),
        "test5": snr.unstable_fraction_example(alpha, alpha_D, L, L_test=5),
    }
    for k, v in pred.items():
        assert meas[k] == pytest.approx(v, rel=0.10), (k, meas[k], v)


def test_dense_binary_prediction_matches_measured():
    # P = 600 < D^{3/2} = 1015: outside the regime where the estimate is known to fail
    alpha_D, alpha = 0.05, 0.3
    meas, D, P = _measure(2000, alpha_D, alpha, None, (None,), samples=3, seed=5)
    pred = {
        "feature": snr.unstable_fraction_feature(alpha, alpha_D),
        "train": snr.unstable_fraction_example(alpha, alpha_D, train=True,
                                               coefficients="binary", D=D),
        "testNone": snr.unstable_fraction_example(alpha, alpha_D, coefficients="binary", D=D),
    }
    for k, v in pred.items():
        assert meas[k] == pytest.approx(v, rel=0.10), (k, meas[k], v)


def test_finite_size_feature_law_close_to_poisson():
    a = snr.unstable_fraction_feature(0.3, 0.05, 3)
    b = snr.unstable_fraction_feature(0.3, 0.05, 3, P=600, D=100)
    assert b == pytest.approx(a, rel=0.03)


# ----------------------------------------------------------------------------- D_gen


def test_C_constant_alpha_inf():
    value, info = snr.C_constant(math.inf, return_details=True)
    assert info["converged"]
    f = info["n_alpha_Dc"]
    assert all(np.diff(f) < 0)  # n alpha_n^c decreases towards C(inf) (doc Sec. 3.2)
    assert value < f[-1]
    # n alpha_n^c for small n is larger than the limit
    assert 9 * rfhm.alpha_inf_capacity(9) > value
    assert snr.d_gen_dense(4 * 10000, math.inf) == pytest.approx(2 * snr.d_gen_dense(10000, math.inf))


def test_C_constant_finite_alpha_below_infinite():
    c1 = snr.C_constant(1.0)
    c10 = snr.C_constant(10.0)
    cinf = snr.C_constant(math.inf)
    assert 0 < c1 < c10 < cinf


def test_d_gen_sparse():
    assert snr.d_gen_sparse(10000, math.inf, 3) == pytest.approx(0.029942 * 10000, rel=1e-5)
    assert snr.d_gen_sparse(10000, 1.0, 3) == pytest.approx(rfhm.mixture_spinodal(1.0, 3) * 1e4)


def test_snr_bad_input():
    with pytest.raises(ValueError, match="^L"):
        snr.a_L(4)
    with pytest.raises(ValueError, match="^alpha"):
        snr.unstable_fraction_feature(-1, 0.1, 3)
    with pytest.raises(ValueError, match="^alpha_D"):
        snr.noise_variance(0.3, 0.0)
    with pytest.raises(ValueError, match="^L_test"):
        snr.unstable_fraction_example(0.3, 0.1, 3, L_test=5, train=True)
    with pytest.raises(ValueError, match="^D"):
        snr.unstable_fraction_example(0.3, 0.1, coefficients="binary")
    with pytest.raises(ValueError, match="^coefficients"):
        snr.unstable_fraction_example(0.3, 0.1, coefficients="ternary")
    with pytest.raises(ValueError, match="^N"):
        snr.d_gen_dense(-5, 1.0)
