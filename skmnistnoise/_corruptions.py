"""MNIST-C's fifteen corruptions, one vectorised function each.

Every function takes a batch of digits ``x`` of shape ``(n, 28, 28)``,
float64 pixels in [0, 1], a :class:`numpy.random.Generator` and a severity
``s`` (a positive factor, 1 for MNIST-C's own setting), and returns a new
``(n, 28, 28)`` float64 array in [0, 1]. The random parameters (a noise
field, an angle, a line's end points) are drawn afresh for every image.

The constants are those of MNIST-C's published ``corruptions.py`` (Mu and
Gilmer, 2019, https://github.com/google-research/mnist-c) at the severity
each function there defaults to, taken for the setting of the released
dataset (the script that wrote the dataset is not published). That code
works on 8-bit grey levels (``x / 255`` in, ``* 255`` out); these functions
work on [0, 1] throughout and round to grey levels only where MNIST-C's
corruption does on the way (glass blur, motion blur). Where the result
differs from MNIST-C's by construction the docstring says how;
``benchmarks/mnistc_check.py`` measures it against MNIST-C's code and
``tests/test_corruptions.py`` against transcriptions of its steps.
"""

import functools
import math

import numpy as np
from scipy import ndimage as ndi
from scipy import sparse

__all__ = ["CORRUPTION_FUNCTIONS", "RANDOM", "SCALABLE", "SEVERITY_BOUNDS"]

_SIZE = 28
# MNIST-C's affine corruptions keep the image centre, (13.5, 13.5), fixed.
_CENTRE = (_SIZE - 1) / 2
# MNIST-C's Gaussian filters are scikit-image's: truncated at 4 sigma.
_TRUNCATE = 4.0


def _gaussian(x, sigma, axes, mode="nearest"):
    """Gaussian filter of every image along ``axes`` (1 rows, 2 columns)."""
    sigmas = [sigma if axis in axes else 0.0 for axis in range(x.ndim)]
    return ndi.gaussian_filter(x, sigmas, mode=mode, truncate=_TRUNCATE)


# -- noise ------------------------------------------------------------------


def shot_noise(x, rng, s=1.0):
    """Shot noise: ``clip(Poisson(3 x) / 3, 0, 1)``.

    MNIST-C's severity 5 of ImageNet-C's shot noise: 3 photons for a white
    pixel. Severity ``s`` divides the photons: ``3 / s`` (the noise's variance
    grows as ``s``).
    """
    photons = 3.0 / s
    return np.clip(rng.poisson(x * photons) / photons, 0.0, 1.0)


def impulse_noise(x, rng, s=1.0):
    """Salt-and-pepper noise: each pixel, with probability 0.17, set to 0 or 1.

    MNIST-C's severity 4 of ImageNet-C's impulse noise, through
    ``skimage.util.random_noise(mode="s&p", amount=0.17)``: a pixel is
    replaced with probability 0.17, by 1 or 0 with equal odds. Severity ``s``
    multiplies the amount, ``0.17 s``, at most 1.
    """
    amount = 0.17 * s
    u = rng.random(x.shape)
    out = x.copy()
    out[u < amount / 2] = 0.0
    out[(u >= amount / 2) & (u < amount)] = 1.0
    return out


# -- blurs --------------------------------------------------------------------


