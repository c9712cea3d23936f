"""A small song whose time a DAW must get right: three tempos (Txx), an order entry
played twice, and a track the mix does not hear.

At 4 lines per beat, `intro` (8 lines) is 2 beats at 120 bpm; each `verse` (8 lines)
is a beat at 140 and a beat at 90:

    beat  0    2      3      4      5      6
    bpm   120  140    90     140    90     (end)
    entry intro verse        verse
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.builders import build_song
from tests.support.command import tracker
from tracker.song.model import Instrument, Song, Track
from tracker.song.storage import save_song

INTRO = """
    C-4 01 64 T78 | C-2 02 70 ... | E-4 01 50 ...
    --- .. .. ... | --- .. .. ... | --- .. .. ...
    E-4 01 64 ... | --- .. .. ... | --- .. .. ...
    --- .. .. ... | --- .. .. ... | --- .. .. ...
    G-4 01 64 ... | G-2 02 70 ... | --- .. .. ...
    --- .. .. ... | --- .. .. ... | --- .. .. ...
    OFF .. .. ... | OFF .. .. ... | OFF .. .. ...
    --- .. .. ... | --- .. .. ... | --- .. .. ...
"""
VERSE = """
    A-3 01 64 T8C | A-1 02 70 ... | --- .. .. ...
    --- .. .. ... | --- .. .. ... | --- .. .. ...
    C-4 01 64 ... | --- .. .. ... | --- .. .. ...
    --- .. .. ... | --- .. .. ... | --- .. .. ...
    E-4 01 64 T5A | E-2 02 70 ... | --- .. .. ...
    --- .. .. ... | --- .. .. ... | --- .. .. ...
    OFF .. .. ... | OFF .. .. ... | --- .. .. ...
    --- .. .. ... | --- .. .. ... | --- .. .. ...
"""
BEAT = {120: 0.5, 140: 60 / 140, 90: 60 / 90}
"""Seconds per beat at each tempo."""
TEMPOS = [
    # (seconds, beat, bpm): each tempo change where the music above puts it
    (0.0, 0.0, 120.0),
    (2 * BEAT[120], 2.0, 140.0),
    (2 * BEAT[120] + BEAT[140], 3.0, 90.0),
    (2 * BEAT[120] + BEAT[140] + BEAT[90], 4.0, 140.0),
    (2 * BEAT[120] + 2 * BEAT[140] + BEAT[90], 5.0, 90.0),
]
END = (2 * BEAT[120] + 2 * BEAT[140] + 2 * BEAT[90], 6.0)
ENTRIES = [("intro", TEMPOS[0][:2]), ("verse", TEMPOS[1][:2]), ("verse", TEMPOS[3][:2])]
"""(pattern, (seconds, beat)) of each order entry."""


def tempo_song() -> Song:
    song = build_song(
        INTRO,
        VERSE,
        tracks=[Track("Keys"), Track("Bass"), Track("Ghost", mute=True)],
        instruments={1: Instrument("Piano", program=0), 2: Instrument("Bass", program=33)},
        bpm=100,
    )
    song.title = "Tempo Tour"
    song.patterns = {"intro": song.patterns["00"], "verse": song.patterns["01"]}
    song.order = ["intro", "verse", "verse"]
    return song


@pytest.fixture
def tempo_song_file(tmp_path: Path) -> Path:
    path = tmp_path / "tour.toml"
    save_song(tempo_song(), path)
    return path


@pytest.fixture
def rendered(tempo_song_file: Path, tmp_path: Path) -> Path:
    """The real `tracker render --stems --session reaper,dawproject` of the song: its folder."""
    out = tmp_path / "out"
    result = tracker(
        "render", tempo_song_file, "-o", out, "--stems", "--session", "reaper,dawproject"
    )
    assert result.returncode == 0, result.stderr
    assert f"wrote {out / 'tour.RPP'}" in result.stdout
    return out
