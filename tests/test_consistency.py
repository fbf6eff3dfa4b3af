"""Consistency regularisation (Jeong and Shin 2020) on the noisy training copies."""

import keras
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

from skmnistnoise import GaussianNoise, MLPClassifier
from skmnistnoise._training import ConsistencySequential, FreshNoiseEpochs
from skmnistnoise.experiment import RECIPES, make_smoother, recipe_params

TINY = dict(hidden_layer_sizes=(16,), epochs=2, random_state=0)
PAPER = dict(consistency_m=2, consistency_lambda=10.0, consistency_eta=0.5)


@pytest.fixture(scope="module")
def small_digits(digits):
    return digits.data[::3], digits.target[::3]


# -- the loss, by hand -----------------------------------------------------------


def _network(model_class=keras.Sequential, **kwargs):
    """A fixed softmax layer on 4 features and 3 classes, trained at rate 0."""
    model = model_class([keras.Input((4,)), keras.layers.Dense(3)], **kwargs)
    model.add(keras.layers.Softmax())
    rng = np.random.default_rng(0)
    model.layers[0].set_weights([rng.normal(size=(4, 3)), rng.normal(size=3)])
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.0),
        loss="categorical_crossentropy",
    )
    return model


def _batch(m=2, b=3):
    """b images, m fixed noisy copies each, copy-major, labels repeated."""
    rng = np.random.default_rng(1)
    images = rng.random((b, 4)).astype(np.float32)
    noise = rng.normal(scale=0.5, size=(m, b, 4)).astype(np.float32)
    x = (images[None] + noise).reshape(m * b, 4)
    y = np.tile(np.eye(3, dtype=np.float32)[[0, 2, 1][:b]], (m, 1))
    return x, y


