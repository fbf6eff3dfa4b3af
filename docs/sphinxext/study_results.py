"""Sphinx extension: the committed full-MNIST results, rendered at build time.

``.. study-results:: notebooks`` renders ``notebooks.json`` (the reproduction
of the two notebooks, ``benchmarks/reproduce_notebooks.py``) and
``.. study-results:: beyond`` renders ``beyond.json`` (``benchmarks/beyond.py``),
``.. study-results:: certify`` renders ``certify.json`` and
``certify-results.json`` (``benchmarks/certify.py``):
tables of the stored numbers and figures drawn from the stored rows by the
Displays of :mod:`skmnistnoise.plotting`, written as PNG next to the build's
doctrees. Numbers over seeds are aggregated by
:meth:`skmnistnoise.experiment.SweepResults.aggregate`; the published
certification baseline is :mod:`skmnistnoise.references`'. Nothing is
trained: the numbers are the committed files'. The extension imports
skmnistnoise's public names only.

The files are read from the config value ``study_results_dir`` (default:
``benchmarks/results`` of the repository), or from the folder named by the
environment variable ``SKMNISTNOISE_RESULTS_DIR``. A missing file is not an
error: the page says that those results are not committed yet. A file that is
present but cannot be rendered is a Sphinx warning (an error under ``-W``).
"""

import json
import os
from pathlib import Path

from docutils.parsers.rst import Directive, directives
from sphinx.util import logging

from skmnistnoise.experiment import MODEL_NAMES
from skmnistnoise.references import NOTEBOOKS_MNIST

logger = logging.getLogger(__name__)

ENV_RESULTS_DIR = "SKMNISTNOISE_RESULTS_DIR"
KINDS = {
    "notebooks": ("notebooks.json", "benchmarks/reproduce_notebooks.py"),
    "beyond": ("beyond.json", "benchmarks/beyond.py"),
    "certify": ("certify.json", "benchmarks/certify.py"),
}


# --------------------------------------------------------------------------
# reST building blocks


def _list_table(header, rows, widths=None, title=None):
    """A ``list-table`` directive as lines of reST."""
    lines = [f".. list-table::{' ' + title if title else ''}", "   :header-rows: 1", ""]
    if widths:
        lines.insert(2, f"   :widths: {' '.join(str(w) for w in widths)}")
    for row in [header, *rows]:
        lines.append(f"   * - {row[0]}")
        lines += [f"     - {cell}" for cell in row[1:]]
    return [*lines, ""]


NOT_RUN = "not run"


def _fmt(value, digits=4):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _fmt_scale(value):
    return f"{float(value):.4g}"


def _fmt_seconds(seconds):
    if seconds is None:
        return ""
    minutes, s = divmod(int(round(float(seconds))), 60)
    hours, m = divmod(minutes, 60)
    return f"{hours}h{m:02d}m" if hours else f"{m}m{s:02d}s"


class _Figures:
    """Saves figures as PNG in the build folder and returns their reST."""

    def __init__(self, out_dir, doc_dir, prefix, only=None):
        self.out_dir = Path(out_dir)
        self.doc_dir = Path(doc_dir)
        self.prefix = prefix
        self.only = only
        self.offered = []  # every figure name the renderer makes
        self.captured = {}

    def rst(self, fig, name, caption):
        self.offered.append(name)
        if self.only is not None and name != self.only:
            fig.clear()
            return []
        self.out_dir.mkdir(parents=True, exist_ok=True)
        path = self.out_dir / f"{self.prefix}_{name}.png"
        try:
            fig.savefig(path, dpi=100, bbox_inches="tight", pad_inches=0.1)
        finally:
            fig.clear()
        link = os.path.relpath(path, self.doc_dir).replace(os.sep, "/")
        lines = [
            f".. figure:: {link}",
            "   :width: 100%",
            f"   :alt: {caption}",
            "",
            f"   {caption}",
            "",
        ]
        self.captured[name] = lines
        return lines


# --------------------------------------------------------------------------
# notebooks.json


def _arm_name(model, noise, protocol):
    return f"{MODEL_NAMES.get(model, model)}, {noise} ({protocol})"


