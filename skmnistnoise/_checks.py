"""Checks of arguments, shared by the estimators and the sweeps, and seeding.

scikit-learn's own checks run after these; these come first where its messages
do not say which argument is wrong ("Expected 2D array", "Found input variables
with inconsistent numbers of samples") or print the whole array. Each message
names X, y or the parameter, says what was received and what to do.

* X and y: :func:`check_X_shape`, :func:`check_same_length`,
  :func:`check_two_classes`, :func:`check_Xy` (a sweep's data),
  :func:`check_fitted_X` and :func:`check_known_classes` (a fitted network's);
* parameters: :func:`check_positive_ints`, :func:`check_rates`, the sweeps'
  shared constraints (:data:`SEED_CONSTRAINTS`, :data:`SCORING_CONSTRAINTS`,
  :data:`STORE_CONSTRAINTS`) and :func:`validated`, which checks a function's
  arguments against them;
* seeds: :func:`plan_seeds` (the study functions' ``random_state``),
  :func:`seeded`, :func:`step_seeds`.
"""

import functools
import inspect
import os
import warnings
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import get_scorer_names
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_array

from ._store import ResultStore

__all__ = [
    "SCORING_CONSTRAINTS",
    "SEED_CONSTRAINTS",
    "STORE_CONSTRAINTS",
    "check_X_shape",
    "check_Xy",
    "check_fitted_X",
    "check_known_classes",
    "check_positive_ints",
    "check_rates",
    "check_same_length",
    "check_two_classes",
    "seeded",
    "step_seeds",
    "validated",
]

# --------------------------------------------------------------------------
# X and y


def _shape(X):
    """Shape of array-like X without copying arrays, or None if it has none."""
    shape = getattr(X, "shape", None)
    if shape is not None:
        return tuple(shape)
    try:
        return np.asarray(X).shape
    except (ValueError, TypeError):  # ragged lists: scikit-learn's check says so
        return None


def check_X_shape(X, owner, *, allow_nd=False):
    """Refuse X that is not a non-empty stack of samples, naming X.

    Parameters
    ----------
    X : array-like
        The data.
    owner : str
        Who checks (named in the message), e.g. ``"GaussianNoise"``.
    allow_nd : bool, default=False
        Accept image stacks ``(n, h, w)`` and ``(n, h, w, c)``; otherwise X
        must be ``(n_samples, n_features)``.

    Raises
    ------
    ValueError
        If X has fewer than 2 dimensions, more than 2 (unless ``allow_nd``) or
        no samples. X without features is left to scikit-learn, whose message
        ("0 feature(s) (shape=(n, 0)) while a minimum of 1 is required by ...")
        its estimator checks expect.

    Examples
    --------
    >>> check_X_shape([[0.0, 1.0]], "GaussianNoise")
    >>> check_X_shape([0.0, 1.0], "GaussianNoise")
    Traceback (most recent call last):
    ...
    ValueError: GaussianNoise expects X of shape (n_samples, n_features); got a 1-D array of shape (2,). Reshape your data: X.reshape(1, -1) if it is one sample, X.reshape(-1, 1) if it is one feature.
    """  # noqa: E501
    shape = _shape(X)
    if shape is None:
        return
    expected = (
        "(n_samples, n_features) or an image stack (n_samples, height, width[, "
        "channels])"
        if allow_nd
        else "(n_samples, n_features)"
    )
    if len(shape) < 2:
        raise ValueError(
            f"{owner} expects X of shape {expected}; got a {len(shape)}-D array of "
            f"shape {shape}. Reshape your data: X.reshape(1, -1) if it is one "
            "sample, X.reshape(-1, 1) if it is one feature."
        )
    if len(shape) > 2 and not allow_nd:
        raise ValueError(
            f"{owner} expects X of shape {expected}; got an array of shape "
            f"{shape}. Flatten images first, e.g. X.reshape(len(X), -1)."
        )
    if shape[0] == 0:
        raise ValueError(
            f"{owner} got an empty X, of shape {shape}: it needs at least 1 sample."
        )


