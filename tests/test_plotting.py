"""The figures: the table's numbers, drawn so a reader can tell them apart."""

import re
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.model_selection import StratifiedKFold
from sklearn.utils import Bunch

import skmnistnoise.plotting
from skmnistnoise.experiment import (
    SweepResults,
    make_noise,
    make_study_pipeline,
    matrix_from_results,
    robustness_matrix,
    run_study,
)
from skmnistnoise.plotting import (
    AccuracyScaleDisplay,
    EpochCurveDisplay,
    NoisySamplesDisplay,
    RobustnessMatrixDisplay,
    plot_model_comparison,
)

SCALES = [0.0, 1.0]
EPOCHS = 2
TINY_CONVNET = {"filters": (4, 8), "dense_units": 16}


@pytest.fixture(scope="module")
def results_cv2(digits):
    """Both models at two scales on two stratified folds, 2 epochs."""
    data = Bunch(**digits)
    data.cv = StratifiedKFold(2, shuffle=True, random_state=0)
    common = {"scales": SCALES, "epochs": EPOCHS, "data": data, "random_state": 0}
    return run_study(arms=[("mlp", "additive")], **common) + run_study(
        arms=[("convnet", "additive")], **common, **TINY_CONVNET
    )


@pytest.fixture(scope="module")
def results(results_cv2):
    """The first fold alone: a table with one fold per scale."""
    return SweepResults(results_cv2.select(fold=0))


def _lines(ax):
    """The data lines of an axes by label (the chance line apart)."""
    return {
        line.get_label(): line
        for line in ax.get_lines()
        if not line.get_label().startswith("chance")
    }


