"""Helpers for song tests: build a Song from the song file format itself.

`song_from_toml(text)` dedents the text (so it can sit indented inside a test)
and reads it with fileformat.loads, exactly as a file on disk would be read.
It is a plain function (`from tests.song.conftest import song_from_toml`) and
also a fixture of the same name for tests that prefer one.
"""

from __future__ import annotations

from collections.abc import Callable
from textwrap import dedent

import pytest

from tracker.song.fileformat import loads
from tracker.song.model import Song


def song_from_toml(text: str) -> Song:
    """Dedent (so the TOML can sit indented in a test) and read it as a song file."""
    return loads(dedent(text).lstrip("\n"))


@pytest.fixture(name="song_from_toml")
def song_from_toml_fixture() -> Callable[[str], Song]:
    return song_from_toml
