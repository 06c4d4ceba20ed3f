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


# --------------------------------------------------------------------------- issue 14: output safety
def _grid(n=3, sleep=0.0):
    return [{"x": float(x), "sleep": sleep} if sleep else {"x": float(x)} for x in range(n)]


def test_out_json_is_refused_before_any_work(tmp_path):
    """Issue 14 item 1: the sidecar of X.json would be X.json itself."""
    with pytest.raises(ValueError, match=r"out: .*\.json"):
        run_sweep(demo_task, _grid(), 2, tmp_path / "r.json", workers=1, progress=False)
    assert not list(tmp_path.iterdir())


def test_out_directory_is_refused(tmp_path):
    with pytest.raises(IsADirectoryError, match="directory"):
        run_sweep(demo_task, _grid(), 2, tmp_path, workers=1, progress=False)


_HOLDER = textwrap.dedent("""
    import sys
    from hopfield_phases.montecarlo.sweep import demo_task, run_sweep
    grid = [{"x": float(x), "sleep": 0.4} for x in range(4)]
    run_sweep(demo_task, grid, 2, sys.argv[1], workers=1, master_seed=0, progress=False)
""")


def _wait_running(side, proc, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if json.loads(side.read_text()).get("status") == "running":
                return
        except (OSError, ValueError):
            pass
        assert proc.poll() is None, "holder sweep ended early"
        time.sleep(0.02)
    raise AssertionError("holder sweep did not start")


def test_second_writer_refused_and_identical_command_waits(tmp_path, capsys):
    """Issue 14 item 2: a second sweep with another grid is refused at once; the same sweep
    run twice waits for the first and then finds every row done."""
    from hopfield_phases.montecarlo.sweep import OutputLocked

    out = tmp_path / "lock.csv"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-c", _HOLDER, str(out)], env=env)
    try:
        _wait_running(out.with_suffix(".json"), proc)
        t0 = time.time()
        with pytest.raises(OutputLocked, match="another sweep .*different grid"):
            run_sweep(demo_task, [{"x": 9.0}], 2, out, workers=1, progress=False)
        assert time.time() - t0 < 10
        with pytest.raises(OutputLocked, match="same sweep"):
            run_sweep(demo_task, [{"x": float(x), "sleep": 0.4} for x in range(4)], 2, out,
                      workers=1, progress=False, wait=False)
        capsys.readouterr()
        run_sweep(demo_task, [{"x": float(x), "sleep": 0.4} for x in range(4)], 2, out, workers=1,
                  progress=False)  # waits, then resumes: nothing left to do
        assert "waiting for process" in capsys.readouterr().err
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    ref = run_sweep(demo_task, [{"x": float(x), "sleep": 0.4} for x in range(4)], 2,
                    tmp_path / "ref.csv", workers=2, progress=False)
    assert out.read_bytes() == ref.read_bytes()


# --------------------------------------------------------------------------- validated resume
def _damage(tmp_path, edit):
    """A complete clean sweep, damaged by ``edit(lines) -> lines``, then resumed."""
    grid = _grid(3)
    ref = run_sweep(demo_task, grid, 3, tmp_path / "ref.csv", workers=1, progress=False)
    out = tmp_path / "d.csv"
    run_sweep(demo_task, grid, 3, out, workers=1, progress=False)
    lines = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(b"".join(edit(lines)))
    run_sweep(demo_task, grid, 3, out, workers=1, progress=False)
    q = tmp_path / "d.quarantine.csv"
    return ref.read_bytes(), out.read_bytes(), (q.read_text() if q.exists() else "")


def test_resume_quarantines_duplicated_row(tmp_path):
    ref, got, q = _damage(tmp_path, lambda ls: ls[:3] + [ls[2]] + ls[3:])
    assert got == ref
    assert "duplicate" in q and q.count("\n") == 2


def test_resume_quarantines_conflicting_duplicates_and_recomputes(tmp_path):
    def edit(ls):
        bad = ls[2].replace(b",True", b",False") if b",True" in ls[2] else ls[2].replace(b",False", b",True")
        return ls + [bad]
    ref, got, q = _damage(tmp_path, edit)
    assert got == ref  # both copies quarantined, the pair recomputed
    assert q.count("conflicting") == 2


def test_resume_quarantines_junk_row_of_right_width(tmp_path):
    ref, got, q = _damage(tmp_path, lambda ls: ls[:4] + [b"junk,junk,junk,junk,junk\n"] + ls[4:])
    assert got == ref
    assert "junk,junk" in q


def test_resume_quarantines_corrupted_value(tmp_path):
    def edit(ls):
        fields = ls[5].decode().rstrip("\n").split(",")
        fields[2] = fields[2][:5] + "x" + fields[2][6:]  # u: a float with a letter in it
        return ls[:5] + [(",".join(fields) + "\n").encode()] + ls[6:]
    ref, got, q = _damage(tmp_path, edit)
    assert got == ref
    assert "numeric column" in q or "canonical" in q


def test_resume_quarantines_non_canonical_and_wrong_width_and_binary_rows(tmp_path):
    def edit(ls):
        fields = ls[3].decode().rstrip("\n").split(",")
        fields[0] = "1e999"  # x: not finite
        return ls[:3] + [(",".join(fields) + "\n").encode(), b"1.0,2\n", b"\xff\xfe\x00garbage\n"] + ls[4:]
    ref, got, q = _damage(tmp_path, edit)
    assert got == ref
    assert "not a finite" in q and "2 fields" in q and "UTF-8" in q


def test_resume_keeps_valid_rows_outside_the_grid(tmp_path):
    out = tmp_path / "o.csv"
    run_sweep(demo_task, [{"x": 5.0}], 2, out, workers=1, progress=False)
    run_sweep(demo_task, _grid(2), 2, out, workers=1, progress=False)
    keys = [(r["x"], r["sample"]) for r in read_sweep(out)]
    assert keys == [(0.0, 0), (0.0, 1), (1.0, 0), (1.0, 1), (5.0, 0), (5.0, 1)]
    assert not (tmp_path / "o.quarantine.csv").exists()


def test_binary_garbage_file_names_the_file(tmp_path):
    out = tmp_path / "g.csv"
    out.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ValueError, match=r"g\.csv is not a sweep CSV"):
        run_sweep(demo_task, _grid(), 1, out, workers=1, progress=False)
    assert out.read_bytes() == bytes(range(256)) * 4  # untouched


