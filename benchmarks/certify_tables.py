"""The records and tables of ``certify.py``: what a run's record holds, how
old records are read, and ``certify.md`` (means over seeds with intervals,
against the reference, the goal and the published recipes, every 0.25 in
radius,
McNemar's paired verdicts, the commands that make the rows).

Imported by ``certify.py`` (its sibling, from its own folder); it trains and
certifies nothing.
"""

import itertools
import math
import os

SEEDS = (0,)
SIGMAS = (0.25, 0.5, 1.0)
N_TRAIN = 60_000
PRECISIONS = ("float32", "bfloat16")
#: The radii of every record: every 0.25 from 0 to 4 (the reference's
#: ``RADII_500`` among them).
RADII = tuple(0.25 * i for i in range(17))
#: The command line's defaults: the option, the record's field, the default.
OPTIONS = (
    ("--recipe", "recipe", "adam-no-dropout"),
    ("--precision", "precision", "float32"),
    ("--undefended", "undefended", False),
    ("--epochs", "epochs", 12),
    ("--n-train", "n_train", N_TRAIN),
    ("--images", "n_images", 500),
    ("--n0", "n0", 100),
    ("--n", "n", 10_000),
    ("--alpha", "alpha", 0.001),
)
#: Whose the published baseline is (skmnistnoise.references), in the tables.
REFERENCE_NAME = "Jeong and Shin (2020)"
#: The reference of every record, in its ``reference`` field.
REFERENCE = f"{REFERENCE_NAME}, Gaussian baseline of Cohen et al., 5-seed mean"
#: What a run is: one seed of one configuration (a record of certify.json, a
#: row of certify-results.json); a new run replaces an old one of the same.
IDENT = (
    "model", "sigma", "recipe", "precision", "undefended", "epochs", "seed",
    "n", "n0", "alpha", "n_train", "n_images",
)  # fmt: skip
#: What makes a configuration, whose seeds the tables average.
CONFIGURATION = tuple(k for k in IDENT if k != "seed")
#: How a run was trained: what two runs compared image by image may differ in.
TRAINING = ("recipe", "precision", "undefended", "epochs", "n_train")
#: What two runs compared image by image share: all but their training.
PAIRED = tuple(k for k in IDENT if k not in TRAINING)
#: The fields that records and rows written before them lack, and their value.
DEFAULTS = {"precision": "float32", "undefended": False}
#: The level of the paired verdicts.
LEVEL = 0.05


def summarise(row):
    """The committed record of one run (a row of certify_study's table).

    ``reference_certified_accuracy`` holds the published baseline at the
    run's sigma (:data:`skmnistnoise.references.GAUSSIAN_MNIST_500`), whose
    it is in ``reference``.
    """
    from skmnistnoise.metrics import max_certifiable_radius
    from skmnistnoise.references import GAUSSIAN_MNIST_500

    row = upgraded(row)
    published = GAUSSIAN_MNIST_500.get(row["sigma"])
    return {
        "model": row["model"],
        "sigma": row["sigma"],
        "recipe": row["recipe"],
        "precision": row["precision"],
        "undefended": bool(row["undefended"]),
        "epochs": row["epochs"],
        "seed": row["seed"],
        "n0": row["n0"],
        "n": row["n"],
        "alpha": row["alpha"],
        "n_train": row["n_train"],
        "n_images": row["n_images"],
        "certified_accuracy": {
            f"{r:g}": a
            for r, a in zip(row["certified_radii"], row["certified_accuracy_at"])
        },
        "max_radius": max_certifiable_radius(row["sigma"], row["n"], row["alpha"]),
        "acr": row["acr"],
        "abstained": row["abstained"],
        "reference": REFERENCE,
        "reference_certified_accuracy": (
            None if published is None else {f"{r:g}": a for r, a in published.items()}
        ),
        "fit_s": round(row["fit_time"], 1),
        "certify_s": round(row["score_time"], 1),
        "wall_s": round(row["fit_time"] + row["score_time"], 1),
        "batch_size": row.get("batch_size"),
        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
        "cpu": row.get("cpu"),
    }


