"""The benchmark scripts: the pieces of run.py, the tables of the committed records.

The whole ``run.py --quick`` trains several networks and takes one to two
minutes on two quiet cores (more on a loaded machine), too long for the suite:
its pieces are tested here, on small data, and the quick run is documented in
benchmarks/README.md. The study scripts (``reproduce_notebooks.py``,
``beyond.py``, ``certify.py``) train for hours: here their tables are rebuilt
from the committed records, which must give the committed Markdown, and
``beyond.py``'s keys must still find the committed fits. The scripts use
skmnistnoise's public names only.
"""

import ast
import importlib
import json
import re
import types
from pathlib import Path

import numpy as np
import pytest

from skmnistnoise import ConvNetClassifier, MLPClassifier

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
RESULTS = BENCHMARKS / "results"
SCRIPTS = sorted(BENCHMARKS.glob("*.py"))
#: ``ResultStore.digest`` of MNIST's 70,000 images and labels (the official
#: files), the ``dataset`` of every committed beyond.py record's spec.
MNIST_DIGEST = "5dc8221133fb7decd0c5daf4ff9137e6"


@pytest.fixture(scope="module")
def scripts():
    """Import a script of benchmarks/ by name, as ``python benchmarks/x.py`` does.

    A script run as ``python benchmarks/x.py`` imports its siblings (``from
    flops import ...``) from its own folder, the first entry of ``sys.path``;
    here that folder is put first while the tests of this module run.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(BENCHMARKS))
        yield importlib.import_module


@pytest.fixture(scope="module")
def flops(scripts):
    return scripts("flops")


@pytest.fixture(scope="module")
def bench(scripts):
    return scripts("run")


def _network(cls):
    """The classifier's Keras model for MNIST-shaped data, built untrained."""
    X = np.zeros((10, 784), dtype=np.float32)
    return cls().initialize(X, np.arange(10)).model_


def test_convnet_flops_match_a_hand_count(flops):
    model = _network(ConvNetClassifier)
    by_hand = (
        26 * 26 * 32 * (3 * 3 * 1)  # conv 32 3x3 on 28x28x1
        + 24 * 24 * 64 * (3 * 3 * 32)  # conv 64 3x3 on 26x26x32
        + 12 * 12 * 64 * 128  # dense 128 on the flattened 12x12x64
        + 128 * 10  # softmax layer
    )
    assert flops.forward_macs(model) == by_hand == 11_992_448
    assert flops.train_flops_per_sample(model) == 3 * 2 * by_hand


def test_mlp_flops_match_a_hand_count(flops):
    model = _network(MLPClassifier)
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


def _certify_row(**fields):
    """A row of certify_study's table, as certify.py's summarise reads it."""
    row = {
        "model": "convnet", "sigma": 0.5, "epochs": 12, "seed": 0, "n0": 100,
        "n": 10_000, "alpha": 0.001, "n_train": 60_000, "n_images": 4,
        "recipe": "adam-no-dropout", "precision": "float32", "undefended": False,
        "certified_radii": [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0],
        "certified_accuracy_at": [0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.0, 0.0],
        "acr": 0.375, "abstained": 0.25, "fit_time": 10.0, "score_time": 20.0,
        "batch_size": 4096,
    }  # fmt: skip
    return {**row, **fields}


