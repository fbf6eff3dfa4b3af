"""A scorer that scores an estimator on noisy copies of the data it is given.

:func:`noisy_scorer` wraps any scikit-learn scoring: the scorer it returns
corrupts X with a noise transformer, seeded and fresh per image, and scores
the estimator on the result. A search over a pipeline's *training* noise can
then rank the candidates by their accuracy under several test noises at
once, one scorer per test noise in a ``scoring`` dict.
"""

import warnings
from inspect import signature
from numbers import Integral

from sklearn.base import clone
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.metadata_routing import get_routing_for_object

from ._checks import validated
from ._noise import _BaseNoise
from .corruptions import MNISTCorruption

__all__ = ["noisy_scorer"]


@validated(
    {
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
        "noise": [HasMethods(["fit", "transform"])],
    }
)
def noisy_scorer(scoring, noise):
    """Make a scorer that scores on a noisy copy of X, for searches over noise.

    The scorer corrupts the X it is given with a clone of ``noise`` set to
    ``apply_to="both"``, then scores the estimator on the noisy X with
    ``scoring``. Give it to :class:`~sklearn.model_selection.GridSearchCV`,
    :func:`~sklearn.model_selection.cross_validate` or
    :func:`~sklearn.model_selection.validation_curve` as ``scoring``, alone
    or in a dict: one scorer per test noise ranks a search's candidates (the
    training noise of a pipeline, say) by their score under every test noise
    in one search, and ``refit`` picks the test noise that decides.

    Parameters
    ----------
    scoring : str, callable or None
        The score to compute on the noisy X: a scikit-learn scoring name
        (``"accuracy"``, ``"f1_macro"``, ``"neg_log_loss"``...), a scorer
        callable ``scorer(estimator, X, y)`` (see
        :func:`~sklearn.metrics.make_scorer`), or None for the estimator's
        own ``score`` method, resolved as
        :func:`~sklearn.metrics.check_scoring` does.
    noise : noise transformer
        A :class:`~skmnistnoise.GaussianNoise`,
        :class:`~skmnistnoise.ImpulseNoise`, :class:`~skmnistnoise.ShotNoise`
        or :class:`~skmnistnoise.corruptions.MNISTCorruption`: an estimator
        with ``fit``, ``transform`` and an ``apply_to`` parameter. Its
        ``apply_to`` is ignored: the scorer corrupts all the X it is given.
        Its ``random_state`` seeds the noise: every call draws the same
        noise for the same rows (a fresh clone of ``noise`` is fitted each
        time), so the same call gives the same score, and every candidate of
        a search is scored on the same noisy images. ``random_state=None``
        draws new noise at every call.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y)`` returning the score of ``estimator`` on
        ``noise`` applied to ``X``. It pickles (``n_jobs`` > 1) and its repr
        is the call that made it.

    See Also
    --------
    sklearn.metrics.make_scorer : Make a scorer from a metric function.
    sklearn.metrics.check_scoring : How ``scoring`` is resolved.
    skmnistnoise.GaussianNoise : Its ``apply_to="train"`` makes a pipeline
        step that corrupts the training data only.

    Notes
    -----
    The noisy X goes through the whole estimator. In a pipeline whose noise
    step corrupts the training data only (``apply_to="train"``), the test
    data pass through that step unchanged, and the scorer's noise is the
    only noise they get. A noise step with ``apply_to="both"`` or
    ``"test"`` would corrupt them a second time, on top of the scorer's
    noise: the scorer warns when the estimator is a
    :class:`~sklearn.pipeline.Pipeline` with such a step (other than a
    step that adds no noise, such as ``GaussianNoise(scale=0)``). Give the
    pipeline's step ``apply_to="train"``.

    Scorers whose noises share a ``random_state`` draw the same standard
    noise: ``GaussianNoise(scale=1.0, random_state=1)`` adds twice what
    ``GaussianNoise(scale=0.5, random_state=1)`` adds, image by image, which
    makes the scores at different scales a paired comparison. The training
    draw of a pipeline's noise step is that same standard noise too when
    the step has the scorer's ``random_state``: the i-th scored image would
    get the noise of the i-th training image, and a model does better on
    the noise it was trained on than on new noise. The scorer warns when a
    step of the pipeline has its ``random_state``; give the scorer's noise
    a ``random_state`` of its own.

    Examples
    --------
    Which training noise is best for a little-regularised logistic
    regression, on clean images and under noise of scale 1? One search
    answers both:

    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.pipeline import Pipeline
    >>> from skmnistnoise import GaussianNoise
    >>> from skmnistnoise.datasets import load_digits
    >>> from skmnistnoise.metrics import noisy_scorer
    >>> X, y = load_digits(return_X_y=True)
    >>> scoring = {
    ...     f"test {s}": noisy_scorer("accuracy", GaussianNoise(s, random_state=1))
    ...     for s in (0.0, 1.0)
    ... }
    >>> scoring["test 1.0"]
    noisy_scorer('accuracy', GaussianNoise(random_state=1, scale=1.0))
    >>> pipe = Pipeline([
    ...     ("noise", GaussianNoise(apply_to="train", random_state=0)),
    ...     ("clf", LogisticRegression(C=10, max_iter=1000)),
    ... ])
    >>> search = GridSearchCV(pipe, {"noise__scale": [0.0, 0.5]}, scoring=scoring,
    ...                       refit="test 1.0", cv=3).fit(X, y)
    >>> search.best_params_  # the best under test noise of scale 1
    {'noise__scale': 0.5}
    >>> search.cv_results_["rank_test_test 0.0"]  # and on clean images
    array([1, 2], dtype=int32)
    """
    if (
        isinstance(noise, type)
        or not hasattr(noise, "get_params")
        or "apply_to" not in noise.get_params(deep=False)
    ):
        raise TypeError(
            "The 'noise' parameter of noisy_scorer must be a noise transformer "
            "with an 'apply_to' parameter, such as GaussianNoise(scale=0.5, "
            "random_state=0) or MNISTCorruption('shot_noise', random_state=0); "
            f"got {noise!r}."
        )
    noise = clone(noise).set_params(apply_to="both")
    # Bad noise parameters fail here, not as NaN scores of every candidate
    # of a search (GridSearchCV's error_score).
    if hasattr(noise, "_validate_params"):
        noise._validate_params()
    scorer = None if scoring is None else check_scoring(scoring=scoring)
    return _NoisyScorer(scoring, noise, scorer)


