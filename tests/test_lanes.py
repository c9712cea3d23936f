"""14-bit CC lanes by name: what a song may write, and the controller sequence each value becomes."""

from __future__ import annotations

import pytest

from tracker.lanes import (
    is_packed_valid,
    is_wide,
    lane_name_of,
    pack,
    packed_kind,
    packed_number,
    soundfont_controls,
    wide_controls,
    wide_lane_name,
)


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("nrpn:0:20", "nrpn:0:20"),
        ("NRPN:000:020", "nrpn:0:20"),
        ("cc14:16", "cc14:16"),
        ("cc14:07", "cc14:7"),
        ("nrpn:osc1_wave", "nrpn:osc1_wave"),
        ("cc14:cutoff", "cc14:cutoff"),
    ],
)
def test_a_wide_lane_is_kept_in_one_spelling(written: str, kept: str) -> None:
    assert wide_lane_name(written) == kept
    assert is_wide(written)


@pytest.mark.parametrize(
    "written", ["nrpn:128:0", "nrpn:0:200", "cc14:32", "cc14:99", "nrpn:", "cc14:1x", "nrpn:a b"]
)
def test_a_wide_lane_out_of_range_or_misspelt_names_nothing(written: str) -> None:
    assert wide_lane_name(written) is None


def test_plain_lanes_are_not_wide() -> None:
    assert not is_wide("cutoff")
    assert not is_wide("74")
    assert wide_lane_name("cutoff") is None


def test_an_nrpn_value_is_parameter_msb_lsb_then_data_msb_lsb() -> None:
    lane = pack("nrpn", 0 * 128 + 72)
    assert wide_controls(lane, 0x0180) == [(99, 0), (98, 72), (6, 3), (38, 0)]
    assert wide_controls(pack("nrpn", 1 * 128 + 2), 0x3FFF) == [
        (99, 1),
        (98, 2),
        (6, 127),
        (38, 127),
    ]


def test_a_14_bit_pair_is_the_msb_controller_then_the_one_32_above() -> None:
    assert wide_controls(pack("cc14", 16), 0x2041) == [(16, 0x40), (48, 0x41)]


def test_fluidsynth_gets_the_msb_of_a_pair_and_the_nrpn_without_its_lsb() -> None:
    assert soundfont_controls(pack("cc14", 7), 0x3F80) == [(7, 0x7F)]
    assert soundfont_controls(pack("nrpn", 20), 0x0100) == [(99, 0), (98, 20), (6, 2)]
    assert soundfont_controls(74, 64) == [(74, 64)]


def test_packed_lanes_unpack_and_name_themselves() -> None:
    lane = pack("nrpn", 3 * 128 + 9, running=True)
    assert (packed_kind(lane), packed_number(lane)) == ("nrpn", 3 * 128 + 9)
    assert lane_name_of(lane) == "nrpn:3:9"
    assert lane_name_of(pack("cc14", 19)) == "cc14:19"
    assert lane_name_of(74) == "74"
    assert is_packed_valid(lane) and is_packed_valid(74)
    assert not is_packed_valid(128)
    assert not is_packed_valid(pack("cc14", 31) + 1)
