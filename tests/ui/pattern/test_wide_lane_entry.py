"""A 14-bit CC lane in the grid: four hex digits wide, each one a cursor stop, typed up to 3FFF."""

from __future__ import annotations

from tests.support.builders import build_song
from tracker.song.edit import History
from tracker.song.model import Track
from tracker.ui.pattern.entry import Spot, hex_command
from tracker.ui.pattern.layout import Kind, track_fields, track_text_width


def test_a_wide_lane_takes_four_cells_and_four_stops_beside_a_plain_one() -> None:
    track = Track("Bass", cc=["nrpn:0:72", "74"])
    fields = [f for f in track_fields(track) if f.kind is Kind.CC]
    note_part = track_text_width(Track("Bass"))
    assert [(f.column, f.x - note_part, f.digit) for f in fields] == [
        (0, 1, 0), (0, 2, 1), (0, 3, 2), (0, 4, 3),
        (1, 6, 0), (1, 7, 1),
    ]  # fmt: skip
    assert track_text_width(track) == note_part + 5 + 3


def test_typing_four_digits_into_a_wide_lane_writes_a_14_bit_value_capped_at_3fff() -> None:
    track = Track("Bass", cc=["cc14:16"])
    song = build_song("C-3 01 64 ... ....", tracks=[track])
    history = History(song)
    fields = [f for f in track_fields(track) if f.kind is Kind.CC]
    for field, digit in zip(fields, (0x2, 0x0, 0x4, 0x1), strict=True):
        history.do(hex_command(song, Spot("00", 0, 0, field), digit))
    assert song.patterns["00"].tracks[0].cc[0][0] == 0x2041
    history.do(hex_command(song, Spot("00", 0, 0, fields[0]), 0xF))
    assert song.patterns["00"].tracks[0].cc[0][0] == 0x3FFF
