"""The stream as outside clients see it: ffmpeg decodes it, a browser gets a page,
a stranger without the token is refused, and a listener who stops reading costs
the producer nothing."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import soundfile

from tests.listen.conftest import Stream, start_stream


def ffmpeg_record(url: str, seconds: float, out: Path) -> subprocess.Popen[bytes]:
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is installed by `make setup` (Debian package ffmpeg)"
    return subprocess.Popen(
        [ffmpeg, "-nostdin", "-loglevel", "error", "-y", "-i", url, "-t", str(seconds), str(out)],
        stderr=subprocess.PIPE,
    )


def main_frequency(path: Path) -> float:
    audio, rate = soundfile.read(path, dtype="float32")
    mono = audio.mean(axis=1)[rate // 10 :]  # past the codec's start-up
    spectrum = np.abs(np.fft.rfft(mono * np.hanning(len(mono))))
    return float(np.fft.rfftfreq(len(mono), 1 / rate)[np.argmax(spectrum)])


def test_ffmpeg_records_the_tone_that_is_playing(stream: Stream, tmp_path: Path) -> None:
    out = tmp_path / "out.wav"
    ffmpeg = ffmpeg_record(stream.url, 1.5, out)
    _, err = ffmpeg.communicate(timeout=30)
    assert ffmpeg.returncode == 0, err.decode()
    audio, rate = soundfile.read(out, dtype="float32")
    assert rate == 48000 and audio.shape[1] == 2
    assert abs(main_frequency(out) - 440) < 3
    level = 20 * np.log10(np.sqrt(np.mean(audio[rate // 10 :] ** 2)))
    assert -16 < level < -12  # a 0.25 sine is -15 dBFS RMS; Opus keeps its level


def test_a_listener_starts_with_the_current_audio_not_the_beginning(
    stream: Stream, tmp_path: Path
) -> None:
    time.sleep(1.0)  # a second of 440 Hz with nobody listening
    stream.source.frequency = 880.0
    time.sleep(0.1)
    out = tmp_path / "late.wav"
    ffmpeg = ffmpeg_record(stream.url, 1.0, out)
    assert ffmpeg.wait(timeout=30) == 0
    assert abs(main_frequency(out) - 880) < 3


def test_two_listeners_hear_it_at_once(stream: Stream, tmp_path: Path) -> None:
    first = ffmpeg_record(stream.url, 1.0, tmp_path / "a.wav")
    second = ffmpeg_record(stream.url, 1.0, tmp_path / "b.wav")
    assert first.wait(timeout=30) == 0 and second.wait(timeout=30) == 0
    for name in ("a.wav", "b.wav"):
        assert abs(main_frequency(tmp_path / name) - 440) < 3


def test_the_first_audio_arrives_within_a_frame_or_two(stream: Stream) -> None:
    time.sleep(0.2)
    began = time.monotonic()
    with urllib.request.urlopen(stream.url, timeout=5) as response:
        assert response.headers["Content-Type"] == "audio/ogg"
        head = response.read(4)
        first_page = time.monotonic() - began
    assert head == b"OggS"
    assert first_page < 0.5


def test_the_page_names_the_song_safely_and_plays_the_stream(stream: Stream) -> None:
    base = f"http://127.0.0.1:{stream.server.port}"
    page = urllib.request.urlopen(f"{base}/", timeout=5).read().decode()
    assert "Tone &lt;test&gt;" in page and "<test>" not in page
    assert 'src="/stream.ogg"' in page
    state = urllib.request.urlopen(f"{base}/state.json", timeout=5).read()
    assert state == b'{"title": "Tone <test>", "state": "playing"}'


def test_away_from_loopback_a_token_is_required() -> None:
    running, thread = start_stream(host="0.0.0.0")
    try:
        token = running.server.token
        assert token and f"?token={token}" in running.server.url
        base = f"http://127.0.0.1:{running.server.port}"
        for path in ("/", "/stream.ogg", "/state.json", "/stream.ogg?token=guess"):
            try:
                urllib.request.urlopen(base + path, timeout=5)
                raise AssertionError(f"{path} was served without the token")
            except urllib.error.HTTPError as refused:
                assert refused.code == 403
        with urllib.request.urlopen(f"{base}/stream.ogg?token={token}", timeout=5) as ok:
            assert ok.read(4) == b"OggS"
    finally:
        running.source.stop()
        thread.join(2)
        running.server.close()


def test_a_stalled_listener_loses_pages_and_holds_nobody_up(stream: Stream, tmp_path: Path) -> None:
    stream.source.stop()  # this test feeds the stream itself, faster than real time
    time.sleep(0.1)
    feed, counts = stream.source.feed, stream.server.broadcast.counts
    noise = np.random.default_rng(7).uniform(-0.1, 0.1, (4800, 2))
    tenth = noise.astype(np.float32)  # noise: Opus makes silence almost free
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(("127.0.0.1", stream.server.port))
    stalled.sendall(b"GET /stream.ogg HTTP/1.0\r\n\r\n")  # and never reads again
    try:
        publish_seconds = []
        deadline = time.monotonic() + 30
        while counts().dropped == 0 and time.monotonic() < deadline:
            began = time.perf_counter()
            feed.push(tenth)
            publish_seconds.append(time.perf_counter() - began)
        assert counts().dropped > 0
        assert max(publish_seconds) < 0.05  # encoding a tenth of a second, never a wait
        other = ffmpeg_record(stream.url, 1.0, tmp_path / "other.wav")
        while other.poll() is None and time.monotonic() < deadline:
            feed.push(tenth)  # the stalled listener still connected, still losing pages
            time.sleep(0.05)
        assert other.returncode == 0  # another listener is served all along
        assert counts().listeners == 2
    finally:
        stalled.close()
