"""`tracker open`, `tracker new` and `tracker check`: the song file commands.

`check` prints each song's summary (tracker.cli.summary) or, for a song with
problems, each problem as one `tracker: ...` line on stderr.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.cli.main import EXIT_BAD_INPUT, EXIT_OK, complain
from tracker.errors import TrackerError, UsageError

if TYPE_CHECKING:
    from tracker.listen.address import ListenAddress


def open_command(
    song: Path | None,
    *,
    port: str | None,
    audio_driver: str | None,
    midi_in: str | None,
    listen: ListenAddress | None = None,
    listen_delay_ms: float = 0.0,
    listen_fallback: bool = False,
) -> int:
    """`tracker open [SONG]`: the editor, on a terminal only."""
    from tracker.ui import editor_player_config, run_app

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "the editor needs a terminal; for scripts use `tracker play`, `tracker render` "
            "or `tracker check`"
        )

    title = song.stem if song is not None else "tracker"
    config = editor_player_config(
        port, audio_driver, midi_in, listen, title, listen_delay_ms, listen_fallback
    )
    return run_app(song, config)


def new_command(path: Path, *, title: str | None, tracks: int, lines: int, force: bool) -> int:
    """`tracker new SONG`: an empty song with one pattern."""
    from tracker.song.model import Song
    from tracker.song.storage import save_song

    if os.path.exists(path) and not force:
        raise UsageError(f"{path} already exists (use --force to overwrite it)")
    song = Song.new(
        title=title or path.stem.replace("_", " ").title(),
        tracks=tracks,
        lines=lines,
    )
    save_song(song, path)
    print(f"created {path}: {len(song.tracks)} tracks, one {lines}-line pattern")
    return EXIT_OK


def check_command(paths: Sequence[Path]) -> int:
    """`tracker check SONG...`: every song's summary, or its problems; 1 if any had one."""
    from tracker.check.song import checked_song
    from tracker.cli.summary import describe_song

    failures = 0
    for path in paths:
        problems: Sequence[TrackerError]
        try:
            song, problems = checked_song(path)  # lanes, soundfonts, devices
            if not problems:
                print(describe_song(path, song))
        except TrackerError as error:
            problems = [error]
        for problem in problems:
            complain(problem)
        failures += bool(problems)
    return EXIT_BAD_INPUT if failures else EXIT_OK
