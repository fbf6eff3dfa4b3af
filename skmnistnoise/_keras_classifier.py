"""The SciKeras classifier under the MLP and the ConvNet: what they share.

:class:`_NoiseStudyClassifier` is scikit-learn's side of our Keras networks:
parameter checks, input checks, seeding, fresh training noise, the consistency
loss, precision, prediction in large batches and the one-hot label encoder.
:mod:`skmnistnoise._classifiers` builds the two public networks on it.
"""

from numbers import Integral, Real

import keras
import numpy as np
import scipy.sparse as sp
from scikeras.utils.transformers import (
    ClassifierLabelEncoder,
    _is_categorical_crossentropy,
)
from scikeras.wrappers import KerasClassifier
from sklearn.base import clone
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils._tags import ClassifierTags
from sklearn.utils.validation import (
    _check_feature_names,
    _num_samples,
    check_array,
)

from ._checks import (
    check_fitted_X,
    check_known_classes,
    check_same_length,
    check_two_classes,
    check_X_shape,
)
from ._keras_runtime import RETRACING_FILTER, tf_determinism_restored
from ._noise import _check_noise_estimator
from ._training import (
    KERAS_BATCH_SIZE,
    KEY_NEUTRAL_PARAMS,
    PRECISIONS,
    ConsistencySequential,
    FreshNoiseEpochs,
    check_consistency,
    warn_if_bfloat16_is_emulated,
)

# Rows per prediction batch unless the user routes ``predict__batch_size``:
# Keras's cost per batch dominates small batches (predicting MNIST's test set
# takes about 35% less CPU time for the MLP and 7% for the ConvNet than at
# 128). A row's prediction depends on the size of its batch at most in the
# last bit of float32: on an Intel Xeon (AVX-512) the probabilities were
# bit-identical, on an AMD EPYC (AVX2) 0.7% of the MLP's differ by one unit in
# the last place (1.5e-8), from the CPU's matrix-product blocking, which a GPU
# has too; batches of one row differ more, see _prediction_batch_size. Tests
# check the probabilities to float32 rounding.
PREDICT_BATCH_SIZE = 512


def _prediction_batch_size(batch_size, n_samples):
    """The batch size for predicting ``n_samples`` rows.

    At least ``PREDICT_BATCH_SIZE`` rows, except where that would change a
    number: a batch of a single row runs another kernel (a matrix-vector
    product) with other rounding, so when batches of ``batch_size`` would
    leave a lone last row and the larger ones would not (or the reverse),
    ``batch_size`` is kept. ``batch_size=-1`` (all rows at once, SciKeras's
    convention) is kept too.
    """
    if batch_size == -1:
        return batch_size
    batch_size = batch_size or KERAS_BATCH_SIZE
    fast = max(batch_size, PREDICT_BATCH_SIZE)
    if (n_samples % fast == 1) != (n_samples % batch_size == 1):
        return batch_size
    return fast


class _OneHotLabelEncoder(ClassifierLabelEncoder):
    """SciKeras's label encoder, one-hot for two classes as well.

    Our networks end in a softmax of ``n_classes_`` units. SciKeras one-hot
    encodes a ``"multiclass"`` target for categorical cross-entropy but leaves a
    ``"binary"`` one as a single ordinal column, so any two-class fit failed
    with "Arguments `target` and `output` must have the same shape".
    """

    def fit(self, y):
        super().fit(y)
        if self._target_type == "binary" and _is_categorical_crossentropy(self.loss):
            categories = self._final_encoder[1].categories
            self._final_encoder.steps[-1] = (
                "onehotencoder",
                OneHotEncoder(
                    sparse_output=False,
                    dtype=np.dtype(keras.backend.floatx()),
                    categories=categories,
                ),
            )
            self._final_encoder.fit(y)
            self._target_type = "multiclass"
        return self


