"""MNIST-C's corruptions: the transformer's contract and faithfulness to MNIST-C.

The contract: shapes, dtypes and the [0, 1] range kept; fresh draws per image
and per call, the same draws for the same seed; the deterministic corruptions
deterministic; bad input refused with messages that say what was found;
clone, pickle, Pipeline and GridSearchCV. Faithfulness: each vectorised
corruption against a plain per-image transcription of MNIST-C's steps fed the
same random draws, or against scikit-image's own functions where MNIST-C calls
them; and on real digits each changes the image by about what MNIST-C's code
does (benchmarks/mnistc_check.py measures MNIST-C itself).
"""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import ndimage as ndi
from sklearn.base import clone
from sklearn.linear_model import RidgeClassifier
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import (
    check_param_validation,
    parametrize_with_checks,
)

from skmnistnoise import _corruptions
from skmnistnoise.corruptions import CORRUPTIONS, MNISTCorruption
from skmnistnoise.datasets import fetch_mnist

DETERMINISTIC = {"scale", "brightness", "stripe", "canny_edges"}
RANDOM = [name for name in CORRUPTIONS if name not in DETERMINISTIC]
SCALABLE = [
    "shot_noise",
    "impulse_noise",
    "motion_blur",
    "shear",
    "scale",
    "rotate",
    "brightness",
    "translate",
    "fog",
]
#: Mean absolute change per image by MNIST-C's own code on the first 200
#: MNIST test digits (benchmarks/mnistc_check.py, docs: Corruptions).
MNISTC_MEAN_CHANGE = {
    "shot_noise": 0.042,
    "impulse_noise": 0.085,
    "glass_blur": 0.074,
    "motion_blur": 0.095,
    "shear": 0.108,
    "scale": 0.107,
    "rotate": 0.109,
    "brightness": 0.454,
    "translate": 0.178,
    "stripe": 0.495,
    "fog": 0.359,
    "spatter": 0.035,
    "dotted_line": 0.024,
    "zigzag": 0.047,
    "canny_edges": 0.158,
}


def _mnist_sized(data):
    """8 x 8 digits drawn as MNIST's: 20 x 20 in a 28 x 28 frame, float64."""
    small = data.reshape(-1, 8, 8).astype(np.float64)
    big = np.clip(ndi.zoom(small, (1, 2.5, 2.5), order=1), 0, 1)
    return np.pad(big, ((0, 0), (4, 4), (4, 4)))


@pytest.fixture(scope="module")
def images(digits):
    """12 digit-like 28 x 28 images in [0, 1] (no download needed)."""
    return _mnist_sized(digits.data[:12])


@pytest.fixture(scope="module")
def mnist_test(mnist_home):
    """The first 64 MNIST test digits, (64, 28, 28) float32 in [0, 1]."""
    data = fetch_mnist(data_home=mnist_home, subset="test").data[:64]
    return data.reshape(-1, 28, 28)


class Recorder:
    """A numpy Generator that remembers what it drew, in order."""

    def __init__(self, seed=0):
        self._rng = np.random.default_rng(seed)
        self.draws = []

    def __getattr__(self, name):
        method = getattr(self._rng, name)

        def draw(*args, **kwargs):
            value = method(*args, **kwargs)
            self.draws.append(np.copy(value))  # the caller may write into it
            return value

        return draw


def corrupt(name, X, **params):
    params.setdefault("random_state", 0)
    return MNISTCorruption(name, apply_to="both", **params).fit_transform(X)


# -- the contract ---------------------------------------------------------------


def test_the_fifteen_corruptions_in_mnistc_order():
    assert CORRUPTIONS == (
        "shot_noise",
        "impulse_noise",
        "glass_blur",
        "motion_blur",
        "shear",
        "scale",
        "rotate",
        "brightness",
        "translate",
        "stripe",
        "fog",
        "spatter",
        "dotted_line",
        "zigzag",
        "canny_edges",
    )


