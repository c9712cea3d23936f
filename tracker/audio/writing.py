"""Writing a bounce's files into its staging folder (tracker.audio.staging): the audio
encoded in memory and written by us, so a full disk says which error it was, and each
stem's MIDI file through the CLI's writer.

Every audio file says what it is: the song's title as its title tag (RIFF INFO in a
WAV, a Vorbis comment in a FLAC, both through libsndfile), and a WAV carries a
Broadcast Wave `bext` chunk (EBU Tech 3285 version 2): the title and the part in
its description, tracker as originator, when it was made, and time reference 0,
so a DAW that spots files by their time stamp places every stem at the session's
start. libsndfile writes no `bext` through soundfile, so we put the chunk into the
encoded RIFF ourselves.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import struct
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from tracker.audio.staging import Staging
from tracker.audio.synth import Frames
from tracker.engine.events import Timeline
from tracker.errors import AudioError, SaveError, UsageError
from tracker.files import reason
from tracker.song.model import Song

FORMATS = {"wav": "WAV", "flac": "FLAC"}
SUBTYPES = {"16": "PCM_16", "24": "PCM_24", "float": "FLOAT"}
RATES = (44100, 48000)

ORIGINATOR = "tracker"
BEXT_VERSION = 2
"""EBU Tech 3285 version 2: loudness fields, left unset (0x7FFF) as the standard asks."""
_BEXT_TEXT = ((256, "description"), (32, "originator"), (32, "reference"))
_UNSET_LOUDNESS = 0x7FFF
_WORD_LENGTH = {"PCM_16": 16, "PCM_24": 24, "FLOAT": 32}


@dataclass(frozen=True)
class Tag:
    """What an audio file says about itself: the song's title and the part it holds
    ("mix", or the track's name), made `when` (None: at the write)."""

    title: str
    part: str
    when: datetime | None = field(default=None, compare=False)

    @property
    def description(self) -> str:
        return f"{self.title}: {self.part}"


MidiWriter = Callable[[Timeline, Song, int, Path], None]
"""Writes one track (its timeline, the song, the track's index, the path) as a
Standard MIDI File. The CLI passes one built on tracker.midi.smf.export_timeline:
audio/ may not import midi/ (they are sibling layers)."""


def check_format(fmt: str, rate: int, bits: int | str) -> tuple[str, str]:
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} (expected wav or flac)")
    if rate not in RATES:
        raise UsageError(f"unsupported sample rate {rate} (expected 44100 or 48000)")
    subtype = SUBTYPES.get(str(bits).lower())
    if subtype is None:
        raise UsageError(f"unsupported bit depth {bits!r} (expected 16, 24 or float)")
    if fmt == "flac" and subtype == "FLOAT":
        raise UsageError("FLAC stores whole-number samples only: use --bits 16 or 24")
    return fmt, subtype


def write(
    staging: Staging,
    final: Path,
    audio: Frames,
    rate: int,
    fmt: str,
    subtype: str,
    warnings: list[str],
    tag: Tag | None = None,
) -> None:
    """A whole signal as one file (AudioWriter, in one piece)."""
    writer = AudioWriter(
        staging, final, rate, fmt, subtype, tag, audio.shape[1] if audio.ndim == 2 else 1
    )
    writer.write(audio)
    writer.close(warnings)


class AudioWriter:
    """One audio file of the set, written block by block as the render makes them:
    memory stays one block however long the song. With a `tag` the file carries the
    title, and a WAV its `bext` chunk, ahead of `fmt ` (libsndfile writes it through a
    file that shifts all but the RIFF header past the chunk: the bytes are those of
    the whole file encoded at once and the chunk put in). Samples at or over full
    scale are clipped in an integer file (a warning at `close` says by how much)."""

    def __init__(
        self,
        staging: Staging,
        final: Path,
        rate: int,
        fmt: str,
        subtype: str,
        tag: Tag | None = None,
        channels: int = 2,
    ) -> None:
        import soundfile

        self.final = final
        self.subtype = subtype
        self.peak = 0.0
        chunk = (
            bext_chunk(tag, rate, _WORD_LENGTH[subtype], channels) if tag and fmt == "wav" else b""
        )
        try:
            self.raw = open(staging.temp_for(final), "x+b")  # noqa: SIM115 (closed in close())
            self.sound = soundfile.SoundFile(
                _Shifted(self.raw, chunk), "w", rate, channels, subtype=subtype, format=FORMATS[fmt]
            )
            if tag is not None:
                self.sound.title = tag.title  # before the audio: FLAC writes its comments first
        except soundfile.LibsndfileError as error:
            raise AudioError(f"cannot write {final}: {error}") from error
        except OSError as error:
            raise AudioError(f"cannot write {final}: {reason(error)}") from None

    def write(self, block: Frames) -> None:
        if not block.size:
            return
        peak = float(np.max(np.abs(block)))
        self.peak = max(self.peak, peak)
        if peak >= 1.0 and self.subtype != "FLOAT":
            block = np.clip(block, -1.0, 1.0)
        try:
            self.sound.write(block)
        except OSError as error:
            raise AudioError(f"cannot write {self.final}: {reason(error)}") from None

    def close(self, warnings: list[str]) -> None:
        """End the file (its header then says its length), flushed to the disk."""
        try:
            self.sound.close()
            self.raw.flush()
            os.fsync(self.raw.fileno())
            self.raw.close()
        except OSError as error:
            raise AudioError(f"cannot write {self.final}: {reason(error)}") from None
        if self.peak >= 1.0:
            level = 20 * math.log10(self.peak)
            if self.subtype == "FLOAT":
                warnings.append(
                    f"{self.final.name} peaks at {level:+.1f} dBFS (kept in the float file)"
                )
            else:
                warnings.append(f"{self.final.name} clipped: it peaks at {level:+.1f} dBFS")

    def abandon(self) -> None:
        """Close without caring (the staging folder goes, and the file with it)."""
        with contextlib.suppress(Exception):
            self.sound.close()
        self.raw.close()


