"""The ConvNet notebook's protocol: one model trained on through the scales.

``noise_sweep(reuse=True)`` and ``run_study(protocol="notebooks-reused")``
train one model per seed and fold through the values in order, each fit going
on from the one before (``warm_start``), and resume a killed chain from its
last stored value.
"""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import Pipeline
from sklearn.svm import SVC
from sklearn.utils._param_validation import InvalidParameterError

import skmnistnoise._plan as plan_module
from skmnistnoise import GaussianNoise
from skmnistnoise._store import NotReproducibleError, ResultStore
from skmnistnoise.experiment import CorruptRecordWarning, noise_sweep, run_study

SCALES = [0.0, 0.5, 1.0, 2.0]


def _pipe():
    return Pipeline(
        [
            ("noise", GaussianNoise(random_state=0)),
            ("clf", SGDClassifier(max_iter=3, tol=None, random_state=0)),
        ]
    )


def _sweep(digits, **kwargs):
    with warnings.catch_warnings():
        # SGD's ConvergenceWarning at max_iter=3; the store's warnings still show.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return noise_sweep(
            _pipe(), digits.data, digits.target, param_range=SCALES, cv=digits.cv,
            reuse=True, **kwargs,
        )  # fmt: skip


def _scores(results):
    return [(r["scale"], r["train_accuracy"], r["test_accuracy"]) for r in results]


def test_one_model_goes_on_from_value_to_value_as_a_loop_would(digits):
    results = _sweep(digits)
    # The loop the notebook wrote, with the pipeline's own methods.
    train, test = next(digits.cv.split(digits.data, digits.target))
    model = clone(_pipe()).set_params(clf__warm_start=True)
    expected = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for scale in SCALES:
            model.set_params(noise__scale=scale)
            model.fit(digits.data[train], digits.target[train])
            test_score = model.score(digits.data[test], digits.target[test])
            train_score = model.score(digits.data[train], digits.target[train])
            expected.append((scale, train_score, test_score))
    assert _scores(results) == expected  # bit for bit
    assert [r["trained_before"] for r in results] == [
        [], [0.0], [0.0, 0.5], [0.0, 0.5, 1.0],
    ]  # fmt: skip
    # Not what fresh models give: the model at 2.0 has trained at 0, .5 and 1.
    fresh = noise_sweep(
        _pipe(), digits.data, digits.target, param_range=[2.0], cv=digits.cv
    )
    assert fresh.rows[0]["test_accuracy"] != results.rows[-1]["test_accuracy"]


def test_a_killed_chain_resumes_after_its_last_stored_value(
    digits, tmp_path, monkeypatch
):
    whole = _sweep(digits)
    store = tmp_path / "store"
    original = plan_module._fit_one
    calls = []

    def killed_after_two(*args, **kwargs):
        if len(calls) == 2:
            raise KeyboardInterrupt
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(plan_module, "_fit_one", killed_after_two)
    with pytest.raises(KeyboardInterrupt):
        _sweep(digits, store=store)
    calls.clear()
    counted = []

    def counting(*args, **kwargs):
        counted.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(plan_module, "_fit_one", counting)
    resumed = _sweep(digits, store=store)
    assert len(counted) == 2 and (resumed.n_cached, resumed.n_computed) == (2, 2)
    assert _scores(resumed) == _scores(whole)
    counted.clear()
    again = _sweep(digits, store=store)
    assert counted == [] and _scores(again) == _scores(whole)


def test_a_damaged_state_restarts_the_chain(digits, tmp_path, monkeypatch):
    store = tmp_path / "store"
    whole = _sweep(digits, store=store)
    # The last value's record is gone, and the state before it is damaged.
    last = whole.rows[-1]["key"]
    (store / f"{last}.json").unlink()
    state = store / "fitted" / f"{whole.rows[-2]['key']}.zip"
    state.write_bytes(state.read_bytes() + b"\0")
    with pytest.warns(CorruptRecordWarning, match="does not match its record's"):
        again = _sweep(digits, store=store)
    assert again.n_computed == 4 and _scores(again) == _scores(whole)


def test_a_state_that_cannot_be_kept_restarts_the_chain(digits, tmp_path, monkeypatch):
    def refuse(self, key, estimator):
        raise NotReproducibleError("not plain data")

    monkeypatch.setattr(ResultStore, "put_fitted", refuse)
    store = tmp_path / "store"
    whole = _sweep(digits, store=store)
    assert not (store / "fitted").exists()
    assert all("state_sha256" not in r for r in whole.rows)
    (store / f"{whole.rows[-1]['key']}.json").unlink()
    again = _sweep(digits, store=store)  # no state to go on from the third
    assert again.n_computed == 4 and _scores(again) == _scores(whole)


def test_reuse_needs_a_final_step_with_warm_start(digits):
    pipe = Pipeline([("noise", GaussianNoise(random_state=0)), ("clf", SVC())])
    with pytest.raises(InvalidParameterError, match="reuse=True .* warm_start.*SVC"):
        noise_sweep(pipe, digits.data, digits.target, cv=digits.cv, reuse=True)


def test_run_study_notebooks_reused_keras(digits):
    results = run_study(
        arms=[("mlp", "additive")], scales=[0.0, 1.0], epochs=2,
        protocol="notebooks-reused",
        hidden_layer_sizes=(16,), random_state=0,
    )  # fmt: skip
    assert results.unique("protocol") == ["notebooks-reused"]
    assert [r["epochs_trained"] for r in results] == [2, 4]
    assert [len(r["epoch_test_accuracy"]) for r in results] == [2, 2]
    fresh = run_study(
        arms=[("mlp", "additive")], scales=[0.0, 1.0], epochs=2,
        protocol="notebooks",
        hidden_layer_sizes=(16,), random_state=0,
    )  # fmt: skip
    # Scale 0 is the chain's first fit: the fresh model's.
    assert results.rows[0]["test_accuracy"] == fresh.rows[0]["test_accuracy"]
    assert results.rows[1]["test_accuracy"] != fresh.rows[1]["test_accuracy"]
    assert np.isfinite(results.rows[1]["test_loss"])


def test_a_warm_started_keras_fit_goes_on_and_keeps_its_classes(digits):
    # SciKeras 0.13 alone loses classes_ on a warm start (its fit sets it to
    # None and the label encoder is not fitted again): predict then fails.
    from skmnistnoise import MLPClassifier

    X, y = digits.data, digits.target
    clf = MLPClassifier(hidden_layer_sizes=(16,), epochs=2, random_state=0)
    clf.set_params(warm_start=True).fit(X, y)
    first = clf.history_["loss"][:]
    clf.fit(X, y)
    assert clf.classes_.tolist() == list(range(10))
    assert clf.predict(X[:5]).shape == (5,)
    # It went on training: the loss starts below where the first fit ended.
    assert clf.history_["loss"][0] < first[-1]
