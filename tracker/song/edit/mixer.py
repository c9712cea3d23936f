"""Edits of the mixer: a track's strip (volume, pan, sends) and the song's master.

Each is one undo step, like any edit; the player hears a strip change from the
line the edit lands on (engine/mixer.py sends the strip where a timeline starts).
Values are kept to the ranges in song/limits.py, and a volume to a tenth of a dB,
so what the panel shows is what the file keeps.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from tracker.errors import EditError
from tracker.song.edit.base import Edit, Swap
from tracker.song.edit.tracks import _TrackChange
from tracker.song.limits import (
    LOUDNESS_RANGE,
    MASTER_GAIN_DB_RANGE,
    PAN_RANGE,
    SEND_RANGE,
    TRACK_VOLUME_DB_RANGE,
    TRUE_PEAK_RANGE,
)
from tracker.song.model import MasterSettings, Song, Track

Setting = Literal["volume_db", "pan", "reverb", "chorus"]
SETTINGS: tuple[Setting, ...] = ("volume_db", "pan", "reverb", "chorus")


def clamp_setting(setting: Setting, value: float | None) -> float | int | None:
    """A strip value kept to its range: a volume to a tenth of a dB, the rest whole;
    None (no send) only for the sends."""
    if value is None:
        if setting in ("reverb", "chorus"):
            return None
        raise EditError(f"a track's {describe(setting)} needs a value")
    if setting == "volume_db":
        low, high = TRACK_VOLUME_DB_RANGE
        return max(float(low), min(float(high), round(float(value), 1)))
    low, high = PAN_RANGE if setting == "pan" else SEND_RANGE
    return max(low, min(high, round(value)))


def describe(setting: Setting) -> str:
    return {"volume_db": "volume", "pan": "pan", "reverb": "reverb send", "chorus": "chorus send"}[
        setting
    ]


def shown(setting: Setting, value: float | int | None) -> str:
    """A strip value as the panel and the undo label write it: -6.0 dB, L32 / C / R12, 80, off."""
    if value is None:
        return "off"
    if setting == "volume_db":
        return f"{value:+.1f} dB" if value else "0.0 dB"
    if setting == "pan":
        return "C" if value == 0 else f"{'L' if value < 0 else 'R'}{abs(int(value))}"
    return str(int(value))


def parse_setting(setting: Setting, text: str) -> float | int | None:
    """A strip value as the musician types it: "-6" or "-6 dB"; "L20", "R10", "C" or
    "-20"; a send 0-127, or "off" / nothing for no send. Out of range is refused, not
    kept to the range: a typed value is meant exactly."""
    typed = text.strip().lower()
    if setting in ("reverb", "chorus") and typed in ("", "off", "-"):
        return None
    if setting == "pan" and typed[:1] in ("l", "r", "c"):
        side, number = typed[0], typed[1:].strip()
        if not (not number if side == "c" else number.isdigit()):
            raise EditError(f'the pan should be L1-L64, C or R1-R63 (or -64 to 63), not "{text}"')
        typed = "0" if side == "c" else f"-{number}" if side == "l" else number
    low, high = {
        "volume_db": TRACK_VOLUME_DB_RANGE,
        "pan": PAN_RANGE,
        "reverb": SEND_RANGE,
        "chorus": SEND_RANGE,
    }[setting]
    number_text = typed.removesuffix("db").strip() if setting == "volume_db" else typed
    try:
        value = float(number_text) if setting == "volume_db" else int(number_text)
    except ValueError:
        unit = " dB" if setting == "volume_db" else ""
        raise EditError(
            f'the {describe(setting)} should be a number {low} to {high}{unit}, not "{text}"'
        ) from None
    if not low <= value <= high:
        raise EditError(f"the {describe(setting)} must be {low} to {high}, not {value:g}")
    return value


@dataclass
class SetTrackMixer(_TrackChange):
    """One setting of a track's strip; a value past its range is kept to the range's end."""

    setting: Setting
    value: float | None

    @property
    def label(self) -> str:
        value = clamp_setting(self.setting, self.value)
        return f"{describe(self.setting).capitalize()} {shown(self.setting, value)}, track {self.index + 1}"

    def changed(self, track: Track) -> Track:
        if self.setting not in SETTINGS:
            raise EditError(f'a track\'s mixer has no "{self.setting}"')
        value = clamp_setting(self.setting, self.value)
        if self.setting == "volume_db":
            assert value is not None  # clamp_setting refuses None for a volume
            return replace(track, volume_db=float(value))
        if self.setting == "pan":
            assert value is not None
            return replace(track, pan=int(value))
        sent = None if value is None else int(value)
        return (
            replace(track, reverb=sent) if self.setting == "reverb" else replace(track, chorus=sent)
        )


@dataclass
class SetMaster(Edit):
    """The song's master settings, all at once (the master dialog sets them together)."""

    master: MasterSettings

    @property
    def label(self) -> str:
        return "Master settings"

    def plan(self, song: Song) -> list[Swap]:
        master = self.master
        _check("master gain", master.gain_db, MASTER_GAIN_DB_RANGE, "dB")
        if master.loudness is not None:
            _check("loudness target", master.loudness, LOUDNESS_RANGE, "LUFS")
        _check("true-peak ceiling", master.true_peak, TRUE_PEAK_RANGE, "dBTP")
        return [Swap(song, "master", master)]


def _check(what: str, value: float, limits: tuple[int, int], unit: str) -> None:
    low, high = limits
    if not low <= value <= high:
        raise EditError(f"the {what} must be {low} to {high} {unit}, not {value:g}")
