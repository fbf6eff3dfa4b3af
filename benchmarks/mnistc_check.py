"""Compare skmnistnoise.corruptions with MNIST-C's own code on the same digits.

MNIST-C's ``corruptions.py`` (https://github.com/google-research/mnist-c) runs
one image at a time on 8-bit PIL images, with ImageMagick (through Wand),
OpenCV and scikit-image. This script loads it from a checkout, patched in
memory for today's libraries (the patches are listed in ``PATCHES`` and
printed), runs it and :class:`~skmnistnoise.corruptions.MNISTCorruption` on the
first ``--n`` MNIST test digits, and prints two tables:

1. **Pixel by pixel.** The deterministic corruptions directly. The random
   ones whose random parameter takes few values (a direction, a line's rows)
   or a few hundred distinct effects (the motion blur's angle) given the
   parameter that our draw took: it is recovered by matching our output
   against every candidate, then MNIST-C is run with that parameter forced.
   Max absolute difference in grey levels (1/255), and the fraction of
   pixels differing by more than one grey level.
2. **Statistics** over independent draws, for all fifteen: mean and standard
   deviation of the output pixels, mean absolute change per image, and the
   random parameter's distribution where it has one (MNIST-C's as drawn,
   ours as recovered).

It needs a Python with MNIST-C's requirements and skmnistnoise importable::

    apt-get install imagemagick libmagickwand-dev
    python3 -m venv /tmp/mnistc-venv
    /tmp/mnistc-venv/bin/pip install wand opencv-python-headless pillow \\
        scikit-image scipy numpy scikit-learn
    git clone https://github.com/google-research/mnist-c /tmp/mnist-c
    PYTHONPATH=. /tmp/mnistc-venv/bin/python benchmarks/mnistc_check.py \\
        /tmp/mnist-c --data-home ../shared/data/mnist

The tests do not need it (tests/test_corruptions.py checks the corruptions
against scikit-image where MNIST-C calls it).
"""

import argparse
import contextlib
import os
import time
from pathlib import Path

import numpy as np

from skmnistnoise.corruptions import CORRUPTIONS, MNISTCorruption
from skmnistnoise.datasets import fetch_mnist

#: Minimal edits that let MNIST-C's code of 2019 run with today's libraries:
#: (what, old text, new text). Each must be found.
PATCHES = [
    (
        "scipy.ndimage.interpolation is gone",
        "from scipy.ndimage.interpolation import map_coordinates",
        "from scipy.ndimage import map_coordinates",
    ),
    (
        "pkg_resources is gone (used by frost only, not one of the fifteen)",
        "from pkg_resources import resource_filename",
        "resource_filename = None",
    ),
    (
        "read the matrix beside corruptions.py, not in the working directory",
        'with open("pessimal_noise_matrix", "rb") as f:',
        "with open(os.path.join(os.path.dirname(__file__), "
        '"pessimal_noise_matrix"), "rb") as f:',
    ),
    ("np.float_ is gone (NumPy 2)", "np.float_", "np.float64"),
    ("np.int is gone (NumPy 1.24)", "np.int(", "int("),
    (
        "scikit-image's multichannel=True is now channel_axis=-1 (same effect)",
        "multichannel=True",
        "channel_axis=-1",
    ),
    (
        "scikit-image 0.21 changed AffineTransform(shear=c) from the matrix "
        "[[1, -sin c], [0, cos c]] to [[1, -tan c], [0, 1]]: the 2019 one",
        "transform.AffineTransform(shear=c)",
        "transform.AffineTransform(matrix=np.array("
        "[[1, -np.sin(c), 0], [0, np.cos(c), 0], [0, 0, 1.0]]))",
    ),
    (
        "the same, with the translation that keeps the centre",
        "transform.AffineTransform(shear=c, translation=[a3, b3])",
        "transform.AffineTransform(matrix=np.array("
        "[[1, -np.sin(c), a3], [0, np.cos(c), b3], [0, 0, 1.0]]))",
    ),
]

