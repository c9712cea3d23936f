"""Edits of the song's tracks: add, remove, rename, move, mute and solo, and their
columns and CC lanes.

A track lives in two places: its Track in `song.tracks` and its PatternTrack in
every pattern, at the same index. Each edit here rebuilds both and swaps the new
lists in, so undo puts back the old lists with every dropped note in them.
"""

from __future__ import annotations

import copy
from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from tracker.errors import EditError
from tracker.lanes import is_wide
from tracker.song.edit.base import Edit, Swap, check_range, find_track, moved
from tracker.song.edit.cells import fit_effects
from tracker.song.limits import (
    CC_NAME_RULE,
    EFFECT_COLUMNS_RANGE,
    INSTRUMENT_NUMBER_RANGE,
    MAX_CC_LANES,
    MAX_TRACKS,
    NOTE_COLUMNS_RANGE,
    cc_lane_name,
)
from tracker.song.model import PatternTrack, Song, Track, empty_cell


def check_name(what: str, name: str) -> None:
    if not name.strip():
        raise EditError(f"{what} needs a name")
    if any(not ch.isprintable() for ch in name):
        raise EditError(f'{what} "{name!r}" has characters that cannot be shown')


def lane_name(name: str) -> str:
    """A typed CC lane as the song keeps it ("074" -> "74"), or EditError saying what a
    lane may be called (the file format's rule: song/limits.py)."""
    found = cc_lane_name(name.strip())
    if found is None:
        raise EditError(f'"{name}" cannot name a CC lane: use {CC_NAME_RULE}')
    return found


def check_cc_name(track: Track, name: str, others: list[str]) -> None:
    """A CC lane is a device map name ("cutoff") or a controller number ("74"),
    written as the song keeps it, once per track."""
    if lane_name(name) != name:
        raise EditError(f'CC lane "{name}" should be written "{lane_name(name)}"')
    if name in others:
        raise EditError(f'track "{track.name}" already has a CC lane "{name}"')


def check_track(track: Track, was: Track | None = None) -> None:
    """A new track, or `was` changed into `track`: a name is checked only when it is
    given or changed, since a song file may hold one the editor would not let you type
    (a track named that way must still take other edits)."""
    if was is None or track.name != was.name:
        check_name("a track", track.name)
    check_range(f'note columns of track "{track.name}"', track.notes, *NOTE_COLUMNS_RANGE)
    check_range(f'effect columns of track "{track.name}"', track.effects, *EFFECT_COLUMNS_RANGE)
    if len(track.cc) > MAX_CC_LANES:
        raise EditError(f'track "{track.name}" can have at most {MAX_CC_LANES} CC lanes')
    for i, name in enumerate(track.cc):
        check_cc_name(track, name, track.cc[:i])


def _every_pattern(
    song: Song, rebuild: Callable[[list[PatternTrack], int], list[PatternTrack]]
) -> list[Swap]:
    """Swaps giving each pattern the track list `rebuild(old list, pattern lines)`."""
    return [Swap(p, "tracks", rebuild(p.tracks, p.lines)) for p in song.patterns.values()]


def _free_track_name(song: Song) -> str:
    names = {t.name for t in song.tracks}
    return next(
        f"Track {n}" for n in range(len(names) + 1, 2 * MAX_TRACKS) if f"Track {n}" not in names
    )


@dataclass
class AddTrack(Edit):
    """Add a track (by default "Track N", one note column) at `index` (None: at the end)."""

    index: int | None = None
    track: Track | None = None

    @property
    def label(self) -> str:
        return "Add track" if self.track is None else f'Add track "{self.track.name}"'

    def plan(self, song: Song) -> list[Swap]:
        count = len(song.tracks)
        if count >= MAX_TRACKS:
            raise EditError(f"a song can have at most {MAX_TRACKS} tracks")
        index = count if self.index is None else self.index
        check_range("the new track's position", index + 1, 1, count + 1)
        track = copy.deepcopy(self.track) if self.track else Track(name=_free_track_name(song))
        check_track(track)
        return [
            Swap(song, "tracks", [*song.tracks[:index], track, *song.tracks[index:]]),
            *_every_pattern(
                song,
                lambda parts, lines: [
                    *parts[:index],
                    PatternTrack.empty(track, lines),
                    *parts[index:],
                ],
            ),
        ]