class _NoisyScorer:
    """The scorer :func:`noisy_scorer` returns: noise X, then score.

    Not a ``_BaseScorer``: scikit-learn's multi-metric scoring caches the
    predictions of those on the clean X, and every noisy scorer must predict
    on its own noisy X.
    """

    def __init__(self, scoring, noise, scorer):
        self._scoring = scoring
        self._noise = noise
        self._scorer = scorer

    def __call__(self, estimator, X, y_true=None, **kwargs):
        """Score ``estimator`` on a noisy copy of ``X``.

        Parameters
        ----------
        estimator : object
            A fitted estimator.
        X : array-like of shape (n_samples, n_features)
            The data to corrupt and score on.
        y_true : array-like of shape (n_samples,), default=None
            The true targets, passed on to the scoring.
        **kwargs : dict
            Passed on to the scoring (``sample_weight``...).

        Returns
        -------
        score : float
            The score of ``estimator`` on the noisy X.
        """
        _warn_on_pipeline_noise(estimator, self._noise)
        noise = clone(self._noise)
        if hasattr(X, "columns") and hasattr(noise, "set_output"):
            noise.set_output(transform="pandas")  # keep the feature names
        X_noisy = noise.fit_transform(X)
        scorer = self._scorer
        if scorer is None:
            scorer = check_scoring(estimator)
        args = () if y_true is None else (y_true,)
        return scorer(estimator, X_noisy, *args, **kwargs)

    def __repr__(self):
        return f"noisy_scorer({self._scoring!r}, {self._noise!r})"

    def _accept_sample_weight(self):
        # scikit-learn's test for passing sample_weight to a scorer (without
        # metadata routing). The estimator's own score (scoring=None) is not
        # known before the call.
        if self._scorer is None:
            return False
        accept = getattr(self._scorer, "_accept_sample_weight", None)
        if accept is not None:
            return accept()
        return "sample_weight" in signature(self._scorer).parameters

    def get_metadata_routing(self):
        """The metadata the wrapped scoring requests (metadata routing).

        Returns
        -------
        routing : MetadataRequest or MetadataRouter
            The wrapped scorer's; empty for ``scoring=None``.
        """
        return get_routing_for_object(self._scorer)


def _warn_on_pipeline_noise(estimator, noise):
    """Warn about a noise step of a Pipeline that spoils the noisy score.

    A step that adds noise to the scored data corrupts them twice; a
    training-noise step seeded as ``noise`` corrupted the training images
    with the very noise the scorer draws for the scored ones.
    """
    if not isinstance(estimator, Pipeline):
        return
    for name, step in estimator.steps[:-1]:
        if not isinstance(step, (_BaseNoise, MNISTCorruption)) or (
            isinstance(step, _BaseNoise) and step._is_identity()
        ):
            continue
        if step.apply_to != "train":
            warnings.warn(
                f"noisy_scorer scores a pipeline whose step {name!r} ({step!r}) "
                f"also adds noise to the data it scores (apply_to="
                f"{step.apply_to!r}): the scored data get both noises. Give that "
                "step apply_to='train', so that the scorer's noise is the only "
                "test noise.",
                UserWarning,
                stacklevel=3,
            )
        elif (
            isinstance(step.random_state, Integral)
            and step.random_state == noise.random_state
        ):
            warnings.warn(
                f"noisy_scorer's noise and the pipeline's step {name!r} "
                f"({step!r}) have the same random_state, so they draw the same "
                "noise: the i-th scored image gets the noise of the i-th "
                "training image, and a model does better on the noise it was "
                "trained on than on new noise: the score comes out too high. "
                "Give the scorer's noise another random_state.",
                UserWarning,
                stacklevel=3,
            )
