"""`tracker render` as a shell user meets it: --loudness and --true-peak master the mix,
checked by a meter we did not write (ffmpeg's ebur128), and the report gives the
loudness, range, true peak and gain of the mix and of every stem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import soundfile

from tests.support.audio import GM_FONT
from tests.support.command import ROOT, USAGE, tracker
from tests.support.ffmpeg import ebur128
from tracker.audio.loudness import measure
from tracker.song.model import MasterSettings
from tracker.song.storage import load_song, save_song

DEMO = ROOT / "songs" / "demo.toml"
FONT = {"TRACKER_SOUNDFONT": str(GM_FONT)}
ROW = r"\s+(-?\d+\.\d) LUFS\s+(\d+\.\d) LU\s+(-?\d+\.\d) dBTP"


def test_loudness_minus_14_masters_the_demo_to_it_under_a_1_dbtp_true_peak(
    tmp_path: Path,
) -> None:
    # As played the demo sits near -29 LUFS.
    done = tracker("render", DEMO, "-o", tmp_path, "--loudness", "-14", env=FONT, timeout=120)
    assert done.returncode == 0, done.stderr
    theirs = ebur128(tmp_path / "mix.wav")
    assert theirs.lufs == pytest.approx(-14.0, abs=0.5)
    assert theirs.true_peak <= -1.0
    mix = re.search(r"^mix\.wav" + ROW + r"  \+(\d+\.\d) dB to -14\.0 LUFS", done.stdout, re.M)
    assert mix, done.stdout
    lufs, lra, peak, gain = map(float, mix.groups())
    assert lufs == pytest.approx(theirs.lufs, abs=0.1)
    assert lra == pytest.approx(theirs.lra, abs=0.2)
    assert peak == pytest.approx(theirs.true_peak, abs=0.2)
    before = re.search(r"^before master" + ROW + "$", done.stdout, re.M)
    assert before, done.stdout
    assert gain == pytest.approx(-14.0 - float(before.group(1)), abs=0.2)


def test_the_report_gives_every_stem_before_the_master_stage(tmp_path: Path) -> None:
    done = tracker(
        "render", DEMO, "-o", tmp_path, "--to", "0", "--stems", "--true-peak", "-3",
        env=FONT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    stems = sorted(tmp_path.glob("0*.wav"))
    assert len(stems) == 7
    for stem in stems:
        row = re.search(
            rf"^{re.escape(stem.name)}\s+(\S+) (?:LUFS)?.*  pre-master$", done.stdout, re.M
        )
        assert row, f"{stem.name} in\n{done.stdout}"
        audio, rate = soundfile.read(stem, dtype="float32", always_2d=True)
        level = measure(audio, rate)
        if level.lufs is None:
            assert row.group(1) == "n/a"
        else:
            assert float(row.group(1)) == pytest.approx(level.lufs, abs=0.06)
    assert "the stems are written before the master stage" in done.stdout
    assert ebur128(tmp_path / "mix.wav").true_peak <= -3.0


def test_the_songs_own_target_applies_and_the_command_lines_wins(tmp_path: Path) -> None:
    song = load_song(DEMO)
    song.master = MasterSettings(loudness=-16.0, true_peak=-2.0)
    save_song(song, tmp_path / "night.toml")
    as_saved = tracker(
        "render", tmp_path / "night.toml", "-o", tmp_path / "a", "--to", "1", env=FONT
    )
    assert as_saved.returncode == 0, as_saved.stderr
    reading = ebur128(tmp_path / "a" / "mix.wav")
    assert reading.lufs == pytest.approx(-16.0, abs=0.5) and reading.true_peak <= -2.0
    louder = tracker(
        "render", tmp_path / "night.toml", "-o", tmp_path / "b", "--to", "1",
        "--loudness", "-12", env=FONT,
    )  # fmt: skip
    assert louder.returncode == 0, louder.stderr
    reading = ebur128(tmp_path / "b" / "mix.wav")
    assert reading.lufs == pytest.approx(-12.0, abs=0.5) and reading.true_peak <= -2.0


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--loudness", "5", "--loudness: expected -60 to 0 LUFS, got 5"),
        ("--loudness", "loud", "--loudness: expected LUFS, got 'loud'"),
        ("--true-peak", "-30", "--true-peak: expected -20 to 0 dBTP, got -30"),
    ],
)
def test_a_level_out_of_range_is_a_usage_error(
    option: str, value: str, expected: str, tmp_path: Path
) -> None:
    done = tracker("render", DEMO, "-o", tmp_path / "out", option, value)
    assert done.returncode == USAGE
    assert expected in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
