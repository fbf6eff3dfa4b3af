"""The ``skmnistnoise`` command: run a noise study, or draw noisy samples.

The module imports neither TensorFlow nor Keras nor matplotlib: ``--help`` and
``skmnistnoise report`` start at once; a command loads them when it trains or
draws.

``skmnistnoise sweep`` runs :func:`~skmnistnoise.experiment.run_study` with a
result store in ``OUT/store`` (a re-run of the same command trains nothing),
and writes ``results.csv``, ``results.json``, the figures as PNG and
``report.md`` into ``OUT``. ``skmnistnoise report DIR`` rebuilds the report and
figures from ``DIR/results.json``, training nothing. ``skmnistnoise samples``
draws the noisy-samples figure alone. ``skmnistnoise matrix`` trains one model
per training noise scale and tests each at every test noise scale
(:func:`~skmnistnoise.experiment.robustness_matrix`): ``matrix.csv`` and a
heatmap. ``python -m skmnistnoise`` is the same command. With ``--scheduler
ADDRESS`` (a running Dask cluster) or ``--dask-workers N`` (a local one) the
sweep's fits run on Dask workers through joblib's Dask backend (see
:mod:`skmnistnoise.cluster`).

Bad arguments, and errors that come from what the user asked for (a data folder
without the files, a folder that cannot be written), end with exit status 2 and
one line on standard error that names the argument; progress lines go to
standard error, the list of written files to standard output.
"""

import os

# Before TensorFlow is imported by the commands. Level 3: level 2 still lets
# through one harmless C++ "NodeDef mentions attribute" error line per fit.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import argparse  # noqa: E402
import math  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from contextlib import ExitStack, contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402

from ._registry import MODELS, NOTEBOOK_SCALES  # noqa: E402
from ._registry import NOISES as NOISE_CHOICES  # noqa: E402
from ._registry import PROTOCOLS as PROTOCOL_CHOICES  # noqa: E402
from .datasets import DATASETS as DATASET_CHOICES  # noqa: E402

__all__ = ["main"]

PROG = "skmnistnoise"
MODEL_CHOICES = (*MODELS, "both")
# The notebooks' arms: the MLP notebook used additive noise only, the ConvNet
# notebook additive and multiplicative x * N(0, s).
NOTEBOOK_NOISES = {"mlp": ("additive",), "convnet": ("additive", "multiplicative")}
DEFAULT_OUT = "skmnistnoise-results"


