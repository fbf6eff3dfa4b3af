"""Certified robustness by randomized smoothing: CERTIFY, PREDICT and their curves.

Cohen, Rosenfeld and Kolter (2019), "Certified Adversarial Robustness via
Randomized Smoothing": the smoothed classifier ``g(x)`` returns the class the
base classifier ``f`` predicts most often on ``x + N(0, sigma^2 I)``. If that
class has probability at least ``p_A > 1/2``, no perturbation of L2 norm below
``sigma * Phi^-1(p_A)`` changes ``g(x)``. CERTIFY estimates ``p_A`` from below
by Monte Carlo, with a one-sided Clopper-Pearson bound at level ``alpha``;
PREDICT tests whether the top class beats the runner-up at level ``alpha``.
Both abstain when they cannot tell.

The methods are :meth:`NoiseAveragedClassifier.certify` and
:meth:`NoiseAveragedClassifier.predict_or_abstain`; this module holds their
machinery and the two summaries of a certificate,
:func:`certified_accuracy` and :func:`average_certified_radius`.

How the draws are made (what makes runs reproducible and resumable):

* the noise of an image depends only on the seed, on the image's values and
  on which draws they are (selection, estimation or prediction; chunk ``c`` of
  ``CHUNK_DRAWS`` draws), drawn from
  ``SeedSequence([seed, *blake2b(image)], spawn_key=(stage, c))``. It does not
  depend on the other rows of X, on their order, or on ``batch_size``, so
  certifying X in pieces (and resuming after a kill) gives the very arrays of
  one call on the whole of X;
* the noisy copies are written into one buffer of ``batch_size`` rows, in the
  dtype of X, and predicted a batch at a time: memory does not grow with
  ``n``. The classes predicted are counted; probabilities are not kept;
* the pieces of a batch (each from its own generator) are drawn by up to four
  threads side by side, which changes no value: drawing the noise costs about
  as much as the MLP's forward pass, and would otherwise use one core.
"""

import hashlib
from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np
from scipy import stats
from sklearn.pipeline import Pipeline
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import (
    Interval,
    validate_parameter_constraints,
    validate_params,
)
from sklearn.utils.validation import check_array, check_is_fitted

from ._checks import check_X_shape
from ._keras_runtime import RETRACING_FILTER, is_keras_estimator
from ._noise import GaussianNoise, _BaseNoise

__all__ = ["average_certified_radius", "certified_accuracy", "max_certifiable_radius"]

#: Draws per independently seeded chunk of an image's draws. Part of the
#: definition of the noise: changing it changes every certificate.
CHUNK_DRAWS = 1000
#: Noisy rows per prediction batch when ``batch_size`` is None: large enough
#: that Keras's cost per call is a few percent of the ConvNet's forward pass,
#: small enough to stay in the caches' neighbourhood (12.5 MB of float32
#: MNIST rows).
DEFAULT_BATCH_SIZE = 4096

# The independent streams of draws of an image.
_SELECTION, _ESTIMATION, _PREDICTION = 0, 1, 2

_CALL_CONSTRAINTS = {
    "n0": [Interval(Integral, 1, None, closed="left")],
    "n": [Interval(Integral, 1, None, closed="left")],
    "alpha": [Interval(Real, 0, 1, closed="neither")],
    "batch_size": [Interval(Integral, 1, None, closed="left"), None],
}


