"""Sweeps over the noise scale: :func:`noise_sweep`, :func:`run_study`, the matrix.

:func:`noise_sweep` is :func:`sklearn.model_selection.validation_curve` for
noise studies, for any scikit-learn classifier. It clones the pipeline for
every value, seed and fold (a fresh model each time, unlike the ConvNet
notebook, which kept training one model across scales), and scores it the way
``validation_curve`` does: fit on the training part, the validation data
through the pipeline's own noise step (a fresh draw), the train score on the
very noisy data the model was trained on; for the same seeds its test scores
equal ``validation_curve``'s bit for bit (``tests/test_sweep.py``). On top, it
records the loss where the classifier has ``predict_proba``, per-epoch train
and validation curves where the classifier is a Keras one (SciKeras), fit
time and seed, one row per fit, and stores every finished fit at once in a
:class:`~skmnistnoise._store.ResultStore`, so a re-run recomputes nothing and
an interrupted sweep resumes.
"""

import functools
import inspect
import os
import sys
import time
import warnings
from contextlib import nullcontext
from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.base import clone, is_classifier
from sklearn.metrics import check_scoring, get_scorer_names, log_loss
from sklearn.model_selection import check_cv
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.multiclass import type_of_target

from ._environment import cpu_description
from ._progress import Progress, epoch_callback
from ._registry import (
    MODELS,
    NOISES,
    NOTEBOOK_SCALES,
    PROTOCOLS,
    SEVERITIES,
    describe_model,
    describe_noise,
    make_noise,
    make_study_pipeline,
    noise_scale,
    noise_step,
    pixel_scale,
    set_severity,
    severity_scale,
)
from ._results import EPOCH_COLUMNS, SweepResults, _row_order
from ._store import NotReproducibleError, ResultStore, canonical, digest_arrays
from ._validation import check_same_length, check_X_shape
from .datasets import DATASETS, load_dataset

__all__ = ["noise_sweep", "robustness_matrix", "run_study"]

_SEED = [Interval(Integral, 0, None, closed="left"), None]
_SCORING = [StrOptions(set(get_scorer_names())), callable, list, tuple, dict, None]
_STORE = [ResultStore, str, os.PathLike, None]


def _validated(constraints):
    """Check a function's arguments with scikit-learn's constraints, as
    ``sklearn.utils._param_validation.validate_params`` does, but without its
    renaming of the errors raised inside: a bad pipeline parameter found while
    planning keeps the name of the estimator it belongs to."""

    def decorator(func):
        signature = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            params = {k: v for k, v in bound.arguments.items() if k in constraints}
            validate_parameter_constraints(
                constraints, params, caller_name=func.__qualname__
            )
            return func(*args, **kwargs)

        return wrapper

    return decorator


# --------------------------------------------------------------------------
# What one fit needs


@dataclass(frozen=True)
class _Scoring:
    """How every fit of a sweep is scored, shared by its tasks."""

    scorers: dict  # score name -> scorer(estimator, X, y)
    per_epoch: bool
    test_noise: object = None
    test_scales: tuple = ()


@dataclass(frozen=True)
class _Task:
    """One fit still to run, without its data (sent to workers apart, once)."""

    estimator: object
    labels: dict
    label: str
    scoring: _Scoring
    store: ResultStore | None = None
    key: str | None = None
    spec: dict | None = None
    cached: dict | None = None  # reuse=True: the stored row, if there is one


@dataclass
class _Plan:
    """The fits a sweep still has to run, and the rows its store already holds."""

    X: np.ndarray
    y: np.ndarray
    tasks: list = field(default_factory=list)  # (task, train, test)
    cached: list = field(default_factory=list)
    store: ResultStore | None = None

    @property
    def epochs(self):
        """Epochs to train in all tasks (1 per fit of a non-Keras classifier)."""
        return sum(_epochs(task.estimator) for task, _, _ in self.tasks)


def _final(estimator):
    return estimator[-1] if isinstance(estimator, Pipeline) else estimator


def _epochs(estimator):
    epochs = getattr(_final(estimator), "epochs", 1)
    return int(epochs) if isinstance(epochs, Integral) else 1


