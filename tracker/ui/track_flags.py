"""Mute and solo as undoable edits (they are saved with the song).

A seam: tracker.song.edit has no mute/solo command yet; this one is built on its
public Edit and Swap the same way, and belongs in tracker/song/edit_tracks.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from tracker.song.edit import Edit, Swap
from tracker.song.edit_base import find_track  # not re-exported by tracker.song.edit
from tracker.song.model import Song


@dataclass
class ToggleTrackFlag(Edit):
    index: int
    flag: Literal["mute", "solo"]

    @property
    def label(self) -> str:
        return self.flag.capitalize()

    def plan(self, song: Song) -> list[Swap]:
        track = find_track(song, self.index)
        if self.flag == "mute":
            changed = replace(track, mute=not track.mute)
        else:
            changed = replace(track, solo=not track.solo)
        return [Swap(song.tracks, self.index, changed)]
