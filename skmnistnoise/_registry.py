"""The study's names: its models, noises, protocols and scales, and their pipelines.

:func:`make_noise` turns a noise name, or the name of one of MNIST-C's
corruptions, into its transformer and :func:`make_study_pipeline` builds the
pipeline of one arm of the study. This module imports no Keras: the
classifier classes are imported when a pipeline is built, so naming things
(the command line's choices, the figures' labels) loads no TensorFlow.
"""

import numpy as np
from sklearn.pipeline import Pipeline

from ._corruptions import SCALABLE, SEVERITY_BOUNDS
from ._keras_runtime import is_keras_estimator
from ._noise import GaussianNoise, ImpulseNoise, ShotNoise, _BaseNoise
from ._preprocessing import GlobalStandardScaler
from .corruptions import CORRUPTIONS, MNISTCorruption

__all__ = [
    "CORRUPTIONS",
    "DATASET_CLASSES",
    "LENET",
    "MODEL_NAMES",
    "MODELS",
    "NOISES",
    "NOISE_FORMULAS",
    "NOTEBOOK_SCALES",
    "PROTOCOLS",
    "SEVERITIES",
    "describe_model",
    "describe_noise",
    "make_noise",
    "make_smoother",
    "make_study_pipeline",
    "severity_scale",
]

#: The study's models: the MLP notebook's network and the ConvNet notebook's.
MODELS = ("mlp", "convnet")
#: Their names in tables and figures ("lenet": :data:`LENET`).
MODEL_NAMES = {"mlp": "MLP", "convnet": "ConvNet", "lenet": "LeNet"}
#: The LeNet of the published MNIST certification runs (Cohen et al.'s protocol
#: as reproduced by Jeong and Shin 2020, :mod:`skmnistnoise.references`), as
#: :class:`~skmnistnoise.ConvNetClassifier` parameters: Conv2D 20 5x5 relu,
#: MaxPool 2x2, Conv2D 50 5x5 relu, MaxPool 2x2, Dense 500 relu, Dense softmax
#: (431,080 parameters on MNIST), no dropout. ``ConvNetClassifier(**LENET)``
#: is another network than the notebook's ConvNet, with a sixth of its
#: multiply-adds per image.
LENET = {
    "filters": (20, 50),
    "kernel_size": 5,
    "pooling": "each",
    "dense_units": 500,
    "dropout": (0.0, 0.0),
}
#: The noise models of :func:`make_noise`, by name.
NOISES = ("additive", "multiplicative", "speckle", "impulse", "shot")
#: What each noise does to a pixel x at scale s, in words for figures.
NOISE_FORMULAS = {
    "additive": "x + N(0, s)",
    "multiplicative": "x · N(0, s)",
    "speckle": "x · N(1, s)",
    "impulse": "salt and pepper, fraction s",
    "shot": "Poisson, 1/s photons",
}
#: Where the noise sits: on [0, 1] pixels for both models ("pixel"), or as in
#: the notebooks, after the MLP's standardisation ("notebooks"); and as the
#: ConvNet notebook did, one model trained on through the scales in order
#: ("notebooks-reused", the notebooks' pipelines).
PROTOCOLS = ("pixel", "notebooks", "notebooks-reused")
#: The notebooks' noise scales, 0 (the no-noise baseline) included.
NOTEBOOK_SCALES = (0.0, 0.1, 0.5, 1.0, 2.0, 4.0)
#: Classes of the bundled datasets (chance level is one over it).
DATASET_CLASSES = {"digits": 10, "mnist": 10, "fashion-mnist": 10}


#: ImageNet-C's five severities (Hendrycks and Dietterich, 2019; the
#: ``imagecorruptions`` package uses the same), as this toolkit's scales, on
#: pixels in [0, 1]: Gaussian sigma, speckle sigma (``x + x * N(0, c)``),
#: the salt-and-pepper amount, and for shot noise ``1 / c`` with c = 60, 25,
#: 12, 5 and 3 photons.
SEVERITIES = {
    "additive": (0.08, 0.12, 0.18, 0.26, 0.38),
    "speckle": (0.15, 0.2, 0.35, 0.45, 0.6),
    "impulse": (0.03, 0.06, 0.09, 0.17, 0.27),
    "shot": tuple(1 / c for c in (60, 25, 12, 5, 3)),
}


