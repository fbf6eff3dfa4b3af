"""The result table of a study, and the one place its numbers are aggregated.

A sweep returns a :class:`SweepResults`: one row (a dict) per fit. Every
consumer reads it through its methods: the figures take
:meth:`SweepResults.fold_scores` (the ``(n_values, n_folds)`` arrays of
:class:`~sklearn.model_selection.ValidationCurveDisplay`), the report, the
corruption scores and the benchmarks take :meth:`SweepResults.aggregate`
(mean, standard deviation and a 95% interval over folds and seeds), and every
Markdown table is written by :func:`markdown_table`.
"""

import csv
import json
import math
from dataclasses import dataclass, field

import numpy as np

from ._files import atomic_write
from ._registry import CORRUPTIONS, DATASET_CLASSES, MODELS, NOISES

__all__ = [
    "CERTIFY_COLUMNS",
    "COLUMNS",
    "EPOCH_COLUMNS",
    "SweepResults",
    "markdown_table",
    "matrix_from_results",
    "wilson_interval",
]

#: Columns written to results.csv, in order; results.json has these and the
#: per-epoch curves. Scores of other ``scoring`` names add their own columns.
COLUMNS = (
    "dataset",
    "model",
    "noise",
    "protocol",
    "scale",
    "pixel_scale",
    "fold",
    "seed",
    "train_accuracy",
    "test_accuracy",
    "train_loss",
    "test_loss",
    "epochs",
    "fit_time",
    "score_time",
    "n_train",
    "n_test",
    "n_classes",
    "key",
)
#: The per-epoch curves of a Keras classifier's row (lists, one value an epoch).
EPOCH_COLUMNS = (
    "epoch_train_accuracy",
    "epoch_test_accuracy",
    "epoch_train_loss",
    "epoch_test_loss",
)
#: What makes an arm: rows that differ only in scale, fold and seed.
ARM = ("dataset", "model", "noise", "protocol")
#: Columns of a certification run's row (``certify_study``), in order;
#: results.json adds what was set to sigma (``sigma_params``), the radii
#: (``certified_radii``), the certified accuracy at each
#: (``certified_accuracy_at``) and the per-image certificates
#: (``certificate_label``, ``_prediction``, ``_radius``, ``_abstained``).
CERTIFY_COLUMNS = (
    "dataset",
    "model",
    "sigma",
    "seed",
    "n0",
    "n",
    "alpha",
    "batch_size",
    "test_accuracy",
    "acr",
    "abstained",
    "epochs",
    "fit_time",
    "score_time",
    "n_train",
    "n_images",
    "n_classes",
    "key",
)
#: Certification rows written before 0.3 kept sigma and the images in the
#: sweep's columns: the old name of a column, and its name now.
_OLD_CERTIFY_NAMES = {"scale": "sigma", "n_test": "n_images"}
#: ... and sweep columns with nothing to say about a certification run
#: (``noise="additive"``, ``protocol="smoothing"``, ``pixel_scale``, ``fold=0``).
_OLD_CERTIFY_DROPPED = ("noise", "protocol", "pixel_scale", "fold")


