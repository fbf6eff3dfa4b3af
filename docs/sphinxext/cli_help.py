"""Sphinx extension: the ``skmnistnoise`` command's ``--help``, from the parser.

``.. cli-help::`` shows the help of the command, ``.. cli-help:: sweep`` that
of a subcommand, as a literal block written by
:func:`skmnistnoise.cli.build_parser` at build time, so the page cannot
drift from the code.
"""

import os
from contextlib import contextmanager

from docutils import nodes
from docutils.parsers.rst import Directive

# argparse wraps the help to this many columns: what a user-guide page's
# text column holds in monospace at 1280 px (the page's CSS wraps what is
# longer, such as the unwrapped description and examples).
WIDTH = 68


@contextmanager
def _columns(width):
    """argparse wraps to ``$COLUMNS``; fix it while the help is formatted."""
    before = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(width)
    try:
        yield
    finally:
        if before is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = before


def help_text(command=None):
    """The help of the command, or of one of its subcommands."""
    import argparse

    from skmnistnoise.cli import build_parser

    with _columns(WIDTH):
        parser = build_parser()
        if command is not None:
            (subparsers,) = [
                a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
            ]
            parser = subparsers.choices[command]
        return parser.format_help()


class CliHelp(Directive):
    """``.. cli-help:: [subcommand]``."""

    optional_arguments = 1
    has_content = False

    def run(self):
        command = self.arguments[0] if self.arguments else None
        try:
            text = help_text(command)
        except (KeyError, ValueError) as exc:
            raise self.error(f"cli-help: no subcommand {command!r}: {exc}") from exc
        block = nodes.literal_block(text, text)
        block["language"] = "text"
        return [block]


def setup(app):
    app.add_directive("cli-help", CliHelp)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
