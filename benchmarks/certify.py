"""Certified robustness on MNIST by Cohen et al.'s protocol, against the baseline.

    python benchmarks/certify.py --data-home ../shared/data/mnist \\
        [--models convnet mlp] [--sigmas 0.25 0.5 1.0] [--seeds 0 1 2] \\
        [--n 10000] [--n0 100] [--alpha 0.001] [--images 500] [--epochs 12] \\
        [--recipe adam-no-dropout] [--precision float32] [--undefended]

For each model (the notebooks' ConvNet, 1,199,882 parameters, and MLP; and
``lenet``, the LeNet of the reference's runs, ``ConvNetClassifier(**LENET)``),
seed and sigma:

1. train on the 60,000 training images with additive Gaussian noise of that
   sigma drawn afresh every epoch (``train_noise=GaussianNoise(scale=sigma)``),
   ``--epochs`` epochs, a training recipe of the package
   (:data:`skmnistnoise.experiment.RECIPES`; ``adam-no-dropout``: the
   notebooks' Adam with the dropout rates at 0), in ``--precision``
   (bfloat16: the network's layers compute in bfloat16, its weights kept in
   float32); with ``--undefended``, the same network trained without noise
   (once per seed), smoothed at each sigma all the same (the baseline that
   smoothing alone gives);
2. certify the MNIST test images whose index % 20 == 0 (500 images, Cohen et
   al.'s protocol) with ``NoiseAveragedClassifier.certify``: ``n0`` selection
   draws, ``n`` estimation draws, level ``alpha``, pixels in [0, 1], the noise
   unclipped;
3. write one record per run to ``benchmarks/results/certify.json``: the
   certified accuracy every 0.25 in radius from 0 to 4 (the reference's radii
   among them), the largest radius ``n`` draws can certify
   (``max_radius``, ``sigma * Phi^-1(alpha ** (1 / n))``), the average
   certified radius (ACR), and beside them the published MNIST baseline at
   that sigma (``reference_certified_accuracy``, named in ``reference``):
   Jeong and Shin (2020)'s reproduction of Cohen et al.'s
   Gaussian-augmentation baseline, a LeNet trained 90 epochs
   (:mod:`skmnistnoise.references`); the full rows, per-image certificates
   included, to ``certify-results.json``; and ``certify.md``: the mean over
   the seeds with its 95% interval against the baseline, and McNemar's
   paired test between runs on the same images that differ in recipe,
   precision or training noise; and ``certify.png``, the curves.

Resumable, and safe to run in the background (``nohup ... &``): it runs
:func:`skmnistnoise.experiment.certify_study` (what ``skmnistnoise certify``
runs) with ``benchmarks/results/certify-store`` as its result store. The
certificates are kept in chunks of ``--chunk`` images, each record keyed by
the trained weights' digest, the images, ``n0``, ``n``, ``alpha`` and the
batch size, so a killed run loses at most one chunk and a resumed one gives
the same certificates bit for bit; a chunk line gives the time left. The
trained networks are kept beside them (``certify-store/fitted/``,
checksummed, not committed: a re-trained network with other weights, on
another CPU, certifies afresh). ``--results-dir`` puts everything elsewhere
(smoke runs: ``--images 20 --n 200 --n0 20 --epochs 1 --n-train 2000
--results-dir /tmp/certify-smoke``). ``--tables-only`` certifies nothing: it
rewrites ``certify.md`` from the runs in ``certify.json`` (and the paired
tests and ``certify.png`` from ``certify-results.json``, where it exists; a
re-run would train the networks again, which are not committed):
``python benchmarks/certify.py --tables-only``. Records written before these
fields existed are read too (``cohen_certified_accuracy`` for the reference,
no ``precision``, ``undefended`` or ``max_radius``).

TensorFlow's oneDNN kernels (``TF_ENABLE_ONEDNN_OPTS=1``) are turned on here
unless the variable is set: on this CPU they run the ConvNet's forward pass
about 1.5 times as fast. The setting is recorded with every run.
"""

import argparse
import json
import os
import time
from pathlib import Path

from certify_tables import (
    DEFAULTS,
    IDENT,
    N_TRAIN,
    OPTIONS,
    PRECISIONS,
    RADII,
    REFERENCE_NAME,
    SEEDS,
    SIGMAS,
    _order,
    completed,
    summarise,
    upgraded,
    write_markdown,
)

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
#: The figure's line styles, a training each: solid, dashed, dash-dotted,
#: dash-dot-dotted (dotted marks the largest certifiable radius).
LINESTYLES = ("-", "--", "-.", (0, (4, 1, 1, 1, 1, 1)))
#: The networks: the notebooks' two and the reference's LeNet.
MODELS = ("convnet", "lenet", "mlp")