#: Constraints of the parameters every classifier shares. SciKeras's own
#: Keras objects (model, loss, metrics, callbacks, ...) are Keras's to check.
_COMMON_CONSTRAINTS = {
    "model": "no_validation",
    "build_fn": "no_validation",
    "warm_start": ["boolean"],
    "random_state": ["random_state"],
    "optimizer": "no_validation",
    "loss": "no_validation",
    "metrics": "no_validation",
    "batch_size": [
        None,
        Interval(Integral, 1, None, closed="left"),
        Options(Integral, {-1}),
    ],
    "validation_batch_size": [None, Interval(Integral, 1, None, closed="left")],
    "verbose": ["verbose"],
    "callbacks": "no_validation",
    "validation_split": [Interval(Real, 0, 1, closed="left")],
    "shuffle": ["boolean"],
    "run_eagerly": ["boolean"],
    "epochs": [Interval(Integral, 1, None, closed="left")],
    "class_weight": [dict, StrOptions({"balanced"}), None],
    "train_noise": "no_validation",  # _check_noise_estimator, at fit
    "jit_compile": ["boolean", StrOptions({"auto"})],
    "precision": [StrOptions(set(PRECISIONS))],
    "consistency_m": [Interval(Integral, 1, None, closed="left")],
    "consistency_lambda": [Interval(Real, 0, None, closed="left")],
    "consistency_eta": [Interval(Real, 0, None, closed="left")],
}
#: Constraints of the parameters both networks have.
_NETWORK_CONSTRAINTS = {**_COMMON_CONSTRAINTS, "activation": [str, callable]}


