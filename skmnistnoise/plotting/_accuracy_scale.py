"""Accuracy (or any score) against the noise scale: :class:`AccuracyScaleDisplay`."""

import numpy as np

from .._registry import NOTEBOOK_SCALES
from .._results import SweepResults
from ._base import (
    TEST_STYLE,
    TRAIN_STYLE,
    X_COLUMNS,
    arm_label,
    axes_or_new,
    chance,
    check_not_empty,
    describe_replicates,
    draw_chance,
    finish_accuracy_axis,
    legend_outside,
    plot_mean_and_band,
    style_scale_axis,
    title_suffix,
    x_label,
)


class AccuracyScaleDisplay:
    """Train and test score against the noise scale, one colour per arm.

    Test (validation) scores are solid, train scores dashed; with several
    replicate fits per scale (folds, seeds) each line is their mean with a
    band of its 95% t interval. Built like scikit-learn's
    :class:`~sklearn.model_selection.ValidationCurveDisplay`, from its
    ``(n_values, n_folds)`` score arrays, one set per arm.

    Parameters
    ----------
    curves : list of dict
        One per arm: ``label``, ``param_range`` (x values), ``test_scores``
        and optionally ``train_scores``, each of shape ``(n_values, n_folds)``.
    score_name : str, default="accuracy"
        The y axis's label.
    xlabel : str, default="noise scale"
        What the x axis measures.
    title : str or None, default=None
        The title.
    chance_level : float or None, default=None
        Chance accuracy, drawn as a dotted line.

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    lines_ : dict of str to Line2D
        The lines by legend label.
    bands_ : list of PolyCollection
        The 95% t interval bands, where a scale has several replicate fits.
    chance_level_ : Line2D or None

    See Also
    --------
    sklearn.model_selection.ValidationCurveDisplay : The same for any parameter.

    Examples
    --------
    >>> from skmnistnoise.experiment import SweepResults
    >>> from skmnistnoise.plotting import AccuracyScaleDisplay
    >>> rows = [{"dataset": "digits", "model": "mlp", "noise": "additive",
    ...          "protocol": "pixel", "scale": s, "pixel_scale": s, "fold": 0,
    ...          "train_accuracy": a + .02, "test_accuracy": a}
    ...         for s, a in [(0.0, .97), (1.0, .62)]]
    >>> display = AccuracyScaleDisplay.from_results(SweepResults(rows))
    >>> sorted(display.lines_), round(display.chance_level_.get_ydata()[0], 2)
    (['MLP test', 'MLP train'], 0.1)
    """

    def __init__(
        self,
        *,
        curves,
        score_name="accuracy",
        xlabel="noise scale",
        title=None,
        chance_level=None,
    ):
        self.curves = curves
        self.score_name = score_name
        self.xlabel = xlabel
        self.title = title
        self.chance_level = chance_level

    @classmethod
    def from_results(
        cls,
        results,
        *,
        x="scale",
        score="accuracy",
        model=None,
        noise=None,
        score_type="both",
        chance_level="auto",
        ax=None,
    ):
        """Draw the table's scores against the scale.

        Parameters
        ----------
        results : SweepResults, list of dict or DataFrame
            The table of :func:`~skmnistnoise.experiment.noise_sweep` or
            :func:`~skmnistnoise.experiment.run_study`.
        x : {"scale", "pixel_scale"}, default="scale"
            The scale as swept, or in [0, 1]-pixel units.
        score : str, default="accuracy"
            The columns ``train_<score>`` and ``test_<score>``, e.g. ``"loss"``.
        model, noise : str, sequence of str or None, default=None
            The arms to draw; None draws all.
        score_type : {"both", "test", "train"}, default="both"
            Which scores to draw.
        chance_level : "auto", float or None, default="auto"
            Chance accuracy; "auto": one over the table's number of classes
            (accuracy only).
        ax : matplotlib Axes or None, default=None
            Where to draw; None makes a new figure.

        Returns
        -------
        display : AccuracyScaleDisplay
        """
        if x not in X_COLUMNS:
            raise ValueError(f"x must be 'scale' or 'pixel_scale'; got {x!r}.")
        if score_type not in ("both", "test", "train"):
            raise ValueError(
                f"score_type must be 'both', 'test' or 'train'; got {score_type!r}."
            )
        results = SweepResults.coerce(results)
        check_not_empty(results, "AccuracyScaleDisplay")
        arms = results.arms(model, noise)
        if not arms:
            raise ValueError(f"No rows for model={model!r} and noise={noise!r}.")
        curves = []
        for arm in arms:
            where = {"model": arm[0], "noise": arm[1]}
            xs, test = results.fold_scores(f"test_{score}", x=x, **where)
            curve = {"label": arm_label(arm, arms), "param_range": xs}
            if score_type in ("both", "test"):
                curve["test_scores"] = test
            if score_type in ("both", "train"):
                curve["train_scores"] = results.fold_scores(
                    f"train_{score}", x=x, **where
                )[1]
            curves.append(curve)
        replicates = describe_replicates(results)
        parts = {"both": "test solid, train dashed", "test": "test", "train": "train"}
        title = (
            f"{score.capitalize()} against noise scale{title_suffix(results)}\n"
            + parts[score_type]
            + (
                f"; bands: 95% t interval of the mean over {replicates}"
                if replicates
                else ""
            )
        )
        display = cls(
            curves=curves,
            score_name=score if score != "loss" else "loss (cross-entropy)",
            xlabel=x_label(results, x),
            title=title,
            chance_level=chance(results, chance_level) if score == "accuracy" else None,
        )
        return display.plot(ax=ax)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        param_name="noise__scale",
        param_range=NOTEBOOK_SCALES,
        cv=None,
        ax=None,
        **sweep_params,
    ):
        """Run :func:`~skmnistnoise.experiment.noise_sweep`, then draw it.

        Parameters
        ----------
        estimator : estimator or Pipeline
            Any classifier, usually after a noise step.
        X : array-like of shape (n_samples, n_features)
            The images.
        y : array-like of shape (n_samples,)
            Their labels.
        param_name : str, default="noise__scale"
            The parameter the sweep varies.
        param_range : sequence of float, default=(0, .1, .5, 1, 2, 4)
            Its values, one fit each per fold and seed.
        cv : int, cross-validation generator, iterable or None, default=None
            The splits, as for :func:`~sklearn.model_selection.validation_curve`.
        ax : matplotlib Axes or None, default=None
            Where to draw.
        **sweep_params : dict
            The other parameters of ``noise_sweep`` (``scoring``,
            ``random_state``, ``store``, ``n_jobs``, ...).

        Returns
        -------
        display : AccuracyScaleDisplay
            With ``results_``, the computed table.
        """
        from .._sweep import noise_sweep

        results = noise_sweep(
            estimator,
            X,
            y,
            param_name=param_name,
            param_range=param_range,
            cv=cv,
            **sweep_params,
        )
        display = cls.from_results(results, ax=ax)
        display.results_ = results
        return display

    def plot(self, ax=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
            Where to draw; None makes a new figure.

        Returns
        -------
        self : AccuracyScaleDisplay
        """
        ax = axes_or_new(ax, (8.5, 4.8))
        self.lines_, self.bands_ = {}, []
        for i, curve in enumerate(self.curves):
            colour = f"C{i % 10}"
            xs = np.asarray(curve["param_range"], dtype=float)
            for part, style in (("train", TRAIN_STYLE), ("test", TEST_STYLE)):
                scores = curve.get(f"{part}_scores")
                if scores is None:
                    continue
                scores = np.asarray(scores, dtype=float).reshape(len(xs), -1)
                label = f"{curve['label']} {part}"
                line, band = plot_mean_and_band(
                    ax,
                    xs,
                    scores.T,
                    color=colour,
                    band_label=f"_{label} 95% t interval",
                    label=label,
                    **style,
                )
                self.lines_[label] = line
                if band is not None:
                    self.bands_.append(band)
        note = style_scale_axis(ax, [c["param_range"] for c in self.curves])
        self.chance_level_ = draw_chance(ax, self.chance_level)
        if self.score_name == "accuracy":
            finish_accuracy_axis(ax)
        else:
            ax.set_ylabel(self.score_name)
            ax.grid(True, alpha=0.3)
            if "loss" in self.score_name:
                ax.set_ylim(bottom=0)
        ax.set_xlabel(f"{self.xlabel}\n({note})")
        if self.title:
            ax.set_title(self.title, fontsize="medium")
        legend_outside(ax)
        self.ax_, self.figure_ = ax, ax.figure
        return self
