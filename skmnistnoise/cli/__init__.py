"""The ``skmnistnoise`` command: run a noise study, or draw noisy samples.

The package imports neither TensorFlow nor Keras nor matplotlib: ``--help`` and
``skmnistnoise report`` start at once; a command loads them when it trains or
draws (and :mod:`skmnistnoise` has quieted TensorFlow's C++ logging before).

``skmnistnoise sweep`` runs :func:`~skmnistnoise.experiment.run_study` with a
result store in ``OUT/store`` (a re-run of the same command trains nothing),
and writes ``results.csv``, ``results.json``, the figures as PNG and
``report.md`` into ``OUT``. ``skmnistnoise report DIR`` rebuilds the report and
figures from ``DIR/results.json``, training nothing. ``skmnistnoise samples``
draws the noisy-samples figure alone. ``skmnistnoise matrix`` trains one model
per training noise scale and tests each at every test noise scale
(:func:`~skmnistnoise.experiment.robustness_matrix`): ``matrix.csv`` and a
heatmap. ``skmnistnoise certify`` certifies L2 radii by randomized smoothing.
``python -m skmnistnoise`` is the same command. With ``--scheduler ADDRESS``
(a running Dask cluster) or ``--dask-workers N`` (a local one) the sweep's fits
run on Dask workers through joblib's Dask backend (see
:mod:`skmnistnoise.cluster`).

Bad arguments, and errors that come from what the user asked for (a data folder
without the files, a folder that cannot be written), end with exit status 2 and
one line on standard error that names the argument; progress lines go to
standard error, the list of written files to standard output.

Each command is a module with its options beside its code, ``add_parser``
and ``run`` (``_sweep``, ``_samples``, ``_matrix``, ``_certify``,
``_report``); what they share is in ``_common``.
"""

import sys

from . import _certify, _matrix, _report, _samples, _sweep
from ._common import PROG, UsageError, _one_line, _Parser

__all__ = ["main"]

# The commands, in the order of --help: name -> module with add_parser, run.
_COMMANDS = {
    "sweep": _sweep,
    "samples": _samples,
    "matrix": _matrix,
    "certify": _certify,
    "report": _report,
}


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
    from .. import __version__

    names = ", ".join(_COMMANDS)
    parser = _Parser(
        prog=PROG,
        description="Measure how image classifiers (the notebooks' MLP and "
        "ConvNet) degrade as Gaussian and other noise is added to their "
        "training and test images.",
        epilog=f"Run '{PROG} COMMAND --help' ({names}) for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    subparsers = parser.add_subparsers(
        dest="command",
        required=True,
        metavar="{" + ",".join(_COMMANDS) + "}",
        parser_class=_Parser,
    )
    for command in _COMMANDS.values():
        command.add_parser(subparsers)
    return parser


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
            *others, last = _COMMANDS
            raise UsageError(
                f"choose a command: {', '.join(others)} or {last} (see '{PROG} --help')"
            )
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # --help, --version
            return exc.code if isinstance(exc.code, int) else 0
        return _COMMANDS[args.command].run(args, argv)
    except UsageError as exc:
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
