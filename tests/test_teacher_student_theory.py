"""Tests of the dense teacher-student replica theory (teacher_student_theory.md Sec. 2-11, 13).

Each check compares against an independent fact: brute-force enumeration, high-precision
quadrature (mpmath / scipy.quad), finite differences, literature values, exact identities, or
limits derived independently of the code path under test.
"""

import itertools
import math
from types import SimpleNamespace

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
    assert B.status == "ok" and A.status == "ok"
    absent = pp.candidate_B_unstable_root(1.0, 3)  # kappa < kappa_c: no root (was a ValueError)
    assert absent.status == "absent" and math.isnan(absent.q_u) and "kappa_c" in absent.message


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


# ------------------------------------------------------------------ regression tests of issues 10, 13, 14
def _mp_teacher_roots(p, T):
    """Ferro deficit 1 - m and unstable root of m = tanh(p m^{p-1}/T) with mpmath at 50 digits
    (the ferro root solved for ln u, u = (1 - m)/2; the unstable one for ln m)."""
    import mpmath as mp

    mp.mp.dps = 50
    beta, p = mp.mpf(1) / mp.mpf(T), mp.mpf(p)
    g_f = lambda t: (mp.log(1 - mp.exp(t)) - t) / 2 - beta * p * (1 - 2 * mp.exp(t)) ** (p - 1)  # noqa: E731
    t_f = mp.findroot(g_f, -2 * beta * p)
    g_u = lambda s: mp.atanh(mp.exp(s)) - beta * p * mp.exp((p - 1) * s)  # noqa: E731
    s_u = mp.findroot(g_u, -mp.log(beta * p) / (p - 2))
    return 2 * mp.exp(t_f), mp.exp(s_u)


@pytest.mark.parametrize("p,T", [(3, 0.085), (3, 0.05), (3, 0.01), (4, 0.115), (4, 0.05), (5, 0.145),
                                 (10, 0.285), (10, 0.1), (6, 0.1), (3, 1.2)])
def test_teacher_low_temperature_roots_against_mpmath(p, T):
    # issue 10 item 6 / issue 14 item 3: brentq ran out of iterations below these T*
    b = tt.magnetization_branches(p, T)
    assert b.status == "ok"
    deficit, unstable = _mp_teacher_roots(p, T)
    assert b.ferro_deficit == pytest.approx(float(deficit), rel=1e-12)
    assert b.ferro == pytest.approx(1 - float(deficit), abs=1e-15)
    assert b.unstable == pytest.approx(float(unstable), rel=1e-12)
    assert tt.m_bar(p, T) == b.ferro


def test_teacher_low_temperature_reaches_solve_and_cli(capsys):
    from hopfield_phases.compare.cli import main

    r = ts.solve(6, 1.0, 1.0, 0.1)
    assert r.label == "eR" and r.status == "ok" and r.m == 1.0
    assert ts.solve(3, 1.0, 1e-3).label == "eR"  # NL at T = 0.001 (1 - m ~ e^{-6000})
    assert main(["theory", "ts", "point", "--p", "6", "--alpha", "1", "--T", "1", "--T-teacher", "0.1"]) == 0
    assert ",eR," in capsys.readouterr().out
    # large p: the critical point in log space (u_c ~ 4^{-p} underflows a double above p ~ 500)
    assert tt.critical_beta(1000) == pytest.approx(LN2, abs=1e-15)
    assert tt.magnetization_branches(2, 1.0).ferro == pytest.approx(math.tanh(2 * tt.m_bar(2, 1.0)), abs=1e-14)


