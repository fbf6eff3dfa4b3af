"""Sweeps over the noise scale and their result tables.

:func:`noise_sweep` is :func:`sklearn.model_selection.validation_curve` for
noise studies. It clones the pipeline for every value and fold (a fresh model
each time, unlike the ConvNet notebook, which kept training one model across
scales), and computes the same train and validation scores in the same way:
the validation data go through the pipeline's own noise step (a fresh draw),
the train score uses the very noisy data the model was trained on. Its numbers
equal ``validation_curve``'s for the same seeds (a test checks this). On top, it
records per-epoch train and validation accuracy (the validation set passes
through the same noise step, fed to Keras as ``validation_data``), loss, fit
time and seed, one row per model, noise, scale and fold, and stores every
finished fit at once in a :class:`ResultStore`, so a re-run recomputes nothing
and an interrupted sweep resumes.
"""

import csv
import functools
import json
import sys
import time
import warnings
from dataclasses import dataclass, field
from numbers import Real
from pathlib import Path
from typing import NamedTuple

import keras
import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from joblib.parallel import get_active_backend
from sklearn.base import clone, is_classifier
from sklearn.metrics import log_loss
from sklearn.model_selection import check_cv
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import InvalidParameterError

from ._classifiers import _FIT_LOCK, ConvNetClassifier, MLPClassifier
from ._files import atomic_write
from ._noise import GaussianNoise, ImpulseNoise, ShotNoise, _BaseNoise
from ._preprocessing import GlobalStandardScaler
from ._store import NotReproducibleError, ResultStore, canonical, digest_arrays
from ._validation import check_same_length, check_X_shape
from .datasets import DATASETS, load_dataset

__all__ = [
    "MODELS",
    "NOISES",
    "NOTEBOOK_SCALES",
    "PROTOCOLS",
    "SweepResults",
    "make_noise",
    "make_study_pipeline",
    "matrix_from_results",
    "noise_sweep",
    "robustness_matrix",
    "run_study",
]

#: The study's models: the MLP notebook's network and the ConvNet notebook's.
MODELS = ("mlp", "convnet")
#: The noise models of :func:`make_noise`, by name.
NOISES = ("additive", "multiplicative", "speckle", "impulse", "shot")
#: Where the noise sits: on [0, 1] pixels for both models ("pixel"), or as in
#: the notebooks, after the MLP's standardisation ("notebooks").
PROTOCOLS = ("pixel", "notebooks")
#: The notebooks' noise scales, 0 (the no-noise baseline) included.
NOTEBOOK_SCALES = (0.0, 0.1, 0.5, 1.0, 2.0, 4.0)

# Columns written to results.csv, in order; results.json has these and the
# per-epoch curves.
COLUMNS = (
    "dataset",
    "model",
    "noise",
    "protocol",
    "scale",
    "pixel_scale",
    "fold",
    "train_accuracy",
    "test_accuracy",
    "train_loss",
    "test_loss",
    "epochs",
    "seed",
    "fit_time",
    "score_time",
    "n_train",
    "n_test",
    "key",
)
EPOCH_COLUMNS = (
    "epoch_train_accuracy",
    "epoch_test_accuracy",
    "epoch_train_loss",
    "epoch_test_loss",
)


# --------------------------------------------------------------------------
# The study's pipelines


def make_noise(noise="additive", scale=0.0, *, random_state=None, apply_to="both"):
    """The noise transformer of a named noise model.

    Parameters
    ----------
    noise : {"additive", "multiplicative", "speckle", "impulse", "shot"}
        ``"additive"``: ``x + N(0, s)``. ``"multiplicative"``: the ConvNet
        notebook's ``x * N(0, s)``. ``"speckle"``: ``x * N(1, s)``.
        ``"impulse"``: salt-and-pepper with amount ``s``. ``"shot"``: Poisson
        noise with ``1 / s`` photons (so larger is noisier, as for the others;
        ``s = 0`` is the identity).
    scale : float, default=0.0
        The severity.
    random_state : int or None, default=None
        Seed of the noise.
    apply_to : {"both", "train", "test"}, default="both"
        Which data get the noise.

    Returns
    -------
    transformer : GaussianNoise, ImpulseNoise or ShotNoise

    Examples
    --------
    >>> make_noise("speckle", 0.5)
    GaussianNoise(mode='multiplicative', scale=0.5)
    """
    common = {"random_state": random_state, "apply_to": apply_to}
    if noise == "additive":
        return GaussianNoise(scale=scale, **common)
    if noise == "multiplicative":
        return GaussianNoise(scale=scale, mode="multiplicative", mean=0.0, **common)
    if noise == "speckle":
        return GaussianNoise(scale=scale, mode="multiplicative", **common)
    if noise == "impulse":
        return ImpulseNoise(amount=scale, **common)
    if noise == "shot":
        return _ShotScale(scale=scale, **common)
    raise ValueError(f"The 'noise' parameter must be one of {NOISES}; got {noise!r}.")


class _ShotScale(ShotNoise):
    """ShotNoise parametrised by ``scale = 1 / photons`` (0: no noise), for sweeps."""

    _parameter_constraints: dict = {
        k: v for k, v in ShotNoise._parameter_constraints.items() if k != "photons"
    }
    _parameter_constraints["scale"] = list(
        GaussianNoise._parameter_constraints["scale"]
    )

    def __init__(self, scale=0.0, *, clip=None, apply_to="both", random_state=None):
        self.scale = scale
        self.clip = clip
        self.apply_to = apply_to
        self.random_state = random_state

    @property
    def photons(self):
        return 1.0 / self.scale if self.scale else np.inf

    def _is_identity(self):
        return self.scale == 0


