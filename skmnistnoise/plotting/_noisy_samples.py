"""What the noise does to images, and that each gets its own: NoisySamplesDisplay."""

import math

import numpy as np

from .._registry import NOISE_FORMULAS, NOTEBOOK_SCALES, make_noise
from ._base import format_scale, new_figure


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
        The images without noise, pixels in [0, 1].
    noisy : dict of str to list of (scale, ndarray)
        Per noise, the images at each scale.
    fields : ndarray of shape (2, height, width)
        Noisy minus clean of the first two images.
    field_noise : str
        The noise whose fields are drawn.
    field_scale : float
        The scale of the drawn fields.
    random_state : int or None
        The seed the noise was drawn with, said in the title; None: unseeded.

    Attributes
    ----------
    axes_ : dict of str to ndarray of Axes
        Per noise, its grid of images.
    field_axes_ : ndarray of Axes
        The two noise fields' panels.
    figure_ : matplotlib Figure
        The figure drawn.

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
        fig = new_figure(
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
            labelled += [(f"s = {format_scale(s)}", images) for s, images in rows]
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
            f"Noise fields ({self.field_noise}, s = {format_scale(self.field_scale)}):"
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
