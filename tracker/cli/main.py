"""The `tracker` command's edge with the shell: it runs the parsed subcommand and turns
what goes wrong into an exit code.

Every TrackerError is printed as one line on stderr (exit 1), usage errors exit 2,
nothing else is caught here so a real bug still shows its traceback to the developer
who must fix it. Everything printed may quote a song, a file name or a port name, so it
reaches the terminal through `tracker.text.visible`: data, never terminal control.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from tracker.cli.parser import build_parser
from tracker.errors import TrackerError, UsageError
from tracker.text import visible

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def complain(error: TrackerError) -> None:
    """An error on stderr as `tracker: ...`. A TrackerError is one line whatever its message
    quotes (a newline in a file name is spelled out too); a usage error keeps the usage
    line argparse adds under the reason."""
    text = visible(str(error), newlines=isinstance(error, UsageError))
    print(f"tracker: {text}", file=sys.stderr)


class _VisibleOutput(io.TextIOBase):
    """stdout while a subcommand runs: every write is shown through `visible`, lines kept.
    One guard for every report, whichever module prints it (render's summary, the MIDI
    import's report, panic's port names). The editor and `tracker play` draw on the
    terminal themselves and are not behind it."""

    def __init__(self, out: TextIO) -> None:
        super().__init__()
        self.out = out

    def write(self, text: str) -> int:
        self.out.write(visible(text, newlines=True))
        return len(text)

    def flush(self) -> None:
        self.out.flush()

    def isatty(self) -> bool:
        return self.out.isatty()


def command_names(parser: argparse.ArgumentParser) -> frozenset[str]:
    """The commands the parser knows: one list, the parser's own."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return frozenset(action.choices)
    return frozenset()


def _with_default_command(argv: Sequence[str], commands: frozenset[str]) -> list[str]:
    """`tracker SONG` means `tracker open SONG`."""
    args = list(argv)
    if not args:
        return ["open"]
    if args[0] not in commands and not args[0].startswith("-"):
        if not (args[0].endswith(".toml") or os.path.exists(args[0])):
            # A typo'd command must not open an editor on a new song named after it.
            listed = ", ".join(sorted(commands))
            raise UsageError(
                f'unknown command "{args[0]}" (commands: {listed}; '
                "to open a song, name its .toml file)"
            )
        return ["open", *args]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(
            _with_default_command(sys.argv[1:] if argv is None else argv, command_names(parser))
        )
        if args.draws:
            return int(args.handler(args))
        with contextlib.redirect_stdout(_VisibleOutput(sys.stdout)):
            return int(args.handler(args))
    except UsageError as error:
        complain(error)
        return EXIT_USAGE
    except TrackerError as error:
        complain(error)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
