"""The pieces of benchmarks/run.py: FLOP counts, timing, memory and the store figures.

The whole ``run.py --quick`` trains several networks and takes one to two
minutes on two quiet cores (more on a loaded machine), too long for the suite:
its pieces are tested here, on small data, and the quick run is documented in
benchmarks/README.md.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

from skmnistnoise._models import build_convnet, build_mlp

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
COMPILE = {"optimizer": "adam", "loss": "categorical_crossentropy"}
MNIST_META = {"X_shape_": (1, 784), "n_classes_": 10}


def _load(name):
    spec = importlib.util.spec_from_file_location(
        f"skmnistnoise_benchmarks_{name}", BENCHMARKS / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def flops():
    return _load("flops")


@pytest.fixture(scope="module")
def bench():
    return _load("run")


def test_convnet_flops_match_a_hand_count(flops):
    model = build_convnet(MNIST_META, COMPILE)
    by_hand = (
        26 * 26 * 32 * (3 * 3 * 1)  # conv 32 3x3 on 28x28x1
        + 24 * 24 * 64 * (3 * 3 * 32)  # conv 64 3x3 on 26x26x32
        + 12 * 12 * 64 * 128  # dense 128 on the flattened 12x12x64
        + 128 * 10  # softmax layer
    )
    assert flops.forward_macs(model) == by_hand == 11_992_448
    assert flops.train_flops_per_sample(model) == 3 * 2 * by_hand


def test_mlp_flops_match_a_hand_count(flops):
    model = build_mlp(MNIST_META, COMPILE)
    assert flops.forward_macs(model) == 784 * 512 + 512 * 512 + 512 * 10


def test_timings_alternate_and_report_medians(bench):
    calls = []
    medians = bench.interleaved(
        {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, 3
    )
    # Side by side: every round runs each candidate once, so a change in the
    # machine's load hits both alike.
    assert calls == ["a", "b"] * 3
    assert set(medians) == {"a", "b"} and all(t >= 0 for t in medians.values())


def test_throughput_counts_the_rows_trained_after_the_clock_starts(bench):
    # 6,000 rows in batches of 128: 47 batches, the last of 112 rows. With 16
    # steps per call Keras reports batches 15, 31 and 46; the clock starts at
    # the end of batch 15, so batches 16..46 are timed: 6000 - 16 * 128 rows.
    gemm_calls = []
    meter = bench._Throughput(
        6000, 128, gemm=lambda: gemm_calls.append(1) or 0.0, gemm_every=2
    )
    meter.on_epoch_begin(0)
    for batch in (15, 31, 46):
        meter.on_train_batch_end(batch)
    meter.on_epoch_end(0)
    (epoch,) = meter.epochs
    assert epoch["samples"] == 6000 - 16 * 128
    # GEMM is timed in between the training calls, every second call here.
    assert len(gemm_calls) == 1 and epoch["gemm_seconds"] == [0.0]
    assert epoch["seconds"] >= 0


def test_noise_transform_allocates_only_its_output_unlike_the_notebooks(bench):
    sizes = bench.Sizes(noise_rows=3000, noise_repeats=1)
    figures = bench.bench_noise(sizes)
    assert figures["noise_extra_memory_ratio"] <= 1.05
    # float64 noise for float32 data: twice the output, at least.
    assert figures["notebook_extra_memory_ratio"] >= 1.9
    assert figures["noise_speedup"] > 0 and figures["noise_replay_speedup"] > 0


def test_a_stored_sweep_reruns_from_the_store(bench, digits):
    # bench_cached_rerun raises if the re-run trained anything or its rows differ.
    ratio, info = bench.bench_cached_rerun(
        digits.data, digits.target, digits.cv, repeats=1
    )
    assert ratio < 0.5
    assert info["rerun_seconds"] < info["run_seconds"]


def test_the_table_says_which_goals_are_met(bench):
    results = {
        "noise_speedup": 2.0,
        "sweep_peak_rss_gb": 3.0,
        "gemm_gflops": 300.0,
    }
    lines = bench.table(results).splitlines()
    assert "| `noise_speedup` | 2 | >= 1.3 | yes |" in lines
    assert "| `sweep_peak_rss_gb` | 3 | <= 2.5 | no |" in lines
    assert "| `gemm_gflops` | 300 |  |  |" in lines


def test_certify_script_summarises_against_cohen():
    certify = _load("certify")
    import numpy as np

    indices = certify.certified_images(500)
    assert len(indices) == 500 and np.all(indices % 20 == 0) and indices[-1] == 9980
    row = {
        "model": "convnet", "scale": 0.5, "epochs": 12, "seed": 0, "n0": 100,
        "n": 10_000, "alpha": 0.001, "n_train": 60_000, "n_test": 4,
        "certified_radii": [0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0],
        "certified_accuracy_at": [0.5, 0.5, 0.25, 0.25, 0.25, 0.0, 0.0],
        "acr": 0.375, "abstained": 0.25, "fit_time": 10.0, "score_time": 20.0,
        "batch_size": 4096,
    }  # fmt: skip
    run = certify.summarise(row, "adam-no-dropout")
    assert run["certified_accuracy"] == {
        "0": 0.5, "0.25": 0.5, "0.5": 0.25, "0.75": 0.25, "1": 0.25, "1.5": 0.0,
        "2": 0.0,
    }  # fmt: skip
    assert run["sigma"] == 0.5 and run["n_images"] == 4 and run["wall_s"] == 30.0
    assert run["cohen_certified_accuracy"]["1.5"] == 0.656
    table = certify.markdown([run])
    assert "| convnet | adam-no-dropout | 0.5 | 0.500 | 0.500 | 0.250 |" in table
    assert "| Cohen et al. LeNet | Gaussian, 90 epochs | 1 | 0.954 |" in table


def test_certify_script_says_where_cohen_lies_against_our_interval():
    certify = _load("certify")

    run = {
        "model": "convnet", "sigma": 0.25, "n_images": 500,
        "certified_accuracy": {"0": 0.988, "0.25": 0.972, "0.5": 0.900, "0.75": 0.950},
        "cohen_certified_accuracy": {
            "0": 0.989, "0.25": 0.973, "0.5": 0.954, "0.75": 0.910, "1": None,
        },
    }  # fmt: skip
    line = certify.against_cohen([run]).splitlines()[2]
    cells = [c.strip() for c in line.strip("|").split("|")]
    # 0.988 of 500: Wilson [0.974, 0.994] holds Cohen's 0.989.
    assert cells[2] == "0.988 [0.974, 0.994] vs 0.989, within"
    assert cells[4].endswith("vs 0.954, below")  # 0.900 of 500: at most 0.923
    assert cells[5].endswith("vs 0.910, above")  # 0.950 of 500: at least 0.927
    assert cells[6] == "-"  # no published value at r=1 for sigma 0.25


def test_certify_script_names_the_options_of_each_row():
    certify = _load("certify")
    defaults = {field: default for _, field, default in certify.OPTIONS}

    def run(model, sigma, **options):
        return {"model": model, "sigma": sigma, **defaults, **options}

    runs = [run(m, s) for m in ("convnet", "mlp") for s in certify.SIGMAS]
    # A smoke run of one sigma, merged in: its options above its row only.
    runs.append(run("mlp", 0.5, n=200, n_images=20, epochs=1))
    assert certify.commands(runs) == [
        "python benchmarks/certify.py --models convnet mlp",
        "python benchmarks/certify.py --models mlp --sigmas 0.5 --epochs 1 "
        "--images 20 --n 200",
    ]
    # Models that ran different sigmas do not share a line.
    assert certify.commands(runs[:3] + [run("mlp", 0.25)]) == [
        "python benchmarks/certify.py --models convnet",
        "python benchmarks/certify.py --models mlp --sigmas 0.25",
    ]
    # The default sigmas of a model are not spelled out; a subset is.
    assert certify.commands([run("mlp", 0.25, alpha=0.01)]) == [
        "python benchmarks/certify.py --models mlp --sigmas 0.25 --alpha 0.01"
    ]


def test_beyond_summarises_seeds_with_intervals():
    beyond = _load("beyond")

    def run(seed, soft, sigma=0.5):
        evaluations = [
            {"draws": 1, "voting": "soft", "test_accuracy": soft - 0.01},
            {"draws": 100, "voting": "soft", "test_accuracy": soft},
            {"draws": 100, "voting": "hard", "test_accuracy": soft},
        ]
        return {"model": "convnet", "recipe": "adam-no-dropout", "sigma": sigma,
                "seed": seed, "evaluations": evaluations}  # fmt: skip

    runs = [run(0, 0.990), run(1, 0.988), run(2, 0.989), run(0, 0.96, sigma=1.0)]
    soft = [
        e
        for e in beyond.seed_summary(runs)
        if (e["scale"], e["draws"], e["voting"]) == (0.5, 100, "soft")
    ]
    assert len(soft) == 1 and soft[0]["seeds"] == 3
    entry = soft[0]
    assert abs(entry["mean"] - 0.989) < 1e-12 and abs(entry["std"] - 0.001) < 1e-12
    # t(0.975, 2) = 4.303: half-width 4.303 * 0.001 / sqrt(3) = 0.0025
    assert abs(entry["ci_high"] - entry["mean"] - 0.0024843) < 1e-6
    assert entry["wilson_low"] < 0.989 < entry["wilson_high"]  # 30,000 images pooled
    table = beyond.seed_table(runs).splitlines()
    assert len(table) == 3  # header, rule, sigma 0.5; sigma 1.0 has one seed
    assert "| convnet | adam-no-dropout | 0.5 | 3 | 0.9790 [" in table[2]
    assert "0.9890 [0.9865, 0.9915]" in table[2]


def test_notebooks_script_sets_the_reused_model_against_the_notebook():
    notebooks = _load("reproduce_notebooks")

    def fit(accuracy, epochs=None):
        return {"test_accuracy": accuracy, "epochs_trained": epochs}

    reused = {0.0: fit(0.9927, 12), 1.0: fit(0.8382, 48), 2.0: fit(0.5050, 60)}
    fresh = {0.0: fit(0.9927), 2.0: fit(0.4368)}
    lines = notebooks.reused_table(reused, fresh).splitlines()
    cells = {
        line.split("|")[1].strip(): [c.strip() for c in line.strip("|").split("|")]
        for line in lines[2:]
    }
    # 0.8382 of 10,000: Wilson [0.8309, 0.8453], below the notebook's 0.8462.
    assert cells["1"][2:4] == ["0.8382 [0.8309, 0.8453]", "48"]
    assert cells["1"][5] == "below"
    assert cells["2"][5] == "within"  # 0.5058 in [0.4952, 0.5148]
    assert cells["1"][4] == ""  # no fresh fit at 1 here
    assert cells["0.1"][2:] == ["", "", "", ""]  # not run
