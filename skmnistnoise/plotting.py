"""Figures of a noise study: noisy samples, accuracy against scale and epoch.

Every function takes the result table of a sweep (:class:`SweepResults`, or
its rows) and returns a :class:`matplotlib.figure.Figure`. Figures are built
with the object-oriented API, outside pyplot's figure manager, so they work
with any backend (Agg included), never open a window and are not kept alive
by pyplot: save them with ``fig.savefig(...)``, or show them in a notebook.
The functions never call ``plt.show()`` and close nothing.

Figures
-------
* :func:`plot_noisy_samples`: what the noise does to images, and that every
  image gets its own noise.
* :func:`plot_accuracy_vs_scale`: train and test accuracy against the noise
  scale, one colour per model (scikit-learn's ``ValidationCurveDisplay``).
* :func:`plot_accuracy_vs_epoch`: the notebooks' per-epoch curves, one line
  per scale.
* :func:`plot_model_comparison`: MLP against ConvNet, accuracy and test loss
  against the noise scale in [0, 1]-pixel units.
* :func:`plot_robustness_matrix`: test accuracy of models trained at every
  training noise scale (rows) under every test noise scale (columns).
"""

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator
from sklearn.model_selection import ValidationCurveDisplay

from .experiment import (
    MODELS,
    NOISES,
    NOTEBOOK_SCALES,
    SweepResults,
    make_noise,
    matrix_from_results,
)

__all__ = [
    "plot_accuracy_vs_epoch",
    "plot_accuracy_vs_scale",
    "plot_model_comparison",
    "plot_noisy_samples",
    "plot_robustness_matrix",
]

MODEL_NAMES = {"mlp": "MLP", "convnet": "ConvNet"}
X_COLUMNS = ("scale", "pixel_scale")
NOISE_FORMULAS = {
    "additive": "x + N(0, s)",
    "multiplicative": "x · N(0, s)",
    "speckle": "x · N(1, s)",
    "impulse": "salt and pepper, fraction s",
    "shot": "Poisson, 1/s photons",
}
_TEST_STYLE = {"linestyle": "-", "marker": "o", "markersize": 4, "linewidth": 1.8}
_TRAIN_STYLE = {"linestyle": "--", "marker": "o", "markersize": 3, "linewidth": 1.3}


# --------------------------------------------------------------------------
# Reading the result table


def _as_results(results):
    """A :class:`SweepResults` from a table, a list of row dicts or a DataFrame."""
    if isinstance(results, SweepResults):
        return results
    if hasattr(results, "to_dict"):  # pandas DataFrame
        return SweepResults(results.to_dict("records"))
    return SweepResults(list(results))


def _check_not_empty(results, what):
    if not len(results):
        raise ValueError(f"{what} needs results; the table has no rows.")


def _arms(results, model=None, noise=None):
    """The (model, noise) pairs of the table, filtered; MLP first, then ConvNet."""
    models = (
        None if model is None else {model} if isinstance(model, str) else set(model)
    )
    noises = (
        None if noise is None else {noise} if isinstance(noise, str) else set(noise)
    )
    arms = []
    for row in results:
        arm = (row["model"], row["noise"])
        if arm in arms:
            continue
        if (models is None or arm[0] in models) and (
            noises is None or arm[1] in noises
        ):
            arms.append(arm)

    def order(arm):
        model, noise = arm
        return (
            MODELS.index(model) if model in MODELS else len(MODELS),
            str(model),
            NOISES.index(noise) if noise in NOISES else len(NOISES),
            str(noise),
        )

    return sorted(arms, key=order)


def _arm_label(arm, arms):
    """The legend name of an arm: the model, and its noise if the table has several."""
    model, noise = arm
    name = MODEL_NAMES.get(model, str(model))
    if len({n for _, n in arms}) > 1:
        return f"{name}, {noise}"
    return name


def _colour(index):
    return f"C{index % 10}"


