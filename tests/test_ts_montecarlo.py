"""Dense teacher-student Monte Carlo (issue 6; teacher_student_theory.md Sec. 1, 2, 11, 12).

Every check compares with an independent fact: exhaustive enumeration of the teacher's and
the student's Gibbs laws on tiny systems, the from-scratch energy, the other engineer's
theory.teacher.coupling_ratio, and an RS solution at the realised coupling solved here with
theory.gaussian + theory.solvers.fixed_point.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from _stats import chi2_pvalue  # noqa: E402 (tests/ is on sys.path)
from scipy import signal

from hopfield_phases.montecarlo import rng as xr
from hopfield_phases.montecarlo import statistics as mcs
from hopfield_phases.montecarlo import teacher_sampling as tsamp
from hopfield_phases.montecarlo import teacher_student as tsm


# --------------------------------------------------------------------------- helpers
def all_configs(N):
    return np.array(list(itertools.product([-1, 1], repeat=N)), dtype=np.int64)




def polynomial_S_bruteforce(y, p):
    """S_p(y) = sum over ordered p-tuples of distinct sites of prod y_i (definition)."""
    N = len(y)
    return sum(np.prod([y[i] for i in t]) for t in itertools.permutations(range(N), p))


# --------------------------------------------------------------------------- polynomials
@pytest.mark.parametrize("p", [2, 3, 4, 5, 6])
def test_distinct_polynomial_matches_definition(p):
    N = 7
    c = tsamp.distinct_polynomial(p, N)
    rng = np.random.default_rng(p)
    for _ in range(6):
        y = 2 * rng.integers(0, 2, N) - 1
        assert np.polynomial.polynomial.polyval(y.sum(), c) == polynomial_S_bruteforce(y, p)


def test_distinct_polynomial_doc_formulas():
    N = 37
    X = np.arange(-N, N + 1, 2, dtype=float)
    S = lambda p: np.polynomial.polynomial.polyval(X, tsamp.distinct_polynomial(p, N))
    np.testing.assert_array_equal(S(3), X**3 - (3 * N - 2) * X)
    np.testing.assert_array_equal(S(4), X**4 - (6 * N - 8) * X**2 + 3 * N**2 - 6 * N)
    np.testing.assert_array_equal(
        S(5), X**5 - 10 * N * X**3 + 20 * X**3 + 15 * N**2 * X - 50 * N * X + 24 * X)


# --------------------------------------------------------------------------- teacher
@pytest.mark.parametrize("interaction", ["literal", "distinct"])
def test_k_law_matches_enumeration(interaction):
    """P(K) from gammaln/logsumexp == brute-force sum of Gibbs weights over all 2^N sigma."""
    N, p, Tt = 12, 3, 1.3
    cfg = all_configs(N)
    X = cfg.sum(axis=1)  # xi* = 1 (gauge)
    if interaction == "literal":
        E = X.astype(float) ** p
    else:  # definition: sum over ordered p-tuples of distinct sites (vectorised over configs)
        E = np.zeros(len(cfg))
        for t in itertools.permutations(range(N), p):
            E += np.prod(cfg[:, list(t)], axis=1)
    w = np.exp(E / N ** (p - 1) / Tt)
    law = tsamp.k_law(N, p, Tt, interaction)
    expected = np.array([w[X == k].sum() for k in law.K]) / w.sum()
    np.testing.assert_allclose(law.prob, expected, rtol=1e-12, atol=1e-300)
    assert abs(law.prob.sum() - 1) < 1e-13


def test_k_law_stable_large_N():
    law = tsamp.k_law(100000, 3, 2.0)
    assert np.all(np.isfinite(law.log_prob)) and abs(law.prob.sum() - 1) < 1e-10


@pytest.mark.parametrize("interaction", ["literal", "distinct"])
def test_teacher_examples_match_gibbs_law(interaction):
    """Chi-square: K histogram vs the exact law, and full configurations (N = 6) vs Gibbs."""
    N, p, Tt, M = 6, 3, 0.6, 40000
    xi_star, ex = tsm.sample_teacher(N, p, Tt, M, seed=11, interaction=interaction)
    assert ex.dtype == np.int8 and ex.shape == (M, N) and ex.flags.f_contiguous
    K = ex.astype(np.int64) @ xi_star.astype(np.int64)
    law = tsamp.k_law(N, p, Tt, interaction)
    counts = np.array([(K == k).sum() for k in law.K])
    assert chi2_pvalue(counts, law.prob) > 1e-3
    # power: the wrong temperature is rejected
    assert chi2_pvalue(counts, tsamp.k_law(N, p, 1.2 * Tt, interaction).prob) < 1e-6
    # full configuration law: P(sigma) ∝ exp(beta* E(xi*.sigma)/N^{p-1})
    cfg = all_configs(N)
    Kc = cfg @ xi_star.astype(np.int64)
    S = tsamp.interaction_polynomial(p, N, interaction)
    w = np.exp(np.polynomial.polynomial.polyval(Kc, S) / N ** (p - 1) / Tt)
    code = ((ex.astype(np.int64) + 1) // 2) @ (1 << np.arange(N - 1, -1, -1))
    counts = np.bincount(code, minlength=2**N)
    assert chi2_pvalue(counts, w / w.sum()) > 1e-3


def test_k_histogram_chi_square_N20():
    N, p, Tt, M = 20, 3, 1.5, 30000
    xi_star, ex = tsm.sample_teacher(N, p, Tt, M, seed=3)
    K = ex.astype(np.int64) @ xi_star.astype(np.int64)
    law = tsamp.k_law(N, p, Tt)
    counts = np.array([(K == k).sum() for k in law.K])
    assert chi2_pvalue(counts, law.prob) > 1e-3


def test_coupling_ratio_independent_implementation():
    """r_N agrees with theory.teacher.coupling_ratio (written independently) and -> 1."""
    theory_teacher = pytest.importorskip("hopfield_phases.theory.teacher_student.teacher")
    for N in (50, 100, 400):
        for Tt in (2.0, 3.0):
            assert tsamp.coupling_ratio(N, 3, Tt) == pytest.approx(
                theory_teacher.coupling_ratio(N, 3, Tt), rel=1e-9)
    r = [tsamp.coupling_ratio(N, 3, 2.0) - 1 for N in (2000, 4000)]
    assert 1.8 < r[0] / r[1] < 2.2  # 1/N correction


def test_realized_coupling_ratio_converges_to_r_N():
    N, p, Tt = 60, 3, 2.0
    law = tsamp.k_law(N, p, Tt)
    K = tsamp.sample_k(law, 400000, np.random.default_rng(0))
    r = tsamp.realized_coupling_ratio(K, N, p, Tt)
    assert r == pytest.approx(tsamp.coupling_ratio(N, p, Tt), rel=0.02)


# --------------------------------------------------------------------------- energies
@pytest.mark.parametrize("p", [3, 4, 5, 7])
@pytest.mark.parametrize("interaction", ["distinct", "literal"])
def test_incremental_energy_equals_brute_force(p, interaction):
    N, M = 11, 9
    xi_star, ex = tsm.sample_teacher(N, p, 2.0, M, seed=p)
    rng = np.random.default_rng(5)
    chain = tsm.StudentChain(ex, xi_star, 2 * rng.integers(0, 2, N) - 1, p, interaction)
    for _ in range(25):
        E0 = tsm.brute_force_energy(chain.xi, ex, p, interaction)
        assert chain.energy == pytest.approx(E0, rel=1e-12, abs=1e-12)
        k = int(rng.integers(N))
        dE = chain.delta_energy(k)
        xi2 = chain.xi.copy()
        xi2[k] *= -1
        assert dE == pytest.approx(tsm.brute_force_energy(xi2, ex, p, interaction) - E0,
                                   rel=1e-12, abs=1e-12)
        chain.advance(1, 0.5)  # moves the state (updates X, B, sums incrementally)
    # tracked sums == from-scratch sums after many accepted flips
    B, state = chain.B.copy(), chain.state.copy()
    chain.reset(chain.xi)
    np.testing.assert_array_equal(chain.B, B)
    np.testing.assert_array_equal(chain.state, state)


def test_naive_energy_matches_brute_force():
    N, M, p = 10, 13, 3
    xi_star, ex = tsm.sample_teacher(N, p, 2.0, M, seed=1)
    chain = tsm.StudentChain(ex, xi_star, xi_star, p)
    assert tsm.naive_energy(chain.cols, chain.xi, chain.cS, chain.scale) == pytest.approx(
        tsm.brute_force_energy(xi_star, ex, p))


# --------------------------------------------------------------------------- detailed balance
def _boltzmann(ex, p, interaction, T, xi_star=None, bias=None):
    N = ex.shape[1]
    cfg = all_configs(N)
    E = np.array([tsm.brute_force_energy(c, ex, p, interaction) for c in cfg])
    if bias is not None:
        c0, kappa, width = bias
        q = cfg @ xi_star.astype(np.int64) / N
        d = np.maximum(np.abs(q - c0) - width, 0.0)
        E = E + 0.5 * kappa * N * d**2
    w = np.exp(-(E - E.min()) / T)
    # code used by the kernel: sum_i [xi_i = 1] 2^i
    codes = ((cfg + 1) // 2) @ (1 << np.arange(N))
    prob = np.zeros(2**N)
    prob[codes] = w / w.sum()
    return prob


@pytest.mark.parametrize("interaction,bias", [("distinct", None), ("literal", None),
                                              ("distinct", (0.5, 3.0, 0.1))])
def test_detailed_balance_exhaustive(interaction, bias):
    """Empirical distribution of the 2^N student states == Boltzmann weights (chi-square).

    Samples are thinned with a stride of 6 tau_int (tau_int of the energy, measured; checked
    to be small) so that the thinned samples are effectively independent.  The test has power: the same counts
    are rejected against the Boltzmann law at 1.25 T.
    """
    N, p, M, T = 8, 3, 6, 1.2
    xi_star, ex = tsm.sample_teacher(N, p, 2.0, M, seed=4)
    chain = tsm.StudentChain(ex, xi_star, xi_star, p, interaction, seed=9)
    out = chain.advance(400000, T, record_states=True, bias=bias)
    tau = tsm.integrated_autocorrelation_time(out["energy"][:50000])
    assert tau < 10.0
    codes = out["codes"][1000::int(math.ceil(6 * tau))]
    counts = np.bincount(codes, minlength=2**N)
    prob = _boltzmann(ex, p, interaction, T, xi_star, bias)
    assert chi2_pvalue(counts, prob) > 1e-3
    assert chi2_pvalue(counts, _boltzmann(ex, p, interaction, 1.25 * T, xi_star, bias)) < 1e-6


def _naive_trial(cols, xi, cS, scale, beta, k, rstate):
    """One trial flip of site k made by the naive reference kernel ``naive_sweeps`` (energy from
    scratch), drawing its uniform from the xoshiro stream exactly when the fast kernel does
    (only for dE > 0).  Whether dE > 0 is asked of naive_sweeps itself: with u = 1 a trial is
    accepted iff dE <= 0.  Returns 1 if a uniform was drawn."""
    order = np.array([[k]], dtype=np.int64)
    probe = xi.copy()
    if tsm.naive_sweeps(cols, probe, cS, scale, beta, order, np.ones((1, 1))) == 1:
        xi[:] = probe
        return 0
    tsm.naive_sweeps(cols, xi, cS, scale, beta, order, np.array([[xr.next_double(rstate)]]))
    return 1


@pytest.mark.parametrize("interaction", ["distinct", "literal"])
def test_naive_reference_kernel_gives_the_same_trajectory(interaction):
    """naive_sweeps (every trial recomputes H from scratch) and the incremental kernel, fed the
    same random stream (same site orders, same uniforms), visit the same states sweep by sweep.
    N = 8, p = 3: N^{1-p} = 1/64 is a power of two, so both energy differences are exact and
    every accept/reject decision must coincide."""
    N, p, M, T, n_sweeps, seed = 8, 3, 6, 1.2, 300, 21
    xi_star, ex = tsm.sample_teacher(N, p, 2.0, M, seed=4)
    rng = np.random.default_rng(2)
    xi0 = (2 * rng.integers(0, 2, N) - 1).astype(np.int8)
    chain = tsm.StudentChain(ex, xi_star, xi0, p, interaction, seed=seed)
    fast = chain.advance(n_sweeps, T, record_states=True)
    rstate = xr.new_state(seed)
    order = np.arange(N, dtype=np.int64)
    xi = xi0.copy()
    draws = 0
    codes = []
    for _ in range(n_sweeps):
        xr.shuffle(rstate, order)
        for k in order:
            draws += _naive_trial(chain.cols, xi, chain.cS, chain.scale, 1.0 / T, int(k), rstate)
        codes.append(int(((xi.astype(np.int64) + 1) // 2) @ (1 << np.arange(N))))
    np.testing.assert_array_equal(fast["codes"], codes)
    np.testing.assert_array_equal(chain.xi, xi)
    assert np.array_equal(rstate, chain.rng_state)  # the same number of draws was consumed
    assert len(set(codes)) > 20 and 0 < fast["accepted"].sum() < n_sweeps * N and draws > 100
    assert tsm.naive_energy(chain.cols, xi, chain.cS, chain.scale) == chain.energy


def test_zero_temperature_stops_at_local_minimum():
    N, p = 40, 3
    xi_star, ex = tsm.sample_teacher(N, p, 2.0, tsm.n_examples(3.0, N, p), seed=2)
    rng = np.random.default_rng(1)
    chain = tsm.StudentChain(ex, xi_star, 2 * rng.integers(0, 2, N) - 1, p)
    out = chain.advance(500, 0.0)
    assert out["accepted"][-1] == 0 and len(out["accepted"]) < 500
    assert np.all(np.diff(out["energy"]) <= 0)
    E0 = tsm.brute_force_energy(chain.xi, ex, p)
    for k in range(N):
        xi2 = chain.xi.copy()
        xi2[k] *= -1
        assert tsm.brute_force_energy(xi2, ex, p) >= E0 - 1e-12


# --------------------------------------------------------------------------- run / API
def test_run_api_and_determinism():
    r1 = tsm.run(3, 60, 4.0, 2.0, 2.0, start="random", sweeps=60, seed=3)
    r2 = tsm.run(3, 60, 4.0, 2.0, 2.0, start="random", sweeps=60, seed=3)
    assert r1.as_row() == r2.as_row()
    assert r1.M == round(4.0 * 60**2 / 6)
    for name in ("q_star", "m", "energy", "acceptance", "r_N", "tau_int", "r_sample", "m_index"):
        assert hasattr(r1, name)
    assert 0 <= r1.acceptance <= 1 and 0 <= r1.m <= 1
    assert r1.settings["interaction"] == "distinct" and r1.settings["teacher_interaction"] == "literal"
    planted = tsm.run(3, 60, 4.0, 2.0, 2.0, start="planted", sweeps=5, seed=3)
    assert planted.q_star_initial == 1.0 and planted.r_sample == r1.r_sample  # same data
    c = tsm.run(3, 60, 4.0, 2.0, 2.0, start="corrupted", q0=0.5, sweeps=5, seed=3)
    assert abs(c.q_star_initial - 0.5) <= 1 / 60
    # the recorded energy per spin of every sweep = brute force on that sweep's configuration:
    # replay run()'s chain (its documented seeding) one sweep at a time
    r = tsm.run(3, 32, 0.5, 2.0, 2.0, sweeps=20, seed=1, keep_series=True)
    data_ss, dyn_ss = np.random.SeedSequence(1).spawn(2)
    xs, ex = tsm.sample_teacher(32, 3, 2.0, r.M, seed=data_ss)
    chain = tsm.StudentChain(ex, xs, xs, 3, seed=dyn_ss.spawn(1)[0])
    e_brute, q_brute = [], []
    for _ in range(20):
        chain.advance(1, 2.0)
        e_brute.append(tsm.brute_force_energy(chain.xi, ex, 3) / 32)
        q_brute.append(int(chain.xi.astype(int) @ xs.astype(int)) / 32)
    assert r.series["q_star"].shape == (20,) and r.series["accepted"].sum() > 0
    np.testing.assert_allclose(r.series["energy"], e_brute, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(r.series["q_star"], q_brute)
    assert len(set(np.round(e_brute, 9))) > 1  # the state moved: the check is not of one point


@pytest.mark.parametrize("kwargs,name", [
    (dict(p=1), "p"), (dict(p=2.5), "p"), (dict(T=-1.0), "T"), (dict(T_teacher=0.0), "T_teacher"),
    (dict(interaction="foo"), "interaction"), (dict(teacher_interaction="bar"), "teacher_interaction"),
    (dict(N=100000, alpha=10.0), "M"), (dict(alpha=-1.0), "alpha"), (dict(start="x"), "start"),
    (dict(start="corrupted"), "q0"), (dict(sweeps=0), "sweeps"), (dict(N=1), "N"),
])
def test_bad_input(kwargs, name):
    args = dict(p=3, N=50, alpha=2.0, T=2.0, T_teacher=2.0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=f"^{name}"):
        tsm.run(**args)


def test_bad_input_sample_teacher():
    for kw, name in ((dict(p=1), "p"), (dict(M=10**12), "M"), (dict(interaction="x"), "interaction"),
                     (dict(T_teacher=-2), "T_teacher")):
        args = dict(N=100, p=3, T_teacher=2.0, M=10)
        args.update(kw)
        with pytest.raises(ValueError, match=f"^{name}"):
            tsm.sample_teacher(**args)


def _ar1(a, n, rng, n_chains=None):
    """AR(1) series x_t = a x_{t-1} + eps_t started in its stationary law."""
    shape = (n,) if n_chains is None else (n_chains, n)
    eps = rng.normal(size=shape)
    eps[..., 0] /= math.sqrt(1 - a * a)
    return signal.lfilter([1.0], [1.0, -a], eps, axis=-1)


@pytest.mark.parametrize("a", [0.0, 0.5, 0.8, 0.95])
def test_integrated_time_ar1(a):
    """AR(1) with coefficient a: tau_int = 1 + 2 sum_t a^t = (1 + a)/(1 - a) (emcee convention)."""
    x = _ar1(a, 400000, np.random.default_rng(int(100 * a)))
    assert mcs.integrated_time(x) == pytest.approx((1 + a) / (1 - a), rel=0.06)
    # the old name, re-exported by teacher_student, is the same estimator
    assert tsm.integrated_autocorrelation_time is mcs.integrated_time


def test_integrated_time_edge_cases_and_short_chain_warning():
    assert math.isnan(mcs.integrated_time(np.ones(100)))
    assert math.isnan(mcs.integrated_time([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="^x"):
        mcs.integrated_time(np.zeros((3, 3)))
    rng = np.random.default_rng(1)
    short = _ar1(0.9, 300, rng)  # tau = 19: 300 < 50 tau
    with pytest.warns(mcs.ShortChainWarning, match="q_star"):
        mcs.integrated_time(short, name="q_star")
    with pytest.warns(mcs.ShortChainWarning):
        s = mcs.summarize_chain(short)
    assert s.too_short and s.n_tau < 50
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = mcs.summarize_chain(_ar1(0.5, 20000, rng))  # 20000 >> 50 * 3
    assert not s.too_short and s.n_tau > 50


def test_error_of_the_mean_from_tau_int():
    """The reported error std sqrt(tau/n) matches the spread of the means of independent
    AR(1) chains; the naive std/sqrt(n) is 3x too small (the test has power)."""
    rng = np.random.default_rng(7)
    a, n = 0.8, 4000
    X = _ar1(a, n, rng, n_chains=300)
    summaries = [mcs.summarize_chain(x, warn=False) for x in X]
    spread = np.std([s.mean for s in summaries])
    reported = np.mean([s.error for s in summaries])
    assert reported == pytest.approx(spread, rel=0.15)
    assert np.mean([s.std for s in summaries]) / math.sqrt(n) < 0.5 * spread
    # halves check: stationary chains agree (|z| <= 3 in ~99.7 %), a drifting chain does not
    assert np.mean([s.halves_agree for s in summaries]) > 0.97
    drift = _ar1(a, n, rng) + np.linspace(0.0, 3.0, n)  # 1.8 std over the run
    assert not mcs.summarize_chain(drift, warn=False).halves_agree


def test_run_reports_chain_diagnostics():
    with pytest.warns(mcs.ShortChainWarning):
        r = tsm.run(3, 40, 1.0, 2.0, 2.0, start="random", sweeps=30, seed=2)
    assert r.n_tau == pytest.approx(20 / r.tau_int) and math.isfinite(r.q_star_halves_z)
    row = r.as_row()
    assert {"n_tau", "q_star_halves_z", "tau_int"} <= set(row)


# --------------------------------------------------------------------------- physics vs RS
def rs_q_star(p, lam, mu, q0=1.0):
    """RS saddle (doc Sec. 3.3) by damped iteration from (q*, q) = (q0, q0):
    q* = E tanh h, q = E tanh^2 h, h = mu p q*^{p-1} + sqrt(lam p q^{p-1}) z."""
    from hopfield_phases.theory.gaussian import expect_tanh, expect_tanh2
    from hopfield_phases.theory.solvers import fixed_point

    def update(x):
        qs, q = np.clip(x, 0.0, 1.0)
        a = mu * p * qs ** (p - 1)
        b = math.sqrt(lam * p * q ** (p - 1))
        return np.array([expect_tanh(a, b), expect_tanh2(a, b)])

    res = fixed_point(update, np.array([q0, q0]), damping=0.7, tol=1e-11, max_iter=20000)
    return float(res.x[0])


def test_rs_helper_nishimori_reference():
    """The in-test RS solver reproduces the doc's q*(lambda_c) = 0.813518 at p = 3 on the NL."""
    lam = 1.178404
    assert rs_q_star(3, lam, lam) == pytest.approx(0.813518, abs=2e-4)
    assert rs_q_star(3, 1.0, 1.0) < 1e-6  # below lambda_sp = 1.07625: only P


