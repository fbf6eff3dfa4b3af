"""Beyond the notebooks: accuracy under additive Gaussian test noise on full MNIST.

    python benchmarks/beyond.py --data-home ../shared/data/mnist

For each model (the notebooks' ConvNet and MLP architectures) and test noise
sigma in {0.5, 1, 2} ([0, 1]-pixel units, unclipped, official split):

1. train on the 60,000 training images with Gaussian noise of the same sigma,
   drawn afresh every epoch (``train_noise``), 12 epochs, each seed of
   ``--seeds`` (default 0: the network's initialisation, its shuffling and
   dropout, the training noise and the test noise all follow the seed);
2. score the 10,000 test images under that noise: one draw per image (k=1,
   the notebooks' protocol), and noise-averaged prediction over k draws
   (``NoiseAveragedClassifier``, soft and hard voting).

Also the notebooks' MLP at scale 2 (standardised input, 20 epochs): one fixed
noise draw per training image against fresh draws every epoch, to show how
much of the train/validation gap per-epoch noise closes.

Every trained configuration's numbers are kept in
``benchmarks/results/beyond-store`` (committed), so a re-run only rewrites
``benchmarks/results/beyond.json``; ``beyond.md`` discusses them.
``beyond-tables.md`` has one row per seed and, where a configuration ran
with several seeds, their mean, standard deviation and 95% t interval over
the seeds (:meth:`skmnistnoise.experiment.SweepResults.aggregate`), beside
the Wilson interval of the pooled test images. The ConvNet claims over
three seeds, both recipes:

    python benchmarks/beyond.py --models convnet --recipes adam adam-no-dropout \
        --seeds 0 1 2

The training recipes are the package's (:data:`skmnistnoise.experiment.RECIPES`,
:func:`~skmnistnoise.experiment.recipe_params`). ``--tables-only`` trains
nothing: it looks up every configuration asked for in the store under the key
it computes today (one missing is an error, not a training run), reads the
per-epoch gap from ``beyond.json`` and rewrites ``beyond-tables.md`` from the
committed records only; the committed tables come back with:

    python benchmarks/beyond.py --tables-only --models convnet mlp \
        --recipes adam adam-no-dropout

TensorFlow's oneDNN kernels (``TF_ENABLE_ONEDNN_OPTS=1``) are turned on unless
the variable is set, as in ``certify.py``; each new record notes the setting.
"""

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # as skmnistnoise does

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SEED = 0
SIGMAS = (0.5, 1.0, 2.0)
DRAWS = (1, 10, 100)
EPOCHS = 12
#: Row order of the tables: the ConvNet first, as in every other table.
MODEL_ORDER = {"convnet": 0, "mlp": 1}


def smoothing_spec(digest, model, sigma, epochs, recipe="adam", seed=SEED):
    """The smoothed classifier of one configuration and its result-store spec.

    Parameters
    ----------
    digest : str
        ``ResultStore.digest`` of the data (MNIST's 70,000 images).
    model : {"convnet", "mlp"}
    sigma : float
        Gaussian noise of training and of testing, on [0, 1] pixels.
    epochs : int
    recipe : str, default="adam"
        A key of :data:`skmnistnoise.experiment.RECIPES`.
    seed : int, default=0

    Returns
    -------
    smooth : NoiseAveragedClassifier
        Unfitted.
    spec : dict
        What the store keys the record on (``ResultStore.key(spec)``).
    """
    from skmnistnoise import (
        ConvNetClassifier,
        GaussianNoise,
        MLPClassifier,
        NoiseAveragedClassifier,
    )
    from skmnistnoise.experiment import ResultStore, recipe_params

    cls = ConvNetClassifier if model == "convnet" else MLPClassifier
    clf = cls(
        train_noise=GaussianNoise(scale=sigma),
        epochs=epochs,
        random_state=seed,
        **recipe_params(recipe, model=model, epochs=epochs),
    )
    smooth = NoiseAveragedClassifier(
        clf, noise=GaussianNoise(scale=sigma), random_state=seed
    )
    spec = {
        "dataset": digest,
        "estimator": ResultStore.describe(smooth),
        "draws": ResultStore.describe(list(DRAWS)),
        "what": "beyond-smoothing",
    }
    return smooth, spec