def make_study_pipeline(
    model="convnet",
    noise="additive",
    *,
    scale=0.0,
    protocol="pixel",
    epochs=None,
    random_state=None,
    apply_to="both",
    **classifier_params,
):
    """The pipeline of one arm of the study: preprocessing, noise, classifier.

    Parameters
    ----------
    model : {"mlp", "convnet"}
        :class:`MLPClassifier` or :class:`ConvNetClassifier`, with the
        notebooks' defaults.
    noise : str, default="additive"
        See :func:`make_noise`.
    scale : float, default=0.0
        Noise scale (swept by :func:`noise_sweep` as ``noise__scale``).
    protocol : {"pixel", "notebooks"}, default="pixel"
        ``"pixel"``: noise on [0, 1] pixels for both models, so their scales
        agree. ``"notebooks"``: as the notebooks did, the MLP standardises its
        input (:class:`GlobalStandardScaler`) before the noise, so its scale is
        in standard deviations of the pixels.
    epochs : int or None, default=None
        Training epochs; None keeps the model's default (MLP 20, ConvNet 12).
    random_state : int or None, default=None
        Seed of the noise and of the classifier.
    apply_to : {"both", "train", "test"}, default="both"
        Which data get the noise.
    **classifier_params : dict
        More parameters of the classifier.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Steps ``["scale"], "noise", "clf"``.

    Examples
    --------
    >>> pipe = make_study_pipeline("mlp", protocol="notebooks", epochs=2)
    >>> [name for name, _ in pipe.steps], pipe["clf"].epochs
    (['scale', 'noise', 'clf'], 2)
    """
    if model not in MODELS:
        raise ValueError(
            f"The 'model' parameter must be one of {MODELS}; got {model!r}."
        )
    if protocol not in PROTOCOLS:
        raise ValueError(
            f"The 'protocol' parameter must be one of {PROTOCOLS}; got {protocol!r}."
        )
    cls = MLPClassifier if model == "mlp" else ConvNetClassifier
    if epochs is not None:
        classifier_params["epochs"] = epochs
    clf = cls(random_state=random_state, **classifier_params)
    steps = []
    if model == "mlp" and protocol == "notebooks":
        steps.append(("scale", GlobalStandardScaler()))
    steps.append(
        (
            "noise",
            make_noise(noise, scale, random_state=random_state, apply_to=apply_to),
        )
    )
    steps.append(("clf", clf))
    return Pipeline(steps)


def _noise_step(estimator):
    """(index, transformer) of the first noise step of a pipeline, or (None, None)."""
    if isinstance(estimator, Pipeline):
        for i, (_, step) in enumerate(estimator.steps):
            if isinstance(step, _BaseNoise):
                return i, step
    return None, None


def describe_noise(transformer):
    """The study's name of a noise transformer (see :func:`make_noise`)."""
    if transformer is None:
        return "none"
    if isinstance(transformer, GaussianNoise):
        if transformer.mode == "additive":
            return "additive"
        mean = 1.0 if transformer.mean is None else transformer.mean
        return "speckle" if mean == 1 else "multiplicative"
    if isinstance(transformer, ImpulseNoise):
        return "impulse"
    if isinstance(transformer, ShotNoise):
        return "shot"
    return type(transformer).__name__


def _noise_scale(transformer):
    for name in ("scale", "amount"):
        if hasattr(transformer, name):
            return float(getattr(transformer, name))
    return float("nan")


def describe_model(estimator):
    """The study's name of a pipeline's classifier: "mlp", "convnet" or its class."""
    final = estimator[-1] if isinstance(estimator, Pipeline) else estimator
    names = {MLPClassifier: "mlp", ConvNetClassifier: "convnet"}
    return names.get(type(final), type(final).__name__)


def _pixel_scale(fitted, noise_index, scale):
    """The noise scale in the units of the pipeline's input (pixels in [0, 1])."""
    factor = 1.0
    for _, step in fitted.steps[:noise_index]:
        if isinstance(step, GlobalStandardScaler):
            factor *= step.scale_
        else:
            return float("nan")
    noise = fitted.steps[noise_index][1]
    if isinstance(noise, GaussianNoise) and noise.mode == "additive":
        return scale * factor
    return scale  # multiplicative noise and impulse amounts are unit-free


# --------------------------------------------------------------------------
# The result table


