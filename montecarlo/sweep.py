"""Generic, resumable, worker-count-independent parameter sweeps.

This module knows nothing about any model: it runs a user *task* on every
``(params, sample)`` pair of a grid, writes one CSV row per pair as soon as it finishes, and
can be interrupted and rerun.  The RFHM experiment (:mod:`montecarlo.rfhm`) and the
teacher-student simulation both use it.

Interface
---------
``run_sweep(task, grid, samples, out, *, workers=None, executor="local", scheduler=None,
master_seed=0, command=None, progress=True, description="", priority=None) -> pathlib.Path``

``task``
    A **top-level** (picklable) function ``task(params: dict, sample: int,
    seed: numpy.random.SeedSequence) -> dict``.  The returned dict holds flat scalar result
    columns (int, float, bool or str).  It must not contain timings or anything else that
    is not a deterministic function of ``(params, sample, seed)``: the CSV is meant to be
    byte-identical whatever the number of workers.  Result names must not collide with
    parameter names or with ``"sample"``.
``grid``
    Either a sequence of parameter dicts (run in that order), or a mapping
    ``name -> list of values`` expanded as a Cartesian product (last name varies fastest).
    Values are scalars (int, float, bool, str) or lists/tuples of scalars (written to the
    CSV as compact JSON, e.g. ``[3,5,7]``).
``samples``
    Number of samples per grid point (``0 .. samples-1``), or an explicit iterable of
    non-negative sample indices.
``out``
    CSV path.  The provenance sidecar is ``out.with_suffix(".json")``.

Seeds
    Each pair gets ``SeedSequence(entropy=master_seed, spawn_key=(h, sample))`` where ``h`` is
    the first 8 bytes (little endian) of the SHA-256 of the canonical JSON of ``params``
    (keys sorted, no spaces, numpy scalars converted to Python, tuples to lists).  The seed of
    a pair therefore depends only on ``master_seed``, the parameter values and the sample
    index: not on the grid order, the number of workers or the executor.
    :func:`seed_for` exposes it.
Output
    Columns: the parameter names (first-seen order over the grid), ``sample``, then the result
    names (first-seen order).  Floats are written with ``repr`` (bit-exact round trip).  Rows
    are appended as tasks finish (one ``write`` + ``flush`` each).  When every pair of the
    grid is present the file is rewritten, atomically, sorted by (grid order, sample); rows of
    the file that are not in the grid are kept after them in their previous order.  Thus 1
    and 2 workers give byte-identical CSVs.
Resume
    On a rerun the existing CSV is read (an incomplete last line left by a killed process is
    dropped) and pairs already present are skipped.  Pairs are matched on the exact CSV text
    of their parameter values and sample.  A rerun with a different ``master_seed`` than the
    one recorded in the sidecar raises ``ValueError`` (mixing seeds would silently change the
    statistics).
Sidecar
    JSON with ``command, version, git_commit, seed, date, python, numpy, description,
    grid, samples, status ("running"/"complete"), rows, elapsed_s`` (the wall time of the
    last run).  It is written when the sweep starts and again when it completes.
Executors
    ``"local"``: ``workers=None`` uses every core (``os.cpu_count()``), ``workers=1`` runs in
    the calling process (no pickling; convenient for debugging), ``workers>1`` uses a
    ``concurrent.futures.ProcessPoolExecutor``; each worker process is limited to one BLAS
    thread.  ``"dask"``: submits the pairs to ``dask.distributed.Client(scheduler)``
    (``scheduler=None`` starts a local cluster); raises ``ValueError`` with an install hint
    if dask is not installed (``pip install 'hopfield-phases[dask]'``).
Progress
    A tqdm bar on stderr with rate and ETA (``progress=False`` disables it).
Errors
    An exception raised by a task stops the sweep (pending pairs are cancelled), finished rows
    stay in the CSV, and the exception propagates.

``read_sweep(out) -> list[dict]`` reads the CSV back, parsing ints, floats, booleans and
JSON lists.

Scheduling: the pairs are submitted in grid order, or, with the optional keyword
``priority=callable(params) -> float``, highest priority first (e.g. the expected cost, so that
large-P points start first and the pool stays balanced).  The output does not depend on it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import math
import os
import platform
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from hopfield_phases._core.provenance import git_commit as _git_commit
from hopfield_phases._core.provenance import utc_now, version as _version
from hopfield_phases._core.tables import csv_line as _csv_line
from hopfield_phases._core.tables import format_value as _fmt
from hopfield_phases._core.tables import parse_value as _parse
from hopfield_phases._core.tables import write_json as _write_sidecar

__all__ = ["run_sweep", "read_sweep", "seed_for", "expand_grid", "canonical_params"]



# ---------------------------------------------------------------------------------------
# canonical parameters and seeds
# ---------------------------------------------------------------------------------------
def _to_python(v):
    """Convert numpy scalars / tuples to plain JSON-able Python values."""
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, (list, tuple, np.ndarray)):
        return [_to_python(x) for x in v]
    if isinstance(v, (bool, int, float, str)) or v is None:
        return v
    raise ValueError(f"grid: parameter value {v!r} of type {type(v).__name__} is not a scalar or list")


def canonical_params(params: Mapping) -> str:
    """Canonical JSON text of a parameter dict (sorted keys, compact, plain Python values)."""
    clean = {str(k): _to_python(v) for k, v in params.items()}
    for k, v in clean.items():
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError(f"grid: parameter {k} must be finite, got {v!r}")
    return json.dumps(clean, sort_keys=True, separators=(",", ":"))


def _params_hash(params: Mapping) -> int:
    digest = hashlib.sha256(canonical_params(params).encode()).digest()
    return int.from_bytes(digest[:8], "little")


def seed_for(params: Mapping, sample: int, master_seed: int = 0) -> np.random.SeedSequence:
    """The seed of one ``(params, sample)`` pair (see the module docstring)."""
    return np.random.SeedSequence(entropy=int(master_seed), spawn_key=(_params_hash(params), int(sample)))


def expand_grid(grid) -> list[dict]:
    """A list of parameter dicts from a list of dicts or a mapping name -> values (product)."""
    if isinstance(grid, Mapping):
        names = list(grid)
        values = []
        for n in names:
            v = grid[n]
            if isinstance(v, (str, bytes)) or not isinstance(v, Iterable):
                v = [v]
            values.append(list(v))
        return [dict(zip(names, combo)) for combo in itertools.product(*values)]
    if isinstance(grid, (str, bytes)) or not isinstance(grid, Iterable):
        raise ValueError("grid must be a sequence of parameter dicts or a mapping name -> values")
    out = []
    for p in grid:
        if not isinstance(p, Mapping):
            raise ValueError(f"grid: every entry must be a dict of parameters, got {p!r}")
        out.append(dict(p))
    return out


def _read_existing(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and raw (string) rows of an existing CSV; drops an incomplete last line."""
    if not path.exists() or path.stat().st_size == 0:
        return [], []
    data = path.read_bytes()
    if not data.endswith(b"\n"):
        cut = data.rfind(b"\n")
        data = data[: cut + 1] if cut >= 0 else b""
        with open(path, "wb") as fh:  # repair the file so that appends start on a fresh line
            fh.write(data)
    if not data:
        return [], []
    reader = csv.reader(io.StringIO(data.decode()))
    rows = list(reader)
    header = rows[0]
    body = [dict(zip(header, r)) for r in rows[1:] if len(r) == len(header)]
    return header, body


