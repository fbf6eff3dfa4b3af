"""Noise transformers: Gaussian (additive and multiplicative), impulse and shot noise.

All of them share one piece of machinery, :class:`_BaseNoise`:

* every sample gets its own noise, drawn afresh on every ``transform`` call;
* ``random_state`` seeds the whole sequence of draws: the same estimator with
  the same seed, fitted and used again, gives bit-identical arrays;
* ``transform`` on the very data seen in ``fit`` returns the noisy array that
  ``fit_transform`` returned, so a train score is computed on what the model
  was trained on;
* ``apply_to`` says whether the noise applies to the training data, the test
  data or both;
* the noise is written in place into one output array, in the dtype of X
  (float32 stays float32), in blocks of rows spread over the CPU's cores. The
  noise of a row depends only on the seed, the call and the row's block, never
  on the number of threads.
"""

import os
import warnings
import zlib
from concurrent.futures import ThreadPoolExecutor
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ._checks import check_X_shape
from ._optional import PandasOutputMixin

__all__ = ["GaussianNoise", "ImpulseNoise", "PixelUnitsWarning", "ShotNoise"]

# Rows per independently seeded block. Part of the definition of the noise:
# changing it changes every draw (and the keys of stored results).
_BLOCK_ROWS = 256
# Below this many elements the work stays on the calling thread.
_THREADED_MIN_SIZE = 1 << 20


# The largest mean NumPy's Poisson sampler takes (numpy/random/_common.pyx).
_POISSON_LAM_MAX = np.iinfo(np.int64).max - np.sqrt(np.iinfo(np.int64).max) * 10

# Caps the noise threads of a process, e.g. a Dask worker's (see LimitThreads).
ENV_NUM_THREADS = "SKMNISTNOISE_NUM_THREADS"


#: Beyond this absolute value X is taken for raw grey levels, not [0, 1] pixels
#: (standardised pixels stay well below it: MNIST's largest is about 2.8).
_PIXEL_LIMIT = 10.0


class PixelUnitsWarning(UserWarning):
    """X given to a noise transformer looks like raw grey levels (0-255, 0-16).

    The noise's scale is in the units of X; the study's scales assume pixels
    in [0, 1]. Divide X by its grey range first, or silence the warning if
    the units are deliberate.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from skmnistnoise import GaussianNoise, PixelUnitsWarning
    >>> X = np.array([[0, 128, 255]], dtype=np.uint8)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = GaussianNoise(scale=0.5, random_state=0).fit_transform(X)
    >>> [w.category.__name__ for w in caught]
    ['PixelUnitsWarning']
    >>> _ = GaussianNoise(scale=0.5, random_state=0).fit_transform(X / 255)  # quiet
    """


def _n_threads():
    """Number of cores this process may use: $SKMNISTNOISE_NUM_THREADS, else all."""
    text = os.environ.get(ENV_NUM_THREADS, "").strip()
    if text:
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value < 1:
            raise ValueError(
                f"The environment variable {ENV_NUM_THREADS} must be a positive "
                f"integer; got {text!r}."
            )
        return value
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _fingerprint(X):
    """Cheap content fingerprint of an array: shape, dtype and crc32 of the bytes."""
    if X.flags.c_contiguous:
        buf, order = X, "C"
    elif X.flags.f_contiguous:
        buf, order = X.T, "F"
    else:
        buf, order = np.ascontiguousarray(X), "C"
    return (X.shape, X.dtype.str, order, zlib.crc32(memoryview(buf).cast("B")))


