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

This module holds the public functions and their parameter tables; the work
is done below them: ``_plan`` lists a sweep's fits, seeded, and runs them,
``_fit`` fits and scores one, ``_checks`` checks the arguments.
"""

import os
import time
from numbers import Integral

import numpy as np
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    StrOptions,
)

from ._checks import RANDOM_STATE_CONSTRAINTS as _RANDOM_STATE
from ._checks import (
    SCORING_CONSTRAINTS,
    STORE_CONSTRAINTS,
    validated,
)
from ._checks import deprecated as _deprecated
from ._checks import plan_seeds as _plan_seeds
from ._checks import shared_docs as _shared_docs
from ._checks import undeprecated_seeds as _undeprecated_seeds
from ._plan import (
    check_reusable,
    plan_sweep,
    progress_for,
    run_plans,
    run_reused,
    with_param,
)
from ._progress import Progress
from ._registry import (
    CORRUPTIONS,
    MODELS,
    NOISES,
    NOTEBOOK_SCALES,
    PROTOCOLS,
    SEVERITIES,
    describe_model,
    describe_noise,
    make_noise,
    make_study_pipeline,
    noise_step,
    severity_scale,
)
from ._store import ResultStore
from .datasets import DATASETS, load_dataset

__all__ = ["noise_sweep", "robustness_matrix", "run_study"]

# --------------------------------------------------------------------------
# What the three functions share: their seeds, their docs, their deprecations

#: A sweep's ``random_state``: one seed, or a sequence of them (replicates).
#: The constraints of noise_sweep's arguments; robustness_matrix shares them.
_SWEEP_PARAMS = {
    "estimator": [HasMethods(["fit", "predict"])],
    "X": ["array-like", "sparse matrix"],  # sparse: refused with advice
    "y": ["array-like"],
    "param_name": [str],
    "param_range": ["array-like"],
    "cv": ["cv_object"],
    "scoring": SCORING_CONSTRAINTS,
    "per_epoch": ["boolean"],
    "store": STORE_CONSTRAINTS,
    "n_jobs": [Integral, None],
    "random_state": _RANDOM_STATE,
    "seeds": ["array-like", None],
    "dataset": [str],
    "labels": [dict, None],
    "verbose": ["boolean", Progress],
    "test_noise": [HasMethods(["fit_transform"]), None],
    "test_scales": ["array-like"],
    "reuse": ["boolean"],
}


@validated(_SWEEP_PARAMS)
@_shared_docs
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

    ``noise_sweep``, :func:`run_study` and :func:`robustness_matrix` share
    their ``random_state`` and ``dataset``: one seed or several, and the name
    the rows record.

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
        Needs every step seeded (``random_state``), or ``random_state`` given
        here.
    n_jobs : int or None, default=None
        Fits run in parallel through joblib, whose backend decides where:
        local processes, or the workers of a Dask cluster inside
        ``joblib.parallel_config(backend="dask")``. None means what joblib's
        active configuration says, as for scikit-learn: one fit at a time by
        default, all workers of the cluster under the Dask backend. Each fit
        writes its record to ``store`` from where it runs, so the store
        belongs on a filesystem every worker shares; this process also writes
        any record it does not find there.
    %(random_state)s
    %(seeds)s
    %(dataset)s
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
    random_state = _undeprecated_seeds(random_state, seeds, "noise_sweep")
    start = time.perf_counter()
    plan = plan_sweep(
        estimator,
        X,
        y,
        param_name=param_name,
        param_range=param_range,
        cv=cv,
        scoring=scoring,
        per_epoch=per_epoch,
        store=store,
        seeds=_plan_seeds(random_state, "noise_sweep"),
        dataset=dataset,
        labels=labels,
        test_noise=test_noise,
        test_scales=test_scales,
        reuse=reuse,
    )
    if reuse:
        check_reusable(estimator)
        return run_reused(plan, param_name, progress_for(verbose, [plan]), start)
    return run_plans([plan], n_jobs, progress_for(verbose, [plan]), start)


def _what(model):
    """What a model of an arm is, for a message refusing it."""
    if isinstance(model, type):
        return f"the class {model.__name__} (pass an instance: {model.__name__}())"
    if not hasattr(model, "fit"):
        return f"{model!r}, not an estimator"
    kind = (
        "a regressor"
        if is_regressor(model)
        else "a transformer"
        if hasattr(model, "transform")
        else "an estimator"
    )
    return f"{type(model).__name__}, {kind}, not a classifier"


def _study_arms(arms):
    """The arms as (label, model, noise), each checked before any fit."""
    resolved = []
    for arm in arms:
        if not isinstance(arm, tuple | list) or len(arm) not in (2, 3):
            raise InvalidParameterError(
                f"The 'arms' parameter of run_study must hold (model, noise) "
                f"pairs or (name, model, noise) triples; got {arm!r}."
            )
        *name, model, noise = arm
        if isinstance(model, str) and model not in MODELS:
            raise InvalidParameterError(
                f"The 'arms' parameter of run_study needs models of {MODELS} or "
                f"scikit-learn classifiers; got {model!r} in the arm {arm!r}."
            )
        if not isinstance(model, str) and (
            isinstance(model, type)
            or not hasattr(model, "predict")
            or not is_classifier(model)
        ):
            raise InvalidParameterError(
                f"The 'arms' parameter of run_study needs models of {MODELS} or "
                f"scikit-learn classifiers (alone or ending a Pipeline); got "
                f"{_what(model)}, in the arm {arm!r}."
            )
        if isinstance(model, Pipeline) and (
            noise_step(model)[1] is not None or "noise" in model.named_steps
        ):
            raise InvalidParameterError(
                f"The 'arms' parameter of run_study got a Pipeline with a noise "
                f"step, in the arm {arm!r}: run_study puts the arm's noise first "
                f"itself; give the pipeline without it."
            )
        if not isinstance(noise, str) or noise not in (*NOISES, *CORRUPTIONS):
            raise InvalidParameterError(
                f"The 'arms' parameter of run_study needs a noise of {NOISES} or "
                f"a corruption of MNIST-C {CORRUPTIONS}; got {noise!r} in the arm "
                f"{arm!r}."
            )
        if name and not isinstance(name[0], str):
            raise InvalidParameterError(
                f"The 'arms' parameter of run_study names a model with a str; got "
                f"{name[0]!r} in the arm {arm!r}."
            )
        label = name[0] if name else model if isinstance(model, str) else None
        resolved.append((label or describe_model(model), model, noise))
    seen = [(label, noise) for label, _, noise in resolved]
    twice = sorted({arm for arm in seen if seen.count(arm) > 1})
    if twice:
        raise InvalidParameterError(
            f"The 'arms' parameter of run_study has the arm(s) {twice} more than "
            f"once: their rows could not be told apart. Give each model its own "
            f"name, as (name, model, noise)."
        )
    return resolved


def _arm_pipeline(model, noise, *, protocol, epochs, clip, classifier_params):
    """The pipeline of one arm: the study's (seeded 0), or the arm's noise first."""
    if isinstance(model, str):
        return make_study_pipeline(
            model,
            noise,
            protocol=protocol,
            epochs=epochs,
            random_state=0,
            clip=clip,
            **classifier_params,
        )
    step = ("noise", make_noise(noise, clip=clip, random_state=0))
    if isinstance(model, Pipeline):
        pipe = clone(model)
        return pipe.set_params(steps=[step, *pipe.steps])
    return Pipeline([step, ("clf", clone(model))])


def _noise_param(pipe):
    """The parameter an arm's scales set: its noise step's scale (or amount)."""
    return "noise__" + ("scale" if "scale" in pipe["noise"].get_params() else "amount")


@validated(
    {
        "arms": ["array-like", None],
        "scales": ["array-like", StrOptions({"severities"})],
        "dataset": [str, None],
        "data_home": [str, os.PathLike, None],
        "protocol": [StrOptions(set(PROTOCOLS))],
        "epochs": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": _RANDOM_STATE,
        "store": STORE_CONSTRAINTS,
        "n_jobs": [Integral, None],
        "per_epoch": ["boolean"],
        "verbose": ["boolean"],
        "data": [object, None],
        "cv": ["cv_object"],
        "clip": [tuple, list, None],
        "models": ["array-like", None],
        "noises": ["array-like", None],
        "seeds": ["array-like", None],
        "severities": ["array-like", None],
    }
)
@_shared_docs
def run_study(
    *,
    arms=None,
    scales=NOTEBOOK_SCALES,
    dataset=None,
    data_home=None,
    protocol="pixel",
    epochs=None,
    random_state=None,
    store=None,
    n_jobs=None,
    per_epoch=True,
    verbose=False,
    data=None,
    cv=None,
    clip=None,
    models=None,
    noises=None,
    seeds=None,
    severities=None,
    **classifier_params,
):
    """Run the noise study: every arm, a model and a noise, over the scales.

    Parameters
    ----------
    arms : sequence of (model, noise) or None, default=None
        What to run, one sweep over ``scales`` each. ``model`` is ``"mlp"`` or
        ``"convnet"``, the notebooks' networks (:func:`make_study_pipeline`
        with ``protocol``, ``epochs`` and ``**classifier_params``), or any
        scikit-learn classifier, alone or ending a Pipeline (e.g. a scaler
        and a classifier), taken as given: cloned, the arm's noise put first
        (on the pixels), its rows' ``model`` the classifier's class name. An
        arm ``(name, model, noise)`` gives its rows that ``model`` name
        instead (two arms of one class need it). ``noise`` is a name of
        :data:`NOISES`. None: every model of :data:`MODELS` with
        ``"additive"`` noise. The notebooks' arms: ``[("mlp", "additive"),
        ("convnet", "additive"), ("convnet", "multiplicative")]``.
    scales : sequence of float or "severities", default=(0, .1, .5, 1, 2, 4)
        Noise scales; 0 is the no-noise baseline. ``"severities"``:
        ImageNet-C's five severities of each arm's noise, at its own published
        scales (:data:`~skmnistnoise.experiment.SEVERITIES`), plus the clean
        baseline, the noisy images clipped to [0, 1] unless ``clip`` says
        otherwise; every row gets its ``severity`` (0: clean).
    dataset : str or None, default=None
        The dataset's name, recorded in the rows' ``dataset`` column. Without
        ``data``, it is loaded: one of ``"digits"`` (None), ``"mnist"`` or
        ``"fashion-mnist"``, with its official train/test split. With
        ``data``, None takes the name of ``data``.
    data_home : str or path-like, default=None
        Folder of the MNIST files.
    protocol : {"pixel", "notebooks", "notebooks-reused"}, default="pixel"
        See :func:`make_study_pipeline`; ``"notebooks-reused"`` is the
        notebooks' pipelines with one model per arm, seed and fold trained on
        through ``scales`` in the order given, as the ConvNet notebook did
        (:func:`noise_sweep`'s ``reuse=True``). A classifier object of
        ``arms`` gets its noise first whatever the protocol.
    epochs : int or None, default=None
        Training epochs of the named models; None keeps the notebooks' 20
        (MLP) and 12 (ConvNet).
    %(random_state)s
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
        Already loaded data (``data``, ``target``, ``cv``, ``name``) instead
        of loading ``dataset``.
    cv : int, splitter or None, default=None
        Cross-validation; None: the dataset's official train/test split.
    clip : (low, high) or None, default=None
        Clip the noisy images, e.g. ``(0, 1)``.
    models : sequence of {"mlp", "convnet"} or None, default=None
        The models, each with every noise of ``noises``.

        .. deprecated:: 0.3
           ``models`` and ``noises`` are deprecated in 0.3 and will be removed
           in 0.4; use ``arms=[(model, noise), ...]`` instead.
    noises : sequence of str or None, default=None
        The noises, each with every model of ``models``.

        .. deprecated:: 0.3
           See ``models``.
    %(seeds)s
    severities : sequence of {1, 2, 3, 4, 5} or None, default=None
        Some of ImageNet-C's severities instead of ``scales``.

        .. deprecated:: 0.3
           ``severities`` is deprecated in 0.3 and will be removed in 0.4;
           use ``scales="severities"`` instead (all five).
    **classifier_params : dict
        More parameters of the named models' classifiers (e.g.
        ``batch_size``).

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
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmnistnoise.experiment import run_study
    >>> results = run_study(arms=[("mlp", "additive"), ("mlp", "speckle")],
    ...                     scales=[0, 1], epochs=1, hidden_layer_sizes=(16,))
    >>> len(results), results.unique("noise"), results.unique("dataset")
    (4, ['additive', 'speckle'], ['digits'])
    >>> results = run_study(arms=[(LogisticRegression(max_iter=200), "additive")],
    ...                     scales=[0, 1], random_state=[0, 1])
    >>> results.unique("model"), results.unique("seed"), len(results)
    (['LogisticRegression'], [0, 1], 4)
    """
    random_state = _undeprecated_seeds(random_state, seeds, "run_study")
    plan_seeds = _plan_seeds(random_state, "run_study")
    if models is not None or noises is not None:
        written = [
            (m, n)
            for m in (MODELS if models is None else models)
            for n in (("additive",) if noises is None else noises)
        ]
        _deprecated(
            "run_study", "'models' and 'noises' parameters", f"arms={written!r}"
        )
        arms = written if arms is None else arms  # arms wins, as it did
    if arms is None:
        arms = [(m, "additive") for m in MODELS]
    arms = _study_arms(arms)
    levels = [1, 2, 3, 4, 5] if isinstance(scales, str) else None
    if severities is not None:
        levels = list(severities)
        _deprecated("run_study", "'severities' parameter", "scales='severities'")
    if data is None and (dataset or "digits") not in DATASETS:
        raise InvalidParameterError(
            f"The 'dataset' parameter of run_study must be a str among "
            f"{sorted(DATASETS)} to be loaded, or the name of the data given as "
            f"data=; got {dataset!r}."
        )
    if levels is not None:
        clip = (0.0, 1.0) if clip is None else clip
        for _, _, noise in arms:
            for k in levels:
                severity_scale(noise, k)  # refuse a bad one before any fit
    pipelines = [
        _arm_pipeline(
            model,
            noise,
            protocol=protocol,
            epochs=epochs,
            clip=None if clip is None else tuple(clip),
            classifier_params=classifier_params,
        )
        for _, model, noise in arms
    ]
    if protocol == "notebooks-reused":
        for pipe in pipelines:
            check_reusable(pipe)
    if data is None:
        bunch = load_dataset(dataset or "digits", data_home=data_home)
    else:
        bunch = data
    name = dataset or getattr(bunch, "name", None) or "custom"
    if isinstance(store, str | os.PathLike):
        store = ResultStore(store)
    cv = bunch.cv if cv is None else cv
    start = time.perf_counter()

    def arm_scales(noise):
        if levels is None:
            return scales
        return [0.0, *(severity_scale(noise, k) for k in levels)]

    plans = [
        plan_sweep(
            pipe,
            bunch.data,
            bunch.target,
            param_name=_noise_param(pipe),
            param_range=arm_scales(noise),
            cv=cv,
            scoring=None,
            per_epoch=per_epoch,
            store=store,
            seeds=plan_seeds,
            dataset=name,
            labels={"protocol": protocol, "model": label, "noise": noise},
            reuse=protocol == "notebooks-reused",
        )
        for pipe, (label, _, noise) in zip(pipelines, arms)
    ]
    if protocol == "notebooks-reused":  # chains, one model each, in order
        progress = progress_for(verbose, plans)
        parts = [
            run_reused(plan, _noise_param(pipe), progress, start)
            for plan, pipe in zip(plans, pipelines)
        ]
        results = sum(parts[1:], parts[0])
    else:
        # All arms' fits in one joblib call: on a cluster no arm waits for another.
        results = run_plans(plans, n_jobs, progress_for(verbose, plans), start)
    if levels is not None:
        for row in results:
            levels_of_noise = SEVERITIES.get(row["noise"], ())
            row["severity"] = next(
                (
                    k
                    for k, v in enumerate(levels_of_noise, 1)
                    if np.isclose(v, row["scale"])
                ),
                0,
            )
    return results


@validated(
    {
        **{
            k: v
            for k, v in _SWEEP_PARAMS.items()
            if k not in ("param_range", "scoring")
        },
        "train_scales": ["array-like"],
    }
)
@_shared_docs
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
        additive Gaussian), seeded with ``random_state`` where it is one int,
        else with the pipeline noise step's own ``random_state``.
    %(random_state)s
    %(seeds)s
    %(dataset)s
    cv, store, n_jobs, labels, per_epoch, verbose
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
    random_state = _undeprecated_seeds(random_state, seeds, "robustness_matrix")
    _plan_seeds(random_state, "robustness_matrix")  # a bad seed: before any fit
    for value in train_scales:
        with_param(estimator, param_name, value, argument="train_scales")
    estimator = clone(estimator)
    _, noise = noise_step(estimator)
    if noise is not None:
        noise.set_params(apply_to="train")
    if test_noise is None:
        test_noise = make_noise(
            describe_noise(noise) if noise is not None else "additive"
        )
    test_noise = clone(test_noise)
    seed = random_state if isinstance(random_state, Integral) else None
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
