"""The README's example runs and does what it says."""

import re
from pathlib import Path

import numpy as np

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_pipeline_example_runs(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "README has no python example"
    namespace = {}
    exec(compile(blocks[0], str(README), "exec"), namespace)
    test = namespace["test"]
    assert test.shape == (6, 1)
    accuracy = test.ravel()
    # Clean accuracy is high and the noisiest scale is far worse: the example
    # shows the degradation it promises.
    assert accuracy[0] > 0.85
    assert accuracy[-1] < accuracy[0] - 0.3
    assert np.isfinite(accuracy).all()
    assert capsys.readouterr().out.strip().startswith("[")


def test_readme_any_classifier_example_runs_and_reports(tmp_path, monkeypatch):
    from sklearn.pipeline import Pipeline

    from skmnistnoise import GaussianNoise
    from skmnistnoise.cli import main
    from skmnistnoise.datasets import load_digits

    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    (block,) = [b for b in blocks if "LogisticRegression" in b]
    monkeypatch.chdir(tmp_path)
    namespace = {
        "Pipeline": Pipeline,
        "GaussianNoise": GaussianNoise,
        "digits": load_digits(),
    }
    exec(compile(block, str(README), "exec"), namespace)
    results = namespace["results"]
    assert len(results) == 4 * 3  # four scales, three seeds
    assert {"test_f1_macro", "test_accuracy", "test_loss"} <= set(results.rows[0])
    clean, *_, noisiest = results.aggregate("test_accuracy")
    assert clean["seeds"] == 3 and clean["mean"] > noisiest["mean"] + 0.2
    assert main(["report", str(tmp_path)]) == 0
    assert (
        "| LogisticRegression | additive | 1 |" in (tmp_path / "report.md").read_text()
    )
