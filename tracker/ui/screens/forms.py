"""What the song-settings, instrument, track and master dialogs ask, and how their text
becomes an edit.

Each `parse_*` returns an edit command, checked against the song with
`Edit.plan` (which changes nothing), so a bad value is refused inside the
dialog with the edit's own message.

A text field draws its value as it is, so names from the song file are offered
through `visible` (a crafted title must not reach the terminal as control), and
a field still holding what it was offered gives back the original.

Some fields offer choices (`Choice`, listed by the dialog under the field): the
General MIDI sounds under an instrument's program, the soundfonts the search
finds under the song's soundfont.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tracker.audio.soundfonts import DEFAULT, find_soundfont, found_soundfonts
from tracker.check.song import check_cc_lane
from tracker.errors import EditError, InstrumentError
from tracker.instruments import Sound, find_sounds, load_device, load_gm
from tracker.song.edit import (
    AddCCLane,
    AddInstrument,
    Batch,
    ChangeSettings,
    Command,
    Edit,
    EditInstrument,
    RemoveCCLane,
    RenameTrack,
    SetMaster,
    SetSongSoundfont,
    SetTrackColumns,
)
from tracker.song.edit.keys import SetKey, SetTrackLoop
from tracker.song.limits import TEMPO_EFFECT_RANGE
from tracker.song.model import Instrument, MasterSettings, PatternTrack, Song, Track
from tracker.song.scales import SCALES
from tracker.text import visible

Fields = list[tuple[str, str, str]]


@dataclass(frozen=True)
class Choice:
    """One line a field offers: what it shows, and the text it writes into which fields."""

    shown: str
    fills: dict[str, str] = field(default_factory=dict)


ChoiceSource = Callable[[str, dict[str, str]], list[Choice]]
"""(the field's text, every field's text) -> what the field offers."""


def _taken(typed: str, original: str) -> str:
    """What a name field gives the edit: the original when the musician left the field as
    offered (`visible(original)`), so confirming a dialog never rewrites a name holding
    control characters, or a title's direction marks, into their spelled-out form."""
    return original if typed == visible(original) else typed


def parse_number(
    values: dict[str, str], key: str, what: str, kind: Callable[[str], float]
) -> float:
    text = values[key].strip()
    try:
        return kind(text)
    except ValueError:
        raise EditError(f'{what} must be a number, not "{text}"') from None


def settings_fields(song: Song) -> Fields:
    return [
        ("title", "Title", visible(song.title)),
        ("bpm", f"Tempo (bpm, decimals allowed; {_tempo_words(song.bpm)})", f"{song.bpm:g}"),
        ("lpb", "Lines per beat", str(song.lpb)),
        ("tpl", "Ticks per line", str(song.tpl)),
        ("swing", "Swing (0-1)", f"{song.swing:g}"),
        ("key", "Key (C, C#, Db ... B)", song.key),
        ("scale", SCALE_LABEL, song.scale),
        ("soundfont", "Soundfont (empty: the first one found)", visible(song.soundfont or "")),
    ]


SCALE_LABEL = "Scale (chromatic: none; " + ", ".join(s for s in SCALES if s != "chromatic") + ")"


def _tempo_words(bpm: float) -> str:
    """The tempo as a Txx effect says it, or why one cannot (Txx is whole bpm in hex)."""
    low, high = TEMPO_EFFECT_RANGE
    if bpm == int(bpm) and low <= bpm <= high:
        return f"T{int(bpm):02X} = {bpm:g} bpm"
    return f"a Txx says whole bpm {low}-{high} in hex, T78 = 120"


def settings_parser(song: Song, song_dir: Path | None) -> Callable[[dict[str, str]], Command]:
    """The settings, the key and the soundfont as one undo step; a soundfont typed is
    checked as the player will find it (relative to the song's folder), so a missing or
    wrong file is refused here."""

    def parse(values: dict[str, str]) -> Command:
        settings = ChangeSettings(
            title=_taken(values["title"], song.title),
            bpm=parse_number(values, "bpm", "the tempo", float),
            lpb=int(parse_number(values, "lpb", "lines per beat", int)),
            tpl=int(parse_number(values, "tpl", "ticks per line", int)),
            swing=parse_number(values, "swing", "swing", float),
        )
        settings.plan(song)
        key = SetKey(values["key"].strip(), values["scale"].strip())
        key.plan(song)
        steps: list[Command] = [settings, key]
        typed = _taken(values["soundfont"], song.soundfont or "").strip()
        font = None if typed in ("", DEFAULT) else typed
        if font != song.soundfont:
            if font is not None:
                find_soundfont(font, song_dir)  # a SoundfontError names the file and what is wrong
            steps.append(SetSongSoundfont(font))
        return Batch(steps, "Song settings")

    return parse