def severity_scale(noise, severity):
    """The scale of ImageNet-C's severity ``1..5`` of a noise.

    Examples
    --------
    >>> severity_scale("additive", 3), round(severity_scale("shot", 1), 4)
    (0.18, 0.0167)
    """
    if noise not in SEVERITIES:
        raise ValueError(
            f"The 'severity' parameter needs a noise with published severities "
            f"({', '.join(SEVERITIES)}); got noise {noise!r}."
        )
    if isinstance(severity, bool) or severity not in (1, 2, 3, 4, 5):
        raise ValueError(
            f"The 'severity' parameter must be an int from 1 to 5; got {severity!r}."
        )
    return SEVERITIES[noise][int(severity) - 1]


def make_noise(
    noise="additive",
    scale=0.0,
    *,
    severity=None,
    clip=None,
    random_state=None,
    apply_to=None,
):
    """The noise transformer of a named noise model or MNIST-C corruption.

    Parameters
    ----------
    noise : str, default="additive"
        A noise model of :data:`NOISES`: ``"additive"``: ``x + N(0, s)``.
        ``"multiplicative"``: the ConvNet notebook's ``x * N(0, s)``.
        ``"speckle"``: ``x * N(1, s)``. ``"impulse"``: salt-and-pepper with
        amount ``s``. ``"shot"``: Poisson noise with ``1 / s`` photons (so
        larger is noisier, as for the others; ``s = 0`` is the identity).
        Or one of MNIST-C's fifteen corruptions,
        :data:`~skmnistnoise.corruptions.CORRUPTIONS` (``"fog"``,
        ``"glass_blur"``, ...), on 28 x 28 digits with pixels in [0, 1]:
        an :class:`~skmnistnoise.corruptions.MNISTCorruption` whose
        ``scale`` is its severity (see ``scale``).
    scale : float, default=0.0
        The severity, in the noise's own units (ignored with ``severity``).
        For a corruption, the multiplier of its magnitude: 1 is MNIST-C's own
        setting, 0 no corruption (the clean baseline of a sweep), 2 twice
        MNIST-C's magnitude. The corruptions without a magnitude
        (``glass_blur``, ``stripe``, ``spatter``, ``dotted_line``,
        ``zigzag``, ``canny_edges``) apply MNIST-C's setting at any scale
        above 0: sweep them over ``[0, 1]``.
    severity : {1, 2, 3, 4, 5} or None, default=None
        ImageNet-C's severity instead of a scale (:data:`SEVERITIES`; not for
        ``"multiplicative"``, which no benchmark defines, nor for MNIST-C's
        corruptions, which have one setting each). As those benchmarks do,
        the images are taken as pixels in [0, 1] and the noisy ones are
        clipped to [0, 1] unless ``clip`` says otherwise.
    clip : (low, high) or None, default=None
        Clip the noisy images; None: no clipping, or (0, 1) with ``severity``.
        A corruption always clips to [0, 1]: it takes only None or (0, 1).
    random_state : int or None, default=None
        Seed of the noise.
    apply_to : {"both", "train", "test"} or None, default=None
        Which data get the noise. None: ``"both"`` for a noise model (the
        notebooks noised the training and the test images) and ``"test"``
        for a corruption (MNIST-C's protocol: a model trained on clean
        digits, tested on corrupted ones).

    Returns
    -------
    transformer : GaussianNoise, ImpulseNoise, ShotNoise or MNISTCorruption

    Examples
    --------
    >>> make_noise("speckle", 0.5)
    GaussianNoise(mode='multiplicative', scale=0.5)
    >>> make_noise("additive", severity=5)
    GaussianNoise(clip=(0.0, 1.0), scale=0.38)

    A corruption's scale is its severity; it corrupts the test data only:

    >>> fog = make_noise("fog", 1.0, random_state=0)
    >>> fog.corruption, fog.scale, fog.apply_to
    ('fog', 1.0, 'test')
    """
    if noise in CORRUPTIONS:
        return _make_corruption(noise, scale, severity, clip, random_state, apply_to)
    if severity is not None:
        scale = severity_scale(noise, severity)
        clip = (0.0, 1.0) if clip is None else clip
    apply_to = "both" if apply_to is None else apply_to
    common = {"clip": clip, "random_state": random_state, "apply_to": apply_to}
    if noise == "additive":
        return GaussianNoise(scale=scale, **common)
    if noise == "multiplicative":
        return GaussianNoise(scale=scale, mode="multiplicative", mean=0.0, **common)
    if noise == "speckle":
        return GaussianNoise(scale=scale, mode="multiplicative", **common)
    if noise == "impulse":
        return ImpulseNoise(amount=scale, **common)
    if noise == "shot":
        return _ShotScale(scale=scale, **common)
    raise ValueError(
        f"The 'noise' parameter must be one of {NOISES} or of MNIST-C's "
        f"corruptions {CORRUPTIONS}; got {noise!r}."
    )


