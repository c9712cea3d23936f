"""What a bounce puts out: each file format and bit depth reads back as the render, the
render command writes the files and prints the report, and progress shows on a terminal
only, ending at 100 %.

Songs are short (about a second at 240 bpm: tests/support/band.py) and rendered by real
FluidSynth with the system's General MIDI font.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.support.audio import read_render as read
from tests.support.band import band_song
from tracker.audio.bounce import bounce
from tracker.audio.render import render_timeline
from tracker.cli.render import bounce_command
from tracker.engine.timeline import compile_song as _compile
from tracker.song.storage import save_song


class FakeTerminal(io.StringIO):
    """A text stream that says it is a terminal, as stderr is for a person at a shell."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("fmt", "bits", "subtype"),
    [
        ("wav", "16", "PCM_16"),
        ("wav", "24", "PCM_24"),
        ("wav", "float", "FLOAT"),
        ("flac", "16", "PCM_16"),
        ("flac", 24, "PCM_24"),
    ],
)
def test_each_format_writes_a_file_that_reads_back_as_the_render(
    soundfont: Path, tmp_path: Path, fmt: str, bits: str | int, subtype: str
) -> None:
    song = band_song()
    timeline = _compile(song)
    exact = render_timeline(timeline, song, soundfont, 48000, tail_seconds=0.5)
    report = bounce(song, tmp_path, fmt=fmt, rate=48000, bits=bits, tail=0.5, soundfont=soundfont)

    info = soundfile.info(report.mix)
    assert (info.format, info.subtype, info.samplerate, info.channels) == (
        fmt.upper(),
        subtype,
        48000,
        2,
    )
    written = read(report.mix)
    assert written.shape == exact.shape
    step = {"PCM_16": 2.0**-15, "PCM_24": 2.0**-23, "FLOAT": 0.0}[subtype]
    # One quantisation step, plus the 1/32768-of-the-value scale libsndfile uses reading ints.
    assert np.max(np.abs(written - exact)) <= step + 2.0**-15 * np.max(np.abs(exact)) + 1e-7


def test_the_render_command_reads_the_song_file_and_prints_the_report(
    soundfont: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TRACKER_SOUNDFONT", str(soundfont))
    save_song(band_song(), tmp_path / "groove.toml")
    code = bounce_command(
        tmp_path / "groove.toml", tmp_path / "out", stems=True, fmt="flac", bits="24", tail=0.5
    )
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "01-Keys.flac", "02-Bass.flac", "03-Drums.flac", "mix.flac",
    ]  # fmt: skip
    printed = capsys.readouterr()
    assert printed.out.startswith(
        f"wrote {tmp_path / 'out' / 'mix.flac'} and 3 stems\nlength 1.25 s"
    )
    assert printed.err == "", "no progress bar when stderr is not a terminal"


def test_progress_on_a_terminal_ends_at_100_percent(soundfont: Path, tmp_path: Path) -> None:
    terminal = FakeTerminal()
    bounce(band_song(), tmp_path, soundfont=soundfont, progress_stream=terminal, workers=1)
    frames = terminal.getvalue().split("\r")
    assert frames[-1].startswith("Rendering [" + "#" * 30 + "] 100 % done in ")
    assert frames[-1].endswith("\n")
    assert all("100 %" not in f for f in frames[:-1]), "100 % only when finished"


def test_progress_is_silent_when_stderr_is_not_a_terminal(soundfont: Path, tmp_path: Path) -> None:
    log = io.StringIO()
    bounce(band_song(), tmp_path, soundfont=soundfont, progress_stream=log, workers=1)
    assert log.getvalue() == ""
