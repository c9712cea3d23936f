"""Chord symbols to notes and back, against a reference list written from music theory
(the notes each chord is spelled with in any harmony book), not from our own output."""

from __future__ import annotations

import pytest

from tracker.errors import EditError
from tracker.song.chords import invert as invert_chord
from tracker.song.chords import name_notes, next_voicing, parse_chord, voicings

REFERENCE = {
    "C": "C E G",
    "Cm": "C Eb G",
    "Bdim": "B D F",
    "Caug": "C E G#",
    "Dsus2": "D E A",
    "Gsus4": "G C D",
    "E5": "E B",
    "C6": "C E G A",
    "Am6": "A C E F#",
    "G7": "G B D F",
    "Cmaj7": "C E G B",
    "Dm7": "D F A C",
    "Cm7": "C Eb G Bb",
    "Bm7b5": "B D F A",
    "Bdim7": "B D F Ab",
    "CmMaj7": "C Eb G B",
    "D7sus4": "D G A C",
    "Cadd9": "C E G D",
    "C9": "C E G Bb D",
    "Fmaj9": "F A C E G",
    "Am9": "A C E G B",
    "C11": "C E G Bb D F",
    "C13": "C E G Bb D A",
    "Ebm7": "Eb Gb Bb Db",
    "F#maj9": "F# A# C# E# G#",
    "Bb7": "Bb D F Ab",
    "Db": "Db F Ab",
}
"""Symbol -> the chord's notes, root first (E# is F: spelled as the theory books do)."""

SPELLINGS = {
    "CM7": "Cmaj7",
    "C-7": "Cm7",
    "Cmin": "Cm",
    "C+": "Caug",
    "Csus": "Csus4",
    "Cm(maj7)": "CmMaj7",
}
"""Other spellings musicians write for the same chord."""

LETTERS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def pitch_class(name: str) -> int:
    return (LETTERS[name[0]] + name.count("#") - name.count("b")) % 12


def pitch_classes(names: str) -> set[int]:
    return {pitch_class(n) for n in names.split()}


@pytest.mark.parametrize(("symbol", "spelled"), REFERENCE.items())
def test_a_symbol_spells_the_notes_the_theory_books_give(symbol: str, spelled: str) -> None:
    chord = parse_chord(symbol)
    notes = chord.notes(48 + pitch_class(spelled.split()[0]))
    assert {n % 12 for n in notes} == pitch_classes(spelled)
    assert notes == sorted(notes) and notes[0] % 12 == pitch_class(spelled.split()[0])
    assert len(notes) == len(spelled.split())


@pytest.mark.parametrize(("symbol", "spelled"), REFERENCE.items())
def test_the_notes_of_a_chord_read_back_as_its_symbol(symbol: str, spelled: str) -> None:
    root = pitch_class(spelled.split()[0])
    notes = [48 + root + (pitch_class(n) - root) % 12 for n in spelled.split()]
    chord = name_notes(notes)
    assert chord is not None
    assert chord.pitch_classes == pitch_classes(spelled)
    assert parse_chord(chord.name).pitch_classes == pitch_classes(spelled)
    if symbol[1:2] not in ("#", "b"):  # spelled roots: C# and Db are one pitch
        assert chord.name == symbol


@pytest.mark.parametrize(("other", "usual"), SPELLINGS.items())
def test_other_spellings_are_the_same_chord(other: str, usual: str) -> None:
    assert parse_chord(other) == parse_chord(usual)


def test_a_slash_bass_outside_the_chord_sounds_below_it_and_reads_back() -> None:
    notes = parse_chord("F#maj9/A").notes(54)  # F#3
    assert notes[0] == 45  # A2, under the root
    assert {n % 12 for n in notes[1:]} == pitch_classes("F# A# C# E# G#")
    chord = name_notes(notes)
    assert chord is not None and chord.name == "F#maj9/A"