def test_certify_script_summarises_against_the_published_baseline(scripts):
    certify = scripts("certify")
    from skmnistnoise.references import PROTOCOL, RADII_500

    indices = certify.certified_images(500)
    assert len(indices) == 500 and np.all(indices % 20 == 0) and indices[-1] == 9980
    # Every 0.25 from 0 to 4, the reference's radii among them.
    assert certify.RADII[0] == 0.0 and certify.RADII[-1] == 4.0
    assert set(RADII_500) <= set(certify.RADII)
    assert np.allclose(np.diff(certify.RADII), 0.25)
    run = certify.summarise(_certify_row(precision="bfloat16"))
    assert run["certified_accuracy"] == {
        "0": 0.5, "0.25": 0.5, "0.5": 0.25, "0.75": 0.25, "1": 0.25, "1.25": 0.25,
        "1.5": 0.0, "2": 0.0,
    }  # fmt: skip
    assert run["sigma"] == 0.5 and run["n_images"] == 4 and run["wall_s"] == 30.0
    assert run["precision"] == "bfloat16" and run["undefended"] is False
    # The reference under its true name; no field says "Cohen" any more.
    assert run["reference_certified_accuracy"]["1.5"] == 0.656
    assert run["reference"].startswith("Jeong and Shin (2020)")
    assert f"{PROTOCOL['seeds']}-seed mean" in run["reference"]
    assert "cohen_certified_accuracy" not in run
    # n=10,000 draws at alpha=0.001 certify at most 3.2 sigma.
    assert abs(run["max_radius"] - 0.5 * 3.198) < 1e-3
    table = scripts("certify_tables").markdown([run])
    # One seed, so the mean is the run's value; beyond max r (1.6): "-".
    assert (
        "| convnet | adam-no-dropout | bfloat16 | 0.5 | 0 | 0.500 | 0.500 | 0.250 "
        "| 0.250 | 0.250 | 0.000 | - | 1.60 |"
    ) in table
    # The published rows under their true name: Jeong and Shin (2020)'s
    # reproduction of Cohen et al.'s Gaussian baseline.
    assert (
        "| LeNet, Jeong and Shin (2020) | Gaussian baseline of Cohen et al., "
        "90 epochs |  | 1 | 5 seeds | 0.954 |"
    ) in table
    assert "Cohen et al. LeNet" not in table
    # Seeds of a configuration: one row, their mean.
    runs = [
        certify.summarise(_certify_row(seed=seed, certified_accuracy_at=[a] * 8))
        for seed, a in ((0, 0.5), (1, 0.7))
    ]
    table = scripts("certify_tables").markdown(runs)
    assert "| convnet | adam-no-dropout | float32 | 0.5 | 0, 1 | 0.600 |" in table


def test_certify_script_reads_records_written_before_the_new_fields(scripts, tmp_path):
    certify = scripts("certify")
    old = {
        "model": "mlp", "sigma": 0.25, "recipe": "adam-no-dropout", "epochs": 12,
        "seed": 0, "n0": 100, "n": 10_000, "alpha": 0.001, "n_train": 60_000,
        "n_images": 500, "certified_accuracy": {"0": 0.978},
        "cohen_certified_accuracy": {"0": 0.989},
    }  # fmt: skip
    run = certify.upgraded(old)
    assert run["reference_certified_accuracy"] == {"0": 0.989}
    assert run["reference"] == scripts("certify_tables").REFERENCE
    assert "cohen_certified_accuracy" not in run and "cohen_certified_accuracy" in old
    assert run["precision"] == "float32" and run["undefended"] is False
    assert abs(run["max_radius"] - 0.25 * 3.198) < 1e-3
    # certify_study names a bfloat16 network "<model>-bf16".
    bf16 = certify.upgraded({**old, "model": "mlp-bf16"})
    assert (bf16["model"], bf16["precision"]) == ("mlp", "bfloat16")
    # A new record of the same run replaces the old one in certify.json; that
    # of another precision is another run.
    path = tmp_path / "certify.json"
    path.write_text(json.dumps({"runs": [old]}))
    new = {**run, "certified_accuracy": {"0": 0.98}}
    assert certify.merged([new], path) == [new]
    other = {**run, "precision": "bfloat16"}
    kept = certify.merged([other], path)
    assert len(kept) == 2 and kept[0]["reference_certified_accuracy"] == {"0": 0.989}


