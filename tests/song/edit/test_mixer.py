"""Mixer edits: a track's strip and the song's master, each one undo step."""

from __future__ import annotations

import pytest

from tests.support.builders import build_song
from tracker.errors import EditError
from tracker.song.edit import History, SetMaster, SetTrackMixer
from tracker.song.edit.mixer import Setting, parse_setting
from tracker.song.fileformat import dumps
from tracker.song.model import MasterSettings, Track


def band() -> History:
    return History(
        build_song("C-4 01 .. ... | C-2 01 .. ...", tracks=[Track("Lead"), Track("Bass")])
    )


def test_a_strip_change_is_one_undo_step_and_undo_restores_the_saved_file() -> None:
    history = band()
    before = dumps(history.song)
    history.do(SetTrackMixer(1, "volume_db", -6))
    history.do(SetTrackMixer(1, "pan", -20))
    bass = history.song.tracks[1]
    assert (bass.volume_db, bass.pan) == (-6.0, -20)
    assert history.undo() == "Pan L20, track 2"
    assert history.undo() == "Volume -6.0 dB, track 2"
    assert dumps(history.song) == before
    assert history.redo() == "Volume -6.0 dB, track 2"
    assert history.song.tracks[1].volume_db == -6.0


def test_values_past_their_range_stop_at_its_end_and_volumes_keep_a_tenth_of_a_db() -> None:
    history = band()
    history.do(SetTrackMixer(0, "volume_db", 12))
    history.do(SetTrackMixer(0, "pan", 200))
    history.do(SetTrackMixer(0, "reverb", -5))
    history.do(SetTrackMixer(1, "volume_db", -3.14159))
    lead, bass = history.song.tracks
    assert (lead.volume_db, lead.pan, lead.reverb) == (4.0, 63, 0)
    assert bass.volume_db == -3.1


def test_a_send_can_be_turned_off_but_a_volume_cannot() -> None:
    history = band()
    history.do(SetTrackMixer(0, "chorus", 40))
    history.do(SetTrackMixer(0, "chorus", None))
    assert history.song.tracks[0].chorus is None
    with pytest.raises(EditError, match="volume needs a value"):
        history.do(SetTrackMixer(0, "volume_db", None))


def test_a_strip_of_a_track_that_is_not_there_is_refused() -> None:
    with pytest.raises(EditError, match="there is no track 5"):
        band().do(SetTrackMixer(4, "pan", 0))


def test_the_master_is_set_whole_and_checked() -> None:
    history = band()
    history.do(SetMaster(MasterSettings(gain_db=-2.0, loudness=-14.0)))
    assert history.song.master.loudness == -14.0
    history.undo()
    assert history.song.master == MasterSettings()
    with pytest.raises(EditError, match="loudness target must be -60 to 0 LUFS"):
        history.do(SetMaster(MasterSettings(loudness=3.0)))


@pytest.mark.parametrize(
    ("setting", "text", "value"),
    [
        ("volume_db", "-6", -6.0),
        ("volume_db", " -4.5 dB", -4.5),
        ("pan", "L20", -20),
        ("pan", "r63", 63),
        ("pan", "C", 0),
        ("pan", "-64", -64),
        ("reverb", "80", 80),
        ("chorus", "off", None),
        ("chorus", "", None),
    ],
)
def test_a_typed_value_reads_as_the_panel_writes_it(
    setting: Setting, text: str, value: float | None
) -> None:
    assert parse_setting(setting, text) == value


@pytest.mark.parametrize(
    ("setting", "text", "message"),
    [
        ("volume_db", "loud", 'the volume should be a number -60 to 4 dB, not "loud"'),
        ("volume_db", "10", "the volume must be -60 to 4, not 10"),
        ("pan", "L65", "the pan must be -64 to 63, not -65"),
        ("pan", "X3", 'the pan should be a number -64 to 63, not "X3"'),
        ("reverb", "128", "the reverb send must be 0 to 127, not 128"),
    ],
)
def test_a_typed_value_out_of_range_is_refused_with_the_range(
    setting: Setting, text: str, message: str
) -> None:
    with pytest.raises(EditError) as refused:
        parse_setting(setting, text)
    assert refused.value.message == message
