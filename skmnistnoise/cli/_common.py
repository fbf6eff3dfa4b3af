"""What the commands share: argument types, option groups, loading and writing.

The parser class and :class:`UsageError`, the argument types (each raises
``ArgumentTypeError``, which argparse turns into ``argument --name:
<message>``), the option groups more than one command adds (data, noise and
scales, seed and output folder, ``--n-jobs``, ``--quiet``/``--no-store``,
``--formats``), the deprecated spellings of renamed options, and the helpers
that load a dataset, train, and write and print a command's outputs.
Nothing here imports TensorFlow, Keras or matplotlib at import time.
"""

import argparse
import math
import os
import re
import shlex
import sys
import textwrap
from pathlib import Path

from .._registry import CORRUPTIONS
from .._registry import NOISES as NOISE_CHOICES
from .._registry import PROTOCOLS as PROTOCOL_CHOICES
from ..datasets import DATASETS as DATASET_CHOICES

PROG = "skmnistnoise"
DEFAULT_OUT = "skmnistnoise-results"
# The release that drops the deprecated spellings of renamed options.
ALIASES_REMOVED_IN = "0.4"


class UsageError(Exception):
    """A problem with what the user asked for: one line, exit status 2.

    Raised by the parser of :func:`~skmnistnoise.cli.build_parser` for a bad
    argument, and by the commands for inputs that cannot be used (a data
    folder without the files, an output folder that cannot be written);
    :func:`~skmnistnoise.cli.main` prints it as
    ``skmnistnoise: error: <message>`` and returns 2.

    Examples
    --------
    >>> from skmnistnoise.cli import UsageError, build_parser
    >>> try:
    ...     build_parser().parse_args(["sweep", "--model", "resnet"])
    ... except UsageError as exc:
    ...     print(exc)
    argument --model: invalid choice: 'resnet' (choose from ...)
    """


# A choice list longer than this is shown as the option's name in capitals
# (``--recipe RECIPE``) and spelled out in its help, where it can wrap.
_MAX_CHOICES_WIDTH = 40


def _choices_text(action):
    """``{a,b,c}``, argparse's metavar for an option with choices, or None."""
    if action.metavar is not None or action.choices is None:
        return None
    return "{" + ",".join(str(choice) for choice in action.choices) + "}"


def _long_choices(action):
    text = _choices_text(action)
    return text is not None and len(text) > _MAX_CHOICES_WIDTH


class _HelpFormatter(argparse.HelpFormatter):
    """The help of every command: wrapped between words, examples kept as written.

    argparse's own formatter breaks words at hyphens (``scikit-`` / ``learn``)
    and, with ``RawDescriptionHelpFormatter``, leaves a description on one
    line however long. Here the prose of a description or epilog is filled to
    the width (``$COLUMNS``, as argparse), lines that start with a space (the
    example commands) are kept as they are, a blank line separates paragraphs,
    and a long list of choices becomes ``NAME`` with the choices in the help.
    """

    def _split_lines(self, text, width):
        text = self._whitespace_matcher.sub(" ", text).strip()
        return textwrap.wrap(text, width, break_on_hyphens=False)

    def _fill_text(self, text, width, indent):
        lines, prose = [], []

        def end_paragraph():
            if prose:
                lines.append(
                    textwrap.fill(
                        " ".join(prose),
                        width,
                        initial_indent=indent,
                        subsequent_indent=indent,
                        break_on_hyphens=False,
                    )
                )
                prose.clear()

        for line in text.splitlines():
            if not line.strip():
                end_paragraph()
                lines.append("")
            elif line[0].isspace():
                end_paragraph()
                lines.append(indent + line.rstrip())
            else:
                prose.append(line.strip())
        end_paragraph()
        return "\n".join(lines)

    def _metavar_formatter(self, action, default_metavar):
        if _long_choices(action):
            return super()._metavar_formatter(
                argparse.Action(action.option_strings, action.dest),
                default_metavar,
            )
        return super()._metavar_formatter(action, default_metavar)

    def _get_help_string(self, action):
        help_text = super()._get_help_string(action) or ""
        if not _long_choices(action) or all(
            re.search(rf"(?<![\w-]){re.escape(str(choice))}(?![\w-])", help_text)
            for choice in action.choices
        ):
            return help_text
        names = ", ".join(str(choice) for choice in action.choices)
        return f"{help_text}; one of: {names.replace('%', '%%')}"


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, without the usage dump.

    Its help, and that of its subcommands, is formatted by
    :class:`_HelpFormatter`, whatever ``formatter_class`` a command names.
    """

    def __init__(self, *args, **kwargs):
        kwargs["formatter_class"] = _HelpFormatter
        super().__init__(*args, **kwargs)

    def error(self, message):
        raise UsageError(message)


# --------------------------------------------------------------------------
# Argument types: each raises ArgumentTypeError, which argparse turns into
# "argument --name: <message>".


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a positive integer, got {text!r}"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def _n_jobs(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a non-zero integer (-1: all cores), got {text!r}"
        ) from None
    if value == 0:
        raise argparse.ArgumentTypeError(
            "must be a non-zero integer (1: no parallelism, -1: all cores), got 0"
        )
    return value


def _scale(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a finite number >= 0, got {text!r}"
        ) from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text}")
    return value


def _scale_or_severities(text):
    """A noise scale, or the word ``severities`` (ImageNet-C's five)."""
    if text == "severities":
        return text
    try:
        float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be finite numbers >= 0 or the word severities, got {text!r}"
        ) from None
    return _scale(text)