def _legend_labels(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def _column(results, column, model, x="scale"):
    rows = sorted(results.select(model=model), key=lambda r: r["scale"])
    return [r[x] for r in rows], [r[column] for r in rows]


def test_accuracy_vs_scale_draws_the_table(results):
    fig = AccuracyScaleDisplay.from_results(results).figure_
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    lines = _lines(ax)
    assert sorted(lines) == sorted(
        ["MLP train", "MLP test", "ConvNet train", "ConvNet test"]
    )
    for model, name in (("mlp", "MLP"), ("convnet", "ConvNet")):
        for part in ("train", "test"):
            xs, ys = _column(results, f"{part}_accuracy", model)
            line = lines[f"{name} {part}"]
            assert_array_equal(line.get_xdata(), SCALES)
            assert_allclose(line.get_ydata(), ys)
        # One colour per model; train dashed, test solid.
        assert lines[f"{name} train"].get_color() == lines[f"{name} test"].get_color()
        assert lines[f"{name} train"].get_linestyle() == "--"
        assert lines[f"{name} test"].get_linestyle() == "-"
    assert lines["MLP test"].get_color() != lines["ConvNet test"].get_color()
    # One fold: no error bands.
    assert not [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert (
        ax.get_title() and "scale" in ax.get_xlabel() and ax.get_ylabel() == "accuracy"
    )
    assert sorted(_legend_labels(ax)) == sorted([*lines, "chance (0.1)"])


def test_accuracy_vs_scale_on_pixel_units(results):
    # Rows as the notebooks protocol writes them: the MLP's scale in pixel
    # standard deviations, its pixel_scale in [0, 1] pixels.
    rows = [dict(r) for r in results]
    for row in rows:
        if row["model"] == "mlp":
            row["pixel_scale"] = row["scale"] * 0.3
    fig = AccuracyScaleDisplay.from_results(SweepResults(rows), x="pixel_scale").figure_
    lines = _lines(fig.axes[0])
    assert_allclose(lines["MLP test"].get_xdata(), np.array(SCALES) * 0.3)
    assert_allclose(lines["ConvNet test"].get_xdata(), SCALES)
    assert "pixel" in fig.axes[0].get_xlabel()
    with pytest.raises(ValueError, match="pixel_scale"):
        AccuracyScaleDisplay.from_results(results, x="epochs")


def test_accuracy_vs_scale_bands_over_folds(results_cv2):
    fig = AccuracyScaleDisplay.from_results(results_cv2).figure_
    ax = fig.axes[0]
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 4  # train and test of each model
    lines = _lines(ax)
    for i, (model, name) in enumerate((("mlp", "MLP"), ("convnet", "ConvNet"))):
        for j, part in enumerate(("train", "test")):
            folds = np.array(
                [
                    results_cv2.column(f"{part}_accuracy", model=model, scale=s)
                    for s in SCALES
                ]
            )
            assert folds.shape == (2, 2)
            line = lines[f"{name} {part}"]
            assert_allclose(line.get_ydata(), folds.mean(axis=1))
            # The band is the 95% t interval of the mean at each scale (the
            # tables' convention), in the line's colour: two fits, t(1) 12.71.
            band = bands[2 * i + j]
            ys = band.get_paths()[0].vertices[:, 1]
            half = 12.7062047 * folds.std(axis=1, ddof=1) / np.sqrt(2)
            top = folds.mean(axis=1) + half
            bottom = folds.mean(axis=1) - half
            assert_allclose([ys.max(), ys.min()], [top.max(), bottom.min()], atol=1e-7)
            assert_allclose(band.get_facecolor()[0][:3], to_rgba(line.get_color())[:3])
    assert "2 folds" in ax.get_title()


def test_accuracy_vs_scale_draws_into_the_callers_axes(results):
    fig = Figure()
    ax = fig.add_subplot()
    display = AccuracyScaleDisplay.from_results(results, ax=ax)
    assert display.ax_ is ax and display.figure_ is fig
    assert len(fig.axes) == 1 and len(_lines(ax)) == 4


def test_accuracy_vs_epoch_one_line_per_scale(results):
    fig = EpochCurveDisplay.from_results(results).figure_
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 4  # two models x (train, validation)
    models = ["mlp", "mlp", "convnet", "convnet"]
    columns = ["epoch_train_accuracy", "epoch_test_accuracy"] * 2
    for ax, model, column in zip(fig.axes, models, columns):
        lines = _lines(ax)
        assert list(lines) == [f"scale {s:g}" for s in SCALES]
        for s in SCALES:
            (row,) = results.select(model=model, scale=s)
            line = lines[f"scale {s:g}"]
            assert_array_equal(line.get_xdata(), np.arange(1, EPOCHS + 1))
            assert_allclose(line.get_ydata(), row[column])
        assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "accuracy"
        part = "train" if "train" in column else "validation"
        assert part in ax.get_title()
    # One legend per row, beside its validation axes: the scales and chance.
    for ax in fig.axes[1::2]:
        assert _legend_labels(ax) == [f"scale {s:g}" for s in SCALES] + ["chance (0.1)"]
    # Train and validation share the y axis, so the gap between them shows.
    assert fig.axes[0].get_ylim() == fig.axes[1].get_ylim()


def test_accuracy_vs_epoch_selects_a_model(results):
    fig = EpochCurveDisplay.from_results(results, model="convnet").figure_
    assert len(fig.axes) == 2
    assert all(ax.get_title().startswith("ConvNet") for ax in fig.axes)
    with pytest.raises(ValueError, match="No rows for model='resnet'"):
        EpochCurveDisplay.from_results(results, model="resnet")


def test_model_comparison_on_pixel_scale(results):
    with pytest.warns(FutureWarning, match="plot_model_comparison is deprecated"):
        fig = plot_model_comparison(results)
    acc_ax, loss_ax = fig.axes
    assert len(_lines(acc_ax)) == 4 and len(_lines(loss_ax)) == 2
    for ax in (acc_ax, loss_ax):
        assert "pixel" in ax.get_xlabel()
        assert ax.get_title() and ax.get_legend() is not None
    for model, name in (("mlp", "MLP"), ("convnet", "ConvNet")):
        xs, losses = _column(results, "test_loss", model, x="pixel_scale")
        line = _lines(loss_ax)[f"{name} test"]
        assert_allclose(line.get_xdata(), xs)
        assert_allclose(line.get_ydata(), losses)
        _, accuracy = _column(results, "test_accuracy", model, x="pixel_scale")
        assert_allclose(_lines(acc_ax)[f"{name} test"].get_ydata(), accuracy)
        assert _lines(acc_ax)[f"{name} train"].get_linestyle() == "--"
    assert "MLP" in fig.get_suptitle() and "ConvNet" in fig.get_suptitle()


def test_noisy_samples_show_the_noise_steps_output(digits):
    X = digits.data[:10]
    scales, noises = (0.0, 1.0), ("additive", "multiplicative")
    assert X.dtype == np.float32
    fig = NoisySamplesDisplay.from_data(
        X, scales=scales, noises=noises, n_images=3
    ).figure_
    assert isinstance(fig, Figure)
    blocks = fig.subfigs[0].subfigs
    assert len(blocks) == 2
    for block, noise in zip(blocks, noises):
        axes = block.axes
        # Clean, then each non-zero scale (scale 0 would repeat the clean row).
        assert len(axes) == 2 * 3
        assert [axes[i * 3].get_ylabel() for i in range(2)] == ["clean", "s = 1"]
        shown = [ax.get_images()[0].get_array() for ax in axes]
        assert all(a.shape == (8, 8) for a in shown)  # square from 64 features
        assert_array_equal(shown[0], X[0].reshape(8, 8))
        expected = make_noise(noise, 1.0, random_state=0).fit_transform(X[:3])
        assert_allclose(shown[3], expected[0].reshape(8, 8))
        assert all(not ax.get_xticks().size for ax in axes)


def test_noisy_samples_every_image_gets_its_own_noise(digits):
    X = digits.data[:10]
    fig = NoisySamplesDisplay.from_data(
        X, scales=(0.5, 1.0), noises=("additive",), n_images=4
    ).figure_
    field_axes = [ax for ax in fig.axes if ax.get_title().startswith("image ")]
    assert len(field_axes) == 2
    first, second = (ax.get_images()[0].get_array() for ax in field_axes)
    assert np.std(first) > 0.5 and np.std(second) > 0.5  # scale 1 noise
    assert not np.allclose(first, second)

    def suptitles(figure):
        for sub in figure.subfigs:
            yield sub.get_suptitle()
            yield from suptitles(sub)

    assert "own noise" in " ".join(suptitles(fig))


def test_noisy_samples_checks_the_image_shape(digits):
    X = digits.data[:4, :60]
    with pytest.raises(ValueError, match="not a square image"):
        NoisySamplesDisplay.from_data(X, n_images=2)
    fig = NoisySamplesDisplay.from_data(
        X, image_shape=(6, 10), scales=(1,), n_images=2
    ).figure_
    assert fig.axes[0].get_images()[0].get_array().shape == (6, 10)


@pytest.fixture(scope="module")
def matrix_results(digits):
    """Robustness matrices of both models: 2 training x 3 test scales, 1 epoch."""
    common = {
        "train_scales": [0.0, 1.0],
        "test_scales": [0.0, 0.5, 1.0],
        "cv": digits.cv,
        "random_state": 0,
    }
    mlp = make_study_pipeline("mlp", epochs=1, hidden_layer_sizes=(16,))
    convnet = make_study_pipeline("convnet", epochs=1, **TINY_CONVNET)
    return robustness_matrix(
        mlp, digits.data, digits.target, **common
    ) + robustness_matrix(convnet, digits.data, digits.target, **common)


def test_robustness_matrix_draws_the_matrix(matrix_results):
    fig = RobustnessMatrixDisplay.from_results(matrix_results, model="convnet").figure_
    assert isinstance(fig, Figure)
    ax, colour_bar = fig.axes
    train, test, accuracy = matrix_from_results(matrix_results, model="convnet")
    # The image is the matrix: rows are training scales, columns test scales.
    (image,) = ax.get_images()
    assert_allclose(image.get_array(), accuracy)
    assert image.get_clim() == (0.0, 1.0)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "0.5", "1"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "1"]
    assert ax.get_xlabel() == "test noise scale"
    assert ax.get_ylabel() == "training noise scale"
    # Every cell carries its accuracy, row by row.
    assert [t.get_text() for t in ax.texts] == [f"{v:.3f}" for v in accuracy.ravel()]
    # One frame per test scale, around the best training scale of that column.
    frames = [p for p in ax.patches if p.get_edgecolor() != (0, 0, 0, 0)]
    assert len(frames) == len(test)
    for j, frame in enumerate(frames):
        row = int(round(frame.get_y() + 0.5))
        assert int(round(frame.get_x() + 0.5)) == j
        assert accuracy[row, j] == accuracy[:, j].max()
    assert "ConvNet" in ax.get_title() and "MLP" not in ax.get_title()
    assert colour_bar.get_ylabel() == "test accuracy"


def test_robustness_matrix_needs_matrix_rows(results):
    with pytest.raises(ValueError, match="robustness_matrix"):
        RobustnessMatrixDisplay.from_results(results)
    with pytest.raises(ValueError, match="no rows"):
        RobustnessMatrixDisplay.from_results(SweepResults())


def test_figures_are_not_kept_by_pyplot(results, matrix_results, digits):
    before = plt.get_fignums()
    AccuracyScaleDisplay.from_results(results)
    EpochCurveDisplay.from_results(results)
    RobustnessMatrixDisplay.from_results(matrix_results, model="mlp")
    NoisySamplesDisplay.from_data(digits.data[:4], scales=(1,), n_images=2)
    with pytest.warns(FutureWarning):
        plot_model_comparison(results)
    assert plt.get_fignums() == before


# --------------------------------------------------------------------------
# The deprecated shortcuts


def _drawn(fig):
    """What a figure shows, axes by axes: its lines, images and cell texts."""
    return [
        (
            [
                (
                    line.get_label(),
                    np.asarray(line.get_xdata()).tolist(),
                    np.asarray(line.get_ydata()).tolist(),
                )
                for line in ax.get_lines()
            ],
            [np.asarray(image.get_array()).tolist() for image in ax.get_images()],
            [text.get_text() for text in ax.texts],
        )
        for ax in fig.axes
    ]


def _shortcut_call(name, results, matrix_results, digits):
    """A call of shortcut ``name``: args, kwargs, and its names for the message's."""
    X = digits.data[:6]
    kwargs = {
        "plot_noisy_samples": {"scales": (1.0,), "n_images": 3},
        "plot_accuracy_vs_scale": {"x": "pixel_scale"},
        "plot_accuracy_vs_epoch": {"model": "mlp"},
        "plot_model_comparison": {},
        "plot_robustness_matrix": {"model": "convnet"},
    }[name]
    names = {
        "plot_noisy_samples": {"X": X, "kwargs": kwargs},
        "plot_accuracy_vs_scale": {"results": results, "ax": None, **kwargs},
        "plot_accuracy_vs_epoch": {"results": results, "noise": None, **kwargs},
        "plot_model_comparison": {"results": results},
        "plot_robustness_matrix": {
            "results": matrix_results,
            "ax": None,
            "where": kwargs,
        },
    }[name]
    first = X if name == "plot_noisy_samples" else names["results"]
    return (first,), kwargs, names


SHORTCUTS = [n for n in skmnistnoise.plotting.__all__ if n.startswith("plot_")]


@pytest.mark.parametrize("name", SHORTCUTS)
def test_each_shortcut_is_deprecated_and_names_the_call_that_replaces_it(
    name, results, matrix_results, digits
):
    args, kwargs, names = _shortcut_call(name, results, matrix_results, digits)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = getattr(skmnistnoise.plotting, name)(*args, **kwargs)
    assert isinstance(fig, Figure)  # still what it returned
    (warning,) = [w for w in caught if issubclass(w.category, FutureWarning)]
    assert warning.filename == __file__  # it points at the caller's line
    match = re.fullmatch(
        rf"{name} is deprecated in 0\.3 and will be removed in 0\.4; "
        r"use (.+) instead\.",
        str(warning.message),
    )
    assert match, str(warning.message)
    # The call it names, run as written, draws what the shortcut drew.
    calls = match.group(1).split(" and ")
    assert all(re.match(r"\w+Display\.from_\w+\(", call) for call in calls)
    namespace = {
        n: getattr(skmnistnoise.plotting, n)
        for n in skmnistnoise.plotting.__all__
        if n.endswith("Display")
    }
    namespace.update(names)
    if len(calls) > 1:  # the model comparison: one display per axes
        namespace.update(zip(("ax1", "ax2"), Figure().subplots(1, 2)))
    drawn = [eval(call, namespace) for call in calls]
    replaced = drawn[0] if isinstance(drawn[0], Figure) else drawn[0].figure_
    assert _drawn(replaced) == _drawn(fig)
