"""Performance figures of skmnistnoise, each a ratio of two things timed in one run.

    python benchmarks/run.py [--quick] [--json FILE] [--data-home DIR]

Timings on shared machines are noisy, so every figure compares two things
measured side by side in this process (alternating, several repeats, median):

* ``noise_speedup``: ``GaussianNoise.transform`` on 60,000 x 784 float32
  against the notebooks' ``x + np.random.normal(scale=s, size=x.shape)``;
  ``noise_replay_speedup`` the same on the fit data (the replayed draw).
* ``noise_extra_memory_ratio``: peak memory the transform allocates
  (tracemalloc, which numpy reports to) over the size of its float32 output;
  ``notebook_extra_memory_ratio`` the notebooks' expression against the same
  size (its result is float64: twice the size).
* ``pipeline_overhead_ratio``: ``Pipeline([noise, MLPClassifier])`` fit
  against building and fitting the same Keras network, compiled the same way,
  on the same pre-noised arrays and one-hot labels (same epochs, batch size
  and seed); ``pipeline_overhead_ratio_convnet`` the same for the ConvNet.
* ``convnet_train_gflops``: the ConvNet's training throughput
  (``benchmarks/flops.py``: 3 x 2 x forward multiply-adds per sample) from
  the epochs of a ``ConvNetClassifier`` fit, leaving out the first batches;
  ``gemm_gflops``: numpy's float32 2048 x 2048 matrix product, timed every
  16 batches during those epochs (its time taken off the training clock), so
  both sample the same stretch of time; ``convnet_fraction_of_gemm`` their
  ratio.
* ``certify_fraction_of_gemm``: the ConvNet's noisy forward passes per
  second in ``NoiseAveragedClassifier.certify`` (``2 x`` forward multiply-adds
  per pass, ``n0 + n`` passes per image) over numpy's GEMM rate, the two timed
  alternately; ``vote_fraction_of_gemm`` the same for ``predict_proba`` of a
  ``NoiseAveragedClassifier`` (the existing vote, predicted through SciKeras).
  ``certify_extra_memory_ratio``: the peak of what ``certify`` allocates
  through numpy (tracemalloc) over one batch of noisy float32 copies, at
  ``n`` and ``4 n`` draws (memory must not grow with ``n``); TensorFlow's own
  buffers (the network's activations) are not traced.
* ``xla_slowdown_convnet`` / ``xla_slowdown_mlp``: an epoch with
  ``jit_compile=True`` against the default ``jit_compile=False`` (steady
  state: the epoch after the compiling one).
* ``cached_rerun_ratio``: a ``noise_sweep`` (MLP, two scales, two epochs;
  one in the quick run) re-run from its result store against the first run.
  The re-run's cost is mostly the digest of the data (fixed), so the ratio
  falls as the sweep grows; the notebooks' sweeps are 20-60 times larger.
* ``sweep_peak_rss_gb``: peak resident memory of a process that loads MNIST
  and runs one ConvNet sweep step (``benchmarks/sweep_step.py``).

``--quick`` uses small MNIST subsets and one epoch (same code paths) and
finishes in about two minutes on two quiet cores; the full run uses the whole
of MNIST. ``benchmarks/README.md`` has the latest full figures.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import asdict, dataclass
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # as skmnistnoise does

import keras  # noqa: E402
import numpy as np  # noqa: E402
from flops import forward_macs, train_flops_per_sample  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent

#: The goals of the figures: (comparison, bound).
GOALS = {
    "noise_speedup": (">=", 1.3),
    "noise_extra_memory_ratio": ("<=", 1.05),
    "pipeline_overhead_ratio": ("<=", 1.05),
    "pipeline_overhead_ratio_convnet": ("<=", 1.05),
    "convnet_fraction_of_gemm": (">=", 0.6),
    "certify_fraction_of_gemm": (">=", 0.6),
    "certify_extra_memory_ratio": ("<=", 1.1),
    "cached_rerun_ratio": ("<=", 0.02),
    "sweep_peak_rss_gb": ("<=", 2.5),
}

NOISE_SCALE = 0.5
BATCH_SIZE = 128
#: Noisy copies per forward pass of ``certify`` (its documented default, 4096),
#: passed explicitly so that the memory figure's unit is this batch.
CERTIFY_BATCH_SIZE = 4096


@dataclass
class Sizes:
    """How much work each measurement does."""

    noise_rows: int = 60_000
    noise_repeats: int = 5
    n_train: int = 60_000
    n_test: int = 10_000
    mlp_overhead_epochs: int = 2
    convnet_overhead: bool = True
    overhead_repeats: int = 3
    convnet_epochs: int = 2
    xla_rows: int = 6_000
    xla_epochs: int = 2
    gemm_size: int = 2048
    gemm_every: int = 16
    rerun_repeats: int = 5
    rerun_epochs: int = 2
    sweep_step_rows: tuple = (None, None)  # full MNIST
    certify_images: int = 4
    certify_n: int = 5_000
    certify_repeats: int = 3


QUICK = Sizes(
    noise_rows=60_000,
    noise_repeats=3,
    n_train=4_000,
    n_test=1_000,
    mlp_overhead_epochs=1,
    convnet_overhead=False,
    overhead_repeats=3,
    convnet_epochs=2,
    xla_rows=512,
    xla_epochs=2,
    gemm_size=2048,
    gemm_every=4,
    rerun_repeats=3,
    rerun_epochs=1,
    sweep_step_rows=(2_000, 500),
    certify_images=2,
    certify_n=2_000,
    certify_repeats=3,
)


# --------------------------------------------------------------------------
# Timing helpers


def interleaved(candidates, repeats, cpu=None):
    """Median wall time of each callable, run alternately ``repeats`` times.

    Parameters
    ----------
    candidates : dict of str to callable
        What to time.
    repeats : int
        Rounds; in each round every callable runs once, in order.
    cpu : dict or None, default=None
        If given, receives the median CPU time of this process (all threads)
        per callable: the work done, which other programs on the machine
        hardly change.

    Returns
    -------
    medians : dict of str to float
        Median seconds per callable.
    """
    times = {name: [] for name in candidates}
    cpu_times = {name: [] for name in candidates}
    for _ in range(repeats):
        for name, fn in candidates.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            fn()
            times[name].append(time.perf_counter() - start)
            cpu_times[name].append(time.process_time() - start_cpu)
    if cpu is not None:
        cpu.update({name: statistics.median(t) for name, t in cpu_times.items()})
    return {name: statistics.median(t) for name, t in times.items()}


def gemm_gflops(n=2048, seconds=1.0, rng=None):
    """Float32 matrix-multiply throughput of numpy, in GFLOP/s (median of runs).

    Parameters
    ----------
    n : int, default=2048
        Side of the square matrices.
    seconds : float, default=1.0
        Keep multiplying for about this long.
    rng : numpy.random.Generator or None
        Source of the matrices.

    Returns
    -------
    gflops : float
        ``2 n^3`` over the median time of one product.
    """
    gemm = _Gemm(n, rng)
    times = []
    deadline = time.perf_counter() + seconds
    while len(times) < 3 or time.perf_counter() < deadline:
        times.append(gemm())
    return gemm.gflops(statistics.median(times))


def traced_peak(fn):
    """Return ``(result, peak bytes allocated while fn ran)`` from tracemalloc."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak - base


