"""The player process under test: `start_player(**config)` starts a real one on the
test's JACK server and closes every one it started when the test ends. A module sets
`PLAYER_DEFAULTS` for the config its tests share (e.g. no live synth)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tracker.player.handle import PlayerHandle
from tracker.player.protocol import PlayerConfig


@pytest.fixture
def start_player(
    jack_server: str, request: pytest.FixtureRequest
) -> Iterator[Callable[..., PlayerHandle]]:
    defaults: dict[str, Any] = getattr(request.module, "PLAYER_DEFAULTS", {})
    handles: list[PlayerHandle] = []

    def start(**config: Any) -> PlayerHandle:
        handle = PlayerHandle(PlayerConfig(**{**defaults, **config}))
        handles.append(handle)
        handle.start()
        return handle

    yield start
    for handle in handles:
        handle.close()
