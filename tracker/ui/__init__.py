"""The terminal UI. `run_app` is what the `tracker` command calls."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tracker.errors import TrackerError
from tracker.text import visible

if TYPE_CHECKING:
    from textual.app import App

    from tracker.listen.address import ListenAddress
    from tracker.player.protocol import PlayerConfig


class EditorCrashed(TrackerError):
    """The editor ended on a bug: the one line the CLI prints (the log has the rest)."""

    title = "The editor stopped"


def editor_player_config(
    port: str | None = None,
    audio_driver: str | None = None,
    midi_in: str | None = None,
    listen: ListenAddress | None = None,
    title: str = "",
    listen_delay_ms: float = 0.0,
    listen_fallback: bool = False,
) -> PlayerConfig | None:
    """The player for `tracker [SONG] [--port NAME] [--audio-driver NAME]`.

    No options: our own port `tracker:out`, soundfont tracks through the first audio
    driver that opens. `--port`: every track to that MIDI output (as `tracker play
    --port`), no synth, unless `--audio-driver` asks for one too; then soundfont
    tracks play through it and the rest goes to the port. `--midi-in`: notes from
    that input are played through and recorded (record mode). `--listen`: the
    soundfont mix is served over HTTP by the player's audio process (its URL on the
    status line); `--listen-delay`: the playhead moves that much later, with what
    the listener hears; `--listen-fallback`: hardware-device tracks are streamed
    through their soundfont stand-in too.
    """
    from tracker.player.audio_out import audio_out_for
    from tracker.player.protocol import OWN_OUTPUT, PlayerConfig, PortSpec, SynthConfig

    if port is None and audio_driver is None and midi_in is None and listen is None:
        audio_out_for(title, None, fallback=listen_fallback)  # --listen-fallback alone: refused
        return None
    output = PortSpec(port) if port else OWN_OUTPUT
    synth: SynthConfig | Literal["auto"] | None = "auto"
    if audio_driver is not None:
        synth = SynthConfig(driver=audio_driver)
    elif port is not None:
        synth = None
    audio_out = audio_out_for(title, listen, delay_ms=listen_delay_ms, fallback=listen_fallback)
    if audio_out is not None and synth is None:
        synth = SynthConfig()  # the stream is the soundfont mix: it needs the synth
    return PlayerConfig(output=output, synth=synth, midi_in=midi_in, audio_out=audio_out)


def run_app(path: Path | None, player_config: PlayerConfig | None = None) -> int:
    """Open the song at `path` (a new song if None or not there yet) and run until quit.

    Raises SongFormatError for a file that exists but cannot be read (and
    TrackerError for a broken keys.toml): the CLI shows it and exits non-zero
    before the screen is taken over.
    """
    from tracker.player.handle import PlayerHandle
    from tracker.song.model import Song
    from tracker.song.storage import load_song
    from tracker.ui.app import TrackerApp
    from tracker.ui.keymap import load_overrides, user_keymap_path

    if path is not None and path.exists():
        song = load_song(path)
    else:
        song = Song.new(title=path.stem if path is not None else "Untitled")

    keys = load_overrides(user_keymap_path())
    handle = PlayerHandle(player_config)

    def start_player() -> PlayerHandle:
        handle.start()
        return handle

    app = TrackerApp(song, path, start_player=start_player, keys=keys)
    app.leave_anyway = True
    try:
        return run_guarded(app)
    finally:
        handle.close()


def run_guarded(app: App[Any], *, headless: bool = False) -> int:
    """Run the app; its exit code. A bug that ends it (an exception nothing caught)
    leaves its traceback in the player log, not on the musician's terminal, and
    raises EditorCrashed: the CLI prints one line and exits non-zero."""
    from rich.console import Console

    from tracker.ui.player_link import log_line

    report = io.StringIO()
    # Textual prints the traceback of an uncaught exception through this console
    # once the screen is given back; here it lands in `report` instead.
    app.error_console = Console(
        file=report, markup=False, highlight=False, color_system=None, width=120
    )
    result = app.run(headless=headless)
    if report.getvalue().strip():
        log_line(f"the editor stopped on an unexpected error:\n{report.getvalue()}")
        lines = [line.strip() for line in report.getvalue().splitlines() if line.strip()]
        raise EditorCrashed(
            f"the editor stopped on an unexpected error ({visible(lines[-1][:200])}); "
            f"the details are in {_log_place()}"
        )
    if isinstance(result, int):
        return result
    return app.return_code or 0


def _log_place() -> str:
    from tracker.player.handle import player_log_path

    path = player_log_path()
    return visible(str(path)) if path is not None else "no log (no home folder)"
