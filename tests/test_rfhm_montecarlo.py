"""Tests of the RFHM simulation (montecarlo/): generator, data layouts, exact dynamics kernels,
Metropolis, the experiment and its sweep.  Sizes are small (N <= ~2000) to keep the default run short."""

import tracemalloc

import numpy as np
import pytest
from _stats import chi2_pvalue as _chi2_pvalue  # noqa: E402 (tests/ is on sys.path)

from hopfield_phases.montecarlo import patterns as pt
from hopfield_phases.montecarlo import rng as xr
from hopfield_phases.montecarlo import zero_temperature as zt
from hopfield_phases.montecarlo.metropolis import metropolis
from hopfield_phases.montecarlo.rfhm import run_sample, sample_task, sweep, validate_parameters
from hopfield_phases.montecarlo.sweep import read_sweep, seed_for

# --------------------------------------------------------------------------------------------
# random numbers
# --------------------------------------------------------------------------------------------
_M = (1 << 64) - 1


def _py_xoshiro(st):
    def rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & _M

    s0, s1, s2, s3 = st
    r = (rotl((s1 * 5) & _M, 7) * 9) & _M
    t = (s1 << 17) & _M
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 45)
    st[:] = [s0, s1, s2, s3]
    return r


def test_xoshiro_matches_python_reference_and_splitmix_seeding():
    st = xr.new_state(12345)
    py = [int(x) for x in st]
    assert all(int(xr.next_u64(st)) == _py_xoshiro(py) for _ in range(500))
    # splitmix64 seeding from the SeedSequence word
    word = int(np.random.SeedSequence(7).generate_state(1, np.uint64)[0])
    expect = []
    x = word
    for _ in range(4):
        x = (x + 0x9E3779B97F4A7C15) & _M
        z = x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M
        expect.append(z ^ (z >> 31))
    assert [int(v) for v in xr.new_state(7)] == expect
    with pytest.raises(ValueError, match="seed"):
        xr.new_state(-1)


def test_bounded_and_shuffle_are_uniform():
    st = xr.new_state(1)
    n = 6  # not a power of two: a biased modulo would still pass, so also check Lemire's formula
    draws = np.array([xr.bounded(st, n) for _ in range(60000)])
    counts = np.bincount(draws, minlength=n)
    chi2 = ((counts - 10000) ** 2 / 10000).sum()
    assert chi2 < 25  # 5 dof, p ~ 1e-4
    # Lemire: value = (x * n) >> 32 with x the high 32 bits of next_u64
    a, b = xr.new_state(3), xr.new_state(3)
    for _ in range(100):
        x = int(xr.next_u64(b)) >> 32
        assert xr.bounded(a, 1000) == (x * 1000) >> 32  # no rejection possible is rare; check
    # permutations of 3 elements: all 6 equally likely
    perms = {}
    st = xr.new_state(2)
    for _ in range(12000):
        p = tuple(xr.permutation(st, 3))
        perms[p] = perms.get(p, 0) + 1
    assert len(perms) == 6
    assert ((np.array(list(perms.values())) - 2000) ** 2 / 2000).sum() < 25


# --------------------------------------------------------------------------------------------
# data generation and layouts
# --------------------------------------------------------------------------------------------
CASES = [  # N, D, P, L, kind
    (130, 20, 70, 3, "sparse"),
    (200, 10, 129, 4, "sparse"),   # even L: sign(0)=+1 threshold
    (150, 12, 65, 5, "sparse"),
    (100, 7, 40, 1, "sparse"),
    (64, 9, 64, 9, "dense"),
    (77, 8, 33, 8, "dense"),       # even D dense: ties
    (300, 40, 200, 17, "sparse"),
    (100, 6, 40, None, "gaussian"),
]


@pytest.mark.parametrize("N,D,P,L,kind", [(300, 400, 4099, None, "dense"), (130, 100, 70, 40, "sparse"),
                                            (70, 256, 50, None, "dense")])
