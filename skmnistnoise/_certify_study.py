"""A certification study: smoothed classifiers trained and certified per sigma.

:func:`certify_study` trains one :class:`NoiseAveragedClassifier` per
smoothing sigma and seed (the noise of training set to the same sigma, so a
network sees fresh noise of that sigma every epoch), certifies the test images
with Cohen et al.'s CERTIFY, and returns one row per run in the certification
columns (:data:`~skmnistnoise._results.CERTIFY_COLUMNS`: ``sigma``, ``n``,
``n0``, ``alpha``, certified accuracy at the requested radii, the average
certified radius, the fraction abstained) with the per-image certificates
from which any radius can be read later.

It runs on the sweeps' machinery: the trainings (one per seed and sigma, or
per seed where sigma changes nothing the training sees), then the chunks of
images to certify (millions of forward passes: the long part), go through
joblib as a sweep's fits do (:func:`~skmnistnoise._plan.run_plans`: one at a
time, local processes, or the workers of a Dask cluster inside
``joblib.parallel_config(backend="dask")``), each Keras one under the
process's fit lock. Every trained classifier and every certified chunk is
kept in the result store as soon as it is done, where it was computed (and
again by this process, if it does not find it there), so a killed run loses
at most the chunks it was computing (one, run one at a time), and the same
call resumes from there. A chunk is used only if it was computed by exactly
this computation: its key holds the classifier's definition, the training
data, a digest of the trained weights, the images, ``n0``, ``n``, ``alpha``,
the batch size and TensorFlow's oneDNN setting; a trained classifier file is
used only if it matches the checksum in its record. A chunk's certificate
depends only on the trained weights and its images, so the order in which
the chunks run, and where, changes no number.
"""

import math
import os
import pickle
import sys
import time
import warnings
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import HasMethods, Interval

from ._checks import (
    RANDOM_STATE_CONSTRAINTS,
    STORE_CONSTRAINTS,
    check_Xy,
    plan_seeds,
    seeded,
    shared_docs,
    undeprecated_seeds,
    validated,
)
from ._fit import _fit_lock, cpu, epochs_of, final_step
from ._frameworks import frameworks_seeded, unseeded_steps
from ._keras_runtime import is_keras_estimator
from ._plan import _fits_in_parallel
from ._progress import Progress, epoch_callback
from ._registry import describe_model
from ._results import CERTIFY_COLUMNS, SweepResults
from ._store import NotReproducibleError, ResultStore, canonical, digest_arrays
from .references import RADII_500

__all__ = ["certify_study", "smoothing_param_names"]

#: What a stored chunk of certificates holds.
_CHUNK_FIELDS = (
    "prediction",
    "radius",
    "abstained",
    "p_lower",
    "n_A",
    "counts",
    "counts_selection",
    "seconds",
)
_FIT_FIELDS = ("sha256", "weights", "fit_time")


def smoothing_param_names(smoother):
    """The parameters of a smoother that a certification study sets to sigma.

    The smoothing noise's ``noise__scale``, and the scale of every additive
    Gaussian noise inside the base estimator that acts only when it is
    trained: a classifier's ``train_noise`` (fresh noise every epoch) or a
    pipeline's noise step with ``apply_to="train"`` (a step that also noises
    the test data would add noise to the smoothing's own, so it is left
    alone).

    Parameters
    ----------
    smoother : NoiseAveragedClassifier
        Unfitted.

    Returns
    -------
    names : list of str
        Parameter names, ``noise__scale`` first.

    Examples
    --------
    >>> from skmnistnoise import (GaussianNoise, MLPClassifier,
    ...                           NoiseAveragedClassifier)
    >>> smoother = NoiseAveragedClassifier(
    ...     MLPClassifier(train_noise=GaussianNoise()), noise=GaussianNoise())
    >>> smoothing_param_names(smoother)
    ['noise__scale', 'estimator__train_noise__scale']
    """
    from ._noise import GaussianNoise

    params = smoother.get_params(deep=True)
    names = ["noise__scale"]
    for name, value in params.items():
        if not (name.startswith("estimator__") and isinstance(value, GaussianNoise)):
            continue
        training_only = name.endswith("train_noise") or value.apply_to == "train"
        if value.mode == "additive" and training_only:
            names.append(f"{name}__scale")
    return names