def test_one_rsb_static_x_below_0_02():
    # issue 10 item 6: T = 0.04, alpha >= 3.8 (paper's Fig. 5) had x_s < 0.02 and the search gave up
    xs = []
    for alpha in (3.8, 3.92, 4.0):
        lam = alpha / 0.04**2
        r = sg.one_step_rsb(3, lam)
        assert r.status == "ok" and 0.0 < r.x < 0.0201
        xs.append(r.x)
        assert sg.dphi_dx(r.x, r.q1, lam, tc.distinct(3)) == pytest.approx(0.0, abs=1e-8)
        # independent check of the extremum: Phi_1RSB(x, q1(x)) on both sides is larger (a minimum in x)
        for dx in (-0.002, 0.002):
            x = r.x + dx
            assert sg.phi_1rsb(x, sg.solve_q1(x, lam, tc.distinct(3), guess=r.q1), lam, tc.distinct(3)) > r.phi
        cell = ts.solve(3, alpha, 0.04, 1.5)
        assert cell.status == "ok" and math.isfinite(cell.phi_nonretrieval) and cell.label == "gR"
    assert xs[-1] < 0.02 and xs[0] > xs[1] > xs[2]


def test_eR_from_the_teacher_needs_the_same_order():
    # issue 10 item 6: eR from the teacher only for an aligned teacher of the student's order
    assert tt.critical_temperature(4) == pytest.approx(1.4518, abs=1e-4)
    assert ts.solve(4, 1.0, 1.0, 1.0).label == "eR"
    assert ts.teacher_gives_eR(4, 1.0) and ts.teacher_gives_eR(4, 1.0, p_teacher=4)
    assert not ts.teacher_gives_eR(4, 1.0, p_teacher=2)
    assert not ts.teacher_gives_eR(4, 1.46)
    # a p* = 2 teacher goes to the mismatched-teacher theory, whose noise is eta, not T*
    with pytest.raises(ValueError, match="^T_teacher"):
        ts.solve(4, 1.0, 1.0, 1.0, p_teacher=2)
    with pytest.raises(ValueError, match="^T_teacher"):
        ts.phase(4, 1.0, 1.0, 1.0, p_teacher=2)
    assert ts.solve(4, 1.0, 1.0, p_teacher=2, eta=0.5).label == "eR"  # alpha = 1 < 1/eta = 2
    assert ts.solve(4, 3.0, 1.0, p_teacher=2, eta=0.5).label != "eR"  # alpha = 3 > 1/eta


@pytest.mark.parametrize("call,name", [
    (lambda: ts.phase(3, 1.0, 1e-200), "T"),
    (lambda: ts.solve(3, 1e300, 1.0), "T"),
    (lambda: ts.solve(3, 1.0, 1.0, 1e-300), "T_teacher"),
    (lambda: ts.nishimori_thresholds(10**9), "p"),
    (lambda: ts.solve(10**6, 1.0, 1.0), "p"),
    (lambda: tt.coupling_ratio(2, 3, 1.0), "N"),
    (lambda: tt.log_pmf_overlap(2, 3, 1.0), "N"),
    (lambda: tt.coupling_ratio(4e9, 3, 2), "N"),
    (lambda: tt.distinct_index_polynomial(1e20, 1.0, 10), "p"),
    (lambda: tt.magnetization_branches(10**9, 1.0), "p"),
    (lambda: ts.rs_saddle(-1.0, 1.0, 0.5, 0.5, tc.distinct(3)), "lam"),
    (lambda: ts.rs_saddle(1.0, float("nan"), 0.5, 0.5, tc.distinct(3)), "mu"),
    (lambda: ts.rs_free_entropy(1.0, 1.0, 1.5, 0.5, tc.distinct(3)), "q"),
    (lambda: ts.rs_entropy(1.0, 1.0, 0.5, -0.1, tc.distinct(3)), "qs"),
    (lambda: ts.rs_replicon(1.0, 1.0, 0.5, 0.5, "q^3"), "cov"),
    (lambda: ts.rs_energy(1.0, 0.0, 1.0, 0.5, 0.5, tc.distinct(3)), "T"),
    (lambda: ts.rs_saddle(True, 1.0, 0.5, 0.5, tc.distinct(3)), "lam"),
    (lambda: ts.retrieval_state(1.0, 1.0, None), "cov"),
    (lambda: ts.retrieval_state(1.0, 1.0, tc.distinct(3), guess=(2.0, 1.0)), "guess"),
    (lambda: ts.retrieval_state(1.0, 1.0, tc.distinct(3), guess=1.0), "guess"),
    (lambda: ts.retrieval_state(1.0, 1.0, tc.distinct(3), max_iter=0), "max_iter"),
    (lambda: ts.retrieval_state(1.0, 1.0, tc.distinct(3), tol="1e-9"), "tol"),
    (lambda: ts.retrieval_state("1", 1.0, tc.distinct(3)), "lam"),
    (lambda: ts.solve(3, 1.0, 1.0, competitor="paramagnet"), "competitor"),
    (lambda: ts.phase(3, 1.0, 1.0, sg="rs"), "sg"),
    (lambda: ts.boundary(3, "gR", 2.0, [1.0], competitor="x"), "competitor"),
    (lambda: ts.boundary(3, "gR", 2.0, "1.0"), "temperatures"),
    (lambda: ts.phase_diagram(3, [1.0, float("inf")], [1.0]), "alphas"),
    (lambda: ts.phase_diagram(3, [1.0], [1.0], sg="x"), "sg"),
    (lambda: ts.memorization_state(3, 1.0, 0.0), "T"),
    (lambda: sg.one_step_rsb(3, 1.0, x_step=0.9), "x_step"),
    (lambda: sg.rs_spin_glass(3, -1.0), "lam"),
    (lambda: er.symmetric_mixture(3, 0, 1.0), "M"),
])
def test_bad_input_regressions(call, name):
    # issue 14 item 6: ValueError naming the parameter instead of ZeroDivisionError, AttributeError,
    # a hang or a 30 GiB allocation
    with pytest.raises(ValueError, match=f"^{name}"):
        call()