# -- the noise of a call ---------------------------------------------------
def certifying_noise(smoother):
    """The additive Gaussian noise of ``smoother``, or a ValueError saying why not.

    Only additive Gaussian noise of a known ``sigma > 0`` on X as given
    certifies an L2 radius. A ``mean`` and a ``clip`` are allowed: the shift
    and the clipping happen after the Gaussian is added, so they are part of
    the base classifier (``f(clip(x + mean + sigma z))`` is a function of
    ``x + sigma z``), and the certificate holds for X in the units given.
    Noise that the fitted estimator itself adds at prediction time (a noise
    step of a Pipeline with ``apply_to="both"`` or ``"test"``) is refused: the
    radius would be computed for ``noise`` alone.
    """
    noise = smoother.noise if smoother.noise is not None else GaussianNoise(0.25)
    where = "the 'noise' parameter of NoiseAveragedClassifier"
    if not isinstance(noise, GaussianNoise):
        raise ValueError(
            f"certify and predict_or_abstain need additive Gaussian noise: only it "
            f"certifies an L2 radius (Cohen et al. 2019). {where} is {noise!r}; "
            f"use GaussianNoise(scale=sigma)."
        )
    if noise.mode != "additive":
        raise ValueError(
            f"certify and predict_or_abstain need additive Gaussian noise; {where} "
            f"has mode={noise.mode!r}. Use GaussianNoise(scale=sigma, "
            f"mode='additive')."
        )
    noise._validate_params()
    noise._validate_clip()
    if noise.scale <= 0:
        raise ValueError(
            f"certify and predict_or_abstain need noise of scale > 0 (the sigma of "
            f"the certified radius); {where} has scale={noise.scale!r}."
        )
    estimator = smoother.estimator_
    if isinstance(estimator, Pipeline):
        for name, step in estimator.steps[:-1]:
            if (
                isinstance(step, _BaseNoise)
                and step.apply_to != "train"
                and not step._is_identity()
            ):
                raise ValueError(
                    f"The estimator's step {name!r} ({step!r}) adds noise at "
                    f"prediction time (apply_to={step.apply_to!r}): the certificate "
                    f"would count only the smoothing noise of {where}. Give that "
                    f"step apply_to='train' (or use train_noise), and the "
                    f"smoothing noise to NoiseAveragedClassifier."
                )
    return noise


class _Draws:
    """The noise of one call: sigma, shift, clip and the seed of every stream."""

    def __init__(self, noise, random_state):
        self.sigma = float(noise.scale)
        self.mean = float(noise._mean)
        self.clip = noise.clip
        if random_state is None:
            self.seed = int(np.random.SeedSequence().entropy)
        else:
            rng = check_random_state(random_state)
            self.seed = int(rng.randint(np.iinfo(np.int32).max))

    def generator(self, key, stage, chunk):
        sequence = np.random.SeedSequence([self.seed, *key], spawn_key=(stage, chunk))
        return np.random.default_rng(sequence)

    def finish(self, out, x):
        """Turn standard normal values in ``out`` into noisy copies of row ``x``."""
        out *= out.dtype.type(self.sigma)
        if self.mean:
            out += out.dtype.type(self.mean)
        out += x
        if self.clip is not None:
            np.clip(out, self.clip[0], self.clip[1], out=out)


def _row_keys(X):
    """Four 32-bit words per row: the blake2b digest of its values and dtype."""
    tag = X.dtype.str.encode()
    keys = np.empty((len(X), 4), dtype=np.uint64)
    for i, row in enumerate(X):
        digest = hashlib.blake2b(row.tobytes(), digest_size=16, person=tag).digest()
        keys[i] = np.frombuffer(digest, dtype="<u4")
    return [tuple(int(w) for w in k) for k in keys]


# -- predicting classes fast ---------------------------------------------
def _label_indices(classes):
    """A function from predicted labels to their positions in ``classes``."""
    if len(classes) > 1 and np.all(classes[:-1] < classes[1:]):

        def indices(labels):
            labels = np.asarray(labels)
            idx = np.searchsorted(classes, labels)
            idx = np.minimum(idx, len(classes) - 1)
            if not np.array_equal(classes[idx], labels):
                raise ValueError(
                    "The estimator predicted labels that are not in its classes_."
                )
            return idx

        return indices
    position = {c: j for j, c in enumerate(classes.tolist())}
    return lambda labels: np.array([position[c] for c in np.asarray(labels).tolist()])


def _aligned_empty(shape, dtype, align=256):
    """An uninitialised C array whose data start on an ``align``-byte boundary."""
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape)) * dtype.itemsize
    raw = np.empty(nbytes + align, dtype=np.uint8)
    offset = (-raw.ctypes.data) % align
    return raw[offset : offset + nbytes].view(dtype).reshape(shape)