# --------------------------------------------------------------------------
# The measurements


def bench_noise(sizes):
    """Noise transform against the notebooks' expression: time and memory."""
    from skmnistnoise import GaussianNoise

    rng = np.random.default_rng(0)
    X_fit = rng.random((sizes.noise_rows, 784), dtype=np.float32)
    X_new = rng.random((sizes.noise_rows, 784), dtype=np.float32)
    noise = GaussianNoise(scale=NOISE_SCALE, random_state=0).fit(X_fit)

    def notebook():
        # The notebooks' own expression, legacy generator and all.
        return X_new + np.random.normal(scale=NOISE_SCALE, size=X_new.shape)  # noqa: NPY002

    medians = interleaved(
        {
            "notebook": notebook,
            "transform": lambda: noise.transform(X_new),
            "replay": lambda: noise.transform(X_fit),
        },
        sizes.noise_repeats,
    )
    out, peak = traced_peak(lambda: noise.transform(X_new))
    out_nb, peak_nb = traced_peak(notebook)
    return {
        "noise_speedup": medians["notebook"] / medians["transform"],
        "noise_replay_speedup": medians["notebook"] / medians["replay"],
        "noise_extra_memory_ratio": peak / out.nbytes,
        # Against the same float32 output: the notebooks' way returns float64.
        "notebook_extra_memory_ratio": peak_nb / out.nbytes,
        "details": {
            "noise_shape": list(X_new.shape),
            "noise_seconds": medians,
            "noise_gbytes_per_s": out.nbytes / medians["transform"] / 1e9,
            "noise_peak_bytes": peak,
            "notebook_peak_bytes": peak_nb,
            "notebook_output_dtype": str(out_nb.dtype),
        },
    }


