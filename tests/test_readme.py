"""The README's example runs and does what it says."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

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


def _block_after(heading, language):
    """The first ``language`` code block after the README's ``heading``."""
    text = README.read_text()
    section = text[text.index(heading) :]
    return re.search(rf"```{language}\n(.*?)```", section, flags=re.S).group(1)


def test_readme_grid_search_example_picks_a_noisy_training_scale():
    from skmnistnoise.datasets import load_digits

    block = _block_after("### Which training noise is best?", "python")
    namespace = {"digits": load_digits()}
    exec(
        compile(
            "from sklearn.pipeline import Pipeline\n"
            "from skmnistnoise import GaussianNoise\n" + block,
            str(README),
            "exec",
        ),
        namespace,
    )
    search = namespace["search"]
    # The search ranks training scales against the one fixed test noise: the
    # candidates differ, and the clean-trained model is not the winner, which
    # a search over a single noise step would always pick.
    scores = search.cv_results_["mean_test_score"]
    assert len(set(np.round(scores, 6))) == len(scores)
    assert search.best_params_["train_noise__scale"] > 0


@pytest.mark.slow
@pytest.mark.meta
@pytest.mark.timeout(1800)
def test_the_quick_start_runs_verbatim_in_a_fresh_clone(tmp_path):
    """Clone the committed tree and run the quick start's lines as written.

    The test command at its end runs with ``PYTEST_ADDOPTS=--collect-only`` in
    the environment (the line itself verbatim): it must find and import the
    whole suite in the clone, without running this suite a second time.
    """
    root = README.parent
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("needs a git checkout")
    script = _block_after("## Quick start", "bash")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(root), str(clone)],
        check=True,
    )
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV",)}
    # The interpreter that made this test's environment, not a venv's copy.
    env["PATH"] = os.pathsep.join(
        p
        for p in env.get("PATH", "").split(os.pathsep)
        if not (Path(p) / "activate").exists()
    )
    env["PYTEST_ADDOPTS"] = "--collect-only -q"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = clone / "results"
    assert (results / "report.md").is_file()
    rows = (results / "results.csv").read_text().strip().splitlines()
    assert len(rows) == 1 + 12  # header, two models at six scales
    collected = re.search(r"(\d+) tests? collected", done.stdout)
    assert collected and int(collected.group(1)) > 500, done.stdout[-2000:]
