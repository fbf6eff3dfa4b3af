"""A Markdown report of a noise study: settings, versions, tables, figures, notes.

:func:`save_figures` renders every figure of :mod:`skmnistnoise.plotting` to
PNG; :func:`write_report` writes ``report.md`` next to them, with the figures
embedded as relative links, so the folder can be moved, zipped or committed
as a whole.
"""

import datetime
import math
import os
import platform
from pathlib import Path

import numpy as np

from ._environment import cpu_description, library_versions
from ._files import atomic_write
from ._registry import MODEL_NAMES
from ._results import SweepResults, markdown_table

__all__ = [
    "markdown_table",
    "save_figure",
    "save_figures",
    "write_report",
]

# Figure name -> caption, in the order of the report.
FIGURES = {
    "samples": "Test images under each noise and scale; two images' noise fields",
    "accuracy_vs_scale": "Train and test accuracy against the noise scale",
    "accuracy_vs_epoch": "Train and validation accuracy per epoch, one line per scale",
    "model_comparison": "The models compared, noise scale in [0, 1]-pixel units",
    "certified_accuracy": "Certified accuracy against the L2 radius, per sigma",
}

# --------------------------------------------------------------------------
# Figures


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
        Test images for :func:`~skmnistnoise.plotting.plot_noisy_samples`;
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
        ``model_comparison``; ``certified_accuracy`` for the rows of a
        certification study) to its file in the first format. The figures
        are closed.

    Examples
    --------
    >>> import tempfile
    >>> from skmnistnoise.experiment import run_study
    >>> from skmnistnoise.report import save_figures
    >>> results = run_study(models=["mlp"], scales=[0, 1], epochs=1,
    ...                     hidden_layer_sizes=(16,), random_state=0)
    >>> paths = save_figures(results, tempfile.mkdtemp())
    >>> sorted(paths), all(p.stat().st_size > 0 for p in paths.values())
    (['accuracy_vs_epoch', 'accuracy_vs_scale', 'model_comparison'], True)
    """
    from .plotting import (
        plot_accuracy_vs_epoch,
        plot_accuracy_vs_scale,
        plot_model_comparison,
        plot_noisy_samples,
    )

    results = SweepResults.coerce(results)
    formats = list(formats)
    if not formats:
        raise ValueError("formats must name at least one file format, e.g. 'png'.")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    makers = {}
    if X_samples is not None:
        makers["samples"] = lambda: plot_noisy_samples(
            X_samples,
            scales=results.unique("scale") if scales is None else scales,
            noises=results.unique("noise") if noises is None else noises,
            image_shape=image_shape,
            random_state=random_state,
        )
    certified, sweep = _split_certified(results)
    if len(sweep):
        makers["accuracy_vs_scale"] = lambda: plot_accuracy_vs_scale(sweep)
        if any(
            r.get("epoch_test_accuracy") or r.get("epoch_train_accuracy") for r in sweep
        ):
            makers["accuracy_vs_epoch"] = lambda: plot_accuracy_vs_epoch(sweep)
        if all(r.get("test_loss") is not None for r in sweep):
            makers["model_comparison"] = lambda: plot_model_comparison(sweep)
    if len(certified):
        from .plotting import CertifiedAccuracyDisplay

        makers["certified_accuracy"] = lambda: (
            CertifiedAccuracyDisplay.from_results(
                certified, reference=_reference_points(certified)
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


def _close(fig):
    """Free a figure; also drop it from pyplot if pyplot manages it."""
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)
    fig.clear()


# --------------------------------------------------------------------------
# Certified robustness


def _split_certified(results):
    """(rows of certification runs, the other rows), as two tables."""
    certified = [r for r in results if "certified_accuracy_at" in r]
    others = [r for r in results if "certified_accuracy_at" not in r]
    keep = {"settings": dict(results.settings)}
    return SweepResults(certified, **keep), SweepResults(
        others,
        n_computed=results.n_computed,
        n_cached=results.n_cached,
        **keep,
    )


def _published(certified):
    """Cohen et al.'s MNIST table, where the runs are MNIST runs of its sigmas."""
    from ._certify_study import COHEN_MNIST

    if set(certified.unique("dataset")) != {"mnist"}:
        return {}
    return {s: COHEN_MNIST[s] for s in certified.unique("scale") if s in COHEN_MNIST}


def _reference_points(certified):
    """Published points for the certified-accuracy figure (by sigma), or None."""
    return _published(certified) or None


