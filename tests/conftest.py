"""Fixtures for every test: nothing of the developer's machine leaks in (a temporary
home and XDG folders, no TRACKER_* variable: tests/support/isolation.py), a real JACK
server for MIDI tests (tests/support/jack.py), a receiving port on it, and the
General MIDI soundfont.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.audio import GM_FONT
from tests.support.isolation import isolated_environment, outside_variables
from tests.support.jack import Receiver, dummy_jack


@pytest.fixture(autouse=True)
def _no_machine_of_the_developer(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test runs with a home and XDG folders of its own and without the
    outside's TRACKER_* variables; subprocesses inherit this environment."""
    home = tmp_path_factory.mktemp("home")
    for variable, value in isolated_environment(home).items():
        monkeypatch.setenv(variable, value)
    for variable in outside_variables(os.environ):
        monkeypatch.delenv(variable)
    return home


@pytest.fixture(scope="session")
def jack_server() -> Iterator[str]:
    """The name of a running `jackd -d dummy` server for the whole test session."""
    try:
        with dummy_jack() as name:
            yield name
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture
def receiver(jack_server: str) -> Iterator[Receiver]:
    """A fresh receiving port on the test JACK server."""
    with Receiver(f"rx{uuid.uuid4().hex[:6]}") as rx:
        yield rx


@pytest.fixture
def soundfont() -> Path:
    assert GM_FONT.is_file(), "run `make setup`: it installs the TimGM6mb soundfont"
    return GM_FONT