@dataclass
class SweepResults:
    """The tidy result table of a sweep: one row (a dict) per fit.

    Scalar columns are listed in ``COLUMNS``; each row also holds the per-epoch
    curves (``epoch_train_accuracy``, ``epoch_test_accuracy``,
    ``epoch_train_loss``, ``epoch_test_loss``). ``n_computed`` and ``n_cached``
    count the fits trained in this run and those read from the store.

    Parameters
    ----------
    rows : list of dict, default=[]
        The rows.
    n_computed : int, default=0
        Fits trained by the run that made the table.
    n_cached : int, default=0
        Fits read from the result store by that run.
    wall_time : float, default=0.0
        Seconds the run took.

    See Also
    --------
    noise_sweep : Makes a table.
    skmnistnoise.plotting : Draws one.

    Examples
    --------
    >>> from skmnistnoise.experiment import SweepResults
    >>> results = SweepResults([
    ...     {"model": "mlp", "scale": 0.0, "fold": 0, "test_accuracy": 0.97},
    ...     {"model": "mlp", "scale": 1.0, "fold": 0, "test_accuracy": 0.61},
    ...     {"model": "convnet", "scale": 1.0, "fold": 0, "test_accuracy": 0.72},
    ... ])
    >>> len(results), results.unique("model")
    (3, ['convnet', 'mlp'])
    >>> results.column("test_accuracy", scale=1.0)
    array([0.61, 0.72])
    >>> [row["model"] for row in results.select(scale=1.0)]
    ['mlp', 'convnet']
    >>> len(results + results)
    6
    """

    rows: list = field(default_factory=list)
    n_computed: int = 0
    n_cached: int = 0
    wall_time: float = 0.0

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def select(self, **where):
        """Rows whose columns equal the given values."""
        return [r for r in self.rows if all(r.get(k) == v for k, v in where.items())]

    def column(self, name, **where):
        """One column as a numpy array, optionally of selected rows."""
        return np.asarray([r[name] for r in self.select(**where)])

    def unique(self, name):
        """Sorted distinct values of a column."""
        return sorted({r[name] for r in self.rows}, key=lambda v: (str(type(v)), v))

    def __add__(self, other):
        return SweepResults(
            _sorted_rows(self.rows + other.rows),
            self.n_computed + other.n_computed,
            self.n_cached + other.n_cached,
            self.wall_time + other.wall_time,
        )

    def to_csv(self, path):
        """Write the scalar columns (and any extra scalar ones) as CSV.

        Like :meth:`to_json`, the file is written under a temporary name and
        renamed: a killed run leaves the previous file or none, never half a
        table.
        """
        extra = sorted(
            {k for r in self.rows for k, v in r.items() if not isinstance(v, list)}
            - set(COLUMNS)
        )
        with atomic_write(path) as f:
            writer = csv.DictWriter(f, [*COLUMNS, *extra], extrasaction="ignore")
            writer.writeheader()
            writer.writerows(self.rows)

    def to_json(self, path):
        """Write every row, per-epoch curves included, as JSON."""
        with atomic_write(path) as f:
            json.dump({"rows": self.rows}, f, indent=1)

    @classmethod
    def from_json(cls, path):
        """Read a table written by :meth:`to_json`."""
        with open(path, encoding="utf-8") as f:
            return cls(json.load(f)["rows"])

    def to_frame(self):
        """The table as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame(self.rows)


def _sorted_rows(rows):
    def order(r):
        return (
            str(r.get("dataset")),
            str(r.get("model")),
            str(r.get("noise")),
            float(r.get("train_scale", r.get("scale", 0.0))),
            float(r.get("scale", 0.0)),
            int(r.get("fold", 0)),
        )

    return sorted(rows, key=order)


# --------------------------------------------------------------------------
# Progress


class Progress:
    """Progress lines a person can follow: what runs, the epoch, elapsed, ETA.

    Parameters
    ----------
    total_epochs : int
        Epochs to train in the whole run (cached fits excluded).
    stream : file-like, default=sys.stderr
        Where the lines go.
    """

    def __init__(self, total_epochs, stream=None):
        self.total_epochs = max(int(total_epochs), 1)
        self.stream = stream if stream is not None else sys.stderr
        self.done_epochs = 0
        self.start = time.perf_counter()

    @staticmethod
    def _fmt(seconds):
        seconds = int(round(seconds))
        h, rest = divmod(seconds, 3600)
        m, s = divmod(rest, 60)
        return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s"

    def _eta(self):
        elapsed = time.perf_counter() - self.start
        if not self.done_epochs:
            return elapsed, "?"
        left = elapsed / self.done_epochs * (self.total_epochs - self.done_epochs)
        return elapsed, self._fmt(max(left, 0))

    def line(self, text):
        """Write one line."""
        print(text, file=self.stream, flush=True)

    def epoch_done(self, label, epoch, epochs, logs):
        """Report one finished epoch of one fit."""
        self.done_epochs += 1
        elapsed, eta = self._eta()
        acc = logs.get("accuracy", float("nan"))
        val = logs.get("val_accuracy")  # absent without per-epoch validation
        val = "" if val is None else f"val {val:.4f}  "
        self.line(
            f"{label}  epoch {epoch}/{epochs}  acc {acc:.4f}  {val}"
            f"elapsed {self._fmt(elapsed)}  left ~{eta}"
        )

    def fit_done(self, label, row, epochs=0):
        """Report a finished fit (after parallel fits, count its epochs)."""
        self.done_epochs += epochs
        elapsed, eta = self._eta()
        self.line(
            f"{label}  done: train {row['train_accuracy']:.4f}  "
            f"test {row['test_accuracy']:.4f}  ({row['fit_time']:.1f}s)  "
            f"elapsed {self._fmt(elapsed)}  left ~{eta}"
        )


class _EpochProgress(keras.callbacks.Callback):
    def __init__(self, progress, label, epochs):
        super().__init__()
        self.progress, self.label, self.epochs = progress, label, epochs

    def on_epoch_end(self, epoch, logs=None):
        self.progress.epoch_done(self.label, epoch + 1, self.epochs, logs or {})


# --------------------------------------------------------------------------
# One fit


def _split_pipeline(estimator):
    """(preprocessing, classifier) of a pipeline; identity preprocessing otherwise."""
    if isinstance(estimator, Pipeline) and len(estimator.steps) > 1:
        return estimator[:-1], estimator[-1]
    if isinstance(estimator, Pipeline):
        return None, estimator[-1]
    return None, estimator


def _step_seeds(estimator):
    """The ``random_state`` of every step that has one."""
    steps = estimator.steps if isinstance(estimator, Pipeline) else [("", estimator)]
    params = [step.get_params(deep=False) for _, step in steps]
    return [p["random_state"] for p in params if "random_state" in p]


def _set_severity(noise, value):
    """Set a noise transformer's severity, whatever its parameter is called."""
    name = "scale" if "scale" in noise.get_params() else "amount"
    return noise.set_params(**{name: value})


