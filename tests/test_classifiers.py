"""MLPClassifier and ConvNetClassifier: the notebooks' networks, as classifiers."""

import os
import pickle
import subprocess
import sys
import textwrap
import warnings

import keras
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scikeras.wrappers import KerasClassifier
from sklearn.base import clone, is_classifier
from sklearn.model_selection import (
    KFold,
    StratifiedKFold,
    check_cv,
    cross_val_score,
)
from sklearn.pipeline import make_pipeline

import skmnistnoise._classifiers as classifiers_module
import skmnistnoise._training as training_module
from skmnistnoise import ConvNetClassifier, GaussianNoise, MLPClassifier
from skmnistnoise._training import FreshNoiseEpochs as _FreshNoiseEpochs

# Tiny networks: these tests are about behaviour, not accuracy.
TINY_MLP = dict(hidden_layer_sizes=(16,), epochs=2, random_state=0)
TINY_CONVNET = dict(filters=(4,), dense_units=8, epochs=1, random_state=0)
SUBPROCESS_TIMEOUT = 300


@pytest.fixture(scope="module")
def small_digits(digits):
    """600 digits (64 features in [0, 1]), all ten classes."""
    return digits.data[::3], digits.target[::3]


@pytest.fixture(scope="module")
def sorted_digits(digits):
    """450 digits sorted by label: a plain KFold would split off whole classes."""
    order = np.argsort(digits.target, kind="stable")[::4]
    return digits.data[order], digits.target[order]


@pytest.fixture(scope="module")
def mnist_sized():
    """Random rows of MNIST's size: 784 features, 10 classes."""
    X = np.random.default_rng(0).random((20, 784), dtype=np.float32)
    return X, np.arange(20) % 10


def _layers(model):
    return [type(layer).__name__ for layer in model.layers]


# -- the notebooks' networks and training -------------------------------------------


def test_default_mlp_is_the_notebook_network(mnist_sized):
    clf = MLPClassifier().initialize(*mnist_sized)
    model = clf.model_
    assert model.count_params() == 669_706
    assert _layers(model) == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == [512, 512, 10]
    assert [layer.activation.__name__ for layer in dense] == ["relu", "relu", "softmax"]
    assert [layer.rate for layer in model.layers[1::2]] == [0.2, 0.2]
    assert (clf.optimizer, clf.loss, clf.batch_size, clf.epochs) == (
        "adam",
        "categorical_crossentropy",
        128,
        20,
    )
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert model.loss.__name__ == "categorical_crossentropy"


def test_default_convnet_is_the_notebook_network(mnist_sized):
    clf = ConvNetClassifier().initialize(*mnist_sized)
    model = clf.model_
    assert model.count_params() == 1_199_882
    assert _layers(model) == [
        "Reshape",
        "Conv2D",
        "Conv2D",
        "MaxPooling2D",
        "Dropout",
        "Flatten",
        "Dense",
        "Dropout",
        "Dense",
    ]
    reshape, conv1, conv2, pool, drop1, _, dense, drop2, out = model.layers
    assert reshape.target_shape == (28, 28, 1)
    assert (conv1.filters, conv1.kernel_size) == (32, (3, 3))
    assert (conv2.filters, conv2.kernel_size) == (64, (3, 3))
    assert pool.pool_size == (2, 2)
    assert (drop1.rate, drop2.rate) == (0.25, 0.5)
    assert (dense.units, out.units) == (128, 10)
    assert out.activation.__name__ == "softmax"
    assert (clf.optimizer, clf.loss, clf.batch_size, clf.epochs) == (
        "adam",
        "categorical_crossentropy",
        128,
        12,
    )
    assert isinstance(model.optimizer, keras.optimizers.Adam)


def test_lenet_is_the_reference_network_with_a_pooling_after_each_convolution(
    mnist_sized,
):
    from skmnistnoise._describe import canonical
    from skmnistnoise.experiment import LENET

    model = ConvNetClassifier(**LENET).initialize(*mnist_sized).model_
    assert _layers(model) == [
        "Reshape",
        "Conv2D",
        "MaxPooling2D",
        "Conv2D",
        "MaxPooling2D",
        "Flatten",
        "Dense",
        "Dense",
    ]
    _, conv1, _, conv2, pool2, _, dense, out = model.layers
    assert (conv1.filters, conv1.kernel_size) == (20, (5, 5))
    assert (conv2.filters, conv2.kernel_size) == (50, (5, 5))
    assert pool2.output.shape[1:] == (4, 4, 50)
    assert (dense.units, out.units) == (500, 10)
    # 20*25+20, 50*20*25+50, 800*500+500, 500*10+10: Jeong and Shin's LeNet.
    assert model.count_params() == 520 + 25_050 + 400_500 + 5_010
    # The default pooling keys a stored result as before the parameter existed;
    # "each" is another network, and another key.
    params = canonical(ConvNetClassifier())["params"]
    assert "pooling" not in params and "filters" in params
    assert canonical(ConvNetClassifier(pooling="each"))["params"]["pooling"] == "each"
    with pytest.raises(ValueError, match="'pooling' parameter.*'first'"):
        ConvNetClassifier(pooling="first").fit(*mnist_sized)