def test_fuzz_solve_returns_a_result_or_names_the_parameter():
    # issue 14: every call returns a result with a status or raises ValueError naming a parameter
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st_

    from hopfield_phases._core.results import STATUSES

    numbers = st_.one_of(st_.floats(allow_nan=True, allow_infinity=True), st_.integers(-10, 10**6),
                         st_.sampled_from([0.0, 1e-300, 1e-200, 1e300, 10**400, -1.0, True, "1", None]))
    names = ("p", "alpha", "T", "T_teacher")

    @settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st_.one_of(st_.integers(-3, 300), numbers), numbers, numbers, st_.one_of(st_.none(), numbers))
    def check(p, alpha, T, Ts):
        try:
            r = ts.solve(p, alpha, T, Ts)
        except ValueError as e:
            assert str(e).startswith(names), str(e)
            return
        assert r.status in STATUSES and r.label in ts.LABELS

    check()


# ------------------------------------------------------------------ result contract (issue 13 item 4)
def test_contract_teacher(monkeypatch):
    from hopfield_phases.theory.solvers import ConvergenceError

    assert tt.magnetization_branches(3, 1.2).status == "ok"
    absent = tt.magnetization_branches(3, 1.9)  # above T*_sp: only the paramagnet
    assert absent.status == "absent" and absent.stable == 0.0 and math.isnan(absent.ferro)
    assert tt.m_bar(3, 1.9) == 0.0
    real = tt._brent_log
    monkeypatch.setattr(tt, "_brent_log", lambda *a: real(*a)[:2] + (False,))
    bad = tt.magnetization_branches(3, 1.2)
    assert bad.status == "unconverged" and not bad.success
    with pytest.raises(ConvergenceError):
        tt.m_bar(3, 1.2)


def test_contract_spin_glass(monkeypatch):
    ok, absent = sg.one_step_rsb(3, 3.0), sg.one_step_rsb(3, 1.0)
    assert ok.status == "ok" and ok.converged and not ok.paramagnet
    assert absent.status == "absent" and absent.paramagnet and absent.converged
    assert absent.phi == pytest.approx(LN2 + 0.5, abs=1e-15)  # the paramagnet's numbers
    real = sg.solve_q1
    monkeypatch.setattr(sg, "solve_q1", lambda x, *a, **k: 0.0 if x < 0.9 else real(x, *a, **k))
    bad = sg.one_step_rsb(3, 3.0)
    assert bad.status == "unconverged" and not bad.converged and math.isnan(bad.phi)
    monkeypatch.undo()
    rs = [sg.rs_spin_glass(3, 2.5), sg.rs_spin_glass(3, 2.0), sg.rs_spin_glass(3, 2.5, max_iter=2)]
    assert [r.status for r in rs] == ["ok", "absent", "unconverged"]
    # independent check of the RS spin glass threshold: the doc's paper-convention line T = 0.4849 sqrt(2 alpha)
    assert 1 / math.sqrt(2 * sg.rs_spin_glass_threshold(3)) == pytest.approx(0.4849, abs=1e-4)
    q = rs[0].q
    z, w = np.polynomial.hermite_e.hermegauss(200)
    assert q == pytest.approx(float(np.sum(w * np.tanh(math.sqrt(2.5 * 3 * q * q) * z) ** 2) / np.sum(w)), abs=1e-11)