class _Predictor:
    """Class indices predicted for the first rows of one reusable batch buffer.

    ``allocate`` returns the buffer the noisy copies are written into; calling
    the predictor with ``n_rows`` predicts ``buffer[:n_rows]``.
    """

    def __init__(self, estimator, classes):
        self._estimator = estimator
        self._indices = _label_indices(np.asarray(classes))

    def allocate(self, n_rows, n_features, dtype):
        self.buffer = np.empty((n_rows, n_features), dtype=dtype)
        return self.buffer

    def __call__(self, n_rows):
        return self._indices(self._estimator.predict(self.buffer[:n_rows]))


class _KerasPredictor(_Predictor):
    """Our Keras classifiers: the compiled model on whole batches, argmax.

    With the TensorFlow backend and nothing to transform before the model,
    the buffer is shared with the tensor the model reads (DLPack, no copy):
    the noise is drawn straight into the model's input, and the memory of
    the noisy copies is one batch. Otherwise each batch is converted (one
    more batch in memory while the model runs).
    """

    def __init__(self, model, pre, encode, shareable):
        self._model, self._pre, self._encode = model, pre, encode
        self._shareable = shareable
        self._tensor = None
        # A new model's first predict traces: not the retracing TF warns of.
        self._quiet = RETRACING_FILTER.active

    def allocate(self, n_rows, n_features, dtype):
        self._tensor = None
        if not self._shareable:
            return super().allocate(n_rows, n_features, dtype)
        # TensorFlow needs its buffers aligned (it aborts the process on an
        # unaligned one), and rows [:k] of an aligned buffer are aligned.
        self.buffer = _aligned_empty((n_rows, n_features), dtype)
        try:
            tensor = self._as_tensor(n_rows)
            self.buffer[:1] = 1.0
            shared = float(tensor[0, 0]) == 1.0
            self.buffer[:1] = 2.0
            shared = shared and float(tensor[0, 0]) == 2.0
        except Exception:  # noqa: BLE001 - any failure: the copying path
            shared = False
        self._tensor = tensor if shared else None
        return self.buffer

    def _as_tensor(self, n_rows):
        import tensorflow as tf

        return tf.experimental.dlpack.from_dlpack(self.buffer[:n_rows].__dlpack__())

    def __call__(self, n_rows):
        if self._tensor is not None:
            batch = (
                self._tensor if n_rows == len(self.buffer) else self._as_tensor(n_rows)
            )
        else:
            batch = self.buffer[:n_rows]
            if self._pre is not None:
                batch = self._pre.transform(batch)
            batch = self._encode(batch)
        with self._quiet():
            scores = self._model.predict_on_batch(batch)
        return np.argmax(scores, axis=1)


def class_index_predictor(estimator, classes):
    """A :class:`_Predictor` of the indices (in ``classes``) of predicted classes.

    Our Keras classifiers (also as the last step of a Pipeline) are called
    through their compiled prediction function on the whole batch
    (``model_.predict_on_batch``, traced once per batch shape), and the argmax
    of the softmax is their predicted class, as in ``predict``. Any other
    classifier is asked for ``predict``.
    """
    pre, final = None, estimator
    if isinstance(estimator, Pipeline) and len(estimator) > 1:
        pre, final = estimator[:-1], estimator[-1]
    if not is_keras_estimator(final):
        return _Predictor(estimator, classes)
    import keras  # loaded with any SciKeras estimator

    from ._keras_classifier import _NoiseStudyClassifier

    model = getattr(final, "model_", None)
    if (
        not isinstance(final, _NoiseStudyClassifier)
        or model is None
        or model.output_shape[-1] != len(classes)
    ):
        return _Predictor(estimator, classes)
    encoder = final.feature_encoder_
    identity = type(encoder).__name__ == "FunctionTransformer" and (
        getattr(encoder, "func", "?") is None
    )
    shareable = pre is None and identity and keras.backend.backend() == "tensorflow"
    return _KerasPredictor(model, pre, encoder.transform, shareable)


