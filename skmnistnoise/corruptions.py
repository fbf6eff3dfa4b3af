"""MNIST-C's fifteen corruptions (Mu and Gilmer, 2019) as a seeded transformer.

:class:`MNISTCorruption` applies one of the corruptions of MNIST-C, the
corrupted-MNIST benchmark, to 28 x 28 digits with pixels in [0, 1]: the
constants and the order of operations of MNIST-C's published code, rewritten
to work on a whole batch at once (numpy, scipy and scikit-image; no
ImageMagick, no OpenCV). Like the noise transformers it draws its random
parameters afresh for every image and every call, reproducibly from
``random_state``, and by default corrupts only data other than the training
data (``apply_to="test"``, MNIST-C's protocol: a clean model under test-time
corruption).

The per-corruption functions, with each one's constants and its known
differences from MNIST-C, are documented in the user guide (Corruptions) and
in their docstrings.
"""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils import check_array, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ._checks import check_X_shape
from ._corruptions import CORRUPTION_FUNCTIONS, RANDOM, SCALABLE, SEVERITY_BOUNDS
from ._noise import _fingerprint
from ._optional import PandasOutputMixin

__all__ = ["CORRUPTIONS", "MNISTCorruption"]

#: MNIST-C's fifteen corruptions, in the order of its paper and code.
CORRUPTIONS = tuple(CORRUPTION_FUNCTIONS)

# Rows per independently seeded block: part of the definition of the draws
# (changing it changes them), as for the noise transformers.
_BLOCK_ROWS = 256
_SIDE = 28
_IMAGE_SHAPES = ((_SIDE * _SIDE,), (_SIDE, _SIDE), (_SIDE, _SIDE, 1))


