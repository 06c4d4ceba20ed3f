"""``hopfield-phases reproduce`` (the main job) and ``hopfield-phases report``.

``reproduce [--size tiny|quick|paper] [--only NAME ...] [--out DIR] [--seed S] [--workers W]``
draws every registered figure (in registry order) into ``OUT/NAME/`` and then writes
``OUT/report.md``.  Progress: one header line per figure (``[i/n] NAME``), the stages each
figure reports (simulation with a progress bar, theory, agreement, drawing), the files written
and the time taken.  Simulation rows are cached under ``OUT/NAME/sweeps/``: a rerun (or a run
interrupted and restarted) reuses every finished row, so only the drawing and the theory are
redone.  Before any work it prints an estimate of each figure's wall time and peak memory and the
total (``compare.cost_model``: each figure's optional ``estimate`` hook, calibrated per-task
cost model of ``montecarlo.cost``; figures without a hook are listed as unknown, with the wall
time of their last run in ``OUT/timings.json`` when there is one); ``--dry-run`` prints only
this estimate and runs nothing.  A figure that fails is reported (with its traceback) and the others still run; the
exit status is then 1.  Wall time, CPU time of the main process and peak memory (resident set
of the main process, reset per figure through ``/proc/self/clear_refs`` on Linux, and the largest
child process finished so far in this run, a running maximum) are written to ``OUT/timings.json`` after EACH figure, merged under a
file lock with what is already there, so an interrupted run, or two runs sharing ``OUT``, keep
every finished figure's numbers.
"""

from __future__ import annotations

import json
import resource
import sys
import time
import traceback
from pathlib import Path

from .. import figures as _figures
from ..report import write_report


def _reset_peak_memory() -> bool:
    """Reset this process's peak resident set (Linux ``clear_refs`` 5); False where unsupported."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _peak_memory_mb() -> tuple[float | None, float]:
    """(peak RSS of this process since the last reset, from /proc/self/status VmHWM, or None;
    largest peak RSS of any finished child process) in MB (10^6 bytes, as the estimates)."""
    main = None
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    main = int(line.split()[1]) * 1024 / 1e6  # kB (KiB) -> MB (10^6 B)
                    break
    except OSError:
        pass
    scale = 1e6 / 1024 if sys.platform != "darwin" else 1e6  # ru_maxrss: KiB (Linux), B (macOS) -> MB
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / scale
    if main is None:
        main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
    return main, children


def _record_timing(out: Path, name: str, entry: dict) -> None:
    """Merge one figure's entry into ``OUT/timings.json`` (file lock + atomic write)."""
    from filelock import FileLock

    from hopfield_phases._core.tables import write_json

    with FileLock(str(out / "timings.json.lock")):
        timings = _read_timings(out)
        timings[name] = entry
        write_json(out / "timings.json", timings)


def _read_timings(out: Path) -> dict:
    timing_file = out / "timings.json"
    try:
        timings = json.loads(timing_file.read_text()) if timing_file.exists() else {}
    except (json.JSONDecodeError, OSError):
        timings = {}
    return {k: v for k, v in timings.items() if isinstance(v, dict)} if isinstance(timings, dict) else {}


def estimate(names, size: str, workers: int | None = None, out=None) -> tuple[dict, str]:
    """Per-figure estimates (``compare.cost_model.Estimate``) and the printed table; fast (no
    simulation, no theory).  ``out``: where earlier wall times are looked up for figures without
    a cost model."""
    from ..cost_model import estimate_figures, format_estimates

    est = estimate_figures(names, size, workers)
    measured = None
    if out is not None:
        measured = {k: v["seconds"] for k, v in _read_timings(Path(out)).items()
                    if v.get("size") == size and "seconds" in v}
    return est, format_estimates(est, size, workers, measured)


