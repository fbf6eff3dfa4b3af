"""A small seeded sweep, run in a fresh process by tests/test_reproducibility.py.

    python tests/_sweep_job.py TABLE.json [--store DIR] [--models mlp convnet]
                               [--scales 0 1] [--n-jobs N]

Trains tiny versions of the study's networks on the embedded digits, one fit
per model and scale, and writes ``{"rows": [...], "n_cached": ...,
"n_computed": ...}`` to TABLE.json (after the sweep: a killed job writes none).
"""

import argparse
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# Small enough that a fit takes about a second on one CPU core.
TINY = {
    "mlp": {"hidden_layer_sizes": (8,)},
    "convnet": {"filters": (4,), "dense_units": 8},
}
EPOCHS = 2
SEED = 0


def run(models, scales, store=None, n_jobs=None):
    """The sweep's result table (SweepResults), every model in turn."""
    from skmnistnoise.datasets import load_digits
    from skmnistnoise.experiment import SweepResults, make_study_pipeline, noise_sweep

    digits = load_digits()
    results = SweepResults()
    for model in models:
        pipe = make_study_pipeline(
            model, epochs=EPOCHS, random_state=SEED, **TINY[model]
        )
        results = results + noise_sweep(
            pipe,
            digits.data,
            digits.target,
            param_range=scales,
            cv=digits.cv,
            store=store,
            n_jobs=n_jobs,
            dataset="digits",
        )
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("table")
    parser.add_argument("--store")
    parser.add_argument("--models", nargs="+", default=["mlp"])
    parser.add_argument("--scales", nargs="+", type=float, default=[0.0, 1.0])
    parser.add_argument("--n-jobs", type=int)
    args = parser.parse_args(argv)
    results = run(args.models, args.scales, store=args.store, n_jobs=args.n_jobs)
    with open(args.table, "w", encoding="utf-8") as f:
        json.dump(
            {
                "rows": results.rows,
                "n_cached": results.n_cached,
                "n_computed": results.n_computed,
            },
            f,
        )


if __name__ == "__main__":
    main()
