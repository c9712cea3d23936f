"""Where the song's sound goes: a MIDI channel per instrument, and which tracks are heard."""

from __future__ import annotations

from collections.abc import Iterable

from tracker.engine.events import Timeline
from tracker.errors import SongFormatError
from tracker.instruments.model import DRUM_CHANNEL
from tracker.song.model import Song

MELODIC_CHANNELS = tuple(ch for ch in range(16) if ch != DRUM_CHANNEL)


def assign_channels(song: Song) -> dict[int, int]:
    """Instrument number -> MIDI channel 0-15.

    An instrument with `channel` set (1-16) keeps it; a drum kit goes on 9;
    every other instrument, by number, takes the next channel nobody claimed,
    skipping 9. When those run out (more than 15 melodic instruments, fewer if
    some claim channels), the rest share them round-robin from the first free
    one; notes then still play, but a program change or bend on a shared
    channel reaches every instrument on it.
    """
    result: dict[int, int] = {}
    numbers = sorted(song.instruments)
    for number in numbers:
        instrument = song.instruments[number]
        if instrument.channel is not None:
            if not 1 <= instrument.channel <= 16:
                raise SongFormatError(
                    f'instrument {number:02X} "{instrument.name}" has channel '
                    f"{instrument.channel} (expected 1-16)"
                )
            result[number] = instrument.channel - 1
        elif instrument.is_drum_kit:
            result[number] = DRUM_CHANNEL
    taken = set(result.values())
    pool = [ch for ch in MELODIC_CHANNELS if ch not in taken] or list(MELODIC_CHANNELS)
    automatic = [n for n in numbers if n not in result]
    for i, number in enumerate(automatic):
        result[number] = pool[i % len(pool)]
    return result


def audible_tracks(song: Song) -> set[int]:
    """The tracks a bounce or an export should keep.

    If any track is soloed, exactly the soloed tracks are heard (solo wins over
    mute); otherwise every track that is not muted. The timeline itself always
    holds every track: muting is the caller's choice, live or offline.
    """
    soloed = {i for i, track in enumerate(song.tracks) if track.solo}
    if soloed:
        return soloed
    return {i for i, track in enumerate(song.tracks) if not track.mute}


def keep_tracks(timeline: Timeline, tracks: Iterable[int]) -> Timeline:
    """A copy of the timeline with only these tracks' events (song-wide events stay)."""
    keep = set(tracks)
    return Timeline(
        events=[e for e in timeline.events if e.track < 0 or e.track in keep],
        lines=list(timeline.lines),
        duration=timeline.duration,
        end_beat=timeline.end_beat,
        end_tick=timeline.end_tick,
        varies=timeline.varies,
    )
