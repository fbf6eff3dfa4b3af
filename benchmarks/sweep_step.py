"""One step of a noise sweep in a process of its own, reporting its peak memory.

    python benchmarks/sweep_step.py --data-home DIR [--n-train N] [--n-test N]
                                    [--epochs E] [--model convnet]

Loads MNIST (the official 60,000/10,000 split, or its first ``N`` training and
test images), then runs :func:`skmnistnoise.experiment.noise_sweep` on one
noise scale: one fit with per-epoch validation, then the train and test
scores. Prints one JSON object: the peak resident memory of the whole process
(``VmHWM``), the resident memory after loading the data, and the times.
``benchmarks/run.py`` runs it in a subprocess, so the peak is that step's own.
"""

import argparse
import json
import os
import resource
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # as skmnistnoise does

GB = 1024**3


def _status_bytes(field):
    """A ``kB`` field of /proc/self/status in bytes (None off Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    return None


def peak_rss_bytes():
    """Peak resident memory of this process so far, in bytes."""
    peak = _status_bytes("VmHWM")
    if peak is None:  # pragma: no cover - not Linux
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return peak


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-home", required=True)
    parser.add_argument("--n-train", type=int, default=None)
    parser.add_argument("--n-test", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--model", default="convnet", choices=["convnet", "mlp"])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)

    import numpy as np

    from skmnistnoise.datasets import fetch_mnist, official_split
    from skmnistnoise.experiment import make_study_pipeline, noise_sweep

    start = time.perf_counter()
    mnist = fetch_mnist(args.data_home, subset="all", download_if_missing=False)
    X, y = mnist.data, mnist.target
    n_train = 60_000
    if args.n_train is not None or args.n_test is not None:
        n_tr = n_train if args.n_train is None else args.n_train
        n_te = len(X) - n_train if args.n_test is None else args.n_test
        rows = np.r_[0:n_tr, n_train : n_train + n_te]
        X, y, n_train = X[rows], y[rows], n_tr
        del mnist
    cv = official_split(n_train, len(X) - n_train)
    load_time = time.perf_counter() - start
    rss_after_load = _status_bytes("VmRSS")

    pipe = make_study_pipeline(args.model, epochs=args.epochs, random_state=0)
    start = time.perf_counter()
    results = noise_sweep(pipe, X, y, param_range=[args.scale], cv=cv)
    step_time = time.perf_counter() - start
    row = results.rows[0]
    json.dump(
        {
            "peak_rss_gb": peak_rss_bytes() / GB,
            "rss_after_load_gb": (rss_after_load or 0) / GB,
            "data_gb": X.nbytes / GB,
            "n_train": int(row["n_train"]),
            "n_test": int(row["n_test"]),
            "epochs": args.epochs,
            "load_time": load_time,
            "step_time": step_time,
            "fit_time": row["fit_time"],
            "score_time": row["score_time"],
            "test_accuracy": row["test_accuracy"],
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
