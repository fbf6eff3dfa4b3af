"""Loaders: MNIST from its folder, checksums, offline errors, downloads, digits."""

import dataclasses
import functools
import gzip
import hashlib
import http.server
import os
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skmnistnoise import datasets
from skmnistnoise.datasets import (
    ENV_DATA_HOME,
    fetch_fashion_mnist,
    fetch_mnist,
    get_data_home,
    load_dataset,
    load_digits,
    load_idx,
)

# Label counts of the original files (../shared/data/mnist/README.md).
MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")


# -- MNIST from the data folder ------------------------------------------------------


@pytest.fixture(scope="module")
def mnist_all(mnist_home):
    return fetch_mnist(mnist_home, subset="all", download_if_missing=False)


def test_mnist_train_set(mnist_home):
    train = fetch_mnist(mnist_home, subset="train", download_if_missing=False)
    assert train.data.shape == (60_000, 784)
    assert train.data.dtype == np.float32
    assert train.data.min() == 0 and train.data.max() == 1
    assert train.target.dtype == np.int64
    assert np.bincount(train.target).tolist() == MNIST_TRAIN_COUNTS
    assert list(train.target_names) == [str(d) for d in range(10)]


def test_mnist_test_set(mnist_home):
    X, y = fetch_mnist(
        mnist_home, subset="test", download_if_missing=False, return_X_y=True
    )
    assert X.shape == (10_000, 784) and X.dtype == np.float32
    assert 0 <= X.min() and X.max() <= 1
    assert np.bincount(y).tolist() == MNIST_TEST_COUNTS


def test_mnist_all_comes_with_the_official_split(mnist_all):
    assert mnist_all.data.shape == (70_000, 784)
    splits = list(mnist_all.cv.split(mnist_all.data, mnist_all.target))
    assert len(splits) == 1
    train, test = splits[0]
    assert_array_equal(train, np.arange(60_000))
    assert_array_equal(test, np.arange(60_000, 70_000))
    assert np.bincount(mnist_all.target[test]).tolist() == MNIST_TEST_COUNTS


def test_mnist_images_are_a_view_of_the_rows(mnist_all):
    images = mnist_all.images
    assert images.shape == (70_000, 28, 28)
    assert np.shares_memory(images, mnist_all.data)
    assert_array_equal(images[123].ravel(), mnist_all.data[123])


def test_mnist_return_X_y_gives_the_arrays_of_the_subset(mnist_home, mnist_all):
    X, y = fetch_mnist(
        mnist_home, subset="test", download_if_missing=False, return_X_y=True
    )
    assert_array_equal(X, mnist_all.data[60_000:])
    assert_array_equal(y, mnist_all.target[60_000:])


def test_the_data_folder_environment_variable_is_honoured(mnist_home, monkeypatch):
    monkeypatch.setenv(ENV_DATA_HOME, str(mnist_home))
    assert get_data_home() == mnist_home
    test = fetch_mnist(subset="test", download_if_missing=False)
    assert test.data.shape == (10_000, 784)
    assert all(Path(f).parent == mnist_home for f in test.filenames.values())
    assert load_dataset("mnist", subset="test", download_if_missing=False).name == (
        "mnist"
    )


# -- offline errors and damaged files -----------------------------------------------


def test_missing_files_offline_name_the_files_and_the_folder(tmp_path):
    with pytest.raises(FileNotFoundError) as excinfo:
        fetch_mnist(tmp_path, subset="all", download_if_missing=False)
    message = str(excinfo.value)
    for remote in datasets._MNIST.files.values():
        assert remote.name in message
    assert str(tmp_path) in message
    assert ENV_DATA_HOME in message  # says how to provide them


def test_a_subset_needs_only_its_own_files(tmp_path, mnist_home):
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copy(mnist_home / name, tmp_path / name)
    test = fetch_mnist(tmp_path, subset="test", download_if_missing=False)
    assert test.data.shape == (10000, 784)
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte.gz"):
        fetch_mnist(tmp_path, subset="train", download_if_missing=False)