def glass_blur(x, rng, s=1.0):
    """Glass blur: blur, shuffle neighbouring pixels, blur again.

    MNIST-C's severity 1: sigma 0.7, displacement 1, 2 iterations, in this
    order, with MNIST-C's quirks kept:

    1. A Gaussian blur of sigma 0.7 along the rows only (vertical): MNIST-C
       calls ``skimage.filters.gaussian(x, multichannel=True)`` on a 2-D
       image, which takes the last axis for colour channels and blurs the
       other one alone. Edges are extended (``mode="nearest"``).
    2. Truncation to 8-bit grey levels (``np.uint8(x * 255)``, not rounded).
    3. Twice, for every pixel (h, w) with h and w from 27 down to 2, in that
       order: with probability 1/2, swap it with pixel (h + dy, w + dx),
       dx and dy drawn from {-1, 0} (``randint(-1, 1)``: up and left only).
       The swaps are sequential, so a pixel can travel several steps.
    4. The same vertical blur again, clipped to [0, 1].

    The swaps run as one loop over the 1,352 positions, each a swap in all
    images of the batch at once. No magnitude: ImageNet-C's severities raise
    the sigma, the displacement and the iterations together, and a larger
    sigma alone is not a stronger corruption (it smooths the shuffle away);
    severity must be None.
    """
    sigma, delta, iterations = 0.7, 1, 2
    n = len(x)
    levels = np.floor(_gaussian(x, sigma, axes=(1,)) * 255.0)
    # Pixel-major: the n copies of a pixel are contiguous, so a swap at one
    # position is a slice and a gather.
    flat = np.ascontiguousarray(levels.reshape(n, -1).T).ravel()
    positions = np.array(
        [
            h * _SIZE + w
            for h in range(_SIZE - delta, delta, -1)
            for w in range(_SIZE - delta, delta, -1)
        ]
    )
    images = np.arange(n)
    for _ in range(iterations):
        swap = rng.random((len(positions), n)) < 0.5
        dy = rng.integers(-delta, delta, size=(len(positions), n))
        dx = rng.integers(-delta, delta, size=(len(positions), n))
        # A pixel that does not swap is swapped with itself.
        partners = positions[:, None] + np.where(swap, dy * _SIZE + dx, 0)
        partners = partners * n + images
        for position, partner in zip(positions, partners, strict=True):
            own = flat[position * n : (position + 1) * n].copy()
            flat[position * n : (position + 1) * n] = flat[partner]
            flat[partner] = own
    flat = flat.reshape(-1, n)
    shuffled = flat.T.reshape(n, _SIZE, _SIZE) / 255.0
    return np.clip(_gaussian(shuffled, sigma, axes=(1,)), 0.0, 1.0)


def _motion_kernel(radius, sigma):
    """ImageMagick's one-sided motion-blur weights (``MotionBlurImage``)."""
    width = int(2 * math.ceil(radius) + 1)
    i = np.arange(width)
    weights = np.exp(-(i**2) / (2.0 * sigma**2))
    return i, weights / weights.sum()


