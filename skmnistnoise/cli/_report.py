"""``skmnistnoise report DIR``: the report and figures again, from DIR/results.json.

Nothing is trained; the samples figure is redrawn when the dataset of the
results can be loaded.
"""

import sys

from ..datasets import DATASETS as DATASET_CHOICES
from ._common import (
    PROG,
    UsageError,
    _add_formats,
    _existing_dir,
    _load,
    _one_line,
    _print_outputs,
    _test_images,
    _writable_out,
    _write_outputs,
)


def add_parser(subparsers):
    """Add the ``report`` command and its options to ``subparsers``."""
    parser = subparsers.add_parser(
        "report",
        help="rebuild OUT/report.md and the figures from OUT/results.json",
        description="Rebuild report.md and the figures of a finished sweep or "
        "certify from DIR/results.json, training nothing (the samples figure needs the "
        "dataset: it is redrawn when the dataset can be loaded).",
    )
    parser.add_argument(
        "dir",
        type=_existing_dir,
        metavar="DIR",
        help="the --out of a sweep or a certify",
    )
    parser.add_argument(
        "--data-home",
        type=_existing_dir,
        metavar="DIR",
        help="folder of the MNIST files, for the samples figure",
    )
    _add_formats(parser)
    return parser


def run(args, argv):
    """Rewrite DIR's figures and report.md; the exit status."""
    from ..experiment import SweepResults

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
    seed = results.settings.get("seed", 0)
    figures, report = _write_outputs(
        results,
        out,
        samples=samples,
        seed=seed if isinstance(seed, int) else 0,
        formats=args.formats,
        wall=None,
    )
    if note:
        print(f"{PROG}: {note}", file=sys.stderr)
    print(f"{len(results)} fits read from {path}; nothing trained")
    _print_outputs(results, out, figures, report)
    return 0
