"""Certified accuracy against the L2 radius: :class:`CertifiedAccuracyDisplay`."""

import numpy as np

from .._certify import certified_accuracy, max_certifiable_radius
from .._registry import MODEL_NAMES
from .._results import SweepResults
from ._base import (
    BAND_ALPHA,
    axes_or_new,
    finish_accuracy_axis,
    legend_outside,
    t_halfwidth,
)

#: Row labels that make another curve where they differ between rows.
_VARIANT_COLUMNS = ("recipe", "precision", "training")
_FIELDS = ("prediction", "radius", "abstained")
#: The curves' line styles: none dotted, which marks the radius caps.
_LINE_STYLES = ("-", "--", "-.", (0, (6, 2, 1, 2, 1, 2)))

#: The legend's note on the dotted lines of the largest certifiable radii.
MAX_RADIUS_NOTE = "curves stop at the largest radius\nn draws can certify (dotted)"
#: The legend's note on the bands of several seeds.
BAND_NOTE = "band: 95% t interval over the seeds"


def _certified_curve(label, y_true, certificate, radii, *, sigma, n, alpha):
    """One curve of a CertifiedAccuracyDisplay: radii, certified accuracy, ACR.

    With the certificates' ``sigma``, ``n`` and ``alpha`` (None where
    unknown), also the largest radius they can certify, ``max_radius``.
    """
    from .._certify import average_certified_radius, certified_accuracy

    cap = max_certifiable_radius(sigma, n, alpha)
    if radii is None:
        r = np.unique(np.concatenate([[0.0], np.asarray(certificate["radius"])]))
        past = r[-1] * 1.02 + 1e-9  # 0 just past the last radius...
        if cap is None or past <= cap:
            r = np.concatenate([r, [past]])
        elif r[-1] < cap:  # ... but never past the cap, where curves stop
            r = np.concatenate([r, [cap]])
    else:
        r = np.asarray(radii, dtype=float)
    return {
        "label": label,
        "radii": r,
        "accuracy": np.asarray(certified_accuracy(y_true, certificate, r)),
        "acr": average_certified_radius(y_true, certificate),
        "sigma": None if sigma is None else float(sigma),
        "max_radius": cap,
    }