def _scores_under_test_noise(fitted, X_test, y_test, test_noise, test_scales):
    """Accuracy and loss of a fitted pipeline when ``test_noise`` replaces its noise.

    The test data go through the steps before the noise step, then the test
    noise at each scale (a seeded fresh draw), then the remaining steps.
    """
    steps = fitted.steps if isinstance(fitted, Pipeline) else [("clf", fitted)]
    at, noise = _noise_step(fitted)
    at = len(steps) - 1 if at is None else at
    after = at + 1 if noise is not None else at
    X_in = X_test
    for _, step in steps[:at]:
        X_in = step.transform(X_in)
    clf = steps[-1][1]
    accuracy, loss = [], []
    for scale in test_scales:
        tn = _set_severity(clone(test_noise), scale).set_params(apply_to="both")
        Xs = tn.fit_transform(X_in)
        for _, step in steps[after:-1]:
            Xs = step.transform(Xs)
        proba = clf.predict_proba(Xs)
        accuracy.append(float(np.mean(clf.classes_[np.argmax(proba, 1)] == y_test)))
        loss.append(float(log_loss(y_test, proba, labels=clf.classes_)))
    return accuracy, loss


def _with_param(estimator, param_name, value, argument="param_range"):
    """A clone of ``estimator`` with ``param_name`` set to ``value``, validated.

    Every step's parameters are checked now, before any fit, so that a bad
    value fails the sweep at once, naming the ``argument`` it came from,
    rather than after hours of fits of the good values.
    """
    est = clone(estimator).set_params(**{param_name: value})
    steps = est.steps if isinstance(est, Pipeline) else [("", est)]
    for _, step in steps:
        if not hasattr(step, "_parameter_constraints"):
            continue
        try:
            step._validate_params()
        except InvalidParameterError as exc:
            raise InvalidParameterError(
                f"The '{argument}' value {value!r} of {param_name} is invalid: {exc}"
            ) from exc
    return est


def _check_test_scales(test_noise, test_scales):
    """Refuse a bad test scale before any fit (it is used after each fit)."""
    if len(test_scales) and test_noise is None:
        raise ValueError("test_scales needs a test_noise transformer.")
    for scale in test_scales:
        noise = _set_severity(clone(test_noise), scale)
        try:
            noise._validate_params()
        except InvalidParameterError as exc:
            raise InvalidParameterError(
                f"The 'test_scales' value {scale!r} is invalid: {exc}"
            ) from exc


def _fmt(value):
    """A swept value for a progress line."""
    return f"{value:g}" if isinstance(value, Real) else repr(value)


def _one_at_a_time(fit):
    """Run ``fit`` holding the process's Keras fit lock.

    Fits in threads of one process (a Dask worker with several threads) take
    turns anyway (see ``_classifiers._FIT_LOCK``); taking the turn before the
    clock starts keeps the wait out of ``fit_time`` and ``score_time``.
    """

    @functools.wraps(fit)
    def locked(*args, **kwargs):
        with _FIT_LOCK:
            return fit(*args, **kwargs)

    return locked


def _take_rows(a, indices):
    """``a[indices]``, as a view without a copy when the rows are a contiguous run.

    The official splits are runs (the first 60,000 rows, the last 10,000): a
    view saves MNIST-sized copies of X per fit; the values are the same.
    """
    indices = np.asarray(indices)
    if indices.ndim == 1 and indices.dtype.kind in "iu" and len(indices) > 1:
        start = int(indices[0])
        if start >= 0 and np.array_equal(
            indices, np.arange(start, start + len(indices))
        ):
            return a[start : start + len(indices)]
    return a[indices]


