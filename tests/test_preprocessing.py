"""GlobalStandardScaler: the MLP notebook's standardisation, without its leak."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skmnistnoise import GlobalStandardScaler


@pytest.fixture
def X_train():
    rng = np.random.default_rng(0)
    # Features on very different scales: one global mean/std is not per-feature.
    return rng.normal(loc=[0.0, 5.0, 10.0], scale=[1.0, 2.0, 3.0], size=(500, 3))


def test_learns_one_mean_and_one_std_over_all_values(X_train):
    scaler = GlobalStandardScaler().fit(X_train)
    assert np.ndim(scaler.mean_) == 0 and np.ndim(scaler.scale_) == 0
    assert scaler.mean_ == pytest.approx(X_train.mean())
    assert scaler.scale_ == pytest.approx(X_train.std())
    out = scaler.transform(X_train)
    assert out.mean() == pytest.approx(0, abs=1e-12)
    assert out.std() == pytest.approx(1)
    # A global scaling keeps the features' relative layout.
    assert_allclose(out, (X_train - X_train.mean()) / X_train.std())


def test_test_data_are_scaled_with_the_training_statistics(X_train):
    X_test = X_train[:100] * 3 + 7  # a test set with other statistics
    scaler = GlobalStandardScaler().fit(X_train)
    out = scaler.transform(X_test)
    assert_allclose(out, (X_test - X_train.mean()) / X_train.std())
    # Not the notebook's leak, where the test set used its own mean and std.
    assert abs(out.mean()) > 1


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_preserved(X_train, dtype):
    X = X_train.astype(dtype)
    scaler = GlobalStandardScaler().fit(X)
    assert scaler.transform(X).dtype == dtype
    assert scaler.inverse_transform(scaler.transform(X)).dtype == dtype


def test_integer_input_is_scaled_in_float64():
    X = np.arange(12).reshape(4, 3)
    assert GlobalStandardScaler().fit_transform(X).dtype == np.float64


@pytest.mark.parametrize("dtype, rtol", [(np.float32, 1e-5), (np.float64, 1e-12)])
def test_inverse_transform_round_trips(X_train, dtype, rtol):
    X = X_train.astype(dtype)
    scaler = GlobalStandardScaler().fit(X)
    round_trip = scaler.inverse_transform(scaler.transform(X))
    # Relative to the data's range: values near 0 come back through a subtraction.
    assert_allclose(round_trip, X, rtol=rtol, atol=rtol * np.abs(X).max())


def test_constant_data_get_scale_one():
    X = np.full((10, 4), 3.0)
    scaler = GlobalStandardScaler().fit(X)
    assert scaler.scale_ == 1.0
    assert_array_equal(scaler.transform(X), np.zeros_like(X))


def test_with_mean_and_with_std_switch_the_steps_off(X_train):
    only_std = GlobalStandardScaler(with_mean=False).fit(X_train)
    assert only_std.mean_ == 0.0
    assert_allclose(only_std.transform(X_train), X_train / X_train.std())
    only_mean = GlobalStandardScaler(with_std=False).fit(X_train)
    assert only_mean.scale_ == 1.0
    assert_allclose(only_mean.transform(X_train), X_train - X_train.mean())


def test_float32_statistics_are_accumulated_in_float64():
    # 4 million float32 values of 1e4 + U(0, 1): a float32 running sum loses digits.
    rng = np.random.default_rng(0)
    X = (1e4 + rng.random((2000, 2000))).astype(np.float32)
    scaler = GlobalStandardScaler().fit(X)
    exact = X.astype(np.float64)
    assert scaler.mean_ == pytest.approx(exact.mean(), rel=1e-12)
    assert scaler.scale_ == pytest.approx(exact.std(), rel=1e-9)


def test_transform_does_not_modify_X(X_train):
    X = X_train.copy()
    scaler = GlobalStandardScaler().fit(X)
    scaler.transform(X)
    scaler.inverse_transform(X)
    assert_array_equal(X, X_train)


def test_values_near_the_float64_limit_give_finite_statistics_and_output():
    # The sum of two 1e308 overflows: the mean was inf and every output NaN.
    X = np.full((2, 3), 1e308)
    scaler = GlobalStandardScaler().fit(X)
    assert (scaler.mean_, scaler.scale_) == (pytest.approx(1e308), 1.0)
    assert_array_equal(scaler.transform(X), np.zeros((2, 3)))
    X = np.array([[1e308, -1e308], [3e307, 5e307]])
    scaler = GlobalStandardScaler().fit(X)
    assert scaler.mean_ == pytest.approx(X.mean(dtype=np.longdouble), rel=1e-12)
    assert scaler.scale_ == pytest.approx((X / 1e308).std() * 1e308, rel=1e-12)
    assert np.isfinite(scaler.transform(X)).all()


def test_a_standardised_value_is_computed_even_where_x_minus_mean_overflows():
    X = np.r_[np.full(99, 1.5e308), [-1.5e308]].reshape(-1, 1)
    scaler = GlobalStandardScaler().fit(X)
    out = scaler.transform(X)  # -1.5e308 - mean overflows; (x - mean) / std not
    expected = (X / 1e308 - scaler.mean_ / 1e308) / (scaler.scale_ / 1e308)
    assert_allclose(out, expected, rtol=1e-12)
    assert out.mean() == pytest.approx(0, abs=1e-9)


def test_a_standardised_value_beyond_the_dtype_is_refused_naming_the_statistics():
    scaler = GlobalStandardScaler().fit(np.full((2, 2), 1e308))
    with pytest.raises(
        ValueError,
        match=r"cannot standardise X into float64: .*"
        r"mean_=1e\+308 and scale_=1\.0 exceeds its range",
    ):
        scaler.transform(np.full((1, 2), -1e308))
