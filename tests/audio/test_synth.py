"""FluidSynth offline and live: where a note lands in the render, the settings
it shares with the `fluidsynth` command line, and clean failures."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.support.audio import RATE, note_timeline, onset, peak_db
from tests.support.command import ROOT
from tracker.audio.render import render_timeline
from tracker.audio.synth import BLOCK, Synth, SynthSettings
from tracker.errors import AudioError, SoundfontError
from tracker.song.model import Instrument, Song, Track

PIANO = Song(tracks=[Track("Keys")], instruments={1: Instrument("Piano", program=0)})
MIDDLE_C = 60


def next_block(frame: int) -> int:
    return -(-frame // BLOCK) * BLOCK


@pytest.mark.parametrize("frame", [4410, 4416, 4417, 4479])
def test_a_note_sounds_from_the_first_64_frame_block_at_or_after_its_sample(
    soundfont: Path, frame: int
) -> None:
    # One C-4 placed at an exact sample: FluidSynth starts it on its block grid,
    # so the sound begins in the block that starts at or after that sample
    # (the piano sample's own attack takes a few frames to reach -100 dBFS).
    at = frame / RATE
    audio = render_timeline(
        note_timeline((at, at + 0.2, MIDDLE_C), duration=0.4), PIANO, soundfont, RATE,
        tail_seconds=0.0,
    )  # fmt: skip
    first = onset(audio, threshold_db=-100)
    assert next_block(frame) <= first < next_block(frame) + BLOCK
    assert first - frame < 2 * BLOCK


def test_moving_a_note_by_one_sample_across_a_block_edge_moves_it_by_a_whole_block(
    soundfont: Path,
) -> None:
    def first_sound(frame: int) -> int:
        at = frame / RATE
        timeline = note_timeline((at, at + 0.1, MIDDLE_C), duration=0.3)
        return onset(render_timeline(timeline, PIANO, soundfont, RATE, tail_seconds=0.0))

    assert first_sound(4417) - first_sound(4416) == BLOCK
    assert first_sound(4479) == first_sound(4417)


def test_before_the_first_note_the_render_is_silent(soundfont: Path) -> None:
    audio = render_timeline(
        note_timeline((0.25, 0.5, MIDDLE_C), duration=0.6), PIANO, soundfont, RATE,
        tail_seconds=0.0,
    )  # fmt: skip
    # The reverb keeps a denormal guard of about -150 dBFS running: that is silence.
    assert peak_db(audio[: round(0.25 * RATE)]) < -120
    assert peak_db(audio[round(0.25 * RATE) :]) > -40


def test_reads_split_anywhere_give_the_same_audio_as_one_large_read(soundfont: Path) -> None:
    def render(sizes: list[int]) -> np.ndarray:
        with Synth(soundfont) as synth:
            synth.select(0, program=0)
            synth.send(note_timeline((0.0, 1.0, MIDDLE_C), duration=1.0).events[0])
            return np.concatenate([synth.render(n) for n in sizes])

    one_read = render([6000])
    assert np.array_equal(render([37, 64, 1000, 4899]), one_read)
    assert peak_db(one_read) > -40


def test_each_channel_plays_into_its_own_output_and_the_outputs_sum_to_one_output(
    soundfont: Path,
) -> None:
    # Three outputs: channel c plays into output c % 3. A C-4 on channel 1 and
    # an E-4 on channel 2, each with its own reverb and chorus.
    def play(synth: Synth) -> None:
        for channel, note in ((1, MIDDLE_C), (2, MIDDLE_C + 4)):
            synth.select(channel, program=0)
            synth._fs.noteon(channel, note, 100)

    with Synth(soundfont, SynthSettings(groups=3)) as synth:
        play(synth)
        outputs = np.concatenate([synth.render_groups(4000).copy() for _ in range(11)], axis=2)
    with Synth(soundfont) as synth:
        play(synth)
        one_output = synth.render(44000)

    silent, c4, e4 = (peak_db(out) for out in outputs)
    assert silent < -120, "nothing plays on channel 0, 3, 6 ..."
    assert c4 > -40 and e4 > -40
    assert peak_db(outputs.sum(axis=0).T - one_output) < -100


def test_a_channel_reset_as_drums_starts_on_the_drum_kit_and_any_other_on_the_piano(
    soundfont: Path,
) -> None:
    # A remapped channel starts as the song's channel would: channel 10's kit
    # (bank 128), or program 0 of bank 0, until a program is chosen.
    def kick(channel: int, reset: bool | None = None, bank: int | None = None) -> np.ndarray:
        with Synth(soundfont, SynthSettings(channels=32)) as synth:
            if reset is not None:
                synth.reset_channel(channel, drum=reset)
            if bank is not None:
                synth.select(channel, program=0, bank=bank)
            synth._fs.noteon(channel, 36, 100)
            return synth.render(8000)

    drum_kit, piano = kick(9, bank=128), kick(9, bank=0)
    assert not np.array_equal(drum_kit, piano)
    assert np.array_equal(kick(25, reset=True), drum_kit)
    assert np.array_equal(kick(9, reset=False), piano)


def test_the_default_settings_are_the_fluidsynth_command_lines_defaults(soundfont: Path) -> None:
    # Ask the command line itself (its shell's `settings` command), so a render
    # here can be compared with `fluidsynth -F` run without -o options.
    shown = subprocess.run(
        ["fluidsynth", "-n", "-q", "-a", "file", "-o", "audio.file.name=/dev/null", str(soundfont)],
        input="settings\nquit\n", capture_output=True, text=True, timeout=30, check=True,
    ).stdout  # fmt: skip
    rows = [line.split(None, 1) for line in shown.splitlines() if line.startswith("synth.")]
    cli = {row[0]: row[1].strip() for row in rows if len(row) == 2}
    ours = SynthSettings()
    assert float(cli["synth.gain"]) == pytest.approx(ours.gain)
    assert float(cli["synth.sample-rate"]) == ours.rate
    assert int(cli["synth.polyphony"]) == ours.polyphony
    assert int(cli["synth.midi-channels"]) == ours.channels
    assert cli["synth.reverb.active"] == str(ours.reverb)
    assert float(cli["synth.reverb.level"]) == pytest.approx(ours.reverb_level)
    assert cli["synth.chorus.active"] == str(ours.chorus)
    assert float(cli["synth.chorus.level"]) == pytest.approx(ours.chorus_level)


def test_reverb_off_leaves_nothing_after_the_notes_release(soundfont: Path) -> None:
    def tail_level(settings: SynthSettings) -> float:
        timeline = note_timeline((0.0, 0.2, MIDDLE_C), duration=0.2)
        audio = render_timeline(
            timeline, PIANO, soundfont, RATE, tail_seconds=3.0, settings=settings
        )
        return peak_db(audio[-RATE // 2 :])

    dry = tail_level(SynthSettings(reverb=False, chorus=False))
    wet = tail_level(SynthSettings(reverb=True, reverb_level=1.0))
    assert wet > dry + 20


# Four synths made at once by four threads, in each of several forks of an
# interpreter that has made no synth yet (only a process's first synths can meet
# the race, and a fork is a fresh one at a fraction of a new interpreter's cost).
# Each thread waits at FluidSynth's constructor until all four have arrived (20 ms
# at most), so they enter it together: the first one's unlocked set-up lasts about
# a millisecond. Prints how many different sounds each fork's four synths made.
SYNTHS_AT_ONCE = """
import os, sys, threading, time
from pathlib import Path
from tracker.audio.fluid import fluidsynth
from tracker.audio.synth import Synth
from tracker.engine.events import Event, Kind