def markdown_table(header, rows, align=None):
    """A GitHub-flavoured Markdown table.

    Parameters
    ----------
    header : sequence of str
        Column names.
    rows : iterable of sequence
        Cells, written with ``str``.
    align : sequence of str or None, default=None
        One ``"---"`` (left) or ``"--:"`` (right) per column; None: numbers
        right-aligned as judged from the first row, text left.

    Returns
    -------
    table : str

    Examples
    --------
    >>> print(markdown_table(["model", "accuracy"], [["MLP", "0.98"]]))
    | model | accuracy |
    |---|--:|
    | MLP | 0.98 |
    """
    rows = [list(row) for row in rows]
    if align is None:
        first = rows[0] if rows else [""] * len(header)
        align = ["--:" if _looks_numeric(cell) else "---" for cell in first]
    lines = ["| " + " | ".join(map(str, header)) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _looks_numeric(cell):
    if isinstance(cell, int | float):
        return True
    text = str(cell).split(" ")[0].replace(",", "")
    try:
        float(text)
    except ValueError:
        return False
    return True


def wilson_interval(accuracy, n, *, confidence=0.95):
    """The Wilson score interval of an accuracy measured on ``n`` test images.

    The binomial uncertainty of one fit's test accuracy: the images are a
    sample, so another test set of the same size would give another number.

    Parameters
    ----------
    accuracy : float or array-like
        Fractions correct.
    n : int or array-like
        Test images behind each.
    confidence : float, default=0.95
        Coverage of the interval.

    Returns
    -------
    low, high : float or ndarray

    Examples
    --------
    >>> from skmnistnoise.metrics import wilson_interval
    >>> low, high = wilson_interval(0.99, 10_000)
    >>> round(float(low), 4), round(float(high), 4)
    (0.9879, 0.9918)
    """
    from scipy.stats import norm

    p = np.asarray(accuracy, dtype=float)
    n = np.asarray(n, dtype=float)
    z = norm.ppf(0.5 + confidence / 2)
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def _interval(values, confidence=0.95):
    """Mean, std and the t interval of the mean of replicate values."""
    from scipy.stats import t

    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    n = len(values)
    if not n:
        return math.nan, math.nan, math.nan, math.nan
    mean = float(values.mean())
    if n == 1:
        return mean, math.nan, math.nan, math.nan
    std = float(values.std(ddof=1))
    half = float(t.ppf(0.5 + confidence / 2, n - 1) * std / math.sqrt(n))
    return mean, std, mean - half, mean + half


def _order(value, names):
    return (names.index(value) if value in names else len(names), str(value))


def is_certification(row):
    """Whether a row is a certification run's (``certify_study``)."""
    return "certified_accuracy_at" in row


def upgraded(row):
    """A row in this version's columns: the one place old rows are upgraded.

    Certification rows written before 0.3 held sigma in the sweep's
    ``scale`` and the certified images in ``n_test``, beside
    ``noise="additive"``, ``protocol="smoothing"``, ``pixel_scale`` and
    ``fold``; they come back as ``sigma`` and ``n_images``, without the
    others. Every other row is returned as it is.

    Examples
    --------
    >>> old = {"model": "mlp", "noise": "additive", "protocol": "smoothing",
    ...        "scale": 0.5, "pixel_scale": 0.5, "fold": 0, "n_test": 500,
    ...        "certified_accuracy_at": [0.9]}
    >>> upgraded(old)
    {'model': 'mlp', 'certified_accuracy_at': [0.9], 'sigma': 0.5, 'n_images': 500}
    """
    if not is_certification(row) or "sigma" in row:
        return row
    new = {k: v for k, v in row.items() if k not in _OLD_CERTIFY_DROPPED}
    for old, name in _OLD_CERTIFY_NAMES.items():
        if old in new:
            new[name] = new.pop(old)
    return new


def _row_order(r):
    scale = r.get("scale")
    if scale is None:  # a certification row: its sigma
        scale = r.get("sigma")
    return (
        str(r.get("dataset")),
        _order(r.get("model"), MODELS),
        _order(r.get("noise"), (*NOISES, *CORRUPTIONS)),
        str(r.get("protocol")),
        float(0.0 if scale is None else scale),
        int(r.get("fold", 0)),
        str(r.get("seed")),
    )


#: The columns :meth:`SweepResults.aggregate` writes for every group.
_STATISTICS = (
    "n", "mean", "std", "ci_low", "ci_high", "seeds", "folds",
    "wilson_low", "wilson_high",
)  # fmt: skip


@dataclass
class SweepResults:
    """The tidy result table of a sweep: one row (a dict) per fit.

    Scalar columns are listed in ``COLUMNS`` (plus ``train_<name>`` and
    ``test_<name>`` for other ``scoring`` names); rows of Keras classifiers
    also hold the per-epoch curves (``epoch_train_accuracy``,
    ``epoch_test_accuracy``, ``epoch_train_loss``, ``epoch_test_loss``).
    The rows of a certification study have their own columns,
    ``CERTIFY_COLUMNS`` (``sigma``, ``n``, ``n0``, ``alpha``, ...); rows of
    that study written before 0.3 (sigma as ``scale``) are upgraded to them
    when the table is made.

    Parameters
    ----------
    rows : list of dict, default=[]
        The rows.
    n_computed : int, default=0
        Fits trained by the run that made the table.
    n_cached : int, default=0
        Fits read from the result store by that run.
    wall_time : float, default=0.0
        Seconds the run took.
    settings : dict, default={}
        What was run (the command line's settings), kept with the rows by
        :meth:`to_json` so that a report can be rebuilt from the file.

    See Also
    --------
    noise_sweep : Makes a table.
    skmnistnoise.plotting : Draws one.

    Examples
    --------
    >>> from skmnistnoise.experiment import SweepResults
    >>> results = SweepResults([
    ...     {"model": "mlp", "scale": 0.0, "fold": 0, "test_accuracy": 0.97},
    ...     {"model": "mlp", "scale": 1.0, "fold": 0, "test_accuracy": 0.61},
    ...     {"model": "mlp", "scale": 1.0, "fold": 1, "test_accuracy": 0.65},
    ... ])
    >>> len(results), results.unique("scale")
    (3, [0.0, 1.0])
    >>> scales, scores = results.fold_scores("test_accuracy")
    >>> scales.tolist(), scores.tolist()  # a missing fold gets the mean of the others
    ([0.0, 1.0], [[0.97, 0.97], [0.61, 0.65]])
    >>> [round(a["mean"], 2) for a in results.aggregate("test_accuracy")]
    [0.97, 0.63]
    """

    rows: list = field(default_factory=list)
    n_computed: int = 0
    n_cached: int = 0
    wall_time: float = 0.0
    settings: dict = field(default_factory=dict)

    def __post_init__(self):
        # Rows of an older version (results.json, a list, a DataFrame) in
        # this version's columns; a table of current rows keeps its list.
        if any(upgraded(r) is not r for r in self.rows):
            self.rows = [upgraded(r) for r in self.rows]

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __add__(self, other):
        return SweepResults(
            sorted(self.rows + other.rows, key=_row_order),
            self.n_computed + other.n_computed,
            self.n_cached + other.n_cached,
            self.wall_time + other.wall_time,
            {**other.settings, **self.settings},
        )

    @classmethod
    def coerce(cls, results):
        """A table from a table, a list of row dicts or a pandas DataFrame."""
        if isinstance(results, cls):
            return results
        if hasattr(results, "to_dict"):  # pandas DataFrame
            return cls(results.to_dict("records"))
        return cls(list(results))

    # -- selecting -------------------------------------------------------
    def select(self, **where):
        """Rows whose columns equal the given values."""
        return [r for r in self.rows if all(r.get(k) == v for k, v in where.items())]

    def where(self, **where):
        """The table of the selected rows."""
        return SweepResults(self.select(**where), settings=dict(self.settings))

    def column(self, name, **where):
        """One column as a numpy array, optionally of selected rows."""
        return np.asarray([r[name] for r in self.select(**where)])

    def unique(self, name):
        """Sorted distinct values of a column (rows without it are skipped)."""
        values = {r[name] for r in self.rows if name in r}
        return sorted(values, key=lambda v: (str(type(v)), v))

    def arms(self, model=None, noise=None):
        """The (model, noise) pairs of the table, filtered; MLP first, then ConvNet.

        ``model`` and ``noise`` are a name, several names or None (all).
        """

        def wanted(value, allowed):
            if allowed is None:
                return True
            return value in ({allowed} if isinstance(allowed, str) else set(allowed))

        arms = {
            (r.get("model"), r.get("noise"))
            for r in self.rows
            if wanted(r.get("model"), model) and wanted(r.get("noise"), noise)
        }
        noises = (*NOISES, *CORRUPTIONS)
        return sorted(arms, key=lambda a: (_order(a[0], MODELS), _order(a[1], noises)))

    def n_classes(self):
        """Classes of the table's classification task, or None if unknown."""
        counts = {int(r["n_classes"]) for r in self.rows if r.get("n_classes")}
        if not counts:
            counts = {DATASET_CLASSES.get(r.get("dataset")) for r in self.rows}
        return counts.pop() if len(counts) == 1 and None not in counts else None

    # -- numbers ---------------------------------------------------------
    def _groups(self, by, rows=None):
        groups = {}
        for r in self.rows if rows is None else rows:
            groups.setdefault(tuple(r.get(k) for k in by), []).append(r)
        return groups

    def fold_scores(self, column, *, x="scale", **where):
        """x values and a ``(n_values, n_folds)`` array of one score column.

        The arrays :class:`~sklearn.model_selection.ValidationCurveDisplay`
        takes: one row per swept scale (sorted), one column per replicate fit
        of that scale (folds, and seeds where several were run).

        Parameters
        ----------
        column : str
            E.g. ``"test_accuracy"``.
        x : str, default="scale"
            The x value of a scale: the mean of this column over its fits
            (``"pixel_scale"`` can differ a little between folds under the
            notebooks protocol).
        **where : dict
            Select rows first (e.g. ``model="mlp", noise="additive"``).

        Returns
        -------
        x_values : ndarray of shape (n_values,)
        scores : ndarray of shape (n_values, n_folds)
            A scale with fewer fits than the others has its missing cells
            filled with the mean of those it has, which keeps the mean right.
        """
        rows = [r for r in self.select(**where) if r.get(column) is not None]
        if not rows:
            raise ValueError(
                f"No rows with a {column!r} score for {where or 'the table'}."
            )
        groups = sorted(self._groups(("scale",), rows).items(), key=lambda g: g[0])
        n = max(len(group) for _, group in groups)
        xs = np.array([np.mean([float(r[x]) for r in g]) for _, g in groups])
        scores = np.empty((len(groups), n))
        for i, (_, group) in enumerate(groups):
            group = sorted(
                group, key=lambda r: (int(r.get("fold", 0)), str(r.get("seed")))
            )
            values = [float(r[column]) for r in group]
            scores[i, : len(values)] = values
            scores[i, len(values) :] = np.mean(values)
        order = np.argsort(xs, kind="stable")
        return xs[order], scores[order]

    def aggregate(self, column="test_accuracy", *, by=(*ARM, "scale"), confidence=0.95):
        """Mean, standard deviation and interval of a column over replicate fits.

        Parameters
        ----------
        column : str, default="test_accuracy"
            The score.
        by : sequence of str, default=("dataset", "model", "noise", "protocol", "scale")
            What makes a group; the fits of a group (folds, seeds) are its
            replicates.
        confidence : float, default=0.95
            Coverage of the intervals.

        Returns
        -------
        groups : list of dict
            One per group, sorted: the ``by`` columns, ``n`` (fits), ``mean``,
            ``std`` (over the fits, ddof=1; NaN for one fit), ``ci_low`` and
            ``ci_high`` (Student's t interval of the mean over fits, cut to
            [0, 1] for accuracies; NaN for one fit), ``seeds`` and ``folds``
            (how many distinct), and for accuracies ``wilson_low`` and
            ``wilson_high``, the binomial interval of the pooled accuracy on
            all the test images of the group's fits.
        """
        clash = [name for name in by if name in _STATISTICS]
        if clash:
            raise ValueError(
                f"The 'by' parameter holds {clash[0]!r}, a column that aggregate "
                f"writes itself ({', '.join(_STATISTICS)}): a group's value would "
                "be overwritten. Copy the column under another name to group by it."
            )
        out = []
        for key, group in self._groups(tuple(by)).items():
            values = [r.get(column) for r in group if r.get(column) is not None]
            mean, std, low, high = _interval(values, confidence)
            if column.endswith("accuracy"):  # an accuracy lies in [0, 1]
                low, high = max(low, 0.0), min(high, 1.0)
            entry = dict(zip(by, key))
            entry.update(
                n=len(values),
                mean=mean,
                std=std,
                ci_low=low,
                ci_high=high,
                seeds=len({(r.get("seed"), r.get("replicate")) for r in group}),
                folds=len({r.get("fold") for r in group}),
            )
            n_test = [r.get("n_test") for r in group if r.get(column) is not None]
            if column.endswith("accuracy") and values and all(n_test):
                pooled = float(np.dot(values, n_test) / np.sum(n_test))
                w_low, w_high = wilson_interval(pooled, np.sum(n_test))
                entry.update(wilson_low=float(w_low), wilson_high=float(w_high))
            out.append(entry)
        return sorted(out, key=_row_order)

    def matrix(self, **where):
        """Train scales, test scales and the accuracy matrix (mean over fits).

        See :func:`matrix_from_results`.
        """
        rows = [r for r in self.select(**where) if "test_accuracy_at" in r]
        if not rows:
            raise ValueError(
                "No rows with test_accuracy_at: run robustness_matrix first."
            )
        train_scales = np.asarray(sorted({r["scale"] for r in rows}))
        test_scales = np.asarray(rows[0]["test_scales"])
        accuracy = np.asarray(
            [
                np.mean(
                    [r["test_accuracy_at"] for r in rows if r["scale"] == s], axis=0
                )
                for s in train_scales
            ]
        )
        return train_scales, test_scales, accuracy

    def certified(self, **where):
        """The certified-accuracy table: one row per certification run and radius.

        From the rows of :func:`~skmnistnoise.experiment.certify_study`: each
        becomes one row per radius of its ``certified_radii``, holding
        ``radius`` and ``certified_accuracy`` beside the run's dataset, model,
        ``sigma``, seed, ``n``, ``n0`` and ``alpha``, and its ``n_images`` as
        ``n_test`` (the images behind each accuracy, whose binomial interval
        :meth:`aggregate` gives), so that :meth:`aggregate` gives the mean
        and interval over seeds at every radius::

            results.certified().aggregate(
                "certified_accuracy", by=("dataset", "model", "sigma", "radius"))

        Parameters
        ----------
        **where : dict
            Select rows first (e.g. ``model="convnet"``).

        Returns
        -------
        table : SweepResults
            Empty if no row holds certificates.
        """
        keep = ("dataset", "model", "sigma", "seed", "n", "n0", "alpha")
        out = []
        for r in self.select(**where):
            if not is_certification(r):
                continue
            base = {k: r.get(k) for k in keep}
            base["n_test"] = r.get("n_images")
            for radius, accuracy in zip(
                r["certified_radii"], r["certified_accuracy_at"], strict=True
            ):
                out.append({**base, "radius": radius, "certified_accuracy": accuracy})
        return SweepResults(out, settings=dict(self.settings))

    # -- files -----------------------------------------------------------
    def to_csv(self, path):
        """Write the scalar columns (and any extra scalar ones) as CSV.

        ``COLUMNS`` first, or for the rows of a certification study
        ``CERTIFY_COLUMNS`` (both, sweep's first, for a table of both).

        Like :meth:`to_json`, the file is written under a temporary name and
        renamed: a killed run leaves the previous file or none, never half a
        table.
        """
        certification = sum(map(is_certification, self.rows))
        only_certification = certification and certification == len(self.rows)
        first = [] if only_certification else list(COLUMNS)
        if certification:
            first += [c for c in CERTIFY_COLUMNS if c not in first]
        extra = sorted(
            {k for r in self.rows for k, v in r.items() if not isinstance(v, list)}
            - set(first)
        )
        with atomic_write(path) as f:
            writer = csv.DictWriter(f, [*first, *extra], extrasaction="ignore")
            writer.writeheader()
            writer.writerows(self.rows)

    def to_json(self, path):
        """Write every row, per-epoch curves included, and the settings, as JSON."""
        with atomic_write(path) as f:
            json.dump({"rows": self.rows, "settings": self.settings}, f, indent=1)

    @classmethod
    def from_json(cls, path):
        """Read a table written by :meth:`to_json`."""
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
            raise ValueError(f"{path} is not a result table: no list of 'rows'.")
        return cls(data["rows"], settings=dict(data.get("settings") or {}))

    def to_frame(self):
        """The table as a pandas DataFrame (needs the ``pandas`` extra)."""
        from ._optional import import_pandas

        return import_pandas("SweepResults.to_frame()").DataFrame(self.rows)


def matrix_from_results(results, **where):
    """Train scales, test scales and the accuracy matrix (mean over folds).

    Parameters
    ----------
    results : SweepResults
        From :func:`robustness_matrix`.
    **where : dict
        Select rows first (e.g. ``model="convnet"``).

    Returns
    -------
    train_scales : ndarray of shape (n_train,)
    test_scales : ndarray of shape (n_test,)
    accuracy : ndarray of shape (n_train, n_test)

    Examples
    --------
    >>> from skmnistnoise.experiment import SweepResults, matrix_from_results
    >>> rows = [{"model": "mlp", "scale": s, "fold": f, "test_scales": [0.0, 1.0],
    ...          "test_accuracy_at": acc}
    ...         for s, f, acc in [(0.0, 0, [0.98, 0.40]), (0.0, 1, [0.96, 0.42]),
    ...                           (1.0, 0, [0.93, 0.80])]]
    >>> train, test, accuracy = matrix_from_results(SweepResults(rows))
    >>> train.tolist(), test.tolist()
    ([0.0, 1.0], [0.0, 1.0])
    >>> accuracy.round(2).tolist()  # mean over the folds
    [[0.97, 0.41], [0.93, 0.8]]
    """
    return SweepResults.coerce(results).matrix(**where)
