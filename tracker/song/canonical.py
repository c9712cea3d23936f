"""The canonical text of a song: `dumps`, the writing half of fileformat.

The same song always gives the same bytes, so a save of an unchanged song is
byte-identical and diffs show only what changed. Comments and hand layout do
not survive a save: the file is rewritten from the song, not patched. Layout:

    format, title, bpm, lpb, tpl, swing, then only when not their defaults: key,
    scale, seed, groove, humanise (an inline table); soundfont (only when set), order
    [grooves]         the song's own groove templates, when it has any: name = [delays]
                      (fractions of a line) or name = { ticks = [delays] }
    [master]          only when not the defaults: gain_db, loudness (when set),
                      true_peak, each only when not its default
    [instruments.NN]  (two hex digits, in number order) name; soundfont unless
                      it is a device without one; program for soundfont
                      instruments (for devices only when not 0); bank, device,
                      channel and volume only when not their defaults
    [[tracks]]        name, notes, effects; cc when it has lanes (numbers as
                      integers, names as text); mute / solo only when true; groove
                      when set; instrument (the one last typed with) when there is one;
                      volume_db, pan, reverb, chorus only when not the defaults
    [patterns.NAME]   lines; key, scale and loops ({ track = lines }) when set; then rows as a multi-line string, one row per line
                      (tracker notation, tracks separated by " | ")
"""

from __future__ import annotations

import re

from tracker.errors import SongFormatError
from tracker.lanes import is_wide
from tracker.song.model import (
    FORMAT_VERSION,
    Cell,
    Groove,
    Instrument,
    MasterSettings,
    Pattern,
    Song,
    Track,
)
from tracker.song.notation import TRACK_SEPARATOR, format_cell, format_lane_value

_DEFAULT_INSTRUMENT = Instrument(name="")
_DEFAULT_TRACK = Track(name="")
_DEFAULT_MASTER = MasterSettings()
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
    out += _feel_lines(song)
    if song.soundfont is not None:
        out.append(f"soundfont = {_string(song.soundfont)}")
    texts: dict[int, str] = {}
    out.append(f"order = [{', '.join(_string(name) for name in song.order)}]")
    if song.grooves:
        out += ["", "[grooves]"]
        out += [f"{_key(name)} = {_groove(groove)}" for name, groove in song.grooves.items()]
    if song.master != _DEFAULT_MASTER:
        out += ["", "[master]", *_master_lines(song.master)]
    for number in sorted(song.instruments):
        out += ["", f"[instruments.{number:02X}]", *_instrument_lines(song.instruments[number])]
    for track in song.tracks:
        out += ["", "[[tracks]]", *_track_lines(track)]
    for name, pattern in song.patterns.items():
        out += ["", f"[patterns.{_key(name)}]", f"lines = {pattern.lines}"]
        out += _pattern_feel_lines(pattern)
        out.append('rows = """')
        out += _rows(song.tracks, pattern, texts)
        out.append('"""')
    return "\n".join(out) + "\n"


def _groove(groove: Groove) -> str:
    """[fractions of a line], or { ticks = [ticks] } as written."""
    if groove.in_ticks:
        ticks = ", ".join(str(int(d)) if d.is_integer() else _float(d) for d in groove.delays)
        return f"{{ ticks = [{ticks}] }}"
    return f"[{', '.join(_float(d) for d in groove.delays)}]"


def _feel_lines(song: Song) -> list[str]:
    """The song's key, scale, seed, groove and humanise: each only when not its default."""
    default = Song()
    lines = []
    if song.key != default.key:
        lines.append(f"key = {_string(song.key)}")
    if song.scale != default.scale:
        lines.append(f"scale = {_string(song.scale)}")
    if song.seed != default.seed:
        lines.append(f"seed = {song.seed}")
    if song.groove is not None:
        lines.append(f"groove = {_string(song.groove)}")
    if not song.humanise.is_off:
        parts = []
        if song.humanise.velocity:
            parts.append(f"velocity = {song.humanise.velocity}")
        if song.humanise.timing:
            parts.append(f"timing = {_float(song.humanise.timing)}")
        lines.append(f"humanise = {{ {', '.join(parts)} }}")
    return lines


def _pattern_feel_lines(pattern: Pattern) -> list[str]:
    lines = []
    if pattern.key is not None:
        lines.append(f"key = {_string(pattern.key)}")
    if pattern.scale is not None:
        lines.append(f"scale = {_string(pattern.scale)}")
    # A loop as long as the pattern (or longer: the pattern was shortened) is no loop.
    loops = [
        f"{t + 1} = {part.loop}"
        for t, part in enumerate(pattern.tracks)
        if part.loop is not None and part.loop < pattern.lines
    ]
    if loops:
        lines.append(f"loops = {{ {', '.join(loops)} }}")
    return lines


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
    if track.groove is not None:
        lines.append(f"groove = {_string(track.groove)}")
    if track.instrument is not None:
        lines.append(f'instrument = "{track.instrument:02X}"')
    default = _DEFAULT_TRACK
    if track.volume_db != default.volume_db:
        lines.append(f"volume_db = {_float(track.volume_db)}")
    if track.pan != default.pan:
        lines.append(f"pan = {track.pan}")
    if track.reverb is not None:
        lines.append(f"reverb = {track.reverb}")
    if track.chorus is not None:
        lines.append(f"chorus = {track.chorus}")
    return lines


def _master_lines(master: MasterSettings) -> list[str]:
    default = _DEFAULT_MASTER
    lines = []
    if master.gain_db != default.gain_db:
        lines.append(f"gain_db = {_float(master.gain_db)}")
    if master.loudness is not None:
        lines.append(f"loudness = {_float(master.loudness)}")
    if master.true_peak != default.true_peak:
        lines.append(f"true_peak = {_float(master.true_peak)}")
    return lines


def _is_cc_number(lane: str) -> bool:
    """A lane written as a TOML integer: plain decimal digits with no leading zero."""
    return lane.isascii() and lane.isdigit() and str(int(lane)) == lane


def _rows(tracks: list[Track], pattern: Pattern, texts: dict[int, str]) -> list[str]:
    """The pattern's rows in notation. `texts` holds the text of each cell written so far,
    by the cell's id: a song shares its equal cells (they are frozen), so most are
    formatted once, and every cell stays alive while the song is written, so an id
    names one cell throughout."""
    parts = []
    for track, part in zip(tracks, pattern.tracks, strict=True):
        columns = [[_cell_text(cell, texts) for cell in column] for column in part.columns]
        lanes = [
            [format_lane_value(value, is_wide(name)) for value in lane]
            for name, lane in zip(track.cc, part.cc, strict=True)
        ]
        words = columns + lanes
        if len(words) == 1:
            parts.append(words[0])
        else:
            parts.append([" ".join(line) for line in zip(*words, strict=True)])
    return [f" {TRACK_SEPARATOR} ".join(line) for line in zip(*parts, strict=True)]


def _cell_text(cell: Cell, texts: dict[int, str]) -> str:
    text = texts.get(id(cell))
    if text is None:
        text = texts[id(cell)] = format_cell(cell)
    return text


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