def _is_keras(clf):
    """Whether ``clf`` is a SciKeras wrapper (takes validation_data and callbacks)."""
    wrappers = sys.modules.get("scikeras.wrappers")
    return wrappers is not None and isinstance(clf, wrappers.BaseWrapper)


def _fit_lock():
    """The process's Keras fit lock, if Keras classifiers are loaded.

    Fits in threads of one process (a Dask worker with several threads) take
    turns anyway (see ``_classifiers._FIT_LOCK``); taking the turn before the
    clock starts keeps the wait out of ``fit_time`` and ``score_time``.
    """
    classifiers = sys.modules.get(f"{__package__}._classifiers")
    return nullcontext() if classifiers is None else classifiers._FIT_LOCK


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
    return None, _final(estimator)


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


@functools.cache
def _cpu():
    return cpu_description()


def _fit_one(task, X, y, train, test, progress=None):
    """Fit one clone on ``train``, score it on ``train`` and ``test``, store the row."""
    with _fit_lock():
        return _fit_and_score(task, X, y, train, test, progress)


def _fit_and_score(task, X, y, train, test, progress):
    estimator, scoring = task.estimator, task.scoring
    pre, clf = _split(estimator)
    X_train, y_train = _take_rows(X, train), _take_rows(y, train)
    X_test, y_test = _take_rows(X, test), _take_rows(y, test)
    keras = _is_keras(clf)
    fit_params = {}
    if keras and progress is not None:
        fit_params["callbacks"] = [epoch_callback(progress, task.label, _epochs(clf))]
    start = time.perf_counter()
    # The same calls, in the same order, as validation_curve's: fit (the
    # training draw), the test data through the noise step (a fresh draw),
    # then the train score on the training draw.
    Xt = X_train if pre is None else pre.fit_transform(X_train, y_train)
    Xv = None
    if keras and scoring.per_epoch:
        Xv = X_test if pre is None else pre.transform(X_test)
        fit_params["validation_data"] = (Xv, y_test)
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
    at, noise = noise_step(estimator)
    scale = noise_scale(noise) if noise is not None else 0.0
    row = {
        **task.labels,
        "scale": scale,
        "pixel_scale": pixel_scale(estimator, at, scale) if noise is not None else 0.0,
        **scores,
        "epochs": int(getattr(clf, "epochs", 0) or 0) if keras else 0,
        "fit_time": fit_time,
        "score_time": score_time,
        "n_train": int(len(train)),
        "n_test": int(len(test)),
        "n_classes": int(len(getattr(clf, "classes_", ()))) or None,
        "cpu": _cpu(),
        "key": task.key,
        "epoch_train_accuracy": [float(v) for v in history.get("accuracy", [])],
        "epoch_test_accuracy": [float(v) for v in history.get("val_accuracy", [])],
        "epoch_train_loss": [float(v) for v in history.get("loss", [])],
        "epoch_test_loss": [float(v) for v in history.get("val_loss", [])],
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
        progress.fit_done(task.label, row, 1, score=next(iter(scoring.scorers)))
    return row


# --------------------------------------------------------------------------
# Planning: checks, clones, keys


def _with_param(estimator, param_name, value, argument="param_range"):
    """A clone of ``estimator`` with ``param_name`` set to ``value``, validated.

    Every step's parameters are checked now, before any fit, so that a bad
    value fails the sweep at once, naming the ``argument`` it came from,
    rather than after hours of fits of the good values.
    """
    try:
        est = clone(estimator).set_params(**{param_name: value})
    except ValueError as exc:  # an unknown parameter name
        raise InvalidParameterError(
            f"The 'param_name' parameter {param_name!r} is not a parameter of "
            f"the estimator: {exc}"
        ) from None
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
        noise = set_severity(clone(test_noise), scale)
        try:
            noise._validate_params()
        except InvalidParameterError as exc:
            raise InvalidParameterError(
                f"The 'test_scales' value {scale!r} is invalid: {exc}"
            ) from exc


def _check_Xy(X, y):
    """X and y as arrays, refusing what no noise sweep can use, naming it."""
    if hasattr(X, "tocsr") or hasattr(X, "toarray"):
        raise TypeError(
            "noise_sweep got a sparse matrix X: noise makes every pixel nonzero, "
            "so a sweep needs a dense array; pass X.toarray()."
        )
    X = np.asarray(X)
    y = np.asarray(y)
    check_X_shape(X, "noise_sweep", allow_nd=True)
    check_same_length(X, y)
    target = type_of_target(y)
    if target in ("multilabel-indicator", "multiclass-multioutput"):
        raise ValueError(
            f"noise_sweep got y of shape {y.shape} ({target}): it needs one class "
            "label per sample; for one-hot labels pass y.argmax(axis=1)."
        )
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    return X, y


def _scorers(estimator, scoring):
    """Score name -> scorer, as ``validation_curve`` resolves ``scoring``."""
    if scoring is None:
        return {"accuracy": check_scoring(estimator)}  # the estimator's own score
    if isinstance(scoring, str):
        return {scoring: check_scoring(estimator, scoring)}
    if callable(scoring):
        return {"score": check_scoring(estimator, scoring)}
    if isinstance(scoring, dict):
        return {str(k): check_scoring(estimator, v) for k, v in scoring.items()}
    names = list(scoring)
    if not names or len(set(names)) != len(names):
        raise InvalidParameterError(
            f"The 'scoring' parameter must be a non-empty list of distinct scorer "
            f"names; got {scoring!r}."
        )
    return {name: check_scoring(estimator, name) for name in names}


def _seeded(estimator, seed):
    """``estimator`` with every step's own ``random_state`` set to ``seed``."""
    step_seeds = [
        k
        for k in estimator.get_params(deep=True)
        if k == "random_state" or (k.endswith("__random_state") and k.count("__") == 1)
    ]
    return estimator.set_params(**dict.fromkeys(step_seeds, seed))


def _step_seeds(estimator):
    """The ``random_state`` of every step that has one."""
    steps = estimator.steps if isinstance(estimator, Pipeline) else [("", estimator)]
    params = [step.get_params(deep=False) for _, step in steps]
    return [p["random_state"] for p in params if "random_state" in p]


def _fmt(value):
    """A swept value for a progress line."""
    return f"{value:g}" if isinstance(value, Real) else repr(value)


def _plan(
    estimator,
    X,
    y,
    *,
    param_name,
    param_range,
    cv,
    scoring,
    per_epoch,
    store,
    seeds,
    dataset,
    labels,
    test_noise=None,
    test_scales=(),
    warn_level=4,
    reuse=False,
):
    """List a sweep's fits, reading those done from the store.

    With ``reuse`` every fit is listed, its stored row (if any) attached: a
    chain of fits of one model is resumed from its last stored state.
    """
    X, y = _check_Xy(X, y)
    _check_test_scales(test_noise, test_scales)
    if isinstance(store, str | os.PathLike):
        store = ResultStore(store)
    estimator = clone(estimator)
    splits = list(check_cv(cv, y, classifier=is_classifier(estimator)).split(X, y))
    settings = _Scoring(
        _scorers(estimator, scoring), bool(per_epoch), test_noise, tuple(test_scales)
    )
    base = {
        "dataset": dataset,
        "model": describe_model(estimator),
        "noise": describe_noise(noise_step(estimator)[1]),
        "protocol": "custom",
        "param_name": param_name,
        **(labels or {}),
    }
    data_digest = None
    # What a stored row must hold to be this sweep's: its scores.
    required = (
        "scale",
        *(f"{part}_{name}" for name in settings.scorers for part in ("train", "test")),
    )
    plan = _Plan(X, y, store=store)
    for seed in seeds:
        seeded = estimator if seed is None else _seeded(clone(estimator), seed)
        step_seeds = _step_seeds(seeded)
        int_seeds = [s for s in step_seeds if isinstance(s, Integral)]
        seed_label = (
            seed if seed is not None else (int_seeds[-1] if int_seeds else None)
        )
        keep = store
        if store is not None and any(s is None for s in step_seeds):
            warnings.warn(
                "Results are not stored: some steps have random_state=None, so a "
                "re-run would not give the same numbers. Seed them, or pass "
                "random_state (or seeds) to the sweep.",
                stacklevel=warn_level,
            )
            keep = None
        if keep is not None and data_digest is None:
            data_digest = digest_arrays(X, y)
        for index, value in enumerate(param_range):
            est = _with_param(seeded, param_name, value)
            for fold, (train, test) in enumerate(splits):
                row_labels = {
                    **base,
                    "param_value": value
                    if isinstance(value, Real | str)
                    else repr(value),
                    "seed": seed_label,
                    "fold": fold,
                }
                key = spec = cached = None
                if keep is not None:
                    try:
                        spec = {
                            "dataset": data_digest,
                            "estimator": canonical(est),
                            "train": digest_arrays(train),
                            "test": digest_arrays(test),
                            "per_epoch": bool(per_epoch),
                        }
                        if scoring is not None:
                            spec["scoring"] = canonical(scoring)
                        if len(test_scales):
                            spec["test_noise"] = canonical(test_noise)
                            spec["test_scales"] = canonical(list(test_scales))
                        if reuse:  # what the model was trained on before
                            spec["reuse"] = canonical(list(param_range[: index + 1]))
                    except NotReproducibleError as exc:
                        warnings.warn(f"Fit not stored: {exc}", stacklevel=warn_level)
                    else:
                        key = keep.key(spec)
                        row = keep.get(key, required=required)
                        if row is not None:
                            # The computation is the store's; the labels are this run's.
                            row = {**row, **row_labels, "key": key}
                            if not reuse:
                                plan.cached.append(row)
                                continue
                            cached = row
                label = (
                    f"{base['model']} {base['noise']} {param_name}={_fmt(value)}"
                    + (f" seed {seed_label}" if len(seeds) > 1 else "")
                    + f" fold {fold + 1}/{len(splits)}"
                )
                task = _Task(est, row_labels, label, settings, keep, key, spec, cached)
                plan.tasks.append((task, train, test))
    return plan


# --------------------------------------------------------------------------
# One model through all the values (reuse=True)


def _check_reusable(estimator):
    final = _final(estimator)
    if "warm_start" not in final.get_params(deep=False):
        raise InvalidParameterError(
            f"reuse=True trains one model on through the values, which needs a "
            f"final step with a warm_start parameter (the Keras classifiers, "
            f"scikit-learn's MLPClassifier or SGDClassifier); "
            f"{type(final).__name__} has none."
        )


def _run_reused(plan, param_name, progress, start):
    """Fit each (seed, fold)'s one model through the values in order.

    The ConvNet notebook's protocol: the model trained at one value goes on
    training at the next (``warm_start``). Each value's row is stored under a
    key holding the values before it, with the model's state after it
    (pickled, checksummed), so a killed chain resumes after its last stored
    value.
    """
    chains = {}
    for task, train, test in plan.tasks:
        chains.setdefault((task.labels["seed"], task.labels["fold"]), []).append(
            (task, train, test)
        )
    rows, n_computed, n_cached = [], 0, 0
    for links in chains.values():
        done = 0
        while done < len(links) and links[done][0].cached is not None:
            done += 1
        model = None
        if 0 < done < len(links):
            last = links[done - 1][0]
            model = last.store.get_pickle(last.key, last.cached.get("state_sha256"))
            if model is None:
                done = 0  # no state to go on from: the chain again
        for task, _, _ in links[:done]:
            rows.append(task.cached)
        n_cached += done
        if done == len(links):
            continue
        if model is None:
            model = clone(links[0][0].estimator)
            _final(model).set_params(warm_start=True)
        trained = sum(_epochs(task.estimator) for task, _, _ in links[:done])
        for index in range(done, len(links)):
            task, train, test = links[index]
            # The next value, on the same model.
            value = task.estimator.get_params(deep=True)[param_name]
            model.set_params(**{param_name: value})
            link = _Task(model, task.labels, task.label, task.scoring)
            row = _fit_one(link, plan.X, plan.y, train, test, progress)
            epochs = _epochs(task.estimator)
            trained += epochs
            for column in EPOCH_COLUMNS:  # Keras's history runs over the chain
                row[column] = row[column][-epochs:]
            row.update(
                key=task.key,
                epochs_trained=trained,
                trained_before=[t.labels["param_value"] for t, _, _ in links[:index]],
            )
            if task.store is not None and task.key is not None:
                row["state_sha256"] = task.store.put_pickle(task.key, model)
                task.store.put(task.key, row, task.spec)
            rows.append(row)
            n_computed += 1
    return SweepResults(
        sorted(rows, key=_row_order),
        n_computed=n_computed,
        n_cached=n_cached,
        wall_time=time.perf_counter() - start,
    )


def _fits_in_parallel(n_jobs, n_tasks):
    """Whether to hand the fits to joblib.

    ``n_jobs=None`` means what joblib's active configuration says: one at a
    time by default, but every worker of a cluster inside
    ``joblib.parallel_config(backend="dask")`` (whose default is -1), as
    scikit-learn's own ``n_jobs=None`` does.
    """
    return n_tasks > 1 and n_jobs != 1 and effective_n_jobs(n_jobs) != 1


def _run(plans, n_jobs, progress, start):
    """Run the fits of several sweeps in one go; their rows as SweepResults."""
    calls = [
        (task, plan.X, plan.y, tr, te) for plan in plans for task, tr, te in plan.tasks
    ]
    rows = [row for plan in plans for row in plan.cached]
    n_cached = len(rows)
    if progress is not None and n_cached:
        where = ", ".join(sorted({str(p.store.path) for p in plans if p.cached}))
        progress.line(f"{n_cached} fit(s) read from {where}, {len(calls)} to train")
    if not _fits_in_parallel(n_jobs, len(calls)):
        rows += [_fit_one(*call, progress) for call in calls]
    else:
        if "joblib._dask" in sys.modules:  # the Dask backend may be active
            from .cluster import on_every_worker

            calls = on_every_worker(calls)
        jobs = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
            delayed(_fit_one)(*call) for call in calls
        )
        by_key = {c[0].key: c[0] for c in calls if c[0].key is not None}
        for row in jobs:
            rows.append(row)
            task = by_key.get(row["key"])
            if task is not None and task.store.get(task.key) is None:
                # A worker on another machine writes to its own disk when the
                # store is not on a shared filesystem: keep this one complete.
                task.store.put(task.key, row, task.spec)
            if progress is not None:
                progress.fit_done(
                    f"{row['model']} {row['noise']} scale={row['scale']:g} "
                    f"fold {row['fold'] + 1}",
                    row,
                    row["epochs"] or 1,
                )
    return SweepResults(
        sorted(rows, key=_row_order),
        n_computed=len(calls),
        n_cached=n_cached,
        wall_time=time.perf_counter() - start,
    )


