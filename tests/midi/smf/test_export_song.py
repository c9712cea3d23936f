"""MIDI export of a song, through the timeline: notes on their instruments' channels,
tempo effects in the conductor, muted tracks left out, every note the compiled timeline
holds in the file; the same song always gives the same bytes, written whole or not at
all, also by the command; and the fluidsynth command line plays an exported note when
the song says.

The files are read back with mido (tests/support/midi_reading.py), not with our importer.
At the default 960 ticks per beat and 4 lines per beat, a line is 240 ticks.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.support.builders import build_song
from tests.support.midi_reading import LINE, PPQ, absolute, name_of, read, summary
from tracker.cli.midi import export_command
from tracker.engine.events import Kind
from tracker.engine.timeline import compile_song
from tracker.errors import SaveError
from tracker.midi.smf import export_song, export_timeline
from tracker.song.model import Instrument, Song, Track
from tracker.song.storage import save_song


def test_a_song_exports_its_notes_on_its_instruments_channels(tmp_path: Path) -> None:
    song = build_song(
        """
        C-4 01 64 ... | C-2 02 7F ...
        --- .. .. ... | OFF .. .. ...
        E-4 01 50 ... | C-2 02 7F ...
        OFF .. .. ... | OFF .. .. ...
        """,
        tracks=[Track("Keys"), Track("Kick")],
        instruments={1: Instrument("Piano", program=4, channel=3), 2: Instrument("Kit", bank=128)},
    )
    path = tmp_path / "song.mid"

    export_song(song, path)

    _, keys, kick = read(path).tracks
    # Channel 3 as musicians count it is 2 on the wire; the kit takes channel 10 (9).
    assert [row for row in summary(keys) if row[1] not in ("program_change", "control_change")] == [
        (0, "note_on", 2, 60, 0x64),
        (2 * LINE, "note_off", 2, 60, 64),
        (2 * LINE, "note_on", 2, 64, 0x50),
        (3 * LINE, "note_off", 2, 64, 64),
    ]
    assert (0, "program_change", 2, 4) in summary(keys)
    # Each track's mixer strip opens its channel: 0 dB is CC 7 = 100, centre is CC 10 = 64.
    assert [row for row in summary(keys) if row[1] == "control_change"] == [
        (0, "control_change", 2, 7, 100),
        (0, "control_change", 2, 10, 64),
    ]
    assert [row for row in summary(kick) if row[1].startswith("note")] == [
        (0, "note_on", 9, 36, 0x7F),
        (LINE, "note_off", 9, 36, 64),
        (2 * LINE, "note_on", 9, 36, 0x7F),
        (3 * LINE, "note_off", 9, 36, 64),
    ]


def test_tempo_effects_land_in_the_conductor_at_their_line(tmp_path: Path) -> None:
    song = build_song(
        """
        C-4 01 64 ...
        --- .. .. ...
        --- .. .. T8C
        OFF .. .. ...
        """,
        bpm=120,
    )
    path = tmp_path / "song.mid"

    export_song(song, path)

    tempos = [(t, m.tempo) for t, m in absolute(read(path).tracks[0]) if m.type == "set_tempo"]
    assert tempos == [(0, 500_000), (2 * LINE, round(60_000_000 / 0x8C))]


def test_muted_tracks_are_left_out_as_in_a_bounce(tmp_path: Path) -> None:
    song = build_song(
        "C-4 01 64 ... | E-4 01 64 ...", tracks=[Track("Heard"), Track("Muted", mute=True)]
    )
    path = tmp_path / "song.mid"

    export_song(song, path)

    assert [name_of(t) for t in read(path).tracks[1:]] == ["Heard"]


def _busy_song() -> Song:
    return build_song(
        """
        C-4 01 64 A37 E-4 01 .. ... 40 | C-2 02 7F ...
        --- .. .. U04 --- .. .. ... .. | OFF .. .. R84
        OFF .. .. ... OFF .. .. ... 7F | --- .. .. ...
        """,
        tracks=[Track("Lead", notes=2, cc=["74"]), Track("Drums")],
        instruments={1: Instrument("Piano"), 2: Instrument("Kit", bank=128)},
    )


def test_the_same_song_always_gives_the_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a.mid", tmp_path / "b.mid"

    export_song(_busy_song(), first)
    export_song(_busy_song(), second)

    assert first.read_bytes() == second.read_bytes()
    assert len(read(first).tracks) == 3


def test_a_failed_export_leaves_nothing_behind(tmp_path: Path) -> None:
    with pytest.raises(SaveError, match="could not save"):
        export_song(_busy_song(), tmp_path / "no such folder" / "song.mid")
    folder = tmp_path / "a folder.mid"
    folder.mkdir()
    with pytest.raises(SaveError):
        export_song(_busy_song(), folder)
    assert list(tmp_path.iterdir()) == [folder]
    assert list(folder.iterdir()) == []


def test_an_export_replaces_an_older_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "song.mid"
    path.write_bytes(b"an older export")

    export_song(_busy_song(), path)

    assert read(path).tracks[1].name == "Lead"
    assert [p.name for p in tmp_path.iterdir()] == ["song.mid"], "no temporary file is left"


def test_export_command_reads_the_song_file_and_writes_the_midi_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    song_path, midi_path = tmp_path / "busy.toml", tmp_path / "busy.mid"
    save_song(_busy_song(), song_path)

    assert export_command(song_path, midi_path) == 0

    assert [name_of(t) for t in read(midi_path).tracks[1:]] == ["Lead", "Drums"]
    assert str(midi_path) in capsys.readouterr().out


def test_compiled_timeline_and_export_agree_on_every_note(tmp_path: Path) -> None:
    # Guard for the exporter itself: every NOTE_ON/NOTE_OFF the timeline holds is in
    # the file, at round(beat * ppq), on its channel, in its track.
    song = _busy_song()
    timeline = compile_song(song)
    path = tmp_path / "busy.mid"
    export_timeline(timeline, song, path)

    wanted = sorted(
        (e.track + 1, round(e.beat * PPQ), "note_on" if e.kind == Kind.NOTE_ON else "note_off",
         e.channel, e.a)
        for e in timeline.events
        if e.kind in (Kind.NOTE_ON, Kind.NOTE_OFF)
    )  # fmt: skip
    found = sorted(
        (i, tick, m.type, m.channel, m.note)
        for i, track in enumerate(read(path).tracks)
        for tick, m in absolute(track)
        if m.type in ("note_on", "note_off")
    )
    assert found == wanted
    assert len(wanted) > 10, "the arpeggio and retrigger really made notes"


SOUNDFONT = Path("/usr/share/sounds/sf2/TimGM6mb.sf2")


def test_the_fluidsynth_player_sounds_an_exported_note_when_the_song_says(tmp_path: Path) -> None:
    # Four lines at 120 bpm (0.5 s), then T3C: four lines at 60 bpm (1 s); the note
    # on line 8 should therefore sound at 1.5 s. The fluidsynth command line reads
    # the file on its own (its player applies events a 64-frame block late, 1.5 ms).
    silence = "--- .. .. ...\n" * 3
    song = build_song(
        f"""
        --- .. .. ...
        {silence}
        --- .. .. T3C
        {silence}
        C-4 01 7F ...
        {silence}
        OFF .. .. ...
        """,
        bpm=120,
    )
    midi, wav = tmp_path / "late.mid", tmp_path / "late.wav"
    export_song(song, midi)

    subprocess.run(
        ["fluidsynth", "-ni", "-g", "1", "-r", "44100", "-F", str(wav), str(SOUNDFONT), str(midi)],
        check=True,
        capture_output=True,
        timeout=60,
    )

    audio, rate = soundfile.read(wav)
    level = np.abs(audio).max(axis=1)
    onset = int(np.argmax(level > 0.05 * level.max())) / rate
    assert onset == pytest.approx(1.5, abs=0.015)