def motion_blur(x, rng, s=1.0):
    """Motion blur: ImageMagick's ``-motion-blur 10x3+angle``, angle in (-45, 45).

    MNIST-C's severity 1 (radius 10, sigma 3) through ImageMagick's
    ``MotionBlurImage``, rebuilt here: every output pixel is the weighted sum
    of the 21 pixels at ``i`` steps, ``i = 0 .. 20``, along the angle, with
    weights ``exp(-i^2 / (2 * 3^2))`` normalised to 1: a one-sided Gaussian
    trail. Step ``i`` lands on the pixel ``(ceil(i cos a - 0.5), ceil(i sin a
    - 0.5))`` columns and rows away, as ImageMagick rounds it; pixels beyond
    the border repeat the edge (ImageMagick's default virtual pixels). The
    angle ``a`` is uniform in (-45, 45) degrees, drawn per image.

    The result is rounded as MNIST-C's is, through ImageMagick's 16-bit
    levels and an 8-bit PNG: ``floor(round(255 * 257 v) / 257) / 255``, grey
    levels truncated rather than rounded. Without ImageMagick, the result is
    MNIST-C's to the last grey level on the test digits, given the angle
    (``benchmarks/mnistc_check.py``). Severity ``s`` multiplies the radius
    and the sigma, ``10 s`` and ``3 s``.
    """
    n = len(x)
    steps, weights = _motion_kernel(10.0 * s, 3.0 * s)
    angle = np.deg2rad(rng.uniform(-45.0, 45.0, size=n))
    dcol = np.ceil(steps[None, :] * np.cos(angle)[:, None] - 0.5).astype(np.intp)
    drow = np.ceil(steps[None, :] * np.sin(angle)[:, None] - 0.5).astype(np.intp)
    # Pad with the edge pixels once. A step beyond the padding reads the
    # same edge pixel as one at its end, so long kernels need no more.
    reach = min(int(steps[-1]), _SIZE)
    dcol, drow = np.clip(dcol, -reach, reach), np.clip(drow, -reach, reach)
    padded = np.pad(x, ((0, 0), (reach, reach), (reach, reach)), mode="edge")
    side = padded.shape[-1]
    grid = np.arange(_SIZE)
    base = ((grid[:, None] + reach) * side + grid[None, :] + reach).ravel()
    start = drow * side + dcol + (np.arange(n) * side * side)[:, None]
    padded = padded.ravel()
    out = np.zeros((n, _SIZE * _SIZE))
    for k, weight in enumerate(weights):
        out += weight * padded.take(start[:, k, None] + base[None, :])
    # ImageMagick's result, written to an 8-bit PNG: rounded to 16-bit
    # levels (ClampToQuantum), then truncated to 8 bits.
    levels = np.floor(np.floor(out * (255 * 257) + 0.5) / 257)
    return np.clip(levels.reshape(n, _SIZE, _SIZE) / 255, 0.0, 1.0)


# -- affine transforms ----------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _affine_operator(a00, a01, a10, a11, shift_col=0.0, shift_row=0.0):
    """``skimage.transform.warp(x, inverse_map=affine)`` as a sparse matrix.

    The output pixel (column c, row r) reads the input at column
    ``a00 (c - 13.5) + a01 (r - 13.5) + 13.5 + shift_col`` and row
    ``a10 (c - 13.5) + a11 (r - 13.5) + 13.5 + shift_row``: bilinear
    interpolation between the four pixels around that point, as scikit-image's
    ``warp`` (order 1), those outside the image counting as 0. Returns the
    784 x 784 matrix ``W`` with ``warped = flat_images @ W.T``: every MNIST-C
    affine corruption takes one of at most four maps, so each is built once.
    """
    grid = np.arange(_SIZE, dtype=float) - _CENTRE
    col, row = np.meshgrid(grid, grid)  # output pixel, about the centre
    src_col = (a00 * col + a01 * row + _CENTRE + shift_col).ravel()
    src_row = (a10 * col + a11 * row + _CENTRE + shift_row).ravel()
    low_col, low_row = np.floor(src_col), np.floor(src_row)
    frac_col, frac_row = src_col - low_col, src_row - low_row
    rows, cols, weights = [], [], []
    for dr, wr in ((0, 1 - frac_row), (1, frac_row)):
        for dc, wc in ((0, 1 - frac_col), (1, frac_col)):
            r, c = low_row + dr, low_col + dc
            inside = (r >= 0) & (r < _SIZE) & (c >= 0) & (c < _SIZE) & (wr * wc > 0)
            rows.append(np.flatnonzero(inside))
            cols.append((r * _SIZE + c)[inside].astype(np.intp))
            weights.append((wr * wc)[inside])
    shape = (_SIZE * _SIZE, _SIZE * _SIZE)
    triplets = (np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols)))
    return sparse.csr_array(triplets, shape=shape)


def _apply_affine(x, keys, operator):
    """Warp image k by ``operator(*keys[k])``, images of equal keys together."""
    n = len(x)
    flat = x.reshape(n, -1)
    out = np.empty_like(flat)
    unique, which = np.unique(keys, axis=0, return_inverse=True)
    for k, key in enumerate(unique):
        group = np.flatnonzero(which.ravel() == k)
        out[group] = (operator(*key) @ flat[group].T).T
    return np.clip(out.reshape(n, _SIZE, _SIZE), 0.0, 1.0)


