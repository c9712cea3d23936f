"""MIDI import: files written here at test time with mido itself (or byte by
byte), never by our exporter, read into songs.

Unless a test says otherwise: 480 ticks per beat, 4 lines per beat, so one
line is 120 ticks and a quarter note is 4 lines.
"""

from __future__ import annotations

import struct
import tempfile
from pathlib import Path
from typing import Any

import mido
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.midi.songnotes import SongNote, song_notes
from tests.support.command import tracker
from tracker.cli.midi import import_command
from tracker.engine.mixer import volume_cc
from tracker.engine.timeline import compile_song
from tracker.errors import MidiFileError, UsageError
from tracker.midi.smf import export_song
from tracker.midi.smf.import_ import import_midi
from tracker.midi.smf.import_events import TracksBy
from tracker.song.fileformat import dumps, loads
from tracker.song.model import NOTE_OFF, Effect
from tracker.song.storage import load_song

TPB = 480
LINE = TPB // 4

C4, D4, E4, F4, G4 = 60, 62, 64, 65, 67
KICK, SNARE, HAT = 36, 38, 42


def on(tick: int, note: int, velocity: int = 100, channel: int = 0) -> tuple[int, Any]:
    return tick, mido.Message("note_on", note=note, velocity=velocity, channel=channel)


def off(tick: int, note: int, channel: int = 0) -> tuple[int, Any]:
    return tick, mido.Message("note_off", note=note, velocity=64, channel=channel)


def note(start: int, end: int, pitch: int, velocity: int = 100, channel: int = 0) -> list[Any]:
    return [on(start, pitch, velocity, channel), off(end, pitch, channel)]


def tempo(tick: int, bpm: float) -> tuple[int, Any]:
    return tick, mido.MetaMessage("set_tempo", tempo=round(60_000_000 / bpm))


def named(name: str) -> tuple[int, Any]:
    return 0, mido.MetaMessage("track_name", name=name)


def program(tick: int, number: int, channel: int = 0) -> tuple[int, Any]:
    return tick, mido.Message("program_change", program=number, channel=channel)


def cc(tick: int, control: int, value: int, channel: int = 0) -> tuple[int, Any]:
    return tick, mido.Message("control_change", control=control, value=value, channel=channel)


def midi_track(*events: Any) -> mido.MidiTrack:
    """Events as (absolute tick, message) pairs or lists of them -> a track with deltas.
    The sort is stable, so events of one tick keep the order written."""
    flat: list[tuple[int, Any]] = []
    for event in events:
        flat += event if isinstance(event, list) else [event]
    track = mido.MidiTrack()
    now = 0
    for tick, message in sorted(flat, key=lambda pair: pair[0]):
        track.append(message.copy(time=tick - now))
        now = tick
    return track


def write(path: Path, *tracks: mido.MidiTrack, file_type: int = 1, tpb: int = TPB) -> Path:
    midi = mido.MidiFile(type=file_type, ticks_per_beat=tpb)
    midi.tracks.extend(tracks)
    midi.save(path)
    return path


@pytest.fixture
def mid(tmp_path: Path) -> Path:
    return tmp_path / "in.mid"


# --- where notes land --------------------------------------------------------------------------


