"""Bit-packed multi-chain teacher-student kernel and replica exchange (issue 11;
teacher_student_theory.md Sec. 11, 12).

Mirrors tests/test_ts_montecarlo.py: the incremental energy equals the from-scratch energy,
the chain samples the Boltzmann law of every enumerable system (chi-square, with a test that
rejects a wrong temperature), replica exchange accepts with the exact rate, and the same seed
gives the same result whatever the number of threads.
"""

from __future__ import annotations

import itertools
import math

import numba
import numpy as np
import pytest
from _stats import chi2_pvalue  # noqa: E402 (tests/ is on sys.path)
from scipy import stats

from hopfield_phases.montecarlo import teacher_student as tsm
from hopfield_phases.montecarlo import ts_fast as tf
from hopfield_phases.montecarlo import ts_tempering as tt


def all_configs(N):
    return np.array(list(itertools.product([-1, 1], repeat=N)), dtype=np.int64)




def packed(N, p, M, seed, T_teacher=2.0):
    xs, ex = tsm.sample_teacher(N, p, T_teacher, M, seed=seed)
    K = ex.astype(np.int64) @ xs.astype(np.int64)
    return tf.PackedData(xs, tf.pack_examples(ex), K, M, p, T_teacher), ex


def energies(ex, p, interaction, T):
    N = ex.shape[1]
    cfg = all_configs(N)
    E = np.array([tsm.brute_force_energy(c, ex, p, interaction) for c in cfg])
    codes = ((cfg + 1) // 2) @ (1 << np.arange(N))
    out = np.zeros(2**N)
    out[codes] = E
    return out


def boltzmann(E, T):
    w = np.exp(-(E - E.min()) / T)
    return w / w.sum()


# --------------------------------------------------------------------------- data layout
def test_packed_sampling_equals_reference_sampling():
    """Same seed, same teacher and examples as montecarlo.teacher_student.sample_teacher,
    across the generator's chunk boundary and with M not a multiple of 8."""
    N, p, M = 12, 3, tf._GEN_CHUNK + 13
    xs, ex = tsm.sample_teacher(N, p, 2.0, M, seed=3)
    d = tf.sample_teacher_packed(N, p, 2.0, M, seed=3, method="reference")
    np.testing.assert_array_equal(d.xi_star, xs)
    np.testing.assert_array_equal(tf.unpack_examples(d.bits, M), ex)
    np.testing.assert_array_equal(d.K, ex.astype(np.int64) @ xs.astype(np.int64))
    sub = d.prefix(1001)
    assert sub.M == 1001 and sub.bits is d.bits
    assert sub.r_sample() == pytest.approx(
        tsm.ts.realized_coupling_ratio(d.K[:1001], N, p, 2.0))
    assert d.bits.nbytes == N * ((M + 7) // 8)


def test_fast_sampler_exact_law():
    """method='fast': xi* and K as the reference stream, xi*.sigma^a == K_a exactly, and given
    K the agreeing sites are uniform: per-site agreement counts chi-square against
    their expectation sum_a (N + K_a)/(2N) (power: a sampler biased towards low sites fails)."""
    N, p, M = 30, 3, 20000
    ref = tf.sample_teacher_packed(N, p, 2.0, M, seed=3, method="reference")
    d = tf.sample_teacher_packed(N, p, 2.0, M, seed=3)
    np.testing.assert_array_equal(d.xi_star, ref.xi_star)
    np.testing.assert_array_equal(d.K, ref.K)
    ex = tf.unpack_examples(d.bits, M).astype(np.int64)
    np.testing.assert_array_equal(ex @ d.xi_star.astype(np.int64), d.K)
    agree = (ex == d.xi_star[None, :]).sum(axis=0)
    expected = np.full(N, ((N + d.K) / (2.0 * N)).sum())
    chi = float((((agree - expected) ** 2) / expected).sum())
    assert stats.chi2.sf(chi, N - 1) > 1e-3
    biased = agree + np.linspace(-400, 400, N)  # a 4 % tilt across the sites
    assert stats.chi2.sf(float((((biased - expected) ** 2) / expected).sum()), N - 1) < 1e-3


def test_sign_lut():
    for b in (0, 1, 0b10110001, 255):
        signs = tf.SIGN_LUT[b:b + 1].view(np.int8)
        assert list(signs) == [1 if (b >> j) & 1 else -1 for j in range(8)]


# --------------------------------------------------------------------------- energies
@pytest.mark.parametrize("p", [3, 4, 5, 7])
@pytest.mark.parametrize("interaction", ["distinct", "literal"])
def test_incremental_energy_equals_brute_force(p, interaction):
    N, M = 11, 9
    d, ex = packed(N, p, M, seed=p)
    rng = np.random.default_rng(5)
    cs = tf.ChainSet(d, 2 * rng.integers(0, 2, (3, N)) - 1, p, interaction, seed=1)
    assert cs.fast3 == (p == 3)
    for _ in range(15):
        for c in range(3):
            E0 = tsm.brute_force_energy(cs.xi[c], ex, p, interaction)
            assert cs.energy[c] == pytest.approx(E0, rel=1e-12, abs=1e-12)
            k = int(rng.integers(N))
            xi2 = cs.xi[c].copy()
            xi2[k] *= -1
            assert cs.delta_energy(c, k) == pytest.approx(
                tsm.brute_force_energy(xi2, ex, p, interaction) - E0, rel=1e-12, abs=1e-12)
        cs.advance(1, 0.5)
    X, st = cs.X.copy(), cs.st.copy()
    cs.reset(cs.xi)
    np.testing.assert_array_equal(cs.X, X)
    np.testing.assert_array_equal(cs.st, st)


def test_fast_path_equals_generic_path_across_blocks():
    """p = 3 int32 block path == the generic int64 path, with M spanning several blocks (N =
    2100: L = 448 examples per block) and M not a multiple of 8 or of L; X == examples @ xi."""
    N, p, M = 2100, 3, 1517
    assert tf.block_length(N) * N * N < 2**31 and tf.block_length(N) < M
    d, ex = packed(N, p, M, seed=2)
    rng = np.random.default_rng(0)
    cs = tf.ChainSet(d, 2 * rng.integers(0, 2, (2, N)) - 1, p, seed=4)
    cs.advance(2, 3.0)
    np.testing.assert_array_equal(cs.X, cs.xi.astype(np.int64) @ ex.T.astype(np.int64))
    fast = [cs.delta_energy(0, k) for k in range(0, N, 97)]
    cs.fast3 = False
    slow = [cs.delta_energy(0, k) for k in range(0, N, 97)]
    np.testing.assert_array_equal(fast, slow)
    # tracked energy == from scratch: S(X) summed with the distinct polynomial
    S = np.polynomial.polynomial.polyval(cs.X[0].astype(float), cs.cS).sum()
    assert cs.energy[0] == pytest.approx(-cs.scale * S, rel=1e-13)


# --------------------------------------------------------------------------- detailed balance
@pytest.mark.parametrize("interaction", ["distinct", "literal"])
def test_detailed_balance_exhaustive(interaction):
    """Empirical law of the 2^8 student states of 4 parallel chains == Boltzmann (chi-square,
    samples thinned by 6 tau_int of the energy); rejected against the law at 1.25 T."""
    N, p, M, T = 8, 3, 6, 1.2
    d, ex = packed(N, p, M, seed=4)
    cs = tf.ChainSet(d, np.tile(d.xi_star, (4, 1)), p, interaction, seed=9)
    out = cs.advance(100000, T, record_states=True)
    tau = max(tsm.integrated_autocorrelation_time(out["energy"][c, :50000]) for c in range(4))
    assert tau < 10.0
    codes = out["codes"][:, 1000::int(math.ceil(6 * tau))].ravel()
    counts = np.bincount(codes, minlength=2**N)
    E = energies(ex, p, interaction, T)
    assert chi2_pvalue(counts, boltzmann(E, T)) > 1e-3
    assert chi2_pvalue(counts, boltzmann(E, 1.25 * T)) < 1e-6


def test_same_seed_same_result_whatever_the_threads():
    d, _ = packed(40, 3, 300, seed=1)
    xi0 = tt.initial_states("random", d.xi_star, 5, np.random.default_rng(2))
    res = []
    n0 = numba.get_num_threads()
    try:
        for n in sorted({1, n0}):
            numba.set_num_threads(n)
            cs = tf.ChainSet(d, xi0, 3, seed=7)
            out = cs.advance(20, 1.5)
            res.append((out["q_star"].copy(), out["energy"].copy(), cs.X.copy()))
    finally:
        numba.set_num_threads(n0)
    for a, b in zip(res[0], res[-1]):
        np.testing.assert_array_equal(a, b)
    cs2 = tf.ChainSet(d, xi0, 3, seed=8)
    assert not np.array_equal(cs2.advance(20, 1.5)["energy"], res[0][1])


# --------------------------------------------------------------------------- replica exchange
def test_exchange_probability_formula():
    assert tt.exchange_probability(1.0, 0.5, -3.0, -1.0) == pytest.approx(math.exp(-1.0))
    assert tt.exchange_probability(1.0, 0.5, -1.0, -3.0) == 1.0


def test_parallel_tempering_exact_exchange_rate_and_stationary_laws():
    """Two temperatures on an enumerable system: the measured exchange rate equals
    E_{pi_1 x pi_2}[min(1, exp((b1 - b2)(E1 - E2)))] computed by enumeration, and each
    temperature's states follow its own Boltzmann law (chi-square; power: 1.25 T rejected)."""
    N, p, M = 8, 3, 6
    Ts = np.array([0.9, 1.4])
    d, ex = packed(N, p, M, seed=6)
    n0 = numba.get_num_threads()
    numba.set_num_threads(1)  # a tiny system: thread launches would dominate; law unchanged
    try:
        pt = tt.parallel_tempering(d, Ts, 60000, ladders=2, seed=5, record_states=True)
    finally:
        numba.set_num_threads(n0)
    E = energies(ex, p, "distinct", 1.0)
    P1, P2 = boltzmann(E, Ts[0]), boltzmann(E, Ts[1])
    b1, b2 = 1 / Ts
    x = (b1 - b2) * (E[:, None] - E[None, :])
    exact = float(P1 @ np.minimum(1.0, np.exp(np.minimum(x, 0.0))) @ P2)
    wrong = float(P1 @ np.minimum(1.0, np.exp(np.minimum(-x, 0.0))) @ P2)
    n = pt.attempts[0]
    tol = 5 * math.sqrt(exact * (1 - exact) / n * 10)  # 10: generous correlation allowance
    assert abs(pt.exchange_rate[0] - exact) < tol, (pt.exchange_rate, exact, tol)
    assert abs(wrong - exact) > 3 * tol
    for i, T in enumerate(Ts):
        codes = pt.codes[:, i, 1000::8].ravel()
        counts = np.bincount(codes, minlength=2**N)
        assert chi2_pvalue(counts, boltzmann(E, T)) > 1e-3
        assert chi2_pvalue(counts, boltzmann(E, 1.25 * T)) < 1e-6


# --------------------------------------------------------------------------- statistics
def test_chain_statistics_ar1_and_drift():
    rng = np.random.default_rng(0)
    rho, C, n = 0.8, 16, 6000
    x = np.zeros((C, n))
    eps = rng.normal(size=(C, n))
    for t in range(1, n):
        x[:, t] = rho * x[:, t - 1] + eps[:, t]
    s = tt.chain_statistics(x)
    tau = (1 + rho) / (1 - rho)  # 9 (tau_int = 1 + 2 sum rho)
    assert np.median(s["tau_int"]) == pytest.approx(tau, rel=0.2)
    sd = math.sqrt(1 / (1 - rho**2))
    assert s["se"] == pytest.approx(sd * math.sqrt(tau / (C * s["n_measured"])), rel=0.35)
    assert s["equilibrated"]
    drift = x + np.linspace(0, 3, n)[None, :]  # not stationary: halves disagree
    assert not tt.chain_statistics(drift)["equilibrated"]


def test_run_until_reports_either_way():
    d, _ = packed(60, 3, tsm.n_examples(7, 60, 3), seed=3)
    xi0 = tt.initial_states("planted", d.xi_star, 4, np.random.default_rng(0))
    ok = tt.run_until(tf.ChainSet(d, xi0, seed=1), 2.0, target_se=0.05, max_sweeps=400,
                      min_sweeps=30, batch=10)
    assert ok.status == "ok" and ok.success and ok.groups[0]["se"] <= 0.05
    assert ok.series["q_star"].shape == (4, ok.sweeps)
    xi0 = tt.initial_states("random", d.xi_star, 4, np.random.default_rng(0))
    bad = tt.run_until(tf.ChainSet(d, xi0, seed=1), 3.0, target_se=1e-6, max_sweeps=50,
                       min_sweeps=20, batch=10)
    assert bad.status == "unconverged" and bad.sweeps == 50 and "budget" in bad.message


def test_fig4_task_columns_prefix_and_determinism():
    params = dict(p=3, N=40, T=2.0, alphas=[3, 6], chains=3, max_sweeps=40, min_sweeps=20,
                  batch=10)
    r1 = tt.fig4_task(params, 0, np.random.SeedSequence(4))
    r2 = tt.fig4_task(params, 0, np.random.SeedSequence(4))
    assert r1.keys() == r2.keys()
    for k in r1:  # nan == nan here (tau_int of a chain that never moves)
        assert r1[k] == r2[k] or (r1[k] != r1[k] and r2[k] != r2[k]), k
    assert r1["M_a3"] == tsm.n_examples(3, 40, 3) and r1["M_a6"] == tsm.n_examples(6, 40, 3)
    for k in ("a3", "a6"):
        for s in ("planted", "random"):
            assert -1 <= r1[f"q_{s}_{k}"] <= 1 and r1[f"se_{s}_{k}"] >= 0
            assert r1[f"status_{s}_{k}"] in ("ok", "unconverged")
    # a start left out (paper size: random only where P is a branch of the RS theory) has no
    # columns, and the other start's result does not change
    r3 = tt.fig4_task(dict(params, starts={"a6": ["planted"]}), 0, np.random.SeedSequence(4))
    assert "q_random_a6" not in r3 and r3["q_planted_a6"] == r1["q_planted_a6"]
    assert r3["q_random_a3"] == r1["q_random_a3"]
    r4 = tt.fig4_task(dict(params, starts=["a6:planted"]), 0, np.random.SeedSequence(4))
    assert "q_random_a6" not in r4 and r4["q_random_a3"] == r1["q_random_a3"]
    for bad in ({"a6": ["sideways"]}, ["a6-planted"], ["a6:sideways"]):
        with pytest.raises(ValueError, match="starts"):
            tt.fig4_task(dict(params, starts=bad), 0, np.random.SeedSequence(4))
    # prefix: the alpha = 3 data are the first M(3) examples of the alpha = 6 draw
    ss_data, _ = np.random.SeedSequence(4).spawn(2)
    full = tf.sample_teacher_packed(40, 3, 2.0, r1["M_a6"], seed=ss_data)
    assert r1["r_sample_a3"] == full.prefix(r1["M_a3"]).r_sample()
    # fig4_dataset is that data set (the cell of benchmarks/ts_fig4_relaxation.py)
    data, _ = tt.fig4_dataset(params, np.random.SeedSequence(4))
    assert data.M == r1["M_a6"] and np.array_equal(data.bits, full.bits)
    assert data.prefix(r1["M_a3"]).r_sample() == r1["r_sample_a3"]


def test_ts_fig4_draws_non_stationary_planted_cells_apart():
    """A planted cell whose chains never became stationary (status 'unconverged') gets its own
    hollow marker and legend entry; equilibrated cells keep the filled one."""
    from hopfield_phases.compare.figures import ts_fig4

    rows = [dict(panel=3.0, series="planted", kind="simulation", x=T, y=0.5, yerr=0.01, status=st)
            for T, st in ((1.5, "ok"), (2.0, "unconverged"))]
    fig = ts_fig4.draw(rows, {"N": 48})
    labels = fig.legends[0].get_texts()
    text = [t.get_text() for t in labels]
    assert "MC planted" in text and any("not stationary" in t for t in text)
    fig2 = ts_fig4.draw(rows[:1], {"N": 48})
    assert not any("not stationary" in t.get_text() for t in fig2.legends[0].get_texts())


@pytest.mark.parametrize("call,name", [
    (lambda d: tf.ChainSet(d, np.ones((2, 5), np.int8)), "xi0"),
    (lambda d: tf.ChainSet(d, d.xi_star[None]).advance(1, 0.0), "T"),
    (lambda d: tf.ChainSet(d, d.xi_star[None]).advance(0, 1.0), "n_sweeps"),
    (lambda d: tf.ChainSet(d, d.xi_star[None], interaction="x"), "interaction"),
    (lambda d: d.prefix(10**6), "M"),
    (lambda d: tt.parallel_tempering(d, [2.0, 1.0], 10), "temperatures"),
    (lambda d: tt.run_until(tf.ChainSet(d, d.xi_star[None]), 1.0, target_se=0.0), "target_se"),
    (lambda d: tt.initial_states("x", d.xi_star, 2, np.random.default_rng(0)), "start"),
    (lambda d: tf.sample_teacher_packed(40000, 3, 2.0, 10), "N"),
])
def test_bad_input(call, name):
    d, _ = packed(10, 3, 20, seed=0)
    with pytest.raises(ValueError, match=name):
        call(d)


def test_ts_fig4_tiny_builds_and_rebuilds_from_csv(tmp_path):
    """The registered figure (tiny size): files, agreement rows for every (alpha, T, start),
    planted chains beside the RS retrieval branch, byte-identical redraw from NAME.csv."""
    from hopfield_phases.compare.figures import get

    fig = get("ts-fig4")
    out = fig.build(tmp_path / "a", size="tiny", seed=0)
    names = {p.name for p in out.files}
    assert {"ts-fig4.png", "ts-fig4.csv", "ts-fig4.json", "ts-fig4_agreement.csv"} <= names
    assert len(out.agreement) == 2 * 2 * 2  # alphas x temperatures x starts
    for a in out.agreement:
        assert math.isfinite(a["simulation"]) and a["se"] >= 0
    again = fig.build(tmp_path / "b", size="tiny", seed=0, from_csv=tmp_path / "a" / "ts-fig4.csv")
    png = [p for p in again.files if p.name == "ts-fig4.png"][0]
    assert png.read_bytes() == (tmp_path / "a" / "ts-fig4.png").read_bytes()
    with pytest.raises(ValueError, match="size"):
        fig.build(tmp_path / "c", size="huge")


def test_run_adaptive_adds_chains_when_chains_are_frozen_apart():
    """Random starts at very low T freeze in different states: the spread of the chain means
    does not shrink with sweeps, so the run adds chains; the standard error falls as
    1/sqrt(C) until the target.  With max_chains == chains it is run_until, bit for bit."""
    d, _ = packed(24, 3, 300, seed=3, T_teacher=1e6)  # random examples: a glassy landscape
    base = tt.run_until(tf.ChainSet(d, tt.initial_states("random", d.xi_star, 4,
                                                         np.random.default_rng(np.random.SeedSequence(9).spawn(2)[0])),
                                    seed=np.random.SeedSequence(9).spawn(2)[1]),
                        0.05, target_se=1e-3, max_sweeps=40, min_sweeps=40, batch=40)
    same = tt.run_adaptive(d, "random", 0.05, chains=4, max_chains=4, target_se=1e-3, sweep_budget=40,
                           min_sweeps=40, batch=40, seed=np.random.SeedSequence(9))
    assert np.array_equal(base.series["q_star"], same.series["q_star"])
    assert same.status == "unconverged"
    spread = float(np.std(base.series["q_star"][:, -20:].mean(axis=1), ddof=1))
    assert spread > 0.05  # frozen apart: the premise of the test
    target = 0.5 * base.groups[0]["se"]
    r = tt.run_adaptive(d, "random", 0.05, chains=4, max_chains=200, target_se=target, sweep_budget=40,
                        min_sweeps=40, batch=40, seed=9)
    C = r.series["q_star"].shape[0]
    assert C > 4 and r.sweeps == 40 and r.series["q_star"].shape[1] == 40
    assert r.status == "ok" and r.groups[0]["se"] <= target, r.message
    assert str(C) in r.message
    r2 = tt.run_adaptive(d, "random", 0.05, chains=4, max_chains=200, target_se=target, sweep_budget=40,
                         min_sweeps=40, batch=40, seed=9)
    assert np.array_equal(r.series["q_star"], r2.series["q_star"])
    capped = tt.run_adaptive(d, "random", 0.05, chains=4, max_chains=6, target_se=1e-4, sweep_budget=40,
                             min_sweeps=40, batch=40, seed=9)
    assert capped.status == "unconverged" and capped.series["q_star"].shape[0] == 6
    assert "chain limit" in capped.message
    with pytest.raises(ValueError, match="max_chains"):
        tt.run_adaptive(d, "random", 1.0, chains=4, max_chains=2)


def test_ts_fig4_random_start_only_where_the_paramagnet_is_a_branch(tmp_path, monkeypatch):
    """With random_below (paper size), the random start runs only where lambda = alpha/T^2 <
    random_below * lambda_c(3) = 1.2 * 1.17840 (tiny grid: only alpha = 3 at T = 2.5, lambda =
    0.48); the other cells have planted rows only, and the figure still draws and redraws."""
    from hopfield_phases.compare.figures import get, ts_fig4

    monkeypatch.setitem(ts_fig4.SIZES, "tiny", dict(ts_fig4.SIZES["tiny"], random_below=1.2))
    assert ts_fig4.starts_for([3.0, 9.0], 2.5, 1.2) == ["a3:planted", "a3:random", "a9:planted"]
    assert ts_fig4.starts_for([1.4], 1.0, 1.2) == ["a1p4:planted", "a1p4:random"]  # 1.4 < 1.414
    assert ts_fig4.starts_for([1.42], 1.0, 1.2) == ["a1p42:planted"]
    fig = get("ts-fig4")
    out = fig.build(tmp_path / "a", size="tiny", seed=0)
    kinds = sorted((a["alpha"], a["T"], "random" in a["quantity"]) for a in out.agreement)
    assert len(kinds) == 4 + 1 and (3.0, 2.5, True) in kinds
    again = fig.build(tmp_path / "b", size="tiny", seed=0, from_csv=tmp_path / "a" / "ts-fig4.csv")
    png = [p for p in again.files if p.name == "ts-fig4.png"][0]
    assert png.read_bytes() == (tmp_path / "a" / "ts-fig4.png").read_bytes()


def test_branch_statistics_splits_chains_by_their_window_mean():
    """Chains at q* ~ 0.9 and ~ 0: two branches, each with its own mean and an error set by its
    own chains, not by the fraction in each branch."""
    rng = np.random.default_rng(0)
    q = np.concatenate([0.9 + 0.01 * rng.standard_normal((6, 90)),
                        0.0 + 0.01 * rng.standard_normal((10, 90))])
    b = {x["branch"]: x for x in tt.branch_statistics(q, 0.5)}
    assert b["retrieval"]["chains"] == 6 and b["paramagnet"]["chains"] == 10
    assert abs(b["retrieval"]["mean"] - 0.9) < 0.01 and abs(b["paramagnet"]["mean"]) < 0.01
    assert b["retrieval"]["se"] < 0.005 and b["paramagnet"]["se"] < 0.005
    assert tt.chain_statistics(q)["se"] > 0.1  # pooled: the split dominates
    assert b["retrieval"]["fraction"] == 6 / 16
    only = tt.branch_statistics(q[:6], 0.5)
    assert len(only) == 1 and only[0]["branch"] == "retrieval"


def test_fig4_task_branch_columns():
    params = dict(p=3, N=40, T=2.0, alphas=[3], chains=3, max_sweeps=30, min_sweeps=20, batch=10,
                  branches=0.5)
    r = tt.fig4_task(params, 0, np.random.SeedSequence(4))
    for s in ("planted", "random"):
        assert r[f"nR_{s}_a3"] + r[f"nP_{s}_a3"] == r[f"chains_{s}_a3"]
        for tag in ("R", "P"):
            if r[f"n{tag}_{s}_a3"] == 0:
                assert math.isnan(r[f"q{tag}_{s}_a3"])
            else:
                assert -1 <= r[f"q{tag}_{s}_a3"] <= 1


class _ScriptedChains:
    """A stand-in for ChainSet whose q* follows a script: exact tests of the stopping rules."""

    def __init__(self, f, C=4, N=10):
        self.f, self.C, self.N = f, C, N

    def advance(self, n, T, *, out, offset):
        t = np.arange(offset, offset + n)
        for c in range(self.C):
            out["q_star"][c, offset:offset + n] = self.f(c, t)
        for k in ("energy", "m"):
            out[k][:, offset:offset + n] = 0.0
        out["accepted"][:, offset:offset + n] = 1
        return out


def test_run_until_soft_budget_runs_on_only_while_q_drifts():
    """Past soft_budget the run stops once every group is stationary, even above the error
    target (frozen chains: more sweeps cannot help), and goes on while q* still drifts."""
    rng = np.random.default_rng(1)
    noise = rng.standard_normal((4, 5000)) * 1e-3
    frozen = _ScriptedChains(lambda c, t: 0.1 * c + noise[c, t])  # stationary, spread 0.13
    r = tt.run_until(frozen, 1.0, target_se=1e-4, max_sweeps=1000, min_sweeps=60, batch=30,
                     soft_budget=60)
    assert r.sweeps == 60 and r.status == "unconverged"
    # q* relaxing linearly until sweep 300, flat after: the run outlasts the drift, then stops
    drift = _ScriptedChains(lambda c, t: np.maximum(0.0, 1.0 - t / 300.0) + 10 * noise[c, t])
    r = tt.run_until(drift, 1.0, target_se=1e-4, max_sweeps=3000, min_sweeps=60, batch=30,
                     soft_budget=60)
    assert 450 <= r.sweeps < 3000 and r.groups[0]["equilibrated"]
    r0 = tt.run_until(drift, 1.0, target_se=1e-4, max_sweeps=60, min_sweeps=60, batch=30)
    assert r0.sweeps == 60 and not r0.groups[0]["equilibrated"]