def upgraded(run):
    """A record of any version in this version's fields.

    Records written before them hold the reference in
    ``cohen_certified_accuracy`` (now ``reference_certified_accuracy``, with
    ``reference`` naming it) and no ``precision`` (float32), ``undefended``
    (False) or ``max_radius`` (computed from sigma, n and alpha). A row that
    names a bfloat16 network as certify_study does ("mlp-bf16") is read as
    the model ("mlp") in bfloat16.
    """
    from skmnistnoise.metrics import max_certifiable_radius

    run = dict(run)
    for field, value in DEFAULTS.items():
        run.setdefault(field, value)
    if str(run.get("model")).endswith("-bf16"):  # certify_study's own name
        run["model"] = run["model"].removesuffix("-bf16")
        run["precision"] = "bfloat16"
    if "cohen_certified_accuracy" in run:
        run["reference_certified_accuracy"] = run.pop("cohen_certified_accuracy")
        run.setdefault("reference", REFERENCE)
    if run.get("max_radius") is None:
        run["max_radius"] = max_certifiable_radius(
            run.get("sigma"), run.get("n"), run.get("alpha")
        )
    return run


def completed(runs, results):
    """The runs with their certified accuracy at every radius of :data:`RADII`.

    What a record lacks (one written before the records held every 0.25) is
    read from its run's per-image certificates, the row of ``results``
    (certify-results.json) with the same :data:`IDENT`; a record without one
    is left as it is.
    """
    from skmnistnoise.metrics import certified_accuracy

    rows = {
        tuple(r.get(k) for k in IDENT): r
        for r in map(upgraded, results or [])
        if "certificate_radius" in r
    }
    out = []
    for run in map(upgraded, runs):
        row = rows.get(tuple(run.get(k) for k in IDENT))
        missing = [r for r in RADII if f"{r:g}" not in run["certified_accuracy"]]
        if row is not None and missing:
            found = certified_accuracy(
                row["certificate_label"], _certificate(row), missing
            )
            accuracy = {
                **run["certified_accuracy"],
                **{f"{r:g}": float(a) for r, a in zip(missing, found)},
            }
            ordered = sorted(accuracy.items(), key=lambda item: float(item[0]))
            run = {**run, "certified_accuracy": dict(ordered)}
        out.append(run)
    return out


def _order(run):
    """Tables' order: the ConvNet first, then recipe, precision, defence, n, sigma."""
    return (
        run.get("model") != "convnet",
        str(run.get("model")),
        str(run.get("recipe")),
        # float32 first: the default before its variants.
        PRECISIONS.index(run["precision"]) if run.get("precision") in PRECISIONS else 2,
        bool(run.get("undefended")),
        run.get("n") or 0,
        run.get("sigma") or 0.0,
        str(run.get("seed")),
    )


def configurations(runs):
    """The runs by configuration (all but the seed), in the tables' order."""
    groups = {}
    for run in sorted(map(upgraded, runs), key=_order):
        groups.setdefault(tuple(run.get(k) for k in CONFIGURATION), []).append(run)
    return list(groups.values())


def _recipe(run):
    """The recipe cell: the recipe, and "undefended" for a network trained clean."""
    return f"{run['recipe']}, undefended" if run.get("undefended") else run["recipe"]


def _seeds(group):
    """The seeds cell: the configuration's seeds, in order."""
    seeds = {r.get("seed") for r in group}
    return ", ".join(str(s) for s in sorted(seeds, key=lambda s: (str(type(s)), s)))


def _beyond(run, r):
    """Whether radius r lies beyond what the run's n draws can certify."""
    return run.get("max_radius") is not None and r > run["max_radius"] + 1e-12


def seed_means(group, radii):
    """Mean over a configuration's seeds of the certified accuracy at each radius,
    with its 95% interval: ``{radius: (mean, low, high, how)}``.

    The interval is Student's t interval of the mean over the seeds
    (:meth:`~skmnistnoise.experiment.SweepResults.aggregate`) where there are
    several, else the Wilson interval of the one seed's fraction of its
    ``n_images`` images; ``how`` says which. Radii no run stored are left out.
    """
    from skmnistnoise.experiment import SweepResults

    rows = [
        {
            "radius": r,
            "seed": run.get("seed"),
            "certified_accuracy": run["certified_accuracy"][f"{r:g}"],
            "n_test": run.get("n_images"),
        }
        for run in group
        for r in radii
        if f"{r:g}" in run["certified_accuracy"]
    ]
    means = {}
    for entry in SweepResults(rows).aggregate("certified_accuracy", by=("radius",)):
        if entry["n"] > 1:
            low, high = entry["ci_low"], entry["ci_high"]
            how = f"t, {entry['n']} seeds"
        else:
            low, high = entry["wilson_low"], entry["wilson_high"]
            how = f"Wilson, {group[0].get('n_images')} images"
        means[entry["radius"]] = (entry["mean"], low, high, how)
    return means


