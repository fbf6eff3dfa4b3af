"""noisy_scorer: the score on a noisy copy of X, in scikit-learn's searches."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, check_scoring, get_scorer
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from skmnistnoise import GaussianNoise, ImpulseNoise, ShotNoise
from skmnistnoise.corruptions import MNISTCorruption
from skmnistnoise.metrics import noisy_scorer


@pytest.fixture(scope="module")
def holdout(digits):
    """A logistic regression fitted on the digits' training part, and the holdout."""
    (train, test), *_ = digits.cv.split()
    X, y = digits.data, digits.target
    model = LogisticRegression(max_iter=1000).fit(X[train], y[train])
    return model, X[test], y[test]


def _by_hand(scoring, noise, estimator, X, y):
    """The score as the user would compute it: noise X, then score."""
    X_noisy = clone(noise).set_params(apply_to="both").fit_transform(X)
    return check_scoring(estimator, scoring)(estimator, X_noisy, y)


# --------------------------------------------------------------------------
# The score


@pytest.mark.parametrize(
    "noise",
    [
        GaussianNoise(scale=0.5, apply_to="train", random_state=1),
        ImpulseNoise(amount=0.2, apply_to="test", random_state=1),
        ShotNoise(photons=3, random_state=1),
    ],
    ids=["gaussian", "impulse", "shot"],
)
@pytest.mark.parametrize("scoring", ["accuracy", "neg_log_loss", None])
def test_score_is_the_score_on_the_noisy_X(holdout, noise, scoring):
    model, X, y = holdout
    X_before = X.copy()
    score = noisy_scorer(scoring, noise)(model, X, y)
    assert score == _by_hand(scoring, noise, model, X, y)
    # The noise is applied (whatever the given apply_to), X is left alone.
    assert score != check_scoring(model, scoring)(model, X, y)
    np.testing.assert_array_equal(X, X_before)


def test_scoring_is_any_scorer(holdout):
    model, X, y = holdout
    noise = GaussianNoise(scale=0.5, random_state=1)
    for scoring in ("f1_macro", get_scorer("balanced_accuracy")):
        score = noisy_scorer(scoring, noise)(model, X, y)
        assert score == _by_hand(scoring, noise, model, X, y)


def test_mnist_corruption_is_applied_to_the_scored_data():
    # MNISTCorruption defaults to apply_to="test"; the scorer corrupts anyway.
    rng = np.random.default_rng(0)
    X = rng.random((120, 784), dtype=np.float32)
    y = np.repeat([0, 1], 60)
    X[y == 1, :392] *= 0.5
    model = LogisticRegression(max_iter=1000).fit(X, y)
    noise = MNISTCorruption("shot_noise", random_state=1)
    score = noisy_scorer("neg_log_loss", noise)(model, X, y)
    assert score == _by_hand("neg_log_loss", noise, model, X, y)
    assert score < get_scorer("neg_log_loss")(model, X, y)


def test_same_call_same_score_and_other_seed_other_score(holdout):
    model, X, y = holdout
    scorer = noisy_scorer("neg_log_loss", GaussianNoise(scale=0.5, random_state=1))
    first = scorer(model, X, y)
    assert scorer(model, X, y) == first
    other = noisy_scorer("neg_log_loss", GaussianNoise(scale=0.5, random_state=2))
    assert other(model, X, y) != first
    fresh = noisy_scorer("neg_log_loss", GaussianNoise(scale=0.5))
    assert fresh(model, X, y) != fresh(model, X, y)


def test_the_given_noise_is_not_used_nor_changed(holdout):
    model, X, y = holdout
    noise = GaussianNoise(scale=0.5, apply_to="train", random_state=1)
    scorer = noisy_scorer("accuracy", noise)
    noise.set_params(scale=2.0)
    expected = _by_hand("accuracy", GaussianNoise(0.5, random_state=1), model, X, y)
    assert scorer(model, X, y) == expected
    assert not hasattr(noise, "n_features_in_")


