"""Shared fixtures: small session-scoped data, the MNIST folder, no network."""

import os

# Before anything imports TensorFlow (skmnistnoise imports it through SciKeras).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The suite runs in two processes (pytest -n 2): on a GPU each takes the memory
# it needs, not all of it, so that both fit.
os.environ.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")

import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from skmnistnoise.datasets import ENV_DATA_HOME, load_digits  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
# From the project's root the shared data folder is ../shared/data/mnist.
DEFAULT_MNIST_HOME = REPO_ROOT.parent / "shared" / "data" / "mnist"
MNIST_PROBE = "train-images-idx3-ubyte.gz"


@pytest.fixture(scope="session")
def digits():
    """The embedded 8x8 digits (1,797 x 64, float32 in [0, 1]) with their holdout."""
    return load_digits()


@pytest.fixture(scope="session")
def random_X():
    """A small float32 array of values in [0, 1), shape (60, 12)."""
    return np.random.default_rng(0).random((60, 12), dtype=np.float32)


@pytest.fixture(scope="session")
def idx_bytes():
    """Encode an array of bytes (0-255) in MNIST's IDX format (not gzip'ed)."""

    def encode(array):
        array = np.asarray(array)
        header = bytes([0, 0, 8, array.ndim]) + b"".join(
            int(d).to_bytes(4, "big") for d in array.shape
        )
        return header + array.astype(np.uint8).tobytes()

    return encode


@pytest.fixture(scope="session")
def mnist_home():
    """Folder with the four original MNIST .gz files.

    ``$SKMNISTNOISE_DATA`` if set, else ``../shared/data/mnist`` from the repo
    root. Without the files the MNIST tests skip on a laptop but fail on CI
    (``$CI`` set): CI must run them.
    """
    folder = Path(os.environ.get(ENV_DATA_HOME) or DEFAULT_MNIST_HOME)
    if not (folder / MNIST_PROBE).is_file():
        message = (
            f"MNIST files not found: {folder / MNIST_PROBE} does not exist. "
            f"Set {ENV_DATA_HOME} to a folder holding the four original .gz files."
        )
        if os.environ.get("CI"):
            pytest.fail(message + " CI must run the MNIST tests.")
        pytest.skip(message)
    return folder


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch):
    """The suite downloads nothing: only 127.0.0.1 may be opened by urllib."""
    real_urlopen = urllib.request.urlopen

    def local_only(url, *args, **kwargs):
        full_url = url if isinstance(url, str) else url.full_url
        host = urllib.parse.urlsplit(full_url).hostname
        if host not in ("127.0.0.1", "localhost"):
            raise AssertionError(f"a test tried to download {full_url}")
        return real_urlopen(url, *args, **kwargs)

    monkeypatch.setattr(urllib.request, "urlopen", local_only)
    # A proxy from the environment must not intercept the local test servers.
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


# Whole files of one kind; single slow tests carry ``@pytest.mark.slow`` where
# they are defined. ``-m "not slow and not meta"`` is the library's own suite.
_META_FILES = {
    "test_benchmarks.py",
    "test_docs.py",
    "test_docs_site.py",
    "test_packaging.py",
    "test_readme.py",
}
_SLOW_FILES = {"test_cluster.py"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        name = item.path.name
        if name in _META_FILES:
            item.add_marker(pytest.mark.meta)
        if name in _SLOW_FILES:
            item.add_marker(pytest.mark.slow)
