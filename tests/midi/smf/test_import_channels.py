"""MIDI import, channels and programs: each channel (or MIDI track) becomes a track, each
channel, bank and program an instrument named from General MIDI, channel 10 a drum kit.

Files are written here at test time with mido (tests/support/midi_writing.py: 480 ticks
per beat, 4 lines per beat, a line is 120 ticks unless a test says otherwise).
"""

from __future__ import annotations

from pathlib import Path

from tests.midi.songnotes import song_notes
from tests.support.midi_writing import (
    C4,
    E4,
    HAT,
    KICK,
    SNARE,
    TPB,
    cc,
    midi_track,
    named,
    note,
    program,
    tempo,
    write,
)
from tracker.midi.smf.import_ import import_midi


def test_drums_on_channel_10_become_a_gm_drum_kit_on_channel_10(mid: Path) -> None:
    beat = [note(b * TPB, b * TPB + 60, KICK if b % 2 == 0 else SNARE, 120, 9) for b in range(4)]
    hats = [note(b * TPB // 2, b * TPB // 2 + 30, HAT, 70, 9) for b in range(8)]
    write(mid, midi_track(named("Conductor"), tempo(0, 96)), midi_track(*beat, *hats))

    song, _ = import_midi(mid)

    (kit,) = song.instruments.values()
    assert (kit.bank, kit.channel, kit.is_drum_kit) == (128, 10, True)
    assert song.tracks[0].name == "Drums"
    assert [n.pitch for n in song_notes(song)[0] if n.line % 4 == 0] == [
        KICK, HAT, SNARE, HAT, KICK, HAT, SNARE, HAT
    ]  # fmt: skip
    assert song.bpm == 96


def test_each_channel_and_program_gets_its_own_instrument_named_from_general_midi(
    mid: Path,
) -> None:
    # General MIDI 1, 0-based: 0 Acoustic Grand Piano, 33 Electric Bass (finger),
    # 48 String Ensemble 1. Channel 1 switches from piano to strings halfway.
    write(
        mid,
        midi_track(named("Keys"), program(0, 0), note(0, TPB, C4), program(TPB, 48),
                   note(TPB, 2 * TPB, E4)),
        midi_track(named("Bass"), program(0, 33, 1), note(0, 2 * TPB, 36, 100, 1)),
    )  # fmt: skip

    song, _ = import_midi(mid)

    described = {n: (i.name, i.program, i.channel) for n, i in song.instruments.items()}
    assert described == {
        1: ("Acoustic Grand Piano", 0, 1),
        2: ("Electric Bass (finger)", 33, 2),
        3: ("String Ensemble 1", 48, 1),
    }
    assert [t.name for t in song.tracks] == ["Keys", "Bass"]
    assert song.cell("00", 0, 0, 0).instrument == 1
    assert song.cell("00", 0, 0, 4).instrument == 3
    assert song.cell("00", 1, 0, 0).instrument == 2


def test_bank_select_before_a_program_change_picks_the_bank(mid: Path) -> None:
    write(mid, midi_track(cc(0, 0, 1), cc(0, 32, 2), program(0, 5), note(0, TPB, C4)))

    song, report = import_midi(mid)

    assert (song.instruments[1].bank, song.instruments[1].program) == (1 * 128 + 2, 5)
    assert report.dropped == {}


def test_a_bank_select_between_notes_moves_the_next_notes_to_another_instrument(mid: Path) -> None:
    # No program change: the bank alone makes the later notes another instrument.
    write(
        mid,
        midi_track(
            note(0, TPB, C4), cc(TPB, 0, 1), note(TPB, 2 * TPB, C4), note(2 * TPB, 3 * TPB, C4)
        ),
    )

    song, _ = import_midi(mid)

    assert [(n, i.bank, i.program) for n, i in song.instruments.items()] == [(1, 0, 0), (2, 128, 0)]
    assert [song.cell("00", 0, 0, line).instrument for line in (0, 4, 8)] == [1, 2, 2]


def test_tracks_by_track_keeps_two_midi_tracks_on_one_channel_apart(mid: Path) -> None:
    write(
        mid,
        midi_track(named("Song"), tempo(0, 120)),
        midi_track(named("Left hand"), note(0, TPB, 48)),
        midi_track(named("Right hand"), note(0, TPB, 72)),
    )

    by_channel, _ = import_midi(mid, tracks_by="channel")
    by_track, _ = import_midi(mid, tracks_by="track")

    assert [t.name for t in by_channel.tracks] == ["Channel 1"]
    assert by_channel.tracks[0].notes == 2
    assert [t.name for t in by_track.tracks] == ["Left hand", "Right hand"]
    assert [[n.pitch for n in track] for track in song_notes(by_track)] == [[48], [72]]
    assert by_track.title == "Song"


def test_a_type_0_file_splits_into_a_track_per_channel(mid: Path) -> None:
    # One MIDI track carrying piano (channel 1), bass (channel 2) and drums (channel 10):
    # the track's name belongs to the song, not to any one channel.
    write(
        mid,
        midi_track(
            named("All in one"),
            program(0, 0), program(0, 33, 1),
            note(0, TPB, C4), note(0, 2 * TPB, 36, 100, 1), note(0, 60, KICK, 120, 9),
            note(TPB, 2 * TPB, E4), note(TPB, TPB + 60, SNARE, 110, 9),
        ),
        file_type=0,
    )  # fmt: skip

    song, _ = import_midi(mid)

    assert song.title == "All in one"
    assert [t.name for t in song.tracks] == ["Channel 1", "Channel 2", "Drums"]
    assert [[n.pitch for n in t] for t in song_notes(song)] == [[C4, E4], [36], [KICK, SNARE]]
    assert sorted(i.channel or 0 for i in song.instruments.values()) == [1, 2, 10]