@_one_at_a_time
def _fit_one(
    estimator,
    X,
    y,
    train,
    test,
    labels,
    per_epoch,
    store,
    key,
    spec,
    progress,
    test_noise=None,
    test_scales=(),
):
    """Fit one clone on ``train``, score it on ``train`` and ``test``, store the row."""
    pre, clf = _split_pipeline(estimator)
    X_train, y_train, X_test, y_test = (
        _take_rows(X, train),
        _take_rows(y, train),
        _take_rows(X, test),
        _take_rows(y, test),
    )
    fit_params = {}
    if progress is not None:
        fit_params["callbacks"] = [
            _EpochProgress(progress, labels["label"], getattr(clf, "epochs", 1))
        ]
    start = time.perf_counter()
    # The same calls, in the same order, as validation_curve's: fit (the
    # training draw), then the test data through the noise step (a fresh
    # draw), then the train score on the training draw.
    Xt = X_train if pre is None else pre.fit_transform(X_train, y_train)
    Xv = None
    if per_epoch:
        Xv = X_test if pre is None else pre.transform(X_test)
        fit_params["validation_data"] = (Xv, y_test)
    clf.fit(Xt, y_train, **fit_params)
    fit_time = time.perf_counter() - start
    start = time.perf_counter()
    if Xv is None:
        Xv = X_test if pre is None else pre.transform(X_test)
    scores = {}
    for part, Xs, ys in (("test", Xv, y_test), ("train", Xt, y_train)):
        proba = clf.predict_proba(Xs)
        predicted = clf.classes_[np.argmax(proba, axis=1)]
        scores[f"{part}_accuracy"] = float(np.mean(predicted == ys))
        scores[f"{part}_loss"] = float(log_loss(ys, proba, labels=clf.classes_))
    score_time = time.perf_counter() - start
    history = getattr(clf, "history_", {})
    noise_index, noise = _noise_step(estimator)
    scale = _noise_scale(noise) if noise is not None else 0.0
    row = {k: v for k, v in labels.items() if k != "label"} | {
        "scale": scale,
        "pixel_scale": (
            _pixel_scale(estimator, noise_index, scale) if noise is not None else 0.0
        ),
        **scores,
        "epochs": int(getattr(clf, "epochs", 0) or 0),
        "fit_time": fit_time,
        "score_time": score_time,
        "n_train": int(len(train)),
        "n_test": int(len(test)),
        "key": key,
        "epoch_train_accuracy": [float(v) for v in history.get("accuracy", [])],
        "epoch_test_accuracy": [float(v) for v in history.get("val_accuracy", [])],
        "epoch_train_loss": [float(v) for v in history.get("loss", [])],
        "epoch_test_loss": [float(v) for v in history.get("val_loss", [])],
    }
    if len(test_scales):
        row["test_scales"] = [float(s) for s in test_scales]
        row["test_accuracy_at"], row["test_loss_at"] = _scores_under_test_noise(
            estimator, X_test, y_test, test_noise, test_scales
        )
    if store is not None and key is not None:
        store.put(key, row, spec)
    return row


# --------------------------------------------------------------------------
# Sweeps


def noise_sweep(
    estimator,
    X,
    y,
    *,
    param_name="noise__scale",
    param_range=NOTEBOOK_SCALES,
    cv=None,
    per_epoch=True,
    store=None,
    n_jobs=None,
    random_state=None,
    dataset="custom",
    labels=None,
    verbose=False,
    test_noise=None,
    test_scales=(),
):
    """Train and score a fresh clone of ``estimator`` for every value and fold.

    Parameters
    ----------
    estimator : estimator or Pipeline
        Usually noise step(s) then a Keras classifier, e.g.
        ``make_study_pipeline("convnet")``.
    X : array-like of shape (n_samples, n_features)
        All data; ``cv`` splits it.
    y : array-like of shape (n_samples,)
        Labels.
    param_name : str, default="noise__scale"
        The parameter to vary.
    param_range : sequence, default=(0, .1, .5, 1, 2, 4)
        Its values; scale 0 is the no-noise baseline.
    cv : int, splitter or None, default=None
        As in ``validation_curve``; ``bunch.cv`` of a loader is the official
        split, whose validation score is the notebooks' test accuracy.
    per_epoch : bool, default=True
        Record validation accuracy and loss after every epoch (the validation
        data through the pipeline's noise step, passed to Keras).
    store : ResultStore, str, path or None, default=None
        Where finished fits are kept; fits found there are not recomputed.
        Needs every step seeded (``random_state``) or the sweep's
        ``random_state``.
    n_jobs : int or None, default=None
        Fits run in parallel through joblib, whose backend decides where:
        local processes, or the workers of a Dask cluster inside
        ``joblib.parallel_config(backend="dask")``. None means what joblib's
        active configuration says, as for scikit-learn: one fit at a time by
        default, all workers of the cluster under the Dask backend. Each fit
        writes its record to ``store`` from where it runs, so the store
        belongs on a filesystem every worker shares; this process also writes
        any record it does not find there.
    random_state : int or None, default=None
        If given, sets every step's ``random_state``.
    dataset : str, default="custom"
        Name for the ``dataset`` column.
    labels : dict or None, default=None
        Extra columns for every row (e.g. ``{"protocol": "notebooks"}``);
        ``model`` and ``noise`` are filled in from the pipeline unless given.
    verbose : bool or Progress, default=False
        Progress lines on standard error: the fit, every epoch, elapsed time and
        an estimate of the time left.
    test_noise : noise transformer or None, default=None
        With ``test_scales``: after each fit, also score the test data
        corrupted by this noise at every scale of ``test_scales``, in place of
        the pipeline's own noise step (see :func:`robustness_matrix`).
    test_scales : sequence of float, default=()
        Scales of ``test_noise``; the row gets ``test_scales``,
        ``test_accuracy_at`` and ``test_loss_at``.

    Returns
    -------
    results : SweepResults
        One row per value and fold, sorted.

    Examples
    --------
    >>> from skmnistnoise.datasets import load_digits
    >>> from skmnistnoise.experiment import make_study_pipeline, noise_sweep
    >>> digits = load_digits()
    >>> pipe = make_study_pipeline("mlp", epochs=2, hidden_layer_sizes=(32,),
    ...                            random_state=0)
    >>> results = noise_sweep(pipe, digits.data, digits.target,
    ...                       param_range=[0.0, 1.0], cv=digits.cv)
    >>> first = results.rows[0]
    >>> len(results), first["scale"], len(first["epoch_test_accuracy"])
    (2, 0.0, 2)
    """
    start = time.perf_counter()
    plan = _plan_sweep(
        estimator,
        X,
        y,
        param_name=param_name,
        param_range=param_range,
        cv=cv,
        per_epoch=per_epoch,
        store=store,
        random_state=random_state,
        dataset=dataset,
        labels=labels,
        test_noise=test_noise,
        test_scales=test_scales,
    )
    if isinstance(verbose, Progress):
        progress = verbose  # shared by several sweeps: drop what was cached
        progress.total_epochs -= sum(r.get("epochs", 0) for r in plan.cached)
    else:
        progress = Progress(plan.epochs) if verbose else None
    return _run_plans([plan], n_jobs, progress, start)


