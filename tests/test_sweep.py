"""Tests of the generic sweep runner (montecarlo.sweep)."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from hopfield_phases.montecarlo.sweep import demo_task, expand_grid, read_sweep, run_sweep, seed_for

REPO = Path(__file__).resolve().parent.parent


def test_seed_depends_only_on_params_and_sample():
    a = seed_for({"x": 1.0, "N": 10}, 3, master_seed=5)
    b = seed_for({"N": 10, "x": np.float64(1.0)}, 3, master_seed=5)
    assert a.generate_state(4).tolist() == b.generate_state(4).tolist()
    c = seed_for({"x": 1.0, "N": 10}, 4, master_seed=5)
    d = seed_for({"x": 1.0, "N": 10}, 3, master_seed=6)
    e = seed_for({"x": 1.5, "N": 10}, 3, master_seed=5)
    states = {tuple(s.generate_state(4).tolist()) for s in (a, c, d, e)}
    assert len(states) == 4


def test_expand_grid_product_order():
    g = expand_grid({"a": [1, 2], "b": ["x", "y", "z"]})
    assert g[:3] == [{"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 1, "b": "z"}]
    assert len(g) == 6


def test_one_and_two_workers_byte_identical(tmp_path):
    grid = [{"x": x} for x in (3.0, 0.5, 1.25)]
    p1 = run_sweep(demo_task, grid, 4, tmp_path / "w1.csv", workers=1, master_seed=7, progress=False)
    p2 = run_sweep(demo_task, grid, 4, tmp_path / "w2.csv", workers=2, master_seed=7, progress=False)
    assert p1.read_bytes() == p2.read_bytes()
    rows = read_sweep(p1)
    assert [(r["x"], r["sample"]) for r in rows] == [(x["x"], s) for x in grid for s in range(4)]
    # values come from the pair's own seed
    r = rows[5]
    u = np.random.default_rng(seed_for({"x": r["x"]}, r["sample"], 7)).random()
    assert r["u"] == u and r["y"] == r["x"] * u
    side = json.loads(p1.with_suffix(".json").read_text())
    assert side["status"] == "complete" and side["seed"] == 7 and side["rows"] == 12
    for key in ("command", "version", "git_commit", "date", "grid"):
        assert key in side


def test_resume_skips_finished_and_rejects_other_seed(tmp_path):
    out = tmp_path / "r.csv"
    run_sweep(demo_task, [{"x": 1.0}], 3, out, workers=1, progress=False)
    before = out.read_bytes()
    # extend the grid: only the new pairs are run, old rows untouched
    run_sweep(demo_task, [{"x": 2.0}, {"x": 1.0}], 3, out, workers=1, progress=False)
    rows = read_sweep(out)
    assert [(r["x"], r["sample"]) for r in rows] == [(2.0, 0), (2.0, 1), (2.0, 2), (1.0, 0), (1.0, 1), (1.0, 2)]
    assert before.splitlines()[1:] == out.read_bytes().splitlines()[4:]
    with pytest.raises(ValueError, match="master_seed"):
        run_sweep(demo_task, [{"x": 1.0}], 3, out, workers=1, master_seed=1, progress=False)


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="workers"):
        run_sweep(demo_task, [{"x": 1.0}], 1, tmp_path / "a.csv", workers=0)
    with pytest.raises(ValueError, match="samples"):
        run_sweep(demo_task, [{"x": 1.0}], 0, tmp_path / "a.csv")
    with pytest.raises(ValueError, match="executor"):
        run_sweep(demo_task, [{"x": 1.0}], 1, tmp_path / "a.csv", executor="mpi")
    with pytest.raises(ValueError, match="grid"):
        run_sweep(demo_task, [{"x": 1.0}, {"x": 1.0}], 1, tmp_path / "a.csv")
    assert not (tmp_path / "a.csv").exists()


def test_dask_missing_is_clear_error(tmp_path):
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        with pytest.raises(ValueError, match="dask"):
            run_sweep(demo_task, [{"x": 1.0}], 2, tmp_path / "d.csv", executor="dask", progress=False)
    else:
        out = run_sweep(demo_task, [{"x": 1.0}], 2, tmp_path / "d.csv", executor="dask", progress=False)
        ref = run_sweep(demo_task, [{"x": 1.0}], 2, tmp_path / "l.csv", workers=1, progress=False)
        assert out.read_bytes() == ref.read_bytes()


_SCRIPT = textwrap.dedent("""
    import sys
    from hopfield_phases.montecarlo.sweep import demo_task, run_sweep
    grid = [{"x": float(x), "sleep": 0.05} for x in range(6)]
    run_sweep(demo_task, grid, 5, sys.argv[1], workers=2, master_seed=3, progress=False)
""")


def test_killed_sweep_resumes_every_row_once(tmp_path):
    out = tmp_path / "k.csv"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-c", _SCRIPT, str(out)], env=env, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:  # wait until some rows (but not all) are written
        if out.exists() and len(out.read_bytes().splitlines()) >= 6:
            break
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = read_sweep(out)
    assert 0 < len(partial) < 30
    subprocess.run([sys.executable, "-c", _SCRIPT, str(out)], env=env, check=True, timeout=120)
    rows = read_sweep(out)
    keys = [(r["x"], r["sample"]) for r in rows]
    assert keys == [(float(x), s) for x in range(6) for s in range(5)]  # each exactly once, sorted
    ref = run_sweep(demo_task, [{"x": float(x), "sleep": 0.05} for x in range(6)], 5,
                    tmp_path / "ref.csv", workers=1, master_seed=3, progress=False)
    assert out.read_bytes() == ref.read_bytes()