class _Shifted:
    """The file libsndfile writes, with `chunk` put in after the 12-byte RIFF header:
    libsndfile reads and writes it as if the chunk were not there, and the RIFF size
    it writes grows by the chunk's (with_chunk's layout, streamed)."""

    HEADER = 12

    def __init__(self, raw: io.BufferedRandom, chunk: bytes) -> None:
        self.raw = raw
        self.chunk = chunk
        self.pos = 0
        self.length = 0
        self.header = bytearray(self.HEADER)
        if chunk:
            raw.seek(self.HEADER)
            raw.write(chunk)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.length}[whence]
        self.pos = base + offset
        return self.pos

    def tell(self) -> int:
        return self.pos

    def write(self, data: Any) -> int:  # a cffi buffer
        view = memoryview(data).cast("B")
        count = len(view)
        if self.chunk and self.pos < self.HEADER:
            head = min(count, self.HEADER - self.pos)
            self.header[self.pos : self.pos + head] = view[:head]
            size = struct.unpack("<I", self.header[4:8])[0] + len(self.chunk)
            self.raw.seek(0)
            self.raw.write(bytes(self.header[:4]) + struct.pack("<I", size & 0xFFFFFFFF))
            self.raw.write(bytes(self.header[8:]))
            view, start = view[head:], self.pos + head
        else:
            start = self.pos
        if len(view):
            self.raw.seek(start + (len(self.chunk) if start >= self.HEADER else 0))
            self.raw.write(view)
        self.pos += count
        self.length = max(self.length, self.pos)
        return count

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        count = min(len(view), max(0, self.length - self.pos))
        if self.chunk and self.pos < self.HEADER:  # libsndfile does not read back its header
            raise io.UnsupportedOperation("reading the RIFF header back")
        self.raw.seek(self.pos + len(self.chunk))
        got = self.raw.readinto(view[:count]) or 0
        self.pos += got
        return got


def write_midi(
    staging: Staging, final: Path, writer: MidiWriter, timeline: Timeline, song: Song, track: int
) -> None:
    """A stem's MIDI file through the CLI's writer, its errors naming the final file
    rather than the staging folder's copy."""
    temp = staging.temp_for(final)
    try:
        writer(timeline, song, track, temp)
    except SaveError as error:  # the atomic writer's, naming the path it was given
        raise AudioError(error.message.replace(str(temp), str(final))) from None


def bext_chunk(tag: Tag, rate: int, bits: int, channels: int) -> bytes:
    """The Broadcast Wave `bext` chunk (EBU Tech 3285 v2), header included.

    Its text fields are ASCII: accents are dropped and other letters become "?".
    The time reference (samples since midnight of the file's first frame) is 0:
    every file of a render starts at the song's start. The coding history names
    the PCM format and tracker, as EBU R98 lays it out."""
    when = tag.when or datetime.now()
    fields = {"description": tag.description, "originator": ORIGINATOR, "reference": ""}
    body = b"".join(_ascii(fields[name], size) for size, name in _BEXT_TEXT)
    body += when.strftime("%Y-%m-%d").encode() + when.strftime("%H:%M:%S").encode()
    body += struct.pack("<IIH", 0, 0, BEXT_VERSION)
    body += bytes(64)  # no UMID
    body += struct.pack("<5h", *[_UNSET_LOUDNESS] * 5)
    body += bytes(180)
    mode = {1: "mono", 2: "stereo"}.get(channels, f"{channels}ch")
    body += f"A=PCM,F={rate},W={bits},M={mode},T={ORIGINATOR}\r\n".encode()
    return _riff_chunk(b"bext", body)


def with_chunk(riff: bytes, chunk: bytes) -> bytes:
    """A RIFF WAVE file with `chunk` first after the WAVE id (before `fmt `, where
    broadcast tools put `bext`), the RIFF size grown to match."""
    if riff[:4] != b"RIFF" or riff[8:12] != b"WAVE":
        raise AudioError("cannot tag the audio: libsndfile did not write a RIFF WAVE file")
    size = struct.unpack("<I", riff[4:8])[0] + len(chunk)
    return b"RIFF" + struct.pack("<I", size) + b"WAVE" + chunk + riff[12:]


def _riff_chunk(kind: bytes, body: bytes) -> bytes:
    """A chunk: its id, its size, its body padded to an even length (the size says the body's)."""
    return kind + struct.pack("<I", len(body)) + body + b"\0" * (len(body) % 2)


def _ascii(text: str, size: int) -> bytes:
    """`text` in a fixed-size ASCII field, NUL-padded (the last byte may be text: the
    standard does not ask for a terminator in a full field)."""
    letters = unicodedata.normalize("NFKD", text)
    clean = "".join(c if " " <= c <= "~" else "?" for c in letters if not unicodedata.combining(c))
    return clean.encode("ascii")[:size].ljust(size, b"\0")