def draw_prefix_scores(smooth, X, y, draws):
    """Accuracy of ``smooth`` at ``n_draws=k``, every k in ``draws``, soft and hard.

    ``NoiseAveragedClassifier.staged_predict_proba`` gives the averaged
    probabilities after each k from one pass over ``max(draws)`` draws,
    exactly what ``predict_proba`` with that ``n_draws`` gives: one pass per
    voting instead of one per k and voting. Checked against ``score`` at the
    smallest k > 1, both votings. ``predict_s`` is the time the pass took to
    reach k draws.
    """
    import numpy as np

    classes = smooth.classes_
    evaluations = []
    for voting in ("soft", "hard"):
        smooth.set_params(voting=voting)
        ks = sorted(k for k in draws if voting == "soft" or k > 1)
        start = time.perf_counter()
        for k, proba in zip(ks, smooth.staged_predict_proba(X, n_draws=ks)):
            accuracy = float(np.mean(classes[np.argmax(proba, axis=1)] == y))
            evaluations.append(
                {
                    "draws": k,
                    "voting": voting,
                    "test_accuracy": accuracy,
                    "predict_s": round(time.perf_counter() - start, 1),
                }
            )
            print(f"  k={k} {voting}: {accuracy:.4f}", flush=True)
    check = min(k for k in draws if k > 1)
    for voting in ("soft", "hard"):
        smooth.set_params(n_draws=check, voting=voting)
        expected = next(
            e for e in evaluations if (e["draws"], e["voting"]) == (check, voting)
        )
        assert float(smooth.score(X, y)) == expected["test_accuracy"], voting
    evaluations.sort(key=lambda e: (e["draws"], e["voting"] != "soft"))
    return evaluations


def smoothing_runs(
    data, store, models, sigmas, epochs, recipe="adam", seeds=(SEED,), train=True
):
    """Each configuration's record: from the store, else trained and scored.

    With ``train=False`` (``--tables-only``) nothing is trained: a
    configuration not stored under the key computed now is an error.
    """
    from skmnistnoise import cpu_description
    from skmnistnoise.experiment import ResultStore

    X_train, y_train = data.data[:60000], data.target[:60000]
    X_test, y_test = data.data[60000:], data.target[60000:]
    digest = ResultStore.digest(data.data, data.target)
    stored = None if train else set(store.keys())
    records = []
    configurations = [(m, s, seed) for seed in seeds for m in models for s in sigmas]
    for model, sigma, seed in configurations:  # every configuration once per seed
        smooth, spec = smoothing_spec(digest, model, sigma, epochs, recipe, seed)
        key = store.key(spec)
        record = store.get(key) if train or key in stored else None
        if record is None and not train:
            raise SystemExit(
                f"{model} sigma={sigma} {recipe} seed {seed} is not in {store.path} "
                f"(key {key}); --tables-only trains nothing: run without it."
            )
        if record is None:
            print(
                f"{model} sigma={sigma} {recipe} seed {seed}: training {epochs} epochs",
                flush=True,
            )
            start = time.perf_counter()
            smooth.fit(X_train, y_train)
            fit_s = time.perf_counter() - start
            evaluations = draw_prefix_scores(smooth, X_test, y_test, DRAWS)
            record = {
                "model": model,
                "recipe": recipe,
                "sigma": sigma,
                "train_noise": f"GaussianNoise(scale={sigma}), fresh every epoch",
                "epochs": epochs,
                "seed": seed,
                "n_test": len(y_test),
                "fit_s": round(fit_s, 1),
                "evaluations": evaluations,
                # Not in the key: the kernels and the processor, not the
                # computation, differ (records before 2026-12-03 lack "cpu").
                "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
                "cpu": cpu_description(),
            }
            store.put(key, record, spec)
        records.append({"recipe": recipe, **record, "key": key})
    return records


def stored_smoothing_runs(store):
    """Every smoothing run in the store (any recipe, model and sigma run so far)."""
    records = []
    for key in store.keys():
        record = store.get(key)
        if record is not None and "evaluations" in record:
            records.append({"recipe": "adam", **record, "key": key})
    return sorted(
        records,
        key=lambda r: (MODEL_ORDER[r["model"]], r["recipe"], r["sigma"], r["seed"]),
    )


VOTES = ((1, "soft"), (10, "soft"), (10, "hard"), (100, "soft"), (100, "hard"))


