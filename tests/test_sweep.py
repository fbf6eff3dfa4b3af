"""Sweeps over any scikit-learn classifier, scored as validation_curve scores."""

import subprocess
import sys
import time
import warnings

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, validation_curve
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.utils import Bunch
from sklearn.utils._param_validation import InvalidParameterError

from skmnistnoise import GaussianNoise
from skmnistnoise.experiment import (
    SEVERITIES,
    SweepResults,
    make_noise,
    make_study_pipeline,
    noise_sweep,
    robustness_matrix,
    run_study,
)

SCALES = [0.0, 0.5, 1.0]


def _pipe(clf, seed=0):
    return Pipeline([("noise", GaussianNoise(random_state=seed)), ("clf", clf)])


def _subset(digits, n=600):
    """A stratified subset of the digits with a two-fold cv: fast fits."""
    return digits.data[:n], digits.target[:n]


@pytest.mark.parametrize(
    "clf",
    [
        LogisticRegression(max_iter=100),
        SkMLPClassifier(hidden_layer_sizes=(16,), max_iter=30, random_state=0),
    ],
    ids=["LogisticRegression", "sklearn-MLPClassifier"],
)
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_scores_equal_validation_curve_bit_for_bit(digits, clf):
    X, y = _subset(digits)
    cv = StratifiedKFold(2, shuffle=True, random_state=0)
    pipe = _pipe(clf)
    results = noise_sweep(pipe, X, y, param_range=SCALES, cv=cv)
    train, test = validation_curve(
        pipe, X, y, param_name="noise__scale", param_range=SCALES, cv=cv
    )
    _, ours_test = results.fold_scores("test_accuracy")
    _, ours_train = results.fold_scores("train_accuracy")
    assert np.array_equal(ours_test, test)  # exact, not approximately
    assert np.array_equal(ours_train, train)
    # The noise matters: the scores fall with the scale.
    assert test[0].mean() > test[-1].mean() + 0.1


def test_any_classifier_sweeps_svc_without_predict_proba(digits):
    X, y = _subset(digits, 400)
    results = noise_sweep(_pipe(SVC()), X, y, param_range=[0.0, 1.0], cv=2)
    assert len(results) == 4
    row = results.rows[0]
    assert 0 <= row["test_accuracy"] <= 1
    # No predict_proba: no loss, rather than a failure.
    assert "test_loss" not in row and row["epoch_test_accuracy"] == []


def test_scoring_names_each_get_their_columns(digits):
    X, y = _subset(digits, 400)
    pipe = _pipe(RandomForestClassifier(n_estimators=10, random_state=0))
    results = noise_sweep(
        pipe, X, y, param_range=[0.0, 1.0], cv=2, scoring=["accuracy", "f1_macro"]
    )
    row = results.rows[0]
    assert {
        "test_accuracy",
        "train_accuracy",
        "test_f1_macro",
        "train_f1_macro",
    } <= set(row)
    assert row["test_f1_macro"] != row["test_accuracy"]
    _, single = validation_curve(
        pipe,
        X,
        y,
        param_name="noise__scale",
        param_range=[0.0, 1.0],
        cv=2,
        scoring="f1_macro",
    )
    assert np.array_equal(results.fold_scores("test_f1_macro")[1], single)


def test_a_bad_scoring_name_is_refused_before_any_fit(digits):
    X, y = _subset(digits, 100)
    with pytest.raises(InvalidParameterError, match="scoring"):
        noise_sweep(_pipe(LogisticRegression()), X, y, scoring="acuracy")


def test_several_seeds_give_one_row_per_seed_and_an_interval(digits, tmp_path):
    X, y = _subset(digits, 400)
    pipe = _pipe(LogisticRegression(max_iter=50))
    kwargs = {"param_range": [1.0], "cv": 2}
    results = noise_sweep(pipe, X, y, random_state=[0, 1, 2], store=tmp_path, **kwargs)
    assert sorted(results.unique("seed")) == [0, 1, 2]
    assert len(results) == 3 * 2
    accuracies = results.column("test_accuracy", fold=0)
    assert len(set(accuracies)) > 1  # other seeds, other noise
    (group,) = results.aggregate("test_accuracy")
    assert group["n"] == 6 and group["seeds"] == 3
    assert group["ci_low"] < group["mean"] < group["ci_high"]
    again = noise_sweep(pipe, X, y, random_state=[0, 1, 2], store=tmp_path, **kwargs)
    assert (again.n_computed, again.n_cached) == (0, 6)
    assert again.rows == results.rows


def test_cached_rows_take_this_runs_labels(digits, tmp_path):
    X, y = _subset(digits, 300)
    pipe = _pipe(LogisticRegression(max_iter=50))
    common = {"param_range": [0.5], "cv": 2, "store": tmp_path, "random_state": 0}
    noise_sweep(pipe, X, y, dataset="first", labels={"protocol": "a"}, **common)
    again = noise_sweep(
        pipe, X, y, dataset="second", labels={"protocol": "b"}, **common
    )
    assert again.n_cached == 2
    assert again.unique("dataset") == ["second"] and again.unique("protocol") == ["b"]


