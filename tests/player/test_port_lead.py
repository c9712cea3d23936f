"""A JACK port's messages leave half a period early (midi/jack_period.py), the first
line of every loop pass included: the stream's turning points lead by as much, so the
next pass is in place when its first notes are due."""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable

import pytest

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import Play, PortSpec, RequestLog, SendLog, Stopped

pytestmark = pytest.mark.jack

PLAYER_DEFAULTS = {"record_sends": True}
LEAD_NS = round(32 / 48 * 1e6)
"""Half the session server's 64-frame period at 48 kHz."""

# a bar of sixteenths, C-5 on the downbeat (the loop's first line), G-4 on the others
BAR = "\n".join(["C-5 01 64 ..."] + ["G-4 01 50 ..."] * 15)
DOWNBEAT, OTHERS = 72, 67


def sends(player: PlayerHandle, pitch: int) -> list[tuple[int, int]]:
    """(sent ns, deadline ns) of each note-on of `pitch`."""
    player.send(RequestLog())
    log = player.wait_for(SendLog)
    return [
        (sent, deadline)
        for sent, deadline, _port, data in log.entries
        if data[0] & 0xF0 == 0x90 and data[1] == pitch and data[2] > 0
    ]


def test_the_first_line_of_every_loop_pass_leaves_on_time_like_the_others(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=build_song(BAR, bpm=300, lpb=4), loop=True))  # a bar in 0.8 s
    receiver.wait_for(
        lambda got: sum(m[0] == 0x90 and m[1] == DOWNBEAT for m in got) >= 7, timeout=10
    )
    downbeats, others = sends(player, DOWNBEAT), sends(player, OTHERS)
    player.send(Play(song=build_song(BAR, bpm=300, lpb=4)))
    player.wait_for(Stopped, timeout=5)
    late_us = [(sent - deadline) / 1000 for sent, deadline in downbeats[1:]]  # the wraps
    # half a period (667 us) or more each, had the wrap waited for the line's own instant
    assert statistics.median(late_us) < LEAD_NS / 2000, late_us
    # every line 50 ms apart on the player's deadlines, across the wraps too
    deadlines = sorted(d for _, d in downbeats + others)
    gaps = {round((b - a) / 1e6) for a, b in itertools.pairwise(deadlines)}
    assert gaps == {50}
