"""Test accuracy by training and test noise scale: :class:`RobustnessMatrixDisplay`."""

import numpy as np

from .._registry import MODEL_NAMES, NOTEBOOK_SCALES
from .._results import SweepResults
from ._base import axes_or_new, check_not_empty, format_scale, title_suffix


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
        check_not_empty(results, "RobustnessMatrixDisplay")
        train, test, accuracy = results.matrix(**where)
        selected = results.where(**where)
        names = ", ".join(
            f"{MODEL_NAMES.get(m, str(m))} ({n} noise)" for m, n in selected.arms()
        )
        title = (
            f"Robustness matrix: {names}{title_suffix(selected)}\n"
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
        from .._sweep import robustness_matrix

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
        ax = axes_or_new(ax, (1.1 * n_test + 3.2, 0.75 * n_train + 2.0))
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
        ax.set_xticks(range(n_test), [format_scale(s) for s in self.test_scales])
        ax.set_yticks(range(n_train), [format_scale(s) for s in self.train_scales])
        ax.set_xlabel("test noise scale")
        ax.set_ylabel("training noise scale")
        if colorbar:
            ax.figure.colorbar(self.im_, ax=ax, label="test accuracy")
        if self.title:
            ax.set_title(self.title, fontsize="medium")
        self.ax_, self.figure_ = ax, ax.figure
        return self
