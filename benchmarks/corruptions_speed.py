"""Images per second of MNIST-C's fifteen corruptions, batch against one at a time.

For each corruption, :class:`~skmnistnoise.corruptions.MNISTCorruption`
transforms the 10,000 MNIST test images in one call (the batch, vectorised),
and, side by side in the same process, two references process one image at a
time in a Python loop over ``--n-loop`` images (default 200):

* ``transform`` called on one image at a time: the same code, per image,
  with the transformer's per-call checks;
* MNIST-C's own function (``--mnistc``, a checkout of
  https://github.com/google-research/mnist-c; needs its requirements, see
  ``benchmarks/mnistc_check.py``, which patches it for today's libraries).

The goal: all fifteen corruptions of the 10,000 test images in under a
minute on two cores. Run::

    python benchmarks/corruptions_speed.py --data-home ../shared/data/mnist
    PYTHONPATH=. /tmp/mnistc-venv/bin/python benchmarks/corruptions_speed.py \\
        --mnistc /tmp/mnist-c --data-home ../shared/data/mnist

The machine may be shared: the load average is printed before and after.
"""

import argparse
import os
import time

import numpy as np

from skmnistnoise.corruptions import CORRUPTIONS, MNISTCorruption
from skmnistnoise.datasets import fetch_mnist

#: The goal for all fifteen corruptions of the 10,000 test images, seconds.
GOAL_S = 60.0


def time_batch(name, X, seed=0):
    """Seconds to corrupt all of X in one ``transform`` call."""
    step = MNISTCorruption(name, random_state=seed).fit(X[:1])
    start = time.perf_counter()
    step.transform(X)
    return time.perf_counter() - start


def time_loop(name, X, seed=0):
    """Seconds to corrupt X one image per ``transform`` call."""
    step = MNISTCorruption(name, random_state=seed).fit(X[:1])
    start = time.perf_counter()
    for x in X:
        step.transform(x[None])
    return time.perf_counter() - start


def time_mnistc(function, X):
    """Seconds for MNIST-C's function over X, one 8-bit PIL image at a time."""
    from PIL import Image

    images = [Image.fromarray(np.round(x * 255).astype(np.uint8)) for x in X]
    start = time.perf_counter()
    for image in images:
        function(image)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-home", default=os.environ.get("SKMNISTNOISE_DATA"))
    parser.add_argument("--n", type=int, default=10_000, help="batch size (10,000)")
    parser.add_argument("--n-loop", type=int, default=200, help="loop size (200)")
    parser.add_argument("--mnistc", help="folder of MNIST-C's checkout")
    args = parser.parse_args(argv)

    X = fetch_mnist(data_home=args.data_home, subset="test").data[: args.n]
    X = X.reshape(-1, 28, 28)  # float32 in [0, 1]
    mnistc = None
    if args.mnistc:
        import warnings

        from mnistc_check import load_mnistc  # a sibling script

        warnings.simplefilter("ignore")
        mnistc = load_mnistc(args.mnistc)
        np.random.seed(0)  # noqa: NPY002 - MNIST-C draws from the global state

    print(f"load average before: {os.getloadavg()[0]:.1f}")
    header = (
        f"{'corruption':<14} {'batch s':>8} {'batch img/s':>12} "
        f"{'loop img/s':>11} {'speed-up':>9}"
    )
    if mnistc:
        header += f" {'MNIST-C img/s':>14} {'speed-up':>9}"
    print(header)
    total = 0.0
    loop_X = X[: args.n_loop]
    for name in CORRUPTIONS:
        batch = time_batch(name, X)
        loop = time_loop(name, loop_X)
        total += batch
        rate, loop_rate = len(X) / batch, len(loop_X) / loop
        line = (
            f"{name:<14} {batch:8.2f} {rate:12,.0f} {loop_rate:11,.0f} "
            f"{rate / loop_rate:8.0f}x"
        )
        if mnistc:
            ref_rate = len(loop_X) / time_mnistc(mnistc[name], loop_X)
            line += f" {ref_rate:14,.0f} {rate / ref_rate:8.0f}x"
        print(line, flush=True)
    met = "met" if total < GOAL_S else "NOT met"
    print(
        f"all fifteen, {len(X):,} images: {total:.1f} s (goal < {GOAL_S:.0f} s: {met})"
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
