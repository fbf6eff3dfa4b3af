"""Bad input gets a clear error, and nothing else happens.

One table per entry point: the Python API (estimators, sweeps, loaders) and the
command line. Each row triggers one mistake a user makes and says the exact
exception type and a pattern its message must match, naming the parameter or
the file at fault. After every row, no file under the test's folder (data
home, result store, output folder, working directory) was created, changed or
left half-written; a command-line row must also end with exit status 2 and one
line on standard error, without a traceback.
"""

import builtins
import contextlib
import errno
import gzip
import io
import os
import re
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skmnistnoise import (
    ConvNetClassifier,
    GaussianNoise,
    GlobalStandardScaler,
    ImpulseNoise,
    MLPClassifier,
    NoiseAveragedClassifier,
    ShotNoise,
)
from skmnistnoise.cli import main
from skmnistnoise.datasets import ENV_DATA_HOME, fetch_mnist, load_dataset, load_idx
from skmnistnoise.experiment import (
    make_noise,
    make_study_pipeline,
    noise_sweep,
    robustness_matrix,
    run_study,
)

TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"


# -- what the rows need ---------------------------------------------------------------


def _tiny_mlp(**params):
    return MLPClassifier(hidden_layer_sizes=(4,), epochs=1, random_state=0, **params)


def _tiny_convnet(**params):
    return ConvNetClassifier(
        filters=(2,), dense_units=4, epochs=1, random_state=0, **params
    )


def _sweep(ctx, X=None, y=None, **params):
    """noise_sweep of a tiny seeded MLP pipeline, storing into ctx.store."""
    pipe = make_study_pipeline("mlp", epochs=1, hidden_layer_sizes=(4,), random_state=0)
    params = {"param_range": [0.0, 1.0], "cv": 2, "store": ctx.store, **params}
    return noise_sweep(
        pipe, ctx.X if X is None else X, ctx.y if y is None else y, **params
    )


def _with(X, value):
    X = X.copy()
    X[3, 5] = value
    return X


def _offline(ctx):
    def no_network(url, *args, **kwargs):
        raise urllib.error.URLError("no network")

    ctx.monkeypatch.setattr(urllib.request, "urlopen", no_network)


def _files(ctx, **files):
    """Write files into the data home's mnist folder; return that folder."""
    folder = ctx.home / "mnist"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return folder


def _fetch_test(ctx, download_if_missing=False):
    return fetch_mnist(ctx.home, subset="test", download_if_missing=download_if_missing)


def _test_labels(ctx):
    """A file in the format of MNIST's test labels: 10,000 labels, gzip'ed."""
    return gzip.compress(ctx.idx_bytes(np.arange(10_000) % 10), mtime=0)


def _truncated_labels(ctx):
    labels = _test_labels(ctx)
    _files(ctx, **{TEST_LABELS: labels[: len(labels) // 3]})


def _other_file_of_the_right_size(ctx):
    other = gzip.compress(ctx.idx_bytes(np.zeros(10_000)), mtime=0)
    _files(ctx, **{TEST_LABELS: other + bytes(4542 - len(other))})


def _three_images_two_labels(ctx):
    _files(
        ctx,
        **{
            "images.gz": gzip.compress(ctx.idx_bytes(np.zeros((3, 2, 2)))),
            "labels.gz": gzip.compress(ctx.idx_bytes(np.zeros(2))),
        },
    )


def _html_page(ctx):
    _files(ctx, **{"page.gz": b"<html>Not Found</html>"})


def _idx_header_of_2_to_the_64_values(ctx):
    # 65536**4 = 2**64 wraps to 0 in np.prod's int64: the size check passed.
    header = bytes([0, 0, 8, 4]) + (65536).to_bytes(4, "big") * 4
    _files(
        ctx,
        **{
            "huge.gz": gzip.compress(header),
            "labels.gz": gzip.compress(ctx.idx_bytes(np.zeros(2))),
        },
    )


def _no_images(ctx):
    _files(
        ctx,
        **{
            "empty.gz": gzip.compress(ctx.idx_bytes(np.zeros((0, 28, 28)))),
            "labels.gz": gzip.compress(ctx.idx_bytes(np.zeros(0))),
        },
    )


def _read_only(ctx, folder):
    """Make ``folder`` refuse new entries, as a folder without write permission.

    Emulated, so that it also holds for root (the suite's user on CI and in
    containers), whom permissions do not stop: creating a folder or a file in
    ``folder`` raises PermissionError.
    """
    folder = Path(folder).resolve()
    real_mkdir, real_os_open, real_open = os.mkdir, os.open, builtins.open

    def inside(path):
        return Path(os.fsdecode(path)).resolve().parent == folder

    def refuse(path):
        raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))

    def mkdir(path, *args, **kwargs):
        if inside(path):
            refuse(path)
        return real_mkdir(path, *args, **kwargs)

    def os_open(path, flags, *args, **kwargs):
        if flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR) and inside(path):
            refuse(path)
        return real_os_open(path, flags, *args, **kwargs)

    def open_(file, mode="r", *args, **kwargs):
        if isinstance(file, str | os.PathLike) and set(mode) & set("wxa+"):
            if inside(file):
                refuse(file)
        return real_open(file, mode, *args, **kwargs)

    ctx.monkeypatch.setattr(os, "mkdir", mkdir)
    ctx.monkeypatch.setattr(os, "open", os_open)
    ctx.monkeypatch.setattr(builtins, "open", open_)


