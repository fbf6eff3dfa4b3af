"""The Markdown report: the numbers of the table, the versions, working figure links."""

import re
import warnings

import matplotlib.image
import matplotlib.pyplot as plt
import pytest

from skmnistnoise import library_versions
from skmnistnoise.experiment import COLUMNS, EPOCH_COLUMNS, SweepResults
from skmnistnoise.report import FIGURES, save_figures, write_report

SCALES = (0.0, 0.5, 2.0)
SETTINGS = {
    "dataset": "digits",
    "models": ["mlp", "convnet"],
    "noises": ["additive"],
    "scales": list(SCALES),
    "epochs": 3,
    "seed": 7,
    "protocol": "notebooks",
    "command": "skmnistnoise sweep --epochs 3 --seed 7",
}


def _row(model, scale, fold, test, train):
    """A row with every column of a real sweep's table, with chosen numbers."""
    row = dict.fromkeys(COLUMNS, 0)
    row.update(
        dataset="digits",
        model=model,
        noise="additive",
        protocol="notebooks",
        scale=scale,
        pixel_scale=scale * 0.25 if model == "mlp" else scale,
        fold=fold,
        train_accuracy=train,
        test_accuracy=test,
        train_loss=0.5,
        test_loss=1.25 + scale,
        epochs=3,
        seed=7,
        n_train=1347,
        n_test=450,
        key=f"{model}-{scale}-{fold}",
    )
    row.update({c: [] for c in EPOCH_COLUMNS})
    row["epoch_train_accuracy"] = [0.5, 0.75, train - 0.01]
    row["epoch_test_accuracy"] = [0.25, 0.5, test]
    return row


@pytest.fixture(scope="module")
def results():
    """Two models, three scales, one fold; accuracies with five decimals."""
    rows = []
    for i, scale in enumerate(SCALES):
        rows.append(_row("mlp", scale, 0, test=0.91234 - 0.2 * i, train=0.99876))
        rows.append(_row("convnet", scale, 0, test=0.93216 - 0.3 * i, train=0.95))
    return SweepResults(rows, n_computed=4, n_cached=2, wall_time=83.0)


