"""Writing a bounce's files into its staging folder (tracker.audio.staging): the audio
encoded in memory and written by us, so a full disk says which error it was, and each
stem's MIDI file through the CLI's writer.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
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
) -> None:
    """Encode in memory, then write the bytes ourselves: libsndfile reports a full
    disk as "System error.", a plain write says which error it was."""
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
    try:
        soundfile.write(encoded, audio, rate, subtype=subtype, format=FORMATS[fmt])
    except soundfile.LibsndfileError as error:
        raise AudioError(f"cannot write {final}: {error}") from error
    try:
        write_new(staging.temp_for(final), encoded.getbuffer())
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