def _by_hand(model, x, y, m, lam, eta, weights=None):
    """Cross-entropy over the copies + lam * KL(mean || copy) + eta * H(mean)."""
    w, bias = model.layers[0].get_weights()
    logits = x.astype(np.float64) @ w + bias
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    weights = np.ones(len(x) // m) if weights is None else weights
    xent = -np.sum(y * np.log(p), axis=1) * np.tile(weights, m)
    p = p.reshape(m, -1, 3)
    mean = p.mean(axis=0)
    kl = np.mean(np.sum(mean * (np.log(mean) - np.log(p)), axis=2), axis=0)
    entropy = -np.sum(mean * np.log(mean), axis=1)
    return xent.mean() + np.mean(weights * (lam * kl + eta * entropy))


@pytest.mark.parametrize("lam, eta", [(10.0, 0.5), (0.0, 0.0), (1.0, 0.0), (0.0, 2.0)])
def test_the_training_loss_is_the_papers_on_a_hand_computed_batch(lam, eta):
    x, y = _batch(m=2)
    model = _network(ConsistencySequential, consistency=(2, lam, eta))
    loss = model.train_on_batch(x, y, return_dict=True)["loss"]
    assert_allclose(loss, _by_hand(model, x, y, 2, lam, eta), rtol=1e-5)
    # Evaluation is the plain cross-entropy over the rows. (Keras 3.7, the lowest
    # tested, keeps averaging the loss tracker over train_on_batch and test_on_batch
    # calls: reset it, as later Keras does at each call.)
    model.reset_metrics()
    plain = model.test_on_batch(x, y, return_dict=True)["loss"]
    assert_allclose(plain, _by_hand(model, x, y, 2, 0.0, 0.0), rtol=1e-5)


def test_the_loss_weighs_each_image_by_its_sample_weight():
    x, y = _batch(m=3)
    weights = np.array([0.5, 2.0, 1.0], dtype=np.float32)
    model = _network(ConsistencySequential, consistency=(3, 10.0, 0.5))
    loss = model.train_on_batch(x, y, sample_weight=np.tile(weights, 3))
    assert_allclose(loss, _by_hand(model, x, y, 3, 10.0, 0.5, weights), rtol=1e-5)


def test_one_copy_without_weights_is_the_plain_loss():
    x, y = _batch(m=1)
    regularised = _network(ConsistencySequential, consistency=(1, 0.0, 0.0))
    plain = _network()
    assert_allclose(
        regularised.train_on_batch(x, y), plain.train_on_batch(x, y), rtol=1e-7
    )
    assert_allclose(
        regularised.train_on_batch(x, y), _by_hand(plain, x, y, 1, 0, 0), rtol=1e-5
    )


def test_the_defaults_train_a_plain_network_bit_for_bit(small_digits):
    X, y = small_digits
    noise = GaussianNoise(scale=0.25)
    default = MLPClassifier(**TINY, train_noise=noise).fit(X, y)
    assert type(default.model_) is keras.Sequential
    explicit = MLPClassifier(
        **TINY,
        train_noise=noise,
        consistency_m=1,
        consistency_lambda=0.0,
        consistency_eta=0.0,
    ).fit(X, y)
    assert_array_equal(explicit.predict_proba(X), default.predict_proba(X))


# -- the copies ------------------------------------------------------------------


def test_the_copies_are_successive_draws_of_the_fitted_noise(random_X):
    y = np.arange(len(random_X))
    noise = GaussianNoise(scale=0.5, random_state=0).fit(random_X)
    epochs = FreshNoiseEpochs(
        random_X, y, None, noise, batch_size=16, shuffle=False, seed=0, copies=2
    )
    assert len(epochs) == 8  # 8 images a step (16 rows), ceil(60 / 8)
    x, labels = epochs[0]
    assert x.shape == (16, 12)
    assert_array_equal(labels, np.tile(np.arange(8), 2))
    # Epoch e: draws 2e and 2e + 1 of the transformer, copy-major.
    assert_array_equal(x[:8], noise._apply(random_X, draw=0, active=True)[:8])
    assert_array_equal(x[8:], noise._apply(random_X, draw=1, active=True)[:8])
    epochs.on_epoch_end()
    x, _ = epochs[0]
    assert_array_equal(x[:8], noise._apply(random_X, draw=2, active=True)[:8])
    assert_array_equal(x[8:], noise._apply(random_X, draw=3, active=True)[:8])


# -- the classifier ----------------------------------------------------------------


def test_a_regularised_fit_is_seeded_and_differs_from_a_plain_one(small_digits):
    X, y = small_digits
    clf = MLPClassifier(**TINY, **PAPER, train_noise=GaussianNoise(scale=0.25))
    first = clone(clf).fit(X, y)
    assert isinstance(first.model_, ConsistencySequential)
    assert first.model_.consistency == (2, 10.0, 0.5)
    assert_array_equal(clone(clf).fit(X, y).predict_proba(X), first.predict_proba(X))
    plain = clone(clf).set_params(consistency_m=1, consistency_lambda=0.0)
    plain = plain.set_params(consistency_eta=0.0).fit(X, y)
    assert not np.allclose(plain.predict_proba(X), first.predict_proba(X))


def test_a_regularised_network_saves_and_loads(small_digits, tmp_path):
    X, y = small_digits
    clf = MLPClassifier(**TINY, **PAPER, train_noise=GaussianNoise(scale=0.25))
    clf.fit(X, y)
    clf.model_.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras", safe_mode=True)
    assert isinstance(loaded, ConsistencySequential)
    assert loaded.consistency == (2, 10.0, 0.5)
    assert_array_equal(loaded.predict(X, verbose=0), clf.model_.predict(X, verbose=0))


def test_a_warm_start_follows_the_parameters_but_cannot_add_the_loss(small_digits):
    X, y = small_digits
    noise = GaussianNoise(scale=0.25)
    clf = MLPClassifier(**TINY, **PAPER, train_noise=noise).fit(X, y)
    clf.set_params(consistency_lambda=1.0).partial_fit(X, y)
    assert clf.model_.consistency == (2, 1.0, 0.5)
    plain = MLPClassifier(**TINY, train_noise=noise, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match="warm_start=False"):
        plain.set_params(**PAPER).fit(X, y)


@pytest.mark.parametrize(
    "params, error, match",
    [
        (PAPER, ValueError, "give it train_noise"),
        ({"consistency_eta": 0.5}, ValueError, "give it train_noise"),
        ({"consistency_m": 0}, InvalidParameterError, "'consistency_m'"),
        ({"consistency_lambda": -1.0}, InvalidParameterError, "'consistency_lambda'"),
        ({"consistency_eta": "high"}, InvalidParameterError, "'consistency_eta'"),
    ],
)
def test_a_consistency_loss_that_cannot_work_is_refused(
    params, error, match, small_digits
):
    X, y = small_digits
    with pytest.raises(error, match=match):
        MLPClassifier(**TINY, **params).fit(X, y)


def test_lambda_without_a_second_copy_is_refused(small_digits):
    X, y = small_digits
    clf = MLPClassifier(
        **TINY, train_noise=GaussianNoise(scale=0.25), consistency_lambda=10.0
    )
    with pytest.raises(ValueError, match="consistency_m=2"):
        clf.fit(X, y)


def test_the_consistency_recipes_are_the_papers_mnist_settings(small_digits):
    assert {"consistency", "consistency-lambda5"} <= set(RECIPES)
    for model in ("mlp", "convnet"):
        assert recipe_params("consistency", model=model, epochs=12) == PAPER
    five = recipe_params("consistency-lambda5", model="mlp", epochs=12)
    assert five == {**PAPER, "consistency_lambda": 5.0}
    X, y = small_digits
    smoother = make_smoother("mlp", hidden_layer_sizes=(16,), epochs=1, **five)
    smoother.set_params(random_state=0).fit(X, y)
    assert smoother.estimator_.model_.consistency == (2, 5.0, 0.5)


@pytest.mark.parametrize(
    ("recipe", "lam"),
    [
        ("consistency-cosine-no-dropout", 10.0),
        ("consistency-lambda5-cosine-no-dropout", 5.0),
    ],
)
def test_the_cosine_consistency_recipes_add_the_schedule_and_no_dropout(recipe, lam):
    params = recipe_params(recipe, model="convnet", epochs=3, n_train=256)
    schedule = params.pop("optimizer__learning_rate")
    assert params == {**PAPER, "consistency_lambda": lam, "dropout": (0.0, 0.0)}
    # 3 epochs of 256 images in batches of 128: 6 steps, from 1e-3 down to 0.
    assert float(schedule(0)) == pytest.approx(1e-3)
    assert float(schedule(3)) == pytest.approx(0.5e-3)
    assert float(schedule(6)) == pytest.approx(0.0, abs=1e-9)
    mlp = recipe_params(recipe, model="mlp", epochs=3, n_train=256)
    assert mlp["dropout"] == 0.0