class UsageError(Exception):
    """A problem with what the user asked for: one line, exit status 2.

    Raised by the parser of :func:`build_parser` for a bad argument, and by
    the commands for inputs that cannot be used (a data folder without the
    files, an output folder that cannot be written); :func:`main` prints it
    as ``skmnistnoise: error: <message>`` and returns 2.

    Examples
    --------
    >>> from skmnistnoise.cli import UsageError, build_parser
    >>> try:
    ...     build_parser().parse_args(["sweep", "--model", "resnet"])
    ... except UsageError as exc:
    ...     print(exc)
    argument --model: invalid choice: 'resnet' (choose from ...)
    """


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, without the usage dump."""

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


def _sigma(text):
    value = _scale(text)
    if value == 0:
        raise argparse.ArgumentTypeError(
            "must be a finite number > 0 (sigma 0 certifies nothing), got 0"
        )
    return value


def _level(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a number strictly between 0 and 1, got {text!r}"
        ) from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(
            f"must be a number strictly between 0 and 1, got {text}"
        )
    return value


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


def _one_line(message):
    return " ".join(str(message).split())


# --------------------------------------------------------------------------
# The parser


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


def _add_common_arguments(parser, *, noise_default_text, out_help, seeds=False):
    parser.add_argument(
        "--noise",
        nargs="+",
        action="extend",
        choices=NOISE_CHOICES,
        metavar="NOISE",
        help="noise model(s), one or several of: "
        + ", ".join(NOISE_CHOICES)
        + f" (default: {noise_default_text}). additive: x + N(0, s); "
        "multiplicative: x * N(0, s), the ConvNet notebook's; speckle: "
        "x * N(1, s); impulse: salt and pepper, fraction s; shot: Poisson, "
        "1/s photons",
    )
    levels = parser.add_mutually_exclusive_group()
    levels.add_argument(
        "--scales",
        nargs="+",
        type=_scale,
        metavar="S",
        help="noise scales, finite and >= 0; 0 is the no-noise baseline "
        "(default: 0 0.1 0.5 1 2 4, the notebooks')",
    )
    if seeds:  # the training commands
        levels.add_argument(
            "--severities",
            nargs="+",
            type=int,
            choices=(1, 2, 3, 4, 5),
            metavar="K",
            help="ImageNet-C's severities 1..5 instead of --scales: each noise "
            "at its published scales, plus the clean baseline, the noisy images "
            "clipped to [0, 1] (additive, speckle, impulse and shot noise)",
        )
        parser.add_argument(
            "--clip",
            nargs=2,
            type=float,
            metavar=("LOW", "HIGH"),
            help="clip the noisy images to [LOW, HIGH], e.g. --clip 0 1 "
            "(default: no clipping; 0 1 with --severities)",
        )
    _add_seed_and_out(parser, out_help, seeds=seeds)


def _add_seed_and_out(parser, out_help, *, seeds=False):
    parser.add_argument(
        "--seed",
        type=_seed,
        default=0,
        help="seed of every noise draw and network (default: 0)",
    )
    if seeds:
        parser.add_argument(
            "--seeds",
            nargs="+",
            type=_seed,
            metavar="SEED",
            help="repeat every fit once per seed (e.g. --seeds 0 1 2): the report "
            "and figures give the mean and its 95%% interval over the seeds "
            "(overrides --seed)",
        )
    parser.add_argument(
        "--out",
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"{out_help} (default: ./{DEFAULT_OUT}; created if needed)",
    )


def _add_run_arguments(parser, what, protocols=PROTOCOL_CHOICES):
    """--epochs, --protocol, --n-jobs, --quiet, --no-store of a training command."""
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


def build_parser():
    """The command line's argument parser.

    Returns
    -------
    parser : argparse.ArgumentParser
        With subcommands ``sweep``, ``samples``, ``matrix``, ``certify`` and
        ``report``. Its ``error`` raises
        :class:`UsageError` instead of exiting.

    Examples
    --------
    >>> from skmnistnoise.cli import build_parser
    >>> args = build_parser().parse_args(["sweep", "--model", "mlp", "--epochs", "2"])
    >>> args.command, args.model, args.epochs, args.dataset
    ('sweep', 'mlp', 2, 'digits')
    """
    from . import __version__

    parser = _Parser(
        prog=PROG,
        description="Measure how image classifiers (the notebooks' MLP and "
        "ConvNet) degrade as Gaussian and other noise is added to their "
        "training and test images.",
        epilog=f"Run '{PROG} COMMAND --help' (sweep, samples, matrix, certify, "
        "report) for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(
        dest="command",
        required=True,
        metavar="{sweep,samples,matrix,certify,report}",
        parser_class=_Parser,
    )

    sweep = commands.add_parser(
        "sweep",
        help="train every model at every noise scale; write tables, figures, report",
        description="Train a fresh model for every model, noise and scale, "
        "score train and test accuracy, and write OUT/results.csv, "
        "OUT/results.json, OUT/*.png and OUT/report.md. Finished fits are "
        "kept in OUT/store: the same command run again trains nothing, an "
        "interrupted one resumes, and adding a scale trains only that scale.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
        f"  {PROG} sweep                          # digits, both models, 2-3 min\n"
        f"  {PROG} sweep --model mlp --epochs 5 --scales 0 0.5 1\n"
        f"  {PROG} sweep --dataset mnist --protocol notebooks --out notebooks\n"
        "\nThe default sweep (digits, both models, six scales, the models' "
        "own epochs)\ntakes 2 to 3 minutes on 2 idle CPU cores (longer when "
        "they are shared).",
    )
    sweep.add_argument(
        "--model",
        choices=MODEL_CHOICES,
        default="both",
        help="mlp, convnet or both (default: both)",
    )
    _add_common_arguments(
        sweep,
        noise_default_text="additive; with --protocol notebooks the notebooks' "
        "arms: MLP additive, ConvNet additive and multiplicative",
        out_help="output folder",
        seeds=True,
    )
    _add_formats(sweep)
    _add_run_arguments(
        sweep,
        "pixel (default): noise on [0, 1] pixels for both models, so their "
        "scales agree. notebooks: exactly the notebooks' settings: the MLP "
        "standardises its input before additive noise, so its scale is in pixel "
        "standard deviations; MLP 20 and ConvNet 12 epochs; the ConvNet also "
        "gets the multiplicative x * N(0, s) noise. --scales, --epochs, --noise "
        "and --dataset still apply (the notebooks used --dataset mnist). "
        "notebooks-reused: the notebooks' pipelines, one model trained on "
        "through the scales in order, as the ConvNet notebook did",
    )
    where = sweep.add_mutually_exclusive_group()
    _add_n_jobs(where)
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the fits on the Dask cluster whose scheduler is at ADDRESS "
        "(e.g. tcp://10.0.0.5:8786); needs 'pip install skmnistnoise[dask]' "
        "here and on the workers, and --out on a filesystem the workers share",
    )
    where.add_argument(
        "--dask-workers",
        type=_positive_int,
        metavar="N",
        help="start a Dask cluster of N worker processes on this machine, the "
        "cores shared among them, and run the fits on it",
    )
    _add_quiet_and_store(sweep)

    samples = commands.add_parser(
        "samples",
        help="draw test images under each noise and scale (OUT/samples.png)",
        description="Draw test images of the dataset, clean and under every "
        "noise and scale, and the noise fields of two images, into "
        "OUT/samples.png.",
    )
    _add_data_arguments(samples)
    _add_common_arguments(
        samples, noise_default_text="additive multiplicative", out_help="output folder"
    )
    samples.add_argument(
        "--n-images",
        type=_positive_int,
        default=6,
        metavar="N",
        help="images per row (default: 6)",
    )

    matrix = commands.add_parser(
        "matrix",
        help="train at each training scale, test at each test scale (heatmap)",
        description="Train one model per training noise scale (noise on the "
        "training data only), score each on the test data under every test "
        "noise scale, and write OUT/matrix.csv (rows: training scale, columns: "
        "test scale), OUT/matrix-results.csv and .json (the result table) and "
        "OUT/robustness_matrix.png. Finished fits are kept in OUT/store.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
        f"  {PROG} matrix                                # digits, ConvNet, 6 x 6\n"
        f"  {PROG} matrix --model mlp --train-scales 0 0.5 1 --test-scales 0 1 2",
    )
    matrix.add_argument(
        "--model",
        choices=MODELS,
        default="convnet",
        help="mlp or convnet (default: convnet)",
    )
    matrix.add_argument(
        "--noise",
        choices=NOISE_CHOICES,
        default="additive",
        help="the noise of training and test, one of: "
        + ", ".join(NOISE_CHOICES)
        + " (default: additive)",
    )
    for which in ("train", "test"):
        matrix.add_argument(
            f"--{which}-scales",
            nargs="+",
            type=_scale,
            metavar="S",
            help=f"{which}ing noise scales, finite and >= 0 (default: 0 0.1 0.5 1 2 4)",
        )
    _add_seed_and_out(matrix, "output folder", seeds=True)
    _add_run_arguments(
        matrix,
        "pixel (default): noise on [0, 1] pixels; notebooks: the MLP "
        "standardises its input before the noise, as its notebook did",
        protocols=("pixel", "notebooks"),
    )
    _add_n_jobs(matrix)
    _add_quiet_and_store(matrix)

    certify = commands.add_parser(
        "certify",
        help="train per sigma, certify L2 radii by randomized smoothing",
        description="For every model and sigma: train the network with "
        "Gaussian noise of that sigma drawn afresh every epoch, smooth it with "
        "the same noise, and certify test images with Cohen et al.'s CERTIFY "
        "(n0 selection draws, n estimation draws, level alpha). Writes "
        "OUT/results.csv and .json (certified accuracy at Cohen's radii, the "
        "average certified radius, the per-image certificates), "
        "OUT/certified_accuracy.png and OUT/report.md. The trained networks "
        "and the certificates, in chunks of --chunk images, are kept in "
        "OUT/store: a killed run loses at most one chunk, the same command "
        "resumes, and a seeded run gives the same certificates bit for bit.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
        f"  {PROG} certify                       # digits, ConvNet, 3 sigmas\n"
        f"  {PROG} certify --model mlp --sigmas 0.25 --n 1000 --images 50\n"
        f"  {PROG} certify --dataset mnist --model convnet --sigmas 0.25 0.5 1 "
        "\\\n      --n 10000 --images 500 --no-dropout   # Cohen et al.'s images",
    )
    certify.add_argument(
        "--model",
        nargs="+",
        choices=MODELS,
        default=["convnet"],
        metavar="MODEL",
        help="mlp, convnet or both (default: convnet)",
    )
    certify.add_argument(
        "--sigmas",
        nargs="+",
        type=_sigma,
        default=[0.25, 0.5, 1.0],
        metavar="SIGMA",
        help="noise standard deviations of training and smoothing, > 0, on "
        "pixels in [0, 1] (default: 0.25 0.5 1)",
    )
    certify.add_argument(
        "--n",
        type=_positive_int,
        default=10_000,
        metavar="N",
        help="estimation draws per image (default: 10000; Cohen et al. used "
        "100000: larger certifies larger radii, at 10x the time)",
    )
    certify.add_argument(
        "--n0",
        type=_positive_int,
        default=100,
        metavar="N0",
        help="selection draws per image (default: 100)",
    )
    certify.add_argument(
        "--alpha",
        type=_level,
        default=0.001,
        help="level: each certificate fails with probability at most alpha "
        "(default: 0.001)",
    )
    certify.add_argument(
        "--images",
        type=_positive_int,
        default=100,
        metavar="N",
        help="test images to certify, evenly spaced through the test set "
        "(every k-th, k = test images // N; on mnist 500 are Cohen et al.'s, "
        "index %% 20 == 0; default: 100)",
    )
    certify.add_argument(
        "--no-dropout",
        action="store_true",
        help="train with the networks' dropout rates at 0 (better under noise, "
        "benchmarks/beyond.md)",
    )
    certify.add_argument(
        "--chunk",
        type=_positive_int,
        default=20,
        metavar="N",
        help="images certified and stored at a time (default: 20)",
    )
    certify.add_argument(
        "--batch-size",
        type=_positive_int,
        default=4096,
        metavar="N",
        help="noisy copies per forward pass (default: 4096); memory grows with "
        "it, never with --n",
    )
    certify.add_argument(
        "--epochs",
        type=_positive_int,
        metavar="N",
        help="training epochs (default: the models' own, MLP 20 and ConvNet 12)",
    )
    _add_data_arguments(certify)
    _add_seed_and_out(certify, "output folder", seeds=True)
    _add_formats(certify)
    _add_quiet_and_store(certify)

    report = commands.add_parser(
        "report",
        help="rebuild OUT/report.md and the figures from OUT/results.json",
        description="Rebuild report.md and the figures of a finished sweep from "
        "DIR/results.json, training nothing (the samples figure needs the "
        "dataset: it is redrawn when the dataset can be loaded).",
    )
    report.add_argument(
        "dir", type=_existing_dir, metavar="DIR", help="the --out of a sweep"
    )
    report.add_argument(
        "--data-home",
        type=_existing_dir,
        metavar="DIR",
        help="folder of the MNIST files, for the samples figure",
    )
    _add_formats(report)
    return parser


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
# The commands


def _load(args, subset="all"):
    from .datasets import load_dataset

    try:
        return load_dataset(args.dataset, data_home=args.data_home, subset=subset)
    except (OSError, ValueError) as exc:  # FileNotFoundError is an OSError
        raise UsageError(
            f"argument --dataset: cannot load {args.dataset!r}: {_one_line(exc)}"
        ) from None


def _arms(args):
    """(models, noises) groups, one run_study call each."""
    models = ["mlp", "convnet"] if args.model == "both" else [args.model]
    if args.noise:
        return [(models, list(dict.fromkeys(args.noise)))]
    if args.protocol.startswith("notebooks"):
        return [([m], list(NOTEBOOK_NOISES[m])) for m in models]
    return [(models, ["additive"])]


def _test_images(bunch):
    """The test images of a loaded dataset (its official split)."""
    _, test = next(bunch.cv.split(bunch.data, bunch.target))
    return bunch.data[test], tuple(bunch.images.shape[1:])


def _command_line(argv):
    return shlex.join([PROG, *argv])


@contextmanager
def _dask_backend(args):
    """Run the block on the Dask cluster the arguments name, if they name one."""
    if args.scheduler is None and args.dask_workers is None:
        yield
        return
    if args.scheduler is not None:
        option, what = "--scheduler", f"cannot connect to {args.scheduler!r}"
    else:
        option, what = "--dask-workers", f"cannot start {args.dask_workers} workers"
    try:
        import joblib

        from .cluster import dask_client
    except ImportError as exc:
        raise UsageError(f"argument {option}: {_one_line(exc)}") from None
    with ExitStack() as stack:
        try:
            client = stack.enter_context(
                dask_client(args.scheduler, n_workers=args.dask_workers)
            )
        except (OSError, ValueError, RuntimeError) as exc:
            raise UsageError(f"argument {option}: {what}: {_one_line(exc)}") from None
        if not args.quiet:
            threads = client.nthreads()
            print(
                f"Dask cluster {client.scheduler.address}: {len(threads)} "
                f"worker(s), {sum(threads.values())} thread(s)",
                file=sys.stderr,
                flush=True,
            )
        stack.enter_context(joblib.parallel_config(backend="dask"))
        yield


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
    from .metrics import corruption_scores

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
    from .report import save_figures, write_report

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


def _sweep(args, argv):
    from .experiment import run_study

    start = time.perf_counter()
    if args.clip is not None:
        low, high = args.clip
        if not (math.isfinite(low) and math.isfinite(high) and low <= high):
            raise UsageError(
                f"argument --clip: LOW and HIGH must be finite with LOW <= HIGH, "
                f"got {low:g} {high:g}"
            )
    # The data first: a loader error leaves no output folder behind.
    bunch = _load(args)
    out = _writable_out(args.out)
    store = _writable_store(out, args.no_store)
    scales = list(NOTEBOOK_SCALES if args.scales is None else args.scales)
    arms = [(m, n) for models, noises in _arms(args) for m in models for n in noises]

    def study():
        with _dask_backend(args):
            return run_study(
                arms=arms,
                scales=scales,
                data=bunch,
                protocol=args.protocol,
                epochs=args.epochs,
                random_state=args.seed,
                seeds=args.seeds,
                severities=args.severities,
                clip=args.clip,
                store=store,
                n_jobs=args.n_jobs,
                verbose=not args.quiet,
            )

    results = _train(study, store)
    if results is None:
        return 130

    settings = {
        "dataset": args.dataset,
        "models": sorted({m for m, _ in arms}, key=MODELS.index),
        "noises": sorted({n for _, n in arms}, key=NOISE_CHOICES.index),
        "scales": scales if args.severities is None else "ImageNet-C severities",
        "epochs": args.epochs,
        "seed": args.seeds if args.seeds else args.seed,
        "protocol": args.protocol,
        "store": "none (--no-store)" if store is None else "store/",
        "command": _command_line(argv),
    }
    if args.n_jobs is not None:
        settings["n_jobs"] = args.n_jobs
    if args.scheduler is not None:
        settings["dask"] = f"scheduler {args.scheduler}"
    if args.dask_workers is not None:
        settings["dask"] = f"{args.dask_workers} local workers"
    if args.severities is not None:
        settings["severities"] = args.severities
    if args.clip is not None or args.severities is not None:
        settings["clip"] = args.clip or [0.0, 1.0]
    if args.data_home is not None:
        settings["data_home"] = str(args.data_home)
    results.settings = settings
    wall = time.perf_counter() - start
    figures, report = _write_outputs(
        results,
        out,
        samples=_test_images(bunch),
        seed=args.seed,
        formats=args.formats,
        wall=wall,
    )
    print(_fits_line(results, store, wall))
    _print_outputs(results, out, figures, report)
    return 0


def _report(args, argv):
    from .experiment import SweepResults

    path = args.dir / "results.json"
    try:
        results = SweepResults.from_json(path)
    except (OSError, ValueError) as exc:
        raise UsageError(
            f"argument DIR: cannot read {str(path)!r}: {_one_line(exc)}"
        ) from None
    out = _writable_out(args.dir)
    samples, note = None, None
    dataset = results.settings.get("dataset") or next(
        iter(results.unique("dataset")), None
    )
    if dataset in DATASET_CHOICES:
        args.dataset = dataset
        args.data_home = args.data_home or results.settings.get("data_home")
        try:
            samples = _test_images(_load(args))
        except UsageError as exc:
            note = f"samples figure not redrawn: {exc}"
    figures, report = _write_outputs(
        results,
        out,
        samples=samples,
        seed=results.settings.get("seed", 0)
        if isinstance(results.settings.get("seed", 0), int)
        else 0,
        formats=args.formats,
        wall=None,
    )
    if note:
        print(f"{PROG}: {note}", file=sys.stderr)
    print(f"{len(results)} fits read from {path}; nothing trained")
    _print_outputs(results, out, figures, report)
    return 0


def _samples(args, argv):
    from .plotting import NoisySamplesDisplay
    from .report import save_figure

    bunch = _load(args, subset="test")
    out = _writable_out(args.out)
    scales = list(NOTEBOOK_SCALES if args.scales is None else args.scales)
    noises = list(dict.fromkeys(args.noise or ("additive", "multiplicative")))
    fig = NoisySamplesDisplay.from_data(
        bunch.data,
        scales=scales,
        noises=noises,
        n_images=args.n_images,
        image_shape=bunch.images.shape[1:],
        random_state=args.seed,
    ).figure_
    path = out / "samples.png"
    try:
        save_figure(fig, path)
    finally:
        fig.clear()
    print(f"samples: {path}")
    return 0


def _matrix(args, argv):
    from ._files import atomic_write
    from .experiment import make_study_pipeline, robustness_matrix
    from .plotting import RobustnessMatrixDisplay
    from .report import save_figure

    start = time.perf_counter()
    bunch = _load(args)
    out = _writable_out(args.out)
    store = _writable_store(out, args.no_store)
    train_scales = list(
        NOTEBOOK_SCALES if args.train_scales is None else args.train_scales
    )
    test_scales = list(
        NOTEBOOK_SCALES if args.test_scales is None else args.test_scales
    )
    pipe = make_study_pipeline(
        args.model, args.noise, protocol=args.protocol, epochs=args.epochs
    )

    def matrix():
        return robustness_matrix(
            pipe,
            bunch.data,
            bunch.target,
            train_scales=train_scales,
            test_scales=test_scales,
            cv=bunch.cv,
            store=store,
            n_jobs=args.n_jobs,
            random_state=args.seed,
            seeds=args.seeds,
            dataset=args.dataset,
            labels={"model": args.model, "noise": args.noise},
            verbose=not args.quiet,
        )

    results = _train(matrix, store)
    if results is None:
        return 130

    results.to_csv(out / "matrix-results.csv")
    results.to_json(out / "matrix-results.json")
    rows, columns, accuracy = results.matrix()
    lines = ["train_scale," + ",".join(f"test_{c:g}" for c in columns)]
    lines += [
        f"{r:g}," + ",".join(f"{a:.4f}" for a in accuracy[i])
        for i, r in enumerate(rows)
    ]
    with atomic_write(out / "matrix.csv") as file:
        file.write("\n".join(lines) + "\n")
    fig = RobustnessMatrixDisplay.from_results(results).figure_
    try:
        save_figure(fig, out / "robustness_matrix.png")
    finally:
        fig.clear()
    wall = time.perf_counter() - start
    print(_fits_line(results, store, wall))
    print(f"matrix:  {out / 'matrix.csv'} ({_command_line(argv)})")
    print(f"results: {out / 'matrix-results.csv'}, {out / 'matrix-results.json'}")
    print(f"figure:  {out / 'robustness_matrix.png'}")
    return 0


def _certified_images(bunch, n_images):
    """Train rows, ``n_images`` test rows evenly spaced (every k-th), in words."""
    train, test = next(bunch.cv.split(bunch.data, bunch.target))
    if n_images > len(test):
        raise UsageError(
            f"argument --images: the {bunch.get('name', 'dataset')} test set has "
            f"{len(test)} images, got {n_images}"
        )
    step = len(test) // n_images
    return train, test[::step][:n_images], f"{n_images} of {len(test)}, every {step}"


def _smoother(model, args):
    from ._registry import make_smoother

    params = {} if args.epochs is None else {"epochs": args.epochs}
    if args.no_dropout:
        params["dropout"] = (0.0, 0.0) if model == "convnet" else 0.0
    return make_smoother(model, **params)


def _certify(args, argv):
    from .experiment import certify_study

    start = time.perf_counter()
    bunch = _load(args)
    out = _writable_out(args.out)
    store = _writable_store(out, args.no_store)
    train, test, which = _certified_images(bunch, args.images)
    X, y = bunch.data, bunch.target

    def study():
        parts = [
            certify_study(
                _smoother(model, args),
                X[train],
                y[train],
                X[test],
                y[test],
                sigmas=args.sigmas,
                n0=args.n0,
                n=args.n,
                alpha=args.alpha,
                batch_size=args.batch_size,
                chunk_size=args.chunk,
                random_state=args.seed,
                seeds=args.seeds,
                store=store,
                dataset=args.dataset,
                verbose=not args.quiet,
            )
            for model in dict.fromkeys(args.model)
        ]
        return sum(parts[1:], parts[0])

    results = _train(study, store)
    if results is None:
        return 130
    results.settings = {
        "dataset": args.dataset,
        "models": list(dict.fromkeys(args.model)),
        "scales": args.sigmas,
        "n": args.n,
        "n0": args.n0,
        "alpha": args.alpha,
        "certified test images": which,
        "epochs": args.epochs,
        "dropout": "off (--no-dropout)" if args.no_dropout else "the models' own",
        "seed": args.seeds if args.seeds else args.seed,
        "store": "none (--no-store)" if store is None else "store/",
        "command": _command_line(argv),
    }
    if args.data_home is not None:
        results.settings["data_home"] = str(args.data_home)
    wall = time.perf_counter() - start
    figures, report = _write_outputs(
        results,
        out,
        samples=_test_images(bunch),
        seed=args.seed,
        formats=args.formats,
        wall=wall,
    )
    print(
        f"{len(results)} runs: {results.n_computed} computed"
        + (f", {results.n_cached} read from {store}" if store is not None else "")
        + f" ({wall:.0f}s)"
    )
    print("certified accuracy (radius: fraction of the test images), ACR:")
    for row in results:
        points = "  ".join(
            f"{r:g}: {a:.3f}"
            for r, a in zip(row["certified_radii"], row["certified_accuracy_at"])
        )
        print(
            f"  {row['model']} sigma {row['scale']:g} seed {row['seed']}: {points}  "
            f"ACR {row['acr']:.3f}"
        )
    _print_outputs(results, out, figures, report)
    return 0


def main(argv=None):
    """Run the ``skmnistnoise`` command.

    Parameters
    ----------
    argv : list of str or None, default=None
        The arguments after the program name; None reads ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 on success; 2 for a bad argument or input (one line on standard
        error: ``skmnistnoise: error: argument --NAME: ...``); 130 when
        interrupted.

    Examples
    --------
    >>> from skmnistnoise.cli import main
    >>> main(["sweep", "--epochs", "0"])
    2
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if not argv:
            raise UsageError(
                "choose a command: sweep, samples, matrix, certify or report "
                f"(see '{PROG} --help')"
            )
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # --help, --version
            return exc.code if isinstance(exc.code, int) else 0
        commands = {
            "sweep": _sweep,
            "samples": _samples,
            "matrix": _matrix,
            "certify": _certify,
            "report": _report,
        }
        return commands[args.command](args, argv)
    except UsageError as exc:
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