def pattern_key_fields(song: Song, name: str) -> Fields:
    pattern = song.patterns[name]
    return [
        ("key", f"Key (empty: the song's, {song.key})", pattern.key or ""),
        ("scale", f"Scale (empty: the song's, {song.scale})", pattern.scale or ""),
    ]


def pattern_key_parser(song: Song, name: str) -> Callable[[dict[str, str]], Edit]:
    def parse(values: dict[str, str]) -> Edit:
        command = SetKey(
            values["key"].strip() or None, values["scale"].strip() or None, pattern=name
        )
        command.plan(song)
        return command

    return parse


def euclid_fields(hits: str, steps: str, rotation: str) -> Fields:
    return [
        ("hits", "Hits k (notes in the cycle)", hits),
        ("steps", "Steps n (lines in the cycle)", steps),
        ("rotation", "Rotation r (start the cycle r steps in)", rotation),
    ]


def euclid_parser(values: dict[str, str]) -> tuple[int, int, int]:
    return (
        int(parse_number(values, "hits", "the hits", int)),
        int(parse_number(values, "steps", "the steps", int)),
        int(parse_number(values, "rotation", "the rotation", int)),
    )


def soundfont_choices(text: str, _: dict[str, str]) -> list[Choice]:
    """The fonts the search finds whose path holds what is typed (case ignored)."""
    typed = text.strip().casefold()
    fonts = [p for p in found_soundfonts() if typed in str(p).casefold()]
    return [Choice(str(p), {"soundfont": str(p)}) for p in fonts]


SETTINGS_CHOICES: dict[str, ChoiceSource] = {"soundfont": soundfont_choices}


def instrument_fields(instrument: Instrument) -> Fields:
    return [
        ("name", "Name", visible(instrument.name)),
        ("program", "Program (0-127, or type a General MIDI name)", str(instrument.program)),
        ("bank", "Bank (128 = drums)", str(instrument.bank)),
        ("device", "Device (empty: soundfont)", visible(instrument.device or "")),
        (
            "channel",
            "MIDI channel (1-16, empty: any)",
            "" if instrument.channel is None else str(instrument.channel),
        ),
    ]


def instrument_parser(song: Song, number: int | None) -> Callable[[dict[str, str]], Edit]:
    """Edits instrument `number`, or adds a new one when it is None."""

    def parse(values: dict[str, str]) -> Edit:
        offered = song.instruments[number] if number is not None else Instrument(name="")
        device = _taken(values["device"], offered.device or "").strip() or None
        if device is not None:
            load_device(device)  # an unknown device is named here, with the known ones
        channel_text = values["channel"].strip()
        sound = _named_sound(values["program"])
        instrument = Instrument(
            name=_taken(values["name"], offered.name).strip(),
            soundfont=None if device else "default",
            program=sound.program
            if sound
            else int(parse_number(values, "program", "the program", int)),
            bank=sound.bank if sound else int(parse_number(values, "bank", "the bank", int)),
            device=device,
            channel=int(parse_number(values, "channel", "the channel", int))
            if channel_text
            else None,
        )
        if number is not None:
            old = song.instruments[number]
            if device is None and old.soundfont is not None:
                instrument.soundfont = old.soundfont
            instrument.volume = old.volume
        command: Edit = (
            AddInstrument(instrument) if number is None else EditInstrument(number, instrument)
        )
        command.plan(song)
        return command

    return parse


def _gm_sounds(text: str) -> list[Sound]:
    try:
        return find_sounds(load_gm(), text)
    except InstrumentError:
        return []  # no gm.toml to be found: numbers still work


def _named_sound(text: str) -> Sound | None:
    """The General MIDI sound a program field names in words (None for a number): the
    one whose name it is, or the only one whose name holds it."""
    typed = text.strip()
    if not typed or typed.isdecimal():
        return None
    found = _gm_sounds(typed)
    exact = [s for s in found if s.name.casefold() == typed.casefold()]
    if len(exact) == 1 or len(found) == 1:
        return (exact or found)[0]
    if not found:
        raise EditError(
            f'no General MIDI sound is called "{typed}" (type part of a name, or 0-127)'
        )
    names = ", ".join(s.name for s in found[:3]) + (", ..." if len(found) > 3 else "")
    raise EditError(f'"{typed}" names {len(found)} sounds ({names}): pick one with Up/Down')


