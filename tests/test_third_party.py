"""Any classifier means any: third-party classifiers through every entry point.

The matrix: scikit-learn's ``MLPClassifier`` and ``LogisticRegression``,
LightGBM's ``LGBMClassifier`` and a skorch ``NeuralNetClassifier`` (torch),
each through the sweep, the study, the Displays, ``GridSearchCV``, the
averaging classifier, ``certify``, ``certify_study``, the store and the
report. In each cell: it runs, the same seed twice gives identical numbers,
and a stored run re-read trains nothing and gives the same numbers. torch,
skorch and LightGBM are optional: their columns are skipped without them
(CI installs them in its newest environment).

Small stand-ins test what needs no torch: an estimator with a set-valued
parameter (the store describes it) and one drawing from numpy's global
generator (unseeded: warned about, recorded, never stored).
"""

import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline

from skmnistnoise import GaussianNoise, NoiseAveragedClassifier
from skmnistnoise.experiment import (
    certify_study,
    noise_sweep,
    robustness_matrix,
    run_study,
)
from skmnistnoise.plotting import (
    AccuracyScaleDisplay,
    CertifiedAccuracyDisplay,
    EpochCurveDisplay,
    RobustnessMatrixDisplay,
)
from skmnistnoise.report import write_report

SCALES = [0.0, 0.5, 1.0]


def _skorch_net():
    torch = pytest.importorskip("torch")
    skorch = pytest.importorskip("skorch")
    from _torch_module import DigitsMLP

    return skorch.NeuralNetClassifier(
        DigitsMLP,
        criterion=torch.nn.CrossEntropyLoss,
        max_epochs=4,
        lr=0.2,
        batch_size=64,
        verbose=0,
    )


def _lightgbm():
    lightgbm = pytest.importorskip("lightgbm")
    return lightgbm.LGBMClassifier(n_estimators=15, num_leaves=8, verbose=-1)


CLASSIFIERS = {
    "MLPClassifier": lambda: MLPClassifier((32,), max_iter=40),
    "LogisticRegression": lambda: LogisticRegression(max_iter=300),
    "LGBMClassifier": _lightgbm,
    "NeuralNetClassifier": _skorch_net,
}


@pytest.fixture(params=list(CLASSIFIERS))
def clf(request):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MLP's convergence warning
        return CLASSIFIERS[request.param]()


@pytest.fixture(scope="module")
def small(digits_module):
    """600 training and 300 test digits, float32, labels int64 (skorch's)."""
    d = digits_module
    X = d.data.astype(np.float32)
    y = d.target.astype(np.int64)
    return X[:600], y[:600], X[-300:], y[-300:]


@pytest.fixture(scope="module")
def digits_module():
    from skmnistnoise.datasets import load_digits

    return load_digits()


def _pipe(clf):
    return Pipeline([("noise", GaussianNoise(apply_to="train")), ("clf", clf)])


def _numbers(results, column="test_accuracy"):
    return [r[column] for r in results]


