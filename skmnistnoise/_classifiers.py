"""SciKeras classifiers whose defaults are the notebooks' networks and training."""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions

from ._checks import check_positive_ints, check_rates
from ._keras_classifier import _NETWORK_CONSTRAINTS, _NoiseStudyClassifier

# Re-exported: fits pickled before the split name the label encoder here, and
# the tests read the prediction batch size here.
from ._keras_classifier import PREDICT_BATCH_SIZE as PREDICT_BATCH_SIZE
from ._keras_classifier import _OneHotLabelEncoder as _OneHotLabelEncoder
from ._models import build_convnet, build_mlp
from ._training import mlp_steps_per_execution

__all__ = ["MLPClassifier", "ConvNetClassifier"]


class MLPClassifier(_NoiseStudyClassifier):
    """The MLP notebook's multilayer perceptron as a scikit-learn classifier.

    With the defaults this is exactly the notebook's network and training:
    Dense 512 relu, Dropout .2, Dense 512 relu, Dropout .2, Dense softmax
    (669,706 parameters on 784 features and 10 classes), adam, categorical
    cross-entropy, batch 128, 20 epochs. Input size and class count come from
    the data.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(512, 512)
        Units of the hidden Dense layers.
    activation : str, default="relu"
        Activation of the hidden layers.
    dropout : float, default=0.2
        Dropout rate after every hidden layer.
    optimizer : str or keras.optimizers.Optimizer, default="adam"
        Optimizer; ``optimizer__learning_rate=...`` sets its arguments.
    loss : str, default="categorical_crossentropy"
        Loss; SciKeras one-hot encodes the labels for it.
    batch_size : int, default=128
        Samples per gradient step; predictions run in batches of at least
        512 rows (same numbers, faster) unless ``predict__batch_size`` is set.
    epochs : int, default=20
        Passes over the training data.
    train_noise : noise transformer or None, default=None
        If given, e.g. ``GaussianNoise(scale=1.0)``, the training data get new
        noise from it every epoch (augmentation with per-epoch redraws), seeded
        from ``random_state`` when the transformer has no seed of its own.
    consistency_m : int, default=1
        Noisy copies of each training image per step (Jeong and Shin 2020's
        m; needs ``train_noise``). A step takes ``batch_size // m`` images in
        m copies each, so it costs what a plain step costs and an epoch has m
        times the steps. The loss is the mean cross-entropy over the copies,
        plus ``consistency_lambda`` times the mean over copies of
        KL(mean prediction || copy's prediction), plus ``consistency_eta``
        times the entropy of the mean prediction. 1 with both weights 0 (the
        defaults): plain training. ``recipe_params("consistency", ...)``
        gives the paper's MNIST setting.
    consistency_lambda : float, default=0.0
        Weight of the KL term (needs ``consistency_m >= 2``).
    consistency_eta : float, default=0.0
        Weight of the entropy term.
    precision : {"float32", "bfloat16"}, default="float32"
        ``"bfloat16"``: Keras's ``mixed_bfloat16`` policy on this network's
        layers only (bfloat16 arithmetic; weights, loss and softmax in
        float32, so ``predict_proba`` is float32). Faster only where the
        hardware has bfloat16 units; elsewhere a warning, once per process.
    jit_compile : bool or "auto", default=False
        XLA compilation. Off by default: a seeded fit turns on TF op
        determinism, under which Keras does not compile with XLA anyway, and
        on a CPU XLA is slower (benchmarks/README.md); on a GPU, ``True`` or
        ``"auto"`` may be faster for unseeded fits.
    random_state : int or None, default=None
        Seeds weights, dropout, shuffling and ``train_noise``: the same seed
        gives the same predictions. None: a new network every fit.
    verbose : int, default=0
        Keras's progress output.
    **kwargs : dict
        Other SciKeras parameters (``callbacks``, ``shuffle``, ``class_weight``,
        ``validation_batch_size``, routed ``optimizer__*``...).

    Attributes
    ----------
    model_ : keras.Model
        The trained network.
    history_ : dict of list
        Per-epoch ``loss`` and ``accuracy`` (and ``val_loss``, ``val_accuracy``
        when ``validation_data`` was given to ``fit``).
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`, when X has string column names.

    See Also
    --------
    ConvNetClassifier : The ConvNet notebook's network.

    Notes
    -----
    Input is refused with a ``ValueError`` that names it, in ``fit`` and
    ``predict``: X with NaN or infinite values (noise added to NaN stays NaN,
    and one NaN makes every loss and weight NaN), 1-D or empty X, X and y of
    different lengths, y of a single class, and at prediction X whose sample
    shape differs from the training data's. Image stacks ``(n, h, w)`` are
    flattened by the network. Labels may be of any type, strings included:
    ``predict`` returns them. After ``fit``, X of any real dtype is taken (a
    network fitted on float32 predicts on float64 or integers, cast); a
    DataFrame's column names are kept in ``feature_names_in_`` and checked as
    scikit-learn does; ``partial_fit`` refuses classes the network has no
    output for, naming them; NaN or infinite probabilities (a network that
    overflowed or diverged) are an error, not a prediction.

    Parameters are checked by ``fit``, ``partial_fit`` and ``initialize``
    before anything is built: a value of the wrong type or out of range (say
    ``epochs=0`` or ``dropout=1.0``) raises an ``InvalidParameterError`` (a
    ``ValueError``) that names the parameter and the value.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skmnistnoise import MLPClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = MLPClassifier(epochs=2, random_state=0).fit(X / 16, y)
    >>> clf.model_.count_params(), len(clf.history_["accuracy"])
    (301066, 2)
    >>> bool(clf.score(X / 16, y) > 0.8)
    True
    """

    _parameter_constraints: dict = {
        **_NETWORK_CONSTRAINTS,
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        *,
        hidden_layer_sizes=(512, 512),
        activation="relu",
        dropout=0.2,
        optimizer="adam",
        loss="categorical_crossentropy",
        batch_size=128,
        epochs=20,
        train_noise=None,
        consistency_m=1,
        consistency_lambda=0.0,
        consistency_eta=0.0,
        precision="float32",
        jit_compile=False,
        random_state=None,
        verbose=0,
        **kwargs,
    ):
        super().__init__(
            optimizer=optimizer,
            loss=loss,
            batch_size=batch_size,
            epochs=epochs,
            train_noise=train_noise,
            consistency_m=consistency_m,
            consistency_lambda=consistency_lambda,
            consistency_eta=consistency_eta,
            precision=precision,
            jit_compile=jit_compile,
            random_state=random_state,
            verbose=verbose,
            **kwargs,
        )
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout

    def _check_architecture(self):
        check_positive_ints(
            self.hidden_layer_sizes,
            "hidden_layer_sizes",
            type(self).__name__,
            allow_empty=True,
        )

    def _keras_build_fn(self, meta, compile_kwargs):
        return build_mlp(
            meta,
            compile_kwargs,
            hidden_layer_sizes=self.hidden_layer_sizes,
            activation=self.activation,
            dropout=self.dropout,
            jit_compile=self.jit_compile,
            steps_per_execution=mlp_steps_per_execution(
                meta["X_shape_"][0], self.batch_size
            ),
            **self._build_kwargs(),
        )


