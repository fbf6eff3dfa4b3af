"""``write_report``: the sections of ``report.md``, assembled in order.

Title, settings, run and software (:mod:`._settings`); the certified tables
(:mod:`._certified_sections`); the score, robustness and per-epoch tables
(:mod:`._sweep_sections`); the figures (:mod:`._figures`); and the notes of
both kinds of rows.
"""

import datetime
from pathlib import Path

from .._environment import library_versions
from .._files import atomic_write
from .._results import SweepResults
from ._certified_sections import certified_notes, certified_sections, split_certified
from ._figures import figures_section
from ._settings import settings_sections
from ._sweep_sections import sweep_notes, sweep_sections


def write_report(results, out_dir, *, settings=None, figures=None, wall_time=None):
    """Write ``report.md``: settings, versions, result tables, figures and notes.

    Parameters
    ----------
    results : SweepResults or list of dict
        The result table.
    out_dir : str or path-like
        Folder of the report; created if needed.
    settings : dict or None, default=None
        What was run: ``dataset``, ``models``, ``noises``, ``scales``,
        ``epochs`` (None: the model defaults), ``seed``, ``protocol`` and,
        if given, ``command`` (the command line), ``data_home``, ``n_jobs``,
        ``store``; other keys are listed as they are. Missing ones are filled
        in from the table. None takes the table's own, ``results.settings``
        (those :meth:`SweepResults.to_json` keeps); an explicit dict wins.
    figures : dict of str to path or None, default=None
        Figure name to PNG file, as returned by :func:`save_figures`; embedded
        as links relative to ``out_dir``.
    wall_time : float or None, default=None
        Seconds the run took; None uses the table's ``wall_time``.

    Returns
    -------
    path : pathlib.Path
        The ``report.md`` file.

    See Also
    --------
    save_figures : The figures to embed.

    Notes
    -----
    A table of several scorers (``scoring=["accuracy", "f1_macro"]``) gets
    one result table per scorer, accuracy first.

    Examples
    --------
    >>> import tempfile
    >>> from skmnistnoise.experiment import run_study
    >>> from skmnistnoise.report import write_report
    >>> results = run_study(arms=[("mlp", "additive")], scales=[0, 1], epochs=1,
    ...                     hidden_layer_sizes=(16,), random_state=0)
    >>> path = write_report(results, tempfile.mkdtemp(), settings={"epochs": 1})
    >>> text = path.read_text()
    >>> path.name, "| MLP | additive | 1 |" in text, "scikit-learn" in text
    ('report.md', True, True)
    """
    results = SweepResults.coerce(results)
    if settings is None:
        settings = results.settings
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if wall_time is None:
        wall_time = results.wall_time or None
    versions = library_versions()
    certified, sweep = split_certified(results)

    parts = [
        _title(results),
        "",
        f"Written by skmnistnoise {versions['skmnistnoise']} on {_now()}. "
        + _what(results),
        "",
    ]
    parts += settings_sections(
        results, settings, wall_time=wall_time, versions=versions
    )
    notes = []
    if len(certified):
        parts += certified_sections(certified)
    if len(sweep):
        parts += sweep_sections(sweep)
        notes += sweep_notes(sweep)
    parts += figures_section(figures, out_dir)
    if len(certified):
        notes += certified_notes(certified)
    parts += ["## Notes", "", *(f"- {note}" for note in notes), ""]
    path = out_dir / "report.md"
    with atomic_write(path) as f:
        f.write("\n".join(parts))
    return path


def _only_certified(results):
    return len(results) and all("certified_accuracy_at" in r for r in results)


def _title(results):
    datasets = results.unique("dataset") if len(results) else []
    title = "Certified robustness" if _only_certified(results) else "Noise study"
    return f"# {title}" + (f": {', '.join(map(str, datasets))}" if datasets else "")


def _what(results):
    if _only_certified(results):
        return (
            "How large a perturbation smoothed classifiers are certified against, "
            "trained and smoothed with Gaussian noise of each sigma."
        )
    return (
        "How train and test accuracy of image classifiers degrade as noise "
        "is added to their training and test images."
    )


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