def reproduce(out, size: str = "quick", only=None, seed: int = 0, workers: int | None = None,
              stream=None, *, dry_run: bool = False) -> dict:
    """Draw the figures and the report; returns ``{"timings", "failed", "report", "seconds",
    "estimates"}``.  The estimate table is printed first; with ``dry_run`` only that (returns
    ``{"estimates", "dry_run": True}``, writes nothing)."""
    stream = stream or sys.stdout
    reg = _figures.registry()
    names = list(only) if only else list(reg)
    for n in names:
        _figures.get(n)  # validates names before any work
    if size not in _figures.SIZES:
        raise ValueError(f"size must be one of {list(_figures.SIZES)}, got {size!r}")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    out = Path(out)
    estimates, table = estimate(names, size, workers, out)
    print(table, file=stream, flush=True)
    if dry_run:
        return {"estimates": estimates, "dry_run": True}
    out.mkdir(parents=True, exist_ok=True)
    timings = {}
    failed = []
    t_all = time.perf_counter()
    for i, name in enumerate(names, 1):
        fig = reg[name]
        print(f"[{i}/{len(names)}] {name} (size={size}, seed={seed}) ...", file=stream, flush=True)
        reset = _reset_peak_memory()
        t0 = time.perf_counter()
        c0 = time.process_time()
        kwargs = {}
        if workers is not None and fig.takes_workers:
            kwargs["workers"] = workers
        try:
            result = fig.build(out / name, size=size, seed=seed, **kwargs)
        except Exception:  # noqa: BLE001 - report and go on with the other figures
            traceback.print_exc()
            failed.append(name)
            print(f"    FAILED after {time.perf_counter() - t0:.1f} s", file=stream, flush=True)
            continue
        wall = time.perf_counter() - t0
        mem_main, mem_children = _peak_memory_mb()
        timings[name] = {"seconds": round(wall, 2), "cpu_seconds_main": round(time.process_time() - c0, 2),
                         "size": size, "date": time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()),
                         "peak_mem_mb_main": round(mem_main, 1),
                         "peak_mem_main_per_figure": reset,
                         "parallel": fig.takes_workers,
                         "peak_mem_mb_children": round(mem_children, 1)}
        est = estimates.get(name)
        if est is not None and est.known:
            timings[name]["estimated_seconds"] = round(est.seconds, 2)
            timings[name]["estimated_peak_mem_mb"] = round(est.peak_bytes / 1e6, 1)
        _record_timing(out, name, timings[name])
        for f in result.files:
            print(f"    {f}", file=stream)
        if result.summary:
            for line in result.summary.splitlines():
                print(f"    | {line}", file=stream)
        print(f"    done in {wall:.1f} s (elapsed {time.perf_counter() - t_all:.1f} s)", file=stream,
              flush=True)
    total = time.perf_counter() - t_all
    timings = _read_timings(out)
    report = write_report(out, timings={k: v["seconds"] for k, v in timings.items()},
                          total_seconds=total if not only else None, size=size)
    print(f"report: {report}", file=stream)
    if failed:
        print(f"FAILED figures: {', '.join(failed)}", file=stream)
    print(f"reproduce finished in {total:.1f} s", file=stream, flush=True)
    return {"timings": timings, "failed": failed, "report": report, "seconds": total,
            "estimates": estimates}


#: figures whose simulated points are exported to ``data/`` as reference datasets.
REFERENCE_FIGURES = ("rfhm-fig1", "rfhm-fig3a", "rfhm-fig3b", "ts-landscape")


def reference_name(figure: str) -> str:
    return "ref_" + figure.replace("-", "_")


def export_reference_data(out, data_dir, *, size: str = "quick", seed: int = 0,
                          workers: int | None = None, names=None, draw: bool = True) -> list[Path]:
    """Reference datasets: the simulated points (``kind == "simulation"`` rows of each
    figure's plotted table: per-x sample means, standard errors and counts) written to
    ``DATA/ref_NAME.csv`` with a provenance sidecar.  With ``draw=True`` the figures are drawn
    first into ``OUT/NAME`` (cached sweeps are reused); the documented command is
    ``hopfield-phases reproduce --size quick --data-dir data``."""
    from hopfield_phases._core.tables import read_table, write_table

    reg = _figures.registry()
    names = [n for n in (names or REFERENCE_FIGURES) if n in reg]
    out, data_dir = Path(out), Path(data_dir)
    written = []
    for name in names:
        table = out / name / f"{name}.csv"
        if draw and not table.exists():
            kwargs = {"workers": workers} if workers and reg[name].takes_workers else {}
            reg[name].build(out / name, size=size, seed=seed, **kwargs)
        if not table.exists():
            print(f"reference dataset of {name} skipped: {table} missing (figure failed?)",
                  file=sys.stderr)
            continue
        rows, meta = read_table(table)
        sim = [r for r in rows if r.get("kind") == "simulation"]
        empty = {k for k in (sim[0] if sim else {}) if all(r.get(k) in (None, "") for r in sim)}
        sim = [{k: v for k, v in r.items() if k not in empty} for r in sim]
        written.append(write_table(
            data_dir / f"{reference_name(name)}.csv", sim,
            command=f"hopfield-phases reproduce --size {size} --seed {seed} --data-dir {data_dir}",
            seed=seed, size=size, figure=name, parameters=meta.get("parameters"),
            description=f"simulated points of figure {name} (per-x sample mean y, standard error "
            f"yerr, sample count n) at size {size}; " + str(meta.get("description", ""))))
    return written