def test_a_type_0_melody_of_quarter_notes_lands_every_four_lines(mid: Path) -> None:
    # C D E F as eighth notes on each beat: four lines apart, each two lines long.
    melody = [note(b * TPB, b * TPB + TPB // 2, p, 90 + b) for b, p in enumerate((C4, D4, E4, F4))]
    write(mid, midi_track(named("Tune"), *melody), file_type=0)

    song, report = import_midi(mid)

    assert song_notes(song) == [
        [SongNote(0, C4, 90, 2), SongNote(4, D4, 91, 2), SongNote(8, E4, 92, 2),
         SongNote(12, F4, 93, 2)]
    ]  # fmt: skip
    assert song.cell("00", 0, 0, 2).note == NOTE_OFF
    assert song.title == "Tune"
    assert report.notes_imported == 4
    assert report.max_shift_lines == 0 and report.max_shift_ms == 0


def test_mido_writes_running_status_so_the_plain_files_here_use_it(tmp_path: Path) -> None:
    # Two note-ons in a row on one channel: the second omits its 0x90 status byte.
    path = write(tmp_path / "rs.mid", midi_track(on(0, C4), on(0, E4)), file_type=0)
    body = path.read_bytes().split(b"MTrk", 1)[1][4:]
    assert body.startswith(bytes([0x00, 0x90, C4, 100, 0x00, E4, 100]))


def test_a_hand_written_file_with_running_status_and_zero_velocity_offs(mid: Path) -> None:
    # One track, every event after the first relies on running status; note-offs are
    # note-ons with velocity 0, the way many hardware sequencers write them.
    events = bytes(
        [0x00, 0x90, C4, 0x50,   # beat 0: C4 on
         0x00, E4, 0x50,         # same tick, running status: E4 on
         0x83, 0x60, C4, 0x00,   # 480 ticks later: C4 off (velocity 0)
         0x00, E4, 0x00,         # E4 off
         0x00, G4, 0x60,         # G4 on
         0x83, 0x60, G4, 0x00,   # beat 2: G4 off
         0x00, 0xFF, 0x2F, 0x00]  # end of track
    )  # fmt: skip
    mid.write_bytes(
        b"MThd" + struct.pack(">LHHH", 6, 0, 1, TPB) + b"MTrk" + struct.pack(">L", len(events))
        + events
    )  # fmt: skip

    song, _ = import_midi(mid)

    assert song_notes(song) == [
        [SongNote(0, C4, 0x50, 4), SongNote(0, E4, 0x50, 4), SongNote(4, G4, 0x60, 4)]
    ]


def test_notes_off_the_grid_move_to_the_nearest_line_and_the_report_says_how_far(
    mid: Path,
) -> None:
    # At 120 bpm a line (a sixteenth) is 125 ms. A note 100 ticks in is 5/6 of a
    # line late of line 0, 1/6 early of line 1: it moves 1/6 line = 20.8 ms.
    # A note exactly half-way between lines 4 and 5 (540 ticks) rounds later.
    write(mid, midi_track(note(100, 340, C4), note(540, 900, E4)), file_type=0)

    song, report = import_midi(mid)

    assert [(n.line, n.pitch) for n in song_notes(song)[0]] == [(1, C4), (5, E4)]
    assert report.max_shift_lines == pytest.approx(0.5)
    assert report.mean_shift_lines == pytest.approx((1 / 6 + 0.5) / 2)
    assert report.max_shift_ms == pytest.approx(62.5)
    assert report.mean_shift_ms == pytest.approx((125 / 6 + 62.5) / 2)


def test_a_finer_grid_keeps_what_a_coarse_one_rounds(mid: Path) -> None:
    # Sixteenth-note triplets fall between the lines of a 4-lpb grid, but exactly on 12 lpb.
    triplet = TPB // 6
    write(mid, midi_track(*[note(i * triplet, (i + 1) * triplet, C4 + i) for i in range(6)]))

    coarse, coarse_report = import_midi(mid, lpb=4)
    fine, fine_report = import_midi(mid, lpb=12)

    assert [n.line for n in song_notes(fine)[0]] == [0, 2, 4, 6, 8, 10]
    assert fine_report.max_shift_lines == 0
    assert coarse_report.max_shift_lines > 0
    assert len(song_notes(coarse)[0]) == 6, "no note is lost to rounding"


def test_a_note_shorter_than_a_line_keeps_one_line_and_is_counted(mid: Path) -> None:
    write(mid, midi_track(note(0, 10, KICK), note(TPB, TPB + 30, SNARE)))

    song, report = import_midi(mid)

    assert [(n.line, n.length) for n in song_notes(song)[0]] == [(0, 1), (4, 1)]
    assert report.notes_lengthened == 2


def test_a_note_with_no_note_off_ends_with_the_file(mid: Path) -> None:
    end = mido.MetaMessage("end_of_track")
    write(mid, midi_track(on(0, C4), note(0, TPB, E4), (4 * TPB, end)))

    song, report = import_midi(mid)

    assert song_notes(song)[0] == [SongNote(0, C4, 100, 16), SongNote(0, E4, 100, 4)]
    assert report.notes_unended == 1


# --- voices ------------------------------------------------------------------------------------


def test_overlapping_notes_on_one_channel_take_columns_side_by_side(mid: Path) -> None:
    # A held C4 under a legato line D4-E4 that overlaps itself by a sixteenth.
    write(
        mid,
        midi_track(
            note(0, 4 * TPB, C4),
            note(0, TPB + LINE, D4),
            note(TPB, 2 * TPB, E4),
        ),
    )

    song, _ = import_midi(mid)

    assert song.tracks[0].notes == 3
    assert song_notes(song)[0] == [
        SongNote(0, C4, 100, 16),
        SongNote(0, D4, 100, 5),
        SongNote(4, E4, 100, 4),
    ]


def test_a_column_is_reused_once_its_note_has_ended(mid: Path) -> None:
    # Two voices all along: the melody ends exactly where the next one starts, so the
    # next note follows in the same column with no OFF between them.
    write(
        mid,
        midi_track(note(0, 2 * TPB, C4), note(0, TPB, E4), note(TPB, 2 * TPB, G4)),
    )

    song, _ = import_midi(mid)

    assert song.tracks[0].notes == 2
    assert song.cell("00", 0, 1, 0).note == E4
    assert song.cell("00", 0, 1, 4).note == G4
    assert song.cell("00", 0, 1, 8).note == NOTE_OFF


def test_the_same_pitch_struck_again_before_its_off_keeps_both_notes(mid: Path) -> None:
    # C4 on at beat 0, again at beat 1, then two offs: first in, first out.
    write(mid, midi_track(on(0, C4, 80), on(TPB, C4, 110), off(2 * TPB, C4), off(3 * TPB, C4)))

    song, _ = import_midi(mid)

    assert song_notes(song)[0] == [SongNote(0, C4, 80, 8), SongNote(4, C4, 110, 8)]


def test_more_than_twelve_notes_at_once_go_on_in_a_second_track_of_the_part(mid: Path) -> None:
    write(mid, midi_track(*[note(0, TPB, 48 + i) for i in range(14)]))

    song, report = import_midi(mid)

    assert [(t.name, t.notes) for t in song.tracks] == [("Channel 1", 12), ("Channel 1 2", 2)]
    assert report.notes_imported == 14
    assert report.dropped == {}


# --- tracks, instruments, drums ----------------------------------------------------------------


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


# --- tempo -------------------------------------------------------------------------------------


def test_tempo_changes_become_the_song_bpm_and_txx_effects_on_their_lines(mid: Path) -> None:
    # 100 bpm, then 140 at beat 4 (line 16), then 123.4 at beat 6 (line 24), which a
    # Txx effect can only say as 123 (hex 7B).
    conductor = midi_track(tempo(0, 100), tempo(4 * TPB, 140), tempo(6 * TPB, 123.4))
    write(mid, conductor, midi_track(*[note(b * TPB, (b + 1) * TPB, C4) for b in range(8)]))

    song, report = import_midi(mid)

    assert song.bpm == 100
    assert song.cell("00", 0, 0, 16).effects == (Effect("T", 140),)
    assert song.cell("00", 0, 0, 24).effects == (Effect("T", 0x7B),)
    assert song.cell("00", 0, 0, 24).note == C4, "the tempo shares the line with its note"
    rounded = [(c.line, round(c.file_bpm, 1), c.song_bpm) for c in report.tempo if c.rounded]
    assert rounded == [(24, 123.4, 123)]
    # The notes before the change did not move; the later ones move by the rounding only.
    assert report.max_shift_lines == 0
    assert 0 < report.max_shift_ms < 2


def test_a_tempo_between_lines_moves_to_the_nearest_line(mid: Path) -> None:
    write(mid, midi_track(tempo(0, 120), tempo(LINE * 3 + 10, 90), note(0, 8 * LINE, C4)))

    song, _ = import_midi(mid)

    assert song.cell("00", 0, 0, 3).effects == (Effect("T", 90),)


def test_absurd_tempos_are_clamped_to_what_a_song_can_play_and_reported(mid: Path) -> None:
    # The slowest tempo a file can state (3.6 bpm), then 60 million bpm.
    slowest = (0, mido.MetaMessage("set_tempo", tempo=0xFFFFFF))
    fastest = (TPB, mido.MetaMessage("set_tempo", tempo=1))
    write(mid, midi_track(slowest, fastest, note(0, 2 * TPB, C4)))

    song, report = import_midi(mid)

    assert song.bpm == 4
    assert song.cell("00", 0, 0, 4).effects == (Effect("T", 0xFF),)
    assert [c.song_bpm for c in report.tempo if c.rounded] == [4, 255]
    assert any("written as 255" in line for line in report.summary())


def test_a_slow_movement_at_30_bpm_imports_as_30_and_plays_as_long_as_in_the_file(
    mid: Path, tmp_path: Path
) -> None:
    # Four beats at 120 bpm (2 s), then four at 30 bpm (8 s): a Txx once reached no
    # lower than T20, so the 30 became 32 and the slow part lasted 7.5 s.
    conductor = midi_track(named("Largo"), tempo(0, 120), tempo(4 * TPB, 30))
    write(mid, conductor, midi_track(note(0, 4 * TPB, C4), note(4 * TPB, 8 * TPB, G4)))
    out = tmp_path / "largo.toml"

    result = tracker("import-midi", mid, "-o", out)

    assert result.returncode == 0, result.stderr
    song = load_song(out)
    assert song.cell("00", 0, 0, 16).effects == (Effect("T", 0x1E),)
    assert "C-4 01 64 ..." in out.read_text() and "G-4 01 64 T1E" in out.read_text()
    slow = [e for e in compile_song(song).events if e.a == G4]
    assert [round(e.time, 6) for e in slow] == [2.0, 10.0]


def test_a_file_that_starts_at_10_bpm_keeps_its_tempo(mid: Path) -> None:
    write(mid, midi_track(tempo(0, 10), note(0, TPB, C4)))

    song, report = import_midi(mid)

    assert song.bpm == 10
    assert not any(c.rounded for c in report.tempo)


def test_a_tempo_of_zero_is_refused(mid: Path) -> None:
    zero = mido.MetaMessage("set_tempo", tempo=1)
    write(mid, midi_track((0, zero), note(0, TPB, C4)))
    data = mid.read_bytes().replace(b"\xff\x51\x03\x00\x00\x01", b"\xff\x51\x03\x00\x00\x00")
    mid.write_bytes(data)

    with pytest.raises(MidiFileError, match="tempo of 0"):
        import_midi(mid)


# --- controllers and what is left out ----------------------------------------------------------


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


# --- patterns ----------------------------------------------------------------------------------


def test_a_long_piece_is_cut_into_64_line_patterns_and_repeats_are_written_once(
    mid: Path,
) -> None:
    # A one-bar riff eight times (16 lines a bar), a held note across the boundary of
    # bars 4 and 5 (lines 60-68), and one more note in bar 9 (lines 128-132).
    riff = [C4, E4, G4, E4]
    notes = [
        note((bar * 4 + b) * TPB, (bar * 4 + b) * TPB + LINE, riff[b])
        for bar in range(8)
        for b in range(4)
    ]
    notes.append(note(15 * TPB, 17 * TPB, 84))
    notes.append(note(32 * TPB, 33 * TPB, 48))
    write(mid, midi_track(*notes))

    song, _ = import_midi(mid, pattern_lines=16)

    assert [song.patterns[name].lines for name in song.order] == [16] * 8 + [5]
    plain = {song.order[i] for i in (0, 1, 2, 5, 6, 7)}
    assert len(plain) == 1, "the bars with only the riff are one pattern, played six times"
    assert len(song.patterns) == 4, "riff, riff + held note, riff + its OFF, the last note"
    held = [n for n in song_notes(song)[0] if n.pitch == 84]
    assert held == [SongNote(60, 84, 100, 8)], "a note sustains across the pattern boundary"


def test_the_default_pattern_length_is_64_lines(mid: Path) -> None:
    write(mid, midi_track(note(0, TPB, C4), note(20 * TPB, 21 * TPB, C4)))

    song, _ = import_midi(mid)

    assert [song.patterns[name].lines for name in song.order] == [64, 21]


# --- the command -------------------------------------------------------------------------------


def test_import_command_writes_a_song_file_that_loads_back_the_same(
    mid: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(mid, midi_track(tempo(0, 90), program(0, 40), note(0, TPB, C4), cc(0, 7, 90)))
    out = tmp_path / "song.toml"

    assert import_command(mid, out, lpb=8, tracks_by="channel") == 0

    song, _ = import_midi(mid, lpb=8)
    assert load_song(out) == song
    printed = capsys.readouterr().out
    assert "1 note imported" in printed


def test_import_command_leaves_an_existing_song_alone_without_force(
    mid: Path, tmp_path: Path
) -> None:
    write(mid, midi_track(note(0, TPB, C4)))
    out = tmp_path / "song.toml"
    out.write_text("mine")

    with pytest.raises(UsageError, match="--force"):
        import_command(mid, out)
    assert out.read_text() == "mine"


def test_a_broken_file_writes_no_song(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mid"
    broken.write_bytes(b"MThd\x00\x00\x00\x06\x00\x01\x00\x02\x01\xe0MTrk\x00\x00\x01\x00")
    out = tmp_path / "song.toml"

    with pytest.raises(MidiFileError):
        import_command(broken, out)
    assert list(tmp_path.iterdir()) == [broken]


def test_bad_arguments_are_usage_errors(mid: Path) -> None:
    write(mid, midi_track(note(0, TPB, C4)))
    with pytest.raises(UsageError):
        import_midi(mid, lpb=0)
    with pytest.raises(UsageError):
        import_midi(mid, tracks_by="colour")  # type: ignore[arg-type]


# --- broken files ------------------------------------------------------------------------------


def valid_file(tmp_path: Path) -> bytes:
    """A small honest type 1 file: conductor plus two instrument tracks."""
    path = write(
        tmp_path / "valid.mid",
        midi_track(named("Song"), tempo(0, 120), tempo(4 * TPB, 100)),
        midi_track(named("Keys"), program(0, 4), note(0, TPB, C4), note(TPB, 2 * TPB, E4),
                   cc(0, 7, 100)),
        midi_track(named("Drums"), note(0, 60, KICK, 120, 9), note(TPB, TPB + 60, SNARE, 110, 9)),
    )  # fmt: skip
    return path.read_bytes()


def _valid_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return valid_file(Path(folder))


_VALID = _valid_bytes()


def test_the_valid_file_used_below_imports(tmp_path: Path) -> None:
    path = tmp_path / "v.mid"
    path.write_bytes(valid_file(tmp_path))
    _, report = import_midi(path)
    assert report.notes_imported == 4


def test_every_truncation_of_a_valid_file_is_a_midi_file_error(tmp_path: Path) -> None:
    data = valid_file(tmp_path)
    path = tmp_path / "cut.mid"
    for length in range(len(data)):
        path.write_bytes(data[:length])
        with pytest.raises(MidiFileError):
            import_midi(path)


def _broken_files(data: bytes) -> dict[str, tuple[bytes, str]]:
    """Each broken in one way, with the words its error must contain."""
    first_track = data.index(b"MTrk")
    second_track = data.index(b"MTrk", first_track + 1)
    length = struct.unpack_from(">L", data, second_track + 4)[0]

    def track_length(new: int) -> bytes:
        return data[: second_track + 4] + struct.pack(">L", new) + data[second_track + 8 :]

    def header(fmt: int, tracks: int, division: int) -> bytes:
        return data[:8] + struct.pack(">HHH", fmt, tracks, division) + data[14:]

    return {
        "empty": (b"", "empty"),
        "garbage": (b"this is not a MIDI file at all, just words", "MThd"),
        "a wav file": (b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(30), "MThd"),
        "track longer than the file": (track_length(length + 1000), "truncated"),
        "track shorter than its events": (track_length(length - 5), "not a readable"),
        "track length zero, events left over": (track_length(0), "not a readable"),
        "header chunk too short": (b"MThd\x00\x00\x00\x02\x00\x01" + data[14:], "header"),
        "more tracks promised than present": (header(1, 9, TPB), "promises 9 tracks"),
        "zero ticks per beat": (header(1, 3, 0), "0 ticks per beat"),
        "SMPTE timing": (header(1, 3, 0xE728), "SMPTE"),
        "type 2": (header(2, 3, TPB), "type 2"),
        "type 7": (header(7, 3, TPB), "unknown file type 7"),
        "undefined status byte": (_one_track(bytes([0, 0xF4, 0, 0xFF, 0x2F, 0])), "damaged"),
        "data byte above 127": (_one_track(bytes([0, 0x90, 0x80, 0x40])), "damaged"),
        "running status with no status": (_one_track(bytes([0, 0x40, 0x40])), "damaged"),
        "meta event longer than the track": (_one_track(bytes([0, 0xFF, 0x01, 0x7F, 65])), "middle"),
        "tempo event with one byte": (_one_track(bytes([0, 0xFF, 0x51, 0x01, 7])), "damaged"),
        "endless variable-length delta": (_one_track(bytes([0xFF] * 12)), "middle"),
        "key signature out of range": (
            _one_track(bytes([0, 0xFF, 0x59, 0x02, 0x40, 0x00])), "damaged",
        ),
    }  # fmt: skip


def _one_track(events: bytes) -> bytes:
    return (
        b"MThd" + struct.pack(">LHHH", 6, 0, 1, TPB) + b"MTrk" + struct.pack(">L", len(events))
        + events
    )  # fmt: skip


@pytest.mark.parametrize(
    "case",
    list(_broken_files(_VALID)),
)
def test_a_broken_file_is_a_midi_file_error_that_names_the_file(case: str, tmp_path: Path) -> None:
    data, words = _broken_files(valid_file(tmp_path))[case]
    path = tmp_path / "broken.mid"
    path.write_bytes(data)

    with pytest.raises(MidiFileError) as caught:
        import_midi(path)

    assert str(path) in str(caught.value)
    assert words in str(caught.value)


def test_a_missing_file_or_a_folder_is_a_midi_file_error(tmp_path: Path) -> None:
    with pytest.raises(MidiFileError, match="cannot read"):
        import_midi(tmp_path / "nowhere.mid")
    with pytest.raises(MidiFileError, match="cannot read"):
        import_midi(tmp_path)


def test_an_empty_track_among_real_ones_is_read_as_silence(tmp_path: Path) -> None:
    # A zero-length MTrk chunk is odd (no end-of-track event) but harmless: the
    # music in the other tracks is all there.
    data = valid_file(tmp_path)
    second_track = data.index(b"MTrk", data.index(b"MTrk") + 1)
    padded = data[:second_track] + b"MTrk\x00\x00\x00\x00" + data[second_track:]
    padded = padded[:10] + struct.pack(">H", 4) + padded[12:]
    path = tmp_path / "empty-track.mid"
    path.write_bytes(padded)

    song, report = import_midi(path, tracks_by="track")

    assert report.notes_imported == 4
    assert [t.name for t in song.tracks] == ["Keys", "Drums"]


def test_unknown_chunks_between_tracks_are_skipped_as_the_standard_says(tmp_path: Path) -> None:
    data = valid_file(tmp_path)
    second_track = data.index(b"MTrk", data.index(b"MTrk") + 1)
    alien = b"XFIH" + struct.pack(">L", 5) + b"hello"
    path = tmp_path / "alien.mid"
    path.write_bytes(data[:second_track] + alien + data[second_track:])

    _, report = import_midi(path)

    assert report.notes_imported == 4


def test_notes_absurdly_far_away_are_refused_not_built(mid: Path) -> None:
    # A delta of 2^28 - 1 ticks at 1 tick per beat: 268 million beats in.
    write(mid, midi_track(note(0x0FFFFFFF, 0x0FFFFFFF + 1, C4)), tpb=1)

    with pytest.raises(MidiFileError, match="longer than a song can be"):
        import_midi(mid)


_MUTATION = st.tuples(
    st.sampled_from(["flip", "insert", "delete", "overwrite"]),
    st.integers(min_value=0),
    st.binary(min_size=1, max_size=4),
)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(mutations=st.lists(_MUTATION, min_size=1, max_size=4))
def test_mutated_bytes_never_raise_anything_but_midi_file_error_and_import_as_valid_songs(
    tmp_path: Path, mutations: list[tuple[str, int, bytes]]
) -> None:
    data = bytearray(_VALID)
    for kind, where, payload in mutations:
        at = where % (len(data) + 1)
        if kind == "flip" and at < len(data):
            data[at] ^= payload[0]
        elif kind == "insert":
            data[at:at] = payload
        elif kind == "delete":
            del data[at : at + len(payload)]
        else:
            data[at : at + len(payload)] = payload
    path = tmp_path / "mutated.mid"
    path.write_bytes(bytes(data))
    try:
        song, _ = import_midi(path)
    except MidiFileError:
        return
    # What does import is a song the tracker can save and load again unchanged.
    assert loads(dumps(song)) == song


def test_notes_below_c0_cannot_be_written_and_are_reported(mid: Path) -> None:
    write(mid, midi_track(note(0, TPB, 11), note(0, TPB, 12)))

    song, report = import_midi(mid)

    assert [n.pitch for n in song_notes(song)[0]] == [12]
    assert report.dropped == {"note below C-0 (MIDI notes 0-11 cannot be written)": 1}


# --- export(import(file)) ----------------------------------------------------------------------
#
# The promise: every note of the file comes back from the export with its pitch,
# channel and velocity, starting within half a line of where it was, and ending
# within half a line of its end (a note shorter than that lasts one line).
# Positions are compared in beats, so tempo rounding does not enter into it.


def file_notes(path: Path) -> list[tuple[int, int, int, float, float]]:
    """(channel, pitch, velocity, start beat, end beat), read with mido alone; offs pair
    with the earliest open note of their pitch."""
    midi = mido.MidiFile(path)
    notes: list[Any] = []
    open_notes: dict[Any, Any] = {}
    for track in midi.tracks:
        now = 0
        for message in track:
            now += message.time
            if message.type not in ("note_on", "note_off"):
                continue
            key = (message.channel, message.note)
            beat = now / midi.ticks_per_beat
            if message.type == "note_on" and message.velocity > 0:
                open_notes.setdefault(key, []).append((beat, message.velocity))
            elif open_notes.get(key):
                start, velocity = open_notes[key].pop(0)
                notes.append((message.channel, message.note, velocity, start, beat))
    return sorted(notes)


def outside_piece(path: Path) -> Path:
    """A type 1 file with what real files hold: several tempos, off-grid playing,
    overlapping notes on one channel, a program change, drums on channel 10."""
    swing = 37  # ticks late, about a third of a line
    keys = [
        note(0, 2 * TPB + 11, C4, 70),  # held under the rest
        note(swing, TPB - 5, E4, 81),
        note(TPB - 30, 2 * TPB, G4, 92),  # starts before E4 ends: overlap
        program(2 * TPB, 48),
        note(2 * TPB + LINE + 50, 3 * TPB + 3, D4, 60),
        note(3 * TPB, 3 * TPB + 20, F4, 127),  # shorter than half a line
    ]
    drums = [note(b * TPB // 2 + (swing if b % 2 else 0), b * TPB // 2 + 40, HAT, 50 + b, 9)
             for b in range(8)]  # fmt: skip
    bass = [program(0, 33, 1), note(10, 4 * TPB - 10, 36, 100, 1)]
    return write(
        path,
        midi_track(named("Piece"), tempo(0, 97.3), tempo(TPB + 200, 131.9), tempo(3 * TPB, 80)),
        midi_track(named("Keys"), *keys),
        midi_track(named("Drums"), *drums),
        midi_track(named("Bass"), *bass),
    )


@pytest.mark.parametrize("tracks_by", ["channel", "track"])
@pytest.mark.parametrize("lpb", [4, 3, 8])
def test_exporting_an_import_keeps_every_note_within_half_a_line(
    tmp_path: Path, lpb: int, tracks_by: TracksBy
) -> None:
    original = outside_piece(tmp_path / "outside.mid")
    song, report = import_midi(original, lpb=lpb, tracks_by=tracks_by)
    exported = tmp_path / "exported.mid"
    export_song(song, exported)

    before, after = file_notes(original), file_notes(exported)

    half_line = 0.5 / lpb + 1e-9
    assert len(after) == len(before) == report.notes_imported
    for (ch, pitch, vel, start, end), (ch2, pitch2, vel2, start2, end2) in zip(
        before, after, strict=True
    ):
        assert (ch2, pitch2, vel2) == (ch, pitch, vel)
        assert abs(start2 - start) <= half_line
        assert abs(end2 - end) <= half_line or end2 == pytest.approx(start2 + 1 / lpb)
    assert report.max_shift_lines <= 0.5


def test_the_exported_import_plays_the_programs_the_file_chose(tmp_path: Path) -> None:
    original = outside_piece(tmp_path / "outside.mid")
    song, _ = import_midi(original)
    exported = tmp_path / "exported.mid"
    export_song(song, exported)

    programs = {
        (m.channel, m.program)
        for track in mido.MidiFile(exported).tracks
        for m in track
        if m.type == "program_change"
    }
    # Keys start on GM program 0 (no program change before their first note), then 48.
    assert programs == {(0, 0), (0, 48), (1, 33), (9, 0)}


def test_exporting_an_import_sends_each_cc_lane_on_its_channel_at_its_line(tmp_path: Path) -> None:
    original = write(
        tmp_path / "cc.mid",
        midi_track(program(0, 5, 3), cc(0, 7, 90, 3), note(0, TPB, C4, 100, 3),
                   cc(TPB + 7, 7, 60, 3), cc(2 * TPB, 1, 30, 3)),
    )  # fmt: skip
    song, _ = import_midi(original)
    exported = tmp_path / "exported.mid"
    export_song(song, exported)

    sent = []
    for track in mido.MidiFile(exported).tracks:
        now = 0
        for message in track:
            now += message.time
            if message.type == "control_change":
                sent.append((now / 960, message.channel, message.control, message.value))
    # 7 ticks late is under a line (120 ticks): back on beat 1. The volume lane's first
    # value wins over the track's strip (so no CC 7 = 100 beside it); the strip's pan stays.
    assert sorted(sent) == [(0, 3, 7, 90), (0, 3, 10, 64), (1, 3, 7, 60), (2, 3, 1, 30)]


def test_a_latin_1_track_name_from_an_older_file_reads_as_written(mid: Path) -> None:
    track = midi_track(named("Señal"), note(0, TPB, C4))
    midi = mido.MidiFile(type=1, ticks_per_beat=TPB, charset="latin-1")
    midi.tracks.append(track)
    midi.save(mid)
    assert "Señal".encode("latin-1") in mid.read_bytes()

    song, _ = import_midi(mid, tracks_by="track")

    assert song.tracks[0].name == "Señal"


def test_a_riff_midi_file_is_read_through_its_wrapper(tmp_path: Path) -> None:
    # .rmi: RIFF, size, "RMID", then a "data" chunk holding the plain MIDI file.
    body = b"RMID" + b"data" + struct.pack("<L", len(_VALID)) + _VALID
    path = tmp_path / "wrapped.rmi"
    path.write_bytes(b"RIFF" + struct.pack("<L", len(body)) + body)

    _, report = import_midi(path)

    assert report.notes_imported == 4
