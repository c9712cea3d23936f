"""The offline bounce's stems and mix: the stems null against the mix (muted, soloed,
with voices stolen and reused), the mix is the song played on one ordinary synth, a
bend stays in its own track, and each stem gets a safe name and, when asked, its own
MIDI file.

Songs are short (about a second at 240 bpm: tests/support/band.py) and rendered by real
FluidSynth with the system's General MIDI font: one synth for the whole song, its voices
routed to an output per track for the stems.
"""

from __future__ import annotations

from pathlib import Path

import mido
import numpy as np

from tests.support.audio import RATE, peak_db
from tests.support.audio import read_render as read
from tests.support.band import band_song, build_band_song
from tests.support.builders import build_song
from tracker.audio.bounce import bounce
from tracker.audio.render import render_timeline
from tracker.audio.synth import Synth, SynthSettings
from tracker.engine.events import Timeline
from tracker.engine.routing import assign_channels
from tracker.engine.timeline import compile_song as _compile
from tracker.midi.smf import export_timeline
from tracker.song.model import Song, Track


def test_the_stems_sum_to_the_mix_and_every_file_has_the_same_length(
    soundfont: Path, tmp_path: Path
) -> None:
    report = bounce(band_song(), tmp_path, stems=True, bits="float", soundfont=soundfont)

    assert [p.name for p in report.stems] == ["01-Keys.wav", "02-Bass.wav", "03-Drums.wav"]
    mix = read(report.mix)
    stems = [read(p) for p in report.stems]
    assert {s.shape for s in stems} == {mix.shape}
    assert mix.shape[0] == round(report.duration * RATE)
    assert peak_db(sum(stems) - mix) < -90
    for stem in stems:
        assert peak_db(stem) > -40, "every track plays"


def test_asking_for_stems_does_not_change_the_mix(soundfont: Path, tmp_path: Path) -> None:
    alone = bounce(band_song(), tmp_path / "mix", bits="float", soundfont=soundfont, workers=1)
    with_stems = bounce(
        band_song(), tmp_path / "stems", stems=True, bits="float", soundfont=soundfont
    )
    assert np.array_equal(read(alone.mix), read(with_stems.mix))
    assert alone.stems == []
    assert sorted(p.name for p in (tmp_path / "mix").iterdir()) == ["mix.wav"]


def test_a_muted_track_keeps_its_stem_but_stays_out_of_the_mix(
    soundfont: Path, tmp_path: Path
) -> None:
    song = band_song(tracks=[Track("Keys"), Track("Bass", mute=True), Track("Drums")])
    report = bounce(song, tmp_path, stems=True, bits="float", soundfont=soundfont)
    keys, bass, drums = (read(p) for p in report.stems)
    mix = read(report.mix)
    assert peak_db(bass) > -40
    assert peak_db(keys + drums - mix) < -90
    assert peak_db(keys + bass + drums - mix) > -40


def test_a_soloed_track_is_the_whole_mix(soundfont: Path, tmp_path: Path) -> None:
    song = band_song(tracks=[Track("Keys"), Track("Bass", solo=True), Track("Drums", mute=True)])
    report = bounce(song, tmp_path, stems=True, bits="float", soundfont=soundfont)
    assert peak_db(read(report.stems[1]) - read(report.mix)) < -90


def test_stems_null_against_the_mix_even_when_voices_are_stolen_and_reused(
    soundfont: Path, tmp_path: Path
) -> None:
    # Six voices for three tracks of chords: notes steal each other's voices and
    # reuse slots other tracks just freed, where separate synths per track would
    # not null (a reused slot carries a block of its last note's filter state).
    chords = """
        C-4 01 64 ... E-4 01 64 ... | C-3 02 70 ... G-3 02 70 ... | C-2 03 7F ... F#2 03 50 ...
        G-4 01 64 ... B-4 01 64 ... | E-3 02 70 ... B-3 02 70 ... | D-2 03 7F ... F#2 03 50 ...
        OFF .. .. ... OFF .. .. ... | F-3 02 70 ... A-3 02 70 ... | C-2 03 7F ... F#2 03 50 ...
        A-4 01 64 ... C-5 01 64 ... | OFF .. .. ... OFF .. .. ... | D-2 03 7F ... F#2 03 50 ...
    """
    tracks = [Track("Keys", notes=2), Track("Bass", notes=2), Track("Drums", notes=2)]
    song = build_band_song(chords, tracks=tracks, bpm=240)
    few_voices = SynthSettings(polyphony=6)
    report = bounce(
        song, tmp_path, stems=True, bits="float", soundfont=soundfont, settings=few_voices
    )
    stems = [read(p) for p in report.stems]
    assert peak_db(sum(stems) - read(report.mix)) < -90
    assert all(peak_db(stem) > -40 for stem in stems)