def check_same_length(X, y):
    """Refuse X and y with different numbers of samples, naming both.

    Parameters
    ----------
    X, y : array-like
        Samples and labels.

    Raises
    ------
    ValueError
        If ``len(X) != len(y)``.

    Examples
    --------
    >>> check_same_length([[0], [1]], [0])
    Traceback (most recent call last):
    ...
    ValueError: X and y have different lengths: 2 samples and 1 labels.
    """
    shape_X, shape_y = _shape(X), _shape(y)
    if not shape_X or not shape_y:
        return
    if shape_X[0] != shape_y[0]:
        raise ValueError(
            f"X and y have different lengths: {shape_X[0]} samples and "
            f"{shape_y[0]} labels."
        )


def check_two_classes(y, owner):
    """Refuse labels of a single class, naming y and the class.

    Parameters
    ----------
    y : ndarray of shape (n_samples,) or (n_samples, 1)
        Validated labels; other shapes (one-hot, multi-output) pass.
    owner : str
        Who checks, named in the message.

    Raises
    ------
    ValueError
        If y holds one distinct value.

    Examples
    --------
    >>> import numpy as np
    >>> check_two_classes(np.array(["cat", "cat"]), "MLPClassifier")
    Traceback (most recent call last):
    ...
    ValueError: y has only one class, 'cat': MLPClassifier needs samples of at least 2 classes.
    """  # noqa: E501
    if y.ndim == 2 and y.shape[1] != 1:
        return
    classes = np.unique(y)
    if len(classes) == 1:
        raise ValueError(
            f"y has only one class, {classes.tolist()[0]!r}: {owner} needs samples "
            "of at least 2 classes."
        )


def check_Xy(X, y):
    """X and y as arrays, refusing what no noise sweep can use, naming it.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or an image stack
        Dense data: noise makes every pixel nonzero.
    y : array-like of shape (n_samples,) or (n_samples, 1)
        One class label per sample.

    Returns
    -------
    X, y : ndarray
        The arrays; y of shape (n_samples,).

    Examples
    --------
    >>> check_Xy([[0.0, 1.0], [1.0, 0.0]], [[0], [1]])[1]
    array([0, 1])
    >>> check_Xy([[0.0, 1.0], [1.0, 0.0]], [[1, 0], [0, 1]])
    Traceback (most recent call last):
    ...
    ValueError: noise_sweep got y of shape (2, 2) (multilabel-indicator): it needs one class label per sample; for one-hot labels pass y.argmax(axis=1).
    """  # noqa: E501
    if hasattr(X, "tocsr") or hasattr(X, "toarray"):
        raise TypeError(
            "noise_sweep got a sparse matrix X: noise makes every pixel nonzero, "
            "so a sweep needs a dense array; pass X.toarray()."
        )
    X = np.asarray(X)
    y = np.asarray(y)
    check_X_shape(X, "noise_sweep", allow_nd=True)
    check_same_length(X, y)
    target = type_of_target(y)
    if target in ("multilabel-indicator", "multiclass-multioutput"):
        raise ValueError(
            f"noise_sweep got y of shape {y.shape} ({target}): it needs one class "
            "label per sample; for one-hot labels pass y.argmax(axis=1)."
        )
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    return X, y