def seed_summary(smoothing, n_test=10_000):
    """Mean, std and 95% intervals over seeds of each model, recipe, sigma and vote.

    One row of :class:`~skmnistnoise.experiment.SweepResults` per run and
    evaluation, aggregated by :meth:`~skmnistnoise.experiment.SweepResults.aggregate`
    over the seeds: ``ci_low``/``ci_high`` the t interval of the mean over
    seeds (NaN for one seed), ``wilson_low``/``wilson_high`` the binomial
    interval of the pooled test images of every seed: each record's
    ``n_test`` where it has one (every record since it was added), else
    ``n_test`` (the official MNIST split every earlier record was scored on).
    """
    from skmnistnoise.experiment import SweepResults

    rows = [
        {
            "model": r["model"],
            "recipe": r["recipe"],
            "scale": r["sigma"],
            "seed": r["seed"],
            "draws": e["draws"],
            "voting": e["voting"],
            "test_accuracy": e["test_accuracy"],
            "n_test": r.get("n_test", n_test),
        }
        for r in smoothing
        for e in r["evaluations"]
    ]
    by = ("model", "recipe", "scale", "draws", "voting")
    return SweepResults(rows).aggregate("test_accuracy", by=by)


def _mean_interval(entry):
    """``mean [low, high]`` over seeds, or the one seed's value."""
    if entry["n"] < 2:
        return f"{entry['mean']:.4f}"
    return f"{entry['mean']:.4f} [{entry['ci_low']:.4f}, {entry['ci_high']:.4f}]"


def per_epoch_gap_runs(data, store):
    """The notebooks' MLP at scale 2: fixed draw per image vs fresh every epoch."""
    from skmnistnoise import GaussianNoise
    from skmnistnoise.experiment import make_study_pipeline, noise_sweep

    records = []
    for regime in ("fixed", "per-epoch"):
        if regime == "fixed":
            pipe = make_study_pipeline("mlp", "additive", protocol="notebooks")
        else:
            pipe = make_study_pipeline(
                "mlp",
                "additive",
                protocol="notebooks",
                apply_to="test",
                train_noise=GaussianNoise(scale=2.0),
            )
        result = noise_sweep(
            pipe,
            data.data,
            data.target,
            param_range=[2.0],
            cv=data.cv,
            store=store.path,
            random_state=SEED,
            dataset="mnist",
            labels={"protocol": "notebooks", "regime": regime},
            verbose=True,
        ).rows[0]
        records.append(
            {
                "regime": regime,
                "scale": 2.0,
                "units": "standard deviations of the standardised pixels",
                "epochs": result["epochs"],
                "seed": SEED,
                "keras_train_accuracy_last_epoch": result["epoch_train_accuracy"][-1],
                "train_accuracy": result["train_accuracy"],
                "test_accuracy": result["test_accuracy"],
                "epoch_train_accuracy": result["epoch_train_accuracy"],
                "epoch_test_accuracy": result["epoch_test_accuracy"],
                "wall_s": round(result["fit_time"] + result["score_time"], 1),
            }
        )
    return records


def seed_table(smoothing):
    """Markdown table of the configurations run with several seeds, over seeds."""
    from skmnistnoise.report import markdown_table

    summary = seed_summary(smoothing)
    configurations = {}
    for entry in summary:
        if entry["seeds"] > 1:
            ident = (entry["model"], entry["recipe"], entry["scale"])
            vote = (entry["draws"], entry["voting"])
            configurations.setdefault(ident, {})[vote] = entry
    if not configurations:
        return ""
    header = (
        "model", "recipe", "sigma", "seeds", "k=1", "k=100 soft", "k=100 hard",
        "k=100 soft, std", "k=100 soft, Wilson (pooled)",
    )  # fmt: skip
    rows = []
    for (model, recipe, sigma), votes in sorted(
        configurations.items(), key=lambda c: (MODEL_ORDER[c[0][0]], *c[0][1:])
    ):
        soft = votes[100, "soft"]
        cells = [model, recipe, f"{sigma:g}", str(soft["seeds"])]
        cells += [_mean_interval(votes[k]) for k in ((1, "soft"), *VOTES[3:])]
        cells.append(f"{soft['std']:.4f}")
        cells.append(f"[{soft['wilson_low']:.4f}, {soft['wilson_high']:.4f}]")
        rows.append(cells)
    return markdown_table(header, rows, ["---"] * len(header))


