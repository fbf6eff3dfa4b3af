"""Fits on a Dask cluster, measured on this machine; a full study on N machines.

    python benchmarks/dask_scaling.py --data-home ../shared/data/mnist

1. The same 4-fit sweep (the notebooks' MLP, 512-512, on an MNIST subset,
   scales 0, 0.5, 1, 2) in this process, on a LocalCluster of 1 worker x 2
   threads and on one of 2 workers x 1 thread (each with
   :class:`~skmnistnoise.cluster.LimitThreads`), the three interleaved
   ``--repeats`` times so that a change in the machine's load hits all of
   them alike. Every run must give the same numbers.
2. The scheduler's overhead per fit: ``--trivial`` fits that take about a
   millisecond (a noise step and a ``DummyClassifier``), in this process and
   on the 2 x 1 cluster; the cluster's busy time not spent fitting, per fit.
3. One-time costs: starting each cluster (worker processes, TensorFlow
   imported by the plugin) and sending the full MNIST (70,000 x 784 float32)
   to every worker.
4. A full study on N machines like this one: the fits' times
   (``--convnet-fit``, ``--mlp-fit``: seconds for one fit on the whole
   machine) handed out to the first free worker, in joblib's order (the
   order of the arms) or longest first, with one worker of 2 threads per
   machine or two of one thread (each fit slower by the ratio measured in
   1.), plus the measured overheads.

The machine's load average is recorded around every timed run: other
processes share these cores, and the figures only mean something beside it.
Prints a Markdown report; ``--json PATH`` also writes the raw numbers.
"""

import argparse
import heapq
import json
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

SCALES = (0.0, 0.5, 1.0, 2.0)
SEED = 0
# Columns that depend on the machine's speed, not on the computation.
TIMINGS = ("fit_time", "score_time")


def load():
    return os.getloadavg()[0]


def mnist_subset(data_home, n_train, n_test):
    """The first n_train / n_test images of MNIST's official split."""
    from sklearn.model_selection import PredefinedSplit

    from skmnistnoise.datasets import load_dataset

    bunch = load_dataset("mnist", data_home=data_home)
    train, test = next(bunch.cv.split(bunch.data, bunch.target))
    rows = list(train[:n_train]) + list(test[:n_test])
    fold = [-1] * n_train + [0] * n_test
    return bunch, bunch.data[rows], bunch.target[rows], PredefinedSplit(fold)


def sweep(X, y, cv, model, epochs):
    from skmnistnoise.experiment import make_study_pipeline, noise_sweep

    pipe = make_study_pipeline(model, epochs=epochs, random_state=SEED)
    return noise_sweep(pipe, X, y, param_range=SCALES, cv=cv)


def trivial_sweep(X, y, cv, n_fits):
    """n_fits fits of about a millisecond: a noise step and a DummyClassifier."""
    from sklearn.dummy import DummyClassifier
    from sklearn.pipeline import Pipeline

    from skmnistnoise import GaussianNoise
    from skmnistnoise.experiment import noise_sweep

    pipe = Pipeline(
        [("noise", GaussianNoise(random_state=SEED)), ("clf", DummyClassifier())]
    )
    scales = [i / n_fits for i in range(n_fits)]
    return noise_sweep(pipe, X, y, param_range=scales, cv=cv, per_epoch=False)


def warm_up():
    """One tiny Keras fit in a worker: TensorFlow's first-fit costs, once."""
    import numpy as np

    from skmnistnoise import MLPClassifier

    X = np.random.default_rng(0).random((64, 16), dtype=np.float32)
    MLPClassifier(hidden_layer_sizes=(4,), epochs=1, random_state=0).fit(
        X, np.arange(64) % 2
    )
    return os.getpid()


def timed(function, *args, **kwargs):
    before = load()
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - start, (before, load())


def numbers(results):
    return [{k: v for k, v in r.items() if k not in TIMINGS} for r in results]