def _make_corruption(corruption, scale, severity, clip, random_state, apply_to):
    """The :class:`_CorruptionScale` of :func:`make_noise`, its arguments checked."""
    if severity is not None:
        raise ValueError(
            f"The 'severity' parameter takes ImageNet-C's severities of a noise "
            f"({', '.join(SEVERITIES)}); MNIST-C's corruption {corruption!r} has "
            f"one setting, scale=1 (a scale multiplies its magnitude). Got "
            f"severity={severity!r}."
        )
    if clip is not None and tuple(clip) != (0.0, 1.0):
        raise ValueError(
            f"MNIST-C's corruption {corruption!r} always clips to [0, 1]: the "
            f"'clip' parameter must be None or (0, 1); got {clip!r}."
        )
    return _CorruptionScale(
        corruption,
        scale=scale,
        random_state=random_state,
        apply_to="test" if apply_to is None else apply_to,
    )


class _ShotScale(ShotNoise):
    """ShotNoise parametrised by ``scale = 1 / photons`` (0: no noise), for sweeps."""

    _parameter_constraints: dict = {
        k: v for k, v in ShotNoise._parameter_constraints.items() if k != "photons"
    }
    _parameter_constraints["scale"] = list(
        GaussianNoise._parameter_constraints["scale"]
    )

    def __init__(self, scale=0.0, *, clip=None, apply_to="both", random_state=None):
        self.scale = scale
        self.clip = clip
        self.apply_to = apply_to
        self.random_state = random_state

    @property
    def photons(self):
        return 1.0 / self.scale if self.scale else np.inf

    def _is_identity(self):
        return self.scale == 0


class _CorruptionScale(MNISTCorruption):
    """MNISTCorruption parametrised by ``scale``, its severity (0: none), for sweeps.

    ``scale`` multiplies the corruption's magnitude (1: MNIST-C's setting);
    a corruption without a magnitude applies MNIST-C's setting at any scale
    above 0. ``noise__scale`` is what the sweeps vary, as for the noises.
    """

    _parameter_constraints: dict = {
        k: v
        for k, v in MNISTCorruption._parameter_constraints.items()
        if k != "severity"
    }
    _parameter_constraints["scale"] = list(
        GaussianNoise._parameter_constraints["scale"]
    )

    def __init__(
        self, corruption="shot_noise", *, scale=1.0, random_state=None, apply_to="test"
    ):
        self.corruption = corruption
        self.scale = scale
        self.random_state = random_state
        self.apply_to = apply_to

    @property
    def severity(self):
        """MNISTCorruption's severity: the scale where the corruption has one."""
        if not self.scale or self.corruption not in SCALABLE:
            return None
        return float(self.scale)

    def _validate_severity(self):
        severity = self.severity
        if severity is not None and self.corruption in SEVERITY_BOUNDS:
            within, bound = SEVERITY_BOUNDS[self.corruption]
            if not within(severity):
                raise ValueError(
                    f"The 'scale' parameter is {self.scale!r} for corruption "
                    f"{self.corruption!r}, its severity: {bound}."
                )

    def _apply(self, X, *, draw, active):
        return super()._apply(X, draw=draw, active=active and self.scale > 0)


