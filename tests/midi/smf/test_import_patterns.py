"""MIDI import, patterns: a long piece is cut into patterns (64 lines unless asked
otherwise), a pattern that repeats is written once and played again from the order
list, and a note held across a pattern boundary sustains.

Files are written here at test time with mido (tests/support/midi_writing.py: 480 ticks
per beat, 4 lines per beat, a line is 120 ticks unless a test says otherwise).
"""

from __future__ import annotations

from pathlib import Path

from tests.midi.songnotes import SongNote, song_notes
from tests.support.midi_writing import C4, E4, G4, LINE, TPB, midi_track, note, write
from tracker.midi.smf.import_ import import_midi


def test_a_long_piece_is_cut_into_64_line_patterns_and_repeats_are_written_once(
    mid: Path,
) -> None:
    # A one-bar riff eight times (16 lines a bar), a held note across the boundary of
    # bars 4 and 5 (lines 60-68), and one more note in bar 9 (lines 128-132).
    riff = [C4, E4, G4, E4]
    notes = [
        note((bar * 4 + b) * TPB, (bar * 4 + b) * TPB + LINE, riff[b])
        for bar in range(8)
        for b in range(4)
    ]
    notes.append(note(15 * TPB, 17 * TPB, 84))
    notes.append(note(32 * TPB, 33 * TPB, 48))
    write(mid, midi_track(*notes))

    song, _ = import_midi(mid, pattern_lines=16)

    assert [song.patterns[name].lines for name in song.order] == [16] * 8 + [5]
    plain = {song.order[i] for i in (0, 1, 2, 5, 6, 7)}
    assert len(plain) == 1, "the bars with only the riff are one pattern, played six times"
    assert len(song.patterns) == 4, "riff, riff + held note, riff + its OFF, the last note"
    held = [n for n in song_notes(song)[0] if n.pitch == 84]
    assert held == [SongNote(60, 84, 100, 8)], "a note sustains across the pattern boundary"


def test_the_default_pattern_length_is_64_lines(mid: Path) -> None:
    write(mid, midi_track(note(0, TPB, C4), note(20 * TPB, 21 * TPB, C4)))

    song, _ = import_midi(mid)

    assert [song.patterns[name].lines for name in song.order] == [64, 21]