def test_certify_script_says_where_the_baseline_lies_against_our_interval(scripts):
    tables = scripts("certify_tables")

    run = {
        "model": "convnet", "recipe": "adam-no-dropout", "sigma": 0.25,
        "n_images": 500, "seed": 0,
        "certified_accuracy": {"0": 0.988, "0.25": 0.972, "0.5": 0.900, "0.75": 0.950},
        # A record written before the reference was renamed.
        "cohen_certified_accuracy": {
            "0": 0.989, "0.25": 0.973, "0.5": 0.954, "0.75": 0.910, "1": None,
        },
    }  # fmt: skip
    line = tables.against_reference([run]).splitlines()[2]
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[4] == "Wilson, 500 images"  # one seed: the interval over images
    # 0.988 of 500: Wilson [0.974, 0.994] holds the baseline's 0.989.
    assert cells[5] == "0.988 [0.974, 0.994] vs 0.989, within"
    assert cells[7].endswith("vs 0.954, ours below")  # 0.900 of 500: at most 0.923
    assert cells[8].endswith("vs 0.910, ours above")  # 0.950 of 500: at least 0.927
    assert cells[9] == "-"  # no published value at r=1 for sigma 0.25

    # Three seeds: the mean, and Student's t interval over the seeds.
    runs = [
        {**run, "seed": seed, "certified_accuracy": {"0": value}}
        for seed, value in enumerate((0.980, 0.984, 0.988))
    ]
    line = scripts("certify_tables").against_reference(runs).splitlines()[2]
    cells = [c.strip() for c in line.strip("|").split("|")]
    # t(0.975, 2) = 4.303, std 0.004: half-width 4.303 * 0.004 / sqrt(3) = 0.0099
    assert cells[4] == "t, 3 seeds"
    assert cells[5] == "0.984 [0.974, 0.994] vs 0.989, within"


def test_certify_script_counts_the_goal_met_only_on_the_interval(scripts):
    tables = scripts("certify_tables")
    from skmnistnoise.references import GAUSSIAN_MNIST_10000

    goal = GAUSSIAN_MNIST_10000[0.25]  # r = 0 to 0.75: 0.993 0.985 0.967 0.931
    run = {
        "model": "convnet", "recipe": "consistency", "sigma": 0.25, "n": 10_000,
        "n_images": 500, "seed": 0, "max_radius": 0.6,
        # 1.000 of 500: Wilson [0.992, 1.000] holds the goal's 0.993; 0.998
        # [0.989, 1.000] lies above 0.985; 0.900 [0.871, 0.923] below 0.967.
        "certified_accuracy": {"0": 1.0, "0.25": 0.998, "0.5": 0.900},
    }  # fmt: skip
    line = tables.against_goal([run]).splitlines()[2]
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[:7] == [
        "convnet", "consistency", "float32", "10,000", "0.25", "0",
        "Wilson, 500 images",
    ]  # fmt: skip
    assert cells[7] == f"1.000 [0.992, 1.000] vs {goal[0.0]:.3f}, not shown"
    assert cells[8] == f"0.998 [0.989, 1.000] vs {goal[0.25]:.3f}, met"
    assert cells[9] == f"0.900 [0.871, 0.923] vs {goal[0.5]:.3f}, short"
    # Beyond max r (0.6) nothing is certified: short of any goal.
    assert cells[10] == f"- vs {goal[0.75]:.3f}, short"
    assert cells[-1] == "1 / 1 / 2"
    # Three seeds: their t interval, widened by the sampling of the 500 images
    # (the goal is measured on others). At r = 0, 0.996 0.997 0.998: t
    # 0.997 +- 4.303 * 0.001 / sqrt(3) = [0.9945, 0.9995], above the goal's
    # 0.993, but Wilson(0.997, 500) = [0.9871, 0.9993]; low 0.997 -
    # hypot(0.0099, 0.0025) = 0.9868, high 0.997 + hypot(0.0023, 0.0025),
    # capped at 1: not shown. At r = 0.75, 0.960 0.962 0.964: t [0.9570,
    # 0.9670], Wilson [0.9414, 0.9755]; low 0.962 - hypot(0.0206, 0.0050) =
    # 0.9408, above the goal's 0.931: met.
    seeds = [
        {
            **run,
            "seed": seed,
            "max_radius": 0.8,
            "certified_accuracy": {"0": at_0, "0.75": at_075},
        }
        for seed, (at_0, at_075) in enumerate(
            ((0.996, 0.960), (0.997, 0.962), (0.998, 0.964))
        )
    ]
    cells = [
        c.strip()
        for c in tables.against_goal(seeds).splitlines()[2].strip("|").split("|")
    ]
    assert cells[6] == "t, 3 seeds and Wilson, 500 images"
    assert cells[7] == "0.997 [0.987, 1.000] vs 0.993, not shown"
    assert cells[10] == "0.962 [0.941, 0.976] vs 0.931, met"
    # Seeds that agree (a t interval of width 0): the Wilson interval alone.
    assert tables.with_images(0.962, 0.962, 0.962, 500) == pytest.approx(
        (0.9414, 0.9755), abs=1e-4
    )
    # A sigma the goal's table lacks has no row.
    assert "No configuration" in tables.against_goal([{**run, "sigma": 2.0}])