def _data_home_read_only_offline(ctx):
    _offline(ctx)
    _read_only(ctx, ctx.home)


def _mnist_folder_read_only_offline(ctx):
    _offline(ctx)
    (ctx.home / "mnist").mkdir()
    _read_only(ctx, ctx.home / "mnist")


def _load_idx(ctx, images, labels):
    folder = ctx.home / "mnist"
    return load_idx(folder / images, folder / labels)


# (id, call(ctx), exception type, pattern the message must match[, setup(ctx)])
API_CASES = [
    # -- noise parameters, refused at fit naming the parameter and the value
    (
        "scale-negative",
        lambda ctx: GaussianNoise(scale=-1.0).fit(ctx.X),
        InvalidParameterError,
        r"'scale' parameter of GaussianNoise must be a float in the range "
        r"\[0.0, inf\)\. Got -1.0",
    ),
    (
        "scale-nan",
        lambda ctx: GaussianNoise(scale=float("nan")).fit(ctx.X),
        InvalidParameterError,
        r"'scale' parameter of GaussianNoise .* Got nan",
    ),
    (
        "scale-infinite",
        lambda ctx: GaussianNoise(scale=float("inf")).fit(ctx.X),
        InvalidParameterError,
        r"'scale' parameter of GaussianNoise .* Got inf",
    ),
    (
        "scale-string",
        lambda ctx: GaussianNoise(scale="0.5").fit(ctx.X),
        InvalidParameterError,
        r"'scale' parameter of GaussianNoise .* Got '0.5'",
    ),
    (
        "mode-unknown",
        lambda ctx: GaussianNoise(mode="gaussian").fit(ctx.X),
        InvalidParameterError,
        r"'mode' parameter of GaussianNoise must be a str among \{.*'additive'.*\}\. "
        r"Got 'gaussian'",
    ),
    (
        "clip-low-above-high",
        lambda ctx: GaussianNoise(clip=(1.0, 0.0)).fit(ctx.X),
        ValueError,
        r"'clip' parameter of GaussianNoise .* low <= high\. Got \(1.0, 0.0\)",
    ),
    (
        "impulse-amount-above-1",
        lambda ctx: ImpulseNoise(amount=1.5).fit(ctx.X),
        InvalidParameterError,
        r"'amount' parameter of ImpulseNoise .* Got 1.5",
    ),
    (
        "impulse-low-above-high",
        lambda ctx: ImpulseNoise(low=1.0, high=0.0).fit(ctx.X),
        ValueError,
        r"'low' parameter of ImpulseNoise must be <= 'high'",
    ),
    (
        "shot-photons-0",
        lambda ctx: ShotNoise(photons=0).fit(ctx.X),
        InvalidParameterError,
        r"'photons' parameter of ShotNoise .* Got 0",
    ),
    (
        "shot-negative-X",
        lambda ctx: ShotNoise().fit(ctx.X - 1),
        ValueError,
        r"Negative values in data passed to ShotNoise: it needs non-negative X",
    ),
    # -- noise that the dtype of X cannot hold: refused, never inf or NaN
    (
        "scale-beyond-float32",
        lambda ctx: GaussianNoise(scale=1e39, random_state=0).fit_transform(ctx.X),
        ValueError,
        r"The 'scale' parameter of GaussianNoise is 1e\+39, beyond the range of "
        r"float32 X \(largest value 3.4e\+38\): the noisy values would be "
        r"infinite\. Give X as float64\.",
    ),
    (
        "multiplicative-scale-beyond-float32",
        lambda ctx: GaussianNoise(
            scale=1e39, mode="multiplicative", random_state=0
        ).fit_transform(ctx.X),
        ValueError,
        r"The 'scale' parameter of GaussianNoise is 1e\+39, beyond the range of "
        r"float32 X",
    ),
    (
        "multiplicative-noise-overflows-float32",
        lambda ctx: GaussianNoise(
            scale=1e38, mode="multiplicative", random_state=0
        ).fit_transform(ctx.X * 1000),
        ValueError,
        r"GaussianNoise\(mode='multiplicative', random_state=0, scale=1e\+38\) on "
        r"float32 X \(largest \|X\| 1e\+03\) gives values beyond the range of "
        r"float32 .*infinities or NaN\. Lower the noise's parameters\. Give X as "
        r"float64\.",
    ),
    (
        "mean-beyond-float32",
        lambda ctx: GaussianNoise(mean=-1e39).fit_transform(ctx.X),
        ValueError,
        r"The 'mean' parameter of GaussianNoise is -1e\+39, beyond the range of "
        r"float32 X",
    ),
    (
        "scale-overflows-float64",
        lambda ctx: GaussianNoise(scale=1e308, random_state=0).fit_transform(
            ctx.X.astype(np.float64)
        ),
        ValueError,
        r"GaussianNoise\(random_state=0, scale=1e\+308\) on float64 X .*beyond the "
        r"range of float64 \(largest 1.8e\+308\)",
    ),
    (
        "impulse-low-beyond-float32",
        lambda ctx: ImpulseNoise(low=-1e300, random_state=0).fit_transform(ctx.X),
        ValueError,
        r"The 'low' parameter of ImpulseNoise is -1e\+300, beyond the range of "
        r"float32 X",
    ),
    (
        "shot-counts-beyond-int64",
        lambda ctx: ShotNoise(random_state=0).fit_transform(np.full((3, 4), 1e18)),
        ValueError,
        r"ShotNoise draws Poisson counts of mean X \* photons, at most 9.22e\+18: "
        r"the largest value of X, 1e\+18, with photons=60.0 gives 6e\+19",
    ),
    (
        "sweep-scale-overflows-the-network",
        lambda ctx: noise_sweep(
            make_study_pipeline("mlp", epochs=1, random_state=0),
            np.tile(ctx.X, (5, 1)),  # 300 rows: 3 steps, enough to diverge
            np.tile(ctx.y, 5),
            param_range=[1e37],
            cv=2,
            store=ctx.store,
        ),
        ValueError,
        # Was "Input contains NaN" from log_loss, after training.
        r"MLPClassifier's network computed NaN or infinite class probabilities for "
        r"X, whose largest absolute value is .*e\+37: its (training diverged|"
        r"activations overflowed)",
    ),
    (
        "train-noise-not-a-transformer",
        lambda ctx: _tiny_mlp(train_noise=0.5).fit(ctx.X, ctx.y),
        ValueError,
        r"'train_noise' parameter must be a noise transformer .* got 0.5",
    ),
    # -- classifier parameters, refused at fit before any network is built
    (
        "mlp-epochs-0",
        lambda ctx: _tiny_mlp().set_params(epochs=0).fit(ctx.X, ctx.y),
        InvalidParameterError,
        r"'epochs' parameter of MLPClassifier must be an int in the range "
        r"\[1, inf\)\. Got 0",
    ),
    (
        "mlp-batch-size-0",
        lambda ctx: _tiny_mlp(batch_size=0).fit(ctx.X, ctx.y),
        InvalidParameterError,
        r"'batch_size' parameter of MLPClassifier .* Got 0",
    ),
    (
        "mlp-dropout-1",
        lambda ctx: _tiny_mlp(dropout=1.0).fit(ctx.X, ctx.y),
        InvalidParameterError,
        r"'dropout' parameter of MLPClassifier must be a float in the range "
        r"\[0.0, 1.0\)\. Got 1.0",
    ),
    (
        "mlp-hidden-layer-0-units",
        lambda ctx: _tiny_mlp().set_params(hidden_layer_sizes=(8, 0)).fit(ctx.X, ctx.y),
        ValueError,
        r"'hidden_layer_sizes' parameter of MLPClassifier must be positive "
        r"integers\. Got \(8, 0\)",
    ),
    (
        "convnet-one-dropout-rate",
        lambda ctx: _tiny_convnet(dropout=(0.25,)).fit(ctx.X, ctx.y),
        ValueError,
        r"'dropout' parameter of ConvNetClassifier must be 2 rates in \[0, 1\)\. "
        r"Got \(0.25,\)",
    ),
    (
        "convnet-kernel-size-0",
        lambda ctx: _tiny_convnet(kernel_size=0).fit(ctx.X, ctx.y),
        InvalidParameterError,
        r"'kernel_size' parameter of ConvNetClassifier .* Got 0",
    ),
    (
        "convnet-image-shape-1d",
        lambda ctx: _tiny_convnet(image_shape=(64,)).fit(ctx.X, ctx.y),
        ValueError,
        r"'image_shape' parameter of ConvNetClassifier must be \(height, width\) "
        r"or \(height, width, channels\)\. Got \(64,\)",
    ),
    # -- X with NaN or infinity: refused everywhere (documented in Notes)
    (
        "X-nan-noise",
        lambda ctx: GaussianNoise().fit(_with(ctx.X, np.nan)),
        ValueError,
        r"Input X contains NaN",
    ),
    (
        "X-infinite-scaler",
        lambda ctx: GlobalStandardScaler().fit(_with(ctx.X, np.inf)),
        ValueError,
        r"Input X contains infinity",
    ),
    (
        "X-infinite-mlp-fit",
        lambda ctx: _tiny_mlp().fit(_with(ctx.X, -np.inf), ctx.y),
        ValueError,
        r"Input X contains infinity",
    ),
    (
        "X-nan-mlp-predict",
        lambda ctx: ctx.fitted_mlp.predict(_with(ctx.X, np.nan)),
        ValueError,
        r"Input X contains NaN",
    ),
    (
        "X-nan-noise-averaged-fit",
        lambda ctx: NoiseAveragedClassifier(_tiny_mlp()).fit(
            _with(ctx.X, np.nan), ctx.y
        ),
        ValueError,
        r"Input X contains NaN",
    ),
    (
        "X-nan-sweep-with-store",
        lambda ctx: _sweep(ctx, X=_with(ctx.X, np.nan)),
        ValueError,
        r"Input X contains NaN",
    ),
    # -- X of the wrong number of dimensions, or empty
    (
        "X-1d-noise",
        lambda ctx: GaussianNoise().fit(ctx.X[0]),
        ValueError,
        r"GaussianNoise expects X of shape \(n_samples, n_features\); got a 1-D "
        r"array of shape \(64,\)\. Reshape your data",
    ),
    (
        "X-1d-mlp-fit",
        lambda ctx: _tiny_mlp().fit(ctx.X[0], ctx.y[:1]),
        ValueError,
        r"MLPClassifier expects X of shape .*; got a 1-D array of shape \(64,\)",
    ),
    (
        "X-3d-noise",
        lambda ctx: GaussianNoise().fit(ctx.X.reshape(-1, 8, 8)),
        ValueError,
        r"GaussianNoise expects X of shape \(n_samples, n_features\); got an array "
        r"of shape \(60, 8, 8\)\. Flatten images first",
    ),
    (
        "X-4d-scaler",
        lambda ctx: GlobalStandardScaler().fit(ctx.X.reshape(-1, 8, 8, 1)),
        ValueError,
        r"GlobalStandardScaler expects X of shape \(n_samples, n_features\); got "
        r"an array of shape \(60, 8, 8, 1\)",
    ),
    (
        "X-5d-convnet",
        lambda ctx: _tiny_convnet().fit(ctx.X.reshape(-1, 8, 8, 1, 1), ctx.y),
        ValueError,
        r"ConvNetClassifier takes X of shape .*; got samples of shape \(8, 8, 1, 1\)",
    ),
    (
        "X-empty-noise",
        lambda ctx: GaussianNoise().fit(ctx.X[:0]),
        ValueError,
        r"GaussianNoise got an empty X, of shape \(0, 64\)",
    ),
    (
        "X-empty-mlp-fit",
        lambda ctx: _tiny_mlp().fit(ctx.X[:0], ctx.y[:0]),
        ValueError,
        r"MLPClassifier got an empty X, of shape \(0, 64\)",
    ),
    (
        "X-empty-sweep",
        lambda ctx: _sweep(ctx, X=ctx.X[:0], y=ctx.y[:0]),
        ValueError,
        r"noise_sweep got an empty X, of shape \(0, 64\)",
    ),
    (
        "X-no-features-scaler",
        lambda ctx: GlobalStandardScaler().fit(ctx.X[:, :0]),
        ValueError,
        r"0 feature\(s\) \(shape=\(60, 0\)\) while a minimum of 1 is required by "
        r"GlobalStandardScaler",
    ),
    # -- X and y that do not go together
    (
        "X-y-lengths-mlp",
        lambda ctx: _tiny_mlp().fit(ctx.X, ctx.y[:-1]),
        ValueError,
        r"X and y have different lengths: 60 samples and 59 labels",
    ),
    (
        "X-y-lengths-convnet",
        lambda ctx: _tiny_convnet().fit(ctx.X[:-1], ctx.y),
        ValueError,
        r"X and y have different lengths: 59 samples and 60 labels",
    ),
    (
        "X-y-lengths-noise-averaged",
        lambda ctx: NoiseAveragedClassifier(_tiny_mlp()).fit(ctx.X, ctx.y[:-1]),
        ValueError,
        r"X and y have different lengths: 60 samples and 59 labels",
    ),
    (
        "X-y-lengths-sweep",
        lambda ctx: _sweep(ctx, y=ctx.y[:-1]),
        ValueError,
        r"X and y have different lengths: 60 samples and 59 labels",
    ),
    (
        "single-class-mlp",
        lambda ctx: _tiny_mlp().fit(ctx.X, np.zeros(len(ctx.X), dtype=int)),
        ValueError,
        r"y has only one class, 0: MLPClassifier needs samples of at least 2 "
        r"classes",
    ),
    (
        "single-class-string-convnet",
        lambda ctx: _tiny_convnet().fit(ctx.X, np.full(len(ctx.X), "seven")),
        ValueError,
        r"y has only one class, 'seven': ConvNetClassifier needs",
    ),
    # -- data that do not fit the fitted estimator or the network
    (
        "features-differ-noise",
        lambda ctx: GaussianNoise().fit(ctx.X).transform(ctx.X[:, :10]),
        ValueError,
        r"X has 10 features, but GaussianNoise is expecting 64 features",
    ),
    (
        "features-differ-scaler",
        lambda ctx: GlobalStandardScaler().fit(ctx.X).transform(ctx.X[:, :10]),
        ValueError,
        r"X has 10 features, but GlobalStandardScaler is expecting 64 features",
    ),
    (
        "features-differ-mlp-predict",
        lambda ctx: ctx.fitted_mlp.predict(ctx.X[:, :10]),
        ValueError,
        r"X has shape \(10,\), but this MLPClassifier is expecting X of shape "
        r"\(64,\)",
    ),
    (
        "partial-fit-unseen-class",
        lambda ctx: ctx.fitted_mlp.partial_fit(ctx.X[:4], [0, 1, 2, 42]),
        ValueError,
        r"y has the classes \[42\], which MLPClassifier was not fitted on; its "
        r"network has one output per known class, \[0, 1, 2, 3, 4, 5, 6, 7, 8, 9\]",
    ),
    (
        "mlp-predict-beyond-float32",
        lambda ctx: ctx.fitted_mlp.predict(np.full((2, 64), 1e39)),
        ValueError,
        r"X holds values beyond the range of float32, the type MLPClassifier "
        r"computes in \(it was fitted on float32 X\)",
    ),
    (
        "convnet-not-a-square-image",
        lambda ctx: _tiny_convnet().fit(ctx.X[:, :10], ctx.y),
        ValueError,
        r"ConvNetClassifier cannot reshape 10 features into a square image; pass "
        r"image_shape=",
    ),
    (
        "convnet-image-shape-does-not-fit",
        lambda ctx: _tiny_convnet(image_shape=(4, 4)).fit(ctx.X, ctx.y),
        ValueError,
        r"'image_shape' parameter \(4, 4\) does not fit samples of 64 features",
    ),
    # -- meta-estimator and sweep parameters
    (
        "n-draws-0",
        lambda ctx: NoiseAveragedClassifier(_tiny_mlp(), n_draws=0).fit(ctx.X, ctx.y),
        InvalidParameterError,
        r"'n_draws' parameter of NoiseAveragedClassifier must be an int in the "
        r"range \[1, inf\)\. Got 0",
    ),
    (
        "voting-unknown",
        lambda ctx: NoiseAveragedClassifier(_tiny_mlp(), voting="majority").fit(
            ctx.X, ctx.y
        ),
        InvalidParameterError,
        r"'voting' parameter of NoiseAveragedClassifier .* Got 'majority'",
    ),
    (
        "param-range-negative",
        lambda ctx: _sweep(ctx, param_range=[0.0, -1.0]),
        InvalidParameterError,
        r"'param_range' value -1.0 of noise__scale is invalid: The 'scale' "
        r"parameter of GaussianNoise",
    ),
    (
        "param-range-string",
        lambda ctx: _sweep(ctx, param_range=["high"]),
        InvalidParameterError,
        r"'param_range' value 'high' of noise__scale is invalid",
    ),
    (
        "param-name-unknown",
        lambda ctx: _sweep(ctx, param_name="noise__sigma"),
        InvalidParameterError,
        r"Invalid parameter 'sigma' for estimator GaussianNoise",
    ),
    (
        "train-scales-negative",
        lambda ctx: robustness_matrix(
            make_study_pipeline("mlp", epochs=1, hidden_layer_sizes=(4,)),
            ctx.X,
            ctx.y,
            train_scales=[0.0, -0.5],
            cv=2,
            store=ctx.store,
            random_state=0,
        ),
        InvalidParameterError,
        r"'train_scales' value -0.5 of noise__scale is invalid: The 'scale' "
        r"parameter of GaussianNoise",
    ),
    (
        "test-scales-infinite",
        lambda ctx: robustness_matrix(
            make_study_pipeline("mlp", epochs=1, hidden_layer_sizes=(4,)),
            ctx.X,
            ctx.y,
            test_scales=[0.0, float("inf")],
            cv=2,
            store=ctx.store,
            random_state=0,
        ),
        InvalidParameterError,
        r"'test_scales' value inf is invalid: The 'scale' parameter of "
        r"GaussianNoise .* Got inf",
    ),
    (
        "model-unknown",
        lambda ctx: make_study_pipeline("resnet"),
        ValueError,
        r"'model' parameter must be one of \('mlp', 'convnet'\); got 'resnet'",
    ),
    (
        "noise-unknown",
        lambda ctx: make_noise("gauss"),
        ValueError,
        r"'noise' parameter must be one of .*; got 'gauss'",
    ),
    (
        "study-dataset-unknown",
        lambda ctx: run_study(dataset="cifar", store=ctx.store),
        InvalidParameterError,
        r"'dataset' parameter of run_study must be a str among \['digits', "
        r"'fashion-mnist', 'mnist'\] to be loaded, or the name of the data given "
        r"as data=; got 'cifar'",
    ),
    # -- a study's arms, seeds and scales, refused before any data is loaded
    (
        "study-arm-not-a-classifier",
        lambda ctx: run_study(arms=[(StandardScaler(), "additive")], store=ctx.store),
        InvalidParameterError,
        r"'arms' parameter of run_study needs models of \('mlp', 'convnet'\) or "
        r"scikit-learn classifiers \(alone or ending a Pipeline\); got "
        r"StandardScaler, a transformer, not a classifier, in the arm "
        r"\(StandardScaler\(\), 'additive'\)",
    ),
    (
        "study-arm-regressor",
        lambda ctx: run_study(arms=[(LinearRegression(), "shot")], store=ctx.store),
        InvalidParameterError,
        r"got LinearRegression, a regressor, not a classifier",
    ),
    (
        "study-arm-a-class",
        lambda ctx: run_study(arms=[(LogisticRegression, "shot")], store=ctx.store),
        InvalidParameterError,
        r"got the class LogisticRegression \(pass an instance: "
        r"LogisticRegression\(\)\)",
    ),
    (
        "study-arm-model-unknown",
        lambda ctx: run_study(arms=[("resnet", "additive")], store=ctx.store),
        InvalidParameterError,
        r"needs models of \('mlp', 'convnet'\) or scikit-learn classifiers; "
        r"got 'resnet' in the arm \('resnet', 'additive'\)",
    ),
    (
        "study-arm-noise-unknown",
        lambda ctx: run_study(arms=[("mlp", "gauss")], store=ctx.store),
        InvalidParameterError,
        r"needs a noise of \('additive', .*\) or a corruption of MNIST-C .*; "
        r"got 'gauss' in the arm",
    ),
    (
        "study-arm-not-a-pair",
        lambda ctx: run_study(arms=["mlp"], store=ctx.store),
        InvalidParameterError,
        r"must hold \(model, noise\) pairs or \(name, model, noise\) triples; "
        r"got 'mlp'",
    ),
    (
        "study-arm-twice",
        lambda ctx: run_study(
            arms=[("mlp", "additive"), ("mlp", "additive")], store=ctx.store
        ),
        InvalidParameterError,
        r"has the arm\(s\) \[\('mlp', 'additive'\)\] more than once.* as "
        r"\(name, model, noise\)",
    ),
    (
        "study-random-state-repeated",
        lambda ctx: run_study(random_state=[0, 0], store=ctx.store),
        InvalidParameterError,
        r"'random_state' parameter of run_study must be an int, None or a "
        r"non-empty sequence of distinct ints; got \[0, 0\]",
    ),
    (
        "study-random-state-negative",
        lambda ctx: run_study(random_state=[1, -1], store=ctx.store),
        InvalidParameterError,
        r"'random_state' parameter of run_study must hold ints >= 0; got -1",
    ),
    (
        "study-scales-misspelt",
        lambda ctx: run_study(scales="severity", store=ctx.store),
        InvalidParameterError,
        r"'scales' parameter of run_study must be an array-like or a str among "
        r"\{'severities'\}",
    ),
    # -- data files (the fifth entry writes them, or cuts the network, first)
    (
        "data-folder-missing",
        lambda ctx: fetch_mnist(
            ctx.home / "no-such-folder", subset="test", download_if_missing=False
        ),
        FileNotFoundError,
        rf"{TEST_IMAGES}, {TEST_LABELS} not found in .*no-such-folder/mnist",
    ),
    (
        "data-folder-missing-offline",
        lambda ctx: fetch_mnist(ctx.home / "no-such-folder", subset="test"),
        OSError,
        rf"(?s)Could not download {TEST_IMAGES} of MNIST from any mirror:\n  "
        r"https?://.*no network.*\nCopy the file into .*no-such-folder/mnist",
        _offline,
    ),
    (
        "offline-nothing-to-load",
        lambda ctx: _fetch_test(ctx, download_if_missing=True),
        OSError,
        rf"Could not download {TEST_IMAGES} of MNIST from any mirror",
        _offline,
    ),
    (
        "truncated-gz",
        _fetch_test,
        OSError,
        rf"file refused, .*{TEST_LABELS}: [\d,]+ bytes where the published file "
        r"has 4,542 \(truncated\): re-download it",
        _truncated_labels,
    ),
    (
        "wrong-checksum",
        _fetch_test,
        OSError,
        rf"{TEST_LABELS}: 4,542 bytes as published, but another SHA-256 \(corrupt\)",
        _other_file_of_the_right_size,
    ),
    (
        "label-count-disagrees",
        lambda ctx: _load_idx(ctx, "images.gz", "labels.gz"),
        ValueError,
        r"images\.gz holds 3 images but .*labels\.gz holds 2 labels",
        _three_images_two_labels,
    ),
    (
        "not-an-idx-file",
        lambda ctx: _load_idx(ctx, "page.gz", "page.gz"),
        OSError,
        r"page\.gz is not a readable IDX file",
        _html_page,
    ),
    (
        "idx-header-overflows",
        lambda ctx: _load_idx(ctx, "huge.gz", "labels.gz"),
        ValueError,
        r"huge\.gz declares shape \(65536, 65536, 65536, 65536\) "
        r"\(18,446,744,073,709,551,616 values\) but holds 0 values",
        _idx_header_of_2_to_the_64_values,
    ),
    (
        "idx-no-images",
        lambda ctx: _load_idx(ctx, "empty.gz", "labels.gz"),
        ValueError,
        r"empty\.gz declares shape \(0, 28, 28\): it holds no data",
        _no_images,
    ),
    (
        "data-home-read-only-offline",
        lambda ctx: _fetch_test(ctx, download_if_missing=True),
        OSError,
        rf"^MNIST file {TEST_IMAGES} is missing \(looked in .*home/mnist, .*home\) "
        r"and has to be downloaded, but .*home/mnist cannot be written \(Permission "
        r"denied\); nothing was downloaded\. Copy the file",
        _data_home_read_only_offline,
    ),
    (
        "mnist-folder-read-only-offline",
        lambda ctx: _fetch_test(ctx, download_if_missing=True),
        OSError,
        rf"^MNIST file {TEST_IMAGES} is missing .* but .*home/mnist cannot be "
        r"written \(Permission denied\); nothing was downloaded",
        _mnist_folder_read_only_offline,
    ),
    (
        "dataset-unknown",
        lambda ctx: load_dataset("cifar"),
        ValueError,
        r"'name' parameter must be one of digits, mnist, fashion-mnist; got 'cifar'",
    ),
    (
        "subset-unknown",
        lambda ctx: fetch_mnist(ctx.home, subset="validation"),
        InvalidParameterError,
        r"'subset' parameter of fetch_mnist must be a str among .* Got 'validation'",
    ),
]