def read_sweep(out) -> list[dict]:
    """Rows of a sweep CSV as dicts, with ints, floats, booleans and JSON lists parsed."""
    header, rows = _read_existing(Path(out)) if Path(out).exists() else ([], [])
    return [{k: _parse(v) for k, v in r.items()} for r in rows]


# ---------------------------------------------------------------------------------------
# execution
# ---------------------------------------------------------------------------------------
def _call(task, params, sample, seed):
    result = task(dict(params), int(sample), seed)
    if not isinstance(result, Mapping):
        raise TypeError(f"task must return a dict of scalar columns, got {type(result).__name__}")
    return dict(result)


def _init_worker():
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ[var] = "1"
    try:  # numpy is already imported in forked workers: limit its BLAS pool if possible
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except Exception:
        pass


class _Writer:
    """Appends rows to the CSV, extending the header (by a rewrite) if new columns appear."""

    def __init__(self, path: Path, header: list[str], rows: list[dict[str, str]]):
        self.path = path
        self.header = list(header)
        self.rows = rows  # all raw rows, in file order
        self.fh = None

    def _open(self):
        if self.fh is None:
            self.fh = open(self.path, "a", newline="")

    def _rewrite(self, rows):
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w", newline="") as fh:
            fh.write(_csv_line(self.header))
            for r in rows:
                fh.write(_csv_line([r.get(k, "") for k in self.header]))
        if self.fh is not None:
            self.fh.close()
            self.fh = None
        os.replace(tmp, self.path)

    def append(self, row: dict[str, str]):
        new = [k for k in row if k not in self.header]
        if new or not self.path.exists() or self.path.stat().st_size == 0:
            self.header.extend(new)
            self.rows.append(row)
            self._rewrite(self.rows)
            return
        self.rows.append(row)
        self._open()
        self.fh.write(_csv_line([row.get(k, "") for k in self.header]))
        self.fh.flush()

    def finalize(self, order: list[tuple]) -> None:
        """Rewrite sorted by ``order`` (keys of the grid), keeping other rows after them."""
        rank = {key: i for i, key in enumerate(order)}
        keyed = [(rank.get(self.key(r)), n, r) for n, r in enumerate(self.rows)]
        inside = sorted((k, n) for k, n, r in keyed if k is not None)
        outside = [r for k, n, r in keyed if k is None]
        self._rewrite([self.rows[n] for _, n in inside] + outside)

    def close(self):
        if self.fh is not None:
            self.fh.close()
            self.fh = None

    key_columns: list[str] = []

    def key(self, r: dict[str, str]) -> tuple:
        return tuple(r.get(k, "") for k in self.key_columns)


