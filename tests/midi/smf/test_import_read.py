"""The import's own reader of track events (#16): it must read exactly what mido reads,
leave to mido every track it does not fully understand, and refuse damaged files in
mido's words. Files are written here with mido, or byte by byte where mido would not
write what a test needs."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from pathlib import Path

import mido
import pytest

from tests.support.midi_writing import TPB, midi_track, write
from tracker.errors import MidiFileError
from tracker.midi.smf.import_ import import_midi
from tracker.midi.smf.import_read import fast_track
from tracker.midi.smf.read import TimedMessage, parse_midi, read_midi

FIELDS = ("type", "channel", "note", "velocity", "control", "value", "program", "pitch")


def _same(ours: Sequence[TimedMessage], theirs: Sequence[TimedMessage]) -> None:
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        assert a[:4] == b[:4]  # tick, is_note, track, position
        if b.message.is_meta:
            assert a.message == b.message
        else:
            assert not a.message.is_meta
            for name in FIELDS:
                assert getattr(a.message, name, None) == getattr(b.message, name, None), name


def _file(*bodies: bytes) -> bytes:
    data = struct.pack(">4sLHHH", b"MThd", 6, 1, len(bodies), TPB)
    for body in bodies:
        data += struct.pack(">4sL", b"MTrk", len(body)) + body
    return data


def test_every_channel_message_and_meta_event_reads_as_mido_reads_it(tmp_path: Path) -> None:
    path = write(
        tmp_path / "all.mid",
        midi_track(
            (0, mido.MetaMessage("track_name", name="Keys")),
            (0, mido.MetaMessage("set_tempo", tempo=500_000)),
            (0, mido.MetaMessage("time_signature", numerator=7, denominator=8)),
            (0, mido.Message("program_change", program=33, channel=3)),
            (0, mido.Message("control_change", control=64, value=127, channel=3)),
            (10, mido.Message("note_on", note=60, velocity=90, channel=3)),
            (10, mido.Message("note_on", note=64, velocity=90, channel=3)),  # running status
            (20, mido.Message("pitchwheel", pitch=-8192, channel=3)),
            (20, mido.Message("pitchwheel", pitch=8191, channel=3)),
            (30, mido.Message("aftertouch", value=40, channel=3)),
            (30, mido.Message("polytouch", note=60, value=50, channel=3)),
            (
                40,
                mido.Message("note_on", note=60, velocity=0, channel=3),
            ),  # an off, as many write it
            (40, mido.Message("note_off", note=64, velocity=30, channel=3)),
            (1 << 20, mido.MetaMessage("text", text="a long way on")),  # a four-byte delta
        ),
    )
    data = path.read_bytes()
    by_mido = parse_midi(data)
    body = data[14 + 8 :]
    ours = fast_track(0, body)
    assert ours is not None
    _same(ours, by_mido.tracks[0])
    _same(read_midi(path, fast_track).tracks[0], by_mido.tracks[0])


def test_a_track_with_system_exclusive_is_left_to_mido(tmp_path: Path) -> None:
    path = write(
        tmp_path / "sysex.mid",
        midi_track(
            (0, mido.Message("sysex", data=[0x7E, 0x7F, 0x09, 0x01])),
            (0, mido.Message("note_on", note=60, velocity=90)),
            (TPB, mido.Message("note_off", note=60)),
        ),
    )
    data = path.read_bytes()
    assert fast_track(0, data[22:]) is None
    _song, report = import_midi(path)
    assert report.notes_imported == 1
    assert report.dropped == {"system exclusive": 1}


@pytest.mark.parametrize(
    "body",
    [
        bytes([0x00, 0x90, 60]),  # ends in the middle of a note
        bytes([0x00, 0x90, 60, 0x90]),  # a data byte above 127
        bytes([0x00, 60, 90]),  # running status with no status before it
        bytes([0x00, 0xFF, 0x51, 0x05, 0x07, 0xA1]),  # a meta event longer than the track
        bytes([0x00, 0xF4, 0x00]),  # a status byte MIDI does not define
    ],
    ids=["truncated", "data byte", "running status", "meta", "undefined status"],
)
def test_a_damaged_track_is_refused_in_the_same_words_as_before(body: bytes) -> None:
    data = _file(body)
    with pytest.raises(MidiFileError) as by_mido:
        parse_midi(data, "x.mid")
    with pytest.raises(MidiFileError) as ours:
        parse_midi(data, "x.mid", fast_track)
    assert str(ours.value) == str(by_mido.value)


def test_an_import_of_100k_notes_keeps_every_note(tmp_path: Path) -> None:
    # Four channels of sixteenth notes, one a line, each ending before the next starts:
    # 25,000 notes a channel, nothing merged, nothing dropped.
    sixteenth = TPB // 4
    tracks = []
    for channel in range(4):
        track = mido.MidiTrack()
        for i in range(25_000):
            pitch = 36 + (i * 7 + channel * 5) % 48
            track.append(
                mido.Message(
                    "note_on",
                    note=pitch,
                    velocity=64 + i % 60,
                    channel=channel,
                    time=0 if i == 0 else sixteenth // 2,
                )
            )
            track.append(mido.Message("note_off", note=pitch, channel=channel, time=sixteenth // 2))
        tracks.append(track)
    path = write(tmp_path / "many.mid", *tracks)

    song, report = import_midi(path)

    assert report.notes_imported == 100_000
    played = sum(
        1
        for name in song.order
        for part in song.patterns[name].tracks
        for column in part.columns
        for cell in column
        if cell.note is not None and cell.note < 128
    )
    assert played == 100_000
    assert not report.dropped
