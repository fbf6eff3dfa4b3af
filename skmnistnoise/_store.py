"""A result store: one JSON file per finished fit, keyed by what defines the fit.

A fit is defined by its dataset (a digest of X and y), the estimator and every
parameter of every step (seeds and epochs included), the training and test
rows, and the value swept. The key is the SHA-256 of that definition written
as canonical JSON, so re-running a sweep finds what is already done, adding a
scale trains only the new fits, and an interrupted sweep resumes.

Files are written to a temporary name in the store's folder, flushed and then
renamed (:func:`~skmnistnoise._files.atomic_write`): a reader sees a whole
record or none, whatever kills the writer, and several processes (or cluster
workers) can finish fits at once. Every record carries the SHA-256 of its
result: a record that cannot be read, belongs to another key or fails its
checksum is reported with a warning that names the file and treated as missing,
so the fit is computed again and the record replaced, never used.
"""

import hashlib
import json
import warnings
from numbers import Integral, Real
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator

from ._files import STALE_AFTER, atomic_write, remove_stale_temporaries

__all__ = ["CorruptRecordWarning", "ResultStore", "canonical", "digest_arrays"]

# Bumped when the meaning of a stored record changes; older records are then
# ignored rather than misread.
STORE_FORMAT = 1

# Parameters that change how a fit is reported, not what it computes.
_NOT_IN_KEY = {"verbose", "n_jobs", "memory"}


def digest_arrays(*arrays):
    """A hex digest of the content, shape and dtype of arrays.

    Parameters
    ----------
    *arrays : ndarray
        Arrays to digest together.

    Returns
    -------
    digest : str
        32 hex characters.

    Examples
    --------
    >>> import numpy as np
    >>> digest_arrays(np.zeros(3)) == digest_arrays(np.zeros(3))
    True
    >>> digest_arrays(np.zeros(3)) == digest_arrays(np.zeros(3, dtype=np.float32))
    False
    """
    h = hashlib.blake2b(digest_size=16)
    for array in arrays:
        array = np.ascontiguousarray(array)
        h.update(f"{array.shape}{array.dtype.str}".encode())
        if array.dtype == object:
            h.update(json.dumps(array.tolist(), default=str).encode())
        else:
            h.update(memoryview(array).cast("B"))
    return h.hexdigest()


class NotReproducibleError(ValueError):
    """A fit whose definition cannot be pinned down (e.g. an unseeded step)."""


def canonical(obj):
    """A JSON-able, order-independent description of a value or an estimator.

    Numbers become floats (so ``1`` and ``1.0`` agree), tuples become lists,
    estimators become their class and parameters, Keras objects their class and
    config. Parameters that only change reporting (``verbose``, ``n_jobs``,
    ``memory``) are left out.

    Parameters
    ----------
    obj : object
        What to describe.

    Returns
    -------
    description : JSON-able object

    Raises
    ------
    NotReproducibleError
        For values that cannot be described stably: RandomState instances,
        arbitrary objects.

    Examples
    --------
    >>> from skmnistnoise import GaussianNoise
    >>> canonical(GaussianNoise(scale=1))["params"]["scale"]
    1.0
    """
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, (Integral, Real)) and not isinstance(obj, bool):
        return float(obj)
    if isinstance(obj, np.ndarray):
        return {"array": digest_arrays(obj)}
    if isinstance(obj, (list, tuple)):
        return [canonical(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): canonical(v) for k, v in sorted(obj.items())}
    if isinstance(obj, BaseEstimator) or hasattr(obj, "get_params"):
        params = obj.get_params(deep=False)
        return {
            "class": f"{type(obj).__module__}.{type(obj).__qualname__}",
            "params": {
                k: canonical(v)
                for k, v in sorted(params.items())
                if k not in _NOT_IN_KEY
            },
        }
    if isinstance(obj, np.random.RandomState | np.random.Generator):
        raise NotReproducibleError(
            "A RandomState instance cannot key a stored result; use an int seed."
        )
    if hasattr(obj, "get_config"):  # Keras optimizers, losses, callbacks
        return {
            "class": f"{type(obj).__module__}.{type(obj).__qualname__}",
            "config": canonical(obj.get_config()),
        }
    if isinstance(obj, type) or callable(obj):
        return {"callable": f"{obj.__module__}.{obj.__qualname__}"}
    raise NotReproducibleError(f"Cannot describe {obj!r} stably for the result store.")


