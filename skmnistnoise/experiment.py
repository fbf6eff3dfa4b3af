"""Noise studies in scikit-learn's shapes: the public face of the sweeps.

Everything a study needs, from one module: the study's names and pipelines
(:func:`make_noise`, :func:`make_study_pipeline`), the sweeps
(:func:`noise_sweep`, :func:`run_study`, :func:`robustness_matrix`) and their
result table (:class:`SweepResults`). Each lives in a module of its own:

* ``skmnistnoise._registry``: models, noises, protocols, the pipeline factory
  (no Keras);
* ``skmnistnoise._sweep``: the sweeps, one small task object per fit;
* ``skmnistnoise._results``: the table, its aggregation and its files;
* ``skmnistnoise._progress``: the progress lines;
* ``skmnistnoise._store``: the result store (:class:`ResultStore`).

:func:`noise_sweep` is :func:`sklearn.model_selection.validation_curve` for
noise studies, for any classifier; for the same seeded pipeline its test
scores equal ``validation_curve``'s bit for bit (``tests/test_sweep.py``).
"""

from ._registry import (
    MODEL_NAMES,
    MODELS,
    NOISES,
    NOTEBOOK_SCALES,
    PROTOCOLS,
    SEVERITIES,
    make_noise,
    make_study_pipeline,
)
from ._results import COLUMNS, EPOCH_COLUMNS, SweepResults, matrix_from_results
from ._store import ResultStore
from ._sweep import noise_sweep, robustness_matrix, run_study

__all__ = [
    "COLUMNS",
    "EPOCH_COLUMNS",
    "MODELS",
    "MODEL_NAMES",
    "NOISES",
    "NOTEBOOK_SCALES",
    "PROTOCOLS",
    "ResultStore",
    "SEVERITIES",
    "SweepResults",
    "make_noise",
    "make_study_pipeline",
    "matrix_from_results",
    "noise_sweep",
    "robustness_matrix",
    "run_study",
]
