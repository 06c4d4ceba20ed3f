"""Per-point sweep survey of an RFHM figure's grid at a reduced N, for the cost model.

    python benchmarks/rfhm_point_survey.py --figure rfhm-fig3a --size paper --N 16000

Runs every point of the figure's grid at ``size`` with N replaced by ``--N`` (``--samples``
samples each, default 1; ``montecarlo.sweep.run_sweep``, so an interrupted survey resumes from
``benchmarks/point_survey_FIGURE_SIZE_N.csv``), then stores, per point, the mean number of
sweeps per start state under ``point_sweeps[FIGURE]`` of ``montecarlo/cost_calibration.py``
(every other key of that module is kept).  ``montecarlo.cost.rfhm_sample_cost`` uses it for
the points it covers, scaled from the survey's N to the task's (``sweeps_per_start``).

Why per point: the sweep count per start state varies from 1 to several hundred across one
figure's grid (slow relaxations near the mixture lines at large alpha).  The aggregate survey of
the quick grid misses the paper grid's large-alpha points: for rfhm-fig3a it gave 5.7 h where
this survey gives about 12 h.  Cost of the survey: one sample per point at N/2 is about
1/200 of the paper-size run (7.5 min for rfhm-fig3a on one core).
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import pprint
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def survey(figure: str, size: str, N: int, samples: int, workers: int, out: Path) -> dict:
    from hopfield_phases.montecarlo import rfhm as mc
    from hopfield_phases.montecarlo.cost import point_key
    from hopfield_phases.montecarlo.sweep import read_sweep, run_sweep

    mod = importlib.import_module("hopfield_phases.compare.figures." + figure.replace("-", "_"))
    points = [dict(p, N=int(N)) for p in mod.grid(size)]
    t0 = time.perf_counter()
    run_sweep(mc.sample_task, points, samples, out, workers=workers, description=f"survey {figure}")
    per: dict[str, list[float]] = {}
    for r in read_sweep(out):
        s = [v for k, v in r.items() if k.startswith("sweeps_") and v not in (None, "")]
        per.setdefault(point_key(r), []).append(float(np.mean(s)))
    wanted = {point_key(p) for p in points}
    sweeps = {k: round(float(np.mean(v)), 3) for k, v in per.items() if k in wanted}
    return dict(size=size, N=int(N), samples=samples, points=len(sweeps),
                date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                command=" ".join(["python", "benchmarks/rfhm_point_survey.py", *sys.argv[1:]]),
                seconds=round(time.perf_counter() - t0, 1), sweeps=sweeps)


def write_model(path: Path, figure: str, entry: dict) -> None:
    """Add ``point_sweeps[figure] = entry`` to the calibration module, keeping the rest."""
    ns: dict = {}
    text = path.read_text()
    exec(compile(text, str(path), "exec"), ns)  # our own generated module
    cal = ns["CALIBRATION"]
    cal.setdefault("point_sweeps", {})[figure] = entry
    doc = text.split("CALIBRATION =", 1)[0]
    path.write_text(doc + "CALIBRATION = " + pprint.pformat(cal, sort_dicts=False, width=96) + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--figure", default="rfhm-fig3a")
    ap.add_argument("--size", default="paper")
    ap.add_argument("--N", type=int, default=16000, help="survey N (default 16000)")
    ap.add_argument("--samples", type=int, default=1)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--model", default=str(ROOT / "montecarlo" / "cost_calibration.py"))
    ap.add_argument("--no-write-model", action="store_true")
    args = ap.parse_args(argv)
    if args.N < 100:
        raise SystemExit("--N must be >= 100")
    out = ROOT / "benchmarks" / f"point_survey_{args.figure}_{args.size}_N{args.N}.csv"
    entry = survey(args.figure, args.size, args.N, args.samples, args.workers, out)
    s = np.array(list(entry["sweeps"].values()))
    print(f"{args.figure} {args.size} at N = {args.N}: {entry['points']} points, sweeps per start "
          f"median {np.median(s):.1f}, mean {s.mean():.1f}, max {s.max():.1f} ({entry['seconds']} s)")
    if not args.no_write_model:
        write_model(Path(args.model), args.figure, entry)
        print(f"wrote point_sweeps[{args.figure!r}] to {args.model}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