def test_contract_student(monkeypatch):
    from hopfield_phases.theory.solvers import ConvergenceError
    from hopfield_phases.theory.teacher_student import student as st

    r = ts.solve(3, 5.0, 2.0)
    assert r.status == "ok" and r.converged and r.success and r.iterations > 0 and r.residual < 1e-9
    row = r.as_row()
    assert row["converged"] is True and row["status"] == "ok"
    mem_absent = ts.memorization_state(3, 1.0, 3.0)
    assert mem_absent.status == "absent" and mem_absent["m"] == 0.0
    assert ts.memorization_state(3, 0.2, 1.0).status == "ok"
    assert ts.memorization_state(3, 0.2, 1.0, max_iter=2).status == "unconverged"
    z = ts.zero_temperature(3, 1.0, 2.0)
    assert z.status == "absent" and not z["exists"] and ts.zero_temperature(3, 6.0, 2.0).status == "ok"
    # force an unconverged retrieval solve: solve says so, phase raises with the result attached
    real = st.retrieval_state
    monkeypatch.setattr(st, "retrieval_state", lambda *a, **k: real(*a, **{**k, "max_iter": 3}))
    bad = ts.solve(3, 5.0, 2.0)
    assert bad.status == "unconverged" and not bad.converged and "retrieval" in bad.message
    with pytest.raises(ConvergenceError) as err:
        ts.phase(3, 5.0, 2.0)
    assert err.value.result.label == bad.label
    d = ts.phase_diagram(3, [5.0], [2.0, 1.0])
    assert d.status == "unconverged" and "1 of 2" in d.message and list(d.converged[:, 0]) == [False, True]
    # boundary: an unconverged solve raises, never counts as absent
    monkeypatch.setattr(st, "polish_root", lambda *a, **k: SimpleNamespace(converged=False, x=np.zeros(2), residual=0.0, iterations=0))
    with pytest.raises(ConvergenceError):
        ts.boundary(3, "lR", 2.0, [2.5])
    monkeypatch.undo()
    assert np.isnan(ts.boundary(3, "lR", 1.0, [1.0])[0])  # aligned teacher: the boundary is absent
    assert ts.phase_diagram(3, [5.0], [2.0]).status == "ok"


def test_spinodal_secant_convergence_is_checked():
    from hopfield_phases.theory.solvers import ConvergenceError
    from hopfield_phases.theory.teacher_student import student as st

    cov = tc.distinct(3)
    with pytest.raises(ConvergenceError, match="secant"):
        st._spinodal_alpha(3, 2.5, 2.0, cov, max_secant=1)
    a = st._spinodal_alpha(3, 2.5, 2.0, cov)
    lam, mu = a / 2.5**2, a / 5.0
    assert ts.retrieval_state(lam * (1 + 1e-6), mu * (1 + 1e-6), cov) is not None
    assert ts.retrieval_state(lam * (1 - 1e-4), mu * (1 - 1e-4), cov) is None


def test_contract_example_retrieval():
    assert er.symmetric_mixture(3, 2, 1.4).status == "ok"
    absent = er.symmetric_mixture(3, 2, 1.9)  # T* above the teacher's spinodal: no aligned state
    assert absent.status == "absent" and math.isnan(absent["q_star"])
    assert er.symmetric_mixture(3, 2, 1.4, max_iter=1).status == "unconverged"