# --------------------------------------------------------------------------
# The work, as joblib (and so a Dask worker) runs it


@dataclass(frozen=True)
class _Run:
    """One seed and sigma of a study: the smoother to train, and its record."""

    index: int
    seed: int
    sigma: float
    estimator: object  # seeded, set to sigma, unfitted
    label: str
    store: ResultStore | None = None
    key: str | None = None
    spec: dict | None = None


@dataclass(frozen=True)
class _Chunk:
    """Images of the test set to certify with one run's smoother, and the record."""

    run: int  # the index of its run
    number: int
    certify: dict  # n0, n, alpha, batch_size
    store: ResultStore | None = None
    key: str | None = None
    spec: dict | None = None


def _keras_part(smoother):
    """The classifier inside a smoother, which decides whether to take the
    fit lock (a Keras one: SciKeras seeds process-global state)."""
    return final_step(getattr(smoother, "estimator", smoother))


def _weights_digest(fitted):
    """A digest of what a fitted smoother learned: its networks' weights (Keras
    models pickle with a time stamp), else the pickled steps."""
    inner = fitted.estimator_
    steps = [s for _, s in inner.steps] if isinstance(inner, Pipeline) else [inner]
    arrays = []
    for step in steps:
        model = getattr(step, "model_", None)
        module = getattr(step, "module_", None)  # a skorch net's torch module
        if model is not None and hasattr(model, "get_weights"):
            arrays += [np.asarray(w) for w in model.get_weights()]
        elif module is not None and hasattr(module, "state_dict"):
            arrays += [t.detach().cpu().numpy() for t in module.state_dict().values()]
        else:
            arrays.append(np.frombuffer(pickle.dumps(step), dtype=np.uint8))
    return digest_arrays(*arrays)


def _keep_fitted(run, fitted, record):
    """Keep a trained smoother (without pickle, checksummed) and its record."""
    try:
        record["sha256"] = run.store.put_fitted(run.key, fitted)
    except NotReproducibleError:
        # A smoother that cannot be kept without pickle is not kept: the
        # record holds no checksum, so a resumed run trains it again (and,
        # with the same weights, reads the chunks certified with them).
        record["sha256"] = None
    run.store.put(run.key, record, run.spec)


# What a study hands to joblib per seed and sigma, under this name (the Dask
# task keys show it: "batch_of__train_smoother_3_calls").
def _train_smoother(run, X, y, progress=None):
    """Train one run's smoother, keep it in the store; (run, fitted, record).

    With ``progress`` (trainings run here, one at a time), a Keras network
    reports every epoch, with the time left.
    """
    fit_params = {}
    network = _keras_part(run.estimator)
    if progress is not None and is_keras_estimator(network):
        inner = run.estimator.estimator
        name = (
            f"{inner.steps[-1][0]}__callbacks"
            if isinstance(inner, Pipeline)
            else ("callbacks")
        )
        fit_params[name] = [epoch_callback(progress, run.label, epochs_of(network))]
    with _fit_lock(network):
        start = time.perf_counter()
        with frameworks_seeded(run.estimator, run.seed):  # torch, from the start
            fitted = clone(run.estimator).fit(X, y, **fit_params)
        fit_time = time.perf_counter() - start
    record = {"sha256": None, "weights": _weights_digest(fitted), "fit_time": fit_time}
    if run.store is not None:
        _keep_fitted(run, fitted, record)
    return run, fitted, record


# What a study hands to joblib per chunk of images.
def _certify_chunk(chunk, fitted, X):
    """Certify one chunk, keep its certificates in the store; (chunk, result)."""
    with _fit_lock(_keras_part(fitted)):  # the wait is not certifying time
        start = time.perf_counter()
        cert = fitted.certify(X, **chunk.certify)
        result = {name: np.asarray(cert[name]).tolist() for name in _CHUNK_FIELDS[:-1]}
        result["seconds"] = time.perf_counter() - start
    if chunk.store is not None:
        chunk.store.put(chunk.key, result, chunk.spec)
    return chunk, result


