"""Tracker notation: one note, one byte, one effect, one row <-> text."""

from __future__ import annotations

import pytest

from tracker.errors import SongFormatError
from tracker.song.model import NOTE_CUT, NOTE_OFF, Cell, Effect, Track
from tracker.song.notation import (
    format_byte,
    format_cell,
    format_effect,
    format_note,
    format_row,
    parse_byte,
    parse_effect,
    parse_note,
    parse_row,
)


class TestNotes:
    @pytest.mark.parametrize(
        ("text", "midi"),
        [
            ("C-4", 60),  # middle C, the MIDI convention the whole tracker uses
            ("C#4", 61),
            ("A-4", 69),  # concert A, 440 Hz
            ("B-3", 59),
            ("C-5", 72),  # one octave up: +12
            ("C-0", 12),  # the lowest note one octave digit can write
            ("G-9", 127),  # the highest MIDI note
        ],
    )
    def test_a_note_name_is_its_midi_number(self, text: str, midi: int) -> None:
        assert parse_note(text) == midi
        assert format_note(midi) == text

    @pytest.mark.parametrize(("flat", "sharp"), [("Db4", "C#4"), ("Eb2", "D#2"), ("Bb3", "A#3")])
    def test_flats_read_as_the_same_key_and_are_written_as_sharps(
        self, flat: str, sharp: str
    ) -> None:
        assert parse_note(flat) == parse_note(sharp)
        note = parse_note(flat)
        assert note is not None and format_note(note) == sharp

    def test_lower_case_is_accepted(self) -> None:
        assert parse_note("c#4") == 61
        assert parse_note("off") == NOTE_OFF

    def test_empty_off_and_cut_are_not_pitches(self) -> None:
        assert parse_note("---") is None
        assert parse_note("OFF") == NOTE_OFF
        assert parse_note("^^^") == NOTE_CUT
        assert [format_note(n) for n in (None, NOTE_OFF, NOTE_CUT)] == ["---", "OFF", "^^^"]

    @pytest.mark.parametrize("text", ["H-4", "C-X", "C4", "C#44", "E#4", "Cb4", "C-²", "C-٣"])
    def test_a_word_that_is_no_note_is_refused_at_its_column(self, text: str) -> None:
        with pytest.raises(SongFormatError, match="unknown note") as caught:
            parse_note(text, column=9)
        assert caught.value.column == 9

    def test_a_note_above_g9_is_out_of_range(self) -> None:
        with pytest.raises(SongFormatError, match=r"out of range \(C-0 to G-9\)"):
            parse_note("G#9")


class TestBytes:
    def test_two_hex_digits_either_case(self) -> None:
        assert parse_byte("7F", "volume") == 127
        assert parse_byte("7f", "volume") == 127
        assert parse_byte("..", "volume") is None
        assert format_byte(10) == "0A"
        assert format_byte(None) == ".."

    @pytest.mark.parametrize("text", ["7", "7FF", "G0", "--", "٣٣", ". "])
    def test_anything_else_names_the_field(self, text: str) -> None:
        with pytest.raises(SongFormatError, match=f'bad instrument "{text}"') as caught:
            parse_byte(text, "instrument", column=5)
        assert caught.value.column == 5

    def test_the_maximum_is_enforced(self) -> None:
        assert parse_byte("7F", "volume", maximum=0x7F) == 0x7F
        with pytest.raises(SongFormatError, match=r"volume 80 is out of range \(00-7F\)"):
            parse_byte("80", "volume", maximum=0x7F)


class TestEffects:
    def test_an_effect_is_a_letter_and_a_byte(self) -> None:
        effect = parse_effect("A37")
        assert effect == Effect("A", 0x37)
        assert (effect.x, effect.y) == (3, 7)  # arpeggio +3, +7: a minor chord
        assert format_effect(effect) == "A37"

    def test_lower_case_letters_read_as_upper_case(self) -> None:
        assert parse_effect("q03") == Effect("Q", 3)

    def test_the_empty_effect(self) -> None:
        assert parse_effect("...") is None
        assert format_effect(None) == "..."

    def test_an_unknown_letter_is_refused(self) -> None:
        with pytest.raises(SongFormatError, match='bad effect "Z01"') as caught:
            parse_effect("Z01", column=11)
        assert caught.value.column == 11

    def test_a_letter_without_its_value_is_refused_at_the_value(self) -> None:
        with pytest.raises(SongFormatError, match=r'effect "A\.\." has no value') as caught:
            parse_effect("A..", column=11)
        assert caught.value.column == 12

    def test_a_bad_value_points_past_the_letter(self) -> None:
        with pytest.raises(SongFormatError, match='bad effect value "3G"') as caught:
            parse_effect("A3G", column=11)
        assert caught.value.column == 12


KEYS = Track("Keys", notes=2, effects=1, cc=["cutoff"])
BASS = Track("Bass", notes=1, effects=1)


class TestRows:
    ROW = "C-4 01 64 ... E-4 01 .. ... 40 | C-2 02 7F Q03"

    def test_a_row_reads_into_cells_and_cc_values_per_track(self) -> None:
        (keys_cells, keys_cc), (bass_cells, bass_cc) = parse_row([KEYS, BASS], self.ROW)
        assert keys_cells == [
            Cell(note=60, instrument=1, volume=0x64, effects=(None,)),
            Cell(note=64, instrument=1, volume=None, effects=(None,)),
        ]
        assert keys_cc == [0x40]
        assert bass_cells == [Cell(note=36, instrument=2, volume=0x7F, effects=(Effect("Q", 3),))]
        assert bass_cc == []

    def test_a_row_written_back_is_the_same_text(self) -> None:
        assert format_row([KEYS, BASS], parse_row([KEYS, BASS], self.ROW)) == self.ROW

    def test_a_track_without_effect_columns(self) -> None:
        drums = Track("Drums", notes=1, effects=0)
        ((cells, _cc),) = parse_row([drums], "C-2 0A 7F")
        assert cells == [Cell(note=36, instrument=10, volume=0x7F, effects=())]
        assert format_cell(cells[0]) == "C-2 0A 7F"

    def test_an_error_in_the_second_track_has_its_column_in_the_whole_row(self) -> None:
        row = "C-4 01 64 ... E-4 01 .. ... 40 | C-2 02 9F Q03"
        with pytest.raises(SongFormatError, match="volume 9F is out of range") as caught:
            parse_row([KEYS, BASS], row)
        assert caught.value.column == row.index("9F") + 1

    def test_too_many_tracks_points_at_the_extra_bar(self) -> None:
        row = "C-2 02 7F Q03 | C-2 02 7F Q03"
        with pytest.raises(SongFormatError, match="row has 2 tracks") as caught:
            parse_row([BASS], row)
        assert caught.value.column == row.index("|") + 1

    def test_too_few_tracks_points_past_the_end(self) -> None:
        row = "C-2 02 7F Q03"
        with pytest.raises(SongFormatError, match=r"row has 1 track .*expected 2") as caught:
            parse_row([BASS, BASS], row)
        assert caught.value.column == len(row) + 1

    def test_a_missing_cc_value_is_counted_and_explained(self) -> None:
        row = "C-4 01 64 ... E-4 01 .. ... | C-2 02 7F Q03"
        with pytest.raises(SongFormatError, match=r"has 8 fields here, expected 9 .*1 CC lane"):
            parse_row([KEYS, BASS], row)