@pytest.mark.parametrize("name", CORRUPTIONS)
@pytest.mark.parametrize("shape", [(784,), (28, 28), (28, 28, 1)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_shape_dtype_and_range_are_kept(name, shape, dtype, images):
    X = images[:4].reshape(4, *shape).astype(dtype)
    Xc = corrupt(name, X)
    assert Xc.shape == X.shape and Xc.dtype == X.dtype
    assert Xc.min() >= 0 and Xc.max() <= 1


@pytest.mark.parametrize("name", CORRUPTIONS)
def test_the_same_seed_gives_the_same_arrays(name, images):
    def sequence(seed):
        step = MNISTCorruption(name, random_state=seed).fit(images[:2])
        return [step.transform(images), step.transform(images[::-1])]

    for first, again in zip(sequence(3), sequence(3), strict=True):
        assert_array_equal(first, again)


@pytest.mark.parametrize("name", RANDOM)
def test_random_corruptions_are_fresh_per_image_and_per_call(name, images):
    copies = np.repeat(images[:1], 32, axis=0)
    step = MNISTCorruption(name, random_state=0).fit(images[1:3])
    first, second = step.transform(copies), step.transform(copies)
    # 32 copies of one digit: not all corrupted alike, and not as last call.
    assert len(np.unique(first.reshape(32, -1), axis=0)) > 1
    assert not np.array_equal(first, second)
    assert MNISTCorruption(name).__sklearn_tags__().non_deterministic


@pytest.mark.parametrize("name", sorted(DETERMINISTIC))
def test_deterministic_corruptions_ignore_the_seed_and_the_call(name, images):
    step = MNISTCorruption(name).fit(images[:2])
    first = step.transform(images)
    assert_array_equal(first, step.transform(images))
    assert_array_equal(first, corrupt(name, images, random_state=7))
    assert_array_equal(first[3], corrupt(name, images[3:4], random_state=None)[0])
    assert not MNISTCorruption(name).__sklearn_tags__().non_deterministic


def test_different_seeds_give_different_corruptions(images):
    assert not np.array_equal(
        corrupt("fog", images, random_state=0), corrupt("fog", images, random_state=1)
    )


@pytest.mark.parametrize("name", CORRUPTIONS)
def test_each_corruption_changes_a_digit_by_about_what_mnistc_does(name, mnist_test):
    X = mnist_test.astype(np.float64)
    change = np.abs(corrupt(name, X) - X).mean(axis=(1, 2))
    assert (change > 0).mean() > 0.9, "most digits change"
    assert change.mean() == pytest.approx(MNISTC_MEAN_CHANGE[name], rel=0.2)


@pytest.mark.parametrize("name", SCALABLE)
def test_severity_scales_the_magnitude_and_one_is_mnistc(name, images):
    mnistc = corrupt(name, images)
    assert_array_equal(corrupt(name, images, severity=1.0), mnistc)
    low, high = (
        np.abs(corrupt(name, images, severity=s) - images).mean() for s in (0.5, 2)
    )
    assert low < np.abs(mnistc - images).mean() < high


def test_brightness_severity_is_the_shift_over_half():
    X = np.full((1, 784), 0.2)
    assert_allclose(corrupt("brightness", X, severity=0.5), 0.45)


def test_X_is_never_modified(images):
    X = images.astype(np.float32)
    before = X.copy()
    for name in CORRUPTIONS:
        corrupt(name, X)
    assert_array_equal(X, before)


# -- apply_to -------------------------------------------------------------------


def test_apply_to_test_is_the_default_and_leaves_the_training_data_clean(images):
    step = MNISTCorruption("fog", random_state=0)
    assert step.apply_to == "test"
    assert_array_equal(step.fit_transform(images[:6]), images[:6])
    assert_array_equal(step.transform(images[:6]), images[:6])  # the fit data
    assert not np.array_equal(step.transform(images[6:]), images[6:])


def test_apply_to_train_corrupts_the_training_data_only(images):
    step = MNISTCorruption("fog", random_state=0, apply_to="train")
    train = step.fit_transform(images[:6])
    assert not np.array_equal(train, images[:6])
    assert_array_equal(step.transform(images[:6]), train)  # the fit's draw
    assert_array_equal(step.transform(images[6:]), images[6:])


def test_apply_to_both_corrupts_everything(images):
    step = MNISTCorruption("fog", random_state=0, apply_to="both")
    train = step.fit_transform(images[:6])
    assert not np.array_equal(train, images[:6])
    assert not np.array_equal(step.transform(images[6:]), images[6:])


# -- bad input ------------------------------------------------------------------


def test_an_unknown_corruption_lists_the_fifteen(images):
    with pytest.raises(InvalidParameterError, match="'corruption' parameter") as err:
        MNISTCorruption("frost").fit(images)
    for name in CORRUPTIONS:
        assert name in str(err.value)


@pytest.mark.parametrize(
    "shape", [(3, 100), (3, 28, 27), (3, 14, 14), (3, 28, 28, 3), (3, 1, 28, 28)]
)
def test_images_that_are_not_28_by_28_are_refused_with_their_shape(shape):
    X = np.zeros(shape)
    with pytest.raises(ValueError, match=r"28 x 28 digits.*got X of shape") as err:
        MNISTCorruption().fit(X)
    assert str(shape) in str(err.value)


def test_transform_refuses_other_shapes_too(images):
    step = MNISTCorruption().fit(images)
    with pytest.raises(ValueError, match=r"shape \(2, 27, 28\)"):
        step.transform(np.zeros((2, 27, 28)))


@pytest.mark.parametrize(
    "low, high, found", [(-0.5, 1.0, "[-0.5, 1]"), (0.0, 255.0, "[0, 255]")]
)
def test_values_outside_the_unit_range_are_refused_with_the_range(
    low, high, found, images
):
    X = images.copy()
    X[0, 0, 0], X[0, 0, 1] = low, high
    with pytest.raises(ValueError, match="pixels in \\[0, 1\\]") as err:
        MNISTCorruption().fit(X)
    assert found in str(err.value) and "not clipped" in str(err.value)
    step = MNISTCorruption().fit(images)
    with pytest.raises(ValueError, match="pixels in \\[0, 1\\]"):
        step.transform(X)


def test_8_bit_images_are_refused_not_rescaled(images):
    X = np.round(images * 255).astype(np.uint8)
    with pytest.raises(ValueError, match=r"X / 255"):
        MNISTCorruption().fit(X)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_and_inf_pixels_are_refused(bad, images):
    X = images.copy()
    X[1, 5, 5] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        MNISTCorruption().fit(X)


@pytest.mark.parametrize("severity", [0, -1.0, np.nan, np.inf, "high"])
def test_bad_severities_are_refused_naming_the_parameter(severity, images):
    with pytest.raises(InvalidParameterError, match="'severity' parameter"):
        MNISTCorruption("fog", severity=severity).fit(images)


@pytest.mark.parametrize(
    "name", ["glass_blur", "stripe", "spatter", "dotted_line", "zigzag", "canny_edges"]
)
def test_corruptions_without_magnitude_take_no_severity(name, images):
    with pytest.raises(ValueError, match="no magnitude to scale") as err:
        MNISTCorruption(name, severity=1.0).fit(images)
    assert "shot_noise" in str(err.value)  # says which take one


@pytest.mark.parametrize(
    "name, severity, what",
    [
        ("impulse_noise", 6.0, "at most 1"),
        ("shear", 4.0, "pi / 2"),
        ("scale", 10 / 3, "above 0"),
    ],
)
def test_severities_beyond_a_bound_are_refused(name, severity, what, images):
    with pytest.raises(ValueError, match="'severity' parameter") as err:
        MNISTCorruption(name, severity=severity).fit(images)
    assert what in str(err.value)


def test_transform_before_fit_is_refused(images):
    with pytest.raises(Exception, match="not fitted"):
        MNISTCorruption().transform(images)


# -- scikit-learn ---------------------------------------------------------------

_NOT_DIGITS = (
    "the check's X has 1 to 10 features, not 28 x 28 digits (784): "
    "MNISTCorruption refuses it with a ValueError naming its shape"
)
_NOT_PIXELS = (
    "the check's X holds values above 1: MNISTCorruption refuses values outside "
    "[0, 1] with a ValueError naming the range, it does not clip them"
)
_EXPECTED_FAILED_CHECKS = {
    **{
        name: _NOT_DIGITS
        for name in (
            "check_dict_unchanged",
            "check_dont_overwrite_parameters",
            "check_dtype_object",
            "check_estimators_dtypes",
            "check_estimators_fit_returns_self",
            "check_estimators_nan_inf",
            "check_estimators_overwrite_params",
            "check_f_contiguous_array_estimator",
            "check_fit2d_1feature",
            "check_fit2d_1sample",
            "check_fit2d_predict1d",
            "check_fit_check_is_fitted",
            "check_fit_idempotent",
            "check_fit_score_takes_y",
            "check_methods_sample_order_invariance",
            "check_methods_subset_invariance",
            "check_n_features_in",
            "check_n_features_in_after_fitting",
            "check_pipeline_consistency",
            "check_readonly_memmap_input",
            "check_transformer_general",
            "check_transformer_preserve_dtypes",
        )
    },
    "check_estimators_pickle": _NOT_PIXELS,
    "check_transformer_data_not_an_array": _NOT_PIXELS,
}


@parametrize_with_checks(
    [MNISTCorruption("shot_noise", random_state=0), MNISTCorruption("stripe")],
    expected_failed_checks=lambda estimator: _EXPECTED_FAILED_CHECKS,
)
def test_sklearn_compatible_estimator(estimator, check):
    # What the failing checks check is checked here on digits: fit returns
    # self, clone, pickle, dtypes, n_features_in_, not fitted, X unchanged.
    check(estimator)


def test_every_parameter_is_validated():
    check_param_validation("MNISTCorruption", MNISTCorruption())


def test_fit_returns_self_and_learns_the_number_of_pixels(images):
    step = MNISTCorruption("stripe")
    assert step.fit(images) is step
    assert step.n_features_in_ == 784
    assert len(step.get_feature_names_out()) == 784


def test_clone_keeps_the_parameters_and_restarts_the_sequence(images):
    step = MNISTCorruption("zigzag", random_state=0).fit(images[:2])
    first = step.transform(images)
    step.transform(images)
    twin = clone(step).fit(images[:2])
    assert twin.get_params() == step.get_params()
    assert_array_equal(twin.transform(images), first)


def test_pickled_transformer_replays_and_continues_the_sequence(images):
    step = MNISTCorruption("spatter", random_state=0, apply_to="both")
    train = step.fit_transform(images[:4])
    restored = pickle.loads(pickle.dumps(step))
    assert_array_equal(restored.transform(images[:4]), train)
    assert_array_equal(restored.transform(images), step.transform(images))


def test_grid_search_over_the_corruption_of_a_pipeline(digits):
    # MNIST-C's protocol: the classifier trains on clean digits (the default
    # apply_to="test"), each validation fold is corrupted.
    X, y = _mnist_sized(digits.data[:300]).reshape(300, -1), digits.target[:300]
    pipe = Pipeline(
        [("corrupt", MNISTCorruption(random_state=0)), ("clf", RidgeClassifier())]
    )
    names = ["scale", "stripe", "canny_edges"]
    grid = GridSearchCV(pipe, {"corrupt__corruption": names}, cv=3).fit(X, y)
    scores = grid.cv_results_["mean_test_score"]
    clean = cross_val_score(pipe.set_params(corrupt="passthrough"), X, y, cv=3)
    assert grid.best_params_["corrupt__corruption"] in names
    assert len(set(scores)) == 3
    assert max(scores) < clean.mean()


# -- faithful to MNIST-C ---------------------------------------------------------


def test_brightness_and_stripe_are_mnistc_formulas(images):
    assert_allclose(corrupt("brightness", images), np.clip(images + 0.5, 0, 1))
    stripes = images.copy()
    stripes[..., :7] = 1 - images[..., :7]
    stripes[..., 21:] = 1 - images[..., 21:]
    assert_array_equal(corrupt("stripe", images), stripes)


def _glass_blur_reference(image, swaps, dys, dxs):
    """MNIST-C's glass blur of one image, given its draws, pixel by pixel."""

    def blur(z):  # skimage's gaussian(z, 0.7, multichannel=True) on 2-D z
        return ndi.gaussian_filter(z, (0.7, 0), mode="nearest", truncate=4.0)

    x = np.floor(blur(image) * 255)
    for swap, dy, dx in zip(swaps, dys, dxs, strict=True):
        k = 0
        for h in range(27, 1, -1):
            for w in range(27, 1, -1):
                if swap[k]:
                    hp, wp = h + dy[k], w + dx[k]
                    x[h, w], x[hp, wp] = x[hp, wp], x[h, w]
                k += 1
    return np.clip(blur(x / 255), 0, 1)


def test_glass_blur_is_mnistc_given_the_same_draws(images):
    rng = Recorder()
    out = _corruptions.glass_blur(images[:3], rng)
    swaps = [d < 0.5 for d in rng.draws[0::3]]
    dys, dxs = rng.draws[1::3], rng.draws[2::3]
    for j in range(3):
        expected = _glass_blur_reference(
            images[j],
            [s[:, j] for s in swaps],
            [d[:, j] for d in dys],
            [d[:, j] for d in dxs],
        )
        assert_allclose(out[j], expected, atol=1e-12)


def _motion_blur_reference(image, angle):
    """ImageMagick's MotionBlurImage(10, 3, angle) of one image, as MNIST-C's."""
    t = np.arange(21)
    weights = np.exp(-(t**2) / 18.0)
    weights /= weights.sum()
    a = np.deg2rad(angle)
    out = np.zeros((28, 28))
    for y in range(28):
        for x in range(28):
            for k in range(21):
                dx = int(np.ceil(k * np.cos(a) - 0.5))
                dy = int(np.ceil(k * np.sin(a) - 0.5))
                out[y, x] += (
                    weights[k] * image[min(max(y + dy, 0), 27), min(max(x + dx, 0), 27)]
                )
    # 16-bit levels, rounded; then an 8-bit PNG, truncated.
    return np.floor(np.floor(out * 255 * 257 + 0.5) / 257) / 255


def test_motion_blur_is_imagemagicks_given_the_same_angle(images):
    rng = Recorder()
    out = _corruptions.motion_blur(images[:3], rng)
    (angles,) = rng.draws
    assert np.all(np.abs(angles) < 45)
    for j in range(3):
        assert_array_equal(out[j], _motion_blur_reference(images[j], angles[j]))


def _plasma_reference(noises, size, decay):
    """MNIST-C's plasma_fractal, given its uniform draws in [0, 1), as float64."""
    m = np.zeros((size, size))
    step, wibble = size, 100.0
    noises = iter(noises)

    def mean(total):
        return total / 4 + wibble**2 * (2 * next(noises).astype(float) - 1)

    while step >= 2:
        h = step // 2
        c = m[0::step, 0::step]
        total = c + np.roll(c, -1, axis=0)
        m[h::step, h::step] = mean(total + np.roll(total, -1, axis=1))
        d, c = m[h::step, h::step], m[0::step, 0::step]
        m[0::step, h::step] = mean(d + np.roll(d, 1, 0) + c + np.roll(c, -1, 1))
        m[h::step, 0::step] = mean(d + np.roll(d, 1, 1) + c + np.roll(c, -1, 0))
        step //= 2
        wibble /= decay
    m -= m.min()
    return m / m.max()


def test_plasma_fractal_is_mnistcs_given_the_same_draws():
    rng = Recorder()
    out = _corruptions._plasma_fractal(rng, 2, decay=1.4, size=64)
    for j in range(2):
        expected = _plasma_reference([u[j] for u in rng.draws], 64, 1.4)
        assert_allclose(out[j], expected[:28, :28], atol=1e-5)


def test_fog_is_mnistcs_formula_around_the_fractal(images):
    rng = Recorder()
    out = _corruptions.fog(images[:2], rng)
    # The fractal drawn again from the same seed, by the same function.
    plasma = _corruptions._plasma_fractal(np.random.default_rng(0), 2, decay=1.4)
    top = images[:2].max(axis=(1, 2))[:, None, None]
    expected = np.clip((images[:2] + 3 * plasma) * top / (top + 3), 0, 1)
    assert_allclose(out, expected, atol=1e-12)


def test_spatter_is_mnistc_given_the_same_noise(images):
    rng = Recorder()
    out = _corruptions.spatter(images[:3], rng)
    (liquid,) = rng.draws
    for j in range(3):
        layer = ndi.gaussian_filter(liquid[j], 1, mode="nearest", truncate=4.0)
        layer[layer < 0.65] = 0
        mask = (layer > 0.65).astype(np.float32)
        mask = ndi.gaussian_filter(mask, 1.5, mode="nearest", truncate=4.0)
        mask[mask < 0.8] = 0
        expected = np.clip(images[j] * (1 - mask) + 63 / 255 * mask, 0, 1)
        assert_allclose(out[j], expected, atol=1e-6)


def _line_reference(c0, r0, c1, r1):
    """MNIST-C's line_from_points, one line, for scalars."""
    if c1 == c0:
        return np.zeros((28, 28))
    cc, rr = np.meshgrid(np.arange(28.0), np.arange(28.0), sparse=True)
    dist = np.clip(
        np.abs(rr - ((r1 - r0) / (c1 - c0) * (cc - c0) + r0)), 0, 2.3 - 1e-10
    )
    line = np.clip(np.log(1 - dist / 2.3) + 1, 0, 1)
    line[:, : int(np.floor(c0))] = 0
    line[:, int(np.ceil(c1)) :] = 0
    return line


def test_dotted_line_is_mnistc_given_the_same_rows(images):
    rng = Recorder()
    out = _corruptions.dotted_line(images[:4], rng)
    (rows,) = rng.draws
    for j, (r0, r1) in enumerate(rows):
        line = _line_reference(0, r0, 27, r1)
        for start in range(0, 28, 4):  # MNIST-C's dots: columns 0-1 off, 2-3 on...
            line[:, start : start + 2] = 0
        assert_allclose(out[j], np.clip(images[j] + line, 0, 1), atol=1e-12)


def test_lines_keep_mnistcs_slicing_of_columns():
    # Columns before floor(c0) and from ceil(c1) on are dark, a negative
    # bound counting from the right as in MNIST-C's slices.
    for ends in [(3.5, 2, 20.2, 9), (-2.5, 5, 20, 5), (4, 1, -3, 30), (5, 5, 5, 9)]:
        assert_allclose(_corruptions._line(*ends), _line_reference(*ends), atol=1e-12)


def test_zigzag_is_drawn_between_columns_2_and_25(images):
    rng = Recorder()
    out = _corruptions.zigzag(np.zeros((16, 28, 28)), rng)
    lit = np.flatnonzero(out.max(axis=(0, 1)) > 0)
    assert lit.min() >= 1 and lit.max() <= 26 and len(lit) > 20


def _old_skimage_matrix(name, sign):
    """The inverse map MNIST-C builds, with scikit-image's shear of 2019."""
    c = 0.4 * sign
    if name == "shear":
        return np.array([[1, -np.sin(c)], [0, np.cos(c)]])
    if name == "rotate":
        return np.array([[np.cos(c), -np.sin(c)], [np.sin(c), np.cos(c)]])
    return np.eye(2) / 0.7


@pytest.mark.parametrize("name", ["shear", "rotate", "scale", "translate"])
def test_affine_corruptions_are_skimage_warps_as_mnistc_calls_them(name, images):
    transform = pytest.importorskip("skimage.transform")
    rng = Recorder()
    out = getattr(_corruptions, name)(images[:6], rng)
    for j in range(6):
        if name == "translate":
            matrix = np.eye(3)
            matrix[:2, 2] = [rng.draws[0][j] * 3, rng.draws[1][j] * 3]
        else:
            sign = rng.draws[0][j] if rng.draws else 1
            matrix = np.eye(3)
            matrix[:2, :2] = _old_skimage_matrix(name, sign)
            matrix[:2, 2] = 13.5 * (1 - matrix[:2, :2].sum(axis=1))
        affine = transform.AffineTransform(matrix=matrix)
        expected = transform.warp(images[j], inverse_map=affine)
        assert_allclose(out[j], np.clip(expected, 0, 1), atol=1e-12)


def test_glass_blur_blurs_along_rows_only_like_mnistcs_skimage_call(images):
    filters = pytest.importorskip("skimage.filters")
    blurred = filters.gaussian(images[0], sigma=0.7, channel_axis=-1)
    assert_allclose(_corruptions._gaussian(images[:1], 0.7, axes=(1,))[0], blurred)


def test_canny_edges_are_scikit_images(images):
    feature = pytest.importorskip("skimage.feature")
    textures = np.random.default_rng(0).random((4, 28, 28))
    X = np.concatenate([images, textures])
    expected = np.stack([feature.canny(x) for x in X]).astype(float)
    assert_array_equal(corrupt("canny_edges", X), expected)
