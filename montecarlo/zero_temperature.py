"""Zero-temperature asynchronous dynamics of a Hebbian Hopfield network, exactly
(rfhm_dynamics.md Secs. 1-4).

Semantics (Sec. 1)
------------------
Couplings ``J = X^T X / N`` with zero diagonal, X the P x N matrix of examples; exact integer
fields ``H_i = N h_i = sum_mu xi^mu_i m_mu - P s_i`` with overlaps ``m = X s``.  A *sweep*
draws a fresh uniform permutation (Fisher-Yates shuffle of the previous one with the explicit
xoshiro256** stream of :mod:`montecarlo.rng`) and visits the sites in that order, each visit
seeing every earlier flip.  Tie rules (``tie``):

* ``"reference"`` (rule R, the authors' code, default): flip iff ``h_i s_i <= 0`` (a spin at an
  exact tie always flips);
* ``"sign"`` (rule S): ``s_i <- sign(h_i)``, ``sign(0) = +1``.

Stopping (Sec. 1.4): per sweep count the visits with ``s_i == sign(h_i)`` (sign(0)=+1) taken
*before* the decision; stop after the first sweep whose count is N ("converged") or after
``max_sweeps`` (default 500).  Outputs per start state: final configuration, converged flag,
sweeps used, number of flips, number of visits with an exact zero field.

Kernels (all exact except the float32 port; same seed => same permutation stream =>
bit-identical outputs, tested)
------------------------------------------------------------------------------------------
=================  =========================================  ==================  ==========
kernel             data                                       per visit           memory
=================  =========================================  ==================  ==========
``brute``          K = X^T X (int64 numpy), python loop       K_i . s             8 N^2
``int16``          exact reference port: K int16, int32 dot   N int MACs          2 N^2
``float32``        faithful reference port: float32 J = K/N,  N float MACs        4 N^2 (+4NP)
                   fastmath float32 dot at every visit
``int8``           matrix-free: X site-major int8, overlaps   R*P int8xint16      N P + 2 R P
                   m (int16, int32 if N > 32767), batched R   MACs, P bytes       + 16 R N
``bits``           bit-packed B (N x W uint64), bit-sliced    <= R*n_b*W          N P / 8
                   overlap counts (n_b = bit_length(N) planes) popcounts, P/8 B    + 24 R N
=================  =========================================  ==================  ==========

The float32 port follows the reference rule R with float32 fields; it can differ from the exact
kernels only in instances where exact ties are possible (Sec. 2.4).  Its build is the
symmetric rank-k product computed as general float32 products on the lower block triangle
(block size 2048, mirrored; the diagonal blocks are computed in full, ~N*2048*P extra
flops), division by N *in place* (peak 4N^2 bytes for J, plus the 4NP float32 copy of X).
The initial energy product of the original is kept (one J.s pass per start); the unused
random draw at stable visits is omitted; rows of J instead of columns (J symmetric).

Batching (Sec. 3.3): the ``int8`` and ``bits`` kernels relax R start states together with one
shared permutation per sweep; a batched run equals R separate runs each given the batch's
seed (tested).  Converged replicas leave the active set.

Cost model (Sec. 4; :func:`choose_kernel`)
------------------------------------------
Per visit and active replica the int8 kernel does P int8 x int16 multiply-adds (vectorised
16-bit madd) and reads P bytes; the bit kernel does, per bit plane, W = ceil(P/64)
AND+popcount words, reading P/8 bytes.  Two exact shortcuts cut the bit kernel's work:

* planes are read from the most significant down and the visit stops as soon as the
  remaining planes cannot change sign(H_i) (interval bound; typically ~10 of 14-15 planes);
* a *certified sign cache*: |H_i| from the last evaluation minus 2P per flip since then
  bounds the current |H_i|; while positive, the decision is known without evaluation (both
  kernels).  This makes closing sweeps cheap.

Per flip: P int16 updates (int8) versus two bit-sliced ripple carries over ~log2(P) planes
(bits).  Memory: N*P bytes (int8) versus N*P/8 (bits).  Measured on the 2-core AVX-512
development machine (relaxation + build, same trajectories, alpha_D = 0.005):
int8/bits time ratio 0.5-0.8 for P <= 320, ~1.1-1.2 at P = 560-640, 2-5 for P >= 1120, for
N = 4000 ... 32000.  The per-plane loop overhead of the bit kernel dominates while W is a
few words; hence ``choose_kernel``: int8 for P <= ``INT8_MAX_P`` (= 448, W <= 7), bits
above.  The choice depends only on P, so results and CSVs are deterministic (and all exact
kernels give identical outputs anyway).  Integer limits (Sec. 4.4): int32 field
accumulators need N*P < 2^31 (checked), overlaps are int16 up to N = 32767 (int32 above),
bounded random integers need N < 2^32.

Optional, off by default: the hybrid matrix-free / incremental mode of Sec. 3.4 in the bit
kernel (``switch_flips``); it rarely paid off here because slow relaxations keep flipping
hundreds of spins per sweep until their last sweeps.  Software prefetch of the row visited
two steps ahead (:mod:`montecarlo.prefetch`) is on in both fast kernels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from .prefetch import PREFETCH_DISTANCE, prefetch_row
from .patterns import transpose64
from .rng import new_state, shuffle
from hopfield_phases._core.validation import check_memory, choice, integer

__all__ = ["TIE_RULES", "KERNELS", "Relaxation", "relax", "relax_brute", "relax_int16", "relax_float32",
           "relax_int8", "relax_bits", "build_K_int16", "build_J_float32", "choose_kernel",
           "overlaps", "fields", "kernel_memory", "INT8_MAX_P", "decode_planes"]

TIE_RULES = ("reference", "sign")
KERNELS = ("brute", "int16", "float32", "int8", "bits")
#: largest P for which the int8 kernel is chosen (measured crossover, see choose_kernel).
INT8_MAX_P = 448

_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
_C1 = np.uint64(0x5555555555555555)
_C2 = np.uint64(0x3333333333333333)
_C4 = np.uint64(0x0F0F0F0F0F0F0F0F)
_H01 = np.uint64(0x0101010101010101)


@dataclass
class Relaxation:
    """Outcome of relaxing R start states (arrays of length R; ``states`` is R x N int8)."""

    states: np.ndarray
    converged: np.ndarray
    sweeps: np.ndarray
    flips: np.ndarray
    zero_fields: np.ndarray
    #: diagnostics set by some kernels: maintained overlaps (int8), bit planes and their
    #: total (bits), sweep of the hybrid switch (bits), visits with an evaluated field
    overlaps_final: np.ndarray | None = None
    planes: np.ndarray | None = None
    plane_total: np.ndarray | None = None
    switched: np.ndarray | None = None
    evaluated: np.ndarray | None = None

    def overlaps_with(self, starts: np.ndarray) -> np.ndarray:
        """``s_final . s0 / N`` per start state."""
        s0 = np.atleast_2d(starts).astype(np.int64)
        return (self.states.astype(np.int64) * s0).sum(axis=1) / s0.shape[1]


def _rule_code(tie: str) -> int:
    choice("tie", tie, TIE_RULES)
    return 0 if tie == "reference" else 1


def _check_common(X_rows: int, N: int, max_sweeps) -> int:
    return integer("max_sweeps", max_sweeps, minimum=1)


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------
def overlaps(X: np.ndarray, s: np.ndarray) -> np.ndarray:
    """``m = X s`` for site-major X (N x P) and one or more states (R x N): int64 (R x P)."""
    return np.atleast_2d(s).astype(np.int64) @ X.astype(np.int64)


def fields(X: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Exact integer fields ``H = X m - P s`` (int64, R x N) from scratch."""
    s2 = np.atleast_2d(s).astype(np.int64)
    m = overlaps(X, s2)
    return m @ X.astype(np.int64).T - X.shape[1] * s2


