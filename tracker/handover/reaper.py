"""A Session as REAPER's text project (.RPP).

The facts it rests on (REAPER's own files and its documentation): a project is a
`<REAPER_PROJECT` block of lines, a word and its values each, nested blocks in
`<NAME ...` and `>`; strings are quoted with ", ' or ` (whichever the text does not
hold). `TEMPO bpm num den` and `SAMPLERATE` set the project; the tempo map is the
`<TEMPOENVEX` envelope, a `PT seconds bpm shape [signature]` point per change
(shape 1: square, the tempo holds to the next point; the signature as
numerator + 65536 x denominator, on the first point); `MARKER n seconds "name" 0`
is a marker. A `<TRACK` holds `<ITEM`s (POSITION and LENGTH in seconds, LOOP, MUTE),
each with a `<SOURCE WAVE|FLAC|MIDI` naming its FILE: a relative FILE is found
beside the project file. `MUTESOLO 1 0 0` mutes a track.
"""

from __future__ import annotations

import time

from tracker.handover.session import Session, decimal
from tracker.text import visible

VERSION = "6.0/tracker"
"""The saving REAPER version the header names: an old one, so any REAPER opens it quietly."""
_SOURCES = {"wav": "WAVE", "flac": "FLAC", "mid": "MIDI"}


def rpp_text(session: Session, *, now: float | None = None) -> str:
    """The project's text (UTF-8 when written); `now` stamps the header (default: the time)."""
    song = session.time
    stamp = int(time.time() if now is None else now)
    signature = song.numerator + 65536 * song.denominator
    lines = [
        f"<REAPER_PROJECT 0.1 {quote(VERSION)} {stamp}",
        "  RIPPLE 0",
        f"  TEMPO {decimal(song.tempos[0].bpm)} {song.numerator} {song.denominator}",
        f"  SAMPLERATE {session.rate} 0 0",
        "  <TEMPOENVEX",
        "    ACT 1 -1",
        "    VIS 1 0 1",
        "    DEFSHAPE 1 -1 -1",
    ]
    for i, change in enumerate(song.tempos):
        meter = f" {signature}" if i == 0 else ""
        lines.append(f"    PT {decimal(change.time)} {decimal(change.bpm)} 1{meter}")
    lines.append("  >")
    for n, mark in enumerate(song.marks, start=1):
        lines.append(f"  MARKER {n} {decimal(mark.time)} {quote(mark.pattern)} 0")
    for track in session.tracks:
        lines += _track(track.label, track.audio, session.seconds, muted=track.muted)
    midi_length = song.end_time
    for track in session.tracks:
        if track.midi is not None:
            lines += _track(track.midi_label, track.midi, midi_length, muted=True)
    lines.append(">")
    return "\n".join(lines) + "\n"


def _track(name: str, file: str, length: float, *, muted: bool) -> list[str]:
    """A track holding one item, `file` from 0 for `length` seconds; muted: the track
    and the item (a MIDI track stays silent even when someone unmutes the track)."""
    kind = _SOURCES.get(file.rsplit(".", 1)[-1].lower(), "WAVE")
    item_mute = muted and kind == "MIDI"
    return [
        "  <TRACK",
        f"    NAME {quote(name)}",
        f"    MUTESOLO {int(muted)} 0 0",
        "    <ITEM",
        "      POSITION 0",
        f"      LENGTH {decimal(length)}",
        "      LOOP 0",
        f"      MUTE {int(item_mute)} 0",
        f"      NAME {quote(file)}",
        f"      <SOURCE {kind}",
        f"        FILE {quote(file)}",
        "      >",
        "    >",
        "  >",
    ]


def quote(text: str) -> str:
    """A string value: on one line (control characters spelled out, as everywhere
    text from a file is shown), in the first quote character it does not hold
    (REAPER's rule); with all three in it, backticks become plain quotes."""
    flat = visible(text)
    for mark in ('"', "'", "`"):
        if mark not in flat:
            return f"{mark}{flat}{mark}"
    return "`" + flat.replace("`", "'") + "`"
