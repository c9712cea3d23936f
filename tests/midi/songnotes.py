"""The notes a song plays, read straight from the model: the yardstick for the
MIDI round trips, written independently of the importer and the timeline.

A note column is monophonic and notes sustain across pattern boundaries: a note
lasts from its line until the next note, OFF or cut in its column, or the end
of the song.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.song.model import Song, is_pitch


@dataclass(frozen=True, order=True)
class SongNote:
    line: int
    """Line from the start of the song, in play order."""
    pitch: int
    velocity: int | None
    length: int
    """Lines until the note ends."""


def song_notes(song: Song) -> list[list[SongNote]]:
    """Per track, every note in time order (columns merged: their layout may differ)."""
    total = sum(song.patterns[name].lines for name in song.order)
    result: list[list[SongNote]] = []
    for t, track in enumerate(song.tracks):
        notes: list[SongNote] = []
        for column in range(track.notes):
            sounding: tuple[int, int, int | None] | None = None
            line = 0
            for name in song.order:
                pattern = song.patterns[name]
                for cell in pattern.tracks[t].columns[column]:
                    if cell.note is not None and sounding is not None:
                        start, pitch, velocity = sounding
                        notes.append(SongNote(start, pitch, velocity, line - start))
                        sounding = None
                    if is_pitch(cell.note):
                        assert cell.note is not None
                        sounding = (line, cell.note, cell.volume)
                    line += 1
            if sounding is not None:
                start, pitch, velocity = sounding
                notes.append(SongNote(start, pitch, velocity, total - start))
        result.append(sorted(notes))
    return result
