"""Randomized smoothing's CERTIFY and PREDICT: the statistics, not only the shapes.

Most tests use a deterministic base classifier with a known smoothed
probability: the rule "class 1 if the first coordinate is > t" under Gaussian
noise of scale sigma predicts class 1 with probability ``Phi((x - t) / sigma)``,
so the exact certified radius of the smoothed classifier at ``x`` is
``|x - t|``, the distance to the boundary (a linear classifier is the case
where Cohen et al.'s bound is tight).
"""

import numpy as np
import pytest
from scipy import stats
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.validation import NotFittedError

from skmnistnoise import (
    GaussianNoise,
    ImpulseNoise,
    NoiseAveragedClassifier,
    ShotNoise,
    average_certified_radius,
    certified_accuracy,
)
from skmnistnoise._certify import (
    CHUNK_DRAWS,
    binomial_test_two_sided,
    class_index_predictor,
    clopper_pearson_lower,
)


class ThresholdRule(ClassifierMixin, BaseEstimator):
    """Class ``classes_[1]`` where ``X[:, 0] > threshold``, else ``classes_[0]``."""

    def __init__(self, threshold=0.0):
        self.threshold = threshold

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def predict(self, X):
        return self.classes_[(np.asarray(X)[:, 0] > self.threshold).astype(int)]


def _smooth(sigma=1.0, labels=(0, 1), random_state=0, n_features=2, **kwargs):
    X = np.zeros((2, n_features))
    X[:, 0] = [-1, 1]
    return NoiseAveragedClassifier(
        ThresholdRule(),
        noise=GaussianNoise(scale=sigma, **kwargs),
        random_state=random_state,
    ).fit(X, list(labels))


def _points(x, seed=0):
    """Rows with first coordinate ``x`` and a distinct second one (distinct images)."""
    x = np.atleast_1d(np.asarray(x, dtype=float))
    return np.column_stack([x, np.random.default_rng(seed).random(len(x))])


# -- CERTIFY against the closed form ------------------------------------------
def test_certify_counts_p_lower_and_radius_match_the_closed_form():
    sigma, x, n, alpha = 0.5, 0.4, 100_000, 0.001
    cert = _smooth(sigma).certify(_points([x, -x]), n0=100, n=n, alpha=alpha)
    p_true = stats.norm.cdf(x / sigma)
    assert cert.prediction.tolist() == [1, 0]
    assert not cert.abstained.any()
    # n_A is Binomial(n, p_true): within 5 standard deviations.
    assert np.all(
        np.abs(cert.n_A / n - p_true) < 5 * np.sqrt(p_true * (1 - p_true) / n)
    )
    assert np.array_equal(cert.n_A, cert.counts[[0, 1], [1, 0]])
    assert np.array_equal(cert.counts.sum(axis=1), [n, n])
    assert np.array_equal(cert.counts_selection.sum(axis=1), [100, 100])
    # Clopper-Pearson, exactly scipy's beta quantile for these counts.
    expected = stats.beta.ppf(alpha, cert.n_A, n - cert.n_A + 1)
    assert np.array_equal(cert.p_lower, expected)
    assert np.array_equal(cert.radius, sigma * stats.norm.ppf(expected))
    # The certified radius is below the exact one, x, and close to it.
    gap = sigma * 8 * np.sqrt(p_true * (1 - p_true) / n) / stats.norm.pdf(x / sigma)
    assert np.all(cert.radius < x) and np.all(cert.radius > x - gap)
    assert (cert.n0, cert.n, cert.alpha, cert.sigma) == (100, n, alpha, sigma)
    assert cert.classes.tolist() == [0, 1]


