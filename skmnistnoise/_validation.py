"""Checks of X and y shared by the estimators and the sweeps.

scikit-learn's own checks run after these; these come first where its messages
do not say which argument is wrong ("Expected 2D array", "Found input variables
with inconsistent numbers of samples") or print the whole array. Each message
names X or y, says what was received and what to do.
"""

import numpy as np

__all__ = ["check_X_shape", "check_same_length", "check_two_classes"]


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
