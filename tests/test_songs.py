"""The shipped songs load, and the demo is the piece the README promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.engine.events import Kind
from tracker.engine.timeline import compile_song
from tracker.song.canonical import dumps
from tracker.song.storage import load_song

SONGS = Path(__file__).parent.parent / "songs"
SHIPPED = sorted(SONGS.glob("*.toml"))


def test_there_is_a_demo_and_two_feature_songs() -> None:
    names = {p.name for p in SHIPPED}
    assert "demo.toml" in names
    assert len(names) >= 3


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_shipped_song_is_saved_in_canonical_form(path: Path) -> None:
    assert dumps(load_song(path)) == path.read_text(encoding="utf-8")


def test_the_demo_is_a_real_piece_of_at_least_a_minute() -> None:
    song = load_song(SONGS / "demo.toml")
    timeline = compile_song(song)
    assert timeline.duration >= 60
    assert len(song.tracks) >= 6
    assert len(song.patterns) >= 4
    assert len(song.order) > len(song.patterns)  # patterns come back: an arrangement, not a list


def test_the_demo_has_drums_on_channel_10_and_every_track_plays() -> None:
    song = load_song(SONGS / "demo.toml")
    timeline = compile_song(song)
    notes = [e for e in timeline.events if e.kind is Kind.NOTE_ON]
    assert {e.track for e in notes} == set(range(len(song.tracks)))
    drums = next(i for i, t in enumerate(song.tracks) if t.name == "Drums")
    assert {e.channel for e in notes if e.track == drums} == {9}


def test_the_demo_uses_effects_cc_automation_and_a_hardware_track() -> None:
    song = load_song(SONGS / "demo.toml")
    letters = {
        effect.command
        for pattern in song.patterns.values()
        for part in pattern.tracks
        for column in part.columns
        for cell in column
        for effect in cell.effects
        if effect is not None
    }
    assert {"A", "V", "G", "Q", "C", "R", "U"} <= letters
    automated = [
        value
        for pattern in song.patterns.values()
        for part in pattern.tracks
        for lane in part.cc
        for value in lane
        if value is not None
    ]
    assert len(set(automated)) > 4  # lanes that move, not a constant
    assert any(instrument.device for instrument in song.instruments.values())
    timeline = compile_song(song)
    assert any(e.kind is Kind.CONTROL and e.a in (10, 11) for e in timeline.events)
