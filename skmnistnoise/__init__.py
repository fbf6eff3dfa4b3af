"""skmnistnoise: measure how image classifiers degrade under noise, with scikit-learn.

The noise study of the MNIST notebooks as ordinary scikit-learn: noise
transformers for a ``Pipeline``, SciKeras classifiers whose defaults are the
notebooks' networks, loaders for MNIST and Fashion-MNIST, and sweeps over the
noise scale with their tables, figures, reports and a command line.

The public names are imported on first use, so ``from skmnistnoise import
GaussianNoise`` does not load TensorFlow, and the command line can quiet
TensorFlow's logging before it loads.
"""

import importlib
import os

__version__ = "0.3.0.dev0"

# TensorFlow's C++ logging, unless the user chose a level: before any module of
# the package imports TensorFlow (TF reads the variable once, at its import).
# Level 3 keeps only fatal messages: level 2 still prints one harmless
# "E0000 ... NodeDef mentions attribute use_unbounded_threadpool" line per fit
# (a tf.data graph rewrite inside TensorFlow 2.18 and later). Errors that stop
# a computation still reach the user as Python exceptions with TF's message;
# ``TF_CPP_MIN_LOG_LEVEL=0`` shows everything, e.g. why no GPU was found.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

_PUBLIC = {
    "ConvNetClassifier": "._classifiers",
    "cpu_description": "._environment",
    "cpu_flags": "._environment",
    "library_versions": "._environment",
    "show_versions": "._environment",
    "GaussianNoise": "._noise",
    "GlobalStandardScaler": "._preprocessing",
    "ImpulseNoise": "._noise",
    "MLPClassifier": "._classifiers",
    "NoiseAveragedClassifier": "._averaging",
    "PixelUnitsWarning": "._noise",
    "ShotNoise": "._noise",
}

__all__ = [*sorted(_PUBLIC), "__version__"]


# Moved in 0.3 to their one home, skmnistnoise.metrics.
_MOVED = {
    "average_certified_radius": "skmnistnoise.metrics",
    "certified_accuracy": "skmnistnoise.metrics",
}


def __getattr__(name):
    if name in _MOVED:
        import warnings

        warnings.warn(
            f"skmnistnoise.{name} is deprecated in 0.3 and will be removed in 0.4; "
            f"use {_MOVED[name]}.{name} instead.",
            FutureWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(_MOVED[name]), name)
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *__all__})
