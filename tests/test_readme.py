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