def test_a_slash_bass_inside_the_chord_is_the_inversion_with_it_lowest() -> None:
    notes = parse_chord("C/E").notes(60)
    assert notes == [64, 67, 72]  # E4 G4 C5: the first inversion
    chord = name_notes(notes)
    assert chord is not None and chord.name == "C/E"


@pytest.mark.parametrize("symbol", ["C", "Cm", "G7", "Cmaj7", "Am9", "F#maj9", "Bb7"])
def test_every_inversion_reads_back_as_the_same_chord_over_its_bass(symbol: str) -> None:
    chord = parse_chord(symbol)
    notes = chord.notes(60 + chord.root)
    for _ in range(len(notes) - 1):
        notes = invert_chord(notes, 1)
        found = name_notes(notes)
        assert found is not None
        assert (found.root, found.kind) == (chord.root, chord.kind)
        in_bass = notes[0] % 12
        assert found.bass == (None if in_bass == chord.root else in_bass)


def test_where_notes_spell_two_chords_the_root_in_the_bass_wins() -> None:
    found = name_notes([60, 64, 67, 69])  # C E G A: C6, also Am7 over C
    assert found is not None and found.name == "C6"


def test_inversions_move_the_lowest_note_up_and_the_highest_down() -> None:
    c_major = [60, 64, 67]
    assert invert_chord(c_major, 1) == [64, 67, 72]
    assert invert_chord(invert_chord(c_major, 1), 1) == [67, 72, 76]
    assert invert_chord(c_major, -1) == [55, 60, 64]
    assert invert_chord(invert_chord(c_major, 1), -1) == c_major


def test_voicings_drop_voices_counted_from_the_top_an_octave() -> None:
    cmaj7 = [60, 64, 67, 71]  # C4 E4 G4 B4, close
    assert dict(voicings(cmaj7)) == {
        "close": cmaj7,
        "drop-2": [55, 60, 64, 71],  # G down: G3 C4 E4 B4
        "drop-3": [52, 60, 67, 71],  # E down: E3 C4 G4 B4
        "drop-2-4": [48, 55, 64, 71],  # G and C down: C3 G3 E4 B4
    }


def test_the_voicing_cycle_comes_back_to_close_and_keeps_the_chord() -> None:
    notes = [60, 64, 67, 71]
    seen = []
    for _ in range(4):
        name, notes = next_voicing(notes)
        seen.append(name)
        assert {n % 12 for n in notes} == pitch_classes("C E G B") and max(notes) == 71
    assert seen == ["drop-2", "drop-3", "drop-2-4", "close"]
    assert notes == [60, 64, 67, 71]


def test_a_spread_voicing_of_our_own_comes_back_to_close() -> None:
    name, notes = next_voicing([36, 64, 67, 72])  # C2 E4 G4 C5
    assert name == "close" and notes == [60, 64, 67, 72]


@pytest.mark.parametrize(
    ("symbol", "says"),
    [
        ("H7", "not a chord symbol"),
        ("", "not a chord symbol"),
        ("Cxyz", 'unknown chord kind "xyz"'),
        ("C7/H", 'the bass after "/"'),
    ],
)
def test_an_unknown_symbol_is_refused_with_what_was_expected(symbol: str, says: str) -> None:
    with pytest.raises(EditError) as caught:
        parse_chord(symbol)
    assert says in caught.value.message
    assert "e.g." in caught.value.message or "known:" in caught.value.message


def test_a_chord_past_the_top_of_midi_is_refused() -> None:
    with pytest.raises(EditError, match="above G-9"):
        parse_chord("C13").notes(120)


def test_a_bass_outside_the_chord_stays_under_every_voicing() -> None:
    notes = parse_chord("F#maj9/A").notes(54)  # A2, then F#3 A#3 C#4 F4 G#4
    for _ in range(4):
        _, notes = next_voicing(notes)
        assert notes[0] % 12 == pitch_class("A") and notes[0] == min(notes)
        found = name_notes(notes)
        assert found is not None and found.name == "F#maj9/A"
