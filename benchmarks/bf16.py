"""bfloat16 against float32, side by side in one run: epoch time, certify, accuracy.

    python benchmarks/bf16.py --data-home ../shared/data/mnist \\
        [--models convnet mlp] [--n-train 60000] [--epochs 12] [--seeds 0 1 2] \\
        [--parts epoch_seconds certify accuracy]

For the notebooks' ConvNet and MLP (and ``lenet``, the reference's LeNet,
``ConvNetClassifier(**LENET)``), in ``precision="float32"`` and
``precision="bfloat16"`` (Keras's ``mixed_bfloat16`` policy on the network's
layers: bfloat16 arithmetic, float32 weights, loss and softmax):

1. **epoch time**: a seeded fit of two epochs on the first ``--n-train``
   training images, the second epoch timed (the first traces the graph);
2. **certify throughput**: noisy images per second through
   ``NoiseAveragedClassifier.certify`` (``--n0`` + ``--n`` draws of
   ``--certify-images`` test images, sigma 0.25, batches of
   ``--batch-size``), and the raw network's rate (``model_.predict_on_batch``
   on batches of the same size, in the same precision), whose fraction the
   certify rate is;
3. **test accuracy** after ``--epochs`` epochs on the ``--n-train`` images,
   per seed of ``--seeds``, with a 95% t interval over the seeds for each
   precision and for the paired difference (bfloat16 - float32).

Timings are interleaved (float32, bfloat16, float32, ...) and the best of
``--repeats`` (3) is kept, so a slow spell of a shared machine hits both
precisions alike. Every ratio is printed as ``bf16_speedup`` (float32 time /
bfloat16 time: above 1, bfloat16 is faster). The CPU (``cpu_description()``),
its bfloat16 flags (``avx512_bf16``, ``amx_bf16``, Arm's ``bf16``; without
them bfloat16 is emulated), the GPUs TensorFlow sees, the library versions and
the settings go with the numbers to ``benchmarks/results/perf-bf16.json``
(``--out`` elsewhere). Until then each finished measurement waits in
``perf-bf16.partial.json`` beside it: a stopped run started again with the same
settings goes on from there.

``--parts`` measures some of the three only (``--parts certify``: the
certify rates, a few minutes); the record holds those.

A smoke run takes about a minute:
``python benchmarks/bf16.py --n-train 2000 --epochs 1 --seeds 0 --out /tmp/bf16.json``.
The full measurement (``--seeds 0 1 2 --epochs 12`` on the 60,000 images)
takes hours on two cores: the accuracy's 72 ConvNet epochs dominate.

TensorFlow's oneDNN kernels (``TF_ENABLE_ONEDNN_OPTS=1``, which carry the
CPU's bfloat16 instructions) are turned on here unless the variable is set;
the setting is recorded.
"""

import argparse
import json
import os
import statistics
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "results" / "perf-bf16.json"
PRECISIONS = ("float32", "bfloat16")
#: The networks: the notebooks' ConvNet and MLP, and the reference's LeNet
#: (``ConvNetClassifier(**LENET)``).
MODELS = ("convnet", "lenet", "mlp")
#: The measurements of ``--parts``, as the record's keys.
PARTS = ("epoch_seconds", "certify", "accuracy")
SIGMA = 0.25
#: CPU flags of bfloat16 arithmetic (x86 AVX512_BF16 and AMX, Arm BF16).
BF16_FLAGS = ("avx512_bf16", "amx_bf16", "bf16")


def cpu_flags():
    """The processor's flags, sorted (empty where the system does not say)."""
    from skmnistnoise import cpu_flags as flags

    return sorted(flags())


def _classifier(model, precision, **params):
    from skmnistnoise import ConvNetClassifier, MLPClassifier
    from skmnistnoise.experiment import LENET

    if model == "mlp":
        return MLPClassifier(precision=precision, **params)
    shape = LENET if model == "lenet" else {}
    return ConvNetClassifier(precision=precision, **shape, **params)


def best_of(repeats, measure):
    """``measure(precision)`` for both precisions, interleaved ``repeats`` times.

    Returns each precision's list of values (seconds or rates), in order.
    """
    values = {p: [] for p in PRECISIONS}
    for _ in range(repeats):
        for precision in PRECISIONS:
            values[precision].append(measure(precision))
    return values


def epoch_seconds(model, precision, X, y):
    """Seconds of the second epoch of a seeded two-epoch fit."""
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)

    timer = EpochTimer()
    _classifier(model, precision, epochs=2, random_state=0).fit(X, y, callbacks=[timer])
    return timer.seconds[-1]


