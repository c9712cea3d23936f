"""14-bit lanes leave as whole NRPN / MSB-LSB sequences, or only what changed on a synth
that keeps running values; the MIDI file carries the same, and reads back as the same lanes."""

from __future__ import annotations

from pathlib import Path

import mido

from tests.support.builders import song_from_toml
from tests.support.devices import write_user_device
from tracker.lanes import pack
from tracker.midi.smf import export_song
from tracker.midi.smf.import_ import import_midi
from tracker.midi.wide import RunningValues

SWEEP = '''
format = 1
title = "Sweep"
bpm = 120.0
lpb = 4
tpl = 6
swing = 0.0
order = ["00"]

[instruments.01]
name = "Bass"
device = "bass-station-ii"
channel = 2

[[tracks]]
name = "Bass"
notes = 1
effects = 1
cc = ["nrpn:osc1_wave", "cc14:cutoff"]

[patterns.00]
lines = 4
rows = """
C-2 01 64 ... 0000 2000
--- .. .. ... 0080 2041
--- .. .. ... 0100 ....
OFF .. .. ... .... 3FFF
"""
'''


def cc(channel: int, controller: int, value: int) -> bytes:
    return bytes((0xB0 | channel, controller, value))


def test_a_synth_without_running_values_gets_every_message_every_time() -> None:
    out = RunningValues()
    lane = pack("nrpn", 72)
    assert out.messages(1, lane, 0x0080) == [cc(1, 99, 0), cc(1, 98, 72), cc(1, 6, 1), cc(1, 38, 0)]
    assert out.messages(1, lane, 0x0081) == [cc(1, 99, 0), cc(1, 98, 72), cc(1, 6, 1), cc(1, 38, 1)]


def test_a_synth_with_running_values_gets_only_what_changed() -> None:
    out = RunningValues()
    wave = pack("nrpn", 72, running=True)
    level = pack("nrpn", 20, running=True)
    assert out.messages(1, wave, 0x0080) == [cc(1, 99, 0), cc(1, 98, 72), cc(1, 6, 1), cc(1, 38, 0)]
    assert out.messages(1, wave, 0x0081) == [cc(1, 38, 1)]  # same parameter, same MSB
    assert out.messages(1, wave, 0x0100) == [cc(1, 6, 2), cc(1, 38, 0)]
    # another parameter is selected afresh, with its whole value
    assert out.messages(1, level, 0x0100) == [
        cc(1, 99, 0),
        cc(1, 98, 20),
        cc(1, 6, 2),
        cc(1, 38, 0),
    ]
    assert out.messages(2, level, 0x0100)[:2] == [cc(2, 99, 0), cc(2, 98, 20)]  # per channel
    out.plain(1, 99)  # a hand-written CC 99 lane changed the selection behind our back
    assert out.messages(1, level, 0x0101)[:2] == [cc(1, 99, 0), cc(1, 98, 20)]
    pair = pack("cc14", 16, running=True)
    assert out.messages(1, pair, 0x2000) == [cc(1, 16, 0x40), cc(1, 48, 0)]
    assert out.messages(1, pair, 0x2041) == [cc(1, 48, 0x41)]


def test_the_export_writes_each_lane_as_its_message_sequence(tmp_path: Path) -> None:
    path = tmp_path / "sweep.mid"
    export_song(song_from_toml(SWEEP), path)
    sent = [
        (m.control, m.value)
        for track in mido.MidiFile(path).tracks  # read back by mido, not by us
        for m in track
        if m.type == "control_change" and m.channel == 1
    ]
    assert sent == [
        (7, 100), (10, 64),  # the track's mixer strip opens the song
        (99, 0), (98, 72), (6, 0), (38, 0), (16, 0x40), (48, 0x00),
        (99, 0), (98, 72), (6, 1), (38, 0), (16, 0x40), (48, 0x41),
        (99, 0), (98, 72), (6, 2), (38, 0),
        (16, 0x7F), (48, 0x7F),
    ]  # fmt: skip


def test_running_values_in_the_device_file_thin_the_export(tmp_path: Path) -> None:
    shipped = Path(__file__).parents[2] / "tracker/instruments/data/devices/bass-station-ii.toml"
    text = shipped.read_text().replace(
        "latency_ms = 0.0\n", "latency_ms = 0.0\nrunning_values = true\n"
    )
    write_user_device("bass-station-ii", text)  # it overrides the shipped file
    path = tmp_path / "sweep.mid"
    export_song(song_from_toml(SWEEP), path)
    sent = [
        (m.control, m.value)
        for track in mido.MidiFile(path).tracks
        for m in track
        if m.type == "control_change" and m.channel == 1
    ]
    assert sent == [
        (7, 100), (10, 64),  # the track's mixer strip opens the song
        (99, 0), (98, 72), (6, 0), (38, 0), (16, 0x40), (48, 0x00),
        (6, 1), (38, 0), (48, 0x41),
        (6, 2), (38, 0),
        (16, 0x7F), (48, 0x7F),
    ]  # fmt: skip


def test_an_exported_song_imports_back_with_the_same_lanes_and_values(tmp_path: Path) -> None:
    path = tmp_path / "sweep.mid"
    export_song(song_from_toml(SWEEP), path)
    song, _report = import_midi(path)
    track = next(t for t in song.tracks if t.cc)
    assert sorted(track.cc) == ["cc14:16", "nrpn:0:72"]
    values = song.patterns[song.order[0]].tracks[song.tracks.index(track)].cc
    lanes = dict(zip(track.cc, values, strict=True))
    assert [v for v in lanes["nrpn:0:72"] if v is not None] == [0x0000, 0x0080, 0x0100]
    assert [v for v in lanes["cc14:16"] if v is not None] == [0x2000, 0x2041, 0x3FFF]
