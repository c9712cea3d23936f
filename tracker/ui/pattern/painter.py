"""Drawing one row of the pattern grid as Rich segments: pure, given the song and what is marked.

The pattern editor owns the state (cursor and selection in its PatternCursor,
playhead, scroll); this module only turns one line of one pattern into coloured
text, skipping tracks that are scrolled out of view. Track names come from the
song file: they are drawn through `visible` (a crafted name must not reach the
terminal as control) and fitted by terminal cells, so a wide character cannot
push the header out of line with its track.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.widget import Widget

from tracker.lanes import lane_reference
from tracker.song.edit import Selection
from tracker.song.model import Cell, Pattern, Song, is_pitch
from tracker.song.notation import format_byte, format_effect, format_lane_value, format_note
from tracker.song.scales import in_scale
from tracker.text import visible
from tracker.ui.meters import METER_CELLS
from tracker.ui.pattern.entry import lane_of
from tracker.ui.pattern.layout import SEPARATOR, GridLayout, Kind, lane_width
from tracker.ui.pattern.meters import has_meter

_FIELD_CLASS = {
    Kind.NOTE: "note",
    Kind.INSTRUMENT: "instrument",
    Kind.VOLUME: "volume",
    Kind.EFFECT_LETTER: "effect",
    Kind.EFFECT_VALUE: "effect",
    Kind.CC: "cc",
}

COMPONENT_CLASSES = {
    f"pattern-editor--{name}"
    for name in (
        "header",
        "muted",
        "line-number",
        "beat",
        "bar",
        "note",
        "instrument",
        "volume",
        "effect",
        "cc",
        "empty",
        "separator",
        "cursor",
        "cursor-away",
        "cursor-line",
        "selection",
        "playhead",
        "outside",
        "looped",
        "meter",
    )
}


@dataclass(frozen=True)
class Looks:
    """The styles of the grid, from tracker.tcss (component classes `pattern-editor--*`)."""

    base: Style
    parts: dict[str, Style]

    @classmethod
    def of(cls, widget: Widget) -> Looks:
        parts = {
            name.removeprefix("pattern-editor--"): widget.get_component_rich_style(
                name, partial=True
            )
            for name in COMPONENT_CLASSES
        }
        return cls(widget.rich_style, parts)

    def __getitem__(self, name: str) -> Style:
        return self.parts[name]


@dataclass(frozen=True)
class Marks:
    """What is drawn over the notes: the cursor, the selection, the playhead."""

    line: int
    track: int
    field: int
    selection: Selection | None
    playhead: int | None
    scale: tuple[int, str] | None = None
    """(tonic, scale) whose outsiders are marked; None: mark nothing (chromatic)."""
    focused: bool = True
    """The grid has the keys; else the cursor is drawn as `cursor-away` (another panel has them)."""


def cc_label(name: str) -> str:
    """A CC lane's name in the cells above its values (3, or 5 on a 14-bit lane):
    `cutoff` -> `cut`, `amp attack` -> `aat`, `74` -> ` 74`, `nrpn:cutoff` -> `cuto`.
    The track settings (Alt+E) show the whole name."""
    width = lane_width(name)
    text = visible(lane_reference(name))
    if text.isdigit():
        return text[-width:].rjust(width)
    words = [w for w in re.split(r"[\s_\-]+", text) if w]
    if len(words) > 1:
        text = words[0][0] + words[-1]
    return set_cell_size(text, width)


def header_segments(
    song: Song, grid: GridLayout, looks: Looks, meters: tuple[str, ...] | None = None
) -> list[Segment]:
    """Track names with M (muted) and S (solo) at the right edge of their note columns,
    then each CC lane's name (abbreviated) over its values. While playing, `meters`
    (tracker.ui.pattern.meters) take the first cells of each track's header."""
    style = looks.base + looks["header"]
    segments = []
    for index, track in enumerate(song.tracks):
        lanes = "".join(cc_label(name) for name in track.cc)
        width = grid.widths[index] - len(lanes)
        metered = meters is not None and has_meter(grid.widths[index], len(lanes))
        named = width - METER_CELLS if metered else width
        marks = ("M" if track.mute else "") + ("S" if track.solo else "")
        name = set_cell_size(visible(track.name), max(0, named - len(marks) - 1))
        shown = style + looks["muted"] if track.mute else style
        segments.append(Segment(SEPARATOR, style))
        if metered and meters is not None:
            meter = meters[index] if index < len(meters) else " " * METER_CELLS
            segments.append(Segment(meter, shown + looks["meter"]))
        segments.append(Segment(set_cell_size(f"{name} {marks}", named) + lanes, shown))
    segments.append(Segment(SEPARATOR, style))
    return segments