def _run_calls(function, calls, n_jobs):
    """``function(*call)`` for every call: here, in order, or through joblib.

    As :func:`~skmnistnoise._plan.run_plans` runs a sweep's fits: joblib only
    where ``n_jobs`` and the active backend ask for it
    (:func:`~skmnistnoise._plan._fits_in_parallel`), the arrays and trained
    smoothers copied to every worker of a Dask cluster first
    (:func:`~skmnistnoise.cluster.on_every_worker`), the results as they
    finish.
    """
    if not _fits_in_parallel(n_jobs, len(calls)):
        return (function(*call) for call in calls)
    if "joblib._dask" in sys.modules:  # the Dask backend may be active
        from .cluster import on_every_worker

        calls = on_every_worker(calls)
    return Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
        delayed(function)(*call) for call in calls
    )


def _missing(job, required):
    """Whether a finished job's record is missing from this process's store:
    a worker on another machine writes to its own disk when the store is not
    on a shared filesystem, and this process then keeps the store complete."""
    return job.store is not None and job.store.get(job.key, required) is None


def _say(progress, text):
    """A progress line, if there are progress lines."""
    if progress is not None:
        progress.line(text)


# --------------------------------------------------------------------------
# The study


def _run_seeds(random_state, seeds, smoother, store):
    """The seeds of the runs (the study functions' convention), checked."""
    random_state = undeprecated_seeds(random_state, seeds, "certify_study", helpers=1)
    run_seeds = plan_seeds(random_state, "certify_study")
    if run_seeds == [None] and store is not None:
        unseeded = [
            name
            for name, value in smoother.get_params(deep=True).items()
            if name.split("__")[-1] == "random_state" and value is None
        ]
        if unseeded or smoother.get_params().get("random_state") is None:
            raise ValueError(
                "certify_study with a store needs seeded runs: pass random_state "
                "(an int or a sequence of ints), or seed the smoother's steps "
                f"({', '.join(unseeded) or 'random_state'} is None); an unseeded "
                "run cannot be found again in the store."
            )
    unseeded = unseeded_steps(smoother, run_seeds[0])
    if unseeded and store is not None:
        raise ValueError(
            "certify_study with a store needs seeded runs, and parts of the "
            f"smoother cannot be seeded: {'; '.join(unseeded)}. An unseeded run "
            "cannot be found again in the store: pass store=None."
        )
    if unseeded:
        warnings.warn(
            f"certify_study: the smoother cannot be seeded: {'; '.join(unseeded)}. "
            "Its rows record seed=None and seeded=False: a re-run would not give "
            "the same numbers.",
            stacklevel=3,
        )
    return run_seeds, bool(unseeded)


def _plan_runs(smoother, names, sigmas, seeds, *, store, data_digest, label):
    """One :class:`_Run` per seed and sigma, in that order."""
    runs = []
    for seed in seeds:
        for sigma in sigmas:
            est = clone(smoother)
            if seed is not None:  # None: the smoother's own seeds, as given
                est = seeded(est, seed, nested=True)
            est = est.set_params(**dict.fromkeys(names, sigma))
            key = spec = None
            if store is not None:
                spec = {
                    "kind": "smoothed classifier",
                    "estimator": canonical(est),
                    "data": data_digest,
                }
                key = ResultStore.key(spec)
            text = f"{label} sigma {sigma:g} seed {seed}"
            runs.append(_Run(len(runs), seed, sigma, est, text, store, key, spec))
    return runs


def _stored_fit(run):
    """(fitted, record) of a run whose trained smoother the store holds, or None."""
    if run.store is None:
        return None
    record = run.store.get(run.key, required=_FIT_FIELDS)
    if record is None:
        return None
    fitted = run.store.get_fitted(run.key, record["sha256"], run.estimator)
    return None if fitted is None else (fitted, record)


