"""`tracker play --listen-fallback`: a track on a hardware synth sounds in the
server's room, on its MIDI port; the stream and the capture hold it only when asked,
through its soundfont stand-in (the device file's fallback program), as `tracker
render` always does.

The song: a piano (soundfont) plays a note in its first second, a MicroFreak (a
device whose port is a JACK port of this test, named as the synth's would be) in its
second. The capture (`--record-audio`, the stream's own mix) is nulled against
renders: with the flag, the render of the song; without it, the render of the same
song with the synth's part left empty.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.support.builders import build_song
from tests.support.command import USAGE, assert_refused, tracker
from tests.support.jack import Receiver
from tracker.errors import UsageError
from tracker.listen.address import ListenAddress
from tracker.song.model import Instrument, Song
from tracker.song.storage import save_song
from tracker.ui import editor_player_config

pytestmark = pytest.mark.jack


def notes_heard(synth: Receiver) -> list[int]:
    """The keys the synth's port received note-ons for."""
    return [m[1] for m in synth.data() if m[0] & 0xF0 == 0x90 and len(m) == 3 and m[2]]


def piano_then_synth(synth_plays: bool) -> Song:
    """Two seconds at 120 bpm: the piano's C-4 on line 0, the synth's C-4 on line 8."""
    synth = "C-4 02 64 ..." if synth_plays else "--- .. .. ..."
    rows = (
        "C-4 01 64 ... | --- .. .. ...\n"
        + "--- .. .. ... | --- .. .. ...\n" * 3
        + "OFF .. .. ... | --- .. .. ...\n"
        + "--- .. .. ... | --- .. .. ...\n" * 3
        + f"--- .. .. ... | {synth}\n"
        + "--- .. .. ... | --- .. .. ...\n" * 3
        + "--- .. .. ... | OFF .. .. ...\n"
        + "--- .. .. ... | --- .. .. ...\n" * 3
    )
    return build_song(
        rows,
        instruments={
            1: Instrument("Piano", program=0),
            2: Instrument("Freak", device="microfreak", channel=2),
        },
    )


@pytest.fixture
def microfreak(jack_server: str) -> Iterator[Receiver]:
    """A JACK port the MicroFreak's device file (ports = ["MicroFreak"]) matches."""
    with Receiver(f"MicroFreak-{uuid.uuid4().hex[:6]}") as synth:
        yield synth


def capture(song: Path, take: Path, *flags: str) -> np.ndarray:
    played = tracker("play", song, "--record-audio", take, *flags)
    assert played.returncode == 0, played.stderr
    audio, rate = soundfile.read(take, dtype="int32")
    assert rate == 44100
    return np.asarray(audio)


def render(song: Path, folder: Path) -> np.ndarray:
    rendered = tracker("render", song, "-o", folder)
    assert rendered.returncode == 0, rendered.stderr
    audio, _ = soundfile.read(folder / "mix.wav", dtype="int32")
    return np.asarray(audio)


def test_the_synth_in_the_room_is_captured_through_its_stand_in_only_with_the_flag(
    tmp_path: Path, microfreak: Receiver
) -> None:
    song, without_synth = tmp_path / "song.toml", tmp_path / "piano-only.toml"
    save_song(piano_then_synth(synth_plays=True), song)
    save_song(piano_then_synth(synth_plays=False), without_synth)

    plain = capture(song, tmp_path / "plain.wav")
    assert notes_heard(microfreak) == [60], "the room hears the synth"
    microfreak.clear()
    mirrored = capture(song, tmp_path / "mirrored.wav", "--listen-fallback")
    assert notes_heard(microfreak) == [60], "... with the flag too"

    # Without the flag the capture is the piano alone; with it, what render writes.
    assert np.array_equal(plain, render(without_synth, tmp_path / "piano"))
    full = render(song, tmp_path / "full")
    assert np.array_equal(mirrored, full)
    second = slice(44100, 88200)
    loud = np.abs(mirrored[second].astype(np.float64)).max() / 2**31
    quiet = np.abs(plain[second].astype(np.float64)).max() / 2**31
    assert loud > 0.01 and loud > 100 * quiet, (loud, quiet)


def test_the_flag_needs_a_stream_or_a_capture_to_go_into(tmp_path: Path) -> None:
    song = tmp_path / "song.toml"
    save_song(piano_then_synth(synth_plays=True), song)
    result = tracker("play", song, "--listen-fallback")
    assert_refused(result, USAGE, "--listen-fallback", "--listen or --record-audio")


def test_the_editor_hands_the_flag_to_its_player_and_needs_a_stream_for_it() -> None:
    """`tracker SONG --listen 8765 --listen-fallback`: the same rule in the editor."""
    config = editor_player_config(listen=ListenAddress("127.0.0.1", 8765), listen_fallback=True)
    assert config is not None and config.audio_out is not None and config.audio_out.fallback
    plain = editor_player_config(listen=ListenAddress("127.0.0.1", 8765))
    assert plain is not None and plain.audio_out is not None and not plain.audio_out.fallback
    with pytest.raises(UsageError, match="--listen-fallback needs --listen"):
        editor_player_config(listen_fallback=True)