class ConvNetClassifier(_NoiseStudyClassifier):
    """The ConvNet notebook's network (Keras's ``mnist_cnn``) as a classifier.

    With the defaults this is exactly the notebook's network and training:
    Conv2D 32 3x3 relu, Conv2D 64 3x3 relu, MaxPool 2x2, Dropout .25, Flatten,
    Dense 128 relu, Dropout .5, Dense softmax (1,199,882 parameters on 28x28
    images and 10 classes), adam, categorical cross-entropy, batch 128,
    12 epochs. It takes flat rows and reshapes them to square images inside the
    model, so it runs on MNIST's 784 features and on the 8x8 digits alike.

    Parameters
    ----------
    image_shape : tuple of int or None, default=None
        ``(h, w)`` or ``(h, w, c)`` of the images in a row; None infers a
        square one-channel image, or takes the shape of image input.
    filters : tuple of int, default=(32, 64)
        Filters of the convolution layers.
    kernel_size : int, default=3
        Side of the convolution kernels.
    pool_size : int, default=2
        Side of the max-pooling window.
    pooling : {"last", "each"}, default="last"
        One max-pooling after the last convolution (the notebook's network), or
        one after each convolution (LeNet's layout: with ``filters=(20, 50)``,
        ``kernel_size=5``, ``dense_units=500`` and no dropout, the LeNet of
        Jeong and Shin's MNIST certification runs,
        :data:`~skmnistnoise.experiment.LENET`).
    dense_units : int, default=128
        Units of the hidden Dense layer.
    dropout : (float, float), default=(0.25, 0.5)
        Dropout after the pooling and after the hidden Dense layer.
    activation : str, default="relu"
        Activation of the hidden layers.
    optimizer : str or keras.optimizers.Optimizer, default="adam"
        Optimizer; ``optimizer__learning_rate=...`` sets its arguments.
    loss : str, default="categorical_crossentropy"
        Loss; SciKeras one-hot encodes the labels for it.
    batch_size : int, default=128
        Samples per gradient step; predictions run in batches of at least
        512 rows (same numbers, faster) unless ``predict__batch_size`` is set.
    epochs : int, default=12
        Passes over the training data.
    train_noise : noise transformer or None, default=None
        Fresh noise on the training data every epoch; see :class:`MLPClassifier`.
    consistency_m : int, default=1
        Noisy copies per training image; see :class:`MLPClassifier`.
    consistency_lambda, consistency_eta : float, default=0.0
        Weights of the consistency loss; see :class:`MLPClassifier`.
    precision : {"float32", "bfloat16"}, default="float32"
        Arithmetic of the layers; see :class:`MLPClassifier`.
    jit_compile : bool or "auto", default=False
        XLA compilation. Off by default: a seeded fit turns on TF op
        determinism, under which Keras does not compile with XLA anyway, and
        on a CPU XLA is about 7x slower (benchmarks/README.md); on a GPU,
        ``True`` or ``"auto"`` may be faster for unseeded fits.
    random_state : int or None, default=None
        Seeds weights, dropout, shuffling and ``train_noise``.
    verbose : int, default=0
        Keras's progress output.
    **kwargs : dict
        Other SciKeras parameters.

    Attributes
    ----------
    model_ : keras.Model
        The trained network.
    history_ : dict of list
        Per-epoch ``loss`` and ``accuracy`` (and ``val_loss``, ``val_accuracy``
        when ``validation_data`` was given to ``fit``).
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`, when X has string column names.

    See Also
    --------
    MLPClassifier : The MLP notebook's network.

    Notes
    -----
    Input is refused as by :class:`MLPClassifier` (NaN or infinite values, 1-D
    or empty X, X and y of different lengths, a single class), and also flat
    rows that are not a square image when ``image_shape`` is None, and samples
    of more than 3 dimensions.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skmnistnoise import ConvNetClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = ConvNetClassifier(epochs=3, random_state=0).fit(X / 16, y)
    >>> clf.model_.count_params()
    53002
    >>> bool(clf.score(X / 16, y) > 0.8)
    True
    """

    #: ``pooling`` came after results were stored: "last" keys as before it.
    _KEY_DEFAULTS = {**_NoiseStudyClassifier._KEY_DEFAULTS, "pooling": "last"}

    _parameter_constraints: dict = {
        **_NETWORK_CONSTRAINTS,
        "image_shape": [None, "array-like"],
        "filters": ["array-like", Interval(Integral, 1, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "pool_size": [Interval(Integral, 1, None, closed="left")],
        "pooling": [StrOptions({"last", "each"})],
        "dense_units": [Interval(Integral, 1, None, closed="left")],
        "dropout": ["array-like"],
    }

    def __init__(
        self,
        *,
        image_shape=None,
        filters=(32, 64),
        kernel_size=3,
        pool_size=2,
        pooling="last",
        dense_units=128,
        dropout=(0.25, 0.5),
        activation="relu",
        optimizer="adam",
        loss="categorical_crossentropy",
        batch_size=128,
        epochs=12,
        train_noise=None,
        consistency_m=1,
        consistency_lambda=0.0,
        consistency_eta=0.0,
        precision="float32",
        jit_compile=False,
        random_state=None,
        verbose=0,
        **kwargs,
    ):
        super().__init__(
            optimizer=optimizer,
            loss=loss,
            batch_size=batch_size,
            epochs=epochs,
            train_noise=train_noise,
            consistency_m=consistency_m,
            consistency_lambda=consistency_lambda,
            consistency_eta=consistency_eta,
            precision=precision,
            jit_compile=jit_compile,
            random_state=random_state,
            verbose=verbose,
            **kwargs,
        )
        self.image_shape = image_shape
        self.filters = filters
        self.kernel_size = kernel_size
        self.pool_size = pool_size
        self.pooling = pooling
        self.dense_units = dense_units
        self.dropout = dropout
        self.activation = activation

    def _check_architecture(self):
        owner = type(self).__name__
        if self.image_shape is not None:
            shape = check_positive_ints(self.image_shape, "image_shape", owner)
            if len(shape) not in (2, 3):
                raise ValueError(
                    f"The 'image_shape' parameter of {owner} must be (height, width) "
                    f"or (height, width, channels). Got {self.image_shape!r} instead."
                )
        check_positive_ints(self.filters, "filters", owner)
        check_rates(self.dropout, "dropout", owner, 2)

    def _keras_build_fn(self, meta, compile_kwargs):
        return build_convnet(
            meta,
            compile_kwargs,
            image_shape=self.image_shape,
            filters=self.filters,
            kernel_size=self.kernel_size,
            pool_size=self.pool_size,
            pooling=self.pooling,
            dense_units=self.dense_units,
            dropout=self.dropout,
            activation=self.activation,
            jit_compile=self.jit_compile,
            **self._build_kwargs(),
        )
