"""The offline bounce: the mix, stems that null against it, the tail, the file
formats, the report, progress, and errors that leave nothing behind.

Songs are short (about a second at 240 bpm) and rendered by real FluidSynth
with the system's General MIDI font: one synth for the whole song, its voices
routed to an output per track for the stems.
"""

from __future__ import annotations

import io
from pathlib import Path

import mido
import numpy as np
import pytest
import soundfile

from tests.support.audio import RATE, note_timeline, onset, peak_db
from tests.support.band import BAND, GROOVE, build_band_song
from tests.support.builders import build_song
from tests.support.ffmpeg import ebur128
from tracker.audio.bounce import bounce
from tracker.audio.loudness import measure
from tracker.audio.render import MAX_TAIL_SECONDS, render_timeline
from tracker.audio.synth import Synth, SynthSettings
from tracker.cli.render import bounce_command, report_text
from tracker.engine.events import Timeline
from tracker.engine.routing import assign_channels
from tracker.errors import AudioError, MidiFileError, SoundfontError, UsageError
from tracker.midi.smf import export_timeline
from tracker.song.model import Instrument, MasterSettings, Song, Track
from tracker.song.storage import save_song

BRIDGE = """
    A-3 01 64 ... | A-1 02 70 ... | C-2 03 7F ...
    --- .. .. ... | --- .. .. ... | --- .. .. ...
    OFF .. .. ... | OFF .. .. ... | --- .. .. ...
    --- .. .. ... | --- .. .. ... | --- .. .. ...
"""


def band_song(*, tracks: list[Track] | None = None) -> Song:
    """The groove, then the bridge: a line is 1/16 s at 240 bpm, 4 lines per beat."""
    return build_band_song(GROOVE, BRIDGE, tracks=tracks, bpm=240)


def read(path: Path) -> np.ndarray:
    audio, rate = soundfile.read(path, dtype="float64", always_2d=True)
    assert rate in (44100, 48000)
    return np.asarray(audio)


class FakeTerminal(io.StringIO):
    """A text stream that says it is a terminal, as stderr is for a person at a shell."""

    def isatty(self) -> bool:
        return True


# -- stems and mix ----------------------------------------------------------------------


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


def test_a_hardware_device_renders_through_its_fallback_program(
    soundfont: Path, tmp_path: Path
) -> None:
    # tracker/instruments/data/devices/microfreak.toml stands in as GM program 80 (Lead 1, square).
    riff = "C-4 01 70 ...\n--- .. .. ...\nE-4 01 70 ...\nOFF .. .. ..."
    device = build_song(riff, instruments={1: Instrument("Freak", device="microfreak", program=3)})
    stand_in = build_song(riff, instruments={1: Instrument("Square lead", program=80)})
    own_program = build_song(riff, instruments={1: Instrument("Harpsichord", program=3)})

    def mix(song: Song, name: str) -> np.ndarray:
        return read(bounce(song, tmp_path / name, bits="float", soundfont=soundfont).mix)

    rendered = mix(device, "device")
    assert peak_db(rendered) > -40
    assert np.array_equal(rendered, mix(stand_in, "stand-in"))
    assert not np.array_equal(rendered, mix(own_program, "own"))


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


def test_an_instrument_with_its_own_font_plays_it_from_the_songs_folder(
    soundfont: Path, tmp_path: Path
) -> None:
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "keys.sf2").symlink_to(soundfont)
    riff = "C-4 01 64 ...\nE-4 02 64 ...\nOFF .. .. ..."
    own = build_song(
        riff,
        instruments={
            1: Instrument("Own piano", soundfont="fonts/keys.sf2"),
            2: Instrument("EP", program=4),
        },
    )
    default = build_song(riff, instruments={1: Instrument("Piano"), 2: Instrument("EP", program=4)})
    mixes = [
        read(
            bounce(song, tmp_path / name, bits="float", soundfont=soundfont, song_dir=tmp_path).mix
        )
        for song, name in ((own, "own"), (default, "default"))
    ]
    assert peak_db(mixes[0]) > -40
    assert np.array_equal(mixes[0], mixes[1]), "the same font file, so the same sound"


