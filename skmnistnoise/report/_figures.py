"""The report's figures: drawn with the Displays, saved atomically, linked.

:func:`save_figures` draws every figure a result table has the rows for,
each through a Display of :mod:`skmnistnoise.plotting` (never the ``plot_*``
shortcuts), saves it in every format asked for and closes it;
:func:`figures_section` embeds the files in the report.
"""

import os
import sys
from pathlib import Path

from .._files import atomic_write
from .._registry import MODEL_NAMES
from .._results import SweepResults
from ..plotting import (
    AccuracyScaleDisplay,
    CertifiedAccuracyDisplay,
    EpochCurveDisplay,
    NoisySamplesDisplay,
    RobustnessMatrixDisplay,
)
from ..plotting._base import title_suffix
from ._certified_sections import published, split_certified

#: Figure name -> caption, in the order of the report.
FIGURES = {
    "samples": "Test images under each noise and scale; two images' noise fields",
    "accuracy_vs_scale": "Train and test accuracy against the noise scale",
    "accuracy_vs_epoch": "Train and validation accuracy per epoch, one line per scale",
    "model_comparison": "The models compared, noise scale in [0, 1]-pixel units",
    "robustness_matrix": "Test accuracy by training noise scale and test noise scale",
    "certified_accuracy": "Certified accuracy against the L2 radius, per sigma",
}


def save_figures(
    results,
    out_dir,
    X_samples=None,
    *,
    scales=None,
    noises=None,
    image_shape=None,
    random_state=0,
    dpi=150,
    formats=("png",),
):
    """Render every figure of a study to image files in ``out_dir``.

    Parameters
    ----------
    results : SweepResults or list of dict
        The result table.
    out_dir : str or path-like
        Folder of the PNG files; created if needed.
    X_samples : array-like of shape (n_samples, n_features) or None, default=None
        Test images for :class:`~skmnistnoise.plotting.NoisySamplesDisplay`;
        None leaves that figure out.
    scales : sequence of float or None, default=None
        Scales of the samples figure; None takes the table's.
    noises : sequence of str or None, default=None
        Noises of the samples figure; None takes the table's.
    image_shape : (int, int) or None, default=None
        Shape of one image; None infers a square.
    random_state : int or None, default=0
        Seed of the samples figure's noise.
    dpi : int, default=150
        Resolution of the raster files.
    formats : sequence of str, default=("png",)
        File formats, e.g. ``("png", "svg")`` or ``("png", "pdf")`` for a
        vector copy beside each PNG.

    Returns
    -------
    paths : dict of str to pathlib.Path
        Figure name (``samples``, ``accuracy_vs_scale``, ``accuracy_vs_epoch``,
        ``model_comparison``; ``robustness_matrix`` for the rows of
        :func:`~skmnistnoise.experiment.robustness_matrix`;
        ``certified_accuracy`` for the rows of a certification study) to its
        file in the first format. The figures are closed.

    See Also
    --------
    write_report : Embeds the files in ``report.md``.
    skmnistnoise.plotting : The Displays that draw them.

    Examples
    --------
    >>> import tempfile
    >>> from skmnistnoise.experiment import run_study
    >>> from skmnistnoise.report import save_figures
    >>> results = run_study(arms=[("mlp", "additive")], scales=[0, 1], epochs=1,
    ...                     hidden_layer_sizes=(16,), random_state=0)
    >>> paths = save_figures(results, tempfile.mkdtemp())
    >>> sorted(paths), all(p.stat().st_size > 0 for p in paths.values())
    (['accuracy_vs_epoch', 'accuracy_vs_scale', 'model_comparison'], True)
    """
    results = SweepResults.coerce(results)
    formats = list(formats)
    if not formats:
        raise ValueError("formats must name at least one file format, e.g. 'png'.")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    makers = {}
    certified, sweep = split_certified(results)
    if scales is None:  # a certification run's sigmas: additive Gaussian noise
        scales = sorted({*sweep.unique("scale"), *certified.unique("sigma")})
    if noises is None:
        noises = sorted({*sweep.unique("noise"), *(["additive"] * bool(certified))})
    if X_samples is not None:
        makers["samples"] = lambda: (
            NoisySamplesDisplay.from_data(
                X_samples,
                scales=scales,
                noises=noises,
                image_shape=image_shape,
                random_state=random_state,
            ).figure_
        )
    if len(sweep):
        makers["accuracy_vs_scale"] = lambda: (
            AccuracyScaleDisplay.from_results(sweep).figure_
        )
        if any(
            r.get("epoch_test_accuracy") or r.get("epoch_train_accuracy") for r in sweep
        ):
            makers["accuracy_vs_epoch"] = lambda: (
                EpochCurveDisplay.from_results(sweep).figure_
            )
        if all(r.get("test_loss") is not None for r in sweep):
            makers["model_comparison"] = lambda: _model_comparison(sweep)
        matrix = SweepResults([r for r in sweep if "test_accuracy_at" in r])
        if len(matrix):
            makers["robustness_matrix"] = lambda: _robustness_matrices(matrix)
    if len(certified):
        makers["certified_accuracy"] = lambda: (
            CertifiedAccuracyDisplay.from_results(
                certified, reference=published(certified) or None
            ).figure_
        )
    paths = {}
    for name, make in makers.items():
        fig = make()
        try:
            for k, fmt in enumerate(formats):
                path = save_figure(fig, out_dir / f"{name}.{fmt}", dpi=dpi)
                if k == 0:
                    paths[name] = path
        finally:
            _close(fig)
    return paths