def test_sparse_X_and_one_hot_y_are_refused_naming_them(digits):
    import scipy.sparse as sp

    X, y = _subset(digits, 100)
    pipe = _pipe(LogisticRegression())
    with pytest.raises(TypeError, match="sparse matrix X.*toarray"):
        noise_sweep(pipe, sp.csr_matrix(X), y)
    with pytest.raises(ValueError, match=r"one-hot labels pass y.argmax\(axis=1\)"):
        noise_sweep(pipe, X, np.eye(10)[y])


def test_an_unknown_param_name_is_refused_before_any_fit(digits):
    X, y = _subset(digits, 100)
    with pytest.raises(InvalidParameterError, match="'noise__scael' is not a param"):
        noise_sweep(_pipe(LogisticRegression()), X, y, param_name="noise__scael")


def test_robustness_matrix_of_a_scikit_learn_classifier(digits):
    X, y = _subset(digits, 400)
    results = robustness_matrix(
        _pipe(LogisticRegression(max_iter=50)),
        X,
        y,
        train_scales=[0, 1],
        test_scales=[0, 0.5, 1],
        cv=2,
        random_state=0,
    )
    train, test, accuracy = results.matrix()
    assert accuracy.shape == (2, 3)
    # Trained without noise, the model is best on clean test data.
    assert accuracy[0, 0] > accuracy[0, -1]


def test_results_table_round_trips_its_settings(tmp_path):
    results = SweepResults(
        [{"model": "mlp", "scale": 0.0, "fold": 0, "test_accuracy": 0.9}],
        settings={"dataset": "digits", "seed": 3},
    )
    results.to_json(tmp_path / "r.json")
    back = SweepResults.from_json(tmp_path / "r.json")
    assert back.rows == results.rows and back.settings == results.settings
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="not a result table"):
        SweepResults.from_json(tmp_path / "bad.json")


def test_to_frame_names_the_pandas_extra_when_pandas_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas fails
    with pytest.raises(ImportError, match=r"pip install -e .\.\[pandas\]."):
        SweepResults([{"a": 1}]).to_frame()


