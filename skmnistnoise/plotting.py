"""Figures of a noise study, as scikit-learn Displays.

Each figure is a Display in the manner of
:class:`sklearn.model_selection.ValidationCurveDisplay` and
:class:`sklearn.metrics.ConfusionMatrixDisplay`: built ``from_results`` (the
result table of a sweep), ``from_estimator`` where it makes sense (it runs
the sweep), or from arrays; ``plot(ax=None)`` draws it and returns the
display, with ``ax_`` and ``figure_`` (and the artists) as attributes.
Matplotlib is imported when a figure is drawn, never when this module is
imported; figures are built outside pyplot's figure manager, so they work
with any backend (Agg included), never open a window, and are not kept alive
by pyplot.

Every figure states its axes and units, draws chance level where accuracy is
shown, keeps legends beside the data rather than over it, and draws a single
scale as a point.

Displays
--------
* :class:`AccuracyScaleDisplay`: train and test score against the noise
  scale, one colour per model (and noise), bands over folds and seeds.
* :class:`EpochCurveDisplay`: the notebooks' per-epoch curves, one line per
  scale.
* :class:`RobustnessMatrixDisplay`: test accuracy of models trained at every
  training noise scale (rows) under every test noise scale (columns).
* :class:`NoisySamplesDisplay`: what the noise does to images, and that every
  image gets its own noise.
* :class:`CertifiedAccuracyDisplay`: randomized smoothing's certified
  accuracy against the L2 radius.

The ``plot_*`` functions are shortcuts that return the display's figure.
"""

import math

import numpy as np

from ._registry import MODEL_NAMES, NOISE_FORMULAS, NOTEBOOK_SCALES, make_noise
from ._results import SweepResults

__all__ = [
    "AccuracyScaleDisplay",
    "CertifiedAccuracyDisplay",
    "EpochCurveDisplay",
    "NoisySamplesDisplay",
    "RobustnessMatrixDisplay",
    "plot_accuracy_vs_epoch",
    "plot_accuracy_vs_scale",
    "plot_model_comparison",
    "plot_noisy_samples",
    "plot_robustness_matrix",
]

X_COLUMNS = ("scale", "pixel_scale")
_TEST_STYLE = {"linestyle": "-", "marker": "o", "markersize": 4, "linewidth": 1.8}
_TRAIN_STYLE = {"linestyle": "--", "marker": "o", "markersize": 3, "linewidth": 1.3}
_CHANCE_STYLE = {"color": "0.35", "linestyle": ":", "linewidth": 1.2}


# --------------------------------------------------------------------------
# Shared pieces


def _new_figure(figsize, **kwargs):
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout="constrained", **kwargs)


def _axes(ax, figsize):
    """``ax``, or the axes of a new figure."""
    if ax is None:
        return _new_figure(figsize).add_subplot()
    return ax


def _check_not_empty(results, what):
    if not len(results):
        raise ValueError(f"{what} needs results; the table has no rows.")


def _arm_label(arm, arms):
    """The legend name of an arm: the model, and its noise if the table has several."""
    model, noise = arm
    name = MODEL_NAMES.get(model, str(model))
    if len({n for _, n in arms}) > 1:
        return f"{name}, {noise}"
    return name


def _format_scale(value):
    return f"{value:.3g}"


def _nice_ticks(low, high):
    """1-2-5 values per decade from ``low`` to ``high``, at most about 8."""
    ticks = []
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for mantissa in (1, 2, 5):
            value = mantissa * 10.0**exponent
            if low * 0.999 <= value <= high * 1.001:
                ticks.append(value)
    while len(ticks) > 8:
        ticks = ticks[::2]
    if not ticks or high > 1.5 * ticks[-1]:
        ticks.append(high)
    return ticks


def _style_scale_axis(ax, xs_per_curve):
    """Ticks at the swept scales; a symmetric log axis when they span decades.

    The notebooks' scales (0, .1, .5, 1, 2, 4) crowd near 0 on a linear axis;
    a symlog axis that is linear up to the smallest non-zero scale keeps 0 and
    spreads the others out. Returns the words that state the axis's scale,
    for its label.
    """
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    curves = [np.asarray(xs, dtype=float) for xs in xs_per_curve]
    shared = all(
        len(c) == len(curves[0]) and np.allclose(c, curves[0], equal_nan=True)
        for c in curves
    )
    xs = np.concatenate(curves) if curves else np.array([])
    xs = np.unique(xs[np.isfinite(xs)])
    positive = xs[xs > 0]
    symlog = len(positive) >= 2 and positive.max() / positive.min() >= 10
    if symlog:
        ax.set_xscale("symlog", linthresh=positive.min(), linscale=0.6)
        note = f"symmetric log axis, linear below {_format_scale(positive.min())}"
    else:
        ax.set_xscale("linear")
        note = "linear axis"
    if len(xs) == 1:  # one point: centre it with room on both sides
        half = abs(xs[0]) * 0.5 or 0.5
        ax.set_xlim(xs[0] - half, xs[0] + half)
    if shared and len(xs) <= 10:
        ticks = list(xs)
    elif symlog:
        ticks = [*xs[xs <= 0][:1], *_nice_ticks(positive.min(), positive.max())]
    else:
        return note  # matplotlib's own linear ticks
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _format_scale(v)))
    ax.xaxis.set_minor_locator(NullLocator())
    return note


