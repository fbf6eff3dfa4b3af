"""Per-epoch train and validation accuracy, one line per scale: EpochCurveDisplay."""

import numpy as np

from .._registry import MODEL_NAMES
from .._results import SweepResults
from ._base import (
    chance,
    check_not_empty,
    describe_replicates,
    draw_chance,
    finish_accuracy_axis,
    format_scale,
    legend_outside,
    new_figure,
    plot_mean_and_band,
    title_suffix,
)


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
    a fresh draw): a Keras classifier's ``history_``, a skorch net's
    ``history`` (its training accuracy after each epoch, where Keras's is the
    mean over the epoch's batches). A panel without curves says so. Both axes
    of a row share the y axis, so a gap between them (the model learning its
    one noise draw) shows at a glance. With several
    replicate fits each line is their mean, with its 95% t interval. The
    legend of the scales sits to the right of each row, off the curves.

    Parameters
    ----------
    rows : list of dict
        One per arm: ``name`` and ``curves``, a list of ``(scale, train,
        validation)`` with ``train`` and ``validation`` arrays of shape
        ``(n_replicates, n_epochs)`` (or None when not recorded).
    title : str or None, default=None
        The figure's title; None draws none.
    chance_level : float or None, default=None
        Accuracy of guessing, drawn as a dotted line; None draws none.

    Attributes
    ----------
    axes_ : ndarray of Axes, shape (n_arms, 2)
        Per arm, the train and the validation panel.
    figure_ : matplotlib Figure
        The figure of ``axes_``.
    lines_ : list of Line2D
        The mean curves drawn.

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
            Rows of a sweep run with ``per_epoch=True``.
        model, noise : str, sequence of str or None, default=None
            The arms to draw; None draws all.
        chance_level : "auto", float or None, default="auto"
            Accuracy of guessing, dotted; "auto" is one over the number of
            classes of the dataset, None draws none.
        axes : array of Axes of shape (n_arms, 2) or None, default=None
            Where to draw; None makes a new figure.

        Returns
        -------
        display : EpochCurveDisplay
        """
        results = SweepResults.coerce(results)
        check_not_empty(results, "EpochCurveDisplay")
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
        replicates = describe_replicates(results)
        title = "Accuracy per epoch" + title_suffix(results)
        if replicates:
            title += f"; band: 95% t interval over {replicates}"
        display = cls(
            rows=rows, title=title, chance_level=chance(results, chance_level)
        )
        return display.plot(axes=axes)

    def plot(self, axes=None):
        """Draw the curves.

        Parameters
        ----------
        axes : array of Axes of shape (n_arms, 2) or None, default=None
            Where to draw; None makes a new figure.

        Returns
        -------
        self : EpochCurveDisplay
        """
        if axes is None:
            fig = new_figure((11.5, 3.4 * len(self.rows) + 0.5))
            axes = fig.subplots(len(self.rows), 2, squeeze=False, sharey=True)
        axes = np.asarray(axes).reshape(len(self.rows), 2)
        parts = (
            "train accuracy, noisy training data",
            "validation accuracy, noisy test data",
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
                    line, _ = plot_mean_and_band(
                        ax,
                        epochs,
                        values,
                        color=colour,
                        marker="o",
                        markersize=3,
                        label=f"scale {format_scale(curve[0])}",
                    )
                    self.lines_.append(line)
                    drawn += 1
                if not drawn:
                    ax.text(
                        0.5,
                        0.5,
                        "no per-epoch curves in these rows:\nthe sweep ran with "
                        "per_epoch=False,\nor the model records none",
                        ha="center",
                        va="center",
                        transform=ax.transAxes,
                    )
                draw_chance(ax, self.chance_level)
                # Two lines: an arm's name beside the part would run into the
                # next panel's title.
                ax.set_title(f"{row['name']}\n{what}", fontsize="medium")
                ax.set_xlabel("epoch")
                ax.xaxis.get_major_locator().set_params(integer=True)
                finish_accuracy_axis(ax)
            if any(c[1] is not None or c[2] is not None for c in row["curves"]):
                legend_outside(row_axes[1], title="noise scale")
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
