"""What a rendered file says about itself: every WAV of a render (the mix and each
stem) carries a Broadcast Wave `bext` chunk, read back by ffprobe (an outside
reader) and by the few lines below that walk the RIFF chunks, and every file, WAV
or FLAC, carries the song's title."""

from __future__ import annotations

import json
import struct
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import soundfile

from tests.support.builders import build_song
from tracker.audio.bounce import bounce
from tracker.audio.staging import Staging
from tracker.audio.writing import AudioWriter, Tag, check_format, write
from tracker.song.model import Instrument, Song, Track

TITLE = "Nuit blanche à Zürich"
ASCII_TITLE = "Nuit blanche a Zurich"
"""The bext chunk holds ASCII: accents are dropped."""


def short_song() -> Song:
    song = build_song(
        """
        C-4 01 64 ... | C-2 02 70 ...
        --- .. .. ... | --- .. .. ...
        OFF .. .. ... | OFF .. .. ...
        """,
        tracks=[Track("Zither"), Track("Bass")],
        instruments={1: Instrument("Piano"), 2: Instrument("Bass", program=33)},
        bpm=240,
    )
    song.title = TITLE
    return song


def chunks(path: Path) -> dict[bytes, bytes]:
    """The RIFF WAVE file's chunks by id, in file order."""
    data = path.read_bytes()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    assert struct.unpack("<I", data[4:8])[0] == len(data) - 8
    found: dict[bytes, bytes] = {}
    at = 12
    while at + 8 <= len(data):
        kind, size = data[at : at + 4], struct.unpack("<I", data[at + 4 : at + 8])[0]
        found[kind] = data[at + 8 : at + 8 + size]
        at += 8 + size + size % 2
    assert at == len(data)
    return found


def ffprobe_tags(path: Path) -> dict[str, str]:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-of", "json", str(path)],
        capture_output=True, text=True, check=True, timeout=30,
    )  # fmt: skip
    tags: dict[str, str] = json.loads(result.stdout)["format"].get("tags", {})
    return tags


def test_the_mix_and_every_stem_carry_a_bext_chunk_with_time_reference_0(
    tmp_path: Path, soundfont: Path
) -> None:
    report = bounce(short_song(), tmp_path, stems=True, soundfont=soundfont)
    made = {date.today(), date.today() - timedelta(days=1)}  # a render across midnight

    parts = {report.mix: "mix", report.stems[0]: "Zither", report.stems[1]: "Bass"}
    for path, part in parts.items():
        tags = ffprobe_tags(path)
        assert tags["comment"] == f"{ASCII_TITLE}: {part}"  # the bext description
        assert tags["encoded_by"] == "tracker"  # its originator
        assert tags["time_reference"] == "0"
        assert datetime.strptime(tags["date"], "%Y-%m-%d").date() in made
        assert tags["coding_history"].startswith("A=PCM,F=44100,W=24,M=stereo")
        assert tags["title"] == TITLE


def test_the_bext_chunk_is_version_2_before_the_format_and_the_file_still_reads(
    tmp_path: Path, soundfont: Path
) -> None:
    report = bounce(short_song(), tmp_path, soundfont=soundfont, bits="float")

    found = chunks(report.mix)
    assert list(found)[:2] == [b"bext", b"fmt "]
    bext = found[b"bext"]
    description = bext[:256].rstrip(b"\0").decode("ascii")
    origination = bext[320:330].decode(), bext[330:338].decode()
    low, high, version = struct.unpack("<IIH", bext[338:348])
    assert description == f"{ASCII_TITLE}: mix"
    assert bext[256:288].rstrip(b"\0") == b"tracker"
    assert datetime.strptime(" ".join(origination), "%Y-%m-%d %H:%M:%S")
    assert (low, high, version) == (0, 0, 2)
    assert bext[602:].startswith(b"A=PCM,F=44100,W=32,M=stereo")
    info = soundfile.info(str(report.mix))
    assert (info.subtype, info.frames > 0) == ("FLOAT", True)


def test_a_flac_render_carries_the_title(tmp_path: Path, soundfont: Path) -> None:
    report = bounce(short_song(), tmp_path, stems=True, soundfont=soundfont, fmt="flac")

    assert [ffprobe_tags(p)["title"] for p in [report.mix, *report.stems]] == [TITLE] * 3


def test_a_file_written_piece_by_piece_is_the_file_written_at_once(tmp_path: Path) -> None:
    # A render streams every file as it plays; the bytes (bext chunk, title, samples,
    # the clipped peak) are those of the whole signal encoded in one go.
    rng = np.random.default_rng(5)
    audio = (0.3 * rng.standard_normal((50000, 2))).astype(np.float32)
    audio[1234] = 1.5  # clipped in an integer file
    tag = Tag(TITLE, "mix", when=datetime(2026, 1, 2, 3, 4, 5))
    cases: list[tuple[str, int | str]] = [("wav", 24), ("wav", "float"), ("flac", 16)]
    for fmt, bits in cases:
        fmt, subtype = check_format(fmt, 44100, bits)
        said_once: list[str] = []
        said_in_pieces: list[str] = []
        with Staging(tmp_path / fmt / str(bits)) as staging:
            write(staging, tmp_path / "once", audio, 44100, fmt, subtype, said_once, tag)
            writer = AudioWriter(staging, tmp_path / "pieces", 44100, fmt, subtype, tag)
            for piece in np.array_split(audio, 13):
                writer.write(piece)
            writer.close(said_in_pieces)
            assert staging.path is not None
            once = (staging.path / "once").read_bytes()
            assert (staging.path / "pieces").read_bytes() == once
        assert [s.replace("once", "pieces") for s in said_once] == said_in_pieces
        if fmt == "wav":
            assert once[12:16] == b"bext"
            assert len(once) == struct.unpack("<I", once[4:8])[0] + 8
