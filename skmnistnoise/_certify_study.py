"""A certification study: smoothed classifiers trained and certified per sigma.

:func:`certify_study` trains one :class:`NoiseAveragedClassifier` per
smoothing sigma and seed (the noise of training set to the same sigma, so a
network sees fresh noise of that sigma every epoch), certifies the test images
with Cohen et al.'s CERTIFY, and returns one row of the study's result table
(:class:`~skmnistnoise.experiment.SweepResults`) per run: certified accuracy
at the requested radii, the average certified radius, the fraction abstained,
and the per-image certificates from which any radius can be read later.

Certifying is the long part (millions of forward passes), so it is done in
chunks of test images, each kept in the result store as soon as it is done;
the trained classifier is kept beside them. A killed run loses at most the
chunk it was computing, and the same call resumes from there. A chunk is used
only if it was computed by exactly this computation: its key holds the
classifier's definition, the training data, a digest of the trained weights,
the images, ``n0``, ``n``, ``alpha``, the batch size and TensorFlow's oneDNN
setting; a trained classifier file is used only if it matches the checksum in
its record.
"""

import math
import os
import pickle
import time
from numbers import Integral, Real

import numpy as np
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import HasMethods, Interval

from ._checks import STORE_CONSTRAINTS, check_Xy, resolve_seeds, seeded, validated
from ._fit import cpu
from ._progress import Progress, format_seconds
from ._registry import describe_model
from ._results import SweepResults
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


def _weights_digest(fitted):
    """A digest of what a fitted smoother learned: its networks' weights (Keras
    models pickle with a time stamp), else the pickled steps."""
    inner = fitted.estimator_
    steps = [s for _, s in inner.steps] if isinstance(inner, Pipeline) else [inner]
    arrays = []
    for step in steps:
        model = getattr(step, "model_", None)
        if model is not None and hasattr(model, "get_weights"):
            arrays += [np.asarray(w) for w in model.get_weights()]
        else:
            arrays.append(np.frombuffer(pickle.dumps(step), dtype=np.uint8))
    return digest_arrays(*arrays)


def _say(progress, text):
    """A progress line, if there are progress lines."""
    if progress is not None:
        progress.line(text)


def _fitted(est, X, y, *, store, spec, progress, label):
    """The trained smoother of a run (loaded from the store, or trained and
    kept), its fit time and its weights' digest."""
    key = None
    if store is not None:
        key = ResultStore.key(spec)
        record = store.get(key, required=_FIT_FIELDS)
        if record is not None:
            fitted = store.get_fitted(key, record["sha256"], est)
            if fitted is not None:
                _say(progress, f"{label}: trained classifier read from {store.path}")
                return fitted, record["fit_time"], record["weights"]
    _say(progress, f"{label}: training")
    start = time.perf_counter()
    fitted = clone(est).fit(X, y)
    fit_time = time.perf_counter() - start
    weights = _weights_digest(fitted)
    if store is not None:
        try:
            sha256 = store.put_fitted(key, fitted)
        except NotReproducibleError:
            # A smoother that cannot be kept without pickle is not kept: the
            # record holds no checksum, so a resumed run trains it again (and,
            # with the same weights, reads the chunks certified with them).
            sha256 = None
        result = {"sha256": sha256, "weights": weights, "fit_time": fit_time}
        store.put(key, result, spec)
    _say(progress, f"{label}: trained in {fit_time:.0f} s")
    return fitted, fit_time, weights