def test_goal_needs_the_least_fraction_whose_wilson_interval_meets_it(scripts):
    tables = scripts("certify_tables")
    from skmnistnoise.metrics import wilson_interval

    rows = [
        [c.strip() for c in line.strip("|").split("|")]
        for line in tables.goal_needs().splitlines()[2:]
    ]
    cells = {(rows[i - (i % 2)][0], row[1]): row[2:] for i, row in enumerate(rows)}
    # sigma 0.25, r = 0: 500 of 500 is Wilson [0.992, 1] against 0.993.
    assert cells["0.25", "met needs"][0] == "none"
    assert wilson_interval(1.0, 500)[0] < 0.993
    # sigma 1, r = 0 (goal 0.963): 490 of 500, not 489.
    assert cells["1", "met needs"][0] == "0.980"
    assert wilson_interval(490 / 500, 500)[0] >= 0.963
    assert wilson_interval(489 / 500, 500)[0] < 0.963
    assert cells["1", "reference, 500 images"][0] == "0.954"


def test_certify_script_names_the_options_of_each_row(scripts):
    certify = scripts("certify")
    defaults = {field: default for _, field, default in certify.OPTIONS}

    def run(model, sigma, seed=0, **options):
        return {"model": model, "sigma": sigma, "seed": seed, **defaults, **options}

    runs = [run(m, s) for m in ("convnet", "mlp") for s in certify.SIGMAS]
    # A smoke run of one sigma, merged in: its options above its row only.
    runs.append(run("mlp", 0.5, n=200, n_images=20, epochs=1))
    assert scripts("certify_tables").commands(runs) == [
        "python benchmarks/certify.py --models convnet mlp",
        "python benchmarks/certify.py --models mlp --sigmas 0.5 --epochs 1 "
        "--images 20 --n 200",
    ]
    # Models that ran different sigmas do not share a line.
    assert scripts("certify_tables").commands(runs[:3] + [run("mlp", 0.25)]) == [
        "python benchmarks/certify.py --models convnet",
        "python benchmarks/certify.py --models mlp --sigmas 0.25",
    ]
    # The default sigmas of a model are not spelled out; a subset is.
    assert scripts("certify_tables").commands([run("mlp", 0.25, alpha=0.01)]) == [
        "python benchmarks/certify.py --models mlp --sigmas 0.25 --alpha 0.01"
    ]
    # Seeds, precision and the undefended network: the seeds a sigma ran, the
    # flag without a value; records written before these fields are float32
    # and defended.
    seeded = [run("convnet", s, seed) for s in certify.SIGMAS for seed in (0, 1, 2)]
    seeded.append(run("convnet", 0.5, 3))
    old = run("mlp", 0.5)
    del old["precision"], old["undefended"]
    seeded += [old, run("mlp", 0.5, precision="bfloat16", undefended=True)]
    assert scripts("certify_tables").commands(seeded) == [
        "python benchmarks/certify.py --models convnet --sigmas 0.25 1 --seeds 0 1 2",
        "python benchmarks/certify.py --models convnet --sigmas 0.5 --seeds 0 1 2 3",
        "python benchmarks/certify.py --models mlp --sigmas 0.5",
        "python benchmarks/certify.py --models mlp --sigmas 0.5 --precision "
        "bfloat16 --undefended",
    ]