def _one_hot(y, n_classes):
    return np.eye(n_classes, dtype=np.float32)[y]


def bench_pipeline_overhead(model, X, y, epochs, repeats, keras_defaults=False):
    """Pipeline([noise, classifier]).fit against Keras fit on pre-noised arrays.

    The Keras side is the classifier's own network, built and compiled by it
    without training (SciKeras's ``initialize``: the same layers, optimizer
    and ``steps_per_execution``), then trained by plain ``keras.Model.fit``
    on the pre-noised arrays and one-hot labels; with ``keras_defaults`` a
    third side recompiles it with Keras's one step per call.
    """
    from sklearn.base import clone
    from sklearn.pipeline import Pipeline

    from skmnistnoise import ConvNetClassifier, GaussianNoise, MLPClassifier

    cls = {"mlp": MLPClassifier, "convnet": ConvNetClassifier}[model]
    noise = GaussianNoise(scale=NOISE_SCALE, random_state=0)
    X_noisy = clone(noise).fit_transform(X)
    Y = _one_hot(y, 10)

    def classifier():
        return cls(epochs=epochs, batch_size=BATCH_SIZE, random_state=0)

    def toolkit():
        clf = classifier()
        Pipeline([("noise", clone(noise)), ("clf", clf)]).fit(data["X"], data["y"])

    # The classifier's own choice of training steps per call on all of X.
    same_steps = classifier().initialize(X, y).model_.steps_per_execution

    def plain_keras(steps_per_execution=None):
        net = classifier().initialize(data["X"], data["y"]).model_
        if steps_per_execution is not None:
            net.compile(
                optimizer="adam",
                loss="categorical_crossentropy",
                metrics=["accuracy"],
                jit_compile=False,
                steps_per_execution=steps_per_execution,
            )
        net.fit(
            data["X_noisy"], data["Y"], batch_size=BATCH_SIZE, epochs=epochs, verbose=0
        )

    candidates = {"pipeline": toolkit, "keras": plain_keras}
    if keras_defaults and same_steps != 1:
        candidates["keras_one_step_per_call"] = lambda: plain_keras(1)
    # First calls pay one-off costs (kernels, thread pools): pay them on a
    # small slice for every candidate before timing on all of the data.
    full = {"X": X, "y": y, "X_noisy": X_noisy, "Y": Y}
    data = {name: a[: 4 * BATCH_SIZE] for name, a in full.items()}
    for candidate in candidates.values():
        candidate()
    data = full
    cpu = {}
    medians = interleaved(candidates, repeats, cpu=cpu)
    info = {
        "seconds": medians,
        "cpu_seconds": cpu,
        "cpu_ratio": cpu["pipeline"] / cpu["keras"],
        "n_samples": len(X),
        "epochs": epochs,
    }
    if "keras_one_step_per_call" in medians:
        info["pipeline_vs_keras_one_step_per_call"] = (
            medians["pipeline"] / medians["keras_one_step_per_call"]
        )
    return medians["pipeline"] / medians["keras"], info


