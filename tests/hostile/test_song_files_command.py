"""Bad song files, met through `tracker check` / `render` / `export-midi`: each gives
one clear line naming the file (and line:col when the place is known), exit 1,
no traceback, nothing written. These are the cases a user would meet first; the
long lists of damage go through the reader directly (test_song_files_reader.py).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.command import BAD_INPUT, assert_refused, place, snapshot, tracker
from tests.support.samples import SONG
from tracker.song.model import MAX_LINES
from tracker.song.storage import load_song

VERSE_ROW = "C-4 01 64 ... E-4 01 50 ... | C-2 01 7F ..."
EMPTY_ROW = "--- .. .. ... --- .. .. ... | --- .. .. ..."


def test_the_valid_song_used_below_checks_clean(song_file: Path) -> None:
    result = tracker("check", song_file)
    assert result.returncode == 0, result.stderr
    assert f"{song_file}: ok" in result.stdout


@pytest.mark.parametrize(
    ("name", "mutate", "fragment", "words"),
    [
        (
            "bpm 1e308",
            lambda s: s.replace("bpm = 120.0", "bpm = 1e308"),
            "1e308",
            ["bpm = 1e+308 is out of range (expected 4 to 999)"],
        ),
        ("bpm nan", lambda s: s.replace("bpm = 120.0", "bpm = nan"), "nan", ["bpm = nan"]),
        (
            "swing -inf",
            lambda s: s.replace("swing = 0.0", "swing = -inf"),
            "-inf",
            ["swing = -inf is out of range"],
        ),
        (
            "lines 20 digits",
            lambda s: s.replace("lines = 4", "lines = 99999999999999999999"),
            "99999999999999999999",
            ["lines = 99999999999999999999 is out of range (expected 1 to 512)"],
        ),
        (
            "hex overflow",
            lambda s: s.replace("lpb = 4", "lpb = 0xFFFFFFFFFFFFFFFFFFFFFFFF"),
            "0xFFFF",
            ["lpb = 79228162514264337593543950335 is out of range (expected 1 to 32)"],
        ),
        (
            "5000 digits",
            lambda s: s.replace("tpl = 6", "tpl = " + "7" * 5000),
            "7777",
            ["this number has too many digits"],
        ),
        (
            "bpm as text",
            lambda s: s.replace("bpm = 120.0", 'bpm = "fast"'),
            '"fast"',
            ['bpm should be a number 4 to 999, not "fast"'],
        ),
        (
            "order as table",
            lambda s: s.replace('order = ["verse", "verse"]', "order = {a = 1}"),
            "{a",
            ["order should be a [list], not a table"],
        ),
        (
            "missing pattern",
            lambda s: s.replace('order = ["verse", "verse"]', 'order = ["verse", "chorus"]'),
            '"chorus"',
            ['order entry 2: no pattern "chorus"'],
        ),
        (
            "missing instrument",
            lambda s: s.replace("C-2 01 7F", "C-2 07 7F"),
            "07",
            ["instrument 07 is not defined (add [instruments.07]; defined: 01)"],
        ),
        (
            "NUL byte",
            lambda s: s.replace('"Hostile"', '"Host\x00ile"'),
            "\x00",
            ["illegal character"],
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 20 else "",
)
def test_a_bad_value_names_file_line_and_column(
    tmp_path: Path, name: str, mutate: Callable[[str], str], fragment: str, words: list[str]
) -> None:
    text = mutate(SONG)
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    result = tracker("check", path)
    assert_refused(result, BAD_INPUT, f"{path}:{place(text, fragment)}: ", *words)


def test_invalid_utf8_is_placed_at_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(SONG.replace('"Hostile"', '"Caf\xe9"').encode("latin-1"))
    result = tracker("check", path)
    assert_refused(result, BAD_INPUT, f"{path}:2:13: ", "not UTF-8", "0xe9")


def test_binary_junk_is_refused_as_not_text(tmp_path: Path) -> None:
    path = tmp_path / "junk.toml"
    path.write_bytes(bytes(range(256)) * 64)
    assert_refused(tracker("check", path), BAD_INPUT, str(path), "not UTF-8")


def test_arrays_nested_ten_thousand_deep_are_our_error_not_a_recursion_error(
    tmp_path: Path,
) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(SONG + "deep = " + "[" * 10_000 + "]" * 10_000 + "\n")
    assert_refused(tracker("check", path), BAD_INPUT, str(path), "nested too deeply")


def test_a_ten_thousand_line_pattern_is_refused_with_the_limit(tmp_path: Path) -> None:
    rows = "\n".join([VERSE_ROW] + [EMPTY_ROW] * 9_999)
    text = SONG.replace("lines = 4", "lines = 10000").replace(
        SONG[SONG.index(VERSE_ROW) : SONG.rindex('"""')].rstrip("\n"), rows
    )
    path = tmp_path / "long.toml"
    path.write_text(text)
    result = tracker("check", path)
    assert_refused(
        result,
        BAD_INPUT,
        f"{path}:{place(text, '10000')}: ",
        f"lines = 10000 is out of range (expected 1 to {MAX_LINES})",
    )


