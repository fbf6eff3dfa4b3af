"""``skmnistnoise sweep``: every model at every noise and scale, then the report.

It runs :func:`~skmnistnoise.experiment.run_study` with a result store in
``OUT/store`` (a re-run of the same command trains nothing), and writes
``results.csv``, ``results.json``, the figures and ``report.md`` into ``OUT``.
With ``--scheduler ADDRESS`` (a running Dask cluster) or ``--dask-workers N``
(a local one) the fits run on Dask workers through joblib's Dask backend (see
:mod:`skmnistnoise.cluster`).
"""

import math
import sys
import time
import warnings
from contextlib import ExitStack, contextmanager

from .._registry import CORRUPTIONS, MODELS, NOTEBOOK_SCALES
from ._common import (
    PROG,
    UsageError,
    _add_common_arguments,
    _add_formats,
    _add_n_jobs,
    _add_quiet_and_store,
    _add_run_arguments,
    _command_line,
    _fits_line,
    _load,
    _one_line,
    _positive_int,
    _print_outputs,
    _random_state,
    _test_images,
    _train,
    _writable_out,
    _writable_store,
    _write_outputs,
    noises_of,
)

MODEL_CHOICES = (*MODELS, "both")
# The notebooks' arms: the MLP notebook used additive noise only, the ConvNet
# notebook additive and multiplicative x * N(0, s).
NOTEBOOK_NOISES = {"mlp": ("additive",), "convnet": ("additive", "multiplicative")}


def add_parser(subparsers):
    """Add the ``sweep`` command and its options to ``subparsers``."""
    parser = subparsers.add_parser(
        "sweep",
        help="train every model at every noise scale; write tables, figures, report",
        description="Train a fresh model for every model, noise and scale, "
        "score train and test accuracy, and write OUT/results.csv, "
        "OUT/results.json, OUT/*.png and OUT/report.md. Finished fits are "
        "kept in OUT/store: the same command run again trains nothing, an "
        "interrupted one resumes, and adding a scale trains only that scale.",
        epilog="examples:\n"
        f"  {PROG} sweep                          # digits, both models, 2-3 min\n"
        f"  {PROG} sweep --model mlp --epochs 5 --scales 0 0.5 1\n"
        f"  {PROG} sweep --noise additive shot --scales severities --seed 0 1 2\n"
        f"  {PROG} sweep --dataset mnist --protocol notebooks --out notebooks\n"
        "\nThe default sweep (digits, both models, six scales, the models' "
        "own epochs)\ntakes 2 to 3 minutes on 2 idle CPU cores (longer when "
        "they are shared).",
    )
    parser.add_argument(
        "--model",
        choices=MODEL_CHOICES,
        default="both",
        help="mlp, convnet or both (default: both)",
    )
    _add_common_arguments(
        parser,
        noise_default_text="additive; with --protocol notebooks the notebooks' "
        "arms: MLP additive, ConvNet additive and multiplicative",
        out_help="output folder",
        training=True,
    )
    _add_formats(parser)
    _add_run_arguments(
        parser,
        "pixel (default): noise on [0, 1] pixels for both models, so their "
        "scales agree. notebooks: exactly the notebooks' settings: the MLP "
        "standardises its input before additive noise, so its scale is in pixel "
        "standard deviations; MLP 20 and ConvNet 12 epochs; the ConvNet also "
        "gets the multiplicative x * N(0, s) noise. --scales, --epochs, --noise "
        "and --dataset still apply (the notebooks used --dataset mnist). "
        "notebooks-reused: the notebooks' pipelines, one model trained on "
        "through the scales in order, as the ConvNet notebook did",
    )
    where = parser.add_mutually_exclusive_group()
    _add_n_jobs(where)
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the fits on the Dask cluster whose scheduler is at ADDRESS "
        "(e.g. tcp://10.0.0.5:8786); needs the dask extra (pip install -e '.[dask]') "
        "here and on the workers, and --out on a filesystem the workers share",
    )
    where.add_argument(
        "--dask-workers",
        type=_positive_int,
        metavar="N",
        help="start a Dask cluster of N worker processes on this machine, the "
        "cores shared among them, and run the fits on it",
    )
    _add_quiet_and_store(parser)
    return parser


def _arms(args):
    """(models, noises) groups, one run_study call each."""
    models = ["mlp", "convnet"] if args.model == "both" else [args.model]
    if args.noise:
        return [(models, noises_of(args.noise))]
    if args.protocol.startswith("notebooks"):
        return [([m], list(NOTEBOOK_NOISES[m])) for m in models]
    return [(models, ["additive"])]


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

        from ..cluster import dask_client
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


def run(args, argv):
    """Run the sweep ``args`` asks for; the exit status (130: interrupted)."""
    from ..experiment import run_study

    start = time.perf_counter()
    corruptions = [n for n in noises_of(args.noise or []) if n in CORRUPTIONS]
    if corruptions and args.scales is None:
        if len(corruptions) < len(noises_of(args.noise)):
            raise UsageError(
                "argument --noise: MNIST-C's corruptions (scale 1: MNIST-C's "
                "setting) and noises (the notebooks' scales) need one --scales "
                "for both; give --scales"
            )
        args.scales = [0.0, 1.0]
    scales = list(NOTEBOOK_SCALES if args.scales is None else args.scales)
    severities = getattr(args, "severities", None)  # deprecated --severities
    if "severities" in scales:
        if len(scales) > 1:
            raise UsageError(
                "argument --scales: 'severities' stands alone, without numbers"
            )
        scales = "severities"
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
    random_state = _random_state(args)
    arms = [(m, n) for models, noises in _arms(args) for m in models for n in noises]

    def study():
        with _dask_backend(args), warnings.catch_warnings():
            # --severities has said it is deprecated; run_study would say it again.
            warnings.filterwarnings("ignore", "The 'severities'", FutureWarning)
            return run_study(
                arms=arms,
                scales=scales,
                data=bunch,
                protocol=args.protocol,
                epochs=args.epochs,
                random_state=random_state,
                severities=severities,
                clip=args.clip,
                store=store,
                n_jobs=args.n_jobs,
                verbose=not args.quiet,
            )

    results = _train(study, store)
    if results is None:
        return 130

    by_severity = severities is not None or scales == "severities"
    settings = {
        "dataset": args.dataset,
        "models": sorted({m for m, _ in arms}, key=MODELS.index),
        "noises": list(dict.fromkeys(n for _, n in arms)),
        "scales": "ImageNet-C severities" if by_severity else scales,
        "epochs": args.epochs,
        "seed": random_state,
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
    if by_severity:
        settings["severities"] = severities or [1, 2, 3, 4, 5]
    if args.clip is not None or by_severity:
        settings["clip"] = args.clip or [0.0, 1.0]
    if args.data_home is not None:
        settings["data_home"] = str(args.data_home)
    results.settings = settings
    wall = time.perf_counter() - start
    figures, report = _write_outputs(
        results,
        out,
        samples=_test_images(bunch),
        seed=args.seed[0],
        formats=args.formats,
        wall=wall,
    )
    print(_fits_line(results, store, wall))
    _print_outputs(results, out, figures, report)
    return 0
