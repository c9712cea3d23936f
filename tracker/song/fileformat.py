"""Song files (songs/*.toml) <-> Song.

Reading is strict: every problem is a SongFormatError that names the file, the
line and the column and says what was expected (a bad note inside a pattern
points at the note itself). Unknown keys are refused, with a did-you-mean when
one is close, so a typo never silently drops a setting. Nothing but
SongFormatError leaves `loads`. This module reads the song, its instruments,
tracks and order; tracker/tomlfile.py parses, places and types values (the one
TOML reader songs, instruments, devices and the key map share), pattern_rows.py
reads the patterns, migrations.py brings older formats up to date.

Writing is canonical (song/canonical.py, re-exported here as `dumps`): a
save of an unchanged song is byte-identical. Comments and hand layout do not
survive a save: the file is rewritten from the song, not patched.

Versions: the file says `format = N`. A file newer than FORMAT_VERSION is
refused; an older one is brought up to date by MIGRATIONS, one step per
version, before it is read. Format 0 never shipped: it is the pre-release draft
layout (`tempo` for `bpm`, `columns` for a track's `notes`), kept so the
migration path is exercised by a real file. To add format 2: bump
model.FORMAT_VERSION, add `MIGRATIONS[1]` turning a format-1 dict into a
format-2 one, teach the reader and writer the new layout, and add a format-1
fixture to the tests.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tracker.errors import SongFormatError
from tracker.song.canonical import dumps
from tracker.song.feel_format import FEEL_KEYS
from tracker.song.limits import (
    BANK_RANGE,
    BPM_RANGE,
    CC_NAME_RULE,
    CHANNEL_RANGE,
    EFFECT_COLUMNS_RANGE,
    INSTRUMENT_NUMBER_RANGE,
    LOUDNESS_RANGE,
    LPB_RANGE,
    MASTER_GAIN_DB_RANGE,
    MAX_CC_LANES,
    MAX_TRACKS,
    NOTE_COLUMNS_RANGE,
    PAN_RANGE,
    PROGRAM_RANGE,
    SEND_RANGE,
    SWING_RANGE,
    TPL_RANGE,
    TRACK_VOLUME_DB_RANGE,
    TRUE_PEAK_RANGE,
    VOLUME_RANGE,
    cc_lane_name,
)
from tracker.song.migrations import MIGRATIONS
from tracker.song.model import (
    FORMAT_VERSION,
    Instrument,
    MasterSettings,
    Pattern,
    Song,
    Track,
)
from tracker.song.pattern_rows import PatternReader
from tracker.toml_locator import KeyPath
from tracker.tomlfile import Raw, describe, did_you_mean
from tracker.tomlfile import decode as decode_text

__all__ = [
    "BPM_RANGE",
    "LPB_RANGE",
    "MIGRATIONS",
    "decode",
    "dumps",
    "load_bytes",
    "loads",
]

SONG_KEYS = (
    "format",
    "title",
    "bpm",
    "lpb",
    "tpl",
    "swing",
    *FEEL_KEYS,
    "soundfont",
    "order",
    "master",
    "instruments",
    "tracks",
    "patterns",
)
INSTRUMENT_KEYS = (
    "name",
    "soundfont",
    "program",
    "bank",
    "device",
    "channel",
    "volume",
    "sysex",
)
TRACK_KEYS = (
    "name",
    "notes",
    "effects",
    "cc",
    "mute",
    "solo",
    "groove",
    "instrument",
    "volume_db",
    "pan",
    "reverb",
    "chorus",
)
MASTER_KEYS = ("gain_db", "loudness", "true_peak")

_DEFAULT_INSTRUMENT = Instrument(name="")
_HEX_KEY = re.compile(r"[0-9A-Fa-f]{2}")


def load_bytes(data: bytes, path: str | Path | None = None) -> Song:
    """A song from the raw bytes of a file (UTF-8 is checked here, with the bad byte's place)."""
    return loads(decode(data, path), path)


def decode(data: bytes, path: str | Path | None = None) -> str:
    """A song file's bytes as text: UTF-8 is checked here, with the bad byte's place."""
    return decode_text(data, path, SongFormatError)


def loads(text: str, path: str | Path | None = None) -> Song:
    """Parse and check a whole song file; every problem raises SongFormatError with its place."""
    return _Reader(text, path).song()


class _Reader(PatternReader):
    """One pass over one song file: the song, its instruments, tracks and order."""

    # ---- the song ----------------------------------------------------------------

    def song(self) -> Song:
        if not self.text.strip():
            raise self.error(
                f"the file is empty (expected a song, starting with format = {FORMAT_VERSION})",
                (1, 1),
            )
        raw = self._migrate(self.parse())
        self.check_keys(raw, SONG_KEYS, (), "the song")
        song = Song(
            title=self.string(raw, (), "title", "Untitled"),
            bpm=self.number(raw, (), "bpm", BPM_RANGE, 120.0),
            lpb=self.integer(raw, (), "lpb", LPB_RANGE, 4),
            tpl=self.integer(raw, (), "tpl", TPL_RANGE, 6),
            swing=self.number(raw, (), "swing", SWING_RANGE, 0.0),
            soundfont=self.optional_string(raw, (), "soundfont"),
            instruments=self._instruments(raw),
            tracks=self._tracks(raw),
            master=self._master(raw),
            format=FORMAT_VERSION,
        )
        self.read_feel(raw, song)
        self.track_grooves(raw, song.tracks, song)
        song.patterns = self._patterns(raw, song.tracks, song.instruments)
        song.order = self._order(raw, song.patterns)
        return song

    def _migrate(self, raw: Raw) -> Raw:
        if "format" not in raw:
            raise self.error(
                f'missing "format" (expected format = {FORMAT_VERSION} at the top of the file)',
                (1, 1),
            )
        version = raw["format"]
        if isinstance(version, bool) or not isinstance(version, int):
            raise self.at_value(
                ("format",),
                f"format should be a whole number (this version writes format = {FORMAT_VERSION}), "
                f"not {describe(version)}",
            )
        if version > FORMAT_VERSION:
            raise self.at_value(
                ("format",),
                f"this song was written by a newer tracker (format {version}); "
                f"this version reads format {FORMAT_VERSION}",
            )
        oldest = min([*MIGRATIONS, FORMAT_VERSION])
        if version < oldest:
            raise self.at_value(
                ("format",),
                f"format {version} is not a song format this tracker knows "
                f"(it reads formats {oldest} to {FORMAT_VERSION})",
            )
        while version < FORMAT_VERSION:
            raw = MIGRATIONS[version](raw)
            version += 1
            raw["format"] = version
        return raw

    # ---- instruments ---------------------------------------------------------------

    def _instruments(self, raw: Raw) -> dict[int, Instrument]:
        table = self.named_tables(raw, (), "instruments")
        instruments: dict[int, Instrument] = {}
        for key, value in table.items():
            keys: KeyPath = ("instruments", key)
            low, high = INSTRUMENT_NUMBER_RANGE
            if not _HEX_KEY.fullmatch(key) or not low <= int(key, 16) <= high:
                raise self.at_key(
                    keys,
                    f'instrument number "{key}" should be two hex digits, {low:02X} to {high:02X}',
                )
            number = int(key, 16)
            if number in instruments:
                raise self.at_key(keys, f"instrument {number:02X} is defined twice")
            if not isinstance(value, dict):
                raise self.at_value(
                    keys, f"instrument {key} should be a table of settings, not {describe(value)}"
                )
            instruments[number] = self._instrument(value, keys)
        return instruments

    def _instrument(self, table: Raw, keys: KeyPath) -> Instrument:
        self.check_keys(table, INSTRUMENT_KEYS, keys, f"instrument {keys[-1]}")
        if "name" not in table:
            raise self.at_key(keys, f'instrument {keys[-1]} has no name (expected name = "...")')
        device = self.optional_string(table, keys, "device")
        soundfont = self.optional_string(table, keys, "soundfont")
        if soundfont is None and device is None:
            soundfont = _DEFAULT_INSTRUMENT.soundfont
        channel = table.get("channel")
        return Instrument(
            name=self.string(table, keys, "name", ""),
            soundfont=soundfont,
            program=self.integer(
                table, keys, "program", PROGRAM_RANGE, _DEFAULT_INSTRUMENT.program
            ),
            bank=self.integer(table, keys, "bank", BANK_RANGE, _DEFAULT_INSTRUMENT.bank),
            device=device,
            channel=None
            if channel is None
            else self.integer(table, keys, "channel", CHANNEL_RANGE),
            volume=self.integer(table, keys, "volume", VOLUME_RANGE, _DEFAULT_INSTRUMENT.volume),
            sysex=self.optional_string(table, keys, "sysex"),
        )

    # ---- tracks ----------------------------------------------------------------------

    def _tracks(self, raw: Raw) -> list[Track]:
        if "tracks" not in raw:
            raise self.error(
                'the song has no tracks (expected at least one [[tracks]] with a name = "...")',
                None,
            )
        entries = raw["tracks"]
        if not isinstance(entries, list) or not all(isinstance(t, dict) for t in entries):
            raise self.at_value(
                ("tracks",), "tracks should be written as [[tracks]] tables, one per track"
            )
        if not 1 <= len(entries) <= MAX_TRACKS:
            raise self.at_key(
                ("tracks",), f"the song has {len(entries)} tracks (expected 1 to {MAX_TRACKS})"
            )
        return [self._track(entry, ("tracks", i)) for i, entry in enumerate(entries)]

    def _track(self, table: Raw, keys: KeyPath) -> Track:
        number = int(keys[-1]) + 1
        self.check_keys(table, TRACK_KEYS, keys, f"track {number}")
        if "name" not in table:
            raise self.at_key(keys, f'track {number} has no name (expected name = "...")')
        return Track(
            name=self.string(table, keys, "name", ""),
            notes=self.integer(table, keys, "notes", NOTE_COLUMNS_RANGE, 1),
            effects=self.integer(table, keys, "effects", EFFECT_COLUMNS_RANGE, 1),
            cc=self._cc_lanes(table, keys),
            mute=self.boolean(table, keys, "mute"),
            solo=self.boolean(table, keys, "solo"),
            instrument=self._track_instrument(table, keys),
            volume_db=self.number(table, keys, "volume_db", TRACK_VOLUME_DB_RANGE, 0.0),
            pan=self.integer(table, keys, "pan", PAN_RANGE, 0),
            reverb=self._optional_integer(table, keys, "reverb", SEND_RANGE),
            chorus=self._optional_integer(table, keys, "chorus", SEND_RANGE),
        )

    def _optional_integer(
        self, table: Raw, keys: KeyPath, key: str, limits: tuple[int, int]
    ) -> int | None:
        return self.integer(table, keys, key, limits) if key in table else None

    # ---- the master ------------------------------------------------------------------

    def _master(self, raw: Raw) -> MasterSettings:
        table = self.table(raw, (), "master")
        keys: KeyPath = ("master",)
        self.check_keys(table, MASTER_KEYS, keys, "the master")
        default = MasterSettings()
        return MasterSettings(
            gain_db=self.number(table, keys, "gain_db", MASTER_GAIN_DB_RANGE, default.gain_db),
            loudness=self.number(table, keys, "loudness", LOUDNESS_RANGE, 0.0)
            if "loudness" in table
            else None,
            true_peak=self.number(table, keys, "true_peak", TRUE_PEAK_RANGE, default.true_peak),
        )

    def _track_instrument(self, table: Raw, keys: KeyPath) -> int | None:
        """The instrument a track last typed notes with: two hex digits, as in a cell."""
        value = table.get("instrument")
        if value is None:
            return None
        low, high = INSTRUMENT_NUMBER_RANGE
        if not isinstance(value, str) or not _HEX_KEY.fullmatch(value) or int(value, 16) < low:
            raise self.at_value(
                (*keys, "instrument"),
                f"a track's instrument should be two hex digits in quotes, "
                f'"{low:02X}" to "{high:02X}", not {describe(value)}',
            )
        return int(value, 16)

    def _cc_lanes(self, table: Raw, keys: KeyPath) -> list[str]:
        lanes = self.array(table, keys, "cc")
        path = (*keys, "cc")
        if len(lanes) > MAX_CC_LANES:
            raise self.at_value(
                path, f"a track has at most {MAX_CC_LANES} CC lanes, this one has {len(lanes)}"
            )
        result: list[str] = []
        for index, lane in enumerate(lanes):
            name = cc_lane_name(lane)
            if name is None:
                raise self.error(
                    f"CC lane {describe(lane)} should be {CC_NAME_RULE}",
                    self.where.item(path, index),
                )
            if name in result:
                raise self.error(f"CC lane {name} appears twice", self.where.item(path, index))
            result.append(name)
        return result

    # ---- patterns --------------------------------------------------------------------
    # ---- order -----------------------------------------------------------------------

    def _order(self, raw: Raw, patterns: dict[str, Pattern]) -> list[str]:
        entries = self.array(raw, (), "order")
        for index, entry in enumerate(entries):
            if not isinstance(entry, str):
                raise self.error(
                    f"order entries should be pattern names in quotes, not {describe(entry)}",
                    self.where.item(("order",), index),
                )
            if entry not in patterns:
                close = did_you_mean(entry, patterns)
                hint = f'did you mean "{close}"?' if close else _known(patterns, "patterns")
                raise self.error(
                    f'order entry {index + 1}: no pattern "{entry}" ({hint})',
                    self.where.item(("order",), index),
                )
        return list(entries)


def _known(names: dict[str, Any], what: str) -> str:
    listed = ", ".join(f'"{n}"' for n in list(names)[:8])
    return f"{what}: {listed}" if listed else f"the song has no {what}"
