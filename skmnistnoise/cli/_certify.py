"""``skmnistnoise certify``: train per sigma, certify L2 radii by randomized smoothing.

For every model and sigma it trains the network under Gaussian noise of that
sigma, smooths it with the same noise and certifies test images with Cohen
et al.'s CERTIFY (:func:`~skmnistnoise.experiment.certify_study`), then
writes the result table, the figures and ``report.md``.
"""

import argparse
import time

from .._recipes import RECIPES
from .._registry import MODELS
from ._common import (
    PROG,
    UsageError,
    _add_data_arguments,
    _add_deprecated_alias,
    _add_formats,
    _add_n_jobs,
    _add_quiet_and_store,
    _add_seed_and_out,
    _command_line,
    _load,
    _option_name,
    _positive_int,
    _print_outputs,
    _random_state,
    _scale,
    _test_images,
    _train,
    _writable_out,
    _writable_store,
    _write_outputs,
)


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


def add_parser(subparsers):
    """Add the ``certify`` command and its options to ``subparsers``."""
    parser = subparsers.add_parser(
        "certify",
        help="train per sigma, certify L2 radii by randomized smoothing",
        description="For every model and sigma: train the network with "
        "Gaussian noise of that sigma drawn afresh every epoch, smooth it with "
        "the same noise, and certify test images with Cohen et al.'s CERTIFY "
        "(n0 selection draws, n estimation draws, level alpha). Writes "
        "OUT/results.csv and .json (certified accuracy at Cohen's radii, the "
        "average certified radius, the per-image certificates), "
        "OUT/certified_accuracy.png and OUT/report.md. The trained networks "
        "and the certificates, in chunks of --chunk-size images, are kept in "
        "OUT/store: a killed run loses at most one chunk, the same command "
        "resumes, and a seeded run gives the same certificates bit for bit.",
        epilog="examples:\n"
        f"  {PROG} certify                       # digits, ConvNet, 3 sigmas\n"
        f"  {PROG} certify --model mlp --sigmas 0.25 --n 1000 --n-images 50\n"
        f"  {PROG} certify --dataset mnist --model convnet --sigmas 0.25 0.5 1 "
        "\\\n      --n 10000 --n-images 500 --no-dropout   # Cohen et al.'s images",
    )
    parser.add_argument(
        "--model",
        nargs="+",
        choices=MODELS,
        default=["convnet"],
        metavar="MODEL",
        help="mlp, convnet or both (default: convnet)",
    )
    parser.add_argument(
        "--sigmas",
        nargs="+",
        type=_sigma,
        default=[0.25, 0.5, 1.0],
        metavar="SIGMA",
        help="noise standard deviations of training and smoothing, > 0, on "
        "pixels in [0, 1] (default: 0.25 0.5 1)",
    )
    parser.add_argument(
        "--n",
        type=_positive_int,
        default=100_000,
        metavar="N",
        help="estimation draws per image (default: 100000, Cohen et al.'s, as "
        "in certify_study; 10000 takes a tenth of the time and certifies radii "
        "up to 3.2 sigma instead of 3.8)",
    )
    parser.add_argument(
        "--n0",
        type=_positive_int,
        default=100,
        metavar="N0",
        help="selection draws per image (default: 100)",
    )
    parser.add_argument(
        "--alpha",
        type=_level,
        default=0.001,
        help="level: each certificate fails with probability at most alpha "
        "(default: 0.001)",
    )
    n_images = parser.add_argument(
        "--n-images",
        type=_positive_int,
        default=100,
        metavar="N",
        help="test images to certify, evenly spaced through the test set "
        "(every k-th, k = test images // N; on mnist 500 are Cohen et al.'s, "
        "index %% 20 == 0; default: 100)",
    )
    _add_deprecated_alias(parser, "--images", n_images)
    parser.add_argument(
        "--recipe",
        choices=sorted(RECIPES),
        default="adam",
        help="training recipe (skmnistnoise.experiment.RECIPES; default: adam, "
        "the notebooks' training)",
    )
    parser.add_argument(
        "--no-dropout",
        action="store_true",
        help="the recipe adam-no-dropout: the networks' dropout rates at 0 "
        "(better under noise, benchmarks/beyond.md)",
    )
    chunk_size = parser.add_argument(
        "--chunk-size",
        type=_positive_int,
        default=20,
        metavar="N",
        help="images certified and stored at a time (default: 20)",
    )
    _add_deprecated_alias(parser, "--chunk", chunk_size)
    parser.add_argument(
        "--batch-size",
        type=_positive_int,
        default=4096,
        metavar="N",
        help="noisy copies per forward pass (default: 4096); memory grows with "
        "it, never with --n",
    )
    parser.add_argument(
        "--epochs",
        type=_positive_int,
        metavar="N",
        help="training epochs (default: the models' own, MLP 20 and ConvNet 12)",
    )
    parser.add_argument(
        "--precision",
        choices=("float32", "bfloat16"),
        default="float32",
        help="arithmetic of the networks (default: float32); bfloat16 is faster "
        "only with bfloat16 units (AVX512_BF16, AMX, GPUs of compute capability 8+)",
    )
    _add_n_jobs(parser)
    _add_data_arguments(parser)
    _add_seed_and_out(parser, "output folder", replicates=True)
    _add_formats(parser)
    _add_quiet_and_store(parser)
    return parser


