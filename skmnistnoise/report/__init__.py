"""A Markdown report of a noise study: settings, versions, tables, figures, notes.

:func:`save_figures` renders every figure of a study to PNG (and any other
format asked for), each through a Display of :mod:`skmnistnoise.plotting`;
:func:`write_report` writes ``report.md`` next to them, with the figures
embedded as relative links, so the folder can be moved, zipped or committed
as a whole. :func:`markdown_table` writes every table of the report (and of
the benchmarks).

One section per module:

* ``_settings``: settings, run and software (versions and machine, from
  :func:`~skmnistnoise.library_versions` and
  :func:`~skmnistnoise.cpu_description`);
* ``_sweep_sections``: a result table per scorer, the robustness scores, the
  per-epoch table and the notes of a sweep;
* ``_certified_sections``: certified accuracy at every radius and its notes;
* ``_figures``: :func:`save_figures`, :func:`save_figure` and the figures'
  links;
* ``_format``: how a cell is written (times, scales, intervals, models);
* ``_write``: :func:`write_report`, the sections in order.

Examples
--------
>>> from skmnistnoise.report import markdown_table
>>> print(markdown_table(["model", "accuracy"], [["MLP", "0.98"]]))
| model | accuracy |
|---|--:|
| MLP | 0.98 |
"""

from .._results import markdown_table
from . import _figures
from ._figures import save_figure, save_figures
from ._write import write_report

#: The report's figures, name to caption, in the report's order: the names
#: :func:`save_figures` gives the files (``samples``, ``accuracy_vs_scale``,
#: ``accuracy_vs_epoch``, ``model_comparison``, ``robustness_matrix``,
#: ``certified_accuracy``) and the captions :func:`write_report` puts above them.
FIGURES = _figures.FIGURES

__all__ = [
    "FIGURES",
    "markdown_table",
    "save_figure",
    "save_figures",
    "write_report",
]
