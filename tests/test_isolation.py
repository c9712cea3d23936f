"""Nothing of the developer's machine leaks into a test (tests/support/isolation.py):
each test has a temporary home and XDG folders of its own and no TRACKER_* variable
from outside, subprocesses inherit that, and starting the player leaves the real
~/.cache/tracker/player.log alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.isolation import OUTSIDE_CACHE, OUTSIDE_HOME, XDG_FOLDERS
from tests.support.jack import Receiver
from tracker import paths
from tracker.player.handle import PlayerHandle, player_log_path
from tracker.player.protocol import PlayerConfig, PortSpec


def test_home_and_every_xdg_folder_are_the_tests_own(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    home = Path(os.environ["HOME"])
    assert home.is_relative_to(tmp_path_factory.getbasetemp())
    assert OUTSIDE_HOME is None or home != OUTSIDE_HOME
    for variable in XDG_FOLDERS:
        assert Path(os.environ[variable]).is_relative_to(home), variable
    for folder in (paths.config_dir(), paths.cache_dir(), paths.data_home()):
        assert folder is not None and folder.is_relative_to(home), folder


def test_no_tracker_variable_comes_in_from_outside() -> None:
    assert [name for name in os.environ if name.startswith("TRACKER_")] == []


def test_each_test_gets_a_fresh_home_a_subprocess_sees_too() -> None:
    """What a test leaves in its home is gone for the next: nothing here yet."""
    home = Path(os.environ["HOME"])
    assert not (home / ".cache" / "tracker").exists()
    (home / ".cache" / "tracker").mkdir()  # the next test must not see this
    seen = subprocess.run(
        [sys.executable, "-c", "from tracker import paths; print(paths.cache_dir())"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    assert Path(seen) == home / ".cache" / "tracker"


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_mtime_ns, found.st_size


@pytest.mark.jack
def test_starting_the_player_leaves_the_real_player_log_alone(receiver: Receiver) -> None:
    """The player empties its log on a first start: in the test's own cache, never the
    developer's ~/.cache/tracker/player.log."""
    real_log = None if OUTSIDE_CACHE is None else OUTSIDE_CACHE / "tracker" / "player.log"
    before = None if real_log is None else _stat(real_log)
    handle = PlayerHandle(PlayerConfig(output=PortSpec(receiver.name)))
    try:
        handle.start()
    finally:
        handle.close()
    log = player_log_path()
    assert log is not None and log.is_relative_to(Path(os.environ["HOME"]))
    assert log.is_file()
    assert real_log is None or _stat(real_log) == before
