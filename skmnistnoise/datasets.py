"""Loaders for MNIST, Fashion-MNIST and the embedded 8x8 digits.

MNIST and Fashion-MNIST are read from the four original IDX ``.gz`` files in a
data folder: the ``data_home`` argument, else the ``SKMNISTNOISE_DATA``
environment variable, else ``<scikit-learn data home>/skmnistnoise``. Every
file is checked against its published SHA-256 before use. Missing files are
downloaded, from several mirrors in turn, to a temporary name that is renamed
only once its checksum is right, so an interrupted download never leaves a
file that a later run takes for complete.

Every loader can also return the official train/test split as a scikit-learn
splitter (``bunch.cv``), so that ``validation_curve``'s validation score is the
notebooks' test accuracy.
"""

import gzip
import hashlib
import math
import os
import shutil
import tempfile
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.datasets import get_data_home as _sklearn_data_home
from sklearn.datasets import load_digits as _sklearn_load_digits
from sklearn.model_selection import PredefinedSplit, train_test_split
from sklearn.utils import Bunch
from sklearn.utils._param_validation import StrOptions, validate_params

from ._files import atomic_write, remove_stale_temporaries

__all__ = [
    "DATASETS",
    "fetch_fashion_mnist",
    "fetch_mnist",
    "get_data_home",
    "load_dataset",
    "load_digits",
    "load_idx",
    "official_split",
]

ENV_DATA_HOME = "SKMNISTNOISE_DATA"
#: The names :func:`load_dataset` knows.
DATASETS = ("digits", "mnist", "fashion-mnist")
_DOWNLOAD_TIMEOUT = 60


@dataclass(frozen=True)
class _RemoteFile:
    name: str
    size: int
    sha256: str  # of the .gz file as published
    raw_sha256: str  # of its decompressed content (for re-compressed copies)


@dataclass(frozen=True)
class _RemoteDataset:
    key: str
    title: str
    mirrors: tuple
    files: dict  # role -> _RemoteFile
    extra_dirs: tuple
    target_names: tuple
    descr: str


_MNIST = _RemoteDataset(
    key="mnist",
    title="MNIST",
    mirrors=(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ),
    files={
        "train_images": _RemoteFile(
            "train-images-idx3-ubyte.gz",
            9912422,
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        ),
        "train_labels": _RemoteFile(
            "train-labels-idx1-ubyte.gz",
            28881,
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        ),
        "test_images": _RemoteFile(
            "t10k-images-idx3-ubyte.gz",
            1648877,
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        ),
        "test_labels": _RemoteFile(
            "t10k-labels-idx1-ubyte.gz",
            4542,
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        ),
    },
    extra_dirs=(),
    target_names=tuple(str(d) for d in range(10)),
    descr=(
        "MNIST handwritten digits (Y. LeCun, C. Cortes, C. J. C. Burges), "
        "28x28 grey levels scaled to [0, 1], 60,000 training and 10,000 test "
        "images, 10 classes. License: CC BY-SA 3.0."
    ),
)

_FASHION_MNIST = _RemoteDataset(
    key="fashion-mnist",
    title="Fashion-MNIST",
    mirrors=(
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    ),
    files={
        "train_images": _RemoteFile(
            "train-images-idx3-ubyte.gz",
            26421880,
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        ),
        "train_labels": _RemoteFile(
            "train-labels-idx1-ubyte.gz",
            29515,
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        ),
        "test_images": _RemoteFile(
            "t10k-images-idx3-ubyte.gz",
            4422102,
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        ),
        "test_labels": _RemoteFile(
            "t10k-labels-idx1-ubyte.gz",
            5148,
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        ),
    },
    # Debian's package dataset-fashion-mnist; its gzip bytes differ from the
    # official ones, so its files are verified by their decompressed content.
    extra_dirs=("/usr/share/datasets/fashion-mnist",),
    target_names=(
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ),
    descr=(
        "Fashion-MNIST (Zalando Research), 28x28 grey images of clothing scaled "
        "to [0, 1], 60,000 training and 10,000 test images, 10 classes. "
        "License: MIT."
    ),
)

_REMOTE = {d.key: d for d in (_MNIST, _FASHION_MNIST)}