def _random_signs(rng, n):
    """-1 or +1 with equal odds, per image (MNIST-C's random direction)."""
    return rng.choice(np.array([-1.0, 1.0]), size=n)


def _shear_operator(angle):
    return _affine_operator(1.0, -np.sin(angle), 0.0, np.cos(angle))


def shear(x, rng, s=1.0):
    """Shear by 0.4 (scikit-image's angle of 2019), direction random.

    MNIST-C's severity 2: ``warp`` with the inverse map
    ``AffineTransform(shear=±0.4)`` about the centre: the output pixel
    (c, r), about the centre, reads the input at column ``c - sin(0.4) r``
    and row ``cos(0.4) r``, the matrix of scikit-image before 0.21 (today's
    ``shear`` is ``-tan(0.4)`` with no ``cos`` factor, a different image).
    The sign is random per image. Bilinear, zero outside. Severity ``s``
    multiplies the angle, ``0.4 s``, which must stay below pi / 2.
    """
    angle = 0.4 * s * _random_signs(rng, len(x))
    return _apply_affine(x, angle[:, None], _shear_operator)


def _scale_operator(factor):
    return _affine_operator(factor, 0.0, 0.0, factor)


def scale(x, rng, s=1.0):
    """Shrink the digit to 70 % of its size about the centre (deterministic).

    MNIST-C's severity 3: ``warp`` with the inverse map
    ``AffineTransform(scale=1 / 0.7)`` about the centre, bilinear, zero
    outside. Severity ``s`` scales the shrinkage: the digit becomes
    ``1 - 0.3 s`` of its size, which must stay above 0.
    """
    factor = np.full((len(x), 1), 1.0 / (1.0 - 0.3 * s))
    return _apply_affine(x, factor, _scale_operator)


def _rotation_operator(angle):
    cos, sin = np.cos(angle), np.sin(angle)
    return _affine_operator(cos, -sin, sin, cos)


def rotate(x, rng, s=1.0):
    """Rotate by 0.4 radians (about 23 degrees), direction random.

    MNIST-C's severity 2: ``warp`` with the inverse map
    ``AffineTransform(rotation=±0.4)`` about the centre, the sign random per
    image. Bilinear, zero outside. Severity ``s`` multiplies the angle,
    ``0.4 s``.
    """
    angle = 0.4 * s * _random_signs(rng, len(x))
    return _apply_affine(x, angle[:, None], _rotation_operator)


def _translation_operator(shift_col, shift_row):
    return _affine_operator(1.0, 0.0, 0.0, 1.0, shift_col, shift_row)


def translate(x, rng, s=1.0):
    """Shift by 3 pixels along each axis, each direction random.

    MNIST-C's severity 3: ``warp`` with the inverse map
    ``AffineTransform(translation=(±3, ±3))``: the digit moves 3 pixels
    left or right and 3 up or down, both signs random per image; what leaves
    the image is lost, what enters is black. Severity ``s`` multiplies the
    shift, ``3 s`` pixels (bilinear where it is not whole).
    """
    n = len(x)
    shifts = 3.0 * s * np.stack([_random_signs(rng, n), _random_signs(rng, n)], 1)
    return _apply_affine(x, shifts, _translation_operator)


# -- intensity ------------------------------------------------------------------


def brightness(x, rng, s=1.0):
    """Brightness: ``clip(x + 0.5, 0, 1)`` (deterministic).

    MNIST-C's severity 5 of ImageNet-C's brightness adds 0.5 to the value
    channel in HSV space (grey to RGB, RGB to HSV, +0.5 clipped, back, RGB to
    grey). On a grey image hue and saturation are 0 and the value is the
    pixel, so the round trip is ``clip(x + 0.5, 0, 1)`` up to the rounding of
    the grey weights (within 1e-7). Severity ``s`` multiplies the shift,
    ``0.5 s``.
    """
    return np.clip(x + 0.5 * s, 0.0, 1.0)