def certify_rates(model, precision, data, args):
    """A function timing certify and the raw network, for ``best_of``."""
    import numpy as np

    from skmnistnoise import GaussianNoise, NoiseAveragedClassifier

    smoother = NoiseAveragedClassifier(
        _classifier(
            model,
            precision,
            epochs=1,
            train_noise=GaussianNoise(scale=SIGMA),
            random_state=0,
        ),
        noise=GaussianNoise(scale=SIGMA),
        random_state=0,
    ).fit(data["X_train"], data["y_train"])
    images = data["X_test"][: args.certify_images]
    rows = len(images) * (args.n0 + args.n)
    network = smoother.estimator_.model_
    batch = np.resize(data["X_test"], (args.batch_size, data["X_test"].shape[1]))
    n_batches = max(1, rows // args.batch_size)
    # Trace both once, untimed.
    smoother.certify(images[:1], n0=1, n=1, batch_size=args.batch_size)
    network.predict_on_batch(batch)

    def measure():
        start = time.perf_counter()
        smoother.certify(images, n0=args.n0, n=args.n, batch_size=args.batch_size)
        certify = rows / (time.perf_counter() - start)
        start = time.perf_counter()
        for _ in range(n_batches):
            network.predict_on_batch(batch)
        raw = n_batches * args.batch_size / (time.perf_counter() - start)
        return certify, raw

    return measure


def t_interval(values, level=0.95):
    """Mean and its two-sided t interval; no interval for fewer than 2 values."""
    from scipy import stats

    mean = statistics.fmean(values)
    if len(values) < 2:
        return {"mean": mean, "ci": None}
    half = (
        stats.t.ppf((1 + level) / 2, len(values) - 1)
        * statistics.stdev(values)
        / len(values) ** 0.5
    )
    return {"mean": mean, "ci": [mean - half, mean + half]}


def test_accuracy(model, precision, seed, data, epochs):
    clf = _classifier(model, precision, epochs=epochs, random_state=seed)
    clf.fit(data["X_train"], data["y_train"])
    return float(clf.score(data["X_test"], data["y_test"]))


def load(args):
    import numpy as np

    from skmnistnoise.datasets import load_dataset

    bunch = load_dataset(args.dataset, data_home=args.data_home)
    train, test = next(bunch.cv.split(bunch.data, bunch.target))
    X = np.asarray(bunch.data, dtype=np.float32)
    return {
        "X_train": X[train][: args.n_train],
        "y_train": bunch.target[train][: args.n_train],
        "X_test": X[test],
        "y_test": bunch.target[test],
    }


class Partial:
    """Numbers measured so far, kept in a file beside ``--out`` until it is written.

    Each model's timings (measured side by side in one go) and each fit's test
    accuracy are written there as soon as they exist, under a key naming
    everything they depend on, so a run stopped at any moment loses at most the
    measurement under way and a second run with the same settings goes on from
    there. The file is removed once ``--out`` is written.
    """

    def __init__(self, args, n_train):
        self.path = args.out.with_name(args.out.stem + ".partial.json")
        self.context = f"{args.dataset}|n_train={n_train}"
        self.values = json.loads(self.path.read_text()) if self.path.exists() else {}

    def get(self, *key):
        return self.values.get("|".join([self.context, *map(str, key)]))

    def put(self, value, *key):
        self.values["|".join([self.context, *map(str, key)])] = value
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.values, indent=1) + "\n")
        tmp.replace(self.path)  # atomic: the file is whole or the old one
        return value

    def done(self):
        self.path.unlink(missing_ok=True)


