"""The command line: what a sweep writes, re-runs that train nothing.

Bad arguments and bad input: tests/test_bad_input.py.
"""

import argparse
import contextlib
import csv
import io
import os
import subprocess
import sys

import matplotlib.image
import pytest

from skmnistnoise import __version__
from skmnistnoise.cli import build_parser, main
from skmnistnoise.experiment import (
    SweepResults,
    make_study_pipeline,
    matrix_from_results,
    robustness_matrix,
)

SWEEP = ["sweep", "--model", "mlp", "--epochs", "1", "--scales", "0", "1"]
FIGURES = ("samples", "accuracy_vs_scale", "accuracy_vs_epoch", "model_comparison")


def _run(argv):
    """main(argv) with its standard output and error captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def _store_files(folder):
    return {p.name: p.stat().st_mtime_ns for p in (folder / "store").glob("*.json")}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "results"  # created by the command
    status, stdout, stderr = _run([*SWEEP, "--out", str(out)])
    return out, status, stdout, stderr


def test_sweep_writes_tables_figures_and_report(first_run):
    out, status, stdout, stderr = first_run
    assert status == 0
    with open(out / "results.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["model"], float(r["scale"]), int(r["epochs"])) for r in rows] == [
        ("mlp", 0.0, 1),
        ("mlp", 1.0, 1),
    ]
    assert all(0 <= float(r["test_accuracy"]) <= 1 for r in rows)
    table = SweepResults.from_json(out / "results.json")
    assert [len(r["epoch_test_accuracy"]) for r in table] == [1, 1]
    for name in FIGURES:
        height, width, _ = matplotlib.image.imread(out / f"{name}.png").shape
        assert width > 300 and height > 200
    report = (out / "report.md").read_text()
    assert f"{float(rows[1]['test_accuracy']):.4f}" in report
    assert "skmnistnoise sweep --model mlp --epochs 1 --scales 0 1" in report
    # Where things went, on standard output; progress on standard error.
    assert "2 fits: 2 trained" in stdout
    assert str(out / "report.md") in stdout and str(out / "results.csv") in stdout
    assert "epoch 1/1" in stderr and "scale=1" in stderr
    assert len(_store_files(out)) == 2


def test_same_command_again_trains_nothing(first_run):
    out, *_ = first_run
    before = _store_files(out)
    csv_before = (out / "results.csv").read_text()
    status, stdout, stderr = _run([*SWEEP, "--out", str(out), "--quiet"])
    assert status == 0
    assert "2 fits: 0 trained, 2 read from" in stdout
    assert _store_files(out) == before  # no store file written again
    assert (out / "results.csv").read_text() == csv_before
    assert stderr == ""  # --quiet: no progress lines


def test_samples_writes_one_figure(tmp_path):
    status, stdout, stderr = _run(
        [
            "samples",
            "--scales",
            "0.5",
            "2",
            "--noise",
            "speckle",
            "--out",
            str(tmp_path),
        ]
    )
    assert status == 0, stderr
    assert [p.name for p in tmp_path.iterdir()] == ["samples.png"]
    assert str(tmp_path / "samples.png") in stdout
    assert matplotlib.image.imread(tmp_path / "samples.png").shape[1] > 500


def test_matrix_writes_the_matrix_of_robustness_matrix(tmp_path, digits):
    argv = ["matrix", "--model", "mlp", "--epochs", "1", "--seed", "3"]
    argv += ["--train-scales", "0", "1", "--test-scales", "0", "0.5", "2"]
    status, stdout, stderr = _run([*argv, "--out", str(tmp_path)])
    assert status == 0, stderr
    with open(tmp_path / "matrix.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["train_scale", "test_0", "test_0.5", "test_2"]
    assert [r[0] for r in rows[1:]] == ["0", "1"]
    # The same numbers as the Python API with the same seed.
    pipe = make_study_pipeline("mlp", "additive", epochs=1)
    expected = robustness_matrix(
        pipe,
        digits.data,
        digits.target,
        train_scales=[0, 1],
        test_scales=[0, 0.5, 2],
        cv=digits.cv,
        random_state=3,
    )
    _, _, accuracy = matrix_from_results(expected)
    assert [[float(v) for v in r[1:]] for r in rows[1:]] == [
        [round(float(a), 4) for a in row] for row in accuracy
    ]
    assert "2 fits: 2 trained" in stdout and "epoch 1/1" in stderr
    height, width, _ = matplotlib.image.imread(tmp_path / "robustness_matrix.png").shape
    assert width > 300 and height > 200
    table = SweepResults.from_json(tmp_path / "matrix-results.json")
    assert [r["test_scales"] for r in table] == [[0.0, 0.5, 2.0]] * 2
    # Again: nothing trained, the same matrix.
    before = (tmp_path / "matrix.csv").read_text()
    status, stdout, _ = _run([*argv, "--out", str(tmp_path), "--quiet"])
    assert status == 0 and "2 fits: 0 trained, 2 read from" in stdout
    assert (tmp_path / "matrix.csv").read_text() == before


def test_no_command_and_version(capsys):
    assert main([]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"skmnistnoise {__version__}"


def test_sweep_help_documents_the_defaults(capsys):
    assert main(["sweep", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "MLP 20 and ConvNet 12" in text  # default epochs
    assert "'digits' (8x8, embedded, offline; default)" in text
    assert "notebooks" in text and "--no-store" in text


@pytest.mark.parametrize("command", ["sweep", "samples", "matrix", "certify", "report"])
def test_every_command_has_its_help(capsys, command):
    assert main([command, "--help"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(f"usage: skmnistnoise {command} ")
    assert captured.err == ""


@pytest.mark.parametrize("module", ["skmnistnoise", "skmnistnoise.cli"])
def test_python_m_skmnistnoise_help(module):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [sys.executable, "-m", module, "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: skmnistnoise")
    assert "sweep" in done.stdout and "samples" in done.stdout


@pytest.mark.parametrize("command", ["sweep", "matrix"])
def test_interrupt_says_how_to_resume(tmp_path, monkeypatch, command):
    import skmnistnoise.experiment

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    name = "run_study" if command == "sweep" else "robustness_matrix"
    monkeypatch.setattr(skmnistnoise.experiment, name, interrupted)
    status, stdout, stderr = _run([command, "--out", str(tmp_path)])
    assert status == 130 and stdout == ""
    assert stderr == (
        f"skmnistnoise: interrupted; finished fits are kept in {tmp_path / 'store'}: "
        "run the same command again to resume\n"
    )


def test_report_rebuilds_the_report_from_results_json_training_nothing(first_run):
    out, *_ = first_run
    (out / "report.md").unlink()
    (out / "accuracy_vs_scale.png").unlink()
    before = _store_files(out)
    status, stdout, stderr = _run(["report", str(out), "--formats", "png", "svg"])
    assert status == 0, stderr
    assert "nothing trained" in stdout
    text = (out / "report.md").read_text()
    assert "| MLP | additive | 1 |" in text and "--model mlp" in text  # settings kept
    assert (out / "accuracy_vs_scale.png").stat().st_size > 0
    assert (out / "accuracy_vs_scale.svg").exists()
    assert _store_files(out) == before


def test_report_of_a_scikit_learn_classifiers_sweep(digits, tmp_path):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    from skmnistnoise import GaussianNoise
    from skmnistnoise.experiment import noise_sweep

    pipe = Pipeline(
        [("noise", GaussianNoise(random_state=0)), ("clf", LogisticRegression())]
    )
    results = noise_sweep(
        pipe, digits.data, digits.target, param_range=[0, 1], cv=digits.cv,
        dataset="digits",
    )  # fmt: skip
    results.to_json(tmp_path / "results.json")
    status, stdout, stderr = _run(["report", str(tmp_path)])
    assert status == 0, stderr
    text = (tmp_path / "report.md").read_text()
    assert "| LogisticRegression | additive | 1 |" in text
    assert (tmp_path / "accuracy_vs_scale.png").exists()


def test_report_names_a_folder_without_results(tmp_path):
    status, _, stderr = _run(["report", str(tmp_path)])
    assert status == 2
    assert "argument DIR: cannot read" in stderr and "results.json" in stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_store_is_refused_before_any_fit(tmp_path):
    store = tmp_path / "out" / "store"
    store.mkdir(parents=True)
    store.chmod(0o500)
    try:
        status, _, stderr = _run([*SWEEP, "--out", str(tmp_path / "out")])
    finally:
        store.chmod(0o700)
    assert status == 2
    assert "the result store" in stderr and "--no-store" in stderr
    assert not list(store.glob("*.json"))


def test_a_store_that_cannot_be_created_is_refused_before_any_fit(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "store").write_text("a file where the store folder should be")
    status, _, stderr = _run([*SWEEP, "--out", str(out)])
    assert status == 2
    assert "the result store" in stderr and "cannot be written" in stderr


def test_one_scale_sweep_writes_its_report(tmp_path):
    out = tmp_path / "one"
    status, stdout, stderr = _run(
        [
            "sweep",
            "--model",
            "mlp",
            "--epochs",
            "1",
            "--scales",
            "0.5",
            "--out",
            str(out),
        ]
    )
    assert status == 0, stderr
    assert (out / "report.md").exists() and (out / "accuracy_vs_scale.png").exists()


def test_severities_sweep_imagenet_c_scales_clipped(tmp_path):
    out = tmp_path / "sev"
    argv = ["sweep", "--model", "mlp", "--epochs", "1", "--scales", "severities"]
    status, stdout, stderr = _run(
        [*argv, "--noise", "additive", "shot", "--out", str(out)]
    )
    assert status == 0, stderr
    table = SweepResults.from_json(out / "results.json")
    scales = {(r["noise"], r["severity"]): r["scale"] for r in table}
    assert scales[("additive", 1)] == 0.08 and scales[("additive", 5)] == 0.38
    assert scales[("shot", 5)] == pytest.approx(1 / 3) and scales[("shot", 0)] == 0
    assert "robustness (mean error over the noisy scales" in stdout
    assert "## Robustness scores" in (out / "report.md").read_text()


def test_a_reversed_clip_is_a_usage_error(tmp_path):
    status, _, stderr = _run([*SWEEP, "--clip", "1", "0", "--out", str(tmp_path)])
    assert status == 2 and "argument --clip" in stderr


# -- renamed options: the old spelling works for one release, hidden, with a warning


@pytest.mark.parametrize(
    ("old", "new", "dest"),
    [("--images", "--n-images", "n_images"), ("--chunk", "--chunk-size", "chunk_size")],
)
def test_a_renamed_option_keeps_its_old_spelling_with_a_warning(capsys, old, new, dest):
    parser = build_parser()
    args = parser.parse_args(["certify", new, "7"])
    assert getattr(args, dest) == 7 and capsys.readouterr().err == ""
    default = getattr(parser.parse_args(["certify"]), dest)
    assert default != 7
    args = parser.parse_args(["certify", old, "7"])
    assert getattr(args, dest) == 7  # where the new spelling puts it
    assert capsys.readouterr().err == (
        f"skmnistnoise: warning: {old} is deprecated and will be removed in 0.4; "
        f"use {new}\n"
    )
    # Hidden from the help, the new spelling shown.
    assert main(["certify", "--help"]) == 0
    words = capsys.readouterr().out.replace("[", " ").replace("]", " ").split()
    assert new in words and old not in words


def test_options_are_spelled_as_the_python_parameters():
    # --n-images and --chunk-size, as NoisySamplesDisplay.from_data(n_images=)
    # and certify_study(chunk_size=); no command spells them otherwise.
    import inspect

    from skmnistnoise.experiment import certify_study
    from skmnistnoise.plotting import NoisySamplesDisplay

    assert "n_images" in inspect.signature(NoisySamplesDisplay.from_data).parameters
    assert "chunk_size" in inspect.signature(certify_study).parameters
    (subparsers,) = [
        a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
    ]
    shown = {
        command: {
            option
            for action in parser._actions
            if action.help != argparse.SUPPRESS
            for option in action.option_strings
        }
        for command, parser in subparsers.choices.items()
    }
    assert "--n-images" in shown["samples"] and "--n-images" in shown["certify"]
    assert "--chunk-size" in shown["certify"]
    assert not {"--images", "--chunk"} & set().union(*shown.values())
    # --seed and --scales as run_study(random_state=, scales=) and
    # robustness_matrix(random_state=); --seeds and --severities hidden.
    assert {"--seed", "--scales"} <= shown["sweep"]
    assert not {"--seeds", "--severities"} & (shown["sweep"] | shown["matrix"])


@pytest.mark.parametrize("option", ["--images", "--n-images"])
def test_too_many_certified_images_names_the_option_typed(tmp_path, option):
    status, stdout, stderr = _run(
        ["certify", option, "451", "--out", str(tmp_path / "o"), "--no-store"]
    )
    assert status == 2 and stdout == ""
    error = stderr.splitlines()[-1]
    assert error == (
        f"skmnistnoise: error: argument {option}: the digits test set has 450 "
        "images, got 451"
    )
    # One line, and one more for the deprecated spelling.
    assert len(stderr.splitlines()) == (2 if option == "--images" else 1)


@pytest.mark.parametrize("command", ["sweep", "matrix"])
def test_seed_takes_several_seeds_and_seeds_is_its_deprecated_spelling(capsys, command):
    parser = build_parser()
    assert parser.parse_args([command]).seed == [0]
    assert parser.parse_args([command, "--seed", "0", "1"]).seed == [0, 1]
    assert capsys.readouterr().err == ""
    assert parser.parse_args([command, "--seeds", "0", "1"]).seed == [0, 1]
    assert capsys.readouterr().err == (
        "skmnistnoise: warning: --seeds is deprecated and will be removed in 0.4; "
        "use --seed\n"
    )
    assert main([command, "--help"]) == 0
    words = capsys.readouterr().out.replace("[", " ").replace("]", " ").split()
    assert "--seed" in words and "--seeds" not in words and "--severities" not in words


def _called_with(monkeypatch, name, argv, tmp_path):
    """The keyword arguments a command passes to experiment.<name>."""
    import skmnistnoise.experiment

    calls = []

    def record(*args, **kwargs):
        calls.append(kwargs)
        raise KeyboardInterrupt  # the command stops there, as on Ctrl-C

    monkeypatch.setattr(skmnistnoise.experiment, name, record)
    status, _, stderr = _run([*argv, "--out", str(tmp_path), "--no-store"])
    assert status == 130, stderr
    (kwargs,) = calls
    return kwargs, stderr


def test_the_commands_pass_random_state_and_scales_as_the_library_names_them(
    monkeypatch, tmp_path
):
    kwargs, _ = _called_with(monkeypatch, "run_study", ["sweep"], tmp_path)
    assert kwargs["random_state"] == 0 and "seeds" not in kwargs
    kwargs, _ = _called_with(
        monkeypatch,
        "run_study",
        ["sweep", "--seed", "0", "1", "--scales", "severities"],
        tmp_path,
    )
    assert kwargs["random_state"] == [0, 1] and kwargs["scales"] == "severities"
    assert kwargs["severities"] is None
    kwargs, stderr = _called_with(
        monkeypatch, "run_study", ["sweep", "--severities", "1", "5"], tmp_path
    )
    assert kwargs["severities"] == [1, 5]  # the deprecated spelling still works
    deprecated = "--severities is deprecated and will be removed in 0.4"
    assert f"{deprecated}; use --scales severities" in stderr
    kwargs, _ = _called_with(
        monkeypatch, "robustness_matrix", ["matrix", "--seed", "2", "3"], tmp_path
    )
    assert kwargs["random_state"] == [2, 3] and "seeds" not in kwargs


def test_certify_trains_with_the_packages_recipes():
    from skmnistnoise.cli._certify import _smoother
    from skmnistnoise.cli._common import UsageError
    from skmnistnoise.experiment import recipe_params

    parser = build_parser()
    args = parser.parse_args(["certify", "--recipe", "consistency", "--epochs", "3"])
    clf = _smoother("mlp", args, 1000).estimator
    for name, value in recipe_params(
        "consistency", model="mlp", epochs=3, n_train=1000
    ).items():
        assert clf.get_params()[name] == value
    # --no-dropout is the recipe adam-no-dropout, written once in the package.
    args = parser.parse_args(["certify", "--no-dropout"])
    assert _smoother("convnet", args, 1000).estimator.dropout == (0.0, 0.0)
    args = parser.parse_args(["certify", "--no-dropout", "--recipe", "consistency"])
    with pytest.raises(UsageError, match="--no-dropout is the recipe adam-no-dropout"):
        _smoother("mlp", args, 1000)


def test_sweep_takes_mnist_c_corruptions_as_noises(monkeypatch, tmp_path):
    # --noise mnist-c is the fifteen corruptions, at scales 0 and 1 (clean and
    # MNIST-C's setting) unless --scales says otherwise; what reaches run_study
    # is checked, without training (the 8x8 digits are not 28x28).
    import skmnistnoise.experiment as experiment
    from skmnistnoise.cli._common import UsageError
    from skmnistnoise.corruptions import CORRUPTIONS

    seen = {}

    def fake_run_study(**kwargs):
        seen.update(kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(experiment, "run_study", fake_run_study)
    out = tmp_path / "o"
    assert main(["sweep", "--noise", "mnist-c", "--model", "mlp", "--no-store",
                 "--out", str(out)]) == 130  # fmt: skip
    assert seen["arms"] == [("mlp", c) for c in CORRUPTIONS]
    assert list(seen["scales"]) == [0.0, 1.0]
    with pytest.raises(UsageError, match="invalid choice: 'fog'"):
        build_parser().parse_args(["samples", "--noise", "fog"])  # not for samples
    assert main(["sweep", "--noise", "fog", "additive", "--out", str(out)]) == 2