def _with_protocol_in_noise(rows):
    """Rows whose ``noise`` names the protocol where one arm ran under several.

    The plots tell arms apart by (model, noise); the reproduction runs the
    MLP's additive noise under both protocols.
    """
    protocols = {}
    for r in rows:
        protocols.setdefault((r["model"], r["noise"]), set()).add(r.get("protocol"))
    return [
        {**r, "noise": f"{r['noise']}, {r.get('protocol')}"}
        if len(protocols[(r["model"], r["noise"])]) > 1
        else r
        for r in rows
    ]


def _model_comparison(rows):
    """Accuracy and test loss against the pixel-unit scale: two Displays, one figure.

    The call that replaces the deprecated ``plot_model_comparison``.
    """
    from matplotlib.figure import Figure

    from skmnistnoise.plotting import AccuracyScaleDisplay

    fig = Figure(figsize=(13, 4.8), layout="constrained")
    accuracy_ax, loss_ax = fig.subplots(1, 2)
    AccuracyScaleDisplay.from_results(rows, x="pixel_scale", ax=accuracy_ax)
    AccuracyScaleDisplay.from_results(
        rows, x="pixel_scale", score="loss", score_type="test", ax=loss_ax
    )
    return fig


def render_notebooks(data, figures, reference):
    from skmnistnoise.experiment import SweepResults
    from skmnistnoise.plotting import AccuracyScaleDisplay, EpochCurveDisplay

    records = data["records"]
    rows = [{"dataset": "mnist", "fold": 0, **r} for r in records]
    arms = list(dict.fromkeys((r["model"], r["noise"], r["protocol"]) for r in rows))
    scales = sorted({float(r["scale"]) for r in rows})
    # Several seeds of a configuration: its cell is their mean and interval.
    by = ("model", "noise", "protocol", "scale")
    by_key = {
        (a["model"], a["noise"], a["protocol"], float(a["scale"])): {
            "test_accuracy": a["mean"],
            "seeds": a["seeds"],
            "ci": (a["ci_low"], a["ci_high"]),
        }
        for a in SweepResults(rows).aggregate("test_accuracy", by=by)
    }
    lines = []

    header = ["scale", *(_arm_name(*arm) for arm in arms)]
    table = []
    for scale in scales:
        cells = [_fmt_scale(scale)]
        for model, noise, protocol in arms:
            row = by_key.get((model, noise, protocol, scale))
            cell = _fmt(row["test_accuracy"]) if row else NOT_RUN
            if row and row["seeds"] > 1:
                low, high = row["ci"]
                cell += f" [{low:.4f}, {high:.4f}] ({row['seeds']} seeds)"
            baseline = by_key.get((model, "additive", "notebooks", 0.0))
            if row is None and scale == 0 and baseline is not None:
                # Scale 0 is the identity in every mode: one clean fit.
                cell = _fmt(baseline["test_accuracy"]) + r"\*"
            theirs = reference.get((model, noise), {}).get(scale)
            if row is not None or cell.endswith("*"):
                if protocol.startswith("notebooks") and theirs is not None:
                    cell += f" ({theirs:.4f})"
            cells.append(cell)
        table.append(cells)
    reused = ""
    if any(protocol == "notebooks-reused" for _, _, protocol in arms):
        reused = (
            " The notebooks-reused arm is the exception: the ConvNet notebook's "
            "own protocol, one model trained on through the scales in order, "
            "12 more epochs at each."
        )
    lines += [
        "Test accuracy after the last epoch, one fresh model per scale; where "
        "several seeds ran, their mean and between brackets Student's t 95% "
        "interval of it; in "
        "parentheses the notebook's own number for the same arm and scale, "
        "where it printed one. A * marks the clean baseline shared by the "
        "ConvNet's arms (scale 0 is no noise in every mode: one fit, not one "
        f"per mode); *{NOT_RUN}* is a fit that has not been trained yet." + reused,
        "",
        *_list_table(header, table),
    ]

    lines += [
        "Every fit, one table per arm: the scale as swept and in [0, 1]-pixel "
        "units, the train accuracy (on the noisy training images the model was "
        "trained on), the test accuracy (the test images through the same noise "
        "step, a fresh draw) and the wall time of fit and scoring.",
        "",
    ]
    for model, noise, protocol in arms:
        arm_rows = [
            r
            for r in rows
            if (r["model"], r["noise"], r["protocol"]) == (model, noise, protocol)
        ]
        epochs = sorted({str(r.get("epochs", "")) for r in arm_rows})
        seeds = sorted({str(r.get("seed", "")) for r in arm_rows})
        title = (
            f"{_arm_name(model, noise, protocol)}: {', '.join(epochs)} epochs, "
            f"seed {', '.join(seeds)}"
        )
        detail = [
            [
                _fmt_scale(r["scale"]),
                str(r.get("seed", "")),
                _fmt_scale(r["pixel_scale"]),
                _fmt(r["train_accuracy"]),
                _fmt(r["test_accuracy"]),
                _fmt_seconds(r.get("wall_s")),
            ]
            for r in sorted(
                arm_rows, key=lambda r: (float(r["scale"]), r.get("seed", 0))
            )
        ]
        run = {float(r["scale"]) for r in arm_rows}
        detail += [
            [_fmt_scale(scale), "", "", NOT_RUN, NOT_RUN, ""]
            for scale in scales
            if scale not in run and scale != 0
        ]
        detail.sort(key=lambda cells: float(cells[0]))
        lines += _list_table(
            [
                "scale",
                "seed",
                "pixel scale",
                "train accuracy",
                "test accuracy",
                "wall time",
            ],
            detail,
            title=title,
        )

    labelled = _with_protocol_in_noise(rows)
    notebooks = [r for r in rows if r["protocol"] == "notebooks"]
    if notebooks:
        lines += figures.rst(
            AccuracyScaleDisplay.from_results(notebooks).figure_,
            "notebooks_vs_scale",
            "The notebooks' arms against the scale as they swept it (MLP in "
            "standard deviations of the pixels, ConvNet in [0, 1] pixels): test "
            "solid, train dashed.",
        )
    lines += figures.rst(
        AccuracyScaleDisplay.from_results(labelled, x="pixel_scale").figure_,
        "all_vs_pixel_scale",
        "Every arm against the noise scale in [0, 1]-pixel units, where the "
        "models can be compared.",
    )
    if all(r.get("test_loss") is not None for r in rows):
        lines += figures.rst(
            _model_comparison(labelled),
            "model_comparison",
            "Accuracy and test loss of every arm in [0, 1]-pixel units.",
        )
    if any(r.get("epoch_test_accuracy") for r in rows):
        lines += figures.rst(
            EpochCurveDisplay.from_results(labelled).figure_,
            "per_epoch",
            "Train accuracy per epoch (Keras's running average, dropout on) and "
            "validation accuracy after every epoch, one line per scale.",
        )
    versions = data.get("versions")
    if versions:
        lines += [
            "Software and machine of the run:",
            "",
            *_list_table(["", "version"], [[k, v] for k, v in versions.items()]),
        ]
    return lines