def _fold_matrix(results, arm, column, x="scale"):
    """x values and a (n_scales, n_folds) matrix of ``column`` for one arm.

    The x value of a scale is the mean over its folds (``pixel_scale`` can
    differ a little between folds under the notebooks protocol). A scale with
    fewer folds than the others has its missing cells filled with the mean of
    the folds it has, which keeps the mean right.
    """
    rows = results.select(model=arm[0], noise=arm[1])
    scales = sorted({float(r["scale"]) for r in rows})
    per_scale = [[r for r in rows if float(r["scale"]) == s] for s in scales]
    n_folds = max(len(group) for group in per_scale)
    xs = np.array([np.mean([float(r[x]) for r in group]) for group in per_scale])
    values = np.empty((len(scales), n_folds))
    for i, group in enumerate(per_scale):
        column_values = [
            float(r[column]) for r in sorted(group, key=lambda r: r["fold"])
        ]
        values[i, : len(column_values)] = column_values
        values[i, len(column_values) :] = np.mean(column_values)
    return xs, values, n_folds


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
    spreads the others out. When the curves do not share their x values
    (``pixel_scale`` of models with different preprocessing), or there are
    many, the ticks are round numbers instead.
    """
    curves = [np.asarray(xs, dtype=float) for xs in xs_per_curve]
    shared = all(
        len(c) == len(curves[0]) and np.allclose(c, curves[0], equal_nan=True)
        for c in curves
    )
    xs = np.concatenate(curves)
    xs = np.unique(xs[np.isfinite(xs)])
    positive = xs[xs > 0]
    symlog = len(positive) >= 2 and positive.max() / positive.min() >= 10
    if symlog:
        ax.set_xscale("symlog", linthresh=positive.min(), linscale=0.6)
    else:
        ax.set_xscale("linear")
    if shared and len(xs) <= 10:
        ticks = list(xs)
    elif symlog:
        ticks = [*xs[xs <= 0][:1], *_nice_ticks(positive.min(), positive.max())]
    else:
        return  # matplotlib's own linear ticks
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _format_scale(v)))
    ax.xaxis.set_minor_locator(NullLocator())


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
    if all(r.get("protocol") == "pixel" for r in results):
        return "noise scale (pixels in [0, 1])"
    return "noise scale (in the units of the noise step's input)"


def _new_figure(figsize, **kwargs):
    return Figure(figsize=figsize, layout="constrained", **kwargs)


def _title_suffix(results):
    datasets = sorted({str(r.get("dataset", "")) for r in results} - {""})
    protocols = sorted({str(r.get("protocol", "")) for r in results} - {"", "custom"})
    parts = []
    if datasets:
        parts.append(", ".join(datasets))
    if protocols:
        parts.append(f"protocol {', '.join(protocols)}")
    return f" ({'; '.join(parts)})" if parts else ""


def _scale_display(results, arm, x, column_test, column_train=None):
    """A ValidationCurveDisplay of one arm: fold scores by scale."""
    xs, test, n_folds = _fold_matrix(results, arm, column_test, x)
    train = (
        test if column_train is None else _fold_matrix(results, arm, column_train, x)[1]
    )
    order = np.argsort(xs, kind="stable")
    display = ValidationCurveDisplay(
        param_name=x,
        param_range=xs[order],
        train_scores=train[order],
        test_scores=test[order],
        score_name=column_test,
    )
    return display, n_folds


def _plot_arm(ax, display, n_folds, *, colour, label, score_type="both"):
    """Plot one display on ``ax`` in the arm's colour; return its lines."""
    display.plot(
        ax=ax,
        score_type=score_type,
        std_display_style="fill_between" if n_folds > 1 else None,
        line_kw={"color": colour},
        fill_between_kw={"color": colour, "alpha": 0.15, "linewidth": 0},
    )
    lines = list(display.lines_)
    if score_type == "both":
        train_line, test_line = lines
        train_line.set(label=f"{label} train", **_TRAIN_STYLE)
        test_line.set(label=f"{label} test", **_TEST_STYLE)
    else:
        lines[0].set(label=label, **_TEST_STYLE)
    if display.fill_between_:
        parts = ("train", "test") if score_type == "both" else (score_type,)
        for band, part in zip(display.fill_between_, parts):
            band.set_label(f"_{label} {part} ± 1 std over {n_folds} folds")
    return lines


def _finish_accuracy_axis(ax):
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("accuracy")
    ax.grid(True, alpha=0.3)


def _band_note(n_folds_seen):
    if max(n_folds_seen, default=1) > 1:
        return f"; bands: mean ± 1 std over {max(n_folds_seen)} folds"
    return ""


# --------------------------------------------------------------------------
# Figure 1: noisy samples


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


