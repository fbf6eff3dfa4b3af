"""The random number generators a fit draws from, and seeding each of them.

A fit that a sweep, a study or a certification runs with seed ``k`` is
seeded in every framework it trains:

* numpy, through every step's ``random_state`` (set to ``k`` by
  :func:`~skmnistnoise._checks.seeded`): scikit-learn's estimators, this
  package's and LightGBM's (tested) draw only through it;
* TensorFlow and Keras: SciKeras seeds them from the classifier's
  ``random_state``;
* PyTorch (a skorch net, or any estimator holding a ``torch.nn.Module``):
  torch's global generator, ``torch.manual_seed(k)`` at the start of the fit,
  and put back as it was after it (:func:`frameworks_seeded`), so that the
  calls before a fit do not move it and it moves nothing after it. torch is
  imported only for such an estimator, when torch is loaded already.

Any other step without a ``random_state`` parameter (a third-party estimator
that may draw from a global generator this package does not know) cannot be
seeded: :func:`unseeded_steps` names it, and the sweeps record its rows as
unseeded, warn once and never store them.
"""

import sys
from contextlib import contextmanager
from numbers import Integral

from ._keras_runtime import is_keras_estimator

__all__ = ["frameworks_seeded", "is_torch_estimator", "unseeded_steps"]

# Packages whose estimators draw random numbers only through random_state
# (skorch's other parts, its callbacks, draw from torch's generator).
_SEEDED_THROUGH_RANDOM_STATE = {"sklearn", "skmnistnoise", "scikeras", "skorch"}


def _package(cls):
    return cls.__module__.split(".")[0]


def _skorch_net(est):
    """Whether ``est`` is a skorch net (not one of its callbacks)."""
    return any(
        _package(c) == "skorch" and c.__name__ == "NeuralNet" for c in type(est).__mro__
    )


def _estimators_in(estimator):
    """``estimator`` and every estimator among its parameters, deep."""
    found = [estimator]
    for value in estimator.get_params(deep=True).values():
        if hasattr(value, "get_params") and not isinstance(value, type):
            found.append(value)
    return found


def _holds_torch_module(estimator):
    """Whether a parameter of ``estimator`` is a torch module, class or instance."""
    torch = sys.modules.get("torch")
    if torch is None:  # no torch module can exist
        return False
    module = torch.nn.Module
    return any(
        isinstance(v, module) or (isinstance(v, type) and issubclass(v, module))
        for v in estimator.get_params(deep=False).values()
    )


def is_torch_estimator(estimator):
    """Whether ``estimator`` (or a step of it) trains a PyTorch network.

    True for skorch's nets and for any estimator with a ``torch.nn.Module``
    (class or instance) as a parameter. torch is never imported here: an
    estimator can hold a torch module only if torch is loaded.

    Parameters
    ----------
    estimator : estimator or Pipeline

    Returns
    -------
    torch : bool

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> is_torch_estimator(LogisticRegression())
    False
    """
    return any(
        _skorch_net(est) or _holds_torch_module(est)
        for est in _estimators_in(estimator)
    )


def unseeded_steps(estimator, seed):
    """The parts of ``estimator`` that no ``random_state`` and no ``seed`` reach.

    A step's ``random_state`` left at None is the sweeps' own check (they do
    not store such fits); this names what a ``random_state`` cannot seed.

    Parameters
    ----------
    estimator : estimator or Pipeline
    seed : int or None
        The fit's seed; None leaves torch unseeded.

    Returns
    -------
    unseeded : list of str
        One entry per part, its class and what draws unseeded: a PyTorch
        model without a seed, or a third-party estimator with no
        ``random_state`` that is neither a Keras nor a PyTorch model (it may
        draw from a global generator).

    Examples
    --------
    >>> from sklearn.base import BaseEstimator, ClassifierMixin
    >>> class Draws(ClassifierMixin, BaseEstimator):
    ...     __module__ = "mylab"  # a user's own estimator
    >>> unseeded_steps(Draws(), 0)  # doctest: +ELLIPSIS
    ['Draws (no random_state, and not a Keras or PyTorch model: ...)']
    """
    out = []
    for est in _estimators_in(estimator):
        name = type(est).__name__
        if _skorch_net(est) or _holds_torch_module(est):
            if not isinstance(seed, Integral):
                out.append(f"{name} (torch's generator: no seed given)")
        elif not (
            "random_state" in est.get_params(deep=False)
            or _package(type(est)) in _SEEDED_THROUGH_RANDOM_STATE
            or is_keras_estimator(est)
        ):
            out.append(
                f"{name} (no random_state, and not a Keras or PyTorch model: "
                "it may draw from a global generator)"
            )
    return out


@contextmanager
def frameworks_seeded(estimator, seed):
    """Seed the frameworks ``estimator`` trains with ``seed`` for the block.

    For a torch model (:func:`is_torch_estimator`) and an int ``seed``:
    ``torch.manual_seed(seed)`` on entry, torch's CPU generator put back as it
    was on exit. Nothing otherwise (numpy and Keras are seeded through
    ``random_state``).

    Parameters
    ----------
    estimator : estimator or Pipeline
        What the block fits.
    seed : int or None
        None seeds nothing.
    """
    if not isinstance(seed, Integral) or not is_torch_estimator(estimator):
        yield
        return
    import torch

    state = torch.random.get_rng_state()
    torch.manual_seed(int(seed))
    try:
        yield
    finally:
        torch.random.set_rng_state(state)
