"""Each track's mixer strip as channel messages: CC 7, 10, 91 and 93 where a timeline starts.

The strip is sent, not mixed in: the same CONTROL events reach the live synth,
hardware on a MIDI port, the bounce and the MIDI export, so all of them follow
one mix. Every compiled timeline opens with them (from the top, from a cursor,
after a jump, and the one an edit while playing swaps in), so a strip changed
while playing is heard from the line the edit lands on.

The rules:

- Volume: 0 dB is CC 7 = 100, the General MIDI default every synth starts
  from, so a track at 0 dB sounds as it did before the mixer (the soundfont
  renders bit for bit the same). Other levels follow the General MIDI / DLS
  curve, gain = 40 log10(cc / 127), which FluidSynth uses too: cc = 100 *
  10^(dB / 40), rounded and kept to 0-127. So -6 dB is CC 71, +4 dB is about
  CC 127 (the top), and the curve's 1-CC steps are under 1 dB down to -30 dB.
- Pan: -64..+63 is CC 10 = 64 + pan (0 = centre, CC 64).
- Reverb and chorus: the send as written, CC 91 / CC 93; None sends nothing,
  leaving the synth's own default.
- A track's messages go to every instrument it names (the song's lowest-numbered
  instrument when it names none), on that instrument's channel and so its port,
  before any note of the timeline's first line (column MIXER_COLUMN sorts them
  first among the track's events). A track that plays nothing sends nothing.
- Tracks that share a channel (the same instrument, or instruments on one
  channel) share one strip, since a synth has one CC 7 per channel: the strip of
  the first of them whose strip is not the default, else the default. Each of
  those tracks carries that strip, so a stem alone sounds as it does in the mix.
- An automation lane of one of these controllers wins while it is set: its
  events come later; one on the timeline's first line replaces the strip's
  message on its channel; and a timeline compiled from mid-song (a jump, an
  edit while playing) opens with the value the lane left on the channel
  instead of the strip's.
"""

from __future__ import annotations

import math
from collections.abc import Container, Generator

from tracker.engine.emitter import Emitter
from tracker.engine.events import Kind
from tracker.engine.score import Score
from tracker.song.limits import TRACK_VOLUME_DB_RANGE
from tracker.song.model import Song, Track, is_pitch

VOLUME_CC = 7
PAN_CC = 10
REVERB_CC = 91
CHORUS_CC = 93
MIXER_CONTROLLERS = frozenset({VOLUME_CC, PAN_CC, REVERB_CC, CHORUS_CC})
UNITY_VOLUME = 100
"""CC 7 at 0 dB: the General MIDI default."""
CENTRE = 64
"""CC 10 at pan 0."""
MIXER_COLUMN = -1
"""The mixer events' column: at one instant they sort before the track's own events
(a CC lane on the first line then wins)."""

Strip = tuple[tuple[int, int], ...]
"""(controller, value) pairs, in sending order."""
Chased = dict[tuple[int, int], int]
"""(channel, controller) -> the value a CC lane left there (a mid-song start)."""


def volume_cc(db: float) -> int:
    """CC 7 for a volume in dB (0 dB = 100), on the 40 log10 curve, kept to 0-127."""
    return max(0, min(127, round(UNITY_VOLUME * 10 ** (db / 40))))


def volume_db_of(cc: int) -> float:
    """The volume in dB a CC 7 value stands for (volume_cc's inverse, to 0.1 dB, which
    gives the same CC back), kept to the mixer's range."""
    low, high = TRACK_VOLUME_DB_RANGE
    if cc <= 0:
        return float(low)
    return max(float(low), min(float(high), round(40 * math.log10(cc / UNITY_VOLUME), 1)))


def pan_cc(pan: int) -> int:
    """CC 10 for a pan -64..+63 (0 = centre = 64), kept to 0-127."""
    return max(0, min(127, CENTRE + pan))


def strip(track: Track) -> Strip:
    """The messages of a track's strip: volume and pan always, each send when set."""
    pairs = [(VOLUME_CC, volume_cc(track.volume_db)), (PAN_CC, pan_cc(track.pan))]
    if track.reverb is not None:
        pairs.append((REVERB_CC, max(0, min(127, track.reverb))))
    if track.chorus is not None:
        pairs.append((CHORUS_CC, max(0, min(127, track.chorus))))
    return tuple(pairs)


def track_instruments(song: Song, score: Score) -> list[list[int]]:
    """The instruments each track names in the patterns the order list plays, in number
    order; the song's lowest-numbered one for a track that plays notes or CC lanes but
    names none (what its notes then play)."""
    steps = instruments_in_steps(song, score)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            uses: list[list[int]] = done.value
            return uses


def instruments_in_steps(song: Song, score: Score) -> Generator[None, None, list[list[int]]]:
    """`track_instruments` a pattern at a step, for a compile in steps (the player's)."""
    named: list[set[int]] = [set() for _ in song.tracks]
    plays = [False] * len(song.tracks)
    for name in dict.fromkeys(song.order):
        for data in score.lines(name):
            for track, _, cell, _ in data.cells:
                if track >= len(named):
                    continue
                if cell.instrument is not None:
                    named[track].add(cell.instrument)
                elif is_pitch(cell.note):
                    plays[track] = True
            for track, _, _ in data.controls:
                if track < len(plays):
                    plays[track] = True
        yield
    default = min(song.instruments) if song.instruments else None
    return [
        sorted(numbers) if numbers or default is None or not played else [default]
        for numbers, played in zip(named, plays, strict=True)
    ]


def channel_strips(song: Song, uses: list[list[int]], channels: dict[int, int]) -> dict[int, Strip]:
    """Channel -> the strip it carries: that of the first track on it whose strip is not
    the default, else the default."""
    owners: dict[int, Track] = {}
    for track, numbers in zip(song.tracks, uses, strict=True):
        for channel in {channels[n] for n in numbers}:
            owner = owners.get(channel)
            if owner is None or (owner.mixer_is_default and not track.mixer_is_default):
                owners[channel] = track
    return {channel: strip(track) for channel, track in owners.items()}


def emit_mix(
    em: Emitter,
    song: Song,
    uses: list[list[int]],
    channels: dict[int, int],
    chased: Chased,
    lanes_here: Container[tuple[int, int]],
) -> None:
    """Every track's strip on every instrument it uses, at the current line's start:
    where a CC lane left a value before it (`chased`), that value instead; where a lane
    sets one on this very line (`lanes_here`), nothing (the lane's event says it)."""
    strips = channel_strips(song, uses, channels)
    for track, numbers in enumerate(uses):
        for number in numbers:
            channel = channels[number]
            for controller, value in strips[channel]:
                key = (channel, controller)
                if key in lanes_here:
                    continue
                value = chased.get(key, value)
                em.emit(0, Kind.CONTROL, track, MIXER_COLUMN, channel, controller, value, number)