def _x_label(results, x):
    """What the x axis measures, in words, for this table."""
    if x == "pixel_scale":
        return "noise scale in [0, 1]-pixel units (pixel_scale)"
    notebooks_mlp = any(
        r.get("protocol") == "notebooks" and r.get("model") == "mlp" for r in results
    )
    if notebooks_mlp:
        return (
            "noise scale as swept (notebooks protocol: MLP in pixel standard "
            "deviations, ConvNet in [0, 1] pixels)"
        )
    if len(results) and all(r.get("protocol") == "pixel" for r in results):
        return "noise scale (pixels in [0, 1])"
    return "noise scale (in the units of the noise step's input)"


def _title_suffix(results):
    datasets = sorted({str(r.get("dataset", "")) for r in results} - {""})
    protocols = sorted({str(r.get("protocol", "")) for r in results} - {"", "custom"})
    parts = []
    if datasets:
        parts.append(", ".join(datasets))
    if protocols:
        parts.append(f"protocol {', '.join(protocols)}")
    return f" ({'; '.join(parts)})" if parts else ""


def _replicates(results):
    """In words, what the replicate fits of a scale are: folds, seeds or both."""
    folds = len({r.get("fold") for r in results})
    seeds = len({r.get("seed") for r in results})
    parts = []
    if folds > 1:
        parts.append(f"{folds} folds")
    if seeds > 1:
        parts.append(f"{seeds} seeds")
    return " x ".join(parts)


def _chance(results, chance_level):
    """The chance accuracy to draw: one over the number of classes, or None."""
    if chance_level is False or chance_level is None:
        return None
    if chance_level is True or chance_level == "auto":
        n = results.n_classes() if isinstance(results, SweepResults) else None
        return None if n is None else 1.0 / n
    return float(chance_level)


def _draw_chance(ax, level):
    if level is None:
        return None
    return ax.axhline(level, label=f"chance ({level:.2g})", zorder=0, **_CHANCE_STYLE)


def _finish_accuracy_axis(ax, label="accuracy"):
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel(label)
    ax.grid(True, alpha=0.3)


def _legend_outside(ax, **kwargs):
    """A legend to the right of the axes, never over the data."""
    return ax.legend(
        fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1.0), **kwargs
    )


# --------------------------------------------------------------------------
# Accuracy (or any score) against the noise scale


class AccuracyScaleDisplay:
    """Train and test score against the noise scale, one colour per arm.

    Test (validation) scores are solid, train scores dashed; with several
    replicate fits per scale (folds, seeds) each line is their mean with a
    band of ± 1 standard deviation. Built like scikit-learn's
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
        _check_not_empty(results, "AccuracyScaleDisplay")
        arms = results.arms(model, noise)
        if not arms:
            raise ValueError(f"No rows for model={model!r} and noise={noise!r}.")
        curves = []
        for arm in arms:
            where = {"model": arm[0], "noise": arm[1]}
            xs, test = results.fold_scores(f"test_{score}", x=x, **where)
            curve = {"label": _arm_label(arm, arms), "param_range": xs}
            if score_type in ("both", "test"):
                curve["test_scores"] = test
            if score_type in ("both", "train"):
                curve["train_scores"] = results.fold_scores(
                    f"train_{score}", x=x, **where
                )[1]
            curves.append(curve)
        replicates = _replicates(results)
        parts = {"both": "test solid, train dashed", "test": "test", "train": "train"}
        title = (
            f"{score.capitalize()} against noise scale{_title_suffix(results)}\n"
            + parts[score_type]
            + (f"; bands: mean ± 1 std over {replicates}" if replicates else "")
        )
        display = cls(
            curves=curves,
            score_name=score if score != "loss" else "loss (cross-entropy)",
            xlabel=_x_label(results, x),
            title=title,
            chance_level=_chance(results, chance_level)
            if score == "accuracy"
            else None,
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

        ``sweep_params`` go to the sweep (``scoring``, ``seeds``, ``store``,
        ...). The table is kept as the display's ``results_``.
        """
        from ._sweep import noise_sweep

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
        ax = _axes(ax, (8.5, 4.8))
        self.lines_, self.bands_ = {}, []
        for i, curve in enumerate(self.curves):
            colour = f"C{i % 10}"
            xs = np.asarray(curve["param_range"], dtype=float)
            for part, style in (("train", _TRAIN_STYLE), ("test", _TEST_STYLE)):
                scores = curve.get(f"{part}_scores")
                if scores is None:
                    continue
                scores = np.asarray(scores, dtype=float).reshape(len(xs), -1)
                mean = scores.mean(axis=1)
                label = f"{curve['label']} {part}"
                (line,) = ax.plot(xs, mean, color=colour, label=label, **style)
                self.lines_[label] = line
                if scores.shape[1] > 1:
                    std = scores.std(axis=1)
                    self.bands_.append(
                        ax.fill_between(
                            xs,
                            mean - std,
                            mean + std,
                            color=colour,
                            alpha=0.15,
                            linewidth=0,
                            label=f"_{label} ± 1 std",
                        )
                    )
        note = _style_scale_axis(ax, [c["param_range"] for c in self.curves])
        self.chance_level_ = _draw_chance(ax, self.chance_level)
        if self.score_name == "accuracy":
            _finish_accuracy_axis(ax)
        else:
            ax.set_ylabel(self.score_name)
            ax.grid(True, alpha=0.3)
            if "loss" in self.score_name:
                ax.set_ylim(bottom=0)
        ax.set_xlabel(f"{self.xlabel}\n({note})")
        if self.title:
            ax.set_title(self.title, fontsize="medium")
        _legend_outside(ax)
        self.ax_, self.figure_ = ax, ax.figure
        return self


# --------------------------------------------------------------------------
# Per-epoch curves


def _scale_colours(n):
    """n colours of a sequential map, light (clean) to dark (noisiest)."""
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    if n == 1:
        return [cmap(0.0)]
    return [cmap(0.9 * i / (n - 1)) for i in range(n)]


