"""MIDI import, where notes land: on the nearest line (the report says how far they
moved), in columns side by side when they overlap, one line at the least, ended by the
file when their note-off never comes, and left out, counted, when a song cannot write
them.

Files are written here at test time with mido (tests/support/midi_writing.py: 480 ticks
per beat, 4 lines per beat, a line is 120 ticks unless a test says otherwise),
or byte by byte where a test needs running status spelled out.
"""

from __future__ import annotations

import struct
from pathlib import Path

import mido
import pytest

from tests.midi.songnotes import SongNote, song_notes
from tests.support.midi_writing import (
    C4,
    D4,
    E4,
    F4,
    G4,
    KICK,
    LINE,
    SNARE,
    TPB,
    midi_track,
    named,
    note,
    off,
    on,
    write,
)
from tracker.midi.smf.import_ import import_midi
from tracker.song.model import NOTE_OFF


def test_a_type_0_melody_of_quarter_notes_lands_every_four_lines(mid: Path) -> None:
    # C D E F as eighth notes on each beat: four lines apart, each two lines long.
    melody = [note(b * TPB, b * TPB + TPB // 2, p, 90 + b) for b, p in enumerate((C4, D4, E4, F4))]
    write(mid, midi_track(named("Tune"), *melody), file_type=0)

    song, report = import_midi(mid)

    assert song_notes(song) == [
        [SongNote(0, C4, 90, 2), SongNote(4, D4, 91, 2), SongNote(8, E4, 92, 2),
         SongNote(12, F4, 93, 2)]
    ]  # fmt: skip
    assert song.cell("00", 0, 0, 2).note == NOTE_OFF
    assert song.title == "Tune"
    assert report.notes_imported == 4
    assert report.max_shift_lines == 0 and report.max_shift_ms == 0


def test_mido_writes_running_status_so_the_plain_files_here_use_it(tmp_path: Path) -> None:
    # Two note-ons in a row on one channel: the second omits its 0x90 status byte.
    path = write(tmp_path / "rs.mid", midi_track(on(0, C4), on(0, E4)), file_type=0)
    body = path.read_bytes().split(b"MTrk", 1)[1][4:]
    assert body.startswith(bytes([0x00, 0x90, C4, 100, 0x00, E4, 100]))


def test_a_hand_written_file_with_running_status_and_zero_velocity_offs(mid: Path) -> None:
    # One track, every event after the first relies on running status; note-offs are
    # note-ons with velocity 0, the way many hardware sequencers write them.
    events = bytes(
        [0x00, 0x90, C4, 0x50,   # beat 0: C4 on
         0x00, E4, 0x50,         # same tick, running status: E4 on
         0x83, 0x60, C4, 0x00,   # 480 ticks later: C4 off (velocity 0)
         0x00, E4, 0x00,         # E4 off
         0x00, G4, 0x60,         # G4 on
         0x83, 0x60, G4, 0x00,   # beat 2: G4 off
         0x00, 0xFF, 0x2F, 0x00]  # end of track
    )  # fmt: skip
    mid.write_bytes(
        b"MThd" + struct.pack(">LHHH", 6, 0, 1, TPB) + b"MTrk" + struct.pack(">L", len(events))
        + events
    )  # fmt: skip

    song, _ = import_midi(mid)

    assert song_notes(song) == [
        [SongNote(0, C4, 0x50, 4), SongNote(0, E4, 0x50, 4), SongNote(4, G4, 0x60, 4)]
    ]


def test_notes_off_the_grid_move_to_the_nearest_line_and_the_report_says_how_far(
    mid: Path,
) -> None:
    # At 120 bpm a line (a sixteenth) is 125 ms. A note 100 ticks in is 5/6 of a
    # line late of line 0, 1/6 early of line 1: it moves 1/6 line = 20.8 ms.
    # A note exactly half-way between lines 4 and 5 (540 ticks) rounds later.
    write(mid, midi_track(note(100, 340, C4), note(540, 900, E4)), file_type=0)

    song, report = import_midi(mid)

    assert [(n.line, n.pitch) for n in song_notes(song)[0]] == [(1, C4), (5, E4)]
    assert report.max_shift_lines == pytest.approx(0.5)
    assert report.mean_shift_lines == pytest.approx((1 / 6 + 0.5) / 2)
    assert report.max_shift_ms == pytest.approx(62.5)
    assert report.mean_shift_ms == pytest.approx((125 / 6 + 62.5) / 2)


def test_a_finer_grid_keeps_what_a_coarse_one_rounds(mid: Path) -> None:
    # Sixteenth-note triplets fall between the lines of a 4-lpb grid, but exactly on 12 lpb.
    triplet = TPB // 6
    write(mid, midi_track(*[note(i * triplet, (i + 1) * triplet, C4 + i) for i in range(6)]))

    coarse, coarse_report = import_midi(mid, lpb=4)
    fine, fine_report = import_midi(mid, lpb=12)

    assert [n.line for n in song_notes(fine)[0]] == [0, 2, 4, 6, 8, 10]
    assert fine_report.max_shift_lines == 0
    assert coarse_report.max_shift_lines > 0
    assert len(song_notes(coarse)[0]) == 6, "no note is lost to rounding"


def test_a_note_shorter_than_a_line_keeps_one_line_and_is_counted(mid: Path) -> None:
    write(mid, midi_track(note(0, 10, KICK), note(TPB, TPB + 30, SNARE)))

    song, report = import_midi(mid)

    assert [(n.line, n.length) for n in song_notes(song)[0]] == [(0, 1), (4, 1)]
    assert report.notes_lengthened == 2


def test_a_note_with_no_note_off_ends_with_the_file(mid: Path) -> None:
    end = mido.MetaMessage("end_of_track")
    write(mid, midi_track(on(0, C4), note(0, TPB, E4), (4 * TPB, end)))

    song, report = import_midi(mid)

    assert song_notes(song)[0] == [SongNote(0, C4, 100, 16), SongNote(0, E4, 100, 4)]
    assert report.notes_unended == 1


def test_overlapping_notes_on_one_channel_take_columns_side_by_side(mid: Path) -> None:
    # A held C4 under a legato line D4-E4 that overlaps itself by a sixteenth.
    write(
        mid,
        midi_track(
            note(0, 4 * TPB, C4),
            note(0, TPB + LINE, D4),
            note(TPB, 2 * TPB, E4),
        ),
    )

    song, _ = import_midi(mid)

    assert song.tracks[0].notes == 3
    assert song_notes(song)[0] == [
        SongNote(0, C4, 100, 16),
        SongNote(0, D4, 100, 5),
        SongNote(4, E4, 100, 4),
    ]


def test_a_column_is_reused_once_its_note_has_ended(mid: Path) -> None:
    # Two voices all along: the melody ends exactly where the next one starts, so the
    # next note follows in the same column with no OFF between them.
    write(
        mid,
        midi_track(note(0, 2 * TPB, C4), note(0, TPB, E4), note(TPB, 2 * TPB, G4)),
    )

    song, _ = import_midi(mid)

    assert song.tracks[0].notes == 2
    assert song.cell("00", 0, 1, 0).note == E4
    assert song.cell("00", 0, 1, 4).note == G4
    assert song.cell("00", 0, 1, 8).note == NOTE_OFF


def test_the_same_pitch_struck_again_before_its_off_keeps_both_notes(mid: Path) -> None:
    # C4 on at beat 0, again at beat 1, then two offs: first in, first out.
    write(mid, midi_track(on(0, C4, 80), on(TPB, C4, 110), off(2 * TPB, C4), off(3 * TPB, C4)))

    song, _ = import_midi(mid)

    assert song_notes(song)[0] == [SongNote(0, C4, 80, 8), SongNote(4, C4, 110, 8)]


def test_more_than_twelve_notes_at_once_go_on_in_a_second_track_of_the_part(mid: Path) -> None:
    write(mid, midi_track(*[note(0, TPB, 48 + i) for i in range(14)]))

    song, report = import_midi(mid)

    assert [(t.name, t.notes) for t in song.tracks] == [("Channel 1", 12), ("Channel 1 2", 2)]
    assert report.notes_imported == 14
    assert report.dropped == {}


def test_notes_below_c0_cannot_be_written_and_are_reported(mid: Path) -> None:
    write(mid, midi_track(note(0, TPB, 11), note(0, TPB, 12)))

    song, report = import_midi(mid)

    assert [n.pitch for n in song_notes(song)[0]] == [12]
    assert report.dropped == {"note below C-0 (MIDI notes 0-11 cannot be written)": 1}