def _progress(verbose, plans):
    if isinstance(verbose, Progress):
        # Shared by several sweeps: drop what was cached.
        verbose.total_epochs -= sum(
            r.get("epochs", 0) for plan in plans for r in plan.cached
        )
        return verbose
    return Progress(sum(p.epochs for p in plans)) if verbose else None


def _seeds(seeds, random_state):
    if seeds is None:
        return [random_state]
    seeds = list(seeds)
    if not seeds or len(set(seeds)) != len(seeds):
        raise InvalidParameterError(
            f"The 'seeds' parameter must be a non-empty sequence of distinct ints; "
            f"got {seeds!r}."
        )
    for seed in seeds:
        if not isinstance(seed, Integral) or isinstance(seed, bool) or seed < 0:
            raise InvalidParameterError(
                f"The 'seeds' parameter must hold ints >= 0; got {seed!r}."
            )
    return [int(s) for s in seeds]


# --------------------------------------------------------------------------
# The public sweeps


#: The constraints of noise_sweep's arguments; robustness_matrix shares them.
_SWEEP_PARAMS = {
    "estimator": [HasMethods(["fit", "predict"])],
    "X": ["array-like", "sparse matrix"],  # sparse: refused with advice
    "y": ["array-like"],
    "param_name": [str],
    "param_range": ["array-like"],
    "cv": ["cv_object"],
    "scoring": _SCORING,
    "per_epoch": ["boolean"],
    "store": _STORE,
    "n_jobs": [Integral, None],
    "random_state": _SEED,
    "seeds": ["array-like", None],
    "dataset": [str],
    "labels": [dict, None],
    "verbose": ["boolean", Progress],
    "test_noise": [HasMethods(["fit_transform"]), None],
    "test_scales": ["array-like"],
    "reuse": ["boolean"],
}