def makespan(fit_times, n_workers, per_fit=0.0):
    """Wall time of fits handed out in order to the first free of n workers."""
    free = [0.0] * n_workers
    for t in fit_times:
        heapq.heappush(free, heapq.heappop(free) + t + per_fit)
    return max(free)


def run(args):
    import joblib
    from distributed import Client, LocalCluster

    from skmnistnoise.cluster import LimitThreads

    record = {"machine": machine(), "model": args.model, "settings": vars(args).copy()}
    bunch, X, y, cv = mnist_subset(args.data_home, args.n_train, args.n_test)

    clusters, clients = {}, {}
    record["start"] = {}
    for name, (n_workers, threads) in {"1x2": (1, 2), "2x1": (2, 1)}.items():
        start = time.perf_counter()
        clusters[name] = LocalCluster(
            n_workers=n_workers,
            threads_per_worker=threads,
            processes=True,
            dashboard_address=":0",
        )
        clients[name] = Client(clusters[name], set_as_default=False)
        clients[name].register_plugin(LimitThreads())
        started = time.perf_counter() - start
        _, warm, loads = timed(clients[name].run, warm_up)
        record["start"][name] = {"start_s": started, "warm_up_s": warm, "load": loads}
        print(f"cluster {name}: started in {started:.1f}s, warm in {warm:.1f}s")
    warm_up()  # this process too

    # 1. The same sweep, interleaved.
    runs = {name: [] for name in ("in-process", "1x2", "2x1")}
    reference = None
    for repeat in range(args.repeats):
        for name in runs:
            if name == "in-process":
                results, wall, loads = timed(sweep, X, y, cv, args.model, args.epochs)
            else:
                with joblib.parallel_config(backend="dask", client=clients[name]):
                    results, wall, loads = timed(
                        sweep, X, y, cv, args.model, args.epochs
                    )
            reference = reference or numbers(results)
            same = numbers(results) == reference
            fit_times = [r["fit_time"] for r in results]
            runs[name].append(
                {"wall_s": wall, "fit_s": fit_times, "load": loads, "same": same}
            )
            print(
                f"repeat {repeat} {name}: {wall:.1f}s, fits "
                f"{', '.join(f'{t:.1f}' for t in fit_times)}s, load "
                f"{loads[0]:.1f}-{loads[1]:.1f}, same numbers: {same}"
            )
    record["sweep"] = runs
    record["test_accuracy"] = [r["test_accuracy"] for r in reference]

    # 2. The scheduler's overhead per fit.
    from skmnistnoise.datasets import load_digits

    digits = load_digits()
    trivial = {}
    local, wall, loads = timed(
        trivial_sweep, digits.data, digits.target, digits.cv, args.trivial
    )
    trivial["in-process"] = {"wall_s": wall, "load": loads}
    with joblib.parallel_config(backend="dask", client=clients["2x1"]):
        remote, wall, loads = timed(
            trivial_sweep, digits.data, digits.target, digits.cv, args.trivial
        )
    trivial["2x1"] = {
        "wall_s": wall,
        "load": loads,
        "same": numbers(remote) == numbers(local),
    }
    fitting = sum(r["fit_time"] + r["score_time"] for r in remote)
    threads = sum(clients["2x1"].nthreads().values())
    trivial["overhead_per_fit_s"] = (wall * threads - fitting) / args.trivial
    trivial["in_process_per_fit_s"] = trivial["in-process"]["wall_s"] / args.trivial
    record["trivial"] = trivial
    print(
        f"{args.trivial} trivial fits: in-process "
        f"{trivial['in-process']['wall_s']:.2f}s, 2x1 cluster {wall:.2f}s: "
        f"overhead {1000 * trivial['overhead_per_fit_s']:.0f} ms per fit"
    )

    # 3. Sending all of MNIST to every worker.
    client = clients["2x1"]
    _, wall, loads = timed(client.scatter, bunch.data, broadcast=True, hash=False)
    record["broadcast_mnist"] = {
        "bytes": int(bunch.data.nbytes),
        "s": wall,
        "workers": len(client.nthreads()),
        "load": loads,
    }
    print(f"MNIST ({bunch.data.nbytes / 1e6:.0f} MB) to 2 workers: {wall:.2f}s")
    for name in clients:
        clients[name].close()
        clusters[name].close()
    return record


