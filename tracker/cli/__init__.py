"""The `tracker` command: opens the editor, or runs one of the subcommands.

This is the edge where errors meet the shell: every TrackerError is printed as
one line on stderr (exit 1), usage errors exit 2, nothing else is caught here so
a real bug still shows its traceback to the developer who must fix it.
Everything printed may quote a song, a file name or a port name, so it reaches
the terminal through `tracker.text.visible`: data, never terminal control.
Subcommands import their modules lazily so `tracker play` never loads Textual
and `tracker --help` is instant.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from tracker.errors import TrackerError, UsageError
from tracker.song.fileformat import LPB_RANGE
from tracker.song.model import MAX_LINES, MAX_TRACKS
from tracker.text import visible

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

Handler = Callable[[argparse.Namespace], int]


def _complain(error: TrackerError) -> None:
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


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors raise instead of exiting, so they are reported in one place."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message}\n{self.format_usage().strip()}")


def _cmd_open(args: argparse.Namespace) -> int:
    from tracker.ui import editor_player_config, run_app

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "the editor needs a terminal; for scripts use `tracker play`, `tracker render` "
            "or `tracker check`"
        )

    return run_app(args.song, editor_player_config(args.port, args.audio_driver, args.midi_in))


def _cmd_new(args: argparse.Namespace) -> int:
    from tracker.song.model import Song
    from tracker.song.storage import save_song

    path: Path = args.song
    if os.path.exists(path) and not args.force:
        raise UsageError(f"{path} already exists (use --force to overwrite it)")
    song = Song.new(
        title=args.title or path.stem.replace("_", " ").title(),
        tracks=args.tracks,
        lines=args.lines,
    )
    save_song(song, path)
    print(f"created {path}: {len(song.tracks)} tracks, one {args.lines}-line pattern")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from tracker.song_check import song_problems
    from tracker.song_summary import describe_song

    failures = 0
    for path in args.songs:
        try:
            problems: Sequence[TrackerError] = song_problems(path)  # lanes, soundfonts, devices
            if not problems:
                print(describe_song(path))
        except TrackerError as error:
            problems = [error]
        for problem in problems:
            _complain(problem)
        failures += bool(problems)
    return EXIT_BAD_INPUT if failures else EXIT_OK


def _cmd_render(args: argparse.Namespace) -> int:
    from tracker.audio.bounce import bounce_command
    from tracker.midi.smf import export_timeline

    return bounce_command(
        song_path=args.song,
        out_dir=args.output,
        stems=args.stems,
        fmt=args.format,
        rate=args.rate,
        bits=args.bits,
        from_order=args.from_order,
        to_order=args.to_order,
        tail=args.tail,
        midi_writer=lambda timeline, song, track, path: export_timeline(
            timeline, song, path, tracks={track}
        ),
    )


def _cmd_export_midi(args: argparse.Namespace) -> int:
    from tracker.cli.midi import export_command

    return export_command(args.song, args.output)


def _cmd_import_midi(args: argparse.Namespace) -> int:
    from tracker.cli.midi import import_command

    return import_command(
        args.midi, args.output, lpb=args.lpb, tracks_by=args.tracks_by, force=args.force
    )


def _cmd_play(args: argparse.Namespace) -> int:
    from tracker.play_headless import play_command

    return play_command(
        args.song,
        port=args.port,
        loop=args.loop,
        from_order=args.from_order,
        clock_out=args.clock_out,
        clock_in=args.clock_in,
    )


def _cmd_ports(args: argparse.Namespace) -> int:
    from tracker.cli.ports import ports_command

    return ports_command()


def _cmd_panic(args: argparse.Namespace) -> int:
    from tracker.cli.ports import panic_command

    return panic_command(args.port)


def _positive_int(text: str) -> int:
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def _whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argument type for a whole number from `low` to `high`: bad values are usage errors."""

    def parse(text: str) -> int:
        value = _positive_int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {low} to {high}, got {value}")
        return value

    return parse


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not 0 <= value <= 600:
        raise argparse.ArgumentTypeError(f"expected 0 to 600 seconds, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tracker",
        description="A keyboard-driven terminal tracker and MIDI sequencer.",
        epilog="Run `tracker SONG.toml` to open a song in the editor (it is created when missing).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(
        name: str, help: str, handler: Handler, *, draws: bool = False
    ) -> argparse.ArgumentParser:
        """`draws`: the command writes terminal control of its own (the editor's screen,
        `tracker play`'s status line) and shows outside text through `visible` itself."""
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(handler=handler, draws=draws)
        return sub

    sub = command("open", "open SONG in the editor (same as `tracker SONG`)", _cmd_open, draws=True)
    sub.add_argument("song", type=Path, nargs="?", help="song file (.toml); created on first save")
    sub.add_argument("--port", help="send every track to the MIDI output port matching NAME")
    sub.add_argument(
        "--audio-driver",
        metavar="NAME",
        help="FluidSynth audio driver for soundfont tracks (pulseaudio, pipewire, jack, alsa)",
    )
    sub.add_argument(
        "--midi-in", metavar="PORT", help="record and play through from MIDI input PORT"
    )

    sub = command("new", "create a new empty song file", _cmd_new)
    sub.add_argument("song", type=Path)
    sub.add_argument("--title", help="song title (default: from the file name)")
    sub.add_argument(
        "--tracks",
        type=_whole_number(1, MAX_TRACKS),
        default=4,
        help="number of tracks (default 4)",
    )
    sub.add_argument(
        "--lines",
        type=_whole_number(1, MAX_LINES),
        default=64,
        help="lines in the first pattern (default 64)",
    )
    sub.add_argument("--force", action="store_true", help="overwrite an existing file")

    sub = command(
        "check", "validate songs; print tracks, patterns, duration and instruments", _cmd_check
    )
    sub.add_argument("songs", type=Path, nargs="+", metavar="SONG")

    sub = command("render", "bounce a song to audio: the mix, and stems with --stems", _cmd_render)
    sub.add_argument("song", type=Path)
    sub.add_argument("-o", "--output", type=Path, required=True, help="output folder")
    sub.add_argument("--stems", action="store_true", help="also one file per track, plus its .mid")
    sub.add_argument("--format", choices=["wav", "flac"], default="wav")
    sub.add_argument("--rate", type=int, choices=[44100, 48000], default=44100)
    sub.add_argument("--bits", choices=["16", "24", "float"], default="24")
    sub.add_argument(
        "--from", dest="from_order", type=_positive_int, help="first order entry (0-based)"
    )
    sub.add_argument(
        "--to", dest="to_order", type=_positive_int, help="last order entry (inclusive)"
    )
    sub.add_argument(
        "--tail", type=_seconds, help="seconds of release tail (default: until silence)"
    )

    sub = command(
        "export-midi",
        "write a Standard MIDI File (type 1, a track per tracker track)",
        _cmd_export_midi,
    )
    sub.add_argument("song", type=Path)
    sub.add_argument("-o", "--output", type=Path, required=True, help="the .mid file to write")

    sub = command("import-midi", "make a song from a Standard MIDI File", _cmd_import_midi)
    sub.add_argument("midi", type=Path)
    sub.add_argument("-o", "--output", type=Path, required=True, help="the song file to write")
    sub.add_argument(
        "--lpb",
        type=_whole_number(*LPB_RANGE),
        default=4,
        help="lines per beat to quantise to (default 4)",
    )
    sub.add_argument("--tracks-by", choices=["channel", "track"], default="channel")
    sub.add_argument("--force", action="store_true", help="overwrite an existing song file")

    sub = command(
        "play", "play a song headless to MIDI ports and the soundfont", _cmd_play, draws=True
    )
    sub.add_argument("song", type=Path)
    sub.add_argument("--port", help="send every track to the MIDI output port matching NAME")
    sub.add_argument("--loop", action="store_true", help="loop the song")
    sub.add_argument(
        "--from", dest="from_order", type=_positive_int, default=0, help="start at order entry"
    )
    sub.add_argument("--clock-out", metavar="PORT", help="send MIDI clock to PORT")
    sub.add_argument("--clock-in", metavar="PORT", help="follow MIDI clock from PORT")

    command("ports", "list MIDI input and output ports", _cmd_ports)

    sub = command("panic", "send all-notes-off and all-sound-off on every channel", _cmd_panic)
    sub.add_argument("--port", help="only ports matching NAME (default: every output)")
    return parser


def _with_default_command(argv: Sequence[str]) -> list[str]:
    """`tracker SONG` means `tracker open SONG`."""
    args = list(argv)
    if not args:
        return ["open"]
    commands = {
        "open", "new", "check", "render", "export-midi", "import-midi", "play", "ports", "panic",
    }  # fmt: skip
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
        args = parser.parse_args(_with_default_command(sys.argv[1:] if argv is None else argv))
        if args.draws:
            return int(args.handler(args))
        with contextlib.redirect_stdout(_VisibleOutput(sys.stdout)):
            return int(args.handler(args))
    except UsageError as error:
        _complain(error)
        return EXIT_USAGE
    except TrackerError as error:
        _complain(error)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
