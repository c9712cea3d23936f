"""MIDI learn names a lane after the moved controller; a recorded sweep is thinned to a
value per line, and the take undoes in one step."""

from __future__ import annotations

from tests.support.builders import build_song
from tracker.instruments import load_device
from tracker.song.edit import History
from tracker.song.model import Track
from tracker.ui.pattern.cc_takes import CcTake, LaneLearner, learned_lane

ROWS = "\n".join(["C-3 01 64 ... .."] + ["--- .. .. ... .."] * 7)


def test_learning_a_controller_takes_the_device_maps_name_or_the_number() -> None:
    minilogue = load_device("minilogue-xd").cc
    assert learned_lane(43, minilogue) == "cutoff"  # Korg's chart: CC 43 is the cutoff
    assert learned_lane(3, minilogue) == "3"
    assert learned_lane(74, None) == "74"


def learn(learner: LaneLearner, *controls: tuple[int, int]) -> list[str | None]:
    return [learner.feed(controller, value) for controller, value in controls]


def test_the_dialogs_learn_makes_wide_lanes_of_an_nrpn_and_a_14_bit_pair() -> None:
    peak = LaneLearner(load_device("peak"))
    assert learn(peak, (99, 0), (98, 2), (6, 1)) == [None, None, "nrpn:voice_mode"]
    assert learn(peak, (15, 70), (47, 3)) == [None, "cc14:osc1_fine"]
    unnamed = LaneLearner(None)  # no device map: numbers
    assert learn(unnamed, (99, 5), (98, 9), (6, 0)) == [None, None, "nrpn:5:9"]
    assert learn(unnamed, (20, 1), (52, 0)) == [None, "cc14:20"]


def test_a_controller_0_to_31_alone_is_a_plain_lane_once_no_partner_comes() -> None:
    peak = LaneLearner(load_device("peak"))
    assert learn(peak, (5, 10)) == [None]  # might be the MSB of a pair
    assert peak.settle() == "glide_time"  # no LSB came: Novation's CC 5
    assert learn(peak, (5, 10), (74, 3)) == [None, "glide_time"]  # another control came
    assert peak.settle() is None


def test_a_sweep_is_kept_once_per_line_thinned_and_undone_in_one_step() -> None:
    song = build_song(ROWS, tracks=[Track("Bass", cc=["74"])])
    take = CcTake(learned={(0, 74): (0, 0)})
    for value in range(0, 40, 5):  # a fast sweep, all on line 0: the last value stays
        assert take.move("00", 0, 0, 74, value)
    take.move("00", 1, 0, 74, 36)  # one step from 35: noise, left out
    take.move("00", 2, 0, 74, 60)
    take.move("00", 3, 0, 74, 61)  # noise again
    take.move("00", 5, 0, 74, 100)
    assert not take.move("00", 6, 0, 1, 90)  # the mod wheel was not learned
    history = History(song)
    command = take.command(song)
    assert command is not None
    history.do(command)
    assert song.patterns["00"].tracks[0].cc[0] == [35, None, 60, None, None, 100, None, None]
    history.undo()
    assert song.patterns["00"].tracks[0].cc[0] == [None] * 8