def test_contract_pprime(monkeypatch):
    assert pp.candidate_B_unstable_root(5.0, 3).status == "ok"
    assert pp.candidate_B_unstable_root(1.0, 3).status == "absent"
    real = pp.optimize.brentq

    def fake(*a, **k):  # scipy's brentq reporting failure (only where the caller asks for the report)
        if not k.get("full_output"):
            return real(*a, **k)
        root, r = real(*a, **k)
        return root, SimpleNamespace(converged=False, iterations=r.iterations, flag="forced")

    monkeypatch.setattr(pp.optimize, "brentq", fake)
    assert pp.candidate_B_unstable_root(5.0, 3).status == "unconverged"


# ------------------------------------------------------------------ the paper's figures (issue 10 item 1)
# An independent small solver of the paper's RS saddle-point equations (Theriault & Tantari 2024,
# Eqs. 4; teacher_student_paper_code.md "Conventions"): order parameters (q*, q, m) with
# c = alpha/T^2, c_s = alpha/(T T*), beta = 1/T and the example spin tau = +-1,
#   h_tau = sqrt(c p q^{p-1}) z + c_s p q*^{p-1} + tau beta p m^{p-1},
#   q* = <E_z tanh h>, q = <E_z tanh^2 h>, m = <tau E_z tanh h>   (<.> over tau = +-1),
#   F = -(p-1) c_s q*^p + (c/2)(1 - p q^{p-1} + (p-1) q^p) - (p-1) beta m^p + <E_z ln 2cosh h>.
# Gaussian averages by the trapezoid rule on z in [-10, 10] with a step b h_z <= 0.3 (b the field
# width): the integrands are analytic in the strip |Im z| < pi/(2b), so the error is ~exp(-pi^2/0.3)
# ~ 5e-15 (no library quadrature is used).  Iterated undamped to |step| < 1e-13 (or collapse of the
# state's own order parameter below 1e-9), i.e. converged, unlike the paper's 100 iterations.


def _paper_states(p, c, c_s, beta, start, max_iter=400_000):
    """Iterate the paper's equations from ``start`` ("R": (1, 1, 0), "mem": (0, 1, 1), "glass":
    (0, 1, 0)) for arrays of cells; returns (qs, q, m, F, exists, converged)."""
    c, c_s, beta = (np.asarray(x, dtype=float) for x in np.broadcast_arrays(c, c_s, beta))
    n = c.size
    init = {"R": (1.0, 1.0, 0.0), "mem": (0.0, 1.0, 1.0), "glass": (0.0, 1.0, 0.0)}[start]
    x = np.tile(np.array(init, dtype=float), (n, 1))
    active = np.ones(n, dtype=bool)
    conv = np.zeros(n, dtype=bool)
    key = {"R": 0, "mem": 2, "glass": 1}[start]
    b_max = math.sqrt(max(float(c.max()), 1e-12) * p)
    nz = int(max(801, 2 * math.ceil(10.0 * b_max / 0.3) + 1))
    z = np.linspace(-10.0, 10.0, nz)
    w = np.exp(-0.5 * z * z) * (z[1] - z[0]) / math.sqrt(2 * math.pi)
    w[0] *= 0.5
    w[-1] *= 0.5

    def fields(y, idx):
        qs, q, m = y[:, 0], y[:, 1], y[:, 2]
        b = np.sqrt(c[idx] * p * q ** (p - 1))
        a = c_s[idx] * p * qs ** (p - 1)
        k = beta[idx] * p * m ** (p - 1)
        base = b[:, None] * z[None, :] + a[:, None]
        return base + k[:, None], base - k[:, None]

    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        hp, hm = fields(x[idx], idx)
        tp, tm = np.tanh(hp), np.tanh(hm)
        new = np.column_stack([0.5 * ((tp + tm) @ w), 0.5 * ((tp * tp + tm * tm) @ w), 0.5 * ((tp - tm) @ w)])
        new = np.clip(new, 0.0, 1.0)
        step = np.max(np.abs(new - x[idx]), axis=1)
        x[idx] = new
        done = (step < 1e-13) | (new[:, key] < 1e-9)
        conv[idx[done]] = True
        active[idx[done]] = False
    hp, hm = fields(x, np.arange(n))
    lc = lambda h: np.abs(h) + np.log1p(np.exp(-2 * np.abs(h)))  # noqa: E731
    qs, q, m = x[:, 0], x[:, 1], x[:, 2]
    F = (-(p - 1) * c_s * qs**p + 0.5 * c * (1 - p * q ** (p - 1) + (p - 1) * q**p) - (p - 1) * beta * m**p
         + 0.5 * ((lc(hp) + lc(hm)) @ w))
    exists = x[:, key] > 1e-6
    return qs, q, m, F, exists, conv


