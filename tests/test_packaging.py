"""What installing the package promises: declared imports, extras, quiet TensorFlow."""

import ast
import configparser
import importlib.metadata
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from skmnistnoise import GaussianNoise, GlobalStandardScaler, ImpulseNoise, ShotNoise
from skmnistnoise._optional import import_optional, import_pandas

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGE = REPO_ROOT / "skmnistnoise"


def _requirement_names(lines):
    """Distribution names of requirement lines, ``dask[distributed]`` giving both."""
    names = set()
    for line in lines.strip().splitlines():
        match = re.match(r"\s*([A-Za-z0-9_.-]+)(?:\[([^\]]*)\])?", line)
        name = match.group(1).lower().replace("_", "-")
        names.add(name)
        if name == "dask" and match.group(2):
            names.update(e.strip() for e in match.group(2).split(","))
    return names


@pytest.fixture(scope="module")
def setup_cfg():
    config = configparser.ConfigParser()
    config.read(REPO_ROOT / "setup.cfg")
    return config


def _loaded_on_import():
    """The package's modules that importing it, its public modules and its
    public names (loaded lazily) loads."""
    code = (
        "import sys, skmnistnoise\n"
        "for name in ('experiment', 'plotting', 'report', 'cli', 'datasets',"
        " 'metrics', 'corruptions', 'references', 'cluster'):\n"
        "    __import__('skmnistnoise.' + name)\n"
        "for name in skmnistnoise.__all__:\n"
        "    getattr(skmnistnoise, name)\n"
        "print(*sorted(m for m in sys.modules if m.startswith('skmnistnoise')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


def _third_party_imports():
    """``{top-level module: at import time?}`` for every import in the package.

    A private module the package loads only inside a function (the skorch
    per-epoch callback) counts as imported inside a function.
    """
    found = {}
    loaded = _loaded_on_import()
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text())
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        at_import = {id(node) for node in tree.body} if name in loaded else set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.partition(".")[0]
                if top in sys.stdlib_module_names or top == "skmnistnoise":
                    continue
                found[top] = found.get(top, False) or id(node) in at_import
    return found


def test_every_import_of_the_package_is_declared(setup_cfg):
    # scipy was imported by _averaging.py and _classifiers.py and declared
    # nowhere; a module imported when the package's modules are imported must
    # be a dependency, one imported inside a function may be an extra's.
    required = _requirement_names(setup_cfg["options"]["install_requires"])
    extras = set()
    for lines in setup_cfg["options.extras_require"].values():
        extras |= _requirement_names(lines)
    distributions = importlib.metadata.packages_distributions()
    imports = _third_party_imports()
    assert {"numpy", "scipy", "sklearn", "keras", "scikeras"} <= set(imports)
    for module, at_import in imports.items():
        names = {module} | {
            d.lower().replace("_", "-") for d in distributions.get(module, [])
        }
        if at_import:
            assert names & required, f"{module} is imported but not in install_requires"
        else:
            assert names & (required | extras), f"{module} is declared nowhere"


def test_tensorflow_is_the_build_that_can_use_a_gpu(setup_cfg):
    required = _requirement_names(setup_cfg["options"]["install_requires"])
    assert "tensorflow" in required
    assert "tensorflow-cpu" not in required
    extras = setup_cfg["options.extras_require"]
    assert "tensorflow[and-cuda]" in extras["and-cuda"]
    assert "pandas" in _requirement_names(extras["pandas"])


def test_docs_extra_has_what_the_api_reference_imports(setup_cfg):
    # autosummary imports skmnistnoise.cluster, which imports distributed.
    docs = _requirement_names(setup_cfg["options.extras_require"]["docs"])
    assert {"sphinx", "numpydoc", "sphinx-gallery", "distributed", "pandas"} <= docs


class _NoPandas:
    """A meta-path finder for which pandas is not installed."""

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "pandas":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


@pytest.fixture
def no_pandas(monkeypatch):
    """Make ``import pandas`` fail as it does where pandas is not installed.

    pandas leaves ``sys.modules`` (scikit-learn looks there for DataFrames)
    and a finder refuses to import it again.
    """
    for name in [m for m in sys.modules if m.partition(".")[0] == "pandas"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [_NoPandas(), *sys.meta_path])


def test_import_pandas_without_pandas_names_the_feature_and_the_extra(no_pandas):
    with pytest.raises(ImportError) as info:
        import_pandas("SweepResults.to_frame()")
    message = str(info.value)
    assert message.startswith("SweepResults.to_frame() needs pandas")
    assert "pip install -e '.[pandas]'" in message
    assert info.value.name == "pandas"


