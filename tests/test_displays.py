"""The Displays: scikit-learn's shape, and figures a reader of a paper can read."""

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from numpy.testing import assert_allclose
from scipy.stats import norm

from skmnistnoise.experiment import SweepResults
from skmnistnoise.plotting import (
    AccuracyScaleDisplay,
    CertifiedAccuracyDisplay,
    EpochCurveDisplay,
    NoisySamplesDisplay,
    RobustnessMatrixDisplay,
)
from skmnistnoise.report import save_figures


def _rows(scales=(0.0, 0.5, 1.0), seeds=(0,), models=("mlp", "convnet")):
    rows = []
    for model in models:
        for seed in seeds:
            for s in scales:
                acc = 0.95 - 0.4 * s - 0.01 * seed - (0.05 if model == "mlp" else 0)
                rows.append(
                    {
                        "dataset": "digits",
                        "model": model,
                        "noise": "additive",
                        "protocol": "pixel",
                        "scale": s,
                        "pixel_scale": s,
                        "fold": 0,
                        "seed": seed,
                        "train_accuracy": acc + 0.03,
                        "test_accuracy": acc,
                        "train_loss": 1 - acc,
                        "test_loss": 1.1 - acc,
                        "n_test": 450,
                        "n_classes": 10,
                        "epochs": 3,
                        "epoch_train_accuracy": [0.5, 0.7, acc + 0.03],
                        "epoch_test_accuracy": [0.4, 0.6, acc],
                    }
                )
    return SweepResults(rows)


