"""MNIST-C's corruptions in the study: make_noise, the pipelines, the sweeps,
the corruption errors (mCE) and CorruptionErrorDisplay.

The sweeps here use a linear classifier on digit-like 28 x 28 images made
from the embedded 8 x 8 digits (no download); one test trains a tiny MLP.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import ndimage as ndi
from sklearn.base import clone
from sklearn.linear_model import RidgeClassifier
from sklearn.pipeline import Pipeline
from sklearn.utils import Bunch

from skmnistnoise._corruptions import SCALABLE
from skmnistnoise.corruptions import CORRUPTIONS, MNISTCorruption
from skmnistnoise.experiment import (
    SweepResults,
    make_noise,
    make_study_pipeline,
    noise_sweep,
)
from skmnistnoise.metrics import corruption_scores, mean_corruption_errors
from skmnistnoise.plotting import CorruptionErrorDisplay

UNSCALABLE = [c for c in CORRUPTIONS if c not in SCALABLE]


def _mnist_sized(data):
    """8 x 8 digits drawn as MNIST's: 20 x 20 in a 28 x 28 frame, (n, 784)."""
    small = data.reshape(-1, 8, 8).astype(np.float64)
    big = np.clip(ndi.zoom(small, (1, 2.5, 2.5), order=1), 0, 1)
    return np.pad(big, ((0, 0), (4, 4), (4, 4))).reshape(len(data), -1)


@pytest.fixture(scope="module")
def digits28(digits):
    """400 digit-like 28 x 28 images, (400, 784) in [0, 1], a train/test split."""
    X = _mnist_sized(digits.data[:400])
    y = np.asarray(digits.target[:400])
    return X, y, [(np.arange(300), np.arange(300, 400))]


def _pipe(corruption, **params):
    return Pipeline(
        [
            ("noise", make_noise(corruption, random_state=0, **params)),
            ("clf", RidgeClassifier()),
        ]
    )


# -- make_noise ---------------------------------------------------------------


@pytest.mark.parametrize("name", CORRUPTIONS)
def test_make_noise_knows_every_corruption_and_corrupts_the_test_data_only(
    name, digits28
):
    X = digits28[0][:20]
    step = make_noise(name, 1.0, random_state=0)
    assert isinstance(step, MNISTCorruption) and step.corruption == name
    assert step.apply_to == "test"
    assert_array_equal(step.fit_transform(X), X)  # training data: clean
    assert not np.array_equal(step.transform(X[:10]), X[:10])


def test_the_noises_keep_both_as_their_default():
    for noise in ("additive", "multiplicative", "speckle", "impulse", "shot"):
        assert make_noise(noise, 0.5).apply_to == "both"
    assert make_noise("additive", 0.5, apply_to="test").apply_to == "test"


@pytest.mark.parametrize("name", CORRUPTIONS)
def test_scale_one_is_mnistc_setting_and_scale_zero_no_corruption(name, digits28):
    X = digits28[0][:30]
    ours = make_noise(name, 1.0, random_state=3).fit(X[:1])
    theirs = MNISTCorruption(name, random_state=3).fit(X[:1])
    assert_array_equal(ours.transform(X), theirs.transform(X))
    clean = make_noise(name, 0.0, random_state=3).fit(X[:1])
    assert_array_equal(clean.transform(X), X)


@pytest.mark.parametrize("name", sorted(SCALABLE))
def test_scale_is_the_severity_where_there_is_one(name, digits28):
    X = digits28[0][:30]
    ours = make_noise(name, 0.5, random_state=1).fit(X[:1])
    theirs = MNISTCorruption(name, severity=0.5, random_state=1).fit(X[:1])
    assert_array_equal(ours.transform(X), theirs.transform(X))


@pytest.mark.parametrize("name", UNSCALABLE)
def test_without_a_magnitude_any_positive_scale_is_mnistc_setting(name, digits28):
    X = digits28[0][:30]
    one = make_noise(name, 1.0, random_state=2).fit(X[:1]).transform(X)
    three = make_noise(name, 3.0, random_state=2).fit(X[:1]).transform(X)
    assert_array_equal(one, three)


def test_a_scale_beyond_the_corruption_bound_is_refused_naming_scale(digits28):
    with pytest.raises(ValueError, match="'scale' parameter is 4.0 .*'scale'"):
        make_noise("scale", 4.0).fit(digits28[0][:2])