def check_fitted_X(X, owner, *, dtype, shape, floatx):
    """X for a fitted network: checked, and cast where its dtype is another.

    The one check of X after ``fit`` (``predict``, ``partial_fit``, warm
    fits): SciKeras's, except that X of any real dtype is taken, as every
    scikit-learn estimator takes it. SciKeras refused X that does not cast
    safely to the training dtype (float64 after float32, floats after
    uint8); such X is cast to the network's float type (the network
    computes in it whatever X is), or float64 for 64-bit integer training
    data.

    Parameters
    ----------
    X : array-like or sparse matrix
        The data.
    owner : str
        The network's class, named in the messages.
    dtype : numpy.dtype
        The dtype of the training data (SciKeras's ``X_dtype_``).
    shape : tuple of int
        The shape of the training data (SciKeras's ``X_shape_``).
    floatx : str
        Keras's float type, e.g. ``"float32"``.

    Returns
    -------
    X : ndarray or sparse matrix
        X, cast where needed.

    Examples
    --------
    >>> import numpy as np
    >>> X = check_fitted_X([[1.0, 2.0]], "MLPClassifier", dtype=np.dtype("float32"),
    ...                    shape=(10, 2), floatx="float32")
    >>> X.dtype
    dtype('float32')
    """
    if sp.issparse(X) and not isinstance(X, sp.sparray):
        X = sp.lil_matrix(X)  # SciKeras: formats TensorFlow takes
    kind = (X.dtype if sp.issparse(X) else np.asarray(X).dtype).kind
    X = check_array(
        X,
        allow_nd=True,
        # SciKeras's: strings and objects become Keras's float type.
        dtype=floatx if kind in "OUS" else None,
        accept_sparse=True,
        input_name="X",
    )
    if not np.can_cast(X.dtype, dtype):
        target = np.result_type(dtype, floatx)
        with np.errstate(over="ignore"):
            X = X.astype(target)
        if not np.isfinite(X.tocoo().data if sp.issparse(X) else X).all():
            raise ValueError(
                f"X holds values beyond the range of {target}, the type "
                f"{owner} computes in (it was fitted on {dtype} X)."
            )
    if X.ndim != len(shape):
        raise ValueError(
            f"X has {X.ndim} dimensions, but this {owner} is expecting "
            f"{len(shape)} dimensions in X."
        )
    if X.shape[1:] != shape[1:]:
        raise ValueError(
            f"X has shape {X.shape[1:]}, but this {owner} is expecting X of "
            f"shape {shape[1:]}"
        )
    return X


def check_known_classes(y, classes, owner):
    """Refuse training a fitted network on classes it has no output for.

    Parameters
    ----------
    y : array-like
        Labels; only 1-D labels are checked.
    classes : ndarray or None
        The network's classes (None: not fitted, nothing to check).
    owner : str
        The network's class, named in the message.

    Examples
    --------
    >>> import numpy as np
    >>> check_known_classes([0, 2], np.array([0, 1]), "MLPClassifier")
    Traceback (most recent call last):
    ...
    ValueError: y has the classes [2], which MLPClassifier was not fitted on; its network has one output per known class, [0, 1]. partial_fit and warm starts can only go on training on those: to add classes, fit again on data of all of them.
    """  # noqa: E501
    if classes is None or np.ndim(y) != 1:
        return
    known = set(classes.tolist())
    unseen = [c for c in np.unique(y).tolist() if c not in known]
    if unseen:
        raise ValueError(
            f"y has the classes {unseen}, which {owner} was not "
            f"fitted on; its network has one output per known class, "
            f"{classes.tolist()}. partial_fit and warm starts can only go on "
            "training on those: to add classes, fit again on data of all of "
            "them."
        )


# --------------------------------------------------------------------------
# Parameters


def check_positive_ints(value, name, owner, *, allow_empty=False):
    """The positive integers of a size parameter, or a ValueError naming it.

    Examples
    --------
    >>> check_positive_ints((32, 64), "filters", "ConvNetClassifier")
    [32, 64]
    """
    values = np.ravel(value).tolist()
    if (not values and not allow_empty) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in values
    ):
        raise ValueError(
            f"The '{name}' parameter of {owner} must be positive integers. "
            f"Got {value!r} instead."
        )
    return values


