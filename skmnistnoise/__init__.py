"""skmnistnoise: measure how image classifiers degrade under noise, with scikit-learn.

The noise study of the MNIST notebooks as ordinary scikit-learn: noise
transformers for a ``Pipeline``, SciKeras classifiers whose defaults are the
notebooks' networks, loaders for MNIST and Fashion-MNIST, and sweeps over the
noise scale with their tables, figures, reports and a command line.
"""

from ._classifiers import ConvNetClassifier, MLPClassifier
from ._noise import GaussianNoise, ImpulseNoise, ShotNoise
from ._preprocessing import GlobalStandardScaler

__version__ = "0.1.0"

__all__ = [
    "ConvNetClassifier",
    "GaussianNoise",
    "GlobalStandardScaler",
    "ImpulseNoise",
    "MLPClassifier",
    "ShotNoise",
    "__version__",
]
