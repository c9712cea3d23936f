"""An instrument's `sysex` file: optional, kept as written, left out when unset."""

from __future__ import annotations

from tests.support.builders import build_song
from tracker.song.fileformat import dumps, loads
from tracker.song.model import Instrument


def test_an_instruments_syx_file_round_trips_and_is_left_out_when_unset() -> None:
    song = build_song(
        "C-4 01 64 ...", instruments={1: Instrument("Bass", sysex="patches/bass.syx")}
    )
    text = dumps(song)
    assert 'sysex = "patches/bass.syx"' in text
    assert loads(text).instruments[1].sysex == "patches/bass.syx"
    assert dumps(loads(text)) == text
    plain = dumps(build_song("C-4 01 64 ...", instruments={1: Instrument("Bass")}))
    assert "sysex" not in plain