def _paper_Tc(p):
    """Independent T*_c(p): the temperature where max_m [m^p/T + s(m)] = ln 2 (grid + bisection)."""
    m = np.linspace(1e-4, 1 - 1e-12, 400_001)
    s = -((1 + m) / 2 * np.log((1 + m) / 2) + (1 - m) / 2 * np.log((1 - m) / 2))
    lo, hi = 1.0, 2.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if np.max(m**p / mid + s) > LN2:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _paper_grid(n_beta, n_alpha, alpha_max, T_max, t_idx, a_idx):
    """The paper's notebook grid (teacher_student_paper_code.md, "Their figures"): alpha_j =
    alpha_max j/(n_alpha - 1), T_k = T_max (k + 1)/n_beta; a subsample of indices."""
    alphas = alpha_max * np.asarray(a_idx, dtype=float) / (n_alpha - 1)
    temps = T_max * (np.asarray(t_idx, dtype=float) + 1) / n_beta
    return alphas, temps


def _paper_labels(fig, p, alphas, temps, T_teacher=None):
    """Labels of the paper's figures 1, 2, 5 from the independent solver; returns (labels, n_unconverged)."""
    A, T = np.meshgrid(alphas, temps)
    A, T = A.ravel(), T.ravel()
    c = A / T**2
    beta = 1.0 / T
    para = LN2 + 0.5 * c
    labels = np.full(A.size, "P", dtype=object)
    bad = 0
    if fig == 1:  # direct model: retrieval of a stored pattern is the memorisation state (q* = 0)
        _, _, _, Fm, mem, cm = _paper_states(p, c, 0.0 * c, beta, "mem")
        _, _, _, _, gl, cg = _paper_states(p, c, 0.0 * c, beta, "glass")
        labels[gl] = "SG"
        labels[mem] = "lR"
        labels[mem & (Fm >= para)] = "gR"
        bad = int(np.sum(~cm) + np.sum(~cg))
    else:
        c_s = A / (T * (T if T_teacher is None else T_teacher))
        _, _, _, FR, R, cR = _paper_states(p, c, c_s, beta, "R")
        bad = int(np.sum(~cR))
        if fig == 5:
            _, _, _, _, gl, cg = _paper_states(p, c, c_s, beta, "glass")
            labels[gl] = "SG"
            bad += int(np.sum(~cg))
        labels[R] = "lR"
        labels[R & (FR >= para)] = "gR"
        if fig == 2:
            labels[T < _paper_Tc(p)] = "eR"
        else:
            _, _, _, Fm, mem, cm = _paper_states(p, c, c_s, beta, "mem")
            ref = np.where(R & (FR >= para), FR, para)
            labels[mem & (Fm >= ref)] = "eR"
            bad += int(np.sum(~cm))
    return labels.reshape(temps.size, alphas.size), bad


