"""One fit of a sweep, scored: a clone trained on one split, its row of results.

:func:`_fit_one` is what a sweep hands to joblib (and so to a Dask worker)
for each fit: a :class:`Task` (the estimator, its labels, how to score it,
where to store the row) and the data's split. It fits the clone the way
:func:`sklearn.model_selection.validation_curve` does, in the same calls and
the same order, so that its test scores equal ``validation_curve``'s bit for
bit; on top, it records the loss, per-epoch curves of a Keras classifier, the
time taken and the machine, and stores the row at once.

Nothing here imports TensorFlow: a Keras classifier is recognised by
:func:`~skmnistnoise._keras_runtime.is_keras_estimator`, and its fit takes the
process's :data:`~skmnistnoise._keras_runtime.FIT_LOCK` before the clock starts.
"""

import functools
import time
from contextlib import nullcontext
from dataclasses import dataclass
from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.metrics import log_loss
from sklearn.pipeline import Pipeline

from ._environment import cpu_description
from ._frameworks import frameworks_seeded, is_torch_estimator
from ._keras_runtime import FIT_LOCK, is_keras_estimator
from ._progress import epoch_callback
from ._registry import noise_scale, noise_step, pixel_scale, set_severity
from ._store import ResultStore

__all__ = ["Scoring", "Task", "cpu", "epochs_of", "final_step"]


@dataclass(frozen=True)
class Scoring:
    """How every fit of a sweep is scored, shared by its tasks."""

    scorers: dict  # score name -> scorer(estimator, X, y)
    per_epoch: bool
    test_noise: object = None
    test_scales: tuple = ()


@dataclass(frozen=True)
class Task:
    """One fit still to run, without its data (sent to workers apart, once)."""

    estimator: object
    labels: dict
    label: str
    scoring: Scoring
    store: ResultStore | None = None
    key: str | None = None
    spec: dict | None = None
    cached: dict | None = None  # reuse=True: the stored row, if there is one
    seed: int | None = None  # seeds the frameworks random_state does not reach


def final_step(estimator):
    """The classifier of a pipeline (its last step), or the estimator itself."""
    return estimator[-1] if isinstance(estimator, Pipeline) else estimator


def epochs_of(estimator):
    """Epochs one fit of ``estimator`` trains (1 for a classifier without epochs).

    ``epochs`` of the Keras classifiers, ``max_epochs`` of a skorch net.
    """
    final = final_step(estimator)
    epochs = getattr(final, "epochs", getattr(final, "max_epochs", 1))
    return int(epochs) if isinstance(epochs, Integral) else 1


def _epochs_trained(clf, keras, torch):
    """The epochs column of a row: a network's epochs, else 0."""
    if keras:
        return int(getattr(clf, "epochs", 0) or 0)
    if torch:
        return len(clf.history)
    return 0


@functools.cache
def cpu():
    """This machine's CPU, as the rows record it (asked once per process)."""
    return cpu_description()


def _fit_lock(clf):
    """The process's Keras fit lock for a Keras classifier, else no lock.

    Keras fits in threads of one process (a Dask worker with several
    threads) take turns anyway (see ``_keras_runtime.FIT_LOCK``); taking the
    turn before the clock starts keeps the wait out of ``fit_time`` and
    ``score_time``.
    """
    return FIT_LOCK if is_keras_estimator(clf) else nullcontext()


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


def _split(estimator):
    """(preprocessing or None, final step) of a pipeline, sharing its steps."""
    if isinstance(estimator, Pipeline) and len(estimator.steps) > 1:
        return estimator[:-1], estimator[-1]
    return None, final_step(estimator)


def _scores_under_test_noise(fitted, X_test, y_test, test_noise, test_scales):
    """Accuracy and loss of a fitted pipeline when ``test_noise`` replaces its noise.

    The test data go through the steps before the noise step, then the test
    noise at each scale (a seeded fresh draw), then the remaining steps.
    """
    steps = fitted.steps if isinstance(fitted, Pipeline) else [("clf", fitted)]
    at, noise = noise_step(fitted)
    at = len(steps) - 1 if at is None else at
    after = at + 1 if noise is not None else at
    X_in = X_test
    for _, step in steps[:at]:
        X_in = step.transform(X_in)
    clf = steps[-1][1]
    accuracy, loss = [], []
    for scale in test_scales:
        tn = set_severity(clone(test_noise), scale).set_params(apply_to="both")
        Xs = tn.fit_transform(X_in)
        for _, step in steps[after:-1]:
            Xs = step.transform(Xs)
        accuracy.append(float(np.mean(clf.predict(Xs) == y_test)))
        if hasattr(clf, "predict_proba"):
            loss.append(
                float(log_loss(y_test, clf.predict_proba(Xs), labels=clf.classes_))
            )
    return accuracy, loss or None