def _seed(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be an integer from 0 to 2**32 - 1, got {text!r}"
        ) from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(
            f"must be an integer from 0 to 2**32 - 1, got {value}"
        )
    return value


def _existing_dir(text):
    path = Path(text).expanduser()
    if not path.is_dir():
        what = "is not a folder" if path.exists() else "does not exist"
        raise argparse.ArgumentTypeError(f"folder {str(path)!r} {what}")
    return path


# --------------------------------------------------------------------------
# Renamed options: the old spelling, hidden, for one release.


class _DeprecatedAlias(argparse.Action):
    """The old spelling of a renamed option: hidden from --help, still working.

    It stores its value where the new spelling does, says on standard error,
    in one line, which spelling replaces it, and records the spelling typed
    (see :func:`_option_name`).
    """

    def __init__(self, option_strings, dest, *, new, **kwargs):
        self.new = new
        super().__init__(
            option_strings,
            dest,
            default=argparse.SUPPRESS,
            help=argparse.SUPPRESS,
            **kwargs,
        )

    def __call__(self, parser, namespace, values, option_string=None):
        print(
            f"{PROG}: warning: {option_string} is deprecated and will be removed "
            f"in {ALIASES_REMOVED_IN}; use {self.new}",
            file=sys.stderr,
        )
        setattr(namespace, self.dest, values)
        spelled = vars(namespace).setdefault("_spelled", {})
        spelled[self.dest] = option_string


def _add_deprecated_alias(parser, old, action, **kwargs):
    """Add ``old``, a hidden spelling of the option ``action`` that warns.

    ``kwargs`` replace what it takes from ``action`` (``new``, the spelling
    the warning names; ``dest``, ``type``, ``nargs``, ``choices``).
    """
    parser.add_argument(
        old,
        **{
            "action": _DeprecatedAlias,
            "new": action.option_strings[-1],
            "dest": action.dest,
            "type": action.type,
            "nargs": action.nargs,
            "metavar": action.metavar,
            **kwargs,
        },
    )


def _option_name(args, dest, name):
    """``name``, the option of ``dest``, as the user spelled it (maybe an alias)."""
    return getattr(args, "_spelled", {}).get(dest, name)


# --------------------------------------------------------------------------
# Option groups that several commands add


def _add_data_arguments(parser):
    parser.add_argument(
        "--dataset",
        choices=DATASET_CHOICES,
        default="digits",
        help="the images: 'digits' (8x8, embedded, offline; default), 'mnist' or "
        "'fashion-mnist' (28x28, read from --data-home, downloaded if missing)",
    )
    parser.add_argument(
        "--data-home",
        type=_existing_dir,
        metavar="DIR",
        help="an existing folder with the MNIST/Fashion-MNIST .gz files "
        "(default: $SKMNISTNOISE_DATA, else scikit-learn's data home)",
    )


#: The --noise value that stands for all fifteen corruptions of MNIST-C.
MNIST_C = "mnist-c"


def noises_of(values):
    """The --noise values, "mnist-c" expanded, duplicates dropped, in order."""
    expanded = []
    for value in values:
        expanded += list(CORRUPTIONS) if value == MNIST_C else [value]
    return list(dict.fromkeys(expanded))


