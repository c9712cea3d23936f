"""The audio process's core, in-process: the player's messages in, the stream and
the capture out, and what it reports. (tests/player/test_audio_link.py and
tests/cli/test_play_listen.py meet the real process through the player.)"""

from __future__ import annotations

import socket
import time
import urllib.request
from pathlib import Path

import soundfile

from tracker.engine.events import Kind
from tracker.listen.address import ListenAddress
from tracker.player.audio_out import AudioOut
from tracker.player.audio_process import AudioProcess

NS = 1_000_000_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_note_played_is_streamed_captured_and_reported(soundfont: Path, tmp_path: Path) -> None:
    port = free_port()
    out = AudioOut(
        listen=ListenAddress("127.0.0.1", port), record=tmp_path / "take.flac", title="Note"
    )
    origin = time.perf_counter_ns()
    process = AudioProcess(out, soundfont, origin)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/state.json", timeout=5) as r:
            assert b'"state": "stopped"' in r.read()
        listener = urllib.request.urlopen(f"http://127.0.0.1:{port}/stream.ogg", timeout=5)
        start = origin + NS // 10
        assert process.handle(("start", start))
        assert process.handle(("play", start, int(Kind.NOTE_ON), 0, 0, 60, 100, None))
        assert process.handle(("play", start + NS // 2, int(Kind.NOTE_OFF), 0, 0, 60, 0, None))
        assert process.now_playing().state == "playing"
        process.mix.advance(origin + NS)
        assert process.handle(("release", start + NS, origin + NS, (), True))
        assert process.now_playing().state == "stopped"
        stats = process.stats()
        assert stats.peak > 0.01 and stats.listeners == 1 and stats.recorded_s is not None
        assert listener.read(4) == b"OggS"
        assert not process.handle(("quit",))
    finally:
        done = process.finish()
    assert isinstance(done, float) and done > 0.5
    captured, rate = soundfile.read(tmp_path / "take.flac")
    assert rate == 44100 and len(captured) == round(done * rate)
    assert abs(captured).max() > 0.01


def test_the_capture_key_records_from_now_until_it_is_pressed_again(
    soundfont: Path, tmp_path: Path
) -> None:
    origin = time.perf_counter_ns()
    process = AudioProcess(
        AudioOut(listen=ListenAddress("127.0.0.1", free_port())), soundfont, origin
    )
    try:
        process.mix.advance(origin + NS // 2)  # half a second before the key
        process.handle(("capture", tmp_path / "take.wav"))
        start = origin + NS // 2
        process.handle(("start", start))
        process.handle(("play", start, int(Kind.NOTE_ON), 0, 0, 60, 100, None))
        process.mix.advance(origin + NS)
        process.handle(("capture", None))
        process.mix.advance(origin + 2 * NS)  # played on, not captured
    finally:
        process.handle(("quit",))
        process.finish()
    assert process.said[0] == f"recording audio to {tmp_path / 'take.wav'}"
    assert process.said[1].startswith(f"recorded {tmp_path / 'take.wav'} (0.5 s)")
    captured, rate = soundfile.read(tmp_path / "take.wav")
    assert abs(len(captured) - rate // 2) < 64 and abs(captured).max() > 0.01


def test_the_levels_tell_each_soundfont_track_apart_unless_a_capture_runs_from_the_start(
    soundfont: Path, tmp_path: Path
) -> None:
    """The meters' reply: the mix and each track that plays alone in its output, as
    level bytes; a capture from the start keeps one output (the bounce's samples)."""
    for record in (None, tmp_path / "take.wav"):
        origin = time.perf_counter_ns()
        process = AudioProcess(AudioOut(record=record), soundfont, origin)
        try:
            start = origin + NS // 10
            process.handle(("start", start))
            process.handle(("play", start, int(Kind.NOTE_ON), 0, 0, 60, 120, None))
            process.handle(("play", start, int(Kind.NOTE_ON), 1, 1, 64, 30, None))
            process.mix.advance(origin + NS // 2)
            kind, master, tracks = process.levels()
            assert kind == "levels" and master > 0
            if record is None:
                assert set(tracks) == {0, 1} and tracks[0] > tracks[1] > 0
            else:
                assert tracks == {}, "capturing: one output, the note activity meters"
            process.handle(("quit",))
        finally:
            process.finish()