def test_training_uses_batches_of_128(small_digits):
    X, y = small_digits

    clf = MLPClassifier(**TINY_MLP).fit(X, y)
    # One optimizer step per batch of 128 (Keras may run several per call).
    n_steps = int(clf.model_.optimizer.iterations.numpy())
    assert n_steps == TINY_MLP["epochs"] * int(np.ceil(len(X) / 128))


def _fit_and_predict(cls, params, X, y):
    clf = cls(**params).fit(X, y, validation_data=(X[::2], y[::2]))
    weights = [w.copy() for w in clf.model_.get_weights()]
    return weights, dict(clf.history_), clf.predict_proba(X)


@pytest.mark.parametrize(
    "cls, params",
    [
        (MLPClassifier, TINY_MLP),
        (MLPClassifier, {**TINY_MLP, "train_noise": GaussianNoise(scale=0.5)}),
        (ConvNetClassifier, {**TINY_CONVNET, "epochs": 2}),
    ],
    ids=["mlp", "mlp-train-noise", "convnet"],
)
def test_speed_settings_change_no_number_of_a_seeded_fit(
    cls, params, small_digits, monkeypatch
):
    # Several training steps per call (the MLP's) and large prediction
    # batches are there for speed only: weights and history stay
    # bit-identical to one step per call, probabilities equal those predicted
    # in batches of 128 to float32 rounding (bit-identical on some CPUs, not
    # on all: the matrix product's blocking follows the batch size). Three
    # steps per call on five batches also ends on a partial call.
    X, y = small_digits
    # Multi-step calls even on these few batches (the default waits for 64).
    monkeypatch.setattr(training_module, "_MULTI_STEP_MIN_BATCHES", 2)
    monkeypatch.setattr(training_module, "STEPS_PER_EXECUTION", 3)
    fast = _fit_and_predict(cls, params, X, y)
    assert classifiers_module.PREDICT_BATCH_SIZE > 128
    monkeypatch.setattr(training_module, "STEPS_PER_EXECUTION", 1)
    monkeypatch.setattr(classifiers_module, "PREDICT_BATCH_SIZE", 128)
    slow = _fit_and_predict(cls, params, X, y)
    for fast_w, slow_w in zip(fast[0], slow[0]):
        assert_array_equal(fast_w, slow_w)
    assert fast[1] == slow[1]
    assert_allclose(fast[2], slow[2], rtol=1e-6, atol=0)


@pytest.mark.parametrize("n_rows", [600, 129, 513], ids=lambda n: f"{n}-rows")
def test_predictions_equal_those_in_batches_of_128(n_rows, small_digits):
    # 129 rows leave a lone last row in batches of 128, 513 in batches of 512:
    # a one-row batch rounds differently, and the batch size must follow.
    X, y = small_digits
    clf = ConvNetClassifier(**TINY_CONVNET).fit(X, y)
    X = np.concatenate([X, X])[:n_rows]
    assert_array_equal(clf.predict_proba(X), clf.model_.predict(X, batch_size=128))


@pytest.mark.parametrize(
    "params, n_rows, expected",
    [
        ({}, 600, classifiers_module.PREDICT_BATCH_SIZE),
        ({}, 129, 128),
        ({"batch_size": 2048}, 600, 2048),
        ({"predict__batch_size": 64}, 600, 64),
    ],
    ids=["default", "lone-last-row", "larger-batch-size", "routed"],
)
def test_prediction_batch_size(params, n_rows, expected, small_digits, monkeypatch):
    X, y = small_digits
    clf = MLPClassifier(**{**TINY_MLP, **params}).fit(X, y)
    real_predict = clf.model_.predict
    sizes = []

    def spy(*args, **kwargs):
        sizes.append(kwargs.get("batch_size"))
        return real_predict(*args, **kwargs)

    monkeypatch.setattr(clf.model_, "predict", spy)
    clf.predict(np.concatenate([X, X])[:n_rows])
    assert sizes == [expected]