@_validated(_SWEEP_PARAMS)
def noise_sweep(
    estimator,
    X,
    y,
    *,
    param_name="noise__scale",
    param_range=NOTEBOOK_SCALES,
    cv=None,
    scoring=None,
    per_epoch=True,
    store=None,
    n_jobs=None,
    random_state=None,
    seeds=None,
    dataset="custom",
    labels=None,
    verbose=False,
    test_noise=None,
    test_scales=(),
    reuse=False,
):
    """Train and score a fresh clone of ``estimator`` for every value, seed and fold.

    Parameters
    ----------
    estimator : estimator or Pipeline
        Any scikit-learn classifier, usually after noise step(s), e.g.
        ``Pipeline([("noise", GaussianNoise()), ("clf", LogisticRegression())])``
        or ``make_study_pipeline("convnet")``.
    X : array-like of shape (n_samples, n_features)
        All data; ``cv`` splits it. Dense: noise makes every pixel nonzero.
    y : array-like of shape (n_samples,)
        Class labels (not one-hot).
    param_name : str, default="noise__scale"
        The parameter to vary.
    param_range : array-like, default=(0, .1, .5, 1, 2, 4)
        Its values; scale 0 is the no-noise baseline.
    cv : int, splitter or None, default=None
        As in ``validation_curve``; ``bunch.cv`` of a loader is the official
        split, whose validation score is the notebooks' test accuracy.
    scoring : str, callable, list, tuple, dict or None, default=None
        As in ``validation_curve``: None is the estimator's own ``score``
        (accuracy for a classifier), in the columns ``train_accuracy`` and
        ``test_accuracy``; a scorer name gives ``train_<name>`` and
        ``test_<name>``; a callable ``scorer(estimator, X, y)`` gives
        ``train_score`` and ``test_score``; a list of names or a dict of
        name to scorer gives a pair of columns each. Where the classifier
        has ``predict_proba``, ``train_loss`` and ``test_loss`` (log loss)
        are recorded too.
    per_epoch : bool, default=True
        For Keras (SciKeras) classifiers, record validation accuracy and loss
        after every epoch (the validation data through the pipeline's noise
        step, passed to Keras as ``validation_data``). Other classifiers have
        no epochs: their rows have empty curves.
    store : ResultStore, str, path or None, default=None
        Where finished fits are kept; fits found there are not recomputed.
        Needs every step seeded (``random_state``), or ``random_state`` or
        ``seeds`` given here.
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
    seeds : sequence of int or None, default=None
        Repeat every fit once per seed (every step's ``random_state`` set to
        it): each a row with its ``seed``, stored and resumed like every fit;
        :meth:`SweepResults.aggregate` gives mean and interval over them.
        Overrides ``random_state``.
    dataset : str, default="custom"
        Name for the ``dataset`` column.
    labels : dict or None, default=None
        Extra columns for every row (e.g. ``{"protocol": "notebooks"}``);
        ``model`` and ``noise`` are filled in from the pipeline unless given.
        Labels are not part of a stored fit's key: a fit read from the store
        gets this run's labels.
    verbose : bool or Progress, default=False
        Progress lines on standard error: the fit, every epoch, elapsed time and
        an estimate of the time left.
    test_noise : noise transformer or None, default=None
        With ``test_scales``: after each fit, also score the test data
        corrupted by this noise at every scale of ``test_scales``, in place of
        the pipeline's own noise step (see :func:`robustness_matrix`).
    test_scales : array-like of float, default=()
        Scales of ``test_noise``; the row gets ``test_scales``,
        ``test_accuracy_at`` and ``test_loss_at``.
    reuse : bool, default=False
        The ConvNet notebook's protocol, not a fresh clone per value: one
        model per seed and fold, trained on through ``param_range`` in order
        (its final step's ``warm_start`` on), each value's fit going on from
        the model of the value before. Rows add ``epochs_trained`` (epochs
        the model has had so far) and ``trained_before`` (the values before);
        the per-epoch curves are this value's epochs. Each row is stored with
        the model's state after it (checksummed), so a killed sweep resumes
        after its last stored value; the fits of a chain run one after the
        other (``n_jobs`` is not used).

    Returns
    -------
    results : SweepResults
        One row per value, seed and fold, sorted.

    See Also
    --------
    sklearn.model_selection.validation_curve : The same test scores, no table.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import Pipeline
    >>> from skmnistnoise import GaussianNoise
    >>> from skmnistnoise.datasets import load_digits
    >>> from skmnistnoise.experiment import noise_sweep
    >>> digits = load_digits()
    >>> pipe = Pipeline([("noise", GaussianNoise(random_state=0)),
    ...                  ("clf", LogisticRegression(max_iter=200))])
    >>> results = noise_sweep(pipe, digits.data, digits.target,
    ...                       param_range=[0.0, 1.0], cv=digits.cv)
    >>> [(row["scale"], round(row["test_accuracy"], 2)) for row in results]
    [(0.0, 0.97), (1.0, 0.38)]
    """
    start = time.perf_counter()
    plan = _plan(
        estimator,
        X,
        y,
        param_name=param_name,
        param_range=param_range,
        cv=cv,
        scoring=scoring,
        per_epoch=per_epoch,
        store=store,
        seeds=_seeds(seeds, random_state),
        dataset=dataset,
        labels=labels,
        test_noise=test_noise,
        test_scales=test_scales,
        reuse=reuse,
    )
    if reuse:
        _check_reusable(estimator)
        return _run_reused(plan, param_name, _progress(verbose, [plan]), start)
    return _run([plan], n_jobs, _progress(verbose, [plan]), start)