def stripe(x, rng, s=1.0):
    """Invert the 7 leftmost and the 7 rightmost columns (deterministic).

    MNIST-C's stripe: ``1 - x`` on columns 0-6 and 21-27, the digit's middle
    14 columns unchanged. No magnitude: severity must be None.
    """
    out = x.copy()
    out[..., :7] = 1.0 - x[..., :7]
    out[..., 21:] = 1.0 - x[..., 21:]
    return out


def _plasma_fractal(rng, n, decay, size=256):
    """MNIST-C's diamond-square height maps, ``n`` at once: their top-left 28 x 28.

    Each map, ``size`` x ``size`` with wrap-around, starts at 0 in its corner.
    At each halving of the step, the centre of every square gets the mean of
    its four corners plus ``w**2 * U(-1, 1)``, then the midpoint of every
    edge the mean of its two corners and two centres plus as much; ``w``
    starts at 100 and is divided by ``decay`` at each halving. The map is
    scaled to [0, 1] by its own minimum and maximum over all of it, and its
    top-left 28 x 28 returned.

    The points of each level are kept in four compact arrays (corners,
    centres, top and left midpoints) rather than strided views of one map,
    and the last level is never interleaved: the minimum, maximum and corner
    need only its parts. Float32: the map is random, its values need no more.
    """
    corners = np.zeros((n, 1, 1), dtype=np.float32)
    wibble = 100.0
    for k in 2 ** np.arange(int(np.log2(size))):
        # Square step: centre (i, j) of the square below-right of corner (i, j).
        centres = corners + np.roll(corners, -1, axis=1)
        centres += np.roll(centres, -1, axis=2)
        centres = _noisy_mean(rng, centres, wibble)
        # Diamond step: top midpoints between corners (i, j) and (i, j + 1),
        # left midpoints between corners (i, j) and (i + 1, j).
        top = centres + np.roll(centres, 1, axis=1)
        top += corners
        top += np.roll(corners, -1, axis=2)
        top = _noisy_mean(rng, top, wibble)
        left = centres + np.roll(centres, 1, axis=2)
        left += corners
        left += np.roll(corners, -1, axis=1)
        left = _noisy_mean(rng, left, wibble)
        wibble /= decay
        parts = (corners, top, left, centres)
        if 2 * k < size:
            corners = np.empty((n, 2 * k, 2 * k), dtype=np.float32)
            for (dr, dc), part in zip(((0, 0), (0, 1), (1, 0), (1, 1)), parts):
                corners[:, dr::2, dc::2] = part
    low = np.min([p.min(axis=(1, 2)) for p in parts], axis=0)[:, None, None]
    high = np.max([p.max(axis=(1, 2)) for p in parts], axis=0)[:, None, None]
    crop = np.empty((n, _SIZE, _SIZE))
    half = _SIZE // 2
    for (dr, dc), part in zip(((0, 0), (0, 1), (1, 0), (1, 1)), parts):
        crop[:, dr::2, dc::2] = part[:, :half, :half]
    return (crop - low) / (high - low)


def _noisy_mean(rng, total, wibble):
    """``total / 4 + wibble**2 * U(-1, 1)``: MNIST-C's ``wibbledmean``, in place."""
    noise = rng.random(total.shape, dtype=np.float32)
    noise *= np.float32(2 * wibble**2)
    noise -= np.float32(wibble**2)
    total *= np.float32(0.25)
    total += noise
    return total