def test_import_optional_without_an_extra_names_the_package():
    with pytest.raises(ImportError, match=r"pip install no_such_module_xyz$"):
        import_optional("no_such_module_xyz.sub", "The thing")


def test_import_pandas_gives_pandas():
    pd = pytest.importorskip("pandas")
    assert import_pandas("anything") is pd


@pytest.mark.parametrize(
    "transformer",
    [GaussianNoise(), ImpulseNoise(), ShotNoise(), GlobalStandardScaler()],
)
def test_set_output_pandas_without_pandas_names_the_extra(transformer, no_pandas):
    name = type(transformer).__name__
    with pytest.raises(ImportError) as info:
        transformer.set_output(transform="pandas")
    message = str(info.value)
    assert message.startswith(f"{name}.set_output(transform='pandas') needs pandas")
    assert ".[pandas]" in message
    # Arrays need no pandas.
    X = np.full((4, 3), 0.5, dtype=np.float32)
    out = transformer.set_output(transform="default").fit_transform(X)
    assert isinstance(out, np.ndarray)


_QUIET_SCRIPT = textwrap.dedent(
    """
    import logging, os, warnings
    import numpy as np
    from skmnistnoise import MLPClassifier
    from skmnistnoise.datasets import load_digits

    digits = load_digits()
    X, y = digits.data[:400], digits.target[:400]
    for seed in range(4):  # a small sweep: a fresh model per fit
        clf = MLPClassifier(hidden_layer_sizes=(8,), epochs=1, random_state=seed)
        clf.fit(X[:300], y[:300])
        clf.score(X[300:], y[300:])
        clf.score(X[:300], y[:300])
    warnings.warn("the user's own warning")
    logging.getLogger("tensorflow").warning("the user's own TF log line")

    import tensorflow as tf

    @tf.function
    def square(x):
        return x * x

    for n in range(1, 8):  # the user's own retracing still warns
        square(tf.zeros(n))
    print("level", os.environ["TF_CPP_MIN_LOG_LEVEL"])
    """
)


def test_tensorflow_is_quiet_by_default_but_not_for_the_users_own_messages():
    # TensorFlow's defaults: no log level, and no oneDNN switch (whose "oneDNN
    # custom operations are on" line TensorFlow prints before its logging starts).
    unset = ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    run = subprocess.run(
        [sys.executable, "-c", _QUIET_SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert "level 3" in run.stdout
    # TensorFlow's C++ lines ("E0000 ... use_unbounded_threadpool", I0000
    # cpu_feature_guard) and the retracing warning about Keras's functions.
    # Left: the CUDA build's "Could not find cuda drivers on your machine, GPU
    # will not be used." on a machine without a GPU, which TensorFlow prints
    # before its logging starts, whatever TF_CPP_MIN_LOG_LEVEL says.
    # TensorFlow 2.18's CUDA build also prints, as early, "Unable to register
    # cuDNN/cuFFT/cuBLAS factory" lines (fixed in later TensorFlow). On a CPU
    # with AVX-512 (and no TF_ENABLE_ONEDNN_OPTS set), TensorFlow turns oneDNN
    # on and says so, as early: "oneDNN custom operations are on" (seen on an
    # AMD EPYC with AVX-512; not printed on the AVX2 ones).
    early = (
        "Could not find cuda drivers",
        "oneDNN custom operations are on",
        "before absl::InitializeLog() is called",
        "Unable to register cu",
    )
    err = "\n".join(
        line for line in run.stderr.splitlines() if not any(e in line for e in early)
    )
    assert not re.search(r"^[IWE]0000 ", err, flags=re.MULTILINE), err
    assert "use_unbounded_threadpool" not in err, err
    assert "make_predict_function" not in err, err
    assert "make_train_function" not in err, err
    # What the user writes still shows, their own retracing included.
    assert "the user's own warning" in err
    assert "the user's own TF log line" in err
    assert "square" in err and "triggered tf.function retracing" in err, err


def test_a_log_level_the_user_chose_is_kept():
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "1"}
    code = "import os, skmnistnoise; print(os.environ['TF_CPP_MIN_LOG_LEVEL'])"
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env
    )
    assert run.stdout.strip() == "1", run.stderr


@pytest.mark.parametrize("name", ["certified_accuracy", "average_certified_radius"])
def test_names_moved_to_their_one_home_warn_and_still_work(name):
    import skmnistnoise
    import skmnistnoise.metrics

    with pytest.warns(FutureWarning, match=f"use skmnistnoise.metrics.{name}"):
        moved = getattr(skmnistnoise, name)
    assert moved is getattr(skmnistnoise.metrics, name)
    assert name not in skmnistnoise.__all__
