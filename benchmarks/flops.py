"""Count the multiply-adds of a Keras model, to turn a training time into GFLOP/s.

Only the layers that do the arithmetic count: ``Conv2D`` (one multiply-add per
output value and kernel tap and input channel) and ``Dense`` (one per input
and unit). Activations, pooling, dropout and the optimizer are ignored; they
are a few percent of the notebook's ConvNet. Training costs about three
forward passes (the forward pass, the gradient with respect to the inputs and
the one with respect to the weights), so::

    training FLOPs per sample = 3 * 2 * forward multiply-adds

which is the usual count behind "GFLOP/s of training".
"""

import math

__all__ = ["forward_macs", "train_flops_per_sample"]

#: Forward and backward pass cost about three forward passes.
TRAIN_FORWARD_RATIO = 3


def _layer_macs(layer):
    """Multiply-adds of one layer for one sample, from its config and shapes."""
    kind = type(layer).__name__
    if kind == "Dense":
        return int(layer.input.shape[-1]) * int(layer.units)
    if kind == "Conv2D":
        if layer.data_format == "channels_first":
            in_channels = int(layer.input.shape[1])
            out_spatial = layer.output.shape[2:]
        else:
            in_channels = int(layer.input.shape[-1])
            out_spatial = layer.output.shape[1:-1]
        taps = math.prod(layer.kernel_size) * in_channels // layer.groups
        return math.prod(int(d) for d in out_spatial) * int(layer.filters) * taps
    return 0


def forward_macs(model):
    """Multiply-adds of one forward pass of one sample through ``model``.

    Parameters
    ----------
    model : keras.Model
        A built model (Sequential or functional) of ``Dense`` and ``Conv2D``
        layers and layers without arithmetic weights.

    Returns
    -------
    macs : int
        Multiply-adds per sample.

    Examples
    --------
    >>> import keras
    >>> model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])
    >>> forward_macs(model)
    7840
    """
    return sum(_layer_macs(layer) for layer in model.layers)


def train_flops_per_sample(model):
    """Floating-point operations to train ``model`` on one sample (3x forward).

    Parameters
    ----------
    model : keras.Model
        A built model.

    Returns
    -------
    flops : int
        ``3 * 2 * forward_macs(model)``.
    """
    return TRAIN_FORWARD_RATIO * 2 * forward_macs(model)
