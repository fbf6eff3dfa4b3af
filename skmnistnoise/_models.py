"""Keras graph builders for the two networks of the study.

Each builder reads the input shape and the number of classes from SciKeras's
fitted metadata (``meta``), never from a hard-coded 784 or 10, and compiles the
model with the compile arguments SciKeras routed to it.
"""

import math

import keras

from ._training import ConsistencySequential, layer_dtype

__all__ = ["build_mlp", "build_convnet", "resolve_image_shape"]


def resolve_image_shape(input_shape, image_shape=None):
    """Return the ``(height, width, channels)`` shape the ConvNet reshapes rows to.

    Parameters
    ----------
    input_shape : tuple of int
        Shape of one sample as the classifier received it: ``(n_features,)``
        for flat rows, ``(h, w)`` or ``(h, w, c)`` for images.
    image_shape : tuple of int or None, default=None
        ``(h, w)`` or ``(h, w, c)``; None infers a square one-channel image
        from flat rows.

    Returns
    -------
    shape : tuple of int
        ``(h, w, c)``.

    Raises
    ------
    ValueError
        If the samples have more than 3 dimensions, or the shape cannot be
        inferred or does not match the input size.

    Examples
    --------
    >>> resolve_image_shape((784,))
    (28, 28, 1)
    >>> resolve_image_shape((64,))
    (8, 8, 1)
    >>> resolve_image_shape((12,), image_shape=(3, 4))
    (3, 4, 1)
    """
    input_shape = tuple(int(d) for d in input_shape)
    if len(input_shape) > 3:
        raise ValueError(
            "ConvNetClassifier takes X of shape (n_samples, n_features), "
            "(n_samples, height, width) or (n_samples, height, width, channels); "
            f"got samples of shape {input_shape}."
        )
    n_features = math.prod(input_shape)
    if image_shape is None:
        if len(input_shape) == 3:
            return input_shape
        if len(input_shape) == 2:
            return (*input_shape, 1)
        side = math.isqrt(n_features)
        if side * side != n_features:
            raise ValueError(
                f"ConvNetClassifier cannot reshape {n_features} features into a "
                "square image; pass image_shape=(height, width) or "
                "(height, width, channels)."
            )
        return (side, side, 1)
    shape = tuple(int(d) for d in image_shape)
    if len(shape) == 2:
        shape = (*shape, 1)
    if len(shape) != 3 or min(shape) < 1 or math.prod(shape) != n_features:
        raise ValueError(
            f"The 'image_shape' parameter {tuple(image_shape)!r} does not fit "
            f"samples of {n_features} features."
        )
    return shape


def _softmax_output(n_classes, dtype):
    """The output layers: Dense softmax, its softmax in float32 when mixed.

    In a mixed policy the Dense layer computes bfloat16 logits and a float32
    softmax follows (Keras's advice: the probabilities and the loss stay
    float32); in float32 it is the one Dense softmax layer it always was.
    """
    if dtype is None:
        return [keras.layers.Dense(n_classes, activation="softmax")]
    return [
        keras.layers.Dense(n_classes, dtype=dtype),
        keras.layers.Activation("softmax", dtype="float32"),
    ]


def _sequential(layers, name, consistency):
    """A ``keras.Sequential``, or a :class:`ConsistencySequential` if regularised."""
    if consistency is None or tuple(consistency) == (1, 0.0, 0.0):
        return keras.Sequential(layers, name=name)
    return ConsistencySequential(layers, name=name, consistency=consistency)


def _compile(model, compile_kwargs, jit_compile, steps_per_execution=1):
    kwargs = dict(compile_kwargs)
    if not kwargs.get("metrics"):
        kwargs["metrics"] = ["accuracy"]
    if keras.backend.backend() == "torch":
        steps_per_execution = 1  # the only value the PyTorch backend takes
    kwargs.setdefault("steps_per_execution", steps_per_execution)
    model.compile(**kwargs, jit_compile=jit_compile)
    return model