class _BaseNoise(
    PandasOutputMixin, OneToOneFeatureMixin, TransformerMixin, BaseEstimator
):
    """Seeding, validation, replay of the fit draw and blocked generation.

    Subclasses define ``_noisy_block(out, X, rng)`` that writes the noisy
    version of ``X`` (a block of rows) into ``out`` and ``_is_identity()``.
    """

    _parameter_constraints: dict = {
        "clip": [tuple, list, None],
        "apply_to": [StrOptions({"both", "train", "test"})],
        "random_state": ["random_state"],
    }

    # -- fitting ---------------------------------------------------------
    def fit(self, X, y=None):
        """Validate the parameters and remember the training data's fingerprint.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        self._fit(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit, then return the training data with noise (unless ``apply_to="test"``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        X_noisy : ndarray of shape (n_samples, n_features)
            A new array in the dtype of X (float32 or float64).
        """
        X = self._fit(X)
        return self._apply(X, draw=0, active=self.apply_to != "test")

    def transform(self, X):
        """Return X with freshly drawn noise (unless ``apply_to="train"``).

        Every call draws new noise, except on the data seen in ``fit``: there
        the fit's draw is returned again, so that a score on the training data
        sees exactly what the model was trained on.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to corrupt.

        Returns
        -------
        X_noisy : ndarray of shape (n_samples, n_features)
            A new array in the dtype of X; X itself is never modified.
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        if _fingerprint(X) == self._fit_fingerprint:
            return self._apply(X, draw=0, active=self.apply_to != "test")
        self._n_draws += 1
        return self._apply(X, draw=self._n_draws, active=self.apply_to != "train")

    def _validate_X(self, X, reset):
        check_X_shape(X, type(self).__name__)
        return validate_data(
            self, X, reset=reset, dtype=[np.float64, np.float32], order="C"
        )

    def _fit(self, X):
        self._validate_params()
        self._validate_clip()
        self._validate_extra_params()
        dtype = getattr(X, "dtype", None)
        X = self._validate_X(X, reset=True)
        self._warn_on_units(X, dtype)
        rng = check_random_state(self.random_state)
        # One integer seeds every draw of this fit: draw k, block b uses the
        # stream SeedSequence(entropy, spawn_key=(k, b)).
        if self.random_state is None:
            self._entropy = np.random.SeedSequence().entropy
        else:
            self._entropy = int(rng.randint(np.iinfo(np.int32).max))
        self._n_draws = 0
        self._fit_fingerprint = _fingerprint(X)
        return X

    def _warn_on_units(self, X, dtype):
        """Warn where X looks like raw grey levels rather than pixels in [0, 1].

        The noise's scale is in the units of X: on uint8 images (0-255) or on
        scikit-learn's own ``load_digits`` (0-16), scale 0.5 is half a grey
        level, not half the grey range the study's scales mean.
        """
        if self._is_identity() or X.size == 0:
            return
        largest = float(np.max(np.abs(X)))
        integer = dtype is not None and np.dtype(dtype).kind in "iub"
        if not integer and largest <= _PIXEL_LIMIT:
            return
        what = f"integer X ({np.dtype(dtype)})" if integer else "X"
        warnings.warn(
            f"{type(self).__name__} got {what} with values up to {largest:g}: "
            "its noise is in the units of X, while the study's scales (and "
            "ImageNet-C's severities) assume pixels in [0, 1]; in these units a "
            "scale means something else (scale 0.5 is half a grey level). Divide "
            "X by its "
            "grey range first (X / 255 for 8-bit images, X / 16 for "
            "sklearn.datasets.load_digits), or ignore this warning if the units "
            "are deliberate.",
            PixelUnitsWarning,
            stacklevel=4,
        )

    def _validate_clip(self):
        clip = self.clip
        if clip is None:
            return
        ok = len(clip) == 2 and all(
            c is None or (isinstance(c, Real) and not np.isnan(c)) for c in clip
        )
        ok = ok and not (clip[0] is None and clip[1] is None)
        ok = ok and (None in clip or clip[0] <= clip[1])
        if not ok:
            raise ValueError(
                f"The 'clip' parameter of {type(self).__name__} must be None or a "
                f"(low, high) pair of numbers with low <= high. Got {clip!r} instead."
            )

    def _validate_extra_params(self):
        """Cross-parameter checks of a subclass."""

    # -- drawing ---------------------------------------------------------
    def _apply(self, X, *, draw, active, out=None):
        """Write draw ``draw`` of the noisy X into ``out`` (default: a new array)."""
        if out is None:
            out = np.empty_like(X, order="C")
        if not active or self._is_identity():
            np.copyto(out, X)
            if active:
                self._clip(out)
            return out
        self._check_range(X)
        starts = range(0, X.shape[0], _BLOCK_ROWS)

        def one_block(start):
            stop = start + _BLOCK_ROWS
            seed = np.random.SeedSequence(
                self._entropy, spawn_key=(draw, start // _BLOCK_ROWS)
            )
            block = out[start:stop]
            # Overflow is reported below, naming the parameters, not by NumPy.
            with np.errstate(over="ignore", invalid="ignore"):
                self._noisy_block(block, X[start:stop], np.random.default_rng(seed))
                self._clip(block)
            # min and max are NaN if any value is: two passes, no temporary.
            if not (np.isfinite(block.min()) and np.isfinite(block.max())):
                raise ValueError(self._overflow_message(X))

        n_threads = min(_n_threads(), len(starts))
        if n_threads > 1 and X.size >= _THREADED_MIN_SIZE:
            with ThreadPoolExecutor(n_threads) as pool:
                list(pool.map(one_block, starts))
        else:
            for start in starts:
                one_block(start)
        return out

    def _clip(self, out):
        if self.clip is not None:
            np.clip(out, self.clip[0], self.clip[1], out=out)

    # -- range of the dtype --------------------------------------------------
    def _check_range(self, X):
        """Refuse parameters that X's dtype cannot hold (subclasses)."""

    def _refuse_beyond_dtype(self, name, X):
        """A ValueError if parameter ``name`` is beyond the range of X's dtype."""
        value = getattr(self, name)
        largest = float(np.finfo(X.dtype).max)
        if value is not None and abs(value) > largest:
            raise ValueError(
                f"The {name!r} parameter of {type(self).__name__} is {value!r}, "
                f"beyond the range of {X.dtype} X (largest value {largest:.3g}): "
                f"the noisy values would be infinite.{self._wider_dtype_hint(X)}"
            )

    @staticmethod
    def _wider_dtype_hint(X):
        return " Give X as float64." if X.dtype == np.float32 else ""

    def _overflow_message(self, X):
        largest = float(np.finfo(X.dtype).max)
        return (
            f"{self!r} on {X.dtype} X (largest |X| {float(np.abs(X).max()):.3g}) "
            f"gives values beyond the range of {X.dtype} (largest {largest:.3g}): "
            "the result would hold infinities or NaN. Lower the noise's "
            f"parameters.{self._wider_dtype_hint(X)}"
        )

    # -- tags --------------------------------------------------------------
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        tags.input_tags.allow_nan = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class GaussianNoise(_BaseNoise):
    """Add Gaussian noise to every sample, drawn afresh for each sample and call.

    ``mode="additive"`` returns ``X + mean + scale * Z`` and
    ``mode="multiplicative"`` returns ``X * (mean + scale * Z)``, with ``Z``
    standard normal, one independent value per element. ``mean`` defaults to 0
    for additive and 1 for multiplicative noise, the usual speckle model
    ``x * N(1, s)``; ``mean=0`` with multiplicative noise reproduces the ConvNet
    notebook's ``x * N(0, s)``, which destroys the sign and mean of the image.
    ``scale=0`` means no noise: X comes back unchanged (clipped if ``clip`` is
    set), whatever the mean. That makes scale 0 the no-noise baseline of every
    sweep, as in the notebooks, rather than the blank image ``x * N(0, 0)``.

    The noise is in the units of X where the step sits: after a
    :class:`GlobalStandardScaler` a scale of 1 is one pixel standard deviation,
    on pixels in [0, 1] it is the whole grey range.

    Parameters
    ----------
    scale : float, default=0.1
        Standard deviation of the noise, >= 0 and finite.
    mode : {"additive", "multiplicative"}, default="additive"
        How the noise combines with X.
    mean : float or None, default=None
        Mean of the noise; None means 0 for additive and 1 for multiplicative.
    clip : (low, high) or None, default=None
        Clip the result to this range after the noise; either bound may be None.
        MNIST-C clips to (0, 1).
    apply_to : {"both", "train", "test"}, default="both"
        Which data gets the noise. ``"both"``: ``fit_transform`` (the training
        data) and ``transform`` (validation and test data), as in the notebooks.
        ``"train"``: only the training data, the test data passes through clean
        (noise as augmentation). ``"test"``: only data other than the training
        data (a clean model under corruption, the MNIST-C protocol).

        In a search (:class:`~sklearn.model_selection.GridSearchCV` over
        ``noise__scale``), ``"both"`` scores each candidate on validation data
        noised at the candidate's own scale, so the cleanest scale always
        wins: to ask which *training* noise is best against a given test
        noise, put two steps in the pipeline, ``GaussianNoise(apply_to=
        "train")`` searched over and ``GaussianNoise(scale=s,
        apply_to="test")`` fixed (the README's example, and the gallery's
        "Which training noise is best against test noise?"). To rank the
        training scales against several test noises in one search, keep the
        ``apply_to="train"`` step and give the search one
        :func:`~skmnistnoise.metrics.noisy_scorer` per test noise as
        ``scoring``.
    random_state : int, RandomState instance or None, default=None
        Seeds the sequence of draws. An int gives bit-identical results on every
        run; None gives fresh noise every run.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`, when X has string column names.

    See Also
    --------
    ImpulseNoise : Salt-and-pepper noise.
    ShotNoise : Poisson noise.
    GlobalStandardScaler : The MLP notebook's standardisation.

    Notes
    -----
    X must be 2-D, ``(n_samples, n_features)``; image stacks are refused with a
    message, flatten them first. NaN and infinite values are refused, and
    none is made: a ``scale`` or ``mean`` beyond the range of X's dtype, or
    noise that overflows it (``scale=1e38`` multiplying values of 1000 in
    float32), is a ``ValueError`` that names the parameters. Float32 input
    gives float32 output and no float64 temporaries; other inputs are
    converted to float64. The only array allocated is the output.

    Examples
    --------
    >>> import numpy as np
    >>> from skmnistnoise import GaussianNoise
    >>> X = np.zeros((3, 4), dtype=np.float32)
    >>> noise = GaussianNoise(scale=0.5, random_state=0)
    >>> Xn = noise.fit_transform(X)
    >>> Xn.shape, Xn.dtype
    ((3, 4), dtype('float32'))
    >>> bool(np.all(Xn[0] != Xn[1]))  # every sample has its own noise
    True
    >>> bool(np.array_equal(noise.transform(X), Xn))  # the training data's draw
    True
    """

    _parameter_constraints: dict = {
        **_BaseNoise._parameter_constraints,
        "scale": [Interval(Real, 0, np.inf, closed="left")],
        "mode": [StrOptions({"additive", "multiplicative"})],
        "mean": [Interval(Real, None, None, closed="neither"), None],
    }

    def __init__(
        self,
        scale=0.1,
        *,
        mode="additive",
        mean=None,
        clip=None,
        apply_to="both",
        random_state=None,
    ):
        self.scale = scale
        self.mode = mode
        self.mean = mean
        self.clip = clip
        self.apply_to = apply_to
        self.random_state = random_state

    @property
    def _mean(self):
        if self.mean is not None:
            return self.mean
        return 0.0 if self.mode == "additive" else 1.0

    def _is_identity(self):
        return self.scale == 0

    def _check_range(self, X):
        self._refuse_beyond_dtype("scale", X)
        self._refuse_beyond_dtype("mean", X)

    def _noisy_block(self, out, X, rng):
        rng.standard_normal(out=out, dtype=out.dtype)
        out *= self.scale
        if self._mean:
            out += self._mean
        if self.mode == "additive":
            out += X
        else:
            out *= X


