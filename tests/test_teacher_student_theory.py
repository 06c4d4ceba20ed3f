"""Tests of the dense teacher-student replica theory (teacher_student_theory.md Sec. 2-11, 13).

Each check compares against an independent fact: brute-force enumeration, high-precision
quadrature (mpmath / scipy.quad), finite differences, literature values, exact identities, or
limits derived independently of the code path under test.
"""

import itertools
import math

import numpy as np
import pytest
from scipy import integrate, special

from hopfield_phases.theory.teacher_student import example_retrieval as er
from hopfield_phases.theory.teacher_student import spin_glass as sg
from hopfield_phases.theory.teacher_student import teacher as tt
from hopfield_phases.theory import teacher_student as ts
from hopfield_phases.theory.teacher_student import covariance as tc
from hopfield_phases.theory.teacher_student import pprime as pp

LN2 = math.log(2.0)


# ------------------------------------------------------------------ teacher (doc Sec. 2, 13.10)
def test_teacher_critical_temperature_limits():
    Tc = [tt.critical_temperature(p) for p in (3, 4, 5, 6, 8, 10, 12)]
    assert all(a > b for a, b in zip(Tc, Tc[1:])), "T*_c(p) must decrease"
    assert all(t > 1 / LN2 for t in Tc), "T*_c -> 1/ln2 from above"
    # ln 2 - beta_c ~ 4^{-p} (1 + o(1))
    ratios = [(LN2 - tt.critical_beta(p)) * 4.0**p for p in (6, 8, 10, 12)]
    assert all(abs(r - 1) < 0.1 for r in ratios)
    assert abs(ratios[-1] - 1) < abs(ratios[0] - 1)
    # spinodal above the critical temperature and growing with p
    for p in (3, 4, 5, 10):
        assert tt.spinodal_temperature(p) > tt.critical_temperature(p)
    assert tt.spinodal_temperature(10) > tt.spinodal_temperature(5)
    assert tt.critical_temperature(2) == 2.0


def test_teacher_critical_point_by_brute_force_grid():
    # independent: maximise f_T(m) = beta m^p + s(m) on a fine grid; at T*_c the ferro maximum
    # equals ln 2 and sits at m_bar(T*_c)
    for p in (3, 4):
        Tc = tt.critical_temperature(p)
        m = np.linspace(1e-6, 1 - 1e-9, 2_000_001)
        f = m**p / Tc - ((1 + m) / 2 * np.log((1 + m) / 2) + (1 - m) / 2 * np.log((1 - m) / 2))
        assert f.max() == pytest.approx(LN2, abs=1e-10)
        assert m[np.argmax(f)] == pytest.approx(tt.m_bar(p, Tc), abs=1e-5)


def test_teacher_branches_solve_mean_field_equation():
    for p, T in ((3, 1.2), (3, 1.6), (5, 2.0)):
        b = tt.magnetization_branches(p, T)
        for m in (b.ferro, b.unstable):
            assert m == pytest.approx(math.tanh(p * m ** (p - 1) / T), abs=1e-12)
        assert b.ferro > b.unstable > 0
    assert math.isnan(tt.magnetization_branches(3, 1.9).ferro)  # above T*_sp(3) = 1.748
    assert tt.m_bar(3, 1.6) == 0.0  # metastable ferro, exact sampling is misaligned
    assert tt.m_bar(3, 1.2) > 0.9


def test_distinct_polynomial_brute_force_and_doc_formulas():
    N = 7
    for bits in itertools.product((-1, 1), repeat=N):
        x = np.array(bits)
        X = x.sum()
        for p in (2, 3, 4):
            brute = sum(np.prod(x[list(t)]) for t in itertools.permutations(range(N), p))
            assert tt.distinct_index_polynomial(p, X, N) == pytest.approx(brute, abs=1e-9)
        if bits[0] == 1 and bits[1] == -1:
            break
    X, N = np.arange(-9, 10, 2.0), 9
    assert np.allclose(tt.distinct_index_polynomial(4, X, N), X**4 - (6 * N - 8) * X**2 + 3 * N**2 - 6 * N)
    assert np.allclose(tt.distinct_index_polynomial(5, X, N),
                       X**5 - 10 * N * X**3 + 20 * X**3 + 15 * N**2 * X - 50 * N * X + 24 * X)


