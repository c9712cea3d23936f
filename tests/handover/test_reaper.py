"""The REAPER project a render writes, read back by an outside parser (the `rpp`
package): a track per stem with its audio at 0, the tempo envelope with every
tempo change, a marker per order entry, each track's MIDI muted on a track of its
own, every file named relative to the project, so the folder can move."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import rpp  # type: ignore[import-untyped]
import soundfile

from tests.handover.conftest import ENTRIES, TEMPOS, tempo_song
from tests.support.command import BAD_INPUT, USAGE, assert_refused, snapshot, tracker
from tracker.engine.timeline import compile_song
from tracker.handover.reaper import quote, rpp_text
from tracker.handover.session import make_session

STEMS = ["01-Keys.wav", "02-Bass.wav", "03-Ghost.wav"]
MIDI = ["01-Keys.mid", "02-Bass.mid", "03-Ghost.mid"]


def project(folder: Path) -> Any:
    return rpp.loads((folder / "tour.RPP").read_text(encoding="utf-8"))


def item_of(track: Any) -> Any:
    return track.find("ITEM")


def field(element: Any, name: str) -> list[str]:
    found = element.find(name)
    assert found is not None, name
    return list(found[1:])


def test_a_track_per_stem_in_track_order_each_with_its_audio_from_0(rendered: Path) -> None:
    tracks = project(rendered).findall("TRACK")[:3]

    assert [field(t, "NAME") for t in tracks] == [["01 Keys"], ["02 Bass"], ["03 Ghost"]]
    items = [item_of(t) for t in tracks]
    assert [field(i, "POSITION") for i in items] == [["0"]] * 3
    assert [field(i, "LOOP") for i in items] == [["0"]] * 3  # played once, never looped
    assert [i.find("SOURCE").attrib for i in items] == [["WAVE"]] * 3
    assert [field(i.find("SOURCE"), "FILE") for i in items] == [[s] for s in STEMS]
    length = float(field(items[0], "LENGTH")[0])
    assert length == pytest.approx(soundfile.info(str(rendered / STEMS[0])).duration, abs=1e-6)
    # The files sort in track order, as the DAW lists them.
    assert sorted(p.name for p in rendered.glob("0*.wav")) == STEMS


def test_a_track_the_mix_does_not_hear_is_muted_so_the_session_plays_the_mix(
    rendered: Path,
) -> None:
    tracks = project(rendered).findall("TRACK")[:3]

    assert [field(t, "MUTESOLO")[0] for t in tracks] == ["0", "0", "1"]


def test_each_tracks_midi_is_a_muted_item_on_a_track_of_its_own(rendered: Path) -> None:
    tracks = project(rendered).findall("TRACK")[3:]

    assert [field(t, "NAME") for t in tracks] == [
        ["01 Keys [MIDI]"], ["02 Bass [MIDI]"], ["03 Ghost [MIDI]"]
    ]  # fmt: skip
    items = [item_of(t) for t in tracks]
    assert [field(t, "MUTESOLO")[0] for t in tracks] == ["1"] * 3
    assert [field(i, "MUTE")[0] for i in items] == ["1"] * 3
    assert [i.find("SOURCE").attrib for i in items] == [["MIDI"]] * 3
    assert [field(i.find("SOURCE"), "FILE") for i in items] == [[m] for m in MIDI]
    assert [field(i, "POSITION") for i in items] == [["0"]] * 3


def test_the_tempo_envelope_has_every_tempo_change_and_the_meter(rendered: Path) -> None:
    song = project(rendered)
    points = song.find("TEMPOENVEX").findall("PT")

    assert field(song, "TEMPO") == ["120", "4", "4"]
    assert [float(p[2]) for p in points] == [bpm for _, _, bpm in TEMPOS]
    assert [float(p[1]) for p in points] == pytest.approx([s for s, _, _ in TEMPOS], abs=1e-9)
    assert {p[3] for p in points} == {"1"}  # square: each tempo holds to the next
    assert int(points[0][4]) == 4 + 4 * 65536  # 4/4


def test_a_marker_per_order_entry_named_after_its_pattern(rendered: Path) -> None:
    markers = project(rendered).findall("MARKER")

    assert [(m[1], m[3]) for m in markers] == [("1", "intro"), ("2", "verse"), ("3", "verse")]
    assert [float(m[2]) for m in markers] == [pytest.approx(s, abs=1e-9) for _, (s, _) in ENTRIES]


def test_the_folder_can_move_every_file_is_named_relative_to_the_project(
    rendered: Path, tmp_path: Path
) -> None:
    moved = tmp_path / "elsewhere" / "session"
    shutil.move(rendered, moved)

    files = [field(s, "FILE")[0] for s in project(moved).iter("SOURCE")]
    assert len(files) == 6
    assert all(not Path(f).is_absolute() and (moved / f).is_file() for f in files)


def test_names_with_quotes_are_quoted_the_way_reaper_reads_them() -> None:
    names = {
        'Bass "big"': 'Bass "big"',
        "Rock 'n' roll": "Rock 'n' roll",
        "All \" ' `three`": "All \" ' 'three'",  # all three: backticks become quotes
        "Two\nlines\x1b": "Two\\x0alines\\x1b",  # one line, control characters spelled out
    }
    for name, read in names.items():
        parsed = rpp.loads(f"<T\n  NAME {quote(name)}\n>\n")
        assert parsed.find("NAME")[1] == read


def test_a_session_needs_the_stems_and_a_known_format(tempo_song_file: Path) -> None:
    out = tempo_song_file.parent / "out"
    before = snapshot(tempo_song_file.parent)

    no_stems = tracker("render", tempo_song_file, "-o", out, "--session", "reaper")
    assert_refused(no_stems, USAGE, "--session needs --stems")
    unknown = tracker("render", tempo_song_file, "-o", out, "--stems", "--session", "logic")
    assert_refused(unknown, USAGE, "unknown session format 'logic'", "reaper")
    assert snapshot(tempo_song_file.parent) == before


def test_flac_stems_are_flac_sources() -> None:
    song = tempo_song()
    stems = [Path(f"0{t + 1}-{track.name}.flac") for t, track in enumerate(song.tracks)]
    session = make_session(song, compile_song(song), stems, [], 48000, 3.0)

    parsed = rpp.loads(rpp_text(session))
    assert [s.attrib for s in parsed.iter("SOURCE")] == [["FLAC"]] * 3
    assert field(parsed, "SAMPLERATE")[0] == "48000"
    assert len(parsed.findall("TRACK")) == 3  # no MIDI files, no MIDI tracks


def test_something_in_the_place_of_a_session_file_stops_the_render_before_it_starts(
    tempo_song_file: Path,
) -> None:
    out = tempo_song_file.parent / "out"
    (out / "tour.dawproject").mkdir(parents=True)
    before = snapshot(tempo_song_file.parent)

    result = tracker("render", tempo_song_file, "-o", out, "--stems", "--session", "dawproject")

    assert_refused(result, BAD_INPUT, "tour.dawproject")
    assert snapshot(tempo_song_file.parent) == before


def test_a_render_from_an_order_entry_starts_the_session_there(
    tempo_song_file: Path,
) -> None:
    out = tempo_song_file.parent / "from-verse"

    result = tracker(
        "render", tempo_song_file, "-o", out, "--stems", "--from", "1", "--session", "reaper"
    )

    assert result.returncode == 0, result.stderr
    song = project(out)
    assert [m[3] for m in song.findall("MARKER")] == ["verse", "verse"]
    assert [float(p[2]) for p in song.find("TEMPOENVEX").findall("PT")] == [140, 90, 140, 90]
    assert not (out / "tour.dawproject").exists()