def _data(small):
    X_train, y_train, X_test, y_test = small
    X = np.concatenate([X_train, X_test])
    y = np.concatenate([y_train, y_test])
    cv = [(np.arange(600), np.arange(600, 900))]
    return X, y, cv


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_sweep_same_seed_twice_and_stored(clf, small, tmp_path):
    X, y, cv = _data(small)
    pipe = Pipeline([("noise", GaussianNoise()), ("clf", clf)])
    kw = dict(param_name="noise__scale", param_range=SCALES, cv=cv, random_state=0)
    first = noise_sweep(pipe, X, y, store=tmp_path, per_epoch=True, **kw)
    again = noise_sweep(pipe, X, y, **kw)
    # Recording the per-epoch curves changes no number of the training.
    assert _numbers(noise_sweep(pipe, X, y, per_epoch=False, **kw)) == _numbers(first)
    stored = noise_sweep(pipe, X, y, store=tmp_path, per_epoch=True, **kw)
    assert _numbers(first) == _numbers(again)
    assert stored.n_computed == 0 and _numbers(stored) == _numbers(first)
    assert all(r["seed"] == 0 and r.get("seeded", True) for r in first)
    accuracy = _numbers(first)
    assert accuracy[0] > 0.5 and accuracy[0] > accuracy[-1]  # sane: noise hurts
    AccuracyScaleDisplay.from_results(first)
    epochs = EpochCurveDisplay.from_results(first)
    if hasattr(clf, "history"):  # skorch: its per-epoch curves are drawn
        assert len(first.rows[0]["epoch_test_accuracy"]) == 4
        assert len(epochs.lines_) == 2 * len(SCALES)
    write_report(first, tmp_path / "report")
    text = (tmp_path / "report" / "report.md").read_text()
    assert type(clf).__name__ in text


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_study_and_matrix(clf, small, tmp_path):
    X, y, cv = _data(small)
    from sklearn.utils import Bunch

    data = Bunch(data=X, target=y, cv=cv, name="digits-900")
    kw = dict(arms=[(clf, "additive")], scales=[0, 1], data=data, random_state=0)
    first = run_study(store=tmp_path, **kw)
    stored = run_study(store=tmp_path, **kw)
    assert first.unique("model") == [type(clf).__name__]
    assert stored.n_computed == 0 and _numbers(stored) == _numbers(first)
    matrix, again = (
        robustness_matrix(
            _pipe(clf), X, y, train_scales=[0, 1], test_scales=[0, 1], cv=cv,
            random_state=0,
        )  # fmt: skip
        for _ in range(2)
    )
    assert matrix.matrix()[2].tolist() == again.matrix()[2].tolist()
    RobustnessMatrixDisplay.from_results(matrix)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_grid_search_over_training_scale(clf, small):
    X_train, y_train, _, _ = small
    pipe = Pipeline(
        [
            ("noise", GaussianNoise(apply_to="train", random_state=0)),
            ("test_noise", GaussianNoise(scale=0.5, apply_to="test", random_state=1)),
            ("clf", clf),
        ]
    )
    if "random_state" in clf.get_params():
        pipe.set_params(clf__random_state=0)
    search = GridSearchCV(pipe, {"noise__scale": [0.0, 0.5]}, cv=2)
    scores = []
    for _ in range(2):
        with _torch_seed(clf, 0):
            search.fit(X_train, y_train)
        scores.append(search.cv_results_["mean_test_score"].tolist())
    assert scores[0] == scores[1]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_averaging_and_certify_study(clf, small, tmp_path):
    X_train, y_train, X_test, y_test = small
    smoother = NoiseAveragedClassifier(
        _pipe(clf), noise=GaussianNoise(), n_draws=8, random_state=0
    )
    with _torch_seed(clf, 0):
        fitted = clone(smoother).fit(X_train, y_train)
    proba = fitted.predict_proba(X_test[:50])
    assert proba.shape == (50, 10) and np.allclose(proba.sum(axis=1), 1)
    assert np.array_equal(fitted.predict_proba(X_test[:50]), proba)  # seeded draws
    certificate = fitted.certify(X_test[:20], n0=10, n=100)
    again = fitted.certify(X_test[:20], n0=10, n=100)
    assert np.array_equal(certificate["radius"], again["radius"])
    kw = dict(
        sigmas=[0.25, 0.5],
        n0=10,
        n=100,
        chunk_size=40,
        random_state=0,
        store=tmp_path,
    )
    first = certify_study(smoother, X_train, y_train, X_test[:80], y_test[:80], **kw)
    stored = certify_study(smoother, X_train, y_train, X_test[:80], y_test[:80], **kw)
    assert stored.n_computed == 0
    assert _numbers(stored) == _numbers(first)
    assert [r["certificate_radius"] for r in stored] == [
        r["certificate_radius"] for r in first
    ]
    CertifiedAccuracyDisplay.from_results(first)


class _torch_seed:
    """``torch.manual_seed(seed)`` for a torch model, as a user seeds it."""

    def __init__(self, clf, seed):
        self.torch = hasattr(clf, "history") and hasattr(clf, "module")
        self.seed = seed

    def __enter__(self):
        if self.torch:
            import torch

            torch.manual_seed(self.seed)

    def __exit__(self, *exc):
        return False


# --------------------------------------------------------------------------
# skorch: seeded at each fit's start, whatever happens around it


def test_skorch_fit_is_seeded_whatever_ran_before(small):
    torch = pytest.importorskip("torch")
    net = _skorch_net()
    X, y, cv = _data(small)
    pipe = Pipeline([("noise", GaussianNoise()), ("clf", net)])
    kw = dict(param_name="noise__scale", param_range=SCALES, cv=cv, random_state=0)
    first = noise_sweep(pipe, X, y, **kw)
    torch.manual_seed(123)
    torch.rand(1000)  # the user's own draws move nothing
    state = torch.random.get_rng_state()
    second = noise_sweep(pipe, X, y, **kw)
    assert _numbers(first) == _numbers(second)
    # ... and the sweep moves nothing of the user's generator.
    assert torch.equal(torch.random.get_rng_state(), state)


def test_skorch_sweep_equals_a_loop_seeding_torch_per_fit(small):
    """The README's statement: for a torch model, noise_sweep equals a loop that
    seeds torch at the start of every fit (validation_curve does not)."""
    torch = pytest.importorskip("torch")
    net = _skorch_net()
    X, y, cv = _data(small)
    ((train, test),) = cv
    pipe = Pipeline([("noise", GaussianNoise()), ("clf", net)])
    results = noise_sweep(
        pipe,
        X,
        y,
        param_name="noise__scale",
        param_range=SCALES,
        cv=cv,
        random_state=0,
    )
    expected = []
    for scale in SCALES:
        model = clone(pipe).set_params(noise__scale=scale, noise__random_state=0)
        torch.manual_seed(0)
        model.fit(X[train], y[train])
        expected.append(model.score(X[test], y[test]))
    assert _numbers(results) == expected