class _Gemm:
    """One float32 ``n x n`` matrix product by numpy, timed."""

    def __init__(self, n, rng=None):
        rng = np.random.default_rng(0) if rng is None else rng
        self.n = n
        self.a = rng.random((n, n), dtype=np.float32)
        self.b = rng.random((n, n), dtype=np.float32)
        self.out = np.empty((n, n), dtype=np.float32)
        self()  # warm up the BLAS threads

    def __call__(self):
        start = time.perf_counter()
        np.matmul(self.a, self.b, out=self.out)
        return time.perf_counter() - start

    def gflops(self, seconds):
        return 2 * self.n**3 / seconds / 1e9


class _Throughput(keras.callbacks.Callback):
    """Training samples per second, with GEMM timed in between, side by side.

    The clock starts at the first batch-end call of each epoch (Keras runs
    ``steps_per_execution`` batches per call), so the first batches, and the
    tracing of the first epoch, are left out. Every ``gemm_every`` calls one
    matrix product is timed, and its time taken off the training clock: both
    figures sample the same stretch of time, so a change in the machine's load
    reaches both.
    """

    def __init__(self, n_samples, batch_size, gemm, gemm_every=16):
        super().__init__()
        self.n_samples, self.batch_size = n_samples, batch_size
        self.gemm, self.gemm_every = gemm, gemm_every
        self.epochs = []

    def on_epoch_begin(self, epoch, logs=None):
        self.first = self.last = self.start = None
        self.calls, self.gemm_times = 0, []

    def on_train_batch_end(self, batch, logs=None):
        if self.first is None:
            self.first, self.start = batch, time.perf_counter()
        self.last = batch
        self.calls += 1
        if self.calls % self.gemm_every == 0:
            self.gemm_times.append(self.gemm())

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self.start - sum(self.gemm_times)
        done = min(self.n_samples, (self.last + 1) * self.batch_size)
        samples = done - (self.first + 1) * self.batch_size
        if samples <= 0:
            raise ValueError("too few batches per epoch to time the training")
        if not self.gemm_times:  # a short epoch: one product at its end
            self.gemm_times.append(self.gemm())
        self.epochs.append(
            {"samples": samples, "seconds": seconds, "gemm_seconds": self.gemm_times}
        )


def bench_convnet_throughput(X, y, sizes):
    """Training GFLOP/s of the ConvNet and numpy's GEMM GFLOP/s, interleaved."""
    from skmnistnoise import ConvNetClassifier

    gemm = _Gemm(sizes.gemm_size)
    meter = _Throughput(len(X), BATCH_SIZE, gemm, sizes.gemm_every)
    clf = ConvNetClassifier(epochs=sizes.convnet_epochs, random_state=0)
    clf.fit(X, y, callbacks=[meter])
    flops = train_flops_per_sample(clf.model_)
    samples = sum(e["samples"] for e in meter.epochs)
    seconds = sum(e["seconds"] for e in meter.epochs)
    gemm_times = [t for e in meter.epochs for t in e["gemm_seconds"]]
    train_gflops = flops * samples / seconds / 1e9
    gemm_gflops = gemm.gflops(statistics.median(gemm_times))
    return {
        "convnet_train_gflops": train_gflops,
        "gemm_gflops": gemm_gflops,
        "convnet_fraction_of_gemm": train_gflops / gemm_gflops,
        "details": {
            "convnet_train_flops_per_sample": flops,
            "convnet_epochs": meter.epochs,
            "gemm_size": sizes.gemm_size,
            "gemm_gflops_range": [
                gemm.gflops(max(gemm_times)),
                gemm.gflops(min(gemm_times)),
            ],
        },
    }