def _smoother(model, epochs, recipe, n_train=N_TRAIN, *, precision, undefended):
    """The smoothed network of a run; undefended: its network trained without noise."""
    from skmnistnoise.experiment import LENET, make_smoother, recipe_params

    # "lenet": the reference's network, a ConvNetClassifier of another shape.
    network, shape = ("convnet", LENET) if model == "lenet" else (model, {})
    params = recipe_params(recipe, model=network, epochs=epochs, n_train=n_train)
    if undefended and any(name.startswith("consistency") for name in params):
        raise SystemExit(
            f"--undefended trains without noise, and the recipe {recipe!r} needs "
            "it (its consistency loss compares noisy copies): choose another "
            "--recipe."
        )
    smoother = make_smoother(
        network, epochs=epochs, precision=precision, **{**shape, **params}
    )
    if undefended:
        smoother.set_params(estimator__train_noise=None)
    return smoother


def certified_images(n_images):
    """Indices (of the 10,000 test images) of the first n_images with i % 20 == 0."""
    import numpy as np

    indices = np.arange(0, 10_000, 20)
    if not 1 <= n_images <= len(indices):
        raise SystemExit(f"--images must be in 1..{len(indices)}; got {n_images}")
    return indices[:n_images]


def merged(runs, path):
    """The runs already in certify.json that these do not replace, and these."""
    if not path.exists():
        return sorted(runs, key=_order)
    new = {tuple(r.get(k) for k in IDENT) for r in map(upgraded, runs)}
    kept = [
        r
        for r in map(upgraded, json.loads(path.read_text())["runs"])
        if tuple(r.get(k) for k in IDENT) not in new
    ]
    return sorted(kept + runs, key=_order)


def merged_table(results, path):
    """These rows, and the rows of the table at ``path`` that they do not replace.

    The table's rows are read in this version's columns (``sigma``,
    ``precision``, ``undefended``), however old the file.
    """
    from skmnistnoise.experiment import SweepResults

    if not path.exists():
        return results
    new = {tuple(r.get(k) for k in IDENT) for r in results}
    kept = [
        {**DEFAULTS, **r}
        for r in SweepResults.from_json(path)
        if tuple({**DEFAULTS, **r}.get(k) for k in IDENT) not in new
    ]
    return SweepResults(kept) + results


def _curve_name(row):
    """A run's name in its model's panel: its training."""
    precision = row.get("precision", DEFAULTS["precision"])
    return ", ".join(
        [row["recipe"]]
        + ([precision] if precision != DEFAULTS["precision"] else [])
        + (["undefended"] if row.get("undefended") else [])
    )


def draw_figure(results, path):
    """``certify.png``: a panel per model, in it a curve per training and sigma
    (the mean over the seeds, with the 95% t interval over them as a band,
    the convention of every figure of the package), the reference's points,
    and the largest radius each sigma's n draws can certify (dotted); the
    displays, one per panel.
    """
    from matplotlib.figure import Figure

    from skmnistnoise.experiment import MODEL_NAMES
    from skmnistnoise.plotting import CertifiedAccuracyDisplay
    from skmnistnoise.references import GAUSSIAN_MNIST_500, PROTOCOL
    from skmnistnoise.report import save_figure

    rows = sorted(
        (upgraded(r) for r in results if "certificate_radius" in r), key=_order
    )
    models = list(dict.fromkeys(r["model"] for r in rows))
    # A line style per training and n, the same in every panel (the display's
    # own cycle has a dotted one, the style of its max-radius marks).
    styles = {}
    figure = Figure(figsize=(12, 4.6 * len(models)), layout="constrained")
    displays = []
    for model, ax in zip(models, figure.subplots(len(models), 1, squeeze=False)[:, 0]):
        # The display draws a curve per training column that differs between
        # rows: the whole training (recipe, precision, undefended) in one.
        panel = [
            {**r, "recipe": _curve_name(r), "precision": None, "training": None}
            for r in rows
            if r["model"] == model
        ]
        in_panel = list(dict.fromkeys(r["recipe"] for r in panel))
        sigmas = {r["sigma"] for r in panel}
        display = CertifiedAccuracyDisplay.from_results(
            panel,
            reference={s: p for s, p in GAUSSIAN_MNIST_500.items() if s in sigmas},
            reference_label=(
                f"{REFERENCE_NAME}, {PROTOCOL['model']}, n={PROTOCOL['n']:,}"
            ),
            ax=ax,
        )
        images = {len(r["certificate_label"]) for r in panel}
        ax.set_title(
            f"{MODEL_NAMES.get(model, model)}: certified accuracy against radius, "
            f"randomized smoothing ({', '.join(map(str, sorted(images)))} test "
            "images)",
            fontsize="medium",
        )
        for curve, line in zip(display.curves, display.lines_.values()):
            # "ConvNet, <training>, sigma 1[, n=100,000][, 3 seeds]", or
            # "ConvNet, sigma 1..." for one training.
            name, rest = curve["label"].split(", sigma ")
            training = name.split(", ", 1)[1] if len(in_panel) > 1 else in_panel[0]
            # The label names n where the panel has several.
            n = [part for part in rest.split(", ") if part.startswith("n=")]
            key = (training, n[0] if n else f"n={panel[0]['n']:,}")
            curve["linestyle"] = styles.setdefault(
                key, LINESTYLES[len(styles) % len(LINESTYLES)]
            )
            line.set_linestyle(curve["linestyle"])
        # The legend again: the same line style per training in every panel.
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1.0))
        displays.append(display)
    save_figure(figure, path)
    return displays


