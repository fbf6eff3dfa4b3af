"""The MLP notebook's global standardisation, learned on the training data."""

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from ._checks import check_X_shape
from ._optional import PandasOutputMixin

__all__ = ["GlobalStandardScaler"]


def _all_finite(a):
    """Whether an array holds no inf or NaN (two passes, no temporary)."""
    return bool(np.isfinite(a.min()) and np.isfinite(a.max()))


def _global_mean_std(X):
    """Mean and standard deviation of all of X, in float64, finite if X is.

    Accumulated in float64 (a float32 sum over 47 million pixels loses
    digits). Values near float64's limit overflow the sum or the squares even
    so: the statistics are then those of X divided by its largest absolute
    value, scaled back, which is exact up to rounding.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        mean = float(X.mean(dtype=np.float64))
        std = float(X.std(dtype=np.float64))
    if np.isfinite(mean) and np.isfinite(std):
        return mean, std
    peak = float(np.abs(X).max())
    scaled = np.divide(X, peak, dtype=np.float64)
    return peak * float(scaled.mean()), peak * float(scaled.std())


class GlobalStandardScaler(
    PandasOutputMixin, OneToOneFeatureMixin, TransformerMixin, BaseEstimator
):
    """Standardise with one mean and one standard deviation over all features.

    The MLP notebook computes ``(x - x.mean()) / x.std()`` over all pixels of
    a set at once. This transformer learns that mean and standard deviation on
    the training data in ``fit`` and applies them to any data in ``transform``,
    so the test set is scaled with the training statistics (the notebook
    standardised the test set with its own, a leak).

    Parameters
    ----------
    with_mean : bool, default=True
        Subtract the global mean.
    with_std : bool, default=True
        Divide by the global standard deviation.

    Attributes
    ----------
    mean_ : float
        Mean of all values of the training data (0.0 if ``with_mean=False``).
    scale_ : float
        Standard deviation of all values of the training data (1.0 if
        ``with_std=False`` or the data are constant).
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`, when X has string column names.

    See Also
    --------
    sklearn.preprocessing.StandardScaler : One mean and scale per feature.

    Notes
    -----
    X must be ``(n_samples, n_features)`` with at least one sample and finite
    values: 1-D input, image stacks, empty X, NaN and infinite values are
    refused with a ``ValueError`` that names X.

    Examples
    --------
    >>> import numpy as np
    >>> from skmnistnoise import GlobalStandardScaler
    >>> scaler = GlobalStandardScaler().fit([[0.0, 1.0], [2.0, 3.0]])
    >>> float(scaler.mean_), round(float(scaler.scale_), 4)
    (1.5, 1.118)
    >>> scaler.transform([[1.5, 2.618]]).round(3)
    array([[0., 1.]])
    """

    _parameter_constraints: dict = {"with_mean": ["boolean"], "with_std": ["boolean"]}

    def __init__(self, *, with_mean=True, with_std=True):
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, X, y=None):
        """Learn the global mean and standard deviation of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted scaler.
        """
        self._validate_params()
        X = self._validate_X(X, reset=True)
        mean, std = _global_mean_std(X)
        self.mean_ = mean if self.with_mean else 0.0
        self.scale_ = std if self.with_std and std > 0 else 1.0
        return self

    def transform(self, X):
        """Standardise X with the training statistics.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to scale.

        Returns
        -------
        X_scaled : ndarray of shape (n_samples, n_features)
            A new array in the dtype of X.
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        with np.errstate(over="ignore", invalid="ignore"):
            out = np.subtract(X, self.mean_, dtype=X.dtype)
            out /= X.dtype.type(self.scale_)
        if not _all_finite(out):
            # x - mean overflowed (values near the dtype's limit, of opposite
            # signs): x / scale - mean / scale, in float64, is what fits.
            with np.errstate(over="ignore", invalid="ignore"):
                wide = X / self.scale_ - self.mean_ / self.scale_
                out = wide.astype(X.dtype)
            if not _all_finite(out):
                raise ValueError(
                    f"GlobalStandardScaler cannot standardise X into {X.dtype}: "
                    f"(X - mean_) / scale_ with mean_={self.mean_!r} and "
                    f"scale_={self.scale_!r} exceeds its range (X's values lie in "
                    f"[{float(X.min()):.3g}, {float(X.max()):.3g}])."
                )
        return out

    def inverse_transform(self, X):
        """Undo the scaling.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Scaled data.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
            Data in the original units.
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        out = np.multiply(X, self.scale_, dtype=X.dtype)
        out += X.dtype.type(self.mean_)
        return out

    def _validate_X(self, X, reset):
        check_X_shape(X, type(self).__name__)
        return validate_data(self, X, reset=reset, dtype=[np.float64, np.float32])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