def test_input_size_and_classes_come_from_the_data(small_digits):
    X, y = small_digits
    clf = MLPClassifier(hidden_layer_sizes=(16,)).initialize(X[y < 3], y[y < 3])
    assert clf.model_.input_shape == (None, 64)
    assert clf.model_.output_shape == (None, 3)


# -- the ConvNet on other image sizes -------------------------------------------------


def test_convnet_reshapes_flat_8x8_digits_to_images(small_digits):
    X, y = small_digits
    clf = ConvNetClassifier(**TINY_CONVNET).fit(X, y)
    assert clf.model_.layers[0].target_shape == (8, 8, 1)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 10)
    assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])


def test_convnet_takes_image_input_with_the_same_network(small_digits):
    X, y = small_digits
    images = X.reshape(-1, 8, 8)
    on_images = ConvNetClassifier(**TINY_CONVNET).fit(images, y)
    on_rows = ConvNetClassifier(**TINY_CONVNET).initialize(X, y)
    assert on_images.model_.input_shape == (None, 8, 8)
    assert on_images.model_.count_params() == on_rows.model_.count_params()
    assert on_images.predict(images).shape == (len(X),)


def test_convnet_needs_image_shape_for_a_non_square_feature_count(small_digits):
    X, y = small_digits
    with pytest.raises(ValueError, match="image_shape"):
        ConvNetClassifier(**TINY_CONVNET).fit(X[:, :60], y)
    with pytest.raises(ValueError, match="image_shape"):
        ConvNetClassifier(**TINY_CONVNET, image_shape=(7, 7)).fit(X[:, :60], y)
    clf = ConvNetClassifier(**TINY_CONVNET, image_shape=(6, 10)).fit(X[:, :60], y)
    assert clf.model_.layers[0].target_shape == (6, 10, 1)
    assert clf.predict(X[:, :60]).shape == (len(X),)


# -- the scikit-learn >= 1.7 tag fix ------------------------------------------------


def _build_plain_keras(meta, compile_kwargs):
    model = keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(meta["n_classes_"], activation="softmax"),
        ]
    )
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    return model


def test_plain_scikeras_is_no_classifier_to_scikit_learn_but_ours_are():
    plain = KerasClassifier(model=_build_plain_keras)
    # The failure the fix prevents: SciKeras 0.13 under scikit-learn >= 1.7.
    assert not is_classifier(plain)
    assert not is_classifier(make_pipeline(GaussianNoise(), plain))
    for ours in (MLPClassifier(), ConvNetClassifier()):
        assert is_classifier(ours)
        assert is_classifier(make_pipeline(GaussianNoise(), ours))


def test_integer_cv_is_stratified_for_our_pipelines(sorted_digits):
    _, y = sorted_digits
    ours = make_pipeline(GaussianNoise(), MLPClassifier())
    plain = make_pipeline(GaussianNoise(), KerasClassifier(model=_build_plain_keras))
    cv = check_cv(3, y, classifier=is_classifier(ours))
    assert isinstance(cv, StratifiedKFold)
    for train, test in cv.split(np.zeros((len(y), 1)), y):
        assert set(y[train]) == set(y[test]) == set(range(10))
    # Without the fix cv=3 is a KFold, whose folds on sorted labels miss classes.
    plain_cv = check_cv(3, y, classifier=is_classifier(plain))
    assert type(plain_cv) is KFold
    assert any(
        len(set(y[test])) < 10 for _, test in plain_cv.split(np.zeros((len(y), 1)))
    )


