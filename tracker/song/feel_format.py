"""Reading the song's feel from its file: key and scale, seed, grooves and humanise.

Every one of these is optional and defaults to what a song without it always did
(no scale, seed 0, swing only, exact timing), so older files read unchanged.
Each bad value is an error at its place in the file, saying what was expected.
"""

from __future__ import annotations

from tracker.errors import SongFormatError
from tracker.song import grooves
from tracker.song.limits import (
    HUMANISE_TIMING_RANGE,
    HUMANISE_VELOCITY_RANGE,
    MAX_NAME_LENGTH,
    SEED_RANGE,
)
from tracker.song.model import Groove, Humanise, Song, Track
from tracker.song.scales import SCALES, key_name
from tracker.toml_locator import KeyPath
from tracker.tomlfile import Raw, TomlFile, describe, did_you_mean

FEEL_KEYS = ("key", "scale", "seed", "groove", "grooves", "humanise")
"""The song's top-level keys read here."""
HUMANISE_KEYS = ("velocity", "timing")


class FeelReader(TomlFile):
    """The key, scale, seed, grooves and humanise of a song file."""

    error_class = SongFormatError

    def read_feel(self, raw: Raw, song: Song) -> None:
        """Fill in the song's feel (its tracks are read already: their grooves are checked)."""
        key, scale = self.key_and_scale(raw, ())
        song.key = key or Song.key
        song.scale = scale or Song.scale
        song.seed = self.integer(raw, (), "seed", SEED_RANGE, 0)
        song.grooves = self._grooves(raw)
        song.humanise = self._humanise(raw)
        song.groove = self.groove_name(raw, (), song)
        if song.groove is not None and song.swing:
            raise self.at_key(
                ("groove",),
                f"the song has both swing = {song.swing:g} and a groove: swing is the "
                f'simplest groove, so keep one (groove = "{song.groove}" or swing)',
            )

    def key_and_scale(self, table: Raw, keys: KeyPath) -> tuple[str | None, str | None]:
        """(key, scale) of the song or a pattern (None: not given); a key is stored as
        the writer spells it (Bb -> A#)."""
        key = None
        if "key" in table:
            text = self.string(table, keys, "key")
            try:
                key = key_name(text)
            except ValueError as error:
                raise self.at_value((*keys, "key"), str(error)) from None
        scale = None
        if "scale" in table:
            scale = self.string(table, keys, "scale")
            if scale not in SCALES:
                close = did_you_mean(scale, SCALES)
                hint = f'did you mean "{close}"?' if close else "expected " + ", ".join(SCALES)
                raise self.at_value((*keys, "scale"), f'unknown scale "{scale}" ({hint})')
        return key, scale

    def groove_name(self, table: Raw, keys: KeyPath, song: Song) -> str | None:
        """A `groove = "name"` naming a preset or one of the song's [grooves]."""
        name = self.optional_string(table, keys, "groove")
        if name is not None and grooves.named(song, name) is None:
            choices = grooves.known_names(song)
            close = did_you_mean(name, choices)
            hint = f'did you mean "{close}"?' if close else "known: " + ", ".join(choices)
            raise self.at_value((*keys, "groove"), f'no groove "{name}" ({hint})')
        return name

    def track_grooves(self, raw: Raw, tracks: list[Track], song: Song) -> None:
        entries = raw.get("tracks", [])
        for index, (table, track) in enumerate(zip(entries, tracks, strict=True)):
            track.groove = self.groove_name(table, ("tracks", index), song)

    def _grooves(self, raw: Raw) -> dict[str, Groove]:
        table = self.table(raw, (), "grooves")
        result: dict[str, Groove] = {}
        for name, value in table.items():
            keys: KeyPath = ("grooves", name)
            if not name.strip() or len(name) > MAX_NAME_LENGTH or not name.isprintable():
                raise self.at_key(
                    keys,
                    f'groove name "{name}" should be 1 to {MAX_NAME_LENGTH} printable characters',
                )
            in_ticks = isinstance(value, dict) and list(value) == ["ticks"]
            delays = value["ticks"] if in_ticks else value
            if not isinstance(delays, list) or not all(
                isinstance(d, int | float) and not isinstance(d, bool) for d in delays
            ):
                raise self.at_value(
                    keys,
                    f"groove {name} should be a list of delays, fractions of a line "
                    f"(e.g. [0.0, 0.25]), or {{ ticks = [0, 2] }}, not {describe(value)}",
                )
            groove = Groove(tuple(float(d) for d in delays), in_ticks=in_ticks)
            problem = grooves.groove_problem(groove)
            if problem is not None:
                raise self.at_value(keys, f"groove {name}: {problem}")
            result[name] = groove
        return result

    def _humanise(self, raw: Raw) -> Humanise:
        table = self.table(raw, (), "humanise")
        keys: KeyPath = ("humanise",)
        self.check_keys(table, HUMANISE_KEYS, keys, "humanise")
        return Humanise(
            velocity=self.integer(table, keys, "velocity", HUMANISE_VELOCITY_RANGE, 0),
            timing=self.number(table, keys, "timing", HUMANISE_TIMING_RANGE, 0.0),
        )
