"""Issue 14 reproducers (command line and Monte Carlo guards): each one a regression test.

Sweep-level behaviour (lock, validated resume, orphaned workers, dask) is in test_sweep.py."""

import json
import time
import tracemalloc

import pytest

from hopfield_phases.compare.cli import main
from hopfield_phases.montecarlo import teacher_student as tsm
from hopfield_phases.montecarlo import umbrella

RFHM = ["simulate", "rfhm", "--N", "60", "--alpha-D", "0.1", "--L-test", "3", "--alpha", "0.1,0.2",
        "--samples", "2", "--workers", "1", "--quiet"]


def _one_line_error(capsys, rc, expected_rc=None):
    err = capsys.readouterr().err
    assert rc != 0 and (expected_rc is None or rc == expected_rc), (rc, err)
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert 1 <= len(lines) <= 2 and lines[0].startswith("hopfield-phases: error: "), err
    return lines[0]


# --------------------------------------------------------------------------- item 1
def test_out_json_refused_on_the_command_line(tmp_path, capsys):
    rc = main(RFHM + ["--out", str(tmp_path / "r.json")])
    line = _one_line_error(capsys, rc, 2)
    assert "r.json" in line and ".csv" in line
    assert not list(tmp_path.iterdir())
    rc = main(["simulate", "ts-landscape", "--N", "12", "--alpha", "3", "--T", "3", "--T-teacher", "3",
               "--out", str(tmp_path / "l.json")])
    _one_line_error(capsys, rc, 2)
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------- item 2
def test_second_writer_refused_on_the_command_line(tmp_path, capsys):
    from filelock import FileLock

    from hopfield_phases.montecarlo.sweep import lock_path

    out = tmp_path / "r.csv"
    out.with_suffix(".json").write_text(json.dumps(
        {"status": "running", "fingerprint": "another-grid", "pid": 12345, "date": "now"}))
    with FileLock(str(lock_path(out))):  # another sweep holds the output
        t0 = time.time()
        rc = main(RFHM + ["--out", str(out)])
        line = _one_line_error(capsys, rc, 1)
    assert "being written by another sweep (process 12345" in line
    assert time.time() - t0 < 10 and not out.exists()


# --------------------------------------------------------------------------- item 7: CLI errors
@pytest.mark.parametrize("where", ["proc", "directory", "missing_parent_is_file"])
def test_unwritable_out_is_one_line(tmp_path, capsys, where):
    if where == "proc":
        out = "/proc/hopfield_x.csv"
    elif where == "directory":
        out = str(tmp_path)
    else:
        (tmp_path / "f").write_text("x")
        out = str(tmp_path / "f" / "x.csv")
    rc = main(["theory", "ts", "thresholds", "--p", "3", "--out", out])
    _one_line_error(capsys, rc)
    rc = main(RFHM + ["--out", out])
    _one_line_error(capsys, rc)


@pytest.mark.parametrize("exc", [RuntimeError("solver gave up"), OverflowError("math range error"),
                                 MemoryError(), ZeroDivisionError("float division by zero")])
def test_any_exception_is_one_line_and_debug_shows_traceback(monkeypatch, capsys, exc):
    from hopfield_phases.theory import teacher_student as ts

    def boom(*a, **k):
        raise exc

    monkeypatch.setattr(ts, "nishimori_thresholds", boom)
    line = _one_line_error(capsys, main(["theory", "ts", "thresholds", "--p", "3"]), 1)
    if isinstance(exc, MemoryError):
        assert "not enough memory" in line
    with pytest.raises(type(exc)):
        main(["--debug", "theory", "ts", "thresholds", "--p", "3"])
    monkeypatch.setenv("HOPFIELD_DEBUG", "1")
    with pytest.raises(type(exc)):
        main(["theory", "ts", "thresholds", "--p", "3"])


