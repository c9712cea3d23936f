"""A CC lane named for a synth's control means that synth's controller number,
the same in every path: check, playback, the bounce and the MIDI export."""

from __future__ import annotations

from pathlib import Path

import mido

from tests.support.builders import song_from_toml
from tracker.cli.summary import describe_song
from tracker.engine.events import Kind
from tracker.midi.smf import export_song
from tracker.player.stream import compile_range

SONG = """
format = 1
title = "Filter sweep"
bpm = 120.0
lpb = 4
tpl = 6
swing = 0.0
order = ["00"]

[instruments.01]
name = "minilogue"
program = 0
device = "minilogue-xd"
channel = 3

[[tracks]]
name = "Sweep"
notes = 1
effects = 1
cc = ["cutoff", "74"]

[patterns.00]
lines = 4
rows = \"\"\"
C-3 01 64 ... 10 20
--- .. .. ... 40 ..
--- .. .. ... 7F ..
OFF .. .. ... .. ..
\"\"\"
"""

MINILOGUE_CUTOFF = 43  # Korg's chart: cutoff is CC 43 on the minilogue xd (74 on GM synths)


STRIP = [(7, 100), (10, 64)]
"""The track's mixer strip, sent first: 0 dB (CC 7 = 100) and centre (CC 10 = 64)."""


def test_playback_sends_the_devices_own_cutoff_controller() -> None:
    timeline = compile_range(song_from_toml(SONG), 0, 0, None)
    controls = [(e.a, e.b) for e in timeline.events if e.kind is Kind.CONTROL]
    assert controls == [
        *STRIP,
        (MINILOGUE_CUTOFF, 0x10),
        (74, 0x20),
        (MINILOGUE_CUTOFF, 0x40),
        (MINILOGUE_CUTOFF, 0x7F),
    ]
    assert {e.channel for e in timeline.events if e.kind is Kind.CONTROL} == {2}


def test_the_midi_export_writes_the_same_controllers(tmp_path: Path) -> None:
    path = tmp_path / "sweep.mid"
    export_song(song_from_toml(SONG), path)
    sent = [
        (m.control, m.value)
        for track in mido.MidiFile(path).tracks
        for m in track
        if m.type == "control_change" and m.control not in (0, 32)
    ]
    assert sent == [
        *STRIP,
        (MINILOGUE_CUTOFF, 0x10),
        (74, 0x20),
        (MINILOGUE_CUTOFF, 0x40),
        (MINILOGUE_CUTOFF, 0x7F),
    ]


def test_check_accepts_a_device_lane_name(tmp_path: Path) -> None:
    path = tmp_path / "sweep.toml"
    path.write_text(SONG.lstrip())
    assert "minilogue xd" in describe_song(path)
