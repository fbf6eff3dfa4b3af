"""A result store: one JSON file per finished fit, keyed by what defines the fit.

A fit is defined by its dataset (a digest of X and y), the estimator and every
parameter of every step (seeds and epochs included), the training and test
rows, and the value swept. The key is the SHA-256 of that definition written
as canonical JSON, so re-running a sweep finds what is already done, adding a
scale trains only the new fits, and an interrupted sweep resumes. Classes and
functions are named by their public names (``skmnistnoise.GaussianNoise``, not
the private module that defines it), so moving code between private modules
keeps every key; a value that cannot be described faithfully (a lambda, a
function defined inside another, a callable object) makes the fit
uncacheable, never a key shared by two computations.

Files are written to a temporary name in the store's folder, flushed and then
renamed (:func:`~skmnistnoise._files.atomic_write`): a reader sees a whole
record or none, whatever kills the writer, and several processes (or cluster
workers) can finish fits at once. A record is used only if it is complete, of
the current format, holds its own key, matches its checksum, has a spec that
hashes to its key and a result of the right shape; anything else is reported
with a warning that names the file and treated as missing, so the fit is
computed again and the record replaced, never used.
"""

import functools
import hashlib
import importlib
import json
import types
import warnings
from numbers import Integral, Real
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator

from ._files import STALE_AFTER, atomic_write, remove_stale_temporaries

__all__ = [
    "CorruptRecordWarning",
    "NotReproducibleError",
    "ResultStore",
    "canonical",
    "digest_arrays",
    "record_problem",
]

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


def _lookup(name):
    """The object a dotted name like ``"sklearn.pipeline.Pipeline"`` names, or None."""
    parts = name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except Exception:  # noqa: BLE001 - not a module, or one that fails
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def _public_name(obj):
    """The shortest public dotted name a class or function is imported by, or None.

    ``skmnistnoise.GaussianNoise`` rather than ``skmnistnoise._noise.
    GaussianNoise``, ``sklearn.linear_model.LogisticRegression`` rather than
    ``sklearn.linear_model._logistic.LogisticRegression``, Keras's exported
    name (``keras.optimizers.Adam``) where it has one. The name is the module
    path cut before its first private part, where the object is found again;
    else its full path. None where no name leads back to this very object: a
    lambda, a function defined inside another, a bound method.
    """
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str):
        return None
    if "<" in qualname:  # <lambda>, <locals>
        return None
    candidates = []
    exported = getattr(obj, "__dict__", {}).get("_api_export_path")  # Keras
    if isinstance(exported, str):
        candidates.append(exported)
    elif isinstance(exported, list | tuple):
        candidates.extend(e for e in exported if isinstance(e, str))
    parts = module.split(".")
    for i, part in enumerate(parts, start=1):
        if part.startswith("_"):
            break
        candidates.append(".".join(parts[:i]) + "." + qualname)
    candidates.append(f"{module}.{qualname}")
    for name in candidates:
        if _lookup(name) is obj:
            return name
    return None


def _class_name(cls):
    """How a class is named in a key: its public name, else its full path."""
    return _public_name(cls) or f"{cls.__module__}.{cls.__qualname__}"


def _code_digest(function):
    """SHA-256 of what a Python function computes: its code, constants, defaults."""
    h = hashlib.sha256()

    def feed(code):
        h.update(code.co_code)
        h.update(repr((code.co_names, code.co_varnames, code.co_freevars)).encode())
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                feed(const)
            else:
                h.update(repr(const).encode())

    feed(function.__code__)
    h.update(repr((function.__defaults__, function.__kwdefaults__)).encode())
    return h.hexdigest()


def _describe_callable(obj):
    """A key's description of a function or class given as a parameter value."""
    if isinstance(obj, functools.partial):
        return {
            "partial": canonical(obj.func),
            "args": canonical(list(obj.args)),
            "keywords": canonical(dict(obj.keywords)),
        }
    name = _public_name(obj)
    if name is None and isinstance(obj, np.ufunc):
        # numpy 2.0's ufuncs have no __module__: name them if numpy has them.
        if getattr(np, obj.__name__, None) is obj:
            name = f"numpy.{obj.__name__}"
    if name is None:
        raise NotReproducibleError(
            f"The parameter value {obj!r} cannot key a stored result: a lambda, a "
            "function defined inside another function, a bound method or a "
            "callable object is not described by a name, so two different ones "
            "would share a key. Define the function at the top level of a module "
            "(or give the parameter a string the estimator accepts) to store the fit."
        )
    description = {"callable": name}
    if name.startswith("__main__.") and isinstance(obj, types.FunctionType):
        if obj.__closure__:
            raise NotReproducibleError(
                f"The parameter value {obj!r} cannot key a stored result: it "
                "refers to variables of an enclosing function."
            )
        # A script's own function: two scripts may define different ``act``s.
        description["code"] = _code_digest(obj)
    return description