@dataclass
class RemoveTrack(Edit):
    """Remove a track and its part of every pattern."""

    index: int

    @property
    def label(self) -> str:
        return f"Remove track {self.index + 1}"

    def plan(self, song: Song) -> list[Swap]:
        track = find_track(song, self.index)
        if len(song.tracks) == 1:
            raise EditError(f'"{track.name}" is the only track; a song needs at least one')
        i = self.index
        return [
            Swap(song, "tracks", song.tracks[:i] + song.tracks[i + 1 :]),
            *_every_pattern(song, lambda parts, _: parts[:i] + parts[i + 1 :]),
        ]


@dataclass
class MoveTrack(Edit):
    """Move a track (with its part of every pattern) to position `to`."""

    index: int
    to: int

    @property
    def label(self) -> str:
        return f"Move track {self.index + 1} to {self.to + 1}"

    def plan(self, song: Song) -> list[Swap]:
        find_track(song, self.index)
        find_track(song, self.to)
        return [
            Swap(song, "tracks", moved(song.tracks, self.index, self.to)),
            *_every_pattern(song, lambda parts, _: moved(parts, self.index, self.to)),
        ]


@dataclass
class _TrackChange(Edit):
    """Replace one Track with a changed copy, and optionally its part of every pattern."""

    index: int

    def plan(self, song: Song) -> list[Swap]:
        old = find_track(song, self.index)
        new = self.changed(old)
        check_track(new, old)
        swaps = [Swap(song.tracks, self.index, new)]
        for p in song.patterns.values():
            part = self.changed_part(p.tracks[self.index], old, new, p.lines)
            if part is not None:
                swaps.append(Swap(p.tracks, self.index, part))
        return swaps

    @abstractmethod
    def changed(self, track: Track) -> Track:
        """The track as this edit leaves it (checks the edit's parameters)."""

    def changed_part(
        self, part: PatternTrack, old: Track, new: Track, lines: int
    ) -> PatternTrack | None:
        """The pattern data for the new track, or None when it stays as it is."""
        return None


@dataclass
class RenameTrack(_TrackChange):
    name: str

    @property
    def label(self) -> str:
        return f'Rename track to "{self.name}"'

    def changed(self, track: Track) -> Track:
        return replace(track, name=self.name)


@dataclass
class SetTrackInstrument(_TrackChange):
    """Remember the instrument a track's notes were typed with (Track.instrument), so the
    editor takes it up again when the cursor comes back, after a reopen too."""

    instrument: int | None

    @property
    def label(self) -> str:
        return f"Track {self.index + 1} instrument"

    def changed(self, track: Track) -> Track:
        low, high = INSTRUMENT_NUMBER_RANGE
        if self.instrument is not None and not low <= self.instrument <= high:
            raise EditError(f"an instrument is {low:02X}-{high:02X}, not {self.instrument}")
        return replace(track, instrument=self.instrument)


@dataclass
class ToggleTrackFlag(_TrackChange):
    """Mute or solo a track, or lift it: saved with the song, so undoable like any edit.
    The patterns are untouched; the player hears the change at once."""

    flag: Literal["mute", "solo"]

    @property
    def label(self) -> str:
        return f"{self.flag.capitalize()} on/off, track {self.index + 1}"

    def changed(self, track: Track) -> Track:
        if self.flag == "mute":
            return replace(track, mute=not track.mute)
        if self.flag == "solo":
            return replace(track, solo=not track.solo)
        raise EditError(f'a track can be muted or soloed, not "{self.flag}"')


