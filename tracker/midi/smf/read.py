"""Read a Standard MIDI File defensively: every way a file can be broken ends in
one MidiFileError that names the file and says what is wrong.

mido parses the events, but it trusts the chunk lengths: a track whose length is
too short makes it read on into the next chunk, and it does not skip the
unknown chunks the standard allows. So the chunk layout is checked here first,
and each track is handed to mido on its own, so no event can straddle two
tracks unnoticed.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import mido

from tracker.errors import MidiFileError
from tracker.files import NotAFileError, read_regular, reason

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Larger than any real song file; refusing early keeps a stray path from eating memory."""

_HEADER = struct.Struct(">4sL")
_Fail = Callable[[str], MidiFileError]


NOTE_KINDS = ("note_on", "note_off")


class TimedMessage(NamedTuple):
    """A mido message at its absolute tick, with the place it came from. A tuple: a big
    file has millions of them (import_read.py), and a frozen dataclass is built several
    times slower. Its fields are in the import's play order, so sorting the messages
    merges the tracks with no key of their own (tick, track, position are unique: the
    message is never compared)."""

    tick: int
    is_note: bool
    """A note-on or note-off: at one tick these go after the rest (a program change first)."""
    track: int
    position: int
    """Position within its track: keeps file order among messages of one tick."""
    message: Any
    """A mido Message or MetaMessage."""


FastReader = Callable[[int, bytes], "Sequence[TimedMessage] | None"]
"""A quicker reader of one track's body (its number, its bytes), None to leave it to mido."""


@dataclass
class MidiData:
    format: int
    ticks_per_beat: int
    tracks: list[Sequence[TimedMessage]]
    """Each track's messages, in file order (a list, or a fast reader's packed track)."""

    @property
    def end_tick(self) -> int:
        """Where the longest track ends (its end-of-track event)."""
        return max((track[-1].tick for track in self.tracks if track), default=0)


def read_midi(path: str | Path, fast: FastReader | None = None) -> MidiData:
    """Parse the file at `path`, or raise MidiFileError. `fast` may read a track first
    (None: it leaves that track to mido)."""
    try:
        # Files only: a pipe would wait forever for a writer, a device may never end.
        data = read_regular(path, MAX_FILE_BYTES + 1)
    except NotAFileError as error:
        if error.kind == "a folder":
            raise MidiFileError(f"{path}: cannot read the MIDI file ({reason(error)})") from None
        raise MidiFileError(f"{path}: not a MIDI file: {reason(error)}") from None
    except OSError as error:
        raise MidiFileError(f"{path}: cannot read the MIDI file ({reason(error)})") from None
    return parse_midi(data, path, fast)


def parse_midi(
    data: bytes, path: str | Path = "<bytes>", fast: FastReader | None = None
) -> MidiData:
    """Parse the bytes of a whole MIDI file, or raise MidiFileError naming `path`."""

    def fail(reason: str) -> MidiFileError:
        return MidiFileError(f"{path}: not a readable MIDI file: {reason}")

    if not data:
        raise fail("the file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise fail(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    data = _unwrap_rmid(data)
    if not data.startswith(b"MThd"):
        raise fail('it does not start with "MThd" (is it a MIDI file?)')
    chunks = _chunks(data, fail)
    header = chunks[0][1]
    if len(header) < 6:
        raise fail(f"the header chunk holds {len(header)} bytes, expected 6")
    file_format, track_count, division = struct.unpack(">HHH", header[:6])
    if file_format == 2:
        raise fail("type 2 files (independent sequences) are not supported, only types 0 and 1")
    if file_format > 2:
        raise fail(f"unknown file type {file_format} (expected 0 or 1)")
    if division & 0x8000:
        raise fail("SMPTE time code timing is not supported, only ticks per beat")
    if division == 0:
        raise fail("the header says 0 ticks per beat")
    track_chunks = [body for name, body in chunks[1:] if name == b"MTrk"]
    if len(track_chunks) < track_count:
        raise fail(
            f"the header promises {track_count} tracks but the file holds {len(track_chunks)}"
            " (is it truncated?)"
        )
    tracks = [
        (fast and fast(number, body)) or _parse_track(number, body, division, fail)
        for number, body in enumerate(track_chunks[:track_count])
    ]
    return MidiData(format=file_format, ticks_per_beat=division, tracks=tracks)


def _unwrap_rmid(data: bytes) -> bytes:
    """A RIFF MIDI file (.rmi) carries a plain MIDI file in its "data" chunk."""
    if data[:4] != b"RIFF" or data[8:12] != b"RMID":
        return data
    position = 12
    while position + 8 <= len(data):
        name, length = struct.unpack_from("<4sL", data, position)
        if name == b"data":
            return data[position + 8 : position + 8 + length]
        position += 8 + length + (length & 1)
    return data


def _chunks(data: bytes, fail: _Fail) -> list[tuple[bytes, bytes]]:
    """Split the file into (name, body) chunks, checking every length against the file."""
    chunks: list[tuple[bytes, bytes]] = []
    position = 0
    while position < len(data):
        remaining = len(data) - position
        if remaining < _HEADER.size:
            if chunks:
                break  # a few stray bytes after the last chunk: padding some writers add
            raise fail(f"the file is only {len(data)} bytes long, too short for a header")
        name, length = _HEADER.unpack_from(data, position)
        body_start = position + _HEADER.size
        if body_start + length > len(data):
            tracks_before = sum(1 for chunk_name, _ in chunks if chunk_name == b"MTrk")
            if not chunks:
                what = "header"
            elif name == b"MTrk":
                what = f"track {tracks_before + 1}"
            else:
                what = f"chunk after track {tracks_before}"
            raise fail(
                f"the {what} says it holds {length} bytes but only {len(data) - body_start}"
                " follow (the file is truncated or damaged)"
            )
        chunks.append((name, data[body_start : body_start + length]))
        position = body_start + length
    return chunks


def _parse_track(number: int, body: bytes, division: int, fail: _Fail) -> list[TimedMessage]:
    """One MTrk chunk -> its messages at absolute ticks, parsed by mido in isolation."""
    single = struct.pack(">4sLHHH", b"MThd", 6, 0, 1, division)
    single += _HEADER.pack(b"MTrk", len(body)) + body
    try:
        midi = mido.MidiFile(file=io.BytesIO(single))
    except EOFError:
        raise fail(f"track {number + 1} ends in the middle of an event") from None
    except Exception as error:  # noqa: BLE001 - mido raises OSError, ValueError, KeyError, ... for bad bytes
        raise fail(f"track {number + 1} is damaged ({error or type(error).__name__})") from None
    tick = 0
    messages: list[TimedMessage] = []
    for index, message in enumerate(midi.tracks[0]):
        tick += message.time
        is_note = message.type in NOTE_KINDS
        messages.append(TimedMessage(tick, is_note, number, index, message))
    return messages
