"""The sounding-note tracker: every note it saw start gets its own note-off."""

from __future__ import annotations

from tracker.midi.encode import control, note_off, note_on, panic_messages
from tracker.midi.notes import SoundingNotes


def test_flush_ends_each_sounding_note_then_sends_all_notes_off_per_channel() -> None:
    notes = SoundingNotes()
    notes.observe("synth", note_on(0, 60, 100), track=0)
    notes.observe("synth", note_on(0, 64, 100), track=0)
    notes.observe("synth", note_off(0, 60), track=0)  # C-4 ended on its own
    notes.observe("drums", note_on(9, 36, 127), track=1)
    flushed = notes.flush()
    assert flushed == [
        ("drums", note_off(9, 36)),
        ("synth", note_off(0, 64)),
        ("drums", control(9, 123, 0)),
        ("synth", control(0, 123, 0)),
    ]
    assert len(notes) == 0
    assert notes.flush() == []  # nothing owed twice


def test_a_note_on_with_velocity_zero_is_a_note_off() -> None:
    notes = SoundingNotes()
    notes.observe("p", note_on(2, 48, 90))
    assert notes.observe("p", bytes((0x92, 48, 0)))
    assert len(notes) == 0


def test_an_off_for_a_note_already_flushed_is_not_owed() -> None:
    notes = SoundingNotes()
    notes.observe("p", note_on(0, 60, 100))
    notes.flush()
    assert not notes.observe("p", note_off(0, 60))


def test_muting_a_track_ends_only_its_notes_without_silencing_shared_channels() -> None:
    notes = SoundingNotes()
    notes.observe("p", note_on(0, 60, 100), track=0)
    notes.observe("p", note_on(0, 67, 100), track=1)  # same channel, another track
    assert notes.flush(track=0) == [("p", note_off(0, 60))]
    assert notes.sounding() == [("p", 0, 67)]


def test_a_vanished_port_is_forgotten() -> None:
    notes = SoundingNotes()
    notes.observe("gone", note_on(0, 60, 100))
    notes.observe("here", note_on(1, 62, 100))
    notes.forget_port("gone")
    assert notes.flush() == [("here", note_off(1, 62)), ("here", control(1, 123, 0))]


def test_panic_covers_all_sixteen_channels_with_cc_123_and_120() -> None:
    messages = panic_messages()
    assert len(messages) == 32
    assert {(m[0] & 0x0F, m[1]) for m in messages} == {
        (ch, cc) for ch in range(16) for cc in (123, 120)
    }
    assert all(m[0] & 0xF0 == 0xB0 and m[2] == 0 for m in messages)