class _Task(NamedTuple):
    """One fit still to run: the arguments of :func:`_fit_one` but ``progress``."""

    estimator: object
    X: np.ndarray
    y: np.ndarray
    train: np.ndarray
    test: np.ndarray
    labels: dict
    per_epoch: bool
    store: ResultStore | None
    key: str | None
    spec: dict | None
    test_noise: object
    test_scales: tuple

    def arguments(self, progress):
        """The positional arguments of ``_fit_one``.

        ``X`` and ``y`` are arguments of their own, so joblib's Dask backend
        sends them to the workers once per sweep rather than once per fit.
        """
        return (*self[:10], progress, *self[10:])


@dataclass
class _SweepPlan:
    """The fits a sweep still has to run, and the rows its store already holds."""

    tasks: list
    cached: list
    store: ResultStore | None

    @property
    def epochs(self):
        """Epochs to train in all tasks."""
        return sum(
            getattr(_split_pipeline(t.estimator)[1], "epochs", 1) for t in self.tasks
        )


def _plan_sweep(
    estimator,
    X,
    y,
    *,
    param_name,
    param_range,
    cv,
    per_epoch,
    store,
    random_state,
    dataset,
    labels,
    test_noise,
    test_scales,
):
    """Check a sweep's arguments; list its fits, reading done ones from the store."""
    X = np.asarray(X)
    y = np.asarray(y)
    _check_test_scales(test_noise, test_scales)
    check_X_shape(X, "noise_sweep", allow_nd=True)
    check_same_length(X, y)
    if isinstance(store, str | Path):
        store = ResultStore(store)
    estimator = clone(estimator)
    if random_state is not None:
        # Every step's own seed; nested ones (train_noise) derive from them.
        step_seeds = [
            k
            for k in estimator.get_params(deep=True)
            if k == "random_state"
            or (k.endswith("__random_state") and k.count("__") == 1)
        ]
        estimator.set_params(**dict.fromkeys(step_seeds, random_state))
    splits = list(check_cv(cv, y, classifier=is_classifier(estimator)).split(X, y))
    base_labels = {
        "dataset": dataset,
        "model": describe_model(estimator),
        "noise": describe_noise(_noise_step(estimator)[1]),
        "protocol": "custom",
        **(labels or {}),
    }
    seeds = _step_seeds(estimator)
    int_seeds = [s for s in seeds if isinstance(s, int)]
    base_labels.setdefault("seed", int_seeds[-1] if int_seeds else None)

    if store is not None and any(s is None for s in seeds):
        warnings.warn(
            "Results are not stored: some steps have random_state=None, so a "
            "re-run would not give the same numbers. Seed them, or pass "
            "random_state to the sweep.",
            stacklevel=3,
        )
        store = None
    data_digest = digest_arrays(X, y) if store is not None else None

    tasks, cached = [], []
    for value in param_range:
        est = _with_param(estimator, param_name, value)
        for fold, (train, test) in enumerate(splits):
            key = spec = None
            if store is not None:
                try:
                    spec = {
                        "dataset": data_digest,
                        "estimator": canonical(est),
                        "train": digest_arrays(train),
                        "test": digest_arrays(test),
                        "per_epoch": per_epoch,
                    }
                    if len(test_scales):
                        spec["test_noise"] = canonical(test_noise)
                        spec["test_scales"] = canonical(list(test_scales))
                except NotReproducibleError as exc:
                    warnings.warn(f"Fit not stored: {exc}", stacklevel=3)
                else:
                    key = store.key(spec)
                    row = store.get(key)
                    if row is not None:
                        cached.append(row)
                        continue
            label = (
                f"{base_labels['model']} {base_labels['noise']} "
                f"{param_name}={_fmt(value)} fold {fold + 1}/{len(splits)}"
            )
            labels_row = {**base_labels, "fold": fold, "label": label}
            tasks.append(
                _Task(
                    est,
                    X,
                    y,
                    train,
                    test,
                    labels_row,
                    per_epoch,
                    store,
                    key,
                    spec,
                    test_noise,
                    test_scales,
                )
            )
    return _SweepPlan(tasks, cached, store)


def _fits_in_parallel(n_jobs, n_tasks):
    """Whether to hand the fits to joblib.

    ``n_jobs=None`` means what joblib's active configuration says: one at a
    time by default, but every worker of a cluster inside
    ``joblib.parallel_config(backend="dask")`` (whose default is -1), as
    scikit-learn's own ``n_jobs=None`` does.
    """
    return n_tasks > 1 and n_jobs != 1 and effective_n_jobs(n_jobs) != 1


def _on_every_worker(tasks):
    """The tasks, their arrays copied to every worker first under joblib's Dask backend.

    joblib's Dask backend sends a large argument to one worker, where the others
    fetch it when they need it. If that worker dies before they have, the data
    are lost and every fit that needs them fails ("lost scattered data"). Copies
    on every worker survive the death of any one, so the scheduler can re-run
    its fits elsewhere. Other backends get the tasks unchanged.
    """
    backend, _ = get_active_backend()
    if type(backend).__name__ != "DaskDistributedBackend":
        return tasks
    arrays = {}
    for task in tasks:
        for array in (task.X, task.y, task.train, task.test):
            arrays.setdefault(id(array), array)
    futures = backend.client.scatter(list(arrays.values()), broadcast=True, hash=False)
    copies = dict(zip(arrays, futures))
    return [
        task._replace(
            X=copies[id(task.X)],
            y=copies[id(task.y)],
            train=copies[id(task.train)],
            test=copies[id(task.test)],
        )
        for task in tasks
    ]


