"""General MIDI: the 128 program names, the drum map, the kits a GM soundfont carries,
finding a sound by name or number, and a GM file missing a program refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.audio import GM_FONT
from tests.support.devices import write
from tracker.errors import InstrumentError
from tracker.instruments import SHIPPED_DIR, find_sounds, load_gm
from tracker.instruments.model import DRUM_BANK


def test_gm_names_all_128_programs_counted_from_zero() -> None:
    gm = load_gm()
    assert len(gm.programs) == 128
    assert gm.program_name(0) == "Acoustic Grand Piano"
    assert gm.program_name(33) == "Electric Bass (finger)"
    assert gm.program_name(81) == "Lead 2 (sawtooth)"
    assert gm.program_name(127) == "Gunshot"
    assert len(set(gm.programs)) == 128
    assert "Level 1" in gm.source


def test_gm_drum_map_covers_keys_35_to_81() -> None:
    gm = load_gm()
    assert sorted(gm.drums) == list(range(35, 82))
    assert gm.drum_name(36) == "Bass Drum 1"  # C-2 in tracker notation
    assert gm.drum_name(38) == "Acoustic Snare"
    assert gm.drum_name(42) == "Closed Hi Hat"
    assert gm.drum_name(34) is None


def test_the_drum_kits_are_the_ones_a_gm_soundfont_carries_on_bank_128() -> None:
    import fluidsynth

    gm = load_gm()
    synth = fluidsynth.Synth()
    try:
        font = synth.sfload(str(GM_FONT))
        carried = {p: synth.sfpreset_name(font, DRUM_BANK, p) for p in gm.kits}
    finally:
        synth.delete()
    assert gm.kits[25] == "TR-808" and carried[25] == "TR 808"
    # TimGM6mb names them as GS does, and lacks the SFX kit only.
    assert {p: n for p, n in carried.items() if n} == {
        p: n.replace("-", " ") for p, n in gm.kits.items() if p != 56
    }


def test_a_sound_is_found_by_part_of_its_name_or_by_its_number() -> None:
    gm = load_gm()
    assert [s.shown for s in find_sounds(gm, "vibra")] == ["11 Vibraphone"]
    assert [s.name for s in find_sounds(gm, "ELEC piano")] == [
        "Electric Grand Piano",
        "Electric Piano 1",
        "Electric Piano 2",
    ]
    assert [(s.program, s.bank) for s in find_sounds(gm, "808")] == [(25, DRUM_BANK)]
    assert find_sounds(gm, "40")[0].shown == "40 Violin"
    assert find_sounds(gm, "string")[0].name == "String Ensemble 1", "names that start so first"
    assert len(find_sounds(gm, "")) == 128 + len(gm.kits)
    assert find_sounds(gm, "kazoo") == []


def test_a_gm_file_missing_a_program_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (SHIPPED_DIR / "gm.toml").read_text().replace('5 = "Electric Piano 2"\n', "")
    write(tmp_path / "mine" / "gm.toml", text)
    monkeypatch.setenv("TRACKER_INSTRUMENTS", str(tmp_path / "mine"))
    with pytest.raises(InstrumentError, match=r"gm\.toml: .*missing 5"):
        load_gm()