def bench_certify(X_train, y_train, X_test, sizes):
    """Noisy forward GFLOP/s of ``certify`` on the ConvNet against numpy's GEMM.

    The ConvNet is trained one epoch (its speed does not depend on its
    weights); ``certify`` runs on ``certify_images`` test images with
    ``n0=100`` and ``n=certify_n``, the existing vote (``predict_proba`` with
    as many draws of 512 images) and one GEMM alternately, ``certify_repeats``
    rounds, medians. Memory: tracemalloc's peak during ``certify`` over the
    bytes of one batch of noisy copies, at ``n`` and at ``4 n``.
    """
    from skmnistnoise import ConvNetClassifier, GaussianNoise, NoiseAveragedClassifier

    n0, n = 100, sizes.certify_n
    batch = CERTIFY_BATCH_SIZE
    X_cert = X_test[: sizes.certify_images]
    smooth = NoiseAveragedClassifier(
        ConvNetClassifier(epochs=1, random_state=0),
        noise=GaussianNoise(scale=0.5),
        random_state=0,
    ).fit(X_train, y_train)
    macs = forward_macs(smooth.estimator_.model_)
    passes = len(X_cert) * (n0 + n)
    X_vote = X_test[:512]
    vote_draws = max(1, passes // len(X_vote))
    vote = smooth.set_params(n_draws=vote_draws)
    gemm = _Gemm(sizes.gemm_size)
    smooth.certify(X_cert[:1], n0=10, n=batch, batch_size=batch)  # trace the shape
    vote.predict_proba(X_vote[:8])
    medians = interleaved(
        {
            "certify": lambda: smooth.certify(X_cert, n0=n0, n=n, batch_size=batch),
            "gemm": gemm,
            "vote": lambda: vote.predict_proba(X_vote),
        },
        sizes.certify_repeats,
    )
    gemm_gflops = gemm.gflops(medians["gemm"])
    certify_gflops = 2 * macs * passes / medians["certify"] / 1e9
    vote_gflops = 2 * macs * vote_draws * len(X_vote) / medians["vote"] / 1e9
    batch_bytes = batch * X_cert.shape[1] * X_cert.dtype.itemsize
    peaks = {}
    for draws in (n, 4 * n):
        _, peaks[draws] = traced_peak(
            lambda d=draws: smooth.certify(X_cert[:1], n=d, batch_size=batch)
        )
    return {
        "certify_fraction_of_gemm": certify_gflops / gemm_gflops,
        "vote_fraction_of_gemm": vote_gflops / gemm_gflops,
        "certify_extra_memory_ratio": max(peaks.values()) / batch_bytes,
        "details": {
            "certify_gflops": certify_gflops,
            "certify_passes_per_s": passes / medians["certify"],
            "certify_gemm_gflops": gemm_gflops,
            "vote_gflops": vote_gflops,
            "certify_seconds": medians,
            "certify_images": len(X_cert),
            "certify_n0_n": [n0, n],
            "certify_batch_bytes": batch_bytes,
            "certify_peak_bytes": {str(k): v for k, v in peaks.items()},
            "vote_draws_of_512_images": vote_draws,
        },
    }


class _EpochTimes(keras.callbacks.Callback):
    """The wall time of every epoch."""

    def __init__(self):
        super().__init__()
        self.times = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self.start)


def bench_xla(X, y, sizes):
    """Epoch time with ``jit_compile=True`` over the default, ConvNet and MLP."""
    from skmnistnoise import ConvNetClassifier, MLPClassifier

    figures, details = {}, {}
    for name, cls in (("convnet", ConvNetClassifier), ("mlp", MLPClassifier)):
        times = {}
        for jit in (False, True):
            timer = _EpochTimes()
            cls(epochs=sizes.xla_epochs, jit_compile=jit).fit(X, y, callbacks=[timer])
            times[jit] = timer.times
        figures[f"xla_slowdown_{name}"] = times[True][-1] / times[False][-1]
        details[f"xla_epoch_seconds_{name}"] = {
            "jit_compile=False": times[False],
            "jit_compile=True": times[True],
        }
    details["xla_n_samples"] = len(X)
    return {**figures, "details": details}