def _certified_table(certified):
    """Certified accuracy at every radius: mean and interval over seeds."""
    from ._results import ARM

    radii = sorted({float(x) for r in certified for x in r["certified_radii"]})
    by = (*ARM, "scale")
    rows, several = [], False
    # Runs of another n, n0 or alpha are another experiment, not replicates.
    for n, n0, alpha in sorted({(r["n"], r["n0"], r["alpha"]) for r in certified}):
        part = certified.where(n=n, n0=n0, alpha=alpha)
        points = {
            (*(a[k] for k in by), a["radius"]): a
            for a in part.certified().aggregate(
                "certified_accuracy", by=(*by, "radius")
            )
        }
        acr = _keyed(part, "acr", by)
        abstained = _keyed(part, "abstained", by)
        fit = _keyed(part, "fit_time", by)
        score = _keyed(part, "score_time", by)
        for entry in part.aggregate("test_accuracy", by=by):
            key = tuple(entry[k] for k in by)
            several = several or entry["n"] > 1
            cells = [_model_name(entry["model"]), _fmt_scale(entry["scale"])]
            for radius in radii:
                point = points.get((*key, radius))
                cells.append("" if point is None else _fmt_certified(point))
            cells += [
                _fmt_certified(acr[key], interval=False),
                f"{abstained[key]['mean']:.3f}",
                f"{n:,} ({n0}, alpha {alpha:g})",
                f"{entry['seeds']}",
                f"{_fmt_time(fit[key]['mean'])} + {_fmt_time(score[key]['mean'])}",
            ]
            rows.append(cells)
    for sigma, published in _published(certified).items():
        cells = ["Cohen et al. 2019 (LeNet, 90 epochs)", _fmt_scale(sigma)]
        cells += [
            "-" if published.get(r) is None else f"{published[r]:.3f}" for r in radii
        ]
        cells += ["", "", "100,000 (100, alpha 0.001)", "5 (mean)", ""]
        rows.append(cells)
    header = (
        "model",
        "sigma",
        *(f"r = {r:g}" for r in radii),
        "ACR",
        "abstained",
        "n (n0, level)",
        "seeds",
        "train + certify, per run",
    )
    align = ["---", "--:", *["--:"] * len(radii), "--:", "--:", "--:", "--:", "--:"]
    return markdown_table(header, rows, align), several


def _fmt_certified(entry, interval=True):
    """Mean, and its interval: Student's t over seeds, else Wilson's."""
    text = f"{entry['mean']:.3f}"
    if not interval:
        if entry["n"] > 1 and math.isfinite(entry["ci_low"]):
            text += f" [{entry['ci_low']:.3f}, {entry['ci_high']:.3f}]"
        return text
    if entry["n"] > 1:
        bounds = (entry["ci_low"], entry["ci_high"])
    else:
        bounds = (entry.get("wilson_low", math.nan), entry.get("wilson_high", math.nan))
    if all(math.isfinite(b) for b in bounds) and bounds[0] < bounds[1]:
        text += f" [{bounds[0]:.3f}, {bounds[1]:.3f}]"
    return text


def _certified_sections(certified):
    table, several = _certified_table(certified)
    n = certified.unique("n")
    alpha = certified.unique("alpha")
    largest = ""
    if len(n) == 1 and len(alpha) == 1:
        from scipy.stats import norm

        top = float(norm.ppf(alpha[0] ** (1 / n[0])))
        largest = (
            f" With n = {n[0]:,} draws at level {alpha[0]:g} the largest radius "
            f"any image can be certified at is {top:.2f} sigma (every draw right)."
        )
    interval = (
        "Between brackets: Student's t 95% interval of the mean over seeds."
        if several
        else "Between brackets: the binomial (Wilson) 95% interval of the fraction "
        "on these test images (one seed: the spread across seeds is not measured)."
    )
    return [
        "## Certified accuracy by model, sigma and radius",
        "",
        "Randomized smoothing (Cohen, Rosenfeld and Kolter, 2019): the smoothed "
        "classifier predicts the class the base classifier picks most often "
        "under Gaussian noise of standard deviation sigma. CERTIFY's `n0` draws "
        "choose that class, `n` more draws bound its probability from below "
        "(Clopper-Pearson, level alpha), and the bound gives an L2 radius "
        "within which no perturbation of the image changes the smoothed "
        "prediction (with probability 1 - alpha); images whose bound is below "
        "one half are abstained on. The certified accuracy at radius r is the "
        "fraction of the test images predicted right with a radius of at least "
        "r (r = 0: the smoothed accuracy, abstentions counted wrong); the "
        "average certified radius (ACR) is the mean radius of the right "
        "predictions, 0 for the others. Radii are in the units of X (pixels in "
        "[0, 1] for the bundled datasets). " + interval + largest,
        "",
        table,
        "",
    ]


