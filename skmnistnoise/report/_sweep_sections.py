"""The report's sections on sweeps: a score table per scorer, robustness, epochs.

Rows of :func:`~skmnistnoise.experiment.noise_sweep` (and of ``run_study``
and ``robustness_matrix``) get one table per scorer the sweep was asked for
(``scoring=["accuracy", "f1_macro"]``: two tables), the corruption scores of
Hendrycks and Dietterich where the table has clean and noisy scales, the
per-epoch curves at the largest scale, and the notes that say what each
number saw.
"""

import math
from numbers import Real

import numpy as np

from .._results import markdown_table
from ..metrics import corruption_scores, wilson_interval
from ._format import fmt_interval, fmt_scale, keyed, model_name

_BY = ("dataset", "model", "noise", "protocol", "scale")


def score_names(results):
    """The scorers of a table, accuracy first: ``name`` of each score column pair.

    A score is a pair of numeric columns ``train_<name>`` and ``test_<name>``
    (:class:`~skmnistnoise.experiment.SweepResults`); the cross-entropy
    ``loss`` a sweep adds beside them is not a scorer. A table without any
    gives ``["accuracy"]``.
    """
    names = []
    for row in results:
        for key, value in row.items():
            name = key.removeprefix("test_")
            if (
                name != key
                and name != "loss"
                and name not in names
                and f"train_{name}" in row
                and isinstance(value, Real)
                and not isinstance(value, bool)
            ):
                names.append(name)
    names.sort(key=lambda name: name != "accuracy")  # stable: the rest in order
    return names or ["accuracy"]