def test_overlap_law_exact_enumeration():
    # independent: enumerate all 2^N teacher configurations (xi* = 1) with Boltzmann weights
    N, p, T = 10, 3, 1.7
    counts = {}
    for bits in itertools.product((-1, 1), repeat=N):
        K = sum(bits)
        counts[K] = counts.get(K, 0.0) + math.exp(K**p / N ** (p - 1) / T)
    Z = sum(counts.values())
    K, logp = tt.log_pmf_overlap(N, p, T)
    assert special.logsumexp(logp) == pytest.approx(0.0, abs=1e-13)
    for k, lp in zip(K, logp):
        assert math.exp(lp) == pytest.approx(counts[int(k)] / Z, rel=1e-11)


def test_coupling_ratio_tends_to_one_like_one_over_N():
    r = {N: tt.coupling_ratio(N, 3, 3.0) for N in (2000, 4000, 8000)}
    d = {N: r[N] - 1 for N in r}
    assert 0 < d[8000] < d[4000] < d[2000]
    assert d[2000] / d[4000] == pytest.approx(2.0, rel=0.05)
    c, _ = tt.coupling_ratio_correction(3, 3.0)
    assert 8000 * d[8000] == pytest.approx(c, rel=0.01)
    assert tt.coupling_ratio(100, 3, 2.0) > 1.5  # small N: data more informative (doc Sec. 2)


# ------------------------------------------------------------------ Nishimori line (doc Sec. 4)
def test_nishimori_thresholds_high_precision():
    import mpmath as mp

    mp.mp.dps = 20
    m = lambda w: mp.quad(lambda z: mp.tanh(w + mp.sqrt(w) * z) * mp.npdf(z), [-mp.inf, -w / mp.sqrt(w), mp.inf])  # noqa: E731
    L = lambda w: w / (3 * m(w) ** 2)  # noqa: E731
    wsp = mp.findroot(lambda w: mp.diff(L, w), 1.33)
    lam_sp, lam_c = ts.nishimori_thresholds(3)
    assert lam_sp == pytest.approx(float(L(wsp)), rel=1e-10)
    assert ts.nishimori_overlaps(3)[0] == pytest.approx(float(m(wsp)), abs=1e-7)
    # lambda_c: Phi_NL = Phi_P, checked with the mpmath quadrature of E ln 2cosh
    q = ts.nishimori_overlaps(3)[1]
    w = lam_c * 3 * q**2
    E = mp.quad(lambda z: mp.log(2 * mp.cosh(w + mp.sqrt(w) * z)) * mp.npdf(z), [-mp.inf, -mp.sqrt(w), mp.inf])
    assert float(-lam_c / 2 * (3 * q**2 + 2 * q**3) + E - mp.log(2)) == pytest.approx(0.0, abs=1e-10)
    assert q == pytest.approx(float(m(w)), abs=1e-10)


def test_three_spin_glass_literature_temperatures():
    # Ising 3-spin glass (J = 1): T_d ~ 0.682, T_s ~ 0.651 (Montanari & Ricci-Tersenghi,
    # Eur. Phys. J. B 33, 339 (2003); Gardner, Nucl. Phys. B 257, 747 (1985))
    lam_sp, lam_c = ts.nishimori_thresholds(3)
    assert 1 / math.sqrt(2 * lam_sp) == pytest.approx(0.682, abs=1e-3)
    assert 1 / math.sqrt(2 * lam_c) == pytest.approx(0.651, abs=1e-3)


def test_large_p_nishimori_threshold_tends_to_rem():
    # p -> infinity: lambda_c -> 2 ln 2 (REM, doc Sec. 8), from below
    lc = [ts.nishimori_thresholds(p)[1] for p in (3, 5, 10)]
    assert lc[0] < lc[1] < lc[2] < 2 * LN2
    assert 2 * LN2 - lc[2] < 1e-3