def test_certified_radius_tends_to_the_exact_radius_as_n_grows():
    sigma, x, alpha = 1.0, 1.0, 0.001
    smooth = _smooth(sigma)
    p = stats.norm.cdf(x / sigma)
    gaps = []
    for n in (1_000, 10_000, 100_000):
        radius = smooth.certify(_points([x]), n=n, alpha=alpha).radius[0]
        # Cohen's bound: x - radius ~ sigma (z_{1-alpha} - Z) sqrt(pq/n) / phi.
        scale = sigma * np.sqrt(p * (1 - p) / n) / stats.norm.pdf(x / sigma)
        assert 0 < x - radius < (stats.norm.ppf(1 - alpha) + 4.5) * scale
        gaps.append(x - radius)
    assert gaps[2] < gaps[0] / 3


def test_clopper_pearson_bound_is_the_alpha_tail():
    n, alpha = 50, 0.01
    k = np.arange(1, n + 1)
    p_lower = clopper_pearson_lower(k, n, alpha)
    # P(Binomial(n, p_lower) >= k) = alpha: the definition of the bound.
    assert np.allclose(stats.binom.sf(k - 1, n, p_lower), alpha, rtol=1e-6)
    assert clopper_pearson_lower(0, n, alpha) == 0.0
    assert np.all(np.diff(p_lower) > 0)


def test_certify_is_sound_at_the_stated_alpha():
    """Over many points, p_lower exceeds the true probability at rate <= alpha."""
    rng = np.random.default_rng(1)
    sigma, n, alpha, n_points = 1.0, 100, 0.05, 2000
    x = rng.uniform(-2, 2, n_points)
    cert = _smooth(sigma, random_state=3).certify(
        _points(x, seed=2), n0=10, n=n, alpha=alpha
    )
    p_class_1 = stats.norm.cdf(x / sigma)
    p_true = np.where(cert.prediction == 1, p_class_1, 1 - p_class_1)
    wrong = cert.p_lower > p_true
    # Binomial slack: fails with probability 1e-4 if the bound holds.
    assert wrong.sum() <= stats.binom.ppf(1 - 1e-4, n_points, alpha)
    # Equivalently: no certified radius beyond the exact one, |x|, but at rate alpha.
    wrong_class = (cert.prediction == 1) != (x > 0)
    claimed = ~cert.abstained & (wrong_class | (cert.radius > np.abs(x)))
    assert np.array_equal(claimed, wrong & ~cert.abstained)
    # And the bound is not vacuous: most points far from the boundary certify.
    assert np.mean(cert.radius[np.abs(x) > 1.5] > 0.5) > 0.9


def test_certify_abstains_where_the_classes_tie():
    cert = _smooth(1.0).certify(_points(np.zeros(50)), n0=100, n=2_000, alpha=0.001)
    assert cert.abstained.all()
    assert np.array_equal(cert.radius, np.zeros(50))
    assert np.all(cert.p_lower < 0.5)


# -- PREDICT --------------------------------------------------------------
def test_binomial_test_is_scipys_two_sided_test():
    for n_a in range(0, 40, 3):
        for n_b in range(0, 40, 5):
            if n_a + n_b == 0:
                continue
            expected = stats.binomtest(n_a, n_a + n_b, 0.5).pvalue
            assert binomial_test_two_sided(n_a, n_b) == pytest.approx(
                expected, rel=1e-9
            )


def test_predict_or_abstain_abstains_on_ties_and_predicts_far_points():
    smooth = _smooth(1.0)
    y_pred = smooth.predict_or_abstain(_points(np.zeros(200)), n=500, alpha=0.01)
    # At a tie the test is significant (no abstention) with probability <= alpha.
    assert np.sum(y_pred != -1) <= stats.binom.ppf(1 - 1e-4, 200, 0.01)
    far = smooth.predict_or_abstain(_points([-3.0, 3.0]), n=500, alpha=0.01)
    assert far.tolist() == [0, 1]


def test_predict_or_abstain_is_rarely_wrong():
    """A returned class differs from the smoothed classifier's at rate <= alpha."""
    x = np.random.default_rng(4).uniform(-0.3, 0.3, 1000)
    x = x[np.abs(x) > 1e-3]
    y_pred = _smooth(1.0).predict_or_abstain(_points(x), n=200, alpha=0.05)
    answered = y_pred != -1
    wrong = answered & (y_pred != (x > 0).astype(int))
    assert answered.sum() > 50  # not vacuous
    assert wrong.sum() <= stats.binom.ppf(1 - 1e-4, len(x), 0.05)


