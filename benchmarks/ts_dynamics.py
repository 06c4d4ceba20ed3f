"""Benchmark: dense teacher-student Metropolis, fast incremental kernel vs naive recompute.

Issue 6, Speed section.  p = 3, N = 400, alpha = 5 (M = round(alpha N^2/3!) = 133,333),
distinct-index student, literal teacher at T* = 2, student at T = 2, planted start.

Reports, in one run (single thread, process CPU time):
* sweeps per second of the fast kernel (:class:`montecarlo.teacher_student.StudentChain`,
  one length-M dot product per trial flip, doc Sec. 12);
* sweeps per second of the naive kernel (every trial flip recomputes the energy from scratch,
  O(N M) per trial; timed on a few trial flips and scaled to a sweep);
* the effective bandwidth of the fast kernel: M bytes per visited spin (one byte per example
  entry) times visited spins per second;
* the single-thread streaming-read bandwidth of this machine, measured here by summing a
  large float64 array (256 MiB, several repetitions, best taken) in a numba loop;
* last line: ``bandwidth_ratio <effective/measured>`` (target >= 0.25).

Timings use time.process_time (CPU time of this process), since the machine may be shared.
Run:  python benchmarks/ts_dynamics.py [--sweeps 20] [--N 400] [--alpha 5]
"""

from __future__ import annotations

import argparse
import time

import numba as nb
import numpy as np

from hopfield_phases.montecarlo import teacher_student as tsm


@nb.njit(cache=True, fastmath=True)
def _stream_sum(a):
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    n = a.shape[0] - a.shape[0] % 4
    for i in range(0, n, 4):
        s0 += a[i]
        s1 += a[i + 1]
        s2 += a[i + 2]
        s3 += a[i + 3]
    return s0 + s1 + s2 + s3