def _certified_row(certify, recipe, radius, **fields):
    """A certify_study row of 40 images, all right, certified to ``radius``."""
    row = certify.upgraded(_certify_row(recipe=recipe, n_images=40, **fields))
    return {
        **row,
        "certificate_label": [0] * 40,
        "certificate_prediction": [0] * 40,
        "certificate_radius": list(radius),
        "certificate_abstained": [False] * 40,
    }


def test_certify_script_tests_runs_on_the_same_images_image_by_image(scripts):
    certify = scripts("certify")

    # A certifies every image to 1.0; B 28 of them only to 0.3.
    a = _certified_row(certify, "adam", [1.0] * 40)
    b = _certified_row(certify, "adam-no-dropout", [1.0] * 12 + [0.3] * 28)
    other_seed = _certified_row(certify, "adam-no-dropout", [0.3] * 40, seed=1)
    table = scripts("certify_tables").paired_verdicts([a, b, other_seed]).splitlines()
    assert len(table) == 3  # header, rule, one pair: seed 1 has no partner
    cells = [c.strip() for c in table[2].strip("|").split("|")]
    assert cells[:7] == [
        "convnet", "0.5", "10000", "0", "40", "adam, float32, 12 epochs",
        "adam-no-dropout, float32, 12 epochs",
    ]  # fmt: skip
    assert cells[7] == "only A 0, only B 0, p = 1: no difference"  # r=0
    assert cells[9] == "only A 28, only B 0, p = 7.5e-09: A better"  # r=0.5
    assert cells[12].startswith("only A 0, only B 0")  # r=1.5 < max r 1.6
    assert cells[13] == "-"  # r=2: beyond what n=10,000 draws certify at 0.5
    # The undefended network against the defended one, same recipe.
    clean = _certified_row(certify, "adam", [0.0] * 40, undefended=True)
    line = scripts("certify_tables").paired_verdicts([a, clean]).splitlines()[2]
    assert "| adam, float32, 12 epochs | adam, undefended, float32, 12 epochs |" in line
    assert "only A 40, only B 0, p = 1.8e-12: A better" in line
    # Trainings of other lengths, and on other images, are paired too.
    longer = _certified_row(certify, "consistency", [0.0] * 40, epochs=30, n_train=2000)
    line = scripts("certify_tables").paired_verdicts([a, longer]).splitlines()[2]
    assert "| consistency, float32, 30 epochs of 2,000 images |" in line
    # Runs of other images are not paired.
    moved = {**b, "certificate_label": [1] * 40}
    assert scripts("certify_tables").paired_verdicts([a, moved]) is None


def test_certify_script_completes_old_records_from_their_certificates(scripts):
    certify = scripts("certify")

    row = _certified_row(certify, "adam", [0.1] * 10 + [1.3] * 30)
    record = certify.summarise(row)
    record["certified_accuracy"] = {"0": 1.0, "1.5": 0.0}  # as an old record
    (done,) = certify.completed([record], [row])
    assert list(done["certified_accuracy"]) == [f"{r:g}" for r in certify.RADII]
    assert done["certified_accuracy"]["1.25"] == 0.75
    assert done["certified_accuracy"]["0.25"] == 0.75
    assert done["certified_accuracy"]["1.5"] == 0.0
    # Without its run's certificates a record is left as it is.
    (alone,) = certify.completed([record], [])
    assert alone["certified_accuracy"] == {"0": 1.0, "1.5": 0.0}


def test_certify_script_trains_the_undefended_network_without_noise(scripts):
    certify = scripts("certify")
    from skmnistnoise.experiment import smoothing_param_names

    smoother = certify._smoother(
        "mlp", 1, "adam", 2000, precision="bfloat16", undefended=True
    )
    assert smoother.estimator.train_noise is None
    assert smoother.estimator.precision == "bfloat16"
    # certify_study sets the smoothing noise alone to each sigma.
    assert smoothing_param_names(smoother) == ["noise__scale"]
    defended = certify._smoother(
        "mlp", 1, "adam", 2000, precision="float32", undefended=False
    )
    assert smoothing_param_names(defended) == [
        "noise__scale",
        "estimator__train_noise__scale",
    ]
    with pytest.raises(SystemExit, match="--undefended.*consistency"):
        certify._smoother(
            "mlp", 1, "consistency", 2000, precision="float32", undefended=True
        )


