"""Terminal escape injection on the command line: text from a song, a file name, a
device file or a port name reaches the terminal as data, never as control.

A crafted song used to clear the screen, retitle the window and write the clipboard
(OSC 52) when run through `tracker check`. Each field and each message path below
carries one hostile string (tests/support/hostile_text.py); the bytes the real
command writes (stdout and stderr) must hold none of its control characters, and the
escaped form (`\\x1b`) must be what is shown.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.hostile_text import (
    FILE_PAYLOAD,
    PATTERN_NAME,
    PAYLOAD,
    SHORT_PAYLOAD,
    SHOWN,
    World,
    assert_inert,
    hostile_song,
    run,
    toml_text,
)
from tests.support.jack import Receiver


def test_check_shows_every_field_of_a_hostile_song_escaped(world: World) -> None:
    result = run(world, "check", world.song)
    text = assert_inert(result, "T\\x1b[2J\\x1b]0;pwned\\x07", SHOWN, "\\x9b2J")
    assert result.returncode == 0, text
    for mark in ("T\\x1b", "K\\x1b", "I\\x1b", "S\\x1b", "D\\x1b", "N\\x1b", "F\\x1b"):
        assert mark in text, (mark, text)  # title, track, instruments, device, soundfont
    assert "song\\x1b[2J" in text  # the file name
    assert PATTERN_NAME in text  # markup means nothing on the command line: shown as written


@pytest.mark.parametrize(
    ("what", "rows"),
    [
        ("an unknown note quoting the bad text", f"C{SHORT_PAYLOAD} 01 64 ..."),
        ("a bad hex digit", f"C-4 0{SHORT_PAYLOAD} 64 ..."),
    ],
)
def test_a_song_error_quoting_hostile_text_shows_it_escaped(
    world: World, what: str, rows: str
) -> None:
    song = world.folder / f"bad{FILE_PAYLOAD}.toml"
    good_rows = "C-4 01 64 ...\n--- .. .. ...\nC-4 02 64 ...\n--- .. .. ..."
    song.write_text(
        hostile_song().replace(
            good_rows, toml_text(rows)[1:-1] + "\n--- .. .. ...\n--- .. .. ...\n--- .. .. ..."
        ),
        encoding="utf-8",
    )
    result = run(world, "check", song)
    assert result.returncode == 1, what
    text = assert_inert(result, "bad\\x1b[2J")
    assert len(text.rstrip("\n").split("\n")) == 1, text  # still one line


def test_a_pattern_name_holding_control_characters_is_refused_and_shown_escaped(
    world: World,
) -> None:
    song = world.folder / "pattern.toml"
    song.write_text(
        hostile_song().replace(toml_text(PATTERN_NAME), toml_text("p" + SHORT_PAYLOAD)),
        encoding="utf-8",
    )
    result = run(world, "check", song)
    assert result.returncode == 1
    assert_inert(result, 'pattern name "p\\x1b]0;pwned', SHOWN)


def test_a_missing_soundfont_named_by_hostile_text_is_shown_escaped(world: World) -> None:
    (world.folder / f"F{FILE_PAYLOAD}.sf2").unlink()
    result = run(world, "check", world.song)  # an error, or "not found" in the summary
    assert_inert(result, "F\\x1b[2J")


def test_an_unknown_device_named_by_hostile_text_is_shown_escaped(world: World) -> None:
    song = world.folder / "device.toml"
    song.write_text(
        hostile_song().replace(toml_text("D" + FILE_PAYLOAD), toml_text("X" + PAYLOAD)),
        encoding="utf-8",
    )
    result = run(world, "check", song)
    assert result.returncode == 1
    assert_inert(result, 'unknown device "X\\x1b[2J', SHOWN)


@pytest.mark.parametrize("command", ["check", "export-midi", "render", "play"])
def test_a_missing_file_with_a_hostile_name_is_named_escaped(world: World, command: str) -> None:
    missing = world.folder / f"gone{FILE_PAYLOAD}.toml"
    extra = {"export-midi": ["-o", "out.mid"], "render": ["-o", "out"]}.get(command, [])
    result = run(world, command, missing, *extra)
    assert result.returncode != 0
    assert_inert(result, "gone\\x1b[2J")


def test_a_hostile_word_on_the_command_line_is_echoed_escaped(world: World) -> None:
    result = run(world, f"frob{FILE_PAYLOAD}")
    assert result.returncode == 2
    assert_inert(result, 'unknown command "frob\\x1b[2J')


def test_new_and_export_name_hostile_files_escaped(world: World) -> None:
    song = world.folder / f"new{FILE_PAYLOAD}.toml"
    created = run(world, "new", song, "--title", "t" + PAYLOAD)
    assert created.returncode == 0, created.stderr
    assert_inert(created, "created ", "new\\x1b[2J")
    exported = run(world, "export-midi", world.song, "-o", world.folder / f"out{FILE_PAYLOAD}.mid")
    assert exported.returncode == 0, exported.stderr
    assert_inert(exported, "wrote ", "out\\x1b[2J")


def test_render_names_its_hostile_output_escaped(world: World, soundfont: Path) -> None:
    song = world.folder / "plain.toml"
    song.write_text(
        hostile_song()
        .replace(f"device = {toml_text('D' + FILE_PAYLOAD)}\n", "")
        .replace(toml_text("F" + FILE_PAYLOAD + ".sf2"), toml_text(str(soundfont))),
        encoding="utf-8",
    )
    result = run(world, "render", song, "-o", world.folder / f"out{FILE_PAYLOAD}", "--tail", "0")
    assert result.returncode == 0, result.stderr
    assert_inert(result, "out\\x1b[2J")


def test_import_midi_names_hostile_tracks_escaped(world: World) -> None:
    import mido

    midi = mido.MidiFile(type=1, ticks_per_beat=96)
    track = mido.MidiTrack([mido.MetaMessage("track_name", name="m" + PAYLOAD, time=0)])
    track.append(mido.Message("note_on", note=60, velocity=90, time=0))
    track.append(mido.Message("note_on", note=60, velocity=0, time=96))
    midi.tracks.append(track)
    path = world.folder / f"in{FILE_PAYLOAD}.mid"
    midi.save(path)
    result = run(world, "import-midi", path, "-o", world.folder / f"imported{FILE_PAYLOAD}.toml")
    assert result.returncode == 0, result.stderr
    assert_inert(result, "imported\\x1b[2J")


@pytest.fixture
def hostile_port(jack_server: str) -> Iterator[Receiver]:
    """A real JACK MIDI input whose client name is the payload."""
    with Receiver(f"rx{uuid.uuid4().hex[:4]}{SHORT_PAYLOAD}") as port:
        yield port


def test_ports_and_panic_name_a_hostile_port_escaped(world: World, hostile_port: Receiver) -> None:
    result = run(world, "ports")
    assert result.returncode == 0, result.stderr
    assert_inert(result, "\\x1b]0;pwned\\x07", SHOWN, "\\x9b2J")
    silenced = run(world, "panic", "--port", hostile_port.client)
    assert silenced.returncode == 0, silenced.stderr
    assert_inert(silenced, "silenced rx", SHOWN)


def test_play_names_a_hostile_port_escaped(world: World, hostile_port: Receiver) -> None:
    song = world.folder / "plain.toml"
    song.write_text(hostile_song().replace("device = ", "# device = "), encoding="utf-8")
    result = run(world, "play", song, "--port", hostile_port.name)
    assert result.returncode == 0, result.stderr
    assert_inert(result, "end of song", "\\x1b]0;pwned\\x07", own="\r")
    missing = run(world, "play", song, "--port", "nowhere" + PAYLOAD)
    assert missing.returncode == 1
    assert_inert(missing, "nowhere\\x1b[2J")
