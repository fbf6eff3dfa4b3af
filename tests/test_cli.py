"""The command line: what a sweep writes, re-runs that train nothing, errors."""

import contextlib
import csv
import io
import os
import subprocess
import sys
import urllib.error
import urllib.request

import matplotlib.image
import pytest

from skmnistnoise import __version__
from skmnistnoise.cli import main
from skmnistnoise.experiment import SweepResults

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


def _file(tmp_path):
    path = tmp_path / "a-file"
    path.write_text("not a folder")
    return path


BAD_ARGUMENTS = [
    ("unknown-model", ["sweep", "--model", "resnet"], "--model"),
    ("unknown-noise", ["sweep", "--noise", "additive", "gauss"], "--noise"),
    ("unknown-dataset", ["samples", "--dataset", "cifar"], "--dataset"),
    ("negative-scale", ["sweep", "--scales", "0", "-1"], "--scales"),
    ("nan-scale", ["sweep", "--scales", "nan"], "--scales"),
    ("epochs-0", ["sweep", "--epochs", "0"], "--epochs"),
    ("n-jobs-0", ["sweep", "--n-jobs", "0"], "--n-jobs"),
    ("out-under-a-file", ["sweep", "--out", "{file}/out"], "--out"),
    ("out-is-a-file", ["samples", "--out", "{file}"], "--out"),
    (
        "missing-data-home",
        ["sweep", "--dataset", "mnist", "--data-home", "{tmp}/no-such-folder"],
        "--data-home",
    ),
]


@pytest.mark.parametrize(
    "argv, argument", [p[1:] for p in BAD_ARGUMENTS], ids=[p[0] for p in BAD_ARGUMENTS]
)
def test_bad_argument_is_one_line_and_status_2(argv, argument, tmp_path, capsys):
    file = _file(tmp_path)
    argv = [a.format(file=file, tmp=tmp_path) for a in argv]
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"skmnistnoise: error: argument {argument}")
    assert "Traceback" not in captured.err and "usage:" not in captured.err
    assert captured.out == ""
    if argument == "--out":
        assert str(file) in lines[0]  # the path that cannot be written
    assert not (tmp_path / "store").exists()


def test_loader_error_during_the_run_is_one_line(tmp_path, monkeypatch, capsys):
    # An existing but empty data folder, offline: the loader's OSError.
    def offline(url, *args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    data_home = tmp_path / "data"
    data_home.mkdir()
    argv = ["samples", "--dataset", "mnist", "--data-home", str(data_home)]
    assert main([*argv, "--out", str(tmp_path / "out")]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("skmnistnoise: error: argument --dataset: ")
    assert "images-idx3-ubyte.gz" in lines[0]  # names the missing file


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


def test_python_m_skmnistnoise_help():
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [sys.executable, "-m", "skmnistnoise", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: skmnistnoise")
    assert "sweep" in done.stdout and "samples" in done.stdout