# --------------------------------------------------------------------------
# beyond.json


def _evaluations(records):
    """The runs of beyond.json as a result table: one row per run and evaluation.

    A record holds one training run (``model``, ``recipe``, ``sigma``,
    ``seed``) and its ``evaluations`` (``draws``, ``voting``,
    ``test_accuracy``); the row puts them side by side, the sigma as the
    table's ``scale``. Records written before ``n_test`` was kept were scored
    on MNIST's 10,000 test images.
    """
    from skmnistnoise.experiment import SweepResults

    return SweepResults(
        [
            {
                "model": r["model"],
                "recipe": r.get("recipe", "adam"),
                "scale": float(r["sigma"]),
                "seed": r.get("seed"),
                "n_test": r.get("n_test", 10_000),
                **e,
            }
            for r in records
            for e in r["evaluations"]
        ]
    )


def _smoothing_summary(records):
    """Each model, recipe, sigma and vote over its seeds (``SweepResults.aggregate``).

    Keyed by ``(model, recipe, sigma)``, then ``(draws, voting)``: the mean,
    the t interval over the seeds (NaN for one seed) and how many seeds, as
    ``benchmarks/beyond.py`` aggregates them for its tables.
    """
    by = ("model", "recipe", "scale", "draws", "voting")
    summary = {}
    for a in _evaluations(records).aggregate("test_accuracy", by=by):
        ident = (a["model"], a["recipe"], a["scale"])
        summary.setdefault(ident, {})[a["draws"], a["voting"]] = a
    return summary