def _certified_notes(certified):
    params = sorted({p for r in certified for p in r.get("sigma_params") or ()})
    trained = [p for p in params if p != "noise__scale"]
    if trained:
        training = (
            "Each sigma has its own classifier, trained with Gaussian noise of "
            f"that sigma (`{'`, `'.join(trained)}`; for the bundled networks' "
            "`train_noise`, a fresh draw every epoch: Cohen et al.'s Gaussian "
            "data augmentation) and smoothed with the same sigma."
        )
    else:
        training = (
            "Only the smoothing noise was set to sigma: the base classifier was "
            "trained without noise, which makes it a poor base classifier (under "
            "noise it predicts nearly at random, and the smoothed classifier "
            "abstains). Train it with noise of sigma (`param_names`)."
        )
    notes = [
        f"**Training for smoothing.** {training}",
        "**What is certified.** The radius holds for the smoothed classifier, "
        "not the base network, and with probability at least 1 - alpha over "
        "CERTIFY's draws; the noise is unclipped, so noisy pixels leave [0, 1] "
        "as the guarantee requires. The numbers are for these test images "
        "only; a larger `n` certifies larger radii (the largest possible "
        "radius grows with n).",
    ]
    if _published(certified):
        notes.append(
            "**Cohen et al.'s rows** are their Gaussian-trained LeNet on the 500 "
            "MNIST test images with index % 20 == 0, n = 100,000, mean of 5 "
            "seeds (REFERENCE.md); comparable where this run certified the same "
            "images, with a smaller n costing certified radius at the top."
        )
    return notes


# --------------------------------------------------------------------------
# The report


def _cpus_of_fits(results):
    """Which processors the table's fits ran on, if the rows say so."""
    cpus = sorted({str(r["cpu"]) for r in results if r.get("cpu")})
    if not cpus:
        return ""
    return " Fits ran on: " + "; ".join(cpus) + "."


def _fmt_time(seconds):
    if seconds is None or not math.isfinite(seconds):
        return "unknown"
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h}h{m:02d}m{s:02d}s"
    return f"{m}m{s:02d}s" if m else f"{s}s"


def _fmt_scale(value):
    value = float(value)
    return "nan" if math.isnan(value) else f"{value:.4g}"


def _fmt_setting(value):
    if value is None:
        return "default"
    if isinstance(value, (list, tuple)):
        return ", ".join(_fmt_setting(v) for v in value) or "none"
    if isinstance(value, float):
        return _fmt_scale(value)
    return str(value)


def _model_name(model):
    return MODEL_NAMES.get(model, str(model))


