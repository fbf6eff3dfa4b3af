"""MNIST-C on MNIST and Fashion-MNIST: per-corruption test error over seeds.

Each network is trained once per (dataset, model, training, seed): on clean
images ("clean"), or with Gaussian noise of sigma 0.5 drawn afresh every
epoch ("gaussian-0.5", the classifier's ``train_noise``). Each is then tested
on all 10,000 test images, clean and under each of MNIST-C's fifteen
corruptions (:class:`skmnistnoise.corruptions.MNISTCorruption` at MNIST-C's
own setting, its draws seeded with the fit's seed). Every finished fit's
errors are kept in ``benchmarks/results/mnist-c-store`` (checksummed records,
one per fit), so the run resumes where it stopped and a re-run trains
nothing; ``--tables-only`` only reads the store. The summary is the test
error per (dataset, model, training, corruption), mean over seeds with
Student's t 95% interval, and each model's mean corruption error (mCE) and
relative mCE against one named baseline, the MLP trained on clean images
(Hendrycks and Dietterich, 2019), through
:func:`skmnistnoise.metrics.corruption_scores`.

    python benchmarks/mnist_c.py --data-home ../shared/data/mnist \\
        --datasets mnist --models mlp convnet --seeds 0 1 2
    python benchmarks/mnist_c.py --data-home ../shared/data/mnist \\
        --datasets fashion-mnist --models convnet --seeds 0 1 2
"""

import argparse
import json
import os
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
STORE = RESULTS / "mnist-c-store"
TRAININGS = {"clean": None, "gaussian-0.5": 0.5}
EPOCHS = {"mlp": 20, "convnet": 12}  # the notebooks'


def classifier(model, training, seed):
    """The network of ``model``, trained as ``training`` says, seeded."""
    from skmnistnoise import ConvNetClassifier, GaussianNoise, MLPClassifier

    cls = ConvNetClassifier if model == "convnet" else MLPClassifier
    sigma = TRAININGS[training]
    train_noise = None if sigma is None else GaussianNoise(scale=sigma)
    return cls(epochs=EPOCHS[model], train_noise=train_noise, random_state=seed)


def spec_of(dataset, model, training, seed, data):
    """What a fit's record depends on: its key's contents."""
    from skmnistnoise.corruptions import CORRUPTIONS
    from skmnistnoise.experiment import ResultStore

    return {
        "benchmark": "mnist-c",
        "dataset": dataset,
        "data": ResultStore.digest(*data),
        "estimator": ResultStore.describe(classifier(model, training, seed)),
        "corruptions": list(CORRUPTIONS),
        "corruption_seed": seed,
    }


def evaluate(clf, X_test, y_test, seed):
    """Test accuracy clean and under each corruption, with their times."""
    from skmnistnoise.corruptions import CORRUPTIONS, MNISTCorruption

    start = time.perf_counter()
    clean = float((clf.predict(X_test) == y_test).mean())
    corrupted = []
    for name in CORRUPTIONS:
        corruption = MNISTCorruption(name, random_state=seed).fit(X_test[:1])
        X = corruption.transform(X_test)
        accuracy = float((clf.predict(X) == y_test).mean())
        corrupted.append({"corruption": name, "test_accuracy": accuracy})
    return clean, corrupted, time.perf_counter() - start


def run_one(store, dataset, model, training, seed, data, *, tables_only, log):
    """The record of one fit: from the store, or trained and tested now."""
    from skmnistnoise import cpu_description, library_versions

    X_train, y_train, X_test, y_test = data
    spec = spec_of(dataset, model, training, seed, data)
    key = store.key(spec)
    record = store.get(key)
    if record is not None or tables_only:
        return record
    log(f"{dataset} {model} {training} seed {seed}: training {EPOCHS[model]} epochs")
    clf = classifier(model, training, seed)
    start = time.perf_counter()
    clf.fit(X_train, y_train)
    fit_time = time.perf_counter() - start
    clean, corrupted, score_time = evaluate(clf, X_test, y_test, seed)
    record = {
        "dataset": dataset,
        "model": model,
        "training": training,
        "seed": seed,
        "epochs": EPOCHS[model],
        "n_test": len(y_test),
        "test_accuracy": clean,
        "corruptions": corrupted,
        "fit_time": fit_time,
        "score_time": score_time,
        "cpu": cpu_description(),
        "versions": library_versions(),
    }
    store.put(key, record, spec=spec)
    log(
        f"  clean {clean:.4f}, mean under corruption "
        f"{sum(c['test_accuracy'] for c in corrupted) / len(corrupted):.4f}; "
        f"fit {fit_time:.0f} s, scoring {score_time:.0f} s"
    )
    return record


