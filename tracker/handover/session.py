"""The session files of a render: what they show (a Session), and writing the chosen
formats beside the stems, all together or none (tracker.audio.staging).

A session has one track per stem, its audio item at 0 and named after its file,
then each track's MIDI file as a muted item on a track of its own, the tempo map
and a marker per order entry (tempo_map.py). Every file is named relative to the
session file, so the folder can move. A track the mix does not hear (muted, or
not soloed) is muted in the session too, so the session sums to the mix (as it was
before the master stage: the stems are pre-master).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from tracker.audio.bounce import BounceReport, compile_range
from tracker.audio.staging import Staging
from tracker.engine.events import Timeline
from tracker.engine.routing import audible_tracks
from tracker.errors import AudioError, UsageError
from tracker.files import reason, write_new
from tracker.handover.tempo_map import SongTime, song_time
from tracker.song.model import Song

FORMATS = ("reaper", "dawproject")
"""The formats `--session` takes, in the order their files are written."""
SUFFIXES = {"reaper": ".RPP", "dawproject": ".dawproject"}


@dataclass(frozen=True)
class SessionTrack:
    index: int
    """The track's index in the song (0-based)."""
    name: str
    audio: str
    """The stem's file name, beside the session file."""
    midi: str | None
    """The track's MIDI file's name, when the render wrote one."""
    muted: bool

    @property
    def label(self) -> str:
        """The track's name in the DAW: its number first, so tracks read in song order."""
        return f"{self.index + 1:02d} {self.name}"

    @property
    def midi_label(self) -> str:
        """The name of the track holding its MIDI."""
        return f"{self.label} [MIDI]"


@dataclass(frozen=True)
class Session:
    title: str
    time: SongTime
    tracks: list[SessionTrack]
    timeline: Timeline
    """The render's timeline: the notes of the MIDI tracks, where a format holds them itself."""
    rate: int
    seconds: float
    """The length of every audio file (the song and its tail)."""


def decimal(value: float) -> str:
    """A time, a beat or a tempo as both formats read it: a plain decimal to 10 places
    (well under a sample), no exponent, no trailing zeros."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def parse_formats(text: str) -> tuple[str, ...]:
    """`reaper,dawproject` -> the formats in FORMATS order; an unknown one is a usage error."""
    asked = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [part for part in asked if part not in FORMATS]
    if unknown or not asked:
        what = f"unknown session format {unknown[0]!r}" if unknown else "no session format"
        raise UsageError(f"{what} (expected {' or '.join(FORMATS)}, or both: reaper,dawproject)")
    return tuple(f for f in FORMATS if f in asked)


def session_paths(out_dir: Path, name: str, formats: Iterable[str]) -> list[Path]:
    """Where each chosen format's file goes: NAME.RPP, NAME.dawproject."""
    return [Path(out_dir) / f"{name}{SUFFIXES[f]}" for f in formats]


def make_session(
    song: Song,
    timeline: Timeline,
    stems: list[Path],
    midi: list[Path],
    rate: int,
    seconds: float,
) -> Session:
    """The session of a render: `stems` and `midi` are its files, one per track in
    track order (midi may be empty: no MIDI tracks then)."""
    heard = audible_tracks(song)
    tracks = [
        SessionTrack(
            index=t,
            name=song.tracks[t].name,
            audio=stem.name,
            midi=midi[t].name if t < len(midi) else None,
            muted=t not in heard,
        )
        for t, stem in enumerate(stems)
    ]
    return Session(song.title, song_time(timeline), tracks, timeline, rate, seconds)


def write_sessions(session: Session, paths: list[Path], formats: Iterable[str]) -> None:
    """Write each format's file to its path, all moved in together at the end."""
    from tracker.handover.dawproject import dawproject_bytes
    from tracker.handover.reaper import rpp_text

    makers: dict[str, Callable[[Session], bytes]] = {
        "reaper": lambda s: rpp_text(s).encode("utf-8"),
        "dawproject": dawproject_bytes,
    }
    if not paths:
        return
    with Staging(paths[0].parent, paths) as staging:
        for path, fmt in zip(paths, formats, strict=True):
            try:
                write_new(staging.temp_for(path), makers[fmt](session))
            except OSError as error:
                raise AudioError(f"cannot write {path}: {reason(error)}") from None
        staging.commit()


class Handover:
    """The render command's session files: refused before the render when they cannot
    be written (no stems, a folder in their place), written beside the stems after it.
    The range is compiled here, once, and the bounce renders this same timeline."""

    def __init__(
        self,
        song: Song,
        song_path: Path,
        out_dir: Path,
        formats: tuple[str, ...],
        stems: bool,
        from_order: int | None,
        to_order: int | None,
    ) -> None:
        self.song = song
        self.formats = formats
        self.paths = session_paths(out_dir, Path(song_path).stem, formats)
        self.timeline: Timeline | None = None
        if not formats:
            return
        if not stems:
            raise UsageError("--session needs --stems: a session's tracks are the stems")
        Staging(Path(out_dir), self.paths).check()
        self.timeline = compile_range(song, from_order or 0, to_order)

    def write(self, report: BounceReport, rate: int) -> list[Path]:
        """Write the session files of this render; returns their paths."""
        if self.timeline is None:
            return []
        session = make_session(
            self.song, self.timeline, report.stems, report.midi, rate, report.duration
        )
        write_sessions(session, self.paths, self.formats)
        return self.paths
