"""Generic, resumable, worker-count-independent parameter sweeps.

This module knows nothing about any model: it runs a user *task* on every
``(params, sample)`` pair of a grid, writes one CSV row per pair as soon as it finishes, and
can be interrupted and rerun.  The RFHM experiment (:mod:`montecarlo.rfhm`) and the
teacher-student simulation both use it.

Interface
---------
``run_sweep(task, grid, samples, out, *, workers=None, executor="local", scheduler=None,
master_seed=0, command=None, progress=True, description="", priority=None,
wait=True) -> pathlib.Path``

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
    CSV path.  The provenance sidecar is ``OUT.json`` (:func:`hopfield_phases._core.tables.
    sidecar_path`); an ``out`` that itself ends in ``.json`` is refused (``ValueError``), since
    the sidecar would overwrite the table.

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
Lock (one writer per output)
    The sweep holds an exclusive lock (``filelock``, file ``OUT.lock``, left in place) from
    before it reads the CSV until it has written the sidecar.  A second sweep on the same
    ``out``

    * with a *different* task, grid, samples or seed is refused at once with
      :class:`OutputLocked` (a ``RuntimeError``) naming the file and the other process;
    * with the *same* task, grid, samples and seed (the same command run twice) prints one
      line on stderr (``waiting for ...``), waits until the first one finishes, then resumes:
      every row is already there, so it only rewrites the sidecar.  ``wait=False`` refuses it
      with :class:`OutputLocked` instead.
Resume (validated)
    On a rerun the existing CSV is read (an incomplete last line left by a killed process is
    dropped) and pairs already present are skipped.  Pairs are matched on the exact CSV text
    of their parameter values and sample.  Every row is validated first: the right number
    of fields, UTF-8 text, ``sample`` a non-negative integer, every value in the canonical
    form this module writes (so ``1e999`` or ``0.30`` is refused), parameter values of the
    kinds the grid uses (int / float / bool / str / list), no text in a numeric result column,
    and the ``(params, sample)`` key unique (identical duplicates keep one copy; differing
    duplicates are all refused).  Refused rows are appended to ``OUT.quarantine.csv``
    (columns ``reason, line``; the raw line, nothing lost) and removed from the table, so
    they are recomputed.  A file whose header cannot be read (binary garbage, another kind
    of file) raises ``ValueError`` naming the file.  A rerun with a different ``master_seed``
    than the one recorded in the sidecar raises ``ValueError`` (mixing seeds would silently
    change the statistics).
Sidecar
    JSON with ``command, version, git_commit, seed, date, python, numpy, description,
    grid, samples, fingerprint, pid, status ("running"/"complete"), rows, quarantined,
    elapsed_s`` (the wall time of the last run).  It is written when the sweep starts and
    again when it ends.
Executors
    ``"local"``: ``workers=None`` uses every core (``os.cpu_count()``), ``workers=1`` runs in
    the calling process (no pickling; convenient for debugging), ``workers>1`` uses a
    ``concurrent.futures.ProcessPoolExecutor``; each worker process is limited to one BLAS
    thread and dies with the sweep's process (Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)``;
    everywhere: a watchdog thread that exits when the parent process id changes), so a
    SIGKILL of the sweep leaves no orphaned worker.
    ``"dask"``: submits the pairs to ``distributed.Client(scheduler)`` (``scheduler=None``
    starts a local cluster).  An unreachable scheduler raises ``OSError`` after
    ``DASK_CONNECT_TIMEOUT`` seconds (5; the environment variable ``HOPFIELD_DASK_TIMEOUT``
    overrides it).  Missing dask raises ``ValueError`` with an install hint
    (``pip install 'hopfield-phases[dask]'``).  ``scheduler`` is refused with any other
    executor.
    An *object*: an existing ``distributed.Client`` (used, not closed), or any
    ``concurrent.futures.Executor`` (e.g. ``ThreadPoolExecutor``, ``ProcessPoolExecutor``,
    ``client.get_executor()``, an MPI pool); ``workers`` is then ignored.  A cluster from
    ``dask-jobqueue`` (SLURM, PBS, ...) is used through its client::

        from dask_jobqueue import SLURMCluster
        from distributed import Client
        cluster = SLURMCluster(cores=1, processes=1, memory="2GB", walltime="01:00:00",
                               queue="normal")
        cluster.scale(jobs=8)
        with Client(cluster) as client:
            run_sweep(task, grid, 10, "runs/x.csv", executor=client)

    (tested in ``tests/test_sweep.py`` up to the job script, without submitting).  A lost
    worker's pairs are rerun by the scheduler; every row is written exactly once.
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

import concurrent.futures as _cf
import csv
import hashlib
import itertools
import json
import math
import os
import platform
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from hopfield_phases._core.provenance import git_commit as _git_commit
from hopfield_phases._core.provenance import utc_now, version as _version
from hopfield_phases._core.tables import csv_line as _csv_line
from hopfield_phases._core.tables import format_value as _fmt
from hopfield_phases._core.tables import parse_value as _parse
from hopfield_phases._core.tables import sidecar_path as _sidecar_path
from hopfield_phases._core.tables import write_json as _write_sidecar

__all__ = ["run_sweep", "read_sweep", "seed_for", "expand_grid", "canonical_params",
           "OutputLocked", "quarantine_path", "lock_path", "DASK_CONNECT_TIMEOUT"]

#: seconds to wait for a dask scheduler before giving up (``HOPFIELD_DASK_TIMEOUT`` overrides).
DASK_CONNECT_TIMEOUT = 5.0


class OutputLocked(RuntimeError):
    """Another sweep holds the lock of this output file."""


def quarantine_path(out) -> Path:
    """``OUT.quarantine.csv``: where refused rows of ``OUT.csv`` are kept."""
    out = Path(out)
    return out.with_name(out.stem + ".quarantine.csv")


def lock_path(out) -> Path:
    """``OUT.lock``: the lock file of a sweep output."""
    out = Path(out)
    return out.with_name(out.name + ".lock")


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


# ---------------------------------------------------------------------------------------
# reading an existing table (with validation)
# ---------------------------------------------------------------------------------------
def _split_lines(path: Path, data: bytes) -> list[bytes]:
    if not data.endswith(b"\n"):  # a killed writer left an incomplete last line: drop it
        cut = data.rfind(b"\n")
        data = data[: cut + 1] if cut >= 0 else b""
    return data.splitlines(keepends=True)


def _decode_header(path: Path, line: bytes) -> list[str]:
    try:
        text = line.decode("utf-8")
        if "\x00" in text:
            raise UnicodeDecodeError("utf-8", line, 0, 1, "NUL byte")
        header = next(csv.reader([text]))
    except (UnicodeDecodeError, csv.Error, StopIteration):
        raise ValueError(f"out: {path} is not a sweep CSV (its first line is not CSV text); "
                         "move it away or choose another output file") from None
    if not header or len(set(header)) != len(header) or any(h == "" for h in header):
        raise ValueError(f"out: {path} is not a sweep CSV (bad header {header[:8]!r}); "
                         "move it away or choose another output file")
    return header


def _read_existing(path: Path) -> tuple[list[str], list[dict[str, str]], list[tuple[str, str]]]:
    """Header, raw (string) rows of the right width, and ``(reason, line)`` of unreadable lines.

    An incomplete last line is dropped (and repaired on disk by the caller's rewrite)."""
    if not path.exists():
        return [], [], []
    if path.is_dir():
        raise IsADirectoryError(f"out: {path} is a directory; give a CSV file name")
    data = path.read_bytes()
    lines = _split_lines(path, data)
    if not lines:
        if data:  # no complete line: a killed writer's partial header, or not a CSV at all
            _decode_header(path, data)
        return [], [], []
    header = _decode_header(path, lines[0])
    body, bad = [], []
    for raw in lines[1:]:
        try:
            text = raw.decode("utf-8")
            if "\x00" in text:
                raise UnicodeDecodeError("utf-8", raw, 0, 1, "NUL byte")
            fields = next(csv.reader([text]), None)
        except (UnicodeDecodeError, csv.Error):
            bad.append(("not UTF-8 CSV text", raw.decode("utf-8", "backslashreplace").rstrip("\r\n")))
            continue
        if fields is None or fields == []:  # blank line
            continue
        if len(fields) != len(header):
            bad.append((f"{len(fields)} fields, expected {len(header)}", text.rstrip("\r\n")))
            continue
        body.append(dict(zip(header, fields)))
    return header, body, bad


def _kind(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, list):
        return "list"
    return "str"


_NUMERIC = {"int", "float", "bool"}


def _compatible(kind: str, allowed: set[str]) -> bool:
    if kind == "none" or kind in allowed:
        return True
    return kind in ("int", "float") and bool(allowed & {"int", "float"})


def _validate_rows(header, rows, param_names, grid_kinds, key_of_row):
    """Split ``rows`` into (kept, refused[(reason, row)])."""
    refused = []
    kept = []
    for r in rows:
        reason = None
        s = r.get("sample", "")
        if not (s.isdigit() and str(int(s)) == s):
            reason = f"sample {s!r} is not a non-negative integer"
        if reason is None:
            for k, v in r.items():
                pv = _parse(v)
                if isinstance(pv, float) and not math.isfinite(pv) and v not in ("nan", "inf", "-inf"):
                    reason = f"{k}: {v!r} is not a finite number"
                elif _fmt(pv) != v:
                    reason = f"{k}: {v!r} is not in canonical form"
                if reason:
                    break
        if reason is None:
            for k in param_names:
                kind = _kind(_parse(r.get(k, "")))
                if kind == "float" and not math.isfinite(_parse(r[k])):
                    reason = f"{k}: parameter {r[k]!r} is not finite"
                elif not _compatible(kind, grid_kinds.get(k, set())):
                    reason = f"{k}: {r.get(k)!r} is not of the parameter's kind ({'/'.join(sorted(grid_kinds[k]))})"
                if reason:
                    break
        if reason is None:
            kept.append(r)
        else:
            refused.append((reason, r))
    # results: no text in a column whose other values are numbers
    result_cols = [k for k in header if k not in param_names and k != "sample"]
    if kept:
        kinds = {k: [_kind(_parse(r[k])) for r in kept] for k in result_cols}
        bad_rows = set()
        for k, ks in kinds.items():
            numeric = sum(x in _NUMERIC for x in ks)
            text = sum(x in ("str", "list") for x in ks)
            if numeric >= 2 and numeric > text:
                for i, x in enumerate(ks):
                    if x in ("str", "list") and i not in bad_rows:
                        bad_rows.add(i)
                        refused.append((f"{k}: {kept[i][k]!r} in a numeric column", kept[i]))
        kept = [r for i, r in enumerate(kept) if i not in bad_rows]
    # the (params, sample) key must be unique
    groups: dict[tuple, list[int]] = {}
    for i, r in enumerate(kept):
        groups.setdefault(key_of_row(r), []).append(i)
    drop = set()
    for key, idx in groups.items():
        if len(idx) < 2:
            continue
        texts = {tuple(kept[i].get(k, "") for k in header) for i in idx}
        if len(texts) == 1:  # identical copies: keep the first
            for i in idx[1:]:
                drop.add(i)
                refused.append(("duplicate of an identical row", kept[i]))
        else:  # conflicting results for one key: none can be trusted, recompute
            for i in idx:
                drop.add(i)
                refused.append(("conflicting rows for one (params, sample) key", kept[i]))
    kept = [r for i, r in enumerate(kept) if i not in drop]
    return kept, refused


def read_sweep(out) -> list[dict]:
    """Rows of a sweep CSV as dicts, with ints, floats, booleans and JSON lists parsed.

    Lines that are not valid CSV rows of the header's width are skipped (a sweep rerun moves
    them to the quarantine file)."""
    out = Path(out)
    header, rows, _ = _read_existing(out) if out.exists() else ([], [], [])
    return [{k: _parse(v) for k, v in r.items()} for r in rows]


def _quarantine(out: Path, header: list[str], items: list[tuple[str, str]]) -> Path:
    """Append ``(reason, raw line)`` pairs to ``OUT.quarantine.csv``."""
    path = quarantine_path(out)
    new = not path.exists() or path.stat().st_size == 0
    with open(path, "a", newline="") as fh:
        if new:
            fh.write(_csv_line(["reason", "line"]))
        for reason, line in items:
            fh.write(_csv_line([reason, line]))
    return path


# ---------------------------------------------------------------------------------------
# execution
# ---------------------------------------------------------------------------------------
def _call(task, params, sample, seed):
    result = task(dict(params), int(sample), seed)
    if not isinstance(result, Mapping):
        raise TypeError(f"task must return a dict of scalar columns, got {type(result).__name__}")
    return dict(result)


def _die_with_parent(parent_pid: int) -> None:
    """Make this (worker) process exit when ``parent_pid`` dies (see the module docstring)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            PR_SET_PDEATHSIG = 1
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except Exception:  # pragma: no cover - the watchdog below still works
            pass
    if os.getppid() != parent_pid:  # the parent died before we got here
        os._exit(1)

    def watchdog():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watchdog, name="parent-watchdog", daemon=True).start()


def _init_worker(parent_pid: int | None = None):
    if parent_pid is not None:
        _die_with_parent(parent_pid)
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


def _fingerprint(task, canon, sample_list, master_seed) -> str:
    name = f"{getattr(task, '__module__', '?')}.{getattr(task, '__qualname__', repr(task))}"
    text = json.dumps([name, canon, sample_list, master_seed], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _acquire(out: Path, side: Path, fingerprint: str, wait: bool):
    """Take the exclusive lock of ``out`` (see the module docstring, 'Lock')."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(lock_path(out)), timeout=0)
    try:
        lock.acquire(timeout=0)
        return lock
    except Timeout:
        pass
    other = {}
    for _ in range(40):  # the holder writes its sidecar right after taking the lock
        try:
            other = json.loads(side.read_text())
        except (OSError, ValueError):
            other = {}
        if other.get("status") == "running" and other.get("fingerprint"):
            break
        try:
            lock.acquire(timeout=0.05)
            return lock
        except Timeout:
            pass
    who = f"process {other.get('pid', '?')}"
    if other.get("fingerprint") != fingerprint:
        raise OutputLocked(
            f"out: {out} is being written by another sweep ({who}, started {other.get('date', '?')}) "
            "with a different grid, samples, task or seed; choose another output file or wait "
            "until it finishes")
    if not wait:
        raise OutputLocked(f"out: {out} is being written by the same sweep ({who}); not waiting")
    print(f"hopfield-phases: waiting for {who}, which runs the same sweep on {out} "
          "(its rows will be reused) ...", file=sys.stderr, flush=True)
    lock.acquire(timeout=-1)
    return lock


def _check_executor(executor, scheduler):
    if isinstance(executor, str):
        if executor not in ("local", "dask"):
            raise ValueError(f"executor must be 'local', 'dask', a distributed.Client or a "
                             f"concurrent.futures.Executor, got {executor!r}")
        if scheduler is not None and executor != "dask":
            raise ValueError("scheduler: a scheduler address needs executor='dask' "
                             "(--executor dask on the command line)")
        return
    if scheduler is not None:
        raise ValueError("scheduler: give either a scheduler address (with executor='dask') "
                         "or an executor object, not both")
    if isinstance(executor, _cf.Executor) or _is_dask_client(executor):
        return
    raise ValueError(f"executor must be 'local', 'dask', a distributed.Client or a "
                     f"concurrent.futures.Executor, got {type(executor).__name__}")


def _is_dask_client(obj) -> bool:
    return type(obj).__module__.split(".")[0] == "distributed" and hasattr(obj, "submit") \
        and hasattr(obj, "gather")


def run_sweep(task, grid, samples, out, *, workers=None, executor="local", scheduler=None,
              master_seed=0, command=None, progress=True, description="", priority=None,
              wait=True) -> Path:
    """Run ``task`` on every (params, sample) pair of ``grid`` and write a resumable CSV.

    See the module docstring for the full contract (seeds, CSV layout, lock, resume,
    executors).  Returns the CSV path.
    """
    if not callable(task):
        raise ValueError("task must be a callable task(params, sample, seed) -> dict")
    _check_executor(executor, scheduler)
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
    side = _sidecar_path(out)  # refuses out=*.json
    if out.is_dir():
        raise IsADirectoryError(f"out: {out} is a directory; give a CSV file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    fingerprint = _fingerprint(task, canon, sample_list, master_seed)
    lock = _acquire(out, side, fingerprint, wait)
    try:
        return _locked_sweep(task, points, canon, sample_list, param_names, out, side, fingerprint,
                             workers=workers, executor=executor, scheduler=scheduler,
                             master_seed=master_seed, command=command, progress=progress,
                             description=description, priority=priority)
    finally:
        lock.release()


def _locked_sweep(task, points, canon, sample_list, param_names, out, side, fingerprint, *,
                  workers, executor, scheduler, master_seed, command, progress, description,
                  priority) -> Path:
    if side.exists():
        try:
            old = json.loads(side.read_text())
        except (OSError, ValueError):
            old = {}
        if not isinstance(old, dict):
            old = {}
        if out.exists() and old.get("seed") is not None and int(old["seed"]) != master_seed:
            raise ValueError(f"master_seed {master_seed} differs from the seed {old['seed']} recorded in "
                             f"{side}; use another output file")

    header, existing, unreadable = _read_existing(out)
    if not header and out.exists() and out.stat().st_size:
        out.write_bytes(b"")  # only an incomplete header line: start afresh
    key_cols = param_names + ["sample"]
    if header:
        missing = [k for k in key_cols if k not in header]
        if missing:
            raise ValueError(f"out: existing file {out} lacks columns {missing}; use another output file")

    def key_of(p, s):
        return tuple(_fmt(p.get(k)) if k in p else "" for k in param_names) + (str(s),)

    order = [key_of(p, s) for p in points for s in sample_list]
    writer = _Writer(out, header, existing)
    writer.key_columns = key_cols

    quarantined = 0
    if header:
        grid_kinds = {k: {_kind(_to_python(p[k])) for p in points if k in p} for k in param_names}
        for k in param_names:
            grid_kinds[k] |= {"none"} if any(k not in p for p in points) else set()
        kept, refused = _validate_rows(header, existing, param_names, grid_kinds, writer.key)
        bad = unreadable + [(reason, _csv_line([r.get(k, "") for k in header]).rstrip("\n"))
                            for reason, r in refused]
        if bad or not out.read_bytes().endswith(b"\n"):
            writer.rows = kept
            writer._rewrite(kept)  # repairs an incomplete last line too
        if bad:
            qpath = _quarantine(out, header, bad)
            quarantined = len(bad)
            print(f"hopfield-phases: {quarantined} damaged row(s) of {out} moved to {qpath}; "
                  "they will be recomputed", file=sys.stderr, flush=True)
    done = {writer.key(r) for r in writer.rows}
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
        "fingerprint": fingerprint,
        "pid": os.getpid(),
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
        elif _is_dask_client(executor):
            _run_client(executor, task, todo, master_seed, handle)
        elif isinstance(executor, _cf.Executor):
            _run_executor(executor, task, todo, master_seed, handle)
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
    record["quarantined"] = quarantined
    record["elapsed_s"] = round(time.perf_counter() - t0, 3)
    _write_sidecar(side, record)
    return out


def _drain(futures, handle, wait_fn):
    pending = set(futures)
    try:
        while pending:
            finished, pending = wait_fn(pending)
            for f in finished:
                p, s = futures[f]
                handle(p, s, f.result())
    except BaseException:
        for f in pending:
            f.cancel()
        raise


def _cf_wait(pending):
    return _cf.wait(pending, return_when=_cf.FIRST_COMPLETED)


def _run_pool(task, todo, master_seed, n, handle):
    import multiprocessing as mp

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    with _cf.ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_init_worker,
                                 initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(_call, task, p, s, seed_for(p, s, master_seed)): (p, s) for p, s in todo}
        _drain(futures, handle, _cf_wait)


def _run_executor(executor, task, todo, master_seed, handle):
    """Any ``concurrent.futures.Executor`` given by the caller (not shut down here)."""
    futures = {executor.submit(_call, task, p, s, seed_for(p, s, master_seed)): (p, s) for p, s in todo}
    _drain(futures, handle, _cf_wait)


def _run_client(client, task, todo, master_seed, handle):
    """An existing ``distributed.Client`` (not closed here)."""
    from distributed import as_completed

    futures = {}
    for p, s in todo:
        fut = client.submit(_call, task, p, s, seed_for(p, s, master_seed), pure=False)
        futures[fut] = (p, s)
    try:
        for fut in as_completed(list(futures)):
            p, s = futures[fut]
            handle(p, s, fut.result())
    except BaseException:
        client.cancel(list(futures))
        raise


def _run_dask(task, todo, master_seed, scheduler, handle):
    try:
        from distributed import Client
    except ImportError:
        raise ValueError("executor 'dask' needs dask.distributed, which is not installed: "
                         "pip install 'hopfield-phases[dask]'") from None
    if scheduler:
        timeout = float(os.environ.get("HOPFIELD_DASK_TIMEOUT", DASK_CONNECT_TIMEOUT))
        try:
            client = Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise OSError(f"scheduler: cannot reach the dask scheduler at {scheduler} within "
                          f"{timeout:g} s ({type(exc).__name__})") from None
    else:
        client = Client()
    try:
        _run_client(client, task, todo, master_seed, handle)
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