def _run_plans(plans, n_jobs, progress, start):
    """Run the fits of several sweeps in one go; their rows as SweepResults."""
    tasks = [task for plan in plans for task in plan.tasks]
    rows = [row for plan in plans for row in plan.cached]
    n_cached = len(rows)
    if progress is not None and n_cached:
        where = ", ".join(sorted({str(p.store.path) for p in plans if p.cached}))
        progress.line(f"{n_cached} fit(s) read from {where}, {len(tasks)} to train")
    if not _fits_in_parallel(n_jobs, len(tasks)):
        for task in tasks:
            rows.append(_fit_one(*task.arguments(progress)))
    else:
        stored = {t.key: t for t in tasks if t.key is not None}
        jobs = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
            delayed(_fit_one)(*task.arguments(None)) for task in _on_every_worker(tasks)
        )
        for row in jobs:
            rows.append(row)
            task = stored.get(row["key"])
            if task is not None and task.store.get(task.key) is None:
                # A worker on another machine writes to its own disk when the
                # store is not on a shared filesystem: keep this one complete.
                task.store.put(task.key, row, task.spec)
            if progress is not None:
                progress.fit_done(
                    f"{row['model']} {row['noise']} scale={row['scale']:g} "
                    f"fold {row['fold'] + 1}",
                    row,
                    row["epochs"],
                )
    return SweepResults(
        _sorted_rows(rows),
        n_computed=len(tasks),
        n_cached=n_cached,
        wall_time=time.perf_counter() - start,
    )


def run_study(
    *,
    models=MODELS,
    noises=("additive",),
    arms=None,
    scales=NOTEBOOK_SCALES,
    dataset="digits",
    data_home=None,
    protocol="pixel",
    epochs=None,
    random_state=0,
    store=None,
    n_jobs=None,
    per_epoch=True,
    verbose=False,
    data=None,
    cv=None,
    **classifier_params,
):
    """Run the noise study: every model against every noise over the scales.

    Parameters
    ----------
    models : sequence of {"mlp", "convnet"}, default=("mlp", "convnet")
        The classifiers.
    noises : sequence of str, default=("additive",)
        Noise models, see :func:`make_noise`.
    arms : sequence of (model, noise) or None, default=None
        The pairs to run, e.g. the notebooks' ``[("mlp", "additive"),
        ("convnet", "additive"), ("convnet", "multiplicative")]``; None: every
        model with every noise.
    scales : sequence of float, default=(0, .1, .5, 1, 2, 4)
        Noise scales; 0 is the no-noise baseline.
    dataset : {"digits", "mnist", "fashion-mnist"}, default="digits"
        The data, with its official train/test split.
    data_home : str or path-like, default=None
        Folder of the MNIST files.
    protocol : {"pixel", "notebooks"}, default="pixel"
        See :func:`make_study_pipeline`.
    epochs : int or None, default=None
        Training epochs; None keeps the notebooks' 20 (MLP) and 12 (ConvNet).
    random_state : int or None, default=0
        Seed of every noise draw and every network.
    store : ResultStore, str, path or None, default=None
        Finished fits are kept there and never recomputed.
    n_jobs : int or None, default=None
        Fits in parallel, as in :func:`noise_sweep`; the fits of all arms go
        to joblib together, so on a cluster no arm waits for another.
    per_epoch : bool, default=True
        Record per-epoch validation curves.
    verbose : bool, default=False
        Progress lines on standard error.
    data : Bunch or None, default=None
        Already loaded data (``data``, ``target``, ``cv``, ``name``) instead of
        ``dataset``.
    cv : int, splitter or None, default=None
        Cross-validation; None: the dataset's official train/test split.
    **classifier_params : dict
        More classifier parameters (e.g. ``batch_size``).

    Returns
    -------
    results : SweepResults
        All rows of all arms.

    See Also
    --------
    noise_sweep : One arm, any pipeline.
    skmnistnoise.report.write_report : A report of the results.

    Examples
    --------
    >>> from skmnistnoise.experiment import run_study
    >>> results = run_study(models=["mlp"], noises=["additive", "speckle"],
    ...                     scales=[0, 1], epochs=1, hidden_layer_sizes=(16,),
    ...                     random_state=0)
    >>> len(results), results.unique("noise"), results.unique("dataset")
    (4, ['additive', 'speckle'], ['digits'])
    """
    if data is None and dataset not in DATASETS:
        raise ValueError(
            f"The 'dataset' parameter must be one of {DATASETS}; got {dataset!r}."
        )
    bunch = data if data is not None else load_dataset(dataset, data_home=data_home)
    name = getattr(bunch, "name", dataset)
    if isinstance(store, str | Path):
        store = ResultStore(store)
    arms = [(m, n) for m in models for n in noises] if arms is None else list(arms)
    cv = bunch.cv if cv is None else cv
    start = time.perf_counter()
    plans = []
    for model, noise in arms:
        pipe = make_study_pipeline(
            model,
            noise,
            protocol=protocol,
            epochs=epochs,
            random_state=random_state,
            **classifier_params,
        )
        plans.append(
            _plan_sweep(
                pipe,
                bunch.data,
                bunch.target,
                param_name="noise__scale",
                param_range=scales,
                cv=cv,
                per_epoch=per_epoch,
                store=store,
                random_state=None,
                dataset=name,
                labels={"protocol": protocol, "noise": noise},
                test_noise=None,
                test_scales=(),
            )
        )
    # All arms' fits in one joblib call: on a cluster no arm waits for another.
    progress = Progress(sum(p.epochs for p in plans)) if verbose else None
    return _run_plans(plans, n_jobs, progress, start)


