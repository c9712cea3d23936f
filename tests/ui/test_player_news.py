"""With `--listen-delay`, what the player says reaches the screen as late as a listener
hears it (tracker/ui/player_news.py): the playhead and the meters; without a delay, at once.
"""

from __future__ import annotations

from tests.support.pilot import RecordingPlayer
from tracker.listen.address import ListenAddress
from tracker.player.audio_out import AudioOut
from tracker.player.protocol import Levels, PlayerConfig, Playhead
from tracker.ui.player_link import Transport


class ListeningPlayer(RecordingPlayer):
    """A player serving the stream with `--listen-delay 150`."""

    config = PlayerConfig(audio_out=AudioOut(listen=ListenAddress("127.0.0.1", 8765), delay_ms=150))


def listening_150_ms_behind(now: list[float]) -> tuple[ListeningPlayer, Transport]:
    """A transport on that player, its clock reading `now[0]`."""
    link = ListeningPlayer()
    transport = Transport(link, clock=lambda: now[0])
    transport.connected(link)
    return link, transport


def test_with_a_listen_delay_the_playhead_moves_with_what_the_listener_hears() -> None:
    """`tracker SONG --listen 8765 --listen-delay 150`: each playhead shows 150 ms later."""

    now = [100.0]
    link, transport = listening_150_ms_behind(now)
    link.replies.append(Playhead(order=0, line=4, pattern="00", bpm=120.0))
    assert transport.poll().playhead is None  # heard 150 ms from now
    now[0] += 0.1
    assert transport.poll().playhead is None
    now[0] += 0.06
    shown = transport.poll().playhead
    assert shown is not None and shown.line == 4
    assert transport.poll().playhead is None  # shown once


def test_without_a_listen_delay_the_playhead_shows_at_once() -> None:
    link = RecordingPlayer()
    transport = Transport(link, clock=lambda: 100.0)
    link.replies.append(Playhead(order=0, line=4, pattern="00", bpm=120.0))
    shown = transport.poll().playhead
    assert shown is not None and shown.line == 4


def test_with_a_listen_delay_the_meters_move_with_what_the_listener_hears() -> None:
    now = [100.0]
    link, transport = listening_150_ms_behind(now)
    link.replies.append(Levels(bytes([200, 10]), master=200))
    assert transport.poll().levels is None  # heard 150 ms from now
    now[0] += 0.16
    shown = transport.poll().levels
    assert shown is not None and shown.tracks == bytes([200, 10])
    assert transport.poll().levels is None  # shown once
