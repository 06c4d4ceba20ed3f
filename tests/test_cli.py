"""The command line's grammar (issue 13 item 6): one range type, one meaning of --out,
--workers/--quiet wherever a sweep runs, every default in --help, no silent defaults for
`theory ts point`, and the matplotlib backend set by the CLI only."""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hopfield_phases.compare.cli import build_parser, main

REPO = Path(__file__).resolve().parent.parent


def _subparsers(parser, path=()):
    """Every (path, parser) of the command tree."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _subparsers(sub, path + (name,))


def _leaf_parsers():
    return [(p, sp) for p, sp in _subparsers(build_parser())
            if not any(isinstance(a, argparse._SubParsersAction) for a in sp._actions)]


def test_every_default_is_shown_once_in_help():
    checked = 0
    for path, parser in _leaf_parsers():
        formatter = parser._get_formatter()
        for action in parser._actions:
            if not action.option_strings or action.nargs == 0 or action.required:
                continue
            if action.help is argparse.SUPPRESS:
                continue
            text = formatter._expand_help(action) if action.help else ""
            assert "default" in text.lower(), (path, action.option_strings, text)
            assert text.count("(default:") <= 1, (path, action.option_strings, text)
            checked += 1
    assert checked > 100


def test_help_shows_concrete_defaults(capsys):
    assert main(["simulate", "ts", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: 600)" in text and "(default: planted)" in text and "(default: local)" in text
    assert main(["theory", "ts", "rN", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: 2.0,2.5,3.0)" in text


def test_workers_and_quiet_wherever_a_sweep_runs():
    leaves = dict(_leaf_parsers())
    sweeping = [("simulate", "rfhm"), ("simulate", "ts"), ("reproduce",),
                ("figure", "rfhm-fig1"), ("figure", "rfhm-fig3a"), ("figure", "rfhm-fig3b")]
    for path in sweeping:
        opts = {o for a in leaves[path]._actions for o in a.option_strings}
        assert {"--workers", "--quiet"} <= opts, path
    for path, parser in leaves.items():  # --quiet on every figure
        if path[0] == "figure":
            assert any("--quiet" in a.option_strings for a in parser._actions), path


def test_out_means_a_file_for_tables_and_a_folder_for_figures():
    leaves = dict(_leaf_parsers())
    for path, parser in leaves.items():
        for a in parser._actions:
            if "--out" not in a.option_strings:
                continue
            text = (a.help or "").lower()
            if path[0] in ("theory", "simulate", "sparse-scaling"):  # commands that write tables
                assert "csv file" in text and "sidecar" in text, path
            else:
                assert "folder" in text, path


def test_one_range_type_everywhere(tmp_path, capsys):
    # simulate ts --alpha with :log (issue 13: failed before)
    out = tmp_path / "ts.csv"
    assert main(["simulate", "ts", "--p", "3", "--N", "12", "--alpha", "1:4:3:log", "--T", "2",
                 "--T-teacher", "2", "--sweeps", "5", "--workers", "1", "--quiet",
                 "--out", str(out)]) == 0
    from hopfield_phases.montecarlo.sweep import read_sweep

    assert sorted({r["alpha"] for r in read_sweep(out)}) == pytest.approx([1.0, 2.0, 4.0])
    capsys.readouterr()
    assert main(["theory", "ts", "point", "--p", "3", "--alpha", "4:6:2:log", "--T", "2",
                 "--format", "json"]) == 0
    assert [r["alpha"] for r in json.loads(capsys.readouterr().out)] == pytest.approx([4.0, 6.0])
    assert main(["theory", "rfhm", "learning-line", "--alpha-D", "0.01:0.1:3:log"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 4
    assert main(["theory", "rfhm", "learning-line", "--alpha-D", "0.01,0.02", "0.05"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 4
    assert main(["theory", "ts", "thresholds", "--p", "3:4:2"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 3
    assert main(["theory", "hopfield", "--lines", "spin_glass", "--alphas", "0:0.1:3"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 4
    # the same error everywhere
    for argv in (["theory", "ts", "point", "--alpha", "1:2", "--T", "1"],
                 ["theory", "rfhm", "learning-line", "--alpha-D", "1:2"],
                 ["simulate", "rfhm", "--N", "10", "--alpha-D", "0.1", "--alpha", "1:2",
                  "--out", str(tmp_path / "x.csv")]):
        assert main(argv) == 2
        assert "START:STOP:NUM[:log] or a comma list" in capsys.readouterr().err


def test_theory_ts_point_has_no_silent_defaults(capsys):
    assert main(["theory", "ts", "point", "--p", "3"]) == 2
    err = capsys.readouterr().err
    assert "--alpha" in err and "--T" in err and "required" in err


def test_theory_out_writes_a_table_with_sidecar(tmp_path, capsys):
    out = tmp_path / "thr.csv"
    assert main(["theory", "ts", "thresholds", "--p", "3", "--out", str(out)]) == 0
    assert out.read_text().startswith("p,lambda_sp")
    assert json.loads(out.with_suffix(".json").read_text())["command"].startswith("hopfield-phases")
    assert main(["theory", "ts", "thresholds", "--p", "3", "--out", str(tmp_path / "t.json")]) == 2
    assert ".json" in capsys.readouterr().err


def test_plotting_does_not_set_the_backend(tmp_path):
    code = ("import matplotlib; matplotlib.use('svg'); "
            "import hopfield_phases.compare.plotting; import hopfield_phases.compare.figures as f; "
            "f.registry(); print(matplotlib.get_backend())")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HOME": str(tmp_path),
           "MPLCONFIGDIR": str(tmp_path)}
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120, cwd=REPO)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().lower() == "svg"
    code = ("import matplotlib; matplotlib.use('svg'); from hopfield_phases.compare.cli import main; "
            "main(['theory', 'ts', 'thresholds', '--p', '3']); print(matplotlib.get_backend())")
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120, cwd=REPO)
    assert res.stdout.strip().splitlines()[-1].lower() == "agg"