class EpochCurveDisplay:
    """Train and validation accuracy per epoch, one line per noise scale.

    The notebooks' plot: for each arm (model and noise) a row of two axes,
    the training accuracy per epoch (on the noisy training data) and the
    validation accuracy per epoch (the test set through the same noise step,
    a fresh draw). Both axes of a row share the y axis, so a gap between them
    (the model learning its one noise draw) shows at a glance. With several
    replicate fits each line is their mean, with a band of ± 1 std. The
    legend of the scales sits to the right of each row, off the curves.

    Parameters
    ----------
    rows : list of dict
        One per arm: ``name`` and ``curves``, a list of ``(scale, train,
        validation)`` with ``train`` and ``validation`` arrays of shape
        ``(n_replicates, n_epochs)`` (or None when not recorded).
    title : str or None, default=None
    chance_level : float or None, default=None

    Attributes
    ----------
    axes_ : ndarray of Axes, shape (n_arms, 2)
    figure_ : matplotlib Figure
    lines_ : list of Line2D

    Examples
    --------
    >>> from skmnistnoise.experiment import SweepResults
    >>> from skmnistnoise.plotting import EpochCurveDisplay
    >>> rows = [{"model": "mlp", "noise": "additive", "scale": s, "fold": 0,
    ...          "epoch_train_accuracy": [.5, .8], "epoch_test_accuracy": [.4, .7]}
    ...         for s in (0.0, 1.0)]
    >>> display = EpochCurveDisplay.from_results(SweepResults(rows))
    >>> display.axes_.shape, len(display.lines_)
    ((1, 2), 4)
    """

    def __init__(self, *, rows, title=None, chance_level=None):
        self.rows = rows
        self.title = title
        self.chance_level = chance_level

    @classmethod
    def from_results(
        cls, results, *, model=None, noise=None, chance_level="auto", axes=None
    ):
        """Draw the per-epoch curves of a table (``per_epoch=True`` rows).

        Parameters
        ----------
        results : SweepResults, list of dict or DataFrame
        model, noise : str, sequence of str or None, default=None
            The arms to draw; None draws all.
        chance_level : "auto", float or None, default="auto"
        axes : array of Axes of shape (n_arms, 2) or None, default=None
            Where to draw; None makes a new figure.

        Returns
        -------
        display : EpochCurveDisplay
        """
        results = SweepResults.coerce(results)
        _check_not_empty(results, "EpochCurveDisplay")
        arms = results.arms(model, noise)
        if not arms:
            raise ValueError(
                f"No rows for model={model!r} and noise={noise!r}; the table has "
                f"models {results.unique('model')} and noises "
                f"{results.unique('noise')}."
            )
        rows = []
        for arm in arms:
            arm_rows = results.select(model=arm[0], noise=arm[1])
            curves = []
            for s in sorted({float(r["scale"]) for r in arm_rows}):
                group = [r for r in arm_rows if float(r["scale"]) == s]
                curves.append(
                    (
                        s,
                        *(
                            _stack([r.get(column) for r in group])
                            for column in (
                                "epoch_train_accuracy",
                                "epoch_test_accuracy",
                            )
                        ),
                    )
                )
            name = f"{MODEL_NAMES.get(arm[0], arm[0])}, {arm[1]} noise"
            rows.append({"name": name, "curves": curves})
        replicates = _replicates(results)
        title = "Accuracy per epoch" + _title_suffix(results)
        if replicates:
            title += f"; mean ± 1 std over {replicates}"
        display = cls(
            rows=rows, title=title, chance_level=_chance(results, chance_level)
        )
        return display.plot(axes=axes)

    def plot(self, axes=None):
        """Draw the curves; ``axes`` of shape (n_arms, 2) or None (a new figure).

        Returns
        -------
        self : EpochCurveDisplay
        """
        if axes is None:
            fig = _new_figure((11.5, 3.4 * len(self.rows) + 0.5))
            axes = fig.subplots(len(self.rows), 2, squeeze=False, sharey=True)
        axes = np.asarray(axes).reshape(len(self.rows), 2)
        parts = (
            "train accuracy (noisy training data)",
            "validation accuracy (noisy test data)",
        )
        self.lines_ = []
        for row_axes, row in zip(axes, self.rows):
            colours = _scale_colours(len(row["curves"]))
            for k, (ax, what) in enumerate(zip(row_axes, parts)):
                drawn = 0
                for colour, curve in zip(colours, row["curves"]):
                    values = curve[1 + k]
                    if values is None:
                        continue
                    epochs = np.arange(1, values.shape[1] + 1)
                    mean = values.mean(axis=0)
                    (line,) = ax.plot(
                        epochs,
                        mean,
                        color=colour,
                        marker="o",
                        markersize=3,
                        label=f"scale {_format_scale(curve[0])}",
                    )
                    self.lines_.append(line)
                    if len(values) > 1:
                        std = values.std(axis=0)
                        ax.fill_between(
                            epochs,
                            mean - std,
                            mean + std,
                            color=colour,
                            alpha=0.15,
                            linewidth=0,
                        )
                    drawn += 1
                if not drawn:
                    ax.text(
                        0.5,
                        0.5,
                        "no per-epoch curves recorded\n(per_epoch=False)",
                        ha="center",
                        va="center",
                        transform=ax.transAxes,
                    )
                _draw_chance(ax, self.chance_level)
                ax.set_title(f"{row['name']}: {what}", fontsize="medium")
                ax.set_xlabel("epoch")
                ax.xaxis.get_major_locator().set_params(integer=True)
                _finish_accuracy_axis(ax)
            if any(c[1] is not None or c[2] is not None for c in row["curves"]):
                _legend_outside(row_axes[1], title="noise scale")
        self.axes_, self.figure_ = axes, axes.flat[0].figure
        if self.title:
            self.figure_.suptitle(self.title)
        return self


