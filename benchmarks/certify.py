"""Certified robustness on MNIST, Cohen et al.'s protocol, against their table.

    python benchmarks/certify.py --data-home ../shared/data/mnist \\
        [--models convnet mlp] [--sigmas 0.25 0.5 1.0] [--n 10000] [--n0 100] \\
        [--alpha 0.001] [--images 500] [--epochs 12] [--recipe adam-no-dropout]

For each model (the notebooks' ConvNet, 1,199,882 parameters, and MLP) and
sigma:

1. train on the 60,000 training images with additive Gaussian noise of that
   sigma drawn afresh every epoch (``train_noise=GaussianNoise(scale=sigma)``),
   ``--epochs`` epochs, seed 0, a training recipe of ``benchmarks/beyond.py``
   (``adam-no-dropout``: the notebooks' Adam with the dropout rates at 0);
2. certify the MNIST test images whose index % 20 == 0 (500 images, Cohen et
   al.'s protocol) with ``NoiseAveragedClassifier.certify``: ``n0`` selection
   draws, ``n`` estimation draws, level ``alpha``, pixels in [0, 1], the noise
   unclipped;
3. write ``certified_accuracy`` at Cohen's radii and the average certified
   radius (ACR) to ``benchmarks/results/certify.json`` and ``certify.md``,
   beside Cohen et al.'s Gaussian-trained LeNet (90 epochs,
   ``../shared/REFERENCE.md``).

Resumable, and safe to run in the background (``nohup ... &``): each
(model, sigma) has a folder under ``benchmarks/results/certify-runs/`` named
by its settings, holding the trained classifier (``fitted.pkl``) and the
certificates in chunks of ``--chunk`` images (``chunk-00000.npz``, ...), each
written atomically; a killed run loses at most the chunk it was computing, and
the next run starts from there. The certificates are bit-identical to an
uninterrupted run's (the noise of an image depends only on the seed, its
values and the draw; the chunks' batches are the same). ``--results-dir``
puts everything elsewhere (smoke runs: ``--images 20 --n 200 --epochs 1
--n-train 2000 --results-dir /tmp/certify-smoke``).

TensorFlow's oneDNN kernels (``TF_ENABLE_ONEDNN_OPTS=1``) are turned on here
unless the variable is set: on this CPU they run the ConvNet's forward pass
about 1.5 times as fast. The setting is recorded with every run.
"""

import argparse
import hashlib
import io
import json
import os
import pickle
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

RESULTS = HERE / "results"
SEED = 0
SIGMAS = (0.25, 0.5, 1.0)
#: Cohen et al.'s radii (their Table and ``../shared/REFERENCE.md``).
RADII = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)
#: Cohen et al.'s Gaussian-augmentation LeNet on MNIST, 90 epochs, n0=100,
#: n=100,000, alpha=0.001, the 500 test images with index % 20 == 0 (mean of
#: 5 seeds; ``../shared/REFERENCE.md``). None: not reported.
COHEN = {
    0.25: (0.989, 0.973, 0.954, 0.910, None, None, None),
    0.5: (0.984, 0.968, 0.956, 0.933, 0.890, 0.656, None),
    1.0: (0.954, 0.929, 0.900, 0.860, 0.794, 0.586, 0.316),
}
N_TRAIN = 60_000


def _classifier(model, sigma, epochs, recipe):
    from beyond import _recipe_params

    from skmnistnoise import (
        ConvNetClassifier,
        GaussianNoise,
        MLPClassifier,
        NoiseAveragedClassifier,
    )

    cls = ConvNetClassifier if model == "convnet" else MLPClassifier
    clf = cls(
        train_noise=GaussianNoise(scale=sigma),
        epochs=epochs,
        random_state=SEED,
        **_recipe_params(recipe, epochs, model),
    )
    return NoiseAveragedClassifier(
        clf, noise=GaussianNoise(scale=sigma), random_state=SEED
    )


def certified_images(n_images):
    """Indices (of the 10,000 test images) of the first n_images with i % 20 == 0."""
    import numpy as np

    indices = np.arange(0, 10_000, 20)
    if not 1 <= n_images <= len(indices):
        raise SystemExit(f"--images must be in 1..{len(indices)}; got {n_images}")
    return indices[:n_images]


