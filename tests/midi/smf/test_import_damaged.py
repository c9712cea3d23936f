"""MIDI import of damaged and unusual files: every truncation, each broken header or
event, a missing file, absurd distances and random damage are a MidiFileError naming
the file (never another exception; what still imports is a song that saves and loads
unchanged); odd but valid files (an empty track, an unknown chunk, a RIFF wrapper, a
Latin-1 name) read as written.

Files are written here at test time with mido (tests/support/midi_writing.py: 480 ticks
per beat, 4 lines per beat, a line is 120 ticks unless a test says otherwise),
and damaged byte by byte.
"""

from __future__ import annotations

import struct
import tempfile
from pathlib import Path

import mido
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.midi_writing import (
    C4,
    E4,
    KICK,
    SNARE,
    TPB,
    cc,
    midi_track,
    named,
    note,
    program,
    tempo,
    write,
)
from tracker.errors import MidiFileError
from tracker.midi.smf.import_ import import_midi
from tracker.song.fileformat import dumps, loads


def valid_file(tmp_path: Path) -> bytes:
    """A small honest type 1 file: conductor plus two instrument tracks."""
    path = write(
        tmp_path / "valid.mid",
        midi_track(named("Song"), tempo(0, 120), tempo(4 * TPB, 100)),
        midi_track(named("Keys"), program(0, 4), note(0, TPB, C4), note(TPB, 2 * TPB, E4),
                   cc(0, 7, 100)),
        midi_track(named("Drums"), note(0, 60, KICK, 120, 9), note(TPB, TPB + 60, SNARE, 110, 9)),
    )  # fmt: skip
    return path.read_bytes()


def _valid_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return valid_file(Path(folder))


_VALID = _valid_bytes()


def test_the_valid_file_used_below_imports(tmp_path: Path) -> None:
    path = tmp_path / "v.mid"
    path.write_bytes(valid_file(tmp_path))
    _, report = import_midi(path)
    assert report.notes_imported == 4


def test_every_truncation_of_a_valid_file_is_a_midi_file_error(tmp_path: Path) -> None:
    data = valid_file(tmp_path)
    path = tmp_path / "cut.mid"
    for length in range(len(data)):
        path.write_bytes(data[:length])
        with pytest.raises(MidiFileError):
            import_midi(path)


def _broken_files(data: bytes) -> dict[str, tuple[bytes, str]]:
    """Each broken in one way, with the words its error must contain."""
    first_track = data.index(b"MTrk")
    second_track = data.index(b"MTrk", first_track + 1)
    length = struct.unpack_from(">L", data, second_track + 4)[0]

    def track_length(new: int) -> bytes:
        return data[: second_track + 4] + struct.pack(">L", new) + data[second_track + 8 :]

    def header(fmt: int, tracks: int, division: int) -> bytes:
        return data[:8] + struct.pack(">HHH", fmt, tracks, division) + data[14:]

    return {
        "empty": (b"", "empty"),
        "garbage": (b"this is not a MIDI file at all, just words", "MThd"),
        "a wav file": (b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(30), "MThd"),
        "track longer than the file": (track_length(length + 1000), "truncated"),
        "track shorter than its events": (track_length(length - 5), "not a readable"),
        "track length zero, events left over": (track_length(0), "not a readable"),
        "header chunk too short": (b"MThd\x00\x00\x00\x02\x00\x01" + data[14:], "header"),
        "more tracks promised than present": (header(1, 9, TPB), "promises 9 tracks"),
        "zero ticks per beat": (header(1, 3, 0), "0 ticks per beat"),
        "SMPTE timing": (header(1, 3, 0xE728), "SMPTE"),
        "type 2": (header(2, 3, TPB), "type 2"),
        "type 7": (header(7, 3, TPB), "unknown file type 7"),
        "undefined status byte": (_one_track(bytes([0, 0xF4, 0, 0xFF, 0x2F, 0])), "damaged"),
        "data byte above 127": (_one_track(bytes([0, 0x90, 0x80, 0x40])), "damaged"),
        "running status with no status": (_one_track(bytes([0, 0x40, 0x40])), "damaged"),
        "meta event longer than the track": (_one_track(bytes([0, 0xFF, 0x01, 0x7F, 65])), "middle"),
        "tempo event with one byte": (_one_track(bytes([0, 0xFF, 0x51, 0x01, 7])), "damaged"),
        "endless variable-length delta": (_one_track(bytes([0xFF] * 12)), "middle"),
        "key signature out of range": (
            _one_track(bytes([0, 0xFF, 0x59, 0x02, 0x40, 0x00])), "damaged",
        ),
    }  # fmt: skip