class MNISTCorruption(
    PandasOutputMixin, OneToOneFeatureMixin, TransformerMixin, BaseEstimator
):
    """Corrupt MNIST digits with one of MNIST-C's fifteen corruptions.

    Each image is corrupted as MNIST-C's ``corruptions.py`` does it at the
    severity its functions default to (MNIST-C's setting), with its random
    parameters (noise, angle, direction, line position) drawn afresh for
    every image and every call. Four corruptions draw nothing and are
    deterministic: ``scale``, ``brightness``, ``stripe`` and ``canny_edges``.

    ========================= =================================================
    corruption                what it does (``severity=None``)
    ========================= =================================================
    ``shot_noise``            ``Poisson(3 x) / 3``
    ``impulse_noise``         17 % of the pixels set to 0 or 1
    ``glass_blur``            vertical blur (sigma 0.7), local pixel shuffle,
                              blur again
    ``motion_blur``           ImageMagick's motion blur, radius 10, sigma 3,
                              angle uniform in (-45, 45) degrees
    ``shear``                 shear by 0.4 (scikit-image's 2019 angle), either
                              way
    ``scale``                 shrink to 70 % about the centre
    ``rotate``                rotate by 0.4 rad (23 degrees), either way
    ``brightness``            ``x + 0.5``
    ``translate``             shift by 3 pixels along each axis, either way
    ``stripe``                invert the 7 leftmost and 7 rightmost columns
    ``fog``                   a plasma fractal of strength 3 added, contrast
                              squeezed
    ``spatter``               grey blots where a smoothed noise field is high
    ``dotted_line``           a dotted line across, random end rows
    ``zigzag``                a zigzag line across, random position and tilt
    ``canny_edges``           the digit's Canny edges
    ========================= =================================================

    Every result is clipped to [0, 1].

    Parameters
    ----------
    corruption : str, default="shot_noise"
        One of :data:`CORRUPTIONS`.
    severity : float or None, default=None
        None is MNIST-C's own setting. A positive number multiplies the
        corruption's magnitude, so 1.0 is MNIST-C's setting too:

        * ``shot_noise``: the noise's variance (3 / severity photons);
        * ``impulse_noise``: the amount, 0.17 severity, at most 1;
        * ``motion_blur``: the radius and sigma, 10 and 3 times severity;
        * ``shear``: the angle, 0.4 severity, below pi / 2;
        * ``scale``: the shrinkage, to 1 - 0.3 severity of the size, above 0;
        * ``rotate``: the angle, 0.4 severity radians;
        * ``brightness``: the shift, 0.5 severity;
        * ``translate``: the shift, 3 severity pixels;
        * ``fog``: the strength, 3 severity.

        ``glass_blur``, ``stripe``, ``spatter``, ``dotted_line``, ``zigzag``
        and ``canny_edges`` have no such magnitude and take only None.
    random_state : int, RandomState instance or None, default=None
        Seeds the sequence of draws. An int gives bit-identical results on
        every run; None gives fresh corruptions every run.
    apply_to : {"test", "train", "both"}, default="test"
        Which data are corrupted. ``"test"``: only data other than the
        training data, MNIST-C's protocol (``fit_transform`` returns the
        training data unchanged). ``"train"``: only the training data
        (corruption as augmentation). ``"both"``: all data.

    Attributes
    ----------
    n_features_in_ : int
        Number of pixels per image seen during :term:`fit`: 784.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`, when X has string column
        names.

    See Also
    --------
    ShotNoise : Shot noise of any photon count.
    ImpulseNoise : Salt-and-pepper noise of any amount.
    GaussianNoise : Additive and multiplicative Gaussian noise.

    Notes
    -----
    X holds 28 x 28 digits with pixels in [0, 1]: of shape
    ``(n_samples, 784)``, ``(n_samples, 28, 28)`` or
    ``(n_samples, 28, 28, 1)``. The result has the shape of X and its dtype
    (float32 stays float32; other inputs become float64). Other shapes,
    values outside [0, 1], NaN and infinite values are refused, never
    clipped.

    The images are processed in blocks of 256, each seeded by
    ``random_state``, the call and its position, so an image's corruption
    never depends on the rest of the batch beyond its block.
    ``transform`` on the very data seen in ``fit`` returns what
    ``fit_transform`` returned.

    Examples
    --------
    >>> import numpy as np
    >>> from skmnistnoise.corruptions import MNISTCorruption
    >>> X = np.zeros((2, 28, 28), dtype=np.float32)
    >>> X[:, 8:20, 12:16] = 1.0  # a "1"
    >>> step = MNISTCorruption("stripe").fit(X[:1])
    >>> Xc = step.transform(X)
    >>> Xc.shape, Xc.dtype
    ((2, 28, 28), dtype('float32'))
    >>> float(Xc[0, 0, 0]), float(Xc[0, 0, 14])  # the stripes are inverted
    (1.0, 0.0)
    >>> noisy = MNISTCorruption("shot_noise", random_state=0).fit(X[:1])
    >>> Xn = noisy.transform(X)
    >>> bool(np.array_equal(Xn[0], Xn[1]))  # every image has its own draw
    False
    """

    _parameter_constraints: dict = {
        "corruption": [StrOptions(set(CORRUPTIONS))],
        "severity": [Interval(Real, 0, np.inf, closed="neither"), None],
        "random_state": ["random_state"],
        "apply_to": [StrOptions({"both", "train", "test"})],
    }

    def __init__(
        self,
        corruption="shot_noise",
        *,
        severity=None,
        random_state=None,
        apply_to="test",
    ):
        self.corruption = corruption
        self.severity = severity
        self.random_state = random_state
        self.apply_to = apply_to

    # -- fitting ---------------------------------------------------------
    def fit(self, X, y=None):
        """Validate the parameters and X; remember the training data.

        Parameters
        ----------
        X : array-like of shape (n_samples, 784), (n_samples, 28, 28) or \
(n_samples, 28, 28, 1)
            Training digits, pixels in [0, 1].
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
        """Fit, then return the training data, corrupted unless ``apply_to="test"``.

        Parameters
        ----------
        X : array-like of shape (n_samples, 784), (n_samples, 28, 28) or \
(n_samples, 28, 28, 1)
            Training digits, pixels in [0, 1].
        y : None
            Ignored.

        Returns
        -------
        X_corrupted : ndarray of the shape of X
            A new array, float32 for float32 X, float64 otherwise.
        """
        flat, shape = self._fit(X)
        return self._apply(flat, draw=0, active=self.apply_to != "test").reshape(shape)

    def transform(self, X):
        """Return X corrupted afresh (unless ``apply_to="train"``).

        Every call draws new random parameters, except on the data seen in
        ``fit``: there the fit's draw is returned again (clean if
        ``apply_to="test"``), so that a score on the training data sees what
        the model was trained on.

        Parameters
        ----------
        X : array-like of shape (n_samples, 784), (n_samples, 28, 28) or \
