"""A device file's NRPN and 14-bit tables and its patch names: read, checked, placed when wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.errors import InstrumentError
from tracker.instruments import load_device, parse_device_file, resolve_cc_lane
from tracker.lanes import pack

HEAD = 'name = "Mono"\nports = ["Mono"]\n'
CC = "[cc]\ncutoff = 74\n"


def device(tmp_path: Path, text: str, top: str = "") -> Path:
    """A device file: its head, `top` (more top-level keys), a [cc] table, then `text`."""
    path = tmp_path / "mono.toml"
    path.write_text(HEAD + top + CC + text)
    return path


def test_nrpn_cc14_and_patch_tables_are_read(tmp_path: Path) -> None:
    path = device(
        tmp_path,
        "[nrpn]\nosc1_wave = [0, 72]\n[cc14]\nfine_cutoff = 16\n"
        '[patches.0]\n0 = "Init"\n5 = "Acid Bass"\n[patches.129]\n1 = "User 2"\n',
    )
    found = parse_device_file(path)
    assert found.extras.nrpn == {"osc1_wave": 72}
    assert found.extras.cc14 == {"fine_cutoff": 16}
    assert found.extras.patches == {0: {0: "Init", 5: "Acid Bass"}, 129: {1: "User 2"}}
    assert not found.extras.running_values


def test_a_device_lane_name_after_the_prefix_resolves_through_its_tables(tmp_path: Path) -> None:
    found = parse_device_file(
        device(
            tmp_path, "[nrpn]\nosc1_wave = [1, 72]\n[cc14]\nfine = 16\n", "running_values = true\n"
        )
    )
    assert resolve_cc_lane("nrpn:osc1_wave", found) == pack("nrpn", 128 + 72, running=True)
    assert resolve_cc_lane("cc14:fine", found) == pack("cc14", 16, running=True)
    assert resolve_cc_lane("nrpn:0:5", None) == pack("nrpn", 5)
    with pytest.raises(
        InstrumentError, match=r'no nrpn parameter "osc1_wav".*did you mean "osc1_wave"'
    ):
        resolve_cc_lane("nrpn:osc1_wav", found)
    with pytest.raises(InstrumentError, match="has no device file"):
        resolve_cc_lane("cc14:fine", None)


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        ("[nrpn]\nwave = [0, 128]\n", "mono.toml:6:8:", "[MSB, LSB], each 0 to 127"),
        ("[nrpn]\nwave = 72\n", "mono.toml:6:8:", "[MSB, LSB]"),
        ("[cc14]\nfine = 40\n", "mono.toml:6:8:", "out of range (expected 0 to 31)"),
        ("[nrpn]\nWave = [0, 1]\n", "mono.toml:6:1:", 'nrpn name "Wave" should be lowercase'),
        ('[patches.0]\n200 = "x"\n', "mono.toml:6:1:", "program number 0 to 127"),
        ('[patches.x]\n1 = "x"\n', "mono.toml:5:", "bank number 0 to 16383"),
        ('[patches.0]\n1 = ""\n', "mono.toml:6:5:", "needs a name"),
    ],
)
def test_a_broken_extra_table_names_the_place_and_the_problem(
    tmp_path: Path, text: str, where: str, says: str
) -> None:
    with pytest.raises(InstrumentError) as caught:
        parse_device_file(device(tmp_path, text))
    assert where in str(caught.value)
    assert says in str(caught.value)


def test_running_values_is_true_or_false(tmp_path: Path) -> None:
    with pytest.raises(InstrumentError) as caught:
        parse_device_file(device(tmp_path, "", "running_values = 1\n"))
    where, says = "mono.toml:3:18:", "true or false"
    assert where in str(caught.value)
    assert says in str(caught.value)


def test_two_shipped_devices_carry_nrpn_parameters_from_their_makers_charts() -> None:
    bass_station = load_device("bass-station-ii")
    peak = load_device("peak")
    # Novation's charts: Bass Station II osc 1 waveform is NRPN 0:72, Peak osc 1 wave 0:14.
    assert bass_station.extras.nrpn["osc1_wave"] == 72
    assert peak.extras.nrpn["osc1_wave"] == 14
    assert bass_station.extras.cc14["cutoff"] == 16  # CC 16 with CC 48
    assert load_device("minitaur").extras.cc14["cutoff"] == 19  # Moog: CC 19 with CC 51
    for shipped in (bass_station, peak):
        assert "chart" in shipped.source