def build_mlp(
    meta,
    compile_kwargs,
    *,
    hidden_layer_sizes=(512, 512),
    activation="relu",
    dropout=0.2,
    jit_compile=False,
    steps_per_execution=1,
    precision="float32",
    consistency=None,
):
    """Build the MLP notebook's network: Dense-Dropout blocks and a softmax.

    The defaults give Dense 512 relu, Dropout .2, Dense 512 relu, Dropout .2,
    Dense n_classes softmax: 669,706 parameters on 784 features and 10 classes.

    Parameters
    ----------
    meta : dict
        SciKeras metadata; reads ``X_shape_`` and ``n_classes_``.
    compile_kwargs : dict
        Arguments for ``Model.compile`` (optimizer, loss, metrics).
    hidden_layer_sizes : tuple of int, default=(512, 512)
        Units of the hidden Dense layers.
    activation : str, default="relu"
        Activation of the hidden layers.
    dropout : float, default=0.2
        Dropout rate after every hidden layer (0 for none).
    jit_compile : bool, default=False
        XLA compilation (slower on CPU, see benchmarks/README.md).
    steps_per_execution : int, default=1
        Training steps per call of Keras's compiled function; more cut the
        per-step cost of Keras without changing any number (the PyTorch
        backend takes only 1).
    precision : {"float32", "bfloat16"}, default="float32"
        ``"bfloat16"``: every layer in Keras's ``mixed_bfloat16`` policy
        (bfloat16 arithmetic, float32 weights) and the softmax in float32.
        Set on the layers, never as Keras's global policy.
    consistency : (int, float, float) or None, default=None
        ``(m, lambda, eta)`` of Jeong and Shin's consistency loss (a
        :class:`~skmnistnoise._training.ConsistencySequential`); None or
        ``(1, 0, 0)``: a plain ``keras.Sequential``.

    Returns
    -------
    model : keras.Model
        The compiled model.

    Examples
    --------
    >>> model = build_mlp({"X_shape_": (1, 784), "n_classes_": 10},
    ...                   {"optimizer": "adam", "loss": "categorical_crossentropy"})
    >>> model.count_params()
    669706
    """
    dtype = layer_dtype(precision)
    input_shape = tuple(meta["X_shape_"][1:])
    layers = [keras.Input(shape=input_shape)]
    if len(input_shape) > 1:
        layers.append(keras.layers.Flatten(dtype=dtype))
    for units in hidden_layer_sizes:
        layers.append(keras.layers.Dense(units, activation=activation, dtype=dtype))
        if dropout:
            layers.append(keras.layers.Dropout(dropout, dtype=dtype))
    layers += _softmax_output(meta["n_classes_"], dtype)
    return _compile(
        _sequential(layers, "mlp", consistency),
        compile_kwargs,
        jit_compile,
        steps_per_execution,
    )


def build_convnet(
    meta,
    compile_kwargs,
    *,
    image_shape=None,
    filters=(32, 64),
    kernel_size=3,
    pool_size=2,
    pooling="last",
    dense_units=128,
    dropout=(0.25, 0.5),
    activation="relu",
    jit_compile=False,
    precision="float32",
    consistency=None,
):
    """Build the ConvNet notebook's network (Keras's ``mnist_cnn``).

    The defaults give Conv2D 32 3x3 relu, Conv2D 64 3x3 relu, MaxPool 2x2,
    Dropout .25, Flatten, Dense 128 relu, Dropout .5, Dense n_classes softmax:
    1,199,882 parameters on 28x28 images and 10 classes. Flat rows are reshaped
    to images inside the model.

    Parameters
    ----------
    meta : dict
        SciKeras metadata; reads ``X_shape_`` and ``n_classes_``.
    compile_kwargs : dict
        Arguments for ``Model.compile`` (optimizer, loss, metrics).
    image_shape : tuple of int or None, default=None
        See :func:`resolve_image_shape`.
    filters : tuple of int, default=(32, 64)
        Filters of the convolution layers, one layer per entry.
    kernel_size : int, default=3
        Side of the convolution kernels.
    pool_size : int, default=2
        Side of the max-pooling window.
    pooling : {"last", "each"}, default="last"
        Where the max-pooling goes: once, after the last convolution (the
        notebook's network), or after each convolution (LeNet's layout).
    dense_units : int, default=128
        Units of the hidden Dense layer.
    dropout : (float, float), default=(0.25, 0.5)
        Dropout after the pooling and after the hidden Dense layer.
    activation : str, default="relu"
        Activation of the hidden layers.
    jit_compile : bool, default=False
        XLA compilation (slower on CPU, see benchmarks/README.md).
    precision : {"float32", "bfloat16"}, default="float32"
        ``"bfloat16"``: every layer in Keras's ``mixed_bfloat16`` policy
        (bfloat16 arithmetic, float32 weights) and the softmax in float32.
        Set on the layers, never as Keras's global policy.
    consistency : (int, float, float) or None, default=None
        ``(m, lambda, eta)`` of Jeong and Shin's consistency loss (a
        :class:`~skmnistnoise._training.ConsistencySequential`); None or
        ``(1, 0, 0)``: a plain ``keras.Sequential``.

    Returns
    -------
    model : keras.Model
        The compiled model.

    Examples
    --------
    >>> model = build_convnet({"X_shape_": (1, 784), "n_classes_": 10},
    ...                       {"optimizer": "adam", "loss": "categorical_crossentropy"})
    >>> model.count_params()
    1199882
    """
    dtype = layer_dtype(precision)
    input_shape = tuple(meta["X_shape_"][1:])
    shape = resolve_image_shape(input_shape, image_shape)
    layers = [keras.Input(shape=input_shape)]
    if input_shape != shape:
        layers.append(keras.layers.Reshape(shape, dtype=dtype))
    for i, n_filters in enumerate(filters):
        layers.append(
            keras.layers.Conv2D(
                n_filters, kernel_size, activation=activation, dtype=dtype
            )
        )
        if pooling == "each" or i == len(filters) - 1:
            layers.append(keras.layers.MaxPooling2D(pool_size, dtype=dtype))
    first_dropout, second_dropout = dropout
    if first_dropout:
        layers.append(keras.layers.Dropout(first_dropout, dtype=dtype))
    layers.append(keras.layers.Flatten(dtype=dtype))
    layers.append(keras.layers.Dense(dense_units, activation=activation, dtype=dtype))
    if second_dropout:
        layers.append(keras.layers.Dropout(second_dropout, dtype=dtype))
    layers += _softmax_output(meta["n_classes_"], dtype)
    return _compile(
        _sequential(layers, "convnet", consistency), compile_kwargs, jit_compile
    )
