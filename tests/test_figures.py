"""Figures end to end at size tiny, rebuild-from-CSV equality, reproduce/report and the
reference datasets of data/."""

from pathlib import Path

import numpy as np
import pytest

from hopfield_phases.compare import figures
from hopfield_phases.compare.cli import main
from hopfield_phases._core.tables import read_table

REPO = Path(__file__).resolve().parent.parent
ALL = list(figures.registry())
#: figures that simulate and can be redrawn from their CSV (option ``from_csv``).
SIMULATED = [n for n in ("rfhm-fig1", "rfhm-fig3a", "rfhm-fig3b", "ts-landscape") if n in ALL]


def _png_pixels(path):
    import matplotlib.image as mpimg

    return mpimg.imread(path)


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    """Every registered figure drawn once at size tiny (shared by the tests below)."""
    out = tmp_path_factory.mktemp("tiny")
    results = {}
    for name, fig in figures.registry().items():
        kwargs = {"workers": 1} if name in SIMULATED else {}
        results[name] = fig.build(out / name, size="tiny", seed=0, **kwargs)
    return out, results


@pytest.mark.parametrize("name", ALL)
def test_figure_tiny_writes_its_files(tiny_dir, name):
    out, results = tiny_dir
    d = out / name
    for suffix in (".png", ".pdf", ".csv", ".json"):
        f = d / f"{name}{suffix}"
        assert f.exists() and f.stat().st_size > 0, f
    rows, meta = read_table(d / f"{name}.csv")
    assert rows, "the CSV of what is plotted is empty"
    assert meta.get("command") and "date" in meta
    assert set(map(Path, results[name].files)) >= {d / f"{name}.png", d / f"{name}.pdf"}


@pytest.mark.parametrize("name", SIMULATED)
def test_simulated_figures_write_agreement(tiny_dir, name):
    out, results = tiny_dir
    rows, meta = read_table(out / name / f"{name}_agreement.csv")
    assert rows and {"quantity", "simulation", "ci_low", "ci_high", "theory", "variant",
                     "relative_difference"} <= set(rows[0])
    assert any(np.isfinite(r["theory"]) for r in rows)
    assert results[name].agreement


@pytest.mark.parametrize("name", SIMULATED)
def test_rebuilt_from_csv_equals_fresh(tiny_dir, tmp_path, name):
    """Same seed, fresh data -> same CSV and same PNG; redraw from the CSV -> same PNG."""
    out, _ = tiny_dir
    fig = figures.get(name)
    fresh = tmp_path / "fresh"
    fig.build(fresh, size="tiny", seed=0, workers=1)
    a, b = out / name / f"{name}.csv", fresh / f"{name}.csv"
    assert a.read_bytes() == b.read_bytes()
    assert (out / name / f"{name}.png").read_bytes() == (fresh / f"{name}.png").read_bytes()
    rebuilt = tmp_path / "rebuilt"
    fig.build(rebuilt, size="tiny", seed=0, from_csv=b)
    assert (rebuilt / f"{name}.csv").read_bytes() == b.read_bytes()
    assert (rebuilt / f"{name}.png").read_bytes() == (fresh / f"{name}.png").read_bytes()
    np.testing.assert_array_equal(_png_pixels(rebuilt / f"{name}.png"), _png_pixels(fresh / f"{name}.png"))
    assert (rebuilt / f"{name}_agreement.csv").exists()
    assert not (rebuilt / "sweeps").exists(), "a redraw from the CSV must not simulate"