def tables(smoothing, gap):
    """Markdown tables of the runs: one row per model, recipe, sigma and seed; the
    same over seeds where several ran; the gap."""
    from skmnistnoise.report import markdown_table

    header = (
        "model", "recipe", "sigma", "k=1", "k=10 soft", "k=10 hard", "k=100 soft",
        "k=100 hard", "epochs", "seed", "fit (s)", "100 draws (s)",
    )  # fmt: skip
    rows = []
    for r in smoothing:
        acc = {(e["draws"], e["voting"]): e for e in r["evaluations"]}
        cells = [r["model"], r["recipe"], f"{r['sigma']:g}"]
        for key in VOTES:
            cells.append(f"{acc[key]['test_accuracy']:.4f}" if key in acc else "")
        last = max(r["evaluations"], key=lambda e: e["draws"])
        cells += [str(r["epochs"]), str(r["seed"]), f"{r['fit_s']:.0f}"]
        cells.append(f"{last['predict_s']:.0f}")
        rows.append(cells)
    first = markdown_table(header, rows, ["---"] * len(header))
    header = (
        "MLP, notebooks' protocol, scale 2", "Keras train accuracy, last epoch",
        "validation_curve train score", "test accuracy", "gap (Keras train - test)",
        "epochs", "seed", "wall (s)",
    )  # fmt: skip
    rows = []
    for g in gap:
        keras_train = g["keras_train_accuracy_last_epoch"]
        rows.append(
            (
                g["regime"],
                f"{keras_train:.4f}",
                f"{g['train_accuracy']:.4f}",
                f"{g['test_accuracy']:.4f}",
                f"{keras_train - g['test_accuracy']:.4f}",
                g["epochs"],
                g["seed"],
                f"{g['wall_s']:.0f}",
            )
        )
    second = markdown_table(header, rows, ["---"] * len(header))
    over_seeds = seed_table(smoothing)
    if over_seeds:
        first += (
            "\n\nOver seeds: mean [95% t interval of the mean over the seeds]; "
            "std over the seeds; the Wilson interval of the pooled test images "
            "(seeds x 10,000).\n\n" + over_seeds
        )
    return first + "\n\n" + second + "\n"


def main(argv=None):
    # As benchmarks/certify.py: before TensorFlow is imported, in main.
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
    from skmnistnoise.datasets import load_dataset
    from skmnistnoise.experiment import RECIPES, ResultStore

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-home", default=os.environ.get("SKMNISTNOISE_DATA"))
    parser.add_argument("--models", nargs="*", default=["convnet", "mlp"])
    parser.add_argument("--sigmas", nargs="*", type=float, default=list(SIGMAS))
    parser.add_argument(
        "--recipes",
        nargs="*",
        default=["adam"],
        choices=sorted(RECIPES),
        metavar="RECIPE",
        help=f"training recipes ({', '.join(RECIPES)}); all are stored",
    )
    parser.add_argument(
        "--seeds",
        nargs="*",
        type=int,
        default=[SEED],
        help="one fit per seed of each model, sigma and recipe; all are stored",
    )
    parser.add_argument(
        "--tables-only",
        action="store_true",
        help="train nothing: look the configurations up in the store (a missing "
        "one is an error), read the per-epoch gap from beyond.json and rewrite "
        "beyond-tables.md only",
    )
    args = parser.parse_args(argv)
    data = load_dataset("mnist", data_home=args.data_home)
    store = ResultStore(RESULTS / "beyond-store")
    for recipe in args.recipes:
        smoothing_runs(
            data,
            store,
            args.models,
            args.sigmas,
            EPOCHS,
            recipe,
            args.seeds,
            train=not args.tables_only,
        )
    out = RESULTS / "beyond.json"
    # All runs so far, also those of other --models, --sigmas or --recipes.
    smoothing = stored_smoothing_runs(store)
    if args.tables_only:
        gap = json.loads(out.read_text())["per_epoch_gap"]
    else:
        gap = per_epoch_gap_runs(data, store)
        out.write_text(
            json.dumps({"smoothing": smoothing, "per_epoch_gap": gap}, indent=1)
            + "\n"
        )
    (RESULTS / "beyond-tables.md").write_text(tables(smoothing, gap))
    print(f"{len(smoothing)} smoothing runs -> {RESULTS / 'beyond-tables.md'}")


if __name__ == "__main__":
    main()