DETERMINISTIC = ("scale", "brightness", "stripe", "canny_edges")
LEVEL = 1 / 255


def load_mnistc(folder):
    """MNIST-C's corruptions.py from ``folder``, patched, as a namespace dict."""
    path = Path(folder) / "corruptions.py"
    source = path.read_text()
    for what, old, new in PATCHES:
        if old not in source:
            raise SystemExit(f"patch not applicable ({what}): {old!r} not found")
        source = source.replace(old, new)
    namespace = {"__file__": str(path), "__name__": "mnistc_corruptions"}
    exec(compile(source, str(path), "exec"), namespace)
    return namespace


@contextlib.contextmanager
def forced(np_random_name, values):
    """``np.random.<name>`` returns ``values`` one by one while inside."""
    real = getattr(np.random, np_random_name)
    queue = list(values)
    setattr(np.random, np_random_name, lambda *args, **kwargs: queue.pop(0))
    try:
        yield
    finally:
        setattr(np.random, np_random_name, real)


@contextlib.contextmanager
def recorded(log):
    """Record what np.random's choice, uniform and randint return while inside."""
    names = ("choice", "uniform", "randint")
    reals = {name: getattr(np.random, name) for name in names}

    def wrap(name):
        def call(*args, **kwargs):
            value = reals[name](*args, **kwargs)
            log.append((name, value))
            return value

        return call

    for name in names:
        setattr(np.random, name, wrap(name))
    try:
        yield
    finally:
        for name, real in reals.items():
            setattr(np.random, name, real)


class Reference:
    """MNIST-C's functions on [0, 1] digits: 8-bit PIL images in, [0, 1] out."""

    def __init__(self, namespace):
        self.ns = namespace
        from PIL import Image

        self.image = Image.fromarray

    def __call__(self, name, digit, **force):
        grey = np.round(digit * 255).astype(np.uint8)
        with contextlib.ExitStack() as stack:
            for np_name, values in force.items():
                stack.enter_context(forced(np_name, values))
            out = self.ns[name](self.image(grey))
        return np.asarray(out, dtype=float) / 255


# -- pixel by pixel ---------------------------------------------------------------


def differences(ref, ours):
    diff = np.abs(np.asarray(ref) - np.asarray(ours))
    return diff.max() / LEVEL, float((diff > LEVEL).mean())


def _best(candidates, target):
    """Index of the candidate closest to target (largest absolute difference)."""
    return int(
        np.argmin(np.abs(candidates - target).reshape(len(candidates), -1).max(1))
    )


def match_signs(reference, name, X, Y, n_signs):
    """MNIST-C at the sign(s) closest to ours, and the recovered signs."""
    combos = [np.array(s) for s in np.ndindex(*(2,) * n_signs)]
    combos = [2 * c - 1 for c in combos]
    outs, signs = [], []
    for x, y in zip(X, Y, strict=True):
        cands = np.stack([reference(name, x, choice=[c.copy()]) for c in combos])
        k = _best(cands, y)
        outs.append(cands[k])
        signs.append(combos[k])
    return np.stack(outs), np.array(signs)


def match_lines(reference, name, X, Y):
    """MNIST-C's dotted line or zigzag at the rows recovered from ours."""
    blank = np.zeros((28, 28))
    if name == "dotted_line":
        params = [(r0, r1) for r0 in range(27) for r1 in range(27)]
        force = [{"randint": [np.array(p)]} for p in params]
    else:
        params = [(r0, rise) for r0 in range(27) for rise in range(-5, 5)]
        force = [{"randint": list(p)} for p in params]
    patterns = np.stack([reference(name, blank, **f) for f in force])
    outs, found = [], []
    for x, y in zip(X, Y, strict=True):
        k = _best(np.clip(x + patterns, 0, 1), y)
        outs.append(reference(name, x, **force[k]))
        found.append(params[k])
    return np.stack(outs), np.array(found)