def rows_of(records):
    """The records as one results table: a row per fit and corruption.

    A model trained with noise is its own model ("mlp+gaussian-0.5"), so that
    every corruption error is relative to the one baseline, "mlp" (the MLP
    trained on clean images); scale 0 is the clean test set, scale 1
    MNIST-C's setting.
    """
    from skmnistnoise.experiment import SweepResults

    rows = []
    for r in records:
        clean = r["training"] == "clean"
        base = {
            "dataset": r["dataset"],
            "model": r["model"] if clean else f"{r['model']}+{r['training']}",
            "protocol": "mnist-c",
            "seed": r["seed"],
            "fold": 0,
            "n_test": r["n_test"],
        }
        for c in r["corruptions"]:
            rows.append({**base, "noise": c["corruption"], "scale": 0.0,
                         "test_accuracy": r["test_accuracy"]})  # fmt: skip
            rows.append({**base, "noise": c["corruption"], "scale": 1.0,
                         "test_accuracy": c["test_accuracy"]})  # fmt: skip
    return SweepResults(rows)


def _number(value):
    """A float, or None for NaN (JSON has no NaN)."""
    return None if value != value else float(value)


def _interval(entry):
    """The error's t interval, or None where one seed gives none (JSON null)."""
    low, high = 1 - entry["ci_high"], 1 - entry["ci_low"]
    return None if low != low or high != high else [low, high]


def summary(records):
    """Per-corruption error over seeds, and mCE per model."""
    from skmnistnoise.corruptions import CORRUPTIONS
    from skmnistnoise.metrics import corruption_scores, mean_corruption_errors

    results = rows_of(records)
    by = ("dataset", "model", "protocol", "noise", "scale")

    def split(label):
        model, _, training = label.partition("+")
        return model, training or "clean"

    table = []
    for entry in results.aggregate("test_accuracy", by=by):
        if entry["scale"] != 1.0:
            continue
        table.append(
            {
                "dataset": entry["dataset"],
                "model": split(entry["model"])[0],
                "training": split(entry["model"])[1],
                "corruption": entry["noise"],
                "seeds": entry["seeds"],
                "test_error": 1 - entry["mean"],
                "ci": _interval(entry),
                "per_seed": [
                    round(1 - r["test_accuracy"], 4)
                    for r in results.select(
                        dataset=entry["dataset"],
                        model=entry["model"],
                        protocol=entry["protocol"],
                        noise=entry["noise"],
                        scale=1.0,
                    )
                ],  # fmt: skip
            }
        )
    # The clean error over the fits: one value per fit (the table above
    # repeats it under every corruption, which would count each fit 15 times).
    from skmnistnoise.experiment import SweepResults

    fits = SweepResults(
        [r for r in results if r["scale"] == 0.0 and r["noise"] == CORRUPTIONS[0]]
    )
    clean = {}
    for entry in fits.aggregate("test_accuracy", by=("dataset", "model", "protocol")):
        key = (entry["dataset"], entry["model"], entry["protocol"])
        clean[key] = {
            "test_error": 1 - entry["mean"],
            "ci": _interval(entry),
            "seeds": entry["seeds"],
        }
    mce = []
    for m in mean_corruption_errors(corruption_scores(results, baseline="mlp")):
        key = (m["dataset"], m["model"], m["protocol"])
        mce.append(
            {
                "dataset": m["dataset"],
                "model": split(m["model"])[0],
                "training": split(m["model"])[1],
                "clean_error": clean.get(key, {}).get("test_error"),
                "clean_ci": clean.get(key, {}).get("ci"),
                "mean_corruption_error": m["mean_error"],
                "mCE_vs_clean_mlp": _number(m["mCE"]),
                "relative_mCE_vs_clean_mlp": _number(m["relative_mCE"]),
            }
        )
    return table, mce


def _fmt(value, digits=4):
    return "-" if value is None or value != value else f"{value:.{digits}f}"