def _reproduce(args) -> int:
    res = reproduce(args.out, size=args.size, only=args.only, seed=args.seed, workers=args.workers,
                    dry_run=getattr(args, "dry_run", False))
    if res.get("dry_run"):
        return 0
    if args.data_dir:
        names = [n for n in REFERENCE_FIGURES if not args.only or n in args.only]
        for p in export_reference_data(args.out, args.data_dir, size=args.size, seed=args.seed,
                                       names=names, draw=False):
            print(f"reference dataset: {p}")
    return 1 if res["failed"] else 0


def _report(args) -> int:
    out = Path(args.out)
    if not out.is_dir():
        raise ValueError(f"out: no such folder {out} (run `hopfield-phases reproduce` first)")
    entries = _read_timings(out)
    try:
        timings = {k: v["seconds"] for k, v in entries.items()} or None
    except KeyError:
        timings = None
    path = write_report(out, timings=timings, output=args.output)
    print(path)
    if args.costs:
        from ..cost_model import record_measured_costs

        print(record_measured_costs(entries, args.costs,
                                    command=f"hopfield-phases report --out {args.out} --costs {args.costs}"))
    if args.gallery:
        from ..report import write_gallery

        print(write_gallery(out, args.gallery, images=args.images, size=args.size,
                            copy_tables=args.copy_tables, timings=entries))
    return 0


def register(groups) -> None:
    p = groups.root.add_parser(
        "reproduce",
        help="draw every figure (the main job) and write the agreement report",
        description="Draw every registered figure into OUT/NAME/ and gather the agreement "
        "tables into OUT/report.md.  Finished simulation rows are cached (OUT/NAME/sweeps/) and "
        "reused by a rerun.  Figures: " + ", ".join(_figures.registry()),
    )
    p.add_argument("--size", choices=_figures.SIZES, default="quick",
                   help="quick (default, < 15 min on 2 cores), paper (the papers' sizes) or tiny")
    p.add_argument("--only", nargs="+", metavar="NAME", help="draw only these figures (default: all)")
    p.add_argument("--out", default="figures_out", metavar="FOLDER",
                   help="output folder: one subfolder per figure (default: figures_out)")
    p.add_argument("--seed", type=int, default=0, help="master seed")
    p.add_argument("--workers", type=int, default=None,
                   help="simulation processes per figure (default: all cores)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--dry-run", action="store_true",
                   help="print only the estimate of wall time and peak memory per figure and the "
                   "total (seconds; no simulation, nothing written)")
    p.add_argument("--data-dir", default=None, metavar="DIR",
                   help="also write the simulated points as reference datasets DIR/ref_NAME.csv "
                   "(the repository's data/ is made with --size quick --data-dir data)")
    p.set_defaults(func=_reproduce)

    r = groups.root.add_parser(
        "report", help="gather the agreement tables of drawn figures into one markdown file",
        description="Collect OUT/*/NAME_agreement.csv (and the wall times of the last "
        "reproduce) into OUT/report.md.",
    )
    r.add_argument("--out", default="figures_out", metavar="FOLDER",
                   help="folder that reproduce wrote (default: figures_out)")
    r.add_argument("--output", default=None, help="markdown file to write (default: OUT/report.md)")
    r.add_argument("--gallery", default=None, metavar="MD",
                   help="also write a figure gallery (markdown) with the PNGs copied to a "
                   "figures/ folder next to it (the repository's: --gallery docs/gallery.md)")
    r.add_argument("--size", default="quick", help="size named in the gallery (default: quick)")
    r.add_argument("--images", default=None, metavar="FOLDER",
                   help="where the gallery's images go (default: figures/ beside the gallery file)")
    r.add_argument("--copy-tables", action="store_true",
                   help="copy each figure's NAME_agreement.csv beside its image in the gallery")
    r.add_argument("--costs", default=None, metavar="CSV",
                   help="merge OUT/timings.json (wall time, peak memory per figure and size) into "
                   "this measured-cost table, the cost model of figures without a per-task one "
                   "(the repository's is data/figure_costs.csv)")
    r.set_defaults(func=_report)