def sweep_sections(results):
    """The score tables, robustness scores and per-epoch table, as Markdown lines."""
    parts = []
    for name in score_names(results):
        parts += _score_section(results, name)
    robustness = _robustness_table(results)
    if robustness is not None:
        parts += [
            "## Robustness scores",
            "",
            "Per model and noise, from the mean test accuracies above "
            "(Hendrycks and Dietterich, 2019): the clean error (scale 0), the "
            "mean error over the noisy scales, where the MLP is in the study "
            "beside another model the corruption error CE (sum of errors over "
            "the noisy scales relative to the MLP's) and the relative CE (the "
            "errors the noise adds, relative to what it adds to the MLP), and "
            "the area under accuracy against scale divided by the scale range "
            "(1: the noise does not hurt), integrated on a linear scale axis "
            "(the figure draws a symlog axis, whose area would weigh the small "
            "scales more). mCE and relative mCE are the means of CE and "
            "relative CE over a model's noises.",
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
    return parts


def _score_section(results, name):
    """One scorer's section: heading, what the numbers are, the table."""
    table, several, single, binomial, agree = _results_table(results, name)
    if name == "accuracy":
        n_classes = results.n_classes()
        chance = (
            f" Chance level is {1 / n_classes:.2f} ({n_classes} classes)."
            if n_classes
            else ""
        )
        heading = "## Accuracy by model, noise and scale"
        text = (
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
            "on another test set of the same size, not across seeds."
            + (
                ' Where every seed gave the same number ("seeds agree": a '
                "deterministic model on data no seed changes, e.g. a linear model "
                "at scale 0), nothing random is left to re-run; a seed interval "
                "covers re-runs, not another test set, so the binomial interval "
                "of one test set stands there instead."
                if agree
                else ""
            )
        )
    else:
        heading = f"## `{name}` by model, noise and scale"
        text = (
            f"The score `{name}`, as the sweep's `scoring` named it: test "
            "after the last epoch, on the noisy test set (a fresh draw); train, "
            "on the noisy training set the model was trained on (see Notes)."
            + (
                " With several fits of a scale (folds, seeds) the scores are their "
                "mean and the interval is Student's t 95% interval of that mean."
                if several
                else ""
            )
            + (
                " With one fit, the interval is the binomial (Wilson) 95% "
                "interval of the fraction on its test images."
                if binomial
                else " With one fit, no interval is given: the spread of this "
                "score is not measured."
                if single
                else ""
            )
        )
    return [heading, "", text, "", table, ""]


def _results_table(results, name="accuracy"):
    """One score's table: mean over replicate fits and its 95% interval.

    Returns the table, whether any scale had several fits, whether any had
    one, and whether a one-fit interval is the binomial one.
    """
    train = keyed(results, f"train_{name}", _BY)
    loss = keyed(results, "test_loss", _BY)
    pixel = keyed(results, "pixel_scale", _BY)
    rows, several, single, binomial, agree = [], False, False, False, False
    for entry in results.aggregate(f"test_{name}", by=_BY):
        key = tuple(entry[k] for k in _BY)
        several = several or entry["n"] > 1
        if entry["n"] > 1 and entry["ci_low"] == entry["ci_high"]:
            # Every seed gave the same number: nothing random is left (a
            # deterministic model on fixed data). A t interval of width zero
            # would read as certainty; one test set's binomial interval is the
            # uncertainty left.
            agree = True
            n_test = [r.get("n_test") for r in results.select(**dict(zip(_BY, key)))]
            interval = (
                fmt_interval(*wilson_interval(entry["mean"], n_test[0]))
                + " (binomial; seeds agree)"
                if name == "accuracy" and n_test and n_test[0]
                else "seeds agree"
            )
        elif entry["n"] > 1:
            interval = fmt_interval(entry["ci_low"], entry["ci_high"])
        else:
            single = True
            interval = fmt_interval(
                entry.get("wilson_low", math.nan), entry.get("wilson_high", math.nan)
            )
            binomial = binomial or bool(interval)
            interval += " (binomial)" if interval else ""
        rows.append(
            (
                model_name(entry["model"]),
                entry["noise"],
                fmt_scale(entry["scale"]),
                fmt_scale(pixel[key]["mean"]),
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
        f"test {name}",
        "95% interval",
        f"train {name}",
        "test loss",
        "fits",
    )
    align = ["---", "---", "--:", "--:", "--:", "--:", "--:", "--:", "--:"]
    return markdown_table(header, rows, align), several, single, binomial, agree


def _replicate_words(entry):
    folds, seeds = entry["folds"], entry["seeds"]
    return f"{folds} fold{'s' * (folds > 1)} x {seeds} seed{'s' * (seeds > 1)}"


#: The model the corruption errors are relative to, where it is in the study.
BASELINE = "mlp"


def _robustness_table(results):
    """Errors and AUC per arm, if the table has clean and noisy scales.

    The corruption errors relative to a baseline (CE, relative CE) are shown
    only when the baseline model is in the study beside another model, and the
    header names it: a ratio of a model to itself, or to an absent model, says
    nothing.
    """
    scores = [
        s
        for s in corruption_scores(results, baseline=BASELINE)
        if len(s["scales"]) > 1 and math.isfinite(s["clean_error"])
    ]
    if not scores:
        return None
    models = {s["model"] for s in scores}
    relative = BASELINE in models and len(models) > 1

    def fmt(value, digits=3):
        return f"{value:.{digits}f}" if math.isfinite(value) else "n/a"

    rows = []
    for s in scores:
        cells = [
            model_name(s["model"]),
            s["noise"],
            fmt(s["clean_error"], 4),
            fmt(s["mean_error"], 4),
        ]
        if relative:
            cells += [fmt(s["ce"]), fmt(s["relative_ce"])]
        rows.append((*cells, fmt(s["auc"], 4)))
    base = model_name(BASELINE)
    header = (
        "model",
        "noise",
        "clean error",
        "mean error, noisy scales",
        *((f"CE vs {base} (baseline)", f"relative CE vs {base}") if relative else ()),
        "AUC (linear scale axis)",
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
            columns.append(f"{model_name(arm[0])} {arm[1]} s={fmt_scale(scale)} {what}")
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


def sweep_notes(results):
    """The notes on sweeps: fresh models, what noise each number saw, units."""
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
