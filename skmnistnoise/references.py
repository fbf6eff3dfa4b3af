"""Published numbers to compare with, under their true names, with their protocol.

:data:`NOTEBOOKS_MNIST` holds the two notebooks' printed test accuracies (one
unseeded run each). The rest are certified accuracies on MNIST.

Randomized smoothing (Cohen, Rosenfeld and Kolter, 2019) has no MNIST results
in its paper. The MNIST anchors everyone compares with are **Jeong and Shin
(2020)'s reproduction of Cohen et al.'s Gaussian-augmentation baseline**:
a LeNet trained 90 epochs with Gaussian noise of the smoothing sigma,
certified with ``n0=100``, ``n=100,000``, ``alpha=0.001``, pixels in [0, 1],
the mean of 5 seeds, computed from the certification logs they published
(``jh-jeong/smoothing-consistency``, ``data/certify/mnist/cohen``).

Each table maps the smoothing sigma to ``{L2 radius: certified accuracy}``;
radii they do not report are left out (a curve is certified only up to
``sigma * Phi^-1(alpha ** (1 / n))``, 3.81 sigma at ``n=100,000``).

Examples
--------
>>> from skmnistnoise.references import GAUSSIAN_MNIST_500
>>> GAUSSIAN_MNIST_500[0.5][1.5]
0.656
"""

__all__ = [
    "NOTEBOOKS_MNIST",
    "GAUSSIAN_MNIST_500",
    "GAUSSIAN_MNIST_10000",
    "PROTOCOL",
    "RADII_500",
    "STRONGER_RECIPES",
]

#: The notebooks' test accuracy after the last epoch, one unseeded run each,
#: ``{(model, noise): {scale: accuracy}}``: the ConvNet notebook (12 epochs,
#: pixels in [0, 1], one model re-fitted through the scales in order) and the
#: MLP notebook (20 epochs, noise on standardised pixels).
NOTEBOOKS_MNIST = {
    ("convnet", "additive"): {
        0.0: 0.9918, 0.1: 0.9920, 0.5: 0.9730, 1.0: 0.8462, 2.0: 0.5058, 4.0: 0.2539,
    },
    ("convnet", "multiplicative"): {
        0.0: 0.9926, 0.1: 0.9815, 0.5: 0.9830, 1.0: 0.9842, 2.0: 0.9846, 4.0: 0.9861,
    },
    ("mlp", "additive"): {
        0.0: 0.9852, 0.1: 0.9823, 0.5: 0.9754, 1.0: 0.9562, 2.0: 0.8881, 4.0: 0.6524,
    },
}  # fmt: skip

#: How the certified reference numbers were computed (both tables).
PROTOCOL = {
    "source": (
        "Jeong and Shin (2020), reproduction of Cohen et al. (2019)'s "
        "Gaussian-augmentation baseline"
    ),
    "model": "LeNet",
    "epochs": 90,
    "n0": 100,
    "n": 100_000,
    "alpha": 0.001,
    "seeds": 5,
    "pixels": "[0, 1]",
}

#: The radii of the 500-image table (L2, pixels in [0, 1]).
RADII_500 = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)

#: Certified accuracy on the 500 MNIST test images whose index % 20 == 0
#: (Cohen et al.'s certification protocol), mean of 5 seeds.
GAUSSIAN_MNIST_500 = {
    0.25: {0.0: 0.989, 0.25: 0.973, 0.5: 0.954, 0.75: 0.910},
    0.5: {0.0: 0.984, 0.25: 0.968, 0.5: 0.956, 0.75: 0.933, 1.0: 0.890, 1.5: 0.656},
    1.0: {
        0.0: 0.954,
        0.25: 0.929,
        0.5: 0.900,
        0.75: 0.860,
        1.0: 0.794,
        1.5: 0.586,
        2.0: 0.316,
    },
}


def _grid(values):
    return {round(0.25 * i, 2): v for i, v in enumerate(values)}


#: Certified accuracy on all 10,000 MNIST test images, every 0.25 in radius,
#: mean of 5 seeds (the stronger table).
GAUSSIAN_MNIST_10000 = {
    0.25: _grid((0.993, 0.985, 0.967, 0.931)),
    0.5: _grid((0.992, 0.983, 0.969, 0.943, 0.898, 0.820, 0.678, 0.449)),
    1.0: _grid(
        (0.963, 0.944, 0.914, 0.868, 0.799, 0.710, 0.595, 0.461, 0.325, 0.196, 0.109)
    ),
}

#: Stronger training recipes on the same protocol (LeNet, 90 epochs,
#: ``n=100,000``): certified accuracy on the 500 images at r = 1.5 for
#: sigma 0.5 and at r = 2.0 for sigma 1.0, as ``{recipe: {sigma: {r: acc}}}``.
STRONGER_RECIPES = {
    "Gaussian (Cohen et al.)": {0.5: {1.5: 0.656}, 1.0: {2.0: 0.316}},
    "consistency, m=2 (Jeong and Shin 2020)": {0.5: {1.5: 0.770}, 1.0: {2.0: 0.410}},
    "MACER": {0.5: {1.5: 0.713}, 1.0: {2.0: 0.391}},
    "SmoothAdv": {0.5: {1.5: 0.803}, 1.0: {2.0: 0.430}},
    "SmoothAdv + consistency": {0.5: {1.5: 0.806}, 1.0: {2.0: 0.451}},
    "SmoothMix": {0.5: {1.5: 0.802}, 1.0: {2.0: 0.445}},
}