def get_data_home(data_home=None):
    """Return the folder the loaders read from and download to.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The folder. None means the ``SKMNISTNOISE_DATA`` environment variable,
        else ``skmnistnoise`` inside scikit-learn's data home.

    Returns
    -------
    path : pathlib.Path
        The folder (not created).

    Examples
    --------
    >>> from skmnistnoise.datasets import get_data_home
    >>> str(get_data_home("/tmp/mnist-files"))
    '/tmp/mnist-files'
    """
    if data_home is None:
        data_home = os.environ.get(ENV_DATA_HOME) or (
            Path(_sklearn_data_home()) / "skmnistnoise"
        )
    return Path(data_home).expanduser()


def official_split(n_train, n_test):
    """The fixed train/test split as a scikit-learn cross-validation splitter.

    Parameters
    ----------
    n_train : int
        Number of leading training samples.
    n_test : int
        Number of trailing test samples.

    Returns
    -------
    cv : sklearn.model_selection.PredefinedSplit
        One split: the first ``n_train`` samples train, the last ``n_test`` test.

    Examples
    --------
    >>> from skmnistnoise.datasets import official_split
    >>> cv = official_split(3, 2)
    >>> [(tr.tolist(), te.tolist()) for tr, te in cv.split()]
    [([0, 1, 2], [3, 4])]
    """
    return PredefinedSplit(np.r_[np.full(n_train, -1), np.zeros(n_test, int)])