def _add_common_arguments(parser, *, noise_default_text, out_help, training=False):
    """--noise, --scales (and --clip), --seed, --out.

    A training command (``training``) takes ``--scales severities`` for
    ImageNet-C's severities, ``--clip``, one or several seeds, and MNIST-C's
    corruptions as noises (``mnist-c``: all fifteen).
    """
    choices = (*NOISE_CHOICES, *CORRUPTIONS, MNIST_C) if training else NOISE_CHOICES
    parser.add_argument(
        "--noise",
        nargs="+",
        action="extend",
        choices=choices,
        metavar="NOISE",
        help="noise model(s), one or several of: "
        + ", ".join(NOISE_CHOICES)
        + f" (default: {noise_default_text}). additive: x + N(0, s); "
        "multiplicative: x * N(0, s), the ConvNet notebook's; speckle: "
        "x * N(1, s); impulse: salt and pepper, fraction s; shot: Poisson, "
        "1/s photons"
        + (
            "; or MNIST-C's corruptions of 28x28 digits, on the test images, "
            "the scale their severity (1: MNIST-C's setting; --scales "
            "defaults to 0 1): " + ", ".join(CORRUPTIONS) + f"; {MNIST_C}: all fifteen"
            if training
            else ""
        ),
    )
    levels = parser.add_mutually_exclusive_group()
    scales = levels.add_argument(
        "--scales",
        nargs="+",
        type=_scale_or_severities if training else _scale,
        metavar="S",
        help="noise scales, finite and >= 0; 0 is the no-noise baseline "
        "(default: 0 0.1 0.5 1 2 4, the notebooks')"
        + (
            "; or 'severities': ImageNet-C's five severities of each noise, at "
            "its published scales, plus the clean baseline, the noisy images "
            "clipped to [0, 1] (additive, speckle, impulse and shot noise)"
            if training
            else ""
        ),
    )
    if training:
        # The deprecated spelling of --scales severities (some of them).
        _add_deprecated_alias(
            levels,
            "--severities",
            scales,
            new="--scales severities",
            dest="severities",
            type=int,
            choices=(1, 2, 3, 4, 5),
            metavar="K",
        )
        parser.add_argument(
            "--clip",
            nargs=2,
            type=float,
            metavar=("LOW", "HIGH"),
            help="clip the noisy images to [LOW, HIGH], e.g. --clip 0 1 "
            "(default: no clipping; 0 1 with --scales severities)",
        )
    _add_seed_and_out(parser, out_help, replicates=training)


def _add_seed_and_out(parser, out_help, *, replicates=False):
    """--seed and --out.

    With ``replicates``, ``--seed`` takes one seed or several (one fit per
    seed), as the library's ``random_state``; ``--seeds`` is its deprecated
    spelling. Without, one ``--seed``.
    """
    if replicates:
        seed = parser.add_argument(
            "--seed",
            nargs="+",
            type=_seed,
            default=[0],
            metavar="SEED",
            help="seed of every noise draw and network (default: 0); several "
            "(e.g. --seed 0 1 2) repeat every fit once per seed: the report and "
            "figures give the mean and its 95%% interval over the seeds",
        )
        _add_deprecated_alias(parser, "--seeds", seed)
    else:
        parser.add_argument(
            "--seed",
            type=_seed,
            default=0,
            help="seed of every noise draw and network (default: 0)",
        )
    parser.add_argument(
        "--out",
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"{out_help} (default: ./{DEFAULT_OUT}; created if needed)",
    )


def _random_state(args):
    """The ``random_state`` of a command's ``--seed``: one int, or a list of them."""
    seeds = list(dict.fromkeys(args.seed))
    return seeds[0] if len(seeds) == 1 else seeds


def _add_run_arguments(parser, what, protocols=PROTOCOL_CHOICES):
    """--epochs, the data options and --protocol of a training command."""
    parser.add_argument(
        "--epochs",
        type=_positive_int,
        metavar="N",
        help="training epochs of every model (default: the models' own, the "
        "notebooks' MLP 20 and ConvNet 12, on every dataset)",
    )
    _add_data_arguments(parser)
    parser.add_argument(
        "--protocol",
        choices=protocols,
        default="pixel",
        help=what,
    )


def _add_formats(parser):
    parser.add_argument(
        "--formats",
        nargs="+",
        choices=("png", "svg", "pdf"),
        default=["png"],
        metavar="FORMAT",
        help="figure file formats: png (150 dpi), svg, pdf (default: png)",
    )


def _add_n_jobs(parser):
    parser.add_argument(
        "--n-jobs",
        type=_n_jobs,
        metavar="N",
        help="fits trained in parallel processes (-1: all cores; default: one "
        "at a time)",
    )