def test_an_instruments_missing_font_is_named_in_the_error(soundfont: Path, tmp_path: Path) -> None:
    song = build_song("C-4 01 64 ...", instruments={1: Instrument("Strings", soundfont="str.sf2")})
    with pytest.raises(
        SoundfontError, match=r'instrument 01 "Strings": soundfont .*str\.sf2 does not'
    ):
        bounce(song, tmp_path / "out", soundfont=soundfont, song_dir=tmp_path)


def test_the_render_command_reads_the_song_file_and_prints_the_report(
    soundfont: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TRACKER_SOUNDFONT", str(soundfont))
    save_song(band_song(), tmp_path / "groove.toml")
    code = bounce_command(
        tmp_path / "groove.toml", tmp_path / "out", stems=True, fmt="flac", bits="24", tail=0.5
    )
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "01-Keys.flac", "02-Bass.flac", "03-Drums.flac", "mix.flac",
    ]  # fmt: skip
    printed = capsys.readouterr()
    assert printed.out.startswith(
        f"wrote {tmp_path / 'out' / 'mix.flac'} and 3 stems\nlength 1.25 s"
    )
    assert printed.err == "", "no progress bar when stderr is not a terminal"


def test_stem_names_are_safe_file_names(soundfont: Path, tmp_path: Path) -> None:
    song = build_song("C-4 01 64 ... | --- .. .. ...", tracks=[Track("Lead / Vox!"), Track("  ")])
    report = bounce(song, tmp_path, stems=True, soundfont=soundfont)
    assert [p.name for p in report.stems] == ["01-Lead-Vox.wav", "02-track.wav"]


# -- time: the range played and the tail --------------------------------------------------


def test_from_and_to_render_only_those_order_entries(soundfont: Path, tmp_path: Path) -> None:
    whole = bounce(band_song(), tmp_path / "all", tail=0.0, soundfont=soundfont)
    bridge = bounce(
        band_song(), tmp_path / "bridge", from_order=1, to_order=1, tail=0.0, soundfont=soundfont
    )
    groove = bounce(
        band_song(), tmp_path / "groove", from_order=0, to_order=0, tail=0.0, soundfont=soundfont
    )
    line = 60 / 240 / 4
    assert whole.duration == pytest.approx(12 * line, abs=1 / RATE)
    assert bridge.duration == pytest.approx(4 * line, abs=1 / RATE)
    assert groove.duration == pytest.approx(8 * line, abs=1 / RATE)
    assert onset(read(bridge.mix)) < 2 * 64, "the bridge starts at once"


def test_a_fixed_tail_adds_exactly_that_many_seconds(soundfont: Path) -> None:
    timeline = note_timeline((0.0, 0.25, 60), duration=0.5)
    audio = render_timeline(timeline, band_song(), soundfont, RATE, tail_seconds=1.5)
    assert audio.shape == (round(2.0 * RATE), 2)


def test_the_tail_runs_until_the_release_and_reverb_fall_silent(soundfont: Path) -> None:
    timeline = note_timeline((0.0, 0.25, 60), duration=0.5)
    audio = render_timeline(timeline, band_song(), soundfont, RATE)
    body = round(0.5 * RATE)
    tail = audio[body:]
    assert 0 < tail.shape[0] < MAX_TAIL_SECONDS * RATE
    assert peak_db(tail[:4096]) > -70, "the release and reverb still sound after the last line"
    assert peak_db(tail[-64:]) < -80, "and the render stops where they have died away"


def test_notes_held_at_the_end_are_released_so_the_tail_ends(soundfont: Path) -> None:
    held = build_song("C-4 01 64 ...\n--- .. .. ...", bpm=240)  # no OFF
    audio = render_timeline(_compile(held), held, soundfont, RATE)
    assert audio.shape[0] < (0.125 + MAX_TAIL_SECONDS) * RATE


def _compile(song: Song) -> Timeline:
    from tracker.engine.timeline import compile_song

    return compile_song(song)


