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

from ._checks import check_same_length, check_X_shape
from ._noise import GaussianNoise, _BaseNoise

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
    certified_accuracy : Certified accuracy of :meth:`certify`'s certificates.

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
        (total,) = self._staged_votes(X, [self.n_draws])
        return total

    def _staged_votes(self, X, stages):
        """Yield the running sum of the votes after each draw count in ``stages``.

        ``stages`` is increasing; the sum is yielded (not copied) after draw
        ``k - 1`` for every ``k`` in it. Draw ``j`` is the same whatever the
        stages, so the sum after ``k`` draws is the one ``n_draws=k`` gives.
        """
        check_is_fitted(self)
        check_X_shape(X, type(self).__name__)
        _check_feature_names(self, X, reset=False)
        noise = self._noise_for_call(X)
        X = noise._validate_X(X, reset=False)
        total = np.zeros((len(X), len(self.classes_)))
        noisy = np.empty_like(X)
        stages = iter(stages)
        stage = next(stages, None)
        draw = 0
        while stage is not None:
            noise._apply(X, draw=draw, active=True, out=noisy)
            if self.voting == "soft":
                total += self.estimator_.predict_proba(noisy)
            else:
                predicted = self.estimator_.predict(noisy)
                total[np.arange(len(X)), np.searchsorted(self.classes_, predicted)] += 1
            draw += 1
            if draw == stage:
                yield total
                stage = next(stages, None)

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

    def staged_predict_proba(self, X, n_draws=None):
        """Averaged probabilities after each of several draw counts, in one pass.

        Like ``GradientBoostingClassifier.staged_predict_proba``: the draws are
        made once, in order, and the average over the first ``k`` of them is
        yielded for every ``k`` asked for. Each array is what
        ``predict_proba(X)`` returns with ``n_draws=k`` (and the same
        ``random_state`` and ``voting``), to the last bit, for the cost of
        ``max(n_draws)`` predictions instead of their sum.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Clean samples.
        n_draws : int, iterable of int or None, default=None
            Increasing draw counts, each >= 1; an int ``k`` means ``1, ..., k``.
            None means ``1, ..., self.n_draws``.

        Yields
        ------
        proba : ndarray of shape (n_samples, n_classes)
            The class probabilities averaged over the first ``k`` draws (vote
            shares if ``voting="hard"``), a new array for each ``k``.

        Examples
        --------
        >>> from sklearn.datasets import load_digits
        >>> from sklearn.linear_model import LogisticRegression
        >>> from skmnistnoise import NoiseAveragedClassifier
        >>> X, y = load_digits(return_X_y=True)
        >>> smooth = NoiseAveragedClassifier(
        ...     LogisticRegression(max_iter=500), random_state=0).fit(X / 16, y)
        >>> [round(float((p.argmax(1) == y).mean()), 2)
        ...  for p in smooth.staged_predict_proba(X / 16, [1, 10])]
        [0.9, 0.98]
        """
        if n_draws is None:
            n_draws = self.n_draws
        if isinstance(n_draws, Integral) and not isinstance(n_draws, bool):
            stages = list(range(1, int(n_draws) + 1)) if n_draws >= 1 else []
        else:
            try:
                stages = list(n_draws)
            except TypeError:
                stages = None
        if (
            not stages
            or not all(
                isinstance(k, Integral) and not isinstance(k, bool) for k in stages
            )
            or stages[0] < 1
            or any(a >= b for a, b in zip(stages, stages[1:], strict=False))
        ):
            raise ValueError(
                "The 'n_draws' parameter of staged_predict_proba must be an int >= 1 "
                f"or increasing ints >= 1; got {n_draws!r}."
            )
        for k, total in zip(stages, self._staged_votes(X, stages), strict=True):
            yield total / k

    def certify(self, X, *, n0=100, n=100_000, alpha=0.001, batch_size=None):
        """Certified L2 radius of the hard-vote prediction: Cohen et al.'s CERTIFY.

        For each sample ``x``, ``n0`` noisy copies pick the top class ``c_A``
        (the most frequent prediction of ``estimator_``), ``n`` further,
        independent copies count how often it is predicted (``n_A``), and
        ``p_lower`` is the one-sided Clopper-Pearson lower bound of its
        probability at level ``alpha``. Where ``p_lower >= 1/2`` the smoothed
        classifier (the majority vote over infinitely many draws) predicts
        ``c_A`` on every point within L2 distance ``radius = sigma *
        Phi^-1(p_lower)`` of ``x``, with probability at least ``1 - alpha``
        over the draws (Cohen, Rosenfeld and Kolter 2019, Theorem 1 and
        CERTIFY); elsewhere it abstains.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Clean samples; the radius is in their units.
        n0 : int, default=100
            Selection draws per sample.
        n : int, default=100_000
            Estimation draws per sample. With ``n`` draws the largest radius
            that can be certified is ``sigma * Phi^-1(alpha ** (1 / n))``
            (about ``3.2 sigma`` for ``n=10_000`` and ``alpha=0.001``).
        alpha : float, default=0.001
            Probability that a certificate is wrong, in (0, 1).
        batch_size : int or None, default=None
            Noisy copies per prediction call; None means 4096. The noise does
            not depend on it, nor do the counts of a classifier whose
            prediction of a row does not depend on its batch (scikit-learn's;
            TensorFlow may round the last bits of a probability differently
            for other batch shapes, which can change a count only where two
            classes tie to about 1e-7). Memory is one batch of noisy copies,
            whatever ``n``.

        Returns
        -------
        certificate : :class:`~sklearn.utils.Bunch`
            With the fields, one entry per sample unless said otherwise:

            prediction : ndarray of shape (n_samples,)
                ``c_A``, the top class of the selection draws, also where
                abstained (then it is not certified: use ``abstained``).
            radius : ndarray of shape (n_samples,)
                The certified radius, >= 0; 0.0 where abstained (Cohen et
                al.'s convention).
            abstained : ndarray of shape (n_samples,), dtype bool
                ``p_lower < 0.5``: CERTIFY abstains.
            p_lower : ndarray of shape (n_samples,)
                Lower confidence bound of the probability of ``c_A``.
            n_A : ndarray of shape (n_samples,)
                Estimation draws predicted as ``c_A``.
            counts : ndarray of shape (n_samples, n_classes)
                Estimation draws predicted as each class of ``classes``.
            counts_selection : ndarray of shape (n_samples, n_classes)
                Selection draws predicted as each class.
            classes : ndarray of shape (n_classes,)
                ``classes_``.
            n0, n, alpha, sigma : the draws and the level used, and the
                noise's scale.

        Raises
        ------
        ValueError
            If ``noise`` is not additive ``GaussianNoise`` of scale > 0, or the
            fitted estimator adds noise of its own at prediction time (see
            Notes); or for invalid ``n0``, ``n``, ``alpha``, ``batch_size`` or X.

        See Also
        --------
        predict_or_abstain : Cohen et al.'s PREDICT.
        skmnistnoise.metrics.certified_accuracy : Certified accuracy at given radii.
        skmnistnoise.metrics.average_certified_radius : The ACR of a certificate.

        Notes
        -----
        The noise is added to X as passed, before any step of ``estimator``
        (a scaler inside it is part of the base classifier), so the radius is
        in the units of X. A ``mean`` or a ``clip`` of the noise act after the
        Gaussian is added and are part of the base classifier too: the
        certificate holds with them. Other noise (multiplicative, impulse,
        shot) certifies no L2 radius and is refused.

        The noise of a sample depends only on ``random_state``, the sample's
        values and which draw it is: not on the other rows of X, their order or
        ``batch_size``. Certifying X in pieces gives the arrays of one call on
        all of X, so a long run can be stored and resumed piece by piece; with
        an int ``random_state`` the certificate is the same on every run.
        Identical samples get identical draws. Our Keras classifiers are
        called on whole batches through their compiled model; other
        classifiers through ``predict``. Costs ``n0 + n`` predictions per
        sample.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.tree import DecisionTreeClassifier
        >>> from skmnistnoise import GaussianNoise, NoiseAveragedClassifier
        >>> X = np.array([[-1.0], [1.0]])  # the rule: class of sign(x)
        >>> smooth = NoiseAveragedClassifier(
        ...     DecisionTreeClassifier(), noise=GaussianNoise(scale=1.0),
        ...     random_state=0).fit(X, [0, 1])
        >>> cert = smooth.certify([[2.0], [0.0]], n=10_000)
        >>> cert.prediction.tolist(), cert.abstained.tolist()
        ([1, 0], [False, True])
        >>> round(float(cert.radius[0]), 1)  # the distance to the boundary, 2
        1.9
        """
        from ._certify import certify

        return certify(self, X, n0=n0, n=n, alpha=alpha, batch_size=batch_size)

    def predict_or_abstain(
        self, X, *, n=100_000, alpha=0.001, abstain_label=None, batch_size=None
    ):
        """Hard-vote prediction that abstains when unsure: Cohen et al.'s PREDICT.

        ``n`` noisy copies of each sample are predicted by ``estimator_``; the
        top class is returned unless a two-sided binomial test of its count
        against the runner-up's is not significant at level ``alpha`` (p-value
        ``> alpha``), in which case ``abstain_label`` is returned. A returned
        class differs from the smoothed classifier's with probability at most
        ``alpha`` (Cohen, Rosenfeld and Kolter 2019, Proposition 1).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Clean samples.
        n : int, default=100_000
            Draws per sample.
        alpha : float, default=0.001
            Level of the test, in (0, 1).
        abstain_label : object or None, default=None
            What abstentions are labelled; it must not be a class. None means
            ``-1`` (Cohen et al.'s ABSTAIN) for numeric classes and the string
            ``"abstain"`` otherwise.
        batch_size : int or None, default=None
            Noisy copies per prediction call; see :meth:`certify`.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Classes and ``abstain_label``, in a dtype that holds both (object
            when one is a string and the other a number).

        See Also
        --------
        certify : The certified radius of the prediction.
        predict : The prediction averaged over ``n_draws`` draws, never abstaining.

        Notes
        -----
        The noise must be additive Gaussian, as for :meth:`certify`; its draws
        are independent of :meth:`certify`'s and depend only on
        ``random_state`` and each sample's values.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.tree import DecisionTreeClassifier
        >>> from skmnistnoise import GaussianNoise, NoiseAveragedClassifier
        >>> smooth = NoiseAveragedClassifier(
        ...     DecisionTreeClassifier(), noise=GaussianNoise(scale=1.0),
        ...     random_state=0).fit([[-1.0], [1.0]], ["left", "right"])
        >>> smooth.predict_or_abstain([[-3.0], [0.0], [3.0]], n=1000).tolist()
        ['left', 'abstain', 'right']
        """
        from ._certify import predict_or_abstain

        return predict_or_abstain(
            self,
            X,
            n=n,
            alpha=alpha,
            abstain_label=abstain_label,
            batch_size=batch_size,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        return tags