def test_probability_scoring_in_cross_validation_gives_numbers(sorted_digits):
    X, y = sorted_digits
    ours = make_pipeline(
        GaussianNoise(scale=0.1, random_state=0),
        MLPClassifier(hidden_layer_sizes=(8,), epochs=1, random_state=0),
    )
    scores = cross_val_score(ours, X, y, cv=3, scoring="neg_log_loss")
    assert np.all(np.isfinite(scores)) and np.all(scores < 0)
    # The failure it prevents: the plain wrapper's folds miss classes, every
    # score is NaN (unseeded: a seeded plain SciKeras fit would leak TF's
    # determinism flag into this process, see below).
    plain = make_pipeline(
        GaussianNoise(scale=0.1, random_state=0),
        KerasClassifier(model=_build_plain_keras, epochs=1, verbose=0),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain_scores = cross_val_score(plain, X, y, cv=3, scoring="neg_log_loss")
    assert np.all(np.isnan(plain_scores))


# -- TensorFlow's determinism flag ---------------------------------------------------

_DATA = """
import numpy as np
rng = np.random.RandomState(0)
X = rng.rand(40, 64).astype("float32")
y = np.arange(40) % 4
"""

_OURS_SCRIPT = (
    _DATA
    + """
from tensorflow.python.framework import config
from skmnistnoise import ConvNetClassifier
small = dict(filters=(4,), dense_units=8, epochs=1)
ConvNetClassifier(**small, random_state=0).fit(X, y)
ConvNetClassifier(**small).fit(X, y)
print("DETERMINISM_AFTER", config.is_op_determinism_enabled())
"""
)

_PLAIN_SCRIPT = (
    _DATA
    + """
import keras
from scikeras.wrappers import KerasClassifier
from tensorflow.python.framework import config

def build(meta):
    model = keras.Sequential([
        keras.Input((meta["n_features_in_"],)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(meta["n_classes_"], activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    return model

KerasClassifier(model=build, epochs=1, random_state=0, verbose=0).fit(X, y)
print("DETERMINISM_AFTER", config.is_op_determinism_enabled(), flush=True)
try:
    KerasClassifier(model=build, epochs=1, verbose=0).fit(X, y)
    print("UNSEEDED_FIT_OK")
except RuntimeError as exc:
    print("UNSEEDED_FIT_FAILED", exc)
"""
)


def _run_fresh_python(script):
    """Run a script in a new interpreter: nothing has queried TF's flag there."""
    env = {k: v for k, v in os.environ.items() if k != "TF_DETERMINISTIC_OPS"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_a_seeded_fit_leaves_tf_determinism_off_in_a_fresh_process():
    out = _run_fresh_python(_OURS_SCRIPT)
    assert "DETERMINISM_AFTER False" in out


def test_plain_scikeras_leaks_determinism_into_the_next_unseeded_fit():
    """The failure the fix prevents, with SciKeras alone."""
    out = _run_fresh_python(_PLAIN_SCRIPT)
    assert "DETERMINISM_AFTER True" in out
    assert "UNSEEDED_FIT_FAILED" in out
    assert "determinism" in out.split("UNSEEDED_FIT_FAILED", 1)[1]


# -- reproducibility, history and validation data --------------------------------------


def test_seeded_pipelines_give_identical_probabilities(small_digits):
    X, y = small_digits
    pipe = make_pipeline(
        GaussianNoise(scale=0.5, random_state=0), MLPClassifier(**TINY_MLP)
    )
    first = clone(pipe).fit(X, y).predict_proba(X)
    second = clone(pipe).fit(X, y).predict_proba(X)
    assert_array_equal(first, second)
    unseeded = clone(pipe).set_params(mlpclassifier__random_state=None)
    assert not np.allclose(unseeded.fit(X, y).predict_proba(X), first)


def test_history_has_one_loss_and_accuracy_per_epoch(small_digits):
    X, y = small_digits
    clf = MLPClassifier(**{**TINY_MLP, "epochs": 3}).fit(X, y)
    assert len(clf.history_["loss"]) == 3
    assert len(clf.history_["accuracy"]) == 3
    assert all(0 <= a <= 1 for a in clf.history_["accuracy"])


def test_validation_data_with_raw_string_labels_is_scored_every_epoch(small_digits):
    X, y = small_digits
    names = np.array(["zero", "one", "two", "three", "four", "five", "six",
                      "seven", "eight", "nine"])  # fmt: skip
    labels = names[y]
    X_train, y_train, X_val, y_val = X[:450], labels[:450], X[450:], labels[450:]
    clf = MLPClassifier(**TINY_MLP).fit(
        X_train, y_train, validation_data=(X_val, y_val)
    )
    assert len(clf.history_["val_accuracy"]) == TINY_MLP["epochs"]
    assert len(clf.history_["val_loss"]) == TINY_MLP["epochs"]
    assert clf.history_["val_accuracy"][-1] == pytest.approx(
        clf.score(X_val, y_val), abs=1e-6
    )


def test_string_class_labels(small_digits):
    X, y = small_digits
    labels = np.array(["even", "odd"])[y % 2]
    clf = MLPClassifier(**TINY_MLP).fit(X, labels)
    assert list(clf.classes_) == ["even", "odd"]
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2)
    assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])