def _mean(values):
    values = list(values)
    return sum(values) / len(values)


def _mean_wall(record, name):
    return _mean(r["wall_s"] for r in record["sweep"][name])


def _median_fit(record, name):
    """The median fit time of a run: robust to a fit hit by a burst of load."""
    return statistics.median(t for r in record["sweep"][name] for t in r["fit_s"])


def estimate(records, args):
    """Wall time of the full study on N machines like this one, from the measurements.

    Two shapes of worker per machine: one worker of 2 threads (a fit at a time,
    ``--convnet-fit`` / ``--mlp-fit`` seconds each), and two workers of one
    thread (two fits at a time, each slower by the model's measured ratio
    ``2 x wall(2 x 1) / wall(1 x 2)``: the time a fit and its scoring take on
    a 1-thread worker beside another, over their time on the whole machine;
    the other model's ratio where one model was not measured). Each adds the
    scheduler's overhead per fit and, once, sending the data to the workers
    and their first fit.
    """
    slower = {
        r["model"]: 2 * _mean_wall(r, "2x1") / _mean_wall(r, "1x2") for r in records
    }
    per_fit = max(r["trivial"]["overhead_per_fit_s"] for r in records)
    once = max(
        r["broadcast_mnist"]["s"] + r["start"]["2x1"]["warm_up_s"] for r in records
    )
    fits = [("convnet", args.convnet_fit)] * args.convnet_fits + [
        ("mlp", args.mlp_fit)
    ] * args.mlp_fits
    fallback = _mean(slower.values())
    cheapest_first = sorted(t for _, t in fits)  # reproduce_notebooks.py's order
    longest_first = sorted((t for _, t in fits), reverse=True)
    halves = sorted((t * slower.get(m, fallback) for m, t in fits), reverse=True)
    rows = []
    for n in args.machines:
        rows.append(
            {
                "machines": n,
                "one_fit_cheapest_first_s": once + makespan(cheapest_first, n, per_fit),
                "one_fit_longest_first_s": once + makespan(longest_first, n, per_fit),
                "two_fits_longest_first_s": once + makespan(halves, 2 * n, per_fit),
                "floor_s": max(max(longest_first), sum(longest_first) / n),
            }
        )
    return {"slower_2x1": slower, "once_s": once, "per_fit_s": per_fit, "rows": rows}


def machine():
    """The processor and the library versions of this run."""
    from skmnistnoise import cpu_description, library_versions

    return {"cpu": cpu_description(), **library_versions()}


MODEL_NAMES = {"mlp": "MLP 512-512", "convnet": "ConvNet"}


