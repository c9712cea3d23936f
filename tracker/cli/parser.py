"""The `tracker` command line: its subcommands, their arguments, and the handler of each.

A handler only unpacks the arguments for its command family's module (tracker.cli.song,
render, midi, play, ports), which it imports when it runs, so `tracker play` never
loads Textual and `tracker --help` is instant.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from tracker.cli.argtypes import (
    decibels,
    listen_address,
    positive_int,
    seconds,
    session_formats,
    whole_number,
)
from tracker.errors import UsageError
from tracker.song.fileformat import LPB_RANGE
from tracker.song.limits import (
    LOUDNESS_RANGE,
    NOTE_COLUMNS_RANGE,
    SEED_RANGE,
    TRUE_PEAK_RANGE,
)
from tracker.song.model import MAX_LINES, MAX_TRACKS

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors raise instead of exiting, so they are reported in one place."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}\n{self._short_usage()}")

    def _short_usage(self) -> str:
        """argparse's usage when it is short; else the required parts and a pointer to
        -h, so the reason stays the first thing read (a command with many options would
        bury it under a screenful of brackets)."""
        usage = self.format_usage().strip()
        if usage.count("\n") < 3:
            return usage
        parts = [
            f"{action.option_strings[0]} {action.metavar or action.dest.upper()}"
            if action.option_strings
            else str(action.metavar or action.dest)
            for action in self._actions
            if action.required or not action.option_strings
        ]
        return f"usage: {self.prog} {' '.join(parts)} [options]  (`{self.prog} -h` lists them)"


def _cmd_open(args: argparse.Namespace) -> int:
    from tracker.cli.song import open_command

    return open_command(
        args.song,
        port=args.port,
        audio_driver=args.audio_driver,
        midi_in=args.midi_in,
        listen=args.listen,
        listen_delay_ms=args.listen_delay,
        listen_fallback=args.listen_fallback,
    )


def _cmd_new(args: argparse.Namespace) -> int:
    from tracker.cli.song import new_command

    return new_command(
        args.song, title=args.title, tracks=args.tracks, lines=args.lines, force=args.force
    )


def _cmd_check(args: argparse.Namespace) -> int:
    from tracker.cli.song import check_command

    return check_command(args.songs)


def _cmd_render(args: argparse.Namespace) -> int:
    from tracker.cli.render import bounce_command
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
        seed=args.seed,
        sessions=args.session,
        loudness=args.loudness,
        true_peak=args.true_peak,
        midi_writer=lambda timeline, song, track, path: export_timeline(
            timeline, song, path, tracks={track}
        ),
    )


def _cmd_export_midi(args: argparse.Namespace) -> int:
    from tracker.cli.midi import export_command

    return export_command(args.song, args.output, seed=args.seed)


def _cmd_import_midi(args: argparse.Namespace) -> int:
    from tracker.cli.midi import import_command

    return import_command(
        args.midi,
        args.output,
        lpb=args.lpb,
        tracks_by=args.tracks_by,
        max_columns=args.max_columns,
        force=args.force,
    )


def _cmd_play(args: argparse.Namespace) -> int:
    from tracker.cli.play import play_command

    return play_command(
        args.song,
        port=args.port,
        loop=args.loop,
        from_order=args.from_order,
        clock_out=args.clock_out,
        clock_in=args.clock_in,
        to_order=args.to_order,
        listen=args.listen,
        record_audio=args.record_audio,
        listen_fallback=args.listen_fallback,
        link=args.link,
        link_start_stop=args.link_start_stop,
    )


def _cmd_ports(args: argparse.Namespace) -> int:
    from tracker.cli.ports import ports_command

    return ports_command()


def _cmd_panic(args: argparse.Namespace) -> int:
    from tracker.cli.ports import panic_command

    return panic_command(args.port)


def _seed_option(sub: argparse.ArgumentParser) -> None:
    """--seed for the commands that play a song through: re-rolls its Yxx and humanise."""
    sub.add_argument(
        "--seed",
        type=whole_number(*SEED_RANGE),
        default=None,
        help="play with this seed instead of the song's (chance Yxx and humanise draws)",
    )


def _listen_option(sub: argparse.ArgumentParser) -> None:
    """--listen for the editor and `tracker play`: the same stream from either."""
    sub.add_argument(
        "--listen",
        metavar="[HOST:]PORT",
        type=listen_address,
        help="serve the live mix over HTTP (Ogg/Opus) on HOST (default 127.0.0.1)",
    )
    sub.add_argument(
        "--listen-fallback",
        action="store_true",
        help="stream (and capture) hardware-device tracks through their soundfont stand-in"
        " too; without it they sound only on their MIDI port",
    )


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
    _listen_option(sub)
    sub.add_argument(
        "--listen-delay",
        metavar="MS",
        type=whole_number(0, 5000),
        default=0,
        help="show the playhead MS later, moving with what the listener hears (default 0)",
    )

    sub = command("new", "create a new empty song file", _cmd_new)
    sub.add_argument("song", type=Path)
    sub.add_argument("--title", help="song title (default: from the file name)")
    sub.add_argument(
        "--tracks",
        type=whole_number(1, MAX_TRACKS),
        default=4,
        help="number of tracks (default 4)",
    )
    sub.add_argument(
        "--lines",
        type=whole_number(1, MAX_LINES),
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
        "--from", dest="from_order", type=positive_int, help="first order entry (0-based)"
    )
    sub.add_argument(
        "--to", dest="to_order", type=positive_int, help="last order entry (inclusive)"
    )
    sub.add_argument(
        "--tail", type=seconds, help="seconds of release tail (default: until silence)"
    )
    _seed_option(sub)
    sub.add_argument(
        "--session",
        metavar="FORMATS",
        type=session_formats,
        default=(),
        help="with --stems, DAW sessions beside them: reaper (NAME.RPP), dawproject"
        " (NAME.dawproject), or both: reaper,dawproject",
    )
    sub.add_argument(
        "--loudness",
        metavar="LUFS",
        type=decibels("LUFS", *LOUDNESS_RANGE),
        help="master the mix to this integrated loudness, a limiter holding the true peak"
        " (default: the song's, or none)",
    )
    sub.add_argument(
        "--true-peak",
        metavar="DBTP",
        type=decibels("dBTP", *TRUE_PEAK_RANGE),
        help="the mix's true-peak ceiling (default: the song's, -1.0)",
    )

    sub = command(
        "export-midi",
        "write a Standard MIDI File (type 1, a track per tracker track)",
        _cmd_export_midi,
    )
    sub.add_argument("song", type=Path)
    sub.add_argument("-o", "--output", type=Path, required=True, help="the .mid file to write")
    _seed_option(sub)

    sub = command("import-midi", "make a song from a Standard MIDI File", _cmd_import_midi)
    sub.add_argument("midi", type=Path)
    sub.add_argument("-o", "--output", type=Path, required=True, help="the song file to write")
    sub.add_argument(
        "--lpb",
        type=whole_number(*LPB_RANGE),
        default=None,
        help="lines per beat to quantise to (default 4, or 8 for a time signature in 32nds)",
    )
    sub.add_argument("--tracks-by", choices=["channel", "track"], default="channel")
    sub.add_argument(
        "--max-columns",
        metavar="N",
        type=whole_number(*NOTE_COLUMNS_RANGE),
        default=None,
        help="note columns a track may have; a part that needs more goes on in more tracks"
        " (default 12)",
    )
    sub.add_argument("--force", action="store_true", help="overwrite an existing song file")

    sub = command(
        "play", "play a song headless to MIDI ports and the soundfont", _cmd_play, draws=True
    )
    sub.add_argument("song", type=Path)
    sub.add_argument("--port", help="send every track to the MIDI output port matching NAME")
    sub.add_argument("--loop", action="store_true", help="loop the song")
    sub.add_argument(
        "--from", dest="from_order", type=positive_int, default=0, help="start at order entry"
    )
    sub.add_argument(
        "--to",
        dest="to_order",
        type=positive_int,
        help="stop after this order entry (inclusive), as `tracker render --to`",
    )
    sub.add_argument("--clock-out", metavar="PORT", help="send MIDI clock to PORT")
    sub.add_argument("--clock-in", metavar="PORT", help="follow MIDI clock from PORT")
    _listen_option(sub)
    sub.add_argument(
        "--record-audio",
        metavar="FILE",
        type=Path,
        help="capture what plays to FILE.wav or FILE.flac (written when playback ends)",
    )
    sub.add_argument(
        "--link",
        action="store_true",
        help="join the Ableton Link session on the network: follow its tempo and bar",
    )
    sub.add_argument(
        "--link-start-stop",
        action="store_true",
        help="with --link: the session stopping stops the song (start/stop sync)",
    )

    command("ports", "list MIDI input and output ports", _cmd_ports)

    sub = command("panic", "send all-notes-off and all-sound-off on every channel", _cmd_panic)
    sub.add_argument("--port", help="only ports matching NAME (default: every output)")
    return parser
