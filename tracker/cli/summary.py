"""What `tracker check` prints about a song: its shape, its length, and where
each instrument will sound. Loading it is the validation.

Every name in it comes from the file (or a device file, or the file's own name),
so each line is shown through `visible`: a newline in a title stays `\\x0a` and
cannot pass for another line of the report."""

from __future__ import annotations

from pathlib import Path

from tracker.errors import TrackerError
from tracker.song.model import Song
from tracker.text import visible


def format_duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


def describe_song(path: Path, song: Song | None = None) -> str:
    """The report on the song at `path` (`song`: that file, already loaded)."""
    from tracker.audio.soundfonts import find_soundfont
    from tracker.check.feel import describe_feel
    from tracker.engine.timeline import song_length
    from tracker.instruments import cc_lane_for, describe_instrument
    from tracker.song.storage import load_song

    if song is None:
        song = load_song(path)
    duration, notes = song_length(song, cc_resolver=cc_lane_for)
    lines = [
        f"{path}: ok",
        f"  title     {song.title}",
        f"  tempo     {song.bpm:g} bpm, {song.lpb} lines per beat, {song.tpl} ticks per line"
        + (f", swing {song.swing:g}" if song.swing else ""),
        f"  duration  {format_duration(duration)} ({len(song.order)} order entries, {notes} notes)",
        f"  tracks    {len(song.tracks)}: " + ", ".join(t.name for t in song.tracks),
        f"  patterns  {len(song.patterns)}: "
        + ", ".join(f"{name} ({p.lines} lines)" for name, p in song.patterns.items()),
        "  order     " + " ".join(song.order),
        *(f"  {label:<9} {text}" for label, text in describe_feel(song)),
        "  instruments",
    ]
    for number, instrument in song.instruments.items():
        lines.append(f"    {number:02X} {instrument.name}: {describe_instrument(instrument)}")
    try:
        soundfont = str(find_soundfont(song.soundfont, path.parent))
    except TrackerError as error:
        soundfont = f"not found ({error})"
    lines.append(f"  soundfont {soundfont}")
    return "\n".join(visible(line) for line in lines)