def kernel_memory(kernel: str, N: int, P: int, R: int = 1) -> int:
    """Bytes the kernel's data structures need (Sec. 4.1 table)."""
    W = (P + 63) // 64
    if kernel == "brute":
        return 8 * N * N + N * P
    if kernel == "int16":
        return 2 * N * N + 4 * N * P + N * P
    if kernel == "float32":
        return 4 * N * N + 4 * N * P + N * P
    if kernel == "int8":
        return N * P + 4 * R * P + 17 * R * N
    if kernel == "bits":
        return 8 * N * W + 8 * R * W * max(1, int(N).bit_length()) + 25 * R * N + 8 * R * 64 * W
    raise ValueError(f"kernel must be one of {KERNELS}, got {kernel!r}")


def choose_kernel(N: int, P: int, R: int = 1) -> str:
    """The fast exact kernel for an instance, by the cost model of the module docstring."""
    return "int8" if P <= INT8_MAX_P else "bits"


# ---------------------------------------------------------------------------------------
# brute force (python; obvious)
# ---------------------------------------------------------------------------------------
def relax_brute(X: np.ndarray, starts: np.ndarray, seed=0, tie: str = "reference",
                max_sweeps: int = 500) -> Relaxation:
    """Obvious implementation: K = X X^T in int64, ``H_i = K_i . s`` at every visit, python
    loop.  For tests only (O(N^2) memory, slow).  Each start state is relaxed separately with
    the generator ``new_state(seed)``."""
    rule = _rule_code(tie)
    max_sweeps = integer("max_sweeps", max_sweeps, minimum=1)
    Xi = X.astype(np.int64)
    K = Xi @ Xi.T
    np.fill_diagonal(K, 0)
    starts = np.atleast_2d(starts)
    R, N = starts.shape
    out = _empty_result(R, N)
    for r in range(R):
        s = starts[r].astype(np.int64).copy()
        state = new_state(seed)
        perm = np.arange(N)
        flips = zeros = 0
        converged = False
        sweep = 0
        for sweep in range(1, max_sweeps + 1):
            shuffle(state, perm)
            count = 0
            for i in perm:
                H = int(K[i] @ s)
                sgn = 1 if H >= 0 else -1
                if H == 0:
                    zeros += 1
                if s[i] == sgn:
                    count += 1
                flip = (H * s[i] <= 0) if rule == 0 else (sgn != s[i])
                if flip:
                    s[i] = -s[i]
                    flips += 1
            if count == N:
                converged = True
                break
        out.states[r] = s
        out.converged[r] = converged
        out.sweeps[r] = sweep
        out.flips[r] = flips
        out.zero_fields[r] = zeros
    return out


