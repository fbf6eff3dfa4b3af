"""Fitted estimators as plain data and Keras files: an archive without pickle.

:func:`write_fitted` turns a fitted estimator into the bytes of a zip archive:
``state.json`` (the estimator's :func:`~skmnistnoise._describe.canonical`
description and its fitted state as tagged JSON), ``arrays.npz`` and one
``model-<i>.keras`` per Keras model (``model.save``). :func:`read_fitted` sets
that state on a clone of the caller's unfitted estimator. Nothing in an
archive can run code: it is read without pickle (``np.load(...,
allow_pickle=False)``), its Keras models with ``safe_mode=True``, and its
classes are only compared with the template's, never imported. A skorch
net is kept as its torch module's tensors (arrays) and its classes; on reading
the template net is initialized from its parameters and the tensors loaded
into its module, strictly (torch is imported then, and only then). The result
store keeps such archives beside its records
(:meth:`~skmnistnoise._store.ResultStore.put_fitted`).

TensorFlow and Keras are imported only when an archive is written or read.
"""

import hashlib
import io
import json
import pickle
import re
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, clone

from ._describe import (
    NotReproducibleError,
    _class_name,
    _is_named_list,
    _sort_key,
    _type_name,
    _upgraded_spec,
    canonical,
    digest_arrays,
)

__all__ = ["FITTED_FORMAT", "UnusableArchive", "read_fitted", "write_fitted"]


# Bumped when the layout of a fitted-estimator archive changes.
FITTED_FORMAT = 1

# A SciKeras wrapper's callbacks, built from its parameters by
# ``_initialize_callbacks`` (as its fit does), never stored.
_DERIVED_CALLBACKS = ("_fit_callbacks", "_predict_callbacks")
# What a fitted attribute of an archive may be tagged (see _FittedWriter.value).
_ARRAY_TAGS = ("array", "scalar", "array-of-str", "scalar-of-str")
_CONTAINERS = {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}
# How an archive that write_fitted did not write fails to read.
_READ_ERRORS = (
    AttributeError, EOFError, LookupError, OSError, TypeError, ValueError,
    zipfile.BadZipFile,
)  # fmt: skip


class _Unreadable(ValueError):
    """An archive :func:`write_fitted` did not write (internal)."""


class UnusableArchive(Exception):
    """An archive :func:`read_fitted` cannot restore; the message says why.

    Not a ``ValueError``, so that it is told apart from a template that is not
    the stored estimator.
    """


def _skorch_net(est):
    """Whether ``est`` is a skorch net (skorch is then loaded: nothing imported)."""
    return any(
        c.__name__ == "NeuralNet" and c.__module__.startswith("skorch")
        for c in type(est).__mro__
    )


def _is_estimator(value):
    return hasattr(value, "get_params") and not isinstance(value, type)


def _estimators_in(value, where):
    """``(where, estimator)`` for the estimators in a parameter value.

    ``where`` is the list of keys and positions that lead to it from the
    parameters: ``["steps", 1, 1]`` for a Pipeline's second step.
    """
    if _is_estimator(value):
        yield where, value
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from _estimators_in(v, [*where, i])
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _estimators_in(v, [*where, k])


def _where_text(params, where):
    """``["steps", 1, 1]`` as the step's name, else ``steps[1][1]``."""
    named = params[where[0]]
    if len(where) == 3 and where[2] == 1 and _is_named_list(named):
        return named[where[1]][0]
    return where[0] + "".join(f"[{step!r}]" for step in where[1:])


def _state_digest(obj):
    """SHA-256 of an object's whole state: its class and every attribute."""

    def walk(value):
        if isinstance(value, BaseEstimator):
            items = sorted(vars(value).items())
            return [_class_name(type(value)), [[k, walk(v)] for k, v in items]]
        if isinstance(value, np.ndarray):
            return ["array", digest_arrays(value)]
        if isinstance(value, list | tuple):
            return [type(value).__name__, [walk(v) for v in value]]
        if isinstance(value, dict):
            return ["dict", [[repr(k), walk(v)] for k, v in value.items()]]
        if value is None or type(value) in (bool, int, float, str):
            return [_type_name(value), repr(value)]
        try:  # pickled, never unpickled: a digest of what the object holds
            return [_type_name(value), hashlib.sha256(pickle.dumps(value)).hexdigest()]
        except (pickle.PicklingError, TypeError, AttributeError):
            return [_type_name(value), repr(value)]

    return hashlib.sha256(json.dumps(walk(obj)).encode()).hexdigest()