def _sha256(path, decompress=False):
    digest = hashlib.sha256()
    opener = gzip.open if decompress else open
    with opener(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _verify(path, remote):
    """Return None if ``path`` holds ``remote``'s content, else why not."""
    size = path.stat().st_size
    if _sha256(path) == remote.sha256:
        return None
    try:
        if _sha256(path, decompress=True) == remote.raw_sha256:
            return None
    except (OSError, EOFError, zlib.error):  # a corrupt gzip stream is zlib.error
        pass
    if size < remote.size:
        why = f"{size:,} bytes where the published file has {remote.size:,} (truncated)"
    elif size > remote.size:
        why = f"{size:,} bytes where the published file has {remote.size:,} (oversized)"
    else:
        why = f"{size:,} bytes as published, but another SHA-256 (corrupt)"
    return f"{path}: {why}"


class _Rejected(Exception):
    """A downloaded file that fails its checksum."""


def _remove_created(created):
    for path in created:  # innermost first; a folder with files stays
        try:
            path.rmdir()
        except OSError:
            break


def _download(remote, dataset, folder, looked_in=()):
    """Download one file into ``folder`` atomically; return its path.

    The file is written to a temporary ``.<name>.*.part`` and renamed only once
    its checksum is right (:func:`~skmnistnoise._files.atomic_write`), so a
    killed download leaves no file a later run takes for complete; temporaries
    of downloads killed over an hour ago are deleted first. A folder that
    cannot be written is refused before any mirror is asked, naming the
    missing file and the folders searched (``looked_in``). If every mirror
    fails, the folders this call created are removed again.
    """
    created = []
    parent = folder
    while not parent.exists():
        created.append(parent)
        parent = parent.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{remote.name}."):
            pass
    except OSError as exc:
        _remove_created(created)
        where = ", ".join(str(f) for f in looked_in) or str(folder)
        raise OSError(
            f"{dataset.title} file {remote.name} is missing (looked in {where}) "
            f"and has to be downloaded, but {folder} cannot be written "
            f"({exc.strerror or exc}); nothing was downloaded. Copy the file "
            f"into one of these folders, or pass data_home (or set "
            f"{ENV_DATA_HOME}) to a writable folder or one that has the files."
        ) from exc
    remove_stale_temporaries(folder, ".part")
    target = folder / remote.name
    errors = []
    for mirror in dataset.mirrors:
        url = mirror + remote.name
        try:
            with (
                atomic_write(target, "wb", suffix=".part") as out,
                urllib.request.urlopen(url, timeout=_DOWNLOAD_TIMEOUT) as response,
            ):
                shutil.copyfileobj(response, out, 1 << 20)
                out.flush()
                problem = _verify(Path(out.name), remote)
                if problem is not None:
                    raise _Rejected(problem)
            return target
        except _Rejected as exc:
            errors.append(f"{url}: {exc}")
        except OSError as exc:  # URLError, timeouts, refused connections
            errors.append(f"{url}: {exc}")
    _remove_created(created)
    raise OSError(
        f"Could not download {remote.name} of {dataset.title} from any mirror:\n  "
        + "\n  ".join(errors)
        + f"\nCopy the file into {folder} or set {ENV_DATA_HOME} to a folder "
        "that has it."
    )


def _find_files(dataset, data_home, download_if_missing, parts=("train", "test")):
    """Return role -> verified path of ``parts``' files, downloading if allowed."""
    home = get_data_home(data_home)
    own = home / dataset.key
    folders = [own, home, *(Path(d) for d in dataset.extra_dirs)]
    paths, problems, missing = {}, [], []
    wanted = {
        role: remote
        for role, remote in dataset.files.items()
        if role.split("_")[0] in parts
    }
    for role, remote in wanted.items():
        for folder in folders:
            path = folder / remote.name
            if not path.is_file():
                continue
            problem = _verify(path, remote)
            if problem is None:
                paths[role] = path
                break
            problems.append(problem)
        else:
            missing.append(remote)
    if not missing:
        return paths
    if download_if_missing:
        for remote in missing:
            role = next(r for r, f in wanted.items() if f is remote)
            try:
                paths[role] = _download(remote, dataset, own, folders)
            except OSError as exc:
                if not problems:
                    raise
                raise OSError(
                    f"{exc} (file found but refused, {'; '.join(problems)})"
                ) from exc
        return paths
    if problems:
        raise OSError(
            f"{dataset.title} file refused, {'; '.join(problems)}: re-download it, "
            "or call again with download_if_missing=True."
        )
    names = ", ".join(r.name for r in missing)
    where = ", ".join(str(f) for f in folders)
    raise FileNotFoundError(
        f"{dataset.title} file(s) {names} not found in {where}, and "
        "download_if_missing=False. Put the four original .gz files in one of "
        f"these folders, pass data_home=FOLDER, or set {ENV_DATA_HOME}=FOLDER."
    )


def _read_idx(path):
    """Read one IDX file (gzip'ed or not) into a uint8 array."""
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError, zlib.error) as exc:
        raise OSError(f"{path} is not a readable IDX file: {exc}") from exc
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path} is not an IDX file of unsigned bytes.")
    ndim = data[3]
    header = 4 + 4 * ndim
    if ndim == 0 or len(data) < header:
        raise ValueError(
            f"{path} is not an IDX file: its header declares {ndim} dimensions, "
            f"whose sizes take {header} bytes, but the file has {len(data)}."
        )
    shape = tuple(
        int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)
    )
    # math.prod of Python ints: np.prod in int64 wraps (65536**4 is 0).
    if len(data) - header != math.prod(shape):
        raise ValueError(
            f"{path} declares shape {shape} ({math.prod(shape):,} values) but "
            f"holds {len(data) - header:,} values."
        )
    if 0 in shape:
        raise ValueError(f"{path} declares shape {shape}: it holds no data.")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def load_idx(images_path, labels_path):
    """Read a pair of IDX image and label files (MNIST's format).

    Parameters
    ----------
    images_path : str or path-like
        IDX file of images, shape ``(n, h, w)``, gzip'ed or not.
    labels_path : str or path-like
        IDX file of ``n`` labels.

    Returns
    -------
    X : ndarray of shape (n, h * w), dtype float32
        Pixels scaled to [0, 1].
    y : ndarray of shape (n,), dtype int64
        Labels.

    Raises
    ------
    ValueError
        If a file is not IDX, declares a shape its size does not match or no
        data, or the two counts disagree; the message names the file.

    Examples
    --------
    >>> import gzip, os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> images, labels = os.path.join(folder, "i.gz"), os.path.join(folder, "l.gz")
    >>> with gzip.open(images, "wb") as f:
    ...     header = [0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2]
    ...     _ = f.write(bytes(header + [0, 255, 0, 255]))
    >>> with gzip.open(labels, "wb") as f:
    ...     _ = f.write(bytes([0, 0, 8, 1, 0, 0, 0, 1, 7]))
    >>> load_idx(images, labels)
    (array([[0., 1., 0., 1.]], dtype=float32), array([7]))
    """
    images = _read_idx(images_path)
    labels = _read_idx(labels_path)
    if images.ndim < 2 or labels.ndim != 1:
        raise ValueError(
            f"{images_path} must hold images (n, h, w) and {labels_path} labels (n,)."
        )
    if len(images) != len(labels):
        raise ValueError(
            f"{images_path} holds {len(images)} images but {labels_path} holds "
            f"{len(labels)} labels."
        )
    X = images.reshape(len(images), -1).astype(np.float32)
    X /= 255
    return X, labels.astype(np.int64)