def _empty_result(R: int, N: int) -> Relaxation:
    return Relaxation(states=np.empty((R, N), np.int8), converged=np.zeros(R, bool),
                      sweeps=np.zeros(R, np.int64), flips=np.zeros(R, np.int64),
                      zero_fields=np.zeros(R, np.int64))


# ---------------------------------------------------------------------------------------
# dense builds (reference ports)
# ---------------------------------------------------------------------------------------
def _block_triangle(A: np.ndarray, out: np.ndarray, block: int = 2048, scale=None) -> None:
    """out = A A^T via float32 general products on the lower block triangle, mirrored."""
    N = A.shape[0]
    for a in range(0, N, block):
        Aa = A[a:a + block]
        for b in range(0, a + 1, block):
            prod = Aa @ A[b:b + block].T
            out[a:a + block, b:b + block] = prod
            if b != a:
                out[b:b + block, a:a + block] = prod.T


def build_J_float32(X: np.ndarray, block: int = 2048) -> np.ndarray:
    """Faithful reference build: float32 ``J = X X^T / N`` (site-major X, N x P), zero
    diagonal, division in place.  Exact before division while P < 2^24."""
    N, P = X.shape
    if P >= 1 << 24:
        raise ValueError(f"P must be < 2^24 for an exact float32 product, got {P}")
    check_memory("N", kernel_memory("float32", N, P), "the dense float32 coupling matrix")
    A = X.astype(np.float32)
    J = np.empty((N, N), dtype=np.float32)
    _block_triangle(A, J, block)
    del A
    J /= np.float32(N)
    np.fill_diagonal(J, 0.0)
    return J


