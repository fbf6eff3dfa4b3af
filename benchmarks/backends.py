"""Epoch times of the ConvNet and the MLP under Keras backends and thread settings.

    python benchmarks/backends.py [--n 12000] [--rounds 3] [--json FILE]
        [--jax-python PATH] [--torch-python PATH]

A backend or a thread-pool size is fixed when a process starts, so each
setting trains in a child process of its own: ``ConvNetClassifier`` and
``MLPClassifier`` (the defaults, seeded) for two epochs on the first ``--n``
MNIST training images; the second epoch's time is the steady state, the
first one includes tracing and compilation. The settings run in rounds, one
child each per round, and the table gives the median over rounds, so a
change in the machine's load hits every setting alike. The table gives the
process CPU time of the steady-state epoch (the work a setting costs, which a
loaded machine hardly changes) beside the wall time; each child also times
numpy's float32 GEMM after training, as a record of the load it ran under.
A ``vs TF`` above 1 is faster than TensorFlow as shipped.

Settings: TensorFlow as shipped (the default), with one inter-op thread, with
one intra-op thread, and without oneDNN (``TF_ENABLE_ONEDNN_OPTS=0``); the JAX
and PyTorch backends when ``--jax-python`` / ``--torch-python`` name the
Python of a virtualenv that has them (with keras, scikeras, scikit-learn and
this project installed, ``pip install -e .``; ``KERAS_BACKEND`` is set for
them).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent

#: name -> (environment, thread settings for TensorFlow: (intra, inter) or None)
TF_SETTINGS = {
    "tensorflow": ({}, None),
    "tensorflow inter_op=1": ({}, (0, 1)),
    "tensorflow intra_op=1": ({}, (1, 0)),
    "tensorflow no oneDNN": ({"TF_ENABLE_ONEDNN_OPTS": "0"}, None),
}


def child(args):
    """Train both networks in this process and print the epoch times as JSON."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # as skmnistnoise does
    if args.threads:
        import tensorflow as tf

        intra, inter = (int(v) for v in args.threads.split(","))
        tf.config.threading.set_intra_op_parallelism_threads(intra)
        tf.config.threading.set_inter_op_parallelism_threads(inter)
    import keras
    import numpy as np
    from run import gemm_gflops  # benchmarks/run.py, beside this script

    from skmnistnoise import ConvNetClassifier, MLPClassifier
    from skmnistnoise.datasets import fetch_mnist

    X, y = fetch_mnist(
        args.data_home, subset="train", return_X_y=True, download_if_missing=False
    )
    X, y = X[: args.n], y[: args.n]

    class Times(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.times, self.cpu = [], []

        def on_epoch_begin(self, epoch, logs=None):
            self.start = (time.perf_counter(), time.process_time())

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter() - self.start[0])
            self.cpu.append(time.process_time() - self.start[1])

    out = {"backend": keras.backend.backend()}
    for name, cls in (("convnet", ConvNetClassifier), ("mlp", MLPClassifier)):
        timer = Times()
        clf = cls(epochs=2, random_state=0).fit(X, y, callbacks=[timer])
        out[name] = {
            "epoch_seconds": timer.times,
            "epoch_cpu_seconds": timer.cpu,
            "accuracy": float(clf.history_["accuracy"][-1]),
        }
    out["gemm_gflops"] = gemm_gflops(2048, 1.0, np.random.default_rng(0))
    out["load_average"] = list(os.getloadavg())
    print(json.dumps(out))


def settings(args):
    """The settings to compare: name -> (python, environment, threads)."""
    found = {
        name: (sys.executable, env, threads)
        for name, (env, threads) in TF_SETTINGS.items()
    }
    for backend, python in (("jax", args.jax_python), ("torch", args.torch_python)):
        if python:
            found[backend] = (python, {"KERAS_BACKEND": backend}, None)
    return found


def run_child(python, env, threads, args):
    command = [python, __file__, "--child", "--n", str(args.n)]
    command += ["--data-home", args.data_home]
    if threads:
        command += ["--threads", ",".join(str(t) for t in threads)]
    full_env = {**os.environ, **env}
    done = subprocess.run(
        command, capture_output=True, text=True, env=full_env, check=False
    )
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def summarise(runs):
    """Median steady-state epoch time per setting and model, and the ratios."""
    rows = {}
    base = None
    for name, results in runs.items():
        ok = [r for r in results if "error" not in r]
        if not ok:
            rows[name] = {"error": results[-1]["error"]}
            continue
        row = {}
        for model in ("convnet", "mlp"):
            row[f"{model}_epoch_s"] = statistics.median(
                r[model]["epoch_seconds"][-1] for r in ok
            )
            row[f"{model}_epoch_cpu_s"] = statistics.median(
                r[model]["epoch_cpu_seconds"][-1] for r in ok
            )
            row[f"{model}_first_epoch_s"] = statistics.median(
                r[model]["epoch_seconds"][0] for r in ok
            )
        row["gemm_gflops"] = statistics.median(r["gemm_gflops"] for r in ok)
        rows[name] = row
        if base is None:
            base = row
    for row in rows.values():
        if "error" not in row:
            for model in ("convnet", "mlp"):
                row[f"{model}_speed_vs_tf"] = (
                    base[f"{model}_epoch_s"] / row[f"{model}_epoch_s"]
                )
                # CPU time: what a setting costs, whatever else the machine runs.
                row[f"{model}_cpu_vs_tf"] = (
                    base[f"{model}_epoch_cpu_s"] / row[f"{model}_epoch_cpu_s"]
                )
    return rows


def table(rows, n):
    """Markdown table: steady-state epoch CPU and wall time, against TensorFlow."""
    lines = [
        f"| setting ({n} images) | ConvNet epoch CPU s | vs TF | MLP epoch CPU s "
        "| vs TF | ConvNet / MLP epoch wall s | GEMM GFLOP/s |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        if "error" in row:
            lines.append(f"| {name} | failed: {row['error']} | | | | | |")
            continue
        lines.append(
            f"| {name} | {row['convnet_epoch_cpu_s']:.2f} | "
            f"{row['convnet_cpu_vs_tf']:.2f}x | {row['mlp_epoch_cpu_s']:.2f} | "
            f"{row['mlp_cpu_vs_tf']:.2f}x | {row['convnet_epoch_s']:.1f} / "
            f"{row['mlp_epoch_s']:.1f} | {row['gemm_gflops']:.0f} |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=12_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--jax-python")
    parser.add_argument("--torch-python")
    parser.add_argument(
        "--data-home",
        default=os.environ.get("SKMNISTNOISE_DATA")
        or str(REPO_ROOT.parent / "shared" / "data" / "mnist"),
    )
    parser.add_argument("--only", nargs="*", help="run only these settings")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--threads", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)
    chosen = settings(args)
    if args.only:
        chosen = {k: v for k, v in chosen.items() if k in args.only}
    runs = {name: [] for name in chosen}
    for round_ in range(args.rounds):
        for name, (python, env, threads) in chosen.items():
            result = run_child(python, env, threads, args)
            runs[name].append(result)
            print(f"round {round_ + 1} {name}: {json.dumps(result)}", file=sys.stderr)
    rows = summarise(runs)
    print(table(rows, args.n))
    load = os.getloadavg()
    print(f"\nload average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"n": args.n, "rows": rows, "runs": runs}, f, indent=1)


if __name__ == "__main__":
    main()