@dataclass
class SetTrackColumns(_TrackChange):
    """Change how many note columns and effect columns a track has (None: keep).

    Growing adds empty columns and slots; shrinking drops the rightmost ones with
    whatever they held (undo brings it back).
    """

    notes: int | None = None
    effects: int | None = None

    @property
    def label(self) -> str:
        parts = []
        if self.notes is not None:
            parts.append(f"{self.notes} note column{'s' if self.notes != 1 else ''}")
        if self.effects is not None:
            parts.append(f"{self.effects} effect column{'s' if self.effects != 1 else ''}")
        return ", ".join(parts) or "Track columns"

    def changed(self, track: Track) -> Track:
        return replace(
            track,
            notes=track.notes if self.notes is None else self.notes,
            effects=track.effects if self.effects is None else self.effects,
        )

    def changed_part(self, part: PatternTrack, old: Track, new: Track, lines: int) -> PatternTrack:
        columns = part.columns[: new.notes]
        if new.effects != old.effects:
            columns = [[fit_effects(cell, new, strict=False) for cell in col] for col in columns]
        columns += [[empty_cell(new.effects)] * lines for _ in range(new.notes - len(columns))]
        return replace(part, columns=columns)


@dataclass
class AddCCLane(_TrackChange):
    """Add an automation lane for a CC (a device map name or a number) at `lane` (None: last)."""

    name: str
    lane: int | None = None

    @property
    def label(self) -> str:
        return f'Add CC lane "{self.name}"'

    def _at(self, track: Track) -> int:
        at = len(track.cc) if self.lane is None else self.lane
        check_range("the new lane's position", at + 1, 1, len(track.cc) + 1)
        return at

    def changed(self, track: Track) -> Track:
        at = self._at(track)
        return replace(track, cc=[*track.cc[:at], lane_name(self.name), *track.cc[at:]])

    def changed_part(self, part: PatternTrack, old: Track, new: Track, lines: int) -> PatternTrack:
        at = self._at(old)
        empty: list[int | None] = [None] * lines
        return replace(part, cc=[*part.cc[:at], empty, *part.cc[at:]])


def _lane_index(track: Track, lane: int) -> int:
    if not 0 <= lane < len(track.cc):
        raise EditError(f'track "{track.name}" has no CC lane {lane + 1} (it has {len(track.cc)})')
    return lane


@dataclass
class RemoveCCLane(_TrackChange):
    """Remove an automation lane and its values in every pattern."""

    lane: int

    @property
    def label(self) -> str:
        return f"Remove CC lane {self.lane + 1}"

    def changed(self, track: Track) -> Track:
        at = _lane_index(track, self.lane)
        return replace(track, cc=track.cc[:at] + track.cc[at + 1 :])

    def changed_part(self, part: PatternTrack, old: Track, new: Track, lines: int) -> PatternTrack:
        return replace(part, cc=part.cc[: self.lane] + part.cc[self.lane + 1 :])


@dataclass
class RenameCCLane(_TrackChange):
    """Point a lane at another CC, keeping its values."""

    lane: int
    name: str

    @property
    def label(self) -> str:
        return f'CC lane "{self.name}"'

    def changed(self, track: Track) -> Track:
        at = _lane_index(track, self.lane)
        return replace(track, cc=[*track.cc[:at], lane_name(self.name), *track.cc[at + 1 :]])

    def changed_part(
        self, part: PatternTrack, old: Track, new: Track, lines: int
    ) -> PatternTrack | None:
        """A lane that turns 14-bit (or back) keeps its values' place in the range:
        7F becomes 3F80, 3F80 becomes 7F."""
        at = _lane_index(old, self.lane)
        was, now = is_wide(old.cc[at]), is_wide(new.cc[at])
        if was == now:
            return None
        values = [None if v is None else (v << 7 if now else v >> 7) for v in part.cc[at]]
        return PatternTrack(columns=part.columns, cc=[*part.cc[:at], values, *part.cc[at + 1 :]])