def bench_cached_rerun(X, y, cv, repeats, epochs=1):
    """A stored sweep (MLP, two scales) re-run against its first run."""
    from skmnistnoise.experiment import make_study_pipeline, noise_sweep

    pipe = make_study_pipeline("mlp", epochs=epochs, random_state=0)
    scales = (0.0, 1.0)
    with tempfile.TemporaryDirectory() as store:
        start = time.perf_counter()
        first = noise_sweep(pipe, X, y, param_range=scales, cv=cv, store=store)
        run = time.perf_counter() - start
        reruns = []
        for _ in range(repeats):
            start = time.perf_counter()
            again = noise_sweep(pipe, X, y, param_range=scales, cv=cv, store=store)
            reruns.append(time.perf_counter() - start)
            if again.n_computed or again.rows != first.rows:
                raise RuntimeError("the re-run did not come from the store")
    rerun = statistics.median(reruns)
    return rerun / run, {
        "run_seconds": run,
        "rerun_seconds": rerun,
        "epochs": epochs,
        "scales": list(scales),
    }


def bench_sweep_rss(data_home, n_train, n_test):
    """Peak RSS of a ConvNet sweep step, in a process of its own."""
    command = [sys.executable, str(HERE / "sweep_step.py"), "--data-home", data_home]
    if n_train is not None:
        command += ["--n-train", str(n_train), "--n-test", str(n_test)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"sweep_step.py failed:\n{done.stderr[-3000:]}")
    step = json.loads(done.stdout.strip().splitlines()[-1])
    return step["peak_rss_gb"], step


# --------------------------------------------------------------------------
# The run


def machine():
    """The CPU, the cores this process may use, the load and the library versions."""
    from skmnistnoise import cpu_description, library_versions

    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count()
    return {
        "cpu": cpu_description(),
        "cores": cores,
        "load_average": list(os.getloadavg()),
        **library_versions(),
        "keras_backend": keras.backend.backend(),
        # TensorFlow's oneDNN kernels: the ConvNet's forward pass is about 1.5x
        # as fast with TF_ENABLE_ONEDNN_OPTS=1 on this CPU (not TF's default here).
        "tf_enable_onednn_opts": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
    }


def default_data_home():
    """``$SKMNISTNOISE_DATA``, else ``../shared/data/mnist`` next to the repository."""
    return os.environ.get("SKMNISTNOISE_DATA") or str(
        REPO_ROOT.parent / "shared" / "data" / "mnist"
    )


def load_mnist(data_home, n_train, n_test):
    """The first n_train training and n_test test images, and their split."""
    from skmnistnoise.datasets import fetch_mnist, official_split

    mnist = fetch_mnist(data_home, subset="all", download_if_missing=False)
    rows = np.r_[0:n_train, 60_000 : 60_000 + n_test]
    X, y = mnist.data[rows], mnist.target[rows]
    return X, y, official_split(n_train, n_test)


