"""The process-wide Keras set-up: the fit lock, seeds, TF determinism, logging.

SciKeras seeds process-global state for the length of a fit (Python's,
NumPy's, TensorFlow's and Keras's seeds, ``TF_DETERMINISTIC_OPS``), and
TensorFlow logs and caches process-wide. What this package does about it
lives here, in one place:

* :data:`FIT_LOCK`, one Keras fit at a time per process;
* :func:`private_keras_seeds`, Keras's own seed draws from a private generator;
* :func:`tf_determinism_restored`, TF op determinism left as it was;
* :data:`RETRACING_FILTER`, TensorFlow's retracing warning about new models
  dropped inside our fits and predictions;
* :func:`is_keras_estimator`, whether an estimator is a SciKeras one.

This module imports no TensorFlow, Keras or SciKeras: the functions that need
them import them when they run (inside a fit, when they are loaded anyway),
so the sweeps can take the fit lock without loading TensorFlow.
"""

import functools
import logging
import random
import sys
import threading
from contextlib import contextmanager

__all__ = [
    "FIT_LOCK",
    "RETRACING_FILTER",
    "is_keras_estimator",
    "op_determinism_enabled",
    "private_keras_seeds",
    "tf_determinism_restored",
]

# SciKeras seeds process-global state (Python, NumPy, TF and Keras seeds,
# TF_DETERMINISTIC_OPS) for the length of a fit, so two fits in threads of one
# process (a Dask worker with several threads, joblib's threading backend)
# would draw from each other's seeds. One Keras fit at a time per process keeps
# seeded fits reproducible; the fit itself uses the process's TF threads.
FIT_LOCK = threading.RLock()


class KerasRetracingFilter(logging.Filter):
    """Drop TensorFlow's retracing warning about Keras's step functions in our calls.

    Every fit builds a fresh Keras model (scikit-learn's contract: a fit starts
    from nothing), and a model traces its train and predict functions on their
    first call. TF counts the traces of all models together (they share one
    code object), so five fits and a few predictions in a row, as in any sweep
    or ``validation_curve``, log "5 out of the last 9 calls to
    <function TensorFlowTrainer.make_predict_function...> triggered tf.function
    retracing": one trace per new model, which is a model's first call, not the
    retracing the warning is about (Keras already traces with
    ``reduce_retracing=True``, so a model's predict traces at most twice
    whatever the batch shapes). The record is dropped only while this thread
    is inside one of this package's fits or predictions, and only when it
    names Keras's own trainer functions: a user's own ``tf.function``
    retracing, or a Keras model fitted directly, still warns.

    Examples
    --------
    >>> import logging
    >>> from skmnistnoise._keras_runtime import KerasRetracingFilter
    >>> quiet = KerasRetracingFilter()
    >>> record = logging.makeLogRecord({"msg": "5 out of the last 9 calls to "
    ...     "<function TensorFlowTrainer.make_predict_function> triggered "
    ...     "tf.function retracing."})
    >>> quiet.filter(record)
    True
    >>> with quiet.active():
    ...     quiet.filter(record)
    False
    """

    def __init__(self):
        super().__init__()
        self._inside = threading.local()

    @contextmanager
    def active(self):
        """Drop the warning in this thread while the context is open."""
        depth = getattr(self._inside, "depth", 0)
        self._inside.depth = depth + 1
        try:
            yield
        finally:
            self._inside.depth = depth

    def filter(self, record):
        """Whether to keep ``record``: all but Keras's retracing, when active."""
        if not getattr(self._inside, "depth", 0):
            return True
        message = record.getMessage()
        return not (
            "triggered tf.function retracing" in message
            and "TensorFlowTrainer.make_" in message
        )


#: The filter on TensorFlow's logger (which exists before TensorFlow does).
RETRACING_FILTER = KerasRetracingFilter()
logging.getLogger("tensorflow").addFilter(RETRACING_FILTER)


def is_keras_estimator(estimator):
    """Whether ``estimator`` is a SciKeras wrapper (ours or any other).

    A SciKeras wrapper takes ``validation_data`` and ``callbacks`` in ``fit``
    and seeds process-global state. Without SciKeras loaded no estimator can
    be one, so nothing is imported. A Pipeline is not one: pass its last step.

    Parameters
    ----------
    estimator : object
        Any estimator.

    Returns
    -------
    keras : bool
        True for an instance of ``scikeras.wrappers.BaseWrapper``.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmnistnoise._keras_runtime import is_keras_estimator
    >>> is_keras_estimator(LogisticRegression())
    False
    """
    wrappers = sys.modules.get("scikeras.wrappers")
    return wrappers is not None and isinstance(estimator, wrappers.BaseWrapper)


@functools.cache
def _tf_config():
    """TensorFlow's framework configuration, or None for a backend without TF."""
    try:
        from tensorflow.python.framework import config
    except ImportError:  # pragma: no cover - another Keras backend without TF
        return None
    return config


def _keras_seed_generator():
    """Keras's module that draws the seeds of layers built without one."""
    try:
        from keras.src.random import seed_generator
    except ImportError:  # pragma: no cover - a Keras that moved it
        return None
    return seed_generator


def op_determinism_enabled():
    """Whether TensorFlow's op determinism is on (imports TensorFlow)."""
    config = _tf_config()
    return config is not None and config.is_op_determinism_enabled()


@contextmanager
def private_keras_seeds(seed):
    """SciKeras's seeding, Keras's own seed draws from a private generator.

    SciKeras seeds Python's global ``random`` (and NumPy and TF) for a fit, and
    Keras draws from it the seeds of the layers built without one (weight
    initializers, dropout). Other threads of the process draw from the same
    generator: a Dask worker's event loop does, a hundred times a sweep, so
    the layers' seeds, and the trained network, depended on the timing of the
    worker's network traffic. A private ``random.Random(seed)`` gives Keras the
    draws the global generator gives a process that does nothing else.
    """
    from scikeras.utils.random_state import tensorflow_random_state

    seed_generator = _keras_seed_generator()
    with tensorflow_random_state(seed):
        if seed_generator is None:  # pragma: no cover
            yield
            return
        shared = seed_generator.python_random
        seed_generator.python_random = random.Random(seed)
        try:
            yield
        finally:
            seed_generator.python_random = shared


@contextmanager
def tf_determinism_restored():
    """Leave TF op determinism as it was before a SciKeras call.

    SciKeras seeds a fit with ``random_state`` inside a context that sets
    ``TF_DETERMINISTIC_OPS=1`` and only then asks TF whether determinism was
    already on. TF reads that variable once, on the first query, and caches it:
    in a fresh process the first seeded fit therefore caches "on", SciKeras
    believes determinism was enabled before it and never turns it off, and the
    next unseeded fit fails with "Random ops require a seed to be set when
    determinism is enabled". Asking before SciKeras does caches the user's real
    setting, and the ``finally`` restores it whatever SciKeras did. The whole
    call holds :data:`FIT_LOCK`: the seeds and the setting are the process's;
    and SciKeras seeds through :func:`private_keras_seeds`.
    """
    import scikeras.wrappers

    with FIT_LOCK, RETRACING_FILTER.active():
        before = op_determinism_enabled()
        seeding = scikeras.wrappers.tensorflow_random_state
        scikeras.wrappers.tensorflow_random_state = private_keras_seeds
        try:
            yield
        finally:
            scikeras.wrappers.tensorflow_random_state = seeding
            if not before and op_determinism_enabled():
                _tf_config().disable_op_determinism()
