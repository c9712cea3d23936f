"""Pilot fixtures: async tests run on their own event loop, and a recording player
(tests/support/pilot.py)."""

from __future__ import annotations

import asyncio
import inspect

import pytest

from tests.support.pilot import RecordingPlayer


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests on a fresh event loop (Pilot is async; no plugin needed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    wanted = inspect.signature(pyfuncitem.obj).parameters
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in wanted}))
    return True


@pytest.fixture
def player() -> RecordingPlayer:
    return RecordingPlayer()