@pytest.mark.parametrize("alpha,T,phase,tol", [(7.0, 2.0, "gR", 0.03), (4.5, 3.0, "P", 0.08)])
def test_planted_q_star_matches_rs_at_realized_coupling(alpha, T, phase, tol):
    """p = 3 distinct-index student, literal teacher, T = T*, N = 200, planted start.

    Theory: RS with lambda = alpha/T^2 and mu = r_sample alpha/(T T*) (doc Sec. 12 (c)).
    Tolerance: 0.03 in gR (doc: MC slightly below RS(r_sample) by O(1/N) effects), and
    |q*| < 0.08 in P, where q* ~ N^{-1/2} fluctuations remain (tol ~ 1/sqrt(N) = 0.07).
    """
    N = 200
    res = tsm.run(3, N, alpha, T, T, start="planted", sweeps=300, seed=7)
    lam = alpha / T**2
    q_theory = rs_q_star(3, lam, res.r_sample * lam)
    if phase == "gR":
        assert q_theory > 0.5
        assert abs(res.q_star - q_theory) < tol, (res.q_star, q_theory, res.r_sample)
    else:
        assert q_theory < 1e-6
        assert abs(res.q_star) < tol, (res.q_star, res.r_sample)


# --------------------------------------------------------------------------- umbrella / WHAM
def _exactly_solvable(n=20000, seed=0):
    """i.i.d. samples of known biased laws P(x) exp(-b_w(x)) on a double well."""
    from hopfield_phases.montecarlo.umbrella import bias_reduced

    N = 40
    x = -1 + 2 * np.arange(N + 1) / N
    logP = N * (0.3 * x**2 - 0.5 * x**4 + 0.1 * x)  # double well
    logP -= np.log(np.exp(logP).sum())
    centers = np.linspace(-1, 1, 11)
    k = 8.0
    b = np.array([bias_reduced(x, c, k, 0.0, N) for c in centers])
    rng = np.random.default_rng(seed)
    counts = np.zeros_like(b)
    for w in range(len(centers)):
        pw = np.exp(logP - b[w])
        pw /= pw.sum()
        counts[w] = rng.multinomial(n, pw)
    return logP, b, counts


