"""Timeline -> Standard MIDI File, type 1: a conductor track (title, 4/4, the
tempo map), then one MIDI track per tracker track, carrying exactly the events
the timeline holds (effects are already expanded there).

Positions come from beats, not seconds: tick = round(beat * ppq), so the file
keeps the song's grid whatever its tempo. The same song always gives the same
bytes, and the file appears whole or not at all.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from operator import attrgetter
from pathlib import Path

from tracker.engine.events import Event, Kind, Timeline
from tracker.engine.routing import audible_tracks
from tracker.engine.tempo import BEAT_NOTE, BEATS_PER_BAR
from tracker.engine.timeline import compile_song
from tracker.errors import UsageError
from tracker.files import write_atomically
from tracker.instruments import cc_lane_for
from tracker.instruments.model import DRUM_BANK, DRUM_CHANNEL
from tracker.midi import encode
from tracker.midi.smf.write import (
    END_OF_TRACK,
    SET_TEMPO,
    TIME_SIGNATURE,
    TRACK_NAME,
    TrackWriter,
    header,
)
from tracker.midi.wide import RunningValues
from tracker.song.model import Song

_NOTE_ON, _NOTE_OFF, _TEMPO = Kind.NOTE_ON, Kind.NOTE_OFF, Kind.TEMPO
_play_order = attrgetter("time", "kind", "track", "column")
"""The timeline's own order (engine/emitter.py)."""

DEFAULT_PPQ = 960
"""Ticks per beat: divisible by 2, 3, 4, 5, 6, 8, so every lpb up to 8 (and tpl ticks) fits."""
RELEASE_VELOCITY = 64
"""The note-off velocity the standard recommends when a keyboard has none."""
TEXT_ENCODING = "utf-8"
"""The standard leaves names' encoding open; UTF-8 is what current DAWs write and read."""
MAX_PPQ = 0x7FFF
"""The header's division field: its top bit would mean SMPTE timing."""
MAX_TEMPO = 0xFFFFFF
"""Microseconds per beat in three bytes: the slowest tempo a file can state (3.6 bpm)."""


def export_timeline(
    timeline: Timeline,
    song: Song,
    path: str | Path,
    *,
    tracks: set[int] | None = None,
    ppq: int = DEFAULT_PPQ,
) -> None:
    """Write the timeline as a type 1 MIDI file; `tracks` limits it to those tracker tracks."""
    data = timeline_to_bytes(timeline, song, tracks=tracks, ppq=ppq)
    target = Path(path)
    write_atomically(target, data, path, what="the MIDI file")


def export_song(song: Song, path: str | Path, *, ppq: int = DEFAULT_PPQ) -> None:
    """Compile the whole song and write the tracks you would hear (mute and solo
    apply, as in a bounce) as a MIDI file."""
    export_timeline(
        compile_song(song, cc_resolver=cc_lane_for),
        song,
        path,
        tracks=audible_tracks(song),
        ppq=ppq,
    )


def timeline_to_bytes(
    timeline: Timeline, song: Song, *, tracks: set[int] | None = None, ppq: int = DEFAULT_PPQ
) -> bytes:
    """The file's bytes (exposed so tests and callers can compare without touching disk)."""
    if not 1 <= ppq <= MAX_PPQ:
        raise UsageError(f"ticks per beat must be 1 to {MAX_PPQ}, not {ppq}")
    end = round(timeline.end_beat * ppq)
    chunks = [_conductor(timeline, song, ppq, end)]
    chosen = range(len(song.tracks)) if tracks is None else sorted(tracks)
    by_track = _split_by_track(timeline.events, chosen)
    for t in chosen:
        chunks.append(_track(song.tracks[t].name, by_track[t], ppq, end))
    return header(1, len(chunks), ppq) + b"".join(chunks)


def _split_by_track(events: list[Event], chosen: Iterable[int]) -> dict[int, list[Event]]:
    """Each chosen track's events, in timeline order. Song-wide channel events (the
    programs set at the start) go to the first chosen track that plays on their channel."""
    by_track: dict[int, list[Event]] = {t: [] for t in sorted(chosen)}
    wide: list[Event] = []
    for event in events:
        found = by_track.get(event.track)
        if found is not None:
            found.append(event)
        elif event.track < 0 and event.kind is not _TEMPO:
            wide.append(event)
    if not wide:
        return by_track
    home: dict[int, int] = {}
    for track, own in by_track.items():  # in track order: the first on a channel keeps it
        for channel in {event.channel for event in own}:
            home.setdefault(channel, track)
    joining: dict[int, list[Event]] = {}
    for event in wide:
        if event.channel in home:
            joining.setdefault(home[event.channel], []).append(event)
    for track, joined in joining.items():
        # Both lists are in timeline order (its sort key): merged, they are in it again.
        by_track[track] = list(heapq.merge(joined, by_track[track], key=_play_order))
    return by_track