class ImpulseNoise(_BaseNoise):
    """Salt-and-pepper (impulse) noise: a fraction of the values set to low or high.

    Each value is replaced independently with probability ``amount``, by
    ``high`` or ``low`` with equal odds, as ``skimage.util.random_noise(mode="s&p")``
    which ImageNet-C uses. ImageNet-C's severities are amounts
    .03 .06 .09 .17 .27 on pixels in [0, 1], clipped to [0, 1].

    Parameters
    ----------
    amount : float, default=0.05
        Probability that a value is replaced, in [0, 1].
    low : float, default=0.0
        The "pepper" value.
    high : float, default=1.0
        The "salt" value.
    clip : (low, high) or None, default=None
        Clip the result to this range.
    apply_to : {"both", "train", "test"}, default="both"
        Which data gets the noise; see :class:`GaussianNoise`.
    random_state : int, RandomState instance or None, default=None
        Seeds the sequence of draws.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`, when X has string column names.

    See Also
    --------
    GaussianNoise : Additive and multiplicative Gaussian noise.
    ShotNoise : Poisson noise.

    Examples
    --------
    >>> import numpy as np
    >>> from skmnistnoise import ImpulseNoise
    >>> X = np.full((2, 1000), 0.5, dtype=np.float32)
    >>> Xn = ImpulseNoise(amount=0.1, random_state=0).fit_transform(X)
    >>> sorted(np.unique(Xn).tolist())
    [0.0, 0.5, 1.0]
    """

    _parameter_constraints: dict = {
        **_BaseNoise._parameter_constraints,
        "amount": [Interval(Real, 0, 1, closed="both")],
        "low": [Interval(Real, None, None, closed="neither")],
        "high": [Interval(Real, None, None, closed="neither")],
    }

    def __init__(
        self,
        amount=0.05,
        *,
        low=0.0,
        high=1.0,
        clip=None,
        apply_to="both",
        random_state=None,
    ):
        self.amount = amount
        self.low = low
        self.high = high
        self.clip = clip
        self.apply_to = apply_to
        self.random_state = random_state

    def _validate_extra_params(self):
        if self.low > self.high:
            raise ValueError(
                f"The 'low' parameter of ImpulseNoise must be <= 'high'; got "
                f"low={self.low!r} and high={self.high!r}."
            )

    def _is_identity(self):
        return self.amount == 0

    def _check_range(self, X):
        self._refuse_beyond_dtype("low", X)
        self._refuse_beyond_dtype("high", X)

    def _noisy_block(self, out, X, rng):
        # One uniform per value: u < amount/2 -> low, u > 1 - amount/2 -> high.
        rng.random(out=out, dtype=out.dtype)
        pepper = out < self.amount / 2
        salt = out >= 1 - self.amount / 2
        np.copyto(out, X)
        out[pepper] = self.low
        out[salt] = self.high


