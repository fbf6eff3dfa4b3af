"""Certified robustness on MNIST by Cohen et al.'s protocol, against the baseline.

    python benchmarks/certify.py --data-home ../shared/data/mnist \\
        [--models convnet mlp] [--sigmas 0.25 0.5 1.0] [--n 10000] [--n0 100] \\
        [--alpha 0.001] [--images 500] [--epochs 12] [--recipe adam-no-dropout]

For each model (the notebooks' ConvNet, 1,199,882 parameters, and MLP) and
sigma:

1. train on the 60,000 training images with additive Gaussian noise of that
   sigma drawn afresh every epoch (``train_noise=GaussianNoise(scale=sigma)``),
   ``--epochs`` epochs, seed 0, a training recipe of the package
   (:data:`skmnistnoise.experiment.RECIPES`; ``adam-no-dropout``: the
   notebooks' Adam with the dropout rates at 0);
2. certify the MNIST test images whose index % 20 == 0 (500 images, Cohen et
   al.'s protocol) with ``NoiseAveragedClassifier.certify``: ``n0`` selection
   draws, ``n`` estimation draws, level ``alpha``, pixels in [0, 1], the noise
   unclipped;
3. write ``certified_accuracy`` at the reference's radii and the average
   certified radius (ACR) to ``benchmarks/results/certify.json`` and
   ``certify.md``, beside the published MNIST baseline: Jeong and Shin
   (2020)'s reproduction of Cohen et al.'s Gaussian-augmentation baseline, a
   LeNet trained 90 epochs (:mod:`skmnistnoise.references`).

Resumable, and safe to run in the background (``nohup ... &``): it runs
:func:`skmnistnoise.experiment.certify_study` (what ``skmnistnoise certify``
runs) with ``benchmarks/results/certify-store`` as its result store. The
certificates are kept in chunks of ``--chunk`` images, each record keyed by
the trained weights' digest, the images, ``n0``, ``n``, ``alpha`` and the
batch size, so a killed run loses at most one chunk and a resumed one gives
the same certificates bit for bit. The trained networks are kept beside them
(``certify-store/fitted/``, checksummed, not committed: a re-trained network
with other weights, on another CPU, certifies afresh). ``--results-dir`` puts
everything elsewhere (smoke runs: ``--images 20 --n 200 --epochs 1
--n-train 2000 --results-dir /tmp/certify-smoke``). ``--tables-only``
certifies nothing: it rewrites ``certify.md`` from the runs in
``certify.json`` (a re-run would train the networks again, which are not
committed): ``python benchmarks/certify.py --tables-only``.

TensorFlow's oneDNN kernels (``TF_ENABLE_ONEDNN_OPTS=1``) are turned on here
unless the variable is set: on this CPU they run the ConvNet's forward pass
about 1.5 times as fast. The setting is recorded with every run.
"""

import argparse
import json
import os
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SEED = 0
SIGMAS = (0.25, 0.5, 1.0)
N_TRAIN = 60_000
#: The command line's defaults: the option, the record's field, the default.
OPTIONS = (
    ("--recipe", "recipe", "adam-no-dropout"),
    ("--epochs", "epochs", 12),
    ("--n-train", "n_train", N_TRAIN),
    ("--images", "n_images", 500),
    ("--n0", "n0", 100),
    ("--n", "n", 10_000),
    ("--alpha", "alpha", 0.001),
)
#: Whose the published baseline is (skmnistnoise.references), in the tables.
REFERENCE_NAME = "Jeong and Shin (2020)"


def _smoother(model, epochs, recipe, n_train=N_TRAIN):
    from skmnistnoise.experiment import make_smoother, recipe_params

    params = recipe_params(recipe, model=model, epochs=epochs, n_train=n_train)
    return make_smoother(model, epochs=epochs, **params)


def certified_images(n_images):
    """Indices (of the 10,000 test images) of the first n_images with i % 20 == 0."""
    import numpy as np

    indices = np.arange(0, 10_000, 20)
    if not 1 <= n_images <= len(indices):
        raise SystemExit(f"--images must be in 1..{len(indices)}; got {n_images}")
    return indices[:n_images]


def summarise(row, recipe):
    """The committed record of one run (a row of certify_study's table).

    ``cohen_certified_accuracy`` holds the published baseline at the run's
    sigma (:data:`skmnistnoise.references.GAUSSIAN_MNIST_500`), under the
    field name of the committed records.
    """
    from skmnistnoise.references import GAUSSIAN_MNIST_500

    published = GAUSSIAN_MNIST_500.get(row["sigma"])
    return {
        "model": row["model"],
        "sigma": row["sigma"],
        "recipe": recipe,
        "epochs": row["epochs"],
        "seed": row["seed"],
        "n0": row["n0"],
        "n": row["n"],
        "alpha": row["alpha"],
        "n_train": row["n_train"],
        "n_images": row["n_images"],
        "certified_accuracy": {
            f"{r:g}": a
            for r, a in zip(row["certified_radii"], row["certified_accuracy_at"])
        },
        "acr": row["acr"],
        "abstained": row["abstained"],
        "cohen_certified_accuracy": (
            None if published is None else {f"{r:g}": a for r, a in published.items()}
        ),
        "fit_s": round(row["fit_time"], 1),
        "certify_s": round(row["score_time"], 1),
        "wall_s": round(row["fit_time"] + row["score_time"], 1),
        "batch_size": row["batch_size"],
        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
        "cpu": row.get("cpu"),
    }