def _stack(curves):
    """Replicate curves as an (n, n_epochs) array cut to the shortest; None if none."""
    curves = [c for c in curves if c]
    if not curves:
        return None
    length = min(len(c) for c in curves)
    return np.asarray([c[:length] for c in curves], dtype=float)


# --------------------------------------------------------------------------
# The robustness matrix


class RobustnessMatrixDisplay:
    """Test accuracy by training noise scale (rows) and test noise scale (columns).

    A heatmap in the manner of :class:`~sklearn.metrics.ConfusionMatrixDisplay`:
    one row per training noise scale, one column per test noise scale, each
    cell the test accuracy (mean over fits) written in it. The best training
    scale for each test scale (the largest accuracy in its column) is framed,
    so the answer to "which training noise should I use against this test
    noise?" reads off the figure.

    Parameters
    ----------
    accuracy : ndarray of shape (n_train_scales, n_test_scales)
    train_scales : array-like of shape (n_train_scales,)
    test_scales : array-like of shape (n_test_scales,)
    title : str or None, default=None

    Attributes
    ----------
    im_ : AxesImage
    text_ : ndarray of Text, shape like ``accuracy``
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import numpy as np
    >>> from skmnistnoise.plotting import RobustnessMatrixDisplay
    >>> display = RobustnessMatrixDisplay(
    ...     np.array([[0.97, 0.41], [0.93, 0.82]]), [0, 1], [0, 1]).plot()
    >>> [t.get_text() for t in display.text_.ravel()]
    ['0.970', '0.410', '0.930', '0.820']
    """

    def __init__(self, accuracy, train_scales, test_scales, *, title=None):
        self.accuracy = np.asarray(accuracy, dtype=float)
        self.train_scales = np.asarray(train_scales, dtype=float)
        self.test_scales = np.asarray(test_scales, dtype=float)
        self.title = title

    @classmethod
    def from_results(cls, results, *, ax=None, **where):
        """Draw the matrix of a :func:`~skmnistnoise.experiment.robustness_matrix` run.

        ``where`` selects rows first (e.g. ``model="convnet"``) when the table
        holds several matrices.
        """
        results = SweepResults.coerce(results)
        _check_not_empty(results, "RobustnessMatrixDisplay")
        train, test, accuracy = results.matrix(**where)
        selected = results.where(**where)
        names = ", ".join(
            f"{MODEL_NAMES.get(m, str(m))} ({n} noise)" for m, n in selected.arms()
        )
        title = (
            f"Robustness matrix: {names}{_title_suffix(selected)}\n"
            "framed: the best training scale for each test scale"
        )
        return cls(accuracy, train, test, title=title).plot(ax=ax)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        train_scales=NOTEBOOK_SCALES,
        test_scales=NOTEBOOK_SCALES,
        ax=None,
        **matrix_params,
    ):
        """Run :func:`~skmnistnoise.experiment.robustness_matrix`, then draw it."""
        from ._sweep import robustness_matrix

        results = robustness_matrix(
            estimator,
            X,
            y,
            train_scales=train_scales,
            test_scales=test_scales,
            **matrix_params,
        )
        display = cls.from_results(results, ax=ax)
        display.results_ = results
        return display

    def plot(self, ax=None, *, cmap="viridis", values_format=".3f", colorbar=True):
        """Draw the heatmap.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
        cmap : str, default="viridis"
        values_format : str, default=".3f"
        colorbar : bool, default=True

        Returns
        -------
        self : RobustnessMatrixDisplay
        """
        from matplotlib.patches import Rectangle

        n_train, n_test = self.accuracy.shape
        ax = _axes(ax, (1.1 * n_test + 3.2, 0.75 * n_train + 2.0))
        self.im_ = ax.imshow(
            self.accuracy, cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto", origin="upper"
        )
        best = np.argmax(self.accuracy, axis=0)
        self.text_ = np.empty(self.accuracy.shape, dtype=object)
        for i in range(n_train):
            for j in range(n_test):
                value = self.accuracy[i, j]
                self.text_[i, j] = ax.text(
                    j,
                    i,
                    format(value, values_format),
                    ha="center",
                    va="center",
                    fontsize="small",
                    color="black" if value > 0.6 else "white",
                    fontweight="bold" if best[j] == i else "normal",
                )
        for j, i in enumerate(best):
            ax.add_patch(
                Rectangle(
                    (j - 0.5, i - 0.5),
                    1,
                    1,
                    fill=False,
                    edgecolor="red",
                    linewidth=2,
                    label="best training scale" if j == 0 else "_best",
                )
            )
        ax.set_xticks(range(n_test), [_format_scale(s) for s in self.test_scales])
        ax.set_yticks(range(n_train), [_format_scale(s) for s in self.train_scales])
        ax.set_xlabel("test noise scale")
        ax.set_ylabel("training noise scale")
        if colorbar:
            ax.figure.colorbar(self.im_, ax=ax, label="test accuracy")
        if self.title:
            ax.set_title(self.title, fontsize="medium")
        self.ax_, self.figure_ = ax, ax.figure
        return self


# --------------------------------------------------------------------------
# Noisy samples


def _image_shape(n_features, image_shape):
    if image_shape is not None:
        shape = tuple(int(v) for v in image_shape)
        if math.prod(shape) != n_features:
            raise ValueError(
                f"image_shape {shape} holds {math.prod(shape)} pixels but X has "
                f"{n_features} features."
            )
        return shape
    side = math.isqrt(n_features)
    if side * side != n_features:
        raise ValueError(
            f"X has {n_features} features, which is not a square image; pass "
            "image_shape=(height, width)."
        )
    return side, side