def _bunch(X, y, *, subset, n_train, image_shape, target_names, descr, files=None):
    bunch = Bunch(
        data=X,
        target=y,
        images=X.reshape(len(X), *image_shape),
        target_names=np.asarray(target_names),
        DESCR=descr,
        subset=subset,
    )
    if files is not None:
        bunch.filenames = {role: str(path) for role, path in files.items()}
    if subset == "all":
        bunch.cv = official_split(n_train, len(X) - n_train)
    return bunch


def _fetch_remote(dataset, data_home, subset, download_if_missing, return_X_y):
    parts = {"train": ["train"], "test": ["test"], "all": ["train", "test"]}[subset]
    paths = _find_files(dataset, data_home, download_if_missing, parts)
    arrays = [load_idx(paths[f"{p}_images"], paths[f"{p}_labels"]) for p in parts]
    n_train = len(arrays[0][0])
    X = arrays[0][0] if len(arrays) == 1 else np.concatenate([a[0] for a in arrays])
    y = arrays[0][1] if len(arrays) == 1 else np.concatenate([a[1] for a in arrays])
    if return_X_y:
        return X, y
    return _bunch(
        X,
        y,
        subset=subset,
        n_train=n_train,
        image_shape=(28, 28),
        target_names=dataset.target_names,
        descr=dataset.descr,
        files=paths,
    )


_FETCH_PARAMS = {
    "data_home": [str, os.PathLike, None],
    "subset": [StrOptions({"train", "test", "all"})],
    "download_if_missing": ["boolean"],
    "return_X_y": ["boolean"],
}


@validate_params(_FETCH_PARAMS, prefer_skip_nested_validation=True)
def fetch_mnist(
    data_home=None, *, subset="train", download_if_missing=True, return_X_y=False
):
    """Load MNIST from the four original IDX files, checksummed.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder with the files (directly or in a ``mnist`` subfolder); see
        :func:`get_data_home`.
    subset : {"train", "test", "all"}, default="train"
        The 60,000 training images, the 10,000 test images, or both in that
        order with ``bunch.cv`` the official split.
    download_if_missing : bool, default=True
        Download missing files (to ``<data_home>/mnist``) instead of raising.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    bunch : sklearn.utils.Bunch
        ``data`` (n, 784) float32 in [0, 1]; ``target`` (n,) int64; ``images``
        (n, 28, 28), a view of ``data``; ``target_names``; ``DESCR``;
        ``filenames``; and ``cv`` for ``subset="all"``.
    (data, target) : tuple if ``return_X_y`` is True.

    Raises
    ------
    FileNotFoundError
        Offline and a file is missing: says which, where it looked and how to
        provide it.
    OSError
        A file fails its checksum (truncated or corrupt), no mirror answers, or
        a missing file's folder cannot be written (said before any download).

    Examples
    --------
    >>> from skmnistnoise.datasets import fetch_mnist
    >>> mnist = fetch_mnist(subset="test", download_if_missing=False)  # doctest: +SKIP
    >>> mnist.data.shape, mnist.data.dtype  # doctest: +SKIP
    ((10000, 784), dtype('float32'))

    Offline, a folder without the files is an error that says where the
    loader looked and how to provide them:

    >>> import tempfile
    >>> try:
    ...     fetch_mnist(tempfile.mkdtemp(), subset="test", download_if_missing=False)
    ... except FileNotFoundError as exc:
    ...     print(exc)
    MNIST file(s) t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz not found in ...
    """
    return _fetch_remote(_MNIST, data_home, subset, download_if_missing, return_X_y)


