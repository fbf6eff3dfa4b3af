"""Stable descriptions of values and estimators: what a stored fit is keyed on.

:func:`canonical` describes an estimator (its class and every parameter of
every step, seeds and epochs included) or a parameter value as JSON-able data
that does not depend on the order of dicts and sets; :func:`digest_arrays`
stands for the content of arrays. The result store hashes such descriptions
into its keys (:meth:`~skmnistnoise._store.ResultStore.key`), so the same fit
always gets the same key and two different fits never share one. Classes and
functions are named by their public names (``skmnistnoise.GaussianNoise``, not
the private module that defines it), so moving code between private modules
keeps every key; a value that cannot be described faithfully (a lambda, a
function defined inside another, a callable object) raises
:class:`NotReproducibleError`, making the fit uncacheable, never a key shared
by two computations. :func:`_upgraded_spec` names again the classes of a
description written before keys used public names.
"""

import enum
import functools
import hashlib
import importlib
import json
import types
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator

__all__ = ["NotReproducibleError", "canonical", "digest_arrays"]

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


def _path_text(path):
    """``("clf", "module", "activation")`` as ``clf__module__activation``.

    Names join with ``__`` as in :meth:`~sklearn.base.BaseEstimator.get_params`;
    positions (``[0]``), dict keys (``['a']``) and set members (``{}``) follow
    the name they are in.
    """
    text = ""
    for part in path:
        text += part if part[:1] in "[{" or not text else f"__{part}"
    return text


def _type_name(obj):
    """``_thread.lock``, ``function``: the qualified name of ``obj``'s type."""
    kind = type(obj)
    if kind.__module__ == "builtins":
        return kind.__qualname__
    return f"{kind.__module__}.{kind.__qualname__}"


def _subject(obj, path):
    """Who a refusal is about: the parameter's path, the value's type and repr."""
    text = repr(obj)
    text = text if len(text) <= 80 else text[:77] + "..."
    where = f"The parameter {_path_text(path)}" if path else "The value"
    return f"{where} (a {_type_name(obj)}: {text})"


def _describe_callable(obj, path=()):
    """A key's description of a function or class given as a parameter value.

    Named by its public name (:func:`_public_name`). A script's own function
    (``__main__``) is described by its name and a digest of its code, so two
    scripts' ``act`` functions get two keys. A lambda, a function defined
    inside another, a bound method or a callable object has no name leading
    back to it and is refused (:class:`NotReproducibleError`), never described
    by its code: a lambda's meaning may hang on what it refers to.
    """
    if isinstance(obj, functools.partial):
        return {
            "partial": _canonical(obj.func, (*path, "func")),
            "args": _canonical(list(obj.args), (*path, "args")),
            "keywords": _canonical(dict(obj.keywords), (*path, "keywords")),
        }
    name = _public_name(obj)
    if name is None and isinstance(obj, np.ufunc):
        # numpy 2.0's ufuncs have no __module__: name them if numpy has them.
        if getattr(np, obj.__name__, None) is obj:
            name = f"numpy.{obj.__name__}"
    if name is None:
        raise NotReproducibleError(
            f"{_subject(obj, path)} cannot key a stored result: a lambda, a "
            "function defined inside another function, a bound method or a "
            "callable object is not described by a name, so two different ones "
            "would share a key. Define the function at the top level of a module "
            "(or give the parameter a string the estimator accepts) to store the fit."
        )
    description = {"callable": name}
    if name.startswith("__main__.") and isinstance(obj, types.FunctionType):
        if obj.__closure__:
            raise NotReproducibleError(
                f"{_subject(obj, path)} cannot key a stored result: it refers to "
                "variables of an enclosing function."
            )
        # A script's own function: two scripts may define different ``act``s.
        description["code"] = _code_digest(obj)
    elif name.startswith("__main__.") and isinstance(obj, type):
        # A script's own class (a torch module given to skorch): two scripts'
        # ``MLP`` classes differ by what their methods compute.
        description["code"] = _class_digest(obj)
    return description


def _class_digest(cls):
    """SHA-256 of a script's class: its functions' code and its other attributes."""
    h = hashlib.sha256()
    for klass in cls.__mro__:
        if klass.__module__ != "__main__":
            h.update(f"{klass.__module__}.{klass.__qualname__}".encode())
            continue
        for attr, value in sorted(vars(klass).items()):
            value = getattr(value, "__func__", value)  # static and class methods
            if isinstance(value, types.FunctionType):
                h.update(f"{attr}={_code_digest(value)}".encode())
            elif not attr.startswith("__"):
                h.update(f"{attr}={value!r}".encode())
    return h.hexdigest()


_HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class made by a class statement


def _plain_object(obj):
    """Whether ``obj``'s state is all in its ``__dict__``, its class importable.

    True for an instance of a class defined in Python (every class of its MRO
    but ``object`` made by a class statement, none with ``__slots__``) that
    :func:`_public_name` finds; False for functions, methods, and anything
    built on a C type (a tensor, a lock, a generator), whose state
    ``vars()`` would not show.
    """
    kind = type(obj)
    if isinstance(obj, types.FunctionType | types.MethodType | functools.partial):
        return False
    if not hasattr(obj, "__dict__") or _public_name(kind) is None:
        return False
    return all(
        c is object or (c.__flags__ & _HEAPTYPE and "__slots__" not in vars(c))
        for c in kind.__mro__
    )


def _is_named_list(seq):
    """Whether ``seq`` is ``[(name, estimator, ...), ...]`` (steps, estimators)."""
    return bool(seq) and all(
        isinstance(v, tuple | list) and len(v) >= 2 and isinstance(v[0], str)
        for v in seq
    )


