"""``skmnistnoise samples``: the noisy-samples figure alone, training nothing."""

from .._registry import NOTEBOOK_SCALES
from ._common import (
    _add_common_arguments,
    _add_data_arguments,
    _load,
    _positive_int,
    _writable_out,
)


def add_parser(subparsers):
    """Add the ``samples`` command and its options to ``subparsers``."""
    parser = subparsers.add_parser(
        "samples",
        help="draw test images under each noise and scale (OUT/samples.png)",
        description="Draw test images of the dataset, clean and under every "
        "noise and scale, and the noise fields of two images, into "
        "OUT/samples.png.",
    )
    _add_data_arguments(parser)
    _add_common_arguments(
        parser, noise_default_text="additive multiplicative", out_help="output folder"
    )
    parser.add_argument(
        "--n-images",
        type=_positive_int,
        default=6,
        metavar="N",
        help="images per row (default: 6)",
    )
    return parser


def run(args, argv):
    """Draw OUT/samples.png; the exit status."""
    from ..plotting import NoisySamplesDisplay
    from ..report import save_figure

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