# -- files and the report ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "bits", "subtype"),
    [
        ("wav", "16", "PCM_16"),
        ("wav", "24", "PCM_24"),
        ("wav", "float", "FLOAT"),
        ("flac", "16", "PCM_16"),
        ("flac", 24, "PCM_24"),
    ],
)
def test_each_format_writes_a_file_that_reads_back_as_the_render(
    soundfont: Path, tmp_path: Path, fmt: str, bits: str | int, subtype: str
) -> None:
    song = band_song()
    timeline = _compile(song)
    exact = render_timeline(timeline, song, soundfont, 48000, tail_seconds=0.5)
    report = bounce(song, tmp_path, fmt=fmt, rate=48000, bits=bits, tail=0.5, soundfont=soundfont)

    info = soundfile.info(report.mix)
    assert (info.format, info.subtype, info.samplerate, info.channels) == (
        fmt.upper(),
        subtype,
        48000,
        2,
    )
    written = read(report.mix)
    assert written.shape == exact.shape
    step = {"PCM_16": 2.0**-15, "PCM_24": 2.0**-23, "FLOAT": 0.0}[subtype]
    # One quantisation step, plus the 1/32768-of-the-value scale libsndfile uses reading ints.
    assert np.max(np.abs(written - exact)) <= step + 2.0**-15 * np.max(np.abs(exact)) + 1e-7


def test_the_report_gives_loudness_range_true_peak_and_gain_of_the_mix_and_each_stem(
    soundfont: Path, tmp_path: Path
) -> None:
    report = bounce(band_song(), tmp_path, stems=True, bits="float", tail=0.5, soundfont=soundfont)
    mix, stems = read(report.mix), [read(p) for p in report.stems]
    assert report.level == measure(mix.astype(np.float32), RATE)
    assert report.stem_levels == [measure(s.astype(np.float32), RATE) for s in stems]
    assert report.level.lufs is not None and -50 < report.level.lufs < report.level.true_peak
    assert report.master.gain_db == 0.0 and report.master.before == report.level
    assert not report.level.clips and report.warnings == []


def band_at_full_velocity() -> Song:
    """Kicks, snares, two basses and brass, six of each at once at full velocity: over
    full scale as played (+1.3 dBFS)."""

    def hit(note: str, instrument: int) -> str:
        return " ".join([f"{note} {instrument:02d} 7F ..."] * 6)

    rest = " | ".join([" ".join(["--- .. .. ..."] * 6)] * 5)
    hits = " | ".join([hit("C-2", 3), hit("D-2", 3), hit("C-1", 2), hit("C-2", 2), hit("C-3", 1)])
    tracks = [Track(name, notes=6) for name in ("Kick", "Snare", "Bass", "Bass 2", "Brass")]
    band = {1: Instrument("Brass", program=61), 2: Instrument("Bass", program=33), 3: BAND[3]}
    return build_song("\n".join([hits, rest, rest, rest] * 2), tracks=tracks, instruments=band)


def test_a_song_whose_peaks_would_clip_is_lowered_to_the_ceiling_and_says_by_how_much(
    soundfont: Path, tmp_path: Path
) -> None:
    song = band_at_full_velocity()
    played = render_timeline(_compile(song), song, soundfont, RATE)
    assert peak_db(played) > 0, "the song as played goes over full scale"

    report = bounce(song, tmp_path, bits="16", soundfont=soundfont)
    written = read(report.mix)
    assert np.max(np.abs(written)) < 10 ** (-1 / 20), "no sample near full scale"
    assert not any("clipped" in w for w in report.warnings)
    lowered = report.master.lowered_db
    assert lowered == pytest.approx(report.master.before.true_peak + 1.0, abs=0.1)
    assert report.master.gain_db == -lowered
    assert f"-{lowered:.1f} dB: lowered {lowered:.1f} dB to the -1.0 dBTP ceiling" in report_text(
        report
    )
    assert ebur128(report.mix).true_peak <= -1.0
    # One gain for the whole mix: the song as played, lowered.
    scaled = played * 10 ** (-lowered / 20)
    assert peak_db(written - scaled[: written.shape[0]]) < -80  # 16-bit steps


def test_stems_stay_as_played_and_add_up_to_the_mix_before_the_master_stage(
    soundfont: Path, tmp_path: Path
) -> None:
    song = band_song()
    song.master = MasterSettings(loudness=-14.0)
    played = render_timeline(_compile(song), song, soundfont, RATE, tail_seconds=0.5)
    report = bounce(song, tmp_path, stems=True, bits="float", tail=0.5, soundfont=soundfont)
    stems = [read(p) for p in report.stems]
    assert peak_db(sum(stems) - played) < -90
    mix = read(report.mix)
    assert report.level.lufs == pytest.approx(-14.0, abs=0.05)
    assert report.master.gain_db > 10 and peak_db(mix) > peak_db(played) + 10


