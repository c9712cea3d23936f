"""The time a bounce covers: --from and --to render only those order entries, and the
tail is exactly as long as asked or, by default, runs until the release and reverb fall
silent, with notes held at the end released.

Songs are short (about a second at 240 bpm: tests/support/band.py) and rendered by real
FluidSynth with the system's General MIDI font.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.audio import RATE, note_timeline, onset, peak_db
from tests.support.audio import read_render as read
from tests.support.band import band_song
from tests.support.builders import build_song
from tracker.audio.bounce import bounce
from tracker.audio.render import MAX_TAIL_SECONDS, render_timeline
from tracker.engine.timeline import compile_song as _compile


def test_from_and_to_render_only_those_order_entries(soundfont: Path, tmp_path: Path) -> None:
    whole = bounce(band_song(), tmp_path / "all", tail=0.0, soundfont=soundfont)
    bridge = bounce(
        band_song(), tmp_path / "bridge", from_order=1, to_order=1, tail=0.0, soundfont=soundfont
    )
    groove = bounce(
        band_song(), tmp_path / "groove", from_order=0, to_order=0, tail=0.0, soundfont=soundfont
    )
    line = 60 / 240 / 4
    assert whole.duration == pytest.approx(12 * line, abs=1 / RATE)
    assert bridge.duration == pytest.approx(4 * line, abs=1 / RATE)
    assert groove.duration == pytest.approx(8 * line, abs=1 / RATE)
    assert onset(read(bridge.mix)) < 2 * 64, "the bridge starts at once"


def test_a_fixed_tail_adds_exactly_that_many_seconds(soundfont: Path) -> None:
    timeline = note_timeline((0.0, 0.25, 60), duration=0.5)
    audio = render_timeline(timeline, band_song(), soundfont, RATE, tail_seconds=1.5)
    assert audio.shape == (round(2.0 * RATE), 2)


def test_the_tail_runs_until_the_release_and_reverb_fall_silent(soundfont: Path) -> None:
    timeline = note_timeline((0.0, 0.25, 60), duration=0.5)
    audio = render_timeline(timeline, band_song(), soundfont, RATE)
    body = round(0.5 * RATE)
    tail = audio[body:]
    assert 0 < tail.shape[0] < MAX_TAIL_SECONDS * RATE
    assert peak_db(tail[:4096]) > -70, "the release and reverb still sound after the last line"
    assert peak_db(tail[-64:]) < -80, "and the render stops where they have died away"


def test_notes_held_at_the_end_are_released_so_the_tail_ends(soundfont: Path) -> None:
    held = build_song("C-4 01 64 ...\n--- .. .. ...", bpm=240)  # no OFF
    audio = render_timeline(_compile(held), held, soundfont, RATE)
    assert audio.shape[0] < (0.125 + MAX_TAIL_SECONDS) * RATE