def _beat_style(song: Song, line: int, looks: Looks) -> Style:
    """Bars and beats (by lines per beat) light up the line number and the empty fields."""
    lpb = max(1, song.lpb)
    if line % (lpb * 4) == 0:
        return looks["bar"]
    if line % lpb == 0:
        return looks["beat"]
    return Style()


def _selected_lanes(song: Song, selection: Selection, track: int) -> range:
    """The lanes of a track inside the selection (note columns, then CC lanes)."""
    lanes = song.tracks[track].notes + len(song.tracks[track].cc)
    if not selection.start_track <= track <= selection.end_track:
        return range(0)
    first = selection.start_column if track == selection.start_track else 0
    last = selection.end_column if track == selection.end_track else lanes - 1
    return range(first, last + 1)


def line_segments(
    song: Song,
    pattern: Pattern,
    grid: GridLayout,
    looks: Looks,
    marks: Marks,
    line: int,
    gutter: int,
    on_screen: tuple[int, int],
) -> tuple[list[Segment], list[Segment]]:
    """The line number, and the body of every track (those outside `on_screen` as blanks)."""
    base = looks.base
    if line == marks.playhead:
        base = base + looks["playhead"]
    beat = _beat_style(song, line, looks)
    number_style = base + looks["line-number"] + beat
    if line == marks.line:
        # only the number marks the cursor's line: moving the cursor then redraws a few
        # cells, not whole lines (bytes over SSH)
        number_style = number_style + looks["cursor-line"]
    number = [Segment(f"{line:0{gutter}X}", number_style)]
    separator = base + looks["separator"]
    empty = looks["empty"] + beat
    selection = marks.selection
    selecting = selection is not None and selection.start_line <= line <= selection.end_line
    left, right = on_screen
    body: list[Segment] = []
    for t, track in enumerate(song.tracks):
        start, width = grid.starts[t], grid.widths[t]
        if start + width + 1 < left or start > right:
            body.append(Segment(" " * (width + 1)))  # off screen: cropped away
            continue
        body.append(Segment(SEPARATOR, separator))
        lanes = _selected_lanes(song, selection, t) if selecting and selection else range(0)
        part = pattern.tracks[t]
        looped = part.loop is not None and line >= part.loop  # kept, not heard: greyed
        x = 0
        previous: Style | None = None
        for index, (field, text) in enumerate(
            zip(grid.fields[t], field_texts(pattern, grid, t, line), strict=True)
        ):
            blank = text in (".", "-", "---")
            style = base + (empty if blank else looks[_FIELD_CLASS[field.kind]])
            if track.mute or looped:
                style = style + looks["looped" if looped else "muted"]
            elif field.kind is Kind.NOTE and _outside(part.columns[field.column][line], marks):
                style = style + looks["outside"]
            if lanes and lane_of(song, t, field) in lanes:
                style = style + looks["selection"]
            if line == marks.line and t == marks.track and index == marks.field:
                style = style + looks["cursor" if marks.focused else "cursor-away"]
            if field.x > x:
                # A gap between two fields drawn alike takes their style, so the run
                # becomes one segment (Strip.simplify): fewer escape codes per line.
                gap = style if style == previous else base
                body.append(Segment(" " * (field.x - x), gap))
            body.append(Segment(text, style))
            previous = style
            x = field.x + field.width
        if width > x:
            body.append(Segment(" " * (width - x), base))
    body.append(Segment(SEPARATOR, separator))
    return number, body


def _outside(cell: Cell, marks: Marks) -> bool:
    """A note outside the scale in force (never an empty, an OFF or a cut)."""
    return (
        marks.scale is not None
        and cell.note is not None
        and is_pitch(cell.note)
        and not in_scale(cell.note, *marks.scale)
    )


def field_texts(pattern: Pattern, grid: GridLayout, track: int, line: int) -> list[str]:
    """The text under each cursor stop of a track on a line."""
    part = pattern.tracks[track]
    texts = []
    for field in grid.fields[track]:
        if field.kind is Kind.CC:
            value = part.cc[field.column][line]
            texts.append(format_lane_value(value, field.digits == 4)[field.digit])
            continue
        cell = part.columns[field.column][line]
        if field.kind is Kind.NOTE:
            texts.append(format_note(cell.note))
        elif field.kind is Kind.INSTRUMENT:
            texts.append(format_byte(cell.instrument)[field.digit])
        elif field.kind is Kind.VOLUME:
            texts.append(format_byte(cell.volume)[field.digit])
        else:
            effect = format_effect(cell.effects[field.slot])
            texts.append(effect[0] if field.kind is Kind.EFFECT_LETTER else effect[1 + field.digit])
    return texts