def report_measurements(record):
    settings = record["settings"]
    lines = [
        f"Sweep: {MODEL_NAMES[record['model']]}, {settings['n_train']:,} train / "
        f"{settings['n_test']:,} test MNIST images, {settings['epochs']} epoch(s), "
        f"scales {', '.join(map(str, SCALES))}; {settings['repeats']} interleaved "
        "repeats.",
        "",
        "| run | wall (s), each repeat | mean wall (s) | median fit (s) | "
        "load (1 min) | same numbers as in-process |",
        "|---|---|---|---|---|---|",
    ]
    for name, runs in record["sweep"].items():
        walls = [r["wall_s"] for r in runs]
        loads = [x for r in runs for x in r["load"]]
        lines.append(
            f"| {name} | {', '.join(f'{w:.1f}' for w in walls)} | "
            f"{_mean_wall(record, name):.1f} | "
            f"{_median_fit(record, name):.1f} | {min(loads):.1f}-{max(loads):.1f} | "
            f"{all(r['same'] for r in runs)} |"
        )
    trivial = record["trivial"]
    lines += [
        "",
        f"Scheduler overhead: {1000 * trivial['overhead_per_fit_s']:.0f} ms per fit "
        f"({settings['trivial']} trivial fits on 2 workers x 1 thread in "
        f"{trivial['2x1']['wall_s']:.2f} s, load {trivial['2x1']['load'][0]:.1f}; "
        f"in this process {1000 * trivial['in_process_per_fit_s']:.0f} ms per fit).",
        f"MNIST to 2 workers: {record['broadcast_mnist']['s']:.2f} s "
        f"({record['broadcast_mnist']['bytes'] / 1e6:.0f} MB).",
        "Cluster start (processes, TensorFlow imported by LimitThreads) + first "
        "tiny fit: "
        + "; ".join(
            f"{name} {v['start_s']:.1f} s + {v['warm_up_s']:.1f} s"
            for name, v in record["start"].items()
        )
        + ".",
    ]
    return lines


def report(records, estimate_, args):
    lines = []
    for record in records:
        lines += report_measurements(record) + [""]
    ratios = ", ".join(f"{m} {r:.2f}" for m, r in estimate_["slower_2x1"].items())
    lines += [
        f"Full study, {args.convnet_fits} ConvNet fits of {args.convnet_fit:.0f} s "
        f"and {args.mlp_fits} MLP fits of {args.mlp_fit:.0f} s (one fit on a "
        "2-core machine), on N such machines; a fit on a 1-thread worker beside "
        f"another takes x as long ({ratios}); plus {estimate_['once_s']:.0f} s once "
        "(data to the workers, first fit) and "
        f"{1000 * estimate_['per_fit_s']:.0f} ms per fit:",
        "",
        "| machines | 1 worker x 2 threads each, cheapest arms first | "
        "1 x 2, longest first | 2 workers x 1 thread each, longest first | "
        "floor: max(longest fit, total / N) |",
        "|---|---|---|---|---|",
    ]
    for row in estimate_["rows"]:
        lines.append(
            f"| {row['machines']} | {row['one_fit_cheapest_first_s'] / 60:.1f} min | "
            f"{row['one_fit_longest_first_s'] / 60:.1f} min | "
            f"{row['two_fits_longest_first_s'] / 60:.1f} min | "
            f"{row['floor_s'] / 60:.1f} min |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-home", default=os.environ.get("SKMNISTNOISE_DATA"))
    parser.add_argument("--model", choices=sorted(MODEL_NAMES), default="mlp")
    parser.add_argument("--n-train", type=int, default=12_000)
    parser.add_argument("--n-test", type=int, default=2_000)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--trivial", type=int, default=60)
    parser.add_argument("--convnet-fits", type=int, default=18)
    parser.add_argument("--convnet-fit", type=float, default=360.0)
    parser.add_argument("--mlp-fits", type=int, default=12)
    parser.add_argument("--mlp-fit", type=float, default=120.0)
    parser.add_argument(
        "--machines", type=int, nargs="+", default=[1, 2, 3, 4, 6, 10, 18, 30]
    )
    parser.add_argument("--json", help="also write the measurements here")
    parser.add_argument(
        "--measured",
        nargs="+",
        metavar="JSON",
        help="measure nothing: report and estimate from these --json files",
    )
    args = parser.parse_args(argv)
    if args.measured:
        records = []
        for path in args.measured:
            with open(path, encoding="utf-8") as f:
                records.append(json.load(f))
    else:
        records = [run(args)]
        if args.json:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(records[0], f, indent=1)
    print()
    print(report(records, estimate(records, args), args))


if __name__ == "__main__":
    main()
