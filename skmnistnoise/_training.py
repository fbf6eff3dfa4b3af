"""How the classifiers train: the noisy epochs, the consistency loss, the precision.

* :class:`FreshNoiseEpochs` feeds Keras the training data with new noise
  every epoch, in ``copies`` independent noisy copies of each image when
  consistency regularisation is on.
* :class:`ConsistencySequential` is a ``keras.Sequential`` whose training loss
  adds Jeong and Shin's (2020) consistency terms over those copies.
* :func:`layer_dtype` and :func:`warn_if_bfloat16_is_emulated` set a network's
  precision per model (never Keras's process-wide policy) and say when the
  machine has no bfloat16 arithmetic.
"""

import math
import warnings

import keras
import numpy as np
from keras import ops

from ._environment import cpu_description, cpu_flags

__all__ = [
    "ConsistencySequential",
    "FreshNoiseEpochs",
    "KEY_NEUTRAL_PARAMS",
    "PRECISIONS",
    "check_consistency",
    "consistency_penalty",
    "layer_dtype",
    "mlp_steps_per_execution",
    "warn_if_bfloat16_is_emulated",
]

# -- precision ---------------------------------------------------------------
#: The precisions a classifier trains and predicts in.
PRECISIONS = ("float32", "bfloat16")
# Keras's policy for each: None keeps the layers' own (float32) dtype, so a
# float32 network is exactly the one built before precision existed.
_LAYER_DTYPE = {"float32": None, "bfloat16": "mixed_bfloat16"}
# CPU flags of bfloat16 arithmetic: x86 (AVX512_BF16 dot products, AMX tiles)
# and Arm (the BF16 extension, "bf16" in /proc/cpuinfo's Features).
_BF16_FLAGS = ("avx512_bf16", "amx_bf16", "bf16")
_warned = False

#: The parameters added with precision and consistency, at the values that
#: train exactly as before they existed. A store key written before them is
#: the key of these values: ``skmnistnoise._describe`` leaves a parameter
#: out of a key where it has its value here (the class's ``_KEY_DEFAULTS``),
#: so committed results stay found.
KEY_NEUTRAL_PARAMS = {
    "precision": "float32",
    "consistency_m": 1,
    "consistency_lambda": 0.0,
    "consistency_eta": 0.0,
}


def layer_dtype(precision):
    """The ``dtype=`` of a network's layers in ``precision`` (None: float32).

    ``"mixed_bfloat16"``: the layers compute in bfloat16 and keep their
    weights in float32; the output softmax is given float32 apart (by the
    graph builders), so the loss and the probabilities are float32.
    """
    return _LAYER_DTYPE[precision]


def _bfloat16_support():
    """Whether this machine computes in bfloat16 natively, and what was checked.

    With a GPU visible to TensorFlow, the networks run there: bfloat16 needs
    compute capability 8.0 (Ampere) or above. Otherwise the CPU's flags.
    """
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            details = tf.config.experimental.get_device_details(gpus[0])
            capability = details.get("compute_capability") or (0, 0)
            name = details.get("device_name", "GPU")
            return tuple(capability) >= (8, 0), (
                f"the GPU {name} (compute capability "
                f"{'.'.join(map(str, capability))}; bfloat16 needs 8.0 or above)"
            )
    flags = cpu_flags()
    return any(f in flags for f in _BF16_FLAGS), (
        f"the CPU {cpu_description()} (no avx512_bf16, amx_bf16 or bf16 flag)"
    )


def warn_if_bfloat16_is_emulated(owner):
    """Warn, once per process, when bfloat16 has no hardware support here."""
    global _warned
    if _warned:
        return
    supported, checked = _bfloat16_support()
    if not supported:
        _warned = True
        warnings.warn(
            f"{owner}(precision='bfloat16'): {checked} has no bfloat16 "
            "arithmetic, so it is emulated and usually slower than float32. "
            "Use precision='float32' on this machine.",
            UserWarning,
            stacklevel=3,
        )


# -- the noisy epochs -----------------------------------------------------
#: Keras's own batch size, for batch_size=None.
KERAS_BATCH_SIZE = 32