def test_a_truncated_file_is_refused_and_never_used(tmp_path, mnist_home, monkeypatch):
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copy(mnist_home / name, tmp_path / name)
    truncated = tmp_path / "t10k-images-idx3-ubyte.gz"
    with open(truncated, "r+b") as f:
        f.truncate(truncated.stat().st_size // 2)
    with pytest.raises(OSError, match="truncated") as excinfo:
        fetch_mnist(tmp_path, subset="test", download_if_missing=False)
    assert str(truncated) in str(excinfo.value)
    # With downloads allowed the genuine file is fetched next to it and used.
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    for remote in datasets._MNIST.files.values():
        os.symlink(mnist_home / remote.name, mirror / remote.name)
    with _serve(mirror) as server:
        _use_mirrors(monkeypatch, datasets._MNIST, [server.url])
        test = fetch_mnist(tmp_path, subset="test")
    assert truncated.stat().st_size < datasets._MNIST.files["test_images"].size
    assert str(truncated) not in test.filenames.values()
    assert test.data.shape == (10_000, 784)
    assert np.bincount(test.target).tolist() == MNIST_TEST_COUNTS


def test_a_corrupt_file_of_the_right_size_is_refused(
    tmp_path, tiny_dataset, monkeypatch
):
    dataset, _, served = tiny_dataset
    _use_mirrors(monkeypatch, dataset, [])
    for remote in dataset.files.values():
        shutil.copy(served / "good" / remote.name, tmp_path / remote.name)
    damaged = tmp_path / dataset.files["test_images"].name
    corrupt = bytearray(damaged.read_bytes())
    corrupt[-10] ^= 0xFF  # inside the deflate stream: a zlib error when read
    damaged.write_bytes(bytes(corrupt))
    with pytest.raises(OSError, match="corrupt") as excinfo:
        fetch_mnist(tmp_path, subset="test", download_if_missing=False)
    assert str(damaged) in str(excinfo.value)
    labels = tmp_path / dataset.files["test_labels"].name
    with pytest.raises(OSError, match="not a readable IDX file"):
        load_idx(damaged, labels)


# -- downloads, from a local server ---------------------------------------------------


@pytest.fixture
def tiny_dataset(tmp_path, idx_bytes):
    """Four small MNIST-format files (6 train, 4 test images) and their checksums."""
    rng = np.random.default_rng(0)
    arrays = {
        "train_images": rng.integers(0, 256, (6, 28, 28)),
        "train_labels": np.array([0, 1, 2, 0, 1, 2]),
        "test_images": rng.integers(0, 256, (4, 28, 28)),
        "test_labels": np.array([2, 1, 0, 2]),
    }
    good = tmp_path / "served" / "good"
    good.mkdir(parents=True)
    files = {}
    for role, name in [
        ("train_images", "train-images-idx3-ubyte.gz"),
        ("train_labels", "train-labels-idx1-ubyte.gz"),
        ("test_images", "t10k-images-idx3-ubyte.gz"),
        ("test_labels", "t10k-labels-idx1-ubyte.gz"),
    ]:
        raw = idx_bytes(arrays[role])
        packed = gzip.compress(raw, mtime=0)
        (good / name).write_bytes(packed)
        files[role] = datasets._RemoteFile(
            name,
            len(packed),
            hashlib.sha256(packed).hexdigest(),
            hashlib.sha256(raw).hexdigest(),
        )
    dataset = dataclasses.replace(datasets._MNIST, files=files)
    return dataset, arrays, tmp_path / "served"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    requested = None  # set per server: the paths asked for

    def do_GET(self):
        self.requested.append(self.path)
        if self.path.startswith("/dropped/"):
            self._drop_halfway(self.path.replace("/dropped/", "good/", 1))
        else:
            super().do_GET()

    def _drop_halfway(self, path):
        """Announce the whole file, send half of it, hang up: a dropped download."""
        body = (Path(self.directory) / path).read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        self.close_connection = True

    def log_message(self, *args):
        pass


class _serve:
    """Serve a folder on 127.0.0.1 in a thread: ``with _serve(root) as server``.

    ``server.url`` is the root's URL, ``server.requested`` the paths asked for.
    """

    def __init__(self, root):
        self.requested = []
        handler = type("Handler", (_Quiet,), {"requested": self.requested})
        self.server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(root))
        )
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def _use_mirrors(monkeypatch, dataset, mirrors):
    patched = dataclasses.replace(dataset, mirrors=tuple(mirrors))
    monkeypatch.setattr(datasets, "_MNIST", patched)
    monkeypatch.setitem(datasets._REMOTE, "mnist", patched)
    return patched


