"""The report's sections on certification runs: certified accuracy and its notes.

Rows of :func:`~skmnistnoise.experiment.certify_study` (randomized smoothing,
Cohen, Rosenfeld and Kolter, 2019), in the certification columns
(``sigma``, ``n``, ``n0``, ``alpha``, ``certified_accuracy_at``, ...), get a
table of certified accuracy at every radius, with the published MNIST rows
beside them where the runs are MNIST runs of their sigmas.
"""

import math

from .._results import SweepResults, is_certification, markdown_table
from ._format import fmt_scale, fmt_time, keyed, model_name


def split_certified(results):
    """(rows of certification runs, the other rows), as two tables.

    Both keep the settings; the counts of fits trained and read back stay
    with the other rows, as the report's run section reads them.
    """
    certified = [r for r in results if is_certification(r)]
    others = [r for r in results if not is_certification(r)]
    keep = {"settings": dict(results.settings)}
    return SweepResults(certified, **keep), SweepResults(
        others,
        n_computed=results.n_computed,
        n_cached=results.n_cached,
        **keep,
    )


def published(certified):
    """The reference MNIST table, where the runs are MNIST runs of its sigmas."""
    from ..references import GAUSSIAN_MNIST_500 as table

    if set(certified.unique("dataset")) != {"mnist"}:
        return {}
    return {s: table[s] for s in certified.unique("sigma") if s in table}


def certified_sections(certified):
    """The certified-accuracy section, as Markdown lines."""
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


def certified_notes(certified):
    """The notes on certification runs: how they were trained, what holds."""
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
    if published(certified):
        notes.append(
            "**The reference rows** are Jeong and Shin (2020)'s reproduction of "
            "Cohen et al.'s Gaussian-trained LeNet (90 epochs) on the 500 MNIST "
            "test images with index % 20 == 0, n = 100,000, mean of 5 seeds "
            "(`skmnistnoise.references`); comparable where this run certified the same "
            "images, with a smaller n costing certified radius at the top."
        )
    return notes


def _certified_table(certified):
    """Certified accuracy at every radius: mean and interval over seeds."""
    radii = sorted({float(x) for r in certified for x in r["certified_radii"]})
    by = ("dataset", "model", "sigma")  # a run's replicates: its seeds
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
        acr = keyed(part, "acr", by)
        abstained = keyed(part, "abstained", by)
        fit = keyed(part, "fit_time", by)
        score = keyed(part, "score_time", by)
        for entry in part.aggregate("test_accuracy", by=by):
            key = tuple(entry[k] for k in by)
            several = several or entry["n"] > 1
            cells = [model_name(entry["model"]), fmt_scale(entry["sigma"])]
            for radius in radii:
                point = points.get((*key, radius))
                cells.append("" if point is None else _fmt_certified(point))
            cells += [
                _fmt_certified(acr[key], interval=False),
                f"{abstained[key]['mean']:.3f}",
                f"{n:,} ({n0}, alpha {alpha:g})",
                f"{entry['seeds']}",
                f"{fmt_time(fit[key]['mean'])} + {fmt_time(score[key]['mean'])}",
            ]
            rows.append(cells)
    for sigma, points in published(certified).items():
        cells = ["Gaussian LeNet, Jeong and Shin 2020", fmt_scale(sigma)]
        cells += ["-" if points.get(r) is None else f"{points[r]:.3f}" for r in radii]
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