def _add_quiet_and_store(parser):
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress lines on standard error",
    )
    parser.add_argument(
        "--no-store",
        action="store_true",
        help="do not read or write OUT/store: train everything again",
    )


# --------------------------------------------------------------------------
# Inputs and output folders


def _one_line(message):
    return " ".join(str(message).split())


def _command_line(argv):
    return shlex.join([PROG, *argv])


def _load(args, subset="all"):
    from ..datasets import load_dataset

    try:
        return load_dataset(args.dataset, data_home=args.data_home, subset=subset)
    except (OSError, ValueError) as exc:  # FileNotFoundError is an OSError
        raise UsageError(
            f"argument --dataset: cannot load {args.dataset!r}: {_one_line(exc)}"
        ) from None


def _test_images(bunch):
    """The test images of a loaded dataset (its official split)."""
    _, test = next(bunch.cv.split(bunch.data, bunch.target))
    return bunch.data[test], tuple(bunch.images.shape[1:])


def _writable(path, parents=False):
    """Create the folder ``path`` and write a probe file in it; the OSError's reason."""
    probe = path / f".skmnistnoise-probe-{os.getpid()}"
    try:
        path.mkdir(parents=parents, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _writable_out(path):
    """Create ``path`` and write a probe file in it, or raise UsageError."""
    path = Path(path).expanduser()
    reason = _writable(path, parents=True)
    if reason is not None:
        raise UsageError(
            f"argument --out: cannot create or write to {str(path)!r}: {reason}"
        )
    return path


def _writable_store(out, no_store):
    """``OUT/store``, created and checked writable before any fit (None: --no-store)."""
    if no_store:
        return None
    store = out / "store"
    reason = _writable(store)
    if reason is not None:
        raise UsageError(
            f"argument --out: the result store {str(store)!r} cannot be written: "
            f"{reason} (make it writable, or pass --no-store)"
        )
    return store


# --------------------------------------------------------------------------
# Training, and what a command writes and prints


def _train(run, store):
    """``run()``; a bad parameter is a UsageError, an interrupt returns None.

    Parameters are checked before any fit, so a UsageError leaves no fit
    behind; on Ctrl-C the finished fits are in ``store`` and the user is told
    how to resume.
    """
    from sklearn.utils._param_validation import InvalidParameterError

    try:
        return run()
    except InvalidParameterError as exc:
        raise UsageError(_one_line(exc)) from None
    except KeyboardInterrupt:
        where = f"; finished fits are kept in {store}" if store else ""
        print(
            f"{PROG}: interrupted{where}: run the same command again to resume",
            file=sys.stderr,
        )
        return None


def _fits_line(results, store, wall):
    """'N fits: T trained, C read from STORE (Ws)'."""
    source = f", {results.n_cached} read from {store}" if store is not None else ""
    return f"{len(results)} fits: {results.n_computed} trained{source} ({wall:.0f}s)"


def _summary_lines(results):
    """The robustness scores of the run, one line per model and noise."""
    from ..metrics import corruption_scores

    lines = []
    for s in corruption_scores(results):
        if len(s["scales"]) < 2 or not math.isfinite(s["clean_error"]):
            continue
        ce = "" if not math.isfinite(s["ce"]) else f"  CE {s['ce']:.3f}"
        rce = (
            ""
            if not math.isfinite(s["relative_ce"])
            else f"  relative CE {s['relative_ce']:.3f}"
        )
        lines.append(
            f"  {s['model']} {s['noise']}: clean error {s['clean_error']:.4f}  "
            f"mean error {s['mean_error']:.4f}{ce}{rce}  AUC {s['auc']:.4f}"
        )
    return lines


def _write_outputs(results, out, *, samples, seed, formats, wall):
    """results.csv, results.json, the figures and report.md; what was written."""
    from ..report import save_figures, write_report

    results.to_csv(out / "results.csv")
    results.to_json(out / "results.json")
    X_test, image_shape = samples if samples is not None else (None, None)
    figures = save_figures(
        results,
        out,
        X_test,
        image_shape=image_shape,
        random_state=seed,
        formats=formats,
    )
    report = write_report(
        results, out, settings=results.settings, figures=figures, wall_time=wall
    )
    return figures, report


def _print_outputs(results, out, figures, report):
    summary = _summary_lines(results)
    if summary:
        print("robustness (mean error over the noisy scales, CE vs MLP, AUC):")
        print("\n".join(summary))
    print(f"results: {out / 'results.csv'}, {out / 'results.json'}")
    print(f"figures: {', '.join(str(p) for p in figures.values())}")
    print(f"report:  {report}")
