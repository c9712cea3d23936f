"""MIDI import, controllers: a volume or pan set once at the start becomes the track's
mixer strip, one that moves a CC lane; what a lane cannot hold is reported.

Files are written here at test time with mido (tests/support/midi_writing.py: 480 ticks
per beat, 4 lines per beat, a line is 120 ticks unless a test says otherwise).
"""

from __future__ import annotations

from pathlib import Path

from tests.support.midi_writing import C4, TPB, cc, midi_track, note, write
from tracker.engine.mixer import volume_cc
from tracker.midi.smf.import_ import import_midi


def test_a_volume_and_pan_set_once_at_the_start_are_the_strip_a_moving_one_a_lane(
    mid: Path,
) -> None:
    write(
        mid,
        midi_track(cc(0, 7, 71), cc(0, 10, 32), cc(0, 91, 5), cc(2 * TPB, 91, 60),
                   note(0, 4 * TPB, C4)),
    )  # fmt: skip

    song, _ = import_midi(mid)

    track = song.tracks[0]
    assert (track.volume_db, track.pan) == (-5.9, -32)  # 40 log10(71 / 100) dB, to 0.1 dB
    assert volume_cc(track.volume_db) == 71, "and the export sends the file's value back"
    assert track.reverb is None and track.cc == ["91"], "a send that moves stays a lane"


def test_volume_cutoff_and_sustain_become_cc_lanes_the_rest_is_reported(mid: Path) -> None:
    write(
        mid,
        midi_track(
            cc(0, 7, 100), cc(TPB, 74, 30), cc(TPB + 10, 74, 40), cc(2 * TPB, 64, 127),
            cc(2 * TPB, 101, 0), note(0, 4 * TPB, C4),
        ),
    )  # fmt: skip

    song, report = import_midi(mid)

    # The volume, set once before the first note, is the track's strip (100 = 0 dB).
    assert song.tracks[0].volume_db == 0.0
    assert song.tracks[0].cc == ["64", "74"], "in controller order"
    lanes = song.patterns["00"].tracks[0].cc
    assert lanes[1][4] == 40, "two values on one line: the later wins"
    assert lanes[0][8] == 127
    assert report.dropped == {
        "control change 74 (several on one line)": 1,
        "parameter number or data entry (e.g. the bend range)": 1,
    }