def markdown(table, mce):
    from skmnistnoise.report import markdown_table

    header = ("dataset", "model", "training", "corruption", "seeds",
              "test error", "95% t interval", "per seed")  # fmt: skip
    rows = [
        (t["dataset"], t["model"], t["training"], t["corruption"], t["seeds"],
         _fmt(t["test_error"]),
         f"[{_fmt(t['ci'][0])}, {_fmt(t['ci'][1])}]" if t["ci"] else "-",
         " ".join(f"{e:.4f}" for e in t["per_seed"]))
        for t in table
    ]  # fmt: skip
    header2 = (
        "dataset", "model", "training", "clean error [95% t]",
        "mean corruption error", "mCE vs clean MLP", "relative mCE vs clean MLP",
    )  # fmt: skip
    rows2 = [
        (m["dataset"], m["model"], m["training"],
         f"{_fmt(m['clean_error'])}"
         + (f" [{_fmt(m['clean_ci'][0])}, {_fmt(m['clean_ci'][1])}]"
            if m["clean_ci"] else ""),
         _fmt(m["mean_corruption_error"]), _fmt(m["mCE_vs_clean_mlp"], 3),
         _fmt(m["relative_mCE_vs_clean_mlp"], 3))
        for m in mce
    ]  # fmt: skip
    return (
        "Test error under MNIST-C's corruptions (all 10,000 test images; mean "
        "over seeds, Student's t 95% interval; one fit per seed, tested under "
        "all fifteen corruptions). Written by `benchmarks/mnist_c.py` from "
        "`mnist-c-store`.\n\n"
        + markdown_table(header, rows)
        + "\n\nPer model: the clean error, the mean error over the fifteen "
        "corruptions, and the corruption errors relative to one baseline, the "
        "MLP trained on clean images (ImageNet-C's mCE and relative mCE; 1 for "
        "the baseline itself, '-' where it was not run).\n\n"
        + markdown_table(header2, rows2)
        + "\n"
    )


def draw_figures(records, out):
    """``mnist-c-<dataset>.png``: per-corruption test error of every model and
    training of the dataset (CorruptionErrorDisplay: sorted bars, the clean
    error marked, mCE against the clean-trained MLP where it ran)."""
    from skmnistnoise.experiment import SweepResults
    from skmnistnoise.plotting import CorruptionErrorDisplay
    from skmnistnoise.report import save_figure

    results = rows_of(records)
    for row in results:  # the legend's words for a noise-trained network
        model, _, training = row["model"].partition("+")
        if training:
            name = {"mlp": "MLP", "convnet": "ConvNet"}.get(model, model)
            row["model"] = f"{name} trained with noise {TRAININGS[training]:g}"
    written = []
    for dataset in sorted({r["dataset"] for r in records}):
        rows = SweepResults(results.select(dataset=dataset))
        baseline = "mlp" if "mlp" in rows.unique("model") else None
        display = CorruptionErrorDisplay.from_results(rows, baseline=baseline)
        path = Path(out) / f"mnist-c-{dataset}.png"
        save_figure(display.figure_, path)
        written.append(path.name)
    return written


def main(argv=None):
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--datasets", nargs="+", default=["mnist"],
                        choices=["mnist", "fashion-mnist"])  # fmt: skip
    parser.add_argument("--models", nargs="+", default=["mlp", "convnet"],
                        choices=["mlp", "convnet"])  # fmt: skip
    parser.add_argument("--trainings", nargs="+", default=list(TRAININGS),
                        choices=list(TRAININGS))  # fmt: skip
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument(
        "--tables-only",
        action="store_true",
        help="train nothing: the tables of the stored fits",
    )
    parser.add_argument("--store", default=str(STORE))
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args(argv)

    from skmnistnoise import cpu_description
    from skmnistnoise.datasets import load_dataset
    from skmnistnoise.experiment import ResultStore

    store = ResultStore(args.store)

    def log(text):
        print(text, flush=True)

    log(f"cpu: {cpu_description()}")
    records = []
    for dataset in args.datasets:
        bunch = load_dataset(dataset, data_home=args.data_home)
        train, test = next(iter(bunch.cv.split()))
        data = (bunch.data[train], bunch.target[train],
                bunch.data[test], bunch.target[test])  # fmt: skip
        for model in args.models:
            for training in args.trainings:
                for seed in args.seeds:
                    record = run_one(store, dataset, model, training, seed, data,
                                     tables_only=args.tables_only, log=log)  # fmt: skip
                    if record is not None:
                        records.append(record)
    # Every fit in the store, also those of other options run before.
    stored = [store.get(k) for k in sorted(store.keys())]
    stored = [r for r in stored if r is not None and "corruptions" in r]
    table, mce = summary(stored)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "mnist-c.json").write_text(
        json.dumps({"rows": table, "mce": mce}, indent=1, allow_nan=False) + "\n"
    )
    (out / "mnist-c.md").write_text(markdown(table, mce))
    figures = draw_figures(stored, out)
    log(
        f"{len(stored)} fits; wrote {out / 'mnist-c.json'}, mnist-c.md and "
        + ", ".join(figures)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