def run(sizes, data_home, log=print):
    """Every measurement; returns the JSON-able results."""
    started = time.perf_counter()
    load_before = list(os.getloadavg())
    figures, details = {}, {}

    def step(name, fn):
        log(f"[{time.perf_counter() - started:6.1f}s] {name} ...")
        return fn()

    noise = step("noise transform", lambda: bench_noise(sizes))
    details.update(noise.pop("details"))
    figures.update(noise)

    X, y, cv = step(
        "loading MNIST", lambda: load_mnist(data_home, sizes.n_train, sizes.n_test)
    )
    X_train, y_train = X[: sizes.n_train], y[: sizes.n_train]

    ratio, info = step(
        "pipeline overhead (MLP)",
        lambda: bench_pipeline_overhead(
            "mlp",
            X_train,
            y_train,
            sizes.mlp_overhead_epochs,
            sizes.overhead_repeats,
            keras_defaults=True,
        ),
    )
    figures["pipeline_overhead_ratio"] = ratio
    details["pipeline_overhead_mlp"] = info
    if sizes.convnet_overhead:
        ratio, info = step(
            "pipeline overhead (ConvNet)",
            lambda: bench_pipeline_overhead(
                "convnet", X_train, y_train, 1, sizes.overhead_repeats
            ),
        )
        figures["pipeline_overhead_ratio_convnet"] = ratio
        details["pipeline_overhead_convnet"] = info

    throughput = step(
        "ConvNet training throughput and GEMM",
        lambda: bench_convnet_throughput(X_train, y_train, sizes),
    )
    details.update(throughput.pop("details"))
    figures.update(throughput)

    certified = step(
        "certify on the ConvNet and GEMM",
        lambda: bench_certify(
            X_train[:2048], y_train[:2048], X[sizes.n_train :], sizes
        ),
    )
    details.update(certified.pop("details"))
    figures.update(certified)

    n_xla = min(sizes.xla_rows, len(X_train))
    xla = step(
        "XLA (jit_compile) against the default",
        lambda: bench_xla(X_train[:n_xla], y_train[:n_xla], sizes),
    )
    details.update(xla.pop("details"))
    figures.update(xla)

    ratio, info = step(
        "cached re-run of a sweep",
        lambda: bench_cached_rerun(X, y, cv, sizes.rerun_repeats, sizes.rerun_epochs),
    )
    figures["cached_rerun_ratio"] = ratio
    details["cached_rerun"] = info

    peak, info = step(
        "peak RSS of a ConvNet sweep step",
        lambda: bench_sweep_rss(data_home, *sizes.sweep_step_rows),
    )
    figures["sweep_peak_rss_gb"] = peak
    details["sweep_step"] = info

    info = machine()
    info["load_average_at_start"] = load_before
    log(f"[{time.perf_counter() - started:6.1f}s] done")
    return {
        **figures,
        "goals": {k: list(v) for k, v in GOALS.items() if k in figures},
        "met": {k: meets(k, figures[k]) for k in GOALS if k in figures},
        "quick": sizes == QUICK,
        "sizes": asdict(sizes),
        "machine": info,
        "total_seconds": time.perf_counter() - started,
        "details": details,
    }


def meets(name, value):
    """Whether a figure meets its goal."""
    op, bound = GOALS[name]
    return value >= bound if op == ">=" else value <= bound


def table(results):
    """The figures as a Markdown table: figure, value, goal, met."""
    lines = ["| figure | value | goal | met |", "|---|---|---|---|"]
    names = [k for k, v in results.items() if isinstance(v, float | int)]
    for name in names:
        if isinstance(results[name], bool):
            continue
        value = results[name]
        if name in GOALS:
            op, bound = GOALS[name]
            goal = f"{op} {bound:g}"
            met = "yes" if meets(name, value) else "no"
        else:
            goal = met = ""
        lines.append(f"| `{name}` | {value:.3g} | {goal} | {met} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Side-by-side performance figures of skmnistnoise."
    )
    parser.add_argument(
        "--quick", action="store_true", help="small subsets, one epoch (~2 min)"
    )
    parser.add_argument("--json", metavar="FILE", help="write the results here")
    parser.add_argument(
        "--data-home",
        default=default_data_home(),
        help="folder of the four MNIST files (default: $SKMNISTNOISE_DATA or "
        "../shared/data/mnist)",
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else Sizes()
    results = run(sizes, args.data_home, log=lambda m: print(m, file=sys.stderr))
    load = results["machine"]["load_average"]
    print(table(results))
    print(
        f"\n{results['machine']['cpu']} ({results['machine']['cores']} usable), "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end; "
        f"{results['total_seconds']:.0f} s"
    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1)
    return results


if __name__ == "__main__":
    main()