@pytest.mark.parametrize("solver", ["mbar", "wham"])
def test_wham_exactly_solvable(solver):
    """MBAR (pymbar) and the count-matrix solver recover ln P and f_w of known biased laws."""
    from hopfield_phases.montecarlo import umbrella

    logP, b, counts = _exactly_solvable()
    res = getattr(umbrella, solver)(counts, b)
    assert res.method == solver and res.residual < 1e-6
    vis = res.counts > 50
    err = res.log_p[vis] - logP[vis]
    assert np.max(np.abs(err - err.mean())) < 0.15
    f_exact = -np.array([logsumexp_(logP - b[w]) for w in range(len(b))])
    np.testing.assert_allclose(res.f, f_exact - f_exact[0], atol=0.1)
    # without reweighting the raw pooled histogram is far off: the test has power
    raw = np.log(np.maximum(res.counts, 1) / res.counts.sum())
    assert np.max(np.abs((raw - logP)[vis] - (raw - logP)[vis].mean())) > 1.0


def test_mbar_and_count_solver_agree_and_never_return_unconverged():
    """The bootstrap's count-matrix solver is the MBAR estimator: same f and ln P as pymbar to
    1e-6 on the same data; an unattainable tolerance raises instead of returning."""
    from hopfield_phases.montecarlo import umbrella

    _, b, counts = _exactly_solvable(n=3000, seed=4)
    m, w = umbrella.mbar(counts, b), umbrella.wham(counts, b)
    np.testing.assert_allclose(w.f, m.f, atol=1e-6)
    vis = np.isfinite(m.log_p)
    np.testing.assert_allclose(w.log_p[vis], m.log_p[vis], atol=1e-6)
    with pytest.raises(RuntimeError, match="did not converge"):
        umbrella.mbar(counts, b, tol=0.0)
    with pytest.raises(ValueError, match="counts"):
        umbrella.mbar(counts[:, :-1], b)