def test_one_rsb_leaves_paramagnet_exactly_at_lambda_c():
    lam_sp, lam_c = ts.nishimori_thresholds(3)
    cov = tc.distinct(3)
    q1 = sg.solve_q1(1.0, lam_c, cov)
    assert q1 == pytest.approx(ts.nishimori_overlaps(3)[1], abs=1e-9)  # x = 1 equation = NL equation
    assert sg.dphi_dx(1.0, q1, lam_c, cov) == pytest.approx(0.0, abs=1e-10)
    below = sg.one_step_rsb(3, lam_c * (1 - 1e-3))
    assert below.paramagnet and below.phi == pytest.approx(LN2 + lam_c * (1 - 1e-3) / 2, abs=1e-14)
    above = sg.one_step_rsb(3, lam_c * 1.001)
    assert not above.paramagnet
    assert above.phi < LN2 + lam_c * 1.001 / 2
    assert above.x == pytest.approx(0.99925, abs=2e-4) and above.q1 == pytest.approx(0.8137, abs=5e-4)


def test_one_rsb_tilted_averages_against_quad():
    for x, b in ((0.6, 0.8), (0.3, 4.0), (0.9, 3.0)):
        f = lambda z, g: 2 * np.exp(-z * z / 2) / math.sqrt(2 * math.pi) * (2 * np.cosh(b * z)) ** x * g(z)  # noqa: E731
        I = lambda g: integrate.quad(f, 0, 40, args=(g,), points=[1 / b, x * b], limit=400, epsrel=1e-13)[0]  # noqa: E731
        s0 = I(lambda z: 1.0)
        lm, t2, l2 = sg._tilted(x, b, with_log2cosh=True)
        assert lm == pytest.approx(math.log(s0), rel=1e-12)
        assert t2 == pytest.approx(I(lambda z: np.tanh(b * z) ** 2) / s0, rel=1e-11)
        assert l2 == pytest.approx(I(lambda z: np.log(2 * np.cosh(b * z))) / s0, rel=1e-11)


def test_one_rsb_entropy_finite_difference():
    alpha, T, h = 3.0, 1.0, 1e-4
    phi = lambda T_: sg.one_step_rsb(3, alpha / T_**2).phi  # noqa: E731
    r = sg.one_step_rsb(3, alpha / T**2)
    beta = 1 / T
    dphi_dbeta = (phi(1 / (beta + h)) - phi(1 / (beta - h))) / (2 * h)
    assert r.entropy == pytest.approx(r.phi - beta * dphi_dbeta, abs=1e-7)


# ------------------------------------------------------------------ RS identities (doc Sec. 3.4, 13)
def test_nishimori_identity_from_general_equations():
    cov = tc.distinct(3)
    for lam in (1.25, 2.0, 4.0):
        sol = ts.retrieval_state(lam, lam, cov, guess=(0.93, 0.99))
        q, qs = sol.x
        assert sol.converged and q == pytest.approx(qs, abs=1e-9)
        assert qs == pytest.approx(float(ts.m_nishimori(lam * 3 * qs**2)), abs=1e-10)


def _phi_at(p, alpha, T, Ts, interaction="distinct"):
    cov = tc.for_interaction(p, interaction)
    lam, mu = alpha / T**2, alpha / (T * Ts)
    sol = ts.retrieval_state(lam, mu, cov)
    return ts.rs_free_entropy(lam, mu, sol.x[0], sol.x[1], cov)


@pytest.mark.parametrize("p,alpha,T,Ts,inter", [(3, 6.0, 1.5, 2.0, "distinct"), (4, 9.0, 2.5, 2.0, "distinct"),
                                                (3, 3.0, 1.7, 2.0, "literal")])