def _refit_target_encoder(wrapper, classes, y_dtype, n_samples, categories):
    """A SciKeras classifier's label encoder fitted on labels made of its classes.

    The encoder learns the classes, y's dtype and shape and the target type
    from the labels it is fitted on; ``n_samples`` labels of y's dtype that
    cycle through the classes teach it the same (checked by the callers with
    :func:`_state_digest`).
    """
    encoder = wrapper.target_encoder  # the wrapper's own, for its loss
    encoder.set_params(categories=categories)
    labels = np.resize(np.asarray(classes, dtype=y_dtype), n_samples)
    return encoder.fit(labels)


def _seed_states(model):
    """A Keras model's random generators' states (Dropout's), which
    ``model.save`` leaves out: without them a restored network would train on
    with other dropout masks than the one stored."""
    return [v for v in model.variables if v.path.endswith("seed_generator_state")]


def _first_difference(a, b, path=""):
    """Where two :func:`canonical` descriptions first differ, in words."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if a.get(k, ...) != b.get(k, ...):
                return _first_difference(a.get(k), b.get(k), f"{path}.{k}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
    return f"{path.lstrip('.') or 'the estimator'}: {a!r} stored, {b!r} given"


class _FittedWriter:
    """An estimator's fitted state as JSON, arrays and Keras models.

    :meth:`estimator` describes an estimator as ``{"class", "params",
    "attrs"}``: the state of the estimators among its parameters (a
    Pipeline's steps, fitted in place) and its fitted attributes, each plain
    data (tagged JSON, arrays kept in :attr:`arrays`), a Keras model (kept in
    :attr:`models`, with their dropout generators' states in :attr:`arrays`),
    a fitted estimator cloned from the parameter of its name (``estimator_``
    from ``estimator``, SciKeras's ``feature_encoder_``), or what is made
    again from the parameters (a SciKeras classifier's label encoder, refitted
    on its classes; SGD's loss object). Anything else raises
    :class:`NotReproducibleError` naming its path and type.
    """

    def __init__(self):
        import keras
        from scikeras.wrappers import BaseWrapper, KerasClassifier

        self._model_type = keras.Model
        self._wrapper, self._classifier = BaseWrapper, KerasClassifier
        self.arrays, self.models = {}, []

    def estimator(self, est, path):
        if _skorch_net(est):
            return self._skorch(est, path)
        params = est.get_params(deep=False)
        nested = []
        for where, sub in _estimators_in(params, []):
            text = _where_text(params, where)
            nested.append([where, self.estimator(sub, f"{path}{text}.")])
        attrs = {}
        for name, value in vars(est).items():
            if name in params or (
                isinstance(est, self._wrapper) and name in _DERIVED_CALLBACKS
            ):
                continue
            if name == "_loss_function_" and hasattr(est, "_get_loss_function"):
                attrs[name] = self._sgd_loss(est, value, f"{path}{name}")
            elif _is_estimator(value):
                attrs[name] = self._fitted_part(est, name, value, f"{path}{name}")
            else:
                attrs[name] = self.value(value, f"{path}{name}")
        return {"class": _class_name(type(est)), "params": nested, "attrs": attrs}

    def _skorch(self, net, path):
        """A fitted skorch net: its module's state and its classes; the rest
        (optimizer, criterion, callbacks) is made again by ``initialize``."""
        node = {"class": _class_name(type(net)), "params": [], "attrs": {}}
        if not getattr(net, "initialized_", False):  # a template: no state
            return {**node, "skorch": None}
        state = {
            name: self._array(tensor.detach().cpu().numpy(), f"{path}module_.{name}")
            for name, tensor in net.module_.state_dict().items()
        }
        classes = getattr(net, "classes_inferred_", None)
        return {
            **node,
            "skorch": {
                "module": state,
                "classes_inferred_": self.value(classes, f"{path}classes_inferred_"),
            },
        }

    def _fitted_part(self, owner, name, value, path):
        if name == "target_encoder_" and isinstance(owner, self._classifier):
            return {"refit-target-encoder": self._target_encoder(owner, value, path)}
        template = getattr(owner, name[:-1], None) if name.endswith("_") else None
        try:
            same = type(template) is type(value) and (
                canonical(template) == canonical(value)
            )
        except NotReproducibleError:
            same = False
        if not same:
            raise NotReproducibleError(
                f"The fitted attribute {path} (a {_type_name(value)}) is not a "
                f"fitted copy of its estimator's {name[:-1]!r}, so it cannot be "
                "restored from plain data; retrain instead of storing it."
            )
        return {"estimator": self.estimator(value, f"{path}.")}

    @staticmethod
    def _sgd_loss(est, value, path):
        """scikit-learn's SGD estimators' loss object, made again from ``loss``."""
        if _state_digest(est._get_loss_function(est.loss)) != _state_digest(value):
            raise NotReproducibleError(
                f"The fitted attribute {path} (a {_type_name(value)}) is not the "
                "loss object the estimator's loss gives; retrain instead of "
                "storing it."
            )
        return {"derived": "sgd-loss"}

    def _target_encoder(self, owner, encoder, path):
        refusal = NotReproducibleError(
            f"The fitted attribute {path} (a {_type_name(encoder)}) is not the "
            "label encoder that fitting on the classes gives, so it cannot be "
            "restored from plain data; retrain instead of storing it."
        )
        if getattr(owner, "y_ndim_", None) != 1:
            raise refusal
        stored = {
            "classes": encoder.classes_,
            "y_dtype": owner.y_dtype_,
            "n_samples": owner.X_shape_[0],
            "categories": encoder.categories,
        }
        try:
            again = _refit_target_encoder(owner, **stored)
        except (TypeError, ValueError) as exc:
            raise refusal from exc
        if _state_digest(again) != _state_digest(encoder):
            raise refusal
        description = {k: self.value(v, f"{path}.{k}") for k, v in stored.items()}
        return {**description, "digest": _state_digest(encoder)}

    def value(self, value, path):
        kind = type(value)
        if value is None or kind in (bool, int, float, str):
            return value
        if isinstance(value, np.ndarray | np.generic):
            return self._array(value, path)
        if isinstance(value, np.dtype) and np.dtype(value.str) == value:
            return {"dtype": value.str}
        if kind in (list, tuple):
            items = [self.value(v, f"{path}[{i}]") for i, v in enumerate(value)]
            return {kind.__name__: items}
        if kind in (set, frozenset):
            items = [self.value(v, f"{path}{{}}") for v in value]
            return {kind.__name__: sorted(items, key=_sort_key)}
        if kind in (dict, defaultdict) and all(isinstance(k, str) for k in value):
            items = {k: self.value(v, f"{path}[{k!r}]") for k, v in value.items()}
            if kind is dict:
                return {"dict": items}
            if value.default_factory is list:  # SciKeras's history_
                return {"defaultdict-list": items}
        if isinstance(value, self._model_type):
            self.models.append(value)
            seeds = [self._array(v.numpy(), path) for v in _seed_states(value)]
            return {"keras": f"model-{len(self.models) - 1}.keras", "seeds": seeds}
        raise NotReproducibleError(
            f"The fitted attribute {path} (a {_type_name(value)}) is not plain "
            "data, a Keras model or a fitted estimator, so it cannot be stored "
            "without pickle; retrain instead of storing it."
        )

    def _array(self, value, path):
        array, tag = np.asarray(value), "array"
        if isinstance(value, np.generic):
            tag = "scalar"
        if array.dtype == object:  # labels as Python strings
            if not all(type(v) is str for v in array.flat):
                raise NotReproducibleError(
                    f"The fitted attribute {path} (an array of objects) holds "
                    "other objects than strings, so it cannot be stored without "
                    "pickle; retrain instead of storing it."
                )
            array, tag = array.astype(str), f"{tag}-of-str"
        name = f"a{len(self.arrays)}"
        self.arrays[name] = array
        return {tag: name}


class _FittedReader:
    """Sets the fitted state :class:`_FittedWriter` described on clones.

    Nothing in an archive names code to run: classes come from the caller's
    template (and are only compared with the archive's), arrays are read
    without pickle and Keras models with ``safe_mode=True``. Whatever does not
    fit raises one of ``_READ_ERRORS``.
    """

    def __init__(self, archive, arrays, folder):
        import keras
        from scikeras.wrappers import BaseWrapper

        self._load_model = keras.saving.load_model
        self._wrapper = BaseWrapper
        self.archive, self.arrays, self.folder = archive, arrays, folder

    def estimator(self, node, est):
        if node["class"] != _class_name(type(est)):
            raise _Unreadable(
                f"it holds a {node['class']} where the template has a "
                f"{_class_name(type(est))}"
            )
        if "skorch" in node:
            return self._skorch(node["skorch"], est)
        params = est.get_params(deep=False)
        for where, child in node["params"]:
            sub = params
            for step in where:
                sub = sub[step]
            if not _is_estimator(sub):
                raise _Unreadable(f"it names no estimator at {where}")
            self.estimator(child, sub)
        later = {}
        for name, description in node["attrs"].items():
            if not name.isidentifier() or name.startswith("__") or name in params:
                raise _Unreadable(f"it holds the attribute name {name!r}")
            if isinstance(description, dict) and (
                {"estimator", "refit-target-encoder", "derived"} & set(description)
            ):
                later[name] = description
            else:
                setattr(est, name, self.value(description))
        for name, description in later.items():  # after classes_ and the like
            if "estimator" in description:
                template = getattr(est, name[:-1], None)
                if not _is_estimator(template):
                    raise _Unreadable(f"its {name} has no template")
                part = self.estimator(description["estimator"], clone(template))
            elif description.get("derived") == "sgd-loss":
                part = est._get_loss_function(est.loss)
            else:
                part = self._target_encoder(est, description["refit-target-encoder"])
            setattr(est, name, part)
        if isinstance(est, self._wrapper) and hasattr(est, "model_"):
            est._initialize_callbacks()
        return est

    def _skorch(self, description, net):
        """The template net initialized (torch's generator left as it was),
        its module's state loaded, strictly: every tensor, the same shapes."""
        if description is None:  # a template, stored unfitted
            return net
        import torch

        generator = torch.random.get_rng_state()
        try:
            net.initialize()
        finally:
            torch.random.set_rng_state(generator)
        state = {
            name: torch.from_numpy(np.array(self.value(tag)))
            for name, tag in description["module"].items()
        }
        try:
            net.module_.load_state_dict(state, strict=True)
        except RuntimeError as exc:  # other names or shapes
            raise _Unreadable(f"its module's state does not fit ({exc})") from exc
        classes = self.value(description["classes_inferred_"])
        if classes is not None:
            net.classes_inferred_ = classes
        return net

    def _target_encoder(self, wrapper, description):
        stored = {k: self.value(description[k]) for k in ("classes", "y_dtype")}
        stored["n_samples"] = int(description["n_samples"])
        stored["categories"] = self.value(description["categories"])
        encoder = _refit_target_encoder(wrapper, **stored)
        if _state_digest(encoder) != description["digest"]:
            raise _Unreadable(
                "the label encoder fitted again on its classes differs from the "
                "one stored (another scikit-learn or SciKeras?)"
            )
        return encoder

    def value(self, description):
        if description is None or type(description) in (bool, int, float, str):
            return description
        if "keras" in description:
            return self._model(description["keras"], description["seeds"])
        ((tag, body),) = description.items()  # ValueError if not one tag
        if tag in _ARRAY_TAGS:
            array = self.arrays[body]
            if tag.endswith("-of-str"):
                array = array.astype(object)
            return array[()] if tag.startswith("scalar") else array
        if tag == "dtype":
            return np.dtype(str(body))
        if tag in _CONTAINERS:
            return _CONTAINERS[tag](self.value(v) for v in body)
        if tag in ("dict", "defaultdict-list"):
            items = {str(k): self.value(v) for k, v in body.items()}
            return items if tag == "dict" else defaultdict(list, items)
        raise _Unreadable(f"it holds a value tagged {tag!r}")

    def _model(self, name, seeds):
        if not re.fullmatch(r"model-[0-9]+\.keras", name):
            raise _Unreadable(f"it names the network {name!r}")
        path = self.folder / name
        path.write_bytes(self.archive.read(name))
        model = self._load_model(path, safe_mode=True)
        states = _seed_states(model)
        if len(states) != len(seeds):
            raise _Unreadable(f"{name} has not {len(seeds)} random generators")
        for state, seed in zip(states, seeds):
            state.assign(self.value(seed))
        return model


def write_fitted(estimator):
    """The archive of a fitted estimator, as bytes (see the module's docstring).

    Parameters
    ----------
    estimator : estimator
        The fitted estimator; :func:`~skmnistnoise._describe.canonical` must
        describe it.

    Returns
    -------
    data : bytes
        The zip archive.

    Raises
    ------
    NotReproducibleError
        For a fitted attribute that :class:`_FittedWriter` cannot store (an
        object, a list of fitted estimators as in ``VotingClassifier``): the
        message names its path and type.
    """
    document = {
        "format": FITTED_FORMAT,
        "estimator": canonical(estimator),
        "state": (writer := _FittedWriter()).estimator(estimator, ""),
    }
    buffer, arrays = io.BytesIO(), io.BytesIO()
    np.savez(arrays, **writer.arrays)
    with (
        tempfile.TemporaryDirectory() as folder,
        zipfile.ZipFile(buffer, "w") as archive,
    ):
        archive.writestr("state.json", json.dumps(document))
        archive.writestr("arrays.npz", arrays.getvalue())
        for i, model in enumerate(writer.models):
            path = Path(folder) / f"model-{i}.keras"
            model.save(path)
            archive.write(path, path.name)
    return buffer.getvalue()


def read_fitted(data, template, key):
    """The estimator :func:`write_fitted` archived: a fitted clone of ``template``.

    Parameters
    ----------
    data : bytes
        The archive.
    template : estimator
        The unfitted estimator, with the stored one's parameters.
    key : str
        The record's key, to name in a refusal.

    Returns
    -------
    estimator : estimator
        The fitted clone.

    Raises
    ------
    UnusableArchive
        For an archive that is not readable (damaged, of another format) or
        cannot be restored (a label encoder that another scikit-learn fits
        otherwise); the message says why.
    ValueError
        If ``template``'s parameters are not the stored estimator's; the
        message names the first that differs.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        document = json.loads(archive.read("state.json"))
        npz = io.BytesIO(archive.read("arrays.npz"))
        with np.load(npz, allow_pickle=False) as f:
            arrays = {name: f[name] for name in f.files}
        if document["format"] != FITTED_FORMAT:
            raise _Unreadable(f"it is of format {document['format']!r}")
        stored = document["estimator"]
    except _READ_ERRORS as exc:
        raise UnusableArchive(f"it is not readable ({exc})") from exc
    given = canonical(template)
    if given != stored and given != _upgraded_spec(stored):
        raise ValueError(
            f"The template is not the estimator stored under {key}: they "
            f"differ at {_first_difference(stored, given)}."
        )
    try:
        with tempfile.TemporaryDirectory() as folder:
            reader = _FittedReader(archive, arrays, Path(folder))
            return reader.estimator(document["state"], clone(template))
    except _READ_ERRORS as exc:
        raise UnusableArchive(f"it cannot be restored ({exc})") from exc