(n_samples, 28, 28, 1)
            Digits to corrupt, pixels in [0, 1].

        Returns
        -------
        X_corrupted : ndarray of the shape of X
            A new array, float32 for float32 X, float64 otherwise; X itself
            is never modified.
        """
        check_is_fitted(self)
        flat, shape = self._validate_X(X, reset=False)
        if _fingerprint(flat) == self._fit_fingerprint:
            out = self._apply(flat, draw=0, active=self.apply_to != "test")
        else:
            self._n_draws += 1
            out = self._apply(flat, draw=self._n_draws, active=self.apply_to != "train")
        return out.reshape(shape)

    def _fit(self, X):
        self._validate_params()
        self._validate_severity()
        flat, shape = self._validate_X(X, reset=True)
        rng = check_random_state(self.random_state)
        # One integer seeds every draw: draw k, block b uses the stream
        # SeedSequence(entropy, spawn_key=(k, b)).
        if self.random_state is None:
            self._entropy = np.random.SeedSequence().entropy
        else:
            self._entropy = int(rng.randint(np.iinfo(np.int32).max))
        self._n_draws = 0
        self._fit_fingerprint = _fingerprint(flat)
        return flat, shape

    def _validate_severity(self):
        severity = self.severity
        if severity is None:
            return
        if self.corruption not in SCALABLE:
            scalable = ", ".join(c for c in CORRUPTIONS if c in SCALABLE)
            raise ValueError(
                f"The 'severity' parameter of MNISTCorruption must be None for "
                f"corruption={self.corruption!r}, which has no magnitude to "
                f"scale; got {severity!r}. A severity applies to {scalable}."
            )
        if self.corruption in SEVERITY_BOUNDS:
            within, bound = SEVERITY_BOUNDS[self.corruption]
            if not within(severity):
                raise ValueError(
                    f"The 'severity' parameter of MNISTCorruption is {severity!r} "
                    f"for corruption={self.corruption!r}: {bound}."
                )

    def _validate_X(self, X, reset):
        """Validated X as (n_samples, 784) float rows, and the shape to return.

        scikit-learn's checks come first (sparse, complex, NaN and infinite
        values, no features), then the range of the values, then the shape.
        """
        check_X_shape(X, "MNISTCorruption", allow_nd=True)
        dtype = [np.float64, np.float32]
        shape = None
        if np.ndim(X if hasattr(X, "ndim") else np.asarray(X)) > 2:
            X = check_array(X, allow_nd=True, dtype=dtype, order="C")
            shape = X.shape
            X = X.reshape(len(X), -1)
        if not reset:  # the shape, before scikit-learn's count of features
            self._check_shape(shape or tuple(np.shape(X)))
        flat = validate_data(self, X, reset=reset, dtype=dtype, order="C")
        shape = shape or flat.shape
        low, high = float(flat.min()), float(flat.max())
        if low < 0.0 or high > 1.0:
            negative = "Negative values in data: " if low < 0 else ""
            raise ValueError(
                f"{negative}MNISTCorruption takes pixels in [0, 1]; X holds values "
                f"in [{low:g}, {high:g}]. Divide 8-bit images by 255 (X / 255); "
                "values outside [0, 1] are refused, not clipped."
            )
        self._check_shape(shape)
        return flat, shape

    @staticmethod
    def _check_shape(shape):
        if shape[1:] not in _IMAGE_SHAPES:
            raise ValueError(
                "MNISTCorruption takes 28 x 28 digits: X of shape (n_samples, "
                "784), (n_samples, 28, 28) or (n_samples, 28, 28, 1); got X of "
                f"shape {shape}."
            )

    # -- drawing ---------------------------------------------------------
    def _apply(self, X, *, draw, active):
        """Draw ``draw`` of the corrupted X (or a copy of X if not ``active``)."""
        out = np.empty_like(X, order="C")
        if not active:
            np.copyto(out, X)
            return out
        corrupt = CORRUPTION_FUNCTIONS[self.corruption]
        severity = 1.0 if self.severity is None else float(self.severity)
        for start in range(0, len(X), _BLOCK_ROWS):
            block = slice(start, start + _BLOCK_ROWS)
            seed = np.random.SeedSequence(
                self._entropy, spawn_key=(draw, start // _BLOCK_ROWS)
            )
            images = X[block].reshape(-1, _SIDE, _SIDE).astype(np.float64)
            corrupted = corrupt(images, np.random.default_rng(seed), severity)
            out[block] = corrupted.reshape(len(images), -1)
        return out

    # -- tags --------------------------------------------------------------
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None and (
            not isinstance(self.corruption, str) or self.corruption in RANDOM
        )
        tags.input_tags.allow_nan = False
        tags.input_tags.positive_only = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
