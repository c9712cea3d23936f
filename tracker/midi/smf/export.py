"""Timeline -> Standard MIDI File, type 1: a conductor track (title, 4/4, the
tempo map), then one MIDI track per tracker track, carrying exactly the events
the timeline holds (effects are already expanded there).

Positions come from beats, not seconds: tick = round(beat * ppq), so the file
keeps the song's grid whatever its tempo. The same song always gives the same
bytes, and the file appears whole or not at all.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import mido

from tracker.engine.events import Event, Kind, Timeline
from tracker.engine.routing import audible_tracks
from tracker.engine.tempo import BEAT_NOTE, BEATS_PER_BAR
from tracker.engine.timeline import compile_song
from tracker.errors import UsageError
from tracker.files import write_atomically
from tracker.instruments import cc_lane_for
from tracker.instruments.model import DRUM_BANK, DRUM_CHANNEL
from tracker.midi import encode
from tracker.midi.wide import RunningValues
from tracker.song.model import Song

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
    midi = mido.MidiFile(type=1, ticks_per_beat=ppq, charset=TEXT_ENCODING)
    end = round(timeline.end_beat * ppq)
    midi.tracks.append(_conductor(timeline, song, ppq, end))
    chosen = range(len(song.tracks)) if tracks is None else sorted(tracks)
    by_track = _split_by_track(timeline.events, chosen)
    for t in chosen:
        midi.tracks.append(_track(song.tracks[t].name, by_track[t], ppq, end))
    out = io.BytesIO()
    midi.save(file=out)
    return out.getvalue()


def _split_by_track(events: list[Event], chosen: Iterable[int]) -> dict[int, list[Event]]:
    """Each chosen track's events, in timeline order. Song-wide channel events (the
    programs set at the start) go to the first chosen track that plays on their channel."""
    by_track: dict[int, list[Event]] = {t: [] for t in chosen}
    home: dict[int, int] = {}
    for event in events:
        if event.track in by_track and event.kind != Kind.TEMPO:
            home[event.channel] = min(home.get(event.channel, event.track), event.track)
    for event in events:
        if event.track in by_track:
            by_track[event.track].append(event)
        elif event.track < 0 and event.kind != Kind.TEMPO and event.channel in home:
            by_track[home[event.channel]].append(event)
    return by_track


_Spec = tuple[str, dict[str, Any]] | bytes
"""A message not yet made (made once, with its delta time): a meta message's type and
fields, or a channel message's bytes."""


def _conductor(timeline: Timeline, song: Song, ppq: int, end: int) -> mido.MidiTrack:
    tempos = [(round(e.beat * ppq), e.bpm) for e in timeline.events if e.kind == Kind.TEMPO]
    if not tempos or tempos[0][0] > 0:
        tempos.insert(0, (0, song.bpm))
    timed: list[tuple[int, _Spec]] = [
        (0, ("track_name", {"name": song.title})),
        (0, ("time_signature", {"numerator": BEATS_PER_BAR, "denominator": BEAT_NOTE})),
    ]
    timed += [(tick, ("set_tempo", {"tempo": tempo_of(bpm)})) for tick, bpm in tempos]
    return _delta_track(timed, end)


def tempo_of(bpm: float) -> int:
    """Microseconds per beat, as a set_tempo event states it."""
    return min(max(round(60_000_000 / bpm), 1), MAX_TEMPO)


def _track(name: str, events: list[Event], ppq: int, end: int) -> mido.MidiTrack:
    timed: list[tuple[int, _Spec]] = [(0, ("track_name", {"name": name}))]
    banks: dict[int, int] = {}
    running = RunningValues()
    for event in events:
        tick = round(event.beat * ppq)
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


def _delta_track(timed: list[tuple[int, _Spec]], end: int) -> mido.MidiTrack:
    """Absolute ticks -> delta times; sorted by tick only, so the timeline's order stays
    within a tick (tempo, then note-offs, then programs and controls, then note-ons)."""
    track = mido.MidiTrack()
    now = 0
    for tick, spec in sorted(timed, key=lambda pair: pair[0]):
        if isinstance(spec, bytes):
            track.append(mido.Message.from_bytes(spec, time=tick - now))
        else:
            kind, fields = spec
            track.append(mido.MetaMessage(kind, time=tick - now, **fields))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=max(end - now, 0)))
    return track