@_validated(
    {
        "models": ["array-like"],
        "noises": ["array-like"],
        "arms": ["array-like", None],
        "scales": ["array-like"],
        "dataset": [StrOptions(set(DATASETS))],
        "data_home": [str, os.PathLike, None],
        "protocol": [StrOptions(set(PROTOCOLS))],
        "epochs": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": _SEED,
        "seeds": ["array-like", None],
        "store": _STORE,
        "n_jobs": [Integral, None],
        "per_epoch": ["boolean"],
        "verbose": ["boolean"],
        "data": [object, None],
        "cv": ["cv_object"],
        "severities": ["array-like", None],
        "clip": [tuple, list, None],
    }
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
    seeds=None,
    store=None,
    n_jobs=None,
    per_epoch=True,
    verbose=False,
    data=None,
    cv=None,
    severities=None,
    clip=None,
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
    protocol : {"pixel", "notebooks", "notebooks-reused"}, default="pixel"
        See :func:`make_study_pipeline`; ``"notebooks-reused"`` is the
        notebooks' pipelines with one model per arm, seed and fold trained on
        through ``scales`` in the order given, as the ConvNet notebook did
        (:func:`noise_sweep`'s ``reuse=True``).
    epochs : int or None, default=None
        Training epochs; None keeps the notebooks' 20 (MLP) and 12 (ConvNet).
    random_state : int or None, default=0
        Seed of every noise draw and every network.
    seeds : sequence of int or None, default=None
        One fit per seed, model, noise and scale (overrides ``random_state``).
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
    severities : sequence of {1, 2, 3, 4, 5} or None, default=None
        ImageNet-C's severities instead of ``scales``: each noise at its own
        published scales (:data:`~skmnistnoise.experiment.SEVERITIES`), plus
        the clean baseline, with the noisy images clipped to [0, 1] unless
        ``clip`` says otherwise; every row gets its ``severity`` (0: clean).
    clip : (low, high) or None, default=None
        Clip the noisy images, e.g. ``(0, 1)``.
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
    bunch = data if data is not None else load_dataset(dataset, data_home=data_home)
    name = getattr(bunch, "name", dataset)
    if isinstance(store, str | os.PathLike):
        store = ResultStore(store)
    arms = [(m, n) for m in models for n in noises] if arms is None else list(arms)
    for model, noise in arms:
        if model not in MODELS or noise not in NOISES:
            raise InvalidParameterError(
                f"The 'arms' parameter must pair a model of {MODELS} with a noise "
                f"of {NOISES}; got {(model, noise)!r}."
            )
    cv = bunch.cv if cv is None else cv
    if severities is not None:
        severities = list(severities)
        clip = (0.0, 1.0) if clip is None else clip
        for _, noise in arms:
            for k in severities:
                severity_scale(noise, k)  # refuse a bad one before any fit
    start = time.perf_counter()

    def arm_scales(noise):
        if severities is None:
            return scales
        return [0.0, *(severity_scale(noise, k) for k in severities)]

    plans = [
        _plan(
            make_study_pipeline(
                model,
                noise,
                protocol=protocol,
                epochs=epochs,
                random_state=random_state,
                clip=None if clip is None else tuple(clip),
                **classifier_params,
            ),
            bunch.data,
            bunch.target,
            param_name="noise__scale",
            param_range=arm_scales(noise),
            cv=cv,
            scoring=None,
            per_epoch=per_epoch,
            store=store,
            seeds=_seeds(seeds, None),
            dataset=name,
            labels={"protocol": protocol, "noise": noise},
            reuse=protocol == "notebooks-reused",
        )
        for model, noise in arms
    ]
    if protocol == "notebooks-reused":  # chains, one model each, in order
        progress = _progress(verbose, plans)
        parts = [_run_reused(plan, "noise__scale", progress, start) for plan in plans]
        results = sum(parts[1:], parts[0])
    else:
        # All arms' fits in one joblib call: on a cluster no arm waits for another.
        results = _run(plans, n_jobs, _progress(verbose, plans), start)
    if severities is not None:
        for row in results:
            levels = SEVERITIES.get(row["noise"], ())
            row["severity"] = next(
                (k for k, v in enumerate(levels, 1) if np.isclose(v, row["scale"])), 0
            )
    return results


@_validated(
    {
        **{
            k: v
            for k, v in _SWEEP_PARAMS.items()
            if k not in ("param_range", "scoring")
        },
        "train_scales": ["array-like"],
    }
)
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
    seeds=None,
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
    cv, store, n_jobs, random_state, seeds, dataset, labels, per_epoch, verbose
        As in :func:`noise_sweep`.

    Returns
    -------
    results : SweepResults
        One row per train scale, seed and fold, with ``test_scales`` and
        ``test_accuracy_at``; :meth:`SweepResults.matrix` makes the matrix.

    Examples
    --------
    >>> from skmnistnoise.datasets import load_digits
    >>> from skmnistnoise.experiment import make_study_pipeline, robustness_matrix
    >>> digits = load_digits()
    >>> pipe = make_study_pipeline("mlp", epochs=2, hidden_layer_sizes=(32,))
    >>> results = robustness_matrix(pipe, digits.data, digits.target,
    ...                             train_scales=[0, 1], test_scales=[0, .5, 1],
    ...                             cv=digits.cv, random_state=0)
    >>> train, test, accuracy = results.matrix()
    >>> accuracy.shape
    (2, 3)
    """
    for value in train_scales:
        _with_param(estimator, param_name, value, argument="train_scales")
    estimator = clone(estimator)
    _, noise = noise_step(estimator)
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
        seeds=seeds,
        dataset=dataset,
        labels={"experiment": "matrix", **(labels or {})},
        verbose=verbose,
        test_noise=test_noise,
        test_scales=test_scales,
    )