def fog(x, rng, s=1.0):
    """Fog: a plasma fractal added with strength 3, then the contrast squeezed.

    MNIST-C's severity 5 of ImageNet-C's fog: ``p``, the top-left 28 x 28 of
    a 256 x 256 diamond-square fractal scaled to [0, 1] (wibble decay 1.4,
    drawn per image), gives ``clip((x + 3 p) * m / (m + 3), 0, 1)`` with
    ``m`` the image's largest pixel: for a digit with white strokes the
    result is ``(x + 3 p) / 4``, a dim digit under brighter fog. Severity
    ``s`` multiplies the strength, ``3 s``.
    """
    strength = 3.0 * s
    out = np.empty_like(x)
    top = x.reshape(len(x), -1).max(axis=1)[:, None, None]
    # 32 maps of 256 x 256 at a time: 8 MB of float32.
    for start in range(0, len(x), 32):
        part = slice(start, start + 32)
        plasma = _plasma_fractal(rng, len(x[part]), decay=1.4)
        m = top[part]
        out[part] = (x[part] + strength * plasma) * m / (m + strength)
    return np.clip(out, 0.0, 1.0)


def spatter(x, rng, s=1.0):
    """Spatter: blots of mud (grey 63/255) where a smoothed noise field is high.

    MNIST-C's severity 4 of ImageNet-C's spatter (its mud branch):

    1. a layer ``N(0.65, 0.3)`` per pixel, blurred with sigma 1 (edges
       extended), set to 0 below 0.65;
    2. the mask of the layer above 0.65, blurred with sigma 1.5, set to 0
       below 0.8: ``m``, 0 or between 0.8 and 1;
    3. ``clip(x (1 - m) + 63/255 m, 0, 1)``.

    No magnitude: severity must be None.
    """
    liquid = _gaussian(rng.normal(0.65, 0.3, size=x.shape), 1.0, axes=(1, 2))
    liquid[liquid < 0.65] = 0.0
    mask = _gaussian((liquid > 0.65).astype(np.float32), 1.5, axes=(1, 2))
    mask[mask < 0.8] = 0.0
    return np.clip(x * (1.0 - mask) + (63.0 / 255.0) * mask, 0.0, 1.0)


# -- lines ------------------------------------------------------------------------