def _noise_threads():
    """Threads that draw a batch's noise: the CPUs this process may use, up to 4.

    numpy's generators release the GIL while they fill an array, and so do the
    arithmetic ufuncs, so the pieces of a batch (each from its own generator)
    fill side by side. The values do not depend on the number of threads.
    """
    import os

    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(4, cpus))


class _Filler:
    """Writes the noisy copies of a batch, its pieces split among threads.

    A piece is ``(generator, row of X, first buffer row, rows)``: the next
    ``rows`` draws of one image's chunk of draws. The pieces of one batch come
    from distinct chunks, so their generators are independent of one another;
    a chunk that runs over into the next batch goes on from where its
    generator stopped, as the batches are filled one after another.
    """

    def __init__(self, X, draws, buffer, threads):
        self._X, self._draws, self._buffer = X, draws, buffer
        self._pool = None
        if threads > 1:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(threads - 1)
        self._threads = threads

    def _fill(self, pieces):
        for rng, i, start, take in pieces:
            block = self._buffer[start : start + take]
            rng.standard_normal(out=block, dtype=self._buffer.dtype)
            self._draws.finish(block, self._X[i])

    def __call__(self, pieces):
        if self._pool is None or len(pieces) < 2:
            self._fill(pieces)
            return
        # Consecutive pieces, about the same number of rows per thread.
        rows = np.cumsum([take for *_, take in pieces])
        bounds = np.searchsorted(
            rows, rows[-1] * np.arange(1, self._threads) / self._threads
        )
        groups = [g for g in np.split(np.arange(len(pieces)), bounds + 1) if len(g)]
        futures = [
            self._pool.submit(self._fill, [pieces[j] for j in g]) for g in groups[1:]
        ]
        self._fill([pieces[j] for j in groups[0]])
        for future in futures:
            future.result()

    def close(self):
        if self._pool is not None:
            self._pool.shutdown()


def count_votes(predict, X, keys, draws, *, stage, n_draws, n_classes, batch_size):
    """Counts of the predicted classes over ``n_draws`` noisy copies of each row.

    Parameters
    ----------
    predict : _Predictor
        From :func:`class_index_predictor`.
    X : ndarray of shape (n_samples, n_features)
        Clean rows, float32 or float64, C order.
    keys : list of tuple
        :func:`_row_keys` of X.
    draws : _Draws
        The noise.
    stage : int
        Which stream of draws.
    n_draws, n_classes, batch_size : int
        Draws per row, classes, noisy rows per batch.

    Returns
    -------
    counts : ndarray of shape (n_samples, n_classes), dtype int64
    """
    n_samples = len(X)
    counts = np.zeros((n_samples, n_classes), dtype=np.int64)
    rows = min(batch_size, n_samples * n_draws)
    buffer = predict.allocate(rows, X.shape[1], X.dtype)
    owner = np.empty(rows, dtype=np.intp)
    fill = _Filler(X, draws, buffer, _noise_threads())
    pieces, filled = [], 0

    def tally(n_rows):
        fill(pieces)
        pieces.clear()
        who = owner[:n_rows]
        predicted = np.asarray(predict(n_rows))
        low, high = who[0], who[-1] + 1
        flat = (who - low) * n_classes + predicted
        counts[low:high] += np.bincount(
            flat, minlength=(high - low) * n_classes
        ).reshape(high - low, n_classes)

    try:
        for i in range(n_samples):
            for chunk, start in enumerate(range(0, n_draws, CHUNK_DRAWS)):
                rng = draws.generator(keys[i], stage, chunk)
                left = min(CHUNK_DRAWS, n_draws - start)
                while left:
                    take = min(left, rows - filled)
                    pieces.append((rng, i, filled, take))
                    owner[filled : filled + take] = i
                    filled += take
                    left -= take
                    if filled == rows:
                        tally(rows)
                        filled = 0
        if filled:
            tally(filled)
    finally:
        fill.close()
    return counts