def run_sweep(task, grid, samples, out, *, workers=None, executor="local", scheduler=None,
              master_seed=0, command=None, progress=True, description="", priority=None) -> Path:
    """Run ``task`` on every (params, sample) pair of ``grid`` and write a resumable CSV.

    See the module docstring for the full contract (seeds, CSV layout, resume, executors).
    Returns the CSV path.
    """
    if not callable(task):
        raise ValueError("task must be a callable task(params, sample, seed) -> dict")
    if executor not in ("local", "dask"):
        raise ValueError(f"executor must be 'local' or 'dask', got {executor!r}")
    if workers is not None:
        if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
            raise ValueError(f"workers must be a positive integer or None, got {workers!r}")
        workers = int(workers)
    if isinstance(master_seed, bool) or not isinstance(master_seed, (int, np.integer)) or master_seed < 0:
        raise ValueError(f"master_seed must be a non-negative integer, got {master_seed!r}")
    master_seed = int(master_seed)
    points = expand_grid(grid)
    if not points:
        raise ValueError("grid must contain at least one parameter set")
    if isinstance(samples, (int, np.integer)) and not isinstance(samples, bool):
        if samples < 1:
            raise ValueError(f"samples must be >= 1, got {samples!r}")
        sample_list = list(range(int(samples)))
    else:
        try:
            sample_list = [int(s) for s in samples]
        except (TypeError, ValueError):
            raise ValueError(f"samples must be a positive integer or an iterable of ints, got {samples!r}") from None
        if not sample_list or min(sample_list) < 0 or len(set(sample_list)) != len(sample_list):
            raise ValueError("samples must be distinct non-negative integers")
    param_names: list[str] = []
    for p in points:
        for k in p:
            if k == "sample":
                raise ValueError("grid: 'sample' is reserved and cannot be a parameter name")
            if k not in param_names:
                param_names.append(k)
    canon = [canonical_params(p) for p in points]  # validates values
    if len(set(canon)) != len(canon):
        raise ValueError("grid contains duplicate parameter sets")

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    side = out.with_suffix(".json")
    if side.exists():
        try:
            old = json.loads(side.read_text())
        except (OSError, json.JSONDecodeError):
            old = {}
        if out.exists() and "seed" in old and old["seed"] is not None and int(old["seed"]) != master_seed:
            raise ValueError(f"master_seed {master_seed} differs from the seed {old['seed']} recorded in "
                             f"{side}; use another output file")

    header, existing = _read_existing(out)
    if header:
        missing = [k for k in param_names + ["sample"] if k not in header]
        if missing:
            raise ValueError(f"out: existing file {out} lacks columns {missing}; use another output file")
    key_cols = param_names + ["sample"]

    def key_of(p, s):
        return tuple(_fmt(p.get(k)) if k in p else "" for k in param_names) + (str(s),)

    order = [key_of(p, s) for p in points for s in sample_list]
    writer = _Writer(out, header, existing)
    writer.key_columns = key_cols
    done = {writer.key(r) for r in existing}
    todo = [(p, s) for p in points for s in sample_list if key_of(p, s) not in done]
    if priority is not None:  # submission order only; the output does not depend on it
        todo.sort(key=lambda ps: -float(priority(ps[0])))

    t0 = time.perf_counter()
    record = {
        "command": command if command is not None else " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "version": _version(),
        "git_commit": _git_commit(),
        "seed": master_seed,
        "date": utc_now(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "description": description,
        "task": f"{getattr(task, '__module__', '?')}.{getattr(task, '__qualname__', repr(task))}",
        "grid": [json.loads(c) for c in canon],
        "samples": sample_list,
        "seeding": "SeedSequence(entropy=seed, spawn_key=(sha256(canonical params)[:8] LE, sample))",
        "status": "running",
    }
    _write_sidecar(side, record)

    bar = None
    if progress:
        try:
            from tqdm import tqdm

            bar = tqdm(total=len(order), initial=len(order) - len(todo), desc=description or out.name,
                       unit="run", dynamic_ncols=True, smoothing=0.05)
        except ImportError:  # pragma: no cover
            bar = None

    reserved = set(key_cols)

    def handle(p, s, result):
        clash = reserved.intersection(result)
        if clash:
            raise ValueError(f"task result columns {sorted(clash)} clash with parameter names")
        row = {k: _fmt(p[k]) for k in param_names if k in p}
        row["sample"] = str(s)
        row.update({str(k): _fmt(v) for k, v in result.items()})
        writer.append(row)
        if bar is not None:
            bar.update(1)

    try:
        if not todo:
            pass
        elif executor == "dask":
            _run_dask(task, todo, master_seed, scheduler, handle)
        else:
            n = workers if workers is not None else (os.cpu_count() or 1)
            if n == 1 or len(todo) == 1:
                for p, s in todo:
                    handle(p, s, _call(task, p, s, seed_for(p, s, master_seed)))
            else:
                _run_pool(task, todo, master_seed, min(n, len(todo)), handle)
    finally:
        writer.close()
        if bar is not None:
            bar.close()

    have = {writer.key(r) for r in writer.rows}
    if all(k in have for k in order):
        writer.finalize(order)
        record["status"] = "complete"
    record["rows"] = len(writer.rows)
    record["elapsed_s"] = round(time.perf_counter() - t0, 3)
    _write_sidecar(side, record)
    return out


def _run_pool(task, todo, master_seed, n, handle):
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    with ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_init_worker) as pool:
        futures = {}
        for p, s in todo:
            futures[pool.submit(_call, task, p, s, seed_for(p, s, master_seed))] = (p, s)
        pending = set(futures)
        try:
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in finished:
                    p, s = futures[f]
                    handle(p, s, f.result())
        except BaseException:
            for f in pending:
                f.cancel()
            raise


def _run_dask(task, todo, master_seed, scheduler, handle):
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise ValueError("executor 'dask' needs dask.distributed, which is not installed: "
                         "pip install 'hopfield-phases[dask]'") from None
    client = Client(scheduler) if scheduler else Client()
    try:
        futures = {}
        for p, s in todo:
            fut = client.submit(_call, task, p, s, seed_for(p, s, master_seed), pure=False)
            futures[fut] = (p, s)
        for fut in as_completed(list(futures)):
            p, s = futures[fut]
            handle(p, s, fut.result())
    finally:
        client.close()


def demo_task(params: dict, sample: int, seed: np.random.SeedSequence) -> dict:
    """A tiny example task (used by the tests and as a template).

    ``params`` may hold ``x`` (a number) and ``sleep`` (seconds to wait, to emulate work).
    Returns ``{"u": a uniform draw from the pair's seed, "y": x * u, "even": sample % 2 == 0}``.
    """
    rng = np.random.default_rng(seed)
    u = float(rng.random())
    if params.get("sleep"):
        time.sleep(float(params["sleep"]))
    return {"u": u, "y": float(params.get("x", 1.0)) * u, "even": sample % 2 == 0}