def test_reproduce_and_report_reuse_cache(tmp_path, monkeypatch, capsys):
    name = "rfhm-fig1"
    assert main(["reproduce", "--size", "tiny", "--only", name, "--out", str(tmp_path),
                 "--workers", "1"]) == 0
    text = capsys.readouterr().out
    assert f"[1/1] {name}" in text and "report:" in text
    report = (tmp_path / "report.md").read_text()
    assert f"## {name}" in report and "| quantity |" in report and "Wall time" in report
    sweep = next((tmp_path / name / "sweeps").glob("*.csv"))
    before = sweep.read_bytes()

    # a rerun must reuse every finished simulation row: the task may not be called
    from hopfield_phases.montecarlo import rfhm as mc_rfhm

    def boom(*a, **k):
        raise AssertionError("simulation rerun although cached")

    monkeypatch.setattr(mc_rfhm, "sample_task", boom)
    assert main(["reproduce", "--size", "tiny", "--only", name, "--out", str(tmp_path),
                 "--workers", "1"]) == 0
    assert sweep.read_bytes() == before
    # report alone regenerates the markdown from the stored tables
    (tmp_path / "report.md").unlink()
    assert main(["report", "--out", str(tmp_path)]) == 0
    assert f"## {name}" in (tmp_path / "report.md").read_text()


def test_reproduce_rejects_unknown_figure(tmp_path, capsys):
    assert main(["reproduce", "--only", "no-such-figure", "--out", str(tmp_path)]) == 2
    assert "figure must be one of" in capsys.readouterr().err


def test_reference_datasets_regenerate_at_tiny_size(tmp_path):
    """data/ holds the quick-size reference tables; the same code path regenerates them
    (here at size tiny) with the same columns and provenance fields."""
    from hopfield_phases.compare.commands.reproduce import export_reference_data

    committed = sorted((REPO / "data").glob("ref_*.csv"))
    assert committed, "no reference datasets in data/"
    out = tmp_path / "figs"
    written = export_reference_data(out, tmp_path / "data", size="tiny", seed=0, workers=1,
                                    names=[p.stem[len("ref_"):].replace("_", "-") for p in committed])
    assert sorted(p.name for p in written) == [p.name for p in committed]
    for ref in committed:
        new_rows, new_meta = read_table(tmp_path / "data" / ref.name)
        old_rows, old_meta = read_table(ref)
        assert list(new_rows[0]) == list(old_rows[0])
        assert old_meta["size"] == "quick" and new_meta["size"] == "tiny"
        for key in ("command", "version", "git_commit", "seed", "date"):
            assert key in old_meta
        assert {r["series"] for r in new_rows} <= {r["series"] for r in old_rows}


@pytest.mark.parametrize("kind", ["hopfield", "rfhm", "ts"])
def test_overlays_tiny(tmp_path, kind):
    """Each overlay simulates (cached), returns plottable rows and draws them onto an Axes."""
    from hopfield_phases.compare import overlays
    from hopfield_phases.compare.plotting import new_figure, save_figure

    rows, agreement = getattr(overlays, f"{kind}_points")(tmp_path, "tiny", 0, workers=1)
    assert rows and all(r["overlay"] == kind for r in rows)
    fig, ax = new_figure()
    n_before = len(ax.collections) + len(ax.containers)
    getattr(overlays, f"draw_{kind}_points")(ax, rows)
    assert len(ax.collections) + len(ax.containers) > n_before
    save_figure(fig, tmp_path, kind)
    if kind != "ts":
        assert agreement and np.isfinite(agreement[0]["theory"])
    assert list((tmp_path / "sweeps").glob(f"overlay-{kind}_tiny.csv"))


def test_gallery_from_tiny_run(tiny_dir, tmp_path):
    from hopfield_phases.compare.report import write_gallery

    out, _ = tiny_dir
    md = write_gallery(out, tmp_path / "gallery.md", size="tiny")
    text = md.read_text()
    for name in ALL:
        assert f"## {name}" in text and (tmp_path / "figures" / f"{name}.png").exists()
        assert f"hopfield-phases figure {name} --size tiny" in text
    assert "theory in interval" in text


