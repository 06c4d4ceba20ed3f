"""The gallery's compact agreement tables (compare.report): rows labelled with their context,
long tables cut to the rows that have a theory value."""

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from hopfield_phases._core.tables import write_table  # noqa: E402
from hopfield_phases.compare import report  # noqa: E402


def _fake_figure(out, name, rows):
    (out / name).mkdir(parents=True)
    fig, ax = plt.subplots()
    fig.savefig(out / name / f"{name}.png")
    plt.close(fig)
    write_table(out / name / f"{name}_agreement.csv", rows, command="test", seed=0)


def test_compact_labels_rows_with_their_context():
    rows = [dict(quantity="basin edge", simulation=0.3, ci_low=0.2, ci_high=0.4, theory=0.35,
                 p=3, path="nishimori", regime="eR", N=N, q0="") for N in (64, 128)]
    out = report._compact(rows)
    assert out[0]["quantity"] == "basin edge (p=3, path=nishimori, regime=eR, N=64)"
    named = report._compact([dict(rows[0], quantity="D_gen at N=64")] + rows[1:])
    assert named[0]["quantity"] == "D_gen at N=64 (p=3, path=nishimori, regime=eR)"  # not twice
    one_N = report._compact(rows[:1])  # a single N says nothing: left out
    assert one_N[0]["quantity"] == "basin edge (p=3, path=nishimori, regime=eR)"


def test_gallery_keeps_theory_rows_of_long_tables(tmp_path):
    n_sim = report.GALLERY_MAX_ROWS + 5
    rows = ([dict(quantity="median time", simulation=float(k), ci_low=0.0, ci_high=9.0,
                  theory=math.nan, N=k) for k in range(n_sim)]
            + [dict(quantity="edge", simulation=0.5, ci_low=0.4, ci_high=0.6, theory=0.45, N=1)])
    out = tmp_path / "out"
    _fake_figure(out, "ts-tradeoff", rows)
    _fake_figure(out, "ts-fig4", rows[-3:])
    text = report.write_gallery(out, tmp_path / "g.md", size="paper").read_text()
    long_part = text.split("## ts-tradeoff")[1]
    assert f"Shown: the 1 rows with a theory value; the other {n_sim}" in long_part
    assert "median time" not in long_part and "| edge | 0.5 [0.4, 0.6] | 0.45 |" in long_part
    short_part = text.split("## ts-fig4")[1].split("## ")[0]
    assert short_part.count("median time") == 2  # short tables are shown whole