def run_settings(model, sigma, args):
    """What defines a run, and the name of its folder."""
    settings = {
        "model": model,
        "sigma": sigma,
        "recipe": args.recipe,
        "epochs": args.epochs,
        "n_train": args.n_train,
        "seed": SEED,
        "n0": args.n0,
        "n": args.n,
        "alpha": args.alpha,
        "chunk": args.chunk,
        "batch_size": args.batch_size,
        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
    }
    digest = hashlib.blake2b(
        json.dumps(settings, sort_keys=True).encode(), digest_size=4
    ).hexdigest()
    name = f"{model}-sigma{sigma:g}-{args.recipe}-e{args.epochs}-n{args.n}-{digest}"
    return settings, name


def _atomic_bytes(path, data):
    from skmnistnoise._files import atomic_write

    with atomic_write(path, "wb") as f:
        f.write(data)


def fitted_classifier(folder, model, sigma, args, X_train, y_train, log):
    """The trained smoothed classifier of a run: loaded, or trained and saved."""
    path = folder / "fitted.pkl"
    if path.is_file():
        with open(path, "rb") as f:
            record = pickle.load(f)  # noqa: S301 - our own file
        log(f"  loaded the trained classifier ({record['fit_s']:.0f} s to train)")
        return record["classifier"], record["fit_s"]
    smooth = _classifier(model, sigma, args.epochs, args.recipe)
    log(f"  training {args.epochs} epochs on {len(X_train)} images")
    start = time.perf_counter()
    smooth.fit(X_train, y_train)
    fit_s = time.perf_counter() - start
    _atomic_bytes(path, pickle.dumps({"classifier": smooth, "fit_s": fit_s}))
    log(f"  trained in {fit_s:.0f} s")
    return smooth, fit_s


def certify_chunks(folder, smooth, X, indices, args, log):
    """Every chunk's certificate, computing the missing ones; and the time spent."""
    import numpy as np

    fields = ("prediction", "radius", "abstained", "p_lower", "n_A", "counts")
    chunks, spent = [], 0.0
    for number, start in enumerate(range(0, len(indices), args.chunk)):
        path = folder / f"chunk-{number:05d}.npz"
        rows = indices[start : start + args.chunk]
        if not path.is_file():
            began = time.perf_counter()
            cert = smooth.certify(
                X[rows],
                n0=args.n0,
                n=args.n,
                alpha=args.alpha,
                batch_size=args.batch_size,
            )
            seconds = time.perf_counter() - began
            arrays = {k: cert[k] for k in fields}
            arrays.update(index=rows, counts_selection=cert.counts_selection)
            arrays["seconds"] = np.array(seconds)
            buffer = io.BytesIO()
            np.savez(buffer, **arrays)
            _atomic_bytes(path, buffer.getvalue())
            log(
                f"  chunk {number}: images {rows[0]}..{rows[-1]}, {seconds:.0f} s "
                f"({len(rows) * (args.n0 + args.n) / seconds:.0f} noisy passes/s)"
            )
        with np.load(path) as stored:
            chunk = {k: stored[k] for k in stored.files}
        if not np.array_equal(chunk["index"], rows):
            raise RuntimeError(f"{path} holds other images: remove the folder")
        spent += float(chunk["seconds"])
        chunks.append(chunk)
    return {
        k: np.concatenate([c[k] for c in chunks]) for k in chunks[0] if k != "seconds"
    }, spent


