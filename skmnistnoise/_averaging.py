"""Prediction averaged over independent noise draws (randomized smoothing)."""

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import (
    _check_feature_names,
    check_array,
    check_is_fitted,
)

from ._noise import GaussianNoise, _BaseNoise
from ._validation import check_same_length, check_X_shape

__all__ = ["NoiseAveragedClassifier"]


class NoiseAveragedClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Predict by averaging a classifier over ``n_draws`` noise draws of each sample.

    Every sample is corrupted ``n_draws`` times by ``noise``, independently;
    the class probabilities of the fitted ``estimator`` are averaged over the
    draws (``voting="soft"``), or its predicted classes counted
    (``voting="hard"``, the majority vote of randomized smoothing, Cohen et
    al. 2019). Draw ``j`` is the ``j``-th noisy copy of the whole X, predicted
    in one call, so ``n_draws`` draws cost about ``n_draws`` plain predictions
    and hold one noisy copy of X in memory at a time. Draw 0 is
    ``noise.fit_transform(X)``: with ``n_draws=1`` this is a plain prediction
    on one noise draw.

    Parameters
    ----------
    estimator : classifier
        Trained on the data given to ``fit`` as they are; use a noise step with
        ``apply_to="train"`` or ``train_noise`` for noisy training.
    noise : noise transformer or None, default=None
        The noise of the draws, e.g. ``GaussianNoise(scale=1.0)``; None means
        ``GaussianNoise(scale=0.25)``. Its ``apply_to`` is ignored.
    n_draws : int, default=10
        Draws per sample, >= 1.
    voting : {"soft", "hard"}, default="soft"
        Average probabilities, or count predicted classes.
    random_state : int, RandomState instance or None, default=None
        Seeds the draws: with an int, every ``predict`` of the same X gives the
        same answer. None: fresh draws every call. Overrides the noise's own
        ``random_state`` when given.

    Attributes
    ----------
    estimator_ : classifier
        The fitted clone of ``estimator``.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_features_in_ : int
        Number of features seen during fit (when the estimator records it).

    See Also
    --------
    GaussianNoise : The default noise.

    Notes
    -----
    X must be ``(n_samples, n_features)``, non-empty and finite, in ``fit`` as
    in ``predict`` (where the noise needs it): 1-D input, image stacks, empty
    X, NaN and infinite values, and X and y of different lengths are refused
    with a ``ValueError`` that names X or y. Sparse X is refused with a
    ``TypeError``.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmnistnoise import GaussianNoise, NoiseAveragedClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> X = X / 16
    >>> smooth = NoiseAveragedClassifier(
    ...     LogisticRegression(max_iter=500), noise=GaussianNoise(scale=0.5),
    ...     n_draws=20, random_state=0).fit(X, y)
    >>> smooth.predict_proba(X[:2]).shape
    (2, 10)
    >>> bool((smooth.predict(X) == smooth.predict(X)).all())  # seeded: repeatable
    True
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "noise": [_BaseNoise, None],
        "n_draws": [Interval(Integral, 1, None, closed="left")],
        "voting": [StrOptions({"soft", "hard"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self, estimator, *, noise=None, n_draws=10, voting="soft", random_state=None
    ):
        self.estimator = estimator
        self.noise = noise
        self.n_draws = n_draws
        self.voting = voting
        self.random_state = random_state

    def fit(self, X, y, **fit_params):
        """Fit a clone of ``estimator`` on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Labels.
        **fit_params : dict
            Passed to the estimator's ``fit``.

        Returns
        -------
        self : object
            The fitted meta-estimator.
        """
        self._validate_params()
        if sp.issparse(X):
            raise TypeError(
                "NoiseAveragedClassifier does not take sparse X: noise makes every "
                "value non-zero. Convert it with X.toarray()."
            )
        check_X_shape(X, type(self).__name__)
        check_same_length(X, y)
        # Feature names are this meta-estimator's to record and check: the
        # estimator sees arrays at fit as at predict (the noise makes arrays),
        # so it never warns "X does not have valid feature names".
        _check_feature_names(self, X, reset=True)
        # Refused here, not only at predict, where the noise refuses it.
        X = check_array(X, dtype=None, ensure_all_finite=True, input_name="X")
        self.estimator_ = clone(self.estimator).fit(X, y, **fit_params)
        self.classes_ = self.estimator_.classes_
        if hasattr(self.estimator_, "n_features_in_"):
            self.n_features_in_ = self.estimator_.n_features_in_
        return self

    def _noise_for_call(self, X):
        noise = (
            clone(self.noise) if self.noise is not None else GaussianNoise(scale=0.25)
        )
        noise.set_params(apply_to="both")
        if self.random_state is not None:
            noise.set_params(random_state=self.random_state)
        return noise.fit(X)

    def _votes(self, X):
        """Sum over draws of probabilities (soft) or one-hot predictions (hard)."""
        check_is_fitted(self)
        check_X_shape(X, type(self).__name__)
        _check_feature_names(self, X, reset=False)
        noise = self._noise_for_call(X)
        X = noise._validate_X(X, reset=False)
        total = np.zeros((len(X), len(self.classes_)))
        noisy = np.empty_like(X)
        for draw in range(self.n_draws):
            noise._apply(X, draw=draw, active=True, out=noisy)
            if self.voting == "soft":
                total += self.estimator_.predict_proba(noisy)
            else:
                predicted = self.estimator_.predict(noisy)
                total[np.arange(len(X)), np.searchsorted(self.classes_, predicted)] += 1
        return total

    def predict_proba(self, X):
        """Class probabilities averaged over the draws (vote shares if hard).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Clean samples; the draws are made here.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        return self._votes(X) / self.n_draws

    def predict(self, X):
        """The class with the largest averaged probability (or most votes).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Clean samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        votes = self._votes(X)
        return self.classes_[np.argmax(votes, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        return tags
