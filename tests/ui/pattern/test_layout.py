"""The grid's geometry: where each field sits, and how far the view scrolls to show it."""

from __future__ import annotations

from tracker.song.model import Track
from tracker.ui.pattern.layout import GridLayout, Kind, gutter_width, track_fields, track_text_width


def test_a_plain_track_reads_note_instrument_volume_effect() -> None:
    # "C-4 01 64 A37": the cursor stops on the note, each digit, the letter and its digits
    fields = track_fields(Track("Lead"))
    assert [(f.kind, f.x) for f in fields] == [
        (Kind.NOTE, 0),
        (Kind.INSTRUMENT, 4),
        (Kind.INSTRUMENT, 5),
        (Kind.VOLUME, 7),
        (Kind.VOLUME, 8),
        (Kind.EFFECT_LETTER, 10),
        (Kind.EFFECT_VALUE, 11),
        (Kind.EFFECT_VALUE, 12),
    ]
    assert track_text_width(Track("Lead")) == len("C-4 01 64 A37")


def test_two_note_columns_and_a_cc_lane_line_up_with_the_notation() -> None:
    track = Track("Pad", notes=2, effects=2, cc=["cutoff"])
    text = "C-4 01 64 A37 V21 E-4 .. .. ... ... 40"
    assert track_text_width(track) == len(text)
    for field in track_fields(track):
        shown = text[field.x : field.x + field.width]
        assert shown.strip() and " " not in shown, (field, shown)
    cc = [f for f in track_fields(track) if f.kind is Kind.CC]
    assert [text[f.x] for f in cc] == ["4", "0"]


def test_scrolling_right_moves_by_whole_tracks() -> None:
    grid = GridLayout.of([Track(f"T{i}") for i in range(8)])
    # each plain track takes 13 cells and a separator: 14
    assert grid.starts[:3] == (0, 14, 28)
    view = 60  # four tracks and a bit
    assert grid.scroll_for(3, 0, 0, view) == 0
    assert grid.scroll_for(4, 0, 0, view) == 14
    assert grid.scroll_for(0, 0, 28, view) == 0


def test_line_numbers_grow_a_digit_past_ff() -> None:
    assert gutter_width(64) == 2
    assert gutter_width(256) == 2
    assert gutter_width(512) == 3