def _device_patches(device: str, text: str) -> list[Choice] | None:
    """The patches a device's file names (`[patches.BANK]`) that the text matches by
    name or number; None when the device lists none (or is not known yet)."""
    try:
        banks = load_device(device).extras.patches
    except InstrumentError:
        return None
    if not banks:
        return None
    typed = text.strip().casefold()
    return [
        Choice(f"{bank}:{program:3d} {visible(name)}", {"program": str(program), "bank": str(bank)})
        for bank, programs in sorted(banks.items())
        for program, name in sorted(programs.items())
        if typed in name.casefold() or typed == str(program)
    ]


def sound_choices(text: str, values: dict[str, str]) -> list[Choice]:
    """A device's own patch names when its file lists them; else the General MIDI
    programs and drum kits the program field's text names. Picking one sets program
    and bank (and a GM sound the name while it is empty, "New" or another GM name)."""
    device = values.get("device", "").strip()
    if device:
        patches = _device_patches(device, text)
        if patches is not None:
            return patches
    found = _gm_sounds(text)
    names = {s.name.casefold() for s in _gm_sounds("")}
    name = values.get("name", "").strip()
    rename = not name or name == "New" or name.casefold() in names
    return [
        Choice(
            s.shown,
            {"program": str(s.program), "bank": str(s.bank)} | ({"name": s.name} if rename else {}),
        )
        for s in found
    ]


INSTRUMENT_CHOICES: dict[str, ChoiceSource] = {"program": sound_choices}


def track_fields(track: Track, part: PatternTrack | None = None) -> Fields:
    """With the track's part of a pattern, its loop length there too."""
    fields = [
        ("name", "Name", visible(track.name)),
        ("notes", "Note columns (polyphony)", str(track.notes)),
        ("effects", "Effect columns", str(track.effects)),
        ("cc", "CC lanes (names or numbers, comma separated)", ", ".join(track.cc)),
    ]
    if part is not None:
        loop = "" if part.loop is None else str(part.loop)
        fields.append(("loop", "Loop the first lines of this pattern (empty: no loop)", loop))
    return fields


def track_parser(
    song: Song, index: int, pattern: str | None = None
) -> Callable[[dict[str, str]], Command]:
    """The track dialog's changes as one undo step; CC lanes no longer listed are removed.
    With a pattern, the dialog also sets the track's loop in it."""

    def steps(values: dict[str, str]) -> list[Command]:
        track = song.tracks[index]
        found: list[Command] = []
        name = _taken(values["name"], track.name).strip()
        if name != track.name:
            found.append(RenameTrack(index, name))
        notes = int(parse_number(values, "notes", "note columns", int))
        effects = int(parse_number(values, "effects", "effect columns", int))
        if (notes, effects) != (track.notes, track.effects):
            found.append(SetTrackColumns(index, notes, effects))
        wanted = [lane.strip() for lane in values["cc"].split(",") if lane.strip()]
        for lane in reversed(range(len(track.cc))):
            if track.cc[lane] not in wanted:
                found.append(RemoveCCLane(index, lane))
        found += [AddCCLane(index, lane) for lane in wanted if lane not in track.cc]
        if pattern is not None:
            text = values["loop"].strip()
            loop = int(parse_number(values, "loop", "the loop length", int)) if text else None
            if loop != song.patterns[pattern].tracks[index].loop:
                found.append(SetTrackLoop(pattern, index, loop))
        if not found:
            raise EditError("nothing changed (Esc closes)")
        return found

    def parse(values: dict[str, str]) -> Command:
        trial = copy.deepcopy(song)
        Batch(steps(values), "Track settings").apply(trial)  # refuses in the dialog
        for lane in trial.tracks[index].cc:
            if lane not in song.tracks[index].cc:
                check_cc_lane(trial, index, lane)  # a name the player could not send: refused
        return Batch(steps(values), f"Track {index + 1} settings")

    return parse


def master_fields(master: MasterSettings) -> Fields:
    return [
        ("gain", "Master gain (dB)", f"{master.gain_db:g}"),
        (
            "loudness",
            "Loudness target (LUFS, empty: none)",
            "" if master.loudness is None else f"{master.loudness:g}",
        ),
        ("peak", "True-peak ceiling (dBTP)", f"{master.true_peak:g}"),
    ]


def master_parser(song: Song) -> Callable[[dict[str, str]], Edit]:
    def parse(values: dict[str, str]) -> Edit:
        loudness = values["loudness"].strip().lower().removesuffix("lufs").strip()
        command = SetMaster(
            MasterSettings(
                gain_db=parse_number(values, "gain", "the master gain", float),
                loudness=None
                if loudness in ("", "off", "none")
                else parse_number({"loudness": loudness}, "loudness", "the loudness target", float),
                true_peak=parse_number(values, "peak", "the true-peak ceiling", float),
            )
        )
        command.plan(song)
        return command

    return parse