def _training_key(run):
    """What a run's training depends on: its base estimator (seeded, and with
    any training noise set to sigma). The smoothing noise is not in it: a
    smoother's ``fit`` fits only its estimator, so runs of one seed whose
    estimators agree (an undefended network, smoothed at several sigmas)
    share one training."""
    return ResultStore.key({"estimator": canonical(run.estimator.estimator)})


def _twin(run, fitted, record, source, progress):
    """The fitted smoother of ``run`` from another run's training of the same
    estimator: ``run``'s own (unfitted) smoother, its smoothing noise kept,
    given the trained estimator; its record names whose training it shares.
    Kept in the store under ``run``'s key, as a training of its own is;
    ``source`` is the key of the run that trained it."""
    twin = clone(run.estimator)
    for name, value in vars(fitted).items():
        if name.endswith("_") and not name.startswith("_"):
            setattr(twin, name, value)
    record = {**record, "sha256": None, "shares_training_of": source}
    if run.store is not None:
        _keep_fitted(run, twin, record)
    _say(progress, f"{run.label}: the network trained for another sigma, shared")
    return twin, record


def _trained(runs, X, y, n_jobs, progress):
    """Every run's (fitted smoother, record): read from the store, or trained
    (once per distinct training: see :func:`_training_key`)."""
    fits, calls, twins, trained = {}, [], {}, {}
    for run in runs:
        stored = _stored_fit(run)
        if stored is not None:
            fits[run.index] = stored
            trained.setdefault(_training_key(run), (run, *stored))
            _say(
                progress, f"{run.label}: trained classifier read from {run.store.path}"
            )
    for run in runs:
        if run.index in fits:
            continue
        same = _training_key(run)
        if same in trained:
            first, fitted, record = trained[same]
            fits[run.index] = _twin(run, fitted, record, first.key, progress)
        elif same in twins:
            twins[same].append(run)
        else:
            twins[same] = []
            calls.append((run, X, y))
    if calls:
        _say(progress, f"training {len(calls)} smoothed classifier(s)")
        if progress is not None and not _fits_in_parallel(n_jobs, len(calls)):
            # Here, one at a time: every epoch a line, with the time left.
            progress.total_epochs = sum(
                epochs_of(_keras_part(run.estimator)) for run, _, _ in calls
            )
            calls = [(*call, progress) for call in calls]
    for run, fitted, record in _run_calls(_train_smoother, calls, n_jobs):
        if _missing(run, _FIT_FIELDS):
            _keep_fitted(run, fitted, dict(record))
        fits[run.index] = (fitted, record)
        _say(progress, f"{run.label}: trained in {record['fit_time']:.0f} s")
        for twin in twins[_training_key(run)]:
            fits[twin.index] = _twin(twin, fitted, record, run.key, progress)
    return fits


def _certified(runs, fits, X, y, slices, certify, n_jobs, verbose):
    """Every run's chunks of certificates, read from the store or certified;
    and the runs that certified any."""
    parts, calls = {}, []
    for run in runs:
        fitted, record = fits[run.index]
        for number, rows in enumerate(slices):
            chunk = _Chunk(run.index, number, certify)
            if run.store is not None:
                spec = {
                    "kind": "certificate",
                    "fit": run.key,
                    "weights": record["weights"],
                    "images": digest_arrays(X[rows]),
                    **certify,
                    # TensorFlow's oneDNN kernels round differently.
                    "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
                }
                key = ResultStore.key(spec)
                chunk = _Chunk(run.index, number, certify, run.store, key, spec)
                stored = run.store.get(key, required=_CHUNK_FIELDS)
                if stored is not None and len(stored["radius"]) == len(X[rows]):
                    parts[run.index, number] = stored
                    continue
            calls.append((chunk, fitted, X[rows]))
    progress = Progress(len(calls)) if verbose and calls else None
    if calls:
        _say(
            progress,
            f"certifying {len(calls)} chunk(s) of up to {slices[0].stop} images, "
            f"{len(parts)} read from the store",
        )
    computed = set()
    for chunk, result in _run_calls(_certify_chunk, calls, n_jobs):
        if _missing(chunk, _CHUNK_FIELDS):
            chunk.store.put(chunk.key, result, chunk.spec)
        parts[chunk.run, chunk.number] = result
        computed.add(chunk.run)
        if progress is not None:
            passes = len(result["radius"]) * (certify["n0"] + certify["n"])
            rate = passes / max(result["seconds"], 1e-9)
            # The smoothed accuracy on the chunk (abstentions wrong).
            right = np.equal(result["prediction"], y[slices[chunk.number]])
            accuracy = float(np.mean(right & ~np.asarray(result["abstained"], bool)))
            progress.fit_done(
                f"{runs[chunk.run].label}: chunk {chunk.number + 1}/{len(slices)}, "
                f"{rate:.0f} noisy passes/s",
                {"fit_time": result["seconds"], "test_accuracy": accuracy},
                1,
            )
    return parts, computed


