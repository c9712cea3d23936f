"""Bad MIDI files, met through `tracker import-midi`: a clear line naming the file,
exit 1 (2 for a refusal to overwrite), no traceback, no song file written.

tests/midi/smf/test_import_damaged.py already covers each broken header field and every
truncation of one file through the importer; here the same kinds of damage
reach the user through the command, plus the abuses it does not cover: running
status across meta and sysex events, absurd tempos and delta times, empty and
unterminated tracks, a file with no tracks at all.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from tests.support.command import BAD_INPUT, USAGE, assert_refused, snapshot, tracker
from tracker.errors import MidiFileError
from tracker.midi.smf.import_ import import_midi
from tracker.song.fileformat import dumps, loads
from tracker.song.model import NOTE_OFF
from tracker.song.storage import load_song

TPB = 96
END = b"\x00\xff\x2f\x00"
C4_QUARTER = b"\x00\x90\x3c\x40" + bytes([TPB]) + b"\x80\x3c\x40"
"""Middle C for one beat, note-on then note-off, on channel 1."""


def smf(*tracks: bytes, fmt: int = 1, count: int | None = None, tpb: int = TPB) -> bytes:
    """A file written byte by byte: header, then each track body with its true length."""
    header = struct.pack(">LHHH", 6, fmt, len(tracks) if count is None else count, tpb)
    return b"MThd" + header + b"".join(b"MTrk" + struct.pack(">L", len(t)) + t for t in tracks)


def notes_of(song_path: Path) -> list[tuple[int, int]]:
    """(line, MIDI note) of every note start in the song, in order."""
    song = load_song(song_path)
    found = []
    offset = 0
    for name in song.order:
        pattern = song.patterns[name]
        for part in pattern.tracks:
            for column in part.columns:
                for line, cell in enumerate(column):
                    if cell.note is not None and cell.note != NOTE_OFF and cell.note < 128:
                        found.append((offset + line, cell.note))
        offset += pattern.lines
    return sorted(found)


def imported(tmp_path: Path, data: bytes) -> tuple[Path, str]:
    """Import `data` through the command; returns the song written and stdout."""
    midi = tmp_path / "in.mid"
    midi.write_bytes(data)
    song = tmp_path / "out.toml"
    result = tracker("import-midi", midi, "-o", song)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return song, result.stdout


def refused(tmp_path: Path, data: bytes, *words: str) -> None:
    """Import `data` through the command: refused naming the file, and nothing written."""
    midi = tmp_path / "broken.mid"
    midi.write_bytes(data)
    before = snapshot(tmp_path)
    result = tracker("import-midi", midi, "-o", tmp_path / "song.toml")
    assert_refused(result, BAD_INPUT, f"{midi}: ", *words)
    assert snapshot(tmp_path) == before


# --- refused --------------------------------------------------------------------------------


def test_a_truncated_file_is_refused_and_writes_no_song(tmp_path: Path, midi_file: Path) -> None:
    data = midi_file.read_bytes()
    refused(tmp_path, data[: len(data) // 2], "truncated")


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("longer", ["track 1 says it holds 1000 bytes", "truncated or damaged"]),
        ("shorter", ["not a readable MIDI file"]),
    ],
)
def test_a_track_length_that_lies_is_refused(tmp_path: Path, case: str, words: list[str]) -> None:
    body = C4_QUARTER + END
    length = 1000 if case == "longer" else 5
    data = smf(body)[:18] + struct.pack(">L", length) + body
    refused(tmp_path, data, *words)


def test_data_bytes_with_no_status_at_the_start_of_a_track_are_refused(tmp_path: Path) -> None:
    refused(tmp_path, smf(b"\x00\x3c\x40" + END), "track 1 is damaged")


def test_a_tempo_of_zero_is_refused(tmp_path: Path) -> None:
    refused(tmp_path, smf(b"\x00\xff\x51\x03\x00\x00\x00" + C4_QUARTER + END), "tempo of 0")


def test_a_type_2_file_is_refused_by_name(tmp_path: Path) -> None:
    refused(tmp_path, smf(C4_QUARTER + END, fmt=2), "type 2 files", "not supported")


def test_a_delta_time_of_268_million_beats_is_refused_not_built(tmp_path: Path) -> None:
    """The largest delta a file can hold (0x0FFFFFFF) at 1 tick per beat would be a
    billion lines: refused before any pattern is made."""
    far_off = b"\x00\x90\x3c\x40\xff\xff\xff\x7f\x80\x3c\x40"
    refused(tmp_path, smf(far_off + END, tpb=1), "longer than a song can be")


def test_many_large_deltas_adding_up_past_the_limit_are_refused(tmp_path: Path) -> None:
    step = b"\xff\xff\xff\x7f\xff\x01\x00"  # the largest delta, then an empty text event
    data = smf(b"\x00\x90\x3c\x40" + step * 1000 + b"\x00\x80\x3c\x40" + END, tpb=0x7FFF)
    refused(tmp_path, data, "longer than a song can be")


def test_a_sysex_claiming_256_megabytes_is_refused(tmp_path: Path) -> None:
    refused(tmp_path, smf(b"\x00\xf0\xff\xff\xff\x7f" + END), "track 1 is damaged")


def test_an_event_cut_off_by_the_end_of_its_track_is_refused(tmp_path: Path) -> None:
    refused(tmp_path, smf(C4_QUARTER + b"\x00\x90\x3c"), "ends in the middle of an event")


def test_a_header_promising_65535_tracks_is_refused(tmp_path: Path) -> None:
    refused(tmp_path, smf(C4_QUARTER + END, count=65535), "promises 65535 tracks")


def test_a_pipe_nobody_writes_to_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.mid"
    os.mkfifo(fifo)
    result = tracker("import-midi", fifo, "-o", tmp_path / "song.toml", timeout=20)
    assert_refused(result, BAD_INPUT, f"{fifo}: not a MIDI file")
    assert not (tmp_path / "song.toml").exists()


def test_a_missing_file_and_a_folder_are_named(tmp_path: Path) -> None:
    for path in (tmp_path / "nowhere.mid", tmp_path):
        result = tracker("import-midi", path, "-o", tmp_path / "song.toml")
        assert_refused(result, BAD_INPUT, f"{path}: cannot read the MIDI file")
    assert not (tmp_path / "song.toml").exists()


def test_an_existing_song_is_not_overwritten_without_force(tmp_path: Path, midi_file: Path) -> None:
    song = tmp_path / "keep.toml"
    song.write_text("my work\n")
    before = snapshot(tmp_path)
    result = tracker("import-midi", midi_file, "-o", song)
    assert_refused(result, USAGE, f"{song} already exists", "--force")
    assert snapshot(tmp_path) == before


def test_force_replaces_the_song_and_keeps_the_old_one_as_backup(
    tmp_path: Path, midi_file: Path
) -> None:
    song = tmp_path / "keep.toml"
    song.write_text("my work\n")
    result = tracker("import-midi", midi_file, "-o", song, "--force")
    assert result.returncode == 0, result.stderr
    assert load_song(song).title == "Hostile"
    assert (tmp_path / "keep.toml~").read_text() == "my work\n"


def test_importing_into_a_folder_that_does_not_exist_writes_nothing(
    tmp_path: Path, midi_file: Path
) -> None:
    before = snapshot(tmp_path)
    result = tracker("import-midi", midi_file, "-o", tmp_path / "no" / "such" / "song.toml")
    assert_refused(result, BAD_INPUT, "could not save", "the folder does not exist")
    assert snapshot(tmp_path) == before


# --- accepted, and what they mean ---------------------------------------------------------------


def test_running_status_carries_across_a_meta_event(tmp_path: Path) -> None:
    """The standard says meta events cancel running status; real files (and mido)
    carry it on. Lenient is right for a reader: the data bytes after the text event
    are the note-off of the C the file started (velocity 0 under status 0x90)."""
    events = b"\x00\x90\x3c\x40\x00\xff\x01\x01a" + bytes([TPB]) + b"\x3c\x00" + END
    song, stdout = imported(tmp_path, smf(events))
    assert notes_of(song) == [(0, 60)]
    assert "without a note-off" not in stdout
    assert "left out: 1 x text" in stdout


def test_data_bytes_after_a_sysex_do_not_become_notes(tmp_path: Path) -> None:
    """After a sysex there is no channel status to run on: the stray bytes must not
    turn into a note; the C already started is kept and ended with the file."""
    events = b"\x00\x90\x3c\x40\x00\xf0\x02\x7e\xf7" + bytes([TPB]) + b"\x3c\x00" + END
    song, stdout = imported(tmp_path, smf(events))
    assert notes_of(song) == [(0, 60)]
    assert "system exclusive" in stdout


@pytest.mark.parametrize(
    ("tempo", "bpm", "said"),
    [
        (b"\xff\xff\xff", 4.0, "tempo 3.576 bpm at line 0 written as 4"),
        (b"\x00\x00\x01", 999.0, "tempo 60000000.000 bpm at line 0 written as 999"),
    ],
)
def test_absurd_tempos_are_clamped_and_reported(
    tmp_path: Path, tempo: bytes, bpm: float, said: str
) -> None:
    song, stdout = imported(tmp_path, smf(b"\x00\xff\x51\x03" + tempo + C4_QUARTER + END))
    assert load_song(song).bpm == bpm
    assert said in stdout


def test_a_zero_length_track_among_real_ones_is_silence(tmp_path: Path) -> None:
    song, _ = imported(tmp_path, smf(b"", C4_QUARTER + END))
    assert notes_of(song) == [(0, 60)]


def test_a_file_with_no_tracks_imports_as_an_empty_song_and_says_so(tmp_path: Path) -> None:
    song, stdout = imported(tmp_path, smf())
    assert notes_of(song) == []
    assert "0 notes imported" in stdout


def test_a_track_without_end_of_track_still_imports_its_notes(tmp_path: Path) -> None:
    song, _ = imported(tmp_path, smf(C4_QUARTER + b"\x00\x90\x40\x40" + bytes([TPB]) + b"\x40\x00"))
    assert notes_of(song) == [(0, 60), (4, 64)]


@pytest.mark.parametrize(
    "name",
    [b"\xff\xfe\x00\x01\x02", b"a\nb", b'a"b', b"a\x7fb", b"   ", b"\xed\xa0\x80", b"A" * 128],
    ids=["binary", "newline", "quote", "delete", "blank", "surrogate", "long"],
)
def test_a_strange_track_name_still_gives_a_song_that_saves_and_loads(
    tmp_path: Path, name: bytes
) -> None:
    meta = b"\x00\xff\x03" + bytes([len(name)]) if len(name) < 128 else b"\x00\xff\x03\x81\x00"
    song, _ = imported(tmp_path, smf(meta + name + C4_QUARTER + END))
    loaded = load_song(song)
    assert loads(dumps(loaded)) == loaded


def test_every_truncation_of_a_real_file_is_a_midi_file_error(
    tmp_path: Path, midi_file: Path
) -> None:
    data = midi_file.read_bytes()
    cut = tmp_path / "cut.mid"
    for length in range(len(data) - 1):
        cut.write_bytes(data[:length])
        with pytest.raises(MidiFileError) as caught:
            import_midi(cut)
        assert str(cut) in str(caught.value)
