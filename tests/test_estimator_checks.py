"""scikit-learn's own estimator checks on every public estimator, and pickling.

A check that cannot pass is listed in ``_expected_failed_checks`` with its
reason; it runs as an expected failure, it is not silenced.
"""

import pickle
import re

import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone, is_classifier
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import (
    check_param_validation,
    parametrize_with_checks,
)

import skmnistnoise
from skmnistnoise import (
    ConvNetClassifier,
    GaussianNoise,
    GlobalStandardScaler,
    ImpulseNoise,
    MLPClassifier,
    NoiseAveragedClassifier,
    ShotNoise,
)
from skmnistnoise._keras_classifier import _NoiseStudyClassifier
from skmnistnoise._noise import _BaseNoise

ESTIMATORS = [
    GaussianNoise(random_state=0),
    GaussianNoise(mode="multiplicative", random_state=0),
    ImpulseNoise(random_state=0),
    ShotNoise(random_state=0),
    GlobalStandardScaler(),
    # The checks fit hundreds of tiny networks (a batch or two each), where
    # tracing Keras's train and predict functions is most of the time:
    # eagerly they run two to three times as fast, through the same wrapper
    # code. Graph mode, the default, is what every other test fits.
    MLPClassifier(hidden_layer_sizes=(16,), epochs=2, random_state=0, run_eagerly=True),
    # A 1x1 kernel and no pooling: the checks' tiny square inputs (1 feature,
    # 4 features) are valid 1x1 and 2x2 images, so those checks run for real.
    ConvNetClassifier(
        filters=(4,),
        kernel_size=1,
        pool_size=1,
        dense_units=8,
        epochs=2,
        random_state=0,
        run_eagerly=True,
    ),
    NoiseAveragedClassifier(
        LogisticRegression(), noise=GaussianNoise(scale=0.1), n_draws=3, random_state=0
    ),
]

_FRESH_NOISE = (
    "by design every transform call draws new noise (and a row's noise depends "
    "on its block of rows), so transforming a subset or a permutation of X "
    "cannot give the rows of a transform of X"
)

_NOISE_FAILURES = {
    "check_methods_subset_invariance": _FRESH_NOISE,
    "check_methods_sample_order_invariance": _FRESH_NOISE,
}

_SCIKERAS_FAILURES = {
    "check_estimator_tags_renamed": (
        "SciKeras 0.13's BaseWrapper defines the old _more_tags without "
        "__sklearn_tags__; the check inspects every class of the MRO, and our "
        "__sklearn_tags__ (which sets the tags right) cannot change a parent class"
    ),
    "check_mixin_order": (
        "SciKeras declares class KerasClassifier(BaseWrapper, ClassifierMixin); a "
        "subclass cannot move ClassifierMixin left of it (MRO conflict). What the "
        "order breaks, the tags, our __sklearn_tags__ repairs "
        "(tests/test_classifiers.py)"
    ),
    "check_n_features_in_after_fitting": (
        "SciKeras validates X itself (it accepts image-shaped X) and refuses a "
        "wrong number of features with its own words, 'X has shape (3,), but "
        "this MLPClassifier is expecting X of shape (4,)', not scikit-learn's "
        "'X has 3 features, but ... is expecting 4 features as input'"
    ),
    "check_supervised_y_2d": (
        "SciKeras takes a column-vector y of shape (n, 1) on purpose (its target "
        "encoder reshapes it and predictions come back in that shape) and does "
        "not warn with DataConversionWarning"
    ),
    "check_sample_weight_equivalence_on_dense_data": (
        "minibatch stochastic training: a sample of weight 2 is not the same as "
        "the sample twice, since the batches and the number of gradient steps "
        "change (Keras also averages weighted losses over the batch size)"
    ),
    "check_sample_weight_equivalence_on_sparse_data": (
        "as on dense data, and SciKeras first casts sparse X to float32 in fit, "
        "then refuses the check's dense float64 X in predict as an unsafe cast"
    ),
    "check_estimator_sparse_array": (
        "SciKeras converts scipy sparse matrices (isspmatrix) to LIL before Keras "
        "but passes the newer sparse arrays (csr_array...) through unchanged, and "
        "TensorFlow fails on some of their formats (from_value_rowids error); "
        "sparse matrices work (check_estimator_sparse_matrix passes)"
    ),
}