def test_entropy_and_energy_formula_vs_finite_difference(p, alpha, T, Ts, inter):
    r = ts.solve(p, alpha, T, Ts, interaction=inter)
    assert r.label == "gR"
    beta, h = 1 / T, 1e-5
    dphi = (_phi_at(p, alpha, 1 / (beta + h), Ts, inter) - _phi_at(p, alpha, 1 / (beta - h), Ts, inter)) / (2 * h)
    assert r.entropy == pytest.approx(r.free_entropy - beta * dphi, abs=1e-7)
    assert r.energy == pytest.approx(-dphi, abs=1e-6)


def test_energy_on_nishimori_line_every_phase():
    for alpha, T in ((3.0, 2.0), (4.5, 2.0), (6.0, 2.0), (12.375, 3.0)):
        r = ts.solve(3, alpha, T)
        assert r.energy == pytest.approx(-alpha / T, abs=1e-12)
        # -dPhi/dbeta at fixed alpha, beta* (finite difference), at beta = beta*
        if r.retrieval is not None:
            beta, h = 1 / T, 1e-5
            d = (_phi_at(3, alpha, 1 / (beta + h), T) - _phi_at(3, alpha, 1 / (beta - h), T)) / (2 * h)
            assert -d == pytest.approx(-alpha / T, abs=1e-6)


def test_replicon_values():
    lam_sp, lam_c = ts.nishimori_thresholds(3)
    r = ts.solve(3, lam_c * 4.0 * (1 + 1e-9), 2.0)
    assert r.label == "gR" and r.replicon == pytest.approx(0.67, abs=0.01)
    assert ts.solve(3, 3.0, 2.0).replicon == 0.0  # P: vanishes for p >= 3
    assert ts.solve(10, ts.nishimori_thresholds(10)[1] * 4.0 * 1.001, 2.0).replicon < 0.2


def test_landscape_stationary_points_and_degeneracy():
    lam_sp, lam_c = ts.nishimori_thresholds(3)
    alpha, T = lam_c * 4, 2.0
    qc = ts.nishimori_overlaps(3)[1]
    V0, Vc = ts.landscape(3, alpha, T, None, [0.0, qc])
    assert V0 == pytest.approx(LN2 + lam_c / 2, abs=1e-13)
    assert Vc == pytest.approx(V0, abs=1e-9)
    h = 1e-5
    Vp, Vm = ts.landscape(3, alpha, T, None, [qc + h, qc - h])
    assert (Vp - Vm) / (2 * h) == pytest.approx(0.0, abs=1e-6)
    assert ts.landscape(3, alpha, T, None, 0.5) < V0  # the barrier between the two maxima
    # off the NL: V at the RS saddle equals Phi_R
    r = ts.solve(3, 6.0, 1.5, 2.0)
    assert ts.landscape(3, 6.0, 1.5, 2.0, r.q_star) == pytest.approx(r.free_entropy, abs=1e-9)


# ------------------------------------------------------------------ phases (doc Sec. 5-8, 13.1)
def test_labels_on_and_off_the_nishimori_line():
    lam_sp, lam_c = ts.nishimori_thresholds(3)
    assert ts.phase(3, 3.0, 2.0) == "P"
    assert ts.phase(3, 4.5, 2.0) == "lR"
    assert ts.phase(3, 5.0, 2.0) == "gR"
    assert ts.phase(3, 1.0, 1.0) == "eR"  # T < T_eR(3) = 1.488
    r = ts.solve(3, 3.0, 1.0, 2.0)
    assert r.label == "SG" and r.poster_label == "P" and r.lam > lam_c
    assert ts.phase(3, 7.0, 1.6, 2.0) == "gR"


def test_no_paramagnet_beyond_lambda_c_and_positive_entropy_off_nl():
    d = ts.phase_diagram(3, np.linspace(0.5, 32, 9), np.linspace(0.3, 6.0, 9), T_teacher=2.0)
    lam_c = ts.nishimori_thresholds(3)[1]
    lam = d.alphas[None, :] / d.temperatures[:, None] ** 2
    assert not np.any((d.labels == "P") & (lam > lam_c))
    ok = np.isin(d.labels, ["P", "lR"]) | ((d.labels == "gR") & (d.replicon < 1))
    assert np.all(d.entropy[ok] >= -1e-12)
    assert d.converged.all()