def _smoothing_figure(records):
    """Accuracy against the draws per test image, a panel per model and sigma.

    Each panel is an :class:`~skmnistnoise.plotting.AccuracyScaleDisplay` of
    the runs of one model at one noise scale, with the number of draws as its
    x: one line per training recipe and vote (the hard vote starts from the
    one-draw prediction, where the two votes are one), the mean over the
    seeds with a band of its 95% t interval where several seeds ran.
    The package has no Display of accuracy against the number of draws: the
    panels are AccuracyScaleDisplays built from their curves.
    """
    import numpy as np
    from matplotlib.figure import Figure

    from skmnistnoise.plotting import AccuracyScaleDisplay

    table = _evaluations(records)
    models = list(dict.fromkeys(r["model"] for r in table))
    sigmas = table.unique("scale")
    # The recipes run in most panels first: they keep their colours throughout.
    panels = {(r["recipe"], r["model"], r["scale"]) for r in table}
    recipes = sorted(
        {recipe for recipe, _, _ in panels},
        key=lambda recipe: (-sum(p[0] == recipe for p in panels), recipe),
    )
    fig = Figure(
        figsize=(6.4 * len(sigmas), 3.9 * len(models) + 0.4), layout="constrained"
    )
    axes = fig.subplots(len(models), len(sigmas), squeeze=False)
    for row, model in enumerate(models):
        for col, sigma in enumerate(sigmas):
            curves = []
            for recipe, voting in ((r, v) for r in recipes for v in ("soft", "hard")):
                runs = [
                    r
                    for r in table.select(model=model, recipe=recipe, scale=sigma)
                    if r["voting"] == voting or r["draws"] == 1
                ]
                draws = sorted({r["draws"] for r in runs})
                if len(draws) < 2:
                    continue
                seeds = sorted({r["seed"] for r in runs}, key=str)
                accuracy = {(r["draws"], r["seed"]): r["test_accuracy"] for r in runs}
                curves.append(
                    {
                        "label": f"{recipe}, {voting} vote",
                        "param_range": draws,
                        "test_scores": [
                            [accuracy.get((k, seed), np.nan) for seed in seeds]
                            for k in draws
                        ],
                    }
                )
            ax = axes[row][col]
            title = f"{MODEL_NAMES.get(model, model)}, sigma {sigma:g}"
            if not curves:
                ax.set_axis_off()
                ax.set_title(f"{title}: not run", fontsize="medium")
                continue
            AccuracyScaleDisplay(
                curves=curves, xlabel="noise draws per test image", title=title
            ).plot(ax=ax)
    fig.suptitle(
        "Noise-averaged prediction on MNIST, models trained with fresh noise "
        "(bands: 95% t interval of the mean over seeds)"
    )
    return fig


def _constant(rows, key):
    """The one value of ``key`` in every row, or None when rows differ."""
    values = {str(r.get(key)) for r in rows}
    return values.pop() if len(values) == 1 else None