def test_certify_script_trains_the_reference_lenet_by_its_name(scripts):
    certify = scripts("certify")
    from skmnistnoise.experiment import LENET

    smoother = certify._smoother(
        "lenet",
        3,
        "consistency-lambda5-cosine-no-dropout",
        2000,
        precision="bfloat16",
        undefended=False,
    )
    network = smoother.estimator
    assert type(network).__name__ == "ConvNetClassifier"
    assert {k: network.get_params()[k] for k in LENET} == LENET
    assert (network.consistency_m, network.consistency_lambda) == (2, 5.0)
    assert network.epochs == 3 and network.precision == "bfloat16"
    # The notebook's ConvNet keeps its shape.
    plain = certify._smoother(
        "convnet", 3, "adam", 2000, precision="float32", undefended=False
    )
    assert (plain.estimator.pooling, plain.estimator.filters) == ("last", (32, 64))


def test_certify_script_draws_seed_bands_and_the_undefended_curves(scripts, tmp_path):
    certify = scripts("certify")
    from skmnistnoise.plotting._certified_accuracy import BAND_NOTE, MAX_RADIUS_NOTE

    rows = [
        _certified_row(certify, "adam", [r] * 40, seed=seed)
        for seed, r in ((0, 1.0), (1, 0.8))
    ]
    rows.append(_certified_row(certify, "adam", [0.2] * 40, undefended=True))
    # Another recipe in another precision: a curve of its own, named once.
    rows.append(
        _certified_row(certify, "consistency", [0.6] * 40, precision="bfloat16")
    )
    # The same training certified with n = 100,000: a curve and a style of
    # its own, not a third seed.
    rows.append(_certified_row(certify, "adam", [1.2] * 40, n=100_000))
    rows.append(_certified_row(certify, "adam", [0.5] * 40, model="mlp"))
    convnet, mlp = certify.draw_figure(rows, tmp_path / "certify.png")
    assert (tmp_path / "certify.png").stat().st_size > 0
    assert convnet.figure_ is mlp.figure_  # a panel per model, one figure
    assert convnet.ax_.get_title().startswith("ConvNet: certified accuracy")
    # Each training its own curve, the undefended network dashed.
    assert [c["label"] for c in convnet.curves] == [
        "ConvNet, adam, sigma 0.5, n=10,000, 2 seeds",
        "ConvNet, adam, sigma 0.5, n=100,000",
        "ConvNet, adam, undefended, sigma 0.5, n=10,000",
        "ConvNet, consistency, bfloat16, sigma 0.5, n=10,000",
    ]
    assert len({str(c["linestyle"]) for c in convnet.curves}) == 4
    # The MLP panel has one training: its name is the panel's, its style that
    # of the same training in the ConvNet panel.
    assert [c["label"] for c in mlp.curves] == ["MLP, sigma 0.5"]
    assert [c["linestyle"] for c in mlp.curves] == [convnet.curves[0]["linestyle"]]
    legend = [t.get_text() for t in convnet.ax_.get_legend().get_texts()]
    assert BAND_NOTE in legend and MAX_RADIUS_NOTE in legend
    assert any(text.startswith("Jeong and Shin (2020)") for text in legend)
    # One band (and its legend entry's empty one): the t interval of the two
    # seeds (certified to 0.8 and to 1.0), wide, cut to [0, 1].
    band = next(c for c in convnet.ax_.collections if len(c.get_paths()))
    vertices = band.get_paths()[0].vertices
    # Steps end at their radius: the step of (0.8, 1.0] starts at x = 0.8.
    step = vertices[np.isclose(vertices[:, 0], 0.8), 1]
    assert step.min() == 0.0 and step.max() == 1.0
    assert convnet.max_radius_lines_
    assert not mlp.ax_.collections  # one seed: no band


