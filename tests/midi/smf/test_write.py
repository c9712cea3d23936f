"""The SMF writer (tracker/midi/smf/write.py) writes the bytes mido writes for the same
messages: export-midi's files did not change when it stopped going through mido."""

from __future__ import annotations

import io
from pathlib import Path

import mido
import pytest

from tracker.engine.timeline import compile_song
from tracker.instruments import cc_lane_for
from tracker.midi.smf.export import timeline_to_bytes
from tracker.midi.smf.write import (
    END_OF_TRACK,
    SET_TEMPO,
    TRACK_NAME,
    TrackWriter,
    header,
    variable_length,
)
from tracker.song.storage import load_song

SONGS = sorted((Path(__file__).parents[3] / "songs").glob("*.toml"))


def mido_bytes(midi: mido.MidiFile) -> bytes:
    out = io.BytesIO()
    midi.save(file=out)
    return out.getvalue()


@pytest.mark.parametrize("value", [0, 1, 0x7F, 0x80, 0x2000, 0x3FFF, 0x4000, 0x1FFFFF, 0x0FFFFFFF])
def test_a_delta_time_is_written_as_mido_writes_it(value: int) -> None:
    assert variable_length(value) == bytes(mido.midifiles.meta.encode_variable_int(value))


@pytest.mark.parametrize("value", [-1, 0x10000000])
def test_a_delta_time_the_standard_cannot_say_is_refused(value: int) -> None:
    with pytest.raises(ValueError, match="variable-length"):
        variable_length(value)


def test_a_track_with_running_status_metas_and_long_gaps_matches_mido() -> None:
    # Notes on one channel share a status byte; a meta event in between, a program
    # change and a bend on another channel break the run; gaps of one to four bytes.
    metas = {
        0: (TRACK_NAME, "Basse ä".encode(), mido.MetaMessage("track_name", name="Basse ä")),
        5: (SET_TEMPO, (400000).to_bytes(3, "big"), mido.MetaMessage("set_tempo", tempo=400000)),
    }
    notes = [
        (0, b"\x90\x3c\x64", mido.Message("note_on", note=60, velocity=100)),
        (0, b"\x90\x40\x64", mido.Message("note_on", note=64, velocity=100)),
        (200, b"\x80\x3c\x40", mido.Message("note_off", note=60, velocity=64)),
        (0, b"\x80\x40\x40", mido.Message("note_off", note=64, velocity=64)),
        (20000, None, None),
        (0, b"\x80\x41\x40", mido.Message("note_off", note=65, velocity=64)),
        (5, b"\xc3\x05", mido.Message("program_change", channel=3, program=5)),
        (0, b"\xe3\x00\x40", mido.Message("pitchwheel", channel=3, pitch=0)),
        (3_000_000, b"\xe3\x7f\x7f", mido.Message("pitchwheel", channel=3, pitch=8191)),
    ]
    ours = TrackWriter()
    theirs = mido.MidiTrack()
    kind, payload, message = metas[0]
    ours.meta(0, kind, payload)
    theirs.append(message)
    for delta, data, note in notes:
        if data is None or note is None:
            kind, payload, message = metas[5]
            ours.meta(delta, kind, payload)
            theirs.append(message.copy(time=delta))
            continue
        ours.channel(delta, data)
        theirs.append(note.copy(time=delta))
    ours.meta(7, END_OF_TRACK, b"")
    theirs.append(mido.MetaMessage("end_of_track", time=7))
    expected = mido.MidiFile(type=1, ticks_per_beat=480, charset="utf-8")
    expected.tracks.append(theirs)
    assert header(1, 1, 480) + ours.chunk() == mido_bytes(expected)


@pytest.mark.parametrize("path", SONGS, ids=lambda p: p.stem)
def test_an_exported_song_is_the_file_mido_writes_back_after_reading_it(path: Path) -> None:
    song = load_song(path)
    data = timeline_to_bytes(compile_song(song, cc_resolver=cc_lane_for), song)
    read = mido.MidiFile(file=io.BytesIO(data), charset="utf-8")
    assert len(read.tracks) == len(song.tracks) + 1
    assert any(m.type == "note_on" for track in read.tracks for m in track)
    assert mido_bytes(read) == data
