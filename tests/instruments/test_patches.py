"""Patch names for the instrument dialog: a device file's banks, the GM names for the GM font."""

from __future__ import annotations

from dataclasses import dataclass

from tests.support.devices import write_user_device
from tracker.instruments import describe_instrument
from tracker.instruments.patches import patch_name, patch_names


@dataclass
class Inst:
    soundfont: str | None = "default"
    program: int = 0
    bank: int = 0
    device: str | None = None
    channel: int | None = None


def test_a_device_with_patch_names_offers_them_per_bank() -> None:
    write_user_device(
        "mono",
        'name = "Mono"\nports = ["Mono"]\n[cc]\ncutoff = 74\n'
        '[patches.0]\n0 = "Init"\n12 = "Acid Bass"\n[patches.1]\n0 = "User 1"\n',
    )
    synth = Inst(soundfont=None, device="mono", program=12)
    assert patch_names(synth) == {0: {0: "Init", 12: "Acid Bass"}, 1: {0: "User 1"}}
    assert patch_name(synth) == "Acid Bass"
    assert patch_name(Inst(soundfont=None, device="mono", program=5)) is None
    assert 'patch 12 "Acid Bass"' in describe_instrument(synth)  # what `tracker check` says


def test_a_soundfont_instrument_on_the_gm_font_offers_the_general_midi_names() -> None:
    names = patch_names(Inst(program=33))
    assert len(names[0]) == 128
    assert patch_name(Inst(program=33)) == "Electric Bass (finger)"
    assert patch_names(Inst(soundfont="my.sf2")) == {}  # another font's names are its own
    assert patch_names(Inst(soundfont=None, device="generic")) == {}  # no list in its file