class ShotNoise(_BaseNoise):
    """Shot (Poisson) noise: ``Poisson(x * photons) / photons``.

    Each value is replaced by a Poisson count of mean ``x * photons``, divided
    by ``photons``, the ImageNet-C and MNIST-C definition: fewer photons, more
    noise. ImageNet-C's severities are photons 60 25 12 5 3 on pixels in [0, 1],
    clipped to [0, 1].
    X must be non-negative.

    Parameters
    ----------
    photons : float, default=60.0
        Expected photon count of a value of 1, > 0.
    clip : (low, high) or None, default=None
        Clip the result to this range.
    apply_to : {"both", "train", "test"}, default="both"
        Which data gets the noise; see :class:`GaussianNoise`.
    random_state : int, RandomState instance or None, default=None
        Seeds the sequence of draws.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`, when X has string column names.

    See Also
    --------
    GaussianNoise : Additive and multiplicative Gaussian noise.
    ImpulseNoise : Salt-and-pepper noise.

    Examples
    --------
    >>> import numpy as np
    >>> from skmnistnoise import ShotNoise
    >>> X = np.full((1, 10000), 0.5)
    >>> Xn = ShotNoise(photons=20, random_state=0).fit_transform(X)
    >>> round(float(Xn.mean()), 1), bool(np.allclose(Xn * 20, np.round(Xn * 20)))
    (0.5, True)
    """

    _parameter_constraints: dict = {
        **_BaseNoise._parameter_constraints,
        "photons": [Interval(Real, 0, np.inf, closed="neither")],
    }

    def __init__(self, photons=60.0, *, clip=None, apply_to="both", random_state=None):
        self.photons = photons
        self.clip = clip
        self.apply_to = apply_to
        self.random_state = random_state

    def _validate_X(self, X, reset):
        X = super()._validate_X(X, reset)
        if X.size and X.min() < 0:
            raise ValueError(
                "Negative values in data passed to ShotNoise: it needs non-negative "
                f"X (intensities); the smallest value is {float(X.min())!r}."
            )
        return X

    def _is_identity(self):
        return False

    def _check_range(self, X):
        # NumPy draws Poisson counts of mean up to about 9.2e18 (int64), else
        # fails with a bare "lam value too large".
        largest = float(X.max()) * self.photons
        if largest > _POISSON_LAM_MAX:
            raise ValueError(
                f"ShotNoise draws Poisson counts of mean X * photons, at most "
                f"{_POISSON_LAM_MAX:.3g}: the largest value of X, "
                f"{float(X.max()):.3g}, with photons={self.photons!r} gives "
                f"{largest:.3g}. Give X as intensities (e.g. pixels in [0, 1]) or "
                "lower 'photons'."
            )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        return tags

    def _noisy_block(self, out, X, rng):
        np.multiply(X, self.photons, out=out)
        # Poisson counts come back as int64; one block at a time keeps the
        # temporary small.
        out[...] = rng.poisson(out)
        out /= self.photons


def _check_noise_estimator(noise, name):
    """Validate a parameter that must be a noise transformer (or None)."""
    if noise is not None and not isinstance(noise, _BaseNoise):
        raise ValueError(
            f"The '{name}' parameter must be a noise transformer such as "
            f"GaussianNoise(scale=1.0), or None; got {noise!r}."
        )
    return noise