class CorruptRecordWarning(UserWarning):
    """A stored record could not be used; its fit is computed again."""


def _checksum(result):
    """SHA-256 of a result as canonical JSON (what a record's ``checksum`` holds).

    Computed on the result as JSON reads it back (tuples as lists, keys as
    strings), so a record checks against the result it stores.
    """
    text = json.dumps(json.loads(json.dumps(result)), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


class ResultStore:
    """A folder of finished fits, one JSON file each, written atomically.

    Parameters
    ----------
    path : str or path-like
        The folder; created on the first write.

    Notes
    -----
    A record is ``<key>.json``, holding the key, the fit's definition
    (``spec``), the result and the result's SHA-256 (``checksum``). A record
    that is not JSON, holds another key, or whose result does not match its
    checksum is reported with a :class:`CorruptRecordWarning` naming the file
    and read as missing; the next :meth:`put` of that key replaces it. Records
    written before checksums existed are read without the check. A writer
    killed mid-record leaves at most a hidden ``.<key>.json.*.tmp`` file, which
    :meth:`keys` and ``len`` ignore and :meth:`clean` (called by every
    :meth:`put`) deletes once it is an hour old.

    Examples
    --------
    >>> import tempfile
    >>> store = ResultStore(tempfile.mkdtemp())
    >>> key = store.key({"model": "mlp", "scale": 0.5})
    >>> store.get(key) is None
    True
    >>> store.put(key, {"test_accuracy": 0.97})
    >>> store.get(key)["test_accuracy"], len(store)
    (0.97, 1)
    """

    def __init__(self, path):
        self.path = Path(path)

    def __repr__(self):
        return f"ResultStore({str(self.path)!r})"

    @staticmethod
    def key(spec):
        """SHA-256 of the canonical JSON of a fit's definition."""
        text = json.dumps({"format": STORE_FORMAT, "spec": spec}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def _file(self, key):
        return self.path / f"{key}.json"

    def get(self, key):
        """The stored result for ``key``, or None if there is none to use.

        A record that exists but cannot be used (not JSON, another key, a
        result that fails its checksum) gives None and a
        :class:`CorruptRecordWarning` that names the file.
        """
        path = self._file(key)
        try:
            with open(path, encoding="utf-8") as f:
                record = json.load(f)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:  # JSONDecodeError, UnicodeDecodeError
            return self._unusable(path, f"it is not readable JSON ({exc})")
        if not isinstance(record, dict) or "result" not in record:
            return self._unusable(path, "it is not a record of this store")
        if record.get("key") != key:
            return self._unusable(
                path, f"it holds the record of key {record.get('key')!r}"
            )
        result = record["result"]
        if "checksum" in record and record["checksum"] != _checksum(result):
            return self._unusable(path, "its result does not match its checksum")
        return result

    @staticmethod
    def _unusable(path, why):
        warnings.warn(
            f"Ignoring the stored record {path}: {why}. The fit will be computed "
            "again and the record replaced.",
            CorruptRecordWarning,
            stacklevel=3,
        )
        return None

    def put(self, key, result, spec=None):
        """Store ``result`` under ``key`` atomically: temporary file, fsync, rename.

        Also deletes the temporaries that killed writers left (:meth:`clean`).
        """
        self.path.mkdir(parents=True, exist_ok=True)
        record = {
            "format": STORE_FORMAT,
            "key": key,
            "spec": spec,
            "result": result,
            "checksum": _checksum(result),
        }
        with atomic_write(self._file(key)) as f:
            json.dump(record, f, indent=1, sort_keys=True)
        self.clean()

    def clean(self, older_than=STALE_AFTER):
        """Delete temporary files of writers that were killed mid-record.

        Parameters
        ----------
        older_than : float, default=3600
            Only temporaries last modified this many seconds ago or earlier:
            a writer still at work in another process keeps its file.

        Returns
        -------
        removed : list of pathlib.Path
            The files deleted.
        """
        return remove_stale_temporaries(self.path, ".tmp", older_than=older_than)

    def __contains__(self, key):
        return self.get(key) is not None

    def keys(self):
        """Keys of the stored records (temporary files of writers excluded)."""
        return sorted(p.stem for p in self.path.glob("*.json") if p.is_file())

    def __len__(self):
        return len(self.keys())
