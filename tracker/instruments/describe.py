"""One line per instrument for `tracker check`: what will sound, and where."""

from __future__ import annotations

from tracker.instruments.devices import load_device
from tracker.instruments.gm import load_gm
from tracker.instruments.model import DRUM_BANK, DRUM_CHANNEL, GeneralMidi, InstrumentLike


def _program_text(program: int, bank: int, gm: GeneralMidi | None) -> str:
    if bank == DRUM_BANK:
        return f"drum kit {program} (bank {DRUM_BANK})"
    text = f"program {program}"
    if gm is not None:
        text += f" {gm.program_name(program)}"
    return text + (f", bank {bank}" if bank else "")


def describe_instrument(instrument: InstrumentLike) -> str:
    """One line for `tracker check`: what will sound, and where.

    "soundfont default, program 33 Electric Bass (finger)" or
    "device minilogue-xd (Korg minilogue xd), channel 2, fallback program 81 Lead 2 (sawtooth)".
    Raises InstrumentError when the named device does not exist.
    """
    gm = load_gm()
    if instrument.device:
        device = load_device(instrument.device)
        channel = instrument.channel if instrument.channel is not None else device.channel
        program, bank = device.offline_program(instrument.program, instrument.bank)
        parts = [f"device {device.key} ({device.title})", f"channel {channel}"]
        named = device.extras.patches.get(instrument.bank, {}).get(instrument.program)
        if named is not None:  # the device file's patch list
            parts.append(f'patch {instrument.program} "{named}"')
        parts.append(f"fallback {_program_text(program, bank, gm)}")
        if device.latency_ms:
            parts.append(f"latency {device.latency_ms:g} ms")
        return ", ".join(parts)
    font = instrument.soundfont or "default"
    drums = instrument.bank == DRUM_BANK or instrument.channel == DRUM_CHANNEL + 1
    if drums:
        kit_bank = f" (bank {DRUM_BANK})" if instrument.bank == DRUM_BANK else ""
        what = f"drum kit {instrument.program}{kit_bank}"
    else:
        # Program names are only known for the General MIDI font.
        what = _program_text(instrument.program, instrument.bank, gm if font == "default" else None)
    parts = [f"soundfont {font}", what]
    if instrument.channel is not None:
        parts.append(f"channel {instrument.channel}")
    return ", ".join(parts)