# -- the statistics --------------------------------------------------------
def clopper_pearson_lower(k, n, alpha):
    """One-sided Clopper-Pearson lower confidence bound of a binomial proportion.

    The largest ``p`` such that ``P(Binomial(n, p) >= k) <= alpha``: the
    ``alpha`` quantile of ``Beta(k, n - k + 1)``, and 0 for ``k = 0``. It is
    ``statsmodels``' ``proportion_confint(k, n, alpha=2 * alpha,
    method="beta")[0]``, Cohen et al.'s ``lower_confidence_bound``.

    Parameters
    ----------
    k : array-like of int
        Successes.
    n : int
        Trials.
    alpha : float
        Level: the bound is above the true proportion with probability at most
        ``alpha``.

    Returns
    -------
    p_lower : ndarray of float

    Examples
    --------
    >>> from skmnistnoise._certify import clopper_pearson_lower
    >>> round(float(clopper_pearson_lower(100, 100, 0.001)), 4)  # 0.001 ** (1/100)
    0.9332
    """
    k = np.asarray(k)
    with np.errstate(invalid="ignore"):
        bound = stats.beta.ppf(alpha, k, n - k + 1)
    return np.where(k > 0, bound, 0.0)


def binomial_test_two_sided(n_a, n_b):
    """Two-sided p-value of ``n_a`` successes in ``n_a + n_b`` fair coin tosses.

    Vectorised ``scipy.stats.binomtest(n_a, n_a + n_b, 0.5).pvalue``: for a
    fair coin the outcomes at least as unlikely as ``n_a`` are the two tails,
    ``min(1, 2 * P(Binomial(n_a + n_b, 1/2) <= min(n_a, n_b)))``.
    """
    n_a, n_b = np.asarray(n_a), np.asarray(n_b)
    total = n_a + n_b
    p = 2 * stats.binom.cdf(np.minimum(n_a, n_b), total, 0.5)
    return np.where(n_a == n_b, 1.0, np.minimum(p, 1.0))


# -- the algorithms --------------------------------------------------------
def _prepare(smoother, X):
    """Fitted check, the certifying noise, X validated, and the predictor."""
    check_is_fitted(smoother)
    noise = certifying_noise(smoother)
    check_X_shape(X, type(smoother).__name__)
    X = check_array(
        X,
        dtype=[np.float64, np.float32],
        order="C",
        ensure_all_finite=True,
        input_name="X",
    )
    n_features = getattr(smoother, "n_features_in_", None)
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(
            f"X has {X.shape[1]} features, but {type(smoother).__name__} was fitted "
            f"with {n_features} features."
        )
    random_state = (
        smoother.random_state
        if smoother.random_state is not None
        else noise.random_state
    )
    draws = _Draws(noise, random_state)
    predict = class_index_predictor(smoother.estimator_, smoother.classes_)
    return X, draws, predict


def certify(smoother, X, *, n0, n, alpha, batch_size):
    """Cohen et al.'s CERTIFY for every row of X; see NoiseAveragedClassifier."""
    validate_parameter_constraints(
        _CALL_CONSTRAINTS,
        {"n0": n0, "n": n, "alpha": alpha, "batch_size": batch_size},
        caller_name="certify",
    )
    X, draws, predict = _prepare(smoother, X)
    classes = smoother.classes_
    keys = _row_keys(X)
    common = {
        "n_classes": len(classes),
        "batch_size": batch_size or DEFAULT_BATCH_SIZE,
    }
    selection = count_votes(
        predict, X, keys, draws, stage=_SELECTION, n_draws=n0, **common
    )
    top = np.argmax(selection, axis=1)
    counts = count_votes(
        predict, X, keys, draws, stage=_ESTIMATION, n_draws=n, **common
    )
    n_A = counts[np.arange(len(X)), top]
    p_lower = clopper_pearson_lower(n_A, n, alpha)
    abstained = p_lower < 0.5
    radius = np.where(
        abstained, 0.0, draws.sigma * np.maximum(stats.norm.ppf(p_lower), 0.0)
    )
    return Bunch(
        prediction=classes[top],
        radius=radius,
        abstained=abstained,
        p_lower=p_lower,
        n_A=n_A,
        counts=counts,
        counts_selection=selection,
        classes=classes,
        n0=n0,
        n=n,
        alpha=alpha,
        sigma=draws.sigma,
    )