def test_certify_tables_are_rebuilt_from_the_committed_runs(scripts, tmp_path):
    from skmnistnoise.experiment import SweepResults
    from skmnistnoise.references import RADII_500

    certify = scripts("certify")
    runs = json.loads((RESULTS / "certify.json").read_text())["runs"]
    results = SweepResults.from_json(RESULTS / "certify-results.json")
    # Every committed record has its per-image certificates, which give its
    # certified accuracy at the reference's radii, and every 0.25 between.
    done = certify.completed(runs, results)
    for run, full in zip(runs, done, strict=True):
        for r in RADII_500:
            assert full["certified_accuracy"][f"{r:g}"] == pytest.approx(
                run["certified_accuracy"][f"{r:g}"], abs=1e-12
            )
        assert set(full["certified_accuracy"]) == {f"{r:g}" for r in certify.RADII}
    # What `certify.py --tables-only` writes: a row per configuration, under
    # the reference's name; a configuration of one seed shows its run's values.
    certify.write_markdown(runs, tmp_path / "certify.md", results)
    text = (tmp_path / "certify.md").read_text()
    # The committed ConvNet runs are seed 0; the MLP's seeds 0, 1 and 2.
    assert "python benchmarks/certify.py --models convnet\n" in text
    assert "python benchmarks/certify.py --models mlp --seeds 0 1 2\n" in text
    for group in scripts("certify_tables").configurations(runs):
        run = group[0]
        seeds = ", ".join(str(s) for s in sorted(r["seed"] for r in group))
        recipe = run["recipe"] + (", undefended" if run["undefended"] else "")
        row = (
            f"| {run['model']} | {recipe} | {run['precision']} "
            f"| {run['sigma']:g} | {seeds} |"
        )
        if len(group) == 1:
            row += " " + " | ".join(
                "-" if r > run["max_radius"]
                else f"{run['certified_accuracy'][f'{r:g}']:.3f}"
                for r in RADII_500
            ) + " |"  # fmt: skip
        assert row in text
    assert text == (RESULTS / "certify.md").read_text()  # as committed


def test_beyond_summarises_seeds_with_intervals(scripts):
    beyond = scripts("beyond")

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


def test_notebooks_script_sets_the_reused_model_against_the_notebook(scripts):
    notebooks = scripts("reproduce_notebooks")

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


# --------------------------------------------------------------------------
# The committed records: their tables come back unchanged, with nothing trained


def test_notebooks_tables_are_rebuilt_from_the_committed_records(scripts):
    notebooks = scripts("reproduce_notebooks")
    records = json.loads((RESULTS / "notebooks.json").read_text())["records"]
    # What `reproduce_notebooks.py --tables-only` writes.
    assert notebooks.tables(records) == (RESULTS / "notebooks-tables.md").read_text()


def test_mnist_c_tables_are_rebuilt_from_the_committed_store(scripts, tmp_path):
    mnist_c = scripts("mnist_c")
    from skmnistnoise.experiment import ResultStore

    store = ResultStore(RESULTS / "mnist-c-store")
    records = [store.get(k) for k in sorted(store.keys())]
    assert records and all(r is not None for r in records)
    table, mce = mnist_c.summary(records)
    # At least 30 (model, training, corruption) rows over 3 seeds.
    assert sum(row["seeds"] == 3 for row in table) >= 30
    # What `mnist_c.py --tables-only` writes.
    assert mnist_c.markdown(table, mce) == (RESULTS / "mnist-c.md").read_text()
    committed = json.loads((RESULTS / "mnist-c.json").read_text())
    assert committed == json.loads(json.dumps({"rows": table, "mce": mce}))
    # One figure per dataset, as committed beside the tables.
    datasets = sorted({r["dataset"] for r in records})
    names = mnist_c.draw_figures(records, tmp_path)
    assert names == [f"mnist-c-{d}.png" for d in datasets]
    assert all((RESULTS / name).exists() for name in names)