def canonical(obj):
    """A JSON-able, order-independent description of a value or an estimator.

    Numbers become floats (so ``1`` and ``1.0`` agree), tuples become lists,
    estimators become their class and parameters, Keras objects their class and
    config, functions their importable name. Classes and functions are named by
    their public names (``skmnistnoise.GaussianNoise``), so a key survives the
    code moving between private modules. Parameters that only change reporting
    (``verbose``, ``n_jobs``, ``memory``) are left out.

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
        For values that cannot be described faithfully: RandomState instances,
        lambdas, functions defined inside functions, bound methods, callable
        objects and arbitrary objects. A sweep then trains the fit without
        storing it, with a warning.

    Examples
    --------
    >>> from skmnistnoise import GaussianNoise
    >>> description = canonical(GaussianNoise(scale=1))
    >>> description["class"], description["params"]["scale"]
    ('skmnistnoise.GaussianNoise', 1.0)
    >>> canonical(lambda x: x)
    Traceback (most recent call last):
    ...
    skmnistnoise._store.NotReproducibleError: The parameter value <function ...
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
    if isinstance(obj, type):
        return _describe_callable(obj)
    if isinstance(obj, BaseEstimator) or hasattr(obj, "get_params"):
        params = obj.get_params(deep=False)
        return {
            "class": _class_name(type(obj)),
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
            "class": _class_name(type(obj)),
            "config": canonical(obj.get_config()),
        }
    if callable(obj):
        return _describe_callable(obj)
    raise NotReproducibleError(f"Cannot describe {obj!r} stably for the result store.")


def _upgraded_spec(spec):
    """A spec written with full class paths, as :func:`canonical` writes it now.

    Records written before keys used public names name their classes by the
    private module that defined them (``skmnistnoise._noise.GaussianNoise``).
    Each such name is imported and named again; None where one no longer
    imports, or where a function was described by its name only and could
    since have changed (a script's own ``__main__`` function).
    """
    if isinstance(spec, list):
        items = [_upgraded_spec(v) for v in spec]
        lost = any(i is None and v is not None for i, v in zip(items, spec))
        return None if lost else items
    if not isinstance(spec, dict):
        return spec
    out = {}
    for k, v in spec.items():
        if k in ("class", "callable") and isinstance(v, str):
            obj = _lookup(v)
            if obj is None or (k == "callable" and v.startswith("__main__.")):
                return None
            name = _class_name(obj) if isinstance(obj, type) else _public_name(obj)
            if name is None:
                return None
            out[k] = name
        else:
            out[k] = _upgraded_spec(v)
            if out[k] is None and v is not None:
                return None
    return out


class CorruptRecordWarning(UserWarning):
    """A stored record could not be used; its fit is computed again.

    The message names the record's file and why (no checksum, edited, of
    another format, a result of the wrong shape); the record is read as
    missing and replaced once the fit is computed again.

    Examples
    --------
    >>> import json, tempfile, warnings
    >>> from skmnistnoise.experiment import CorruptRecordWarning, ResultStore
    >>> store = ResultStore(tempfile.mkdtemp())
    >>> key = store.key({"what": "example"})
    >>> store.put(key, {"test_accuracy": 0.9}, {"what": "example"})
    >>> path = store.path / f"{key}.json"
    >>> record = json.loads(path.read_text())
    >>> del record["checksum"]
    >>> _ = path.write_text(json.dumps(record))
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     store.get(key) is None
    True
    >>> caught[0].category is CorruptRecordWarning
    True
    """


def _checksum(result):
    """SHA-256 of a result as canonical JSON (what a record's ``checksum`` holds).

    Computed on the result as JSON reads it back (tuples as lists, keys as
    strings), so a record checks against the result it stores.
    """
    text = json.dumps(json.loads(json.dumps(result)), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _is_accuracy(value):
    return (
        isinstance(value, Real)
        and not isinstance(value, bool)
        and 0 <= value <= 1  # False for NaN
    )


def _shape_problem(result, required=()):
    """Why a record's result is not a result of this store, or None.

    A result is a JSON object of measurements: it holds a ``test_accuracy``,
    at its top level or in every entry of a list of evaluations (one entry per
    setting scored), unless ``required`` names the fields it must hold
    instead (a sweep scored with other ``scoring`` names), and every field
    named ``*accuracy`` is a number in [0, 1] or a list of them.
    """
    if not isinstance(result, dict):
        return (
            f"its result is a JSON {type(result).__name__}, not an object of "
            "measurements"
        )
    missing = [field for field in required if field not in result]
    if missing:
        return f"its result lacks {', '.join(map(repr, missing))}"

    def bad_accuracy(record, where):
        for field, value in record.items():
            if isinstance(value, dict):
                problem = bad_accuracy(value, f"{where}{field}.")
            elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
                inner = (bad_accuracy(v, f"{where}{field}[].") for v in value)
                problem = next(filter(None, inner), None)
            elif field.endswith("accuracy"):
                values = value if isinstance(value, list) else [value]
                problem = next(
                    (
                        f"{where}{field}={v!r} is not an accuracy in [0, 1]"
                        for v in values
                        if not _is_accuracy(v)
                    ),
                    None,
                )
            else:
                problem = None
            if problem:
                return problem
        return None

    problem = bad_accuracy(result, "")
    if problem:
        return f"its result's {problem}"
    has_accuracy = _is_accuracy(result.get("test_accuracy")) or any(
        isinstance(v, list)
        and v
        and all(isinstance(e, dict) and "test_accuracy" in e for e in v)
        for v in result.values()
    )
    if not has_accuracy and not required:  # a reader's fields define its shape
        return "its result holds no test_accuracy"
    return None


def record_problem(record, key, required=()):
    """Why ``record`` (a JSON-decoded record file) cannot be the result of ``key``.

    The one definition of a usable record: a JSON object of the current
    ``format`` holding ``key``, a ``checksum`` that its ``result`` matches, a
    ``spec`` (when it has one) that hashes to ``key``, and a result of the
    right shape (see :meth:`ResultStore.get`).

    Parameters
    ----------
    record : object
        The decoded content of a record file.
    key : str
        The key the record is read for.
    required : sequence of str, default=()
        Fields the result must hold besides its ``test_accuracy``.

    Returns
    -------
    problem : str or None
        What is wrong, in words; None for a usable record.

    Examples
    --------
    >>> record = {"format": 1, "key": "k", "result": {"test_accuracy": 0.9}}
    >>> record_problem(record, "k")
    'it has no checksum, so its result cannot be verified'
    """
    if not isinstance(record, dict) or "result" not in record:
        return "it is not a record of this store"
    if record.get("format") != STORE_FORMAT:
        return (
            f"it is of format {record.get('format')!r}, and this version of "
            f"skmnistnoise reads format {STORE_FORMAT}"
        )
    if record.get("key") != key:
        return f"it holds the record of key {record.get('key')!r}"
    if "checksum" not in record:
        return "it has no checksum, so its result cannot be verified"
    if record["checksum"] != _checksum(record["result"]):
        return "its result does not match its checksum"
    spec = record.get("spec")
    if spec is not None and ResultStore.key(spec) != key:
        return "its spec is not the definition of its key (it was edited)"
    return _shape_problem(record["result"], required)


class ResultStore:
    """A folder of finished fits, one JSON file each, written atomically.

    Parameters
    ----------
    path : str or path-like
        The folder; created on the first write.

    Notes
    -----
    A record is ``<key>.json``, holding the store's ``format``, the key, the
    fit's definition (``spec``), the result and the result's SHA-256
    (``checksum``). A record is used only if it is all of these and right (see
    :func:`record_problem`); any other is reported with a
    :class:`CorruptRecordWarning` naming the file and read as missing, and the
    next :meth:`put` of that key replaces it. A record without a checksum is
    not trusted. Records keyed before keys used public class names are still
    found: a key with no file is looked up among the records whose spec, with
    its classes named as now, hashes to it. A writer killed mid-record leaves
    at most a hidden ``.<key>.json.*.tmp`` file, which :meth:`keys` and
    ``len`` ignore and :meth:`clean` (called by every :meth:`put`) deletes once
    it is an hour old.

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
        self._legacy = None  # current key -> file of a record keyed the old way

    def __repr__(self):
        return f"ResultStore({str(self.path)!r})"

    @staticmethod
    def describe(value):
        """A JSON description of an estimator or parameter value, for a spec.

        What the sweeps key their fits on: every parameter, classes and
        functions by their public names. A value that cannot be described
        faithfully (a lambda, a callable object) raises
        :class:`NotReproducibleError`. For tools that fill a store themselves.

        Examples
        --------
        >>> from skmnistnoise import GaussianNoise
        >>> from skmnistnoise.experiment import ResultStore
        >>> ResultStore.describe(GaussianNoise(scale=0.5))["class"]
        'skmnistnoise.GaussianNoise'
        """
        return canonical(value)

    @staticmethod
    def digest(*arrays):
        """A hex digest of arrays' content, shapes and dtypes, for a spec.

        Examples
        --------
        >>> import numpy as np
        >>> from skmnistnoise.experiment import ResultStore
        >>> len(ResultStore.digest(np.zeros(3), np.ones(2)))
        32
        """
        return digest_arrays(*arrays)

    @staticmethod
    def key(spec):
        """SHA-256 of the canonical JSON of a fit's definition."""
        text = json.dumps({"format": STORE_FORMAT, "spec": spec}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def _file(self, key):
        return self.path / f"{key}.json"

    def _legacy_file(self, key):
        """The file of a record keyed before public class names, for ``key``."""
        if self._legacy is None:
            self._legacy = {}
            for path in sorted(self.path.glob("*.json")):
                try:
                    with open(path, encoding="utf-8") as f:
                        spec = json.load(f).get("spec")
                except (OSError, ValueError, AttributeError):
                    continue  # reported when its own key is read
                if not isinstance(spec, dict):
                    continue
                upgraded = _upgraded_spec(spec)
                if upgraded is not None and upgraded != spec:
                    self._legacy.setdefault(self.key(upgraded), path)
        return self._legacy.get(key)

    def get(self, key, required=()):
        """The stored result for ``key``, or None if there is none to use.

        Parameters
        ----------
        key : str
            The fit's key (:meth:`key`).
        required : sequence of str, default=()
            Fields the result must hold, besides a ``test_accuracy`` (at its
            top level, or in every entry of a list of evaluations) and valid
            accuracies: every field named ``*accuracy`` a number in [0, 1].

        Returns
        -------
        result : dict or None
            None if there is no record, and also, with a
            :class:`CorruptRecordWarning` that names the file, if the record
            cannot be used (see :func:`record_problem`).
        """
        path = self._file(key)
        record_key = key
        if not path.exists():
            legacy = self._legacy_file(key)
            if legacy is None:
                return None
            path, record_key = legacy, legacy.stem
        try:
            with open(path, encoding="utf-8") as f:
                record = json.load(f)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:  # JSONDecodeError, UnicodeDecodeError
            return self._unusable(path, f"it is not readable JSON ({exc})")
        problem = record_problem(record, record_key, required)
        if problem is not None:
            return self._unusable(path, problem)
        return record["result"]

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

    def _pickle_file(self, key):
        return self.path / "fitted" / f"{key}.pkl"

    def put_pickle(self, key, obj):
        """Keep a fitted object beside the record of ``key``; its SHA-256.

        ``fitted/<key>.pkl``, written atomically. The returned checksum goes
        into the record's result, so that :meth:`get_pickle` unpickles only
        the file the record describes.
        """
        import pickle

        data = pickle.dumps(obj)
        path = self._pickle_file(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(path, "wb") as f:
            f.write(data)
        return hashlib.sha256(data).hexdigest()

    def get_pickle(self, key, sha256):
        """The object :meth:`put_pickle` kept for ``key``, or None.

        None, with a :class:`CorruptRecordWarning` naming the file, if the
        file's SHA-256 is not ``sha256``: a damaged or replaced pickle is never
        unpickled. None, silently, if there is no file or no checksum.
        """
        import pickle

        path = self._pickle_file(key)
        if not sha256 or not path.is_file():
            return None
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            warnings.warn(
                f"Ignoring the fitted object {path}: it does not match the checksum "
                "of its record. It will be computed again and replaced.",
                CorruptRecordWarning,
                stacklevel=2,
            )
            return None
        return pickle.loads(data)  # noqa: S301 - checksummed, written by put_pickle

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
