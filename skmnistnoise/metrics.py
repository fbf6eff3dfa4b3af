"""Robustness scores of a sweep: corruption errors (ImageNet-C style) and AUC.

For a model ``f`` and a noise, with ``E_s`` the test error at scale ``s``
(mean over folds), ``E_0`` the clean error and the sums running over the
corrupted scales ``s > 0`` (Hendrycks and Dietterich, 2019):

* ``mean_error``: the mean of ``E_s``, the unnormalised mean corruption error;
* ``ce``: ``sum E_s / sum E_s(baseline)``, the corruption error relative to a
  baseline model (ImageNet-C uses AlexNet; this toolkit the MLP);
* ``relative_ce``: ``sum (E_s - E_0) / sum (E_s(baseline) - E_0(baseline))``,
  how much the model loses to the noise compared with how much the baseline
  loses;
* ``auc``: the area under accuracy against scale (trapezoids) divided by the
  scale range: the mean accuracy over the swept range, 1 for a model that
  noise does not touch.

``mCE`` and relative ``mCE`` are the means of ``ce`` and ``relative_ce`` over
the noises of a model.

MNIST-C's corruptions (Mu and Gilmer, 2019) have one setting each: a sweep
over them at scales ``[0, 1]`` (``make_noise(corruption, scale)``, scale 1
MNIST-C's setting) has one corrupted scale per corruption, so the sums hold
one term: ``ce = E_1 / E_1(baseline)`` and ``relative_ce = (E_1 - E_0) /
(E_1(baseline) - E_0(baseline))``, ImageNet-C's definitions with a single
severity, and ``mCE`` is their mean over the corruptions.
"""

import numpy as np

from ._certify import (
    average_certified_radius,
    certified_accuracy,
    max_certifiable_radius,
)
from ._noisy_scoring import noisy_scorer
from ._paired import paired_certified_test
from ._results import ARM, SweepResults, wilson_interval

__all__ = [
    "average_certified_radius",
    "certified_accuracy",
    "corruption_scores",
    "max_certifiable_radius",
    "mean_corruption_errors",
    "noisy_scorer",
    "paired_certified_test",
    "wilson_interval",
]

_GROUP = ARM
# numpy < 2 names it trapz.
_trapezoid = getattr(np, "trapezoid", None) or np.trapz  # noqa: NPY201


def corruption_scores(results, *, baseline="mlp", x="scale"):
    """Per model and noise: errors per scale, mean error, CE, relative CE and AUC.

    Parameters
    ----------
    results : SweepResults or iterable of dict
        Rows with ``dataset``, ``model``, ``noise``, ``protocol``, the ``x``
        column and ``test_accuracy``.
    baseline : str or None, default="mlp"
        The model whose errors normalise ``ce`` and ``relative_ce`` (same
        dataset, noise and protocol). None or absent: those are NaN.
    x : {"scale", "pixel_scale"}, default="scale"
        The scale column.

    Returns
    -------
    scores : list of dict
        One per (dataset, model, noise, protocol): ``scales``, ``errors``,
        ``clean_error``, ``mean_error``, ``ce``, ``relative_ce``, ``auc``.

    Examples
    --------
    >>> rows = [
    ...     {"dataset": "d", "model": m, "noise": "additive", "protocol": "p",
    ...      "scale": s, "test_accuracy": a}
    ...     for m, accs in {"mlp": [.9, .6, .3], "convnet": [.95, .8, .5]}.items()
    ...     for s, a in zip([0, 1, 2], accs)]
    >>> convnet = corruption_scores(rows)[0]
    >>> convnet["model"], round(convnet["mean_error"], 3), round(convnet["ce"], 3)
    ('convnet', 0.35, 0.636)
    >>> round(convnet["relative_ce"], 3), round(convnet["auc"], 4)
    (0.667, 0.7625)
    """
    curves = {}
    # A row without x (a certification run's: a sigma, no noise scale) is on
    # no curve of accuracy against the noise.
    rows = [r for r in SweepResults.coerce(results) if r.get(x) is not None]
    for entry in SweepResults(rows).aggregate("test_accuracy", by=(*_GROUP, x)):
        scales, acc = curves.setdefault(tuple(entry[k] for k in _GROUP), ([], []))
        scales.append(float(entry[x]))
        acc.append(entry["mean"])
    curves = {
        g: (np.asarray(s)[np.argsort(s)], np.asarray(a)[np.argsort(s)])
        for g, (s, a) in curves.items()
    }
    scores = []
    for group, (scales, acc) in curves.items():
        errors = 1 - acc
        corrupted = scales > 0
        clean = errors[~corrupted][0] if (~corrupted).any() else np.nan
        entry = dict(zip(_GROUP, group))
        entry.update(
            scales=scales.tolist(),
            errors=errors.tolist(),
            clean_error=float(clean),
            mean_error=float(errors[corrupted].mean()) if corrupted.any() else np.nan,
            ce=np.nan,
            relative_ce=np.nan,
            auc=(
                float(_trapezoid(acc, scales) / (scales[-1] - scales[0]))
                if len(scales) > 1
                else float(acc[0])
            ),
        )
        base_group = (group[0], baseline, group[2], group[3])
        if baseline is not None and base_group in curves:
            b_scales, b_acc = curves[base_group]
            common = np.intersect1d(scales[corrupted], b_scales[b_scales > 0])
            if len(common):
                e = errors[np.isin(scales, common)]
                b = (1 - b_acc)[np.isin(b_scales, common)]
                b_clean = (1 - b_acc)[b_scales == 0]
                entry["ce"] = float(e.sum() / b.sum()) if b.sum() else np.nan
                if len(b_clean) and np.isfinite(clean):
                    lost, base_lost = (e - clean).sum(), (b - b_clean[0]).sum()
                    entry["relative_ce"] = (
                        float(lost / base_lost) if base_lost else np.nan
                    )
        scores.append(entry)
    return sorted(scores, key=lambda s: tuple(str(s[k]) for k in _GROUP))