def test_beyond_tables_are_rebuilt_from_the_committed_store(scripts):
    beyond = scripts("beyond")
    from skmnistnoise.experiment import ResultStore

    smoothing = beyond.stored_smoothing_runs(ResultStore(RESULTS / "beyond-store"))
    committed = json.loads((RESULTS / "beyond.json").read_text())
    assert [r["key"] for r in smoothing] == [r["key"] for r in committed["smoothing"]]
    # What `beyond.py --tables-only` writes.
    table = beyond.tables(smoothing, committed["per_epoch_gap"])
    assert table == (RESULTS / "beyond-tables.md").read_text()


def test_beyond_keys_still_find_every_committed_fit(scripts):
    # The recipes moved into the package (recipe_params): the classifiers they
    # give, and so the store keys, must be those of the committed fits, or a
    # re-run would train them all again.
    beyond = scripts("beyond")
    from skmnistnoise.experiment import ResultStore

    committed = json.loads((RESULTS / "beyond.json").read_text())["smoothing"]
    recipes = {r["recipe"] for r in committed}
    assert {"adam", "adam-no-dropout", "adam-cosine-b32"} <= recipes
    for record in committed:
        _, spec = beyond.smoothing_spec(
            MNIST_DIGEST,
            record["model"],
            record["sigma"],
            record["epochs"],
            record["recipe"],
            record["seed"],
        )
        assert ResultStore.key(spec) == record["key"], record["key"]
        assert (RESULTS / "beyond-store" / f"{record['key']}.json").is_file()


# --------------------------------------------------------------------------
# Public names only


def private_uses(source):
    """Where source reaches into private skmnistnoise modules or loads code by path."""
    found = [
        m.group(0)
        for m in re.finditer(
            r"skmnistnoise\._\w*|sys\.path|spec_from_file_location|SourceFileLoader",
            source,
        )
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            names = [a.name for a in node.names]
            if parts[0] == "skmnistnoise" and any(
                p.startswith("_") for p in parts[1:] + names
            ):
                found.append(f"line {node.lineno}: from {node.module} import ...")
    return found


def test_private_uses_are_found():
    assert private_uses("from skmnistnoise._models import build_mlp\n")
    assert private_uses("from skmnistnoise.experiment import _registry\n")
    assert private_uses("import sys\nsys.path.insert(0, '.')\n")
    assert private_uses("import skmnistnoise\nskmnistnoise.__version__\n")
    assert not private_uses("from skmnistnoise.experiment import recipe_params\n")


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_benchmark_script_uses_public_names_only(path):
    assert not private_uses(path.read_text(encoding="utf-8"))


def test_recipe_probe_resumes_variant_by_variant(scripts, tmp_path, monkeypatch):
    probe = scripts("recipe_probe")
    import skmnistnoise.datasets

    fake = types.SimpleNamespace(
        data=np.zeros((70_000, 2)), target=np.zeros(70_000, dtype=int)
    )
    monkeypatch.setattr(skmnistnoise.datasets, "load_dataset", lambda *a, **k: fake)
    trained = []

    def one(args, variant, data):
        trained.append(variant)
        assert len(data["X_train"]) == 60_000 and len(data["X_test"]) == 10_000
        return {**probe.settings(args, variant), "noisy_accuracy": 0.5,
                "noisy_accuracy_draws": [0.5], "clean_accuracy": 0.9,
                "fit_time": 1.0}  # fmt: skip

    monkeypatch.setattr(probe, "probe", one)
    out = tmp_path / "probe.json"
    argv = ["--data-home", "x", "--out", str(out), "--variants", "gaussian"]
    probe.main(argv)
    probe.main([*argv, "consistency"])  # gaussian is there: not trained again
    assert trained == ["gaussian", "consistency"]
    probe.main([*argv, "--epochs", "7"])  # other settings: trained again
    assert trained[-1] == "gaussian" and len(trained) == 3
    runs = json.loads(out.read_text())["runs"]
    assert [(r["variant"], r["epochs"]) for r in runs] == [
        ("gaussian", 5), ("consistency", 5), ("gaussian", 7),
    ]  # fmt: skip
    with pytest.raises(SystemExit):
        probe.parse_args(["--data-home", "x", "--n-train", "0"])