# What the sweeps hand to joblib, under this name: it is in the Dask task keys
# of the fits ("batch_of__fit_one_4_calls"), which Dask's dashboard shows and
# tests/test_cluster.py counts.
def _fit_one(task, X, y, train, test, progress=None):
    """Fit one clone on ``train``, score it on ``train`` and ``test``, store the row.

    Parameters
    ----------
    task : Task
        The estimator (a clone, fitted in place), its labels and scoring.
    X, y : ndarray
        All data of the sweep.
    train, test : array-like of int
        The rows of the split.
    progress : Progress or None, default=None
        Where to report the epochs and the finished fit.

    Returns
    -------
    row : dict
        The fit's row of results, as stored.
    """
    # A torch model's generator seeded from the fit's start, and put back
    # after its scores (which draw from it too).
    with _fit_lock(final_step(task.estimator)):
        with frameworks_seeded(task.estimator, task.seed):
            return _fit_and_score(task, X, y, train, test, progress)


def _fit_and_score(task, X, y, train, test, progress):
    estimator, scoring = task.estimator, task.scoring
    pre, clf = _split(estimator)
    X_train, y_train = _take_rows(X, train), _take_rows(y, train)
    X_test, y_test = _take_rows(X, test), _take_rows(y, test)
    keras = is_keras_estimator(clf)
    torch = is_torch_estimator(clf) and hasattr(clf, "history")  # skorch
    fit_params = {}
    if keras and progress is not None:
        callback = epoch_callback(progress, task.label, epochs_of(clf))
        fit_params["callbacks"] = [callback]
    start = time.perf_counter()
    # The same calls, in the same order, as validation_curve's: fit (the
    # training draw), the test data through the noise step (a fresh draw),
    # then the train score on the training draw.
    Xt = X_train if pre is None else pre.fit_transform(X_train, y_train)
    Xv = None
    if (keras or torch) and scoring.per_epoch:
        Xv = X_test if pre is None else pre.transform(X_test)
    if keras and scoring.per_epoch:
        fit_params["validation_data"] = (Xv, y_test)
    if torch and scoring.per_epoch:
        from ._skorch_epochs import with_epoch_scores

        with_epoch_scores(clf, {"train": (Xt, y_train), "test": (Xv, y_test)})
    clf.fit(Xt, y_train, **fit_params)
    fit_time = time.perf_counter() - start
    start = time.perf_counter()
    if Xv is None:
        Xv = X_test if pre is None else pre.transform(X_test)
    scores = {}
    for part, Xs, ys in (("test", Xv, y_test), ("train", Xt, y_train)):
        for name, scorer in scoring.scorers.items():
            scores[f"{part}_{name}"] = float(scorer(clf, Xs, ys))
    if hasattr(clf, "predict_proba"):
        for part, Xs, ys in (("test", Xv, y_test), ("train", Xt, y_train)):
            proba = clf.predict_proba(Xs)
            scores[f"{part}_loss"] = float(log_loss(ys, proba, labels=clf.classes_))
    score_time = time.perf_counter() - start
    history = getattr(clf, "history_", None) if keras else None
    history = history or {}
    epochs = {
        "epoch_train_accuracy": [float(v) for v in history.get("accuracy", [])],
        "epoch_test_accuracy": [float(v) for v in history.get("val_accuracy", [])],
        "epoch_train_loss": [float(v) for v in history.get("loss", [])],
        "epoch_test_loss": [float(v) for v in history.get("val_loss", [])],
    }
    if torch:
        from ._skorch_epochs import epoch_columns

        epochs = epoch_columns(clf)
    at, noise = noise_step(estimator)
    scale = noise_scale(noise) if noise is not None else 0.0
    row = {
        **task.labels,
        "scale": scale,
        "pixel_scale": pixel_scale(estimator, at, scale) if noise is not None else 0.0,
        **scores,
        "epochs": _epochs_trained(clf, keras, torch),
        "fit_time": fit_time,
        "score_time": score_time,
        "n_train": int(len(train)),
        "n_test": int(len(test)),
        "n_classes": int(len(getattr(clf, "classes_", ()))) or None,
        "cpu": cpu(),
        "key": task.key,
        **epochs,
    }
    if len(scoring.test_scales):
        row["test_scales"] = [float(s) for s in scoring.test_scales]
        accuracy, loss = _scores_under_test_noise(
            estimator, X_test, y_test, scoring.test_noise, scoring.test_scales
        )
        row["test_accuracy_at"] = accuracy
        if loss is not None:
            row["test_loss_at"] = loss
    if task.store is not None and task.key is not None:
        task.store.put(task.key, row, task.spec)
    if progress is not None and not keras:
        progress.fit_done(
            task.label, row, epochs_of(clf), score=next(iter(scoring.scorers))
        )
    return row
