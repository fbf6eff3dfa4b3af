"""Optional dependencies: imported where a feature needs them, named when missing.

pandas is not a dependency of skmnistnoise; the features that hand back a
DataFrame (``SweepResults.to_frame``, ``set_output(transform="pandas")`` on the
transformers) import it here, so a missing pandas fails with the feature and
the extra that brings it, ``pip install -e '.[pandas]'``, instead of a
bare ``No module named 'pandas'``.
"""

import importlib

__all__ = ["import_optional", "import_pandas"]

#: The extra of setup.cfg that installs each optional package.
EXTRAS = {"pandas": "pandas", "distributed": "dask", "dask": "dask"}


def import_optional(module, feature):
    """Import an optional dependency, or fail naming the feature and the extra.

    Parameters
    ----------
    module : str
        The module to import, e.g. ``"pandas"``.
    feature : str
        What needs it, as the user wrote it, e.g. ``"SweepResults.to_frame()"``;
        it starts the error message.

    Returns
    -------
    module : module
        The imported module.

    Raises
    ------
    ImportError
        If ``module`` cannot be imported; the message names ``feature``, the
        missing package and the ``pip install`` command of its extra.

    Examples
    --------
    >>> import_optional("json", "Writing JSON").__name__
    'json'
    >>> import_optional("no_such_module", "The frobnicator")
    Traceback (most recent call last):
    ...
    ImportError: The frobnicator needs no_such_module, which is not installed...
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.partition(".")[0]
        extra = EXTRAS.get(top)
        how = (
            f"pip install -e '.[{extra}]' (in the clone)"
            if extra is not None
            else f"pip install {top}"
        )
        raise ImportError(
            f"{feature} needs {top}, which is not installed ({exc}); "
            f"install it with: {how}",
            name=top,
        ) from exc


def import_pandas(feature):
    """Import pandas for ``feature``, or fail naming the ``pandas`` extra.

    Parameters
    ----------
    feature : str
        What needs pandas, e.g. ``"SweepResults.to_frame()"``.

    Returns
    -------
    pandas : module
        The pandas module.

    Raises
    ------
    ImportError
        If pandas is not installed; the message names ``feature`` and
        ``pip install -e '.[pandas]'``.

    Examples
    --------
    >>> pd = import_pandas("SweepResults.to_frame()")  # doctest: +SKIP
    >>> pd.DataFrame({"scale": [0.0, 1.0]}).shape  # doctest: +SKIP
    (2, 1)
    """
    return import_optional("pandas", feature)


class PandasOutputMixin:
    """``set_output(transform="pandas")`` that names the extra without pandas.

    scikit-learn's own check only fails at the first ``transform``, with a
    message that does not say how this package gets pandas; this one fails at
    ``set_output``. Put it left of ``TransformerMixin``.
    """

    def set_output(self, *, transform=None):
        """Set the container of what ``transform`` and ``fit_transform`` return.

        Parameters
        ----------
        transform : {"default", "pandas"} or None, default=None
            ``"pandas"`` gives DataFrames with the input's column names (needs
            pandas: ``pip install -e '.[pandas]'``), ``"default"``
            arrays; None leaves the setting as it is. (scikit-learn also
            accepts ``"polars"``; the package does not test it.)

        Returns
        -------
        self : object
            The transformer.

        Raises
        ------
        ImportError
            If ``transform="pandas"`` and pandas is not installed.
        """
        if transform == "pandas":
            import_pandas(f"{type(self).__name__}.set_output(transform='pandas')")
        return super().set_output(transform=transform)
