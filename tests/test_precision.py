"""precision="bfloat16": Keras's mixed policy per network, never process-wide."""

import warnings

import keras
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.utils._param_validation import InvalidParameterError

import skmnistnoise._certify as certify_module
import skmnistnoise._training as training_module
from skmnistnoise import (
    ConvNetClassifier,
    GaussianNoise,
    MLPClassifier,
    NoiseAveragedClassifier,
    cpu_description,
)
from skmnistnoise._describe import canonical

TINY_MLP = dict(hidden_layer_sizes=(16,), epochs=2, random_state=0)
TINY_CONVNET = dict(filters=(4,), dense_units=8, epochs=1, random_state=0)


@pytest.fixture(scope="module")
def small_digits(digits):
    """600 digits (64 features in [0, 1]), all ten classes."""
    return digits.data[::3], digits.target[::3]


@pytest.fixture(autouse=True)
def bfloat16_supported(monkeypatch):
    """No warning unless a test takes the bfloat16 flags away."""
    monkeypatch.setattr(training_module, "cpu_flags", lambda: {"avx512_bf16"})


def test_precision_is_a_parameter_in_the_store_key():
    assert MLPClassifier().get_params()["precision"] == "float32"
    assert ConvNetClassifier().get_params()["precision"] == "float32"
    bf16 = MLPClassifier(precision="bfloat16")
    assert canonical(bf16)["params"]["precision"] == "bfloat16"
    assert canonical(bf16) != canonical(MLPClassifier())


@pytest.mark.parametrize("cls", [MLPClassifier, ConvNetClassifier])
def test_an_unknown_precision_is_refused_naming_it(cls, small_digits):
    X, y = small_digits
    with pytest.raises(InvalidParameterError, match="'precision' parameter"):
        cls(precision="float16").fit(X, y)


@pytest.mark.parametrize(
    "cls, params", [(MLPClassifier, TINY_MLP), (ConvNetClassifier, TINY_CONVNET)]
)
def test_bfloat16_computes_in_bfloat16_and_keeps_float32_weights_and_output(
    cls, params, small_digits
):
    X, y = small_digits
    clf = cls(**params, precision="bfloat16").fit(X, y)
    *hidden, softmax = clf.model_.layers
    assert {layer.compute_dtype for layer in hidden} == {"bfloat16"}
    assert softmax.compute_dtype == "float32"
    assert {w.dtype for w in clf.model_.weights} == {"float32"}
    proba = clf.predict_proba(X)
    assert proba.dtype == np.float32
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    # Learns like float32 (the same network, rounded arithmetic).
    reference = cls(**params).fit(X, y)
    assert abs(clf.score(X, y) - reference.score(X, y)) < 0.1
    assert clf.model_.count_params() == reference.model_.count_params()


def test_a_float32_network_is_untouched_by_a_bfloat16_one(small_digits):
    X, y = small_digits
    before = MLPClassifier(**TINY_MLP).fit(X, y).predict_proba(X)
    MLPClassifier(**TINY_MLP, precision="bfloat16").fit(X, y)
    assert keras.mixed_precision.global_policy().name == "float32"
    after = MLPClassifier(**TINY_MLP).fit(X, y)
    assert {layer.compute_dtype for layer in after.model_.layers} == {"float32"}
    assert_array_equal(after.predict_proba(X), before)


def test_bfloat16_warns_once_per_process_where_the_cpu_has_no_bfloat16(
    small_digits, monkeypatch
):
    X, y = small_digits
    monkeypatch.setattr(training_module, "cpu_flags", lambda: {"avx2", "fma"})
    monkeypatch.setattr(training_module, "_warned", False)
    with pytest.warns(UserWarning, match="no bfloat16") as record:
        MLPClassifier(**TINY_MLP, precision="bfloat16").fit(X, y)
    message = str(record[0].message)
    assert cpu_description() in message and "precision='float32'" in message
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        MLPClassifier(**TINY_MLP, precision="bfloat16").fit(X, y)  # not again
        MLPClassifier(**TINY_MLP).fit(X, y)


def test_no_warning_where_the_cpu_has_bfloat16(small_digits, monkeypatch):
    X, y = small_digits
    monkeypatch.setattr(training_module, "_warned", False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        MLPClassifier(**TINY_MLP, precision="bfloat16").fit(X, y)


def test_certify_feeds_a_bfloat16_network_through_the_fast_path(digits, monkeypatch):
    X, y = digits.data, digits.target
    smoother = NoiseAveragedClassifier(
        MLPClassifier(
            hidden_layer_sizes=(64,),
            epochs=15,
            batch_size=64,
            precision="bfloat16",
            train_noise=GaussianNoise(scale=0.25),
        ),
        noise=GaussianNoise(scale=0.25),
        random_state=0,
    ).fit(X, y)
    used = []
    real = certify_module.class_index_predictor

    def spy(estimator, classes):
        predictor = real(estimator, classes)
        used.append(type(predictor).__name__)
        return predictor

    monkeypatch.setattr(certify_module, "class_index_predictor", spy)
    images, labels = X[:20], y[:20]
    certificate = smoother.certify(images, n0=20, n=200, batch_size=256)
    assert set(used) == {"_KerasPredictor"}
    assert certificate.counts.sum(axis=1).tolist() == [200] * 20
    assert np.all(np.isfinite(certificate.radius))
    certified = ~certificate.abstained
    assert certified.sum() >= 15
    assert np.mean(certificate.prediction[certified] == labels[certified]) >= 0.85
    # The fast path (noise drawn into the model's float32 input, bfloat16
    # inside) votes as the classifier's own predict on the same noisy copies.
    monkeypatch.setattr(
        certify_module,
        "class_index_predictor",
        lambda est, classes: certify_module._Predictor(est, classes),
    )
    slow = smoother.certify(images, n0=20, n=200, batch_size=256)
    agreement = np.mean(slow.counts == certificate.counts)
    assert agreement >= 0.95, agreement


def test_rows_name_a_bfloat16_network_apart_from_its_float32_twin():
    from skmnistnoise._registry import describe_model

    assert describe_model(MLPClassifier()) == "mlp"
    assert describe_model(MLPClassifier(precision="bfloat16")) == "mlp-bf16"
    assert describe_model(ConvNetClassifier(precision="bfloat16")) == "convnet-bf16"