def motion_patterns():
    """ImageMagick's motion-blur taps for every distinct effect of the angle.

    The 21 taps land on ``(ceil(i cos a - 0.5), ceil(i sin a - 0.5))``: as the
    angle sweeps (-45, 45) degrees they take a few hundred distinct layouts.
    Returns one angle in the middle of each layout's interval and the taps.
    """
    angles = np.linspace(-45, 45, 180_001)[1:-1]
    i = np.arange(21)
    rad = np.deg2rad(angles)[:, None]
    taps = np.stack([np.ceil(i * np.cos(rad) - 0.5), np.ceil(i * np.sin(rad) - 0.5)])
    taps = taps.astype(int).transpose(1, 0, 2).reshape(len(angles), -1)
    _, first, inverse = np.unique(taps, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    middle = np.array(
        [angles[inverse == k].mean() for k in range(len(first))], dtype=float
    )
    return middle, taps[first].reshape(len(first), 2, 21)


def match_motion(reference, X, Y):
    """MNIST-C's motion blur at the angle whose taps reproduce ours."""
    angles, taps = motion_patterns()
    i = np.arange(21)
    weights = np.exp(-(i**2) / 18.0)
    weights /= weights.sum()
    rows, cols = np.mgrid[:28, :28]
    outs, found = [], []
    for x, y in zip(X, Y, strict=True):
        r = np.clip(rows[None, None] + taps[:, 1, :, None, None], 0, 27)
        c = np.clip(cols[None, None] + taps[:, 0, :, None, None], 0, 27)
        blurred = np.tensordot(x[r, c], weights, axes=([1], [0]))
        k = _best(np.floor(np.floor(blurred * 255 * 257 + 0.5) / 257) / 255, y)
        outs.append(reference("motion_blur", x, uniform=[angles[k]]))
        found.append(angles[k])
    return np.stack(outs), np.array(found)


def todays_shear(X, signs):
    """MNIST-C's shear as it runs unpatched on today's scikit-image."""
    from skimage import transform

    out = []
    for x, sign in zip(X, signs, strict=True):
        c = 0.4 * sign[0]
        aff = transform.AffineTransform(shear=c)
        (a1, a2), (b1, b2) = aff.params[0, :2], aff.params[1, :2]
        t = [13.5 * (1 - a1 - a2), 13.5 * (1 - b1 - b2)]
        aff = transform.AffineTransform(shear=c, translation=t)
        out.append(np.clip(transform.warp(x, inverse_map=aff), 0, 1))
    return np.stack(out)


def pixel_table(reference, X, seed):
    rows, params = [], {}
    for name in CORRUPTIONS:
        step = MNISTCorruption(name, random_state=seed, apply_to="both")
        Y = step.fit_transform(X)
        if name in DETERMINISTIC:
            R = np.stack([reference(name, x) for x in X])
            rows.append((name, "directly", *differences(R, Y)))
        elif name in ("shear", "rotate", "translate"):
            n_signs = 2 if name == "translate" else 1
            R, signs = match_signs(reference, name, X, Y, n_signs)
            params[name] = signs
            rows.append((name, "at our direction", *differences(R, Y)))
            if name == "shear":
                today = todays_shear(X, signs)
                rows.append(
                    ("shear, today's skimage", "its effect", *differences(today, Y))
                )
        elif name in ("dotted_line", "zigzag"):
            R, found = match_lines(reference, name, X, Y)
            params[name] = found
            rows.append((name, "at our rows", *differences(R, Y)))
        elif name == "motion_blur":
            R, found = match_motion(reference, X, Y)
            params[name] = found
            rows.append((name, "at our angle", *differences(R, Y)))
    return rows, params


# -- statistics -------------------------------------------------------------------


def describe(name, draws):
    """One line on the random parameter, from the draws of MNIST-C or ours."""
    if name in ("shear", "rotate"):
        return f"+ {np.mean(np.ravel(draws) > 0):.2f}"
    if name == "translate":
        d = np.asarray(draws).reshape(-1, 2)
        return f"+ {np.mean(d[:, 0] > 0):.2f} / {np.mean(d[:, 1] > 0):.2f}"
    if name == "motion_blur":
        return f"{np.mean(draws):+.1f} sd {np.std(draws):.1f} deg"
    if name in ("dotted_line", "zigzag"):
        d = np.asarray(draws, dtype=float).reshape(-1, 2)
        return f"{d[:, 0].mean():.1f}, {d[:, 1].mean():+.1f}"
    return ""


def mnistc_draws(name, log):
    values = [np.ravel(v) for _, v in log]
    if name in ("shear", "rotate", "motion_blur"):
        return np.concatenate(values)
    if name == "translate":
        return np.stack(values)
    if name == "dotted_line":
        return np.stack(values)
    if name == "zigzag":
        flat = np.concatenate(values)
        return np.stack([flat[0::2], flat[1::2]], 1)
    return None


def statistics_table(reference, X, seed, params):
    rows = []
    # MNIST-C draws from NumPy's global state (its impulse noise excepted:
    # today's scikit-image draws from a generator of its own, unseeded).
    np.random.seed(seed)  # noqa: NPY002
    for name in CORRUPTIONS:
        log = []
        with recorded(log):
            R = np.stack([reference(name, x) for x in X])
        step = MNISTCorruption(name, random_state=seed + 1, apply_to="both")
        Y = step.fit_transform(X)
        theirs = mnistc_draws(name, log)
        param = ""
        if theirs is not None and name in params:
            param = f"{describe(name, theirs)} | {describe(name, params[name])}"
        # Mean absolute change per image, and the standard error of the
        # difference of the two means.
        change_r = np.abs(R - X).mean(axis=(1, 2))
        change_y = np.abs(Y - X).mean(axis=(1, 2))
        se = np.sqrt((change_r.var(ddof=1) + change_y.var(ddof=1)) / len(X))
        rows.append(
            (
                name,
                f"{R.mean():.3f} | {Y.mean():.3f}",
                f"{R.std():.3f} | {Y.std():.3f}",
                f"{change_r.mean():.3f} | {change_y.mean():.3f}",
                f"{change_y.mean() - change_r.mean():+.4f} ({se:.4f})",
                param,
            )
        )
    return rows


def rst_table(header, rows):
    cells = [header] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    rule = "  ".join("=" * w for w in widths)
    lines = [rule, "  ".join(h.ljust(w) for h, w in zip(header, widths)), rule]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells[1:]]
    return "\n".join([*lines, rule])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mnistc", help="folder of MNIST-C's checkout (corruptions.py)")
    parser.add_argument("--data-home", default=os.environ.get("SKMNISTNOISE_DATA"))
    parser.add_argument("--n", type=int, default=200, help="test digits (200)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    import warnings

    warnings.simplefilter("ignore")  # MNIST-C silences its own warnings too
    reference = Reference(load_mnistc(args.mnistc))
    X = fetch_mnist(data_home=args.data_home, subset="test").data[: args.n]
    X = X.reshape(-1, 28, 28).astype(np.float64)
    print("MNIST-C, patched in memory for today's libraries:")
    for what, _, _ in PATCHES:
        print(f"  - {what}")

    start = time.perf_counter()
    rows, params = pixel_table(reference, X, args.seed)
    print(f"\nPixel by pixel, the first {args.n} MNIST test digits (grey levels):\n")
    print(
        rst_table(
            ["corruption", "compared", "max |diff|", "pixels > 1 level"],
            [(n, how, f"{m:.2g}", f"{f:.4f}") for n, how, m, f in rows],
        )
    )
    print(
        f"\nStatistics over independent draws, MNIST-C | ours, {args.n} digits "
        "(pixels in [0, 1]):\n"
    )
    print(
        rst_table(
            ["corruption", "mean", "std", "change", "difference (se)", "parameter"],
            statistics_table(reference, X, args.seed, params),
        )
    )
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
