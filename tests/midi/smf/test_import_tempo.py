"""MIDI import, tempo: the first tempo is the song's bpm, each change a Txx effect on
its nearest line; tempos a song cannot play are clamped and reported, a slow one plays
as long as in the file, a tempo of zero is refused.

Files are written here at test time with mido (tests/support/midi_writing.py: 480 ticks
per beat, 4 lines per beat, a line is 120 ticks unless a test says otherwise).
"""

from __future__ import annotations

from pathlib import Path

import mido
import pytest

from tests.support.command import tracker
from tests.support.midi_writing import C4, G4, LINE, TPB, midi_track, named, note, tempo, write
from tracker.engine.timeline import compile_song
from tracker.errors import MidiFileError
from tracker.midi.smf.import_ import import_midi
from tracker.song.model import Effect
from tracker.song.storage import load_song


def test_tempo_changes_become_the_song_bpm_and_txx_effects_on_their_lines(mid: Path) -> None:
    # 100 bpm, then 140 at beat 4 (line 16), then 123.4 at beat 6 (line 24), which a
    # Txx effect can only say as 123 (hex 7B).
    conductor = midi_track(tempo(0, 100), tempo(4 * TPB, 140), tempo(6 * TPB, 123.4))
    write(mid, conductor, midi_track(*[note(b * TPB, (b + 1) * TPB, C4) for b in range(8)]))

    song, report = import_midi(mid)

    assert song.bpm == 100
    assert song.cell("00", 0, 0, 16).effects == (Effect("T", 140),)
    assert song.cell("00", 0, 0, 24).effects == (Effect("T", 0x7B),)
    assert song.cell("00", 0, 0, 24).note == C4, "the tempo shares the line with its note"
    rounded = [(c.line, round(c.file_bpm, 1), c.song_bpm) for c in report.tempo if c.rounded]
    assert rounded == [(24, 123.4, 123)]
    # The notes before the change did not move; the later ones move by the rounding only.
    assert report.max_shift_lines == 0
    assert 0 < report.max_shift_ms < 2


def test_a_tempo_between_lines_moves_to_the_nearest_line(mid: Path) -> None:
    write(mid, midi_track(tempo(0, 120), tempo(LINE * 3 + 10, 90), note(0, 8 * LINE, C4)))

    song, _ = import_midi(mid)

    assert song.cell("00", 0, 0, 3).effects == (Effect("T", 90),)


def test_absurd_tempos_are_clamped_to_what_a_song_can_play_and_reported(mid: Path) -> None:
    # The slowest tempo a file can state (3.6 bpm), then 60 million bpm.
    slowest = (0, mido.MetaMessage("set_tempo", tempo=0xFFFFFF))
    fastest = (TPB, mido.MetaMessage("set_tempo", tempo=1))
    write(mid, midi_track(slowest, fastest, note(0, 2 * TPB, C4)))

    song, report = import_midi(mid)

    assert song.bpm == 4
    assert song.cell("00", 0, 0, 4).effects == (Effect("T", 0xFF),)
    assert [c.song_bpm for c in report.tempo if c.rounded] == [4, 255]
    assert any("written as 255" in line for line in report.summary())


def test_a_slow_movement_at_30_bpm_imports_as_30_and_plays_as_long_as_in_the_file(
    mid: Path, tmp_path: Path
) -> None:
    # Four beats at 120 bpm (2 s), then four at 30 bpm (8 s): a Txx once reached no
    # lower than T20, so the 30 became 32 and the slow part lasted 7.5 s.
    conductor = midi_track(named("Largo"), tempo(0, 120), tempo(4 * TPB, 30))
    write(mid, conductor, midi_track(note(0, 4 * TPB, C4), note(4 * TPB, 8 * TPB, G4)))
    out = tmp_path / "largo.toml"

    result = tracker("import-midi", mid, "-o", out)

    assert result.returncode == 0, result.stderr
    song = load_song(out)
    assert song.cell("00", 0, 0, 16).effects == (Effect("T", 0x1E),)
    assert "C-4 01 64 ..." in out.read_text() and "G-4 01 64 T1E" in out.read_text()
    slow = [e for e in compile_song(song).events if e.a == G4]
    assert [round(e.time, 6) for e in slow] == [2.0, 10.0]


def test_a_file_that_starts_at_10_bpm_keeps_its_tempo(mid: Path) -> None:
    write(mid, midi_track(tempo(0, 10), note(0, TPB, C4)))

    song, report = import_midi(mid)

    assert song.bpm == 10
    assert not any(c.rounded for c in report.tempo)


def test_a_tempo_of_zero_is_refused(mid: Path) -> None:
    zero = mido.MetaMessage("set_tempo", tempo=1)
    write(mid, midi_track((0, zero), note(0, TPB, C4)))
    data = mid.read_bytes().replace(b"\xff\x51\x03\x00\x00\x01", b"\xff\x51\x03\x00\x00\x00")
    mid.write_bytes(data)

    with pytest.raises(MidiFileError, match="tempo of 0"):
        import_midi(mid)
