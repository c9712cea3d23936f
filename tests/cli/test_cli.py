"""The `tracker` command as a shell user meets it: help, exit codes, clear one-line errors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.song.storage import load_song

ROOT = Path(__file__).parent.parent.parent
COMMANDS = [
    "open",
    "new",
    "check",
    "render",
    "export-midi",
    "import-midi",
    "play",
    "ports",
    "panic",
]


def tracker(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_help_lists_every_command() -> None:
    result = tracker("--help")
    assert result.returncode == 0
    for command in COMMANDS:
        assert f"\n    {command}" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["render", "songs/demo.toml"],
        ["frobnicate-all", "--now"],
        ["new"],
        ["render", "x", "-o", "y", "--rate", "1"],
    ],
)
def test_usage_errors_exit_2_with_a_message_and_no_traceback(args: list[str]) -> None:
    result = tracker(*args)
    assert result.returncode == 2
    assert result.stderr.startswith("tracker: ")
    assert "Traceback" not in result.stderr


def test_check_accepts_every_shipped_song() -> None:
    songs = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "songs").glob("*.toml"))
    result = tracker("check", *songs)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": ok") == len(songs)
    assert "duration  1:" in result.stdout  # the demo runs past a minute


def test_a_broken_copy_of_the_demo_names_file_line_and_column(tmp_path: Path) -> None:
    text = (ROOT / "songs" / "demo.toml").read_text()
    lines = text.splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if line.startswith("C-2 01 70 ... ---"))
    column = lines[row].index("C-2") + 1
    lines[row] = lines[row].replace("C-2", "H-2", 1)
    broken = tmp_path / "broken.toml"
    broken.write_text("".join(lines))
    result = tracker("check", str(broken))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f'tracker: {broken}:{row + 1}:{column}: unknown note "H-2" (expected C..B with - or #, e.g. C#4)'
    )


def test_check_reports_every_bad_song_and_still_checks_the_good_ones(tmp_path: Path) -> None:
    (tmp_path / "empty.toml").write_text("")
    result = tracker(
        "check", str(tmp_path / "empty.toml"), "songs/demo.toml", str(tmp_path / "missing.toml")
    )
    assert result.returncode == 1
    assert "songs/demo.toml: ok" in result.stdout
    assert result.stderr.count("tracker: ") == 2
    assert "Traceback" not in result.stderr


def test_new_creates_a_song_that_loads_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "my_tune.toml"
    assert tracker("new", str(path), "--tracks", "6").returncode == 0
    song = load_song(path)
    assert song.title == "My Tune"
    assert len(song.tracks) == 6
    again = tracker("new", str(path))
    assert again.returncode == 2
    assert "already exists" in again.stderr


def test_output_stays_clean_where_ci_is_set(tmp_path: Path) -> None:
    # pyfluidsynth announces the library it found on stdout whenever $CI is set.
    result = subprocess.run(
        [sys.executable, "-c", "import tracker.audio.synth, tracker.audio.live"],
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "true"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def _as_a_user_the_system_does_not_know(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command under `env -i` (no HOME) as uid 4242, which has no passwd
    entry: Path.home() cannot answer. A user namespace maps 4242 onto us, so the
    interpreter stays readable while getuid() says 4242."""
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare (util-linux) to run as a uid with no passwd entry")
    command = ["unshare", "--user", "--map-user=4242", "--map-group=4242"]
    command += ["env", "-i", "PATH=/usr/bin:/bin", sys.executable, "-m", "tracker", *args]
    return subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, timeout=120, stdin=subprocess.DEVNULL
    )


def test_check_works_with_no_home_folder_and_no_passwd_entry() -> None:
    probe = _as_a_user_the_system_does_not_know("--help")
    assert probe.returncode == 0, probe.stderr
    result = _as_a_user_the_system_does_not_know("check", "songs/demo.toml")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    assert "songs/demo.toml: ok" in result.stdout
    assert "device generic" in result.stdout  # the shipped device files are still found
