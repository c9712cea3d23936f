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

import io
import math
import struct
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from tracker.audio.staging import Staging
from tracker.audio.synth import Frames
from tracker.engine.events import Timeline
from tracker.errors import AudioError, SaveError, UsageError
from tracker.files import reason, write_new
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
    """Encode in memory, then write the bytes ourselves: libsndfile reports a full
    disk as "System error.", a plain write says which error it was. With a `tag`,
    the file carries the title, and a WAV its `bext` chunk."""
    import soundfile

    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak >= 1.0:
        level = 20 * math.log10(peak)
        if subtype == "FLOAT":
            warnings.append(f"{final.name} peaks at {level:+.1f} dBFS (kept in the float file)")
        else:
            warnings.append(f"{final.name} clipped: it peaks at {level:+.1f} dBFS")
            audio = np.clip(audio, -1.0, 1.0)
    encoded = io.BytesIO()
    channels = audio.shape[1] if audio.ndim == 2 else 1
    try:
        with soundfile.SoundFile(
            encoded, "w", rate, channels, subtype=subtype, format=FORMATS[fmt]
        ) as sound:
            if tag is not None:
                sound.title = tag.title  # before the audio: FLAC writes its comments first
            sound.write(audio)
    except soundfile.LibsndfileError as error:
        raise AudioError(f"cannot write {final}: {error}") from error
    data: bytes | memoryview = encoded.getbuffer()
    if tag is not None and fmt == "wav":
        chunk = bext_chunk(tag, rate, _WORD_LENGTH[subtype], channels)
        data = with_chunk(bytes(data), chunk)
    try:
        write_new(staging.temp_for(final), data)
    except OSError as error:
        raise AudioError(f"cannot write {final}: {reason(error)}") from None


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
