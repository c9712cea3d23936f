"""What a key typed into a field of the grid writes: key + field -> an edit command.

Pure: no Textual, so the rules (which nibble a digit sets, how far a volume may
go, what Delete clears) are plain functions over the song.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tracker.errors import EditError
from tracker.lanes import WIDE_MAX
from tracker.song.edit import (
    Batch,
    CellField,
    Command,
    SetCC,
    SetCell,
    SetCellField,
    SetEffect,
    SetTrackInstrument,
)
from tracker.song.effects import EFFECTS
from tracker.song.model import Effect, Song
from tracker.ui.pattern.layout import Field, Kind

HEX_DIGITS = "0123456789abcdef"


@dataclass(frozen=True)
class Spot:
    """A cursor position in a pattern: the field under the cursor on one line."""

    pattern: str
    line: int
    track: int
    field: Field


def lane_of(song: Song, track: int, field: Field) -> int:
    """The field's column counted the way tracker.song.edit.selection counts columns."""
    if field.kind is Kind.CC:
        return song.tracks[track].notes + field.column
    return field.column


def set_nibble(value: int | None, digit: int, nibble: int, digits: int = 2) -> int:
    """`value` with hex digit `digit` (0 leftmost of `digits`) set to `nibble`."""
    shift = 4 * (digits - 1 - digit)
    return ((value or 0) & ~(0xF << shift)) | (nibble << shift)


def note_command(song: Song, spot: Spot, note: int, instrument: int | None) -> Command:
    """A typed note (or OFF/cut): the note and the current instrument; volume and effects stay.

    A note-off or cut carries no instrument. A note with an instrument the track does not
    remember yet also makes the track remember it (Track.instrument), in the same undo step.
    """
    old = song.cell(spot.pattern, spot.track, spot.field.column, spot.line)
    cell = replace(old, note=note, instrument=instrument if note < 128 else None)
    write = SetCell(spot.pattern, spot.line, spot.track, spot.field.column, cell)
    if cell.instrument is None or song.tracks[spot.track].instrument == cell.instrument:
        return write
    return Batch([write, SetTrackInstrument(spot.track, cell.instrument)], write.label)


def hex_command(song: Song, spot: Spot, nibble: int) -> Command:
    """A hex digit typed into an instrument, volume, effect value or CC field."""
    field = spot.field
    column = field.column
    if field.kind is Kind.CC:
        lane = song.patterns[spot.pattern].tracks[spot.track].cc[column]
        top = WIDE_MAX if field.digits == 4 else 0x7F
        value = min(top, set_nibble(lane[spot.line], field.digit, nibble, field.digits))
        return SetCC(spot.pattern, spot.line, spot.track, column, value)
    old = song.cell(spot.pattern, spot.track, column, spot.line)
    if field.kind is Kind.INSTRUMENT:
        value = set_nibble(old.instrument, field.digit, nibble)
        return SetCellField(spot.pattern, spot.line, spot.track, column, "instrument", value)
    if field.kind is Kind.VOLUME:
        value = min(0x7F, set_nibble(old.volume, field.digit, nibble))
        return SetCellField(spot.pattern, spot.line, spot.track, column, "volume", value)
    if field.kind is Kind.EFFECT_VALUE:
        effect = old.effects[field.slot]
        if effect is None:
            raise EditError("type the effect letter first (F1 lists the effects)")
        value = set_nibble(effect.value, field.digit, nibble)
        return SetEffect(
            spot.pattern, spot.line, spot.track, column, field.slot, Effect(effect.command, value)
        )
    raise EditError("this field takes a note: use the piano keys")


def effect_letter_command(song: Song, spot: Spot, letter: str) -> Command:
    """An effect letter typed into the effect field; an existing value is kept."""
    letter = letter.upper()
    if letter not in EFFECTS:
        raise EditError(f'"{letter}" is not an effect (known: {"".join(EFFECTS)}; F1 lists them)')
    old = song.cell(spot.pattern, spot.track, spot.field.column, spot.line)
    effect = old.effects[spot.field.slot]
    value = effect.value if effect is not None else 0
    return SetEffect(
        spot.pattern,
        spot.line,
        spot.track,
        spot.field.column,
        spot.field.slot,
        Effect(letter, value),
    )


def clear_command(song: Song, spot: Spot) -> Command:
    """Delete on a field: the note field clears note, instrument and volume; others clear themselves."""
    field = spot.field
    if field.kind is Kind.CC:
        return SetCC(spot.pattern, spot.line, spot.track, field.column, None)
    if field.kind in (Kind.EFFECT_LETTER, Kind.EFFECT_VALUE):
        return SetEffect(spot.pattern, spot.line, spot.track, field.column, field.slot, None)
    if field.kind is Kind.NOTE:
        old = song.cell(spot.pattern, spot.track, field.column, spot.line)
        cell = replace(old, note=None, instrument=None, volume=None)
        return SetCell(spot.pattern, spot.line, spot.track, field.column, cell)
    name: CellField = "instrument" if field.kind is Kind.INSTRUMENT else "volume"
    return SetCellField(spot.pattern, spot.line, spot.track, field.column, name, None)