def build_K_int16(X: np.ndarray, block: int = 2048) -> np.ndarray:
    """Exact integer couplings ``K = X X^T`` (int16, zero diagonal) via float32 block products
    cast to int16.  Needs P <= 32767."""
    N, P = X.shape
    if P > 32767:
        raise ValueError(f"P must be <= 32767 for int16 couplings, got {P}")
    check_memory("N", kernel_memory("int16", N, P), "the dense int16 coupling matrix")
    A = X.astype(np.float32)
    K = np.empty((N, N), dtype=np.int16)
    for a in range(0, N, block):
        Aa = A[a:a + block]
        for b in range(0, a + 1, block):
            prod = (Aa @ A[b:b + block].T).astype(np.int16)
            K[a:a + block, b:b + block] = prod
            if b != a:
                K[b:b + block, a:a + block] = prod.T
    np.fill_diagonal(K, 0)
    return K


# ---------------------------------------------------------------------------------------
# exact integer reference port (int16 K, dot product at every visit)
# ---------------------------------------------------------------------------------------
@njit(cache=True)
def _dot_i16_i8(k, s):
    acc = np.int32(0)
    for j in range(k.shape[0]):
        acc = np.int32(acc + np.int32(k[j]) * np.int32(s[j]))
    return acc


@njit(cache=True)
def _relax_int16_kernel(K, s, state, rule, max_sweeps):
    N = s.shape[0]
    perm = np.arange(N)
    flips = 0
    zeros = 0
    converged = False
    sweep = 0
    for sweep in range(1, max_sweeps + 1):
        shuffle(state, perm)
        count = 0
        for t in range(N):
            i = perm[t]
            H = _dot_i16_i8(K[i], s)
            si = s[i]
            if H == 0:
                zeros += 1
            if (H >= 0 and si > 0) or (H < 0 and si < 0):
                count += 1
                if rule == 0 and H == 0:
                    s[i] = -si
                    flips += 1
            elif True:
                s[i] = -si
                flips += 1
        if count == N:
            converged = True
            break
    return converged, sweep, flips, zeros


def relax_int16(X_or_K: np.ndarray, starts: np.ndarray, seed=0, tie: str = "reference",
                max_sweeps: int = 500, K: np.ndarray | None = None) -> Relaxation:
    """Exact integer reference port (Sec. 3.1): dense int16 K, int32 dot product of row i with
    s at every visit.  Ground truth of the exactness tests.  Pass site-major X (K is built) or
    ``K=`` directly."""
    rule = _rule_code(tie)
    max_sweeps = integer("max_sweeps", max_sweeps, minimum=1)
    if K is None:
        K = build_K_int16(X_or_K)
    starts = np.atleast_2d(starts)
    R, N = starts.shape
    out = _empty_result(R, N)
    for r in range(R):
        s = starts[r].astype(np.int8).copy()
        c, sw, fl, z = _relax_int16_kernel(K, s, new_state(seed), rule, max_sweeps)
        out.states[r] = s
        out.converged[r], out.sweeps[r], out.flips[r], out.zero_fields[r] = c, sw, fl, z
    return out


# ---------------------------------------------------------------------------------------
# faithful float32 reference port
# ---------------------------------------------------------------------------------------
@njit(fastmath=True, cache=True)
def _sdot(a, b):
    acc = np.float32(0.0)
    for j in range(a.shape[0]):
        acc += a[j] * b[j]
    return acc