def _abstain_labels(classes, abstain_label):
    """``classes`` followed by the abstention label, in a dtype that holds both."""
    if abstain_label is None:
        abstain_label = -1 if classes.dtype.kind in "biuf" else "abstain"
    if any(c == abstain_label for c in classes.tolist()):
        raise ValueError(
            f"The 'abstain_label' parameter must not be one of the classes; got "
            f"{abstain_label!r}, which is a class of {classes.tolist()!r}."
        )
    marker = np.asarray([abstain_label])
    if (classes.dtype.kind in "US") != (marker.dtype.kind in "US"):
        dtype = object  # numbers and strings: keep each as it is
    else:
        try:
            dtype = np.result_type(classes, marker)
        except TypeError:
            dtype = object
    labels = np.empty(len(classes) + 1, dtype=dtype)
    labels[:-1] = classes
    labels[-1] = abstain_label
    return labels


def predict_or_abstain(smoother, X, *, n, alpha, abstain_label, batch_size):
    """Cohen et al.'s PREDICT for every row of X; see NoiseAveragedClassifier."""
    validate_parameter_constraints(
        {k: _CALL_CONSTRAINTS[k] for k in ("n", "alpha", "batch_size")},
        {"n": n, "alpha": alpha, "batch_size": batch_size},
        caller_name="predict_or_abstain",
    )
    classes = np.asarray(smoother.classes_)
    labels = _abstain_labels(classes, abstain_label)
    X, draws, predict = _prepare(smoother, X)
    counts = count_votes(
        predict,
        X,
        _row_keys(X),
        draws,
        stage=_PREDICTION,
        n_draws=n,
        n_classes=len(classes),
        batch_size=batch_size or DEFAULT_BATCH_SIZE,
    )
    # The top two counts; ties go to the first class, as numpy's argmax.
    order = np.argsort(-counts, axis=1, kind="stable")
    rows = np.arange(len(X))
    n_a = counts[rows, order[:, 0]]
    n_b = counts[rows, order[:, 1]] if len(classes) > 1 else np.zeros_like(n_a)
    abstained = binomial_test_two_sided(n_a, n_b) > alpha
    return labels[np.where(abstained, len(classes), order[:, 0])]


# -- summaries of a certificate ------------------------------------------
def _certificate_arrays(y_true, certificate):
    y_true = np.asarray(y_true)
    arrays = {}
    for field in ("prediction", "radius", "abstained"):
        if field not in certificate:
            raise ValueError(
                f"The 'certificate' parameter must be the Bunch that "
                f"NoiseAveragedClassifier.certify returns (or a mapping with "
                f"'prediction', 'radius' and 'abstained'); it has no {field!r}."
            )
        arrays[field] = np.asarray(certificate[field])
        if arrays[field].shape != (len(y_true),):
            raise ValueError(
                f"certificate[{field!r}] has shape {arrays[field].shape}, but y_true "
                f"has {len(y_true)} samples: they must be of the same images."
            )
    if len(y_true) == 0:
        raise ValueError("y_true is empty: a certificate's summary needs samples.")
    correct = (arrays["prediction"] == y_true) & ~arrays["abstained"].astype(bool)
    return correct, arrays["radius"].astype(float)