def test_wide_coefficients_by_matrix_products_are_exact(N, D, P, L, kind):
    """Many +-1 coefficients per example (dense, or L > MATMUL_MIN_L) go through float BLAS
    products: equal to the integer reference and to the gather loop, across the 4096-example
    block and the site chunks (ties at even D included), and packed by examples_bits (L > 255)."""
    rng = np.random.default_rng(D + P)
    F = pt.draw_features(rng, N, D)
    c = pt.draw_coefficients(rng, P, D, L if L else D, kind)
    assert c.kind == "dense" or c.L > pt.MATMUL_MIN_L
    ref = np.where(F.astype(np.int64) @ pt.dense_matrix(c).T >= 0, 1, -1).astype(np.int8)
    X = pt.examples_int8(F, c, chunk=128)
    assert np.array_equal(X, ref)
    loop = np.empty_like(X)
    pt._examples_int8_kernel(F, c.positions, c.signs, loop)
    assert np.array_equal(loop, ref)
    assert np.array_equal(pt.unpack_sites(pt.examples_bits(F, c), P), ref)
    B = np.empty((N, (P + 63) // 64), np.uint64)  # packed block by block, small site chunks
    pt._examples_matmul(F, c, B, 128, packed=True)
    assert np.array_equal(B, pt.pack_sites(ref))


@pytest.mark.parametrize("N,D,P,L,kind", CASES)
def test_examples_match_plain_numpy(N, D, P, L, kind):
    rng = np.random.default_rng(N * 7 + P)
    F = pt.draw_features(rng, N, D)
    c = pt.draw_coefficients(rng, P, D, L if L else D, kind)
    C = pt.dense_matrix(c)
    if kind != "gaussian":
        assert (np.abs(C).sum(axis=1) == c.L).all()  # exactly L nonzero +-1 entries
    ref = np.where(F.astype(np.float64 if kind == "gaussian" else np.int64) @ C.T >= 0, 1, -1).astype(np.int8)
    X = pt.examples_int8(F, c)
    assert X.dtype == np.int8 and np.array_equal(X, ref)
    B = pt.examples_bits(F, c)
    assert B.dtype == np.uint64 and B.shape == (N, (P + 63) // 64)
    assert np.array_equal(B, pt.pack_sites(ref))
    assert np.array_equal(pt.unpack_sites(B, P), ref)
    if P % 64:  # padding bits are zero
        assert not (B[:, -1] >> np.uint64(P % 64)).any()
    if kind != "gaussian":
        B_full, E = pt.examples_bits(F, c, return_example_major=True)  # example-major rows = packed examples
        assert np.array_equal(B_full, B)  # block-by-block build (no full E) == full E + transpose
        for mu in (0, P - 1):
            assert np.array_equal(pt.unpack_sites(E[mu:mu + 1, :], N)[0], ref[:, mu])
        v = pt.example_vector(F, c.positions[3], c.signs[3])
        assert np.array_equal(v, ref[:, 3])
        FB = pt.pack_features(F)
        assert np.array_equal(pt.features_from_bits(FB, N), F)
        assert np.array_equal(pt.example_vector_bits(FB, N, c.positions[3], c.signs[3]), ref[:, 3])
        assert np.array_equal(pt.examples_bits(None, c, FB=FB, N=N), B)


def test_feature_bits_and_positions_are_uniform():
    rng = np.random.default_rng(9)
    FB = pt.draw_feature_bits(rng, 100, 3000)
    assert not (FB[:, -1] >> np.uint64(100 % 64)).any()  # zero padding
    F = pt.features_from_bits(FB, 100)
    assert F.shape == (100, 3000) and abs(F.mean()) < 0.01
    c = pt.draw_coefficients(rng, 20000, 12, 3, "sparse")  # rejection sampler (4L <= D)
    assert (np.diff(c.positions, axis=1) > 0).all()
    subsets = c.positions[:, 0] * 144 + c.positions[:, 1] * 12 + c.positions[:, 2]
    counts = np.bincount(np.unique(subsets, return_inverse=True)[1])
    assert len(counts) == 220  # C(12, 3)
    assert ((counts - 20000 / 220) ** 2 / (20000 / 220)).sum() < 300  # 219 dof
    c = pt.draw_coefficients(rng, 5000, 8, 3, "sparse")  # argpartition branch
    assert (np.diff(c.positions, axis=1) > 0).all() and len(np.unique(c.positions[:, 0] * 64 + c.positions[:, 1] * 8 + c.positions[:, 2])) == 56


def test_even_L_ties_give_plus_one():
    # F columns (1, -1) -> sum zero at every site -> all +1
    F = np.stack([np.ones(70, np.int8), -np.ones(70, np.int8)], axis=1)
    c = pt.Coefficients("sparse", 2, positions=np.array([[0, 1]]), signs=np.array([[1, 1]], np.int8))
    assert (pt.examples_int8(F, c) == 1).all()
    assert np.array_equal(pt.examples_bits(F, c), pt.pack_sites(np.ones((70, 1), np.int8)))


def test_transpose64():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 2**63, size=64, dtype=np.int64).astype(np.uint64) * np.uint64(3)
    bits = np.unpackbits(a.astype("<u8").view(np.uint8).reshape(64, 8), axis=1, bitorder="little")
    t = pt.transpose64(a.copy())
    tb = np.unpackbits(t.astype("<u8").view(np.uint8).reshape(64, 8), axis=1, bitorder="little")
    assert np.array_equal(tb, bits.T)


# --------------------------------------------------------------------------------------------
# exactness of the dynamics kernels
# --------------------------------------------------------------------------------------------
def _same(a, b):
    return (np.array_equal(a.states, b.states) and np.array_equal(a.converged, b.converged)
            and np.array_equal(a.sweeps, b.sweeps) and np.array_equal(a.flips, b.flips)
            and np.array_equal(a.zero_fields, b.zero_fields))


def _random_system(rng, N, P, D, L, kind):
    F = pt.draw_features(rng, N, D)
    c = pt.draw_coefficients(rng, P, D, L, kind)
    X = pt.examples_int8(F, c)
    starts = [F[:, 0], X[:, 0]]
    for Lt in (1, 3):
        ct = pt.draw_coefficients(rng, 1, D, min(Lt, D), "sparse")
        starts.append(pt.example_vector(F, ct.positions[0], ct.signs[0]))
    starts.append(rng.choice(np.array([-1, 1], np.int8), N))  # random start: long relaxations
    return F, X, np.stack(starts).astype(np.int8)


def test_exact_kernels_bit_identical():
    """Brute force == exact integer reference port == int8 batched == int8 per state == bits,
    for many random small systems: both tie rules, sparse and dense coefficients, odd and even
    P, N and P not multiples of 64.  The tie path must actually be exercised."""
    rng = np.random.default_rng(2024)
    total_zero = {"reference": 0, "sign": 0}
    n_sys = 0
    n_switched = 0
    n_certified = 0
    for trial in range(16):
        N = int(rng.integers(90, 260)) // 2 * 2  # even N: even P => ties possible
        P = int(rng.integers(4, int(0.35 * N)))
        if trial % 2:
            P += (P + 1) % 2  # odd P: no ties
        else:
            P += P % 2  # even P
        D = int(rng.integers(4, 16))
        kind = "dense" if trial % 4 == 3 else "sparse"
        L = D if kind == "dense" else int(rng.integers(1, min(D, 6) + 1))
        F, X, starts = _random_system(rng, N, P, D, L, kind)
        B = pt.pack_sites(X)
        for tie in ("reference", "sign"):
            seed = int(rng.integers(1 << 30))
            ref = zt.relax_int16(X, starts, seed, tie)
            brute = zt.relax_brute(X, starts, seed, tie)
            assert _same(brute, ref), (trial, tie)
            fast = zt.relax_int8(X, starts, seed, tie)
            assert _same(fast, ref), (trial, tie)
            assert _same(zt.relax_int8(X, starts, seed, tie, sign_cache=False, prefetch=False), ref)
            assert _same(zt.relax_int8(X, starts, seed, tie, wide=True), ref)  # int64 field path
            bits = zt.relax_bits(B, P, starts, seed, tie, switch_flips=-1, sign_cache=False)  # pure bit-packed
            assert _same(bits, ref), (trial, tie)
            hyb = zt.relax_bits(B, P, starts, seed, tie, switch_flips=N)  # incremental after sweep 1
            assert _same(hyb, ref), (trial, tie)
            assert (hyb.switched[ref.sweeps > 1] == 1).all()
            auto = zt.relax_bits(B, P, starts, seed, tie)  # defaults: sign cache, no hybrid
            assert _same(auto, ref), (trial, tie)
            nbh = zt.relax_bits(B, P, starts, seed, tie, switch_flips=None)  # hybrid at n_b flips
            assert _same(nbh, ref), (trial, tie)
            n_switched += int((nbh.switched > 0).sum())
            n_certified += int((auto.sweeps * N - auto.evaluated).sum())  # visits decided by a certificate
            assert (bits.evaluated == bits.sweeps * N).all()
            for r in range(starts.shape[0]):  # batched == per-state runs with the batch's seed
                one = zt.relax_int8(X, starts[r], seed, tie)
                assert np.array_equal(one.states[0], ref.states[r]) and one.sweeps[0] == ref.sweeps[r]
            if P % 2 == 1:
                assert ref.zero_fields.sum() == 0  # parity: N even, P odd -> no exact ties
            total_zero[tie] += int(ref.zero_fields.sum())
            # invariants at the end: maintained overlaps and bit planes
            assert np.array_equal(fast.overlaps_final.astype(np.int64), zt.overlaps(X, fast.states))
            for b in (bits, hyb):
                u = zt.decode_planes(b.planes, P)
                assert np.array_equal(2 * u - N, zt.overlaps(X, b.states))
                assert np.array_equal(b.plane_total, u.sum(axis=1))
            if tie == "sign":
                H = zt.fields(X, ref.states)
                for r in np.flatnonzero(ref.converged):
                    assert np.array_equal(ref.states[r], np.where(H[r] >= 0, 1, -1))
            n_sys += 1
    assert n_sys == 32 and n_switched > 0 and n_certified > 0
    assert total_zero["reference"] > 0 and total_zero["sign"] > 0  # ties were exercised


def test_reference_rule_tie_semantics():
    """At an exact tie rule R flips whatever the spin, rule S sets +1 (two-spin example)."""
    X = np.array([[1, 1], [1, -1]], dtype=np.int8)  # N=2, P=2: K_01 = 0 -> H = 0 always
    s0 = np.array([[1, -1]], np.int8)
    R = zt.relax_int16(X, s0, 0, "reference", max_sweeps=7)
    S = zt.relax_int16(X, s0, 0, "sign", max_sweeps=7)
    assert not R.converged[0] and R.sweeps[0] == 7 and R.flips[0] == 14  # a tie flips at every visit
    assert S.converged[0] and np.array_equal(S.states[0], [1, 1]) and S.sweeps[0] == 2
    for k in ("brute", "int8"):
        assert _same(zt.relax(k, X, s0, 0, "reference", 7), R)
    assert _same(zt.relax("bits", pt.pack_sites(X), s0, 0, "reference", 7, P=2), R)


def test_float32_port_agrees_except_in_tie_prone_instances():
    rng = np.random.default_rng(11)
    mismatches_tie_free = 0
    compared = 0
    for trial in range(10):
        N = 2 * int(rng.integers(80, 200))
        P = int(rng.integers(5, N // 3)) | 1 if trial % 2 else 2 * int(rng.integers(3, N // 6))
        F, X, starts = _random_system(rng, N, P, 8, 3, "sparse")
        ref = zt.relax_int16(X, starts, trial, "reference")
        f32 = zt.relax_float32(X, starts, trial)
        compared += 1
        if not _same(f32, ref):
            assert ref.zero_fields.sum() > 0  # a mismatch only where exact ties occurred
            mismatches_tie_free += P % 2
    assert mismatches_tie_free == 0 and compared == 10
    J = zt.build_J_float32(X)
    K = X.astype(np.int64) @ X.astype(np.int64).T
    np.fill_diagonal(K, 0)
    assert np.array_equal(zt.build_K_int16(X), K)
    assert np.array_equal(J, (K.astype(np.float32) / np.float32(X.shape[0])))


def test_zero_temperature_package_layout_and_fields_module():
    """The subpackage re-exports its public API; the public integer field helpers (shared by the
    zero-T kernels and Metropolis) equal plain int64 numpy."""
    import importlib

    from hopfield_phases.montecarlo import fields as fl

    for name in zt.__all__:
        assert getattr(zt, name) is not None
    for mod in ("common", "brute", "int16", "float32", "int8", "bits", "choice"):
        importlib.import_module(f"hopfield_phases.montecarlo.zero_temperature.{mod}")
    assert zt.relax is zt.choice.relax and zt.fields is fl.fields
    assert zt.choose_kernel(1000, zt.INT8_MAX_P) == "int8" and zt.choose_kernel(1000, zt.INT8_MAX_P + 1) == "bits"
    assert zt.kernel_memory("int16", 100, 30) == 2 * 100**2 + 5 * 100 * 30
    assert zt.kernel_memory("bits", 100, 130, 2) == 8 * 100 * 3 + 8 * 2 * 3 * 7 + 25 * 2 * 100 + 8 * 2 * 64 * 3
    with pytest.raises(ValueError, match="^kernel"):
        zt.kernel_memory("int4", 10, 10)
    with pytest.raises(ValueError, match="^kernel"):
        zt.relax("int4", np.ones((4, 2), np.int8), np.ones((1, 4), np.int8))
    rng = np.random.default_rng(8)
    X = (2 * rng.integers(0, 2, (57, 23)) - 1).astype(np.int8)
    S = (2 * rng.integers(0, 2, (3, 57)) - 1).astype(np.int8)
    M = np.empty((3, 23), np.int16)
    fl.init_overlaps_int8(X, S, M)
    m = S.astype(np.int64) @ X.astype(np.int64)
    assert np.array_equal(M, m) and np.array_equal(fl.overlaps(X, S), m)
    H = fl.fields(X, S)
    for r in range(3):
        for i in (0, 30, 56):
            assert fl.dot_i8_m(X[i], M[r]) - 23 * S[r, i] == H[r, i]
    K = X.astype(np.int64) @ X.astype(np.int64).T
    np.fill_diagonal(K, 0)
    assert np.array_equal(H, S.astype(np.int64) @ K)  # H_i = sum_{j != i} K_ij s_j


def test_block_triangle_build_large_blocks():
    rng = np.random.default_rng(5)
    X = (rng.integers(0, 2, (300, 45)) * 2 - 1).astype(np.int8)
    K = X.astype(np.int64) @ X.astype(np.int64).T
    np.fill_diagonal(K, 0)
    assert np.array_equal(zt.build_K_int16(X, block=64), K)


# --------------------------------------------------------------------------------------------
# the experiment: known physics
# --------------------------------------------------------------------------------------------
def test_standard_hopfield_regime_examples_are_fixed_points():
    # D = N features, dense coefficients: examples ~ independent random patterns; alpha = 0.02 << 0.138
    for seed in range(3):
        r = run_sample(1000, 0.02, 1.0, coefficients="dense", L_test=(3,), seed=seed)
        assert r.m_train == 1.0 and r.sweeps["train"] == 1 and r.converged["train"]
        assert abs(r.mu) < 0.2  # a single feature is not an attractor here


def test_many_examples_per_feature_features_are_fixed_points():
    # alpha_D = 0.01 (D = 15), alpha = 0.5: 50 examples per feature -> learning phase
    for seed in range(3):
        r = run_sample(1500, 0.5, 0.01, L_train=3, L_test=(3,), seed=seed)
        assert r.mu > 0.99 and r.converged["feature"]
    # alpha = 1 (100 examples per feature): test examples (L = 3 mixtures) are attractors too (Fig. 1)
    for seed in range(2):
        assert run_sample(1500, 1.0, 0.01, L_train=3, L_test=(3,), seed=seed).m_test[3] > 0.95
    # few examples, many features: examples retrieved, features are not
    r = run_sample(1500, 0.01, 0.2, L_train=3, L_test=(3,), seed=0)
    assert r.m_train > 0.95 and r.mu < 0.9


def test_run_sample_deterministic_and_kernel_independent():
    a = run_sample(700, 0.2, 0.02, L_train=3, L_test=(3, 5), seed=4, kernel="int8")
    b = run_sample(700, 0.2, 0.02, L_train=3, L_test=(3, 5), seed=4, kernel="bits")
    c = run_sample(700, 0.2, 0.02, L_train=3, L_test=(3, 5), seed=4)
    assert a.as_row() == b.as_row() == c.as_row()
    assert set(a.m_test) == {3, 5} and set(a.sweeps) == {"feature", "train", "test_3", "test_5"}
    d = run_sample(700, 0.2, 0.02, L_train=3, L_test=(3, 5), seed=5)
    assert d.as_row() != a.as_row()


@pytest.mark.parametrize("kernel", ["int8", "bits"])
def test_train_start_false_leaves_the_other_trajectories_unchanged(kernel):
    """Without the train start, mu, m_test and every other start's sweeps/flips/convergence are
    those of the full sample with the same seed (replicas share only the permutation stream),
    whether the train start was the last to converge or not; m_train is NaN."""
    train_last = train_not_last = 0
    for alpha, aD, seed in ((0.2, 0.02, 4), (0.1, 0.01, 0), (0.6, 0.05, 0), (0.6, 0.05, 3)):
        kw = dict(N=600, alpha=alpha, alpha_D=aD, L_train=3, L_test=(3, 5), seed=seed, kernel=kernel)
        full, part = run_sample(**kw), run_sample(**kw, train_start=False)
        others = [n for n in full.sweeps if n != "train"]
        assert part.mu == full.mu and part.m_test == full.m_test
        assert set(part.sweeps) == set(others)
        for d in ("sweeps", "converged", "flips", "zero_fields"):
            assert getattr(part, d) == {n: getattr(full, d)[n] for n in others}, d
        assert np.isnan(part.m_train) and not np.isnan(full.m_train)
        row = part.as_row()
        assert "sweeps_train" not in row and "converged_train" not in row and np.isnan(row["m_train"])
        assert row["sweeps"] == max(part.sweeps.values())
        if full.sweeps["train"] > max(full.sweeps[n] for n in others):
            train_last += 1
        else:
            train_not_last += 1
    assert train_last and train_not_last  # both orders of convergence were exercised
    with pytest.raises(ValueError, match="^train_start"):
        run_sample(600, 0.1, 0.01, L_test=(3,), train_start="no")


def test_corrupted_start():
    from hopfield_phases.montecarlo.rfhm import build_instance

    inst, _ = build_instance(1000, 0.05, 0.01, L_test=(3,), seed=1, initial_overlap=0.8)
    ov = (inst.starts.astype(int) * inst.targets).sum(axis=1) / 1000
    assert np.allclose(ov, 0.8)
    r = run_sample(1000, 0.05, 0.01, L_test=(3,), seed=1, initial_overlap=1.0)
    assert r.as_row() == run_sample(1000, 0.05, 0.01, L_test=(3,), seed=1).as_row()
    # standard Hopfield regime: a corrupted train example is pulled back into its basin
    r = run_sample(1000, 0.02, 1.0, coefficients="dense", L_test=(3,), seed=2, initial_overlap=0.6)
    assert r.m_train > 0.99


@pytest.mark.parametrize("kwargs,name", [
    (dict(L_train=20), "L_train"),
    (dict(L_train=0), "L_train"),
    (dict(L_test=(3, 40)), "L_test"),
    (dict(alpha=0.0), "alpha"),
    (dict(alpha=-1.0), "alpha"),
    (dict(alpha_D=0.0005), "alpha_D"),
    (dict(tie="majority"), "tie"),
    (dict(coefficients="binary"), "coefficients"),
    (dict(max_sweeps=0), "max_sweeps"),
    (dict(initial_overlap=1.5), "initial_overlap"),
])
def test_bad_input_raises_naming_parameter(kwargs, name):
    args = dict(N=1000, alpha=0.1, alpha_D=0.01)  # D = 10
    args.update(kwargs)
    with pytest.raises(ValueError, match=f"^{name}"):
        run_sample(**args)


def test_memory_check_before_allocation(monkeypatch):
    monkeypatch.setenv("HOPFIELD_MEMORY_LIMIT", str(10_000_000))
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="^N"):
            run_sample(40000, 1.0, 0.005)  # bits array 200 MB > 10 MB limit
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000
    with pytest.raises(ValueError, match="^N"):
        validate_parameters(100000, 1.0, 0.005)  # 1.25 GB bit array > the 10 MB limit


# --------------------------------------------------------------------------------------------
# 64-bit fields: N*P limited only by memory (rfhm_dynamics.md Sec. 4.4)
# --------------------------------------------------------------------------------------------
def test_wide_field_accumulator_exact_beyond_int32():
    """The int64 accumulator of the int8 kernel is exact where the int32 one wraps (|x.m| up to
    N P >= 2^31); and the switch happens exactly at N*P = 2^31."""
    from hopfield_phases.montecarlo.fields import dot_i8_m
    from hopfield_phases.montecarlo.zero_temperature.common import needs_wide_fields
    from hopfield_phases.montecarlo.zero_temperature.int8 import dot_i8_m_wide

    x = np.array([1, 1, -1, 1, 1], dtype=np.int8)
    m = np.array([2**30, 2**30 - 3, -(2**30), 2**29, 7], dtype=np.int32)
    exact = sum(int(a) * int(b) for a, b in zip(x, m))
    assert exact >= 2**31  # beyond int32
    assert int(dot_i8_m_wide(x, m)) == exact
    assert int(dot_i8_m(x, m)) != exact  # the int32 accumulator wraps: the old limit was real there
    assert not needs_wide_fields(46340, 46341) and needs_wide_fields(32000, 67109)
    assert needs_wide_fields(2**16, 2**15) and not needs_wide_fields(2**16, 2**15 - 1)


def test_np_above_2_31_is_no_longer_refused(monkeypatch):
    """N = 32000 at alpha = 5 (N*P = 5.1e9 >= 2^31) used to be refused by the int32 limit; now
    only memory limits it, and the guard says so."""
    from hopfield_phases.montecarlo.rfhm import sample_memory
    from hopfield_phases.montecarlo.zero_temperature.common import check_int_limits

    monkeypatch.setenv("HOPFIELD_MEMORY_LIMIT", str(4 * 10**9))
    N, P, D, L_train, L_test, k = validate_parameters(32000, 5.0, 0.005)
    assert N * P >= 2**31 and k == "bits"
    assert 0.64e9 < sample_memory(32000, 5.0, 0.005) < 4e9  # ~N*P/8 (B) twice + generation
    monkeypatch.setenv("HOPFIELD_MEMORY_LIMIT", str(10**8))
    with pytest.raises(ValueError, match=r"^N: .*limited only by memory"):
        validate_parameters(32000, 5.0, 0.005)
    with pytest.raises(ValueError, match="^N"):
        check_int_limits(2**32, 3)


@pytest.mark.slow
def test_bits_kernel_exact_with_np_just_above_2_31():
    """A run that the int32 limit refused (N = 32000, P = 67109: N*P = 2^31 + 4352; B is 268 MB)
    now runs, and its outcome is exact: the bit planes equal the overlaps recomputed
    independently from the unpacked examples, and every converged replica is a fixed point of
    the exact integer fields (float64 BLAS, exact here: |H| < 2^53)."""
    from hopfield_phases.montecarlo.rfhm import build_instance

    N, P = 32000, 67109
    assert N * P > 2**31
    inst, dyn = build_instance(N, P / N, 0.005, 3, (3,), "sparse", seed=5)
    assert inst.P == P and inst.kernel == "bits"
    starts = inst.starts[:2]  # feature and train example
    res = zt.relax_bits(inst.data, P, starts, dyn, max_sweeps=60)
    u = zt.decode_planes(res.planes, P)
    m = np.zeros((2, P), dtype=np.int64)
    H = np.zeros((2, N), dtype=np.float64)
    chunk = 500
    for a in range(0, N, chunk):
        Xc = pt.unpack_sites(inst.data[a:a + chunk], P).astype(np.float32)
        m += (res.states[:, a:a + chunk].astype(np.float32) @ Xc).astype(np.int64)
    assert np.array_equal(2 * u - N, m)
    assert np.array_equal(res.plane_total, u.sum(axis=1))
    for a in range(0, N, chunk):
        Xc = pt.unpack_sites(inst.data[a:a + chunk], P).astype(np.float64)
        H[:, a:a + chunk] = m.astype(np.float64) @ Xc.T - P * res.states[:, a:a + chunk].astype(np.float64)
    assert np.abs(H).max() < 2**53
    for r in np.flatnonzero(res.converged):  # N even, P odd: H_i odd, no ties; stable: s_i H_i > 0
        assert np.all(res.states[r].astype(np.float64) * H[r] > 0)
    assert res.converged.any()


# --------------------------------------------------------------------------------------------
# Metropolis
# --------------------------------------------------------------------------------------------
def test_metropolis_mattis_state():
    """alpha -> 0 Hopfield: retrieval overlap solves m = tanh(m / T) (Curie-Weiss)."""
    rng = np.random.default_rng(0)
    N, P = 2000, 4
    X = (rng.integers(0, 2, (N, P)) * 2 - 1).astype(np.int8)
    for T, m_th in ((0.5, 0.957504), (0.8, 0.710412)):
        r = metropolis(X, X[:, :2].T.copy(), T, n_sweeps=150, n_burn=30, seed=1)
        assert np.all(np.abs(r.mean_overlap - m_th) < 0.03), (T, r.mean_overlap)
    r = metropolis(X, X[:, :1].T.copy(), 1.5, n_sweeps=60, n_burn=20, seed=1)
    assert abs(r.mean_overlap[0]) < 0.1  # paramagnet above T = 1
    r0 = metropolis(X, X[:, :1].T.copy(), 0.0, n_sweeps=3, n_burn=0, seed=1)
    assert np.all(r0.overlap_trace == 1.0)  # T = 0: a stored pattern at tiny load is a fixed point
    with pytest.raises(ValueError, match="^T"):
        metropolis(X, X[:, :1].T, -1.0)




def test_metropolis_samples_the_exact_boltzmann_law():
    """Small RFHM network (N = 10, P = 6 examples of D = 5 features, L = 3): the states visited
    by Metropolis follow exp(-E/T) over all 2^10 states, E = -1/2 sum_{i!=j} J_ij s_i s_j,
    J = X X^T / N with zero diagonal (enumerated here from X alone).

    R = 8192 replicas from random starts (given the shared site orders, the replicas are
    independent chains, each leaving the Boltzmann law invariant); after 200 burn-in sweeps the
    states are recorded 4 times, 50 sweeps apart (>= 4 tau_int of a one-replica overlap series
    with a fixed configuration, measured: the slowest mode is the s -> -s reversal, ~10 sweeps).  Power: the same counts reject the Boltzmann law at 1.1 T and 0.9 T."""
    import itertools

    from hopfield_phases.montecarlo.statistics import integrated_time

    rng = np.random.default_rng(3)
    N, D, P, L, T = 10, 5, 6, 3, 0.8
    F = pt.draw_features(rng, N, D)
    X = pt.examples_int8(F, pt.draw_coefficients(rng, P, D, L, "sparse"))
    cfg = np.array(list(itertools.product([-1, 1], repeat=N)), dtype=np.int64)
    K = X.astype(np.int64) @ X.astype(np.int64).T
    np.fill_diagonal(K, 0)
    E = -0.5 * np.einsum("ci,ij,cj->c", cfg, K, cfg) / N
    code = lambda s: ((np.asarray(s, np.int64) + 1) // 2) @ (1 << np.arange(N))

    def boltzmann(temp):
        w = np.exp(-(E - E.min()) / temp)
        prob = np.zeros(2**N)
        prob[code(cfg)] = w / w.sum()
        return prob

    assert boltzmann(T).max() > 0.05  # far from uniform: a non-trivial law
    # decorrelation: tau_int of one replica's overlap with a fixed configuration
    one = metropolis(X, X[:, :1].T.copy(), T, n_sweeps=20000, n_burn=0, seed=5)
    tau = integrated_time(one.overlap_trace[:, 0])
    stride = 50
    assert 1.0 < tau and stride >= 4 * tau, tau
    R = 8192
    r = metropolis(X, (2 * rng.integers(0, 2, (R, N)) - 1).astype(np.int8), T, n_sweeps=200, n_burn=0, seed=1)
    samples = [r.states.copy()]
    for k in range(3):
        r = metropolis(X, r.states, T, n_sweeps=stride, n_burn=0, seed=2 + k)
        samples.append(r.states.copy())
    counts = np.bincount(code(np.concatenate(samples)), minlength=2**N)
    assert _chi2_pvalue(counts, boltzmann(T)) > 1e-3
    assert _chi2_pvalue(counts, boltzmann(1.1 * T)) < 1e-6
    assert _chi2_pvalue(counts, boltzmann(0.9 * T)) < 1e-6


# --------------------------------------------------------------------------------------------
# sweep of the experiment
# --------------------------------------------------------------------------------------------
def test_rfhm_sweep_workers_independent(tmp_path):
    grid = [{"N": 400, "alpha": a, "alpha_D": 0.02, "L_train": 3, "L_test": "3,5"} for a in (0.05, 0.3)]
    p1 = sweep(grid, 2, tmp_path / "a.csv", workers=1, progress=False)
    p2 = sweep(grid, 2, tmp_path / "b.csv", workers=2, progress=False)
    assert p1.read_bytes() == p2.read_bytes()
    rows = read_sweep(p1)
    assert len(rows) == 4 and {"mu", "m_train", "m_test_3", "m_test_5", "sweeps_train"} <= set(rows[0])
    r = rows[3]
    direct = sample_task(grid[1], 1, seed_for(grid[1], 1, 0))
    assert r["mu"] == direct["mu"] and r["m_test_5"] == direct["m_test_5"]
    with pytest.raises(ValueError, match="L_train"):
        sweep([{"N": 400, "alpha": 0.1, "alpha_D": 0.02, "L_train": 30}], 1, tmp_path / "c.csv")
    assert not (tmp_path / "c.csv").exists()


def test_cli_simulate_rfhm(tmp_path):
    from hopfield_phases.compare.cli import main

    out = tmp_path / "cli.csv"
    rc = main(["simulate", "rfhm", "--N", "300", "--alpha-D", "0.02", "--alpha", "0.05:0.5:2:log",
               "--L-test", "3", "--samples", "2", "--out", str(out), "--workers", "1", "--quiet"])
    assert rc == 0
    rows = read_sweep(out)
    assert [round(r["alpha"], 6) for r in rows] == [0.05, 0.05, 0.5, 0.5]
    assert main(["simulate", "rfhm", "--N", "300", "--alpha-D", "0.02", "--alpha", "0.1",
                 "--L-train", "50", "--samples", "1", "--out", str(tmp_path / "x.csv")]) == 2


def _compare_large(N, alpha, D, L, seed, tie, kind="sparse"):
    rng = np.random.default_rng(seed)
    P = int(round(alpha * N))
    F, X, starts = _random_system(rng, N, P, D, L, kind)
    ref = zt.relax_int16(X, starts, seed, tie)
    for res in (zt.relax_int8(X, starts, seed, tie), zt.relax_bits(pt.pack_sites(X), P, starts, seed, tie)):
        assert _same(res, ref), (N, P, tie)
    if tie == "reference":
        f32 = zt.relax_float32(X, starts, seed)
        if not _same(f32, ref):
            assert ref.zero_fields.sum() > 0 and P % 2 == 0
    return ref


@pytest.mark.parametrize("N,alpha,tie", [(1200, 0.05, "reference"), (1202, 0.3, "sign"), (1536, 0.121, "reference")])
def test_exact_kernels_medium_sizes(N, alpha, tie):
    """N ~ 1000-1500, N and P not multiples of 64 (1536 is): fast kernels == exact reference port."""
    ref = _compare_large(N, alpha, max(3, N // 100), 3, N, tie)
    assert ref.sweeps.max() > 1


@pytest.mark.slow
@pytest.mark.parametrize("N,alpha", [(3000, 0.02), (3001, 0.07), (4000, 0.3), (4002, 0.5), (2500, 1.0)])
def test_exact_kernels_few_thousand(N, alpha):
    for tie in ("reference", "sign"):
        for seed in (1, 2):
            _compare_large(N, alpha, max(3, N // 200), 3, seed + N, tie)
    _compare_large(N, alpha, 15, 15, N, "reference", kind="dense")
