"""Bit-packed exact kernel with bit-sliced overlap counts (docs/theory/rfhm_dynamics.md Secs. 3.4, 3.5).

B is N x W uint64 (W = ceil(P/64), zero padding); the overlaps of each replica are held as
n_b = bit_length(N) bit planes of the counts u_mu = #{i : xi^mu_i = s_i}.  Per visit and
active replica at most n_b*W AND+popcounts (P/8 bytes read); per flip two bit-sliced ripple
carries over ~log2(P) planes.  Two exact shortcuts:

* planes are read from the most significant down and the visit stops as soon as the
  remaining planes cannot change sign(H_i) (interval bound; typically ~10 of 14-15 planes);
* a *certified sign cache*: |H_i| from the last evaluation minus 2P per flip since then
  bounds the current |H_i|; while positive, the decision is known without evaluation.

Integer width: every count, plane sum and field is int64 (and every index numba's int64
``intp``), so N*P is limited only by memory (N*P/8 bytes for B; Sec. 4.4), not by 2^31.

Optional, off by default: the hybrid matrix-free / incremental mode of Sec. 3.4
(``switch_flips``).  Software prefetch of the row visited two steps ahead.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from hopfield_phases._core.validation import integer

from ..patterns import transpose64
from ..prefetch import PREFETCH_DISTANCE, prefetch_row
from ..rng import new_state, shuffle
from .common import Relaxation, check_int_limits, empty_result, rule_code

__all__ = ["relax_bits", "decode_planes", "memory_bytes"]

_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
_C1 = np.uint64(0x5555555555555555)
_C2 = np.uint64(0x3333333333333333)
_C4 = np.uint64(0x0F0F0F0F0F0F0F0F)
_H01 = np.uint64(0x0101010101010101)


def memory_bytes(N: int, P: int, R: int = 1) -> int:
    """Bytes of the data structures: B, the planes, the per-replica state/cache and the
    hybrid fields."""
    W = (P + 63) // 64
    return 8 * N * W + 8 * R * W * max(1, int(N).bit_length()) + 25 * R * N + 8 * R * 64 * W


@njit(cache=True)
def _popcount(x):
    x = x - ((x >> np.uint64(1)) & _C1)
    x = (x & _C2) + ((x >> np.uint64(2)) & _C2)
    x = (x + (x >> np.uint64(4))) & _C4
    return (x * _H01) >> np.uint64(56)


@njit(cache=True)
def _valid_mask(P, W):
    V = np.empty(W, dtype=np.uint64)
    for w in range(W):
        V[w] = _ALL
    rem = P & 63
    if rem:
        V[W - 1] = (np.uint64(1) << np.uint64(rem)) - np.uint64(1)
    return V


@njit(cache=True)
def _add_set(Q, A):
    """Bit-sliced increment (ripple carry) of the counters selected by A (A is overwritten
    with the carries); planes Q: nb x W.  Plane by plane (vectorised over words), stopping
    as soon as no carry is left (~log2 of the number of counters planes)."""
    nb, W = Q.shape
    for b in range(nb):
        q = Q[b]
        anyc = np.uint64(0)
        for w in range(W):
            c = A[w]
            t = q[w] & c
            q[w] ^= c
            A[w] = t
            anyc |= t
        if anyc == 0:
            break


@njit(cache=True)
def _sub_set(Q, D):
    """Bit-sliced decrement (ripple borrow) of the counters selected by D (overwritten)."""
    nb, W = Q.shape
    for b in range(nb):
        q = Q[b]
        anyc = np.uint64(0)
        for w in range(W):
            c = D[w]
            t = (~q[w]) & c
            q[w] ^= c
            D[w] = t
            anyc |= t
        if anyc == 0:
            break


@njit(cache=True)
def _init_planes(B, S, Q, V):
    """Bit-sliced counts u_mu = #{i : xi^mu_i = s_i} for every replica.

    B is read in 64 x 64 bit blocks (64 sites x 64 examples) that are transposed once
    (shared by all replicas); then u_mu += popcount(~(column_mu xor s_bits) & site_mask).
    Cost ~ (N/64) W (transpose + 64 R popcounts); the planes are then filled from u."""
    N, W = B.shape
    R = S.shape[0]
    nb = Q.shape[1]
    P64 = W * 64
    u = np.zeros((R, P64), dtype=np.int64)
    blk = np.empty(64, dtype=np.uint64)
    sb = np.empty(R, dtype=np.uint64)
    for k in range(0, N, 64):
        n_here = min(64, N - k)
        mask = _ALL if n_here == 64 else (np.uint64(1) << np.uint64(n_here)) - np.uint64(1)
        for r in range(R):
            word = np.uint64(0)
            for c in range(n_here):
                if S[r, k + c] > 0:
                    word |= np.uint64(1) << np.uint64(c)
            sb[r] = word
        for w in range(W):
            for c in range(64):
                blk[c] = B[k + c, w] if c < n_here else np.uint64(0)
            transpose64(blk)
            for r in range(R):
                base = 64 * w
                for c in range(64):
                    u[r, base + c] += np.int64(_popcount((~(blk[c] ^ sb[r])) & mask))
    for r in range(R):
        Q[r, :, :] = 0
        for w in range(W):
            for c in range(64):
                mu = 64 * w + c
                val = u[r, mu] if (V[w] >> np.uint64(c)) & np.uint64(1) else 0
                b = 0
                while val != 0 and b < nb:
                    if val & 1:
                        Q[r, b, w] |= np.uint64(1) << np.uint64(c)
                    val >>= 1
                    b += 1


@njit(cache=True)
def _planes_total(Qr):
    nb, W = Qr.shape
    U = np.int64(0)
    for b in range(nb):
        c = np.int64(0)
        for w in range(W):
            c += np.int64(_popcount(Qr[b, w]))
        U += c << b
    return U


@njit(cache=True)
def _bits_field(row, Qr, U, ci, N, P, si):
    """Exact H_i from the bit row of site i and the bit-sliced counts of one replica."""
    nb, W = Qr.shape
    Ssum = np.int64(0)
    for b in range(nb):
        qb = Qr[b]
        acc = np.uint64(0)
        for w in range(W):
            acc += _popcount(row[w] & qb[w])
        Ssum += np.int64(acc) << b
    return 2 * (2 * Ssum - U) - N * (2 * ci - P) - P * np.int64(si)


@njit(cache=True)
def _bits_field_sign(row, Qr, U, ci, N, P, si):
    """H_i, or -- as soon as its sign is certain -- a nonzero value of the same sign.

    Planes are read from the most significant down, two per pass over the row (row words
    loaded once, two independent accumulators).  After the planes b >= b0 the partial sum
    S_hi bounds S_i to [S_hi, S_hi + (2^b0 - 1) c_i] (each lower plane adds at most c_i
    counts of weight 2^b), hence H_i = 4 S_i + base lies in an interval; if the interval
    excludes 0 the decision of both tie rules (which depends only on sign(H) and H == 0) is
    known and the remaining planes are skipped.  Exact: returns H_i itself when all planes
    were needed."""
    nb, W = Qr.shape
    base = -2 * U - N * (2 * ci - P) - P * np.int64(si)
    Shi = np.int64(0)
    b = nb - 1
    while b >= 1:
        qa = Qr[b]
        qb = Qr[b - 1]
        acc_a = np.uint64(0)
        acc_b = np.uint64(0)
        for w in range(W):
            x = row[w]
            acc_a += _popcount(x & qa[w])
            acc_b += _popcount(x & qb[w])
        Shi += (np.int64(acc_a) << b) + (np.int64(acc_b) << (b - 1))
        b -= 2
        lo = 4 * Shi + base
        if b < 0:
            return lo
        if lo > 0:
            return lo
        hi = lo + 4 * ((np.int64(1) << (b + 1)) - 1) * ci
        if hi < 0:
            return hi
    # one plane left (b == 0)
    q0 = Qr[0]
    acc = np.uint64(0)
    for w in range(W):
        acc += _popcount(row[w] & q0[w])
    return 4 * (Shi + np.int64(acc)) + base


@njit(cache=True)
def _relax_bits_kernel(B, cnt, P, S, Q, U, V, state, rule, max_sweeps, switch_flips,
                       converged, sweeps, flips, zeros, switched, evaluated, prefetch, use_cache):
    N, W = B.shape
    R = S.shape[0]
    active = np.arange(R)
    n_act = R
    count = np.zeros(R, dtype=np.int64)
    sweep_flips = np.zeros(R, dtype=np.int64)
    mode = np.zeros(R, dtype=np.int64)  # 0 matrix-free, 1 incremental fields
    Hinc = np.zeros((R, N), dtype=np.int64)
    # Certified sign cache.  Hb[r, i] has the sign of H_i and |Hb| <= |H_i| at the time of its
    # evaluation (0 = no certificate).  Since H_i = x_i . m - P s_i, a flip of another site j
    # changes H_i by 2 s_j K_ij, |K_ij| <= P: after F flips, |H_i(now) - H_i(then)| <= 2PF.
    # If |Hb| > 2PF, sign(H_i) = sign(Hb) != 0 and the decision is known without computing
    # H_i.  A flip of site i itself resets its certificate.  Pays off in the closing sweeps.
    Hb = np.zeros((R, N), dtype=np.int64)
    Fs = np.zeros((R, N), dtype=np.int64)
    Fr = np.zeros(R, dtype=np.int64)
    twoP = 2 * np.int64(P)
    perm = np.arange(N)
    A = np.empty(W, dtype=np.uint64)
    Dm = np.empty(W, dtype=np.uint64)
    for sweep in range(1, max_sweeps + 1):
        shuffle(state, perm)
        for a in range(n_act):
            count[active[a]] = 0
            sweep_flips[active[a]] = 0
        for t in range(N):
            i = perm[t]
            if prefetch and t + PREFETCH_DISTANCE < N:
                prefetch_row(B, perm[t + PREFETCH_DISTANCE])
            row = B[i]
            ci = np.int64(cnt[i])
            for a in range(n_act):
                r = active[a]
                si = S[r, i]
                if mode[r] == 0:
                    hb = abs(Hb[r, i])
                    if use_cache and hb > twoP * (Fr[r] - Fs[r, i]):
                        H = Hb[r, i]  # sign certain and nonzero: same decision as the exact field
                    else:
                        H = _bits_field_sign(row, Q[r], U[r], ci, N, P, si)
                        evaluated[r] += 1
                        Hb[r, i] = H
                        Fs[r, i] = Fr[r]
                else:
                    H = Hinc[r, i]
                    evaluated[r] += 1
                flip = False
                if H == 0:
                    zeros[r] += 1
                if (H >= 0 and si > 0) or (H < 0 and si < 0):
                    count[r] += 1
                    if rule == 0 and H == 0:
                        flip = True
                else:
                    flip = True
                if flip:
                    S[r, i] = -si
                    flips[r] += 1
                    sweep_flips[r] += 1
                    Fr[r] += 1
                    Hb[r, i] = 0
                    if si < 0:  # new value +1: increment where xi_i = +1
                        for w in range(W):
                            A[w] = row[w]
                            Dm[w] = (~row[w]) & V[w]
                        U[r] += 2 * ci - P
                    else:
                        for w in range(W):
                            A[w] = (~row[w]) & V[w]
                            Dm[w] = row[w]
                        U[r] += 2 * (P - ci) - P
                    _add_set(Q[r], A)
                    _sub_set(Q[r], Dm)
                    if mode[r] == 1:
                        # H_j += 2 s_new K_ij, K_ij = P - 2 popcount(B_i ^ B_j) (j != i)
                        two_s = -2 * np.int64(si)
                        Hr = Hinc[r]
                        for j in range(N):
                            if j != i:
                                rj = B[j]
                                d = np.uint64(0)
                                for w in range(W):
                                    d += _popcount(row[w] ^ rj[w])
                                Hr[j] += two_s * (P - 2 * np.int64(d))
        n_new = 0
        for a in range(n_act):
            r = active[a]
            sweeps[r] = sweep
            if count[r] == N:
                converged[r] = True
            else:
                active[n_new] = r
                n_new += 1
                if mode[r] == 0 and sweep_flips[r] <= switch_flips:
                    # few flips left: switch to incremental fields (one full pass)
                    mode[r] = 1
                    switched[r] = sweep
                    for j in range(N):
                        Hinc[r, j] = _bits_field(B[j], Q[r], U[r], np.int64(cnt[j]), N, P, S[r, j])
        n_act = n_new
        if n_act == 0:
            break


@njit(cache=True)
def _row_counts(B):
    N, W = B.shape
    c = np.empty(N, dtype=np.int64)
    for i in range(N):
        acc = np.uint64(0)
        for w in range(W):
            acc += _popcount(B[i, w])
        c[i] = np.int64(acc)
    return c


def decode_planes(Q: np.ndarray, P: int) -> np.ndarray:
    """Counts u_mu (int64, R x P) from bit planes Q (R x nb x W): for invariant checks."""
    R, nb, W = Q.shape
    by = Q.astype("<u8").view(np.uint8).reshape(R, nb, W * 8)
    bits = np.unpackbits(by, axis=2, bitorder="little")[:, :, :P].astype(np.int64)
    return (bits * (1 << np.arange(nb))[None, :, None]).sum(axis=1)


def relax_bits(B: np.ndarray, P: int, starts: np.ndarray, seed=0, tie: str = "reference",
               max_sweeps: int = 500, switch_flips: int | None = -1, prefetch: bool = True,
               sign_cache: bool = True) -> Relaxation:
    """Bit-packed exact kernel (Sec. 3.5) on B (N x W uint64, zero padding), R start states
    batched with one shared permutation stream.  Memory N*W*8 bytes + R*n_b*W*8 for the
    planes (+ 8N per replica for the hybrid fields); per visit n_b*W AND+popcounts per active
    replica; per flip ~2*n_b*W word operations (short ripple carries).

    Hybrid (Sec. 3.4): after a sweep of a replica with at most ``switch_flips`` flips
    (default n_b = bit_length(N): a flip then costs N*W popcounts, less than the n_b*N*W of a
    matrix-free sweep) the replica's exact fields H are computed once and the following visits
    read H_i in O(1); a flip of site i adds ``2 s_new K_ij`` to every H_j with
    ``K_ij = P - 2 popcount(B_i xor B_j)``.  ``switch_flips=-1`` disables it.  The
    trajectory is unchanged (exact integers); ``out.switched`` gives the sweep after which
    each replica switched (0 = never)."""
    rule = rule_code(tie)
    max_sweeps = integer("max_sweeps", max_sweeps, minimum=1)
    N, W = B.shape
    P = integer("P", P, minimum=1)
    if W != (P + 63) // 64:
        raise ValueError(f"P: B has {W} words per row, inconsistent with P = {P}")
    check_int_limits(N, P)
    S = np.ascontiguousarray(np.atleast_2d(starts), dtype=np.int8).copy()
    R = S.shape[0]
    nb = int(N).bit_length()
    V = _valid_mask(P, W)
    Q = np.empty((R, nb, W), dtype=np.uint64)
    _init_planes(B, S, Q, V)
    U = np.array([_planes_total(Q[r]) for r in range(R)], dtype=np.int64)
    cnt = _row_counts(B)
    out = empty_result(R, N)
    switch = nb if switch_flips is None else integer("switch_flips", switch_flips, minimum=-1)
    sign_cache = bool(sign_cache)
    switched = np.zeros(R, dtype=np.int64)
    evaluated = np.zeros(R, dtype=np.int64)
    _relax_bits_kernel(B, cnt, P, S, Q, U, V, new_state(seed), rule, max_sweeps, switch, out.converged,
                       out.sweeps, out.flips, out.zero_fields, switched, evaluated, prefetch, sign_cache)
    out.switched = switched
    out.evaluated = evaluated  # visits at which a field was computed (the rest used a certificate)
    out.states = S
    out.planes = Q
    out.plane_total = U
    return out