def _certified_images(bunch, n_images, option="--n-images"):
    """Train rows, ``n_images`` test rows evenly spaced (every k-th), in words."""
    train, test = next(bunch.cv.split(bunch.data, bunch.target))
    if n_images > len(test):
        raise UsageError(
            f"argument {option}: the {bunch.get('name', 'dataset')} test set has "
            f"{len(test)} images, got {n_images}"
        )
    step = len(test) // n_images
    return train, test[::step][:n_images], f"{n_images} of {len(test)}, every {step}"


def _recipe(args):
    """The training recipe: --recipe, or adam-no-dropout for --no-dropout."""
    if not args.no_dropout:
        return args.recipe
    if args.recipe not in ("adam", "adam-no-dropout"):
        raise UsageError(
            f"--no-dropout is the recipe adam-no-dropout; it cannot go with "
            f"--recipe {args.recipe}"
        )
    return "adam-no-dropout"


def _smoother(model, args, n_train):
    from .._registry import make_smoother
    from ..experiment import recipe_params

    params = {} if args.epochs is None else {"epochs": args.epochs}
    epochs = args.epochs or make_smoother(model).estimator.epochs
    params.update(
        recipe_params(_recipe(args), model=model, epochs=epochs, n_train=n_train)
    )
    if args.precision != "float32":
        params["precision"] = args.precision
    return make_smoother(model, **params)


def run(args, argv):
    """Train, certify and report; the exit status (130: interrupted)."""
    from ..experiment import certify_study

    start = time.perf_counter()
    bunch = _load(args)
    out = _writable_out(args.out)
    store = _writable_store(out, args.no_store)
    train, test, which = _certified_images(
        bunch, args.n_images, _option_name(args, "n_images", "--n-images")
    )
    X, y = bunch.data, bunch.target

    def study():
        parts = [
            certify_study(
                _smoother(model, args, len(train)),
                X[train],
                y[train],
                X[test],
                y[test],
                sigmas=args.sigmas,
                n0=args.n0,
                n=args.n,
                alpha=args.alpha,
                batch_size=args.batch_size,
                chunk_size=args.chunk_size,
                n_jobs=args.n_jobs,
                random_state=_random_state(args),
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
        "recipe": _recipe(args),
        "precision": args.precision,
        "seed": _random_state(args),
        "store": "none (--no-store)" if store is None else "store/",
        "command": _command_line(argv),
    }
    if args.n_jobs is not None:
        results.settings["n_jobs"] = args.n_jobs
    if args.data_home is not None:
        results.settings["data_home"] = str(args.data_home)
    wall = time.perf_counter() - start
    figures, report = _write_outputs(
        results,
        out,
        samples=_test_images(bunch),
        seed=args.seed[0],
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
            f"  {row['model']} sigma {row['sigma']:g} seed {row['seed']}: {points}  "
            f"ACR {row['acr']:.3f}"
        )
    _print_outputs(results, out, figures, report)
    return 0