def with_images(mean, low, high, n_images):
    """A t interval over seeds (``low``, ``high``) widened by the images' sampling.

    The seeds' t interval says how much another training would move the mean
    on these very images; compared with a value measured on other images (the
    goal's 10,000), the images are a sample too. The two errors are
    independent, so each side's half-width is the root of the sum of squares
    of the t interval's and of the Wilson interval's of the mean over
    ``n_images`` images (a per-image mean over seeds varies at most as one
    seed's 0-or-1 does, so the Wilson interval does not understate it),
    within [0, 1].
    """
    from skmnistnoise.metrics import wilson_interval

    w_low, w_high = (float(v) for v in wilson_interval(mean, n_images))
    return (
        max(0.0, mean - math.hypot(mean - w_low, mean - low)),
        min(1.0, mean + math.hypot(w_high - mean, high - mean)),
    )


def _mean(group, field):
    return sum(run[field] for run in group) / len(group)


def markdown(runs):
    """Our configurations (mean over seeds) beside the published baseline's table."""
    from skmnistnoise.metrics import max_certifiable_radius
    from skmnistnoise.references import GAUSSIAN_MNIST_500, PROTOCOL, RADII_500
    from skmnistnoise.report import markdown_table

    header = (
        "model", "recipe", "precision", "sigma", "seeds",
        *(f"r={r:g}" for r in RADII_500), "max r", "ACR", "abstained", "n",
        "images", "epochs", "fit (s)", "certify (s)",
    )  # fmt: skip
    rows = []
    for group in configurations(runs):
        run = group[0]
        means = seed_means(group, RADII_500)
        cells = [run["model"], _recipe(run), run["precision"], f"{run['sigma']:g}"]
        cells.append(_seeds(group))
        for r in RADII_500:
            if _beyond(run, r):
                cells.append("-")
            else:
                cells.append(f"{means[r][0]:.3f}" if r in means else "")
        cells.append("" if run["max_radius"] is None else f"{run['max_radius']:.2f}")
        cells += [f"{_mean(group, 'acr'):.3f}", f"{_mean(group, 'abstained'):.3f}"]
        cells += [str(run["n"]), str(run["n_images"]), str(run["epochs"])]
        cells += [f"{_mean(group, 'fit_s'):.0f}", f"{_mean(group, 'certify_s'):.0f}"]
        rows.append(cells)
    for sigma, published in GAUSSIAN_MNIST_500.items():
        cells = [f"{PROTOCOL['model']}, {REFERENCE_NAME}"]
        cells += [f"Gaussian baseline of Cohen et al., {PROTOCOL['epochs']} epochs"]
        cells += ["", f"{sigma:g}", f"{PROTOCOL['seeds']} seeds"]
        cells += [
            "-" if published.get(r) is None else f"{published[r]:.3f}"
            for r in RADII_500
        ]
        cap = max_certifiable_radius(sigma, PROTOCOL["n"], PROTOCOL["alpha"])
        cells += [f"{cap:.2f}", "", "", str(PROTOCOL["n"]), "500"]
        cells += [str(PROTOCOL["epochs"]), "", ""]
        rows.append(cells)
    return markdown_table(header, rows, ["---"] * len(header)) + "\n"


def against_reference(runs):
    """Each configuration's mean certified accuracy with its 95% interval, beside
    the baseline.

    The interval (:func:`seed_means`) is the t interval over the seeds, or
    for one seed the Wilson interval over its images (another 500 images would
    give another fraction). The baseline publishes no per-image certificates,
    so no paired test is possible against it. ``ours below`` marks where the
    published value (the runs' ``reference_certified_accuracy``) lies above
    the interval, ``within`` where it lies inside, ``ours above`` where below.
    """
    from skmnistnoise.references import RADII_500
    from skmnistnoise.report import markdown_table

    header = ("model", "recipe", "precision", "sigma", "interval")
    header += tuple(f"r={r:g}" for r in RADII_500)
    rows = []
    for group in configurations(runs):
        run = group[0]
        published = run.get("reference_certified_accuracy") or {}
        means = seed_means(group, RADII_500)
        cells = [run["model"], _recipe(run), run["precision"], f"{run['sigma']:g}"]
        cells.append(next(iter(means.values()))[3] if means else "")
        for r in RADII_500:
            theirs = published.get(f"{r:g}")
            if r not in means or theirs is None or _beyond(run, r):
                cells.append("-")
                continue
            ours, low, high, _ = means[r]
            verdict = _verdict(
                theirs, low, high, ("ours below", "within", "ours above")
            )
            cells.append(
                f"{ours:.3f} [{float(low):.3f}, {float(high):.3f}] vs {theirs:.3f}, "
                f"{verdict}"
            )
        rows.append(cells)
    return markdown_table(header, rows, ["---"] * len(header)) + "\n"


