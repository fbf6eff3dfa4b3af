"""Two classifiers on the same images, compared image by image: McNemar's test.

Two certified-accuracy curves measured on the same test images are not two
independent samples: most images are certified by both or by neither, and
only the images where the two disagree say which is better. McNemar's exact
test looks at those alone: under "the two are equally good", each
disagreement goes either way with probability 1/2, so the count ``b`` of
images only the first certifies is Binomial(``b + c``, 1/2). Separate
intervals around each accuracy ignore the pairing and are much wider.
"""

from collections.abc import Mapping
from numbers import Real

import numpy as np
from scipy.stats import binomtest
from sklearn.utils import Bunch
from sklearn.utils._param_validation import validate_params

from ._certify import _certificate_arrays

__all__ = ["paired_certified_test"]


@validate_params(
    {
        "y_true": ["array-like"],
        "certificate_a": [Mapping],
        "certificate_b": [Mapping],
        "radii": ["array-like", Real],
    },
    prefer_skip_nested_validation=True,
)
def paired_certified_test(y_true, certificate_a, certificate_b, radii=0.0):
    """McNemar's exact test of two certificates of the same images, per radius.

    At each radius ``r`` an image counts for a classifier when it is
    certified correct at ``r`` (the prediction is the label, not abstained,
    radius >= r: what :func:`~skmnistnoise.metrics.certified_accuracy`
    averages). ``only_a`` images count for ``certificate_a`` alone, ``only_b``
    for ``certificate_b`` alone; the two-sided exact p-value is that of
    ``only_a`` under Binomial(``only_a + only_b``, 1/2) (1 when they never
    disagree).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels of the images both certificates are of, in the same order.
    certificate_a, certificate_b : Bunch or mapping
        What :meth:`~skmnistnoise.NoiseAveragedClassifier.certify` returned
        (``prediction``, ``radius``, ``abstained``).
    radii : float or array-like of float, default=0.0
        Radii ``r >= 0``.

    Returns
    -------
    result : Bunch
        ``radii``, ``accuracy_a``, ``accuracy_b`` (certified accuracies),
        ``only_a``, ``only_b`` (counts of disagreeing images) and ``pvalue``,
        each an array of shape (n_radii,).

    See Also
    --------
    skmnistnoise.metrics.certified_accuracy : The accuracy each side counts.

    Examples
    --------
    >>> from skmnistnoise.metrics import paired_certified_test
    >>> y = [0] * 20
    >>> a = {"prediction": [0] * 20, "radius": [1.0] * 20, "abstained": [False] * 20}
    >>> b = {"prediction": [0] * 20, "radius": [1.0] * 8 + [0.2] * 12,
    ...      "abstained": [False] * 20}
    >>> test = paired_certified_test(y, a, b, [0.0, 0.5])
    >>> test.only_a.tolist(), test.only_b.tolist()
    ([0, 12], [0, 0])
    >>> test.pvalue.round(5).tolist()
    [1.0, 0.00049]
    """
    correct_a, radius_a = _certificate_arrays(y_true, certificate_a)
    correct_b, radius_b = _certificate_arrays(y_true, certificate_b)
    if len(correct_a) != len(correct_b):
        raise ValueError(
            f"The certificates must be of the same images: 'certificate_a' has "
            f"{len(correct_a)} and 'certificate_b' {len(correct_b)}."
        )
    r = np.atleast_1d(np.asarray(radii, dtype=float))
    if r.ndim != 1 or not np.all(np.isfinite(r)) or np.any(r < 0):
        raise ValueError(
            f"The 'radii' parameter must be finite radii >= 0; got {radii!r}."
        )
    ok_a = correct_a[None, :] & (radius_a[None, :] >= r[:, None])
    ok_b = correct_b[None, :] & (radius_b[None, :] >= r[:, None])
    only_a = np.sum(ok_a & ~ok_b, axis=1)
    only_b = np.sum(ok_b & ~ok_a, axis=1)
    pvalue = np.array(
        [
            binomtest(int(a), int(a + b), 0.5).pvalue if a + b else 1.0
            for a, b in zip(only_a, only_b)
        ]
    )
    return Bunch(
        radii=r,
        accuracy_a=ok_a.mean(axis=1),
        accuracy_b=ok_b.mean(axis=1),
        only_a=only_a,
        only_b=only_b,
        pvalue=pvalue,
    )