def test_the_mix_is_the_song_played_on_one_ordinary_synth(soundfont: Path) -> None:
    # The same notes sent straight to a one-output FluidSynth on the song's own
    # channels: the same voices, so the same sound (to float rounding).
    song = band_song()
    timeline = _compile(song)
    mix = render_timeline(timeline, song, soundfont, RATE, tail_seconds=0.5)
    with Synth(soundfont) as synth:
        for number, instrument in song.instruments.items():
            synth.select(assign_channels(song)[number], instrument.program, instrument.bank)
        plain = np.zeros_like(mix)
        done = 0
        for event in timeline.events:
            at = round(event.time * RATE)
            synth.render_into(plain[done:at])
            done = max(done, at)
            synth.send(event)
        synth.render_into(plain[done : round(timeline.duration * RATE)])
        synth.all_notes_off()
        synth.render_into(plain[round(timeline.duration * RATE) :])
    assert peak_db(mix) > -30
    assert peak_db(mix - plain) < -100


def test_a_bend_on_one_track_leaves_another_on_the_same_instrument_alone(
    soundfont: Path, tmp_path: Path
) -> None:
    # Both tracks play instrument 01, so both are on MIDI channel 1; each track
    # still renders on a channel of its own, as if it were alone.
    plain = "C-4 01 64 ... | E-4 01 64 ...\n--- .. .. ... | --- .. .. ...\nOFF .. .. ... | OFF .. .. ..."
    bent = "C-4 01 64 W20 | E-4 01 64 ...\n--- .. .. ... | --- .. .. ...\nOFF .. .. ... | OFF .. .. ..."
    tracks = [Track("Bent"), Track("Straight")]

    def stems(rows: str, name: str) -> list[np.ndarray]:
        song = build_song(rows, tracks=list(tracks), bpm=240)
        report = bounce(
            song, tmp_path / name, stems=True, bits="float", tail=0.5, soundfont=soundfont
        )
        return [read(p) for p in report.stems]

    with_bend, without = stems(bent, "bent"), stems(plain, "plain")
    assert peak_db(with_bend[0] - without[0]) > -40, "the bend changes its own track"
    assert peak_db(with_bend[1] - without[1]) < -100, "and not the other"


def test_each_stem_gets_its_own_midi_file_when_a_writer_is_given(
    soundfont: Path, tmp_path: Path
) -> None:
    song = band_song()

    def write_midi(timeline: Timeline, song: Song, track: int, path: Path) -> None:
        export_timeline(timeline, song, path, tracks={track})

    report = bounce(song, tmp_path, stems=True, soundfont=soundfont, midi_writer=write_midi)
    assert [p.name for p in report.midi] == ["01-Keys.mid", "02-Bass.mid", "03-Drums.mid"]
    keys = mido.MidiFile(report.midi[0])
    played = [m.note for track in keys.tracks for m in track if m.type == "note_on" and m.velocity]
    assert played == [60, 64, 67, 57]  # C-4 E-4 G-4, then the bridge's A-3
    assert not list(tmp_path.glob(".*")), "no temporary files left"


def test_stem_names_are_safe_file_names(soundfont: Path, tmp_path: Path) -> None:
    song = build_song("C-4 01 64 ... | --- .. .. ...", tracks=[Track("Lead / Vox!"), Track("  ")])
    report = bounce(song, tmp_path, stems=True, soundfont=soundfont)
    assert [p.name for p in report.stems] == ["01-Lead-Vox.wav", "02-track.wav"]