def mean_corruption_errors(scores):
    """mCE and relative mCE per model: ``ce`` and ``relative_ce`` averaged over noises.

    Parameters
    ----------
    scores : list of dict
        As returned by :func:`corruption_scores`.

    Returns
    -------
    summary : list of dict
        One per (dataset, model, protocol): ``mCE``, ``relative_mCE``,
        ``mean_error`` and ``auc`` (means over the noises), ``noises``.

    Examples
    --------
    >>> mean_corruption_errors([
    ...     {"dataset": "d", "model": "m", "noise": n, "protocol": "p", "ce": ce,
    ...      "relative_ce": 1.0, "mean_error": 0.2, "auc": 0.8}
    ...     for n, ce in [("additive", 0.5), ("speckle", 0.7)]])[0]["mCE"]
    0.6

    MNIST-C's corruptions, one severity each (scale 1) beside the clean
    scale 0, against the MLP:

    >>> errors = {"mlp": {"fog": 0.4, "shear": 0.2},
    ...           "convnet": {"fog": 0.2, "shear": 0.05}}
    >>> rows = [{"dataset": "mnist", "model": m, "noise": c, "protocol": "pixel",
    ...          "scale": s, "test_accuracy": 1 - (e if s else 0.02)}
    ...         for m, per in errors.items() for c, e in per.items() for s in (0, 1)]
    >>> convnet = mean_corruption_errors(corruption_scores(rows, baseline="mlp"))[0]
    >>> convnet["model"], round(convnet["mCE"], 3)  # (0.2/0.4 + 0.05/0.2) / 2
    ('convnet', 0.375)
    >>> round(convnet["relative_mCE"], 3)  # (0.18/0.38 + 0.03/0.18) / 2
    0.32
    """
    out = {}
    for s in scores:
        key = (s["dataset"], s["model"], s["protocol"])
        out.setdefault(key, []).append(s)
    summary = []
    for (dataset, model, protocol), entries in sorted(out.items(), key=str):
        summary.append(
            {
                "dataset": dataset,
                "model": model,
                "protocol": protocol,
                "noises": [e["noise"] for e in entries],
                "mCE": float(np.mean([e["ce"] for e in entries])),
                "relative_mCE": float(np.mean([e["relative_ce"] for e in entries])),
                "mean_error": float(np.mean([e["mean_error"] for e in entries])),
                "auc": float(np.mean([e["auc"] for e in entries])),
            }
        )
    return summary
