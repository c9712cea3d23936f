"""Device files: the shipped ones (each real synth's chart, its controllers, its
stand-in and port), which device a port belongs to, where device files are found (the
search path), and a broken device file named with its place and problem.

The expected CC numbers below come from the MIDI 1.0 controller table and the
makers' charts (the same sources the files cite), not from the loader's output.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.devices import write
from tracker.errors import InstrumentError
from tracker.instruments import (
    GENERIC,
    SHIPPED_DIR,
    device_for_port,
    load_device,
    load_devices,
    parse_device_file,
)

SHIPPED_DEVICES = sorted((SHIPPED_DIR / "devices").glob("*.toml"))
REAL_DEVICES = [p for p in SHIPPED_DEVICES if p.stem != GENERIC]


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
