"""Dense teacher-student Monte Carlo: a bit-packed, multi-chain exact kernel.

Physics: docs/theory/teacher_student_theory.md Sec. 1 (model), 2 (teacher), 11 (Hamiltonians), 12 (MC
protocol, incremental update).  Same Markov chain law as the reference kernel
:mod:`montecarlo.teacher_student` (kept as the reference): random sequential sweeps (a fresh
Fisher-Yates permutation per sweep from the chain's xoshiro256** stream), Metropolis
acceptance with one uniform double per trial that raises the energy.  Results are not
bit-identical to the reference (different data layout, same law); exactness is tested the same
way (incremental energy == brute force, detailed balance by enumeration, tests/test_ts_fast.py).

Data layout
-----------
* Examples bit-packed, site-major: ``bits[k, a // 8]`` bit ``a % 8`` (little-endian) is
  ``sigma^a_k == +1``.  N*M/8 bytes (25 MB at p = 3, N = 512, alpha = 9), one read-only copy
  shared by every chain of the data set.  A prefix of the examples (alpha = 3 inside a data set
  drawn for alpha = 9 at the same T*) is the same array with a smaller M.
* Per chain: the overlaps X_a = xi . sigma^a as int16 (|X| <= N <= 32767), 2M bytes (768 KiB at
  alpha = 9: one chain's working set fits the 2 MiB L2 of one core), and three int64 scalars
  [sum_a A(X_a), sum_a S(X_a), xi . xi*].  All integers: the energy never drifts.

Trial flip (doc Sec. 12): with S(X + 2s) - S(X) = A(X) + s B(X),

    Delta S_k = sum_a A(X_a) - xi_k sum_a sigma^a_k B(X_a),   Delta E_k = -N^{1-p} Delta S_k.

p = 3 (both Hamiltonians): B(X) = b0 + b2 X^2 and A(X) = a1 X, so

    sum_a sigma^a_k B(X_a) = b0 c_k + b2 sum_a sigma^a_k X_a^2,   c_k = sum_a sigma^a_k,

and sum_a A(X_a) = a1 sum_a X_a changes by a1 * 2 s c_k on a flip: one pass per trial computes
sum_a sigma_a X_a^2 exactly in int32 blocks (|block sum| <= L N^2 < 2^31) folded into int64.
The bits of a block of L examples are expanded into L int8 signs through a 256-entry table
(one 8-byte store per byte of bits, in L1), then a vectorised int16 x int16 -> int32 multiply-
accumulate runs over the block.  Other p: the same blocks with B(X) evaluated exactly in int64
(Horner) per entry (slower; checked against overflow at construction).

Chains: ``nb.prange`` over the chains of one data set (both cores, one shared copy of the bits).
Each chain owns its RNG state, so results do not depend on the number of threads.

Cost per trial: M/8 bytes of bits (memory or L3) + 2M bytes of X (L2) + O(M) SIMD work;
accepted flips add one O(M) update pass.  Memory N*M/8 + C*2M bytes.

This module never imports ``theory``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba as nb
import numpy as np

from . import rng as xrng
from . import teacher_sampling as tsamp
from .teacher_student import energy_polynomials, _seed_sequence

__all__ = ["PackedData", "sample_teacher_packed", "pack_examples", "unpack_examples",
           "ChainSet", "SIGN_LUT", "block_length"]

_GEN_CHUNK = 65536  # multiple of 4096 (sample_examples' chunk) and of 8


def _make_lut() -> np.ndarray:
    """byte -> 8 int8 signs (+1 for a set bit, -1 otherwise, bit j -> byte j), as uint64."""
    t = np.empty((256, 8), dtype=np.int8)
    for b in range(256):
        for j in range(8):
            t[b, j] = 1 if (b >> j) & 1 else -1
    return t.view(np.uint64).reshape(256).copy()


SIGN_LUT = _make_lut()


def block_length(N: int) -> int:
    """Examples per int32 block: L N^2 < 2^31 (exact int32 partial sums), L multiple of 64,
    at most 4096 (the expanded signs, L bytes, stay in L1)."""
    L = (2**31 - 1) // max(1, N * N)
    return int(max(64, min(4096, (L // 64) * 64)))


# --------------------------------------------------------------------------- data
@dataclass
class PackedData:
    """A teacher and its examples, bit-packed site-major (module docstring).

    xi_star : int8 (N,); bits : uint8 (N, ceil(M_total/8)); K : int64 (M_total,) teacher
    overlaps K_a = xi*.sigma^a; M : examples in use (a prefix of the M_total drawn);
    p, T_teacher, teacher_interaction : the teacher law (doc Sec. 2).
    """

    xi_star: np.ndarray
    bits: np.ndarray
    K: np.ndarray
    M: int
    p: int
    T_teacher: float
    teacher_interaction: str = "literal"

    @property
    def N(self) -> int:
        return int(self.xi_star.shape[0])

    def prefix(self, M: int) -> "PackedData":
        """The first M examples (views, no copy)."""
        M = tsamp.check_positive_int("M", M, minimum=0)
        if M > self.K.shape[0]:
            raise ValueError(f"M must be <= {self.K.shape[0]} (examples drawn), got {M}")
        return PackedData(self.xi_star, self.bits, self.K, M, self.p, self.T_teacher,
                          self.teacher_interaction)

    def r_sample(self) -> float:
        """Realised coupling ratio of the examples in use (doc Sec. 12)."""
        if self.M == 0:
            return float("nan")
        return tsamp.realized_coupling_ratio(self.K[:self.M], self.N, self.p, self.T_teacher)

    def r_N(self) -> float:
        """Exact finite-N coupling ratio of the teacher law (doc Sec. 2)."""
        return tsamp.coupling_ratio(self.N, self.p, self.T_teacher, self.teacher_interaction)

    @property
    def nbytes(self) -> int:
        return int(self.bits.nbytes + self.K.nbytes + self.xi_star.nbytes)


def pack_examples(examples) -> np.ndarray:
    """int8 (M, N) examples (+-1) -> site-major bits uint8 (N, ceil(M/8)), little-endian."""
    ex = np.asarray(examples)
    if ex.ndim != 2:
        raise ValueError("examples must be a 2-d (M, N) array")
    M, N = ex.shape
    out = np.zeros((N, (M + 7) // 8), dtype=np.uint8)
    _pack_rows(np.ascontiguousarray(ex, dtype=np.int8), out)
    return out


@nb.njit(cache=True)
def _pack_rows(ex, out):
    """Example-major int8 rows -> site-major bits (one pass over the rows, 8 at a time)."""
    M, N = ex.shape
    acc = np.zeros(N, np.uint8)
    for g in range((M + 7) // 8):
        acc[:] = 0
        for j in range(min(8, M - 8 * g)):
            row = ex[8 * g + j]
            bit = np.uint8(1 << j)
            for k in range(N):
                if row[k] > 0:
                    acc[k] |= bit
        for k in range(N):
            out[k, g] = acc[k]


def unpack_examples(bits, M: int) -> np.ndarray:
    """Inverse of :func:`pack_examples`: int8 (M, N), the transpose of a C-contiguous site-major
    (N, M) array (what :class:`montecarlo.teacher_student.StudentChain` uses without a copy).
    Peak memory N * M bytes: the signs are made in place."""
    b = np.unpackbits(np.asarray(bits, dtype=np.uint8), axis=1, count=int(M), bitorder="little")
    b *= 2
    b -= 1  # 0 -> 255 (= -1 as int8), 1 -> 1
    return b.view(np.int8).T


def sample_teacher_packed(N, p, T_teacher, M, seed=0, interaction="literal", method="fast") -> PackedData:
    """Exact teacher examples (doc Sec. 2), generated in chunks straight into the bit layout.

    method : 'reference' - the same random stream as
        :func:`montecarlo.teacher_student.sample_teacher` (same seed, same xi* and examples;
        tested), peak memory N*M/8 + 64Ki*N*2 bytes instead of N*M; 'fast' (default) - same
        law, its own stream: xi* and K from the same numpy Generator, then for every example
        the (N + K_a)/2 sites with sigma_i = xi*_i chosen by a partial Fisher-Yates shuffle
        driven by xoshiro256** (numba), about 20x faster.
    """
    N = tsamp.check_positive_int("N", N, minimum=2)
    p = tsamp.check_p(p)
    T_teacher = tsamp.check_temperature("T_teacher", T_teacher, allow_zero=False)
    M = tsamp.check_positive_int("M", M, minimum=0)
    tsamp.check_interaction("interaction", interaction)
    if method not in ("fast", "reference"):
        raise ValueError(f"method must be 'fast' or 'reference', got {method!r}")
    if N > 32767:
        raise ValueError(f"N must be <= 32767 (int16 overlaps), got {N}")
    tsamp.check_size(N, M // 8)
    rng = np.random.default_rng(_seed_sequence(seed))
    xi_star = (2 * rng.integers(0, 2, size=N) - 1).astype(np.int8)
    law = tsamp.k_law(N, p, T_teacher, interaction)
    K = np.asarray(tsamp.sample_k(law, M, rng), dtype=np.int64)
    bits = np.zeros((N, (M + 7) // 8), dtype=np.uint8)
    if method == "fast":
        state = xrng.new_state(np.random.SeedSequence(rng.integers(0, 2**63)))
        perm = np.arange(N, dtype=np.int64)
        tile = np.empty((_GEN_CHUNK, N), dtype=np.int8)
    for a0 in range(0, M, _GEN_CHUNK):
        a1 = min(M, a0 + _GEN_CHUNK)
        if method == "fast":
            ex = tile[:a1 - a0]
            _fill_examples(xi_star, K[a0:a1], state, perm, ex)
        else:
            ex = tsamp.sample_examples(xi_star, K[a0:a1], rng)
        bits[:, a0 // 8:(a1 + 7) // 8] = pack_examples(ex)
    return PackedData(xi_star, bits, K, M, p, float(T_teacher), interaction)


@nb.njit(cache=True)
def _fill_examples(xi_star, K, state, perm, out):
    """out[a] = an example with xi*.sigma = K[a], uniformly among them (doc Sec. 2): start from
    -xi*, pick (N + K_a)/2 distinct sites by a partial Fisher-Yates shuffle of ``perm`` (a
    uniform subset whatever perm's current order) and set sigma_i = xi*_i there."""
    N = xi_star.shape[0]
    for a in range(K.shape[0]):
        n_up = (N + K[a]) // 2
        row = out[a]
        for i in range(N):
            row[i] = -xi_star[i]
        for t in range(n_up):
            j = t + xrng.bounded(state, N - t)
            tmp = perm[t]
            perm[t] = perm[j]
            perm[j] = tmp
            row[perm[t]] = xi_star[perm[t]]


# --------------------------------------------------------------------------- kernels
@nb.njit(cache=True)
def _expand(brs, lut, buf64):
    """Signs of the 8*len(brs) examples whose bits are brs into buf64 (viewed as int8).
    (0-based loop over a slice: no negative-index wraparound, so LLVM keeps it tight.)"""
    for i in range(brs.shape[0]):
        buf64[i] = lut[brs[i]]


@nb.njit(cache=True)
def _sxx_block(sg, Xb):
    """sum_i sg_i Xb_i^2 in int32 (caller guarantees len * N^2 < 2^31)."""
    s = np.int32(0)
    for i in range(Xb.shape[0]):
        x = Xb[i]
        y = np.int16(x * sg[i])
        s = np.int32(s + np.int32(y) * np.int32(x))
    return s


@nb.njit(cache=True)
def _update_block(sg, Xb, s2):
    """X_a += s2 * sigma_a (s2 = +-2)."""
    for i in range(Xb.shape[0]):
        Xb[i] = np.int16(Xb[i] + s2 * sg[i])


@nb.njit(cache=True)
def _horner_i(c, x):
    r = np.int64(0)
    for j in range(c.shape[0] - 1, -1, -1):
        r = r * x + c[j]
    return r


@nb.njit(cache=True)
def _dot_B(brow, X, M, lut, buf, L, cB, fast3):
    """D = sum_a sigma_a B(X_a) (p = 3: only sum_a sigma_a X_a^2; the caller adds b0 c_k)."""
    buf64 = buf.view(np.uint64)
    tot = np.int64(0)
    for a0 in range(0, M, L):
        n = min(L, M - a0)
        _expand(brow[a0 // 8:(a0 + n + 7) // 8], lut, buf64)
        if fast3:
            tot += _sxx_block(buf[:n], X[a0:a0 + n])
        else:
            sg = buf[:n]
            Xb = X[a0:a0 + n]
            for i in range(n):
                tot += sg[i] * _horner_i(cB, np.int64(Xb[i]))
    return tot


@nb.njit(cache=True)
def _apply(brow, X, M, lut, buf, L, s2, cA, fast3):
    """X_a += s2 sigma_a; returns the change of sum_a A(X_a) (0 on the p = 3 path: the caller
    uses a1 s2 c_k)."""
    buf64 = buf.view(np.uint64)
    dA = np.int64(0)
    for a0 in range(0, M, L):
        n = min(L, M - a0)
        _expand(brow[a0 // 8:(a0 + n + 7) // 8], lut, buf64)
        Xb = X[a0:a0 + n]
        sg = buf[:n]
        if fast3:
            _update_block(sg, Xb, s2)
        else:
            for i in range(n):
                x = np.int64(Xb[i])
                y = x + s2 * sg[i]
                dA += _horner_i(cA, y) - _horner_i(cA, x)
                Xb[i] = np.int16(y)
    return dA


@nb.njit(cache=True)
def _colsums(bits, M, lut, L):
    """c_k = sum_a sigma^a_k over the first M examples."""
    N = bits.shape[0]
    out = np.zeros(N, np.int64)
    buf = np.empty(L, np.int8)
    buf64 = buf.view(np.uint64)
    for k in range(N):
        s = np.int64(0)
        for a0 in range(0, M, L):
            n = min(L, M - a0)
            _expand(bits[k, a0 // 8:(a0 + n + 7) // 8], lut, buf64)
            for i in range(n):
                s += buf[i]
        out[k] = s
    return out


@nb.njit(cache=True, parallel=True)
def _init_chains(bits, M, lut, L, xis, Xs):
    """X_a = sum_k xi_k sigma^a_k for every chain (from scratch)."""
    C = xis.shape[0]
    N = xis.shape[1]
    for c in nb.prange(C):
        buf = np.empty(L, np.int8)
        X = Xs[c]
        X[:] = 0
        for k in range(N):
            _apply(bits[k], X, M, lut, buf, L, np.int64(xis[c, k]), np.zeros(1, np.int64), True)


@nb.njit(cache=True)
def _sweeps_one(bits, M, colsum, lut, L, cA, cB, fast3, scale, beta, xi, xi_star, X, st,
                rstate, order, buf, q_out, e_out, m_out, acc_out, codes_out, s0, n_sweeps):
    """n_sweeps sweeps of one chain; outputs written at [s0, s0 + n_sweeps).

    st = int64[3]: [sum_a A(X_a), sum_a S(X_a), xi.xi*]."""
    N = xi.shape[0]
    a1 = cA[1] if cA.shape[0] > 1 else np.int64(0)
    b0 = cB[0]
    b2 = cB[2] if cB.shape[0] > 2 else np.int64(0)
    for s in range(n_sweeps):
        n_acc = 0
        xrng.shuffle(rstate, order)
        for t in range(N):
            k = order[t]
            xk = np.int64(xi[k])
            brow = bits[k]
            if fast3:
                D = b0 * colsum[k] + b2 * _dot_B(brow, X, M, lut, buf, L, cB, True)
            else:
                D = _dot_B(brow, X, M, lut, buf, L, cB, False)
            dS = st[0] - xk * D
            dE = -scale * np.float64(dS)
            if dE <= 0.0:
                accept = True
            else:
                accept = xrng.next_double(rstate) < math.exp(-beta * dE)
            if accept:
                s2 = -2 * xk
                dA = _apply(brow, X, M, lut, buf, L, s2, cA, fast3)
                if fast3:
                    dA = a1 * s2 * colsum[k]
                st[0] += dA
                st[1] += dS
                st[2] -= 2 * xk * np.int64(xi_star[k])
                xi[k] = -xi[k]
                n_acc += 1
        best = 0
        for a in range(M):
            v = abs(np.int64(X[a]))
            if v > best:
                best = v
        j = s0 + s
        q_out[j] = st[2] / N
        e_out[j] = -scale * np.float64(st[1]) / N
        m_out[j] = best / N
        acc_out[j] = n_acc
        if codes_out.shape[0] > 0:
            code = 0
            for i in range(N):
                if xi[i] > 0:
                    code += 1 << i
            codes_out[j] = code


@nb.njit(cache=True, parallel=True)
def _run_chains(bits, M, colsum, lut, L, cA, cB, fast3, scale, betas, xis, xi_star, Xs, sts,
                rstates, orders, q_out, e_out, m_out, acc_out, codes_out, s0, n_sweeps):
    C = xis.shape[0]
    for c in nb.prange(C):
        buf = np.empty(L, np.int8)
        _sweeps_one(bits, M, colsum, lut, L, cA, cB, fast3, scale, betas[c], xis[c], xi_star,
                    Xs[c], sts[c], rstates[c], orders[c], buf, q_out[c], e_out[c], m_out[c],
                    acc_out[c], codes_out[c], s0, n_sweeps)


@nb.njit(cache=True)
def _delta_S(bits, M, colsum, lut, L, cB, fast3, xi, X, st, k):
    buf = np.empty(L, np.int8)
    if fast3:
        D = cB[0] * colsum[k] + cB[2] * _dot_B(bits[k], X, M, lut, buf, L, cB, True)
    else:
        D = _dot_B(bits[k], X, M, lut, buf, L, cB, False)
    return st[0] - np.int64(xi[k]) * D


# --------------------------------------------------------------------------- chain set
class ChainSet:
    """C student chains on one (shared, read-only) bit-packed data set.

    Parameters
    ----------
    data : :class:`PackedData` (its M examples are used).
    xi0 : int8 (C, N) initial configurations.
    p : student interaction order (must equal data.p); interaction : student Hamiltonian,
        'distinct' (default) or 'literal' (doc Sec. 11).
    seed : int or SeedSequence; chain c uses child c of ``SeedSequence(seed).spawn(C)``
        (xoshiro256**, :mod:`montecarlo.rng`): the same seed gives the same result whatever
        the number of threads.

    Memory: 2 C M bytes (+ the shared data).
    """

    def __init__(self, data: PackedData, xi0, p=None, interaction="distinct", seed=0):
        p = data.p if p is None else tsamp.check_p(p)
        tsamp.check_interaction("interaction", interaction)
        xi0 = np.atleast_2d(np.asarray(xi0, dtype=np.int8))
        N, M = data.N, data.M
        if xi0.ndim != 2 or xi0.shape[1] != N:
            raise ValueError(f"xi0 must have shape (C, N) with N = {N}")
        self.data, self.N, self.M, self.p, self.interaction = data, N, M, p, interaction
        self.C = xi0.shape[0]
        cS, cA, cB = energy_polynomials(p, N, interaction)
        self.cS = np.round(cS).astype(np.int64)
        self.cA = np.round(cA).astype(np.int64)
        self.cB = np.round(cB).astype(np.int64)
        self.fast3 = bool(p == 3 and self.cB.shape[0] == 3 and self.cB[1] == 0
                          and self.cA[0] == 0 and N <= 32767)
        # exactness: every int64 sum bounded by M * sum_j |c_j| N^j < 2^62
        for name, c in (("S", self.cS), ("B", self.cB)):
            bound = float(M) * sum(abs(float(v)) * float(N) ** j for j, v in enumerate(c))
            if bound >= 2.0**62:
                raise ValueError(f"M = {M}, N = {N}, p = {p}: sum_a {name}(X_a) may overflow int64")
        self.L = block_length(N)
        self.scale = float(N) ** (1 - p)
        self.colsum = _colsums(data.bits, M, SIGN_LUT, self.L)
        ss = _seed_sequence(seed)
        self.rstates = np.stack([xrng.new_state(ch) for ch in ss.spawn(self.C)])
        self.orders = np.tile(np.arange(N, dtype=np.int64), (self.C, 1))
        self.X = np.zeros((self.C, M), dtype=np.int16)
        self.st = np.zeros((self.C, 3), dtype=np.int64)
        self.reset(xi0)

    def reset(self, xi0):
        """Set configurations and recompute X and the sums from scratch."""
        self.xi = np.ascontiguousarray(np.atleast_2d(np.asarray(xi0, dtype=np.int8))).copy()
        _init_chains(self.data.bits, self.M, SIGN_LUT, self.L, self.xi, self.X)
        P = np.polynomial.polynomial
        for c in range(self.C):
            Xc = self.X[c].astype(np.int64)
            self.st[c, 0] = int(np.sum(_poly_int(Xc, self.cA)))
            self.st[c, 1] = int(np.sum(_poly_int(Xc, self.cS)))
            self.st[c, 2] = int(np.dot(self.xi[c].astype(np.int64),
                                       self.data.xi_star.astype(np.int64)))
        del P

    @property
    def energy(self) -> np.ndarray:
        """H(xi) of every chain (tracked incrementally, exact integers times N^{1-p})."""
        return -self.scale * self.st[:, 1].astype(float)

    @property
    def q_star(self) -> np.ndarray:
        return self.st[:, 2] / self.N

    def delta_energy(self, c: int, k: int) -> float:
        """Energy change of flipping site k of chain c (incremental formula, no flip)."""
        dS = _delta_S(self.data.bits, self.M, self.colsum, SIGN_LUT, self.L, self.cB,
                      self.fast3, self.xi[c], self.X[c], self.st[c], int(k))
        return -self.scale * float(dS)

    def advance(self, n_sweeps, T, *, record_states=False, out=None, offset=0):
        """Run ``n_sweeps`` sweeps; T a scalar or one temperature per chain (all > 0).

        Returns per-sweep arrays of shape (C, n_sweeps): q_star, energy (per spin), m
        (max_a |X_a|/N), accepted; + codes (state code sum_i [xi_i = 1] 2^i, N <= 62) when
        record_states.  ``out``/``offset``: write into preallocated arrays instead.
        """
        n_sweeps = tsamp.check_positive_int("n_sweeps", n_sweeps)
        T = np.broadcast_to(np.asarray(T, dtype=float), (self.C,))
        if not np.all(np.isfinite(T)) or np.any(T <= 0):
            raise ValueError(f"T must be finite and > 0, got {T}")
        if record_states and self.N > 62:
            raise ValueError("record_states needs N <= 62")
        if out is None:
            out = dict(q_star=np.empty((self.C, n_sweeps)), energy=np.empty((self.C, n_sweeps)),
                       m=np.empty((self.C, n_sweeps)),
                       accepted=np.empty((self.C, n_sweeps), dtype=np.int64),
                       codes=np.empty((self.C, n_sweeps if record_states else 0), np.int64))
            offset = 0
        _run_chains(self.data.bits, self.M, self.colsum, SIGN_LUT, self.L, self.cA, self.cB,
                    self.fast3, self.scale, 1.0 / T, self.xi, self.data.xi_star, self.X, self.st,
                    self.rstates, self.orders, out["q_star"], out["energy"], out["m"],
                    out["accepted"], out["codes"], int(offset), n_sweeps)
        return out


def _poly_int(X, c):
    r = np.zeros_like(X)
    for j in range(c.shape[0] - 1, -1, -1):
        r = r * X + c[j]
    return r


@nb.njit(cache=True, parallel=True)
def _pt_kernel(bits, M, colsum, lut, L, cA, cB, fast3, scale, betas, ladders, xis, xi_star, Xs,
               sts, rstates, orders, swap_state, swap_every, q_out, e_out, m_out, acc_out,
               codes_out, tmap, acc_sw, att_sw):
    """Replica exchange (montecarlo.ts_tempering.parallel_tempering): ``ladders`` ladders of
    R = len(betas) chains; chain c of ladder l = c // R.  Every ``swap_every`` sweeps the even,
    then (next time) the odd neighbouring pairs of each ladder propose to exchange their
    temperatures, accepted iff x >= 0 or u < exp(x), x = (b_i - b_{i+1})(H_i - H_{i+1}), one u
    per proposal with x < 0 from ``swap_state``.  tmap[s, c]: temperature index of chain c
    during sweep s."""
    R = betas.shape[0]
    C = ladders * R
    n_sweeps = tmap.shape[0]
    holder = np.empty((ladders, R), np.int64)
    temp_of = np.empty(C, np.int64)
    for l in range(ladders):
        for i in range(R):
            holder[l, i] = l * R + i
            temp_of[l * R + i] = i
    bc = np.empty(C)
    done = 0
    parity = 0
    while done < n_sweeps:
        n = min(swap_every, n_sweeps - done)
        for c in range(C):
            bc[c] = betas[temp_of[c]]
        for c in nb.prange(C):
            buf = np.empty(L, np.int8)
            _sweeps_one(bits, M, colsum, lut, L, cA, cB, fast3, scale, bc[c], xis[c], xi_star,
                        Xs[c], sts[c], rstates[c], orders[c], buf, q_out[c], e_out[c],
                        m_out[c], acc_out[c], codes_out[c], done, n)
        for s in range(done, done + n):
            for c in range(C):
                tmap[s, c] = temp_of[c]
        done += n
        for l in range(ladders):
            for i in range(parity, R - 1, 2):
                a = holder[l, i]
                b = holder[l, i + 1]
                x = (betas[i] - betas[i + 1]) * (-scale * np.float64(sts[a, 1])
                                                 + scale * np.float64(sts[b, 1]))
                att_sw[i] += 1
                if x >= 0.0 or xrng.next_double(swap_state) < math.exp(x):
                    acc_sw[i] += 1
                    holder[l, i] = b
                    holder[l, i + 1] = a
                    temp_of[a] = i + 1
                    temp_of[b] = i
        parity ^= 1
