"""Bad soundfonts, met through `tracker render`: a clear line naming the font and
where the setting came from, exit 1, and no output folder or file left behind.

The fonts are real damage done to the real General MIDI font: cut at the header,
at half, given a valid header over junk (which only FluidSynth itself can
refuse, after the render has started: the case that used to leave an empty
output folder).
"""

from __future__ import annotations

import os
import struct
import wave
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.command import BAD_INPUT, assert_refused, snapshot, tracker


def render(song: Path, out: Path, font: Path | str) -> tuple[list[str], dict[str, str]]:
    """Render with TRACKER_SOUNDFONT=font; returns stderr's lines after checking the
    refusal, and the folder's contents after, for comparison."""
    result = tracker("render", song, "-o", out, "--tail", "0", env={"TRACKER_SOUNDFONT": str(font)})
    lines = assert_refused(result, BAD_INPUT, "tracker: ")
    return lines, snapshot(song.parent)


def write_wav(path: Path) -> Path:
    with wave.open(str(path), "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(8000)
        file.writeframes(b"\0\0" * 800)
    return path


def riff_sfbk(body: bytes) -> bytes:
    """A RIFF sfbk header that tells the truth about its length, over `body`."""
    return b"RIFF" + struct.pack("<L", 4 + len(body)) + b"sfbk" + body


def missing(folder: Path, real: Path) -> Path:
    return folder / "missing.sf2"


def wav(folder: Path, real: Path) -> Path:
    return write_wav(folder / "drums.wav")


def text(folder: Path, real: Path) -> Path:
    path = folder / "notes.txt"
    path.write_text("C E G\n")
    return path


def header_only(folder: Path, real: Path) -> Path:
    path = folder / "head.sf2"
    path.write_bytes(real.read_bytes()[:12])
    return path


def half(folder: Path, real: Path) -> Path:
    path = folder / "half.sf2"
    path.write_bytes(real.read_bytes()[: real.stat().st_size // 2])
    return path


def a_folder(folder: Path, real: Path) -> Path:
    return folder


def a_pipe(folder: Path, real: Path) -> Path:
    path = folder / "fifo.sf2"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (missing, ["TRACKER_SOUNDFONT", "missing.sf2 does not exist"]),
        (wav, ["TRACKER_SOUNDFONT", "is a WAV audio file"]),
        (text, ["TRACKER_SOUNDFONT", "notes.txt is not a soundfont", "RIFF ... sfbk"]),
        (header_only, ["head.sf2 is a damaged soundfont", "the file has 12", "cut short"]),
        (half, ["half.sf2 is a damaged soundfont", "cut short"]),
        (a_folder, ["TRACKER_SOUNDFONT", "is a folder"]),
        (a_pipe, ["TRACKER_SOUNDFONT", "fifo.sf2 is a pipe or a device"]),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_tracker_soundfont_pointing_at_a_bad_font_is_refused_and_writes_nothing(
    song_file: Path, soundfont: Path, make: Callable[[Path, Path], Path], words: list[str]
) -> None:
    font = make(song_file.parent, soundfont)
    before = snapshot(song_file.parent)
    lines, after = render(song_file, song_file.parent / "renders", font)
    for word in words:
        assert word in lines[0], lines[0]
    assert after == before


@pytest.mark.parametrize(
    ("body", "name"),
    [(os.urandom(4096), "junk.sf2"), (b"LIST" + struct.pack("<L", 4) + b"INFO", "tiny.sf2")],
    ids=["junk after a true header", "an empty INFO list"],
)
def test_a_font_only_fluidsynth_can_refuse_leaves_no_output_folder(
    song_file: Path, body: bytes, name: str
) -> None:
    font = song_file.parent / name
    font.write_bytes(riff_sfbk(body))
    before = snapshot(song_file.parent)
    lines, after = render(song_file, song_file.parent / "renders" / "take 1", font)
    assert f"cannot load soundfont {font}" in lines[0]
    assert after == before


def test_the_songs_own_soundfont_setting_is_named_when_it_is_bad(song_file: Path) -> None:
    song_file.write_text(
        song_file.read_text().replace("swing = 0.0", 'swing = 0.0\nsoundfont = "fonts/piano.sf2"')
    )
    before = snapshot(song_file.parent)
    result = tracker("render", song_file, "-o", song_file.parent / "out")
    assert_refused(
        result, BAD_INPUT, "the song's soundfont setting", f"{song_file.parent}/fonts/piano.sf2"
    )
    assert snapshot(song_file.parent) == before


def test_an_instruments_own_bad_soundfont_names_the_instrument(song_file: Path) -> None:
    song_file.write_text(
        song_file.read_text().replace('soundfont = "default"', 'soundfont = "gone.sf2"')
    )
    before = snapshot(song_file.parent)
    result = tracker("render", song_file, "-o", song_file.parent / "out")
    assert_refused(result, BAD_INPUT, 'instrument 01 "Piano"', "gone.sf2 does not exist")
    assert snapshot(song_file.parent) == before


def test_an_existing_mix_survives_a_failed_render_unchanged(song_file: Path) -> None:
    out = song_file.parent / "out"
    out.mkdir()
    (out / "mix.wav").write_bytes(b"yesterday's mix")
    junk = song_file.parent / "junk.sf2"
    junk.write_bytes(riff_sfbk(b"\x00" * 64))
    before = snapshot(song_file.parent)
    _, after = render(song_file, out, junk)
    assert after == before