def _line(c0, r0, c1, r1):
    """MNIST-C's ``line_from_points``: a soft line through (c0, r0), (c1, r1).

    Intensity ``log(1 - d / 2.3) + 1`` clipped to [0, 1] at vertical distance
    ``d`` from the line (about 1.45 pixels each side), only in the columns
    ``floor(c0)`` to ``ceil(c1) - 1``. Arrays of end points broadcast: one
    line per element, shape ``(..., 28, 28)``.
    """
    c0, r0, c1, r1 = (
        np.asarray(v, dtype=float)[..., None, None] for v in (c0, r0, c1, r1)
    )
    grid = np.arange(_SIZE, dtype=float)
    cols, rows = grid[None, :], grid[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = (r1 - r0) / (c1 - c0)
        distance = np.clip(np.abs(rows - (slope * (cols - c0) + r0)), 0, 2.3 - 1e-10)
    line = np.clip(np.log(1 - distance / 2.3) + 1, 0.0, 1.0)
    # Dark left of column floor(c0) and from ceil(c1) on, with the meaning of
    # MNIST-C's slices [:, :l] and [:, r:] (a negative bound counts from the
    # right).
    left, right = np.floor(c0), np.ceil(c1)
    left = np.where(left < 0, np.maximum(left + _SIZE, 0), left)
    right = np.where(right < 0, np.maximum(right + _SIZE, 0), right)
    line = np.where((cols >= left) & (cols < right), line, 0.0)
    return np.where(c1 == c0, 0.0, line)


# The dotted line's visible columns: 2-3, 6-7, ..., 26 (27 is beyond the line).
_DOTS = (np.arange(_SIZE) // 2) % 2 == 1


def dotted_line(x, rng, s=1.0):
    """A dotted line across the digit, from row r0 at the left to r1 at the right.

    MNIST-C's dotted line: the soft line of ``line_from_points(0, r0, 27, r1)``
    (intensity ``log(1 - d / 2.3) + 1`` at vertical distance ``d``, clipped
    to [0, 1]: about 1.45 pixels each side), with ``r0`` and ``r1`` uniform
    integers in 0-26 per image, kept in the columns 2-3, 6-7, ..., 26 only
    (column 27 is dark: the line stops at ``ceil(27)``), added to the digit
    and clipped to [0, 1]. No magnitude: severity must be None.
    """
    ends = rng.integers(0, 27, size=(len(x), 2))
    line = _line(0, ends[:, 0], 27, ends[:, 1])
    return np.clip(x + line * _DOTS, 0.0, 1.0)


@functools.cache
def _zigzags():
    """The sum of a zigzag's segments for each start row r0 and rise r1 - r0.

    Shape (27, 10, 28, 28): r0 in 0-26, r1 - r0 in -5..4. MNIST-C's zigzag
    depends on nothing else, so its 270 shapes are drawn once.
    """
    table = np.zeros((27, 10, _SIZE, _SIZE))
    a = b = 2.0
    c0, c1 = 2, 25
    for r0 in range(27):
        for k, rise in enumerate(range(-5, 5)):
            theta = np.arctan(rise / (c1 - c0))
            length = (c1 - c0) / np.cos(theta)
            ends = [(0.0, 0.0)]
            for i in range(int((length - a) // (2 * a)) + 1):
                r_i = (-1) ** i * b
                ends.append(((2 * i + 1) * a, r_i))
            last = (2 * a) * (length // (2 * a))
            if length != last:
                # MNIST-C's last point: r_i / (2 (length - last)), kept as is.
                ends.append((length, r_i / (2 * (length - last))))
            ends = np.array(ends).T
            rotation = np.array(
                [[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]]
            )
            cols, rows = rotation @ ends
            cols, rows = cols + c0, rows + r0
            table[r0, k] = _line(cols[:-1], rows[:-1], cols[1:], rows[1:]).sum(0)
    return table


def zigzag(x, rng, s=1.0):
    """A zigzag line across the digit, starting at row r0, rising r1 - r0.

    MNIST-C's zigzag: from column 2 to 25, a zigzag of teeth 2 pixels long
    and 2 high (soft segments of ``line_from_points``, each 1.45 pixels
    thick), tilted by ``arctan((r1 - r0) / 23)``, with ``r0`` uniform in 0-26
    and ``r1 - r0`` uniform in -5..4 per image; its last point is MNIST-C's
    ``r_i / (2 (d - max_c))``, kept as is. The segments are added one by one
    and clipped to [0, 1]; as they are non-negative that is the digit plus
    their sum, clipped once. No magnitude: severity must be None.
    """
    r0 = rng.integers(0, 27, size=len(x))
    rise = rng.integers(-5, 5, size=len(x))
    return np.clip(x + _zigzags()[r0, rise + 5], 0.0, 1.0)


# -- edges --------------------------------------------------------------------------


def canny_edges(x, rng, s=1.0):
    """The digit's Canny edges: 1 on an edge, 0 elsewhere (deterministic).

    MNIST-C's canny edges, ``skimage.feature.canny(x)`` with its defaults,
    rebuilt over the batch: a Gaussian blur of sigma 1 with zeros beyond the
    border, divided by the blur of an all-ones image; Sobel gradients (edges
    reflected); non-maximum suppression by bilinear interpolation along the
    gradient, never on the outer ring of pixels; then hysteresis, keeping
    the 8-connected groups of maxima of gradient at least 0.1 (as float32,
    like scikit-image) that reach 0.2 somewhere. Identical to scikit-image's
    result (``benchmarks/mnistc_check.py``). No magnitude: severity must be
    None.
    """
    n = len(x)
    ones = np.ones((_SIZE, _SIZE))
    bleed = _gaussian(ones, 1.0, axes=(0, 1), mode="constant") + np.finfo(float).eps
    smooth = _gaussian(x, 1.0, axes=(1, 2), mode="constant") / bleed
    gradients = []
    for axis, other in ((1, 2), (2, 1)):
        g = ndi.correlate1d(smooth, [-1, 0, 1], axis=axis, mode="reflect")
        gradients.append(ndi.correlate1d(g, [1, 2, 1], axis=other, mode="reflect"))
    isobel, jsobel = gradients
    magnitude = isobel * isobel
    magnitude += jsobel * jsobel
    np.sqrt(magnitude, out=magnitude)

    inner = (slice(None), slice(1, -1), slice(1, -1))
    i, j, m = isobel[inner], jsobel[inner], magnitude[inner]

    def near(drow, dcol):
        return magnitude[:, 1 + drow : _SIZE - 1 + drow, 1 + dcol : _SIZE - 1 + dcol]

    ai, aj = np.abs(i), np.abs(j)
    same_sign = ((i >= 0) & (j >= 0)) | ((i <= 0) & (j <= 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        cases = [
            (same_sign & (ai > aj), aj / ai, (1, 0), (1, 1), (-1, 0), (-1, -1)),
            (same_sign & ~(ai > aj), ai / aj, (0, 1), (1, 1), (0, -1), (-1, -1)),
            (~same_sign & (ai < aj), ai / aj, (0, 1), (-1, 1), (0, -1), (1, -1)),
            (~same_sign & ~(ai < aj), aj / ai, (-1, 0), (-1, 1), (1, 0), (1, -1)),
        ]
        low = float(np.float32(0.1))  # scikit-image passes it as a C float
        maxima = np.zeros(x.shape, dtype=bool)
        inner_maxima = maxima[inner]
        for where, w, n11, n12, n21, n22 in cases:
            plus = near(*n12) * w + near(*n11) * (1.0 - w) <= m
            minus = near(*n22) * w + near(*n21) * (1.0 - w) <= m
            inner_maxima |= where & plus & minus
    maxima[inner] = inner_maxima & (m >= low)

    # Hysteresis: 8-connected groups within each image, none across images.
    structure = np.zeros((3, 3, 3), dtype=bool)
    structure[1] = True
    labels, count = ndi.label(maxima, structure)
    strong = np.zeros(count + 1, dtype=bool)
    strong[np.unique(labels[maxima & (magnitude >= 0.2)])] = True
    strong[0] = False
    return strong[labels].astype(float).reshape(n, _SIZE, _SIZE)


#: name -> function, in MNIST-C's order.
CORRUPTION_FUNCTIONS = {
    f.__name__: f
    for f in (
        shot_noise,
        impulse_noise,
        glass_blur,
        motion_blur,
        shear,
        scale,
        rotate,
        brightness,
        translate,
        stripe,
        fog,
        spatter,
        dotted_line,
        zigzag,
        canny_edges,
    )
}
#: The corruptions that draw random parameters.
RANDOM = frozenset(CORRUPTION_FUNCTIONS) - {
    "scale",
    "brightness",
    "stripe",
    "canny_edges",
}
#: The corruptions with a magnitude that ``severity`` scales.
SCALABLE = frozenset(CORRUPTION_FUNCTIONS) - {
    "glass_blur",
    "stripe",
    "spatter",
    "dotted_line",
    "zigzag",
    "canny_edges",
}
#: The bounds of ``severity`` where a magnitude has one: a test of the
#: severity and what it bounds.
SEVERITY_BOUNDS = {
    "impulse_noise": (
        lambda s: 0.17 * s <= 1.0,
        "the amount 0.17 * severity, a probability, must be at most 1",
    ),
    "shear": (
        lambda s: 0.4 * s < np.pi / 2,
        "the shear angle 0.4 * severity must stay below pi / 2",
    ),
    "scale": (
        lambda s: 0.3 * s < 1.0,
        "the digit's size, 1 - 0.3 * severity of it, must stay above 0",
    ),
}