@validate_params(
    {
        "y_true": ["array-like"],
        "certificate": [Mapping],
        "radii": ["array-like", Real],
    },
    prefer_skip_nested_validation=True,
)
def certified_accuracy(y_true, certificate, radii):
    """Fraction of samples predicted correctly with a certified radius >= r.

    For each radius ``r``, the fraction of samples whose smoothed prediction
    is the true label, was not abstained on, and holds for every L2
    perturbation of norm below ``r`` (``radius >= r``): Cohen et al.'s
    "approximate certified test set accuracy". At ``r = 0`` it is the accuracy
    of CERTIFY's predictions with abstentions counted wrong.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    certificate : Bunch or mapping
        What :meth:`NoiseAveragedClassifier.certify` returned for the same
        samples (``prediction``, ``radius`` and ``abstained`` are read).
    radii : float or array-like of float
        Radii ``r >= 0``, in the units of X.

    Returns
    -------
    accuracy : float or ndarray of shape (n_radii,)
        A float for a single radius.

    See Also
    --------
    average_certified_radius : The mean certified radius of correct predictions.

    Examples
    --------
    >>> from skmnistnoise.metrics import certified_accuracy
    >>> certificate = {"prediction": [1, 1, 0], "radius": [0.6, 0.2, 0.0],
    ...                "abstained": [False, False, True]}
    >>> certified_accuracy([1, 1, 0], certificate, [0.0, 0.5, 1.0])
    array([0.66666667, 0.33333333, 0.        ])
    """
    correct, radius = _certificate_arrays(y_true, certificate)
    scalar = np.ndim(radii) == 0
    r = np.atleast_1d(np.asarray(radii, dtype=float))
    if r.ndim != 1 or not np.all(np.isfinite(r)) or np.any(r < 0):
        raise ValueError(
            f"The 'radii' parameter must be finite radii >= 0 (a number or a 1-D "
            f"array); got {radii!r}."
        )
    fractions = np.mean(correct[None, :] & (radius[None, :] >= r[:, None]), axis=1)
    return float(fractions[0]) if scalar else fractions


@validate_params(
    {"y_true": ["array-like"], "certificate": [Mapping]},
    prefer_skip_nested_validation=True,
)
def average_certified_radius(y_true, certificate):
    """Average certified radius (ACR): mean of the radius if correct, else 0.

    The mean over samples of the certified radius of correct, non-abstained
    predictions, counting 0 for wrong or abstained ones (Zhai et al. 2020).
    It is the area under the :func:`certified_accuracy` curve.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    certificate : Bunch or mapping
        What :meth:`NoiseAveragedClassifier.certify` returned for the same
        samples.

    Returns
    -------
    acr : float
        In the units of X.

    See Also
    --------
    certified_accuracy : Certified accuracy at given radii.

    Examples
    --------
    >>> from skmnistnoise.metrics import average_certified_radius
    >>> certificate = {"prediction": [1, 1, 0], "radius": [0.6, 0.2, 0.0],
    ...                "abstained": [False, False, True]}
    >>> round(average_certified_radius([1, 0, 0], certificate), 6)
    0.2
    """
    correct, radius = _certificate_arrays(y_true, certificate)
    return float(np.mean(np.where(correct, radius, 0.0)))


def max_certifiable_radius(sigma, n, alpha):
    """The largest L2 radius that ``n`` draws can certify at level ``alpha``.

    Where all ``n`` draws vote for the top class, the Clopper-Pearson lower
    bound of its probability is ``alpha ** (1 / n)``, and the certified
    radius ``sigma * Phi^-1(alpha ** (1 / n))``: no image is certified
    further out, whatever the classifier. None when one of the three is
    unknown (None).

    Parameters
    ----------
    sigma : float or None
        The smoothing noise's standard deviation.
    n : int or None
        Estimation draws per image.
    alpha : float or None
        The certificates' level.

    Returns
    -------
    radius : float or None

    Examples
    --------
    >>> from skmnistnoise.metrics import max_certifiable_radius
    >>> round(max_certifiable_radius(1.0, 10_000, 0.001), 2)
    3.2
    >>> max_certifiable_radius(1.0, None, 0.001) is None
    True
    """
    if sigma is None or n is None or alpha is None:
        return None
    return float(sigma) * float(stats.norm.ppf(float(alpha) ** (1.0 / int(n))))
