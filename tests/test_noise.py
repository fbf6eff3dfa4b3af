"""Noise transformers: the statistics, freshness and reproducibility users rely on."""

import hashlib
import pickle
import tracemalloc
import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

import skmnistnoise._noise as noise_module
from skmnistnoise import GaussianNoise, ImpulseNoise, ShotNoise

N_STAT = 200_000  # values behind every statistical check
SIGMAS = 5  # tolerance, in standard errors


def _assert_close(value, expected, standard_error, what):
    tolerance = SIGMAS * standard_error
    assert abs(value - expected) <= tolerance, (
        f"{what}: {value:.6g}, expected {expected:.6g} +/- {tolerance:.3g}"
    )


def _std_standard_error(sigma, n):
    """Standard error of the sample standard deviation of n normal values."""
    return sigma / np.sqrt(2 * (n - 1))


ALL_NOISES = [
    pytest.param(GaussianNoise(scale=0.3, random_state=0), id="gaussian"),
    pytest.param(
        GaussianNoise(scale=0.3, mode="multiplicative", random_state=0),
        id="speckle",
    ),
    pytest.param(ImpulseNoise(amount=0.3, random_state=0), id="impulse"),
    pytest.param(ShotNoise(photons=10, random_state=0), id="shot"),
]


@pytest.fixture
def X_stat():
    """200,000 float64 values in [1, 2): away from 0 for the ratio statistics."""
    return np.random.default_rng(1).uniform(1, 2, size=(2000, N_STAT // 2000))


# -- statistics of the noise ------------------------------------------------


@pytest.mark.parametrize("scale, mean", [(0.5, None), (2.0, None), (0.5, 0.3)])
def test_additive_noise_has_the_stated_mean_and_std(X_stat, scale, mean):
    out = GaussianNoise(scale=scale, mean=mean, random_state=0).fit_transform(X_stat)
    noise = out - X_stat
    expected_mean = 0.0 if mean is None else mean
    _assert_close(noise.mean(), expected_mean, scale / np.sqrt(N_STAT), "mean")
    _assert_close(noise.std(), scale, _std_standard_error(scale, N_STAT), "std")


def test_multiplicative_default_is_speckle_with_mean_one(X_stat):
    scale = 0.4
    out = GaussianNoise(scale=scale, mode="multiplicative", random_state=0)
    ratio = out.fit_transform(X_stat) / X_stat
    _assert_close(ratio.mean(), 1.0, scale / np.sqrt(N_STAT), "mean of out / X")
    _assert_close(ratio.std(), scale, _std_standard_error(scale, N_STAT), "std")


def test_multiplicative_mean_zero_reproduces_the_notebook_x_times_normal(X_stat):
    """``mean=0``: x * N(0, s), which destroys the sign and the mean of X."""
    scale = 2.0
    noisy = GaussianNoise(scale=scale, mode="multiplicative", mean=0, random_state=0)
    out = noisy.fit_transform(X_stat)
    ratio = out / X_stat
    _assert_close(ratio.mean(), 0.0, scale / np.sqrt(N_STAT), "mean of out / X")
    _assert_close(ratio.std(), scale, _std_standard_error(scale, N_STAT), "std")
    # X is positive everywhere; about half of the noisy values are negative.
    _assert_close((out < 0).mean(), 0.5, 0.5 / np.sqrt(N_STAT), "negative share")


def test_impulse_noise_replaces_the_stated_fraction_half_low_half_high():
    X = np.full((2000, N_STAT // 2000), 0.5)
    amount, low, high = 0.2, -1.0, 3.0
    out = ImpulseNoise(amount=amount, low=low, high=high, random_state=0)
    out = out.fit_transform(X)
    is_low, is_high = out == low, out == high
    assert np.all(is_low | is_high | (out == 0.5)), "values other than low, X, high"

    def se(p):
        return np.sqrt(p * (1 - p) / N_STAT)

    _assert_close((is_low | is_high).mean(), amount, se(amount), "replaced")
    _assert_close(is_low.mean(), amount / 2, se(amount / 2), "set to low")
    _assert_close(is_high.mean(), amount / 2, se(amount / 2), "set to high")


def test_shot_noise_keeps_the_mean_and_has_poisson_variance():
    x, photons = 0.3, 20.0
    X = np.full((2000, N_STAT // 2000), x)
    out = ShotNoise(photons=photons, random_state=0).fit_transform(X)
    # Values are photon counts divided by photons.
    counts = out * photons
    assert_array_equal(counts, np.round(counts))
    lam = x * photons  # Poisson mean of the counts
    _assert_close(out.mean(), x, np.sqrt(x / photons / N_STAT), "mean")
    # Var(Poisson(lam)/p) = x / p; the sample variance of Poisson counts has
    # variance (lam + 2 lam^2) / n.
    var_se = np.sqrt((lam + 2 * lam**2) / N_STAT) / photons**2
    _assert_close(out.var(), x / photons, var_se, "variance")


# -- fresh noise per sample and per call -------------------------------------


@pytest.mark.parametrize("noise", ALL_NOISES)
def test_every_sample_gets_its_own_noise(noise):
    X = np.full((600, 40), 0.5)  # identical rows, over three blocks of rows
    out = clone(noise).fit_transform(X)
    assert len(np.unique(out, axis=0)) == len(X)


def test_every_transform_call_draws_new_noise(random_X):
    noise = GaussianNoise(scale=0.5, random_state=0).fit(random_X)
    X_test = random_X + 1
    first, second = noise.transform(X_test), noise.transform(X_test)
    assert not np.any(first == second)


def test_training_and_test_draws_differ():
    X_train, X_test = np.zeros((50, 8)), np.ones((50, 8))
    noise = GaussianNoise(scale=0.5, random_state=0)
    train_noise = noise.fit_transform(X_train) - X_train
    test_noise = noise.transform(X_test) - X_test
    assert not np.any(np.isclose(train_noise, test_noise))


# -- the training data get their fit draw back --------------------------------


@pytest.mark.parametrize("noise", ALL_NOISES)
def test_transform_on_the_training_data_replays_the_fit_transform_draw(noise, random_X):
    noise = clone(noise)
    X_test = random_X[::-1].copy()
    out = noise.fit_transform(random_X)
    noise.transform(X_test)  # a draw in between does not matter
    assert_array_equal(noise.transform(random_X), out)
    assert_array_equal(noise.transform(random_X.copy()), out)  # same content


def test_transform_after_fit_alone_returns_the_fit_transform_draw(random_X):
    fitted = GaussianNoise(scale=0.5, random_state=3).fit(random_X)
    expected = GaussianNoise(scale=0.5, random_state=3).fit_transform(random_X)
    assert_array_equal(fitted.transform(random_X), expected)


def test_data_differing_from_the_training_data_gets_fresh_noise(random_X):
    noise = GaussianNoise(scale=0.5, random_state=0)
    out = noise.fit_transform(random_X)
    changed = random_X.copy()
    changed[0, 0] += 0.25
    assert not np.any(noise.transform(changed)[1:] == out[1:])


# -- reproducibility ---------------------------------------------------------


def _draw_sequence(noise, X_train, X_test, n_calls=3):
    return [noise.fit_transform(X_train)] + [
        noise.transform(X_test) for _ in range(n_calls)
    ]


@pytest.mark.parametrize("noise", ALL_NOISES)
def test_same_seed_gives_bit_identical_sequences(noise, random_X):
    X_test = random_X[:20] * 0.5
    first = _draw_sequence(clone(noise), random_X, X_test)
    second = _draw_sequence(clone(noise), random_X, X_test)
    for a, b in zip(first, second):
        assert_array_equal(a, b)


def test_clone_of_a_used_transformer_restarts_the_same_sequence(random_X):
    X_test = random_X[:20] * 0.5
    noise = GaussianNoise(scale=0.5, random_state=42)
    first = _draw_sequence(noise, random_X, X_test)
    for a, b in zip(first, _draw_sequence(clone(noise), random_X, X_test)):
        assert_array_equal(a, b)
    # Refitting the same object restarts the sequence too.
    for a, b in zip(first, _draw_sequence(noise, random_X, X_test)):
        assert_array_equal(a, b)


def test_different_seeds_give_different_noise(random_X):
    a = GaussianNoise(scale=0.5, random_state=0).fit_transform(random_X)
    b = GaussianNoise(scale=0.5, random_state=1).fit_transform(random_X)
    assert not np.any(a == b)


def test_no_seed_gives_fresh_noise_on_every_fit(random_X):
    noise = GaussianNoise(scale=0.5)
    first, second = noise.fit_transform(random_X), noise.fit_transform(random_X)
    assert not np.any(first == second)
    other = GaussianNoise(scale=0.5).fit_transform(random_X)
    assert not np.any(first == other)


@pytest.mark.parametrize("random_state", [0, None])
def test_the_global_numpy_random_state_is_left_alone(random_X, random_state):
    before = np.random.get_state()  # noqa: NPY002 (the legacy global state)
    noise = GaussianNoise(scale=0.5, random_state=random_state)
    noise.fit_transform(random_X)
    noise.transform(random_X + 1)
    after = np.random.get_state()  # noqa: NPY002
    assert_array_equal(after[1], before[1])
    assert after[2:] == before[2:]


# -- dtypes and copies --------------------------------------------------------


@pytest.mark.parametrize("noise", ALL_NOISES)
@pytest.mark.parametrize(
    "dtype, expected",
    [(np.float32, np.float32), (np.float64, np.float64), (np.int64, np.float64)],
)
def test_output_dtype(noise, dtype, expected):
    X = np.random.default_rng(0).integers(0, 3, size=(30, 5)).astype(dtype)
    noise = clone(noise)
    assert noise.fit_transform(X).dtype == expected
    assert noise.transform(X + 1).dtype == expected


@pytest.mark.parametrize("noise", ALL_NOISES)
def test_X_is_never_modified_in_place(noise, random_X):
    X = random_X.copy()
    X_test = random_X[:10].copy()
    noise = clone(noise)
    noise.fit_transform(X)
    noise.transform(X)
    noise.transform(X_test)
    assert_array_equal(X, random_X)
    assert_array_equal(X_test, random_X[:10])


@pytest.mark.parametrize(
    "mode, mean",
    [
        ("additive", None),
        ("multiplicative", None),
        # The no-noise baseline of a sweep, whatever the mean (not x * N(0, 0)).
        ("multiplicative", 0.0),
        ("additive", 0.5),
    ],
)
def test_scale_zero_is_exactly_the_identity_on_a_new_array(mode, mean, random_X):
    noise = GaussianNoise(scale=0.0, mode=mode, mean=mean, random_state=0)
    X_test = random_X + 1
    for X, out in [
        (random_X, noise.fit_transform(random_X)),
        (random_X, noise.transform(random_X)),
        (X_test, noise.transform(X_test)),
    ]:
        assert_array_equal(out, X)
        assert out is not X
        assert not np.shares_memory(out, X)


def test_amount_zero_impulse_noise_is_the_identity(random_X):
    assert_array_equal(ImpulseNoise(amount=0).fit_transform(random_X), random_X)


# -- clip ------------------------------------------------------------------


@pytest.mark.parametrize("noise", ALL_NOISES)
def test_clip_bounds_the_output(noise, random_X):
    noise = clone(noise).set_params(clip=(0.2, 0.8))
    for out in (noise.fit_transform(random_X), noise.transform(random_X * 0.9)):
        assert out.min() >= 0.2 and out.max() <= 0.8
    assert np.any(out == 0.2) and np.any(out == 0.8)


def test_one_sided_clip_bounds_only_one_side(random_X):
    out = GaussianNoise(scale=2.0, clip=(0, None), random_state=0)
    out = out.fit_transform(random_X)
    assert out.min() == 0
    assert out.max() > 2  # not clipped above


def test_clip_applies_to_zero_noise_but_not_to_data_passed_through(random_X):
    X_test = random_X * 2
    noise = GaussianNoise(scale=0.0, clip=(0.2, 0.8), apply_to="train")
    assert_array_equal(noise.fit_transform(random_X), np.clip(random_X, 0.2, 0.8))
    assert_array_equal(noise.transform(X_test), X_test)  # clean test data


# -- apply_to ------------------------------------------------------------------


def test_apply_to_train_corrupts_only_the_training_data(random_X):
    noise = GaussianNoise(scale=0.5, apply_to="train", random_state=0)
    X_test = random_X[:20] + 1
    assert not np.any(noise.fit_transform(random_X) == random_X)
    assert_array_equal(noise.transform(X_test), X_test)


def test_apply_to_test_corrupts_only_data_other_than_the_training_data(random_X):
    noise = GaussianNoise(scale=0.5, apply_to="test", random_state=0)
    X_test = random_X[:20] + 1
    assert_array_equal(noise.fit_transform(random_X), random_X)
    assert not np.any(noise.transform(X_test) == X_test)
    assert_array_equal(noise.transform(random_X), random_X)


def test_apply_to_both_corrupts_training_and_test_data(random_X):
    noise = GaussianNoise(scale=0.5, apply_to="both", random_state=0)
    X_test = random_X[:20] + 1
    assert not np.any(noise.fit_transform(random_X) == random_X)
    assert not np.any(noise.transform(X_test) == X_test)


# -- parameter validation ---------------------------------------------------


@pytest.mark.parametrize(
    "noise, parameter",
    [
        (GaussianNoise(scale=-0.1), "scale"),
        (GaussianNoise(scale=np.nan), "scale"),
        (GaussianNoise(scale=np.inf), "scale"),
        (GaussianNoise(scale="0.5"), "scale"),
        (GaussianNoise(mode="speckle"), "mode"),
        (GaussianNoise(clip=(1, 0)), "clip"),
        (GaussianNoise(clip=(0, 0.5, 1)), "clip"),
        (GaussianNoise(clip=(np.nan, 1)), "clip"),
        (GaussianNoise(clip=(None, None)), "clip"),
        (GaussianNoise(clip="0,1"), "clip"),
        (GaussianNoise(mean=np.inf), "mean"),
        (GaussianNoise(apply_to="validation"), "apply_to"),
        (GaussianNoise(random_state="seed"), "random_state"),
        (ImpulseNoise(amount=1.5), "amount"),
        (ImpulseNoise(amount=-0.1), "amount"),
        (ImpulseNoise(low=1.0, high=0.0), "low"),
        (ShotNoise(photons=0), "photons"),
        (ShotNoise(photons=-5), "photons"),
    ],
)
def test_invalid_parameters_are_refused_at_fit_naming_the_parameter(
    noise, parameter, random_X
):
    with pytest.raises(ValueError, match=f"'{parameter}'"):
        noise.fit(random_X)


def test_shot_noise_refuses_negative_intensities(random_X):
    with pytest.raises(ValueError, match="[Nn]egative values.*ShotNoise"):
        ShotNoise().fit(random_X - 0.5)
    noise = ShotNoise().fit(random_X)
    with pytest.raises(ValueError, match="[Nn]egative values.*ShotNoise"):
        noise.transform(random_X - 0.5)


# -- input checks ----------------------------------------------------------------


@pytest.mark.parametrize("shape", [(5, 4, 4), (5, 4, 4, 1)])
def test_image_stacks_are_refused_with_a_reshape_hint(shape):
    images = np.zeros(shape)
    with pytest.raises(ValueError, match="reshape"):
        GaussianNoise().fit(images)
    noise = GaussianNoise().fit(images.reshape(len(images), -1))
    with pytest.raises(ValueError, match="reshape"):
        noise.transform(images)


def test_one_dimensional_input_is_refused():
    with pytest.raises(ValueError, match="Reshape your data"):
        GaussianNoise().fit(np.zeros(10))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_and_infinite_values_are_refused(random_X, bad):
    X = random_X.copy()
    X[3, 4] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        GaussianNoise().fit(X)
    noise = GaussianNoise().fit(random_X)
    with pytest.raises(ValueError, match="NaN|infinity"):
        noise.transform(X)


def test_transform_with_another_number_of_features_is_refused(random_X):
    noise = GaussianNoise().fit(random_X)
    with pytest.raises(ValueError, match="features"):
        noise.transform(random_X[:, :-1])


def test_transform_before_fit_is_refused(random_X):
    with pytest.raises(NotFittedError):
        GaussianNoise().transform(random_X)


# -- the seeded draws are pinned ------------------------------------------------------
# Stored results are keyed on the seeds: a seeded draw must stay bit-identical
# across releases and optimisations. These values were drawn before any tuning.


def test_seeded_gaussian_draws_keep_their_exact_values():
    X = np.linspace(0.1, 0.9, 600 * 4, dtype=np.float32).reshape(600, 4)
    noise = GaussianNoise(scale=0.5, random_state=0)
    train = noise.fit_transform(X)
    test = noise.transform(X + 1)
    rows = [1, 300, 599]
    assert train[rows, [0, 1, 2]].tolist() == [
        0.08926299959421158,
        0.3582890033721924,
        0.43153050541877747,
    ]
    assert test[rows, [3, 2, 1]].tolist() == [
        1.0145785808563232,
        1.6275107860565186,
        1.5669798851013184,
    ]


@pytest.mark.parametrize(
    "noise, digests",
    [
        (GaussianNoise(scale=0.5), ("1ad00130be23073f", "a019fbbbd4fdc772")),
        (
            GaussianNoise(scale=0.5, mode="multiplicative", mean=0.0, clip=(-1, 1)),
            ("7bde3aebb761c870", "b8d4ffedbdfa07f5"),
        ),
        (ImpulseNoise(amount=0.5), ("18da3a127a9d1871", "9037679951f6c8a5")),
        (ShotNoise(photons=20), ("d404a1e03ae6e8a2", "c553db512b88d806")),
    ],
    ids=["additive", "multiplicative-clipped", "impulse", "shot"],
)
@pytest.mark.parametrize("threaded", [False, True], ids=["1-thread", "threaded"])
def test_seeded_draws_are_bit_identical_to_the_pinned_ones(
    noise, digests, threaded, monkeypatch
):
    if threaded:
        monkeypatch.setattr(noise_module, "_n_threads", lambda: 2)
        monkeypatch.setattr(noise_module, "_THREADED_MIN_SIZE", 0)
    for dtype, digest in zip((np.float32, np.float64), digests):
        X = np.linspace(0.1, 0.9, 1100 * 16, dtype=dtype).reshape(1100, 16)
        fitted = clone(noise).set_params(random_state=0)
        train = fitted.fit_transform(X)
        test = fitted.transform(X + 1)
        both = hashlib.sha256(train.tobytes() + test.tobytes()).hexdigest()
        assert both[:16] == digest, np.dtype(dtype).name


# -- blocks, threads and memory ------------------------------------------------------


@pytest.mark.parametrize("noise", ALL_NOISES)
def test_noise_does_not_depend_on_the_number_of_threads(noise, monkeypatch):
    X = np.random.default_rng(0).random((1000, 16))  # four blocks of rows
    assert len(X) > 3 * noise_module._BLOCK_ROWS
    outputs = []
    for n_threads in (1, 2):
        monkeypatch.setattr(noise_module, "_n_threads", lambda n=n_threads: n)
        monkeypatch.setattr(noise_module, "_THREADED_MIN_SIZE", 0)
        fitted = clone(noise)
        outputs.append((fitted.fit_transform(X), fitted.transform(X + 1)))
    for single, threaded in zip(*outputs):
        assert_array_equal(single, threaded)


def _peak_memory_of_transform(noise, X):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        out = noise.transform(X)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return out, peak


@pytest.mark.parametrize(
    "noise",
    [
        GaussianNoise(scale=0.5, random_state=0),
        GaussianNoise(scale=0.5, mode="multiplicative", random_state=0),
        GaussianNoise(scale=0.5, clip=(0, 1), random_state=0),
    ],
    ids=["additive", "multiplicative", "clipped"],
)
def test_gaussian_noise_allocates_only_the_output(noise):
    X = np.random.default_rng(0).random((2000, 784), dtype=np.float32)
    noise.fit(X[:10])
    out, peak = _peak_memory_of_transform(noise, X)
    assert out.dtype == np.float32
    assert peak <= 1.1 * out.nbytes, f"peak {peak:,} bytes for {out.nbytes:,}"


@pytest.mark.parametrize(
    "noise, temp_bytes_per_value",
    [
        (ImpulseNoise(random_state=0), 2),  # two boolean masks
        (ShotNoise(random_state=0), 16),  # float64 rates and int64 counts
    ],
    ids=["impulse", "shot"],
)
def test_other_noises_allocate_the_output_and_per_block_temporaries(
    noise, temp_bytes_per_value
):
    X = np.random.default_rng(0).random((8000, 784), dtype=np.float32)
    noise.fit(X[:10])
    out, peak = _peak_memory_of_transform(noise, X)
    n_blocks = -(-len(X) // noise_module._BLOCK_ROWS)
    n_threads = min(noise_module._n_threads(), n_blocks)
    block_values = noise_module._BLOCK_ROWS * X.shape[1]
    temporaries = n_threads * block_values * temp_bytes_per_value
    # A whole float64 copy of X would be 2 * out.nbytes; blocks stay far below.
    assert peak <= out.nbytes + 1.25 * temporaries + 100_000, (
        f"peak {peak:,} bytes for an output of {out.nbytes:,}"
    )


# -- scikit-learn integration --------------------------------------------------------


@pytest.fixture(scope="module")
def small_digits(digits):
    return digits.data[::3], digits.target[::3]


def test_grid_search_over_the_noise_scale_of_a_pipeline(small_digits):
    X, y = small_digits
    pipe = Pipeline(
        [
            ("noise", GaussianNoise(random_state=0)),
            ("clf", LogisticRegression(max_iter=200)),
        ]
    )
    search = GridSearchCV(pipe, {"noise__scale": [0.0, 4.0]}, cv=3).fit(X, y)
    clean, noisy = search.cv_results_["mean_test_score"]
    # The parameter reaches the transformer: huge noise ruins the accuracy.
    assert clean > 0.85 and noisy < clean - 0.3
    assert search.best_params_ == {"noise__scale": 0.0}


def test_pipeline_clone_keeps_the_noise_parameters():
    pipe = Pipeline(
        [
            ("noise", GaussianNoise(scale=0.7, mode="multiplicative", random_state=5)),
            ("clf", LogisticRegression()),
        ]
    )
    cloned = clone(pipe)
    assert cloned.named_steps["noise"] is not pipe.named_steps["noise"]
    assert cloned.get_params()["noise__scale"] == 0.7
    assert cloned.get_params()["noise__mode"] == "multiplicative"
    assert cloned.get_params()["noise__random_state"] == 5


def test_pickled_transformer_replays_and_continues_the_same_sequence(random_X):
    noise = GaussianNoise(scale=0.5, random_state=0)
    X_test = random_X + 1
    train = noise.fit_transform(random_X)
    first_test = noise.transform(X_test)
    restored = pickle.loads(pickle.dumps(noise))
    assert_array_equal(restored.transform(random_X), train)
    next_test = restored.transform(X_test)
    assert_array_equal(next_test, noise.transform(X_test))
    assert not np.any(next_test == first_test)


def test_feature_names_pass_through():
    noise = GaussianNoise().fit(np.zeros((3, 2)))
    assert list(noise.get_feature_names_out(["a", "b"])) == ["a", "b"]


def test_set_output_pandas_gives_a_dataframe_with_the_feature_names(random_X):
    pd = pytest.importorskip("pandas")
    columns = [f"pixel{i}" for i in range(random_X.shape[1])]
    X = pd.DataFrame(random_X, columns=columns)
    noise = GaussianNoise(scale=0.5, random_state=0).set_output(transform="pandas")
    out = noise.fit_transform(X)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == columns
    assert not np.any(out.to_numpy() == random_X)


def test_noise_the_dtype_holds_is_computed_and_what_it_cannot_is_refused():
    X = np.random.default_rng(0).random((300, 8), dtype=np.float32)
    # Large but representable: finite, no RuntimeWarning, as before.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Xn = GaussianNoise(scale=1e37, random_state=0).fit_transform(X)
        assert np.isfinite(Xn).all() and 1e36 < float(np.abs(Xn).max()) < 1e39
        Xn = GaussianNoise(scale=1e39, random_state=0).fit_transform(X.astype(float))
        assert np.isfinite(Xn).all()
        # Clipped, an overflowing draw is still a finite, correct value.
        clipped = GaussianNoise(scale=3e38, clip=(0, 1), random_state=0)
        assert set(np.unique(clipped.fit_transform(X))) <= {0.0, 1.0}
        with pytest.raises(ValueError, match="beyond the range of float32"):
            GaussianNoise(scale=3e38, random_state=0).fit_transform(X)


def test_raw_grey_levels_are_warned_about_pixels_in_unit_range_are_not(digits):
    import warnings

    from sklearn.datasets import load_digits as sklearn_digits

    from skmnistnoise import PixelUnitsWarning

    uint8 = (digits.data[:20] * 255).astype(np.uint8)
    raw = sklearn_digits().data[:20]  # grey levels 0..16, float64
    cases = ((uint8, r"integer X \(uint8\) with values up to 255"), (raw, "up to 16"))
    for X, what in cases:
        with pytest.warns(PixelUnitsWarning, match=r"X / 255 for 8-bit images"):
            GaussianNoise(scale=0.5, random_state=0).fit(X)
        with pytest.warns(PixelUnitsWarning, match=what):
            ImpulseNoise(amount=0.1, random_state=0).fit_transform(X)
    standardised = (digits.data - digits.data.mean()) / digits.data.std()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        GaussianNoise(scale=0.5, random_state=0).fit_transform(digits.data)
        GaussianNoise(scale=0.5, random_state=0).fit_transform(standardised)
        GaussianNoise(scale=0.0).fit_transform(uint8)  # no noise: no units
