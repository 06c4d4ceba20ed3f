"""Random-features data: features F, coefficients c, examples xi = sign(F c), and the storage
layouts that the dynamics kernels read.

Model (docs/theory/rfhm_theory.md Sec. 1.1, docs/theory/rfhm_dynamics.md Sec. 1.1, workshop paper eq. 2):

* features ``F`` in {+-1}^{N x D}, i.i.d. uniform.  Stored **site-major**: ``F[i, k]`` is
  component i of feature ``f_k`` (int8, N x D, row i contiguous).
* coefficients, one vector ``c^mu`` per example, three conventions (``kind``):
  ``"sparse"`` exactly L nonzero entries at L distinct uniformly drawn positions, each +-1
  with probability 1/2; ``"dense"`` (+-1 in every one of the D entries, i.e. L = D);
  ``"gaussian"`` i.i.d. N(0, 1) in every entry.
* examples ``xi^mu = sign(F c^mu)`` with ``sign(0) = +1``.  Exact zeros occur only for an even
  number of +-1 terms (even L, or even D with dense +-1 coefficients).

Layouts:

* ``X`` site-major int8 (N x P): ``X[i, mu] = xi^mu_i``; row i is the vector ``x_i`` read at
  each visit of site i (docs/theory/rfhm_dynamics.md Sec. 3.2).  N*P bytes.
* bit-packed site-major ``B`` (N x W uint64, W = ceil(P/64)): bit ``mu & 63`` of word
  ``mu >> 6`` of row i is 1 iff ``xi^mu_i = +1``; padding bits (mu >= P) are 0
  (Sec. 3.5).  N*W*8 bytes.

Generation is done directly in the layout: :func:`examples_int8` sums the L signed feature
entries per (site, example) in integers (no float matrix); :func:`examples_bits` builds B by a
bit-parallel majority vote over 64 sites per word followed by 64x64 bit-block transposes
(Sec. 3.6), never forming the int8 array (+-1 coefficients with L <= 255; Gaussian or wider
dense coefficients go through chunks of the arithmetic path and are packed).  Both are
bit-identical to the plain numpy construction ``np.where(F @ C.T >= 0, 1, -1)``
(tested).

Random draws use a ``numpy.random.Generator`` passed explicitly, in this fixed order per
instance: features, then the train coefficients, then each test example's coefficients
(see :func:`montecarlo.rfhm.build_instance`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

__all__ = ["Coefficients", "draw_features", "draw_coefficients", "dense_matrix", "examples_int8",
           "examples_bits", "pack_sites", "unpack_sites", "example_vector", "pack_features",
           "draw_feature_bits", "features_from_bits", "example_vector_bits",
           "COEFFICIENT_KINDS"]

COEFFICIENT_KINDS = ("sparse", "dense", "gaussian")

_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)


@dataclass
class Coefficients:
    """Coefficients of P examples over D features.

    For ``kind`` "sparse" and "dense": ``positions`` (P x L int64, distinct within a row) and
    ``signs`` (P x L int8, +-1); "dense" has L = D and ``positions[mu] = 0..D-1``.
    For "gaussian": ``values`` (P x D float64).
    """

    kind: str
    D: int
    positions: np.ndarray | None = None
    signs: np.ndarray | None = None
    values: np.ndarray | None = None

    @property
    def P(self) -> int:
        return (self.values if self.kind == "gaussian" else self.signs).shape[0]

    @property
    def L(self) -> int:
        return self.D if self.kind == "gaussian" else self.signs.shape[1]


def draw_feature_bits(rng: np.random.Generator, N: int, D: int) -> np.ndarray:
    """Features as bit rows FB (D x ceil(N/64) uint64): bit ``i & 63`` of word ``i >> 6`` of
    row k is 1 iff ``F[i, k] = +1``; i.i.d. uniform bits (64 per draw), padding bits zero.
    This is *the* feature draw: :func:`draw_features` unpacks it."""
    NW = (N + 63) // 64
    FB = rng.integers(0, np.iinfo(np.uint64).max, size=(D, NW), dtype=np.uint64, endpoint=True)
    if N % 64:
        FB[:, -1] &= (np.uint64(1) << np.uint64(N % 64)) - np.uint64(1)
    return FB


def features_from_bits(FB: np.ndarray, N: int) -> np.ndarray:
    """Site-major int8 features F (N x D) from the bit rows FB."""
    D = FB.shape[0]
    by = np.ascontiguousarray(FB).astype("<u8", copy=False).view(np.uint8).reshape(D, -1)
    bits = np.unpackbits(by, axis=1, bitorder="little")[:, :N]
    return np.ascontiguousarray((bits.T.astype(np.int8) * np.int8(2) - np.int8(1)).astype(np.int8))


def draw_features(rng: np.random.Generator, N: int, D: int) -> np.ndarray:
    """Features, site-major int8 (N x D), i.i.d. uniform +-1 (unpacked :func:`draw_feature_bits`)."""
    return features_from_bits(draw_feature_bits(rng, N, D), N)


def draw_coefficients(rng: np.random.Generator, P: int, D: int, L: int | None, kind: str = "sparse") -> Coefficients:
    """Draw the coefficients of P examples.

    sparse: a uniform L-subset of positions per example, then L uniform signs.  For
    4L <= D the positions are L uniform integers per example, rows with a repeated position
    being redrawn (rejection: uniform over distinct tuples); otherwise the indices of the L
    smallest of D i.i.d. uniforms.  Positions are sorted within a row.  dense: D uniform
    signs.  gaussian: D standard normals.  Memory: P*L*8 bytes (P*D*8 for the other methods).
    """
    if kind == "sparse":
        if L == D:
            positions = np.broadcast_to(np.arange(D, dtype=np.int64), (P, D)).copy()
        elif 4 * L <= D:
            positions = rng.integers(0, D, size=(P, L), dtype=np.int64)
            positions.sort(axis=1)
            bad = np.flatnonzero((np.diff(positions, axis=1) == 0).any(axis=1)) if L > 1 else np.empty(0, int)
            while bad.size:
                redo = rng.integers(0, D, size=(bad.size, L), dtype=np.int64)
                redo.sort(axis=1)
                positions[bad] = redo
                bad = bad[(np.diff(redo, axis=1) == 0).any(axis=1)]
        else:
            u = rng.random((P, D))
            positions = np.argpartition(u, L - 1, axis=1)[:, :L].astype(np.int64)
            positions.sort(axis=1)
        signs = (rng.integers(0, 2, size=(P, L), dtype=np.int8) * np.int8(2) - np.int8(1)).astype(np.int8)
        return Coefficients("sparse", D, positions=positions, signs=signs)
    if kind == "dense":
        positions = np.broadcast_to(np.arange(D, dtype=np.int64), (P, D)).copy()
        signs = (rng.integers(0, 2, size=(P, D), dtype=np.int8) * np.int8(2) - np.int8(1)).astype(np.int8)
        return Coefficients("dense", D, positions=positions, signs=signs)
    if kind == "gaussian":
        return Coefficients("gaussian", D, values=rng.standard_normal((P, D)))
    raise ValueError(f"coefficients must be one of {COEFFICIENT_KINDS}, got {kind!r}")


def dense_matrix(c: Coefficients, rows: slice = slice(None), dtype=np.int64) -> np.ndarray:
    """The P x D coefficient matrix, or its ``rows`` (``dtype`` for +-1 kinds, float64 for
    gaussian)."""
    if c.kind == "gaussian":
        return c.values[rows].copy()
    pos, sgn = c.positions[rows], c.signs[rows]
    C = np.zeros((pos.shape[0], c.D), dtype=dtype)
    np.put_along_axis(C, pos, sgn.astype(dtype), axis=1)
    return C


# ---------------------------------------------------------------------------------------
# integer (int8) path
# ---------------------------------------------------------------------------------------
@njit(cache=True)
def _examples_int8_kernel(F, positions, signs, out):
    N = F.shape[0]
    P = positions.shape[0]
    L = positions.shape[1]
    for i in range(N):
        row = F[i]
        for mu in range(P):
            acc = 0
            for l in range(L):
                acc += signs[mu, l] * row[positions[mu, l]]
            out[i, mu] = 1 if acc >= 0 else -1


#: +-1 coefficients with more than this many nonzero entries per example (and every "dense"
#: set) are summed by BLAS matrix products instead of the gather loop
MATMUL_MIN_L = 32


def examples_int8(F: np.ndarray, c: Coefficients, chunk: int = 1024) -> np.ndarray:
    """Site-major int8 examples ``X`` (N x P), ``X[i, mu] = sign((F c^mu)_i)``, sign(0)=+1.

    +-1 coefficients: exact integer sums of the L signed entries.  Few entries (sparse,
    L <= MATMUL_MIN_L): a gather loop, N*P*L operations.  Many ("dense", or L > MATMUL_MIN_L):
    BLAS products of the +-1 features and coefficients in float32 (float64 for D >= 2^24),
    blocks of 4096 examples x ``chunk`` sites; every partial sum is an integer of magnitude
    <= D, exact in that format, so the result is the same whatever the summation order (17.7 x
    faster than the gather loop at N = 8000, D = 960, benchmarks/rfhm_dense_build.py; extra memory ~ 4 (chunk + D) 4096 bytes).
    Gaussian: float64 products ``F[rows] @ C.T`` in chunks of ``chunk`` sites (no N x P float
    matrix).  Memory N*P bytes.
    """
    N = F.shape[0]
    out = np.empty((N, c.P), dtype=np.int8)
    if c.kind == "gaussian":
        CT = np.ascontiguousarray(c.values.T)
        for a in range(0, N, chunk):
            h = F[a:a + chunk].astype(np.float64) @ CT
            out[a:a + chunk] = np.where(h >= 0, 1, -1)
        return out
    if c.kind == "dense" or c.L > MATMUL_MIN_L:
        _examples_matmul(F, c, out, chunk)
        return out
    _examples_int8_kernel(F, c.positions, c.signs, out)
    return out


def _examples_matmul(F, c: Coefficients, out, chunk: int, block: int = 4096, packed: bool = False) -> None:
    """``out[i, mu] = sign(sum_l s_l F[i, pos_l])`` by exact float matrix products (see
    :func:`examples_int8`), blocks of ``block`` examples (a multiple of 64) x ``chunk`` sites;
    each block's coefficient matrix is built once.  ``packed``: ``out`` is the bit-packed
    site-major B (N x W uint64) and each block is packed as it is made (no N x P int8)."""
    N, D = F.shape
    dtype = np.float32 if D < 2**24 else np.float64
    for b in range(0, c.P, block):
        n = min(block, c.P - b)
        CbT = np.ascontiguousarray(dense_matrix(c, slice(b, b + n), dtype).T)
        for a in range(0, N, chunk):
            x = np.where(F[a:a + chunk].astype(dtype) @ CbT >= 0, 1, -1).astype(np.int8)
            if packed:
                out[a:a + chunk, b // 64:(b + n + 63) // 64] = pack_sites(x)
            else:
                out[a:a + chunk, b:b + n] = x


def example_vector_bits(FB: np.ndarray, N: int, positions: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """One example ``sign(F c)`` (int8, length N) computed bit-parallel from the feature bit
    rows (same result as :func:`example_vector`)."""
    E = np.zeros((1, FB.shape[1]), dtype=np.uint64)
    _majority_kernel(FB, np.asarray(positions, np.int64)[None, :], np.asarray(signs, np.int8)[None, :], E)
    return unpack_sites(E, N)[0]


def example_vector(F: np.ndarray, positions: np.ndarray, signs: np.ndarray | None = None,
                   values: np.ndarray | None = None) -> np.ndarray:
    """One example ``sign(F c)`` (int8, length N): ``c`` given by positions/signs, or by the
    dense float ``values`` (length D)."""
    if values is not None:
        h = F.astype(np.float64) @ np.asarray(values, dtype=np.float64)
        return np.where(h >= 0, 1, -1).astype(np.int8)
    acc = (F[:, positions].astype(np.int64) * signs.astype(np.int64)).sum(axis=1)
    return np.where(acc >= 0, 1, -1).astype(np.int8)


def pack_sites(X: np.ndarray) -> np.ndarray:
    """Bit-pack a site-major int8 array (N x P, +-1) into B (N x W uint64), zero padding."""
    N, P = X.shape
    W = (P + 63) // 64
    by = np.packbits(X > 0, axis=1, bitorder="little")
    buf = np.zeros((N, W * 8), dtype=np.uint8)
    buf[:, : by.shape[1]] = by
    return buf.view("<u8").astype(np.uint64, copy=False).reshape(N, W)


def unpack_sites(B: np.ndarray, P: int) -> np.ndarray:
    """Inverse of :func:`pack_sites`: int8 (N x P) +-1."""
    by = np.ascontiguousarray(B).astype("<u8", copy=False).view(np.uint8).reshape(B.shape[0], -1)
    bits = np.unpackbits(by, axis=1, bitorder="little")[:, :P]
    return (bits.astype(np.int8) * np.int8(2) - np.int8(1)).astype(np.int8)


# ---------------------------------------------------------------------------------------
# bit-parallel path (Sec. 3.6)
# ---------------------------------------------------------------------------------------
def pack_features(F: np.ndarray) -> np.ndarray:
    """Features as bit rows: ``FB[k, w]`` bit ``i & 63`` of word ``i >> 6`` is ``F[i, k] = +1``
    (D x ceil(N/64) uint64, zero padding)."""
    N, D = F.shape
    NW = (N + 63) // 64
    by = np.packbits(F.T > 0, axis=1, bitorder="little")
    buf = np.zeros((D, NW * 8), dtype=np.uint8)
    buf[:, : by.shape[1]] = by
    return buf.view("<u8").astype(np.uint64, copy=False).reshape(D, NW)


@njit(cache=True)
def _majority_kernel(FB, positions, signs, E):
    """E[mu] = bitwise sign(sum_l signs * feature rows) with sign(0)=+1 (bit 1 = +1)."""
    P = positions.shape[0]
    L = positions.shape[1]
    NW = FB.shape[1]
    nplanes = 1
    while (1 << nplanes) <= L:
        nplanes += 1
    thr = (L + 1) // 2  # count of +1 votes needed: 2*count - L >= 0
    planes = np.zeros((nplanes, NW), dtype=np.uint64)
    for mu in range(P):
        if L == 1:
            flip = np.uint64(0) if signs[mu, 0] > 0 else _ALL
            for w in range(NW):
                E[mu, w] = FB[positions[mu, 0], w] ^ flip
        elif L == 3:
            fa = np.uint64(0) if signs[mu, 0] > 0 else _ALL
            fb = np.uint64(0) if signs[mu, 1] > 0 else _ALL
            fc = np.uint64(0) if signs[mu, 2] > 0 else _ALL
            ra = positions[mu, 0]
            rb = positions[mu, 1]
            rc = positions[mu, 2]
            for w in range(NW):
                x = FB[ra, w] ^ fa
                y = FB[rb, w] ^ fb
                z = FB[rc, w] ^ fc
                E[mu, w] = (x & y) | (z & (x | y))
        else:
            planes[:, :] = 0
            for l in range(L):
                flip = np.uint64(0) if signs[mu, l] > 0 else _ALL
                r = positions[mu, l]
                for w in range(NW):
                    carry = FB[r, w] ^ flip
                    for b in range(nplanes):
                        t = planes[b, w] & carry
                        planes[b, w] ^= carry
                        carry = t
            for w in range(NW):
                gt = np.uint64(0)
                eq = _ALL
                for b in range(nplanes - 1, -1, -1):
                    q = planes[b, w]
                    if (thr >> b) & 1:
                        eq &= q
                    else:
                        gt |= eq & q
                        eq &= ~q
                E[mu, w] = gt | eq


@njit(cache=True)
def transpose64(a):
    """In-place transpose of a 64x64 bit block held in 64 uint64 (bit c of a[r] <-> bit r of a[c])."""
    j = 32
    m = np.uint64(0x00000000FFFFFFFF)
    while j != 0:
        uj = np.uint64(j)
        k = 0
        while k < 64:
            for kk in range(k, k + j):
                t = ((a[kk] >> uj) ^ a[kk + j]) & m
                a[kk] ^= t << uj
                a[kk + j] ^= t
            k += 2 * j
        j >>= 1
        m = m ^ (m << np.uint64(j))
    return a


@njit(cache=True)
def _transpose_kernel(E, N, B):
    """Example-major bit rows E (Ppad x NW) -> site-major B (N x W), W = Ppad/64."""
    Ppad, NW = E.shape
    W = Ppad // 64
    blk = np.empty(64, dtype=np.uint64)
    for b in range(W):
        for w in range(NW):
            for r in range(64):
                blk[r] = E[64 * b + r, w]
            transpose64(blk)
            base = 64 * w
            for c in range(64):
                if base + c < N:
                    B[base + c, b] = blk[c]


@njit(cache=True)
def _majority_blocks_kernel(FB, positions, signs, N, B):
    """Site-major B (N x W) built 64 examples at a time: the majority vote of one block of 64
    examples (64 x NW words) is transposed straight into word column b of B, so the full
    example-major array (P N / 8 bytes) is never held; same words as :func:`_majority_kernel`
    followed by :func:`_transpose_kernel`."""
    P = positions.shape[0]
    W = B.shape[1]
    NW = FB.shape[1]
    E = np.zeros((64, NW), dtype=np.uint64)
    blk = np.empty(64, dtype=np.uint64)
    for b in range(W):
        lo = 64 * b
        hi = min(P, lo + 64)
        E[:, :] = 0
        _majority_kernel(FB, positions[lo:hi], signs[lo:hi], E)
        for w in range(NW):
            for r in range(64):
                blk[r] = E[r, w]
            transpose64(blk)
            base = 64 * w
            for c in range(64):
                if base + c < N:
                    B[base + c, b] = blk[c]


def examples_bits(F: np.ndarray | None, c: Coefficients, FB: np.ndarray | None = None,
                  return_example_major: bool = False, N: int | None = None):
    """Site-major bit-packed examples B (N x W uint64), built bit-parallel (no int8 array).

    +-1 coefficients with L <= 255: packed features, majority vote 64 sites per word (the
    L = 3 formula ``(x&y)|(z&(x|y))``, otherwise a bit-sliced counter compared with the
    threshold ceil(L/2)), then 64x64 block transposes.  Cost ~ P*L*N/64 word operations
    plus the transpose, done 64 examples at a time (peak memory: B alone, N P / 8 bytes).
    Wider +-1 coefficients: the exact BLAS products of :func:`examples_int8`, packed block by
    block (4096 examples x 2048 sites at a time).  Gaussian: chunks of :func:`examples_int8`
    packed with :func:`pack_sites`.  With ``return_example_major`` also returns E (Ppad x ceil(N/64)),
    whose row mu is example mu packed over sites.  ``F`` may be None when ``FB`` and ``N``
    are given (+-1 coefficients with L <= 255 only).
    """
    if F is None and (FB is None or N is None):
        raise ValueError("F: either F or both FB and N are needed")
    N = F.shape[0] if F is not None else int(N)
    P = c.P
    W = (P + 63) // 64
    if c.kind == "gaussian" or c.L > 255:
        if return_example_major:
            raise ValueError("return_example_major needs +-1 coefficients with L <= 255")
        if F is None:
            F = features_from_bits(FB, N)
        B = np.empty((N, W), dtype=np.uint64)
        if c.kind != "gaussian":  # exact BLAS products, packed block by block
            _examples_matmul(F, c, B, 2048, packed=True)
            return B
        chunk = max(64, (1 << 26) // max(P, 1))
        for a in range(0, N, chunk):
            B[a:a + chunk] = pack_sites(examples_int8(F[a:a + chunk], c))
        return B
    if FB is None:
        FB = pack_features(F)
    B = np.empty((N, W), dtype=np.uint64)
    if not return_example_major:  # block by block: peak N P / 8 bytes (B only), not twice that
        _majority_blocks_kernel(FB, np.ascontiguousarray(c.positions), np.ascontiguousarray(c.signs),
                                N, B)
        return B
    E = np.zeros((W * 64, FB.shape[1]), dtype=np.uint64)
    _majority_kernel(FB, c.positions, c.signs, E)
    _transpose_kernel(E, N, B)
    return B, E