def test_string_labels_and_the_abstain_label():
    smooth = _smooth(1.0, labels=("cat", "dog"))
    X = _points([-3.0, 0.0, 3.0])
    cert = smooth.certify(X, n=1_000)
    assert cert.prediction.tolist()[::2] == ["cat", "dog"]
    assert cert.abstained.tolist() == [False, True, False]
    assert smooth.predict_or_abstain(X, n=1_000).tolist() == ["cat", "abstain", "dog"]
    marked = smooth.predict_or_abstain(X, n=1_000, abstain_label="no idea")
    assert marked.tolist() == ["cat", "no idea", "dog"]  # not truncated to '<U3'
    mixed = smooth.predict_or_abstain(X, n=1_000, abstain_label=-1)
    assert mixed.dtype == object and mixed.tolist() == ["cat", -1, "dog"]
    y = np.array(["cat", "dog", "dog"])
    assert certified_accuracy(y, cert, 0.0) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="'abstain_label'.*'dog'"):
        smooth.predict_or_abstain(X, n=10, abstain_label="dog")


# -- reproducibility and resumability ------------------------------------------
def _same(a, b):
    return all(np.array_equal(a[k], b[k]) for k in a if isinstance(a[k], np.ndarray))


def test_seeded_certificates_are_bit_identical_and_seeds_differ():
    X = _points(np.linspace(-1, 1, 5))
    a = _smooth(1.0, random_state=7).certify(X, n=500)
    b = _smooth(1.0, random_state=7).certify(X, n=500)
    c = _smooth(1.0, random_state=8).certify(X, n=500)
    assert _same(a, b)
    assert not np.array_equal(a.counts, c.counts)
    # random_state=None: fresh draws every call; the noise's own seed is used
    # when the classifier has none.
    fresh = _smooth(1.0, random_state=None)
    assert not np.array_equal(
        fresh.certify(X, n=500).counts, fresh.certify(X, n=500).counts
    )
    own = _smooth(1.0, random_state=None)
    own.set_params(noise=GaussianNoise(scale=1.0, random_state=7))
    assert np.array_equal(own.certify(X, n=500).counts, own.certify(X, n=500).counts)


def test_pieces_order_and_batch_size_do_not_change_the_certificate():
    """Certifying in chunks of images (a resumed run) gives the whole run's arrays."""
    X = _points(np.linspace(-1, 1, 7))
    smooth = _smooth(1.0)
    n = 2 * CHUNK_DRAWS + 345  # three chunks of draws, the last one partial
    whole = smooth.certify(X, n0=30, n=n)
    for batch_size in (1, 333, 5_000):
        assert _same(whole, smooth.certify(X, n0=30, n=n, batch_size=batch_size))
    pieces = [smooth.certify(X[i : i + 3], n0=30, n=n) for i in range(0, 7, 3)]
    assert np.array_equal(np.concatenate([p.counts for p in pieces]), whole.counts)
    assert np.array_equal(np.concatenate([p.radius for p in pieces]), whole.radius)
    reversed_ = smooth.certify(X[::-1], n0=30, n=n)
    assert np.array_equal(reversed_.counts[::-1], whole.counts)
    # PREDICT too, and its draws are not CERTIFY's.
    y_pred = smooth.predict_or_abstain(X, n=n)
    assert np.array_equal(smooth.predict_or_abstain(X, n=n, batch_size=7), y_pred)


@pytest.mark.parametrize("threads", [2, 3])
def test_the_threads_that_draw_the_noise_change_no_certificate(threads, monkeypatch):
    # The pieces of a batch are drawn side by side, each from its own
    # generator; a chunk of draws split over two batches goes on in the next.
    import skmnistnoise._certify as certify_module

    X = _points(np.linspace(-1, 1, 7))
    smooth = _smooth(1.0)
    n = 2 * CHUNK_DRAWS + 345
    assert 1 <= certify_module._noise_threads() <= 4
    monkeypatch.setattr(certify_module, "_noise_threads", lambda: 1)
    alone = [smooth.certify(X, n0=30, n=n, batch_size=b) for b in (700, 4096)]
    monkeypatch.setattr(certify_module, "_noise_threads", lambda: threads)
    for batch_size, expected in zip((700, 4096), alone, strict=True):
        assert _same(expected, smooth.certify(X, n0=30, n=n, batch_size=batch_size))


