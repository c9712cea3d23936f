"""Block edits over a selection: copy, cut, paste, transpose, interpolate, insert and delete lines."""

from __future__ import annotations

import re

import pytest

from tests.support.builders import build_song, pattern_rows
from tracker.errors import EditError
from tracker.song.edit import (
    ClearSelection,
    Cut,
    DeleteLine,
    History,
    InsertLine,
    Interpolate,
    Paste,
    Selection,
    Transpose,
    copy_selection,
)
from tracker.song.model import Track


def chord() -> History:
    """A three-note chord in one track, then a note-off, a cut and a bass track beside it."""
    return History(
        build_song(
            """
            C-4 01 .. ... E-4 01 .. ... G-4 01 .. ... | C-2 02 .. ...
            OFF .. .. ... --- .. .. ... ^^^ .. .. ... | --- .. .. ...
            B-4 01 .. ... --- .. .. ... --- .. .. ... | G-2 02 .. ...
            """,
            tracks=[Track("Keys", notes=3), Track("Bass")],
        )
    )


def test_transposing_a_chord_up_a_tone_reads_d_f_sharp_a() -> None:
    history = chord()
    history.do(Transpose(Selection("00", 0, 0, 0, 0, 0, 2), +2))
    assert pattern_rows(history.song)[0] == (
        "D-4 01 .. ... F#4 01 .. ... A-4 01 .. ... | C-2 02 .. ..."
    )
    assert history.undo_label == "Transpose +2"


def test_transposing_a_track_moves_notes_but_not_offs_cuts_or_other_tracks() -> None:
    history = chord()
    history.do(Transpose.octaves(Selection.whole_track(history.song, "00", 0), -1))
    assert pattern_rows(history.song) == [
        "C-3 01 .. ... E-3 01 .. ... G-3 01 .. ... | C-2 02 .. ...",
        "OFF .. .. ... --- .. .. ... ^^^ .. .. ... | --- .. .. ...",
        "B-3 01 .. ... --- .. .. ... --- .. .. ... | G-2 02 .. ...",
    ]
    assert history.undo_label == "Transpose -1 octave"


def test_a_selection_from_the_top_chord_note_into_the_bass_transposes_just_those() -> None:
    history = chord()
    # Anchor at the bass on line 2, cursor on the chord's top note on line 0: any order works.
    history.do(Transpose(Selection("00", 2, 0, 1, 0, 0, 2), +1))
    assert pattern_rows(history.song) == [
        "C-4 01 .. ... E-4 01 .. ... G#4 01 .. ... | C#2 02 .. ...",
        "OFF .. .. ... --- .. .. ... ^^^ .. .. ... | --- .. .. ...",
        "B-4 01 .. ... --- .. .. ... --- .. .. ... | G#2 02 .. ...",
    ]


def test_transposing_past_g9_is_refused_and_nothing_moves() -> None:
    history = History(build_song("C-4 .. .. ...\nF-9 .. .. ..."))
    with pytest.raises(
        EditError, match='Transpose \\+3 would take F-9 on line 1 of track "T1" above G-9'
    ):
        history.do(Transpose(Selection.whole_pattern(history.song, "00"), +3))
    assert pattern_rows(history.song) == ["C-4 .. .. ...", "F-9 .. .. ..."]


def test_transposing_a_selection_without_notes_says_so() -> None:
    history = chord()
    with pytest.raises(EditError, match="no notes to transpose"):
        history.do(Transpose(Selection("00", 1, 1, 0, 0, 0, 2), +1))


def test_copy_then_paste_puts_the_bass_line_under_the_cursor() -> None:
    history = chord()
    clip = copy_selection(history.song, Selection.whole_track(history.song, "00", 1))
    history.do(Paste("00", 0, 0, 1, clip))
    assert [row.split(" | ")[0] for row in pattern_rows(history.song)] == [
        "C-4 01 .. ... C-2 02 .. ... G-4 01 .. ...",
        "OFF .. .. ... --- .. .. ... ^^^ .. .. ...",
        "B-4 01 .. ... G-2 02 .. ... --- .. .. ...",
    ]
    assert history.undo_label == "Paste 3 lines"


def test_paste_stops_at_the_end_of_the_pattern_and_of_the_song() -> None:
    history = chord()
    clip = copy_selection(history.song, Selection("00", 0, 1, 0, 1, 0, 2))  # 2 lines x 2 columns
    history.do(Paste("00", 2, 1, 0, clip))
    assert pattern_rows(history.song)[2].endswith("| E-4 01 .. ...")
    assert pattern_rows(history.song)[:2] == pattern_rows(chord().song)[:2]


def test_mix_paste_only_fills_empty_fields() -> None:
    history = History(build_song("C-4 .. .. ... | --- 03 40 A01"))
    clip = copy_selection(history.song, Selection("00", 0, 0, 1, 0, 1, 0))
    history.do(Paste("00", 0, 0, 0, clip, mix=True))
    assert pattern_rows(history.song) == ["C-4 03 40 A01 | --- 03 40 A01"]
    assert history.undo_label == "Mix-paste 1 line"