def _verdict(goal, low, high, labels=("below", "within", "above")):
    """Where a value lies against an interval: below it, within, or above it."""
    if goal > high:
        return labels[0]
    return labels[2] if goal < low else labels[1]


def against_goal(runs):
    """Each configuration against the goal: the Gaussian baseline on all 10,000
    test images, every 0.25 in radius
    (:data:`skmnistnoise.references.GAUSSIAN_MNIST_10000`).

    ``met`` where the whole interval of our mean lies at or above the goal
    (:func:`seed_means`: one seed's Wilson interval over its images; for
    several, their t interval widened by the images' sampling,
    :func:`with_images`, since the goal is measured on other images),
    ``short`` where it lies below, ``not shown`` where the goal is inside it,
    and ``short`` beyond the run's ``max r`` too (nothing is certified
    there); blank where a record holds no value. The last column counts them.
    Configurations at a sigma the table lacks are left out.
    """
    from skmnistnoise.references import GAUSSIAN_MNIST_10000
    from skmnistnoise.report import markdown_table

    radii = sorted({r for table in GAUSSIAN_MNIST_10000.values() for r in table})
    header = ("model", "recipe", "precision", "n", "sigma", "seeds", "interval")
    header += (*(f"r={r:g}" for r in radii), "met / not shown / short")
    rows = []
    for group in configurations(runs):
        run = group[0]
        goal = GAUSSIAN_MNIST_10000.get(run["sigma"])
        if goal is None:
            continue
        means = seed_means(group, sorted(goal))
        how = next(iter(means.values()))[3] if means else ""
        if len(group) > 1:  # the goal's images are others: ours are a sample too
            means = {
                r: (m, *with_images(m, low, high, run["n_images"]), how)
                for r, (m, low, high, how) in means.items()
            }
            how += f" and Wilson, {run['n_images']} images"
        cells = [run["model"], _recipe(run), run["precision"], f"{run['n']:,}"]
        cells += [f"{run['sigma']:g}", _seeds(group), how]
        tally = dict.fromkeys(("met", "not shown", "short"), 0)
        for r in radii:
            if r not in goal:
                cells.append("")
                continue
            if _beyond(run, r):
                tally["short"] += 1  # nothing certified there: short of any goal
                cells.append(f"- vs {goal[r]:.3f}, short")
                continue
            if r not in means:  # a record that holds no value there
                cells.append("")
                continue
            ours, low, high, _ = means[r]
            verdict = "met" if low >= goal[r] else "not shown"
            verdict = "short" if high < goal[r] else verdict
            tally[verdict] += 1
            cells.append(
                f"{ours:.3f} [{float(low):.3f}, {float(high):.3f}] vs "
                f"{goal[r]:.3f}, {verdict}"
            )
        cells.append(" / ".join(str(v) for v in tally.values()))
        rows.append(cells)
    if not rows:
        return "No configuration here is at a sigma of the goal's table.\n"
    return markdown_table(header, rows, ["---"] * len(header)) + "\n"


