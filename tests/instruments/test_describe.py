"""Describing an instrument for `tracker check`: its General MIDI program, or its
synth, channel and soundfont stand-in; a kit as a kit; no GM names claimed for a
custom soundfont; a missing device an error."""

from __future__ import annotations

import pytest

from tracker.errors import InstrumentError
from tracker.instruments import GENERIC, describe_instrument
from tracker.song.model import Instrument


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
