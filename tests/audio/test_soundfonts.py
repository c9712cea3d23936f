"""Finding the soundfont a song plays through, and refusing files that are not one.

The fonts here are copies of the real General MIDI font the system packages
install, so the header check meets a real soundfont, and FluidSynth itself
confirms that what we accept it can load.
"""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import mido
import pytest

from tracker.audio import soundfonts
from tracker.audio.fluid import fluidsynth
from tracker.audio.soundfonts import check_soundfont, find_soundfont, search_paths
from tracker.errors import SoundfontError
from tracker.instruments import SHIPPED_DIR

SYSTEM_FONT = next(p for p in soundfonts.SYSTEM_FONTS if p.is_file())


@pytest.fixture(autouse=True)
def _clean_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No developer setting leaks in: each test decides where fonts are."""
    monkeypatch.delenv("TRACKER_SOUNDFONT", raising=False)
    monkeypatch.delenv("TRACKER_INSTRUMENTS", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture(scope="session")
def real_font(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the system's GM font per run; tests place links to it where they need."""
    copy = tmp_path_factory.mktemp("fonts") / "gm.sf2"
    shutil.copyfile(SYSTEM_FONT, copy)
    return copy


def place(font: Path, where: Path) -> Path:
    where.parent.mkdir(parents=True, exist_ok=True)
    where.symlink_to(font)
    return where


@pytest.fixture
def no_system_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without the soundfont packages (`make setup` not run yet)."""
    monkeypatch.setattr(soundfonts, "SYSTEM_FONTS", ())
    monkeypatch.setattr(soundfonts, "SYSTEM_FOLDERS", ())


# --- the search order ------------------------------------------------------------------


def test_without_any_setting_the_system_general_midi_font_is_used() -> None:
    found = find_soundfont(None, None)
    assert found.parent == Path("/usr/share/sounds/sf2")
    # FluidR3 is the better font: when both are installed it must win
    fluid_r3 = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
    assert found == (fluid_r3 if fluid_r3.is_file() else SYSTEM_FONT)


def test_the_song_saying_default_means_the_search_decides() -> None:
    assert find_soundfont("default", Path("/nowhere")) == find_soundfont(None, None)


def test_tracker_soundfont_beats_the_system_font(
    real_font: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = place(real_font, tmp_path / "mine.sf2")
    monkeypatch.setenv("TRACKER_SOUNDFONT", str(mine))
    assert find_soundfont(None, None) == mine


def test_the_songs_own_font_beats_tracker_soundfont_and_is_relative_to_the_song(
    real_font: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_SOUNDFONT", str(place(real_font, tmp_path / "env.sf2")))
    song_dir = tmp_path / "songs"
    own = place(real_font, song_dir / "fonts" / "piano.sf2")
    monkeypatch.chdir(tmp_path)  # the song's folder, not the current one, anchors the path
    assert find_soundfont("fonts/piano.sf2", song_dir) == own


def test_a_font_in_an_instruments_folder_beats_the_system_font(
    real_font: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = place(real_font, tmp_path / "studio" / "house.sf2")
    monkeypatch.setenv("TRACKER_INSTRUMENTS", str(tmp_path / "studio"))
    assert find_soundfont(None, None) == shipped


@pytest.mark.usefixtures("no_system_fonts")
def test_the_users_own_soundfont_folder_is_the_last_resort(real_font: Path, tmp_path: Path) -> None:
    own = place(real_font, tmp_path / "data" / "soundfonts" / "GeneralUser.sf2")
    assert find_soundfont(None, None) == own


def test_search_paths_lists_the_places_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_SOUNDFONT", str(tmp_path / "env.sf2"))
    paths = search_paths()
    assert paths[0] == tmp_path / "env.sf2"
    system = paths.index(Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"))
    assert paths.index(Path("/usr/share/sounds/sf2/TimGM6mb.sf2")) == system + 1
    assert paths[-1] == tmp_path / "data" / "soundfonts"
    assert SHIPPED_DIR in paths[1:system]


# --- when nothing fits ---------------------------------------------------------------------


@pytest.mark.usefixtures("no_system_fonts")
def test_no_font_anywhere_says_where_it_looked_and_how_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(SoundfontError) as caught:
        find_soundfont(None, None)
    message = str(caught.value)
    assert "No General MIDI soundfont found" in message
    assert str(tmp_path / "data" / "soundfonts") in message
    assert "make setup" in message
    assert "TRACKER_SOUNDFONT" in message


def test_a_missing_song_font_is_an_error_not_a_silent_substitute(tmp_path: Path) -> None:
    with pytest.raises(SoundfontError) as caught:
        find_soundfont("fonts/gone.sf2", tmp_path)
    assert "the song's soundfont setting" in str(caught.value)
    assert str(tmp_path / "fonts" / "gone.sf2") in str(caught.value)


def test_tracker_soundfont_pointing_nowhere_is_named_in_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_SOUNDFONT", str(tmp_path / "typo.sf2"))
    with pytest.raises(
        SoundfontError, match=r"TRACKER_SOUNDFONT: soundfont .*typo\.sf2 does not exist"
    ):
        find_soundfont(None, None)


@pytest.mark.usefixtures("no_system_fonts")
def test_a_broken_font_found_by_the_search_is_skipped_for_a_good_one(
    real_font: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "data" / "soundfonts"
    folder.mkdir(parents=True)
    (folder / "a-broken.sf2").write_bytes(b"not a soundfont at all")
    good = place(real_font, folder / "b-good.sf2")
    assert find_soundfont(None, None) == good


@pytest.mark.usefixtures("no_system_fonts")
def test_when_only_broken_fonts_are_found_the_error_says_why_each_was_skipped(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data" / "soundfonts"
    folder.mkdir(parents=True)
    (folder / "broken.sf2").write_bytes(b"")
    with pytest.raises(
        SoundfontError, match=r"Skipped: .*broken\.sf2 is not a soundfont: the file is empty"
    ):
        find_soundfont(None, None)


# --- telling a soundfont from other files -----------------------------------------------------


def test_a_real_soundfont_passes_and_fluidsynth_agrees(real_font: Path) -> None:
    assert check_soundfont(real_font) == real_font
    synth = fluidsynth.Synth()
    try:
        assert synth.sfload(str(real_font)) >= 0
    finally:
        synth.delete()


def test_a_wav_file_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "kick.sf2"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(44100)
        out.writeframes(b"\x00\x00" * 100)
    with pytest.raises(
        SoundfontError, match=r"kick\.sf2 is not a soundfont: it is a WAV audio file"
    ):
        find_soundfont(str(path), None)


def test_a_midi_file_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "song.sf2"
    song = mido.MidiFile()
    song.tracks.append(mido.MidiTrack([mido.Message("note_on", note=60, velocity=100)]))
    song.save(str(path))
    with pytest.raises(SoundfontError, match="it is a MIDI file"):
        check_soundfont(path)


def test_a_soundfont_cut_short_is_called_damaged(real_font: Path, tmp_path: Path) -> None:
    half = tmp_path / "half.sf2"
    half.write_bytes(real_font.read_bytes()[:65536])
    with pytest.raises(SoundfontError, match=r"half\.sf2 is a damaged soundfont"):
        check_soundfont(half)
    # FluidSynth cannot use it either: refusing it early saves a confusing failure later
    synth = fluidsynth.Synth()
    try:
        assert synth.sfload(str(half)) < 0
    finally:
        synth.delete()


def test_a_folder_is_not_a_soundfont(tmp_path: Path) -> None:
    with pytest.raises(SoundfontError, match="is a folder"):
        check_soundfont(tmp_path)