def streaming_read_bandwidth(nbytes: int = 256 * 2**20, reps: int = 5) -> float:
    """Bytes/s for a single-thread sequential read of a float64 array (best of ``reps``)."""
    a = np.ones(nbytes // 8)
    _stream_sum(a[:1024])
    best = 0.0
    for _ in range(reps):
        t0 = time.process_time()
        _stream_sum(a)
        dt = time.process_time() - t0
        if dt > 0:
            best = max(best, a.nbytes / dt)
    return best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--N", type=int, default=400)
    ap.add_argument("--alpha", type=float, default=5.0)
    ap.add_argument("--T", type=float, default=2.0)
    ap.add_argument("--sweeps", type=int, default=40)
    ap.add_argument("--naive-trials", type=int, default=4)
    ap.add_argument("--fig4-sweeps", type=int, default=4,
                    help="sweeps per chain timed for fig4_cell_speedup (issue 11)")
    ap.add_argument("--fig4-chains", type=int, default=16,
                    help="chains of the new path for fig4_cell_speedup (issue 11)")
    args = ap.parse_args(argv)
    p, N = 3, args.N
    M = tsm.n_examples(args.alpha, N, p)
    print(f"p={p} N={N} alpha={args.alpha} M={M} T={args.T} T_teacher=2 (distinct student, literal teacher)")
    xi_star, ex = tsm.sample_teacher(N, p, 2.0, M, seed=1)
    rng = np.random.default_rng(2)
    chain = tsm.StudentChain(ex, xi_star, xi_star, p, "distinct", seed=3)
    chain.advance(1, args.T)  # compile + warm up
    t0 = time.process_time()
    out = chain.advance(args.sweeps, args.T)
    dt = time.process_time() - t0
    fast = args.sweeps / dt
    acc = out["accepted"].sum() / (args.sweeps * N)
    print(f"fast kernel: {fast:.3f} sweeps/s ({args.sweeps} sweeps in {dt:.2f} s CPU, acceptance {acc:.4f})")

    # naive: time a few trial flips, each O(N M) from scratch, and scale to N trials per sweep
    xi = chain.xi.copy()
    order = np.arange(1, dtype=np.int64).reshape(1, 1)
    u = np.zeros((1, 1))
    tsm.naive_sweeps(chain.cols[:, :8], xi.copy(), chain.cS, chain.scale, 1 / args.T, order, u)
    n_tr = args.naive_trials
    order = rng.permutation(N)[:n_tr].reshape(1, n_tr).astype(np.int64)
    u = rng.random((1, n_tr))
    t0 = time.process_time()
    tsm.naive_sweeps(chain.cols, xi, chain.cS, chain.scale, 1 / args.T, order, u)
    dtn = time.process_time() - t0
    # naive_sweeps also computes the initial energy once: n_tr + 1 energy evaluations
    per_trial = dtn / (n_tr + 1)
    naive = 1.0 / (per_trial * N)
    print(f"naive kernel: {naive:.6f} sweeps/s ({per_trial:.3f} s CPU per trial flip, from {n_tr} trials)")
    print(f"speedup fast/naive: {fast / naive:.1f}")

    visits = fast * N
    eff = M * visits  # bytes/s, one byte per example entry
    bw = streaming_read_bandwidth()
    print(f"effective bandwidth (M bytes x {visits:.0f} visits/s): {eff / 1e9:.3f} GB/s")
    print(f"measured single-thread streaming-read bandwidth: {bw / 1e9:.3f} GB/s")
    print("timings are CPU time on a shared machine (other jobs may be running)")
    print(f"bandwidth_ratio {eff / bw:.4f}")
    bitpacked_section(args, bw)  # issue 11 (separate section below)
    return 0


# --------------------------------------------------------------------------- issue 11
def bitpacked_section(args, bw: float) -> None:
    """Issue 11: the bit-packed multi-chain kernel (:mod:`montecarlo.ts_fast`).

    * ``bandwidth_ratio_bitpacked``: same definition as ``bandwidth_ratio`` (one byte per
      example entry per visit, M bytes x visited spins/s, against the single-thread streaming
      read ``bw``), one chain on ONE thread, CPU time, at the same (N, alpha, T) as above.
    * ``fig4_cell_speedup_per_core``: the same cell, one chain on one thread, CPU time, over
      the reference (CPU time): what each core contributes whatever the load.
    * ``fig4_cell_speedup``: chain-sweeps/s of the new path (``--fig4-chains`` chains on
      every numba thread, wall time) over the reference kernel (one chain, wall time), both
      at p = 3, N = 512, alpha = 9 (M = 393216), T = T* = 2, planted start, same data.
    """
    import numba

    from hopfield_phases.montecarlo import ts_fast

    p, N, T = 3, args.N, args.T
    M = tsm.n_examples(args.alpha, N, p)
    data = ts_fast.sample_teacher_packed(N, p, 2.0, M, seed=1)
    n0 = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        cs = ts_fast.ChainSet(data, data.xi_star[None, :], p, "distinct", seed=3)
        cs.advance(1, T)
        t0 = time.process_time()
        cs.advance(args.sweeps, T)
        dt = time.process_time() - t0
    finally:
        numba.set_num_threads(n0)
    fast1 = args.sweeps / dt
    eff = M * fast1 * N
    print(f"bit-packed kernel, 1 chain, 1 thread: {fast1:.3f} sweeps/s ({args.sweeps} sweeps in {dt:.2f} s CPU)")
    print(f"effective bandwidth (bit-packed, M bytes x {fast1 * N:.0f} visits/s): {eff / 1e9:.3f} GB/s")
    print(f"bandwidth_ratio_bitpacked {eff / bw:.4f}")

    # fig4 cell: p = 3, N = 512, alpha = 9, T = 2
    N4 = 512
    M4 = tsm.n_examples(9.0, N4, p)
    d4 = ts_fast.sample_teacher_packed(N4, p, 2.0, M4, seed=11)
    ex = ts_fast.unpack_examples(d4.bits, M4)
    ref = tsm.StudentChain(np.asfortranarray(ex), d4.xi_star, d4.xi_star, p, "distinct", seed=3)
    del ex
    ref.advance(1, 2.0)
    n_ref = max(2, args.fig4_sweeps)
    t0, c0 = time.perf_counter(), time.process_time()
    ref.advance(n_ref, 2.0)
    ref_rate = n_ref / (time.perf_counter() - t0)
    ref_cpu = n_ref / (time.process_time() - c0)
    del ref
    numba.set_num_threads(1)
    try:
        one = ts_fast.ChainSet(d4, d4.xi_star[None, :], p, "distinct", seed=5)
        one.advance(1, 2.0)
        c0 = time.process_time()
        one.advance(n_ref, 2.0)
        new_cpu = n_ref / (time.process_time() - c0)
    finally:
        numba.set_num_threads(n0)
    print(f"fig4 cell, CPU time, one core each: reference {ref_cpu:.3f} sweeps/s, new {new_cpu:.3f} sweeps/s")
    print(f"fig4_cell_speedup_per_core {new_cpu / ref_cpu:.3f}")
    C = args.fig4_chains
    cs = ts_fast.ChainSet(d4, np.tile(d4.xi_star, (C, 1)), p, "distinct", seed=4)
    cs.advance(1, 2.0)
    t0 = time.perf_counter()
    cs.advance(args.fig4_sweeps, 2.0)
    new_rate = C * args.fig4_sweeps / (time.perf_counter() - t0)
    print(f"fig4 cell p=3 N={N4} alpha=9 M={M4} T=2: reference {ref_rate:.3f} sweeps/s (1 chain), "
          f"new {new_rate:.3f} chain-sweeps/s ({C} chains, {numba.get_num_threads()} threads), wall time")
    print(f"fig4_cell_speedup {new_rate / ref_rate:.3f}")


if __name__ == "__main__":
    raise SystemExit(main())