def test_two_class_problems_get_a_two_unit_softmax(small_digits):
    """SciKeras encodes two classes as one column; our softmax needs one-hot."""
    X, y = small_digits
    keep = (y == 3) | (y == 8)
    clf = ConvNetClassifier(**TINY_CONVNET).fit(X[keep], y[keep])
    assert clf.model_.output_shape == (None, 2)
    assert list(clf.classes_) == [3, 8]
    proba = clf.predict_proba(X[keep])
    assert proba.shape == (keep.sum(), 2)
    assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert set(clf.predict(X[keep])) <= {3, 8}


def test_clone_and_pickle_of_a_fitted_classifier(small_digits):
    X, y = small_digits
    clf = MLPClassifier(**TINY_MLP).fit(X, y)
    expected = clf.predict_proba(X)
    restored = pickle.loads(pickle.dumps(clf))
    assert_array_equal(restored.predict_proba(X), expected)
    cloned = clone(clf)
    assert not hasattr(cloned, "model_")
    assert cloned.get_params()["hidden_layer_sizes"] == (16,)
    assert_array_equal(cloned.fit(X, y).predict_proba(X), expected)


# -- fresh training noise every epoch ------------------------------------------------


def test_train_noise_is_reproducible_and_redrawn_every_epoch(small_digits, monkeypatch):
    X, y = small_digits
    draws = []
    original_draw = _FreshNoiseEpochs._draw

    def recording_draw(self):
        original_draw(self)
        draws.append((self._epoch, self._X_noisy.copy()))

    monkeypatch.setattr(_FreshNoiseEpochs, "_draw", recording_draw)
    clf = MLPClassifier(**TINY_MLP, train_noise=GaussianNoise(scale=0.5))
    first = clone(clf).fit(X, y).predict_proba(X)
    # One draw per epoch, draw e for epoch e (Keras's peek at the first
    # batches before training must not cost an extra draw).
    assert [epoch for epoch, _ in draws] == [0, 1]
    (_, epoch0), (_, epoch1) = draws
    assert not np.any(epoch0 == epoch1)
    assert not np.any(epoch0 == X)
    # Seeded from the classifier: the same noise and the same network again.
    second = clone(clf).fit(X, y).predict_proba(X)
    assert_array_equal(draws[2][1], epoch0)
    assert_array_equal(draws[3][1], epoch1)
    assert_array_equal(second, first)
    clean = MLPClassifier(**TINY_MLP).fit(X, y).predict_proba(X)
    assert not np.allclose(clean, first)


def test_fresh_noise_epochs_redraw_the_same_rows_each_epoch(random_X):
    y = np.arange(len(random_X)) % 3
    noise = GaussianNoise(scale=0.5, random_state=0).fit(random_X)
    epochs = _FreshNoiseEpochs(
        random_X, y, None, noise, batch_size=16, shuffle=False, seed=0
    )
    assert len(epochs) == 4  # ceil(60 / 16)
    X0, y0 = epochs[0]
    epochs.on_epoch_end()
    X1, y1 = epochs[0]
    assert_array_equal(y0, y1)  # the same rows ...
    assert not np.any(X0 == X1)  # ... with new noise
    # Epoch e is draw e of the noise transformer: the seed fixes everything.
    assert_array_equal(X0, noise._apply(random_X, draw=0, active=True)[:16])
    assert_array_equal(X1, noise._apply(random_X, draw=1, active=True)[:16])


def test_fresh_noise_epochs_shuffle_with_their_seed(random_X):
    y = np.arange(len(random_X))
    noise = GaussianNoise(scale=0.5, random_state=0).fit(random_X)

    def one_epoch_of_labels(seed):
        epochs = _FreshNoiseEpochs(
            random_X, y, None, noise, batch_size=16, shuffle=True, seed=seed
        )
        return np.concatenate([epochs[i][1] for i in range(len(epochs))])

    order = one_epoch_of_labels(0)
    assert sorted(order) == list(y)  # every row once per epoch
    assert not np.array_equal(order, y)
    assert_array_equal(one_epoch_of_labels(0), order)


# -- input a fitted classifier takes: any real dtype, feature names, known classes


@pytest.fixture(scope="module")
def fitted_float32(small_digits):
    X, y = small_digits
    return MLPClassifier(**TINY_MLP).fit(X.astype(np.float32), y)