def _renderer(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def test_accuracy_display_has_scikit_learns_shape():
    display = AccuracyScaleDisplay.from_results(_rows())
    assert isinstance(display.figure_, Figure) and display.ax_.figure is display.figure_
    assert sorted(display.lines_) == [
        "ConvNet test", "ConvNet train", "MLP test", "MLP train"
    ]  # fmt: skip
    assert_allclose(display.lines_["MLP test"].get_ydata(), [0.9, 0.7, 0.5])
    # plot() again on other axes returns the display, drawn there.
    other = Figure().add_subplot()
    assert display.plot(ax=other) is display and display.ax_ is other


def test_accuracy_display_draws_chance_and_states_its_axis():
    display = AccuracyScaleDisplay.from_results(_rows(scales=(0.0, 0.1, 1.0, 4.0)))
    assert display.chance_level_.get_ydata()[0] == pytest.approx(0.1)
    assert display.ax_.get_xscale() == "symlog"
    assert "(symmetric log axis, linear below 0.1)" in display.ax_.get_xlabel()
    linear = AccuracyScaleDisplay.from_results(_rows(scales=(0.0, 0.5)))
    assert "linear axis" in linear.ax_.get_xlabel()


def test_accuracy_display_draws_one_scale_as_a_point():
    display = AccuracyScaleDisplay.from_results(_rows(scales=(0.5,)))
    line = display.lines_["MLP test"]
    assert line.get_marker() == "o" and list(line.get_xdata()) == [0.5]
    low, high = display.ax_.get_xlim()
    assert low < 0.5 < high


def test_accuracy_display_bands_over_seeds():
    display = AccuracyScaleDisplay.from_results(_rows(seeds=(0, 1, 2)))
    assert len(display.bands_) == 4  # train and test of two models
    assert "3 seeds" in display.ax_.get_title()


def test_the_legend_is_beside_the_data_not_over_it():
    display = AccuracyScaleDisplay.from_results(_rows())
    renderer = _renderer(display.figure_)
    legend = display.ax_.get_legend().get_window_extent(renderer)
    axes = display.ax_.get_window_extent(renderer)
    assert legend.x0 >= axes.x1  # entirely to the right of the plotting area


def test_epoch_display_legends_leave_the_curves_visible():
    display = EpochCurveDisplay.from_results(_rows())
    assert display.axes_.shape == (2, 2)
    renderer = _renderer(display.figure_)
    for row in display.axes_:
        legend = row[1].get_legend().get_window_extent(renderer)
        assert legend.x0 >= row[1].get_window_extent(renderer).x1
    assert display.axes_[0, 0].get_xlabel() == "epoch"


def test_matrix_display_frames_the_best_training_scale():
    accuracy = np.array([[0.97, 0.40], [0.93, 0.82]])
    display = RobustnessMatrixDisplay(accuracy, [0, 1], [0, 1]).plot()
    bold = [t.get_fontweight() for t in display.text_.ravel()]
    assert bold == ["bold", "normal", "normal", "bold"]
    assert display.ax_.get_ylabel() == "training noise scale"


def test_samples_display_has_no_duplicate_clean_row_and_no_overlap(digits):
    display = NoisySamplesDisplay.from_data(
        digits.data[:6], scales=(0.0, 0.5, 2.0), noises=("additive", "speckle")
    )
    for axes in display.axes_.values():
        assert axes.shape == (3, 6)  # clean, 0.5, 2: scale 0 is the clean row
        assert [axes[r, 0].get_ylabel() for r in range(3)] == [
            "clean", "s = 0.5", "s = 2"
        ]  # fmt: skip
    renderer = _renderer(display.figure_)
    titles = [ax.title for ax in display.field_axes_]
    boxes = [t.get_window_extent(renderer) for t in titles]
    assert not boxes[0].overlaps(boxes[1])


def test_figures_are_saved_at_150_dpi_and_as_vectors_on_request(tmp_path):
    paths = save_figures(_rows(), tmp_path, formats=("png", "svg"))
    assert paths["accuracy_vs_scale"].suffix == ".png"
    assert (tmp_path / "accuracy_vs_scale.svg").read_text().lstrip().startswith("<?xml")
    from matplotlib.image import imread

    height, width = imread(paths["accuracy_vs_scale"]).shape[:2]
    assert width == 8.5 * 150 and height == 4.8 * 150


def test_certified_accuracy_display_of_a_smoothed_scikit_learn_classifier(digits):
    from sklearn.linear_model import LogisticRegression

    from skmnistnoise import GaussianNoise, NoiseAveragedClassifier
    from skmnistnoise.metrics import average_certified_radius, certified_accuracy

    X, y = digits.data, digits.target
    smoothers = {
        f"sigma {s:g}": NoiseAveragedClassifier(
            LogisticRegression(max_iter=200),
            noise=GaussianNoise(scale=s),
            random_state=0,
        ).fit(X[:1000], y[:1000])
        for s in (0.25, 0.5)
    }
    display = CertifiedAccuracyDisplay.from_estimator(
        smoothers, X[1000:1100], y[1000:1100], n0=20, n=200, alpha=0.01,
        reference={"published": {0.0: 0.99, 0.5: 0.9}},
    )  # fmt: skip
    for curve, (label, certificate) in zip(
        display.curves, display.certificates_.items()
    ):
        acc = curve["accuracy"]
        assert np.all(np.diff(acc) <= 0)  # fewer images are certified further out
        assert acc[0] == certified_accuracy(y[1000:1100], certificate, 0.0) > 0.5
        # Beyond the largest radius certified nothing is; a curve certified
        # up to the cap of n draws stops at the cap (drawn dotted), not past it.
        cap = curve["max_radius"]
        assert curve["radii"][-1] <= cap
        assert acc[-1] == 0 or curve["radii"][-1] == cap
        acr = average_certified_radius(y[1000:1100], certificate)
        assert f"{label} (ACR {acr:.3f})" in display.lines_
    labels = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert "published (published)" in labels
    # The largest radius n = 200 draws can certify at alpha = 0.01, dotted in
    # each curve's colour: no certificate goes beyond it.
    assert len(display.max_radius_lines_) == 2
    for (label, certificate), line, limit in zip(
        display.certificates_.items(),
        display.lines_.values(),
        display.max_radius_lines_,
    ):
        sigma = smoothers[label].noise.scale
        radius = sigma * norm.ppf(0.01 ** (1 / 200))
        assert_allclose(limit.get_xdata(), [radius, radius])
        assert limit.get_linestyle() == ":" and limit.get_color() == line.get_color()
        assert np.max(certificate["radius"]) <= radius
    assert "curves stop at the largest radius\nn draws can certify (dotted)" in labels
    renderer = _renderer(display.figure_)
    assert display.ax_.get_legend().get_window_extent(renderer).x0 >= (
        display.ax_.get_window_extent(renderer).x1
    )
    assert "L2 radius" in display.ax_.get_xlabel()


_CERTIFICATE = {
    "prediction": [1, 1, 0, 2],
    "radius": [0.9, 0.3, 0.0, 0.5],
    "abstained": [False, False, True, False],
}


def test_certified_display_marks_the_largest_radius_only_where_n_is_known():
    y = [1, 1, 0, 0]
    unknown = CertifiedAccuracyDisplay.from_certificates(y, {"a": _CERTIFICATE})
    assert unknown.max_radius_lines_ == [] and unknown.curves[0]["max_radius"] is None
    # The certificate's sigma, with n and alpha given: sigma Phi^-1(alpha^(1/n)).
    known = CertifiedAccuracyDisplay.from_certificates(
        y, {"a": {**_CERTIFICATE, "sigma": 0.5}}, n=1000, alpha=0.001
    )
    (line,) = known.max_radius_lines_
    assert_allclose(line.get_xdata()[0], 0.5 * norm.ppf(0.001 ** (1 / 1000)))
    assert_allclose(line.get_xdata()[0], 0.5 * 2.463, atol=1e-3)  # 2.46 sigma
    low, high = known.ax_.get_xlim()
    assert -0.05 < low < 0 < line.get_xdata()[0] < high  # in view, r = 0 whole
    # What certify returns carries its n and alpha; the keywords override them.
    own = {**_CERTIFICATE, "sigma": 0.5, "n": 1000, "alpha": 0.001}
    drawn = CertifiedAccuracyDisplay.from_certificates(y, {"a": own})
    assert_allclose(drawn.max_radius_lines_[0].get_xdata(), line.get_xdata())
    more = CertifiedAccuracyDisplay.from_certificates(y, {"a": own}, n=100_000)
    assert more.max_radius_lines_[0].get_xdata()[0] > line.get_xdata()[0]


def _certified_rows(models=("mlp", "convnet"), sigmas=(0.25, 0.5), n=100):
    return SweepResults(
        [
            {
                "model": model,
                "sigma": sigma,
                "seed": 0,
                "n0": 10,
                "n": n,
                "alpha": 0.001,
                "certificate_label": [1, 1, 0, 0],
                "certificate_prediction": _CERTIFICATE["prediction"],
                "certificate_radius": [sigma * r for r in _CERTIFICATE["radius"]],
                "certificate_abstained": _CERTIFICATE["abstained"],
            }
            for model in models
            for sigma in sigmas
        ]
    )


def test_certified_display_of_a_table_marks_one_radius_per_sigma():
    display = CertifiedAccuracyDisplay.from_results(_certified_rows())
    assert len(display.curves) == 4  # two models x two sigmas
    # Both models of a sigma share its colour and its limit: one line each.
    assert len(display.max_radius_lines_) == 2
    for sigma, line in zip((0.25, 0.5), display.max_radius_lines_):
        assert_allclose(line.get_xdata()[0], sigma * norm.ppf(0.001 ** (1 / 100)))
        colours = {to_rgba(c["color"]) for c in display.curves if c["sigma"] == sigma}
        assert colours == {to_rgba(line.get_color())}
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert sum("largest radius" in text for text in legend) == 1
    # Runs of another n stop elsewhere.
    two_n = _certified_rows(models=("mlp",), sigmas=(0.5,)) + _certified_rows(
        models=("mlp",), sigmas=(0.5,), n=10_000
    )
    limits = CertifiedAccuracyDisplay.from_results(two_n).max_radius_lines_
    assert sorted(line.get_xdata()[0] for line in limits) == pytest.approx(
        [0.5 * norm.ppf(0.001 ** (1 / n)) for n in (100, 10_000)]
    )


def test_certified_display_draws_a_curve_per_training_and_a_band_over_seeds():
    rows = [
        {**row, "recipe": recipe, "seed": seed}
        for recipe in ("adam", "consistency")
        for seed in (0, 1, 2)
        for row in _certified_rows(models=("convnet",), sigmas=(0.5,))
    ]
    for k, row in enumerate(rows):  # the seeds certify a little differently
        row["certificate_radius"] = [
            r * (1 + 0.1 * k) for r in row["certificate_radius"]
        ]
    display = CertifiedAccuracyDisplay.from_results(rows)
    labels = [c["label"] for c in display.curves]
    assert labels == [
        "ConvNet, adam, sigma 0.5, 3 seeds",
        "ConvNet, consistency, sigma 0.5, 3 seeds",
    ]
    assert len({str(c["linestyle"]) for c in display.curves}) == 2
    assert ":" not in [c["linestyle"] for c in display.curves]  # the caps' style
    curve = display.curves[0]
    assert curve["replicates"].shape == (3, len(curve["radii"]))
    # The curve is the mean of the seeds' curves, the band their t interval.
    assert_allclose(curve["replicates"].mean(axis=0), curve["accuracy"])
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert "band: 95% t interval over the seeds" in legend
    # The largest-radius note is one grey entry, whatever the colours.
    assert sum("largest radius" in text for text in legend) == 1


def test_certified_curve_drawn_between_two_radii_is_the_accuracy_there():
    # Certified accuracy at r counts the images certified at r or more: just
    # past a certified radius it has already dropped, and past the largest
    # one it is 0 (the curve stops there, not a step later).
    from matplotlib.cbook import STEP_LOOKUP_MAP

    from skmnistnoise.metrics import certified_accuracy

    y = [1, 1, 0, 0]
    display = CertifiedAccuracyDisplay.from_certificates(y, {"a": _CERTIFICATE})
    (line,) = display.lines_.values()
    xs, ys = STEP_LOOKUP_MAP[line.get_drawstyle()](line.get_xdata(), line.get_ydata())
    for r in (0.1, 0.4, 0.7, 0.91):  # between 0, 0.3, 0.5, 0.9 and past 0.9
        (drawn,) = {
            ys[k]
            for k in range(len(xs) - 1)
            if xs[k] < r < xs[k + 1] and ys[k] == ys[k + 1]
        }
        assert drawn == certified_accuracy(y, _CERTIFICATE, r), r
