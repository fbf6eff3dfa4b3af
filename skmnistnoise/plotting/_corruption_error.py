"""Test error under each corruption, per model: :class:`CorruptionErrorDisplay`."""

import numpy as np

from .._registry import CORRUPTIONS, MODEL_NAMES, MODELS
from .._results import SweepResults, _interval
from ..metrics import corruption_scores, mean_corruption_errors
from ._base import (
    axes_or_new,
    check_not_empty,
    describe_replicates,
    legend_outside,
    title_suffix,
)


class CorruptionErrorDisplay:
    """Test error under each corruption, one colour per model, as horizontal bars.

    One row per corruption (or noise), sorted by the error averaged over the
    models, the hardest at the top; in each row one bar per model, its test
    error under the corruption in percent. A dashed vertical line in the
    model's colour marks its clean error (no corruption). With several
    replicate fits (seeds, folds) each bar is their mean with a whisker of
    Student's t 95% interval of the mean. The legend gives each model's mCE
    (ImageNet-C's mean corruption error, relative to a baseline model) or,
    without a baseline, its mean error over the corruptions.

    Parameters
    ----------
    errors : ndarray of shape (n_models, n_corruptions)
        Test error under each corruption, in [0, 1].
    corruptions : sequence of str of length n_corruptions
        The corruptions' names, in the order of the columns of ``errors``.
    models : sequence of str of length n_models
        The models' names in the legend.
    clean_errors : array-like of shape (n_models,)
        Each model's test error without corruption, in [0, 1]; NaN: none.
    intervals : ndarray of shape (n_models, n_corruptions, 2) or None, \
default=None
        Low and high ends of each error's interval (NaN: none).
    summaries : sequence of str or None, default=None
        Per model, what follows its name in the legend (e.g. ``"mCE 0.82"``).
    title : str or None, default=None

    Attributes
    ----------
    bars_ : dict of str to BarContainer
        The bars of each model.
    clean_lines_ : dict of str to Line2D
        The clean-error line of each model.
    order_ : ndarray of int
        The column of ``errors`` drawn in each row, bottom to top.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    See Also
    --------
    skmnistnoise.metrics.corruption_scores : The errors and CEs drawn here.
    AccuracyScaleDisplay : Accuracy against a noise scale.

    Examples
    --------
    >>> from skmnistnoise.experiment import SweepResults
    >>> from skmnistnoise.plotting import CorruptionErrorDisplay
    >>> rows = [{"dataset": "mnist", "model": m, "noise": c, "protocol": "pixel",
    ...          "scale": s, "fold": 0, "seed": 0,
    ...          "test_accuracy": 0.99 - s * e}
    ...         for m, errs in {"mlp": (.3, .1), "convnet": (.2, .05)}.items()
    ...         for c, e in zip(["fog", "shear"], errs) for s in (0, 1)]
    >>> display = CorruptionErrorDisplay.from_results(rows, baseline="mlp")
    >>> [t.get_text() for t in display.ax_.get_yticklabels()]
    ['shear', 'fog']
    >>> sorted(display.bars_)
    ['ConvNet: mCE 0.61, relative mCE 0.58', 'MLP: mCE 1.00, relative mCE 1.00']
    """

    def __init__(
        self,
        errors,
        corruptions,
        models,
        *,
        clean_errors,
        intervals=None,
        summaries=None,
        title=None,
    ):
        self.errors = np.asarray(errors, dtype=float)
        self.corruptions = list(corruptions)
        self.models = list(models)
        self.clean_errors = np.asarray(clean_errors, dtype=float)
        self.intervals = None if intervals is None else np.asarray(intervals, float)
        self.summaries = summaries
        self.title = title

    @classmethod
    def from_results(cls, results, *, baseline=None, ax=None):
        """Draw the per-corruption errors of a sweep over corruptions.

        Parameters
        ----------
        results : SweepResults, list of dict or DataFrame
            The table of :func:`~skmnistnoise.experiment.noise_sweep` or
            :func:`~skmnistnoise.experiment.run_study` over corruptions (or
            noises) at scale 0 (clean) and one or more scales above 0, of one
            dataset and one protocol. A corruption's error is its mean over
            the scales above 0, as in
            :func:`~skmnistnoise.metrics.corruption_scores`.
        baseline : str or None, default=None
            The model whose errors normalise the CE (ImageNet-C uses AlexNet):
            the legend then gives mCE and relative mCE. None: the mean error
            over the corruptions (the unnormalised mCE).
        ax : matplotlib Axes or None, default=None
            Where to draw; None makes a new figure.

        Returns
        -------
        display : CorruptionErrorDisplay
        """
        results = SweepResults.coerce(results)
        check_not_empty(results, "CorruptionErrorDisplay")
        for column in ("dataset", "protocol"):
            values = {r.get(column) for r in results}
            if len(values) > 1:
                raise ValueError(
                    f"CorruptionErrorDisplay draws one {column} at a time; the "
                    f"table has {sorted(map(str, values))}: select one with "
                    f"results.where({column}=...)."
                )
        if baseline is not None and baseline not in {r.get("model") for r in results}:
            raise ValueError(
                f"The baseline model {baseline!r} has no rows in the table; its "
                f"models are {sorted({str(r.get('model')) for r in results})}."
            )
        scores = [
            s
            for s in corruption_scores(results, baseline=baseline)
            if np.isfinite(s["mean_error"])
        ]
        if not scores:
            raise ValueError(
                "CorruptionErrorDisplay needs rows at a scale above 0 (corrupted); "
                "the table has none."
            )
        models = sorted(
            {s["model"] for s in scores},
            key=lambda m: (MODELS.index(m) if m in MODELS else len(MODELS), str(m)),
        )
        corruptions = list(dict.fromkeys(s["noise"] for s in scores))
        by_arm = {(s["model"], s["noise"]): s for s in scores}
        errors = np.full((len(models), len(corruptions)), np.nan)
        intervals = np.full((len(models), len(corruptions), 2), np.nan)
        clean = np.full(len(models), np.nan)
        for i, model in enumerate(models):
            cleans = [s["clean_error"] for s in scores if s["model"] == model]
            if np.isfinite(cleans).any():
                clean[i] = np.nanmean(cleans)
            for j, corruption in enumerate(corruptions):
                if (model, corruption) not in by_arm:
                    continue
                errors[i, j] = by_arm[model, corruption]["mean_error"]
                replicates = _replicate_errors(results, model, corruption)
                # An error lies in [0, 1]: so does its interval's drawing.
                intervals[i, j] = np.clip(_interval(replicates)[2:], 0.0, 1.0)
        summaries = []
        for summary in sorted(
            mean_corruption_errors(scores), key=lambda s: models.index(s["model"])
        ):
            if baseline is None:
                summaries.append(f"mean error {100 * summary['mean_error']:.1f} %")
            else:
                summaries.append(
                    f"mCE {summary['mCE']:.2f}, "
                    f"relative mCE {summary['relative_mCE']:.2f}"
                )
        replicates = describe_replicates(results)
        what = (
            "MNIST-C corruptions" if set(corruptions) <= set(CORRUPTIONS) else "noise"
        )
        lines = [f"Test error under {what}{title_suffix(results)}"]
        notes = ["dashed: clean error"]
        if replicates:
            notes.append(f"whiskers: 95% t interval of the mean over {replicates}")
        if baseline is not None:
            notes.append(f"CE relative to {MODEL_NAMES.get(baseline, baseline)}")
        # The notes packed into lines of about the axes' width (breaking
        # between notes, never inside one), so the title is whole.
        packed = [notes[0]]
        for note in notes[1:]:
            if len(packed[-1]) + 2 + len(note) <= 62:
                packed[-1] += f"; {note}"
            else:
                packed.append(note)
        lines += packed
        display = cls(
            errors,
            corruptions,
            [MODEL_NAMES.get(m, str(m)) for m in models],
            clean_errors=clean,
            intervals=intervals,
            summaries=summaries,
            title="\n".join(lines),
        )
        return display.plot(ax=ax)

    def plot(self, ax=None):
        """Draw the bars.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
            Where to draw; None makes a new figure.

        Returns
        -------
        self : CorruptionErrorDisplay
        """
        n_models, n_corruptions = self.errors.shape
        ax = axes_or_new(ax, (8.5, 1.8 + 0.32 * n_corruptions * max(n_models, 2) / 2))
        self.order_ = np.argsort(np.nanmean(self.errors, axis=0), kind="stable")
        rows = np.arange(n_corruptions)
        height = 0.8 / n_models
        self.bars_, self.clean_lines_ = {}, {}
        for i, model in enumerate(self.models):
            colour = f"C{i % 10}"
            values = 100 * self.errors[i, self.order_]
            xerr = None
            if self.intervals is not None:
                low, high = 100 * self.intervals[i, self.order_].T
                if np.isfinite(low).any():
                    xerr = np.vstack(
                        [np.nan_to_num(values - low), np.nan_to_num(high - values)]
                    )
            label = model
            if self.summaries is not None:
                label = f"{model}: {self.summaries[i]}"
            # The first model's bar on top of each row, as in the legend.
            offset = (n_models - 1) / 2 - i
            self.bars_[label] = ax.barh(
                rows + offset * height,
                values,
                height=height,
                color=colour,
                label=label,
                xerr=xerr,
                error_kw={"elinewidth": 1, "capsize": 2, "ecolor": "0.2"},
            )
            if np.isfinite(self.clean_errors[i]):
                clean = 100 * self.clean_errors[i]
                self.clean_lines_[model] = ax.axvline(
                    clean,
                    color=colour,
                    linestyle="--",
                    linewidth=1.3,
                    label=f"{model} clean error ({clean:.1f} %)",
                )
        ax.set_yticks(rows, [self.corruptions[j] for j in self.order_])
        ax.set_ylim(-0.6, n_corruptions - 0.4)
        ax.set_xlim(left=0)
        ax.set_xlabel("test error (% of the test images misclassified)")
        ax.set_ylabel("corruption (sorted by the models' mean error)")
        ax.grid(True, axis="x", alpha=0.3)
        if self.title:
            ax.set_title(self.title, fontsize="medium")
        # Each model's bars, then its clean error, in the models' order.
        handles = []
        for bars, model in zip(self.bars_.values(), self.models):
            handles += [bars, self.clean_lines_.get(model)]
        legend_outside(ax, handles=[h for h in handles if h is not None])
        self.ax_, self.figure_ = ax, ax.figure
        return self


def _replicate_errors(results, model, corruption):
    """Per replicate fit (seed, fold): the mean error over the corrupted scales."""
    per = {}
    for r in results:
        if r.get("model") != model or r.get("noise") != corruption:
            continue
        if not float(r.get("scale", 0.0)) > 0 or r.get("test_accuracy") is None:
            continue
        per.setdefault((r.get("seed"), r.get("fold")), []).append(
            1 - r["test_accuracy"]
        )
    return [float(np.mean(v)) for v in per.values()]
