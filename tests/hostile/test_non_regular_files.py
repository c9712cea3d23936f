"""Paths that name something other than a file: a named pipe, a device, a socket,
a folder. Every writer refuses to replace one and every reader refuses to read
one, at once and with a clear error, through the real `tracker` command.

`tracker new /dev/null --force` once replaced a machine's /dev/null with a song;
so every node here is made by the test in its own temporary folder, and no test
ever aims at a system path. The device nodes are our own copies of the null
device (1, 3: writes vanish, reads end at once) and the zero device (1, 5: reads
never end); mknod needs root, which these tests run as.
"""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.command import BAD_INPUT, ROOT, assert_refused, snapshot, tracker
from tests.support.samples import SONG
from tests.support.tmux import Terminal

NULL_DEVICE = os.makedev(1, 3)
ZERO_DEVICE = os.makedev(1, 5)


def make_fifo(path: Path) -> None:
    os.mkfifo(path)


def make_null_device(path: Path) -> None:
    os.mknod(path, stat.S_IFCHR | 0o666, NULL_DEVICE)


def make_zero_device(path: Path) -> None:
    os.mknod(path, stat.S_IFCHR | 0o666, ZERO_DEVICE)


def make_socket(path: Path) -> None:
    """A unix socket's node (mknod makes one without binding: tmp_path is often
    longer than the 108 bytes a socket address may hold)."""
    os.mknod(path, stat.S_IFSOCK | 0o666)


def make_folder(path: Path) -> None:
    path.mkdir()


WRITE_TARGETS: dict[str, Callable[[Path], None]] = {
    "fifo": make_fifo,
    "device": make_null_device,
    "socket": make_socket,
    "folder": make_folder,
}
"""What a write must not replace. The device is a null device: were it written
to by mistake, nothing would happen but a passing test."""

READ_SOURCES: dict[str, Callable[[Path], None]] = {
    "fifo": make_fifo,
    "device": make_zero_device,
    "socket": make_socket,
    "folder": make_folder,
}
"""What a read must not read: a pipe nobody writes to, a device that never ends."""

KIND_WORDS = {
    "fifo": "a named pipe",
    "device": "a device",
    "socket": "a socket",
    "folder": "a folder",
}


def identity(path: Path) -> tuple[int, int, int]:
    """The node's type bits, inode and device number: unchanged means not replaced."""
    status = os.lstat(path)
    return stat.S_IFMT(status.st_mode), status.st_ino, status.st_rdev