def test_landscape_bootstrap_counts_failed_replicas(monkeypatch):
    """A replica whose reweighting fails is counted (n_boot_failed), not silently dropped."""
    from hopfield_phases.montecarlo import umbrella

    _, b, counts = _exactly_solvable(n=400, seed=5)
    N = counts.shape[1] - 1
    series = [np.repeat(np.arange(N + 1), c.astype(int)) for c in counts]
    centers = np.linspace(-1, 1, 11)
    calls = {"n": 0}
    real = umbrella.wham

    def flaky(*a, **k):
        calls["n"] += 1
        if calls["n"] % 3 == 0:
            raise RuntimeError("wham did not converge (test)")
        return real(*a, **k)

    monkeypatch.setattr(umbrella, "wham", flaky)
    est = umbrella.estimate(series, centers, 8.0, 0.0, N, n_boot=9, block=20, seed=0)
    assert est.n_boot == 9 and est.n_boot_failed == 3 and est.boot.shape == (6, N + 1)
    assert np.isfinite(est.V).sum() > N // 2 and np.nanmax(est.V) == 0.0


def logsumexp_(a):
    from scipy.special import logsumexp
    return float(logsumexp(a))


def test_umbrella_tiny_student_matches_enumeration():
    """Umbrella + WHAM on N = 10 reproduces the exact P(q*) from all 2^10 student states."""
    from hopfield_phases.montecarlo.umbrella import landscape

    N, p, alpha, T = 10, 3, 4.0, 4.0  # double-well P(q*) spanning ~25 e-folds
    res = landscape(p, N, alpha, T, 2.0, centers=np.linspace(-1, 1, 11), k=4.0,
                    sweeps=10000, equilibration=100, seed=5, n_boot=5, block=1000)
    xi_star, ex = tsm.sample_teacher(N, p, 2.0, res.M, seed=np.random.SeedSequence(5).spawn(2)[0])
    cfg = all_configs(N)
    E = np.array([tsm.brute_force_energy(c, ex, p) for c in cfg])
    qs = cfg @ xi_star.astype(np.int64) / N
    w = np.exp(-(E - E.min()) / T)
    q = res.q
    P = np.array([w[np.isclose(qs, v)].sum() for v in q])
    logP = np.log(P / P.sum())
    ok = np.isfinite(res.log_p) & (P / P.sum() > 1e-12)
    d = res.log_p[ok] - logP[ok]
    assert ok.sum() >= N  # all but q* = -1 (e^-25) are visited
    assert np.max(np.abs(d - d.mean())) < 0.1, (res.log_p, logP)
    assert np.ptp(logP[ok]) > 5  # a non-trivial landscape (spans > 5 e-folds)


