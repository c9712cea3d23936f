"""Instrument data: the shipped GM and device files, the search path, CC lanes, errors.

The expected CC numbers below come from the MIDI 1.0 controller table and the
makers' charts (the same sources the files cite), not from the loader's output.
"""

from __future__ import annotations

import re
from pathlib import Path
from textwrap import dedent

import pytest

from tests.support.audio import GM_FONT
from tests.support.builders import build_song
from tracker.errors import InstrumentError
from tracker.instruments import (
    GENERIC,
    SHIPPED_DIR,
    describe_instrument,
    device_for_port,
    find_sounds,
    load_device,
    load_devices,
    load_gm,
    parse_device_file,
    resolve_cc_lane,
)
from tracker.instruments.model import DRUM_BANK
from tracker.song.model import Instrument, Track

SHIPPED_DEVICES = sorted((SHIPPED_DIR / "devices").glob("*.toml"))
REAL_DEVICES = [p for p in SHIPPED_DEVICES if p.stem != GENERIC]


@pytest.fixture(autouse=True)
def _own_search_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's own device files and settings out of every test."""
    monkeypatch.delenv("TRACKER_INSTRUMENTS", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return path


MINIMAL_DEVICE = """
    name = "Test synth"
    ports = ["test synth"]
    channel = 1

    [cc]
    cutoff = 20
"""


# --- the shipped files ---------------------------------------------------------------


def test_the_repository_ships_a_generic_device_and_at_least_three_real_synths() -> None:
    assert (SHIPPED_DIR / "devices" / "generic.toml").is_file()
    assert len(REAL_DEVICES) >= 3


@pytest.mark.parametrize("path", SHIPPED_DEVICES, ids=lambda p: p.stem)
def test_every_shipped_device_file_loads(path: Path) -> None:
    device = parse_device_file(path)
    assert device.key == path.stem
    assert device.name
    assert 1 <= device.channel <= 16


@pytest.mark.parametrize("path", REAL_DEVICES, ids=lambda p: p.stem)
def test_a_real_synth_says_where_its_cc_numbers_come_from(path: Path) -> None:
    device = parse_device_file(path)
    assert device.manufacturer
    assert "chart" in device.source.lower()
    # the same source is recorded in a comment for whoever edits the file
    assert re.search(r"^#.*(chart|midi\.guide)", path.read_text(), re.MULTILINE | re.IGNORECASE)


@pytest.mark.parametrize("path", REAL_DEVICES, ids=lambda p: p.stem)
def test_a_real_synth_names_at_least_eight_controllers_all_valid(path: Path) -> None:
    device = parse_device_file(path)
    assert len(device.cc) >= 8
    assert all(0 <= number <= 127 for number in device.cc.values())
    names = re.findall(r"^(\w+)\s*=", path.read_text().split("[cc]")[1].split("[")[0], re.M)
    assert len(names) == len(set(names)), "a CC name is defined twice"
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", name) for name in names)
    assert "cutoff" in device.cc, "every synth here has a filter: its cutoff lane must resolve"


@pytest.mark.parametrize("path", REAL_DEVICES, ids=lambda p: p.stem)
def test_a_real_synth_has_a_soundfont_stand_in_and_its_own_port_pattern(path: Path) -> None:
    device = parse_device_file(path)
    assert device.fallback_program is not None
    assert device.ports and not device.matches_any_port
    assert device.matches(f"{device.name} MIDI 1")


def test_the_generic_map_uses_the_midi_standard_controller_numbers() -> None:
    cc = load_device(GENERIC).cc
    standard = {
        "modulation": 1,
        "breath": 2,
        "volume": 7,
        "pan": 10,
        "expression": 11,
        "sustain": 64,
        "resonance": 71,
        "release": 72,
        "attack": 73,
        "cutoff": 74,
        "reverb": 91,
        "chorus": 93,
    }
    assert {name: cc[name] for name in standard} == standard


def test_the_real_charts_put_the_filter_where_the_makers_did() -> None:
    # Korg puts cutoff on 43, Novation on 16 (14-bit, coarse part), Arturia on 23.
    assert load_device("minilogue-xd").cc["cutoff"] == 43
    assert load_device("bass-station-ii").cc["cutoff"] == 16
    assert load_device("microfreak").cc["cutoff"] == 23


# --- General MIDI ------------------------------------------------------------------------


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


# --- ports -----------------------------------------------------------------------------


def test_a_device_matches_its_port_whatever_the_system_calls_it() -> None:
    xd = load_device("minilogue-xd")
    assert xd.matches("minilogue xd:minilogue xd minilogue xd _ SOUND 20:1")  # ALSA
    assert xd.matches("a2j:minilogue xd [20] (playback): minilogue xd _ SOUND")  # JACK
    assert xd.matches("MINILOGUE XD SOUND")  # case ignored
    assert not xd.matches("minilogue:minilogue minilogue _ SOUND 20:1")  # the older minilogue
    assert not xd.matches("Midi Through Port-0")


def test_a_glob_pattern_matches_the_whole_port_name(tmp_path: Path) -> None:
    path = write(tmp_path / "fw.toml", MINIMAL_DEVICE.replace('["test synth"]', '["fw-?? synth*"]'))
    device = parse_device_file(path)
    assert device.matches("FW-01 Synth MIDI 1")
    assert not device.matches("usb FW-01 Synth")  # a glob is anchored at both ends


def test_the_generic_device_takes_any_port_but_a_specific_device_wins() -> None:
    devices = load_devices().values()
    assert load_device(GENERIC).matches("anything at all")
    chosen = device_for_port("Bass Station II:Bass Station II MIDI 1 24:0", devices)
    assert chosen is not None and chosen.key == "bass-station-ii"
    fallback = device_for_port("USB MIDI Interface MIDI 1", devices)
    assert fallback is not None and fallback.key == GENERIC


def test_the_longest_matching_pattern_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A user's file for the older minilogue must not capture the xd's port.
    write(
        tmp_path / "config" / "tracker" / "devices" / "minilogue.toml",
        MINIMAL_DEVICE.replace('["test synth"]', '["minilogue"]'),
    )
    devices = load_devices().values()
    xd = device_for_port("minilogue xd SOUND", devices)
    old = device_for_port("minilogue SOUND", devices)
    assert xd is not None and xd.key == "minilogue-xd"
    assert old is not None and old.key == "minilogue"


# --- the search path ----------------------------------------------------------------------


def test_a_user_device_file_is_found_in_the_config_folder(tmp_path: Path) -> None:
    write(tmp_path / "config" / "tracker" / "devices" / "my-synth.toml", MINIMAL_DEVICE)
    assert load_device("my-synth").name == "Test synth"
    assert "my-synth" in load_devices()
    assert "minilogue-xd" in load_devices()  # the shipped ones are still there


def test_tracker_instruments_overrides_a_shipped_device(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (SHIPPED_DIR / "devices" / "minilogue-xd.toml").read_text()
    write(
        tmp_path / "studio" / "devices" / "minilogue-xd.toml",
        text.replace("channel = 1", "channel = 5"),
    )
    monkeypatch.setenv("TRACKER_INSTRUMENTS", str(tmp_path / "studio"))
    assert load_device("minilogue-xd").channel == 5
    assert load_devices()["minilogue-xd"].channel == 5


def test_an_edited_device_file_is_read_again(tmp_path: Path) -> None:
    path = write(tmp_path / "config" / "tracker" / "devices" / "my-synth.toml", MINIMAL_DEVICE)
    assert load_device("my-synth").channel == 1
    path.write_text(path.read_text().replace("channel = 1", "channel = 12"))
    assert load_device("my-synth").channel == 12


def test_an_unknown_device_suggests_the_nearest_name() -> None:
    with pytest.raises(
        InstrumentError, match=r'unknown device "minilog-xd" \(did you mean "minilogue-xd"\?\)'
    ):
        load_device("minilog-xd")


# --- CC lanes ---------------------------------------------------------------------------------


def test_a_track_resolves_its_lanes_through_its_instruments_device() -> None:
    song = build_song(
        """
        C-3 01 64 ... 10 40 | C-2 02 7F ... 20
        --- .. .. ... 7F .. | --- .. .. ... ..
        """,
        tracks=[Track("Lead", cc=["cutoff", "74"]), Track("Bass", cc=["cutoff"])],
        instruments={
            1: Instrument("xd lead", device="minilogue-xd", channel=2),
            2: Instrument("GM bass", program=38),
        },
    )
    lead = load_device("minilogue-xd")
    assert [resolve_cc_lane(lane, lead) for lane in song.tracks[0].cc] == [43, 74]
    assert [resolve_cc_lane(lane, None) for lane in song.tracks[1].cc] == [74]


def test_lane_names_forgive_case_spaces_and_hyphens() -> None:
    xd = load_device("minilogue-xd")
    assert resolve_cc_lane("Amp Attack", xd) == 16
    assert resolve_cc_lane("amp-attack", xd) == 16
    assert resolve_cc_lane(" Cutoff ", None) == 74


def test_a_name_the_synth_lacks_falls_back_to_the_general_midi_map() -> None:
    assert resolve_cc_lane("expression", load_device("microfreak")) == 11


def test_a_misspelt_lane_suggests_the_nearest_name_and_the_files_to_read() -> None:
    with pytest.raises(InstrumentError) as caught:
        resolve_cc_lane("cutof", load_device("minilogue-xd"))
    message = str(caught.value)
    assert 'unknown CC lane "cutof" for the Korg minilogue xd' in message
    assert 'did you mean "cutoff"?' in message
    assert "minilogue-xd.toml" in message and "generic.toml" in message


def test_a_lane_number_past_127_is_refused() -> None:
    assert resolve_cc_lane("127", None) == 127
    with pytest.raises(InstrumentError, match="0-127"):
        resolve_cc_lane("128", None)


# --- broken device files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        pytest.param(
            'name = "x"\nports = ["x"]\nchannel = 1\n[cc]\ncutoff = 74\nreso = \n',
            ":6:8:",
            "expected a value here",
            id="bad-toml",
        ),
        pytest.param(
            'name = "x"\nports = ["x"]\n[cc]\ncutoff = 74\ncutoff = 75\n',
            ":5:1:",
            "this key is already set above (each key may appear once)",
            id="duplicate-cc-name",
        ),
        pytest.param(
            'name = "x"\nports = ["x"]\nchanel = 2\n[cc]\ncutoff = 74\n',
            ":3:1:",
            'unknown key "chanel" in the file (did you mean "channel"?)',
            id="unknown-key",
        ),
        pytest.param(
            'name = "x"\nports = ["x"]\n\n[cc]\ncutoff = 74\nresonance = 200\n',
            ":6:13:",
            "resonance = 200 is out of range (expected 0 to 127)",
            id="cc-out-of-range",
        ),
        pytest.param(
            'name = "x"\nports = ["x"]\nchannel = 17\n[cc]\ncutoff = 74\n',
            ":3:11:",
            "channel = 17 is out of range (expected 1 to 16)",
            id="channel-17",
        ),
        pytest.param(
            'name = "x"\nports = ["x"]\n[cc]\nCutoff = 74\n',
            ":4:1:",
            "lowercase words",
            id="cc-name-not-snake-case",
        ),
        pytest.param(
            'name = "x"\nports = "x"\n[cc]\ncutoff = 74\n',
            ":2:9:",
            "ports should be a [list]",
            id="ports-not-a-list",
        ),
        pytest.param(
            'name = "x"\nports = []\n[cc]\ncutoff = 74\n',
            ":2:9:",
            "ports is empty",
            id="no-ports",
        ),
        pytest.param(
            'name = "x"\nports = ["x"]\n[cc]\ncutoff = 74\n[ranges]\ncutof = [0, 3]\n',
            ":6:1:",
            'not in [cc] (did you mean "cutoff"?)',
            id="range-for-unknown-cc",
        ),
        pytest.param(
            'name = "x"\nports = ["x"]\n[cc]\ncutoff = 74\n[fallback]\nprogram = 81\nbnak = 0\n',
            ":7:1:",
            'unknown key "bnak" in [fallback]',
            id="unknown-fallback-key",
        ),
        pytest.param(
            'name = "x"\nports = ["x"]\nchannel = 1\n',
            "broken.toml: ",
            "missing [cc] table",
            id="no-cc-table",
        ),
    ],
)
def test_a_broken_device_file_names_the_place_and_the_problem(
    tmp_path: Path, text: str, where: str, says: str
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(text)
    with pytest.raises(InstrumentError) as caught:
        parse_device_file(path)
    message = str(caught.value)
    assert message.startswith(str(path)) or message.startswith("broken.toml")
    assert where in message
    assert says in message


def test_a_broken_file_on_the_search_path_is_reported_by_load_device(tmp_path: Path) -> None:
    write(tmp_path / "config" / "tracker" / "devices" / "oops.toml", 'name = "oops"\nports = [\n')
    with pytest.raises(InstrumentError, match=r"oops\.toml:\d+:\d+: expected a value here"):
        load_device("oops")


# --- describing an instrument for `tracker check` -------------------------------------------------


def test_a_soundfont_instrument_is_described_by_its_gm_program() -> None:
    assert (
        describe_instrument(Instrument("Bass", program=33))
        == "soundfont default, program 33 Electric Bass (finger)"
    )


def test_a_device_instrument_names_the_synth_channel_and_stand_in() -> None:
    lead = Instrument("Lead", device="minilogue-xd", channel=2)
    assert describe_instrument(lead) == (
        "device minilogue-xd (Korg minilogue xd), channel 2, fallback program 81 Lead 2 (sawtooth)"
    )


def test_a_generic_synth_stands_in_with_the_instruments_own_program() -> None:
    keys = Instrument("Keys", device=GENERIC, program=4)
    assert describe_instrument(keys) == (
        "device generic (General MIDI synth), channel 1, fallback program 4 Electric Piano 1"
    )


def test_a_drum_kit_is_described_as_a_kit() -> None:
    assert "drum kit 0" in describe_instrument(Instrument("Drums", bank=128, channel=10))


def test_a_custom_soundfont_does_not_claim_gm_names() -> None:
    text = describe_instrument(Instrument("Strings", soundfont="fonts/strings.sf2", program=48))
    assert text == "soundfont fonts/strings.sf2, program 48"


def test_describing_an_instrument_on_a_missing_device_is_an_error() -> None:
    with pytest.raises(InstrumentError, match='unknown device "juno"'):
        describe_instrument(Instrument("Pad", device="juno"))
