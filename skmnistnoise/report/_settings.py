"""The report's first sections: what was run (settings), the run, the software.

The settings table lists what the user asked for, completed from the result
table where they did not say (a Python user's ``SweepResults`` carries no
command line); the software section names the library versions and the
machine, from :mod:`skmnistnoise._environment` (one description, written
once).
"""

import platform

from .._environment import cpu_description
from .._results import markdown_table
from ._format import fmt_scale, fmt_time, model_name

# Setting key -> its label in the table, in the table's order.
_LABELS = {
    "dataset": "dataset",
    "models": "models",
    "noises": "noise",
    "scales": "scales",
    "epochs": "epochs",
    "seed": "seed",
    "protocol": "protocol",
    "n_jobs": "parallel fits (n_jobs)",
    "dask": "Dask cluster",
    "data_home": "data folder",
    "store": "result store",
    "command": "command line",
}
# Other spellings of a setting (the arguments of run_study and noise_sweep).
_ALIASES = {"noise": "noises", "model": "models", "random_state": "seed"}
# Settings the table can tell when the user did not.
_FROM_TABLE = {
    "dataset": "dataset",
    "models": "model",
    "noises": "noise",
    "scales": "scale",
    "seed": "seed",
    "protocol": "protocol",
}


def settings_sections(results, settings, *, wall_time, versions):
    """The ``Settings``, ``Run`` and ``Software`` sections, as Markdown lines.

    Parameters
    ----------
    results : SweepResults
        Every row of the report, certification runs included.
    settings : dict or None
        What was run; see :func:`~skmnistnoise.report.write_report`.
    wall_time : float or None
        Seconds the run took.
    versions : dict of str to str
        From :func:`~skmnistnoise.library_versions`.

    Returns
    -------
    lines : list of str
    """
    return [
        "## Settings",
        "",
        markdown_table(("setting", "value"), settings_rows(settings, results)),
        "",
        "## Run",
        "",
        f"- wall time: {fmt_time(wall_time)}",
        f"- fits: {len(results)} ({results.n_computed} trained in this run, "
        f"{results.n_cached} read from the result store)",
        "",
        "## Software",
        "",
        markdown_table(("library", "version"), list(versions.items())),
        f"\nMachine: {cpu_description()}, {platform.system()}."
        + _cpus_of_fits(results),
        "",
    ]


def settings_rows(settings, results):
    """(name, value) rows of the settings, completed from the table."""
    settings = dict(settings or {})
    for old, new in _ALIASES.items():
        if old in settings and new not in settings:
            settings[new] = settings.pop(old)
    for key, column in _FROM_TABLE.items():
        if settings.get(key) is None and len(results):
            values = results.unique(column)
            if values:  # a certification table has no noise, scale, protocol
                settings[key] = values[0] if len(values) == 1 else values
    rows = []
    for key, label in _LABELS.items():
        if key not in settings:
            continue
        value = settings.pop(key)
        if key == "epochs":
            value = _epochs_text(value, results)
        elif key == "models":
            names = [value] if isinstance(value, str) else value
            value = ", ".join(model_name(m) for m in names)
        elif key == "command" and value:
            value = f"`{value}`"
        else:
            value = fmt_setting(value)
        rows.append((label, value))
    rows += [(str(k), fmt_setting(v)) for k, v in settings.items()]
    folds = sorted(
        {int(r["fold"]) for r in results if "certified_accuracy_at" not in r}
    )
    if folds:
        rows.append(("folds", f"{len(folds)} (train/test splits per scale)"))
    n_train = results.unique("n_train") if len(results) else []
    n_test = results.unique("n_test") or results.unique("n_images")
    if len(n_train) == 1 and len(n_test) == 1:
        rows.append(("images", f"{n_train[0]:,} train, {n_test[0]:,} test"))
    return rows


def fmt_setting(value):
    """A setting's value: lists joined with commas, None as "default"."""
    if value is None:
        return "default"
    if isinstance(value, list | tuple):
        return ", ".join(fmt_setting(v) for v in value) or "none"
    if isinstance(value, float):
        return fmt_scale(value)
    return str(value)


def _epochs_text(value, results):
    """The epochs asked for, and those each model's rows record."""
    per_model = {}
    for model, _ in results.arms():
        epochs = {r.get("epochs") for r in results.select(model=model)} - {None}
        if epochs:
            per_model[model] = {int(e) for e in epochs}
    actual = ", ".join(
        f"{model_name(m)} {'/'.join(str(e) for e in sorted(es))}"
        for m, es in per_model.items()
    )
    if value is None:
        return f"model defaults ({actual})" if actual else "model defaults"
    return f"{value} ({actual})" if actual else str(value)


def _cpus_of_fits(results):
    """Which processors the table's fits ran on, if the rows say so."""
    cpus = sorted({str(r["cpu"]) for r in results if r.get("cpu")})
    if not cpus:
        return ""
    return " Fits ran on: " + "; ".join(cpus) + "."