# ------------------------------------------------------------------ conventions as options (issue 10 item 1)
def test_competitor_and_sg_options_at_points():
    # T* = 2, T = 1, alpha = 3 (lambda = 3 > lambda_c): no retrieval; 1RSB SG (ours) / RS SG exists (paper)
    assert ts.phase(3, 3.0, 1.0, 2.0) == "SG"
    r = ts.solve(3, 3.0, 1.0, 2.0, competitor="rs-paramagnet", sg="rs-existence")
    assert r.label == "SG" and r.sg_definition == "rs-existence" and r.competitor == "P"
    assert r.q == pytest.approx(sg.rs_spin_glass(3, 3.0).q, abs=1e-12)
    # T* = 1.5, T = 1, alpha = 2 (lambda = 2 < lambda_RS = 2.127): our SG, the paper's P
    assert ts.phase(3, 2.0, 1.0, 1.5) == "SG"
    assert ts.phase(3, 2.0, 1.0, 1.5, competitor="rs-paramagnet", sg="rs-existence") == "P"
    # alpha = 3: retrieval beats the 1RSB SG (our gR) but not the RS paramagnet (the paper's lR)
    assert ts.phase(3, 3.0, 1.0, 1.5) == "gR"
    assert ts.phase(3, 3.0, 1.0, 1.5, competitor="rs-paramagnet") == "lR"
    # boundaries: the SG lines of both definitions, and gR against either competitor
    lam_c = ts.nishimori_thresholds(3)[1]
    assert ts.boundary(3, "SG", 2.0, [1.0], sg="rs-existence")[0] == pytest.approx(
        sg.rs_spin_glass_threshold(3), rel=1e-14)
    assert ts.boundary(3, "SG", 2.0, [1.0])[0] == pytest.approx(lam_c, rel=1e-14)
    a_ours = ts.boundary(3, "gR", 1.5, [1.0])[0]
    a_paper = ts.boundary(3, "gR", 1.5, [1.0], competitor="rs-paramagnet")[0]
    assert a_paper > 3.0 > a_ours
    for a, comp in ((a_ours, "1rsb"), (a_paper, "rs-paramagnet")):
        assert ts.phase(3, a * 1.001, 1.0, 1.5, competitor=comp) == "gR"
        assert ts.phase(3, a * 0.999, 1.0, 1.5, competitor=comp) != "gR"


def _compare_paper_figure(fig, step):
    """Our labels with the paper's options vs the independent solver on a subsample of the paper's
    grid (every ``step``-th T and alpha index, plus the last).  Returns (cells, differing, unconverged)."""
    amax, Ts = {1: (2.0, None), 2: (8.0, None), 5: (4.0, 1.5)}[fig]
    t_idx = sorted(set(range(1, 100, step)) | {99})
    a_idx = sorted(set(range(0, 101, step)) | {100})
    alphas, temps = _paper_grid(100, 101, amax, 4.0, t_idx, a_idx)
    ref, bad = _paper_labels(fig, 3, alphas, temps, Ts)
    if fig == 1:  # the direct model from our building blocks: memorisation state, RS spin glass, RS paramagnet
        ours = np.empty(ref.shape, dtype=object)
        for i, T in enumerate(temps):
            for j, a in enumerate(alphas):
                lam = a / T**2
                mem = ts.memorization_state(3, a, T)
                assert mem.status != "unconverged"
                lab = "SG" if sg.rs_spin_glass(3, lam).status != "absent" else "P"
                if mem.status == "ok":
                    lab = "gR" if mem.free_entropy >= LN2 + lam / 2 else "lR"
                ours[i, j] = lab
    else:
        d = ts.phase_diagram(3, alphas, temps, Ts, eR_definition="teacher" if fig == 2 else "memorization",
                             competitor="rs-paramagnet", sg="rs-existence")
        assert d.status == "ok"
        ours = d.labels
    return ref, ours, bad


@pytest.mark.parametrize("fig,expected", [(1, {"P", "SG", "lR", "gR"}), (2, {"P", "lR", "gR", "eR"}),
                                          (5, {"P", "SG", "lR", "gR", "eR"})])
def test_paper_figures_cell_for_cell(fig, expected):
    # 11 x 11 cells of each figure's grid (p = 3; Fig. 1 alpha <= 2, Fig. 2 NL alpha <= 8, Fig. 5
    # T* = 1.5 alpha <= 4; T <= 4): identical labels, every reference state converged
    ref, ours, bad = _compare_paper_figure(fig, 10)
    assert bad == 0
    assert set(ref.ravel()) == expected  # every phase of the figure is on the subsample
    assert np.array_equal(ours, ref), np.argwhere(ours != ref)


@pytest.mark.slow
@pytest.mark.parametrize("fig", [1, 2, 5])
def test_paper_figures_cell_for_cell_dense(fig):
    ref, ours, bad = _compare_paper_figure(fig, 4)  # 26 x 26 cells
    assert bad == 0
    assert np.array_equal(ours, ref), np.argwhere(ours != ref)


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
