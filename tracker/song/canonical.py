"""The canonical text of a song: `dumps`, the writing half of fileformat.

The same song always gives the same bytes, so a save of an unchanged song is
byte-identical and diffs show only what changed. Comments and hand layout do
not survive a save: the file is rewritten from the song, not patched. Layout:

    format, title, bpm, lpb, tpl, swing, soundfont (only when set), order
    [instruments.NN]  (two hex digits, in number order) name; soundfont unless
                      it is a device without one; program for soundfont
                      instruments (for devices only when not 0); bank, device,
                      channel and volume only when not their defaults
    [[tracks]]        name, notes, effects; cc when it has lanes (numbers as
                      integers, names as text); mute / solo only when true
    [patterns.NAME]   lines, then rows as a multi-line string, one row per line
                      (tracker notation, tracks separated by " | ")
"""

from __future__ import annotations

import re

from tracker.errors import SongFormatError
from tracker.song.model import FORMAT_VERSION, Instrument, Pattern, Song, Track
from tracker.song.notation import format_row

_DEFAULT_INSTRUMENT = Instrument(name="")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def dumps(song: Song) -> str:
    """The canonical text of a song (see the module docstring for the layout)."""
    _check_shape(song)
    out = [
        f"format = {FORMAT_VERSION}",
        f"title = {_string(song.title)}",
        f"bpm = {_float(song.bpm)}",
        f"lpb = {song.lpb}",
        f"tpl = {song.tpl}",
        f"swing = {_float(song.swing)}",
    ]
    if song.soundfont is not None:
        out.append(f"soundfont = {_string(song.soundfont)}")
    out.append(f"order = [{', '.join(_string(name) for name in song.order)}]")
    for number in sorted(song.instruments):
        out += ["", f"[instruments.{number:02X}]", *_instrument_lines(song.instruments[number])]
    for track in song.tracks:
        out += ["", "[[tracks]]", *_track_lines(track)]
    for name, pattern in song.patterns.items():
        out += ["", f"[patterns.{_key(name)}]", f"lines = {pattern.lines}", 'rows = """']
        out += _rows(song.tracks, pattern)
        out.append('"""')
    return "\n".join(out) + "\n"


def _instrument_lines(instrument: Instrument) -> list[str]:
    default = _DEFAULT_INSTRUMENT
    lines = [f"name = {_string(instrument.name)}"]
    if instrument.soundfont is not None:
        lines.append(f"soundfont = {_string(instrument.soundfont)}")
    if instrument.soundfont is not None or instrument.program != default.program:
        lines.append(f"program = {instrument.program}")
    if instrument.bank != default.bank:
        lines.append(f"bank = {instrument.bank}")
    if instrument.device is not None:
        lines.append(f"device = {_string(instrument.device)}")
    if instrument.channel is not None:
        lines.append(f"channel = {instrument.channel}")
    if instrument.volume != default.volume:
        lines.append(f"volume = {instrument.volume}")
    if instrument.sysex is not None:
        lines.append(f"sysex = {_string(instrument.sysex)}")
    return lines


def _track_lines(track: Track) -> list[str]:
    lines = [
        f"name = {_string(track.name)}",
        f"notes = {track.notes}",
        f"effects = {track.effects}",
    ]
    if track.cc:
        lanes = (lane if _is_cc_number(lane) else _string(lane) for lane in track.cc)
        lines.append(f"cc = [{', '.join(lanes)}]")
    if track.mute:
        lines.append("mute = true")
    if track.solo:
        lines.append("solo = true")
    return lines


def _is_cc_number(lane: str) -> bool:
    """A lane written as a TOML integer: plain decimal digits with no leading zero."""
    return lane.isascii() and lane.isdigit() and str(int(lane)) == lane


def _rows(tracks: list[Track], pattern: Pattern) -> list[str]:
    return [
        format_row(
            tracks,
            [
                ([column[line] for column in part.columns], [lane[line] for lane in part.cc])
                for part in pattern.tracks
            ],
        )
        for line in range(pattern.lines)
    ]


def _check_shape(song: Song) -> None:
    """Refuse a song whose patterns do not fit its tracks: its rows could not be written."""
    for number, instrument in song.instruments.items():
        if instrument.soundfont is None and instrument.device is None:
            raise SongFormatError(
                f'instrument {number:02X} "{instrument.name}" needs a soundfont or a device'
            )
    for name, pattern in song.patterns.items():
        if len(pattern.tracks) != len(song.tracks):
            raise SongFormatError(
                f'pattern "{name}" has {len(pattern.tracks)} tracks, the song {len(song.tracks)}'
            )
        for track, part in zip(song.tracks, pattern.tracks, strict=True):
            lanes_fit = len(part.cc) == len(track.cc) and all(
                len(lane) == pattern.lines for lane in part.cc
            )
            columns_fit = len(part.columns) == track.notes and all(
                len(column) == pattern.lines
                and all(len(cell.effects) == track.effects for cell in column)
                for column in part.columns
            )
            if not (lanes_fit and columns_fit):
                raise SongFormatError(
                    f'pattern "{name}" does not fit track "{track.name}" '
                    f"({pattern.lines} lines, {track.notes} note columns, "
                    f"{track.effects} effects each, {len(track.cc)} CC lanes)"
                )


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _string(text: str) -> str:
    """A TOML basic string; control characters escaped, everything else written as is."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch < " " or ch == "\x7f":
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else _string(name)


def _float(value: float) -> str:
    """Shortest text that reads back as the same float (124.0, 0.25)."""
    return repr(float(value))
