"""What a song file points at outside itself, broken or missing, met through `tracker
check`: device files (broken, or not there), CC lane names no device map knows, and
instrument soundfonts that are not there or not soundfonts. Each is named with the
song's file, line and column, exit 1, no traceback; every problem on its own line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.command import BAD_INPUT, assert_refused, place, tracker
from tests.support.samples import SONG
from tracker.song.storage import load_song


@pytest.mark.parametrize(
    ("device_text", "words"),
    [
        ('name = "X"\nports = ["x"]\n[cc]\ncutoff = ' + "9" * 5000 + "\n", ["too many digits"]),
        ('name = "X"\nports = ["x"]\ndeep = ' + "[" * 10_000 + "]" * 10_000 + "\n", ["nested too deeply"]),
        ('name = "X"\nports = ["x"]\n[cc]\ncutoff = 300\n', ["cutoff = 300 is out of range (expected 0 to 127)"]),
        ("\udcff\udcfe not text", ["not UTF-8 text"]),  # raw bytes FF FE
    ],
    ids=["huge number", "deep nesting", "cc out of range", "not text"],
)  # fmt: skip
def test_a_broken_device_file_is_named_by_check(
    tmp_path: Path, song_file: Path, device_text: str, words: list[str]
) -> None:
    devices = tmp_path / "mine" / "devices"
    devices.mkdir(parents=True)
    (devices / "wreck.toml").write_bytes(device_text.encode("utf-8", "surrogateescape"))
    song_file.write_text(song_file.read_text().replace('soundfont = "default"', 'device = "wreck"'))
    result = tracker("check", song_file, env={"TRACKER_INSTRUMENTS": str(tmp_path / "mine")})
    assert_refused(result, BAD_INPUT, "wreck.toml", *words)


def test_a_song_naming_a_device_that_does_not_exist_lists_the_known_ones(song_file: Path) -> None:
    song_file.write_text(
        song_file.read_text().replace('soundfont = "default"', 'device = "minilog"')
    )
    result = tracker("check", song_file)
    assert_refused(result, BAD_INPUT, 'unknown device "minilog"', 'did you mean "minilogue-xd"?')


# --- what the song points at: CC lane names and soundfont files (`tracker check`) ---------


QUOTED_TYPO = '"cutof"'
QUOTED_FONT = '"fonts/missing.sf2"'


def with_bass_lanes(text: str, *lanes: str) -> str:
    """The song with CC lanes on the Bass track, every lane empty on every line."""
    listed = ", ".join(f'"{lane}"' for lane in lanes)
    text = text.replace(
        'name = "Bass"\nnotes = 1\n', f'name = "Bass"\nnotes = 1\ncc = [{listed}]\n'
    )
    empty = " .." * len(lanes)
    rows = [row for row in text.split("\n") if "| " in row and row.endswith("...")]
    for row in rows:
        text = text.replace(row, row + empty)
    return text


def test_check_refuses_an_unknown_cc_lane_name_even_while_its_lane_is_empty(
    song_file: Path,
) -> None:
    text = with_bass_lanes(SONG, "cutoff", "cutof")
    song_file.write_text(text)
    load_song(song_file)  # the file itself is fine: the name only means something to a device
    result = tracker("check", song_file)
    where = f"{song_file}:{place(text, QUOTED_TYPO)}:"
    assert_refused(result, BAD_INPUT, where, 'track "Bass"', 'unknown CC lane "cutof"', "cutoff")
    assert result.stdout == ""


def test_check_accepts_lane_names_the_device_map_knows(song_file: Path) -> None:
    song_file.write_text(with_bass_lanes(SONG, "Cutoff", "Vibrato Rate", "soft-pedal", "74"))
    result = tracker("check", song_file)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("font", "words"),
    [
        (None, ["fonts/missing.sf2 does not exist"]),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", ["is not a soundfont", "WAV audio file"]),
        (b"", ["is not a soundfont", "the file is empty"]),
    ],
    ids=["missing", "a WAV file", "empty"],
)
def test_check_refuses_an_instrument_soundfont_that_is_not_there_or_not_one(
    tmp_path: Path, song_file: Path, font: bytes | None, words: list[str]
) -> None:
    if font is not None:
        (tmp_path / "fonts").mkdir()
        (tmp_path / "fonts" / "missing.sf2").write_bytes(font)
    text = SONG.replace('soundfont = "default"', 'soundfont = "fonts/missing.sf2"')
    song_file.write_text(text)
    result = tracker("check", song_file)
    where = f"{song_file}:{place(text, QUOTED_FONT)}:"
    assert_refused(result, BAD_INPUT, where, 'instrument 01 "Piano"', *words)


def test_check_accepts_an_instrument_soundfont_that_is_one(
    tmp_path: Path, song_file: Path, soundfont: Path
) -> None:
    song_file.write_text(SONG.replace('soundfont = "default"', f'soundfont = "{soundfont}"'))
    result = tracker("check", song_file)
    assert result.returncode == 0, result.stderr


def test_check_lists_every_problem_each_on_its_own_line(song_file: Path) -> None:
    text = with_bass_lanes(SONG, "cutof").replace(
        'soundfont = "default"\nprogram = 0', 'soundfont = "nowhere.sf2"\nprogram = 0\nbank = 12810'
    )
    song_file.write_text(text)
    lines = assert_refused(tracker("check", song_file), BAD_INPUT, "nowhere.sf2 does not exist")
    assert len(lines) == 3, lines
    assert all(line.startswith(f"tracker: {song_file}:") for line in lines), lines
    assert "bank 12810 is not a soundfont bank" in lines[1]
    assert 'unknown CC lane "cutof"' in lines[2]