def _snapshot(folder):
    """Every folder, and every file with its size and modification time."""
    return {
        str(p.relative_to(folder)): None
        if p.is_dir()
        else (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture(scope="module")
def fitted_mlp(digits):
    return _tiny_mlp().fit(digits.data[:200], digits.target[:200])


@pytest.fixture
def ctx(tmp_path, monkeypatch, digits, fitted_mlp, idx_bytes):
    """What a row may use; every path lies under ``tmp_path``, also the cwd."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv(ENV_DATA_HOME, str(home))
    monkeypatch.chdir(tmp_path)
    return SimpleNamespace(
        tmp=tmp_path,
        home=home,
        store=tmp_path / "store",
        monkeypatch=monkeypatch,
        X=digits.data[:60].copy(),
        y=digits.target[:60].copy(),
        fitted_mlp=fitted_mlp,
        idx_bytes=idx_bytes,
    )


def test_the_table_is_large_and_its_ids_unique():
    ids = [case[0] for case in API_CASES + CLI_CASES]
    assert len(ids) >= 25 and len(set(ids)) == len(ids)


def _params(cases):
    return [
        pytest.param(*case[1:4], case[4] if len(case) > 4 else None, id=case[0])
        for case in cases
    ]


@pytest.mark.parametrize("call, error, pattern, setup", _params(API_CASES))
def test_bad_input_raises_a_clear_error_and_leaves_no_file(
    ctx, call, error, pattern, setup
):
    if setup is not None:
        setup(ctx)
    before = _snapshot(ctx.tmp)
    with pytest.raises(Exception) as excinfo:
        call(ctx)
    assert type(excinfo.value) is error, repr(excinfo.value)
    assert re.search(pattern, str(excinfo.value)), str(excinfo.value)
    assert _snapshot(ctx.tmp) == before
    assert not ctx.store.exists()


# -- the command line ---------------------------------------------------------------

# (id, arguments, pattern the one error line must match); {tmp} is the test's
# folder, {file} a file in it, {data} a data folder with a truncated file.
CLI_CASES = [
    (
        "cli-model-unknown",
        ["sweep", "--model", "resnet"],
        r"argument --model: invalid choice: 'resnet'",
    ),
    (
        "cli-noise-unknown",
        ["sweep", "--noise", "additive", "gauss"],
        r"argument --noise: invalid choice: 'gauss'",
    ),
    (
        "cli-dataset-unknown",
        ["samples", "--dataset", "cifar"],
        r"argument --dataset: invalid choice: 'cifar'",
    ),
    (
        "cli-scale-negative",
        ["sweep", "--scales", "0", "-1"],
        r"argument --scales: must be a finite number >= 0, got -1",
    ),
    (
        "cli-matrix-test-scale-negative",
        ["matrix", "--test-scales", "0", "-2"],
        r"argument --test-scales: must be a finite number >= 0, got -2",
    ),
    (
        "cli-matrix-two-noises",
        ["matrix", "--noise", "additive", "speckle"],
        r"unrecognized arguments: speckle",
    ),
    (
        "cli-scale-nan",
        ["sweep", "--scales", "nan"],
        r"argument --scales: must be a finite number >= 0, got nan",
    ),
    (
        "cli-scale-string",
        ["samples", "--scales", "high"],
        r"argument --scales: must be a finite number >= 0, got 'high'",
    ),
    (
        "cli-epochs-0",
        ["sweep", "--epochs", "0"],
        r"argument --epochs: must be a positive integer, got 0",
    ),
    (
        "cli-n-jobs-0",
        ["sweep", "--n-jobs", "0"],
        r"argument --n-jobs: must be a non-zero integer",
    ),
    (
        "cli-seed-negative",
        ["sweep", "--seed", "-1"],
        r"argument --seed: must be an integer from 0 to 2\*\*32 - 1, got -1",
    ),
    (
        "cli-seed-negative-among-several",
        ["matrix", "--seed", "0", "-1"],
        r"argument --seed: must be an integer from 0 to 2\*\*32 - 1, got -1",
    ),
    (
        "cli-scales-severities-and-numbers",
        ["sweep", "--scales", "0", "severities"],
        r"argument --scales: 'severities' stands alone, without numbers",
    ),
    (
        "cli-scales-word-unknown",
        ["sweep", "--scales", "high"],
        r"argument --scales: must be finite numbers >= 0 or the word severities, "
        r"got 'high'",
    ),
    (
        "cli-out-under-a-file",
        ["sweep", "--out", "{file}/out"],
        r"argument --out: cannot create or write to '{file}/out'",
    ),
    (
        "cli-out-is-a-file",
        ["samples", "--out", "{file}"],
        r"argument --out: cannot create or write to '{file}'",
    ),
    (
        "cli-data-home-missing",
        ["sweep", "--dataset", "mnist", "--data-home", "{tmp}/no-such-folder"],
        r"argument --data-home: folder '{tmp}/no-such-folder' does not exist",
    ),
    (
        "cli-data-home-is-a-file",
        ["samples", "--dataset", "mnist", "--data-home", "{file}"],
        r"argument --data-home: folder '{file}' is not a folder",
    ),
    (
        "cli-offline-nothing-to-load",
        ["samples", "--dataset", "mnist", "--data-home", "{tmp}/home"],
        rf"argument --dataset: cannot load 'mnist': Could not download {TEST_IMAGES}",
    ),
    (
        "cli-truncated-data-file",
        ["sweep", "--dataset", "mnist", "--data-home", "{data}"],
        rf"argument --dataset: cannot load 'mnist': .*{TEST_LABELS}: [\d,]+ bytes "
        r"where the published file has 4,542 \(truncated\)",
    ),
]


@pytest.mark.parametrize(
    "argv, pattern", [c[1:] for c in CLI_CASES], ids=[c[0] for c in CLI_CASES]
)
def test_bad_command_line_is_one_line_status_2_and_no_file(ctx, argv, pattern):
    _offline(ctx)
    file = ctx.tmp / "a-file"
    file.write_text("not a folder")
    data = ctx.tmp / "data"
    data.mkdir()
    (data / TEST_LABELS).write_bytes(_test_labels(ctx)[:1000])
    where = {"tmp": ctx.tmp, "file": file, "data": data}
    argv = [a.format(**where) for a in argv]
    pattern = pattern.format(**{k: re.escape(str(v)) for k, v in where.items()})
    before = _snapshot(ctx.tmp)
    out, err = io.StringIO(), io.StringIO()
    if "--out" not in argv:
        argv += ["--out", str(ctx.tmp / "out")]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    lines = err.getvalue().splitlines()
    assert status == 2
    assert len(lines) == 1, err.getvalue()
    assert lines[0].startswith("skmnistnoise: error: ")
    assert re.search(pattern, lines[0]), lines[0]
    assert "Traceback" not in err.getvalue() and out.getvalue() == ""
    assert _snapshot(ctx.tmp) == before


# -- odd but valid input works ----------------------------------------------------


def test_string_class_labels_work_through_a_sweep(digits):
    names = np.array("zero one two three four five six seven eight nine".split())
    y = names[digits.target]
    pipe = make_study_pipeline(
        "convnet", epochs=1, filters=(2,), dense_units=4, random_state=0
    )
    (row,) = noise_sweep(pipe, digits.data, y, param_range=[0.5], cv=digits.cv)
    # Keras's accuracy on the encoded validation labels after the last epoch
    # is the accuracy of the predicted names: the labels were encoded alike.
    assert row["epoch_test_accuracy"][-1] == pytest.approx(row["test_accuracy"])
    clf = pipe["clf"].fit(digits.images, y)  # image stacks, string labels
    assert set(clf.predict(digits.images[:50])) <= set(names)
