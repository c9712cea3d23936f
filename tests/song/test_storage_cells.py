"""A save checked by its cells (`save_song(check="cells")`, what `import-midi` uses):
the same bytes as the text check, and the same refusals, without reading every row back."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.support.builders import build_song
from tracker.errors import SaveError
from tracker.song.model import Cell, Effect, Song
from tracker.song.storage import load_song, save_song

RIFF = """
C-4 01 64 ... | C-2 01 7F W80
E-4 01 50 ... | --- .. .. ...
OFF .. .. ... | G-2 01 7F T90
--- .. .. ... | OFF .. .. ...
"""


def _riff() -> Song:
    song = build_song(RIFF, bpm=126)
    song.title = 'Riff "in" D\tminor'  # text that needs escaping in the file
    song.tracks[0].cc = ["74", "cc14:1"]
    song.patterns["00"].tracks[0].cc = [[0, None, 127, 64], [None, 0x3FFF, 0, None]]
    return song


def _with_cell(song: Song, cell: Cell) -> Song:
    song.patterns["00"].tracks[1].columns[0][1] = cell
    return song


def test_a_song_saved_by_its_cells_is_the_bytes_the_text_check_writes(tmp_path: Path) -> None:
    by_cells = save_song(_riff(), tmp_path / "cells.toml", check="cells")
    by_text = save_song(_riff(), tmp_path / "text.toml")
    assert by_cells == by_text
    assert load_song(tmp_path / "cells.toml") == _riff()


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        (Cell(note=200), "note"),
        (Cell(note=60, instrument=300), "instrument"),
        (Cell(note=60, instrument=2), "an instrument the song does not define"),
        (Cell(note=60, volume=0x80), "volume"),
        (Cell(note=60, effects=(Effect("W", 256),)), "effect"),
    ],
)
def test_a_cell_the_file_cannot_hold_is_refused_by_either_check(
    tmp_path: Path, cell: Cell, why: str
) -> None:
    for check in ("text", "cells"):
        with pytest.raises(SaveError, match="could not save"):
            save_song(_with_cell(_riff(), cell), tmp_path / "song.toml", check=check)
    assert not (tmp_path / "song.toml").exists(), why


def test_a_lane_value_out_of_range_is_refused_by_either_check(tmp_path: Path) -> None:
    for check in ("text", "cells"):
        song = _riff()
        song.patterns["00"].tracks[0].cc[0][1] = 128
        with pytest.raises(SaveError, match="could not save"):
            save_song(song, tmp_path / "song.toml", check=check)


def test_a_name_that_would_read_back_otherwise_is_refused_by_the_cells_check_too(
    tmp_path: Path,
) -> None:
    song = _riff()
    song.tracks[0].cc = ["074", "cc14:1"]  # the file would say 74: not the same song
    with pytest.raises(SaveError, match=r"song\.tracks\[0\]\.cc\[0\] cannot be stored"):
        save_song(song, tmp_path / "song.toml", check="cells")


def test_a_looping_track_is_still_read_back_whole(tmp_path: Path) -> None:
    song = _riff()
    pattern = song.patterns["00"]
    pattern.tracks[1] = replace(pattern.tracks[1], loop=2)
    data = save_song(song, tmp_path / "song.toml", check="cells")
    assert b"loops = { 2 = 2 }" in data
    assert load_song(tmp_path / "song.toml") == song