def test_skorch_net_certified_from_the_store_trains_nothing(small, tmp_path):
    """Its trained weights are kept (tensors, no pickle): a re-run reads them."""
    pytest.importorskip("torch")
    X_train, y_train, X_test, y_test = small
    net = _skorch_net()
    smoother = NoiseAveragedClassifier(
        _pipe(net), noise=GaussianNoise(), n_draws=8, random_state=0
    )
    kw = dict(sigmas=[0.5], n0=10, n=100, random_state=0, store=tmp_path)
    first = certify_study(smoother, X_train, y_train, X_test[:40], y_test[:40], **kw)

    def no_training(*args, **kwargs):
        raise AssertionError("trained again")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(net), "fit", no_training)
        patch.setattr(type(net), "partial_fit", no_training)
        stored = certify_study(
            smoother, X_train, y_train, X_test[:40], y_test[:40], **kw
        )
    assert stored.rows[0]["certificate_radius"] == first.rows[0]["certificate_radius"]
    assert stored.n_computed == 0


def test_skorch_net_is_described_by_the_store():
    pytest.importorskip("skorch")
    from skmnistnoise._describe import canonical

    net = _skorch_net()
    description = canonical(net)["params"]
    assert description["_params_to_validate"] == {"set": []}
    assert description["train_split"]["object"] == "skorch.dataset.ValidSplit"
    changed = canonical(clone(net).set_params(module__hidden=16))
    assert changed != canonical(net)


# --------------------------------------------------------------------------
# Stand-ins without torch


class _SetParam(ClassifierMixin, BaseEstimator):
    """Nearest class mean, with a set-valued parameter (as skorch has)."""

    def __init__(self, ignored=frozenset(), random_state=None):
        self.ignored = ignored
        self.random_state = random_state

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.means_ = np.stack([X[y == c].mean(axis=0) for c in self.classes_])
        return self

    def predict(self, X):
        d = ((X[:, None, :] - self.means_[None]) ** 2).sum(axis=2)
        return self.classes_[np.argmin(d, axis=1)]


class _GlobalDraw(_SetParam):
    """Class means of a random half of the data, drawn from numpy's global
    generator: no random_state reaches it."""

    def __init__(self, ignored=frozenset()):
        self.ignored = ignored

    def fit(self, X, y):
        rows = np.random.permutation(len(X))[: len(X) // 2]  # noqa: NPY002
        return super().fit(X[rows], y[rows])


def test_set_valued_parameter_is_stored(small, tmp_path):
    X, y, cv = _data(small)
    pipe = Pipeline([("noise", GaussianNoise()), ("clf", _SetParam({1, 2}))])
    kw = dict(param_name="noise__scale", param_range=SCALES, cv=cv, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing "not stored"
        first = noise_sweep(pipe, X, y, store=tmp_path, **kw)
    stored = noise_sweep(pipe, X, y, store=tmp_path, **kw)
    assert stored.n_computed == 0 and _numbers(stored) == _numbers(first)


def test_unseeded_model_is_recorded_warned_once_and_never_stored(small, tmp_path):
    X, y, cv = _data(small)
    pipe = Pipeline([("noise", GaussianNoise()), ("clf", _GlobalDraw())])
    kw = dict(param_name="noise__scale", param_range=SCALES, cv=cv, random_state=[0, 1])
    with pytest.warns(UserWarning, match=r"_GlobalDraw cannot be seeded") as record:
        first = noise_sweep(pipe, X, y, store=tmp_path, **kw)
    assert sum("cannot be seeded" in str(w.message) for w in record) == 1
    assert "global generator" in str(record[0].message)
    assert all(r["seed"] is None and r["seeded"] is False for r in first)
    assert sorted({r["replicate"] for r in first}) == [0, 1]
    assert first.aggregate()[0]["seeds"] == 2  # two replicates, not one seed
    with pytest.warns(UserWarning, match="cannot be seeded"):
        again = noise_sweep(pipe, X, y, store=tmp_path, **kw)
    assert again.n_computed == len(first)  # nothing was stored, nothing served


def test_unseeded_model_in_certify_study(small, tmp_path):
    X_train, y_train, X_test, y_test = small
    smoother = NoiseAveragedClassifier(
        _pipe(_GlobalDraw()), noise=GaussianNoise(), n_draws=4, random_state=0
    )
    kw = dict(sigmas=[0.5], n0=10, n=50, random_state=0)
    with pytest.raises(ValueError, match=r"cannot be seeded: _GlobalDraw.*store=None"):
        certify_study(
            smoother, X_train, y_train, X_test[:20], y_test[:20], store=tmp_path, **kw
        )
    with pytest.warns(UserWarning, match="cannot be seeded"):
        rows = certify_study(smoother, X_train, y_train, X_test[:20], y_test[:20], **kw)
    assert rows.rows[0]["seed"] is None and rows.rows[0]["seeded"] is False


def test_run_study_refuses_what_is_not_a_classifier():
    with pytest.raises((TypeError, ValueError), match="GaussianNoise"):
        run_study(arms=[(GaussianNoise(), "additive")], scales=[0])