# The ConvNet is an image model: flat rows must reshape into a square image
# (or the image_shape parameter says how). The checks feed 2, 3, 5, 10, 20 or
# 30 features: these checks fail in fit with the ValueError that asks for
# image_shape, by contract (tests/test_classifiers.py). The wrapper code they
# would exercise is shared with MLPClassifier and checked there. (The checks
# that fit a single class pass: that ValueError comes before the image's.)
_NOT_AN_IMAGE = (
    "the check's data have a non-square number of features (2, 3, 5, 10, 20 or "
    "30), which ConvNetClassifier, an image model, refuses with a ValueError "
    "asking for image_shape; the shared wrapper is checked via MLPClassifier"
)
_CONVNET_NOT_AN_IMAGE = [
    "check_all_zero_sample_weights_error",
    "check_class_weight_classifiers",
    "check_classifier_data_not_an_array",
    "check_classifiers_classes",
    "check_classifiers_one_label_sample_weights",
    "check_classifiers_train",
    "check_dict_unchanged",
    "check_dont_overwrite_parameters",
    "check_dtype_object",
    "check_estimator_sparse_array",
    "check_estimator_sparse_matrix",
    "check_estimator_sparse_tag",
    "check_estimators_dtypes",
    "check_estimators_fit_returns_self",
    "check_estimators_nan_inf",
    "check_estimators_overwrite_params",
    "check_estimators_partial_fit_n_features",
    "check_estimators_pickle",
    "check_f_contiguous_array_estimator",
    "check_fit2d_predict1d",
    "check_fit_check_is_fitted",
    "check_fit_idempotent",
    "check_fit_score_takes_y",
    "check_methods_sample_order_invariance",
    "check_methods_subset_invariance",
    "check_n_features_in",
    "check_pipeline_consistency",
    "check_readonly_memmap_input",
    "check_sample_weight_equivalence_on_dense_data",
    "check_sample_weight_equivalence_on_sparse_data",
    "check_sample_weights_list",
    "check_sample_weights_not_an_array",
    "check_sample_weights_not_overwritten",
    "check_sample_weights_pandas_series",
    "check_sample_weights_shape",
    "check_supervised_y_2d",
]


def _expected_failed_checks(estimator):
    if isinstance(estimator, _BaseNoise | NoiseAveragedClassifier):
        return dict(_NOISE_FAILURES)
    if isinstance(estimator, MLPClassifier):
        return dict(_SCIKERAS_FAILURES)
    if isinstance(estimator, ConvNetClassifier):
        failures = {name: _NOT_AN_IMAGE for name in _CONVNET_NOT_AN_IMAGE}
        # Reached with 4 features (a 2x2 image): fails as for MLPClassifier.
        failures["check_n_features_in_after_fitting"] = _SCIKERAS_FAILURES[
            "check_n_features_in_after_fitting"
        ]
        for name in ("check_estimator_tags_renamed", "check_mixin_order"):
            failures[name] = _SCIKERAS_FAILURES[name]
        return failures
    assert not isinstance(estimator, _NoiseStudyClassifier)
    return {}


# On some CPUs (seen: AMD EPYC, AVX2, TensorFlow's Eigen kernels) a row's
# float32 probabilities differ in their last bits with its position in a
# prediction batch (about 1.5e-8; the check allows 1e-9): the order-invariance
# check then fails by rounding, on others it passes. A larger difference, or
# any other failure, still fails.
_ROUNDING_ONLY = {("MLPClassifier", "check_methods_sample_order_invariance")}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    name = getattr(check, "func", check).__name__
    if (type(estimator).__name__, name) not in _ROUNDING_ONLY:
        check(estimator)
        return
    try:
        check(estimator)
    except AssertionError as exc:
        found = re.search(
            r"Max absolute difference among violations: ([0-9.e+-]+)", str(exc)
        )
        if found is None or float(found.group(1)) > 1e-6:
            raise
        pytest.xfail(f"float32 rounding by batch position: {found.group(1)}")


def test_every_public_estimator_is_checked():
    public = {
        name
        for name in skmnistnoise.__all__
        if isinstance(getattr(skmnistnoise, name), type)
        and not issubclass(getattr(skmnistnoise, name), Warning)
    }
    assert public == {type(e).__name__ for e in ESTIMATORS}


# NoiseAveragedClassifier around a Keras network as well: the pickle then
# holds a SciKeras model inside a scikit-learn meta-estimator.
PICKLED = [
    *ESTIMATORS,
    NoiseAveragedClassifier(
        MLPClassifier(hidden_layer_sizes=(16,), epochs=2, random_state=0),
        noise=GaussianNoise(scale=0.1),
        n_draws=3,
        random_state=0,
    ),
]


@pytest.mark.parametrize(
    "estimator", PICKLED, ids=[f"{i}-{type(e).__name__}" for i, e in enumerate(PICKLED)]
)
def test_a_fitted_estimator_unpickles_to_the_same_outputs(estimator, digits):
    X, y = digits.data[:300], digits.target[:300]
    X_new = digits.data[300:400]
    fitted = clone(estimator)
    if is_classifier(fitted):
        fitted.fit(X, y)
        restored = pickle.loads(pickle.dumps(fitted))
        assert_array_equal(restored.classes_, fitted.classes_)
        assert_array_equal(restored.predict_proba(X_new), fitted.predict_proba(X_new))
        assert_array_equal(restored.predict(X_new), fitted.predict(X_new))
    else:
        train = fitted.fit_transform(X)
        restored = pickle.loads(pickle.dumps(fitted))
        # The training data: the fit's own draw again (noise), or the same scaling.
        assert_array_equal(restored.transform(X), train)
        # New data: both continue the same sequence of draws.
        assert_array_equal(restored.transform(X_new), fitted.transform(X_new))


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda est: type(est).__name__)
def test_every_parameter_is_validated(estimator):
    # scikit-learn runs this check for its own estimators only: every
    # constructor parameter has a constraint, and a value of a wrong type or
    # outside its range fails fit (and partial_fit) with a message naming it.
    check_param_validation(type(estimator).__name__, estimator)
