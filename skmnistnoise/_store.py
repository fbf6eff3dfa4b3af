"""A result store: one JSON file per finished fit, keyed by what defines the fit.

A fit is defined by its dataset (a digest of X and y), the estimator and every
parameter of every step (seeds and epochs included), the training and test
rows, and the value swept. The key is the SHA-256 of that definition written
as canonical JSON, so re-running a sweep finds what is already done, adding a
scale trains only the new fits, and an interrupted sweep resumes. How values
and estimators are described, so that keys are stable and never shared by two
computations, is :mod:`skmnistnoise._describe`'s job (:func:`canonical`,
:func:`digest_arrays`, re-exported here).

A fitted estimator can be kept beside its record without pickle
(:meth:`ResultStore.put_fitted`): its Keras networks in Keras's own format,
the rest of its fitted state as JSON and ``.npz`` arrays, restored on a clone
of the caller's unfitted estimator; reading it runs no code from the store.
The archive's format is :mod:`skmnistnoise._fitted_state`'s.

Files are written to a temporary name in the store's folder, flushed and then
renamed (:func:`~skmnistnoise._files.atomic_write`): a reader sees a whole
record or none, whatever kills the writer, and several processes (or cluster
workers) can finish fits at once. A record is used only if it is complete, of
the current format, holds its own key, matches its checksum, has a spec that
hashes to its key and a result of the right shape; anything else is reported
with a warning that names the file and treated as missing, so the fit is
computed again and the record replaced, never used.
"""

import hashlib
import json
import warnings
from numbers import Real
from pathlib import Path

from ._describe import (
    NotReproducibleError,
    _upgraded_spec,
    canonical,
    digest_arrays,
)
from ._files import STALE_AFTER, atomic_write, remove_stale_temporaries
from ._fitted_state import UnusableArchive, read_fitted, write_fitted

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

    def _fitted_file(self, key):
        return self.path / "fitted" / f"{key}.zip"

    def put_fitted(self, key, estimator):
        """Keep a fitted estimator beside the record of ``key``, without pickle.

        ``fitted/<key>.zip``, written atomically, holds ``state.json`` (the
        estimator's :func:`canonical` description and its fitted state as
        tagged JSON), ``arrays.npz`` and one ``model-<i>.keras`` per Keras
        model (``model.save``). What is kept, and how :meth:`get_fitted`
        restores it on a clone of the caller's unfitted estimator:

        * the estimators among the parameters (a Pipeline's steps, fitted in
          place), restored on the clone's;
        * fitted attributes that are plain data: None, numbers, strings,
          lists, tuples, sets, str-keyed dicts (``history_``), NumPy arrays
          (of objects: strings only), scalars and dtypes;
        * Keras models (SciKeras's ``model_``), optimizer state included,
          loaded with ``keras.saving.load_model(path, safe_mode=True)``, and
          their dropout generators' states, so that a restored network
          trains on (``warm_start``) exactly as the stored one would;
        * a fitted ``name_`` that is a fitted clone of the estimator's
          ``name`` (``NoiseAveragedClassifier.estimator_``, SciKeras's
          ``feature_encoder_``), restored on a clone of the template's;
        * what is made again from the parameters: a SciKeras classifier's
          ``target_encoder_`` (fitted again on its classes, y's dtype and
          length; checked to be the very encoder stored, here and when
          read), SciKeras's callback lists, the loss object of
          scikit-learn's SGD estimators.

        Parameters
        ----------
        key : str
            The record's key.
        estimator : estimator
            The fitted estimator; :func:`canonical` must describe it.

        Returns
        -------
        sha256 : str
            The archive's SHA-256, to keep in the record: :meth:`get_fitted`
            reads only the archive the record describes.

        Raises
        ------
        NotReproducibleError
            Before anything is written, for a fitted attribute that is none of
            the above (an object, a list of fitted estimators as in
            ``VotingClassifier``): the message names its path and type. The
            caller retrains the estimator instead of reading it back.
        """
        data = write_fitted(estimator)  # raises before anything is written
        path = self._fitted_file(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(path, "wb") as f:
            f.write(data)
        return hashlib.sha256(data).hexdigest()

    def get_fitted(self, key, sha256, template):
        """The estimator :meth:`put_fitted` kept for ``key``: a fitted ``template``.

        Nothing in the archive can run code: it is read without pickle
        (``np.load(..., allow_pickle=False)``), its Keras models with
        ``safe_mode=True``, and its classes are only compared with
        ``template``'s, never imported.

        Parameters
        ----------
        key : str
            The record's key.
        sha256 : str or None
            What :meth:`put_fitted` returned, as the record keeps it.
        template : estimator
            The unfitted estimator, with the stored one's parameters; a clone
            of it is given the stored fitted state.

        Returns
        -------
        estimator : estimator or None
            The fitted clone. None, silently, without an archive or a
            checksum; None, with a :class:`CorruptRecordWarning` that names
            the file and why, for an archive that does not match ``sha256``
            or cannot be restored (damaged, of another format, a label
            encoder that another scikit-learn fits otherwise): the caller
            then trains it again.

        Raises
        ------
        ValueError
            If ``template``'s parameters are not the stored estimator's; the
            message names the first that differs.
        """
        path = self._fitted_file(key)
        if not sha256 or not path.is_file():
            return None
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            return self._unusable(path, "it does not match its record's checksum")
        try:
            return read_fitted(data, template, key)
        except UnusableArchive as exc:
            return self._unusable(path, str(exc))

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