@pytest.mark.parametrize("name", ["rfhm_fig1", "rfhm_fig3a", "rfhm_fig3b"])
@pytest.mark.parametrize("size", ["tiny", "quick", "paper"])
def test_simulation_grids_are_valid(name, size):
    """Every grid point of every size passes run_sample's own checks (int32 limit N P < 2^31,
    L <= D, memory) before anything long is started."""
    import importlib

    from hopfield_phases.montecarlo.rfhm import validate_parameters

    mod = importlib.import_module(f"hopfield_phases.compare.figures.{name}")
    for p in mod.grid(size):
        validate_parameters(p["N"], p["alpha"], p["alpha_D"], p["L_train"],
                            tuple(p["L_test"]), p["coefficients"])


def test_overlay_one_call_writes_tables(tmp_path):
    from hopfield_phases.compare import overlays
    from hopfield_phases.compare.plotting import new_figure

    fig, ax = new_figure()
    files, agreement = overlays.overlay("hopfield", ax, tmp_path, "hopfield-phase-diagram", "tiny",
                                        0, workers=1)
    names = {p.name for p in files}
    assert names == {"hopfield-phase-diagram_simulation.csv", "hopfield-phase-diagram_agreement.csv"}
    rows, meta = read_table(tmp_path / "hopfield-phase-diagram_simulation.csv")
    assert rows and meta["seed"] == 0 and agreement
    with pytest.raises(ValueError, match="^kind"):
        overlays.overlay("nope", ax, tmp_path, "x", "tiny")


# ------------------------------------------------------------------ figures from `simulate` CSVs
@pytest.fixture(scope="module")
def rfhm_sim_csv(tmp_path_factory):
    """A CSV of the README's `simulate rfhm` command at a tiny size (sparse L = 3, L_test 3,5,7)."""
    out = tmp_path_factory.mktemp("sim") / "fig1.csv"
    rc = main(["simulate", "rfhm", "--N", "600", "--alpha-D", "0.02", "--alpha", "0.02:2:4:log",
               "--L-train", "3", "--L-test", "3,5,7", "--samples", "2", "--workers", "1",
               "--quiet", "--out", str(out)])
    assert rc == 0
    return out


@pytest.mark.parametrize("name", ["rfhm-fig1", "rfhm-fig3a"])
def test_figure_from_simulate_rfhm_csv(rfhm_sim_csv, tmp_path, name):
    """`simulate rfhm --out X.csv` then `figure NAME --from-csv X.csv` draws the simulated
    points (montecarlo.rfhm owns the column layout both sides read)."""
    from hopfield_phases.montecarlo.rfhm import m_test_column
    from hopfield_phases.montecarlo.sweep import read_sweep

    sim = read_sweep(rfhm_sim_csv)
    assert {"mu", "m_train", "converged", m_test_column(3), m_test_column(7)} <= set(sim[0])
    out = tmp_path / "fig"
    assert main(["figure", name, "--from-csv", str(rfhm_sim_csv), "--out", str(out)]) == 0
    rows, meta = read_table(out / f"{name}.csv")
    pts = [r for r in rows if r["kind"] == "simulation" and np.isfinite(r["y"])]
    assert len(pts) >= 4 * 2  # 4 alphas, at least mu and one m_test series
    assert meta["parameters"]["N"] == 600 and meta["parameters"]["from_csv"] == str(rfhm_sim_csv)
    assert {r["series"] for r in pts} >= {"mu", "m_test_L3" if name == "rfhm-fig1" else "m_test"}
    agr, _ = read_table(out / f"{name}_agreement.csv")
    assert agr and {"n_boot_failed", "unconverged_excluded"} <= set(agr[0])
    assert (out / f"{name}.png").stat().st_size > 0
    assert not (out / "sweeps").exists()


def test_figure_rfhm_fig3b_from_simulate_csv(tmp_path):
    out = tmp_path / "dense.csv"
    assert main(["simulate", "rfhm", "--N", "300", "--alpha-D", "0.01,0.02,0.03", "--alpha", "0.5",
                 "--coefficients", "dense", "--L-test", "dense", "--samples", "2", "--workers", "1",
                 "--quiet", "--out", str(out)]) == 0
    assert main(["figure", "rfhm-fig3b", "--size", "tiny", "--from-csv", str(out), "--out",
                 str(tmp_path / "fig")]) == 0
    rows, _ = read_table(tmp_path / "fig" / "rfhm-fig3b.csv")
    pts = [r for r in rows if r["kind"] == "simulation"]
    assert len(pts) == 1 and pts[0]["series"] == "dense" and pts[0]["x"] == 300