# --------------------------------------------------------------------------- slow physics checks
@pytest.mark.slow
@pytest.mark.parametrize("N,alpha", [(400, 5.5), (400, 7.0)])
def test_slow_reference_planted_N400(N, alpha):
    """Doc Sec. 12 reference runs (T = T* = 2, planted): MC within 0.05 of RS(r_sample).

    Observed over our reference runs at N = 400 (two samples per alpha): RS(r_sample) - MC in
    [-0.007, +0.035]: MC lies slightly below RS, as the doc reports, with sample-to-sample
    spread ~0.015, hence the tolerance."""
    res = tsm.run(3, N, alpha, 2.0, 2.0, start="planted", sweeps=600, seed=1)
    lam = alpha / 4
    q_th = rs_q_star(3, lam, res.r_sample * lam)
    assert abs(res.q_star - q_th) < 0.05, (res.q_star, q_th, res.r_sample)


@pytest.mark.slow
def test_slow_hysteresis_and_literal_student():
    """Doc Sec. 12 observations 3 and 4: at N = 200, alpha = 7 (gR at N = inf) a random start
    stays in P while the planted start retrieves; at alpha = 3 (P for the distinct student) the
    literal student retrieves xi* from a random start and the distinct one does not."""
    pl = tsm.run(3, 200, 7.0, 2.0, 2.0, start="planted", sweeps=400, seed=2)
    rd = tsm.run(3, 200, 7.0, 2.0, 2.0, start="random", sweeps=400, seed=2)
    assert pl.q_star > 0.9 and abs(rd.q_star) < 0.2
    lit = tsm.run(3, 200, 3.0, 2.0, 2.0, start="random", sweeps=400, seed=3, interaction="literal")
    dis = tsm.run(3, 200, 3.0, 2.0, 2.0, start="random", sweeps=400, seed=3)
    assert lit.q_star > 0.3 and abs(dis.q_star) < 0.2


