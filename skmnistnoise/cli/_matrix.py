"""``skmnistnoise matrix``: train at each training scale, test at each test scale.

One model per training noise scale, each scored at every test noise scale
(:func:`~skmnistnoise.experiment.robustness_matrix`): ``matrix.csv``, the
result table and a heatmap.
"""

import time

from .._registry import MODELS, NOTEBOOK_SCALES
from .._registry import NOISES as NOISE_CHOICES
from ._common import (
    PROG,
    _add_n_jobs,
    _add_quiet_and_store,
    _add_run_arguments,
    _add_seed_and_out,
    _command_line,
    _fits_line,
    _load,
    _random_state,
    _scale,
    _train,
    _writable_out,
    _writable_store,
)


def add_parser(subparsers):
    """Add the ``matrix`` command and its options to ``subparsers``."""
    parser = subparsers.add_parser(
        "matrix",
        help="train at each training scale, test at each test scale (heatmap)",
        description="Train one model per training noise scale (noise on the "
        "training data only), score each on the test data under every test "
        "noise scale, and write OUT/matrix.csv (rows: training scale, columns: "
        "test scale), OUT/matrix-results.csv and .json (the result table) and "
        "OUT/robustness_matrix.png. Finished fits are kept in OUT/store.",
        epilog="examples:\n"
        f"  {PROG} matrix                                # digits, ConvNet, 6 x 6\n"
        f"  {PROG} matrix --model mlp --train-scales 0 0.5 1 --test-scales 0 1 2",
    )
    parser.add_argument(
        "--model",
        choices=MODELS,
        default="convnet",
        help="mlp or convnet (default: convnet)",
    )
    parser.add_argument(
        "--noise",
        choices=NOISE_CHOICES,
        default="additive",
        help="the noise of training and test, one of: "
        + ", ".join(NOISE_CHOICES)
        + " (default: additive)",
    )
    for which in ("train", "test"):
        parser.add_argument(
            f"--{which}-scales",
            nargs="+",
            type=_scale,
            metavar="S",
            help=f"{which}ing noise scales, finite and >= 0 (default: 0 0.1 0.5 1 2 4)",
        )
    _add_seed_and_out(parser, "output folder", replicates=True)
    _add_run_arguments(
        parser,
        "pixel (default): noise on [0, 1] pixels; notebooks: the MLP "
        "standardises its input before the noise, as its notebook did",
        protocols=("pixel", "notebooks"),
    )
    _add_n_jobs(parser)
    _add_quiet_and_store(parser)
    return parser


def run(args, argv):
    """Train and score the matrix; the exit status (130: interrupted)."""
    from .._files import atomic_write
    from ..experiment import make_study_pipeline, robustness_matrix
    from ..plotting import RobustnessMatrixDisplay
    from ..report import save_figure

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
            random_state=_random_state(args),
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