@validate_params(_FETCH_PARAMS, prefer_skip_nested_validation=True)
def fetch_fashion_mnist(
    data_home=None, *, subset="train", download_if_missing=True, return_X_y=False
):
    """Load Fashion-MNIST from the four original IDX files, checksummed.

    Looks in ``<data_home>/fashion-mnist``, ``<data_home>`` and Debian's
    ``/usr/share/datasets/fashion-mnist`` (package ``dataset-fashion-mnist``,
    whose gzip bytes differ from the official ones: its decompressed content is
    checked instead).

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder with the files; see :func:`get_data_home`.
    subset : {"train", "test", "all"}, default="train"
        The 60,000 training images, the 10,000 test images, or both.
    download_if_missing : bool, default=True
        Download missing files (to ``<data_home>/fashion-mnist``).
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    bunch : sklearn.utils.Bunch
        As :func:`fetch_mnist`; ``target_names`` are the clothing classes.
    (data, target) : tuple if ``return_X_y`` is True.

    Raises
    ------
    FileNotFoundError
        Offline and a file is missing.
    OSError
        A file fails its checksum, or no mirror answers.

    Examples
    --------
    >>> from skmnistnoise.datasets import fetch_fashion_mnist
    >>> X, y = fetch_fashion_mnist(subset="test", return_X_y=True)  # doctest: +SKIP
    >>> X.shape  # doctest: +SKIP
    (10000, 784)

    The arguments are checked before any file is touched:

    >>> fetch_fashion_mnist(subset="validation")
    Traceback (most recent call last):
    ...
    sklearn.utils._param_validation.InvalidParameterError: The 'subset' parameter
    of fetch_fashion_mnist must be a str among ... Got 'validation' instead.
    """
    return _fetch_remote(
        _FASHION_MNIST, data_home, subset, download_if_missing, return_X_y
    )


@validate_params(
    {"subset": [StrOptions({"train", "test", "all"})], "return_X_y": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_digits(*, subset="all", return_X_y=False):
    """The 8x8 digits bundled with scikit-learn, scaled to [0, 1], with a holdout.

    The embedded default dataset: it needs no file and no network. 1,797
    images of 8x8 pixels, 10 classes; a fixed stratified 25% holdout (450
    images) plays the role of MNIST's test set.

    Parameters
    ----------
    subset : {"train", "test", "all"}, default="all"
        The 1,347 training images, the 450 holdout images, or all in the
        original order with ``bunch.cv`` the holdout split.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    bunch : sklearn.utils.Bunch
        ``data`` (n, 64) float32 in [0, 1]; ``target`` int64; ``images``
        (n, 8, 8); ``target_names``; ``DESCR``; ``cv`` for ``subset="all"``.
    (data, target) : tuple if ``return_X_y`` is True.

    Examples
    --------
    >>> from skmnistnoise.datasets import load_digits
    >>> digits = load_digits()
    >>> digits.data.shape, digits.data.dtype, float(digits.data.max())
    ((1797, 64), dtype('float32'), 1.0)
    >>> [len(test) for _, test in digits.cv.split()]
    [450]
    """
    raw = _sklearn_load_digits()
    X = (raw.data / 16).astype(np.float32)
    y = raw.target.astype(np.int64)
    _, test = train_test_split(
        np.arange(len(y)), test_size=450, stratify=y, random_state=0
    )
    is_test = np.zeros(len(y), dtype=bool)
    is_test[test] = True
    if subset != "all":
        keep = is_test if subset == "test" else ~is_test
        X, y = X[keep], y[keep]
    if return_X_y:
        return X, y
    bunch = Bunch(
        data=X,
        target=y,
        images=X.reshape(len(X), 8, 8),
        target_names=np.asarray([str(d) for d in range(10)]),
        DESCR=(
            "Optical recognition of handwritten digits (UCI), bundled with "
            "scikit-learn: 8x8 images, grey levels 0-16 scaled to [0, 1]."
        ),
        subset=subset,
    )
    if subset == "all":
        bunch.cv = PredefinedSplit(np.where(is_test, 0, -1))
    return bunch


def load_dataset(name, *, data_home=None, subset="all", download_if_missing=True):
    """Load a dataset of the study by name.

    Parameters
    ----------
    name : {"digits", "mnist", "fashion-mnist"}
        The dataset.
    data_home : str or path-like, default=None
        Folder of the MNIST-format files; ignored for "digits".
    subset : {"train", "test", "all"}, default="all"
        Which part; "all" comes with ``bunch.cv``, the official split.
    download_if_missing : bool, default=True
        Download missing files.

    Returns
    -------
    bunch : sklearn.utils.Bunch
        As returned by the dataset's loader, with ``name`` added.

    Examples
    --------
    >>> from skmnistnoise.datasets import load_dataset
    >>> load_dataset("digits").data.shape
    (1797, 64)
    """
    if name == "digits":
        bunch = load_digits(subset=subset)
    elif name in _REMOTE:
        bunch = _fetch_remote(
            _REMOTE[name], data_home, subset, download_if_missing, False
        )
    else:
        raise ValueError(
            f"The 'name' parameter must be one of {', '.join(DATASETS)}; got {name!r}."
        )
    bunch.name = name
    return bunch