def goal_needs(n_images=500):
    """What one seed on ``n_images`` images must certify for the goal to be
    ``met``: at each sigma and radius of the goal's table, the least count of
    the images whose Wilson interval lies at or above it (``none``: not even
    all of them), beside the reference on the 500 images
    (:data:`skmnistnoise.references.GAUSSIAN_MNIST_500`, where it has the
    radius): the images of the protocol are harder than the 10,000 on
    average.
    """
    from skmnistnoise.metrics import wilson_interval
    from skmnistnoise.references import GAUSSIAN_MNIST_500, GAUSSIAN_MNIST_10000
    from skmnistnoise.report import markdown_table

    radii = sorted({r for table in GAUSSIAN_MNIST_10000.values() for r in table})
    header = ("sigma", "", *(f"r={r:g}" for r in radii))
    rows = []
    for sigma, goal in GAUSSIAN_MNIST_10000.items():
        needs, theirs = [f"{sigma:g}", "met needs"], ["", "reference, 500 images"]
        for r in radii:
            if r not in goal:
                needs.append("")
                theirs.append("")
                continue
            count = next(
                (
                    k
                    for k in range(n_images + 1)
                    if wilson_interval(k / n_images, n_images)[0] >= goal[r]
                ),
                None,
            )
            needs.append("none" if count is None else f"{count / n_images:.3f}")
            value = GAUSSIAN_MNIST_500.get(sigma, {}).get(r)
            theirs.append("" if value is None else f"{value:.3f}")
        rows += [needs, theirs]
    return markdown_table(header, rows, ["---"] * len(header)) + "\n"


def every_radius(runs):
    """The mean certified accuracy over the seeds every 0.25 in radius.

    Up to the largest radius any configuration can certify; blank where a
    record holds no value (written before the records held every 0.25),
    ``-`` beyond the configuration's ``max r``.
    """
    from skmnistnoise.report import markdown_table

    groups = configurations(runs)
    caps = [g[0]["max_radius"] for g in groups if g[0]["max_radius"] is not None]
    radii = [r for r in RADII if not caps or r <= max(caps)]
    header = ("model", "recipe", "precision", "sigma", "seeds", "max r")
    header += tuple(f"r={r:g}" for r in radii)
    rows = []
    for group in groups:
        run = group[0]
        means = seed_means(group, radii)
        cells = [run["model"], _recipe(run), run["precision"], f"{run['sigma']:g}"]
        cells.append(_seeds(group))
        cells.append("" if run["max_radius"] is None else f"{run['max_radius']:.2f}")
        for r in radii:
            if _beyond(run, r):
                cells.append("-")
            else:
                cells.append(f"{means[r][0]:.3f}" if r in means else "")
        rows.append(cells)
    return markdown_table(header, rows, ["---"] * len(header)) + "\n"


def _certificate(row):
    return {
        "prediction": row["certificate_prediction"],
        "radius": row["certificate_radius"],
        "abstained": row["certificate_abstained"],
    }


def _variant(run):
    """A run's training, in words: recipe, "undefended", precision, epochs (and
    the training images where they are not MNIST's 60,000)."""
    words = f"{_recipe(run)}, {run.get('precision', DEFAULTS['precision'])}"
    words += f", {run['epochs']} epochs"
    if run.get("n_train", N_TRAIN) != N_TRAIN:
        words += f" of {run['n_train']:,} images"
    return words


def paired_verdicts(results):
    """McNemar's exact test between runs on the same images, at the reference's radii.

    Two rows of ``results`` (certify_study's, with per-image certificates)
    are paired when they certified the same images (the same labels) with
    the same model, sigma, ``n``, ``n0``, ``alpha`` and seed, and differ in
    their training (:data:`TRAINING`: recipe, precision, training noise,
    epochs, training images). Each cell:
    the images only A certifies correct at r, those only B does, the exact
    p-value of :func:`skmnistnoise.metrics.paired_certified_test`, and the
    verdict at :data:`LEVEL`; ``-`` beyond the radius the runs' n draws can
    certify. None where no two rows pair.
    """
    from skmnistnoise.experiment import SweepResults
    from skmnistnoise.metrics import paired_certified_test
    from skmnistnoise.references import RADII_500
    from skmnistnoise.report import markdown_table

    rows = [
        upgraded(r)
        for r in SweepResults.coerce(results or [])
        if "certificate_radius" in r
    ]
    groups = {}
    for row in sorted(rows, key=_order):
        groups.setdefault(tuple(row.get(k) for k in PAIRED), []).append(row)
    header = ("model", "sigma", "n", "seed", "images", "A", "B")
    header += tuple(f"r={r:g}" for r in RADII_500)
    table = []
    for group in groups.values():
        for a, b in itertools.combinations(group, 2):
            if a["certificate_label"] != b["certificate_label"]:
                continue
            test = paired_certified_test(
                a["certificate_label"], _certificate(a), _certificate(b), RADII_500
            )
            cells = [a["model"], f"{a['sigma']:g}", str(a["n"]), str(a["seed"])]
            cells += [str(a["n_images"]), _variant(a), _variant(b)]
            for r, only_a, only_b, p in zip(
                test.radii, test.only_a, test.only_b, test.pvalue
            ):
                if _beyond(a, r) and _beyond(b, r):
                    cells.append("-")
                    continue
                verdict = "no difference"
                if p < LEVEL:
                    verdict = "A better" if only_a > only_b else "B better"
                cells.append(
                    f"only A {only_a}, only B {only_b}, p = {p:.2g}: {verdict}"
                )
            table.append(cells)
    if not table:
        return None
    return markdown_table(header, table, ["---"] * len(header)) + "\n"


