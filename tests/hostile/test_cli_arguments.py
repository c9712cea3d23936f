"""Bad command lines: usage errors exit 2 with the reason first and the usage
after it; impossible outputs (a file where a folder must go, a read-only disk)
exit 1; none of them writes anything or opens the editor.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.command import BAD_INPUT, USAGE, assert_refused, snapshot, tracker


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["frobnicate"], ['unknown command "frobnicate"', "commands: check"]),
        (["rendr", "song.toml"], ['unknown command "rendr"']),
        (["render", "{song}", "-o", "{out}", "--bogus"], ["unrecognized arguments: --bogus"]),
        (["--volume", "11"], ["invalid choice: '11'"]),
        (["render", "{song}", "-o"], ["-o/--output: expected one argument"]),
        (["render", "{song}"], ["required: -o/--output"]),
        (["import-midi"], ["required: midi, -o/--output"]),
        (["render", "{song}", "-o", "{out}", "--rate", "44101"], ["--rate: invalid choice: 44101"]),
        (["render", "{song}", "-o", "{out}", "--rate", "fast"], ["--rate: invalid int value"]),
        (["render", "{song}", "-o", "{out}", "--bits", "8"], ["--bits: invalid choice: '8'"]),
        (["render", "{song}", "-o", "{out}", "--format", "mp3"], ["--format: invalid choice"]),
        (["render", "{song}", "-o", "{out}", "--tail", "1e9"], ["--tail: expected 0 to 600 seconds"]),
        (["render", "{song}", "-o", "{out}", "--tail", "nan"], ["--tail: expected 0 to 600 seconds"]),
        (["render", "{song}", "-o", "{out}", "--tail", "-1"], ["--tail: expected 0 to 600 seconds"]),
        (["render", "{song}", "-o", "{out}", "--from", "999"], ["--from 999: the order list has entries 0 to 1"]),
        (["render", "{song}", "-o", "{out}", "--from", "1", "--to", "0"], ["--to 0: expected an order entry from 1 to 1"]),
        (["render", "{song}", "-o", "{out}", "--from", "-1"], ["--from: expected 0 or more, got -1"]),
        (["import-midi", "{midi}", "-o", "{out}.toml", "--lpb", "-3"], ["--lpb: expected 0 or more, got -3"]),
        (["import-midi", "{midi}", "-o", "{out}.toml", "--lpb", "0"], ["--lpb: expected 1 to 32, got 0"]),
        (["import-midi", "{midi}", "-o", "{out}.toml", "--lpb", "1" + "0" * 30], ["--lpb: expected 1 to 32"]),
        (["import-midi", "{midi}", "-o", "{out}.toml", "--tracks-by", "colour"], ["--tracks-by: invalid choice"]),
        (["new", "{out}.toml", "--lines", "10000"], ["--lines: expected 1 to 512, got 10000"]),
        (["new", "{out}.toml", "--tracks", "0"], ["--tracks: expected 1 to 64, got 0"]),
        (["new", "{out}.toml", "--tracks", "three"], ["--tracks: expected a whole number, got 'three'"]),
    ],
)  # fmt: skip
def test_a_bad_command_line_is_a_usage_error_that_writes_nothing(
    tmp_path: Path, song_file: Path, midi_file: Path, args: list[str], words: list[str]
) -> None:
    filled = [a.format(song=song_file, midi=midi_file, out=tmp_path / "out") for a in args]
    before = snapshot(tmp_path)
    result = tracker(*filled, cwd=tmp_path)
    lines = assert_refused(result, USAGE, *words)
    assert result.stdout == ""  # the editor never opened: it would have drawn the screen
    assert snapshot(tmp_path) == before
    if len(lines) > 1:
        assert lines[1].startswith("usage: tracker")


def test_new_refuses_to_overwrite_a_song(song_file: Path) -> None:
    before = snapshot(song_file.parent)
    result = tracker("new", song_file)
    assert_refused(result, USAGE, f"{song_file} already exists", "--force")
    assert snapshot(song_file.parent) == before


def test_a_file_where_the_output_folder_must_go_is_refused_and_kept(song_file: Path) -> None:
    blocker = song_file.parent / "renders"
    blocker.write_text("a file, not a folder\n")
    before = snapshot(song_file.parent)
    for out in (blocker, blocker / "take 1"):
        result = tracker("render", song_file, "-o", out, "--tail", "0")
        assert_refused(result, BAD_INPUT, f"cannot create the output folder {out}")
    assert snapshot(song_file.parent) == before


def test_a_folder_where_the_midi_file_must_go_is_refused(song_file: Path) -> None:
    (song_file.parent / "out.mid").mkdir()
    before = snapshot(song_file.parent)
    result = tracker("export-midi", song_file, "-o", song_file.parent / "out.mid")
    assert_refused(result, BAD_INPUT, "out.mid")
    assert snapshot(song_file.parent) == before


class TestReadOnlyDisk:
    """Outputs on a tmpfs mounted read-only: every writer says so and leaves no temporary."""

    def test_render_refuses_before_rendering(self, song_file: Path, read_only_disk: Path) -> None:
        result = tracker("render", song_file, "-o", read_only_disk / "renders")
        assert_refused(result, BAD_INPUT, "cannot write into the output folder", "read-only")
        assert list(read_only_disk.iterdir()) == []

    def test_export_midi(self, song_file: Path, read_only_disk: Path) -> None:
        result = tracker("export-midi", song_file, "-o", read_only_disk / "song.mid")
        assert_refused(result, BAD_INPUT, "song.mid", "read-only")
        assert list(read_only_disk.iterdir()) == []

    def test_import_midi(self, midi_file: Path, read_only_disk: Path) -> None:
        result = tracker("import-midi", midi_file, "-o", read_only_disk / "song.toml")
        assert_refused(result, BAD_INPUT, "could not save", "the disk is read-only")
        assert list(read_only_disk.iterdir()) == []

    def test_new(self, read_only_disk: Path) -> None:
        result = tracker("new", read_only_disk / "song.toml")
        assert_refused(result, BAD_INPUT, "could not save", "the disk is read-only")
        assert list(read_only_disk.iterdir()) == []


def test_a_typo_lists_every_command_the_help_lists(tmp_path: Path) -> None:
    help_lines = tracker("--help", cwd=tmp_path).stdout.splitlines()
    start = help_lines.index("  COMMAND") + 1
    listed_in_help = {
        line.split()[0] for line in help_lines[start:] if line.startswith("    ") and line[4] != " "
    }
    assert {"open", "render", "import-midi", "panic"} <= listed_in_help
    result = tracker("frobnicate", cwd=tmp_path)
    commands = result.stderr.split("commands: ", 1)[1].split(";", 1)[0].split(", ")
    assert set(commands) == listed_in_help