def _one_track(events: bytes) -> bytes:
    return (
        b"MThd" + struct.pack(">LHHH", 6, 0, 1, TPB) + b"MTrk" + struct.pack(">L", len(events))
        + events
    )  # fmt: skip


@pytest.mark.parametrize(
    "case",
    list(_broken_files(_VALID)),
)
def test_a_broken_file_is_a_midi_file_error_that_names_the_file(case: str, tmp_path: Path) -> None:
    data, words = _broken_files(valid_file(tmp_path))[case]
    path = tmp_path / "broken.mid"
    path.write_bytes(data)

    with pytest.raises(MidiFileError) as caught:
        import_midi(path)

    assert str(path) in str(caught.value)
    assert words in str(caught.value)


def test_a_missing_file_or_a_folder_is_a_midi_file_error(tmp_path: Path) -> None:
    with pytest.raises(MidiFileError, match="cannot read"):
        import_midi(tmp_path / "nowhere.mid")
    with pytest.raises(MidiFileError, match="cannot read"):
        import_midi(tmp_path)


def test_an_empty_track_among_real_ones_is_read_as_silence(tmp_path: Path) -> None:
    # A zero-length MTrk chunk is odd (no end-of-track event) but harmless: the
    # music in the other tracks is all there.
    data = valid_file(tmp_path)
    second_track = data.index(b"MTrk", data.index(b"MTrk") + 1)
    padded = data[:second_track] + b"MTrk\x00\x00\x00\x00" + data[second_track:]
    padded = padded[:10] + struct.pack(">H", 4) + padded[12:]
    path = tmp_path / "empty-track.mid"
    path.write_bytes(padded)

    song, report = import_midi(path, tracks_by="track")

    assert report.notes_imported == 4
    assert [t.name for t in song.tracks] == ["Keys", "Drums"]


def test_unknown_chunks_between_tracks_are_skipped_as_the_standard_says(tmp_path: Path) -> None:
    data = valid_file(tmp_path)
    second_track = data.index(b"MTrk", data.index(b"MTrk") + 1)
    alien = b"XFIH" + struct.pack(">L", 5) + b"hello"
    path = tmp_path / "alien.mid"
    path.write_bytes(data[:second_track] + alien + data[second_track:])

    _, report = import_midi(path)

    assert report.notes_imported == 4


def test_notes_absurdly_far_away_are_refused_not_built(mid: Path) -> None:
    # A delta of 2^28 - 1 ticks at 1 tick per beat: 268 million beats in.
    write(mid, midi_track(note(0x0FFFFFFF, 0x0FFFFFFF + 1, C4)), tpb=1)

    with pytest.raises(MidiFileError, match="longer than a song can be"):
        import_midi(mid)


_MUTATION = st.tuples(
    st.sampled_from(["flip", "insert", "delete", "overwrite"]),
    st.integers(min_value=0),
    st.binary(min_size=1, max_size=4),
)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(mutations=st.lists(_MUTATION, min_size=1, max_size=4))
def test_mutated_bytes_never_raise_anything_but_midi_file_error_and_import_as_valid_songs(
    tmp_path: Path, mutations: list[tuple[str, int, bytes]]
) -> None:
    data = bytearray(_VALID)
    for kind, where, payload in mutations:
        at = where % (len(data) + 1)
        if kind == "flip" and at < len(data):
            data[at] ^= payload[0]
        elif kind == "insert":
            data[at:at] = payload
        elif kind == "delete":
            del data[at : at + len(payload)]
        else:
            data[at : at + len(payload)] = payload
    path = tmp_path / "mutated.mid"
    path.write_bytes(bytes(data))
    try:
        song, _ = import_midi(path)
    except MidiFileError:
        return
    # What does import is a song the tracker can save and load again unchanged.
    assert loads(dumps(song)) == song


def test_a_latin_1_track_name_from_an_older_file_reads_as_written(mid: Path) -> None:
    track = midi_track(named("Señal"), note(0, TPB, C4))
    midi = mido.MidiFile(type=1, ticks_per_beat=TPB, charset="latin-1")
    midi.tracks.append(track)
    midi.save(mid)
    assert "Señal".encode("latin-1") in mid.read_bytes()

    song, _ = import_midi(mid, tracks_by="track")

    assert song.tracks[0].name == "Señal"


def test_a_riff_midi_file_is_read_through_its_wrapper(tmp_path: Path) -> None:
    # .rmi: RIFF, size, "RMID", then a "data" chunk holding the plain MIDI file.
    body = b"RMID" + b"data" + struct.pack("<L", len(_VALID)) + _VALID
    path = tmp_path / "wrapped.rmi"
    path.write_bytes(b"RIFF" + struct.pack("<L", len(body)) + body)

    _, report = import_midi(path)

    assert report.notes_imported == 4