font, count, forks = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
make = fluidsynth.new_fluid_synth

def sounds():
    arrived, heard = [], [b""] * count

    def gathered(settings):
        arrived.append(settings)
        until = time.monotonic() + 0.02
        while len(arrived) < count and time.monotonic() < until:
            time.sleep(0)
        return make(settings)

    fluidsynth.new_fluid_synth = gathered

    def play(i):
        with Synth(font) as synth:
            synth.select(0, 0)
            synth.send(Event(0.0, 0.0, 0, Kind.NOTE_ON, 0, 0, 60, 100, 1))
            heard[i] = synth.render(2048).tobytes()

    threads = [threading.Thread(target=play, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(set(heard))

made = []
for _ in range(forks):
    pid = os.fork()
    if pid == 0:
        os._exit(sounds())
    made.append(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
print(*made)
"""


def test_synths_made_at_once_by_a_fresh_process_play_the_same_note_the_same_way(
    soundfont: Path,
) -> None:
    # The bounce makes its mix and stems synths at once in two threads. A synth
    # made while FluidSynth was still writing its default modulators (velocity to
    # attenuation and filter, volume, pan...) played a whole pass differently:
    # about one `tracker render --stems` in five. Unfixed, about 4 forks in 10
    # show it here; 12 forks.
    run = subprocess.run(
        [sys.executable, "-c", SYNTHS_AT_ONCE, str(soundfont), "4", "12"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["1"] * 12, f"sounds per fork: {run.stdout}{run.stderr[:300]}"


def test_a_missing_soundfont_is_an_error_that_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "font.sf2"
    with pytest.raises(SoundfontError, match=r"soundfont .*nowhere/font\.sf2 does not exist"):
        Synth(missing)


def test_a_font_with_a_good_header_but_a_broken_body_is_refused_with_fluidsynths_reason(
    tmp_path: Path,
) -> None:
    # The header check passes (RIFF, a size that fits, sfbk); FluidSynth finds no chunks.
    body = b"sfbk" + b"\0" * 64
    fake = tmp_path / "song.sf2"
    fake.write_bytes(b"RIFF" + len(body).to_bytes(4, "little") + body)
    with pytest.raises(SoundfontError, match=r"cannot load soundfont .*song\.sf2") as caught:
        Synth(fake)
    assert "Failed to load SoundFont" in caught.value.message


def test_a_program_the_font_lacks_falls_back_to_bank_0_with_a_warning(soundfont: Path) -> None:
    with Synth(soundfont) as synth:
        synth.select(0, program=0, bank=5)
        assert synth.warnings == [
            "soundfont has no program 0 in bank 5: channel 1 plays bank 0 program 0"
        ]


def test_live_output_without_a_sound_card_fails_cleanly_and_says_so(
    soundfont: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No sound card, no PulseAudio, and a JACK server name nobody runs.
    monkeypatch.setenv("JACK_DEFAULT_SERVER", f"tracker-none-{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("JACK_NO_START_SERVER", "1")
    with Synth(soundfont) as synth:
        started = time.monotonic()
        with pytest.raises(AudioError, match="no audio device") as caught:
            synth.start_output()
        assert time.monotonic() - started < 5
        assert not synth.is_live
        for driver in ("pulseaudio", "jack", "alsa"):
            assert f"{driver}: " in caught.value.message
        # The synth is still usable offline.
        assert synth.render(64).shape == (64, 2)


@pytest.fixture
def jack_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private JACK server on the dummy backend (no sound card needed)."""
    if shutil.which("jackd") is None:
        pytest.fail("jackd is missing: run `make setup`")
    name = f"tracker-synth-{uuid.uuid4().hex[:8]}"
    server = subprocess.Popen(
        ["jackd", "-n", name, "-d", "dummy", "-r", str(RATE), "-p", "256"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "JACK_NO_AUDIO_RESERVATION": "1"},
    )  # fmt: skip
    monkeypatch.setenv("JACK_DEFAULT_SERVER", name)
    try:
        deadline = time.monotonic() + 10
        while subprocess.run(["jack_lsp"], capture_output=True, env={**os.environ}).returncode:
            assert server.poll() is None, "jackd exited"
            assert time.monotonic() < deadline, "jackd did not come up"
            time.sleep(0.1)
        yield name
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_live_output_plays_into_a_running_jack_server(soundfont: Path, jack_server: str) -> None:
    with Synth(soundfont) as synth:
        assert synth.start_output("jack") == "jack"
        assert synth.is_live
        ports = subprocess.run(["jack_lsp"], capture_output=True, text=True, check=True).stdout
        assert "fluidsynth" in ports
        synth.stop_output()
        assert not synth.is_live


def test_live_output_on_jack_connects_to_the_system_playback_ports(
    soundfont: Path, jack_server: str
) -> None:
    """A user on real JACK hears the song without patching anything."""
    with Synth(soundfont) as synth:
        synth.start_output("jack")
        connections = subprocess.run(
            ["jack_lsp", "-c"], capture_output=True, text=True, check=True
        ).stdout
    # jack_lsp -c lists each port, then its connections indented beneath it
    connected: dict[str, list[str]] = {}
    port = ""
    for line in connections.splitlines():
        if line.startswith(" "):
            connected[port].append(line.strip())
        else:
            port = line.strip()
            connected[port] = []
    ours = {name: peers for name, peers in connected.items() if name.startswith("fluidsynth")}
    assert len(ours) >= 2, connections  # left and right
    for name, peers in ours.items():
        assert any(p.startswith("system:playback_") for p in peers), (name, connections)