def _named_item(item, outer):
    """:func:`canonical` of ``(name, estimator, ...)``, its estimator at ``name``."""
    name, here = item[0], (*outer, item[0])
    return [
        name,
        _canonical(item[1], here),
        *(_canonical(v, (*here, f"[{j}]")) for j, v in enumerate(item[2:], start=2)),
    ]


def _sort_key(description):
    return json.dumps(description, sort_keys=True)


def _same_value(value, default):
    """Whether a parameter holds its pre-existing default (type and value)."""
    return type(value) is type(default) and value == default


def canonical(obj):
    """A JSON-able, order-independent description of a value or an estimator.

    Numbers become floats (so ``1`` and ``1.0`` agree), tuples and lists
    become lists (``(512,)`` and ``[512]`` agree: scikit-learn reads them
    alike, and the committed keys were written so), sets and frozensets become
    ``{"set": [...]}`` and ``{"frozenset": [...]}`` with their members sorted
    by description (so ``{1}``, ``frozenset({1})`` and ``[1]`` differ),
    ``enum.Enum`` members their class and member name (``int`` and ``str``
    enums their value, as they always did), estimators their class and
    parameters (estimators nested in lists, tuples and dicts included: steps,
    ``estimators``), Keras objects their class and config, functions and
    classes their importable name, other instances of importable Python
    classes (skorch's ``ValidSplit(5)``) their class and attributes. Classes
    and functions are named by their public names
    (``skmnistnoise.GaussianNoise``), so a key survives the code moving
    between private modules. Parameters that only change
    reporting (``verbose``, ``n_jobs``, ``memory``) are left out.

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
        objects whose state is not all in their ``__dict__`` and other
        values with no stable description. The message names the parameter's path
        (``clf__module__activation``, as ``get_params(deep=True)`` names it) and
        the value's type. A sweep then trains the fit without storing it, with
        a warning.

    Examples
    --------
    >>> from skmnistnoise import GaussianNoise
    >>> description = canonical(GaussianNoise(scale=1))
    >>> description["class"], description["params"]["scale"]
    ('skmnistnoise.GaussianNoise', 1.0)
    >>> canonical({"b", "a"}), canonical((1, 2))
    ({'set': ['a', 'b']}, [1.0, 2.0])
    >>> canonical(GaussianNoise(clip=lambda x: x))
    Traceback (most recent call last):
    ...
    skmnistnoise._describe.NotReproducibleError: The parameter clip (a function: ...
    """
    return _canonical(obj, ())


def _canonical(obj, path):
    """:func:`canonical` of ``obj``, found at ``path`` (a tuple of names)."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, (Integral, Real)) and not isinstance(obj, bool):
        return float(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.ndarray):
        return {"array": digest_arrays(obj)}
    if isinstance(obj, (list, tuple)):
        if _is_named_list(obj):  # steps: named as get_params(deep=True) does
            return [_named_item(item, path[:-1]) for item in obj]
        return [_canonical(v, (*path, f"[{i}]")) for i, v in enumerate(obj)]
    if isinstance(obj, dict):
        return {
            str(k): _canonical(v, (*path, f"[{k!r}]")) for k, v in sorted(obj.items())
        }
    if isinstance(obj, type):
        return _describe_callable(obj, path)
    if isinstance(obj, BaseEstimator) or hasattr(obj, "get_params"):
        params = obj.get_params(deep=False)
        # Parameters a class gained after results were stored under its keys
        # are left out of the description while they hold the value that
        # reproduces the old computation (``_KEY_DEFAULTS``): the stored
        # records keep their keys; any other value is part of the key.
        added = getattr(type(obj), "_KEY_DEFAULTS", {})
        return {
            "class": _class_name(type(obj)),
            "params": {
                k: _canonical(v, (*path, k))
                for k, v in sorted(params.items())
                if k not in _NOT_IN_KEY
                and not (k in added and _same_value(v, added[k]))
            },
        }
    if isinstance(obj, np.random.RandomState | np.random.Generator):
        raise NotReproducibleError(
            f"{_subject(obj, path)} cannot key a stored result: a random "
            "generator's state is not a seed; use an int seed."
        )
    if hasattr(obj, "get_config"):  # Keras optimizers, losses, callbacks
        return {
            "class": _class_name(type(obj)),
            "config": _canonical(obj.get_config(), path),
        }
    # Values no branch above took, so no key written before describes them.
    if isinstance(obj, set | frozenset):
        members = [_canonical(v, (*path, "{}")) for v in obj]
        tag = "frozenset" if isinstance(obj, frozenset) else "set"
        return {tag: sorted(members, key=_sort_key)}
    if isinstance(obj, enum.Enum):
        name = _public_name(type(obj))
        if name is None:
            raise NotReproducibleError(
                f"{_subject(obj, path)} cannot key a stored result: its enum "
                "class is defined inside a function, so two different ones "
                "would share a key."
            )
        return {"enum": name, "member": obj.name}
    if isinstance(obj, np.dtype):
        return {"dtype": str(obj)}
    if _plain_object(obj):
        # An instance of a Python class whose whole state is its __dict__
        # (skorch's ValidSplit(5), a user's callable cross-validator): its
        # class and its attributes, each described in turn.
        return {
            "object": _class_name(type(obj)),
            "state": _canonical(dict(vars(obj)), path),
        }
    if callable(obj):
        return _describe_callable(obj, path)
    raise NotReproducibleError(
        f"{_subject(obj, path)} cannot be described stably, so it cannot key a "
        "stored result. Give the parameter a number, string, list, dict, set, "
        "enum member, estimator or importable function instead to store the fit."
    )


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