_Spec = tuple[int, bytes] | bytes
"""A message at its tick, before its delta time is known: a meta event's type and data,
or a channel message's bytes."""
_SIGNATURE = bytes((BEATS_PER_BAR, BEAT_NOTE.bit_length() - 1, 24, 8))
"""4/4 (the denominator as a power of two), a metronome click every 24 MIDI clocks,
8 thirty-second notes a beat."""


def _conductor(timeline: Timeline, song: Song, ppq: int, end: int) -> bytes:
    tempos = [(round(e.beat * ppq), e.bpm) for e in timeline.events if e.kind == Kind.TEMPO]
    if not tempos or tempos[0][0] > 0:
        tempos.insert(0, (0, song.bpm))
    timed: list[tuple[int, _Spec]] = [
        (0, (TRACK_NAME, song.title.encode(TEXT_ENCODING))),
        (0, (TIME_SIGNATURE, _SIGNATURE)),
    ]
    timed += [(tick, (SET_TEMPO, tempo_of(bpm).to_bytes(3, "big"))) for tick, bpm in tempos]
    return _delta_track(timed, end)


def tempo_of(bpm: float) -> int:
    """Microseconds per beat, as a set_tempo event states it."""
    return min(max(round(60_000_000 / bpm), 1), MAX_TEMPO)


def _track(name: str, events: list[Event], ppq: int, end: int) -> bytes:
    timed: list[tuple[int, _Spec]] = [(0, (TRACK_NAME, name.encode(TEXT_ENCODING)))]
    banks: dict[int, int] = {}
    running = RunningValues()
    add = timed.append
    for event in events:
        tick = round(event.beat * ppq)
        kind = event.kind
        if kind is _NOTE_ON:  # most events: one message each, no generator
            add((tick, encode.note_on(event.channel, event.a, event.b)))
        elif kind is _NOTE_OFF:
            add((tick, encode.note_off(event.channel, event.a, RELEASE_VELOCITY)))
        else:
            timed += [(tick, spec) for spec in _messages(event, banks, running)]
    return _delta_track(timed, end)


def _messages(event: Event, banks: dict[int, int], running: RunningValues) -> Iterable[_Spec]:
    """One timeline event as MIDI messages (encode.py's bytes, with a release velocity
    and no repeated bank select); `banks` remembers each channel's bank select,
    `running` what a synth with running values already holds (midi/wide.py)."""
    channel = event.channel
    if event.kind == Kind.NOTE_ON:
        yield encode.note_on(channel, event.a, event.b)
    elif event.kind == Kind.NOTE_OFF:
        yield encode.note_off(channel, event.a, RELEASE_VELOCITY)
    elif event.kind == Kind.PROGRAM:
        bank = event.b
        drum_kit = channel == DRUM_CHANNEL and bank == DRUM_BANK
        if not drum_kit and banks.get(channel, 0) != bank:
            # GM channel 10 plays drums without a bank select; elsewhere bank = MSB * 128 + LSB.
            yield from encode.bank_select(channel, bank)
            banks[channel] = bank
        yield encode.program(channel, event.a)
    elif event.kind == Kind.CONTROL and event.a > 0x7F:
        yield from running.messages(channel, event.a, event.b)
    elif event.kind == Kind.CONTROL:
        running.plain(channel, event.a)
        yield encode.control(channel, event.a, event.b)
    elif event.kind == Kind.PITCH_BEND:
        yield encode.pitch_bend(channel, event.a)


def _delta_track(timed: list[tuple[int, _Spec]], end: int) -> bytes:
    """Absolute ticks -> delta times; sorted by tick only, so the timeline's order stays
    within a tick (tempo, then note-offs, then programs and controls, then note-ons)."""
    track = TrackWriter()
    now = track.write(sorted(timed, key=_tick))
    track.meta(max(end - now, 0), END_OF_TRACK, b"")
    return track.chunk()


def _tick(pair: tuple[int, _Spec]) -> int:
    return pair[0]