def _import_time(code):
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def test_the_command_line_figures_and_report_load_no_tensorflow():
    code = (
        "import sys\n"
        "import skmnistnoise.cli, skmnistnoise.plotting, skmnistnoise.report\n"
        "import skmnistnoise.experiment, skmnistnoise.metrics\n"
        "heavy = [m for m in ('tensorflow', 'keras', 'matplotlib', 'scikeras')"
        " if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_help_starts_within_twice_the_time_of_importing_sklearn():
    sklearn = min(_import_time("import sklearn") for _ in range(2))
    help_ = min(
        _import_time("from skmnistnoise.cli import main; main(['--help'])")
        for _ in range(2)
    )
    assert help_ < 2 * sklearn + 0.5, (help_, sklearn)


def test_a_sweep_scored_without_accuracy_is_read_back_from_its_store(digits, tmp_path):
    X, y = _subset(digits, 300)
    pipe = _pipe(LogisticRegression(max_iter=50))
    common = {"param_range": [0.5], "cv": 2, "store": tmp_path, "random_state": 0}
    first = noise_sweep(pipe, X, y, scoring="f1_macro", **common)
    assert "test_accuracy" not in first.rows[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no record is refused as corrupt
        again = noise_sweep(pipe, X, y, scoring="f1_macro", **common)
    assert (again.n_computed, again.n_cached) == (0, 2)
    # The same fits scored otherwise are other computations: not read back.
    other = noise_sweep(pipe, X, y, scoring="accuracy", **common)
    assert other.n_cached == 0


# -- one way to say each thing: random_state, arms, scales, dataset


def _rows(results):
    """The rows, less the times, which differ between two runs of the same fits."""
    return [
        {k: v for k, v in row.items() if k not in ("fit_time", "score_time")}
        for row in results
    ]


def _small(digits, n=400, **names):
    """A small Bunch of the digits with a two-fold cv, as run_study's ``data``."""
    X, y = _subset(digits, n)
    return Bunch(data=X, target=y, cv=2, **names)


def test_run_study_by_default_sweeps_the_study_pipelines_seeded_0(digits):
    # Its numbers do not change with random_state's default (None): its
    # pipelines are make_study_pipeline(random_state=0), as before.
    study = run_study(arms=[("mlp", "additive")], epochs=1, scales=[0, 1])
    pipe = make_study_pipeline("mlp", epochs=1, random_state=0)
    sweep = noise_sweep(
        pipe, digits.data, digits.target, param_range=[0, 1], cv=digits.cv,
        dataset="digits", labels={"protocol": "pixel"},
    )  # fmt: skip
    assert _rows(study) == _rows(sweep)
    assert study.unique("seed") == [0] and study.unique("dataset") == ["digits"]


@pytest.mark.parametrize("function", [noise_sweep, robustness_matrix])
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_deprecated_seeds_is_random_state_of_several_seeds(digits, function):
    X, y = _subset(digits, 300)
    pipe = _pipe(LogisticRegression(max_iter=50))
    kwargs = {"cv": 2}
    if function is noise_sweep:
        kwargs["param_range"] = [1.0]
    else:
        kwargs.update(train_scales=[1.0], test_scales=[0.0, 1.0])
    new = function(pipe, X, y, random_state=[0, 1], **kwargs)
    name = function.__name__
    with pytest.warns(FutureWarning) as record:
        old = function(pipe, X, y, seeds=[0, 1], **kwargs)
    (warning,) = [w for w in record if w.category is FutureWarning]
    assert str(warning.message) == (
        f"The 'seeds' parameter of {name} is deprecated in 0.3 and will be "
        "removed in 0.4; use random_state=[0, 1] instead."
    )
    assert warning.filename == __file__  # it points at the caller's line
    assert _rows(old) == _rows(new)
    assert sorted(new.unique("seed")) == [0, 1] and len(new) == 2 * 2


def test_run_study_deprecated_models_noises_and_seeds_give_the_same_rows(digits):
    common = {"data": _small(digits, 200), "scales": [0.5], "epochs": 1}
    common["hidden_layer_sizes"] = (8,)
    new = run_study(arms=[("mlp", "speckle")], random_state=[0, 1], **common)
    with pytest.warns(FutureWarning) as record:
        old = run_study(models=["mlp"], noises=["speckle"], seeds=[0, 1], **common)
    messages = [str(w.message) for w in record if w.category is FutureWarning]
    assert messages == [
        "The 'seeds' parameter of run_study is deprecated in 0.3 and will be "
        "removed in 0.4; use random_state=[0, 1] instead.",
        "The 'models' and 'noises' parameters of run_study are deprecated in 0.3 "
        "and will be removed in 0.4; use arms=[('mlp', 'speckle')] instead.",
    ]
    assert all(w.filename == __file__ for w in record)
    assert _rows(old) == _rows(new)
    assert sorted(new.unique("seed")) == [0, 1]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_scales_severities_are_imagenet_c_and_severities_is_deprecated(digits):
    clf = LogisticRegression(max_iter=50)
    common = {"arms": [(clf, "additive"), (clf, "shot")], "data": _small(digits)}
    new = run_study(scales="severities", **common)
    for noise in ("additive", "shot"):
        rows = [r for r in new if r["noise"] == noise and r["fold"] == 0]
        assert [r["severity"] for r in rows] == [0, 1, 2, 3, 4, 5]
        assert [r["scale"] for r in rows] == [0.0, *SEVERITIES[noise]]
    with pytest.warns(FutureWarning, match=r"use scales='severities' instead"):
        old = run_study(severities=[1, 2, 3, 4, 5], **common)
    assert _rows(old) == _rows(new)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_any_classifier_is_an_arm_with_the_arms_noise_first(digits):
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import make_pipeline

    data = _small(digits)
    scaled = make_pipeline(StandardScaler(), LogisticRegression(max_iter=50))
    results = run_study(
        arms=[
            (LogisticRegression(max_iter=50), "additive"),
            ("scaled", scaled, "additive"),
            (SGDClassifier(random_state=3), "impulse"),
        ],
        scales=[0, 1],
        data=data,
    )
    assert set(results.unique("model")) == {
        "LogisticRegression",
        "scaled",
        "SGDClassifier",
    }
    # The arm's noise (seeded 0) goes first, on the pixels, then the pipeline.
    explicit = Pipeline(
        [("noise", make_noise("additive", random_state=0)), *scaled.steps]
    )
    sweep = noise_sweep(explicit, data.data, data.target, param_range=[0, 1], cv=2)
    ours = [r["test_accuracy"] for r in results if r["model"] == "scaled"]
    assert ours == [r["test_accuracy"] for r in sweep]
    # random_state=None: the classifier's own random_state, as given.
    assert {r["seed"] for r in results if r["model"] == "SGDClassifier"} == {3}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_dataset_is_the_name_the_rows_record(digits):
    common = {"arms": [(LogisticRegression(max_iter=50), "additive")]}
    common["scales"] = [0.0]
    named = run_study(data=_small(digits, name="first"), **common)
    assert named.unique("dataset") == ["first"]  # the data's own name
    renamed = run_study(data=_small(digits, name="first"), dataset="mine", **common)
    assert renamed.unique("dataset") == ["mine"]
    assert run_study(data=_small(digits), **common).unique("dataset") == ["custom"]
    X, y = _subset(digits, 200)
    sweep = noise_sweep(_pipe(LogisticRegression()), X, y, param_range=[0.0], cv=2)
    assert sweep.unique("dataset") == ["custom"]  # the same default


def test_aggregate_refuses_to_group_by_a_column_it_writes():
    # Certification rows have a column n (the draws); aggregate writes n (the
    # fits of a group) over it.
    rows = [{"model": "mlp", "n": 100, "test_accuracy": a} for a in (0.5, 0.7)]
    with pytest.raises(ValueError, match="'by' parameter holds 'n'"):
        SweepResults(rows).aggregate("test_accuracy", by=("model", "n"))
    (group,) = SweepResults(rows).aggregate("test_accuracy", by=("model",))
    assert group["n"] == 2 and group["mean"] == pytest.approx(0.6)
