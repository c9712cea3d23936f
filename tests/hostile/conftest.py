"""Hostile input, met the way a user meets it: the real `tracker` command in a
subprocess, and the files it leaves behind.

Every refusal must be the same shape: a non-zero exit (1 for bad input, 2 for
usage), stderr made of one or a few short lines that start with `tracker: `
and name the thing that is wrong, no traceback, and nothing written.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import mido
import pytest

ROOT = Path(__file__).parent.parent.parent
GM_FONT = Path("/usr/share/sounds/sf2/TimGM6mb.sf2")
MAX_ERROR_LINES = 6
"""Usage errors add argparse's usage text (up to four lines) under the reason."""
MAX_LINE_LENGTH = 300
"""An error quoting a megabyte of a file is no clearer than a traceback."""

BAD_INPUT = 1
USAGE = 2

SONG = textwrap.dedent(
    '''\
    format = 1
    title = "Hostile"
    bpm = 120.0
    lpb = 4
    tpl = 6
    swing = 0.0
    order = ["verse", "verse"]

    [instruments.01]
    name = "Piano"
    soundfont = "default"
    program = 0

    [[tracks]]
    name = "Keys"
    notes = 2
    effects = 1

    [[tracks]]
    name = "Bass"
    notes = 1
    effects = 1

    [patterns.verse]
    lines = 4
    rows = """
    C-4 01 64 ... E-4 01 50 ... | C-2 01 7F ...
    --- .. .. ... --- .. .. ... | --- .. .. ...
    OFF .. .. ... OFF .. .. ... | G-2 01 70 ...
    --- .. .. ... --- .. .. ... | OFF .. .. ...
    """
    '''
)
"""A small valid song: two tracks, a chord, a bass line, a repeated pattern."""


def tracker(
    *args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the real command with no terminal on stdin (a hang would be a bug too)."""
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "tracker", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def assert_refused(result: subprocess.CompletedProcess[str], code: int, *words: str) -> list[str]:
    """The refusal shape (see the module docstring); `words` must all appear in the
    first line, the one that says what is wrong. Returns stderr's lines."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = result.stderr.rstrip("\n").split("\n")
    assert lines[0].startswith("tracker: "), result.stderr
    assert len(lines) <= MAX_ERROR_LINES, result.stderr
    assert all(len(line) <= MAX_LINE_LENGTH for line in lines), result.stderr[:500]
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder` with a digest of its bytes: compare before
    and after to prove a refused command wrote nothing and left no temporary file."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            found[name] = "special"
        elif path.is_dir():
            found[name] = "folder"
        else:
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture
def song_file(tmp_path: Path) -> Path:
    path = tmp_path / "song.toml"
    path.write_text(SONG, encoding="utf-8")
    return path


def midi_bytes(folder: Path) -> bytes:
    """A small honest type 1 file written by mido (not our exporter): a conductor
    track with two tempos, a piano melody (mido writes it with running status), drums
    on channel 10."""
    tpb = 96
    conductor = mido.MidiTrack(
        [
            mido.MetaMessage("track_name", name="Hostile", time=0),
            mido.MetaMessage("set_tempo", tempo=500_000, time=0),
            mido.MetaMessage("set_tempo", tempo=600_000, time=4 * tpb),
        ]
    )
    keys = mido.MidiTrack([mido.MetaMessage("track_name", name="Keys", time=0)])
    keys.append(mido.Message("program_change", program=4, time=0))
    for pitch in (60, 64, 67, 72):
        keys.append(mido.Message("note_on", note=pitch, velocity=90, time=0))
        keys.append(mido.Message("note_on", note=pitch, velocity=0, time=tpb))
    drums = mido.MidiTrack()
    for _ in range(4):
        drums.append(mido.Message("note_on", channel=9, note=36, velocity=110, time=0))
        drums.append(mido.Message("note_off", channel=9, note=36, velocity=0, time=tpb))
    midi = mido.MidiFile(type=1, ticks_per_beat=tpb)
    midi.tracks.extend([conductor, keys, drums])
    path = folder / "made-by-mido.mid"
    midi.save(path)
    return path.read_bytes()


@pytest.fixture
def midi_file(tmp_path: Path) -> Path:
    path = tmp_path / "tune.mid"
    path.write_bytes(midi_bytes(tmp_path))
    return path


@pytest.fixture
def soundfont() -> Path:
    assert GM_FONT.is_file(), "run `make setup`: it installs the TimGM6mb soundfont"
    return GM_FONT


@pytest.fixture
def read_only_disk(tmp_path: Path) -> Iterator[Path]:
    """A real read-only file system: a 1 MiB tmpfs mounted `ro` (we run as root, so
    chmod would not stop a write). Unmounted afterwards."""
    mount_point = tmp_path / "read-only"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    assert mounted.returncode == 0, f"cannot mount a tmpfs (are we root?): {mounted.stderr}"
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)