def robustness_matrix(
    estimator,
    X,
    y,
    *,
    train_scales=NOTEBOOK_SCALES,
    test_scales=NOTEBOOK_SCALES,
    param_name="noise__scale",
    test_noise=None,
    cv=None,
    store=None,
    n_jobs=None,
    random_state=None,
    dataset="custom",
    labels=None,
    per_epoch=False,
    verbose=False,
):
    """Accuracy of models trained at every train scale, tested at every test scale.

    One model is trained per train scale and fold, with the pipeline's noise
    step (the ``param_name`` it varies) applied to the training data only;
    each is then scored on the test data under ``test_noise`` at every test
    scale, inserted where the pipeline's noise step sits. Training costs one
    fit per train scale, the matrix's columns only predictions.

    Parameters
    ----------
    estimator : Pipeline
        E.g. ``make_study_pipeline("convnet", "additive")``; its noise step is
        set to ``apply_to="train"``. A pipeline without a noise step (noise in
        the classifier's ``train_noise``) gets the test noise right before the
        classifier.
    X, y : array-like
        All data; ``cv`` splits it.
    train_scales, test_scales : sequence of float, default=(0, .1, .5, 1, 2, 4)
        The rows and columns of the matrix.
    param_name : str, default="noise__scale"
        The parameter that sets the training noise.
    test_noise : noise transformer or None, default=None
        The test noise; None: the same kind as the pipeline's noise step (or
        additive Gaussian), seeded like the sweep.
    cv, store, n_jobs, random_state, dataset, labels, per_epoch, verbose
        As in :func:`noise_sweep`.

    Returns
    -------
    results : SweepResults
        One row per train scale and fold, with ``test_scales`` and
        ``test_accuracy_at``; :func:`matrix_from_results` makes the matrix.

    Examples
    --------
    >>> from skmnistnoise.datasets import load_digits
    >>> digits = load_digits()
    >>> pipe = make_study_pipeline("mlp", epochs=2, hidden_layer_sizes=(32,))
    >>> results = robustness_matrix(pipe, digits.data, digits.target,
    ...                             train_scales=[0, 1], test_scales=[0, .5, 1],
    ...                             cv=digits.cv, random_state=0)
    >>> train, test, accuracy = matrix_from_results(results)
    >>> accuracy.shape
    (2, 3)
    """
    for value in train_scales:
        _with_param(estimator, param_name, value, argument="train_scales")
    estimator = clone(estimator)
    _, noise = _noise_step(estimator)
    if noise is not None:
        noise.set_params(apply_to="train")
    if test_noise is None:
        test_noise = make_noise(
            describe_noise(noise) if noise is not None else "additive"
        )
    test_noise = clone(test_noise)
    seed = random_state
    if seed is None and noise is not None:
        seed = noise.random_state
    if seed is not None:
        test_noise.set_params(random_state=seed)
    return noise_sweep(
        estimator,
        X,
        y,
        param_name=param_name,
        param_range=train_scales,
        cv=cv,
        per_epoch=per_epoch,
        store=store,
        n_jobs=n_jobs,
        random_state=random_state,
        dataset=dataset,
        labels={"experiment": "matrix", **(labels or {})},
        verbose=verbose,
        test_noise=test_noise,
        test_scales=test_scales,
    )


def matrix_from_results(results, **where):
    """Train scales, test scales and the accuracy matrix (mean over folds).

    Parameters
    ----------
    results : SweepResults
        From :func:`robustness_matrix`.
    **where : dict
        Select rows first (e.g. ``model="convnet"``).

    Returns
    -------
    train_scales : ndarray of shape (n_train,)
    test_scales : ndarray of shape (n_test,)
    accuracy : ndarray of shape (n_train, n_test)

    Examples
    --------
    >>> from skmnistnoise.experiment import SweepResults, matrix_from_results
    >>> rows = [{"model": "mlp", "scale": s, "fold": f, "test_scales": [0.0, 1.0],
    ...          "test_accuracy_at": acc}
    ...         for s, f, acc in [(0.0, 0, [0.98, 0.40]), (0.0, 1, [0.96, 0.42]),
    ...                           (1.0, 0, [0.93, 0.80])]]
    >>> train, test, accuracy = matrix_from_results(SweepResults(rows))
    >>> train.tolist(), test.tolist()
    ([0.0, 1.0], [0.0, 1.0])
    >>> accuracy.round(2).tolist()  # mean over the folds
    [[0.97, 0.41], [0.93, 0.8]]
    """
    rows = [r for r in results.select(**where) if "test_accuracy_at" in r]
    if not rows:
        raise ValueError("No rows with test_accuracy_at: run robustness_matrix first.")
    train_scales = np.asarray(sorted({r["scale"] for r in rows}))
    test_scales = np.asarray(rows[0]["test_scales"])
    accuracy = np.asarray(
        [
            np.mean([r["test_accuracy_at"] for r in rows if r["scale"] == s], axis=0)
            for s in train_scales
        ]
    )
    return train_scales, test_scales, accuracy