def markdown(runs):
    """Our runs beside the published baseline's table."""
    from skmnistnoise.references import GAUSSIAN_MNIST_500, PROTOCOL, RADII_500
    from skmnistnoise.report import markdown_table

    header = (
        "model", "recipe", "sigma", *(f"r={r:g}" for r in RADII_500), "ACR",
        "abstained", "n", "images", "epochs", "fit (s)", "certify (s)",
    )  # fmt: skip
    rows = []
    for run in runs:
        cells = [run["model"], run["recipe"], f"{run['sigma']:g}"]
        cells += [
            f"{run['certified_accuracy'][f'{r:g}']:.3f}"
            if f"{r:g}" in run["certified_accuracy"]
            else ""
            for r in RADII_500
        ]
        cells += [f"{run['acr']:.3f}", f"{run['abstained']:.3f}", str(run["n"])]
        cells += [str(run["n_images"]), str(run["epochs"])]
        cells += [f"{run['fit_s']:.0f}", f"{run['certify_s']:.0f}"]
        rows.append(cells)
    for sigma, published in GAUSSIAN_MNIST_500.items():
        cells = [f"{PROTOCOL['model']}, {REFERENCE_NAME}"]
        cells += [f"Gaussian baseline of Cohen et al., {PROTOCOL['epochs']} epochs"]
        cells.append(f"{sigma:g}")
        cells += [
            "-" if published.get(r) is None else f"{published[r]:.3f}"
            for r in RADII_500
        ]
        cells += ["", "", str(PROTOCOL["n"]), "500", str(PROTOCOL["epochs"]), "", ""]
        rows.append(cells)
    return markdown_table(header, rows, ["---"] * len(header)) + "\n"


def against_reference(runs):
    """Each run's certified accuracy with its 95% Wilson interval, beside the baseline.

    A certified accuracy is a fraction of ``n_images`` test images: the Wilson
    interval is its binomial uncertainty (another 500 images would give
    another fraction). ``below`` marks where the published value (the run's
    ``cohen_certified_accuracy``) lies above the interval, ``within`` where it
    lies inside, ``above`` where below it.
    """
    from skmnistnoise.metrics import wilson_interval
    from skmnistnoise.references import RADII_500
    from skmnistnoise.report import markdown_table

    header = ("model", "sigma", *(f"r={r:g}" for r in RADII_500))
    rows = []
    for run in runs:
        published = run.get("cohen_certified_accuracy") or {}
        cells = [run["model"], f"{run['sigma']:g}"]
        for r in RADII_500:
            ours = run["certified_accuracy"].get(f"{r:g}")
            theirs = published.get(f"{r:g}")
            if ours is None or theirs is None:
                cells.append("-")
                continue
            low, high = wilson_interval(ours, run["n_images"])
            verdict = "within"
            if theirs > high or theirs < low:
                verdict = "below" if theirs > high else "above"
            cells.append(
                f"{ours:.3f} [{float(low):.3f}, {float(high):.3f}] vs {theirs:.3f}, "
                f"{verdict}"
            )
        rows.append(cells)
    return markdown_table(header, rows, ["---"] * len(header)) + "\n"


def commands(runs):
    """The command lines that make ``runs``: one per set of options they share.

    Built from the records, not from the last run's arguments, so that a run
    of some sigmas or models does not put its options above every row.
    """
    groups = {}  # options -> model -> its sigmas
    for run in runs:
        options = tuple(
            (flag, run[field]) for flag, field, default in OPTIONS
            if run[field] != default
        )  # fmt: skip
        groups.setdefault(options, {}).setdefault(run["model"], set()).add(run["sigma"])
    lines = []
    for options, by_model in groups.items():
        models = {}  # the models that ran the same sigmas share a line
        for model, sigmas in by_model.items():
            models.setdefault(tuple(sorted(sigmas)), []).append(model)
        for sigmas, names in models.items():
            words = ["python benchmarks/certify.py", "--models", *names]
            if sigmas != tuple(sorted(SIGMAS)):
                words += ["--sigmas", *(f"{s:g}" for s in sigmas)]
            for flag, value in options:
                text = f"{value:g}" if isinstance(value, float) else str(value)
                words += [flag, text]
            lines.append(" ".join(words))
    return lines


