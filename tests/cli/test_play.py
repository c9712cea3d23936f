"""`tracker play` headless, as a musician runs it: a real process, real ports,
Ctrl+C or SIGTERM mid-song, and no note left hanging."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tracker.song.storage import save_song

pytestmark = pytest.mark.jack

HELD = "C-4 01 64 ... | E-4 01 64 ...\n" + "--- .. .. ... | --- .. .. ...\n" * 31


def start_play(song: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "play", str(song), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_mid_song_stops_with_every_note_off(
    receiver: Receiver, tmp_path: Path, sig: signal.Signals
) -> None:
    song = tmp_path / "held.toml"
    save_song(build_song(HELD, bpm=120), song)
    play = start_play(song, "--port", receiver.name)
    try:
        got = receiver.wait_for(lambda got: bytes((0x90, 64, 100)) in got, timeout=10)
        assert bytes((0x90, 60, 100)) in got
        play.send_signal(sig)
        out, err = play.communicate(timeout=10)
    finally:
        if play.poll() is None:
            play.kill()
    assert play.returncode == 128 + sig, err  # stopped cleanly, by that signal
    assert "stopped" in out
    got = receiver.wait_for(lambda got: bytes((0xB0, 123, 0)) in got)
    tail = got[got.index(bytes((0x90, 64, 100))) + 1 :]
    assert sorted(tail) == sorted(
        [bytes((0x80, 60, 0)), bytes((0x80, 64, 0)), bytes((0xB0, 123, 0))]
    )


def test_a_short_song_plays_to_its_end_and_says_so(receiver: Receiver, tmp_path: Path) -> None:
    song = tmp_path / "short.toml"
    save_song(build_song("C-4 01 64 ...\nOFF .. .. ...", bpm=240), song)
    play = start_play(song, "--port", receiver.name)
    out, err = play.communicate(timeout=20)
    assert play.returncode == 0, err
    assert "end of song" in out
    # The player has left, but the receiver's thread may still be reading what it sent:
    # wait for the note-off itself, not for a count of messages (bank and program come first).
    note_off = bytes((0x80, 60, 0))
    assert note_off in receiver.wait_for(lambda got: note_off in got)


def test_an_unknown_port_is_a_clear_error_not_a_traceback(jack_server: str, tmp_path: Path) -> None:
    song = tmp_path / "s.toml"
    save_song(build_song("C-4 01 64 ..."), song)
    play = start_play(song, "--port", "no-such-synth")
    _out, err = play.communicate(timeout=20)
    assert play.returncode != 0
    assert "no-such-synth" in err
    assert "Traceback" not in err


def test_without_a_sound_card_play_says_once_that_soundfont_tracks_are_silent(
    jack_server: str, tmp_path: Path
) -> None:
    song = tmp_path / "piano.toml"
    save_song(build_song("C-4 01 64 ...\nOFF .. .. ...\n" * 4, bpm=240), song)
    env = {**os.environ, "TRACKER_AUDIO_DRIVER": "alsa"}  # no sound card on this machine
    play = subprocess.run(
        [sys.executable, "-m", "tracker", "play", str(song)],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
    )
    assert play.returncode == 0, play.stderr
    assert play.stdout.count("no audio device: soundfont tracks are silent") == 1
    assert "end of song" in play.stdout
