"""Device files of a test's own, written where a musician keeps theirs (the config
folder of the temporary home every test runs with: tracker.instruments.search), so
they are found before the shipped ones of the same name; `write` puts an indented
text, dedented, at a path of the test's own (a device or GM file on a search path it sets)."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from tracker.instruments.search import user_devices_dir


def write_user_device(stem: str, text: str) -> Path:
    """`text` as the user's device file `<stem>.toml`; returns its path."""
    folder = user_devices_dir()
    assert folder is not None, "tests run with a home folder of their own"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return path
