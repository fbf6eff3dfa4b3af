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
        Test accuracy of the model trained at each training scale (rows),
        tested at each test scale (columns); the mean over folds and seeds.
    train_scales : array-like of shape (n_train_scales,)
        The training noise scales, the rows' labels, in the units of the
        noise step (pixels in [0, 1] for the study's pipelines).
    test_scales : array-like of shape (n_test_scales,)
        The test noise scales, the columns' labels.
    title : str or None, default=None
        The axes' title; None draws none.

    Attributes
    ----------
    im_ : matplotlib AxesImage
        The heatmap.
    text_ : ndarray of matplotlib Text, shape like ``accuracy``
        The value written in each cell; the best training scale of each
        column in bold.
    ax_ : matplotlib Axes
        The axes drawn on.
    figure_ : matplotlib Figure
        The figure of ``ax_``.
    results_ : SweepResults
        Only after :meth:`from_estimator`: the table it computed.

    See Also
    --------
    skmnistnoise.experiment.robustness_matrix : Computes the table drawn.
    AccuracyScaleDisplay : Accuracy against one noise scale for train and test.

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

        Parameters
        ----------
        results : SweepResults or iterable of dict
            Rows of :func:`~skmnistnoise.experiment.robustness_matrix`, with
            ``test_accuracy_at``.
        ax : matplotlib Axes or None, default=None
            Where to draw; None makes a figure of a fitting size.
        **where : dict
            Selects rows first (e.g. ``model="convnet"``) when the table
            holds several matrices.

        Returns
        -------
        display : RobustnessMatrixDisplay
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
        """Run :func:`~skmnistnoise.experiment.robustness_matrix`, then draw it.

        Parameters
        ----------
        estimator : estimator or Pipeline
            A classifier after a noise step, as for ``robustness_matrix``.
        X : array-like of shape (n_samples, n_features)
            The images.
        y : array-like of shape (n_samples,)
            Their labels.
        train_scales : sequence of float, default=(0, .1, .5, 1, 2, 4)
            The training noise scales (one fit each per fold and seed).
        test_scales : sequence of float, default=(0, .1, .5, 1, 2, 4)
            The test noise scales (predictions only).
        ax : matplotlib Axes or None, default=None
            Where to draw.
        **matrix_params : dict
            The other parameters of ``robustness_matrix`` (``cv``, ``store``,
            ``random_state``, ``n_jobs``, ...).

        Returns
        -------
        display : RobustnessMatrixDisplay
            With ``results_``, the computed table.
        """
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
            Where to draw; None makes a figure sized to the matrix.
        cmap : str or Colormap, default="viridis"
            The colours of accuracy from 0 to 1.
        values_format : str, default=".3f"
            The format of the value written in each cell.
        colorbar : bool, default=True
            Whether to add a colour bar labelled "test accuracy".

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
