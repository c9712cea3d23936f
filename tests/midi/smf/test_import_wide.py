"""NRPN sequences and 14-bit controller pairs in a MIDI file written by another library
(mido) come back as `nrpn:` and `cc14:` lanes; lone MSBs and RPNs stay what they were."""

from __future__ import annotations

from pathlib import Path

import mido

from tracker.midi.smf.import_ import import_midi

BEAT = 480


def write(path: Path, controls: list[tuple[int, int, int]]) -> None:
    """One track on channel 1: a note over 4 beats and (beat, controller, value) changes."""
    track = mido.MidiTrack()
    timed = [(0, mido.Message("note_on", note=48, velocity=100))]
    timed += [
        (beat * BEAT, mido.Message("control_change", control=c, value=v)) for beat, c, v in controls
    ]
    timed.append((4 * BEAT, mido.Message("note_off", note=48)))
    now = 0
    for tick, message in sorted(timed, key=lambda t: t[0]):
        track.append(message.copy(time=tick - now))
        now = tick
    midi = mido.MidiFile(ticks_per_beat=BEAT)
    midi.tracks.append(track)
    midi.save(path)


def lanes_of(path: Path) -> dict[str, list[int]]:
    song, _report = import_midi(path, lpb=1)
    track = song.tracks[0]
    part = song.patterns[song.order[0]].tracks[0]
    return {
        name: [v for v in values if v is not None]
        for name, values in zip(track.cc, part.cc, strict=True)
    }


def test_nrpn_data_entry_becomes_an_nrpn_lane_with_14_bit_values(tmp_path: Path) -> None:
    path = tmp_path / "nrpn.mid"
    # beat 0: select 1:20, MSB 3, LSB 5; beat 1: MSB only (the synth keeps 1:20 selected)
    write(path, [(0, 99, 1), (0, 98, 20), (0, 6, 3), (0, 38, 5), (1, 6, 4), (2, 38, 9)])
    assert lanes_of(path) == {"nrpn:1:20": [3 << 7 | 5, 4 << 7, 4 << 7 | 9]}


def test_a_controller_with_its_lsb_becomes_a_14_bit_lane_and_a_lone_one_stays_plain(
    tmp_path: Path,
) -> None:
    path = tmp_path / "pairs.mid"
    write(
        path, [(0, 16, 0x40), (0, 48, 0x01), (1, 16, 0x7F), (1, 48, 0x7F), (2, 1, 90), (3, 1, 10)]
    )
    assert lanes_of(path) == {"cc14:16": [0x2001, 0x3FFF], "1": [90, 10]}


def test_rpn_data_entry_is_still_dropped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "rpn.mid"
    write(path, [(0, 99, 1), (0, 98, 20), (0, 101, 0), (0, 100, 0), (0, 6, 12)])  # bend range
    song, report = import_midi(path, lpb=1)
    assert song.tracks[0].cc == []
    assert sum(report.dropped.values()) == 3  # 101, 100 and the data entry that went to the RPN
