"""The synth channel each track's MIDI channel gets in a render: every synth channel
but 255, which FluidSynth keeps as the mark of a free voice."""

from __future__ import annotations

from tracker.audio.blocks import channel_layout
from tracker.engine.events import Event, Kind


def notes(tracks: int, channels: int) -> list[Event]:
    """A note on each of `channels` MIDI channels of each of `tracks` tracks."""
    return [
        Event(0.0, 0.0, 0, Kind.NOTE_ON, track, channel, 60, 100)
        for track in range(tracks)
        for channel in range(channels)
    ]


def test_a_mix_of_256_track_channels_leaves_synth_channel_255_alone() -> None:
    # 64 tracks on 4 MIDI channels each, all in the mix's one group: 256 channels
    # asked for, 255 given; a controller on 255 crashed FluidSynth now and then.
    layout, count, warnings = channel_layout(notes(64, 4), dict.fromkeys(range(64), 0), 1)
    assert 255 not in layout.values()
    assert sorted(set(layout.values())) == list(range(255))
    assert count == 256
    assert warnings == [
        "track 64 plays on more MIDI channels than one render can keep apart: some of its "
        "instruments share a channel (and its program changes)"
    ]


def test_stems_keep_each_track_in_its_group_and_off_channel_255() -> None:
    group_of = {t: t for t in range(64)}
    layout, _, warnings = channel_layout(notes(64, 4), group_of, 64)
    assert 255 not in layout.values()
    assert all(synth % 64 == track for (track, _), synth in layout.items())
    assert len(warnings) == 1, "only the last track's fourth channel shares"
    wide, _, _ = channel_layout(notes(128, 2), {t: t for t in range(128)}, 128)
    assert max(wide.values()) == 254 and 255 not in wide.values()
