"""Every limit on what a song may hold, in one place.

The file format (song/fileformat.py) refuses a file beyond these limits, the
edit commands (song/edit_*.py) refuse an edit beyond them, and the dialogs ask
the edit commands, so a value the musician can type is always one the song can
be saved with. (They once disagreed: the settings dialog took 64 lines per beat,
the file format refused over 32, and such a song could never be saved.)

Ranges are (lowest, highest), both allowed.
"""

from __future__ import annotations

import re

from tracker.lanes import WIDE_NAME_RULE, wide_lane_name

Range = tuple[int, int]

# ---- the song -------------------------------------------------------------------

BPM_RANGE: Range = (4, 999)
"""Tempo in beats per minute (a float within this range). The slowest is the slowest
whole bpm a Standard MIDI File can state (its tempo is at most 0xFFFFFF microseconds
a beat: 3.58 bpm), so every song exports as it plays, and a MIDI file's slow tempo
(30 bpm, 10 bpm) imports as it is. The engine takes any positive tempo."""
TEMPO_EFFECT_RANGE: Range = (BPM_RANGE[0], 0xFF)
"""What a Txx effect sets: xx bpm in hex, T04 (4 bpm) to TFF (255 bpm). T00-T03 are
ignored: below the song's slowest tempo."""
LPB_RANGE: Range = (1, 32)
"""Lines per beat."""
TPL_RANGE: Range = (1, 32)
"""Ticks per line: the resolution of effects inside a line."""
SWING_RANGE: Range = (0, 1)
"""How late every second line sounds, as a fraction of a line (a float)."""

SEED_RANGE: Range = (0, 2**32 - 1)
"""The song's seed for chance (Yxx) and humanise draws."""
GROOVE_LINES_RANGE: Range = (1, 64)
"""Delays in one groove template (it repeats down the pattern)."""
GROOVE_DELAY_RANGE: tuple[float, float] = (0.0, 0.9)
"""One line's groove delay, as a fraction of a line (a float)."""
HUMANISE_VELOCITY_RANGE: Range = (0, 64)
"""Humanise: the most a note's velocity moves either way."""
HUMANISE_TIMING_RANGE: Range = (0, 1)
"""Humanise: the most a note starts late, in ticks (a float)."""

MAX_TRACKS = 64
MAX_LINES = 512
"""Lines in one pattern."""
LINES_RANGE: Range = (1, MAX_LINES)
MAX_NAME_LENGTH = 32
"""Pattern names and CC lane names: they have to fit the order list and the grid header."""

# ---- a track --------------------------------------------------------------------

MAX_NOTE_COLUMNS = 12
NOTE_COLUMNS_RANGE: Range = (1, MAX_NOTE_COLUMNS)
"""A track's polyphony."""
MAX_EFFECT_COLUMNS = 4
EFFECT_COLUMNS_RANGE: Range = (0, MAX_EFFECT_COLUMNS)
MAX_CC_LANES = 8
"""Automation lanes per track."""
CC_RANGE: Range = (0, 127)
"""Controller numbers, and the values a CC lane holds."""

# ---- a track's mixer strip ------------------------------------------------------------

TRACK_VOLUME_DB_RANGE: Range = (-60, 4)
"""A track's volume in dB (a float): 0 dB is CC 7 = 100, the General MIDI default,
so a track left at 0 dB sounds as before the mixer existed; +4 dB is about CC 7 =
127, the loudest a channel goes (engine/mixer.py has the curve)."""
PAN_RANGE: Range = (-64, 63)
"""A track's pan: -64 hard left, 0 centre (CC 10 = 64), +63 hard right."""
SEND_RANGE: Range = (0, 127)
"""Reverb (CC 91) and chorus (CC 93) sends."""

# ---- the master -------------------------------------------------------------------------

MASTER_GAIN_DB_RANGE: Range = (-60, 24)
"""Gain on the whole mix, in dB (a float)."""
LOUDNESS_RANGE: Range = (-60, 0)
"""An integrated loudness target in LUFS (a float)."""
TRUE_PEAK_RANGE: Range = (-20, 0)
"""The true-peak ceiling in dBTP (a float)."""

# ---- an instrument ----------------------------------------------------------------

MAX_INSTRUMENTS = 255
INSTRUMENT_NUMBER_RANGE: Range = (1, MAX_INSTRUMENTS)
"""Instruments are numbered 01-FF in two hex digits; 00 is never one."""
PROGRAM_RANGE: Range = (0, 127)
BANK_RANGE: Range = (0, 16383)
"""A MIDI bank select: 14 bits (MSB * 128 + LSB), what a hardware device may take."""
SOUNDFONT_BANK_RANGE: Range = (0, 128)
"""A soundfont's banks: 0-127, and 128 for drum kits (the SoundFont 2 convention;
FluidSynth's bank select reads the MSB only). A larger bank on a soundfont
instrument is a typo (12810 for 128) that would silently play bank 0."""
CHANNEL_RANGE: Range = (1, 16)
VOLUME_RANGE: Range = (0, 127)


def bank_range(device: str | None) -> Range:
    """The banks an instrument may select: any MIDI bank on a device, a soundfont's otherwise."""
    return BANK_RANGE if device else SOUNDFONT_BANK_RANGE


# ---- CC lane names ------------------------------------------------------------------

_CC_NAME = re.compile(r"[A-Za-z][A-Za-z0-9 _-]*")
CC_NAME_RULE = (
    f'a controller number {CC_RANGE[0]} to {CC_RANGE[1]} or a name like "cutoff" '
    f'(letters, digits, spaces, "-" and "_", starting with a letter, at most {MAX_NAME_LENGTH}), '
    f"or a 14-bit lane: {WIDE_NAME_RULE}"
)
"""What cc_lane_name accepts, in words for error messages."""


def cc_lane_name(lane: object) -> str | None:
    """A CC lane as the song keeps it, or None when it cannot name one.

    A controller number (an int, or decimal text) becomes its decimal text
    without leading zeros ("074" -> "74"); a name stays as written. Whether a
    name is known is up to the instrument's device map (tracker/instruments.py).
    """
    low, high = CC_RANGE
    if isinstance(lane, int) and not isinstance(lane, bool):
        return str(lane) if low <= lane <= high else None
    if not isinstance(lane, str):
        return None
    if lane.isascii() and lane.isdigit():
        digits = lane.lstrip("0") or "0"
        return digits if len(digits) <= 3 and low <= int(digits) <= high else None
    if len(lane) > MAX_NAME_LENGTH:
        return None
    wide = wide_lane_name(lane)
    if wide is not None:
        return wide
    if _CC_NAME.fullmatch(lane):
        return lane
    return None