def test_a_note_column_is_not_pasted_into_a_cc_lane() -> None:
    history = History(build_song("C-4 .. .. ... 10", tracks=[Track("Synth", cc=["cutoff"])]))
    notes = copy_selection(history.song, Selection("00", 0, 0, 0, 0, 0, 0))
    history.do(Paste("00", 0, 0, 1, notes))
    assert pattern_rows(history.song) == ["C-4 .. .. ... 10"]


def test_cut_clears_what_was_copied() -> None:
    history = chord()
    selection = Selection("00", 0, 2, 1, 0, 1, 0)
    clip = copy_selection(history.song, selection)
    history.do(Cut(selection))
    assert [row.split(" | ")[1] for row in pattern_rows(history.song)] == ["--- .. .. ..."] * 3
    assert history.undo_label == "Cut 3 lines"
    history.do(Paste("00", 0, 1, 0, clip))
    assert pattern_rows(history.song) == pattern_rows(chord().song)


def test_clearing_the_whole_pattern_leaves_it_empty_but_as_long() -> None:
    history = chord()
    history.do(ClearSelection(Selection.whole_pattern(history.song, "00")))
    assert (
        pattern_rows(history.song)
        == ["--- .. .. ... --- .. .. ... --- .. .. ... | --- .. .. ..."] * 3
    )


def test_interpolate_ramps_a_volume_fade_and_a_cc_sweep() -> None:
    history = History(
        build_song(
            """
            C-4 01 00 ... 40
            --- .. .. ... ..
            --- .. .. ... ..
            --- .. 30 ... ..
            --- .. .. ... 00
            """,
            tracks=[Track("Pad", cc=["cutoff"])],
        )
    )
    history.do(Interpolate(Selection("00", 0, 3, 0, 0, 0, 0)))
    history.do(Interpolate(Selection.whole_column(history.song, "00", 0, 1)))
    assert pattern_rows(history.song) == [
        "C-4 01 00 ... 40",
        "--- .. 10 ... 30",
        "--- .. 20 ... 20",
        "--- .. 30 ... 10",
        "--- .. .. ... 00",
    ]


def test_interpolate_ramps_a_vibrato_depth_but_not_mixed_effects() -> None:
    history = History(
        build_song(
            """
            C-4 01 .. V40 A37
            --- .. .. ... ...
            --- .. .. ... ...
            --- .. .. V4C D01
            """,
            tracks=[Track("Lead", effects=2)],
        )
    )
    history.do(Interpolate(Selection.whole_pattern(history.song, "00")))
    assert pattern_rows(history.song) == [
        "C-4 01 .. V40 A37",
        "--- .. .. V44 ...",
        "--- .. .. V48 ...",
        "--- .. .. V4C D01",
    ]


def test_interpolate_rounds_half_up() -> None:
    history = History(build_song("--- .. 00 ...\n--- .. .. ...\n--- .. 7F ..."))
    history.do(Interpolate(Selection.whole_pattern(history.song, "00")))
    # Half of 0x7F is 63.5: rounded up to 64 = 0x40.
    assert [row.split()[2] for row in pattern_rows(history.song)] == ["00", "40", "7F"]


def test_interpolate_without_both_ends_is_refused() -> None:
    history = History(build_song("--- .. 10 ...\n--- .. .. ...\n--- .. .. ..."))
    with pytest.raises(EditError, match="on both the first and the last line"):
        history.do(Interpolate(Selection.whole_pattern(history.song, "00")))


def test_inserting_a_line_in_one_track_pushes_it_down_and_drops_the_last_line() -> None:
    history = chord()
    history.do(InsertLine("00", 1, track=1))
    assert [row.split(" | ")[1] for row in pattern_rows(history.song)] == [
        "C-2 02 .. ...",
        "--- .. .. ...",
        "--- .. .. ...",
    ]
    assert [r.split(" | ")[0] for r in pattern_rows(history.song)] == [
        r.split(" | ")[0] for r in pattern_rows(chord().song)
    ]


def test_deleting_a_line_across_the_pattern_pulls_everything_up() -> None:
    history = chord()
    history.do(DeleteLine("00", 0))
    assert pattern_rows(history.song) == [
        "OFF .. .. ... --- .. .. ... ^^^ .. .. ... | --- .. .. ...",
        "B-4 01 .. ... --- .. .. ... --- .. .. ... | G-2 02 .. ...",
        "--- .. .. ... --- .. .. ... --- .. .. ... | --- .. .. ...",
    ]


def test_a_selection_past_the_pattern_is_refused() -> None:
    history = chord()
    with pytest.raises(EditError, match=re.escape('line 3 is outside pattern "00" (lines 0-2)')):
        history.do(ClearSelection(Selection("00", 0, 3, 0, 0, 1, 0)))
    with pytest.raises(EditError, match=re.escape('track "Bass" has no column 2')):
        history.do(ClearSelection(Selection("00", 0, 1, 0, 0, 1, 1)))
