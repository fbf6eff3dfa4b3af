"""What a sweep fits, seeded, and the running of it: plans of fits.

A sweep is planned before anything is fitted: :func:`plan_sweep` checks the
data and every value of the swept parameter, clones the estimator for every
seed, value and fold, seeds it, and reads from the result store the fits
already done; what is left is a list of :class:`~skmnistnoise._fit.Task`
objects, one per fit. :func:`run_plans` runs the tasks of one or several
plans, one at a time or through joblib (local processes, or a Dask cluster's
workers), and :func:`run_reused` runs them as the ConvNet notebook did, one
model trained on through the values. Both return the rows as
:class:`~skmnistnoise._results.SweepResults`.
"""

import os
import sys
import time
import warnings
from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.base import clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import InvalidParameterError

from ._checks import check_Xy, seeded, step_seeds
from ._fit import Scoring, Task, _fit_one, epochs_of, final_step
from ._frameworks import unseeded_steps
from ._progress import Progress
from ._registry import describe_model, describe_noise, noise_step, set_severity
from ._results import EPOCH_COLUMNS, SweepResults, _row_order
from ._store import NotReproducibleError, ResultStore, canonical, digest_arrays

__all__ = [
    "Plan",
    "check_reusable",
    "plan_sweep",
    "progress_for",
    "run_plans",
    "run_reused",
    "with_param",
]


@dataclass
class Plan:
    """The fits a sweep still has to run, and the rows its store already holds."""

    X: np.ndarray
    y: np.ndarray
    tasks: list = field(default_factory=list)  # (task, train, test)
    cached: list = field(default_factory=list)
    store: ResultStore | None = None

    @property
    def epochs(self):
        """Epochs to train in all tasks (1 per fit of a non-Keras classifier)."""
        return sum(epochs_of(task.estimator) for task, _, _ in self.tasks)


# --------------------------------------------------------------------------
# Planning: checks, clones, keys


def with_param(estimator, param_name, value, argument="param_range"):
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


def _fmt(value):
    """A swept value for a progress line."""
    return f"{value:g}" if isinstance(value, Real) else repr(value)