@pytest.mark.slow
def test_slow_landscape_matches_rs_at_realized_coupling():
    """Umbrella + WHAM landscape, p = 3, N = 100, T = T* = 3, alpha = 10.6 (lambda = 1.178 ~
    lambda_c): V_mc agrees with the RS V(q*) at mu -> r_sample mu (rms after a constant shift
    < 0.025 on q* in [0, 0.95]); the N = inf curve (r = 1) is clearly worse."""
    from hopfield_phases.compare.agreement import landscape_agreement
    from hopfield_phases.compare.landscape import theory_landscape
    from hopfield_phases.montecarlo.umbrella import landscape

    res = landscape(3, 100, 10.6, 3.0, 3.0, sweeps=600, equilibration=100, seed=0, n_boot=5)
    V_rs = theory_landscape(3, 10.6, 3.0, 3.0, res.q, res.r_sample)
    V_inf = theory_landscape(3, 10.6, 3.0, 3.0, res.q, 1.0)
    a_rs = landscape_agreement(res.q, res.V, V_rs)
    a_inf = landscape_agreement(res.q, res.V, V_inf)
    assert a_rs["rms"] < 0.025 and a_inf["rms"] > 2 * a_rs["rms"], (a_rs, a_inf)
    assert abs(a_rs["dV_mc"] - a_rs["dV_theory"]) < 0.06