def render_beyond(data, figures):
    from skmnistnoise.plotting import EpochCurveDisplay

    lines = []
    smoothing = data.get("smoothing") or []
    if smoothing:
        summary = _smoothing_summary(smoothing)
        columns = sorted(
            {vote for votes in summary.values() for vote in votes},
            key=lambda c: (c[0], c[1] != "soft"),
        )
        epochs = _constant(smoothing, "epochs")
        header = [
            "model",
            "recipe",
            "sigma",
            *(f"k={k}" if k == 1 else f"k={k} {v}" for k, v in columns),
            "seeds",
            *([] if epochs is not None else ["epochs"]),
            "fit time (mean)",
        ]
        table = []
        for (model, recipe, sigma), votes in summary.items():
            runs = [
                r
                for r in smoothing
                if (r["model"], r.get("recipe", "adam"), float(r["sigma"]))
                == (model, recipe, sigma)
            ]
            cells = [MODEL_NAMES.get(model, model), recipe, f"{sigma:g}"]
            for column in columns:
                a = votes.get(column)
                cell = NOT_RUN if a is None else _fmt(a["mean"])
                if a is not None and a["n"] > 1:
                    cell += f" [{a['ci_low']:.4f}, {a['ci_high']:.4f}]"
                cells.append(cell)
            cells.append(", ".join(str(r.get("seed", "")) for r in runs))
            if epochs is None:
                cells.append(_constant(runs, "epochs") or "")
            fits = [r["fit_s"] for r in runs if r.get("fit_s") is not None]
            cells.append(_fmt_seconds(sum(fits) / len(fits) if fits else None))
            table.append(cells)
        same = f", {epochs} epochs" if epochs is not None else ""
        lines += [
            "Test accuracy under additive Gaussian noise of scale sigma on [0, 1] "
            "pixels, for models trained with fresh noise of the same sigma every "
            f"epoch{same}: k=1 is one noisy copy of each test image (the "
            "notebooks' protocol); k draws average the predictions of k noisy "
            "copies (soft: probabilities, hard: votes). One training run per "
            "seed; where several seeds ran, the cell is their mean and between "
            "brackets Student's t 95% interval of it (each seed's own numbers "
            "are in ``beyond-tables.md``). The recipe is how the same "
            "network (same layers and parameters) was trained: adam is the "
            "notebooks' (batch 128, constant learning rate, their dropout); "
            "no-dropout sets the dropout rates to 0; cosine decays the learning "
            "rate to 0; b32 trains with batch 32. The fit time is the wall time "
            "of the training epochs on a shared machine, the mean over seeds.",
            "",
            *_list_table(header, table),
            *figures.rst(
                _smoothing_figure(smoothing),
                "smoothing",
                "Test accuracy against the number of noise draws per image "
                "(k=1: a plain prediction on one noisy copy), one panel per model "
                "and sigma; where several seeds ran, the line is their mean and "
                "the band Student's t 95% interval of that mean.",
            ),
        ]
    gap = data.get("per_epoch_gap") or []
    if gap:
        scale, epochs = _constant(gap, "scale"), _constant(gap, "epochs")
        table = [
            [
                r["regime"],
                *([] if scale is not None else [_fmt_scale(r["scale"])]),
                *([] if epochs is not None else [r.get("epochs", "")]),
                _fmt(r.get("keras_train_accuracy_last_epoch")),
                _fmt(r["train_accuracy"]),
                _fmt(r["test_accuracy"]),
                _fmt_seconds(r.get("wall_s")),
            ]
            for r in gap
        ]
        header = [
            "training noise",
            *([] if scale is not None else ["scale"]),
            *([] if epochs is not None else ["epochs"]),
            "train accuracy, last epoch (Keras)",
            "train accuracy",
            "test accuracy",
            "wall time",
        ]
        setting = "The MLP notebook's arm"
        if scale is not None:
            setting += f" at scale {float(scale):g}"
        setting += " (standardised pixels"
        if epochs is not None:
            setting += f", {epochs} epochs"
        setting += ")"
        lines += [
            f"{setting}: one noise "
            "draw per training image, fixed for all epochs, against fresh noise "
            "every epoch. The train accuracy of the fixed regime is on the noisy "
            "images it was trained on; with fresh noise the pipeline's noise step "
            "touches only the test images, so it is on the clean training images.",
            "",
            *_list_table(header, table),
        ]
        rows = [
            {
                "dataset": "mnist",
                "model": "mlp",
                "noise": r["regime"],
                "fold": 0,
                "scale": r["scale"],
                "epoch_train_accuracy": r["epoch_train_accuracy"],
                "epoch_test_accuracy": r["epoch_test_accuracy"],
            }
            for r in gap
        ]
        if any(r["epoch_test_accuracy"] for r in rows):
            lines += figures.rst(
                EpochCurveDisplay.from_results(rows).figure_,
                "per_epoch_gap",
                "Per epoch: one fixed noise draw per image against fresh noise "
                "every epoch.",
            )
    return lines


