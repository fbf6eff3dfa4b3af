"""A result store: one JSON file per finished fit, keyed by what defines the fit.

A fit is defined by its dataset (a digest of X and y), the estimator and every
parameter of every step (seeds and epochs included), the training and test
rows, and the value swept. The key is the SHA-256 of that definition written
as canonical JSON, so re-running a sweep finds what is already done, adding a
scale trains only the new fits, and an interrupted sweep resumes.

Files are written to a temporary name in the store's folder, flushed and then
renamed: a reader sees a whole record or none, whatever kills the writer, and
several processes (or cluster workers) can finish fits at once.
"""

import hashlib
import json
import os
import tempfile
from numbers import Integral, Real
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator

__all__ = ["ResultStore", "canonical", "digest_arrays"]

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


class ResultStore:
    """A folder of finished fits, one JSON file each, written atomically.

    Parameters
    ----------
    path : str or path-like
        The folder; created on the first write.

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
        """The stored record for ``key``, or None (missing or unreadable)."""
        try:
            with open(self._file(key), encoding="utf-8") as f:
                record = json.load(f)
        except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
            return None
        if record.get("key") != key:
            return None
        return record["result"]

    def put(self, key, result, spec=None):
        """Store ``result`` under ``key`` atomically: temporary file, fsync, rename."""
        self.path.mkdir(parents=True, exist_ok=True)
        record = {"format": STORE_FORMAT, "key": key, "spec": spec, "result": result}
        fd, tmp = tempfile.mkstemp(dir=self.path, prefix=f".{key[:16]}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(record, f, indent=1, sort_keys=True)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self._file(key))
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def __contains__(self, key):
        return self.get(key) is not None

    def keys(self):
        """Keys of the stored records."""
        return sorted(p.stem for p in self.path.glob("*.json"))

    def __len__(self):
        return len(self.keys())