@pytest.fixture(scope="module")
def report(results, digits, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    figures = save_figures(results, out, digits.data[-20:])
    path = write_report(results, out, settings=SETTINGS, figures=figures)
    return path, path.read_text(encoding="utf-8"), figures


def _table_line(text, *cells):
    start = "| " + " | ".join(cells) + " |"
    (line,) = [line for line in text.splitlines() if line.startswith(start)]
    return line


def test_report_holds_the_table_values(report, results):
    path, text, _ = report
    assert path.name == "report.md"
    for row in results:
        name = {"mlp": "MLP", "convnet": "ConvNet"}[row["model"]]
        line = _table_line(text, name, "additive", f"{row['scale']:g}")
        assert f"| {row['test_accuracy']:.4f} |" in line
        assert f"| {row['train_accuracy']:.4f} |" in line
        assert f"| {row['pixel_scale']:g} |" in line  # the pixel-unit scale
    line = _table_line(text, "MLP", "additive", "0")
    # One fit: its accuracy with the binomial interval on its n_test images.
    assert "| 0.9123 | [0.8826, 0.9351] (binomial) | 0.9988 |" in line


def test_report_shows_mean_and_std_over_folds(results, tmp_path):
    rows = [dict(r) for r in results.select(model="mlp", scale=0.0)]
    second = dict(rows[0], fold=1, test_accuracy=0.71234)
    path = write_report(SweepResults([*rows, second]), tmp_path, settings={})
    line = _table_line(path.read_text(), "MLP", "additive", "0")
    # The mean of 0.91234 and 0.71234, and Student's t 95% interval of the mean
    # over the two fits, 0.8123 +- 12.706 * 0.1414 / sqrt(2), cut to [0, 1].
    assert "| 0.8123 | [0.0000, 1.0000] |" in line
    assert line.endswith("| 2 (2 folds x 1 seed) |")


def test_report_lists_settings_versions_and_run(report):
    _, text, _ = report
    for name, version in library_versions().items():
        assert f"| {name} | {version} |" in text
    for name in ("python", "numpy", "scikit-learn", "keras", "tensorflow", "scikeras"):
        assert f"| {name} |" in text
    assert "| command line | `skmnistnoise sweep --epochs 3 --seed 7` |" in text
    assert "| seed | 7 |" in text and "| protocol | notebooks |" in text
    assert "| scales | 0, 0.5, 2 |" in text
    assert "| models | MLP, ConvNet |" in text
    assert "wall time: 1m23s" in text
    assert "4 trained in this run, 2 read from the result store" in text


def test_report_per_epoch_table_at_the_largest_scale(report):
    _, text, _ = report
    assert "MLP additive s=2 validation" in text
    # Epoch 3 of the MLP at scale 2: train 0.98876, validation 0.51234.
    assert re.search(r"^\| 3 \| 0\.9888 \| 0\.5123 \|", text, re.MULTILINE)


def test_report_figure_links_exist(report):
    path, text, figures = report
    links = re.findall(r"!\[(?:\\.|[^\]\\])*\]\(([^)]+)\)", text)
    assert sorted(links) == sorted(p.name for p in figures.values())
    for link in links:
        assert (path.parent / link).is_file()
    assert set(figures) == {
        "samples",
        "accuracy_vs_scale",
        "accuracy_vs_epoch",
        "model_comparison",
    }


def test_report_notes_say_what_each_number_means(report):
    _, text, _ = report
    notes = text.split("## Notes", 1)[1]
    assert "fresh" in notes and "re-fitted one model" in notes
    assert "training data it was trained on" in notes
    assert "pixel standard deviations" in notes and "pixel_scale" in notes


def test_save_figures_writes_pngs_and_closes_them(results, tmp_path):
    before = plt.get_fignums()
    paths = save_figures(results, tmp_path, dpi=50)
    assert "samples" not in paths  # no images given
    for path in paths.values():
        assert path.parent == tmp_path and path.suffix == ".png"
        height, width, _ = matplotlib.image.imread(path).shape
        assert 200 < width < 1000 and 100 < height < 1000  # dpi 50
    assert plt.get_fignums() == before


def _section(text, heading):
    """The text under a ``## `` heading, up to the next one."""
    return text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def test_report_takes_the_tables_settings_unless_given(results, tmp_path):
    table = SweepResults(list(results), settings=dict(SETTINGS))
    # A Python user's table carries its settings: the report shows them.
    text = write_report(table, tmp_path / "own").read_text()
    assert "| command line | `skmnistnoise sweep --epochs 3 --seed 7` |" in text
    assert "| seed | 7 |" in text
    # Explicit settings win over the table's.
    text = write_report(
        table, tmp_path / "given", settings={"command": "skmnistnoise report out"}
    ).read_text()
    assert "| command line | `skmnistnoise report out` |" in text
    assert "--seed 7" not in text
    # A table without settings: the settings come from its rows.
    text = write_report(list(results), tmp_path / "rows").read_text()
    assert "| models | ConvNet, MLP |" in text and "command line" not in text


def test_report_has_a_table_per_scorer(results, tmp_path):
    rows = [
        dict(r, test_f1_macro=r["test_accuracy"] - 0.05, train_f1_macro=0.5)
        for r in results
    ]
    text = write_report(SweepResults(rows), tmp_path, settings={}).read_text()
    accuracy = _section(text, "## Accuracy by model, noise and scale")
    f1 = _section(text, "## `f1_macro` by model, noise and scale")
    assert text.index("## Accuracy by") < text.index("## `f1_macro` by")
    assert "| test f1_macro | 95% interval | train f1_macro |" in f1
    for row in rows:
        name = {"mlp": "MLP", "convnet": "ConvNet"}[row["model"]]
        cells = (name, "additive", f"{row['scale']:g}")
        assert f"| {row['test_accuracy']:.4f} |" in _table_line(accuracy, *cells)
        line = _table_line(f1, *cells)
        assert f"| {row['test_f1_macro']:.4f} |" in line and "| 0.5000 |" in line
        assert "binomial" not in line  # an F1 score is not a fraction of images


def test_report_of_one_other_scorer_has_no_accuracy_table(results, tmp_path):
    rows = [
        {k: v for k, v in r.items() if not k.endswith("_accuracy")}
        | {"test_f1_macro": 0.75, "train_f1_macro": 0.8}
        for r in results
    ]
    text = write_report(SweepResults(rows), tmp_path, settings={}).read_text()
    assert "## Accuracy by" not in text and "nan" not in text
    line = _table_line(_section(text, "## `f1_macro` by model, noise and scale"),
                       "MLP", "additive", "0")  # fmt: skip
    assert "| 0.7500 |  | 0.8000 |" in line


def test_save_figures_draws_with_the_displays_not_the_shortcuts(
    results, digits, tmp_path, monkeypatch
):
    import skmnistnoise.plotting

    def shortcut(*args, **kwargs):
        raise AssertionError("save_figures called a plot_* shortcut")

    for name in skmnistnoise.plotting.__all__:
        if name.startswith("plot_"):
            monkeypatch.setattr(skmnistnoise.plotting, name, shortcut)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        warnings.simplefilter("error", DeprecationWarning)
        paths = save_figures(results, tmp_path, digits.data[-20:], dpi=50)
    assert list(paths) == [n for n in FIGURES if n in paths]  # the report's order
    assert set(paths) == set(FIGURES) - {"robustness_matrix", "certified_accuracy"}
    # The model comparison: accuracy and test loss side by side, 13 x 4.8 inches.
    height, width, _ = matplotlib.image.imread(paths["model_comparison"]).shape
    assert (width, height) == (13 * 50, 4.8 * 50)


def test_save_figures_draws_a_robustness_matrix_per_arm(tmp_path):
    rows = [
        {
            "dataset": "digits",
            "model": model,
            "noise": "additive",
            "protocol": "pixel",
            "scale": scale,
            "pixel_scale": scale,
            "fold": 0,
            "train_accuracy": 0.9,
            "test_accuracy": 0.8,
            "test_scales": [0.0, 1.0],
            "test_accuracy_at": [0.8, 0.5 + scale / 4],
        }
        for model in ("mlp", "convnet")
        for scale in (0.0, 1.0)
    ]
    paths = save_figures(rows, tmp_path, dpi=50)
    # Two matrices in a row, each 1.1 * 2 + 3.2 inches wide: MLP's and ConvNet's.
    height, width, _ = matplotlib.image.imread(paths["robustness_matrix"]).shape
    assert (width, height) == (2 * 5.4 * 50, 3.5 * 50)
    text = write_report(rows, tmp_path, figures=paths).read_text()
    assert f"![{FIGURES['robustness_matrix']}](robustness_matrix.png)" in text


def _robustness_rows(models):
    return [
        {"dataset": "d", "model": m, "noise": "additive", "protocol": "pixel",
         "scale": s, "test_accuracy": a, "train_accuracy": a}
        for m, accs in models.items()
        for s, a in zip([0.0, 1.0, 2.0], accs)
    ]  # fmt: skip


def test_relative_corruption_errors_only_against_a_baseline_in_the_study(tmp_path):
    from skmnistnoise.experiment import SweepResults
    from skmnistnoise.report._sweep_sections import _robustness_table

    alone = _robustness_table(SweepResults(_robustness_rows({"mlp": [0.9, 0.6, 0.3]})))
    assert "CE vs" not in alone and "1.000" not in alone
    without = _robustness_table(
        SweepResults(_robustness_rows({"convnet": [0.95, 0.8, 0.5]}))
    )
    assert "CE vs" not in without
    both = _robustness_table(
        SweepResults(
            _robustness_rows({"mlp": [0.9, 0.6, 0.3], "convnet": [0.95, 0.8, 0.5]})
        )
    )
    assert "CE vs MLP (baseline)" in both and "AUC (linear scale axis)" in both


def test_seeds_that_agree_get_the_test_sets_interval_not_a_zero_width_one(tmp_path):
    from skmnistnoise.experiment import SweepResults

    rows = [
        {"dataset": "d", "model": "LogisticRegression", "noise": "additive",
         "protocol": "pixel", "scale": s, "seed": seed, "fold": 0, "n_test": 500,
         "test_accuracy": a, "train_accuracy": a}
        for seed in (0, 1, 2)
        for s, a in ((0.0, 0.9), (1.0, 0.6 + 0.01 * seed))
    ]  # fmt: skip
    write_report(SweepResults(rows), tmp_path, settings={"note": "x"})
    text = (tmp_path / "report.md").read_text()
    line = next(
        r
        for r in text.splitlines()
        if r.startswith("| LogisticRegression | additive | 0 |")
    )
    assert (
        "seeds agree" in line
        and "[0.9, 0.9]" not in line
        and "0.9000, 0.9000" not in line
    )
    assert "nothing random is left" in text
    noisy = next(
        r
        for r in text.splitlines()
        if r.startswith("| LogisticRegression | additive | 1 |")
    )
    assert "seeds agree" not in noisy