def _part_files(folder):
    return [p for p in Path(folder).rglob("*") if p.name.endswith(".part")]


def test_missing_files_are_downloaded_and_checksummed(
    tiny_dataset, tmp_path, monkeypatch
):
    dataset, arrays, served = tiny_dataset
    home = tmp_path / "home"
    with _serve(served) as server:
        _use_mirrors(monkeypatch, dataset, [server.url + "good/"])
        bunch = load_dataset("mnist", data_home=home, subset="all")
    for remote in dataset.files.values():
        path = home / "mnist" / remote.name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == remote.sha256
    assert _part_files(home) == []
    assert bunch.data.shape == (10, 784)
    assert_array_equal(bunch.images[:6] * 255, arrays["train_images"])
    labels = np.r_[arrays["train_labels"], arrays["test_labels"]]
    assert_array_equal(bunch.target, labels)
    # Once downloaded, the files are used offline.
    again = fetch_mnist(home, subset="test", download_if_missing=False)
    assert_array_equal(again.target, arrays["test_labels"])


def test_a_mirror_serving_a_corrupt_file_is_skipped(
    tiny_dataset, tmp_path, monkeypatch
):
    dataset, arrays, served = tiny_dataset
    bad = served / "bad"
    bad.mkdir()
    for remote in dataset.files.values():
        corrupt = bytearray((served / "good" / remote.name).read_bytes())
        corrupt[-10] ^= 0xFF  # same size, other content
        (bad / remote.name).write_bytes(bytes(corrupt))
    home = tmp_path / "home"
    with _serve(served) as server:
        _use_mirrors(monkeypatch, dataset, [server.url + "bad/", server.url + "good/"])
        test = fetch_mnist(home, subset="all")
    assert_array_equal(
        test.target[-len(arrays["test_labels"]) :], arrays["test_labels"]
    )
    for remote in dataset.files.values():
        path = home / "mnist" / remote.name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == remote.sha256
        # The bad mirror was tried first, then the next one.
        assert server.requested.index(f"/bad/{remote.name}") < (
            server.requested.index(f"/good/{remote.name}")
        )
    assert _part_files(home) == []


def test_all_mirrors_failing_lists_the_urls_and_leaves_no_file(
    tiny_dataset, tmp_path, monkeypatch
):
    dataset, _, served = tiny_dataset
    bad = served / "bad"
    bad.mkdir()
    name = dataset.files["test_images"].name
    (bad / name).write_bytes(b"not a gzip file")
    home = tmp_path / "home"
    with _serve(served) as server:
        mirrors = [server.url + "missing/", server.url + "bad/"]
        _use_mirrors(monkeypatch, dataset, mirrors)
        with pytest.raises(OSError) as excinfo:
            fetch_mnist(home, subset="test")
    message = str(excinfo.value)
    assert not isinstance(excinfo.value, FileNotFoundError)
    for mirror in mirrors:
        assert mirror + name in message
    assert not (home / "mnist" / name).exists()
    assert _part_files(home) == []


def test_a_download_cut_halfway_is_never_kept(tiny_dataset, tmp_path, monkeypatch):
    dataset, arrays, served = tiny_dataset
    home = tmp_path / "home"
    with _serve(served) as server:
        _use_mirrors(monkeypatch, dataset, [server.url + "dropped/"])
        with pytest.raises(OSError, match=r"\(truncated\)"):
            fetch_mnist(home, subset="test")
        assert not home.exists()  # no file, no temporary, no folder left
        _use_mirrors(
            monkeypatch, dataset, [server.url + "dropped/", server.url + "good/"]
        )
        test = fetch_mnist(home, subset="test")
    assert_array_equal(test.target, arrays["test_labels"])
    name = dataset.files["test_images"].name  # tried first, on both calls
    assert server.requested.count(f"/dropped/{name}") == 2
    assert _part_files(home) == []