def make_study_pipeline(
    model="convnet",
    noise="additive",
    *,
    scale=0.0,
    protocol="pixel",
    epochs=None,
    random_state=None,
    apply_to=None,
    clip=None,
    **classifier_params,
):
    """The pipeline of one arm of the study: preprocessing, noise, classifier.

    Parameters
    ----------
    model : {"mlp", "convnet"}
        :class:`MLPClassifier` or :class:`ConvNetClassifier`, with the
        notebooks' defaults.
    noise : str, default="additive"
        A noise model or one of MNIST-C's corruptions; see :func:`make_noise`.
    scale : float, default=0.0
        Noise scale (swept by :func:`noise_sweep` as ``noise__scale``); for
        a corruption its severity (1: MNIST-C's setting, 0: clean).
    protocol : {"pixel", "notebooks", "notebooks-reused"}, default="pixel"
        ``"pixel"``: noise on [0, 1] pixels for both models, so their scales
        agree. ``"notebooks"``: as the notebooks did, the MLP standardises its
        input (:class:`GlobalStandardScaler`) before the noise, so its scale is
        in standard deviations of the pixels. ``"notebooks-reused"`` builds
        the same pipeline (the re-use of one model is the sweep's:
        ``run_study(protocol="notebooks-reused")``). A corruption acts on
        [0, 1] pixels under every protocol: with the notebooks' MLP it comes
        before the scaler (steps ``"noise", "scale", "clf"``), which
        standardises the corrupted test images with the clean training
        images' mean and standard deviation.
    epochs : int or None, default=None
        Training epochs; None keeps the model's default (MLP 20, ConvNet 12).
    random_state : int or None, default=None
        Seed of the noise and of the classifier.
    apply_to : {"both", "train", "test"} or None, default=None
        Which data get the noise; None: ``"both"`` for a noise model,
        ``"test"`` for a corruption (see :func:`make_noise`).
    clip : (low, high) or None, default=None
        Clip the noisy images (e.g. ``(0, 1)``, as ImageNet-C and MNIST-C do).
    **classifier_params : dict
        More parameters of the classifier.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Steps ``["scale"], "noise", "clf"`` (``"noise", ["scale"], "clf"``
        for a corruption).

    Examples
    --------
    >>> pipe = make_study_pipeline("mlp", protocol="notebooks", epochs=2)
    >>> [name for name, _ in pipe.steps], pipe["clf"].epochs
    (['scale', 'noise', 'clf'], 2)
    >>> pipe = make_study_pipeline("mlp", "fog", scale=1, protocol="notebooks")
    >>> [name for name, _ in pipe.steps], pipe["noise"].apply_to
    (['noise', 'scale', 'clf'], 'test')
    """
    if model not in MODELS:
        raise ValueError(
            f"The 'model' parameter must be one of {MODELS}; got {model!r}."
        )
    if protocol not in PROTOCOLS:
        raise ValueError(
            f"The 'protocol' parameter must be one of {PROTOCOLS}; got {protocol!r}."
        )
    from . import _classifiers  # Keras: imported only to build a network

    cls = (
        _classifiers.MLPClassifier if model == "mlp" else _classifiers.ConvNetClassifier
    )
    if epochs is not None:
        classifier_params["epochs"] = epochs
    clf = cls(random_state=random_state, **classifier_params)
    noisy = make_noise(
        noise, scale, clip=clip, random_state=random_state, apply_to=apply_to
    )
    steps = [("noise", noisy)]
    if model == "mlp" and protocol.startswith("notebooks"):
        # Noise after the standardisation, as the notebook; a corruption
        # takes [0, 1] pixels, so it comes first.
        scaler = ("scale", GlobalStandardScaler())
        steps = [*steps, scaler] if noise in CORRUPTIONS else [scaler, *steps]
    steps.append(("clf", clf))
    return Pipeline(steps)