@pytest.mark.parametrize("p", [3, 4, 5, 10])
def test_entropy_of_stable_state_nonnegative_on_nl(p):
    TeR = ts.eR_temperature(p)
    temps = np.linspace(TeR + 1e-3, 5.0, 6)
    for T in temps:
        for lam in np.linspace(0.1, 6.0, 9):
            r = ts.solve(p, lam * T * T, T)
            assert r.entropy >= -1e-12, (p, T, lam, r.label)
            assert r.label in ("P", "lR", "gR")
            assert r.rs_trusted


def test_nishimori_boundaries_and_off_line_code_path_agree():
    lam_sp, lam_c = ts.nishimori_thresholds(3)
    assert ts.boundary(3, "gR", None, [2.0])[0] == pytest.approx(lam_c * 4, rel=1e-14)
    # the off-NL algorithms (spinodal by the spectral gap, gR by Brent) at T* -> T
    assert ts.boundary(3, "lR", 2.0, [2.0 + 1e-9])[0] == pytest.approx(lam_sp * 4, rel=1e-7)
    assert ts.boundary(3, "gR", 2.0, [2.0 + 1e-9])[0] == pytest.approx(lam_c * 4, rel=1e-7)
    assert ts.boundary(3, "SG", 2.0, [1.0, 3.0])[0] == pytest.approx(lam_c, rel=1e-14)
    assert math.isnan(ts.boundary(3, "SG", 2.0, [1.0, 3.0])[1])
    assert np.isnan(ts.boundary(3, "lR", None, [1.0])[0])  # inside eR
    assert list(ts.boundary(3, "eR", None, [1.0, 2.0])) == [math.inf, 0.0]


def test_p10_against_p_infinity_subset():
    x = np.array([0.5, 1.25, 3.0])
    a10 = ts.boundary(10, "gR", 2.0, 2.0 * x)
    ainf = ts.alpha_gR_infinite_p(2.0 * x, 2.0)
    assert np.all(np.abs(a10 / ainf - 1) < 1e-3)
    # the scaling alpha_gR(T, T*) = T*^2 f(T/T*) of the misaligned theory
    a1 = ts.boundary(10, "gR", 1.0, [0.5], assume_misaligned=True)[0]
    assert a1 * 4 == pytest.approx(a10[0], rel=1e-6)


@pytest.mark.slow
def test_p10_against_p_infinity_full_grid():
    x = np.array([0.5, 0.7, 0.85, 1.0, 1.25, 1.5, 2.0, 3.0])
    a10 = ts.boundary(10, "gR", 2.0, 2.0 * x)
    assert np.all(np.abs(a10 / ts.alpha_gR_infinite_p(2.0 * x, 2.0) - 1) < 1e-3)


def test_alpha_gR_infinite_p_formula():
    assert ts.alpha_gR_infinite_p(1.0, 1.0) == pytest.approx(2 * LN2)
    assert ts.alpha_gR_infinite_p(0.5, 1.0) == pytest.approx(2 * LN2)
    assert ts.alpha_gR_infinite_p(2.0, 1.0) == pytest.approx(2 * LN2 * 4 / 3)


# ------------------------------------------------------------------ T = 0 (doc Sec. 9)
def test_kappa_c_brute_force():
    q = np.linspace(1e-4, 1 - 1e-9, 2_000_000)
    for p in (3, 4, 10):
        kc, qm = ts.kappa_c(p)
        vals = special.erfinv(q) / q ** (p - 1)
        assert kc == pytest.approx(vals.min(), rel=1e-9)
        assert qm == pytest.approx(q[np.argmin(vals)], abs=1e-5)