# --------------------------------------------------------------------------
# certify.json


#: The published baseline (``skmnistnoise.references``), in the page's words.
REFERENCE_NAME = "Jeong and Shin (2020)"


def certify_curve_rows(results):
    """``certify-results.json``'s rows for the figure, an undefended network's
    recipe named so: the display tells trainings apart by recipe, precision
    and training, and would pool an undefended run with a defended one of the
    same recipe as two seeds."""
    from skmnistnoise.experiment import SweepResults

    return SweepResults(
        [
            {**r, "recipe": ", ".join(filter(None, [r.get("recipe"), "undefended"]))}
            if r.get("undefended")
            else r
            for r in results.rows
        ]
    )


def render_certify(data, figures, folder):
    """Certified accuracy at the reference's radii, ours beside it; the curves."""
    from skmnistnoise.experiment import SweepResults
    from skmnistnoise.metrics import max_certifiable_radius
    from skmnistnoise.plotting import CertifiedAccuracyDisplay
    from skmnistnoise.references import GAUSSIAN_MNIST_500, PROTOCOL, RADII_500

    runs = data["runs"]
    header = ["model", "training", "sigma", "seed"]
    header += [*(f"r = {r:g}" for r in RADII_500), "ACR", "n"]
    table = []
    for run in runs:
        training = [run.get("recipe", ""), run.get("precision", "float32")]
        training += ["undefended"] if run.get("undefended") else []
        training.append(f"{run['epochs']} epoch{'s' * (run['epochs'] != 1)}")
        cells = [MODEL_NAMES.get(run["model"], run["model"]), ", ".join(training)]
        cells += [f"{run['sigma']:g}", str(run.get("seed", ""))]
        alpha = run.get("alpha", PROTOCOL["alpha"])
        cap = max_certifiable_radius(run["sigma"], run["n"], alpha)
        cells += [
            r"\-" if r > cap else _fmt(run["certified_accuracy"].get(f"{r:g}"), 3)
            for r in RADII_500
        ]
        cells += [_fmt(run["acr"], 3), f"{run['n']:,}"]
        table.append(cells)
    for sigma, published in GAUSSIAN_MNIST_500.items():
        cells = [f"{PROTOCOL['model']}, {REFERENCE_NAME}"]
        cells += [f"Gaussian, {PROTOCOL['epochs']} epochs", f"{sigma:g}"]
        cells += [f"{PROTOCOL['seeds']} seeds"]
        cells += [_fmt(published.get(r), 3) or r"\-" for r in RADII_500]
        cells += ["", f"{PROTOCOL['n']:,}"]
        table.append(cells)
    images = sorted({run["n_images"] for run in runs})
    lines = [
        "Certified accuracy: the fraction of the "
        f"{', '.join(map(str, images))} test images (index % 20 == 0) whose "
        "smoothed prediction is right and certified at L2 radius r or more "
        "(pixels in [0, 1]); ACR, the average certified radius; '-': beyond "
        "the largest radius n draws can certify. A row per run: model, "
        "training (recipe, precision, epochs), sigma and seed; the times of "
        "each run are in ``benchmarks/results/certify.md``. The last rows are the "
        "published MNIST "
        f"baseline: {REFERENCE_NAME}'s reproduction of Cohen et al.'s "
        f"Gaussian-augmentation baseline, a {PROTOCOL['model']} trained "
        f"{PROTOCOL['epochs']} epochs with Gaussian noise of the smoothing sigma, "
        f"certified with n = {PROTOCOL['n']:,}, the mean of {PROTOCOL['seeds']} "
        "seeds.",
        "",
        *_list_table(header, table),
    ]
    full = folder / "certify-results.json"
    if full.is_file():
        from matplotlib.figure import Figure

        # Old rows are read with sigma too.
        results = certify_curve_rows(SweepResults.from_json(full))
        models = results.unique("model")
        # A panel per model, wide enough for the legend beside the axes.
        figure = Figure(figsize=(12, 4.6 * len(models)), layout="constrained")
        axes = figure.subplots(len(models), 1, squeeze=False)[:, 0]
        for model, ax in zip(models, axes):
            sigmas = results.where(model=model).unique("sigma")
            CertifiedAccuracyDisplay.from_results(
                results,
                reference={s: p for s, p in GAUSSIAN_MNIST_500.items() if s in sigmas},
                reference_label=REFERENCE_NAME,
                ax=ax,
                model=model,
            )
            ax.set_title(MODEL_NAMES.get(model, model), fontsize="medium")
        lines += figures.rst(
            figure,
            "certified_accuracy",
            "Certified accuracy against the L2 radius, a panel per model, a "
            "curve per training, sigma and n; crosses: "
            f"{REFERENCE_NAME}'s {PROTOCOL['model']} (Cohen et al.'s Gaussian "
            "baseline) at the same sigma.",
        )
    return lines