def check_rates(value, name, owner, length):
    """Refuse dropout rates that are not ``length`` numbers in [0, 1).

    Examples
    --------
    >>> check_rates((0.25, 1.0), "dropout", "ConvNetClassifier", 2)
    Traceback (most recent call last):
    ...
    ValueError: The 'dropout' parameter of ConvNetClassifier must be 2 rates in [0, 1). Got (0.25, 1.0) instead.
    """  # noqa: E501
    values = np.ravel(value).tolist()
    if len(values) != length or not all(
        isinstance(v, float | int) and not isinstance(v, bool) and 0 <= v < 1
        for v in values
    ):
        raise ValueError(
            f"The '{name}' parameter of {owner} must be {length} rates in [0, 1). "
            f"Got {value!r} instead."
        )


#: The constraints of a seed argument (``random_state`` of a sweep).
SEED_CONSTRAINTS = [Interval(Integral, 0, None, closed="left"), None]
#: The constraints of a sweep's ``scoring``, as ``validation_curve``'s.
SCORING_CONSTRAINTS = [
    StrOptions(set(get_scorer_names())),
    callable,
    list,
    tuple,
    dict,
    None,
]
#: The constraints of a ``store`` argument: a store or its folder.
STORE_CONSTRAINTS = [ResultStore, str, os.PathLike, None]


def validated(constraints):
    """Check a function's arguments with scikit-learn's constraints.

    As ``sklearn.utils._param_validation.validate_params`` does, but without
    its renaming of the errors raised inside: a bad pipeline parameter found
    while planning keeps the name of the estimator it belongs to.

    Parameters
    ----------
    constraints : dict
        Argument name to a list of constraints, as ``_parameter_constraints``.

    Returns
    -------
    decorator : callable
        Wraps a function so that it checks its arguments first.

    Examples
    --------
    >>> @validated({"n": [Interval(Integral, 1, None, closed="left")]})
    ... def repeat(word, n=1):
    ...     return word * n
    >>> repeat("ab", n=2)
    'abab'
    >>> repeat("ab", n=0)
    Traceback (most recent call last):
    ...
    sklearn.utils._param_validation.InvalidParameterError: The 'n' parameter of repeat must be an int in the range [1, inf). Got 0 instead.
    """  # noqa: E501

    def decorator(func):
        signature = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            params = {k: v for k, v in bound.arguments.items() if k in constraints}
            validate_parameter_constraints(
                constraints, params, caller_name=func.__qualname__
            )
            return func(*args, **kwargs)

        return wrapper

    return decorator


# --------------------------------------------------------------------------
# Seeds


def seeded(estimator, seed, *, nested=False):
    """``estimator`` with every step's own ``random_state`` set to ``seed``.

    The sweeps' seeding: the ``random_state`` of the estimator and of each of
    its steps (``noise__random_state``, ``clf__random_state``), set in place.

    Parameters
    ----------
    estimator : estimator or Pipeline
        Set in place.
    seed : int
        The seed.
    nested : bool, default=False
        Also set every ``random_state`` deeper down that is left at None (a
        pipeline's noise step inside a smoother), so that nothing draws
        afresh; a classifier's ``train_noise`` is left alone (the classifier
        seeds it from its own ``random_state``). A certification study's
        seeding.

    Returns
    -------
    estimator : estimator or Pipeline
        The same object.

    Examples
    --------
    >>> from sklearn.linear_model import SGDClassifier
    >>> from sklearn.pipeline import Pipeline
    >>> from skmnistnoise import GaussianNoise
    >>> pipe = Pipeline([("noise", GaussianNoise()), ("clf", SGDClassifier())])
    >>> step_seeds(seeded(pipe, 3))
    [3, 3]
    """
    params = estimator.get_params(deep=True)
    own = [
        k
        for k in params
        if k == "random_state" or (k.endswith("__random_state") and k.count("__") == 1)
    ]
    estimator.set_params(**dict.fromkeys(own, seed))
    if not nested:
        return estimator
    unseeded = [
        name
        for name, value in estimator.get_params(deep=True).items()
        if name.endswith("__random_state")
        and value is None
        and not name.endswith("train_noise__random_state")
    ]
    return estimator.set_params(**dict.fromkeys(unseeded, seed))