def commands(runs):
    """The command lines that make ``runs``: one per set of options they share.

    Built from the records, not from the last run's arguments, so that a run
    of some sigmas, seeds or models does not put its options above every row.
    """
    groups = {}  # options -> model -> sigma -> its seeds
    for run in map(upgraded, runs):
        options = tuple(
            (flag, run[field]) for flag, field, default in OPTIONS
            if run[field] != default
        )  # fmt: skip
        by_sigma = groups.setdefault(options, {}).setdefault(run["model"], {})
        by_sigma.setdefault(run["sigma"], set()).add(run.get("seed", SEEDS[0]))
    lines = []
    for options, by_model in groups.items():
        models = {}  # the models that ran the same sigmas and seeds share lines
        for model, by_sigma in by_model.items():
            by_seeds = {}
            for sigma, seeds in by_sigma.items():
                by_seeds.setdefault(tuple(sorted(seeds)), []).append(sigma)
            shape = tuple(sorted((k, tuple(sorted(v))) for k, v in by_seeds.items()))
            models.setdefault(shape, []).append(model)
        for shape, names in models.items():
            for seeds, sigmas in shape:
                words = ["python benchmarks/certify.py", "--models", *names]
                if sigmas != tuple(sorted(SIGMAS)):
                    words += ["--sigmas", *(f"{s:g}" for s in sigmas)]
                if seeds != SEEDS:
                    words += ["--seeds", *(str(s) for s in seeds)]
                for flag, value in options:
                    if value is True:
                        words.append(flag)
                    else:
                        text = f"{value:g}" if isinstance(value, float) else str(value)
                        words += [flag, text]
                lines.append(" ".join(words))
    return lines


def against_stronger_recipes(runs):
    """Ours at the radii the published recipes report (sigma 0.5 at r = 1.5,
    sigma 1 at r = 2), beside them: :data:`skmnistnoise.references.STRONGER_RECIPES`.

    Published numbers are means of their papers' runs (n = 100,000, LeNet,
    500 images, per-paper training lengths); ours the mean over our seeds
    with its interval (:func:`seed_means`).
    """
    from skmnistnoise.references import STRONGER_RECIPES
    from skmnistnoise.report import markdown_table

    points = sorted(
        {(s, r) for p in STRONGER_RECIPES.values() for s in p for r in p[s]}
    )
    header = ("", *(f"sigma {s:g}, r={r:g}" for s, r in points))
    rows = [
        [f"{name} (published)"]
        + [
            f"{published[s][r]:.3f}" if r in published.get(s, {}) else "-"
            for s, r in points
        ]
        for name, published in STRONGER_RECIPES.items()
    ]
    for group in configurations(runs):
        run = group[0]
        cells = [
            f"ours: {run['model']}, {_recipe(run)}, {run['precision']}, n={run['n']:,}"
        ]
        for sigma, r in points:
            if run["sigma"] != sigma:
                cells.append("")
                continue
            means = seed_means(group, [r])
            if r not in means:
                cells.append("-")
                continue
            mean, low, high, how = means[r]
            cells.append(f"{mean:.3f} [{low:.3f}, {high:.3f}] ({how})")
        rows.append(cells)
    rows = [row for row in rows if any(c not in ("", "-") for c in row[1:])]
    return markdown_table(header, rows, ["---"] * len(header)) + "\n"


