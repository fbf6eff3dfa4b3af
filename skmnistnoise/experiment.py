"""Noise studies in scikit-learn's shapes: the public face of the sweeps.

Everything a study needs, from one module: the study's names and pipelines
(:func:`make_noise`, :func:`make_study_pipeline`), the sweeps
(:func:`noise_sweep`, :func:`run_study`, :func:`robustness_matrix`) and their
result table (:class:`SweepResults`). Each lives in a module of its own:

* ``skmnistnoise._registry``: models, noises, protocols, the pipeline factory
  (no Keras);
* ``skmnistnoise._sweep``: the public sweeps and their parameter tables, on
  ``skmnistnoise._plan`` (what to fit, seeded, and the running of it) and
  ``skmnistnoise._fit`` (one fit, scored);
* ``skmnistnoise._checks``: the checks of the arguments, and the seeding;
* ``skmnistnoise._results``: the table, its aggregation and its files;
* ``skmnistnoise._certify_study``: certification studies (randomized
  smoothing's certificates per sigma, stored chunk by chunk);
* ``skmnistnoise._progress``: the progress lines;
* ``skmnistnoise._store``: the result store (:class:`ResultStore`).

:func:`noise_sweep` is :func:`sklearn.model_selection.validation_curve` for
noise studies, for any classifier; for the same seeded pipeline its test
scores equal ``validation_curve``'s bit for bit (``tests/test_sweep.py``).
"""

import warnings

from . import _registry, _results
from ._certify_study import certify_study, smoothing_param_names
from ._recipes import RECIPES, recipe_params
from ._registry import make_noise, make_smoother, make_study_pipeline
from ._results import SweepResults, matrix_from_results
from ._store import CorruptRecordWarning, ResultStore
from ._sweep import noise_sweep, robustness_matrix, run_study

#: The study's models: the MLP notebook's network and the ConvNet notebook's.
MODELS = _registry.MODELS
#: Their names in tables and figures.
MODEL_NAMES = _registry.MODEL_NAMES
#: The published MNIST certification runs' LeNet as ConvNetClassifier
#: parameters: ``make_smoother("convnet", **LENET)``.
LENET = _registry.LENET
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
#: noise); ``make_noise(noise, severity=k)`` and
#: ``run_study(scales="severities")``.
SEVERITIES = _registry.SEVERITIES
#: Named training recipes (optimizer schedule, batch size, dropout) of
#: :func:`recipe_params`, with what each changes.
RECIPES = RECIPES
#: Columns of results.csv, in order (other ``scoring`` names add theirs).
COLUMNS = _results.COLUMNS
#: Columns of a certification run's row (:func:`certify_study`), in order.
CERTIFY_COLUMNS = _results.CERTIFY_COLUMNS
#: The per-epoch curves of a Keras classifier's row, one value an epoch.
EPOCH_COLUMNS = _results.EPOCH_COLUMNS

__all__ = [
    "CERTIFY_COLUMNS",
    "COLUMNS",
    "CorruptRecordWarning",
    "EPOCH_COLUMNS",
    "LENET",
    "MODELS",
    "MODEL_NAMES",
    "NOISES",
    "NOTEBOOK_SCALES",
    "PROTOCOLS",
    "RECIPES",
    "ResultStore",
    "SEVERITIES",
    "SweepResults",
    "certify_study",
    "make_noise",
    "make_smoother",
    "make_study_pipeline",
    "matrix_from_results",
    "noise_sweep",
    "recipe_params",
    "robustness_matrix",
    "run_study",
    "smoothing_param_names",
]

# Renamed in 0.3: the table is Jeong and Shin (2020)'s reproduction of Cohen et
# al.'s Gaussian baseline, not Cohen et al.'s own (their paper has no MNIST).
_DEPRECATED = {
    "COHEN_MNIST": ("GAUSSIAN_MNIST_500", "skmnistnoise.references"),
    "COHEN_RADII": ("RADII_500", "skmnistnoise.references"),
}


def __getattr__(name):
    if name in _DEPRECATED:
        new, module = _DEPRECATED[name]
        warnings.warn(
            f"skmnistnoise.experiment.{name} is deprecated in 0.3 and will be "
            f"removed in 0.4; use {module}.{new} instead (Jeong and Shin 2020's "
            "reproduction of Cohen et al.'s Gaussian baseline).",
            FutureWarning,
            stacklevel=2,
        )
        from . import references

        return getattr(references, new)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