def test_unreachable_scheduler_fails_fast(tmp_path, capsys, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setenv("HOPFIELD_DASK_TIMEOUT", "1")
    t0 = time.time()
    rc = main(RFHM + ["--executor", "dask", "--scheduler", "tcp://127.0.0.1:9",
                      "--out", str(tmp_path / "d.csv")])
    line = _one_line_error(capsys, rc, 1)
    assert "cannot reach the dask scheduler" in line and time.time() - t0 < 10


def test_scheduler_without_dask_executor_is_refused(tmp_path, capsys):
    rc = main(RFHM + ["--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "d.csv")])
    assert "--scheduler needs --executor dask" in _one_line_error(capsys, rc, 2)
    rc = main(["simulate", "ts", "--N", "12", "--alpha", "1", "--T", "2", "--T-teacher", "2",
               "--scheduler", "x:1", "--out", str(tmp_path / "d.csv")])
    _one_line_error(capsys, rc, 2)
    assert not list(tmp_path.iterdir())


def test_ts_alpha_nan_says_finite(tmp_path, capsys):
    rc = main(["simulate", "ts", "--N", "12", "--alpha", "nan", "--T", "2", "--T-teacher", "2",
               "--out", str(tmp_path / "a.csv")])
    err = capsys.readouterr().err
    assert rc == 2 and "--alpha must be finite" in err and "convert" not in err


# --------------------------------------------------------------------------- item 4: memory guards
def _refused_without_allocating(call, match):
    tracemalloc.start()
    try:
        t0 = time.time()
        with pytest.raises(ValueError, match=match):
            call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20e6 and time.time() - t0 < 5


def test_ts_run_N_below_p_is_refused():
    _refused_without_allocating(lambda: tsm.run(3, 2, 6e9, 1, 1), r"^N must be >= p = 3")
    _refused_without_allocating(lambda: tsm.run(3, 2, 3.0, 1, 1), r"^N must be >= p = 3")


def test_guard_counts_the_M_sized_arrays(monkeypatch):
    """sample_teacher(2, 3, 1, 4e9): 8 GB of int8 examples passed the old guard, but the
    M-sized float64/int64 arrays need ~30 GiB more (now refused first for N < p)."""
    _refused_without_allocating(lambda: tsm.sample_teacher(2, 3, 1, 4e9), r"^N must be >= p")
    # N*M = 8.4e9 bytes passed the old 8 GiB cap; the M-sized arrays need ~25x more
    _refused_without_allocating(lambda: tsm.sample_teacher(3, 3, 1, 2.8e9), r"^M: .* needs")
    # with a 1 GB budget: the examples (0.45 GB) fit, all the arrays (> 4 GB) do not
    monkeypatch.setenv("HOPFIELD_MEMORY_LIMIT", str(10**9))
    _refused_without_allocating(lambda: tsm.run(3, 3, 1e8, 1, 1), r"^alpha: .* needs")
    _refused_without_allocating(lambda: tsm.sample_teacher(3, 3, 1, 1.5e8), r"^M: .* needs")


def test_sweeps_are_bounded():
    _refused_without_allocating(lambda: tsm.run(3, 20, 1, 1, 1, sweeps=4e9), r"^sweeps must be <=")
    _refused_without_allocating(lambda: umbrella.landscape(3, 20, 1, 1, 1, sweeps=4e9),
                                r"^sweeps must be <=")


def test_work_limit(monkeypatch):
    monkeypatch.setenv("HOPFIELD_WORK_LIMIT", "1e6")
    _refused_without_allocating(lambda: tsm.run(3, 30, 2, 1, 1, sweeps=10**4), r"^sweeps: .*limit")


@pytest.mark.parametrize("kw, name", [({"width": float("nan")}, "width"), ({"width": -1}, "width"),
                                      ({"k": float("nan")}, "k"), ({"centers": [0.1, float("nan")]}, "centers"),
                                      ({"n_boot": -1}, "n_boot"), ({"block": 0}, "block")])
def test_landscape_validates_before_any_window(kw, name):
    t0 = time.time()
    with pytest.raises(ValueError, match=f"^{name}"):
        umbrella.landscape(3, 12, 3.0, 3.0, 3.0, sweeps=50, equilibration=5, **kw)
    assert time.time() - t0 < 2
    with pytest.raises(ValueError, match="^alpha"):
        umbrella.landscape(3, 12, float("nan"), 3.0, 3.0)
