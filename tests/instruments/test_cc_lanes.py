"""CC lanes: a track's lane names resolved through its instrument's device map, then
the General MIDI map; names forgiven their case, spaces and hyphens; a misspelt name
or a number past 127 refused with what to write instead."""

from __future__ import annotations

import pytest

from tests.support.builders import build_song
from tracker.errors import InstrumentError
from tracker.instruments import load_device, resolve_cc_lane
from tracker.song.model import Instrument, Track


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