def measure_all(args, data, partial):
    """Every number of the record; prints them as they come."""
    record = {part: {} for part in args.parts}
    settings = f"repeats={args.repeats}"
    for model in args.models if "epoch_seconds" in args.parts else ():
        stored = partial.get("epoch_seconds", model, settings)
        if stored is not None:
            record["epoch_seconds"][model] = stored
            print(f"{model} epoch times: from {partial.path.name}", flush=True)
            continue
        times = best_of(
            args.repeats,
            lambda p, m=model: epoch_seconds(m, p, data["X_train"], data["y_train"]),
        )
        best = {p: min(v) for p, v in times.items()}
        speedup = best["float32"] / best["bfloat16"]
        record["epoch_seconds"][model] = partial.put(
            {**best, "all": times, "bf16_speedup": speedup},
            "epoch_seconds",
            model,
            settings,
        )
        print(
            f"{model} epoch on {len(data['X_train'])} images: float32 "
            f"{best['float32']:.2f} s, bfloat16 {best['bfloat16']:.2f} s, "
            f"bf16_speedup {speedup:.2f}",
            flush=True,
        )
    settings += f"|certify={args.certify_images},{args.n0},{args.n},{args.batch_size}"
    for model in args.models if "certify" in args.parts else ():
        stored = partial.get("certify", model, settings)
        if stored is not None:
            record["certify"][model] = stored
            print(f"{model} certify rates: from {partial.path.name}", flush=True)
            continue
        measures = {p: certify_rates(model, p, data, args) for p in PRECISIONS}
        rates = best_of(args.repeats, lambda p, m=measures: m[p]())
        entry = {}
        for p, values in rates.items():
            certify = max(c for c, _ in values)
            raw = max(r for _, r in values)
            entry[p] = {
                "noisy_images_per_s": certify,
                "raw_rows_per_s": raw,
                "fraction_of_raw": certify / raw,
            }
        entry["bf16_speedup"] = (
            entry["bfloat16"]["noisy_images_per_s"]
            / entry["float32"]["noisy_images_per_s"]
        )
        record["certify"][model] = partial.put(entry, "certify", model, settings)
        print(
            f"{model} certify: "
            + ", ".join(
                f"{p} {entry[p]['noisy_images_per_s']:,.0f} noisy images/s "
                f"({entry[p]['fraction_of_raw']:.0%} of the raw network's "
                f"{entry[p]['raw_rows_per_s']:,.0f})"
                for p in PRECISIONS
            )
            + f", bf16_speedup {entry['bf16_speedup']:.2f}",
            flush=True,
        )
    for model in args.models if "accuracy" in args.parts else ():
        scores = {p: [] for p in PRECISIONS}
        for seed in args.seeds:  # interleaved too: seed by seed
            for p in PRECISIONS:
                key = ("accuracy", model, p, f"seed={seed}", f"epochs={args.epochs}")
                score = partial.get(*key)
                if score is None:
                    score = partial.put(
                        test_accuracy(model, p, seed, data, args.epochs), *key
                    )
                scores[p].append(score)
        difference = [b - f for f, b in zip(scores["float32"], scores["bfloat16"])]
        entry = {p: {"per_seed": s, **t_interval(s)} for p, s in scores.items()}
        entry["bf16_minus_f32"] = {"per_seed": difference, **t_interval(difference)}
        record["accuracy"][model] = entry
        print(
            f"{model} test accuracy after {args.epochs} epochs, seeds {args.seeds}: "
            + ", ".join(
                f"{p} {_interval_text(entry[p])}"
                for p in (*PRECISIONS, "bf16_minus_f32")
            ),
            flush=True,
        )
    return record


def _interval_text(summary):
    if summary["ci"] is None:
        return f"{summary['mean']:.4f}"
    low, high = summary["ci"]
    return f"{summary['mean']:.4f} [{low:.4f}, {high:.4f}]"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default="mnist", choices=("mnist", "digits"))
    parser.add_argument("--data-home", default=os.environ.get("SKMNISTNOISE_DATA"))
    parser.add_argument(
        "--models", nargs="+", choices=MODELS, default=["convnet", "mlp"]
    )
    parser.add_argument(
        "--parts",
        nargs="+",
        choices=PARTS,
        default=list(PARTS),
        help="what to measure (all three by default)",
    )
    parser.add_argument("--n-train", type=int, default=60_000)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--certify-images", type=int, default=10)
    parser.add_argument("--n0", type=int, default=100)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=4096)
    parser.add_argument("--out", type=Path, default=OUT)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
    import tensorflow as tf

    from skmnistnoise import cpu_description, library_versions

    cpu = cpu_description()
    flags = cpu_flags()
    gpus = [d.name for d in tf.config.list_physical_devices("GPU")]
    print(f"cpu: {cpu}; bfloat16 flags: {[f for f in BF16_FLAGS if f in flags]}")
    if gpus:
        print(f"gpus: {gpus} (the networks run there)")
    data = load(args)
    record = {
        "cpu": cpu,
        "bf16_flags": [f for f in BF16_FLAGS if f in flags],
        "cpu_flags": flags,
        "gpus": gpus,
        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
        "versions": library_versions(),
        "settings": {
            k: v for k, v in vars(args).items() if k not in ("out", "data_home")
        },
        "n_train": len(data["X_train"]),
        "n_test": len(data["X_test"]),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    partial = Partial(args, len(data["X_train"]))
    record.update(measure_all(args, data, partial))
    args.out.write_text(json.dumps(record, indent=1) + "\n")
    partial.done()
    print(f"wrote {args.out}")
    return record


if __name__ == "__main__":
    main()