def run_study(args):
    """Train, certify and write the records, the table and the figure of ``args``."""
    from skmnistnoise.datasets import load_dataset
    from skmnistnoise.experiment import certify_study, smoothing_param_names

    data = load_dataset("mnist", data_home=args.data_home)
    X_train, y_train = data.data[: args.n_train], data.target[: args.n_train]
    indices = 60_000 + certified_images(args.images)
    results = None
    for model in args.models:
        smoother = _smoother(
            model,
            args.epochs,
            args.recipe,
            args.n_train,
            precision=args.precision,
            undefended=args.undefended,
        )
        part = certify_study(
            smoother,
            X_train,
            y_train,
            data.data[indices],
            data.target[indices],
            sigmas=args.sigmas,
            # Undefended: the smoothing noise alone (no training noise to set).
            param_names=smoothing_param_names(smoother),
            n0=args.n0,
            n=args.n,
            alpha=args.alpha,
            batch_size=args.batch_size,
            radii=RADII,
            chunk_size=args.chunk,
            random_state=list(args.seeds),
            store=args.results_dir / "certify-store",
            dataset="mnist",
            # The model's own name: certify_study names a bfloat16 network
            # "<model>-bf16", and the precision has its own column here.
            labels={
                "model": model,
                "recipe": args.recipe,
                "precision": args.precision,
                "undefended": args.undefended,
            },
            verbose=True,
        )
        results = part if results is None else results + part
    table = merged_table(results, args.results_dir / "certify-results.json")
    table.to_json(args.results_dir / "certify-results.json")
    out = args.results_dir / "certify.json"
    # The records kept from earlier runs upgraded, and completed from their
    # certificates.
    runs = completed(merged([summarise(r) for r in results], out), table)
    out.write_text(json.dumps({"runs": runs}, indent=1) + "\n")
    draw_figure(table, args.results_dir / "certify.png")
    return runs, table


def main(argv=None):
    # Before TensorFlow is imported; in main, so that importing this module (the
    # tests do) changes nothing in the importer's environment.
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-home", default=os.environ.get("SKMNISTNOISE_DATA"))
    parser.add_argument(
        "--models",
        nargs="*",
        choices=MODELS,
        default=["convnet", "mlp"],
        help="the notebooks' ConvNet and MLP, and lenet: the reference's network "
        "(skmnistnoise.experiment.LENET)",
    )
    parser.add_argument("--sigmas", nargs="*", type=float, default=list(SIGMAS))
    parser.add_argument(
        "--seeds", nargs="+", type=int, default=list(SEEDS), help="a run per seed"
    )
    helps = {
        "--precision": "the network's compute precision",
        "--undefended": "train the network without noise, smooth it at each sigma",
    }
    for flag, _, default in OPTIONS:
        if isinstance(default, bool):
            parser.add_argument(flag, action="store_true", help=helps.get(flag))
        elif flag == "--precision":
            parser.add_argument(
                flag, choices=PRECISIONS, default=default, help=helps[flag]
            )
        else:
            parser.add_argument(flag, type=type(default), default=default)
    parser.add_argument("--chunk", type=int, default=20, help="images per stored chunk")
    parser.add_argument("--batch-size", type=int, default=4096)
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    parser.add_argument(
        "--tables-only",
        action="store_true",
        help="certify nothing: rewrite certify.md (and certify.png) from the runs "
        "in certify.json (and certify-results.json)",
    )
    args = parser.parse_args(argv)

    start = time.perf_counter()
    written = "certify.json, .md, .png"
    if args.tables_only:
        from skmnistnoise.experiment import SweepResults

        runs = json.loads((args.results_dir / "certify.json").read_text())["runs"]
        table = args.results_dir / "certify-results.json"
        results = SweepResults.from_json(table) if table.exists() else None
        written = "certify.md"
        if results is not None:
            draw_figure(results, args.results_dir / "certify.png")
            written += ", .png"
    else:
        runs, results = run_study(args)
    table = write_markdown(runs, args.results_dir / "certify.md", results)
    print(table)
    print(f"-> {args.results_dir}: {written} ({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