class _NoiseStudyClassifier(KerasClassifier):
    """SciKeras ``KerasClassifier`` with the fixes this toolkit relies on.

    * scikit-learn >= 1.7 tags: SciKeras 0.13 puts ``ClassifierMixin`` right of
      ``BaseEstimator``, whose ``__sklearn_tags__`` does not call the mixin's,
      so a ``KerasClassifier`` is not a classifier to scikit-learn:
      ``is_classifier`` is False, ``cv=3`` silently means ``KFold`` and
      probability scorers give NaN. ``__sklearn_tags__`` below says the truth.
    * TF op determinism and the process's seeds: see
      :func:`~skmnistnoise._keras_runtime.tf_determinism_restored`.
    * ``validation_data=(X_val, y_val)`` in ``fit`` takes raw labels and is
      encoded like ``y``.
    * ``train_noise``: fresh noise on the training data every epoch.
    * ``jit_compile``: explicit, so seeded and unseeded fits run the same code
      (Keras turns XLA off when determinism is on; on CPU XLA is much slower).
    * Predictions run in batches of at least ``PREDICT_BATCH_SIZE`` rows
      unless ``predict__batch_size`` is set (faster, same numbers).
    """

    _parameter_constraints: dict = dict(_COMMON_CONSTRAINTS)
    # Left out of store keys at these values (committed results keep theirs).
    _KEY_DEFAULTS = KEY_NEUTRAL_PARAMS

    def __init__(
        self,
        *,
        optimizer="adam",
        loss="categorical_crossentropy",
        batch_size=128,
        epochs=1,
        train_noise=None,
        consistency_m=1,
        consistency_lambda=0.0,
        consistency_eta=0.0,
        precision="float32",
        jit_compile=False,
        random_state=None,
        verbose=0,
        **kwargs,
    ):
        super().__init__(
            optimizer=optimizer,
            loss=loss,
            batch_size=batch_size,
            epochs=epochs,
            random_state=random_state,
            verbose=verbose,
            **kwargs,
        )
        self.train_noise = train_noise
        self.consistency_m = consistency_m
        self.consistency_lambda = consistency_lambda
        self.consistency_eta = consistency_eta
        self.precision = precision
        self.jit_compile = jit_compile

    @property
    def target_encoder(self):
        """SciKeras's label encoder, one-hot for two classes too (softmax output)."""
        categories = "auto" if self.classes_ is None else [self.classes_]
        return _OneHotLabelEncoder(loss=self.loss, categories=categories)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags(poor_score=True)
        tags.target_tags.required = True
        tags.input_tags.sparse = True  # SciKeras feeds sparse X to Keras
        tags.non_deterministic = self.random_state is None
        return tags

    def fit(self, X, y, sample_weight=None, **kwargs):
        """Build a fresh network and train it on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; the ConvNet also takes ``(n, h, w)`` or ``(n, h, w, c)``.
        y : array-like of shape (n_samples,)
            Class labels of any type.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss.
        **kwargs : dict
            Passed to :meth:`keras.Model.fit`, e.g. ``validation_data=(X_val, y_val)``
            with raw labels (its accuracy per epoch lands in ``history_``), or
            ``callbacks=[...]``, Keras callbacks added for this fit only.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        self._check_params()
        # SciKeras 0.13's KerasClassifier.fit sets classes_ to None before
        # fitting, and a warm start (warm_start=True on a fitted network) does
        # not fit the label encoder again, which is what sets it: the classes
        # would be lost. Keep them (tests/test_reuse.py).
        warm = self.warm_start and getattr(self, "initialized_", False)
        classes = getattr(self, "classes_", None) if warm else None
        if warm:
            check_known_classes(y, classes, type(self).__name__)
        with tf_determinism_restored():
            super().fit(X, y, sample_weight=sample_weight, **kwargs)
        if classes is not None and self.classes_ is None:
            self.classes_ = classes
        return self

    def partial_fit(self, X, y, sample_weight=None, **kwargs):
        """Train the network for one more pass of ``epochs`` epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss.
        **kwargs : dict
            Passed to :meth:`keras.Model.fit`.

        Returns
        -------
        self : object
            The classifier.
        """
        self._check_params()
        with tf_determinism_restored():
            return super().partial_fit(X, y, sample_weight=sample_weight, **kwargs)

    def initialize(self, X, y):
        """Build the network without training it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data that fixes the input shape.
        y : array-like of shape (n_samples,)
            Labels that fix the classes.

        Returns
        -------
        self : object
            The classifier.
        """
        self._check_params()
        with tf_determinism_restored():
            return super().initialize(X, y)

    def _check_params(self):
        """Refuse bad parameters before any work, naming them."""
        self._validate_params()
        self._check_architecture()
        check_consistency(type(self).__name__, self._consistency(), self.train_noise)

    def _consistency(self):
        """``(m, lambda, eta)`` of the consistency loss; ``(1, 0.0, 0.0)``: off."""
        return (
            int(self.consistency_m),
            float(self.consistency_lambda),
            float(self.consistency_eta),
        )

    def _build_kwargs(self):
        """The builders' precision and consistency arguments, warning on bfloat16."""
        if self.precision == "bfloat16":
            warn_if_bfloat16_is_emulated(type(self).__name__)
        return {"precision": self.precision, "consistency": self._consistency()}

    def _check_architecture(self):
        """Check the network's parameters beyond their types (subclasses)."""

    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        # Our messages first where SciKeras's (scikit-learn's) do not name the
        # argument: 1-D or empty X, X and y of different lengths; after it, a
        # fit on a single class is refused.
        name = type(self).__name__
        if X is not None:
            check_X_shape(X, name, allow_nd=True)
            if y is not None:
                check_same_length(X, y)
            # Recorded in fit and checked after, as scikit-learn's estimators do
            # (SciKeras turns a DataFrame into an array without either).
            _check_feature_names(self, X, reset=reset)
            if y is None and not sp.issparse(X):
                # SciKeras checks X alone without naming it: "Input contains NaN".
                X = check_array(X, allow_nd=True, dtype=None, input_name="X")
        if reset or X is None:
            X, y = super()._validate_data(X, y, reset=reset, y_numeric=y_numeric)
        else:
            _, y = super()._validate_data(None, y, y_numeric=y_numeric)
            # The one check of X after fit (predict, partial_fit, warm fits):
            # SciKeras's, except that X of any real dtype is taken (cast).
            X = check_fitted_X(
                X,
                name,
                dtype=self.X_dtype_,
                shape=self.X_shape_,
                floatx=keras.backend.floatx(),
            )
        if reset and y is not None:
            check_two_classes(y, name)
        elif X is not None and y is not None:
            check_known_classes(y, getattr(self, "classes_", None), name)
        return X, y

    def _predict_raw(self, X, **kwargs):
        if "batch_size" not in kwargs and "predict__batch_size" not in self.__dict__:
            kwargs["batch_size"] = _prediction_batch_size(
                self.batch_size, _num_samples(X)
            )
        with RETRACING_FILTER.active():
            proba = super()._predict_raw(X, **kwargs)
        if not np.isfinite(proba).all():
            raise ValueError(self._not_finite_message(X))
        return proba

    def _not_finite_message(self, X):
        """Why the network's outputs are NaN or infinite, in words."""
        try:
            largest = f"{float(abs(X).max()):.3g}"
        except (TypeError, ValueError):
            largest = "unknown"
        losses = getattr(self, "history_", {}).get("loss", [])
        diverged = bool(losses) and not np.isfinite(losses[-1])
        return (
            f"{type(self).__name__}'s network computed NaN or infinite class "
            f"probabilities for X, whose largest absolute value is {largest}: "
            + (
                f"its training diverged (the last training loss is {losses[-1]}). "
                if diverged
                else "its activations overflowed. "
            )
            + "Keep X in the range the network is trained on (scale it, e.g. "
            "with GlobalStandardScaler, or lower the noise scale)."
        )

    def _fit_keras_model(
        self, X, y, sample_weight, warm_start, epochs, initial_epoch, **kwargs
    ):
        validation_data = kwargs.get("validation_data")
        if validation_data is not None:
            X_val, y_val = validation_data[:2]
            X_val = self.feature_encoder_.transform(np.asarray(X_val, dtype=X.dtype))
            kwargs["validation_data"] = (X_val, self.target_encoder_.transform(y_val))
        noise = _check_noise_estimator(self.train_noise, "train_noise")
        self._set_consistency()
        if noise is not None:
            X = self._fresh_noise_epochs(X, y, sample_weight, noise, initial_epoch)
            y = sample_weight = None
            kwargs["shuffle"] = False  # the dataset shuffles, seeded
        # SciKeras drops ``callbacks`` given to fit; add them to its own list for
        # this fit only (progress reporting, without changing the parameters).
        extra_callbacks = kwargs.pop("callbacks", None) or []
        own_callbacks = self._fit_callbacks
        self._fit_callbacks = [*own_callbacks, *extra_callbacks]
        try:
            super()._fit_keras_model(
                X, y, sample_weight, warm_start, epochs, initial_epoch, **kwargs
            )
        finally:
            self._fit_callbacks = own_callbacks

    def _set_consistency(self):
        """Give the network this fit's consistency loss (a warm start may change it)."""
        consistency = self._consistency()
        if isinstance(self.model_, ConsistencySequential):
            self.model_.consistency = consistency
        elif consistency != (1, 0.0, 0.0):
            raise ValueError(
                f"{type(self).__name__}'s network was built without consistency "
                "regularisation, and a warm start or partial_fit cannot add it: "
                "fit it afresh (warm_start=False)."
            )

    def _fresh_noise_epochs(self, X, y, sample_weight, noise, initial_epoch):
        rng = check_random_state(self.random_state)
        seed = int(rng.randint(np.iinfo(np.int32).max))
        noise = clone(noise)
        if noise.random_state is None and self.random_state is not None:
            noise.set_params(random_state=seed)
        noise.set_params(apply_to="both")
        noise.fit(X.reshape(len(X), -1))
        return FreshNoiseEpochs(
            X,
            y,
            sample_weight,
            noise,
            self.batch_size,
            self.shuffle,
            seed,
            first_epoch=initial_epoch,
            copies=self.consistency_m,
        )