_PARAMS = {
    "smoother": [HasMethods(["fit", "certify"])],
    "X_train": ["array-like"],
    "y_train": ["array-like"],
    "X_test": ["array-like"],
    "y_test": ["array-like"],
    "sigmas": ["array-like"],
    "param_names": ["array-like", None],
    "n0": [Interval(Integral, 1, None, closed="left")],
    "n": [Interval(Integral, 1, None, closed="left")],
    "alpha": [Interval(Real, 0, 1, closed="neither")],
    "batch_size": [Interval(Integral, 1, None, closed="left"), None],
    "radii": ["array-like"],
    "chunk_size": [Interval(Integral, 1, None, closed="left")],
    "n_jobs": [Integral, None],
    "random_state": RANDOM_STATE_CONSTRAINTS,
    "seeds": ["array-like", None],
    "store": STORE_CONSTRAINTS,
    "dataset": [str],
    "labels": [dict, None],
    "verbose": ["boolean"],
}


def _check_sigmas(sigmas):
    values = [float(s) for s in np.asarray(sigmas, dtype=float).ravel()]
    if not values or len(set(values)) != len(values):
        raise ValueError(
            f"The 'sigmas' parameter must be a non-empty sequence of distinct "
            f"noise scales; got {sigmas!r}."
        )
    bad = [s for s in values if not (math.isfinite(s) and s > 0)]
    if bad:
        raise ValueError(
            f"The 'sigmas' parameter must hold finite scales > 0 (sigma 0 "
            f"certifies nothing); got {bad[0]!r}."
        )
    return values


def _check_radii(radii):
    r = np.asarray(radii, dtype=float).ravel()
    if not r.size or not np.all(np.isfinite(r)) or np.any(r < 0):
        raise ValueError(
            f"The 'radii' parameter must be finite radii >= 0; got {radii!r}."
        )
    return sorted(set(r.tolist()))