def test_a_part_file_of_a_killed_download_is_never_used(
    tiny_dataset, tmp_path, monkeypatch
):
    dataset, arrays, served = tiny_dataset
    own = tmp_path / "mnist"
    own.mkdir()
    parts = {}
    for age, role in [(7200, "test_images"), (0, "test_labels")]:
        name = dataset.files[role].name
        # Complete content even: only a renamed file counts as downloaded.
        parts[age] = own / f".{name}.k1lled.part"
        parts[age].write_bytes((served / "good" / name).read_bytes())
        os.utime(parts[age], (time.time() - age, time.time() - age))
    _use_mirrors(monkeypatch, dataset, [])
    with pytest.raises(FileNotFoundError, match=dataset.files["test_images"].name):
        fetch_mnist(tmp_path, subset="test", download_if_missing=False)
    with _serve(served) as server:
        _use_mirrors(monkeypatch, dataset, [server.url + "good/"])
        test = fetch_mnist(tmp_path, subset="test")
    assert_array_equal(test.target, arrays["test_labels"])
    # A download cleans up the temporaries of downloads killed an hour ago; a
    # recent one may belong to a download still running in another process.
    assert _part_files(own) == [parts[0]]


# -- IDX files (bad ones: tests/test_bad_input.py) ---------------------------------


def test_load_idx_scales_pixels_to_the_unit_interval(tmp_path, idx_bytes):
    images, labels = tmp_path / "images", tmp_path / "labels"  # not gzip'ed
    images.write_bytes(idx_bytes([[[0, 51], [255, 102]]]))
    labels.write_bytes(idx_bytes([7]))
    X, y = load_idx(images, labels)
    assert X.dtype == np.float32
    assert_array_equal(X, np.array([[0, 0.2, 1, 0.4]], dtype=np.float32))
    assert_array_equal(y, [7])


# -- Fashion-MNIST from Debian's package --------------------------------------------


@pytest.mark.skipif(
    not FASHION_DIR.is_dir(), reason=f"{FASHION_DIR} (dataset-fashion-mnist) absent"
)
def test_fashion_mnist_from_debians_recompressed_files(tmp_path):
    test = fetch_fashion_mnist(tmp_path, download_if_missing=False, subset="test")
    assert test.data.shape == (10_000, 784) and test.data.dtype == np.float32
    assert np.bincount(test.target).tolist() == [1000] * 10
    assert test.target_names[0] == "T-shirt/top"
    images = Path(test.filenames["test_images"])
    assert images.parent == FASHION_DIR
    # Debian's gzip bytes are not the published ones: verified by content.
    remote = datasets._FASHION_MNIST.files["test_images"]
    assert hashlib.sha256(images.read_bytes()).hexdigest() != remote.sha256


# -- the embedded digits ---------------------------------------------------------------


def test_digits_are_float32_pixels_in_the_unit_interval(digits):
    assert digits.data.shape == (1797, 64)
    assert digits.data.dtype == np.float32
    assert digits.data.min() == 0 and digits.data.max() == 1
    assert digits.images.shape == (1797, 8, 8)
    assert set(np.unique(digits.target)) == set(range(10))


def test_digits_holdout_is_450_stratified_images(digits):
    ((train, test),) = digits.cv.split(digits.data, digits.target)
    assert len(test) == 450 and len(train) == 1797 - 450
    assert not set(train) & set(test)
    expected = np.bincount(digits.target) * 450 / 1797
    assert np.all(np.abs(np.bincount(digits.target[test]) - expected) <= 1)


@pytest.mark.parametrize("subset, part", [("train", 0), ("test", 1)])
def test_digits_subsets_agree_with_the_holdout_split(digits, subset, part):
    indices = next(digits.cv.split(digits.data, digits.target))[part]
    X, y = load_digits(subset=subset, return_X_y=True)
    assert_array_equal(X, digits.data[indices])
    assert_array_equal(y, digits.target[indices])


def test_digits_are_the_same_on_every_call(digits):
    again = load_digits()
    assert_array_equal(again.data, digits.data)
    assert_array_equal(again.cv.test_fold, digits.cv.test_fold)


def test_a_truncated_file_is_refused_in_one_line_naming_it_and_its_sizes(
    mnist_home, tmp_path
):
    import shutil

    for name in os.listdir(mnist_home):
        if name.endswith(".gz"):
            shutil.copy(os.path.join(mnist_home, name), tmp_path)
    labels = tmp_path / "t10k-labels-idx1-ubyte.gz"
    labels.write_bytes(labels.read_bytes()[:1000])
    with pytest.raises(OSError) as caught:
        fetch_mnist(tmp_path, subset="test", download_if_missing=False)
    message = str(caught.value)
    assert "\n" not in message and len(message) < 300, message
    assert f"{labels}: 1,000 bytes where the published file has 4,542" in message