def _chunk(fitted, X, *, store, spec, n0, n, alpha, batch_size):
    """The certificate of a chunk of images: read from the store, or computed
    and kept; and whether it was computed."""
    key = None
    if store is not None:
        key = ResultStore.key(spec)
        stored = store.get(key, required=_CHUNK_FIELDS)
        if stored is not None and len(stored["radius"]) == len(X):
            return stored, False
    start = time.perf_counter()
    cert = fitted.certify(X, n0=n0, n=n, alpha=alpha, batch_size=batch_size)
    result = {name: np.asarray(cert[name]).tolist() for name in _CHUNK_FIELDS[:-1]}
    result["seconds"] = time.perf_counter() - start
    if store is not None:
        store.put(key, result, spec)
    return result, True


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
    "random_state": [Interval(Integral, 0, None, closed="left")],
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
    random_state=0,
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
    summarised against ``y_test``.

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
        Images certified and stored at a time: a killed run loses at most one
        chunk.
    random_state : int, default=0
        The seed of every step when ``seeds`` is None.
    seeds : sequence of int or None, default=None
        One run per seed and sigma (overrides ``random_state``).
    store : ResultStore, str, path-like or None, default=None
        Where the trained classifiers (``fitted/<key>.zip``, without pickle,
        checksummed; see
        :meth:`~skmnistnoise.experiment.ResultStore.put_fitted`) and the
        certificates' chunks are kept; the same call again trains and
        certifies nothing, an interrupted one resumes.
    dataset : str, default="custom"
        The data's name, for the rows.
    labels : dict or None, default=None
        Columns to set on every row (e.g. ``{"model": "convnet"}``).
    verbose : bool, default=False
        Progress lines on standard error, one per trained classifier and
        certified chunk.

    Returns
    -------
    results : SweepResults
        One row per seed and sigma: ``model``, ``noise`` ("additive"),
        ``protocol`` ("smoothing"), ``scale`` (sigma), ``seed``,
        ``test_accuracy`` (certified accuracy at radius 0: CERTIFY's
        predictions, abstentions counted wrong), ``certified_radii`` and
        ``certified_accuracy_at`` (lists), ``acr``, ``abstained`` (fraction),
        ``n0``, ``n``, ``alpha``, ``n_test``, ``fit_time``, ``score_time``
        (seconds certifying), and the per-image ``certificate_label``,
        ``certificate_prediction``, ``certificate_radius`` and
        ``certificate_abstained``.

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
    >>> row["scale"], len(row["certificate_radius"]), 0 <= row["acr"]
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
    data_digest = digest_arrays(X_train, y_train) if store is not None else None
    model = describe_model(smoother.estimator)
    chunks = [slice(i, i + chunk_size) for i in range(0, len(X_test), chunk_size)]
    seeds = resolve_seeds(seeds, random_state)
    # Progress lines: one per trained classifier and per certified chunk.
    progress = Progress(len(seeds) * len(sigmas) * len(chunks)) if verbose else None
    start_all = time.perf_counter()
    rows, n_computed, n_cached = [], 0, 0
    for seed in seeds:
        for sigma in sigmas:
            est = seeded(clone(smoother), seed, nested=True).set_params(
                **dict.fromkeys(names, sigma)
            )
            label = f"{(labels or {}).get('model', model)} sigma {sigma:g} seed {seed}"
            spec = None
            if store is not None:
                spec = {
                    "kind": "smoothed classifier",
                    "estimator": canonical(est),
                    "data": data_digest,
                }
            fitted, fit_time, weights = _fitted(
                est,
                X_train,
                y_train,
                store=store,
                spec=spec,
                progress=progress,
                label=label,
            )
            parts, seconds, done = [], 0.0, 0
            computed_any = False
            for number, rows_ in enumerate(chunks):
                chunk_spec = None
                if store is not None:
                    chunk_spec = {
                        "kind": "certificate",
                        "fit": ResultStore.key(spec),
                        "weights": weights,
                        "images": digest_arrays(X_test[rows_]),
                        "n0": n0,
                        "n": n,
                        "alpha": alpha,
                        "batch_size": batch_size,
                        # TensorFlow's oneDNN kernels round differently.
                        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
                    }
                part, computed = _chunk(
                    fitted,
                    X_test[rows_],
                    store=store,
                    spec=chunk_spec,
                    n0=n0,
                    n=n,
                    alpha=alpha,
                    batch_size=batch_size,
                )
                parts.append(part)
                seconds += part["seconds"]
                computed_any |= computed
                done += len(part["radius"])
                if computed:
                    images = len(part["radius"])
                    rate = images * (n0 + n) / max(part["seconds"], 1e-9)
                    left = part["seconds"] * (len(chunks) - number - 1)
                    _say(
                        progress,
                        f"{label}: chunk {number + 1}/{len(chunks)} "
                        f"({done}/{len(X_test)} images) certified in "
                        f"{part['seconds']:.0f} s, {rate:.0f} noisy passes/s, "
                        f"left ~{format_seconds(left)}",
                    )
            certificate = {
                name: np.concatenate([np.asarray(p[name]) for p in parts])
                for name in ("prediction", "radius", "abstained")
            }
            certificate["prediction"] = certificate["prediction"].astype(
                np.asarray(fitted.classes_).dtype
            )
            certificate["abstained"] = certificate["abstained"].astype(bool)
            if computed_any:
                n_computed += 1
            else:
                n_cached += 1
                _say(progress, f"{label}: certificates read from {store.path}")
            accuracy = certified_accuracy(y_test, certificate, radii)
            rows.append(
                {
                    "dataset": dataset,
                    "model": model,
                    "noise": "additive",
                    "protocol": "smoothing",
                    "scale": sigma,
                    "pixel_scale": sigma,
                    "fold": 0,
                    "seed": seed,
                    "test_accuracy": float(
                        certified_accuracy(y_test, certificate, 0.0)
                    ),
                    "acr": average_certified_radius(y_test, certificate),
                    "abstained": float(certificate["abstained"].mean()),
                    "n0": n0,
                    "n": n,
                    "alpha": alpha,
                    "batch_size": batch_size,
                    "fit_time": fit_time,
                    "score_time": seconds,
                    "epochs": params.get("estimator__epochs"),
                    "sigma_params": names,
                    "n_train": len(X_train),
                    "n_test": len(X_test),
                    "n_classes": len(fitted.classes_),
                    "key": None if spec is None else ResultStore.key(spec),
                    "cpu": cpu(),
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
        n_computed=n_computed,
        n_cached=n_cached,
        wall_time=time.perf_counter() - start_all,
    )
