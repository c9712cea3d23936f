"""What each instrument sounds like offline: its soundfont program, or for a hardware
device the General MIDI stand-in its device file names, so a bounce is complete.
Live playback (tracker.audio.live) plays the same patches.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracker.audio.soundfonts import DEFAULT as DEFAULT_FONT
from tracker.audio.soundfonts import check_soundfont
from tracker.errors import InstrumentError, SoundfontError
from tracker.instruments import load_device
from tracker.song.model import Instrument, Song


@dataclass(frozen=True)
class Patch:
    """What a synth channel plays for one instrument."""

    font: Path
    program: int
    bank: int
    fixed: bool = False
    """A hardware device's stand-in: program changes on it keep this patch."""


def instrument_patches(
    song: Song, soundfont: Path, song_dir: Path | None = None, warnings: list[str] | None = None
) -> dict[int, Patch]:
    """Each instrument's soundfont program; hardware devices render through their
    General MIDI stand-in so an offline bounce is complete."""
    said = warnings if warnings is not None else []
    patches: dict[int, Patch] = {}
    for number, instrument in song.instruments.items():
        if instrument.device:
            program, bank = _device_fallback(instrument, said)
            patches[number] = Patch(soundfont, program, bank, fixed=True)
        elif instrument.soundfont in (None, "", DEFAULT_FONT):
            patches[number] = Patch(soundfont, instrument.program, instrument.bank)
        else:
            font = _own_font(number, instrument, song_dir)
            patches[number] = Patch(font, instrument.program, instrument.bank)
    return patches


def _own_font(number: int, instrument: Instrument, song_dir: Path | None) -> Path:
    """An instrument's own soundfont (a path, relative to the song's folder)."""
    path = Path(instrument.soundfont or "").expanduser()
    if not path.is_absolute() and song_dir is not None:
        path = song_dir / path
    try:
        return check_soundfont(path)
    except SoundfontError as error:
        raise SoundfontError(
            f'instrument {number:02X} "{instrument.name}": {error.message}'
        ) from None


def _device_fallback(instrument: Instrument, warnings: list[str]) -> tuple[int, int]:
    """(program, bank) standing in for a hardware device's sound: the device
    file's fallback program, else the instrument's own."""
    try:
        device = load_device(instrument.device or "")
    except InstrumentError as error:
        warnings.append(f"{error.message}; rendering {instrument.name!r} with its own program")
        return instrument.program, instrument.bank
    return device.offline_program(instrument.program, instrument.bank)