def test_fifty_megabytes_of_rows_are_refused_in_bounded_time(tmp_path: Path) -> None:
    """A valid-looking rows string of 50 MB: the reader must say the rows do not match
    `lines`, not hang or eat the machine (measured: about 5 s, mostly tomllib)."""
    many = (EMPTY_ROW + "\n") * (50_000_000 // (len(EMPTY_ROW) + 1))
    text = SONG.replace(EMPTY_ROW + "\n", many, 1)
    path = tmp_path / "huge.toml"
    path.write_text(text)
    assert path.stat().st_size > 50_000_000
    result = tracker("check", path, timeout=60)
    assert_refused(result, BAD_INPUT, f"{path}:", 'pattern "verse" has', "rows but lines = 4")


def test_a_megabyte_long_bad_note_is_quoted_only_in_part(tmp_path: Path) -> None:
    path = tmp_path / "wide.toml"
    path.write_text(SONG.replace("C-2 01 7F", "X" * 1_000_000 + " 01 7F"))
    lines = assert_refused(tracker("check", path), BAD_INPUT, str(path), "unknown note")
    assert "XXXX..." in lines[0]


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    assert_refused(tracker("check", path), BAD_INPUT, f"{path}: no such song file")


def test_a_folder_given_as_a_song_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "album.toml"
    folder.mkdir()
    assert_refused(tracker("check", folder), BAD_INPUT, f"{folder}: this is a folder")


def test_a_pipe_nobody_writes_to_is_refused_at_once_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    result = tracker("check", fifo, timeout=20)  # before the fix this waited forever
    assert_refused(result, BAD_INPUT, f"{fifo}: this is not a song file")


def test_a_device_that_never_ends_is_refused_not_read(tmp_path: Path) -> None:
    assert_refused(tracker("check", "/dev/zero", timeout=20), BAD_INPUT, "/dev/zero: ")


def test_an_unreadable_file_says_permission_denied(tmp_path: Path) -> None:
    """chmod 000 does not stop root, so the command runs as user `nobody`
    (setpriv drops the privileges; we run as root, so we may)."""
    folder = tmp_path / "shared"
    folder.mkdir()
    song = folder / "secret.toml"
    song.write_text(SONG)
    song.chmod(0)
    for parent in (folder, *folder.parents):
        if parent == Path("/"):
            break
        parent.chmod(parent.stat().st_mode | stat.S_IXOTH)  # nobody may walk to it
    result = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
         sys.executable, "-m", "tracker", "check", str(song)],
        capture_output=True, text=True, cwd="/", timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert_refused(result, BAD_INPUT, f"{song}: cannot read the file: permission denied")


def test_paths_with_spaces_and_accents_work_end_to_end(tmp_path: Path) -> None:
    folder = tmp_path / "Mes chansons é"
    folder.mkdir()
    song = folder / "première idée.toml"
    song.write_text(SONG)
    assert tracker("check", song).returncode == 0
    midi = folder / "sortie à deux.mid"
    exported = tracker("export-midi", song, "-o", midi)
    assert exported.returncode == 0, exported.stderr
    back = folder / "retour ü.toml"
    imported = tracker("import-midi", midi, "-o", back)
    assert imported.returncode == 0, imported.stderr
    assert load_song(back).tracks  # the imported song is a real song


def test_a_truncated_song_renders_nothing_and_leaves_no_folder(tmp_path: Path) -> None:
    path = tmp_path / "cut.toml"
    path.write_text(SONG[: SONG.index(VERSE_ROW) + 10])
    out = tmp_path / "renders"
    before = snapshot(tmp_path)
    result = tracker("render", path, "-o", out)
    assert_refused(result, BAD_INPUT, f"{path}:", "no closing quote")
    assert snapshot(tmp_path) == before


def test_a_bad_song_exports_no_midi_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(SONG.replace("C-4 01 64", "H-4 01 64"))
    before = snapshot(tmp_path)
    result = tracker("export-midi", path, "-o", tmp_path / "out.mid")
    assert_refused(result, BAD_INPUT, f"{path}:{place(SONG, 'C-4 01 64')}: ", 'unknown note "H-4"')
    assert snapshot(tmp_path) == before