def test_estimation_draws_are_independent_of_selection_draws():
    # n0 == n: the selection counts would equal the estimation counts if the
    # two stages shared their draws.
    cert = _smooth(1.0).certify(_points(np.full(20, 0.1)), n0=500, n=500)
    assert not np.array_equal(cert.counts, cert.counts_selection)


# -- what certifies and what does not -----------------------------------------
@pytest.mark.parametrize(
    ("noise", "match"),
    [
        (ImpulseNoise(amount=0.1), "additive Gaussian noise.*ImpulseNoise"),
        (ShotNoise(photons=10), "additive Gaussian noise.*ShotNoise"),
        (GaussianNoise(scale=0.5, mode="multiplicative"), "mode='multiplicative'"),
        (GaussianNoise(scale=0.0), "scale > 0.*scale=0.0"),
    ],
)
def test_noise_that_certifies_no_l2_radius_is_refused(noise, match):
    smooth = NoiseAveragedClassifier(ThresholdRule(), noise=noise).fit(
        np.abs(_points([-1.0, 1.0])), [0, 1]
    )
    X = np.abs(_points([0.5]))
    with pytest.raises(ValueError, match=match):
        smooth.certify(X, n=10)
    with pytest.raises(ValueError, match=match):
        smooth.predict_or_abstain(X, n=10)


def test_noise_inside_the_estimator_at_prediction_is_refused():
    inner = Pipeline([("noise", GaussianNoise(scale=0.3)), ("clf", ThresholdRule())])
    smooth = NoiseAveragedClassifier(inner, noise=GaussianNoise(scale=1.0))
    smooth.fit(_points([-1.0, 1.0]), [0, 1])
    with pytest.raises(ValueError, match="step 'noise'.*apply_to='both'.*'train'"):
        smooth.certify(_points([0.5]), n=10)
    # Training-only noise is part of training, not of the base classifier.
    smooth.set_params(estimator__noise__apply_to="train").fit(
        _points([-1.0, 1.0]), [0, 1]
    )
    assert smooth.certify(_points([3.0]), n=100).prediction.tolist() == [1]


def test_clip_and_mean_are_part_of_the_base_classifier():
    # Clipping after the noise, or shifting it, is a function of x + sigma z:
    # the certificate still holds. For the rule at 0, clipping to (-0.5, 0.5)
    # changes no prediction, so the counts are those of the unclipped noise.
    X = _points([-0.4, 0.2, 0.3])
    plain = _smooth(1.0).certify(X, n=2_000)
    clipped = _smooth(1.0, clip=(-0.5, 0.5)).certify(X, n=2_000)
    assert np.array_equal(plain.counts, clipped.counts)
    # A mean m moves the boundary to -m: the radius is the distance to it.
    shifted = _smooth(0.5, mean=0.5).certify(_points([0.5]), n=100_000)
    assert shifted.radius[0] == pytest.approx(1.0, abs=0.03)
    assert shifted.radius[0] < 1.0