# --------------------------------------------------------------------------- workers die with parent
_ORPHAN = textwrap.dedent("""
    import sys
    from hopfield_phases.montecarlo.sweep import demo_task, run_sweep
    grid = [{"x": float(x), "sleep": 0.4} for x in range(40)]
    run_sweep(demo_task, grid, 1, sys.argv[1], workers=2, progress=False)
""")


def _children(pid):
    kids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[1]) == pid:
                kids.append(int(d.name))
    return kids


def _alive(pid):
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2:].split()[0] not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_pool_workers_die_with_killed_parent(tmp_path):
    """Issue 14 item 8: SIGKILL of a --workers 2 sweep must not orphan its workers."""
    out = tmp_path / "o.csv"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-c", _ORPHAN, str(out)], env=env)
    deadline = time.time() + 60
    kids = []
    while time.time() < deadline:
        kids = _children(proc.pid)
        if len(kids) >= 2 and out.exists() and len(out.read_bytes().splitlines()) >= 2:
            break
        time.sleep(0.05)
    assert len(kids) >= 2, "the pool did not start"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 5
    while time.time() < deadline and any(_alive(k) for k in kids):
        time.sleep(0.05)
    alive = [k for k in kids if _alive(k)]
    for k in alive:  # do not leave them behind if the test fails
        os.kill(k, signal.SIGKILL)
    assert not alive, f"orphaned workers {alive}"


