"""Fitted estimators kept without pickle: ResultStore.put_fitted and get_fitted.

A fitted network is kept as Keras's own ``.keras`` file, the rest of its state
as JSON and ``.npz`` arrays; reading it back runs no code from the store (no
unpickling, Keras's ``safe_mode``, classes from the caller's template) and
gives the very estimator that was kept: the same predictions, and the same
training when it goes on (``warm_start``).
"""

import hashlib
import io
import json
import subprocess
import sys
import threading
import warnings
import zipfile
from functools import cache

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.ensemble import VotingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.pipeline import Pipeline

from skmnistnoise import (
    ConvNetClassifier,
    GaussianNoise,
    MLPClassifier,
    NoiseAveragedClassifier,
)
from skmnistnoise._store import (
    CorruptRecordWarning,
    NotReproducibleError,
    ResultStore,
)

N = 200


def _mlp(**params):
    return MLPClassifier(hidden_layer_sizes=(8,), epochs=1, random_state=0, **params)


def _noisy_mlp():
    return Pipeline(
        [("noise", GaussianNoise(scale=0.1, random_state=0)), ("clf", _mlp())]
    )


# What the store keeps: an estimator, and the labels it is fitted on.
CASES = {
    # Labels of any type: strings come back as the strings they were.
    "network-of-strings": (_mlp, lambda y: np.array(list("abcdefghij"))[y]),
    "pipeline": (_noisy_mlp, lambda y: y),
    "convnet": (
        lambda: ConvNetClassifier(
            filters=(4,), dense_units=8, epochs=1, random_state=0
        ),
        lambda y: y,
    ),
    # Two classes: the one-hot label encoder of a binary target.
    "noise-averaged-binary": (
        lambda: NoiseAveragedClassifier(_mlp(), n_draws=2, random_state=0),
        lambda y: (y > 4).astype(np.int64),
    ),
}


@pytest.fixture(scope="module")
def fitted(digits):
    @cache
    def fit(case):
        make, labels = CASES[case]
        X, y = digits.data[:N], labels(digits.target[:N])
        return make(), make().fit(X, y), X

    return fit


def _archive(store, key):
    return store.path / "fitted" / f"{key}.zip"


@pytest.mark.parametrize("case", CASES)
def test_a_fitted_estimator_reads_back_predicting_the_same(fitted, tmp_path, case):
    template, estimator, X = fitted(case)
    store = ResultStore(tmp_path)
    sha256 = store.put_fitted("k", estimator)
    back = store.get_fitted("k", sha256, template)
    assert type(back) is type(estimator) and back is not template
    assert np.array_equal(back.predict_proba(X), estimator.predict_proba(X))
    assert np.array_equal(back.predict(X), estimator.predict(X))
    assert back.classes_.dtype == estimator.classes_.dtype
    assert not hasattr(template, "classes_")  # a clone was fitted, not it
    # JSON, arrays and Keras's format: nothing that needs pickle to read.
    with zipfile.ZipFile(_archive(store, "k")) as archive:
        assert sorted(archive.namelist()) == [
            "arrays.npz",
            "model-0.keras",
            "state.json",
        ]
        arrays = np.load(io.BytesIO(archive.read("arrays.npz")), allow_pickle=False)
        assert all(arrays[name].dtype != object for name in arrays.files)


def test_a_restored_network_trains_on_as_the_stored_one_would(digits, tmp_path):
    X, y = digits.data[:N], digits.target[:N]
    template = _mlp(warm_start=True)
    kept = clone(template).fit(X, y)
    store = ResultStore(tmp_path)
    back = store.get_fitted("k", store.put_fitted("k", kept), template)
    # Its optimizer's state and its dropout's random generators came back:
    # another epoch on each gives the same network, to the bit.
    kept.fit(X, y)
    back.fit(X, y)
    assert back.history_ == kept.history_
    assert np.array_equal(back.predict_proba(X), kept.predict_proba(X))