def plot_noisy_samples(
    X,
    *,
    scales=NOTEBOOK_SCALES,
    noises=("additive", "multiplicative"),
    n_images=6,
    image_shape=None,
    random_state=0,
):
    """Show test images under every noise and scale, and two noise fields.

    For each noise a block of images: the clean images in the first row, then
    one row per scale, each image through the noise step the sweep uses
    (:func:`~skmnistnoise.experiment.make_noise`). Grey levels are shown on the
    fixed range [0, 1] (values outside saturate), so what the noise does is
    visible rather than rescaled away. A last panel shows the noise fields
    (noisy minus clean) of the first two images under the first noise, side by
    side: every image gets its own noise.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples, h, w)
        Images in [0, 1] pixels; the first ``n_images`` are shown.
    scales : sequence of float, default=(0, .1, .5, 1, 2, 4)
        Noise scales, one row each; scale 0 shows the clean images for every
        noise (see :class:`~skmnistnoise.GaussianNoise`).
    noises : sequence of str, default=("additive", "multiplicative")
        Noise models, one block each; see
        :func:`~skmnistnoise.experiment.make_noise`.
    n_images : int, default=6
        Images per row.
    image_shape : (int, int) or None, default=None
        Shape of one image; None infers a square from ``n_features``.
    random_state : int or None, default=0
        Seed of the noise.

    Returns
    -------
    fig : matplotlib.figure.Figure
        One subfigure per noise (axes ``(len(scales) + 1) * n_images``) and one
        with the two noise fields.

    Examples
    --------
    >>> from skmnistnoise.datasets import load_digits
    >>> from skmnistnoise.plotting import plot_noisy_samples
    >>> X = load_digits(subset="test").data
    >>> fig = plot_noisy_samples(X, scales=(0.5, 2), noises=("additive",), n_images=3)
    >>> len(fig.axes)  # (clean + 2 scales) x 3 images, 2 noise fields, colour bar
    12
    >>> fig.savefig("samples.png")  # doctest: +SKIP
    """
    X = np.asarray(X)
    if X.dtype not in (np.float32, np.float64):  # float32 stays float32, as in a sweep
        X = X.astype(np.float64)
    if X.ndim > 2:
        image_shape = X.shape[1:] if image_shape is None else image_shape
        X = X.reshape(len(X), -1)
    if X.ndim != 2 or len(X) < 2:
        raise ValueError(
            "plot_noisy_samples needs at least two images, X of 2 or 3 dims."
        )
    n_images = int(min(n_images, len(X)))
    if n_images < 2:
        raise ValueError(f"n_images must be at least 2; got {n_images}.")
    shape = _image_shape(X.shape[1], image_shape)
    scales = [float(s) for s in scales]
    noises = list(noises)
    if not noises:
        raise ValueError("noises must name at least one noise model.")
    clean = X[:n_images]
    n_rows = len(scales) + 1
    cell = 1.05
    block_width = n_images * cell + 0.9
    fig = _new_figure((max(len(noises) * block_width, 7.5), n_rows * cell + 3.6))
    top, bottom = fig.subfigures(2, 1, height_ratios=[n_rows * cell + 0.5, 3.1])
    blocks = np.atleast_1d(top.subfigures(1, len(noises), wspace=0.04))
    image_kw = {"cmap": "gray", "vmin": 0.0, "vmax": 1.0, "interpolation": "nearest"}
    for block, noise in zip(blocks, noises):
        axes = block.subplots(n_rows, n_images, squeeze=False)
        rows = [("clean", clean)]
        for s in scales:
            noisy = make_noise(noise, s, random_state=random_state).fit_transform(clean)
            rows.append((f"scale {_format_scale(s)}", noisy))
        for r, (label, images) in enumerate(rows):
            for c in range(n_images):
                ax = axes[r, c]
                ax.imshow(images[c].reshape(shape), **image_kw)
                ax.set_xticks([])
                ax.set_yticks([])
                if c == 0:
                    ax.set_ylabel(label, rotation=0, ha="right", va="center")
                if r == 0:
                    ax.set_title(f"image {c + 1}", fontsize="small")
        block.suptitle(
            f"{noise} noise: {NOISE_FORMULAS.get(noise, '')}".rstrip(": "),
            fontweight="bold",
        )

    noise = noises[0]
    s = _field_scale(scales)
    noisy = make_noise(noise, s, random_state=random_state).fit_transform(clean[:2])
    fields = noisy - clean[:2]
    limit = float(np.max(np.abs(fields))) or 1.0
    middle = bottom.subfigures(1, 3, width_ratios=[1, 2.2, 1])[1]
    field_axes = middle.subplots(1, 2)
    for i, ax in enumerate(field_axes):
        im = ax.imshow(
            fields[i].reshape(shape),
            cmap="RdBu_r",
            vmin=-limit,
            vmax=limit,
            interpolation="nearest",
        )
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"image {i + 1}: noisy minus clean", fontsize="small")
    middle.colorbar(im, ax=list(field_axes), shrink=0.9, label="pixel change")
    bottom.suptitle(
        f"Every image gets its own noise: the {noise} noise fields of images 1 "
        f"and 2 at scale {_format_scale(s)} differ",
        fontsize="medium",
    )
    fig.suptitle(
        f"Test images under noise (grey range [0, 1]; seed {random_state})",
        fontsize="large",
    )
    return fig


