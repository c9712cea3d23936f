"""The terminal UI. `run_app` is what the `tracker` command calls."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.player import PlayerConfig


def run_app(path: Path | None, player_config: PlayerConfig | None = None) -> int:
    """Open the song at `path` (a new song if None or not there yet) and run until quit.

    Raises SongFormatError for a file that exists but cannot be read (and
    TrackerError for a broken keys.toml): the CLI shows it and exits non-zero
    before the screen is taken over.
    """
    from tracker.player import PlayerHandle
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
    try:
        result = app.run()
    finally:
        handle.close()
    return result if isinstance(result, int) else 0