def test_sample_weight_reaches_the_scoring(holdout):
    model, X, y = holdout
    noise = GaussianNoise(scale=1.0, random_state=1)
    weights = np.where(y == 8, 10.0, 1.0)
    weighted = noisy_scorer("accuracy", noise)(model, X, y, sample_weight=weights)
    X_noisy = clone(noise).fit_transform(X)
    expected = accuracy_score(y, model.predict(X_noisy), sample_weight=weights)
    assert weighted == expected
    assert weighted != noisy_scorer("accuracy", noise)(model, X, y)


def test_feature_names_reach_the_estimator(digits):
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(digits.data, columns=[f"pixel{i}" for i in range(64)])
    model = LogisticRegression(max_iter=1000).fit(X, digits.target)
    scorer = noisy_scorer("accuracy", GaussianNoise(scale=0.5, random_state=1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "X does not have valid feature names"
        scorer(model, X, digits.target)


# --------------------------------------------------------------------------
# In scikit-learn's model selection


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_grid_search_ranks_training_scales_per_test_scale(digits):
    # Measured on the digits, over the scorers' seeds 1 to 3 and the MLP's
    # seeds 0 and 1: training noise of 0.5 beats clean training by 1 to 6
    # points of accuracy at test scale 1 and by 3 to 7 at 0.5 (this seed: 5
    # and 5), clean training wins on clean images by 3 to 4 points.
    scoring = {
        f"test {s}": noisy_scorer("accuracy", GaussianNoise(s, random_state=2))
        for s in (0.0, 0.5, 1.0)
    }
    pipe = Pipeline(
        [
            ("noise", GaussianNoise(apply_to="train", random_state=0)),
            ("clf", MLPClassifier((32,), max_iter=100, random_state=0)),
        ]
    )
    search = GridSearchCV(
        pipe, {"noise__scale": [0.0, 0.5]}, scoring=scoring, refit="test 1.0", cv=3
    )
    search.fit(digits.data, digits.target)
    results = search.cv_results_
    assert search.best_params_ == {"noise__scale": 0.5}
    assert list(results["rank_test_test 0.5"]) == [2, 1]
    assert list(results["rank_test_test 0.0"]) == [1, 2]
    # Every candidate loses accuracy as the test noise grows.
    means = np.array([results[f"mean_test_{name}"] for name in scoring])
    assert np.all(np.diff(means, axis=0) < 0)
    # refit="test 1.0" picked the best at that scale, and its score is it.
    assert search.best_score_ == results["mean_test_test 1.0"].max()


def test_cross_validate_at_several_test_scales(digits):
    scales = (0.0, 0.25, 0.5, 1.0)
    scoring = {
        f"test {s}": noisy_scorer("accuracy", GaussianNoise(s, random_state=1))
        for s in scales
    }
    results = cross_validate(
        LogisticRegression(max_iter=1000), digits.data, digits.target, scoring=scoring
    )
    means = [results[f"test_test {s}"].mean() for s in scales]
    assert np.all(np.diff(means) < 0), means


def test_each_scorer_of_a_dict_predicts_on_its_own_noisy_X(digits):
    # scikit-learn caches the predictions of its own scorers in a dict; the
    # noisy scorer must not be given the clean ones.
    noise = GaussianNoise(scale=1.0, random_state=1)
    scoring = {
        "clean": "accuracy",
        "clean f1": "f1_macro",
        "noisy": noisy_scorer("accuracy", noise),
        "noisy f1": noisy_scorer("f1_macro", noise),
    }
    results = cross_validate(
        LogisticRegression(max_iter=1000),
        digits.data,
        digits.target,
        scoring=scoring,
        cv=digits.cv,
        return_estimator=True,
    )
    (_, test), *_ = digits.cv.split()
    model = results["estimator"][0]
    X, y = digits.data[test], digits.target[test]
    assert results["test_noisy"][0] == _by_hand("accuracy", noise, model, X, y)
    assert results["test_noisy f1"][0] == _by_hand("f1_macro", noise, model, X, y)
    assert results["test_noisy"][0] < results["test_clean"][0] - 0.1


def test_pickles_and_reads(holdout):
    model, X, y = holdout
    scorer = noisy_scorer("accuracy", GaussianNoise(scale=0.5, random_state=0))
    copy = pickle.loads(pickle.dumps(scorer))
    assert copy(model, X, y) == scorer(model, X, y)
    assert repr(scorer) == (
        "noisy_scorer('accuracy', GaussianNoise(random_state=0, scale=0.5))"
    )
    # The noise as the scorer applies it: to all data.
    assert repr(noisy_scorer(None, MNISTCorruption("fog", random_state=0))) == (
        "noisy_scorer(None, MNISTCorruption(apply_to='both', corruption='fog', "
        "random_state=0))"
    )


# --------------------------------------------------------------------------
# Warnings about the pipeline's own noise


def _fitted_pipe(digits, noise):
    pipe = Pipeline([("noise", noise), ("clf", LogisticRegression(max_iter=1000))])
    return pipe.fit(digits.data[:300], digits.target[:300])


@pytest.mark.parametrize("apply_to", ["both", "test"])
def test_warns_on_a_pipeline_step_that_noises_the_scored_data(digits, apply_to):
    pipe = _fitted_pipe(digits, GaussianNoise(0.5, apply_to=apply_to))
    scorer = noisy_scorer("accuracy", GaussianNoise(scale=0.5, random_state=1))
    with pytest.warns(UserWarning, match=f"step 'noise'.*apply_to='{apply_to}'"):
        scorer(pipe, digits.data[300:], digits.target[300:])


def test_warns_on_a_training_noise_seeded_as_the_scorer(digits):
    pipe = _fitted_pipe(digits, GaussianNoise(0.5, apply_to="train", random_state=1))
    scorer = noisy_scorer("accuracy", GaussianNoise(scale=0.5, random_state=1))
    with pytest.warns(UserWarning, match="same random_state"):
        scorer(pipe, digits.data[300:], digits.target[300:])


@pytest.mark.parametrize(
    "noise",
    [
        GaussianNoise(0.5, apply_to="train", random_state=0),
        GaussianNoise(0.0, random_state=1),  # adds no noise
    ],
    ids=["train-only", "identity"],
)
def test_no_warning_on_a_pipeline_that_leaves_the_scored_data_alone(digits, noise):
    pipe = _fitted_pipe(digits, noise)
    scorer = noisy_scorer("accuracy", GaussianNoise(scale=0.5, random_state=1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scorer(pipe, digits.data[300:], digits.target[300:])


# --------------------------------------------------------------------------
# Bad arguments


@pytest.mark.parametrize(
    "noise, match",
    [
        (0.5, "'noise' parameter of noisy_scorer must be an object implementing"),
        (LogisticRegression(), "'noise' parameter of noisy_scorer"),
        (GaussianNoise, "'noise' parameter of noisy_scorer.*got <class"),
        (FunctionTransformer(), "'noise' parameter.*'apply_to'.*FunctionTransformer"),
    ],
    ids=["number", "classifier", "class", "no-apply_to"],
)
def test_bad_noise_is_a_type_error_naming_it(noise, match):
    with pytest.raises(TypeError, match=match):
        noisy_scorer("accuracy", noise)


def test_bad_noise_parameter_fails_at_once():
    with pytest.raises(ValueError, match="'scale' parameter of GaussianNoise"):
        noisy_scorer("accuracy", GaussianNoise(scale=-1.0))


@pytest.mark.parametrize(
    "scoring, match",
    [
        ("acuracy", "'scoring' parameter of noisy_scorer.*Got 'acuracy'"),
        (["accuracy"], r"'scoring' parameter of noisy_scorer.*Got \['accuracy'\]"),
        (accuracy_score, "make_scorer"),
    ],
    ids=["unknown-name", "list", "metric"],
)
def test_bad_scoring_is_named(scoring, match):
    with pytest.raises(ValueError, match=match):
        noisy_scorer(scoring, GaussianNoise(scale=0.5))