# --------------------------------------------------------------------------
# The directive


def results_dir(config):
    """The folder of the result files: the environment, else the config."""
    return Path(os.environ.get(ENV_RESULTS_DIR) or config.study_results_dir)


class StudyResults(Directive):
    """``.. study-results:: notebooks|beyond|certify``: a result file's tables, figures.

    With ``:figure: NAME`` (``all_vs_pixel_scale``, ``smoothing`` ...), only
    that figure, for a page that shows one result elsewhere (the landing
    page); nothing at all while the file is not committed.
    """

    required_arguments = 1
    has_content = False
    option_spec = {"figure": directives.unchanged_required}

    def run(self):
        env = self.state.document.settings.env
        kind = self.arguments[0]
        if kind not in KINDS:
            raise self.error(
                f"study-results takes one of {', '.join(KINDS)}; got {kind!r}."
            )
        file_name, script = KINDS[kind]
        folder = results_dir(env.config)
        path = folder / file_name
        env.note_dependency(str(path))
        only = self.options.get("figure")
        if only is not None and not path.is_file():
            return []
        if not path.is_file():
            repo = Path(env.config.study_results_repo).resolve()
            shown = path.resolve()
            if shown.is_relative_to(repo):
                shown = shown.relative_to(repo)
            lines = [
                ".. note::",
                "",
                f"   These results are not committed yet: there is no ``{shown}``. "
                f"``python {script}`` computes and writes it (hours on two CPU "
                "cores); the next documentation build shows it.",
                "",
            ]
        else:
            doc_dir = Path(env.doc2path(env.docname)).parent
            out_dir = Path(env.doctreedir).parent / "study_results"
            figures = _Figures(out_dir, doc_dir, kind, only=only)
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if kind == "notebooks":
                    lines = render_notebooks(data, figures, NOTEBOOKS_MNIST)
                elif kind == "certify":
                    lines = render_certify(data, figures, folder)
                else:
                    lines = render_beyond(data, figures)
            except Exception as exc:  # a malformed file: say so, do not crash
                logger.warning(
                    "study-results: cannot render %s: %s: %s",
                    path,
                    type(exc).__name__,
                    exc,
                    location=(env.docname, self.lineno),
                )
                return []
            if only is not None:
                if only not in figures.captured:
                    raise self.error(
                        f"study-results: {file_name} gives no figure {only!r}; "
                        f"it has {', '.join(figures.offered) or 'none'}."
                    )
                lines = figures.captured[only]
            else:
                lines = [
                    f"*From* ``{file_name}`` *({path.stat().st_size:,} bytes), "
                    "rendered at build time.*",
                    "",
                    *lines,
                ]
        self.state_machine.insert_input(lines, str(path))
        return []


def setup(app):
    root = Path(__file__).resolve().parents[2]
    app.add_config_value("study_results_repo", str(root), "env")
    app.add_config_value(
        "study_results_dir", str(root / "benchmarks" / "results"), "env"
    )
    app.add_directive("study-results", StudyResults)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