class CertifiedAccuracyDisplay:
    """Certified accuracy against the L2 radius, one curve per smoothed model.

    Cohen et al.'s figure: for each radius ``r``, the fraction of test images
    whose smoothed prediction is right and certified for every perturbation
    of L2 norm below ``r`` (:func:`~skmnistnoise.metrics.certified_accuracy`),
    one step curve per model (usually one per training and smoothing sigma),
    the average certified radius (ACR) in the legend. Where the
    certificates' smoothing ``sigma``, draws ``n`` and level ``alpha`` are
    known, a dotted vertical line in the curve's colour marks the largest
    radius ``n`` draws can certify, ``sigma * Phi^-1(alpha ** (1 / n))``: the
    curves stop there whatever the classifier, so a curve that falls to 0
    near it is limited by ``n``, not by the model. Reference points (a
    published table) can be drawn beside the curves as markers.

    Parameters
    ----------
    curves : list of dict
        One per model: ``label``, ``radii`` and ``accuracy`` (same length),
        and optionally ``acr``, ``color``, ``linestyle``, ``sigma`` and
        ``max_radius`` (the largest certifiable radius, drawn dotted; None or
        absent: not drawn).
    reference : dict or None, default=None
        Published points, ``{label: {radius: accuracy}}``; a label that is a
        number is a sigma: its points are drawn in the colour of that
        sigma's curves, labelled ``"<reference_label>, sigma ..."``.
    reference_label : str, default="published"
        Whose the reference points are, for the legend.
    n_images : int or None, default=None
        Images behind each curve, for the title.

    Attributes
    ----------
    lines_ : dict of str to Line2D
        The curves by legend label.
    max_radius_lines_ : list of Line2D
        The dotted lines of the largest certifiable radii, one per distinct
        radius and colour; empty where ``n`` or ``alpha`` is unknown.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> from skmnistnoise.plotting import CertifiedAccuracyDisplay
    >>> certificate = {"prediction": [1, 1, 0, 2], "radius": [0.9, 0.3, 0.0, 0.5],
    ...                "abstained": [False, False, True, False]}
    >>> display = CertifiedAccuracyDisplay.from_certificates(
    ...     [1, 1, 0, 0], {"sigma 0.5": certificate})
    >>> list(display.lines_), display.curves[0]["accuracy"].tolist()[:2]
    (['sigma 0.5 (ACR 0.300)'], [0.5, 0.5])
    """

    def __init__(
        self, *, curves, reference=None, n_images=None, reference_label="published"
    ):
        self.curves = curves
        self.reference = reference
        self.reference_label = reference_label
        self.n_images = n_images

    @classmethod
    def from_certificates(
        cls,
        y_true,
        certificates,
        *,
        radii=None,
        n=None,
        alpha=None,
        reference=None,
        ax=None,
    ):
        """Draw the curves of certificates of the same test images.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True labels.
        certificates : dict of str to Bunch
            Legend label to what :meth:`NoiseAveragedClassifier.certify`
            returned for those samples.
        radii : array-like or None, default=None
            Radii to evaluate; None: every certified radius (exact steps).
        n : int or None, default=None
            Estimation draws behind the certificates, to mark the largest
            radius they can certify (with each certificate's ``sigma``); None
            takes each certificate's own ``n`` (``certify``'s carry it), and
            where it has none, draws no mark.
        alpha : float or None, default=None
            The certificates' level, as ``n``.
        reference : dict or None, default=None
            Published points to draw as markers, ``{label: {radius: accuracy}}``.
        ax : matplotlib Axes or None, default=None

        Returns
        -------
        display : CertifiedAccuracyDisplay
        """
        if not certificates:
            raise ValueError("certificates must hold at least one certificate.")
        curves = [
            _certified_curve(
                label,
                y_true,
                certificate,
                radii,
                sigma=certificate.get("sigma"),
                n=certificate.get("n") if n is None else n,
                alpha=certificate.get("alpha") if alpha is None else alpha,
            )
            for label, certificate in certificates.items()
        ]
        display = cls(curves=curves, reference=reference, n_images=len(y_true))
        return display.plot(ax=ax)

    @classmethod
    def from_results(
        cls,
        results,
        *,
        radii=None,
        reference=None,
        reference_label="published",
        ax=None,
        **where,
    ):
        """Draw the curves of a certification study's result table.

        One curve per model and sigma, from the per-image certificates of the
        rows of :func:`~skmnistnoise.experiment.certify_study` (the runs of
        several seeds pooled: the curve is their mean); the rows' ``sigma``,
        ``n`` and ``alpha`` mark the largest radius each sigma can certify.
        Rows written before 0.3 (sigma as ``scale``) are read too.

        Parameters
        ----------
        results : SweepResults or list of dict
            The table (``results.json`` of ``skmnistnoise certify``).
        radii : array-like or None, default=None
            Radii to evaluate; None: every certified radius (exact steps).
        reference : dict or None, default=None
            Published points to draw as markers, ``{label: {radius: accuracy}}``
            (a number as label: a sigma, drawn in its curves' colour).
        reference_label : str, default="published"
            Whose the points are, for the legend.
        ax : matplotlib Axes or None, default=None
        **where : dict
            Select rows first (e.g. ``model="convnet"``, ``sigma=0.5``).

        Returns
        -------
        display : CertifiedAccuracyDisplay
        """
        rows = [
            r
            for r in SweepResults.coerce(results).select(**where)
            if "certificate_radius" in r
        ]
        if not rows:
            raise ValueError(
                "No rows with certificates: run certify_study (skmnistnoise "
                "certify) first."
            )
        # Runs of another n (or n0, alpha), or of another training (the
        # labels that differ between rows: recipe, precision, training), are
        # another curve, not replicates.
        settings = sorted({(r.get("n"), r.get("n0"), r.get("alpha")) for r in rows})
        variants = [
            c for c in _VARIANT_COLUMNS if len({str(r.get(c)) for r in rows}) > 1
        ]
        groups = {}
        for r in rows:
            setting = (r.get("n"), r.get("n0"), r.get("alpha"))
            variant = tuple(str(r.get(c)) for c in variants)
            key = (str(r.get("model")), variant, float(r["sigma"]), setting)
            groups.setdefault(key, []).append(r)
        curves = []
        sigmas = sorted({key[2] for key in groups})
        # A line style per model, training and setting (one colour per sigma).
        kinds = sorted({(*key[:2], str(key[3])) for key in groups})
        for (model, variant, sigma, setting), group in sorted(
            groups.items(), key=lambda g: (g[0][:3], str(g[0][3]))
        ):
            pooled = {
                field: np.concatenate(
                    [np.asarray(r[f"certificate_{field}"]) for r in group]
                )
                for field in ("label", "prediction", "radius", "abstained")
            }
            seeds = len({(r.get("seed"), r.get("replicate")) for r in group})
            label = ", ".join([MODEL_NAMES.get(model, model), *variant])
            label += f", sigma {sigma:g}"
            if len(settings) > 1:
                label += f", n={setting[0]:,}"
            if seeds > 1:
                label += f", {seeds} seeds"
            n, _, alpha = setting
            curve = _certified_curve(
                label, pooled.pop("label"), pooled, radii, sigma=sigma, n=n, alpha=alpha
            )
            if len(group) > 1:  # each run's curve on the same radii: the band
                curve["replicates"] = np.array(
                    [
                        certified_accuracy(
                            r["certificate_label"],
                            {f: r[f"certificate_{f}"] for f in _FIELDS},
                            curve["radii"],
                        )
                        for r in group
                    ]
                )
            kind = kinds.index((model, variant, str(setting)))
            curve.update(
                color=f"C{sigmas.index(sigma) % 10}",
                linestyle=_LINE_STYLES[kind % len(_LINE_STYLES)],
            )
            curves.append(curve)
        n_images = {len(r["certificate_radius"]) for r in rows}
        display = cls(
            curves=curves,
            reference=reference,
            n_images=n_images.pop() if len(n_images) == 1 else None,
            reference_label=reference_label,
        )
        return display.plot(ax=ax)

    @classmethod
    def from_estimator(
        cls, estimators, X, y, *, n0=100, n=100_000, alpha=0.001, ax=None, **kwargs
    ):
        """Certify X with each smoothed classifier, then draw the curves.

        Parameters
        ----------
        estimators : dict of str to NoiseAveragedClassifier
            Legend label to a fitted smoothed classifier.
        X : array-like of shape (n_samples, n_features)
            The images to certify.
        y : array-like of shape (n_samples,)
            Their true labels.
        n0 : int, default=100
            Selection draws per image, to ``certify``.
        n : int, default=100_000
            Estimation draws per image, to ``certify`` (its default, and
            ``certify_study``'s); with ``alpha`` it
            sets the largest radius that can be certified, marked dotted.
        alpha : float, default=0.001
            The certificates' level, to ``certify``.
        ax : matplotlib Axes or None, default=None
        **kwargs : dict
            To :meth:`from_certificates` (``radii``, ``reference``).

        Returns
        -------
        display : CertifiedAccuracyDisplay
            With the certificates as ``certificates_``.
        """
        certificates = {
            label: est.certify(X, n0=n0, n=n, alpha=alpha)
            for label, est in estimators.items()
        }
        display = cls.from_certificates(
            y, certificates, n=n, alpha=alpha, ax=ax, **kwargs
        )
        display.certificates_ = certificates
        return display

    def plot(self, ax=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None

        Returns
        -------
        self : CertifiedAccuracyDisplay
        """
        ax = axes_or_new(ax, (8.5, 4.8))
        self.lines_, self.max_radius_lines_ = {}, []
        colours, limits = {}, {}
        for i, curve in enumerate(self.curves):
            label = curve["label"]
            if curve.get("acr") is not None:
                label = f"{label} (ACR {curve['acr']:.3f})"
            colour = curve.get("color", f"C{i % 10}")
            # The accuracy at r counts the radii >= r: between two radii it is
            # the value at the larger one, so each step ends at its radius.
            (line,) = ax.plot(
                curve["radii"],
                curve["accuracy"],
                drawstyle="steps-pre",
                color=colour,
                linestyle=curve.get("linestyle", "-"),
                linewidth=1.8,
                label=label,
            )
            self.lines_[label] = line
            replicates = curve.get("replicates")
            if replicates is not None and len(replicates) > 1:
                half = t_halfwidth(replicates)
                mean = replicates.mean(axis=0)
                ax.fill_between(
                    curve["radii"],
                    np.clip(mean - half, 0, 1),
                    np.clip(mean + half, 0, 1),
                    step="pre",
                    color=colour,
                    alpha=BAND_ALPHA,
                    linewidth=0,
                )
            if curve.get("sigma") is not None:
                colours.setdefault(curve["sigma"], colour)
            if curve.get("max_radius") is not None:
                limits.setdefault((round(curve["max_radius"], 12), colour), None)
        for radius, colour in limits:
            self.max_radius_lines_.append(
                ax.axvline(radius, color=colour, linestyle=":", linewidth=1.2, zorder=0)
            )
        if limits:  # one legend entry for them all, in grey
            ax.plot([], [], color="0.4", linestyle=":", label=MAX_RADIUS_NOTE)
        if any(len(c.get("replicates", ())) > 1 for c in self.curves):
            ax.fill_between([], [], [], color="0.4", alpha=BAND_ALPHA, label=BAND_NOTE)
        for j, (label, points) in enumerate((self.reference or {}).items()):
            radii, accuracy = zip(*sorted(points.items()))
            if isinstance(label, int | float):
                colour = colours.get(float(label), f"C{j % 10}")
                label = f"{self.reference_label}, sigma {label:g}"
            else:
                colour = f"C{j % 10}"
                label = f"{label} ({self.reference_label})"
            ax.plot(
                radii,
                accuracy,
                linestyle="none",
                marker="x",
                markersize=7,
                color=colour,
                label=label,
            )
        finish_accuracy_axis(ax, "certified accuracy")
        # From just left of 0, so that a marker at r = 0 is drawn whole.
        ax.set_xlim(left=-0.015 * ax.get_xlim()[1])
        ax.set_xlabel("L2 radius (in the units of X; pixels in [0, 1] for MNIST)")
        images = f" ({self.n_images} test images)" if self.n_images else ""
        ax.set_title(
            "Certified accuracy against radius, randomized smoothing" + images,
            fontsize="medium",
        )
        legend_outside(ax)
        self.ax_, self.figure_ = ax, ax.figure
        return self