def test_zero_temperature_limit_of_finite_T():
    z = ts.zero_temperature(3, 6.0, 2.0)
    assert z["exists"]
    vals = {}
    for T in (0.01, 0.02):
        r = ts.solve(3, 6.0, T, 2.0)
        R = r.retrieval
        vals[T] = np.array([R["q_star"], (1 - R["q"]) / T, R["energy"], R["entropy"]])
    extrap = 2 * vals[0.01] - vals[0.02]  # Richardson (corrections linear in T)
    ref = np.array([z["q_star"], z["C"], z["e0"], z["s0"]])
    assert np.allclose(extrap, ref, atol=2e-5)
    assert z["s0"] < 0  # RS fails off the NL at T = 0


def test_zero_temperature_existence_threshold():
    kc, _ = ts.kappa_c(3)
    a_c = 2 * (kc * 2.0) ** 2 / 3  # kappa = beta* sqrt(alpha p/2) = kappa_c at T* = 2
    assert not ts.zero_temperature(3, 0.97 * a_c, 2.0)["exists"]
    assert ts.zero_temperature(3, 1.03 * a_c, 2.0)["exists"]
    assert ts.solve(3, 0.97 * a_c, 0.02, 2.0).retrieval is None
    assert ts.solve(3, 1.03 * a_c, 0.02, 2.0).retrieval is not None


# ------------------------------------------------------------------ literal, aligned, p' (Sec. 6, 10, 11)
def test_literal_covariance_from_hermite_expansion():
    from numpy.polynomial import hermite_e as He

    for p in (3, 4, 5, 6):
        a = He.poly2herme([0] * p + [1])  # x^p = sum_r a_r He_r(x)
        # Cov(He_r(x), He_r(y)) = r! rho^r for standard Gaussians of correlation rho
        expect = {r: a[r] ** 2 * math.factorial(r) for r in range(1, p + 1) if abs(a[r]) > 0}
        got = dict(tc.literal(p).terms)
        assert set(got) == set(expect)
        for r in got:
            assert got[r] == pytest.approx(expect[r] / math.factorial(p), rel=1e-14)


def test_literal_student_has_no_paramagnet_at_p3():
    lit = ts.solve(3, 3.0, 2.0, interaction="literal")
    dis = ts.solve(3, 3.0, 2.0)
    assert dis.q_star == 0.0 and dis.label == "P"
    assert lit.q_star > 0.5 and lit.converged
    assert lit.q == pytest.approx(lit.q_star, abs=1e-9)  # literal pair is on its NL


def test_aligned_single_example_on_nl():
    for T in (1.2, 1.4):
        r = er.symmetric_mixture(3, 1, T)
        assert r["m"] == pytest.approx(tt.m_bar(3, T), abs=1e-10)
        assert r["q_star"] == pytest.approx(tt.m_bar(3, T) ** 2, abs=1e-10)
    q = [er.symmetric_mixture(3, M, 1.4)["q_star"] for M in (1, 2, 3, 5)]
    assert all(a < b for a, b in zip(q, q[1:]))


def test_pprime_candidates():
    A = pp.candidate_A_max_teacher_temperature(4, 1.0, 1e4)
    assert A["ratio"] > A["ratio_leading"] > 0
    assert A["T_max"] - A["T_max_leading"] == pytest.approx(2.0)
    # beta*_eff at T*_max equals kappa_c / sqrt(alpha p'/2)
    assert pp.effective_beta(4, 1e4, A["T_max"]) * math.sqrt(2.0) == pytest.approx(A["kappa_c"], rel=1e-12)
    B = pp.candidate_B_unstable_root(5.0, 3)
    assert special.erf(5.0 * B["q_u"] ** 3) == pytest.approx(B["q_u"], abs=1e-14)
    assert B["q_u"] == pytest.approx(B["q_u_approx"], rel=0.05)
    with pytest.raises(ValueError, match="kappa"):
        pp.candidate_B_unstable_root(1.0, 3)