def test_radius_is_in_the_units_of_X_whatever_the_estimator_scales():
    # A scaler inside the estimator comes after the noise: it is part of the
    # base classifier, and the radius is still the distance in X's units.
    from skmnistnoise import GlobalStandardScaler

    X_fit = _points(np.linspace(-1, 1, 20)) * 10
    inner = Pipeline([("scale", GlobalStandardScaler()), ("clf", ThresholdRule())])
    smooth = NoiseAveragedClassifier(
        inner, noise=GaussianNoise(scale=1.0), random_state=0
    ).fit(X_fit, np.arange(20) % 2)
    boundary = X_fit.mean()  # the scaler's mean: the rule's boundary in X's units
    cert = smooth.certify(_points([boundary + 1.5]), n=100_000)
    assert cert.radius[0] == pytest.approx(1.5, abs=0.05)
    assert cert.radius[0] < 1.5


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n0": 0}, "'n0' parameter of certify"),
        ({"n": 0}, "'n' parameter of certify"),
        ({"alpha": 0.0}, "'alpha' parameter of certify"),
        ({"alpha": 1.0}, "'alpha' parameter of certify"),
        ({"batch_size": 0}, "'batch_size' parameter of certify"),
    ],
)
def test_bad_certify_arguments_are_named(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        _smooth().certify(_points([1.0]), **kwargs)


def test_bad_X_and_unfitted_are_refused():
    smooth = _smooth()
    with pytest.raises(ValueError, match="X has 3 features.*2 features"):
        smooth.certify(np.zeros((1, 3)), n=10)
    with pytest.raises(ValueError, match="1-D"):
        smooth.certify(np.zeros(2), n=10)
    with pytest.raises(ValueError, match="NaN"):
        smooth.certify([[np.nan, 0.0]], n=10)
    with pytest.raises(NotFittedError):
        NoiseAveragedClassifier(ThresholdRule()).certify([[0.0, 0.0]], n=10)
    with pytest.raises(InvalidParameterError, match="'alpha' parameter of predict"):
        smooth.predict_or_abstain(_points([1.0]), alpha=2)


def test_any_sklearn_classifier_certifies(digits):
    X, y = digits.data[:400], digits.target[:400]
    smooth = NoiseAveragedClassifier(
        LogisticRegression(max_iter=300),
        noise=GaussianNoise(scale=0.25),
        random_state=0,
    ).fit(X, y)
    cert = smooth.certify(X[:20], n0=20, n=200, alpha=0.01)
    assert set(cert.prediction) <= set(smooth.classes_)
    assert certified_accuracy(y[:20], cert, 0.0) > 0.7
    assert np.all(cert.radius[~cert.abstained] > 0)
    assert np.all(cert.radius <= 0.25 * stats.norm.ppf(0.01 ** (1 / 200)) + 1e-12)


# -- summaries ----------------------------------------------------------------
def test_certified_accuracy_and_acr_by_hand():
    certificate = {
        "prediction": np.array([1, 1, 0, 2]),
        "radius": np.array([0.6, 0.2, 0.0, 1.5]),
        "abstained": np.array([False, False, True, False]),
    }
    y = [1, 1, 0, 0]
    assert certified_accuracy(y, certificate, [0, 0.2, 0.3, 0.6, 0.7]).tolist() == [
        0.5,
        0.5,
        0.25,
        0.25,
        0.0,
    ]
    assert isinstance(certified_accuracy(y, certificate, 0.0), float)
    assert average_certified_radius(y, certificate) == pytest.approx(0.2)


def test_acr_is_the_area_under_the_certified_accuracy_curve():
    cert = _smooth(1.0).certify(_points(np.linspace(-3, 3, 40)), n=1_000)
    y = (np.linspace(-3, 3, 40) > 0).astype(int)
    r = np.linspace(0, 5, 200_001)
    area = np.trapezoid(certified_accuracy(y, cert, r), r)
    assert average_certified_radius(y, cert) == pytest.approx(area, abs=1e-3)


def test_summaries_refuse_bad_input():
    cert = {"prediction": [1], "radius": [0.5], "abstained": [False]}
    with pytest.raises(ValueError, match="'radii'"):
        certified_accuracy([1], cert, [-0.5])
    with pytest.raises(ValueError, match="'radii'"):
        certified_accuracy([1], cert, [np.nan])
    with pytest.raises(ValueError, match=r"certificate\['prediction'\].*2 samples"):
        certified_accuracy([1, 0], cert, 0.0)
    with pytest.raises(ValueError, match="no 'abstained'"):
        average_certified_radius([1], {"prediction": [1], "radius": [0.5]})
    with pytest.raises(InvalidParameterError, match="'certificate'"):
        average_certified_radius([1], [1, 0.5, False])


# -- staged_predict_proba (issue 12, item 8) ----------------------------------
@pytest.mark.parametrize("voting", ["soft", "hard"])
def test_staged_predict_proba_equals_predict_proba_at_each_n_draws(digits, voting):
    X, y = digits.data[:300], digits.target[:300]
    smooth = NoiseAveragedClassifier(
        LogisticRegression(max_iter=300),
        noise=GaussianNoise(scale=0.5),
        voting=voting,
        random_state=0,
    ).fit(X, y)
    stages = [1, 3, 7]
    staged = list(smooth.staged_predict_proba(X, stages))
    assert len(staged) == 3
    for k, proba in zip(stages, staged, strict=True):
        expected = smooth.set_params(n_draws=k).predict_proba(X)
        assert np.array_equal(proba, expected)
    # An int k means every count 1..k; None means 1..n_draws.
    assert len(list(smooth.staged_predict_proba(X, 4))) == 4
    smooth.set_params(n_draws=2)
    every = list(smooth.staged_predict_proba(X))
    assert len(every) == 2 and np.array_equal(every[-1], smooth.predict_proba(X))
    assert not np.shares_memory(every[0], every[1])


@pytest.mark.parametrize("n_draws", [0, [3, 2], [0, 1], [1.5], [], "3"])
def test_staged_predict_proba_refuses_bad_draw_counts(digits, n_draws):
    smooth = NoiseAveragedClassifier(LogisticRegression(max_iter=50)).fit(
        digits.data[:100], digits.target[:100]
    )
    with pytest.raises(ValueError, match="'n_draws' parameter of staged_predict"):
        next(smooth.staged_predict_proba(digits.data[:5], n_draws))


# -- Keras ------------------------------------------------------------------
def test_keras_fast_path_predicts_what_predict_does(digits):
    from skmnistnoise import ConvNetClassifier

    X, y = digits.data[:300], digits.target[:300]
    smooth = NoiseAveragedClassifier(
        ConvNetClassifier(epochs=1, random_state=0),
        noise=GaussianNoise(scale=0.25),
        random_state=0,
    ).fit(X, y)
    noisy = GaussianNoise(scale=0.25, random_state=1).fit_transform(X)
    fast = class_index_predictor(smooth.estimator_, smooth.classes_)
    buffer = fast.allocate(len(noisy), noisy.shape[1], noisy.dtype)
    assert fast._tensor is not None  # the model reads the buffer, no copy
    buffer[...] = noisy
    expected = smooth.estimator_.predict(noisy)
    assert np.array_equal(smooth.classes_[fast(len(noisy))], expected)
    assert np.array_equal(smooth.classes_[fast(7)], expected[:7])
    buffer[:7] = 0.0  # the next call sees the new values
    zeros = smooth.estimator_.predict(np.zeros((7, noisy.shape[1]), noisy.dtype))
    assert np.array_equal(smooth.classes_[fast(7)], zeros)
    a = smooth.certify(X[:4], n0=20, n=300)
    b = smooth.certify(X[:4], n0=20, n=300, batch_size=64)
    assert _same(a, b)


def test_keras_in_a_pipeline_predicts_what_the_pipeline_does(digits):
    from skmnistnoise import GlobalStandardScaler, MLPClassifier

    X, y = digits.data[:300], digits.target[:300]
    pipe = Pipeline(
        [("scale", GlobalStandardScaler()), ("mlp", MLPClassifier(epochs=1))]
    ).fit(X, y)
    noisy = GaussianNoise(scale=0.25, random_state=1).fit_transform(X)
    fast = class_index_predictor(pipe, pipe.classes_)
    fast.allocate(len(noisy), noisy.shape[1], noisy.dtype)[...] = noisy
    assert fast._tensor is None  # the scaler makes a new array anyway
    assert np.array_equal(pipe.classes_[fast(len(noisy))], pipe.predict(noisy))
