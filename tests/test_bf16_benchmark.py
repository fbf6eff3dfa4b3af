"""benchmarks/bf16.py: float32 against bfloat16 in one run, on tiny data."""

import importlib
import json
import os
import re
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def bf16():
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(BENCHMARKS))
        yield importlib.import_module("bf16")


def test_the_script_uses_public_names_only():
    source = (BENCHMARKS / "bf16.py").read_text()
    assert not re.findall(r"skmnistnoise\._|from \._|sys\.path", source)


def test_t_interval(bf16):
    summary = bf16.t_interval([1.0, 2.0, 3.0])
    assert summary["mean"] == 2.0
    # t(0.975, 2 degrees of freedom) = 4.3027, the standard error 1 / sqrt(3).
    low, high = summary["ci"]
    assert high - 2.0 == pytest.approx(4.3027 / 3**0.5, rel=1e-4)
    assert 2.0 - low == pytest.approx(high - 2.0)
    assert bf16.t_interval([0.5]) == {"mean": 0.5, "ci": None}


def test_interleaving_alternates_the_precisions(bf16):
    calls = []
    values = bf16.best_of(2, lambda p: calls.append(p) or len(calls))
    assert calls == ["float32", "bfloat16", "float32", "bfloat16"]
    assert values == {"float32": [1, 3], "bfloat16": [2, 4]}


def test_a_tiny_run_writes_both_precisions_side_by_side(
    bf16, tmp_path, capsys, monkeypatch
):
    # main sets the variable where it is unset: restored after the test.
    onednn = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1")
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", onednn)
    out = tmp_path / "perf-bf16.json"
    argv = [
        *("--dataset", "digits", "--models", "mlp", "--n-train", "200"),
        *("--epochs", "1", "--seeds", "0", "1", "--repeats", "1"),
        *("--certify-images", "2", "--n0", "10", "--n", "40", "--batch-size", "64"),
        *("--out", str(out)),
    ]
    bf16.main(argv)
    record = json.loads(out.read_text())
    assert record["n_train"] == 200
    assert set(record["bf16_flags"]) <= set(record["cpu_flags"])
    epoch = record["epoch_seconds"]["mlp"]
    assert epoch["bf16_speedup"] == pytest.approx(epoch["float32"] / epoch["bfloat16"])
    certify = record["certify"]["mlp"]
    for precision in ("float32", "bfloat16"):
        rates = certify[precision]
        assert rates["noisy_images_per_s"] > 0
        assert rates["fraction_of_raw"] == pytest.approx(
            rates["noisy_images_per_s"] / rates["raw_rows_per_s"]
        )
    accuracy = record["accuracy"]["mlp"]
    for precision in ("float32", "bfloat16"):
        summary = accuracy[precision]
        assert len(summary["per_seed"]) == 2
        assert all(0.0 <= a <= 1.0 for a in summary["per_seed"])
        low, high = summary["ci"]
        assert low <= summary["mean"] <= high
    assert accuracy["bf16_minus_f32"]["mean"] == pytest.approx(
        accuracy["bfloat16"]["mean"] - accuracy["float32"]["mean"]
    )
    printed = capsys.readouterr().out
    assert printed.count("bf16_speedup") == 2 and record["cpu"] in printed


def test_parts_measure_only_what_is_asked(bf16, tmp_path, monkeypatch):
    onednn = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1")
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", onednn)
    out = tmp_path / "perf-certify.json"
    argv = [
        *("--dataset", "digits", "--models", "mlp", "--n-train", "200"),
        *("--parts", "certify", "--repeats", "1", "--certify-images", "2"),
        *("--n0", "10", "--n", "40", "--batch-size", "64", "--out", str(out)),
    ]
    record = bf16.main(argv)
    assert json.loads(out.read_text()) == record
    assert "certify" in record and "mlp" in record["certify"]
    assert "epoch_seconds" not in record and "accuracy" not in record
    with pytest.raises(SystemExit):
        bf16.parse_args(["--parts", "speed"])


def test_lenet_is_the_reference_network(bf16):
    from skmnistnoise.experiment import LENET

    clf = bf16._classifier("lenet", "bfloat16", epochs=1)
    assert {k: clf.get_params()[k] for k in LENET} == LENET
    assert clf.precision == "bfloat16"
    assert bf16._classifier("convnet", "float32").filters == (32, 64)