def write_markdown(runs, path):
    """``certify.md``: the commands that make its rows, the tables; the first."""
    table = markdown(runs)
    command = "\n".join(commands(runs))
    path.write_text(
        "# Certified robustness on MNIST (randomized smoothing)\n\n"
        f"```bash\n{command}\n```\n\n{table}\n"
        f"Against {REFERENCE_NAME}'s reproduction of Cohen et al.'s Gaussian "
        "baseline (LeNet, 90 epochs, n=100,000, the mean of 5 seeds): ours [95% "
        "Wilson interval on the images] vs theirs, and where theirs lies (below: "
        "theirs above our interval).\n\n" + against_reference(runs)
    )
    return table


def merged(runs, path):
    """The runs already in certify.json that these do not replace, and these."""
    ident = ("model", "sigma", "recipe", "epochs", "seed", "n", "n0", "alpha")
    if not path.exists():
        return runs
    new = {tuple(r[k] for k in ident) for r in runs}
    kept = [
        r
        for r in json.loads(path.read_text())["runs"]
        if tuple(r.get(k) for k in ident) not in new
    ]
    return sorted(kept + runs, key=lambda r: (r["model"] != "convnet", r["sigma"]))


def merged_table(results, path):
    """These rows, and the rows of the table at ``path`` that they do not replace.

    The table's rows are read in this version's columns (``sigma``), however
    old the file.
    """
    from skmnistnoise.experiment import SweepResults

    if not path.exists():
        return results
    ident = ("model", "sigma", "recipe", "epochs", "seed", "n", "n0", "alpha")
    new = {tuple(r.get(k) for k in ident) for r in results}
    kept = [
        r
        for r in SweepResults.from_json(path)
        if tuple(r.get(k) for k in ident) not in new
    ]
    return SweepResults(kept) + results


def run_study(args):
    """Train, certify and write the records, the table and the figure of ``args``."""
    from skmnistnoise.datasets import load_dataset
    from skmnistnoise.experiment import certify_study
    from skmnistnoise.plotting import CertifiedAccuracyDisplay
    from skmnistnoise.references import GAUSSIAN_MNIST_500, PROTOCOL
    from skmnistnoise.report import save_figure

    data = load_dataset("mnist", data_home=args.data_home)
    X_train, y_train = data.data[: args.n_train], data.target[: args.n_train]
    indices = 60_000 + certified_images(args.images)
    results = None
    for model in args.models:
        part = certify_study(
            _smoother(model, args.epochs, args.recipe, args.n_train),
            X_train,
            y_train,
            data.data[indices],
            data.target[indices],
            sigmas=args.sigmas,
            n0=args.n0,
            n=args.n,
            alpha=args.alpha,
            batch_size=args.batch_size,
            chunk_size=args.chunk,
            random_state=SEED,
            store=args.results_dir / "certify-store",
            dataset="mnist",
            labels={"recipe": args.recipe},
            verbose=True,
        )
        results = part if results is None else results + part
    out = args.results_dir / "certify.json"
    runs = merged([summarise(r, args.recipe) for r in results], out)
    out.write_text(json.dumps({"runs": runs}, indent=1) + "\n")
    results = merged_table(results, args.results_dir / "certify-results.json")
    results.to_json(args.results_dir / "certify-results.json")
    sigmas = results.unique("sigma")
    display = CertifiedAccuracyDisplay.from_results(
        results,
        reference={s: p for s, p in GAUSSIAN_MNIST_500.items() if s in sigmas},
        reference_label=f"{REFERENCE_NAME}, {PROTOCOL['model']}, n={PROTOCOL['n']:,}",
    )
    save_figure(display.figure_, args.results_dir / "certify.png")
    return runs


def main(argv=None):
    # Before TensorFlow is imported; in main, so that importing this module (the
    # tests do) changes nothing in the importer's environment.
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-home", default=os.environ.get("SKMNISTNOISE_DATA"))
    parser.add_argument("--models", nargs="*", default=["convnet", "mlp"])
    parser.add_argument("--sigmas", nargs="*", type=float, default=list(SIGMAS))
    for flag, _, default in OPTIONS:
        parser.add_argument(flag, type=type(default), default=default)
    parser.add_argument("--chunk", type=int, default=20, help="images per stored chunk")
    parser.add_argument("--batch-size", type=int, default=4096)
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    parser.add_argument(
        "--tables-only",
        action="store_true",
        help="certify nothing: rewrite certify.md from the runs in certify.json",
    )
    args = parser.parse_args(argv)

    start = time.perf_counter()
    if args.tables_only:
        runs = json.loads((args.results_dir / "certify.json").read_text())["runs"]
    else:
        runs = run_study(args)
    table = write_markdown(runs, args.results_dir / "certify.md")
    print(table)
    written = "certify.md" if args.tables_only else "certify.json, .md, .png"
    print(f"-> {args.results_dir}: {written} ({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