# --------------------------------------------------------------------------
# Figure 2: accuracy against the noise scale


def plot_accuracy_vs_scale(results, *, x="scale", ax=None):
    """Train and test accuracy against the noise scale, one colour per model.

    Test (validation) accuracy is solid, train accuracy dashed; with several
    folds each line is the mean over folds with a band of ± 1 standard
    deviation. Every curve is drawn by scikit-learn's
    :class:`~sklearn.model_selection.ValidationCurveDisplay`, built from the
    table's fold scores, then restyled and labelled per model (and per noise
    when the table holds several).

    Parameters
    ----------
    results : SweepResults or list of dict
        The result table of :func:`~skmnistnoise.experiment.run_study` or
        :func:`~skmnistnoise.experiment.noise_sweep`.
    x : {"scale", "pixel_scale"}, default="scale"
        The x axis: the scale as swept, or the scale in [0, 1]-pixel units.
    ax : matplotlib.axes.Axes or None, default=None
        Where to draw; None makes a new figure.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure of ``ax``.

    Examples
    --------
    >>> from skmnistnoise.experiment import run_study
    >>> from skmnistnoise.plotting import plot_accuracy_vs_scale
    >>> results = run_study(models=["mlp"], scales=[0, 1], epochs=1,
    ...                     hidden_layer_sizes=(16,), random_state=0)
    >>> fig = plot_accuracy_vs_scale(results)
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['MLP train', 'MLP test']
    """
    if x not in X_COLUMNS:
        raise ValueError(f"x must be 'scale' or 'pixel_scale'; got {x!r}.")
    results = _as_results(results)
    _check_not_empty(results, "plot_accuracy_vs_scale")
    if ax is None:
        fig = _new_figure((8.5, 4.8))
        ax = fig.add_subplot()
    arms = _arms(results)
    xs_all, folds = [], []
    for i, arm in enumerate(arms):
        display, n_folds = _scale_display(
            results, arm, x, "test_accuracy", "train_accuracy"
        )
        _plot_arm(ax, display, n_folds, colour=_colour(i), label=_arm_label(arm, arms))
        xs_all.append(display.param_range)
        folds.append(n_folds)
    _style_scale_axis(ax, xs_all)
    _finish_accuracy_axis(ax)
    ax.set_xlabel(_x_label(results, x))
    ax.set_title(
        "Accuracy against noise scale"
        + _title_suffix(results)
        + "\ntest solid, train dashed"
        + _band_note(folds),
        fontsize="medium",
    )
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax.figure


# --------------------------------------------------------------------------
# Figure 3: accuracy per epoch


