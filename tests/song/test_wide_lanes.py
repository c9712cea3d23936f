"""14-bit CC lanes in the song: 4 hex digits in the rows, one spelling in `cc`, edits that keep range."""

from __future__ import annotations

import pytest

from tracker.errors import EditError, SongFormatError
from tracker.song.edit import History, RenameCCLane, SetCC
from tracker.song.fileformat import dumps, loads

SYNTH_SONG = '''\
format = 1
title = "Sweeps"
bpm = 120.0
lpb = 4
tpl = 6
swing = 0.0
order = ["00"]

[instruments.01]
name = "Bass"
device = "bass-station-ii"
channel = 1

[[tracks]]
name = "Bass"
notes = 1
effects = 1
cc = ["nrpn:0:72", "cc14:cutoff", 74]

[patterns.00]
lines = 3
rows = """
C-2 01 64 ... 0180 2000 40
--- .. .. ... .... 3FFF ..
OFF .. .. ... 0000 .... 7F
"""
'''


def test_a_song_with_wide_lanes_reads_its_14_bit_values_and_saves_byte_for_byte() -> None:
    song = loads(SYNTH_SONG)
    assert song.tracks[0].cc == ["nrpn:0:72", "cc14:cutoff", "74"]
    assert song.patterns["00"].tracks[0].cc == [
        [0x180, None, 0],
        [0x2000, 0x3FFF, None],
        [0x40, None, 0x7F],
    ]
    assert dumps(song) == SYNTH_SONG


def test_a_wide_lane_spelt_another_way_is_saved_in_its_one_spelling() -> None:
    song = loads(SYNTH_SONG.replace('"nrpn:0:72"', '"NRPN:000:072"'))
    assert song.tracks[0].cc[0] == "nrpn:0:72"


@pytest.mark.parametrize(
    ("row", "where", "message"),
    [
        ("C-2 01 64 ... 01 2000 40", ":23:15:", 'bad 14-bit CC value "01"'),
        ("C-2 01 64 ... 4000 2000 40", ":23:15:", "14-bit CC value 4000 is out of range"),
        ("C-2 01 64 ... 0180 2000 0040", ":23:25:", 'bad CC value "0040"'),
    ],
)
def test_a_value_that_does_not_fit_its_lane_is_refused_where_it_stands(
    row: str, where: str, message: str
) -> None:
    text = SYNTH_SONG.replace("C-2 01 64 ... 0180 2000 40", row)
    with pytest.raises(SongFormatError) as caught:
        loads(text, "sweeps.toml")
    assert f"sweeps.toml{where}" in str(caught.value)
    assert message in str(caught.value)


def test_an_nrpn_lane_out_of_range_is_refused_naming_the_rule() -> None:
    with pytest.raises(SongFormatError) as caught:
        loads(SYNTH_SONG.replace('"nrpn:0:72"', '"nrpn:0:128"'), "sweeps.toml")
    assert "sweeps.toml:18:7:" in str(caught.value)
    assert "nrpn:MSB:LSB" in str(caught.value)


def test_typing_into_a_wide_lane_takes_14_bits_and_a_plain_one_7() -> None:
    song = loads(SYNTH_SONG)
    history = History(song)
    history.do(SetCC("00", 1, 0, 0, 0x3FFF))
    assert song.patterns["00"].tracks[0].cc[0][1] == 0x3FFF
    with pytest.raises(EditError, match="14-bit CC value"):
        history.do(SetCC("00", 1, 0, 0, 0x4000))
    with pytest.raises(EditError, match="a CC value"):
        history.do(SetCC("00", 1, 0, 2, 0x80))


def test_a_lane_turned_14_bit_keeps_its_values_place_in_the_range_and_undo_restores_it() -> None:
    song = loads(SYNTH_SONG)
    history = History(song)
    history.do(RenameCCLane(0, 2, "cc14:1"))
    assert song.patterns["00"].tracks[0].cc[2] == [0x40 << 7, None, 0x7F << 7]
    history.do(RenameCCLane(0, 0, "1"))
    assert song.patterns["00"].tracks[0].cc[0] == [0x180 >> 7, None, 0]
    loads(dumps(song))  # still a song the file format reads
    history.undo()
    history.undo()
    assert dumps(song) == SYNTH_SONG