def write_markdown(runs, path, results=None):
    """``certify.md``: the commands that make its rows, then the tables; the first.

    ``results``: certify-results.json's rows, for the paired verdicts (None:
    none are drawn).
    """
    from skmnistnoise.references import PROTOCOL

    runs = completed(runs, results)
    table = markdown(runs)
    command = "\n".join(commands(runs))
    paired = paired_verdicts(results)
    if paired is None:
        paired = (
            "No two runs here were certified on the same images with the same "
            "model, sigma, n and seed while differing in their training.\n"
        )
    path.write_text(
        "# Certified robustness on MNIST (randomized smoothing)\n\n"
        f"```bash\n{command}\n```\n\n"
        "Certified accuracy at the reference's radii, the mean over the seeds of "
        "each configuration (model, recipe, precision, n, sigma; `undefended`: "
        "the network trained without noise, smoothed at sigma all the same). "
        "`max r`: the largest radius n draws can certify, sigma * "
        "Phi^-1(alpha^(1/n)); `-`: beyond it (no image is certified there, "
        "whatever the network), or not published. ACR, abstained and the "
        "times (per seed) are means over the seeds.\n\n"
        f"{table}\n"
        "## Against the reference\n\n"
        f"{REFERENCE_NAME}'s reproduction of Cohen et al.'s Gaussian baseline "
        f"({PROTOCOL['model']}, {PROTOCOL['epochs']} epochs, "
        f"n={PROTOCOL['n']:,}, the mean of {PROTOCOL['seeds']} seeds): ours "
        "[95% interval] vs theirs, and where ours lies (ours below: theirs above "
        "our interval). The interval is Student's t interval of the mean over "
        "the seeds where a configuration has several, else the Wilson interval "
        "of its one seed's fraction of the images (`interval` says which): with "
        "two or three seeds the t interval is wide, and of width 0 where the "
        "seeds agree. `-`: no published value, or beyond our `max r`. The "
        "reference publishes no per-image certificates, so these intervals are "
        "the only comparison with it; our runs are compared with each other "
        "image by image below.\n\n" + against_reference(runs) + "\n"
        "## Against the goal\n\n"
        f"The goal: at least {REFERENCE_NAME}'s Gaussian baseline on all 10,000 "
        "test images (the mean of its 5 seeds, n = 100,000; "
        "`skmnistnoise.references.GAUSSIAN_MNIST_10000`) at every radius it "
        "lists, every 0.25. Ours: the mean over our seeds on the 500 images "
        "with its 95% interval: for one seed the Wilson interval over its "
        "images, as above; for several, the t interval over the seeds widened "
        "by the sampling of the images (each side's half-width the root of the "
        "sum of the squares of the t interval's and of the Wilson interval's "
        "of the mean), since the goal is measured on other images: the seeds' "
        "t interval alone says only what another training would give on these "
        "500. `met`: the whole interval at or above the "
        "goal; `not shown`: the goal inside the interval; `short`: the interval "
        "below it, or the radius beyond our `max r` (nothing certified "
        "there).\n\n" + against_goal(runs) + "\n"
        "On one seed of the 500 images, `met` needs at least the fraction "
        "below (the least whose Wilson interval lies at or above the goal); "
        "at sigma 0.25, r = 0, not even 500 of 500 is enough. The reference "
        "itself certifies less on these 500 images than on all 10,000 at every "
        "radius it lists for them:\n\n" + goal_needs() + "\n"
        "## Against the published recipes\n\n"
        "Certified accuracy at the two radii that the published recipes report "
        "on this protocol (the 500 images, n = 100,000, LeNet; each paper's "
        "training), our configurations beside them (the mean over our seeds, "
        "its interval as above; blank: another sigma, `-`: beyond our "
        "`max r`).\n\n" + against_stronger_recipes(runs) + "\n"
        "## Every 0.25 in radius\n\n"
        "The mean over the seeds (a record written before the records held every "
        "0.25 completed from its per-image certificates in "
        "`certify-results.json`; blank: neither holds it), `-`: beyond "
        "`max r`.\n\n" + every_radius(runs) + "\n## Paired verdicts\n\n"
        "Runs certified on the same images with the same model, sigma, n and "
        "seed that differ in their training (recipe, precision, training noise, "
        "epochs; A, B): "
        "McNemar's exact test at each radius on their per-image certificates "
        "(`certify-results.json`): the images only A certifies correct at r, "
        "those only B does, the two-sided p-value, and the verdict at "
        f"{LEVEL:g} (no difference: p >= {LEVEL:g}). The images both or neither "
        "certify say nothing about which is better; the test counts only the "
        "others, which is why it can separate two runs whose intervals "
        "overlap.\n\n" + paired
    )
    return table