@njit(cache=True)
def _relax_float32_kernel(J, s, state, max_sweeps):
    """The authors' loop: float32 field by a full dot product at every visit, rule R."""
    N = s.shape[0]
    # initial energy: one J.s product (kept for faithfulness)
    E = 0.0
    for i in range(N):
        E -= _sdot(J[i], s) * s[i]
    E = E / (2.0 * N)
    perm = np.arange(N)
    flips = 0
    zeros = 0
    converged = False
    sweep = 0
    for sweep in range(1, max_sweeps + 1):
        shuffle(state, perm)
        count = 0
        for t in range(N):
            i = perm[t]
            h = _sdot(J[i], s)
            si = s[i]
            if h == 0.0:
                zeros += 1
            sg = np.float32(1.0) if h >= 0.0 else np.float32(-1.0)
            if si == sg:
                count += 1
            if np.float32(2.0) * h * si <= 0.0:
                s[i] = -si
                E += 2.0 * h * si / N
                flips += 1
        if count == N:
            converged = True
            break
    return converged, sweep, flips, zeros, E


def relax_float32(X: np.ndarray | None, starts: np.ndarray, seed=0, max_sweeps: int = 500,
                  J: np.ndarray | None = None) -> Relaxation:
    """Faithful float32 reference port (Sec. 2): rule R only.  Pass site-major X (J is built
    by :func:`build_J_float32`) or ``J=`` directly."""
    max_sweeps = integer("max_sweeps", max_sweeps, minimum=1)
    if J is None:
        J = build_J_float32(X)
    starts = np.atleast_2d(starts)
    R, N = starts.shape
    out = _empty_result(R, N)
    for r in range(R):
        s = starts[r].astype(np.float32).copy()
        c, sw, fl, z, _E = _relax_float32_kernel(J, s, new_state(seed), max_sweeps)
        out.states[r] = s.astype(np.int8)
        out.converged[r], out.sweeps[r], out.flips[r], out.zero_fields[r] = c, sw, fl, z
    return out


# ---------------------------------------------------------------------------------------
# matrix-free int8 kernel, batched (Secs. 3.2, 3.3)
# ---------------------------------------------------------------------------------------
@njit(cache=True)
def _dot_i8_m(x, m):
    acc = np.int32(0)
    for k in range(x.shape[0]):
        acc = np.int32(acc + np.int32(x[k]) * np.int32(m[k]))
    return acc


@njit(cache=True)
def _init_overlaps_int8(X, S, M):
    R = S.shape[0]
    N, P = X.shape
    for r in range(R):
        for k in range(P):
            M[r, k] = 0
    for i in range(N):
        x = X[i]
        for r in range(R):
            if S[r, i] > 0:
                for k in range(P):
                    M[r, k] += x[k]
            else:
                for k in range(P):
                    M[r, k] -= x[k]


@njit(cache=True)
def _relax_int8_kernel(X, S, M, state, rule, max_sweeps, converged, sweeps, flips, zeros, prefetch,
                       use_cache):
    N, P = X.shape
    R = S.shape[0]
    Hb = np.zeros((R, N), dtype=np.int64)  # certified sign cache (see the bits kernel)
    Fs = np.zeros((R, N), dtype=np.int64)
    Fr = np.zeros(R, dtype=np.int64)
    twoP = 2 * np.int64(P)
    active = np.arange(R)
    n_act = R
    count = np.zeros(R, dtype=np.int64)
    perm = np.arange(N)
    for sweep in range(1, max_sweeps + 1):
        shuffle(state, perm)
        for a in range(n_act):
            count[active[a]] = 0
        for t in range(N):
            i = perm[t]
            if prefetch and t + PREFETCH_DISTANCE < N:
                prefetch_row(X, perm[t + PREFETCH_DISTANCE])
            x = X[i]
            for a in range(n_act):
                r = active[a]
                si = S[r, i]
                hb = Hb[r, i]
                if use_cache and abs(hb) > twoP * (Fr[r] - Fs[r, i]):
                    H = hb
                else:
                    H = np.int64(_dot_i8_m(x, M[r]) - np.int32(P) * np.int32(si))
                    Hb[r, i] = H
                    Fs[r, i] = Fr[r]
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
                    Fr[r] += 1
                    m = M[r]
                    if si < 0:  # new value +1: m += 2 x
                        for k in range(P):
                            m[k] += 2 * x[k]
                    else:
                        for k in range(P):
                            m[k] -= 2 * x[k]
        n_new = 0
        for a in range(n_act):
            r = active[a]
            sweeps[r] = sweep
            if count[r] == N:
                converged[r] = True
            else:
                active[n_new] = r
                n_new += 1
        n_act = n_new
        if n_act == 0:
            break