def step_seeds(estimator):
    """The ``random_state`` of every step that has one.

    Examples
    --------
    >>> from sklearn.linear_model import SGDClassifier
    >>> step_seeds(SGDClassifier(random_state=1))
    [1]
    """
    steps = estimator.steps if isinstance(estimator, Pipeline) else [("", estimator)]
    params = [step.get_params(deep=False) for _, step in steps]
    return [p["random_state"] for p in params if "random_state" in p]


# --------------------------------------------------------------------------
# Seeds of the study functions, one convention (noise_sweep, run_study,
# robustness_matrix, certify_study)

RANDOM_STATE_CONSTRAINTS = [*SEED_CONSTRAINTS, "array-like"]

#: Parameter descriptions written once, put into each function's docstring
#: where it says ``%(name)s`` (numpydoc's shared text).
SHARED_DOCS = {
    "random_state": """random_state : int, sequence of int or None, default=None
        The seeds, as scikit-learn's ``random_state``, with replicates. None:
        the estimators' own ``random_state`` parameters, as given, so that
        :func:`noise_sweep`'s scores equal ``validation_curve``'s
        (:func:`run_study` builds its pipelines seeded 0). An int: every
        step's ``random_state`` set to it. A sequence of distinct ints: one
        fit per seed (replicates), every step's ``random_state`` set to it,
        each row with its ``seed``; :meth:`SweepResults.aggregate` gives the
        mean and its interval over them. A ``store`` keeps a fit only when
        every step is seeded.""",
    "seeds": """seeds : sequence of int or None, default=None
        One fit per seed.

        .. deprecated:: 0.3
           ``seeds`` is deprecated in 0.3 and will be removed in 0.4; use
           ``random_state=[...]`` instead.""",
    "dataset": """dataset : str, default="custom"
        The dataset's name, recorded in the rows' ``dataset`` column.""",
}


def shared_docs(func):
    """Put the shared parameter descriptions into ``func``'s docstring."""
    for name, text in SHARED_DOCS.items():
        func.__doc__ = func.__doc__.replace(f"%({name})s", text)
    return func


def deprecated(owner, old, new, *, helpers=0):
    """Warn that ``old`` of ``owner`` is deprecated for ``new``.

    The warning names the line that called ``owner``, ``helpers`` frames
    (functions of this module called by ``owner``) above this one.
    """
    warnings.warn(
        f"The {old} of {owner} {'are' if ' and ' in old else 'is'} deprecated in "
        f"0.3 and will be removed in 0.4; use {new} instead.",
        FutureWarning,
        # this function, the helpers, the function, its validating wrapper
        stacklevel=4 + helpers,
    )


def seed_list(values, name, owner):
    """A sequence of seeds checked: distinct ints >= 0, at least one."""
    seeds = list(values)
    for seed in seeds:
        if not isinstance(seed, Integral) or isinstance(seed, bool) or seed < 0:
            raise InvalidParameterError(
                f"The '{name}' parameter of {owner} must hold ints >= 0; got {seed!r}."
            )
    seeds = [int(s) for s in seeds]
    if not seeds or len(set(seeds)) != len(seeds):
        raise InvalidParameterError(
            f"The '{name}' parameter of {owner} must be an int, None or a "
            f"non-empty sequence of distinct ints; got {values!r}."
        )
    return seeds


def plan_seeds(random_state, owner):
    """The seeds of a sweep's fits: ``[None]`` (the steps' own), ``[k]``, or several."""
    if random_state is None or isinstance(random_state, Integral):
        return [random_state]
    return seed_list(random_state, "random_state", owner)


def undeprecated_seeds(random_state, seeds, owner, *, helpers=0):
    """``random_state``, or the deprecated ``seeds`` (which overrides it), warning.

    ``helpers``: functions between ``owner`` and this one, for the warning to
    name the caller's line.
    """
    if seeds is None:
        return random_state
    seeds = seed_list(seeds, "seeds", owner)
    deprecated(
        owner, "'seeds' parameter", f"random_state={seeds!r}", helpers=1 + helpers
    )
    return seeds
