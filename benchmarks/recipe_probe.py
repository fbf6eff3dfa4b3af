"""Short trainings that compare recipes and ConvNet shapes under heavy noise.

    python benchmarks/recipe_probe.py --data-home ../shared/data/mnist \\
        [--sigma 1.0] [--epochs 5] [--seed 0] [--precision bfloat16] \\
        [--variants gaussian consistency gaussian-k5 ...] [--n-train 60000]

Certification at r = 0 is bounded by the base network's accuracy under the
smoothing noise. A certification run trains 30 epochs and certifies for
another 7 minutes (``benchmarks/certify.py``); this probe asks the cheaper
question first: after ``--epochs`` epochs of training with Gaussian noise of
``--sigma`` drawn afresh every epoch, how accurate is the network on the
10,000 test images under that noise (``--draws`` independent draws, seeded;
the mean and the range over the draws), and on the clean images. Each
variant is a training recipe of the package
(:data:`skmnistnoise.experiment.RECIPES`) on the notebooks' ConvNet, or the
ConvNet with other :class:`~skmnistnoise.ConvNetClassifier` parameters (its
shape: ``kernel_size``, ``dense_units``, or ``"lenet"``: the reference's
network, :data:`skmnistnoise.experiment.LENET`): a shape is another network,
not a recipe, and the table says which is which.

One record per variant goes to ``benchmarks/results/recipe-probe.json`` as
soon as it is trained, with the settings, the training time and the CPU; a
variant already there with the same settings is not trained again, so a
stopped probe resumes. Noisy accuracy after a few epochs ranks the variants;
it is not a certified accuracy, and a variant that wins here still needs its
certification run.
"""

import argparse
import json
import os
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "results" / "recipe-probe.json"

#: name: (recipe, ConvNet parameters beyond the recipe's).
VARIANTS = {
    "gaussian": ("adam-cosine-no-dropout", {}),
    "consistency": ("consistency-lambda5-cosine-no-dropout", {}),
    "gaussian-k5": ("adam-cosine-no-dropout", {"kernel_size": 5}),
    "gaussian-dense512": ("adam-cosine-no-dropout", {"dense_units": 512}),
    "gaussian-lenet": ("adam-cosine-no-dropout", "lenet"),
    "consistency-lenet": ("consistency-lambda5-cosine-no-dropout", "lenet"),
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-home", required=True)
    parser.add_argument("--sigma", type=float, default=1.0)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--draws", type=int, default=4)
    parser.add_argument("--n-train", type=int, default=60_000)
    parser.add_argument(
        "--precision", choices=("float32", "bfloat16"), default="bfloat16"
    )
    parser.add_argument(
        "--variants", nargs="+", choices=sorted(VARIANTS), default=list(VARIANTS)
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    for name in ("sigma", "epochs", "draws", "n_train"):
        if getattr(args, name) <= 0:
            flag = name.replace("_", "-")
            parser.error(f"--{flag} must be positive; got {getattr(args, name)}")
    return args


def settings(args, variant):
    """What a record's numbers depend on: the variant and the run's settings."""
    recipe, shape = VARIANTS[variant]
    return {
        "variant": variant,
        "recipe": recipe,
        "shape": shape,
        "sigma": args.sigma,
        "epochs": args.epochs,
        "seed": args.seed,
        "draws": args.draws,
        "precision": args.precision,
        "n_train": args.n_train,
    }


def probe(args, variant, data):
    """Train one variant; its record."""
    import numpy as np

    from skmnistnoise import ConvNetClassifier, GaussianNoise, cpu_description
    from skmnistnoise.experiment import LENET, recipe_params

    recipe, shape = VARIANTS[variant]
    shape = LENET if shape == "lenet" else shape
    params = recipe_params(
        recipe, model="convnet", epochs=args.epochs, n_train=args.n_train
    )
    clf = ConvNetClassifier(
        **{**shape, **params},
        epochs=args.epochs,
        precision=args.precision,
        train_noise=GaussianNoise(scale=args.sigma),
        random_state=args.seed,
    )
    start = time.perf_counter()
    clf.fit(data["X_train"], data["y_train"])
    fit_time = time.perf_counter() - start
    noisy = [
        float(
            np.mean(
                clf.predict(
                    GaussianNoise(
                        scale=args.sigma, random_state=1000 + draw
                    ).fit_transform(data["X_test"])
                )
                == data["y_test"]
            )
        )
        for draw in range(args.draws)
    ]
    history = clf.history_
    return {
        **settings(args, variant),
        "noisy_accuracy": float(np.mean(noisy)),
        "noisy_accuracy_draws": noisy,
        "clean_accuracy": float(np.mean(clf.predict(data["X_test"]) == data["y_test"])),
        "train_accuracy_last_epoch": float(history["accuracy"][-1])
        if "accuracy" in history
        else None,
        "n_params": int(clf.model_.count_params()),
        "fit_time": fit_time,
        "cpu": cpu_description(),
        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
    }


def main(argv=None):
    args = parse_args(argv)
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
    from skmnistnoise.datasets import load_dataset

    mnist = load_dataset("mnist", data_home=args.data_home)
    data = {
        "X_train": mnist.data[: min(args.n_train, 60_000)],
        "y_train": mnist.target[: min(args.n_train, 60_000)],
        "X_test": mnist.data[60_000:],
        "y_test": mnist.target[60_000:],
    }
    records = json.loads(args.out.read_text())["runs"] if args.out.exists() else []
    for variant in args.variants:
        wanted = settings(args, variant)
        if any({k: r.get(k) for k in wanted} == wanted for r in records):
            print(f"{variant}: in {args.out.name} already")
            continue
        record = probe(args, variant, data)
        records.append(record)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"runs": records}, indent=1) + "\n")
        draws = record["noisy_accuracy_draws"]
        print(
            f"{variant}: noisy {record['noisy_accuracy']:.4f} "
            f"[{min(draws):.4f}, {max(draws):.4f}] clean "
            f"{record['clean_accuracy']:.4f}, trained in {record['fit_time']:.0f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
