"""The ``plot_*`` shortcuts, deprecated in 0.3 for the Displays' ``from_*`` methods.

As scikit-learn deprecated ``plot_roc_curve`` and its kin for
``RocCurveDisplay.from_estimator``: each shortcut still returns the figure it
returned, and warns with a :class:`FutureWarning` that names the call that
replaces it (:data:`REPLACEMENTS`). They are removed in 0.4.
"""

import warnings

from .._registry import MODEL_NAMES
from .._results import SweepResults
from ._accuracy_scale import AccuracyScaleDisplay
from ._base import check_not_empty, new_figure, title_suffix
from ._epoch_curve import EpochCurveDisplay
from ._noisy_samples import NoisySamplesDisplay
from ._robustness_matrix import RobustnessMatrixDisplay

#: The call that replaces each shortcut, in the shortcut's own argument names.
REPLACEMENTS = {
    "plot_noisy_samples": "NoisySamplesDisplay.from_data(X, **kwargs).figure_",
    "plot_accuracy_vs_scale": (
        "AccuracyScaleDisplay.from_results(results, x=x, ax=ax).figure_"
    ),
    "plot_accuracy_vs_epoch": (
        "EpochCurveDisplay.from_results(results, model=model, noise=noise).figure_"
    ),
    "plot_model_comparison": (
        "AccuracyScaleDisplay.from_results(results, x='pixel_scale', ax=ax1) and "
        "AccuracyScaleDisplay.from_results(results, x='pixel_scale', "
        "score='loss', score_type='test', ax=ax2)"
    ),
    "plot_robustness_matrix": (
        "RobustnessMatrixDisplay.from_results(results, ax=ax, **where).figure_"
    ),
}


def _warn_deprecated(name):
    """The FutureWarning of shortcut ``name``, pointing at its caller."""
    warnings.warn(
        f"{name} is deprecated in 0.3 and will be removed in 0.4; use "
        f"{REPLACEMENTS[name]} instead.",
        FutureWarning,
        stacklevel=3,
    )


def plot_noisy_samples(X, **kwargs):
    """The figure of :meth:`NoisySamplesDisplay.from_data`.

    .. deprecated:: 0.3
        ``plot_noisy_samples`` is removed in 0.4; use
        ``NoisySamplesDisplay.from_data(X, **kwargs).figure_``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples, h, w)
        Images in [0, 1] pixels; the first ``n_images`` are shown.
    **kwargs : dict
        ``scales``, ``noises``, ``n_images``, ``image_shape``,
        ``random_state``, as in :meth:`NoisySamplesDisplay.from_data`.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    The call that replaces ``plot_noisy_samples(X, scales=(0.5, 2), ...)``:

    >>> from skmnistnoise.datasets import load_digits
    >>> from skmnistnoise.plotting import NoisySamplesDisplay
    >>> X = load_digits(subset="test").data
    >>> fig = NoisySamplesDisplay.from_data(
    ...     X, scales=(0.5, 2), noises=("additive",), n_images=3).figure_
    >>> len(fig.axes)  # (clean + 2 scales) x 3 images, 2 noise fields, colour bar
    12
    """
    _warn_deprecated("plot_noisy_samples")
    return NoisySamplesDisplay.from_data(X, **kwargs).figure_


def plot_accuracy_vs_scale(results, *, x="scale", ax=None):
    """The figure of :meth:`AccuracyScaleDisplay.from_results`.

    .. deprecated:: 0.3
        ``plot_accuracy_vs_scale`` is removed in 0.4; use
        ``AccuracyScaleDisplay.from_results(results, x=x, ax=ax).figure_``.

    Parameters
    ----------
    results : SweepResults, list of dict or DataFrame
        The result table.
    x : {"scale", "pixel_scale"}, default="scale"
        The scale as swept, or in [0, 1]-pixel units.
    ax : matplotlib Axes or None, default=None
        Where to draw; None makes a new figure.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    The call that replaces ``plot_accuracy_vs_scale(results)``:

    >>> from skmnistnoise.experiment import SweepResults
    >>> from skmnistnoise.plotting import AccuracyScaleDisplay
    >>> rows = [{"model": "mlp", "noise": "additive", "scale": s, "pixel_scale": s,
    ...          "fold": 0, "train_accuracy": a, "test_accuracy": a, "n_classes": 10}
    ...         for s, a in [(0.0, .97), (1.0, .62)]]
    >>> fig = AccuracyScaleDisplay.from_results(SweepResults(rows)).figure_
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['MLP train', 'MLP test', 'chance (0.1)']
    """
    _warn_deprecated("plot_accuracy_vs_scale")
    return AccuracyScaleDisplay.from_results(results, x=x, ax=ax).figure_