def _field_scale(scales):
    positive = sorted(s for s in scales if s > 0)
    if not positive:
        return 1.0
    return 1.0 if 1.0 in positive else positive[len(positive) // 2]


class NoisySamplesDisplay:
    """Test images under every noise and scale, and two images' noise fields.

    For each noise a block of images, the blocks one above the other: the
    clean images in the first row, then one row per non-zero scale, each
    image through the noise step a sweep uses
    (:func:`~skmnistnoise.experiment.make_noise`). Grey levels are shown on
    the fixed range [0, 1] (values outside saturate), so what the noise does
    is visible rather than rescaled away. A last panel shows the noise fields
    (noisy minus clean) of the first two images under the first noise, side
    by side: every image gets its own noise.

    Parameters
    ----------
    clean : ndarray of shape (n_images, height, width)
    noisy : dict of str to list of (scale, ndarray)
        Per noise, the images at each scale.
    fields : ndarray of shape (2, height, width)
        Noisy minus clean of the first two images.
    field_noise : str
    field_scale : float
    random_state : int or None

    Attributes
    ----------
    axes_ : dict of str to ndarray of Axes
        Per noise, its grid of images.
    field_axes_ : ndarray of Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> from skmnistnoise.datasets import load_digits
    >>> from skmnistnoise.plotting import NoisySamplesDisplay
    >>> X = load_digits(subset="test").data
    >>> display = NoisySamplesDisplay.from_data(X, scales=(0, 0.5, 2),
    ...                                         noises=("additive",), n_images=3)
    >>> display.axes_["additive"].shape  # clean + 2 scales (0 is the clean row)
    (3, 3)
    """

    def __init__(
        self, *, clean, noisy, fields, field_noise, field_scale, random_state=None
    ):
        self.clean = clean
        self.noisy = noisy
        self.fields = fields
        self.field_noise = field_noise
        self.field_scale = field_scale
        self.random_state = random_state

    @classmethod
    def from_data(
        cls,
        X,
        *,
        scales=NOTEBOOK_SCALES,
        noises=("additive", "multiplicative"),
        n_images=6,
        image_shape=None,
        random_state=0,
        ax=None,
    ):
        """Noise the first ``n_images`` of X at every scale of every noise, then draw.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, h, w)
            Images in [0, 1] pixels.
        scales : sequence of float, default=(0, .1, .5, 1, 2, 4)
            Noise scales, one row each; scale 0 is the clean row.
        noises : sequence of str, default=("additive", "multiplicative")
            Noise models, one block each.
        n_images : int, default=6
            Images per row.
        image_shape : (int, int) or None, default=None
            Shape of one image; None infers a square from ``n_features``.
        random_state : int or None, default=0
            Seed of the noise.
        ax : None
            Must be None: the display makes its own figure of many axes.

        Returns
        -------
        display : NoisySamplesDisplay
        """
        if ax is not None:
            raise ValueError("NoisySamplesDisplay draws a figure of its own; ax=None.")
        X = np.asarray(X)
        if X.dtype not in (np.float32, np.float64):  # float32 stays, as in a sweep
            X = X.astype(np.float64)
        if X.ndim > 2:
            image_shape = X.shape[1:] if image_shape is None else image_shape
            X = X.reshape(len(X), -1)
        if X.ndim != 2 or len(X) < 2:
            raise ValueError(
                "NoisySamplesDisplay needs at least two images, X of 2 or 3 dims."
            )
        n_images = int(min(n_images, len(X)))
        if n_images < 2:
            raise ValueError(f"n_images must be at least 2; got {n_images}.")
        shape = _image_shape(X.shape[1], image_shape)
        scales = [float(s) for s in scales if float(s) != 0]
        noises = list(noises)
        if not noises:
            raise ValueError("noises must name at least one noise model.")
        clean = X[:n_images]
        noisy = {
            noise: [
                (
                    s,
                    make_noise(noise, s, random_state=random_state)
                    .fit_transform(clean)
                    .reshape(-1, *shape),
                )
                for s in scales
            ]
            for noise in noises
        }
        s = _field_scale(scales)
        pair = make_noise(noises[0], s, random_state=random_state).fit_transform(
            clean[:2]
        )
        display = cls(
            clean=clean.reshape(-1, *shape),
            noisy=noisy,
            fields=(pair - clean[:2]).reshape(-1, *shape),
            field_noise=noises[0],
            field_scale=s,
            random_state=random_state,
        )
        return display.plot()

    def plot(self):
        """Draw the figure.

        Returns
        -------
        self : NoisySamplesDisplay
        """
        n_images = len(self.clean)
        n_rows = 1 + max(len(v) for v in self.noisy.values())
        cell = 0.95
        block_height = n_rows * cell + 0.45
        fig = _new_figure(
            (max(n_images * cell + 1.6, 6.4), len(self.noisy) * block_height + 3.0)
        )
        top, bottom = fig.subfigures(
            2, 1, height_ratios=[len(self.noisy) * block_height, 2.6]
        )
        blocks = np.atleast_1d(top.subfigures(len(self.noisy), 1, hspace=0.02))
        image_kw = {
            "cmap": "gray",
            "vmin": 0.0,
            "vmax": 1.0,
            "interpolation": "nearest",
        }
        self.axes_ = {}
        for block, (noise, rows) in zip(blocks, self.noisy.items()):
            axes = block.subplots(1 + len(rows), n_images, squeeze=False)
            labelled = [("clean", self.clean)]
            labelled += [(f"s = {_format_scale(s)}", images) for s, images in rows]
            for r, (label, images) in enumerate(labelled):
                for c in range(n_images):
                    ax = axes[r, c]
                    ax.imshow(images[c], **image_kw)
                    ax.set_xticks([])
                    ax.set_yticks([])
                    if c == 0:
                        ax.set_ylabel(label, rotation=0, ha="right", va="center")
            formula = NOISE_FORMULAS.get(noise, "")
            block.suptitle(
                f"{noise} noise" + (f": {formula}" if formula else ""),
                fontweight="bold",
                fontsize="medium",
            )
            self.axes_[noise] = axes
        middle = bottom.subfigures(1, 3, width_ratios=[0.6, 2.2, 0.6])[1]
        self.field_axes_ = middle.subplots(1, 2)
        limit = float(np.max(np.abs(self.fields))) or 1.0
        for i, ax in enumerate(self.field_axes_):
            im = ax.imshow(
                self.fields[i],
                cmap="RdBu_r",
                vmin=-limit,
                vmax=limit,
                interpolation="nearest",
            )
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(f"image {i + 1}", fontsize="small")
        middle.colorbar(
            im, ax=list(self.field_axes_), shrink=0.9, label="noisy - clean"
        )
        middle.suptitle(
            f"Noise fields ({self.field_noise}, s = {_format_scale(self.field_scale)}):"
            "\nevery image gets its own noise",
            fontsize="medium",
        )
        fig.suptitle(
            "Test images under noise, one image per column "
            f"(grey range [0, 1]; seed {self.random_state})",
            fontsize="large",
        )
        self.figure_ = fig
        return self


# --------------------------------------------------------------------------
# Certified accuracy against radius


def _certified_curve(label, y_true, certificate, radii):
    """One curve of a CertifiedAccuracyDisplay: radii, certified accuracy, ACR."""
    from ._certify import average_certified_radius, certified_accuracy

    if radii is None:
        r = np.unique(np.concatenate([[0.0], np.asarray(certificate["radius"])]))
        r = np.concatenate([r, [r[-1] * 1.02 + 1e-9]])  # the final drop
    else:
        r = np.asarray(radii, dtype=float)
    return {
        "label": label,
        "radii": r,
        "accuracy": np.asarray(certified_accuracy(y_true, certificate, r)),
        "acr": average_certified_radius(y_true, certificate),
    }


class CertifiedAccuracyDisplay:
    """Certified accuracy against the L2 radius, one curve per smoothed model.

    Cohen et al.'s figure: for each radius ``r``, the fraction of test images
    whose smoothed prediction is right and certified for every perturbation
    of L2 norm below ``r`` (:func:`~skmnistnoise.metrics.certified_accuracy`),
    one step curve per model (usually one per training and smoothing sigma),
    the average certified radius (ACR) in the legend. Reference points (a
    published table) can be drawn beside the curves as markers.

    Parameters
    ----------
    curves : list of dict
        One per model: ``label``, ``radii`` and ``accuracy`` (same length),
        and optionally ``acr``.
    reference : dict or None, default=None
        Published points, ``{label: {radius: accuracy}}``; a label that is a
        number is a sigma: its points are drawn in the colour of that
        sigma's curves, labelled ``"<reference_label>, sigma ..."``.
    reference_label : str, default="published"
        Whose the reference points are, for the legend.
    n_images : int or None, default=None
        Images behind each curve, for the title.

    Attributes
    ----------
    lines_ : dict of str to Line2D
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> from skmnistnoise.plotting import CertifiedAccuracyDisplay
    >>> certificate = {"prediction": [1, 1, 0, 2], "radius": [0.9, 0.3, 0.0, 0.5],
    ...                "abstained": [False, False, True, False]}
    >>> display = CertifiedAccuracyDisplay.from_certificates(
    ...     [1, 1, 0, 0], {"sigma 0.5": certificate})
    >>> list(display.lines_), display.curves[0]["accuracy"].tolist()[:2]
    (['sigma 0.5 (ACR 0.300)'], [0.5, 0.5])
    """

    def __init__(
        self, *, curves, reference=None, n_images=None, reference_label="published"
    ):
        self.curves = curves
        self.reference = reference
        self.reference_label = reference_label
        self.n_images = n_images

    @classmethod
    def from_certificates(
        cls, y_true, certificates, *, radii=None, reference=None, ax=None
    ):
        """Draw the curves of certificates of the same test images.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True labels.
        certificates : dict of str to Bunch
            Legend label to what :meth:`NoiseAveragedClassifier.certify`
            returned for those samples.
        radii : array-like or None, default=None
            Radii to evaluate; None: every certified radius (exact steps).
        reference : dict or None, default=None
            Published points to draw as markers, ``{label: {radius: accuracy}}``.
        ax : matplotlib Axes or None, default=None

        Returns
        -------
        display : CertifiedAccuracyDisplay
        """
        if not certificates:
            raise ValueError("certificates must hold at least one certificate.")
        curves = [
            _certified_curve(label, y_true, certificate, radii)
            for label, certificate in certificates.items()
        ]
        display = cls(curves=curves, reference=reference, n_images=len(y_true))
        return display.plot(ax=ax)

    @classmethod
    def from_results(
        cls,
        results,
        *,
        radii=None,
        reference=None,
        reference_label="published",
        ax=None,
        **where,
    ):
        """Draw the curves of a certification study's result table.

        One curve per model and sigma, from the per-image certificates of the
        rows of :func:`~skmnistnoise.experiment.certify_study` (the runs of
        several seeds pooled: the curve is their mean).

        Parameters
        ----------
        results : SweepResults or list of dict
            The table (``results.json`` of ``skmnistnoise certify``).
        radii : array-like or None, default=None
            Radii to evaluate; None: every certified radius (exact steps).
        reference : dict or None, default=None
            Published points to draw as markers, ``{label: {radius: accuracy}}``
            (a number as label: a sigma, drawn in its curves' colour).
        reference_label : str, default="published"
            Whose the points are, for the legend.
        ax : matplotlib Axes or None, default=None
        **where : dict
            Select rows first (e.g. ``model="convnet"``).

        Returns
        -------
        display : CertifiedAccuracyDisplay
        """
        from ._registry import MODEL_NAMES
        from ._results import SweepResults

        rows = [
            r
            for r in SweepResults.coerce(results).select(**where)
            if "certificate_radius" in r
        ]
        if not rows:
            raise ValueError(
                "No rows with certificates: run certify_study (skmnistnoise "
                "certify) first."
            )
        # Runs of another n (or n0, alpha) are another curve, not replicates.
        settings = sorted({(r.get("n"), r.get("n0"), r.get("alpha")) for r in rows})
        groups = {}
        for r in rows:
            setting = (r.get("n"), r.get("n0"), r.get("alpha"))
            groups.setdefault((r.get("model"), float(r["scale"]), setting), []).append(
                r
            )
        curves = []
        sigmas = sorted({sigma for _, sigma, _ in groups})
        models = sorted({model for model, _, _ in groups}, key=str)
        for (model, sigma, setting), group in sorted(
            groups.items(), key=lambda g: (str(g[0][0]), g[0][1], str(g[0][2]))
        ):
            pooled = {
                field: np.concatenate(
                    [np.asarray(r[f"certificate_{field}"]) for r in group]
                )
                for field in ("label", "prediction", "radius", "abstained")
            }
            seeds = len({r.get("seed") for r in group})
            label = f"{MODEL_NAMES.get(model, model)}, sigma {sigma:g}"
            if len(settings) > 1:
                label += f", n={setting[0]:,}"
            if seeds > 1:
                label += f", {seeds} seeds"
            curve = _certified_curve(label, pooled.pop("label"), pooled, radii)
            # One colour per sigma, one line style per model.
            curve.update(
                sigma=sigma,
                color=f"C{sigmas.index(sigma) % 10}",
                linestyle=("-", "--", ":", "-.")[models.index(model) % 4],
            )
            curves.append(curve)
        n_images = {len(r["certificate_radius"]) for r in rows}
        display = cls(
            curves=curves,
            reference=reference,
            n_images=n_images.pop() if len(n_images) == 1 else None,
            reference_label=reference_label,
        )
        return display.plot(ax=ax)

    @classmethod
    def from_estimator(
        cls, estimators, X, y, *, n0=100, n=10_000, alpha=0.001, ax=None, **kwargs
    ):
        """Certify X with each smoothed classifier, then draw the curves.

        ``estimators`` maps a label to a fitted :class:`NoiseAveragedClassifier`;
        ``n0``, ``n`` and ``alpha`` go to its ``certify``, ``kwargs`` to
        :meth:`from_certificates`. The certificates are kept as the
        display's ``certificates_``.
        """
        certificates = {
            label: est.certify(X, n0=n0, n=n, alpha=alpha)
            for label, est in estimators.items()
        }
        display = cls.from_certificates(y, certificates, ax=ax, **kwargs)
        display.certificates_ = certificates
        return display

    def plot(self, ax=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None

        Returns
        -------
        self : CertifiedAccuracyDisplay
        """
        ax = _axes(ax, (8.5, 4.8))
        self.lines_ = {}
        for i, curve in enumerate(self.curves):
            label = curve["label"]
            if curve.get("acr") is not None:
                label = f"{label} (ACR {curve['acr']:.3f})"
            (line,) = ax.plot(
                curve["radii"],
                curve["accuracy"],
                drawstyle="steps-post",
                color=curve.get("color", f"C{i % 10}"),
                linestyle=curve.get("linestyle", "-"),
                linewidth=1.8,
                label=label,
            )
            self.lines_[label] = line
        colours = {c["sigma"]: c["color"] for c in self.curves if "sigma" in c}
        for j, (label, points) in enumerate((self.reference or {}).items()):
            radii, accuracy = zip(*sorted(points.items()))
            if isinstance(label, int | float):
                colour = colours.get(float(label), f"C{j % 10}")
                label = f"{self.reference_label}, sigma {label:g}"
            else:
                colour = f"C{j % 10}"
                label = f"{label} ({self.reference_label})"
            ax.plot(
                radii,
                accuracy,
                linestyle="none",
                marker="x",
                markersize=7,
                color=colour,
                label=label,
            )
        _finish_accuracy_axis(ax, "certified accuracy")
        ax.set_xlim(left=0)
        ax.set_xlabel("L2 radius (in the units of X; pixels in [0, 1] for MNIST)")
        images = f" ({self.n_images} test images)" if self.n_images else ""
        ax.set_title(
            "Certified accuracy against radius, randomized smoothing" + images,
            fontsize="medium",
        )
        _legend_outside(ax)
        self.ax_, self.figure_ = ax, ax.figure
        return self


# --------------------------------------------------------------------------
# The shortcuts


def plot_noisy_samples(X, **kwargs):
    """The figure of :meth:`NoisySamplesDisplay.from_data`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples, h, w)
        Images in [0, 1] pixels; the first ``n_images`` are shown.
    **kwargs : dict
        ``scales``, ``noises``, ``n_images``, ``image_shape``,
        ``random_state``, as in :meth:`NoisySamplesDisplay.from_data`.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> from skmnistnoise.datasets import load_digits
    >>> from skmnistnoise.plotting import plot_noisy_samples
    >>> fig = plot_noisy_samples(load_digits(subset="test").data,
    ...                          scales=(0.5, 2), noises=("additive",), n_images=3)
    >>> len(fig.axes)  # (clean + 2 scales) x 3 images, 2 noise fields, colour bar
    12
    """
    return NoisySamplesDisplay.from_data(X, **kwargs).figure_


def plot_accuracy_vs_scale(results, *, x="scale", ax=None):
    """The figure of :meth:`AccuracyScaleDisplay.from_results`.

    Parameters
    ----------
    results : SweepResults, list of dict or DataFrame
        The result table.
    x : {"scale", "pixel_scale"}, default="scale"
        The scale as swept, or in [0, 1]-pixel units.
    ax : matplotlib Axes or None, default=None
        Where to draw; None makes a new figure.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> from skmnistnoise.experiment import SweepResults
    >>> from skmnistnoise.plotting import plot_accuracy_vs_scale
    >>> rows = [{"model": "mlp", "noise": "additive", "scale": s, "pixel_scale": s,
    ...          "fold": 0, "train_accuracy": a, "test_accuracy": a, "n_classes": 10}
    ...         for s, a in [(0.0, .97), (1.0, .62)]]
    >>> fig = plot_accuracy_vs_scale(SweepResults(rows))
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['MLP train', 'MLP test', 'chance (0.1)']
    """
    return AccuracyScaleDisplay.from_results(results, x=x, ax=ax).figure_


def plot_accuracy_vs_epoch(results, *, model=None, noise=None):
    """The figure of :meth:`EpochCurveDisplay.from_results`.

    Parameters
    ----------
    results : SweepResults, list of dict or DataFrame
        A table with per-epoch curves.
    model, noise : str, sequence of str or None, default=None
        The arms to draw; None draws all.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> from skmnistnoise.experiment import SweepResults
    >>> from skmnistnoise.plotting import plot_accuracy_vs_epoch
    >>> rows = [{"model": "mlp", "noise": "additive", "scale": s, "fold": 0,
    ...          "epoch_train_accuracy": [.5, .8], "epoch_test_accuracy": [.4, .7]}
    ...         for s in (0.0, 1.0)]
    >>> len(plot_accuracy_vs_epoch(SweepResults(rows)).axes)  # train, validation
    2
    """
    return EpochCurveDisplay.from_results(results, model=model, noise=noise).figure_


def plot_model_comparison(results):
    """MLP against ConvNet: accuracy and test loss against the pixel-unit scale.

    Left: test accuracy (solid) and train accuracy (dashed); right: the test
    cross-entropy loss; both against ``pixel_scale``, the noise scale in
    [0, 1]-pixel units whatever preprocessing ran before the noise (under the
    notebooks protocol the MLP's noise is added to standardised pixels, so its
    swept scale is in pixel standard deviations; ``pixel_scale`` puts both
    models on one axis). Two :class:`AccuracyScaleDisplay` side by side.

    Parameters
    ----------
    results : SweepResults, list of dict or DataFrame
        A table with one or more models, with losses.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Two axes: accuracy, test loss.

    Examples
    --------
    >>> from skmnistnoise.experiment import SweepResults
    >>> from skmnistnoise.plotting import plot_model_comparison
    >>> rows = [{"model": m, "noise": "additive", "scale": s, "pixel_scale": s,
    ...          "fold": 0, "train_accuracy": a, "test_accuracy": a,
    ...          "train_loss": 1 - a, "test_loss": 1 - a}
    ...         for m in ("mlp", "convnet") for s, a in [(0.0, .97), (1.0, .62)]]
    >>> fig = plot_model_comparison(SweepResults(rows))
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['accuracy', 'test loss (cross-entropy)']
    """
    results = SweepResults.coerce(results)
    _check_not_empty(results, "plot_model_comparison")
    fig = _new_figure((13, 4.8))
    acc_ax, loss_ax = fig.subplots(1, 2)
    accuracy = AccuracyScaleDisplay.from_results(results, x="pixel_scale", ax=acc_ax)
    accuracy.ax_.set_title("Accuracy: test solid, train dashed", fontsize="medium")
    AccuracyScaleDisplay.from_results(
        results, x="pixel_scale", score="loss", score_type="test", ax=loss_ax
    ).ax_.set_title("Test loss", fontsize="medium")
    loss_ax.set_ylabel("test loss (cross-entropy)")
    names = " against ".join(
        dict.fromkeys(MODEL_NAMES.get(m, str(m)) for m, _ in results.arms())
    )
    fig.suptitle(f"{names} under noise{_title_suffix(results)}")
    return fig


def plot_robustness_matrix(results, *, ax=None, **where):
    """The figure of :meth:`RobustnessMatrixDisplay.from_results`.

    Parameters
    ----------
    results : SweepResults, list of dict or DataFrame
        The table of :func:`~skmnistnoise.experiment.robustness_matrix`.
    ax : matplotlib Axes or None, default=None
        Where to draw; None makes a new figure.
    **where : dict
        Select rows first (e.g. ``model="convnet"``).

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> from skmnistnoise.experiment import SweepResults
    >>> from skmnistnoise.plotting import plot_robustness_matrix
    >>> rows = [{"model": "mlp", "noise": "additive", "scale": s, "fold": 0,
    ...          "test_scales": [0.0, 1.0], "test_accuracy_at": acc}
    ...         for s, acc in [(0.0, [0.97, 0.41]), (1.0, [0.93, 0.82])]]
    >>> [t.get_text() for t in plot_robustness_matrix(SweepResults(rows)).axes[0].texts]
    ['0.970', '0.410', '0.930', '0.820']
    """
    return RobustnessMatrixDisplay.from_results(results, ax=ax, **where).figure_