def test_a_restored_sgd_classifier_trains_on_as_the_stored_one_would(digits, tmp_path):
    # The reuse sweeps' tests chain SGDClassifiers; their loss object is made
    # again from ``loss``.
    X, y = digits.data[:N], digits.target[:N]
    template = SGDClassifier(max_iter=3, tol=None, random_state=0, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        kept = clone(template).fit(X, y)
    store = ResultStore(tmp_path)
    back = store.get_fitted("k", store.put_fitted("k", kept), template)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter=3
        kept.fit(X, y)
        back.fit(X, y)
    assert np.array_equal(back.coef_, kept.coef_) and back.t_ == kept.t_


def test_the_template_must_be_the_stored_estimator(fitted, tmp_path):
    _, estimator, _ = fitted("network-of-strings")
    store = ResultStore(tmp_path)
    sha256 = store.put_fitted("k", estimator)
    with pytest.raises(ValueError, match="differ at params.hidden_layer_sizes"):
        store.get_fitted("k", sha256, _mlp().set_params(hidden_layer_sizes=(9,)))


def test_no_archive_or_no_checksum_is_nothing_and_a_changed_one_is_reported(
    fitted, tmp_path
):
    template, estimator, _ = fitted("network-of-strings")
    store = ResultStore(tmp_path)
    assert store.get_fitted("k", "0" * 64, template) is None
    sha256 = store.put_fitted("k", estimator)
    assert store.get_fitted("k", None, template) is None
    path = _archive(store, "k")
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.warns(CorruptRecordWarning, match="does not match") as caught:
        assert store.get_fitted("k", sha256, template) is None
    assert str(path) in str(caught[0].message)


class _Boom:
    """Unpickling it would run code: it must never be unpickled."""

    ran = False

    def __reduce__(self):
        return (_Boom._explode, ())

    @staticmethod
    def _explode():
        _Boom.ran = True
        return _Boom()


def _pickled_arrays(contents, tmp_path):
    arrays = io.BytesIO()
    np.savez(arrays, a0=np.array([_Boom()], dtype=object))
    contents["arrays.npz"] = arrays.getvalue()


def _unknown_tag(contents, tmp_path):
    state = json.loads(contents["state.json"])
    state["state"]["attrs"]["classes_"] = {"pickle": "gASV"}
    contents["state.json"] = json.dumps(state).encode()


def _dunder_attribute(contents, tmp_path):
    state = json.loads(contents["state.json"])
    state["state"]["attrs"]["__dict__"] = {"dict": {}}
    contents["state.json"] = json.dumps(state).encode()


def _lambda_network(contents, tmp_path):
    # Keras keeps a Lambda layer's Python code; safe_mode refuses to load it.
    import keras

    model = keras.Sequential([keras.Input((64,)), keras.layers.Lambda(lambda x: x)])
    model.save(tmp_path / "lambda.keras")
    contents["model-0.keras"] = (tmp_path / "lambda.keras").read_bytes()


FORGERIES = {
    "pickled-arrays": (_pickled_arrays, "Object arrays cannot be loaded"),
    "unknown-tag": (_unknown_tag, "tagged 'pickle'"),
    "dunder-attribute": (_dunder_attribute, "attribute name '__dict__'"),
    "lambda-network": (_lambda_network, "safe_mode=False"),
}


@pytest.mark.parametrize("forge, why", FORGERIES.values(), ids=FORGERIES)
def test_an_archive_put_fitted_did_not_write_runs_nothing(fitted, tmp_path, forge, why):
    # A forger who can write the store can write a matching checksum too:
    # reading must still run no code from it.
    template, estimator, _ = fitted("network-of-strings")
    store = ResultStore(tmp_path / "store")
    store.put_fitted("k", estimator)
    path = _archive(store, "k")
    with zipfile.ZipFile(path) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    forge(contents, tmp_path)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.warns(CorruptRecordWarning, match=why):
        assert store.get_fitted("k", sha256, template) is None
    assert not _Boom.ran


class _Locking(ClassifierMixin, BaseEstimator):
    """Fits to an object that is not data."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.lock_ = threading.Lock()
        return self


def test_state_that_is_not_plain_data_is_refused_before_anything_is_written(
    digits, tmp_path
):
    X, y = digits.data[:N], digits.target[:N]
    store = ResultStore(tmp_path)
    pipe = Pipeline([("noise", GaussianNoise()), ("clf", _Locking())]).fit(X, y)
    with pytest.raises(NotReproducibleError, match=r"clf\.lock_ \(a _thread\.lock\)"):
        store.put_fitted("k", pipe)
    vote = VotingClassifier([("lr", LogisticRegression(max_iter=20))])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter=20
        vote.fit(X, y)
    with pytest.raises(NotReproducibleError, match="fitted attribute .*estimator"):
        store.put_fitted("k", vote)
    assert not (tmp_path / "fitted").exists()


def test_the_store_is_imported_without_tensorflow():
    code = "import skmnistnoise._store, sys; assert 'tensorflow' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