# The MLP's training steps per call of Keras's compiled function
# (``steps_per_execution``) on data of at least _MULTI_STEP_MIN_BATCHES
# batches. An MLP step is short and Keras's own cost per call is about 10% of
# its CPU time on two cores; running 16 steps per call saves most of it and
# changes no number (the same steps in the same order; tests check
# bit-identity). Tracing the multi-step function costs about 0.3 s once per
# fit, so small fits keep one step per call; the ConvNet's steps are ten times
# longer and gain nothing. Per-batch callbacks then run every 16 steps.
STEPS_PER_EXECUTION = 16
_MULTI_STEP_MIN_BATCHES = 64


def mlp_steps_per_execution(n_samples, batch_size):
    """``STEPS_PER_EXECUTION`` for fits of many batches, else 1."""
    if batch_size == -1:  # SciKeras: the whole data in one batch
        return 1
    n_batches = math.ceil(n_samples / (batch_size or KERAS_BATCH_SIZE))
    return STEPS_PER_EXECUTION if n_batches >= _MULTI_STEP_MIN_BATCHES else 1


class FreshNoiseEpochs(keras.utils.PyDataset):
    """Training batches with new noise every epoch (augmentation).

    Epoch ``e`` sees draws ``e * copies`` to ``e * copies + copies - 1`` of the
    fitted noise transformer (draw ``e`` for one copy), so the whole sequence
    follows from its seed; the samples are shuffled per epoch with a generator
    seeded from the classifier's seed. ``first_epoch`` continues the sequence
    (``partial_fit``, warm starts) instead of repeating it.

    With ``copies`` m > 1 a batch holds ``batch_size // m`` images (at least
    one) in m noisy copies each, copy-major (rows ``j * b + i`` are copy ``j``
    of image ``i``), labels and weights repeated alike: a step costs what a
    plain step costs, as in Jeong and Shin's code.
    """

    def __init__(
        self,
        X,
        y,
        sample_weight,
        noise,
        batch_size,
        shuffle,
        seed,
        first_epoch=0,
        copies=1,
    ):
        super().__init__()
        self.sample_shape = X.shape[1:]
        self.X = X.reshape(len(X), -1)
        self.y, self.sample_weight = y, sample_weight
        self.noise, self.shuffle, self.copies = noise, shuffle, copies
        if batch_size == -1:  # SciKeras: the whole data in one batch
            self.batch_size = len(X)
        else:
            self.batch_size = max(1, (batch_size or KERAS_BATCH_SIZE) // copies)
        self._rng = np.random.default_rng([seed, first_epoch])
        self._epoch = first_epoch
        self._epochs_begun = first_epoch
        self._drawn_epoch = None
        self._X_noisy = np.empty((copies, *self.X.shape), dtype=self.X.dtype)

    def __len__(self):
        return math.ceil(len(self.X) / self.batch_size)

    def _draw(self):
        for j in range(self.copies):
            draw = self._epoch * self.copies + j
            self.noise._apply(self.X, draw=draw, active=True, out=self._X_noisy[j])
        n = len(self.X)
        self._order = self._rng.permutation(n) if self.shuffle else np.arange(n)
        self._drawn_epoch = self._epoch

    def _repeated(self, values):
        return values if self.copies == 1 else np.concatenate([values] * self.copies)

    def __getitem__(self, i):
        if self._drawn_epoch != self._epoch:
            self._draw()
        rows = np.sort(self._order[i * self.batch_size : (i + 1) * self.batch_size])
        X = self._X_noisy[:, rows].reshape(-1, *self.sample_shape)
        batch = (X, self._repeated(self.y[rows]))
        if self.sample_weight is not None:
            batch += (self._repeated(self.sample_weight[rows]),)
        return batch

    def on_epoch_begin(self):
        # Keras peeks at the first batches (drawing epoch 0) and then calls
        # on_epoch_end once before training starts; counting the epochs that
        # begin keeps epoch e on draw e and reuses the peeked draw.
        self._epoch = self._epochs_begun
        self._epochs_begun += 1

    def on_epoch_end(self):
        self._epoch += 1


# -- consistency regularisation -------------------------------------------
def check_consistency(owner, consistency, train_noise):
    """Refuse a consistency loss that cannot work, saying why."""
    copies, lam, _ = consistency
    if consistency != (1, 0.0, 0.0) and train_noise is None:
        raise ValueError(
            f"{owner}'s consistency regularisation (consistency_m, "
            "consistency_lambda, consistency_eta) compares noisy copies of "
            "the training images: give it train_noise, e.g. "
            "GaussianNoise(scale=0.25)."
        )
    if copies == 1 and lam > 0:
        raise ValueError(
            f"{owner}'s consistency_lambda={lam!r} weighs the divergence between "
            "noisy copies of an image, and there is one (consistency_m=1): set "
            "consistency_m=2 or more."
        )


def consistency_penalty(y_pred, copies, lam, eta, sample_weight=None):
    """Jeong and Shin's consistency terms of a batch of ``copies`` noisy copies.

    ``y_pred`` holds the predicted probabilities of m = ``copies`` copies of b
    images, copy-major (shape ``(m * b, k)``). With ``p_j`` the prediction on
    copy ``j`` of an image and ``p̄`` their mean, the image's penalty is
    ``lam * mean_j KL(p̄ || p_j) + eta * H(p̄)``; the result is its mean over
    the images, each weighted by its sample weight (that of its first copy).
    Probabilities are clipped to ``[epsilon, 1]`` inside the logarithms, as
    Keras's cross-entropy clips them.

    Parameters
    ----------
    y_pred : tensor of shape (copies * b, k)
        Predicted probabilities.
    copies : int
        The m noisy copies of each image.
    lam, eta : float
        Weights of the KL and the entropy terms.
    sample_weight : tensor of shape (copies * b,) or None, default=None
        Weights of the rows (those of an image's copies are equal).

    Returns
    -------
    penalty : scalar tensor, float32
    """
    probs = ops.cast(y_pred, "float32")
    probs = ops.reshape(probs, (copies, -1, ops.shape(probs)[-1]))
    mean = ops.mean(probs, axis=0)
    eps = keras.backend.epsilon()
    log_mean = ops.log(ops.clip(mean, eps, 1.0))
    log_probs = ops.log(ops.clip(probs, eps, 1.0))
    kl = ops.mean(ops.sum(mean * (log_mean - log_probs), axis=-1), axis=0)
    entropy = -ops.sum(mean * log_mean, axis=-1)
    penalty = lam * kl + eta * entropy
    if sample_weight is not None:
        weights = ops.reshape(ops.cast(sample_weight, "float32"), (copies, -1))
        penalty = penalty * weights[0]
    return ops.mean(penalty)


@keras.saving.register_keras_serializable(package="skmnistnoise")
class ConsistencySequential(keras.Sequential):
    """A ``keras.Sequential`` trained with Jeong and Shin's consistency loss.

    Training batches hold ``copies`` noisy copies of each image, copy-major,
    with repeated labels (:class:`FreshNoiseEpochs`). The training loss is
    the compiled loss over all rows (the mean over the copies of the
    cross-entropy) plus :func:`consistency_penalty`; evaluation and
    prediction are those of a plain ``Sequential``. ``consistency`` is
    ``(copies, lam, eta)``; ``(1, 0.0, 0.0)`` trains exactly as the plain
    model.
    """

    def __init__(self, layers=None, trainable=True, name=None, consistency=None):
        super().__init__(layers=layers, trainable=trainable, name=name)
        self.consistency = tuple(consistency or (1, 0.0, 0.0))

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        loss = super().compute_loss(x, y, y_pred, sample_weight, training=training)
        copies, lam, eta = self.consistency
        if not training or (lam == 0 and eta == 0):
            return loss
        return loss + consistency_penalty(y_pred, copies, lam, eta, sample_weight)

    def get_config(self):
        return {**super().get_config(), "consistency": list(self.consistency)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        consistency = config.pop("consistency", None)
        model = super().from_config(config, custom_objects=custom_objects)
        model.consistency = tuple(consistency or (1, 0.0, 0.0))
        return model