# --------------------------------------------------------------------------- executors
def test_any_concurrent_futures_executor(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    grid = _grid(3)
    ref = run_sweep(demo_task, grid, 3, tmp_path / "ref.csv", workers=1, progress=False)
    with ThreadPoolExecutor(2) as pool:
        out = run_sweep(demo_task, grid, 3, tmp_path / "t.csv", executor=pool, progress=False)
    assert out.read_bytes() == ref.read_bytes()
    with pytest.raises(ValueError, match="executor"):
        run_sweep(demo_task, grid, 1, tmp_path / "x.csv", executor=object())
    with pytest.raises(ValueError, match="scheduler"):
        run_sweep(demo_task, grid, 1, tmp_path / "x.csv", scheduler="tcp://127.0.0.1:1")


def test_unreachable_dask_scheduler_fails_fast(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setenv("HOPFIELD_DASK_TIMEOUT", "1")
    t0 = time.time()
    with pytest.raises(OSError, match="scheduler: cannot reach"):
        run_sweep(demo_task, _grid(), 1, tmp_path / "x.csv", executor="dask",
                  scheduler="tcp://127.0.0.1:9", progress=False)
    assert time.time() - t0 < 10


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1,
                                       dashboard_address=None, silence_logs=50)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_local_cluster_gives_identical_bytes(tmp_path, dask_client):
    grid = _grid(4)
    ref = run_sweep(demo_task, grid, 3, tmp_path / "ref.csv", workers=1, progress=False)
    out = run_sweep(demo_task, grid, 3, tmp_path / "d.csv", executor=dask_client, progress=False)
    assert out.read_bytes() == ref.read_bytes()
    assert dask_client.status == "running"  # a client given by the caller is not closed
    # the same through client.get_executor() (a concurrent.futures.Executor)
    out2 = run_sweep(demo_task, grid, 3, tmp_path / "e.csv", executor=dask_client.get_executor(),
                     progress=False)
    assert out2.read_bytes() == ref.read_bytes()


def test_local_cluster_killed_worker_every_row_once(tmp_path, dask_client):
    import threading

    grid = [{"x": float(x), "sleep": 0.15} for x in range(8)]
    out = tmp_path / "k.csv"
    pids = list(dask_client.run(os.getpid).values())
    killed = []

    def killer():
        deadline = time.time() + 30
        while time.time() < deadline:
            if out.exists() and len(out.read_bytes().splitlines()) >= 4:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])
                return
            time.sleep(0.02)

    th = threading.Thread(target=killer)
    th.start()
    run_sweep(demo_task, grid, 2, out, executor=dask_client, progress=False)
    th.join()
    assert killed, "no worker was killed"
    ref = run_sweep(demo_task, grid, 2, tmp_path / "ref.csv", workers=2, progress=False)
    assert out.read_bytes() == ref.read_bytes()
    keys = [(r["x"], r["sample"]) for r in read_sweep(out)]
    assert len(keys) == len(set(keys)) == 16


def test_slurm_cluster_job_script(tmp_path):
    """The documented dask-jobqueue route (module docstring of montecarlo.sweep): the cluster
    object and its job script, without submitting anything."""
    jobqueue = pytest.importorskip("dask_jobqueue")
    cluster = jobqueue.SLURMCluster(cores=1, processes=1, memory="2GB", walltime="01:00:00",
                                    queue="normal", scheduler_options={"dashboard_address": ":0"})
    try:
        script = cluster.job_script()
    finally:
        cluster.close()
    assert "#SBATCH -p normal" in script and "#SBATCH -t 01:00:00" in script
    assert "#SBATCH --mem=" in script and "distributed.cli.dask_worker" in script
    import hopfield_phases.montecarlo.sweep as sw
    assert "SLURMCluster(" in sw.__doc__ and "executor=client" in sw.__doc__