def plot_accuracy_vs_epoch(results, *, model=None, noise=None):
    """Train and validation accuracy per epoch, one line per noise scale.

    The notebooks' plot: for each selected model (and noise) a row of two
    axes, the training accuracy per epoch (on the noisy training data) and
    the validation accuracy per epoch (the test set through the same noise
    step, a fresh draw). Both axes of a row share the y axis, so a gap between
    them (the model learning its one noise draw) shows at a glance. With
    several folds each line is the mean over folds.

    Parameters
    ----------
    results : SweepResults or list of dict
        A table with per-epoch curves (``per_epoch=True``, the default).
    model : str, sequence of str or None, default=None
        Models to show; None shows all.
    noise : str, sequence of str or None, default=None
        Noises to show; None shows all.

    Returns
    -------
    fig : matplotlib.figure.Figure
        ``2 * n_rows`` axes, row by row: train, validation.

    Examples
    --------
    >>> from skmnistnoise.experiment import run_study
    >>> from skmnistnoise.plotting import plot_accuracy_vs_epoch
    >>> results = run_study(models=["mlp"], scales=[0, 1], epochs=2,
    ...                     hidden_layer_sizes=(16,), random_state=0)
    >>> fig = plot_accuracy_vs_epoch(results)
    >>> len(fig.axes), [len(ax.get_lines()) for ax in fig.axes]
    (2, [2, 2])
    """
    results = _as_results(results)
    _check_not_empty(results, "plot_accuracy_vs_epoch")
    arms = _arms(results, model, noise)
    if not arms:
        raise ValueError(
            f"No rows for model={model!r} and noise={noise!r}; the table has "
            f"models {results.unique('model')} and noises {results.unique('noise')}."
        )
    fig = _new_figure((11, 3.6 * len(arms) + 0.4))
    axes = fig.subplots(len(arms), 2, squeeze=False, sharey=True)
    parts = (
        ("epoch_train_accuracy", "train accuracy (noisy training data)"),
        ("epoch_test_accuracy", "validation accuracy (noisy test data)"),
    )
    for row_axes, arm in zip(axes, arms):
        rows = results.select(model=arm[0], noise=arm[1])
        scales = sorted({float(r["scale"]) for r in rows})
        cmap = _scale_colours(len(scales))
        name = f"{MODEL_NAMES.get(arm[0], arm[0])}, {arm[1]} noise"
        for ax, (column, what) in zip(row_axes, parts):
            drawn = 0
            for colour, s in zip(cmap, scales):
                curves = [
                    r[column] for r in rows if float(r["scale"]) == s and r.get(column)
                ]
                if not curves:
                    continue
                length = min(len(c) for c in curves)
                curve = np.mean([c[:length] for c in curves], axis=0)
                epochs = np.arange(1, length + 1)
                ax.plot(
                    epochs,
                    curve,
                    color=colour,
                    marker="o",
                    markersize=3,
                    label=f"scale {_format_scale(s)}",
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
            ax.set_title(f"{name}: {what}", fontsize="medium")
            ax.set_xlabel("epoch")
            ax.xaxis.get_major_locator().set_params(integer=True)
            _finish_accuracy_axis(ax)
            if drawn:
                ax.legend(fontsize="small", loc="best")
    fig.suptitle("Accuracy per epoch" + _title_suffix(results))
    return fig


def _scale_colours(n):
    """n colours of a sequential map, light (clean) to dark (noisiest)."""
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    if n == 1:
        return [cmap(0.0)]
    return [cmap(0.9 * i / (n - 1)) for i in range(n)]


# --------------------------------------------------------------------------
# Figure 4: MLP against ConvNet


def plot_model_comparison(results):
    """MLP against ConvNet: accuracy and test loss against the pixel-unit scale.

    Left: test accuracy (solid) and train accuracy (dashed); right: the test
    cross-entropy loss; both against ``pixel_scale``, the noise scale in
    [0, 1]-pixel units whatever preprocessing ran before the noise (under the
    notebooks protocol the MLP's noise is added to standardised pixels, so its
    swept scale is in pixel standard deviations; ``pixel_scale`` puts both
    models on one axis).

    Parameters
    ----------
    results : SweepResults or list of dict
        A table with one or more models.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Two axes: accuracy, test loss.

    Examples
    --------
    >>> from skmnistnoise.experiment import run_study
    >>> from skmnistnoise.plotting import plot_model_comparison
    >>> results = run_study(models=["mlp"], scales=[0, 1], epochs=1,
    ...                     hidden_layer_sizes=(16,), random_state=0)
    >>> fig = plot_model_comparison(results)
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['accuracy', 'test loss (cross-entropy)']
    """
    results = _as_results(results)
    _check_not_empty(results, "plot_model_comparison")
    arms = _arms(results)
    fig = _new_figure((12, 4.6))
    acc_ax, loss_ax = fig.subplots(1, 2)
    xs_all, folds = [], []
    for i, arm in enumerate(arms):
        label = _arm_label(arm, arms)
        display, n_folds = _scale_display(
            results, arm, "pixel_scale", "test_accuracy", "train_accuracy"
        )
        _plot_arm(acc_ax, display, n_folds, colour=_colour(i), label=label)
        loss, _ = _scale_display(results, arm, "pixel_scale", "test_loss")
        _plot_arm(
            loss_ax,
            loss,
            n_folds,
            colour=_colour(i),
            label=f"{label} test",
            score_type="test",
        )
        xs_all.append(display.param_range)
        folds.append(n_folds)
    for ax in (acc_ax, loss_ax):
        _style_scale_axis(ax, xs_all)
        ax.set_xlabel(_x_label(results, "pixel_scale"))
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small", loc="best")
    _finish_accuracy_axis(acc_ax)
    acc_ax.set_title(
        "Accuracy: test solid, train dashed" + _band_note(folds), fontsize="medium"
    )
    loss_ax.set_ylabel("test loss (cross-entropy)")
    loss_ax.set_ylim(bottom=0)
    loss_ax.set_title("Test loss", fontsize="medium")
    names = " against ".join(dict.fromkeys(MODEL_NAMES.get(m, str(m)) for m, _ in arms))
    fig.suptitle(f"{names} under noise{_title_suffix(results)}")
    return fig


# --------------------------------------------------------------------------
# Figure 5: the robustness matrix


def plot_robustness_matrix(results, *, ax=None, **where):
    """Test accuracy by training noise scale (rows) and test noise scale (columns).

    A heatmap of :func:`~skmnistnoise.experiment.matrix_from_results`: one row
    per training noise scale, one column per test noise scale, each cell the
    test accuracy (mean over folds) written in it. The best training scale
    for each test scale (the largest accuracy in its column) is framed, so
    the answer to "which training noise should I use against this test
    noise?" reads off the figure; cells where the training and test scales
    are equal (the notebooks' protocol, noise on both) are the diagonal.

    Parameters
    ----------
    results : SweepResults or list of dict
        The table of :func:`~skmnistnoise.experiment.robustness_matrix` (rows
        with ``test_scales`` and ``test_accuracy_at``).
    ax : matplotlib.axes.Axes or None, default=None
        Where to draw; None makes a new figure.
    **where : dict
        Select rows first, e.g. ``model="convnet"``, when the table holds
        several matrices.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure of ``ax``: the heatmap and its colour bar.

    See Also
    --------
    skmnistnoise.experiment.robustness_matrix : Computes the table.
    skmnistnoise.experiment.matrix_from_results : The matrix as arrays.

    Examples
    --------
    >>> from skmnistnoise.experiment import SweepResults
    >>> from skmnistnoise.plotting import plot_robustness_matrix
    >>> rows = [{"model": "mlp", "noise": "additive", "scale": s, "fold": 0,
    ...          "test_scales": [0.0, 1.0], "test_accuracy_at": acc}
    ...         for s, acc in [(0.0, [0.97, 0.41]), (1.0, [0.93, 0.82])]]
    >>> fig = plot_robustness_matrix(SweepResults(rows))
    >>> ax = fig.axes[0]
    >>> ax.get_ylabel(), ax.get_xlabel()
    ('training noise scale', 'test noise scale')
    >>> [t.get_text() for t in ax.texts]
    ['0.970', '0.410', '0.930', '0.820']
    """
    results = _as_results(results)
    _check_not_empty(results, "plot_robustness_matrix")
    train_scales, test_scales, accuracy = matrix_from_results(results, **where)
    if ax is None:
        fig = _new_figure(
            (1.1 * len(test_scales) + 3.2, 0.75 * len(train_scales) + 2.0)
        )
        ax = fig.add_subplot()
    image = ax.imshow(
        accuracy, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto", origin="upper"
    )
    best = np.argmax(accuracy, axis=0)
    for i in range(accuracy.shape[0]):
        for j in range(accuracy.shape[1]):
            value = accuracy[i, j]
            ax.text(
                j,
                i,
                f"{value:.3f}",
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
    ax.set_xticks(range(len(test_scales)), [_format_scale(s) for s in test_scales])
    ax.set_yticks(range(len(train_scales)), [_format_scale(s) for s in train_scales])
    ax.set_xlabel("test noise scale")
    ax.set_ylabel("training noise scale")
    ax.figure.colorbar(image, ax=ax, label="test accuracy")
    selected = results.select(**where)
    arms = _arms(SweepResults(selected))
    names = ", ".join(
        f"{MODEL_NAMES.get(model, str(model))} ({noise} noise)" for model, noise in arms
    )
    ax.set_title(
        f"Robustness matrix: {names}{_title_suffix(selected)}\n"
        "framed: the best training scale for each test scale",
        fontsize="medium",
    )
    return ax.figure