# --------------------------------------------------------------------------- CLI
def test_cli_ts_and_landscape(tmp_path):
    from hopfield_phases.compare.cli import main
    from hopfield_phases.montecarlo.sweep import read_sweep

    out = tmp_path / "ts.csv"
    rc = main(["simulate", "ts", "--p", "3", "--N", "30", "--alpha", "1:4:2", "--T", "2",
               "--T-teacher", "2", "--samples", "2", "--start", "planted,random", "--sweeps", "20",
               "--workers", "1", "--quiet", "--theory", "--out", str(out)])
    assert rc == 0
    rows = read_sweep(out)
    assert len(rows) == 2 * 2 * 2
    # planted and random starts of one sample share the data set (same r_sample)
    by = {}
    for r in rows:
        by.setdefault((r["alpha"], r["sample"]), set()).add(r["r_sample"])
    assert all(len(v) == 1 for v in by.values())
    assert (tmp_path / "ts_theory.csv").exists()
    lout = tmp_path / "land.csv"
    rc = main(["simulate", "ts-landscape", "--p", "3", "--N", "12", "--alpha", "3", "--T", "3",
               "--T-teacher", "3", "--windows", "0:1:6", "--sweeps", "200", "--equilibration", "20",
               "--out", str(lout)])
    assert rc == 0 and lout.exists() and (tmp_path / "land_agreement.csv").exists()


def test_cli_bad_input(tmp_path, capsys):
    from hopfield_phases.compare.cli import main

    rc = main(["simulate", "ts", "--p", "3", "--N", "30", "--alpha", "x", "--T", "2",
               "--T-teacher", "2", "--out", str(tmp_path / "a.csv")])
    assert rc != 0 and "--alpha" in capsys.readouterr().err
    rc = main(["simulate", "ts", "--p", "3", "--N", "30", "--alpha", "2", "--T", "2",
               "--T-teacher", "2", "--interaction", "foo", "--out", str(tmp_path / "a.csv")])
    assert rc != 0 and "--interaction" in capsys.readouterr().err
    assert not (tmp_path / "a.csv").exists()