def plan_sweep(
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

    The arguments are :func:`~skmnistnoise._sweep.noise_sweep`'s, ``seeds``
    resolved (:func:`~skmnistnoise._checks.plan_seeds`). Everything is
    checked here, before any fit. With ``reuse`` every fit is listed, its
    stored row (if any) attached: a chain of fits of one model is resumed
    from its last stored state. ``warn_level`` is the ``stacklevel`` of the
    warnings, which name the caller of the public function.

    Returns
    -------
    plan : Plan
        The data, the tasks still to run and the rows read from the store.
    """
    X, y = check_Xy(X, y)
    _check_test_scales(test_noise, test_scales)
    if isinstance(store, str | os.PathLike):
        store = ResultStore(store)
    estimator = clone(estimator)
    splits = list(check_cv(cv, y, classifier=is_classifier(estimator)).split(X, y))
    settings = Scoring(
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
    plan = Plan(X, y, store=store)
    warned = False
    for replicate, seed in enumerate(seeds):
        est_seeded = estimator if seed is None else seeded(clone(estimator), seed)
        seeds_of_steps = step_seeds(est_seeded)
        int_seeds = [s for s in seeds_of_steps if isinstance(s, Integral)]
        seed_label = (
            seed if seed is not None else (int_seeds[-1] if int_seeds else None)
        )
        keep = store
        unseeded = unseeded_steps(est_seeded, seed)
        if unseeded:
            # Rows of fits nothing seeds whole: no seed, never stored.
            if not warned:
                warnings.warn(
                    f"{base['model']} cannot be seeded: "
                    + "; ".join(unseeded)
                    + ". Its rows record seed=None and seeded=False"
                    + (", and are not stored" if store is not None else "")
                    + ": a re-run would not give the same numbers.",
                    stacklevel=warn_level,
                )
                warned = True
            keep, seed_label = None, None
        elif store is not None and any(s is None for s in seeds_of_steps):
            warnings.warn(
                "Results are not stored: some steps have random_state=None, so a "
                "re-run would not give the same numbers. Seed them, or pass "
                "random_state to the sweep.",
                stacklevel=warn_level,
            )
            keep = None
        if keep is not None and data_digest is None:
            data_digest = digest_arrays(X, y)
        for index, value in enumerate(param_range):
            est = with_param(est_seeded, param_name, value)
            for fold, (train, test) in enumerate(splits):
                row_labels = {
                    **base,
                    "param_value": value
                    if isinstance(value, Real | str)
                    else repr(value),
                    "seed": seed_label,
                    "fold": fold,
                }
                if unseeded:
                    row_labels.update(seeded=False, replicate=replicate)
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
                    + (f" seed {seed_label}" if len(seeds) > 1 and not unseeded else "")
                    + (f" replicate {replicate}" if len(seeds) > 1 and unseeded else "")
                    + f" fold {fold + 1}/{len(splits)}"
                )
                task = Task(
                    est, row_labels, label, settings, keep, key, spec, cached, seed
                )
                plan.tasks.append((task, train, test))
    return plan


# --------------------------------------------------------------------------
# Running the plans


def check_reusable(estimator):
    """Refuse ``reuse=True`` for an estimator that cannot go on training."""
    final = final_step(estimator)
    if "warm_start" not in final.get_params(deep=False):
        raise InvalidParameterError(
            f"reuse=True trains one model on through the values, which needs a "
            f"final step with a warm_start parameter (the Keras classifiers, "
            f"scikit-learn's MLPClassifier or SGDClassifier); "
            f"{type(final).__name__} has none."
        )


def run_reused(plan, param_name, progress, start):
    """Fit each (seed, fold)'s one model through the values in order.

    The ConvNet notebook's protocol: the model trained at one value goes on
    training at the next (``warm_start``). Each value's row is stored under a
    key holding the values before it, with the model's state after it
    (:meth:`~skmnistnoise._store.ResultStore.put_fitted`: without pickle,
    checksummed), so a killed chain resumes after its last stored value. A
    state that cannot be stored so is left out, and the chain is then trained
    again from its first value.
    """
    chains = {}
    for task, train, test in plan.tasks:
        labels = task.labels
        chain = (labels["seed"], labels.get("replicate"), labels["fold"])
        chains.setdefault(chain, []).append((task, train, test))
    rows, n_computed, n_cached = [], 0, 0
    for links in chains.values():
        done = 0
        while done < len(links) and links[done][0].cached is not None:
            done += 1
        model = None
        if 0 < done < len(links):
            last = links[done - 1][0]
            # The chain's model: the last stored value's, with warm_start.
            template = clone(last.estimator)
            final_step(template).set_params(warm_start=True)
            sha256 = last.cached.get("state_sha256")
            model = last.store.get_fitted(last.key, sha256, template)
            if model is None:
                done = 0  # no state to go on from: the chain again
        for task, _, _ in links[:done]:
            rows.append(task.cached)
        n_cached += done
        if done == len(links):
            continue
        if model is None:
            model = clone(links[0][0].estimator)
            final_step(model).set_params(warm_start=True)
        trained = sum(epochs_of(task.estimator) for task, _, _ in links[:done])
        for index in range(done, len(links)):
            task, train, test = links[index]
            # The next value, on the same model.
            value = task.estimator.get_params(deep=True)[param_name]
            model.set_params(**{param_name: value})
            link = Task(model, task.labels, task.label, task.scoring, seed=task.seed)
            row = _fit_one(link, plan.X, plan.y, train, test, progress)
            epochs = epochs_of(task.estimator)
            trained += epochs
            for column in EPOCH_COLUMNS:  # Keras's history runs over the chain
                row[column] = row[column][-epochs:]
            row.update(
                key=task.key,
                epochs_trained=trained,
                trained_before=[t.labels["param_value"] for t, _, _ in links[:index]],
            )
            if task.store is not None and task.key is not None:
                try:
                    row["state_sha256"] = task.store.put_fitted(task.key, model)
                except NotReproducibleError:
                    pass  # no state kept: a resumed chain starts again
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


def run_plans(plans, n_jobs, progress, start):
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


def progress_for(verbose, plans):
    """The progress lines of ``plans``: ``verbose`` if it is a Progress, shared
    (less the epochs already stored), a new one if it is True, else None."""
    if isinstance(verbose, Progress):
        # Shared by several sweeps: drop what was cached.
        verbose.total_epochs -= sum(
            r.get("epochs", 0) for plan in plans for r in plan.cached
        )
        return verbose
    return Progress(sum(p.epochs for p in plans)) if verbose else None
