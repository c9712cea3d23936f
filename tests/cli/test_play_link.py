"""`tracker play SONG --link --port NAME` as a musician runs it beside another Link app
(a peer process on the other binding): it joins, says so on the status line, plays."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tests.support.link_peer import LinkPeer
from tracker.song.storage import save_song

pytestmark = pytest.mark.jack

BEATS = "\n".join(["C-4 01 64 ...", "--- .. .. ...", "OFF .. .. ...", "--- .. .. ..."] * 8)


def test_play_with_link_joins_the_session_and_shows_its_peers_and_tempo(
    receiver: Receiver, tmp_path: Path
) -> None:
    song = tmp_path / "beats.toml"
    save_song(build_song(BEATS, bpm=120), song)
    peer = LinkPeer(90.0)
    play = subprocess.Popen(
        [sys.executable, "-m", "tracker", "play", str(song), "--link", "--port", receiver.name],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        peer.wait_for_peers()
        peer.say("tempo 90")
        time.sleep(1.5)
        got = receiver.wait_for(lambda got: bytes((0x90, 60, 100)) in got, timeout=10)
        assert bytes((0x90, 60, 100)) in got
        play.send_signal(signal.SIGINT)
        out, err = play.communicate(timeout=10)
    finally:
        if play.poll() is None:
            play.kill()
        peer.close()
    assert play.returncode == 130, err
    assert "link: 1 peer, 90.0 bpm" in out