# ------------------------------------------------------------------ bad input, non-convergence
@pytest.mark.parametrize("call,name", [
    (lambda: ts.solve(1, 1.0, 1.0), "p"),
    (lambda: ts.solve(2, 1.0, 1.0), "p"),
    (lambda: ts.solve(3, -1.0, 1.0), "alpha"),
    (lambda: ts.solve(3, 1.0, 0.0), "T"),
    (lambda: ts.solve(3, 1.0, -2.0), "T"),
    (lambda: ts.solve(3, 1.0, 1.0, T_teacher=0.0), "T_teacher"),
    (lambda: ts.solve(3, 1.0, 1.0, interaction="sum"), "interaction"),
    (lambda: ts.boundary(3, "XY", None, [1.0]), "kind"),
    (lambda: ts.phase_diagram(1, [1.0], [1.0]), "p"),
    (lambda: ts.nishimori_thresholds(2), "p"),
    (lambda: tt.log_pmf_overlap(0, 3, 1.0), "N"),
    (lambda: ts.landscape(3, 1.0, 1.0, None, 1.5), "q_star"),
])
def test_bad_input(call, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        call()


def test_nonconvergence_is_reported():
    res = ts.retrieval_state(1.2, 1.2, tc.distinct(3), max_iter=3)
    assert res is not None and not res.converged and "max_iter" in res.message


def test_cli_smoke(capsys):
    from hopfield_phases.compare.cli import main

    assert main(["theory", "ts", "thresholds", "--p", "3", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "1.0762504" in out and "1.1784039" in out
    assert main(["theory", "ts", "point", "--p", "2"]) == 2


# ------------------------------------------------------------------ eR definitions (doc Sec. 6, 14.2)
def test_memorization_boundary_against_p_infinity():
    # p -> infinity: memorisation is global when beta - alpha beta^2/2 > ln 2 (competitor P)
    T = np.array([1.0, 1.3])
    a10 = ts.boundary(10, "eR", 2.0, T, eR_definition="memorization")
    b = 1 / T
    assert np.allclose(a10, 2 * (b - LN2) / b**2, rtol=1e-3)
    assert ts.boundary(10, "eR", 2.0, [1.6], eR_definition="memorization")[0] == 0.0  # T > 1/ln 2
    r = ts.solve(3, 0.2, 1.0, 2.0, eR_definition="memorization")
    assert r.label == "eR" and r.m > 0.9 and r.q_star == 0.0
    assert ts.solve(3, 0.2, 1.0, 2.0).label != "eR"  # default definition: aligned teacher only


def test_aligned_teacher_is_eR_with_limits():
    r = ts.solve(4, 3.0, 2.0, T_teacher=1.3)
    assert r.label == "eR" and r.q_star == 1.0 and r.m == pytest.approx(tt.m_bar(4, 1.3))
    assert ts.eR_temperature(3) == pytest.approx(tt.critical_temperature(3))


@pytest.mark.slow
def test_negative_entropy_only_where_rs_is_unstable_off_nl():
    # doc Sec. 13 item 1 (off the NL, T* = 2): negative entropies only in AT-unstable RS retrieval
    # (replicon > 1) or in the 1RSB SG at the lowest temperatures; none for p = 10
    for p in (3, 4, 10):
        d = ts.phase_diagram(p, np.linspace(0.5, 32, 24), np.concatenate([np.linspace(0.3, 0.8, 6),
                                                                            np.linspace(1.0, 6.0, 11)]), 2.0)
        neg = d.entropy < -1e-12
        assert np.all((d.labels[neg] == "gR") & (d.replicon[neg] > 1) | (d.labels[neg] == "SG"))
        assert not np.any(neg & (d.temperatures[:, None] > 0.8))
        if p == 10:
            assert not neg.any()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["ts-phase-diagram", "ts-pinf", "ts-entropy"])
def test_figures_tiny(tmp_path, name):
    from hopfield_phases.compare import figures

    out = figures.get(name).build(tmp_path, size="tiny")
    for ext in ("png", "pdf", "csv", "json"):
        assert (tmp_path / f"{name}.{ext}").exists()
    assert out.files


def test_entropy_figure_tiny_runs(tmp_path):
    from hopfield_phases.compare import figures

    out = figures.get("ts-entropy").build(tmp_path, size="tiny")
    assert "negative-entropy grid points: 0" in out.summary