def _check_int_limits(N: int, P: int) -> None:
    if N * P >= 2**31:
        raise ValueError(f"N: N*P = {N * P} exceeds the int32 field limit 2^31")


def relax_int8(X: np.ndarray, starts: np.ndarray, seed=0, tie: str = "reference",
               max_sweeps: int = 500, prefetch: bool = True, sign_cache: bool = True) -> Relaxation:
    """Matrix-free exact kernel on site-major int8 X (N x P), all start states batched with
    one shared permutation stream from ``new_state(seed)``.  Memory N*P + 2*R*P bytes;
    per sweep N visits of R*P int8 x int16 multiply-adds; per flip P updates."""
    rule = _rule_code(tie)
    max_sweeps = integer("max_sweeps", max_sweeps, minimum=1)
    N, P = X.shape
    _check_int_limits(N, P)
    S = np.ascontiguousarray(np.atleast_2d(starts), dtype=np.int8).copy()
    R = S.shape[0]
    M = np.empty((R, P), dtype=np.int16 if N <= 32767 else np.int32)
    _init_overlaps_int8(X, S, M)
    out = _empty_result(R, N)
    _relax_int8_kernel(X, S, M, new_state(seed), rule, max_sweeps, out.converged, out.sweeps,
                       out.flips, out.zero_fields, prefetch, bool(sign_cache))
    out.states = S
    out.overlaps_final = M  # maintained m = X s (for invariant checks)
    return out


# ---------------------------------------------------------------------------------------
# bit-packed kernel with bit-sliced overlap counts (Sec. 3.5)
# ---------------------------------------------------------------------------------------
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
    c = np.empty(N, dtype=np.int32)
    for i in range(N):
        acc = np.uint64(0)
        for w in range(W):
            acc += _popcount(B[i, w])
        c[i] = np.int32(acc)
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
    rule = _rule_code(tie)
    max_sweeps = integer("max_sweeps", max_sweeps, minimum=1)
    N, W = B.shape
    P = integer("P", P, minimum=1)
    if W != (P + 63) // 64:
        raise ValueError(f"P: B has {W} words per row, inconsistent with P = {P}")
    _check_int_limits(N, P)
    S = np.ascontiguousarray(np.atleast_2d(starts), dtype=np.int8).copy()
    R = S.shape[0]
    nb = int(N).bit_length()
    V = _valid_mask(P, W)
    Q = np.empty((R, nb, W), dtype=np.uint64)
    _init_planes(B, S, Q, V)
    U = np.array([_planes_total(Q[r]) for r in range(R)], dtype=np.int64)
    cnt = _row_counts(B)
    out = _empty_result(R, N)
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


def relax(kernel: str, data, starts: np.ndarray, seed=0, tie: str = "reference", max_sweeps: int = 500,
          P: int | None = None) -> Relaxation:
    """Dispatch: ``data`` is site-major int8 X for brute/int16/float32/int8, B for bits."""
    choice("kernel", kernel, KERNELS)
    if kernel == "brute":
        return relax_brute(data, starts, seed, tie, max_sweeps)
    if kernel == "int16":
        return relax_int16(data, starts, seed, tie, max_sweeps)
    if kernel == "float32":
        if tie != "reference":
            raise ValueError("tie: the float32 reference port implements only the 'reference' rule")
        return relax_float32(data, starts, seed, max_sweeps)
    if kernel == "int8":
        return relax_int8(data, starts, seed, tie, max_sweeps)
    return relax_bits(data, P, starts, seed, tie, max_sweeps)