def test_a_sweep_sets_the_corruption_scale_through_noise_scale(digits28):
    pipe = _pipe("rotate").set_params(noise__scale=0.0)
    X = digits28[0][:10]
    assert_array_equal(pipe["noise"].fit(X[:1]).transform(X), X)
    assert clone(pipe).set_params(noise__scale=2.0)["noise"].severity == 2.0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"severity": 3}, "MNIST-C's corruption 'fog' has one setting"),
        ({"clip": (0, 0.5)}, "always clips to \\[0, 1\\]"),
    ],
)
def test_noise_only_options_are_refused_for_a_corruption(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_noise("fog", 1.0, **kwargs)
    make_noise("fog", 1.0, clip=(0, 1))  # what it does anyway


def test_an_unknown_name_lists_noises_and_corruptions():
    with pytest.raises(ValueError, match="additive.*glass_blur"):
        make_noise("glassblur", 1.0)


# -- the study's pipelines -----------------------------------------------------


def test_a_corruption_comes_before_the_notebooks_scaler():
    pipe = make_study_pipeline("mlp", "fog", scale=1.0, protocol="notebooks")
    assert [name for name, _ in pipe.steps] == ["noise", "scale", "clf"]
    assert pipe["noise"].apply_to == "test"
    # The noises keep the notebook's order: noise on standardised pixels.
    pipe = make_study_pipeline("mlp", "additive", protocol="notebooks")
    assert [name for name, _ in pipe.steps] == ["scale", "noise", "clf"]
    pipe = make_study_pipeline("convnet", "fog", protocol="notebooks")
    assert [name for name, _ in pipe.steps] == ["noise", "clf"]


def test_the_notebooks_mlp_is_trained_clean_and_tested_corrupted(digits28):
    X, y, cv = digits28
    pipe = make_study_pipeline(
        "mlp",
        "brightness",
        protocol="notebooks",
        epochs=1,
        hidden_layer_sizes=(16,),
    )
    results = noise_sweep(
        pipe, X, y, param_range=[0, 1], cv=cv, random_state=0, per_epoch=False
    )
    assert results.unique("noise") == ["brightness"]
    clean, corrupted = sorted(results.rows, key=lambda r: r["scale"])
    assert (clean["scale"], corrupted["scale"]) == (0.0, 1.0)
    assert corrupted["pixel_scale"] == 1.0  # a severity, not in pixel units
    # The same clean training data at both scales: the same model, the
    # same train score; only the test data are corrupted.
    assert clean["train_accuracy"] == corrupted["train_accuracy"]
    assert corrupted["test_accuracy"] < clean["test_accuracy"]


# -- sweeps over the fifteen ----------------------------------------------------


@pytest.fixture(scope="module")
def corruption_sweep(digits28):
    X, y, cv = digits28
    parts = []
    for name in CORRUPTIONS:
        for clf in (RidgeClassifier(alpha=1.0), RidgeClassifier(alpha=1e4)):
            pipe = _pipe(name).set_params(clf=clf)
            label = "ridge" if clf.alpha == 1 else "stiff"
            parts.append(
                noise_sweep(
                    pipe,
                    X,
                    y,
                    param_range=[0, 1],
                    cv=cv,
                    random_state=0,
                    per_epoch=False,
                    dataset="digits28",
                    labels={"model": label, "protocol": "pixel"},
                )
            )
    return sum(parts[1:], parts[0])


def test_one_row_per_model_corruption_and_scale_in_one_table(corruption_sweep):
    assert isinstance(corruption_sweep, SweepResults)
    assert len(corruption_sweep) == 2 * 15 * 2
    assert set(corruption_sweep.unique("noise")) == set(CORRUPTIONS)
    keys = {(r["model"], r["noise"], r["scale"]) for r in corruption_sweep}
    assert len(keys) == len(corruption_sweep)
    # Training is clean at every scale: one train score per model.
    for model in ("ridge", "stiff"):
        train = {r["train_accuracy"] for r in corruption_sweep if r["model"] == model}
        assert len(train) == 1


def test_corruption_scores_follow_imagenet_c_with_one_severity(corruption_sweep):
    def error(model, noise, scale):
        (row,) = [
            r
            for r in corruption_sweep
            if (r["model"], r["noise"], r["scale"]) == (model, noise, scale)
        ]
        return 1 - row["test_accuracy"]

    scores = corruption_scores(corruption_sweep, baseline="stiff")
    assert {s["noise"] for s in scores} == set(CORRUPTIONS)
    ce, relative = [], []
    for s in scores:
        if s["model"] != "ridge":
            continue
        e1, e0 = error("ridge", s["noise"], 1.0), error("ridge", s["noise"], 0.0)
        b1, b0 = error("stiff", s["noise"], 1.0), error("stiff", s["noise"], 0.0)
        assert_allclose(s["mean_error"], e1)
        assert_allclose(s["clean_error"], e0)
        assert_allclose(s["ce"], e1 / b1)
        assert_allclose(s["relative_ce"], (e1 - e0) / (b1 - b0))
        ce.append(e1 / b1)
        relative.append((e1 - e0) / (b1 - b0))
    (ridge,) = [m for m in mean_corruption_errors(scores) if m["model"] == "ridge"]
    assert sorted(ridge["noises"]) == sorted(CORRUPTIONS)
    assert_allclose(ridge["mCE"], np.mean(ce))
    assert_allclose(ridge["relative_mCE"], np.mean(relative))


def test_the_8x8_digits_are_refused_with_the_shape(digits):
    with pytest.raises(ValueError, match=r"28 x 28 digits.*shape \(\d+, 64\)"):
        noise_sweep(
            _pipe("fog"),
            digits.data[:200],
            digits.target[:200],
            param_range=[0, 1],
            cv=[(np.arange(150), np.arange(150, 200))],
            random_state=0,
            per_epoch=False,
        )


def test_run_study_takes_corruptions_as_noises(digits28):
    from skmnistnoise.experiment import run_study

    X, y, cv = digits28
    data = Bunch(data=X, target=y, cv=cv, name="digits28")
    results = run_study(
        arms=[("mlp", "fog"), ("mlp", "stripe")],
        scales=[0, 1],
        data=data,
        epochs=1,
        hidden_layer_sizes=(8,),
        per_epoch=False,
    )
    assert results.unique("noise") == ["fog", "stripe"]


# -- CorruptionErrorDisplay -----------------------------------------------------


def _rows(n_seeds=1, models=("mlp", "convnet")):
    rng = np.random.default_rng(0)
    hard = dict(zip(CORRUPTIONS, np.linspace(0.05, 0.6, 15)))
    rows = []
    for k, model in enumerate(models):
        for c in CORRUPTIONS:
            for seed in range(n_seeds):
                for scale in (0.0, 1.0):
                    error = 0.02 + scale * hard[c] / (k + 1) + rng.normal(0, 0.01)
                    rows.append(
                        {
                            "dataset": "mnist",
                            "model": model,
                            "noise": c,
                            "protocol": "pixel",
                            "scale": scale,
                            "seed": seed,
                            "fold": 0,
                            "test_accuracy": 1 - error,
                        }
                    )
    return rows


def test_display_sorts_corruptions_by_mean_error_and_marks_clean_error():
    rows = _rows()
    display = CorruptionErrorDisplay.from_results(rows, baseline="mlp")
    scores = corruption_scores(rows, baseline="mlp")
    mean = {
        c: np.mean([s["mean_error"] for s in scores if s["noise"] == c])
        for c in CORRUPTIONS
    }
    ticks = [t.get_text() for t in display.ax_.get_yticklabels()]
    assert ticks == sorted(CORRUPTIONS, key=mean.get)  # hardest on top
    for bars in display.bars_.values():
        assert len(bars) == 15
    mlp_bars = next(b for k, b in display.bars_.items() if k.startswith("MLP"))
    widths = [bar.get_width() for bar in mlp_bars]
    expected = {s["noise"]: s["mean_error"] for s in scores if s["model"] == "mlp"}
    assert_allclose(widths, [100 * expected[c] for c in ticks])
    clean = np.mean([s["clean_error"] for s in scores if s["model"] == "mlp"])
    assert_allclose(display.clean_lines_["MLP"].get_xdata()[0], 100 * clean)
    assert "%" in display.ax_.get_xlabel()


def test_display_legend_gives_mce_per_model_and_stays_off_the_data():
    rows = _rows()
    display = CorruptionErrorDisplay.from_results(rows, baseline="mlp")
    summary = {
        s["model"]: s
        for s in mean_corruption_errors(corruption_scores(rows, baseline="mlp"))
    }
    texts = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert f"ConvNet: mCE {summary['convnet']['mCE']:.2f}" in " ".join(texts)
    assert any(t.startswith("MLP: mCE 1.00") for t in texts)
    assert any(t.startswith("ConvNet clean error") for t in texts)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(display.figure_)
    canvas.draw()  # the constrained layout places the legend
    renderer = canvas.get_renderer()
    legend = display.ax_.get_legend().get_window_extent(renderer)
    axes = display.ax_.get_window_extent(renderer)
    assert legend.x0 >= axes.x1  # beside the bars, never over them
    # Without a baseline, the mean error over the corruptions.
    plain = CorruptionErrorDisplay.from_results(rows)
    assert all("mean error" in label for label in plain.bars_)


def test_display_whiskers_only_with_several_seeds_and_says_which():
    one = CorruptionErrorDisplay.from_results(_rows(n_seeds=1))
    assert all(bars.errorbar is None for bars in one.bars_.values())
    assert "interval" not in one.ax_.get_title()
    three = CorruptionErrorDisplay.from_results(_rows(n_seeds=3))
    assert all(bars.errorbar is not None for bars in three.bars_.values())
    assert "95% t interval of the mean over 3 seeds" in three.ax_.get_title()


def test_display_refuses_tables_it_cannot_draw():
    rows = _rows()
    mixed = rows + [{**r, "dataset": "other"} for r in rows]
    with pytest.raises(ValueError, match="one dataset at a time"):
        CorruptionErrorDisplay.from_results(mixed)
    with pytest.raises(ValueError, match="baseline model 'alexnet'"):
        CorruptionErrorDisplay.from_results(rows, baseline="alexnet")
    with pytest.raises(ValueError, match="no rows"):
        CorruptionErrorDisplay.from_results([])
    clean_only = [r for r in rows if r["scale"] == 0]
    with pytest.raises(ValueError, match="scale above 0"):
        CorruptionErrorDisplay.from_results(clean_only)


def test_display_draws_on_given_axes():
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    display = CorruptionErrorDisplay.from_results(_rows(models=("mlp",)), ax=ax)
    assert display.ax_ is ax and display.figure_ is ax.figure