@validated(_PARAMS)
@shared_docs
def certify_study(
    smoother,
    X_train,
    y_train,
    X_test,
    y_test,
    *,
    sigmas,
    param_names=None,
    n0=100,
    n=100_000,
    alpha=0.001,
    batch_size=None,
    radii=RADII_500,
    chunk_size=20,
    n_jobs=None,
    random_state=None,
    seeds=None,
    store=None,
    dataset="custom",
    labels=None,
    verbose=False,
):
    """Train a smoothed classifier per sigma and seed, certify, tabulate.

    For every seed and every sigma: a clone of ``smoother`` with every
    parameter of ``param_names`` set to sigma and every ``random_state`` that
    would draw afresh set to the seed is trained on ``(X_train, y_train)``; its
    :meth:`~NoiseAveragedClassifier.certify` (Cohen et al.'s CERTIFY) runs on
    ``X_test`` in chunks of ``chunk_size`` images; the certificates are
    summarised against ``y_test``. Where sigma sets nothing the training sees
    (``param_names`` only ``["noise__scale"]``: a network trained without
    noise, smoothed at each sigma), the sigmas of a seed share one training,
    each certified with its own noise; the record of each names the run
    whose training it shares (``shares_training_of``).

    Parameters
    ----------
    smoother : NoiseAveragedClassifier
        Unfitted; its ``noise`` an additive :class:`GaussianNoise` (the only
        noise that certifies an L2 radius). Any classifier can be its
        ``estimator``.
    X_train, y_train : array-like
        The training data.
    X_test, y_test : array-like
        The images to certify and their labels.
    sigmas : array-like of float
        Smoothing noise scales, > 0, in the units of X.
    param_names : sequence of str or None, default=None
        The parameters set to sigma; None: :func:`smoothing_param_names`
        (the smoothing noise, and the training noise of the base classifier:
        Gaussian data augmentation, Cohen et al.'s training).
    n0, n, alpha : int, int, float, default=100, 100_000, 0.001
        CERTIFY's selection draws, estimation draws and level.
    batch_size : int or None, default=None
        Noisy copies per forward pass (see ``certify``).
    radii : array-like of float, default=RADII_500
        Radii at which the rows give the certified accuracy; the per-image
        certificates in the rows give any other.
    chunk_size : int, default=20
        Images certified and stored at a time: a killed run loses at most the
        chunks it was certifying.
    n_jobs : int or None, default=None
        The trainings (one per seed and sigma), then the chunks, run in
        parallel through joblib, as a sweep's fits do: local processes, or
        the workers of a Dask cluster inside
        ``joblib.parallel_config(backend="dask")``. None means what joblib's
        active configuration says: one at a time by default, all workers of
        the cluster under the Dask backend. Every job writes its record to
        ``store`` from where it runs, so the store belongs on a filesystem
        every worker shares; this process also writes any record it does not
        find there. The certificates are the same whatever ``n_jobs``.
    %(random_state)s
        Here a run is one trained and certified smoother per seed and sigma;
        None takes the smoother's own seeds, which a ``store`` needs to be
        ints.
    %(seeds)s
    store : ResultStore, str, path-like or None, default=None
        Where the trained classifiers (``fitted/<key>.zip``, without pickle,
        checksummed; see
        :meth:`~skmnistnoise.experiment.ResultStore.put_fitted`) and the
        certificates' chunks are kept; the same call again trains and
        certifies nothing, an interrupted one resumes.
    %(dataset)s
    labels : dict or None, default=None
        Columns to set on every row (e.g. ``{"recipe": "adam"}``).
    verbose : bool, default=False
        Progress lines on standard error: the classifiers trained or read,
        and every certified chunk with the time left.

    Returns
    -------
    results : SweepResults
        One row per seed and sigma, in that order, in the certification
        columns (``skmnistnoise.experiment.CERTIFY_COLUMNS``): ``dataset``,
        ``model``, ``sigma``, ``seed``, ``n0``, ``n``, ``alpha``,
        ``batch_size``, ``test_accuracy`` (certified accuracy at radius 0:
        CERTIFY's predictions, abstentions counted wrong), ``acr``,
        ``abstained`` (fraction), ``epochs``, ``fit_time``, ``score_time``
        (seconds certifying), ``n_train``, ``n_images``, ``n_classes`` and
        ``key``; and ``sigma_params`` (what was set to sigma), the lists
        ``certified_radii`` and ``certified_accuracy_at``, and the per-image
        ``certificate_label``, ``certificate_prediction``,
        ``certificate_radius`` and ``certificate_abstained``.

    See Also
    --------
    SweepResults.certified : The table of certified accuracy per radius.
    skmnistnoise.plotting.CertifiedAccuracyDisplay.from_results : Its curves.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmnistnoise import GaussianNoise, NoiseAveragedClassifier
    >>> from skmnistnoise.experiment import certify_study
    >>> X, y = load_digits(return_X_y=True)
    >>> X = X / 16
    >>> smoother = NoiseAveragedClassifier(LogisticRegression(max_iter=500),
    ...                                    noise=GaussianNoise())
    >>> results = certify_study(smoother, X[:1000], y[:1000], X[1000:1020],
    ...                         y[1000:1020], sigmas=[0.25], n=200)
    >>> row = results.rows[0]
    >>> row["sigma"], len(row["certificate_radius"]), 0 <= row["acr"]
    (0.25, 20, True)
    """
    from ._certify import average_certified_radius, certified_accuracy

    X_train, y_train = check_Xy(X_train, y_train)
    X_test, y_test = check_Xy(X_test, y_test)
    sigmas = _check_sigmas(sigmas)
    radii = _check_radii(radii)
    names = (
        smoothing_param_names(smoother) if param_names is None else list(param_names)
    )
    params = smoother.get_params(deep=True)
    unknown = [p for p in names if p not in params]
    if unknown:
        raise ValueError(
            f"The 'param_names' parameter names {unknown[0]!r}, which is not a "
            f"parameter of {type(smoother).__name__}."
        )
    if isinstance(store, str) or hasattr(store, "__fspath__"):
        store = ResultStore(store)
    model = describe_model(smoother.estimator)
    start = time.perf_counter()
    run_seeds, unseeded = _run_seeds(random_state, seeds, smoother, store)
    runs = _plan_runs(
        smoother,
        names,
        sigmas,
        run_seeds,
        store=store,
        data_digest=None if store is None else digest_arrays(X_train, y_train),
        label=(labels or {}).get("model", model),
    )
    lines = Progress(0) if verbose else None  # the lines of the trainings
    fits = _trained(runs, X_train, y_train, n_jobs, lines)
    slices = [slice(i, i + chunk_size) for i in range(0, len(X_test), chunk_size)]
    certify = {"n0": n0, "n": n, "alpha": alpha, "batch_size": batch_size}
    parts, computed = _certified(
        runs, fits, X_test, y_test, slices, certify, n_jobs, verbose
    )
    rows = []
    for run in runs:
        fitted, record = fits[run.index]
        chunks = [parts[run.index, number] for number in range(len(slices))]
        certificate = {
            name: np.concatenate([np.asarray(p[name]) for p in chunks])
            for name in ("prediction", "radius", "abstained")
        }
        certificate["prediction"] = certificate["prediction"].astype(
            np.asarray(fitted.classes_).dtype
        )
        certificate["abstained"] = certificate["abstained"].astype(bool)
        if run.index not in computed:
            _say(lines, f"{run.label}: certificates read from {store.path}")
        accuracy = certified_accuracy(y_test, certificate, radii)
        columns = {
            "dataset": dataset,
            "model": model,
            "sigma": run.sigma,
            "seed": None if unseeded else run.seed,
            **certify,
            "test_accuracy": float(certified_accuracy(y_test, certificate, 0.0)),
            "acr": average_certified_radius(y_test, certificate),
            "abstained": float(certificate["abstained"].mean()),
            "epochs": params.get("estimator__epochs"),
            "fit_time": record["fit_time"],
            "score_time": sum(p["seconds"] for p in chunks),
            "n_train": len(X_train),
            "n_images": len(X_test),
            "n_classes": len(fitted.classes_),
            "key": run.key,
        }
        rows.append(
            {
                **{column: columns[column] for column in CERTIFY_COLUMNS},
                "cpu": cpu(),
                **(
                    {"seeded": False, "replicate": run_seeds.index(run.seed)}
                    if unseeded
                    else {}
                ),
                "sigma_params": names,
                **(labels or {}),
                "certified_radii": radii,
                "certified_accuracy_at": [float(a) for a in accuracy],
                "certificate_label": np.asarray(y_test).tolist(),
                "certificate_prediction": certificate["prediction"].tolist(),
                "certificate_radius": certificate["radius"].tolist(),
                "certificate_abstained": certificate["abstained"].tolist(),
            }
        )
    return SweepResults(
        rows,
        n_computed=len(computed),
        n_cached=len(runs) - len(computed),
        wall_time=time.perf_counter() - start,
    )
