"""Figures of a noise study, as scikit-learn Displays.

Each figure is a Display in the manner of
:class:`sklearn.model_selection.ValidationCurveDisplay` and
:class:`sklearn.metrics.ConfusionMatrixDisplay`, drawn from what a study
returns: built ``from_results`` (the result table of a sweep,
:class:`~skmnistnoise.experiment.SweepResults`), ``from_estimator`` where it
makes sense (it runs the sweep or the certification, then draws it), or from
arrays and certificates; ``plot(ax=None)`` draws it and returns the display,
with ``ax_`` and ``figure_`` (and the artists) as attributes. Matplotlib is
imported when a figure is drawn, never when this package is imported; figures
are built outside pyplot's figure manager, so they work with any backend (Agg
included), never open a window, and are not kept alive by pyplot.

Every figure states its axes and units, draws chance level where accuracy is
shown, keeps legends beside the data rather than over it, and draws a single
scale as a point.

Displays
--------
* :class:`AccuracyScaleDisplay`: train and test score against the noise
  scale, one colour per model (and noise), bands over folds and seeds; from
  the table of :func:`~skmnistnoise.experiment.noise_sweep` or
  :func:`~skmnistnoise.experiment.run_study`.
* :class:`EpochCurveDisplay`: the notebooks' per-epoch curves, one line per
  scale; from the same table's per-epoch columns.
* :class:`RobustnessMatrixDisplay`: test accuracy of models trained at every
  training noise scale (rows) under every test noise scale (columns); from
  the table of :func:`~skmnistnoise.experiment.robustness_matrix`.
* :class:`NoisySamplesDisplay`: what the noise does to images, and that every
  image gets its own noise; from the images.
* :class:`CertifiedAccuracyDisplay`: randomized smoothing's certified
  accuracy against the L2 radius, with the largest radius ``n`` draws can
  certify; from certificates or the table of
  :func:`~skmnistnoise.experiment.certify_study`.
* :class:`CorruptionErrorDisplay`: test error under each of MNIST-C's
  corruptions, one bar per model, clean error marked, mCE in the legend;
  from the table of a sweep over corruptions.

The ``plot_*`` functions, shortcuts that return a display's figure, are
deprecated in 0.3 and removed in 0.4: each warns with the ``from_*`` call
that replaces it.

One Display per module, as scikit-learn's ``metrics/_plot/``; what they share
is in ``_base`` (scikit-learn's ``utils/_plotting.py``), the shortcuts in
``_shortcuts``.

Examples
--------
>>> from skmnistnoise.experiment import SweepResults
>>> from skmnistnoise.plotting import AccuracyScaleDisplay
>>> rows = [{"model": "mlp", "noise": "additive", "scale": s, "fold": 0,
...          "train_accuracy": a, "test_accuracy": a}
...         for s, a in [(0.0, 0.97), (1.0, 0.62)]]
>>> AccuracyScaleDisplay.from_results(SweepResults(rows)).ax_.get_ylabel()
'accuracy'
"""

from ._accuracy_scale import AccuracyScaleDisplay
from ._certified_accuracy import CertifiedAccuracyDisplay
from ._corruption_error import CorruptionErrorDisplay
from ._epoch_curve import EpochCurveDisplay
from ._noisy_samples import NoisySamplesDisplay
from ._robustness_matrix import RobustnessMatrixDisplay
from ._shortcuts import (
    plot_accuracy_vs_epoch,
    plot_accuracy_vs_scale,
    plot_model_comparison,
    plot_noisy_samples,
    plot_robustness_matrix,
)

__all__ = [
    "AccuracyScaleDisplay",
    "CertifiedAccuracyDisplay",
    "CorruptionErrorDisplay",
    "EpochCurveDisplay",
    "NoisySamplesDisplay",
    "RobustnessMatrixDisplay",
    "plot_accuracy_vs_epoch",
    "plot_accuracy_vs_scale",
    "plot_model_comparison",
    "plot_noisy_samples",
    "plot_robustness_matrix",
]
