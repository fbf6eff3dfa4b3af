"""What the Displays share: figures, styles, chance level, legends, scale axes, labels.

The drawing helpers of :mod:`skmnistnoise.plotting`, in the manner of
scikit-learn's ``sklearn/utils/_plotting.py``: a new figure outside pyplot,
the line styles of train and test scores, the chance line, the legend beside
the axes, the noise-scale axis, the words of the axis labels and titles, and
the mean line of replicate fits with its band. Matplotlib is imported inside
the functions that draw, never when this module is imported.
"""

import math

import numpy as np

from .._registry import MODEL_NAMES
from .._results import SweepResults

#: The table's columns a scale axis can be drawn on.
X_COLUMNS = ("scale", "pixel_scale")
TEST_STYLE = {"linestyle": "-", "marker": "o", "markersize": 4, "linewidth": 1.8}
TRAIN_STYLE = {"linestyle": "--", "marker": "o", "markersize": 3, "linewidth": 1.3}
CHANCE_STYLE = {"color": "0.35", "linestyle": ":", "linewidth": 1.2}
BAND_ALPHA = 0.15


# --------------------------------------------------------------------------
# Figures and axes


def new_figure(figsize, **kwargs):
    """A constrained-layout figure that pyplot does not manage."""
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout="constrained", **kwargs)


def axes_or_new(ax, figsize):
    """``ax``, or the axes of a new figure of size ``figsize``."""
    if ax is None:
        return new_figure(figsize).add_subplot()
    return ax


def check_not_empty(results, what):
    """Raise a ValueError naming ``what`` when the table has no rows."""
    if not len(results):
        raise ValueError(f"{what} needs results; the table has no rows.")


# --------------------------------------------------------------------------
# Words: labels and titles


def arm_label(arm, arms):
    """The legend name of an arm: the model, and its noise if the table has several."""
    model, noise = arm
    name = MODEL_NAMES.get(model, str(model))
    if len({n for _, n in arms}) > 1:
        return f"{name}, {noise}"
    return name


def format_scale(value):
    """A noise scale in three significant digits, as ticks and legends write it."""
    return f"{value:.3g}"


def x_label(results, x):
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


def title_suffix(results):
    """`` (dataset; protocol ...)`` for a title, or "" when the table says neither."""
    datasets = sorted({str(r.get("dataset", "")) for r in results} - {""})
    protocols = sorted({str(r.get("protocol", "")) for r in results} - {"", "custom"})
    parts = []
    if datasets:
        parts.append(", ".join(datasets))
    if protocols:
        parts.append(f"protocol {', '.join(protocols)}")
    return f" ({'; '.join(parts)})" if parts else ""


def describe_replicates(results):
    """In words, what the replicate fits of a scale are: folds, seeds or both."""
    folds = len({r.get("fold") for r in results})
    seeds = len({r.get("seed") for r in results})
    parts = []
    if folds > 1:
        parts.append(f"{folds} folds")
    if seeds > 1:
        parts.append(f"{seeds} seeds")
    return " x ".join(parts)


# --------------------------------------------------------------------------
# Accuracy axes: chance level, limits, legend


def chance(results, chance_level):
    """The chance accuracy to draw: one over the number of classes, or None."""
    if chance_level is False or chance_level is None:
        return None
    if chance_level is True or chance_level == "auto":
        n = results.n_classes() if isinstance(results, SweepResults) else None
        return None if n is None else 1.0 / n
    return float(chance_level)


def draw_chance(ax, level):
    """A dotted horizontal line at ``level``, labelled; None draws nothing."""
    if level is None:
        return None
    return ax.axhline(level, label=f"chance ({level:.2g})", zorder=0, **CHANCE_STYLE)


def finish_accuracy_axis(ax, label="accuracy"):
    """Accuracy on [0, 1] (a little margin), labelled, on a light grid."""
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel(label)
    ax.grid(True, alpha=0.3)


def legend_outside(ax, **kwargs):
    """A legend to the right of the axes, never over the data."""
    return ax.legend(
        fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1.0), **kwargs
    )


# --------------------------------------------------------------------------
# Replicates: a mean line and its band


def t_halfwidth(values):
    """Half the width of Student's t 95% interval of the mean over axis 0."""
    from scipy.stats import t

    n = len(values)
    return t.ppf(0.975, n - 1) * np.std(values, axis=0, ddof=1) / np.sqrt(n)


def plot_mean_and_band(ax, x, values, *, color, band_label=None, **line_kw):
    """The mean of replicate curves, with its 95% t interval when there are several.

    The band is Student's t 95% interval of the mean over the replicates (the
    convention of every table of the package: the spread a re-run with other
    seeds would show), not ± 1 standard deviation.

    Parameters
    ----------
    ax : matplotlib Axes
    x : array-like of shape (n_points,)
    values : ndarray of shape (n_replicates, n_points)
    color : color
        Of the line and of its band.
    band_label : str or None, default=None
        The band's label (start it with "_" to keep it out of the legend).
    **line_kw : dict
        To ``ax.plot`` (``label``, the line style).

    Returns
    -------
    line : Line2D
    band : PolyCollection or None
        None for a single replicate.
    """
    mean = values.mean(axis=0)
    (line,) = ax.plot(x, mean, color=color, **line_kw)
    if len(values) < 2:
        return line, None
    half = t_halfwidth(values)
    band_kw = {} if band_label is None else {"label": band_label}
    band = ax.fill_between(
        x,
        mean - half,
        mean + half,
        color=color,
        alpha=BAND_ALPHA,
        linewidth=0,
        **band_kw,
    )
    return line, band


# --------------------------------------------------------------------------
# The noise-scale axis


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


def style_scale_axis(ax, xs_per_curve):
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
        note = f"symmetric log axis, linear below {format_scale(positive.min())}"
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
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_scale(v)))
    ax.xaxis.set_minor_locator(NullLocator())
    return note
