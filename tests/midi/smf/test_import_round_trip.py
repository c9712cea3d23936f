"""export(import(file)): the promise that every note of a file from outside comes back
from the export with its pitch, channel and velocity, starting within half a line of
where it was, and ending within half a line of its end (a note shorter than that lasts
one line); its programs and CC lanes come back on their channels too. Positions are
compared in beats, so tempo rounding does not enter into it.

Files are written here at test time with mido (tests/support/midi_writing.py: 480 ticks
per beat, 4 lines per beat, a line is 120 ticks unless a test says otherwise),
and read back with mido alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mido
import pytest

from tests.support.midi_writing import (
    C4,
    D4,
    E4,
    F4,
    G4,
    HAT,
    LINE,
    TPB,
    cc,
    midi_track,
    named,
    note,
    program,
    tempo,
    write,
)
from tracker.midi.smf import export_song
from tracker.midi.smf.import_ import import_midi
from tracker.midi.smf.import_events import TracksBy


def file_notes(path: Path) -> list[tuple[int, int, int, float, float]]:
    """(channel, pitch, velocity, start beat, end beat), read with mido alone; offs pair
    with the earliest open note of their pitch."""
    midi = mido.MidiFile(path)
    notes: list[Any] = []
    open_notes: dict[Any, Any] = {}
    for track in midi.tracks:
        now = 0
        for message in track:
            now += message.time
            if message.type not in ("note_on", "note_off"):
                continue
            key = (message.channel, message.note)
            beat = now / midi.ticks_per_beat
            if message.type == "note_on" and message.velocity > 0:
                open_notes.setdefault(key, []).append((beat, message.velocity))
            elif open_notes.get(key):
                start, velocity = open_notes[key].pop(0)
                notes.append((message.channel, message.note, velocity, start, beat))
    return sorted(notes)


def outside_piece(path: Path) -> Path:
    """A type 1 file with what real files hold: several tempos, off-grid playing,
    overlapping notes on one channel, a program change, drums on channel 10."""
    swing = 37  # ticks late, about a third of a line
    keys = [
        note(0, 2 * TPB + 11, C4, 70),  # held under the rest
        note(swing, TPB - 5, E4, 81),
        note(TPB - 30, 2 * TPB, G4, 92),  # starts before E4 ends: overlap
        program(2 * TPB, 48),
        note(2 * TPB + LINE + 50, 3 * TPB + 3, D4, 60),
        note(3 * TPB, 3 * TPB + 20, F4, 127),  # shorter than half a line
    ]
    drums = [note(b * TPB // 2 + (swing if b % 2 else 0), b * TPB // 2 + 40, HAT, 50 + b, 9)
             for b in range(8)]  # fmt: skip
    bass = [program(0, 33, 1), note(10, 4 * TPB - 10, 36, 100, 1)]
    return write(
        path,
        midi_track(named("Piece"), tempo(0, 97.3), tempo(TPB + 200, 131.9), tempo(3 * TPB, 80)),
        midi_track(named("Keys"), *keys),
        midi_track(named("Drums"), *drums),
        midi_track(named("Bass"), *bass),
    )


@pytest.mark.parametrize("tracks_by", ["channel", "track"])
@pytest.mark.parametrize("lpb", [4, 3, 8])
def test_exporting_an_import_keeps_every_note_within_half_a_line(
    tmp_path: Path, lpb: int, tracks_by: TracksBy
) -> None:
    original = outside_piece(tmp_path / "outside.mid")
    song, report = import_midi(original, lpb=lpb, tracks_by=tracks_by)
    exported = tmp_path / "exported.mid"
    export_song(song, exported)

    before, after = file_notes(original), file_notes(exported)

    half_line = 0.5 / lpb + 1e-9
    assert len(after) == len(before) == report.notes_imported
    for (ch, pitch, vel, start, end), (ch2, pitch2, vel2, start2, end2) in zip(
        before, after, strict=True
    ):
        assert (ch2, pitch2, vel2) == (ch, pitch, vel)
        assert abs(start2 - start) <= half_line
        assert abs(end2 - end) <= half_line or end2 == pytest.approx(start2 + 1 / lpb)
    assert report.max_shift_lines <= 0.5


def test_the_exported_import_plays_the_programs_the_file_chose(tmp_path: Path) -> None:
    original = outside_piece(tmp_path / "outside.mid")
    song, _ = import_midi(original)
    exported = tmp_path / "exported.mid"
    export_song(song, exported)

    programs = {
        (m.channel, m.program)
        for track in mido.MidiFile(exported).tracks
        for m in track
        if m.type == "program_change"
    }
    # Keys start on GM program 0 (no program change before their first note), then 48.
    assert programs == {(0, 0), (0, 48), (1, 33), (9, 0)}


def test_exporting_an_import_sends_each_cc_lane_on_its_channel_at_its_line(tmp_path: Path) -> None:
    original = write(
        tmp_path / "cc.mid",
        midi_track(program(0, 5, 3), cc(0, 7, 90, 3), note(0, TPB, C4, 100, 3),
                   cc(TPB + 7, 7, 60, 3), cc(2 * TPB, 1, 30, 3)),
    )  # fmt: skip
    song, _ = import_midi(original)
    exported = tmp_path / "exported.mid"
    export_song(song, exported)

    sent = []
    for track in mido.MidiFile(exported).tracks:
        now = 0
        for message in track:
            now += message.time
            if message.type == "control_change":
                sent.append((now / 960, message.channel, message.control, message.value))
    # 7 ticks late is under a line (120 ticks): back on beat 1. The volume lane's first
    # value wins over the track's strip (so no CC 7 = 100 beside it); the strip's pan stays.
    assert sorted(sent) == [(0, 3, 7, 90), (0, 3, 10, 64), (1, 3, 7, 60), (2, 3, 1, 30)]
