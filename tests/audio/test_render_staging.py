"""A render's files appear all together or not at all, and a render that dies
leaves nothing a later render does not clean up.

Through the real `tracker render` in a subprocess: the write phase is caught
the moment the first hidden entry appears in the output folder (the render's
staging), frozen there with SIGSTOP so the kill lands inside it, then killed.
A full disk is a real one: a small tmpfs of our own (the tests run as root).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.builders import build_song
from tests.support.command import BAD_INPUT, ROOT, assert_refused, snapshot, tracker
from tests.support.disks import mounted_tmpfs
from tests.support.samples import song_file_in
from tracker.song.model import Track
from tracker.song.storage import save_song

OLD = b"the old render"
TRACKS = 12


def hidden(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.startswith("."))


@pytest.fixture
def song_file(tmp_path: Path) -> Path:
    """The hostile suite's small song: two tracks, under two seconds."""
    return song_file_in(tmp_path)


@pytest.fixture
def many_stems(tmp_path: Path) -> Path:
    """Twelve tracks for eight seconds: a write phase of twelve stems, their MIDI files
    and a mix, long enough to be caught and frozen in the middle."""
    row = " | ".join(f"{note}-4 01 64 ..." for note in "CDEFGABCDEFG"[:TRACKS])
    rest = " | ".join("--- .. .. ..." for _ in range(TRACKS))
    song = build_song(
        "\n".join([row] + [rest] * 31),
        tracks=[Track(name=f"Voice {i + 1}") for i in range(TRACKS)],
        order=["00", "00"],
    )
    path = tmp_path / "many.toml"
    save_song(song, path)
    return path


def start_render(song: Path, out: Path) -> subprocess.Popen[str]:
    """The render as a terminal starts it: hang-ups end it (a suite run under nohup
    would hand it SIGHUP ignored, and the render would rightly carry on)."""
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "render", str(song), "-o", str(out), "--stems"],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL),
    )


def freeze_in_write_phase(process: subprocess.Popen[str], out: Path) -> list[str]:
    """Stop the render as soon as it starts writing; returns what it had put in `out`.

    The render is stopped before each look at `out`, and looked at only once it
    has stopped: looking first and stopping after let a loaded machine finish
    the render in between."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        os.kill(process.pid, signal.SIGSTOP)
        while not stopped_or_gone(process.pid):
            time.sleep(0.0002)
        if process.poll() is not None:
            break
        if names := hidden(out):
            return names
        os.kill(process.pid, signal.SIGCONT)
        time.sleep(0.001)
    process.kill()
    raise AssertionError(f"the render never started writing: {process.communicate()}")


def stopped_or_gone(pid: int) -> bool:
    """The process's state in /proc is stopped (T), a zombie (Z) or dead (X)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("T", "t", "Z", "X")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_a_render_killed_while_writing_leaves_the_old_set_and_the_next_render_sweeps_up(
    tmp_path: Path, many_stems: Path, song_file: Path, sig: signal.Signals
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name in ("mix.wav", "01-Voice-1.wav", "01-Voice-1.mid"):
        (out / name).write_bytes(OLD)
    old = snapshot(out)
    old_visible = {k: v for k, v in old.items() if not k.startswith(".")}

    render = start_render(many_stems, out)
    debris = freeze_in_write_phase(render, out)
    os.kill(render.pid, sig)
    os.kill(render.pid, signal.SIGCONT)
    render.communicate(timeout=30)
    assert render.returncode != 0, "the render finished before the kill landed"
    assert debris, "nothing was being written"

    now = snapshot(out)
    assert {k: v for k, v in now.items() if not k.startswith(".")} == old_visible

    again = tracker("render", song_file, "-o", out, cwd=tmp_path, timeout=60)
    assert again.returncode == 0, again.stderr
    assert hidden(out) == [], "the killed render's files are still there"
    assert (out / "mix.wav").read_bytes() != OLD


def test_a_staging_folder_of_a_live_render_is_left_alone(tmp_path: Path, song_file: Path) -> None:
    """Only a dead render's staging is swept: one whose process still runs is its own."""
    out = tmp_path / "out"
    out.mkdir()
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        live = out / f".tracker-render-{sleeper.pid}@{os.uname().nodename}-x"
        live.mkdir()
        (live / "mix.wav").write_bytes(OLD)
        result = tracker("render", song_file, "-o", out, cwd=tmp_path, timeout=60)
        assert result.returncode == 0, result.stderr
        assert hidden(out) == [live.name]
    finally:
        sleeper.kill()
        sleeper.wait()


def test_an_output_that_cannot_be_written_leaves_the_old_set_as_it_was(
    tmp_path: Path, song_file: Path
) -> None:
    """The second stem's name is a folder: no file of the set may change, though
    the mix and the first stem could have been written."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "mix.wav").write_bytes(OLD)
    (out / "01-Keys.wav").write_bytes(OLD)
    (out / "02-Bass.wav").mkdir()
    before = snapshot(tmp_path)
    result = tracker("render", song_file, "-o", out, "--stems", cwd=tmp_path, timeout=60)
    assert_refused(result, BAD_INPUT, str(out / "02-Bass.wav"), "a folder")
    assert snapshot(tmp_path) == before


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs of our own: room for the song, not for its render."""
    with mounted_tmpfs(tmp_path / "disk", "size=256k,mode=0755") as mount_point:
        yield mount_point


def test_a_full_disk_names_the_file_and_says_the_disk_is_full(
    tmp_path: Path, small_disk: Path
) -> None:
    song = song_file_in(small_disk)
    out = small_disk / "out"
    result = tracker("render", song, "-o", out, cwd=tmp_path, timeout=60)
    assert_refused(result, BAD_INPUT, str(out / "mix.wav"), "the disk is full")
    assert sorted(os.listdir(small_disk)) == ["song.toml"]  # no folder, no staging left