def _settings_rows(settings, results):
    """(name, value) rows of the settings, completed from the table."""
    settings = dict(settings or {})
    labels = {
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
    aliases = {"noise": "noises", "model": "models", "random_state": "seed"}
    for old, new in aliases.items():
        if old in settings and new not in settings:
            settings[new] = settings.pop(old)
    filled = {
        "dataset": lambda: results.unique("dataset"),
        "models": lambda: results.unique("model"),
        "noises": lambda: results.unique("noise"),
        "scales": lambda: results.unique("scale"),
        "seed": lambda: results.unique("seed"),
        "protocol": lambda: results.unique("protocol"),
    }
    for key, get in filled.items():
        if settings.get(key) is None and len(results):
            values = get()
            settings[key] = values[0] if len(values) == 1 else values
    rows = []
    for key, label in labels.items():
        if key not in settings:
            continue
        value = settings.pop(key)
        if key == "epochs":
            value = _epochs_text(value, results)
        elif key == "models":
            names = [value] if isinstance(value, str) else value
            value = ", ".join(_model_name(m) for m in names)
        elif key == "command" and value:
            value = f"`{value}`"
        else:
            value = _fmt_setting(value)
        rows.append((label, value))
    rows += [(str(k), _fmt_setting(v)) for k, v in settings.items()]
    folds = sorted(
        {int(r["fold"]) for r in results if "certified_accuracy_at" not in r}
    )
    if folds:
        rows.append(("folds", f"{len(folds)} (train/test splits per scale)"))
    n_train = results.unique("n_train") if len(results) else []
    n_test = results.unique("n_test") if len(results) else []
    if len(n_train) == 1 and len(n_test) == 1:
        rows.append(("images", f"{n_train[0]:,} train, {n_test[0]:,} test"))
    return rows


def _epochs_text(value, results):
    per_model = {}
    for model, _ in results.arms():
        epochs = {r.get("epochs") for r in results.select(model=model)} - {None}
        if epochs:
            per_model[model] = {int(e) for e in epochs}
    actual = ", ".join(
        f"{_model_name(m)} {'/'.join(str(e) for e in sorted(es))}"
        for m, es in per_model.items()
    )
    if value is None:
        return f"model defaults ({actual})" if actual else "model defaults"
    return f"{value} ({actual})" if actual else str(value)


def _fmt_interval(low, high, digits=4):
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    return f"[{low:.{digits}f}, {high:.{digits}f}]"


def _keyed(results, column, by):
    return {tuple(a[k] for k in by): a for a in results.aggregate(column, by=by)}


def _results_table(results):
    """The accuracy table: mean over replicate fits and its 95% interval."""
    by = ("dataset", "model", "noise", "protocol", "scale")
    train = _keyed(results, "train_accuracy", by)
    loss = _keyed(results, "test_loss", by)
    pixel = _keyed(results, "pixel_scale", by)
    rows, several = [], False
    for entry in results.aggregate("test_accuracy", by=by):
        key = tuple(entry[k] for k in by)
        several = several or entry["n"] > 1
        if entry["n"] > 1:
            interval = _fmt_interval(entry["ci_low"], entry["ci_high"])
        else:
            interval = _fmt_interval(
                entry.get("wilson_low", math.nan), entry.get("wilson_high", math.nan)
            )
            interval += " (binomial)" if interval else ""
        rows.append(
            (
                _model_name(entry["model"]),
                entry["noise"],
                _fmt_scale(entry["scale"]),
                _fmt_scale(pixel[key]["mean"]),
                f"{entry['mean']:.4f}",
                interval,
                f"{train[key]['mean']:.4f}" if train.get(key, {}).get("n") else "",
                f"{loss[key]['mean']:.4f}" if loss.get(key, {}).get("n") else "",
                f"{entry['n']} ({_replicate_words(entry)})",
            )
        )
    header = (
        "model",
        "noise",
        "scale",
        "pixel scale",
        "test accuracy",
        "95% interval",
        "train accuracy",
        "test loss",
        "fits",
    )
    align = ["---", "---", "--:", "--:", "--:", "--:", "--:", "--:", "--:"]
    return markdown_table(header, rows, align), several


def _replicate_words(entry):
    folds, seeds = entry["folds"], entry["seeds"]
    return f"{folds} fold{'s' * (folds > 1)} x {seeds} seed{'s' * (seeds > 1)}"


def _robustness_table(results):
    """mCE, relative mCE and AUC per arm, if the table has clean and noisy scales."""
    from .metrics import corruption_scores

    scores = [
        s
        for s in corruption_scores(results)
        if len(s["scales"]) > 1 and math.isfinite(s["clean_error"])
    ]
    if not scores:
        return None

    def fmt(value, digits=3):
        return f"{value:.{digits}f}" if math.isfinite(value) else "n/a"

    rows = [
        (
            _model_name(s["model"]),
            s["noise"],
            fmt(s["clean_error"], 4),
            fmt(s["mean_error"], 4),
            fmt(s["ce"]),
            fmt(s["relative_ce"]),
            fmt(s["auc"], 4),
        )
        for s in scores
    ]
    header = (
        "model",
        "noise",
        "clean error",
        "mean error, noisy scales",
        "CE vs MLP",
        "relative CE vs MLP",
        "AUC",
    )
    return markdown_table(header, rows)


def _epoch_table(results):
    """Per-epoch accuracy of every arm at its largest scale (mean over folds)."""
    columns, curves = [], []
    for arm in results.arms():
        arm_rows = results.select(model=arm[0], noise=arm[1])
        scale = max(float(r["scale"]) for r in arm_rows)
        group = [r for r in arm_rows if float(r["scale"]) == scale]
        for column, what in (
            ("epoch_train_accuracy", "train"),
            ("epoch_test_accuracy", "validation"),
        ):
            series = [r.get(column) or [] for r in group]
            length = min(len(s) for s in series)
            if not length:
                continue
            columns.append(
                f"{_model_name(arm[0])} {arm[1]} s={_fmt_scale(scale)} {what}"
            )
            curves.append(np.mean([s[:length] for s in series], axis=0))
    if not curves:
        return None
    n_epochs = max(len(c) for c in curves)
    rows = []
    for epoch in range(n_epochs):
        rows.append(
            (epoch + 1, *(f"{c[epoch]:.4f}" if epoch < len(c) else "" for c in curves))
        )
    return markdown_table(("epoch", *columns), rows, ["--:"] * (len(columns) + 1))


def _notes(results):
    noises = set(results.unique("noise")) if len(results) else set()
    protocols = set(results.unique("protocol")) if len(results) else set()
    datasets = set(results.unique("dataset")) if len(results) else set()
    notes = [
        "**A fresh model for every scale and fold.** Every number comes from a "
        "new network, trained from scratch on a clone of the pipeline (as "
        "scikit-learn's `validation_curve` does). The ConvNet notebook re-fitted "
        "one model object across the scales, so each scale continued training "
        "from the previous ones: a bug this toolkit does not copy.",
        "**What noise each number saw.** *Train accuracy*: the trained model on "
        "the noisy training data it was trained on (one draw per image, the same "
        "in every epoch, so a network can learn its noise by heart). *Test "
        "accuracy*: the test set through the same noise step, a fresh draw per "
        "image that training never saw. Both come from `predict` after the last "
        "epoch. The per-epoch *train* curve is Keras's running average during "
        "each epoch, with dropout active, so it sits below the final train "
        "accuracy; the per-epoch *validation* curve is the test set with its "
        "noise, scored after each epoch.",
        "**Units of the scale.** Under protocol `pixel` the noise is applied to "
        "pixels in [0, 1] for both models: additive scale 1 is a standard "
        "deviation as wide as the whole grey range. Under protocol `notebooks` "
        "the MLP first standardises its input (one mean and standard deviation, "
        "learned on the training images), so its scale is in pixel standard "
        "deviations, as in the MLP notebook; the ConvNet's stays in [0, 1] "
        "pixels. The `pixel scale` column (`pixel_scale` in results.csv) gives "
        "every additive scale in [0, 1]-pixel units, and the model comparison "
        "figure uses it. Multiplicative, speckle, impulse and shot scales have "
        "no units.",
    ]
    if "notebooks" in protocols:
        notes.append(
            "**Standardisation.** The test images are standardised with the "
            "training images' mean and standard deviation; the MLP notebook used "
            "the test set's own, a leak not copied here."
        )
    if "multiplicative" in noises:
        notes.append(
            "**Multiplicative noise** is the ConvNet notebook's `x * N(0, s)`: "
            "every pixel is multiplied by its own N(0, s) factor, which destroys "
            "the grey levels and their sign but keeps the zero background, so the "
            "digit's outline survives at every scale. Scale 0 means no noise for "
            "every mode, so that row is the clean "
            "baseline, as in the notebook. `speckle` (`x * N(1, s)`) is the usual "
            "multiplicative model."
        )
    if "digits" in datasets:
        notes.append(
            "**Dataset.** `digits` is scikit-learn's 8x8 digits (1,347 training "
            "and 450 test images), not MNIST: the numbers show the same effects "
            "but are not comparable with the notebooks' MNIST numbers "
            "(run on dataset `mnist` for those)."
        )
    return notes


def write_report(results, out_dir, *, settings, figures=None, wall_time=None):
    """Write ``report.md``: settings, versions, result tables, figures and notes.

    Parameters
    ----------
    results : SweepResults or list of dict
        The result table.
    out_dir : str or path-like
        Folder of the report; created if needed.
    settings : dict
        What was run: ``dataset``, ``models``, ``noises``, ``scales``,
        ``epochs`` (None: the model defaults), ``seed``, ``protocol`` and,
        if given, ``command`` (the command line), ``data_home``, ``n_jobs``,
        ``store``; other keys are listed as they are. Missing ones are filled
        in from the table.
    figures : dict of str to path or None, default=None
        Figure name to PNG file, as returned by :func:`save_figures`; embedded
        as links relative to ``out_dir``.
    wall_time : float or None, default=None
        Seconds the run took; None uses the table's ``wall_time``.

    Returns
    -------
    path : pathlib.Path
        The ``report.md`` file.

    Examples
    --------
    >>> import tempfile
    >>> from skmnistnoise.experiment import run_study
    >>> from skmnistnoise.report import write_report
    >>> results = run_study(models=["mlp"], scales=[0, 1], epochs=1,
    ...                     hidden_layer_sizes=(16,), random_state=0)
    >>> path = write_report(results, tempfile.mkdtemp(), settings={"epochs": 1})
    >>> text = path.read_text()
    >>> path.name, "| MLP | additive | 1 |" in text, "scikit-learn" in text
    ('report.md', True, True)
    """
    results = SweepResults.coerce(results)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if wall_time is None and isinstance(results, SweepResults):
        wall_time = results.wall_time or None
    datasets = results.unique("dataset") if len(results) else []
    only_certified = len(results) and all("certified_accuracy_at" in r for r in results)
    title = "Certified robustness" if only_certified else "Noise study"
    title += f": {', '.join(map(str, datasets))}" if datasets else ""
    what = (
        "How large a perturbation smoothed classifiers are certified against, "
        "trained and smoothed with Gaussian noise of each sigma."
        if only_certified
        else "How train and test accuracy of image classifiers degrade as noise "
        "is added to their training and test images."
    )
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    versions = library_versions()

    parts = [
        f"# {title}",
        "",
        f"Written by skmnistnoise {versions['skmnistnoise']} on {now}. {what}",
        "",
        "## Settings",
        "",
        markdown_table(("setting", "value"), _settings_rows(settings, results)),
        "",
        "## Run",
        "",
        f"- wall time: {_fmt_time(wall_time)}",
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
    certified, sweep = _split_certified(results)
    if len(certified):
        parts += _certified_sections(certified)
    results = sweep
    if len(results):
        table, several = _results_table(results)
        n_classes = results.n_classes()
        chance = (
            f" Chance level is {1 / n_classes:.2f} ({n_classes} classes)."
            if n_classes
            else ""
        )
        parts += [
            "## Accuracy by model, noise and scale",
            "",
            "Test accuracy after the last epoch: the noisy test set (a fresh "
            "draw); train accuracy: the noisy training set the model was trained "
            "on (see Notes)."
            + chance
            + (
                " With several fits of a scale (folds, seeds) the accuracies are "
                "their mean and the interval is Student's t 95% interval of that "
                "mean: the spread a re-run with other seeds or splits would show."
                if several
                else ""
            )
            + " With one fit, the interval is the binomial (Wilson) 95% interval "
            "of its accuracy on its test images: how much the number could move "
            "on another test set of the same size, not across seeds.",
            "",
            table,
            "",
        ]
        robustness = _robustness_table(results)
        if robustness is not None:
            parts += [
                "## Robustness scores",
                "",
                "Per model and noise, from the mean test accuracies above "
                "(Hendrycks and Dietterich, 2019): the clean error (scale 0), the "
                "mean error over the noisy scales, the corruption error CE (sum of "
                "errors over the noisy scales relative to the MLP's), the relative "
                "CE (the errors the noise adds, relative to what it adds to the "
                "MLP) and the area under accuracy against scale divided by the "
                "scale range (1: the noise does not hurt). mCE and relative mCE "
                "are the means of CE and relative CE over a model's noises.",
                "",
                robustness,
                "",
            ]
        epochs = _epoch_table(results)
        if epochs is not None:
            parts += [
                "## Per epoch, at the largest scale",
                "",
                "Train accuracy as Keras reports it during each epoch (dropout on); "
                "validation accuracy on the noisy test set after each epoch.",
                "",
                epochs,
                "",
            ]
    if figures:
        parts += ["## Figures", ""]
        ordered = [n for n in FIGURES if n in figures] + [
            n for n in figures if n not in FIGURES
        ]
        for name in ordered:
            link = Path(os.path.relpath(Path(figures[name]), out_dir)).as_posix()
            caption = FIGURES.get(name, name.replace("_", " "))
            alt = caption.replace("[", "\\[").replace("]", "\\]")
            parts += [f"### {caption}", "", f"![{alt}]({link})", ""]
    notes = _notes(results) if len(results) else []
    if len(certified):
        notes += _certified_notes(certified)
    parts += ["## Notes", ""]
    parts += [f"- {note}" for note in notes]
    parts.append("")
    path = out_dir / "report.md"
    with atomic_write(path) as f:
        f.write("\n".join(parts))
    return path