def test_figure_ts_landscape_from_simulate_csv(tmp_path):
    out = tmp_path / "land.csv"
    assert main(["simulate", "ts-landscape", "--p", "3", "--N", "12", "--alpha", "3", "--T", "3",
                 "--T-teacher", "3", "--windows", "0:1:6", "--sweeps", "100", "--equilibration",
                 "10", "--out", str(out)]) == 0
    sim, _ = read_table(out)
    assert main(["figure", "ts-landscape", "--from-csv", str(out), "--out", str(tmp_path / "f")]) == 0
    rows, _ = read_table(tmp_path / "f" / "ts-landscape.csv")
    mc = [r for r in rows if r["series"] == "mc"]
    assert len(mc) == len(sim) and any(r["series"] == "r_sample" for r in rows)
    # the figure's reduction and the command report the same agreement metric
    agr, _ = read_table(tmp_path / "f" / "ts-landscape_agreement.csv")
    cmd, _ = read_table(tmp_path / "land_agreement.csv")
    rs = next(r for r in agr if r["variant"] == "r_sample")
    assert rs["rms_after_shift"] == pytest.approx(cmd[0]["theory_rsample_rms"], rel=1e-9, nan_ok=True)


def test_figure_from_wrong_csv_is_an_error(rfhm_sim_csv, tmp_path, capsys):
    """A CSV without the needed columns, or another figure's table, is an error (exit 2),
    never a figure with empty axes."""
    from hopfield_phases._core.tables import write_table

    bad = write_table(tmp_path / "bad.csv", [dict(alpha=0.1, m_test_L3=0.5, N=600)], command="x",
                      seed=0, description="")
    for name, src in (("rfhm-fig1", bad), ("rfhm-fig3b", rfhm_sim_csv), ("ts-landscape", rfhm_sim_csv),
                      ("rfhm-fig3a", bad)):
        out = tmp_path / name
        assert main(["figure", name, "--from-csv", str(src), "--out", str(out)]) == 2, name
        err = capsys.readouterr().err
        assert "from_csv" in err, err
        assert not (out / f"{name}.png").exists()
    # the plotted table of another figure
    assert main(["figure", "rfhm-fig1", "--from-csv", str(rfhm_sim_csv), "--out",
                 str(tmp_path / "ok")]) == 0
    assert main(["figure", "rfhm-fig3a", "--from-csv", str(tmp_path / "ok" / "rfhm-fig1.csv"),
                 "--out", str(tmp_path / "other")]) == 2
    assert "another figure" in capsys.readouterr().err


def test_hopfield_task_lives_in_montecarlo():
    """The AGS overlay simulation is a montecarlo task (compare only reduces and draws)."""
    from hopfield_phases.compare import overlays
    from hopfield_phases.montecarlo.hopfield import hopfield_task

    assert not hasattr(overlays, "hopfield_task")
    ss = np.random.SeedSequence(3)
    a = hopfield_task(dict(N=200, alpha=0.05, T=0.0), 0, ss)
    b = hopfield_task(dict(N=200, alpha=0.05, T=0.0), 0, np.random.SeedSequence(3))
    assert a == b and a["P"] == 10 and a["converged"] and a["m"] > 0.95  # well below alpha_c
    hot = hopfield_task(dict(N=200, alpha=0.05, T=2.0, sweeps=20), 0, ss)
    assert abs(hot["m"]) < 0.3  # paramagnet above T = 1
    with pytest.raises(ValueError, match="^T"):
        hopfield_task(dict(N=200, alpha=0.05, T=-1.0), 0, ss)