def test_a_target_too_loud_for_the_ceiling_is_reported_with_what_the_mix_reaches(
    soundfont: Path, tmp_path: Path
) -> None:
    song = band_song()
    song.master = MasterSettings(loudness=-2.0, true_peak=-6.0)
    report = bounce(song, tmp_path, bits="float", tail=0.5, soundfont=soundfont)
    reached = report.level.lufs
    assert reached is not None and reached < -2.5
    assert report.warnings == [
        f"the mix reaches {reached:.1f} LUFS, not -2.0: the limiter holds -6.0 dBTP"
    ]
    assert report.level.true_peak <= -6.0


def test_the_master_gain_moves_the_mix_alone(soundfont: Path, tmp_path: Path) -> None:
    song = band_song()
    song.master = MasterSettings(gain_db=-6.0)
    report = bounce(song, tmp_path, stems=True, bits="float", tail=0.5, soundfont=soundfont)
    stems = [read(p) for p in report.stems]
    assert peak_db(read(report.mix) - sum(stems) * 10 ** (-6 / 20)) < -90
    before = report.master.before.lufs
    assert report.master.gain_db == -6.0 and before is not None
    assert report.level.lufs == pytest.approx(before - 6.0, abs=0.01)


def test_progress_on_a_terminal_ends_at_100_percent(soundfont: Path, tmp_path: Path) -> None:
    terminal = FakeTerminal()
    bounce(band_song(), tmp_path, soundfont=soundfont, progress_stream=terminal, workers=1)
    frames = terminal.getvalue().split("\r")
    assert frames[-1].startswith("Rendering [" + "#" * 30 + "] 100 % done in ")
    assert frames[-1].endswith("\n")
    assert all("100 %" not in f for f in frames[:-1]), "100 % only when finished"


def test_progress_is_silent_when_stderr_is_not_a_terminal(soundfont: Path, tmp_path: Path) -> None:
    log = io.StringIO()
    bounce(band_song(), tmp_path, soundfont=soundfont, progress_stream=log, workers=1)
    assert log.getvalue() == ""


# -- errors ------------------------------------------------------------------------------------


def test_a_missing_soundfont_is_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(SoundfontError, match=r"soundfont .*missing\.sf2 does not exist"):
        bounce(band_song(), out, stems=True, soundfont=tmp_path / "missing.sf2")
    assert not out.exists() or list(out.iterdir()) == []


def test_an_output_folder_that_cannot_be_made_is_a_clear_error(
    soundfont: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file where the folder should go\n")
    with pytest.raises(AudioError, match=r"cannot create the output folder .*notes\.txt/renders"):
        bounce(band_song(), blocker / "renders", soundfont=soundfont)


def test_a_failure_while_writing_leaves_no_file_behind(soundfont: Path, tmp_path: Path) -> None:
    (tmp_path / "mix.wav").write_bytes(b"yesterday's mix")

    def failing_midi(timeline: Timeline, song: Song, track: int, path: Path) -> None:
        if track == 1:
            raise MidiFileError("disk full")
        export_timeline(timeline, song, path, tracks={track})

    with pytest.raises(MidiFileError, match="disk full"):
        bounce(band_song(), tmp_path, stems=True, soundfont=soundfont, midi_writer=failing_midi)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mix.wav"]
    assert (tmp_path / "mix.wav").read_bytes() == b"yesterday's mix"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fmt": "flac", "bits": "float"}, "FLAC stores whole-number samples only"),
        ({"fmt": "mp3"}, "unknown format 'mp3'"),
        ({"rate": 22050}, "unsupported sample rate 22050"),
        ({"bits": 8}, "unsupported bit depth 8"),
        ({"from_order": 2}, "--from 2: the order list has entries 0 to 1"),
        ({"from_order": 1, "to_order": 0}, "--to 0: expected an order entry from 1 to 1"),
    ],
)
def test_impossible_options_are_refused_before_rendering(
    soundfont: Path, tmp_path: Path, options: dict[str, object], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        bounce(band_song(), tmp_path / "out", soundfont=soundfont, **options)  # type: ignore[arg-type]
    assert not (tmp_path / "out").exists()