def summarise(settings, certificate, y_true, fit_s, certify_s):
    from skmnistnoise import average_certified_radius, certified_accuracy

    accuracy = certified_accuracy(y_true, certificate, list(RADII))
    return {
        **{k: settings[k] for k in ("model", "sigma", "recipe", "epochs", "seed")},
        **{k: settings[k] for k in ("n0", "n", "alpha", "n_train")},
        "n_images": len(y_true),
        "certified_accuracy": {f"{r:g}": float(a) for r, a in zip(RADII, accuracy)},
        "acr": average_certified_radius(y_true, certificate),
        "abstained": float(certificate["abstained"].mean()),
        "cohen_certified_accuracy": (
            {f"{r:g}": a for r, a in zip(RADII, COHEN[settings["sigma"]])}
            if settings["sigma"] in COHEN
            else None
        ),
        "fit_s": round(fit_s, 1),
        "certify_s": round(certify_s, 1),
        "wall_s": round(fit_s + certify_s, 1),
        "onednn": settings["onednn"],
        "batch_size": settings["batch_size"],
    }


def markdown(runs):
    head = " | ".join(f"r={r:g}" for r in RADII)
    lines = [
        f"| model | recipe | sigma | {head} | ACR | abstained | n | images | "
        "epochs | fit (s) | certify (s) |",
        "|---|---|---|" + "---|" * len(RADII) + "---|---|---|---|---|---|---|",
    ]
    for run in runs:
        cells = [run["model"], run["recipe"], f"{run['sigma']:g}"]
        cells += [f"{run['certified_accuracy'][f'{r:g}']:.3f}" for r in RADII]
        cells += [f"{run['acr']:.3f}", f"{run['abstained']:.3f}", str(run["n"])]
        cells += [str(run["n_images"]), str(run["epochs"])]
        cells += [f"{run['fit_s']:.0f}", f"{run['certify_s']:.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    for sigma, row in COHEN.items():
        cells = ["Cohen et al. LeNet", "Gaussian, 90 epochs", f"{sigma:g}"]
        cells += ["-" if a is None else f"{a:.3f}" for a in row]
        cells += ["", "", "100000", "500", "90", "", ""]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    # Before TensorFlow is imported; in main, so that importing this module (the
    # tests do) changes nothing in the importer's environment.
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-home", default=os.environ.get("SKMNISTNOISE_DATA"))
    parser.add_argument("--models", nargs="*", default=["convnet", "mlp"])
    parser.add_argument("--sigmas", nargs="*", type=float, default=list(SIGMAS))
    parser.add_argument("--recipe", default="adam-no-dropout")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--n-train", type=int, default=N_TRAIN)
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--n0", type=int, default=100)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--alpha", type=float, default=0.001)
    parser.add_argument("--chunk", type=int, default=20, help="images per stored chunk")
    parser.add_argument("--batch-size", type=int, default=4096)
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    def log(message):
        print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    from skmnistnoise.datasets import load_dataset

    data = load_dataset("mnist", data_home=args.data_home)
    X_train, y_train = data.data[: args.n_train], data.target[: args.n_train]
    indices = certified_images(args.images)
    X_test, y_test = data.data[60_000:], data.target[60_000:]
    runs_dir = args.results_dir / "certify-runs"
    runs_dir.mkdir(parents=True, exist_ok=True)
    runs = []
    for model in args.models:
        for sigma in args.sigmas:
            settings, name = run_settings(model, sigma, args)
            folder = runs_dir / name
            folder.mkdir(exist_ok=True)
            (folder / "settings.json").write_text(json.dumps(settings, indent=1))
            log(f"{name}")
            smooth, fit_s = fitted_classifier(
                folder, model, sigma, args, X_train, y_train, log
            )
            certificate, certify_s = certify_chunks(
                folder, smooth, X_test, indices, args, log
            )
            run = summarise(settings, certificate, y_test[indices], fit_s, certify_s)
            run["folder"] = name
            runs.append(run)
            log(
                f"  certified accuracy {run['certified_accuracy']}, "
                f"ACR {run['acr']:.3f}"
            )
    out = args.results_dir / "certify.json"
    out.write_text(json.dumps({"runs": runs}, indent=1) + "\n")
    table = markdown(runs)
    command = "python benchmarks/certify.py " + " ".join(argv or sys.argv[1:])
    (args.results_dir / "certify.md").write_text(
        "# Certified robustness on MNIST (randomized smoothing)\n\n"
        f"```bash\n{command}\n```\n\n{table}"
    )
    print(table)
    log(f"-> {out}, certify.md")


if __name__ == "__main__":
    main()
