"""Noise studies in scikit-learn's shapes: the public face of the sweeps.

Everything a study needs, from one module: the study's names and pipelines
(:func:`make_noise`, :func:`make_study_pipeline`), the sweeps
(:func:`noise_sweep`, :func:`run_study`, :func:`robustness_matrix`) and their
result table (:class:`SweepResults`). Each lives in a module of its own:

* ``skmnistnoise._registry``: models, noises, protocols, the pipeline factory
  (no Keras);
* ``skmnistnoise._sweep``: the sweeps, one small task object per fit;
* ``skmnistnoise._results``: the table, its aggregation and its files;
* ``skmnistnoise._certify_study``: certification studies (randomized
  smoothing's certificates per sigma, stored chunk by chunk);
* ``skmnistnoise._progress``: the progress lines;
* ``skmnistnoise._store``: the result store (:class:`ResultStore`).

:func:`noise_sweep` is :func:`sklearn.model_selection.validation_curve` for
noise studies, for any classifier; for the same seeded pipeline its test
scores equal ``validation_curve``'s bit for bit (``tests/test_sweep.py``).
"""

from . import _certify_study, _registry, _results
from ._certify_study import certify_study, smoothing_param_names
from ._registry import make_noise, make_smoother, make_study_pipeline
from ._results import SweepResults, matrix_from_results
from ._store import CorruptRecordWarning, ResultStore
from ._sweep import noise_sweep, robustness_matrix, run_study

#: The study's models: the MLP notebook's network and the ConvNet notebook's.
MODELS = _registry.MODELS
#: Their names in tables and figures.
MODEL_NAMES = _registry.MODEL_NAMES
#: The noise models of :func:`make_noise`, by name.
NOISES = _registry.NOISES
#: Where the noise sits: on [0, 1] pixels for both models ("pixel"), or as in
#: the notebooks, after the MLP's standardisation ("notebooks"); and as the
#: ConvNet notebook did, one model trained on through the scales in order
#: ("notebooks-reused", the notebooks' pipelines).
PROTOCOLS = _registry.PROTOCOLS
#: The notebooks' noise scales, 0 (the no-noise baseline) included.
NOTEBOOK_SCALES = _registry.NOTEBOOK_SCALES
#: ImageNet-C's five severities per noise, as scales on pixels in [0, 1]
#: (Gaussian and speckle sigma, salt-and-pepper amount, 1 / photons for shot
#: noise); ``make_noise(noise, severity=k)`` and ``run_study(severities=...)``.
SEVERITIES = _registry.SEVERITIES
#: The radii of Cohen et al.'s MNIST table (L2, pixels in [0, 1]).
COHEN_RADII = _certify_study.COHEN_RADII
#: Cohen et al.'s certified accuracy on MNIST, ``{sigma: {radius: accuracy}}``.
COHEN_MNIST = _certify_study.COHEN_MNIST
#: Columns of results.csv, in order (other ``scoring`` names add theirs).
COLUMNS = _results.COLUMNS
#: The per-epoch curves of a Keras classifier's row, one value an epoch.
EPOCH_COLUMNS = _results.EPOCH_COLUMNS

__all__ = [
    "COHEN_MNIST",
    "COHEN_RADII",
    "COLUMNS",
    "CorruptRecordWarning",
    "EPOCH_COLUMNS",
    "MODELS",
    "MODEL_NAMES",
    "NOISES",
    "NOTEBOOK_SCALES",
    "PROTOCOLS",
    "ResultStore",
    "SEVERITIES",
    "SweepResults",
    "certify_study",
    "make_noise",
    "make_smoother",
    "make_study_pipeline",
    "matrix_from_results",
    "noise_sweep",
    "robustness_matrix",
    "run_study",
    "smoothing_param_names",
]