def test_a_fitted_network_predicts_on_any_real_dtype(small_digits, fitted_float32):
    X, y = small_digits
    expected = fitted_float32.predict_proba(X.astype(np.float32))
    # float64 and ints were refused: "casting from float64 to float32 is not safe".
    assert_array_equal(fitted_float32.predict_proba(X.astype(np.float64)), expected)
    pixels = np.round(X * 16)
    assert_array_equal(
        fitted_float32.predict(pixels.astype(np.int64)),
        fitted_float32.predict(pixels.astype(np.float32)),
    )
    pipe = make_pipeline(GaussianNoise(scale=0.0), MLPClassifier(**TINY_MLP))
    pipe.fit(X.astype(np.float32), y)
    assert pipe.predict(X.astype(np.float64)).shape == y.shape
    # Fitted on uint8, it takes floats: they are cast to the network's float32.
    uint8 = MLPClassifier(**TINY_MLP).fit(pixels.astype(np.uint8), y)
    assert_array_equal(
        uint8.predict_proba(pixels.astype(np.float64)),
        uint8.predict_proba(pixels.astype(np.uint8)),
    )


def test_partial_fit_takes_another_dtype_and_refuses_unseen_classes(small_digits):
    X, y = small_digits
    clf = MLPClassifier(**TINY_MLP).fit(X.astype(np.float32), y)
    clf.partial_fit(X.astype(np.float64), y)
    assert clf.current_epoch == 3
    with pytest.raises(
        ValueError,
        match=r"y has the classes \[10, 11\], which MLPClassifier was not fitted "
        r"on; its network has one output per known class, \[0, 1, 2, 3, 4, 5, 6, 7, "
        r"8, 9\]\. partial_fit and warm starts",
    ):
        clf.partial_fit(X[:20], np.r_[np.full(10, 10), np.full(10, 11)])
    # Scoring on labels it never saw is no training: it scores them as wrong.
    assert clf.score(X[:20], np.full(20, 11)) == 0.0


def test_feature_names_are_recorded_and_checked_like_scikit_learn(small_digits):
    pd = pytest.importorskip("pandas")
    X, y = small_digits
    frame = pd.DataFrame(X, columns=[f"pixel{i}" for i in range(X.shape[1])])
    clf = MLPClassifier(**TINY_MLP).fit(frame, y)
    assert list(clf.feature_names_in_) == list(frame.columns)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        predicted = clf.predict(frame)
    assert_array_equal(predicted, clf.predict(frame.to_numpy()[:, :]))
    with pytest.raises(ValueError, match="Feature names must be in the same order"):
        clf.predict(frame[frame.columns[::-1]])


def test_an_array_after_a_data_frame_warns_as_in_scikit_learn(small_digits):
    pd = pytest.importorskip("pandas")
    X, y = small_digits
    frame = pd.DataFrame(X, columns=[f"pixel{i}" for i in range(X.shape[1])])
    clf = MLPClassifier(**TINY_MLP).fit(frame, y)
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        clf.predict(X)


def test_outputs_that_overflow_are_an_error_not_nan_probabilities(fitted_float32):
    X = np.full((3, 64), 3e38, dtype=np.float32)
    with pytest.raises(
        ValueError,
        match=r"MLPClassifier's network computed NaN or infinite class "
        r"probabilities for X, whose largest absolute value is 3e\+38: its "
        r"activations overflowed\. Keep X in the range",
    ):
        fitted_float32.predict_proba(X)


def test_noise_averaging_checks_feature_names_once_and_never_warns(digits):
    pd = pytest.importorskip("pandas")
    from sklearn.linear_model import LogisticRegression

    from skmnistnoise import NoiseAveragedClassifier

    X, y = digits.data[:300], digits.target[:300]
    frame = pd.DataFrame(X, columns=[f"pixel{i}" for i in range(X.shape[1])])
    smooth = NoiseAveragedClassifier(
        LogisticRegression(max_iter=200),
        noise=GaussianNoise(scale=0.3),
        n_draws=3,
        random_state=0,
    ).fit(frame, y)
    assert list(smooth.feature_names_in_) == list(frame.columns)
    with warnings.catch_warnings():
        # It warned "X does not have valid feature names" on every draw.
        warnings.simplefilter("error", UserWarning)
        predicted = smooth.predict(frame)
        smooth.predict_proba(frame)
    assert_array_equal(
        predicted,
        NoiseAveragedClassifier(
            LogisticRegression(max_iter=200),
            noise=GaussianNoise(scale=0.3),
            n_draws=3,
            random_state=0,
        )
        .fit(X, y)
        .predict(X),
    )
    with pytest.raises(ValueError, match="Feature names must be in the same order"):
        smooth.predict(frame[frame.columns[::-1]])