def run_capped(
    *args: str | Path, cwd: Path, timeout: float = 20
) -> subprocess.CompletedProcess[str]:
    """The real command with its memory capped at 1 GiB: a bug that reads a zero
    device for a backup fails fast instead of taking the machine's memory."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    return subprocess.run(
        [sys.executable, "-m", "tracker", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        preexec_fn=cap,
    )


def assert_write_refused(
    tmp_path: Path,
    target: Path,
    words: str,
    *args: str | Path,
    run: Callable[..., subprocess.CompletedProcess[str]] = run_capped,
    timeout: float = 20,
) -> None:
    """`tracker ARGS`, aimed at `target`, a node made beforehand: refused with the
    node's path and what it is (`words`), the node not replaced, and nothing left
    beside it (no NAME~ backup, no temporary file, no staging)."""
    before, was = snapshot(tmp_path), identity(target)
    result = run(*args, cwd=tmp_path, timeout=timeout)
    assert_refused(result, BAD_INPUT, str(target), words)
    assert identity(target) == was
    assert snapshot(tmp_path) == before


# -- writers --------------------------------------------------------------------


@pytest.mark.parametrize("kind", WRITE_TARGETS)
def test_new_with_force_refuses_to_replace_what_is_not_a_song(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "node"
    WRITE_TARGETS[kind](target)
    assert_write_refused(tmp_path, target, KIND_WORDS[kind], "new", target, "--force")


def test_new_with_force_never_reads_a_device_to_back_it_up(tmp_path: Path) -> None:
    target = tmp_path / "zero"
    make_zero_device(target)
    assert_write_refused(tmp_path, target, "a device", "new", target, "--force")


@pytest.mark.parametrize("kind", WRITE_TARGETS)
def test_export_midi_refuses_to_replace_what_is_not_a_file(
    tmp_path: Path, song_file: Path, kind: str
) -> None:
    target = tmp_path / "out.mid"
    WRITE_TARGETS[kind](target)
    args = ("export-midi", song_file, "-o", target)
    assert_write_refused(tmp_path, target, KIND_WORDS[kind], *args, run=tracker)


@pytest.mark.parametrize("kind", WRITE_TARGETS)
def test_import_midi_with_force_refuses_to_replace_what_is_not_a_song(
    tmp_path: Path, midi_file: Path, kind: str
) -> None:
    target = tmp_path / "song.toml"
    WRITE_TARGETS[kind](target)
    args = ("import-midi", midi_file, "-o", target, "--force")
    assert_write_refused(tmp_path, target, KIND_WORDS[kind], *args, run=tracker)


def test_a_backup_name_that_is_not_a_file_stops_the_save(tmp_path: Path, song_file: Path) -> None:
    """The old song goes to NAME~ first: a pipe there is refused, and the song stays."""
    make_fifo(tmp_path / "song.toml~")
    before = snapshot(tmp_path)
    result = tracker("new", song_file, "--force", cwd=tmp_path, timeout=20)
    assert_refused(result, BAD_INPUT, "song.toml~", "a named pipe")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("kind", WRITE_TARGETS)
@pytest.mark.parametrize("name", ["mix.wav", "02-Bass.wav", "01-Keys.mid"])
def test_render_refuses_to_replace_an_output_that_is_not_a_file(
    tmp_path: Path, song_file: Path, kind: str, name: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / name
    WRITE_TARGETS[kind](target)
    args = ("render", song_file, "-o", out, "--stems")
    assert_write_refused(tmp_path, target, KIND_WORDS[kind], *args, run=tracker, timeout=60)


# -- readers --------------------------------------------------------------------


@pytest.mark.parametrize("kind", READ_SOURCES)
def test_check_refuses_to_read_a_song_that_is_not_a_file(tmp_path: Path, kind: str) -> None:
    source = tmp_path / "song.toml"
    READ_SOURCES[kind](source)
    result = run_capped("check", source, cwd=tmp_path)
    assert_refused(result, BAD_INPUT, str(source), KIND_WORDS[kind])


@pytest.mark.parametrize("kind", READ_SOURCES)
def test_import_midi_refuses_to_read_what_is_not_a_file(tmp_path: Path, kind: str) -> None:
    source = tmp_path / "tune.mid"
    READ_SOURCES[kind](source)
    before = snapshot(tmp_path)
    result = run_capped("import-midi", source, "-o", tmp_path / "song.toml", cwd=tmp_path)
    assert_refused(result, BAD_INPUT, str(source), KIND_WORDS[kind])
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("kind", READ_SOURCES)
def test_render_refuses_a_soundfont_that_is_not_a_file(
    tmp_path: Path, song_file: Path, kind: str
) -> None:
    font = tmp_path / "font.sf2"
    READ_SOURCES[kind](font)
    before = snapshot(tmp_path)
    result = tracker(
        "render", song_file, "-o", tmp_path / "out", cwd=tmp_path, timeout=20,
        env={"TRACKER_SOUNDFONT": str(font)},
    )  # fmt: skip
    assert_refused(result, BAD_INPUT, str(font))
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("kind", ["fifo", "device", "socket"])
def test_check_refuses_a_device_file_that_is_not_a_file(
    tmp_path: Path, song_file: Path, kind: str
) -> None:
    """A hardware synth's description (devices/NAME.toml) is read when a song names it."""
    devices = tmp_path / "instruments" / "devices"
    devices.mkdir(parents=True)
    READ_SOURCES[kind](devices / "synth.toml")
    song_file.write_text(
        SONG.replace('soundfont = "default"', 'device = "synth"'), encoding="utf-8"
    )
    result = tracker(
        "check", song_file, cwd=tmp_path, timeout=20,
        env={"TRACKER_INSTRUMENTS": str(tmp_path / "instruments")},
    )  # fmt: skip
    assert_refused(result, BAD_INPUT, "synth.toml", KIND_WORDS[kind])


def test_the_editor_refuses_a_key_map_that_is_a_pipe_instead_of_hanging(tmp_path: Path) -> None:
    """keys.toml is read before the screen is taken: a pipe there used to hang the
    editor on a blank terminal."""
    config = tmp_path / "config" / "tracker"
    config.mkdir(parents=True)
    make_fifo(config / "keys.toml")
    (tmp_path / "song.toml").write_text(SONG, encoding="utf-8")
    terminal = Terminal(tmp_path, width=250)
    try:
        terminal.start(
            [str(ROOT / ".venv" / "bin" / "tracker"), "song.toml"],
            env={"XDG_CONFIG_HOME": str(tmp_path / "config")},
        )
        screen = terminal.wait_for("__EXIT__", timeout=20)
        assert "keys.toml" in screen and "a named pipe" in screen, screen
        assert "Traceback" not in screen
        assert terminal.exit_code() == BAD_INPUT
    finally:
        terminal.close()


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_player_log_that_is_not_a_file_is_neither_waited_on_nor_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """The player's stderr and the editor's story go to ~/.cache/tracker/player.log:
    a pipe there used to block the open (the editor hung on its first note), a
    device was written to. The player then runs without a log."""
    from tracker.files import NotAFileError, open_log
    from tracker.player.handle import player_log_path
    from tracker.ui.player_link import log_line

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    log = player_log_path()
    assert log is not None
    log.parent.mkdir(parents=True)
    READ_SOURCES[kind](log)
    with pytest.raises(NotAFileError):
        os.close(open_log(log))
    log_line("a line nobody can keep")  # returns, writing nothing
    assert stat.S_ISFIFO(log.stat().st_mode) or stat.S_ISCHR(log.stat().st_mode)