def plot_accuracy_vs_epoch(results, *, model=None, noise=None):
    """The figure of :meth:`EpochCurveDisplay.from_results`.

    .. deprecated:: 0.3
        ``plot_accuracy_vs_epoch`` is removed in 0.4; use
        ``EpochCurveDisplay.from_results(results, model=model,
        noise=noise).figure_``.

    Parameters
    ----------
    results : SweepResults, list of dict or DataFrame
        A table with per-epoch curves.
    model, noise : str, sequence of str or None, default=None
        The arms to draw; None draws all.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    The call that replaces ``plot_accuracy_vs_epoch(results)``:

    >>> from skmnistnoise.experiment import SweepResults
    >>> from skmnistnoise.plotting import EpochCurveDisplay
    >>> rows = [{"model": "mlp", "noise": "additive", "scale": s, "fold": 0,
    ...          "epoch_train_accuracy": [.5, .8], "epoch_test_accuracy": [.4, .7]}
    ...         for s in (0.0, 1.0)]
    >>> len(EpochCurveDisplay.from_results(SweepResults(rows)).figure_.axes)
    2
    """
    _warn_deprecated("plot_accuracy_vs_epoch")
    return EpochCurveDisplay.from_results(results, model=model, noise=noise).figure_


def plot_model_comparison(results):
    """MLP against ConvNet: accuracy and test loss against the pixel-unit scale.

    .. deprecated:: 0.3
        ``plot_model_comparison`` is removed in 0.4; draw the two
        :class:`AccuracyScaleDisplay` it holds on axes of your own (see
        Examples).

    Left: test accuracy (solid) and train accuracy (dashed); right: the test
    cross-entropy loss; both against ``pixel_scale``, the noise scale in
    [0, 1]-pixel units whatever preprocessing ran before the noise (under the
    notebooks protocol the MLP's noise is added to standardised pixels, so its
    swept scale is in pixel standard deviations; ``pixel_scale`` puts both
    models on one axis). Two :class:`AccuracyScaleDisplay` side by side.

    Parameters
    ----------
    results : SweepResults, list of dict or DataFrame
        A table with one or more models, with losses.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Two axes: accuracy, test loss.

    Examples
    --------
    The calls that replace ``plot_model_comparison(results)``:

    >>> from matplotlib.figure import Figure
    >>> from skmnistnoise.experiment import SweepResults
    >>> from skmnistnoise.plotting import AccuracyScaleDisplay
    >>> results = SweepResults(
    ...     [{"model": m, "noise": "additive", "scale": s, "pixel_scale": s,
    ...       "fold": 0, "train_accuracy": a, "test_accuracy": a,
    ...       "train_loss": 1 - a, "test_loss": 1 - a}
    ...      for m in ("mlp", "convnet") for s, a in [(0.0, .97), (1.0, .62)]])
    >>> fig = Figure(figsize=(13, 4.8), layout="constrained")
    >>> ax1, ax2 = fig.subplots(1, 2)
    >>> accuracy = AccuracyScaleDisplay.from_results(
    ...     results, x="pixel_scale", ax=ax1)
    >>> loss = AccuracyScaleDisplay.from_results(
    ...     results, x="pixel_scale", score="loss", score_type="test", ax=ax2)
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['accuracy', 'loss (cross-entropy)']
    """
    _warn_deprecated("plot_model_comparison")
    results = SweepResults.coerce(results)
    check_not_empty(results, "plot_model_comparison")
    fig = new_figure((13, 4.8))
    acc_ax, loss_ax = fig.subplots(1, 2)
    accuracy = AccuracyScaleDisplay.from_results(results, x="pixel_scale", ax=acc_ax)
    accuracy.ax_.set_title("Accuracy: test solid, train dashed", fontsize="medium")
    AccuracyScaleDisplay.from_results(
        results, x="pixel_scale", score="loss", score_type="test", ax=loss_ax
    ).ax_.set_title("Test loss", fontsize="medium")
    loss_ax.set_ylabel("test loss (cross-entropy)")
    names = " against ".join(
        dict.fromkeys(MODEL_NAMES.get(m, str(m)) for m, _ in results.arms())
    )
    fig.suptitle(f"{names} under noise{title_suffix(results)}")
    return fig


def plot_robustness_matrix(results, *, ax=None, **where):
    """The figure of :meth:`RobustnessMatrixDisplay.from_results`.

    .. deprecated:: 0.3
        ``plot_robustness_matrix`` is removed in 0.4; use
        ``RobustnessMatrixDisplay.from_results(results, ax=ax,
        **where).figure_``.

    Parameters
    ----------
    results : SweepResults, list of dict or DataFrame
        The table of :func:`~skmnistnoise.experiment.robustness_matrix`.
    ax : matplotlib Axes or None, default=None
        Where to draw; None makes a new figure.
    **where : dict
        Select rows first (e.g. ``model="convnet"``).

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    The call that replaces ``plot_robustness_matrix(results)``:

    >>> from skmnistnoise.experiment import SweepResults
    >>> from skmnistnoise.plotting import RobustnessMatrixDisplay
    >>> rows = [{"model": "mlp", "noise": "additive", "scale": s, "fold": 0,
    ...          "test_scales": [0.0, 1.0], "test_accuracy_at": acc}
    ...         for s, acc in [(0.0, [0.97, 0.41]), (1.0, [0.93, 0.82])]]
    >>> fig = RobustnessMatrixDisplay.from_results(SweepResults(rows)).figure_
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['0.970', '0.410', '0.930', '0.820']
    """
    _warn_deprecated("plot_robustness_matrix")
    return RobustnessMatrixDisplay.from_results(results, ax=ax, **where).figure_
