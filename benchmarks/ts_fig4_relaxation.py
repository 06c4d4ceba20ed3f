"""Measurement: how the planted chains of a ``ts-fig4`` cell relax (not a timing benchmark).

Issue 11.  At the paper's size (N = 512) a few planted cells of Fig. 4 lie beyond the end of the
RS retrieval branch (no local solution at r_N nor at r_sample; the global state is the
paramagnet).  There the planted chains do not reach a stationary q* within the figure's sweep
budget, and adding chains cannot fix that.  This script shows why, on the very data set of the
figure's cell (same seed as ``hopfield-phases reproduce --size paper --only ts-fig4``):

1. ``--chains`` planted chains run ``--sweeps`` sweeps with no stopping rule; the block means
   of q* per chain are printed (block = ``--block`` sweeps), with how many chains sit in each
   q* band at the end.
2. Optionally (``--pt-replicas`` > 1) replica exchange on the same data: ``--pt-ladders``
   ladders of ``--pt-replicas`` student temperatures from T to T * ``--pt-ratio`` (geometric),
   planted starts, ``--pt-sweeps`` sweeps; prints the exchange rates, the block means of q* at
   the target temperature and q* per temperature over the last two thirds.

Cost: chains x sweeps x (N M / 8 bytes read per sweep); at N = 512, alpha = 9 about 18.5 ms
per chain-sweep on one core of the 2-core reference machine (16 x 900: ~4.5 min on one core;
the PT check 8 x 8 x 300: ~6 min).  Memory: the data set of the cell's largest load
(N M(20) / 8 = 56 MB) plus 2 M bytes per chain.

Run:  python benchmarks/ts_fig4_relaxation.py --alpha 9 --T 2.894737 [--sweeps 900]
      [--pt-replicas 8 --pt-ratio 1.25 --pt-ladders 8 --pt-sweeps 300]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from hopfield_phases.compare.figures import ts_fig4
from hopfield_phases.montecarlo import ts_tempering as tt
from hopfield_phases.montecarlo.sweep import expand_grid, seed_for


def _cell(size: str, T: float, seed: int):
    """The ts-fig4 grid point nearest T and its SeedSequence (as ``run_sweep`` derives it)."""
    point = min(expand_grid(ts_fig4.grid(size)), key=lambda g: abs(g["T"] - T))
    return point, seed_for(point, 0, seed)


def _blocks(q: np.ndarray, block: int) -> str:
    return " ".join(f"{q[i:i + block].mean():5.2f}" for i in range(0, q.size, block))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--alpha", type=float, default=9.0)
    ap.add_argument("--T", type=float, default=2.894737, help="T = T* (nearest grid temperature)")
    ap.add_argument("--size", default="paper")
    ap.add_argument("--seed", type=int, default=0, help="master seed of the figure run")
    ap.add_argument("--chains", type=int, default=16)
    ap.add_argument("--sweeps", type=int, default=900)
    ap.add_argument("--block", type=int, default=75)
    ap.add_argument("--pt-replicas", type=int, default=0)
    ap.add_argument("--pt-ratio", type=float, default=1.25)
    ap.add_argument("--pt-ladders", type=int, default=8)
    ap.add_argument("--pt-sweeps", type=int, default=300)
    a = ap.parse_args(argv)
    if a.alpha not in [float(x) for x in ts_fig4.SIZES[a.size]["alphas"]]:
        raise SystemExit(f"--alpha must be one of {ts_fig4.SIZES[a.size]['alphas']} at size {a.size}")
    point, seed = _cell(a.size, a.T, a.seed)
    T = float(point["T"])
    t0 = time.perf_counter()
    data, _ = tt.fig4_dataset(point, seed)
    d = data.prefix(tt.n_examples(a.alpha, point["N"], point["p"]))
    print(f"cell alpha = {a.alpha:g}, T = T* = {T:.6g}, N = {point['N']}, M = {d.M}, "
          f"r_N = {d.r_N():.4f}, r_sample = {d.r_sample():.4f} (data {time.perf_counter() - t0:.1f} s)")

    # 1. planted chains, no stopping rule (seeds: a fixed child of the cell's seed)
    rng_start, rng_dyn = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key + (99,)).spawn(2)
    xi0 = tt.initial_states("planted", d.xi_star, a.chains, np.random.default_rng(rng_start))
    t0 = time.perf_counter()
    res = tt.run_until(tt.ChainSet(d, xi0, d.p, "distinct", seed=rng_dyn), T, target_se=1e-12,
                       max_sweeps=a.sweeps, min_sweeps=a.sweeps, batch=a.sweeps)
    q = res.series["q_star"]
    print(f"\n{a.chains} planted chains x {a.sweeps} sweeps ({time.perf_counter() - t0:.1f} s): "
          f"block means of q* (blocks of {a.block} sweeps)")
    for c in range(q.shape[0]):
        print(f"  chain {c:2d}: {_blocks(q[c], a.block)}")
    last = q[:, -a.block:].mean(axis=1)
    bands = [(-1, 0.15), (0.15, 0.35), (0.35, 0.6), (0.6, 1.01)]
    print("  chains by q* of the last block: " + ", ".join(
        f"[{lo:g}, {hi:g}): {int(np.sum((last >= lo) & (last < hi)))}" for lo, hi in bands))
    h = q.shape[1] // 2
    print(f"  mean q*: first half {q[:, :h].mean():.4f}, second half {q[:, h:].mean():.4f}; "
          f"{tt.chain_statistics(q)['half_z']:.2f} = halves z over the last two thirds")

    # 2. replica exchange on the same data
    if a.pt_replicas > 1:
        Ts = T * a.pt_ratio ** (np.arange(a.pt_replicas) / (a.pt_replicas - 1))
        t0 = time.perf_counter()
        pt = tt.parallel_tempering(d, Ts, a.pt_sweeps, ladders=a.pt_ladders, start="planted",
                                   seed=np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key + (98,)))
        qs = pt.q_star
        w = qs[:, 0, a.pt_sweeps // 3:].mean(axis=1)
        print(f"\nreplica exchange: {a.pt_ladders} ladders x {a.pt_replicas} temperatures "
              f"[{Ts[0]:.4g}, {Ts[-1]:.4g}] x {a.pt_sweeps} sweeps ({time.perf_counter() - t0:.1f} s)")
        print("  exchange rates: " + " ".join(f"{r:.3f}" for r in pt.exchange_rate))
        for l in range(a.pt_ladders):
            print(f"  ladder {l}, q* at T: {_blocks(qs[l, 0], 50)}")
        print(f"  q* at T over the last two thirds: {w.mean():.4f} +- {w.std(ddof=1) / np.sqrt(len(w)):.4f}")
        print("  q* per temperature: " + ", ".join(
            f"T={t:.3f}: {qs[:, r, a.pt_sweeps // 3:].mean():.3f}" for r, t in enumerate(Ts)))


if __name__ == "__main__":
    main()