def save_figure(fig, path, *, dpi=150):
    """Save a figure as ``path`` (format from its suffix) atomically.

    The image is written under a temporary name and renamed, so an interrupted
    run leaves the previous image or none, never a truncated one.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    path : str or path-like
        Where, e.g. ``out/samples.png``; its folder must exist.
    dpi : int, default=150
        Resolution.

    Returns
    -------
    path : pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from matplotlib.figure import Figure
    >>> from skmnistnoise.report import save_figure
    >>> fig = Figure()
    >>> path = save_figure(fig, Path(tempfile.mkdtemp()) / "empty.svg")
    >>> path.suffix, path.stat().st_size > 0
    ('.svg', True)
    """
    path = Path(path)
    with atomic_write(path, "wb") as f:
        fig.savefig(f, dpi=dpi, format=path.suffix.lstrip(".") or None)
    return path


def figures_section(figures, out_dir):
    """The ``Figures`` section: each figure under its caption, linked relatively.

    Known figures come in the order of :data:`FIGURES`, others after them,
    captioned with their name; links are relative to ``out_dir``, so the
    folder can be moved as a whole.
    """
    if not figures:
        return []
    parts = ["## Figures", ""]
    ordered = [n for n in FIGURES if n in figures]
    ordered += [n for n in figures if n not in FIGURES]
    for name in ordered:
        link = Path(os.path.relpath(Path(figures[name]), out_dir)).as_posix()
        caption = FIGURES.get(name, name.replace("_", " "))
        alt = caption.replace("[", "\\[").replace("]", "\\]")
        parts += [f"### {caption}", "", f"![{alt}]({link})", ""]
    return parts


def _model_comparison(results):
    """The models side by side: accuracy and test loss against ``pixel_scale``.

    Two :class:`~skmnistnoise.plotting.AccuracyScaleDisplay` on one figure,
    both against the noise scale in [0, 1]-pixel units, so that models whose
    noise is added after different preprocessing share one axis.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(13, 4.8), layout="constrained")
    acc_ax, loss_ax = fig.subplots(1, 2)
    AccuracyScaleDisplay.from_results(results, x="pixel_scale", ax=acc_ax)
    acc_ax.set_title("Accuracy: test solid, train dashed", fontsize="medium")
    AccuracyScaleDisplay.from_results(
        results, x="pixel_scale", score="loss", score_type="test", ax=loss_ax
    )
    loss_ax.set_title("Test loss", fontsize="medium")
    loss_ax.set_ylabel("test loss (cross-entropy)")
    names = " against ".join(
        dict.fromkeys(MODEL_NAMES.get(m, str(m)) for m, _ in results.arms())
    )
    fig.suptitle(f"{names} under noise{title_suffix(results)}")
    return fig


def _robustness_matrices(results):
    """One :class:`~skmnistnoise.plotting.RobustnessMatrixDisplay` per arm, in a row."""
    from matplotlib.figure import Figure

    arms = results.arms()
    n_train = len(results.unique("scale"))
    n_test = max(len(r["test_scales"]) for r in results)
    fig = Figure(
        figsize=((1.1 * n_test + 3.2) * len(arms), 0.75 * n_train + 2.0),
        layout="constrained",
    )
    for ax, (model, noise) in zip(fig.subplots(1, len(arms), squeeze=False).flat, arms):
        RobustnessMatrixDisplay.from_results(results, ax=ax, model=model, noise=noise)
    return fig


def _close(fig):
    """Free a figure; also drop it from pyplot if pyplot manages it."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)
    fig.clear()