def make_smoother(model, **params):
    """The smoothed classifier of a certification study, for one of the models.

    The model's network with ``train_noise=GaussianNoise()`` (fresh noise
    every epoch) inside a :class:`NoiseAveragedClassifier` smoothing with
    ``GaussianNoise()``; :func:`~skmnistnoise.experiment.certify_study` sets
    both scales to each sigma.

    Parameters
    ----------
    model : {"mlp", "convnet"}
    **params : dict
        Parameters of the network (``epochs``, ``dropout``, ...).

    Returns
    -------
    smoother : NoiseAveragedClassifier
        Unfitted.

    Examples
    --------
    >>> from skmnistnoise.experiment import make_smoother
    >>> smoother = make_smoother("mlp", epochs=5)
    >>> type(smoother.estimator).__name__, smoother.estimator.epochs
    ('MLPClassifier', 5)
    >>> from skmnistnoise.experiment import smoothing_param_names
    >>> smoothing_param_names(smoother)  # certify_study sets these to each sigma
    ['noise__scale', 'estimator__train_noise__scale']
    """
    from . import _averaging, _classifiers  # Keras: imported to build a network

    if model not in MODELS:
        raise ValueError(
            f"The 'model' parameter must be one of {MODELS}; got {model!r}."
        )
    cls = (
        _classifiers.ConvNetClassifier
        if model == "convnet"
        else _classifiers.MLPClassifier
    )
    network = cls(train_noise=GaussianNoise(), **params)
    return _averaging.NoiseAveragedClassifier(network, noise=GaussianNoise())


def noise_step(estimator):
    """(index, transformer) of the first noise step of a pipeline, or (None, None).

    A noise step is a noise transformer or an MNIST-C corruption.
    """
    if isinstance(estimator, Pipeline):
        for i, (_, step) in enumerate(estimator.steps):
            if isinstance(step, _BaseNoise | MNISTCorruption):
                return i, step
    return None, None


def describe_noise(transformer):
    """The study's name of a noise transformer (see :func:`make_noise`)."""
    if transformer is None:
        return "none"
    if isinstance(transformer, MNISTCorruption):
        return transformer.corruption
    if isinstance(transformer, GaussianNoise):
        if transformer.mode == "additive":
            return "additive"
        mean = 1.0 if transformer.mean is None else transformer.mean
        return "speckle" if mean == 1 else "multiplicative"
    if isinstance(transformer, ImpulseNoise):
        return "impulse"
    if isinstance(transformer, ShotNoise):
        return "shot"
    return type(transformer).__name__


def noise_scale(transformer):
    for name in ("scale", "amount"):
        if hasattr(transformer, name):
            return float(getattr(transformer, name))
    if isinstance(transformer, MNISTCorruption):  # severity None: MNIST-C's, 1
        return 1.0 if transformer.severity is None else float(transformer.severity)
    return float("nan")


def describe_model(estimator):
    """The study's name of a pipeline's classifier: "mlp", "convnet" or its class.

    A network trained in bfloat16 is named with a ``-bf16`` suffix
    ("convnet-bf16"), so that two precisions in one table stay two models.
    """
    final = estimator[-1] if isinstance(estimator, Pipeline) else estimator
    # Only a SciKeras estimator can be one of the study's networks; Keras is
    # loaded by then, and the classifiers' module costs nothing more.
    if is_keras_estimator(final):
        from ._classifiers import ConvNetClassifier, MLPClassifier

        suffix = "-bf16" if getattr(final, "precision", None) == "bfloat16" else ""
        if type(final) is MLPClassifier:
            return "mlp" + suffix
        if type(final) is ConvNetClassifier:
            return "convnet" + suffix
    return type(final).__name__


def pixel_scale(fitted, noise_index, scale):
    """The noise scale in the units of the pipeline's input (pixels in [0, 1])."""
    factor = 1.0
    for _, step in fitted.steps[:noise_index]:
        if isinstance(step, GlobalStandardScaler):
            factor *= step.scale_
        else:
            return float("nan")
    noise = fitted.steps[noise_index][1]
    if isinstance(noise, GaussianNoise) and noise.mode == "additive":
        return scale * factor
    return scale  # multiplicative noise and impulse amounts are unit-free


def set_severity(noise, value):
    """Set a noise transformer's severity, whatever its parameter is called."""
    name = "scale" if "scale" in noise.get_params() else "amount"
    return noise.set_params(**{name: value})
