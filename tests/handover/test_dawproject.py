"""The DAWproject file a render writes: a zip whose project.xml and metadata.xml
validate against the format's published schemas (tests/handover/dawproject_xsd/,
from github.com/bitwig/dawproject) with xmlschema, holding the tempo map, a track
per stem with its clip at 0 and its audio found beside the file, a marker per order
entry, and each track's notes (those of its .mid, read by mido) on a muted track."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import mido
import pytest
import soundfile
import xmlschema

from tests.handover.conftest import END, ENTRIES, TEMPOS, tempo_song
from tracker.engine.timeline import compile_song
from tracker.handover.dawproject import dawproject_bytes
from tracker.handover.session import make_session

SCHEMAS = Path(__file__).parent / "dawproject_xsd"


def project(folder: Path) -> ET.Element:
    with zipfile.ZipFile(folder / "tour.dawproject") as archive:
        return ET.fromstring(archive.read("project.xml"))


def by_id(root: ET.Element) -> dict[str, ET.Element]:
    return {e.attrib["id"]: e for e in root.iter() if "id" in e.attrib}


def test_project_and_metadata_are_valid_against_the_published_schemas(rendered: Path) -> None:
    with zipfile.ZipFile(rendered / "tour.dawproject") as archive:
        assert sorted(archive.namelist()) == ["metadata.xml", "project.xml"]
        for name, schema in (("project.xml", "Project.xsd"), ("metadata.xml", "MetaData.xsd")):
            xmlschema.XMLSchema(SCHEMAS / schema).validate(archive.read(name).decode("utf-8"))
        metadata = ET.fromstring(archive.read("metadata.xml"))
    assert metadata.findtext("Title") == "Tempo Tour"


def test_the_tempo_map_holds_every_change_and_the_meter(rendered: Path) -> None:
    root = project(rendered)
    ids = by_id(root)
    tempo = root.find("Transport/Tempo")
    signature = root.find("Transport/TimeSignature")
    assert tempo is not None and signature is not None
    automation = root.find("Arrangement/TempoAutomation")
    assert automation is not None

    assert (tempo.attrib["unit"], float(tempo.attrib["value"])) == ("bpm", 120)
    assert (signature.attrib["numerator"], signature.attrib["denominator"]) == ("4", "4")
    assert ids[automation.find("Target").attrib["parameter"]] is tempo  # type: ignore[union-attr]
    assert automation.attrib["timeUnit"] == "beats"
    points = automation.findall("RealPoint")
    assert [(float(p.attrib["time"]), float(p.attrib["value"])) for p in points] == [
        (beat, bpm) for _, beat, bpm in TEMPOS
    ]
    assert {p.attrib["interpolation"] for p in points} == {"hold"}


def test_a_marker_per_order_entry_at_its_beat(rendered: Path) -> None:
    markers = project(rendered).findall("Arrangement/Markers/Marker")

    assert [m.attrib["name"] for m in markers] == [name for name, _ in ENTRIES]
    assert [float(m.attrib["time"]) for m in markers] == pytest.approx([b for _, (_, b) in ENTRIES])


def test_each_stem_is_a_clip_at_0_whose_audio_is_found_beside_the_file_wherever_it_goes(
    rendered: Path, tmp_path: Path
) -> None:
    moved = tmp_path / "moved"
    shutil.move(rendered, moved)
    root = project(moved)
    ids = by_id(root)
    lanes = root.findall("Arrangement/Lanes/Lanes")

    audio = [lane for lane in lanes if lane.find("Clips/Clip/Audio") is not None]
    assert [ids[lane.attrib["track"]].attrib["name"] for lane in audio] == [
        "01 Keys", "02 Bass", "03 Ghost"
    ]  # fmt: skip
    for lane in audio:
        clip = lane.find("Clips/Clip")
        file = lane.find("Clips/Clip/Audio/File")
        assert clip is not None and file is not None
        assert (clip.attrib["time"], clip.attrib["contentTimeUnit"]) == ("0", "seconds")
        # The clip lasts as long as its audio: the song's 6 beats, then the tail at 90 bpm.
        seconds = soundfile.info(str(moved / file.attrib["path"])).duration
        assert float(clip.attrib["playStop"]) == pytest.approx(seconds, abs=1e-6)
        tail = (seconds - END[0]) * 90 / 60
        assert float(clip.attrib["duration"]) == pytest.approx(END[1] + tail, abs=1e-6)
        assert file.attrib["external"] == "true" and not Path(file.attrib["path"]).is_absolute()
        assert (moved / file.attrib["path"]).is_file()
    muted = [ids[lane.attrib["track"]].find("Channel/Mute") for lane in audio]
    assert [m.attrib["value"] for m in muted if m is not None] == ["false", "false", "true"]


def test_each_tracks_notes_are_those_of_its_midi_file_on_a_muted_track(rendered: Path) -> None:
    root = project(rendered)
    ids = by_id(root)
    lanes = [lane for lane in root.findall("Arrangement/Lanes/Lanes") if lane.find(".//Notes")]

    assert [ids[lane.attrib["track"]].attrib["name"] for lane in lanes] == [
        "01 Keys [MIDI]", "02 Bass [MIDI]", "03 Ghost [MIDI]"
    ]  # fmt: skip
    for lane, midi in zip(lanes, ["01-Keys.mid", "02-Bass.mid", "03-Ghost.mid"], strict=True):
        track = ids[lane.attrib["track"]]
        assert track.attrib["contentType"] == "notes"
        assert track.find("Channel/Mute").attrib["value"] == "true"  # type: ignore[union-attr]
        notes = [
            (float(n.attrib["time"]), int(n.attrib["key"]))
            for n in lane.iterfind("Clips/Clip/Notes/Note")
        ]
        assert notes and notes == sorted(midi_notes(rendered / midi))


def midi_notes(path: Path) -> list[tuple[float, int]]:
    """(beat, key) of every note-on in a MIDI file, as mido reads it."""
    found = mido.MidiFile(path)
    notes: list[tuple[float, int]] = []
    for track in found.tracks:
        tick = 0
        for message in track:
            tick += message.time
            if message.type == "note_on" and message.velocity > 0:
                notes.append((tick / found.ticks_per_beat, message.note))
    return notes


def test_the_same_session_gives_the_same_bytes() -> None:
    song = tempo_song()
    session = make_session(song, compile_song(song), [Path("a.wav")], [], 44100, 3.0)

    assert dawproject_bytes(session) == dawproject_bytes(session)


def test_a_name_with_control_characters_stays_valid_xml_spelled_out() -> None:
    song = tempo_song()
    song.title = "Bell\x07 tour"
    song.tracks[0].name = "Keys\x1b[2J"
    stems = [Path(f"0{t + 1}-x.wav") for t in range(3)]
    session = make_session(song, compile_song(song), stems, [], 44100, 3.0)

    with zipfile.ZipFile(io.BytesIO(dawproject_bytes(session))) as archive:
        for name, schema in (("project.xml", "Project.xsd"), ("metadata.xml", "MetaData.xsd")):
            xmlschema.XMLSchema(SCHEMAS / schema).validate(archive.read(name).decode("utf-8"))
        root = ET.fromstring(archive.read("project.xml"))
        title = ET.fromstring(archive.read("metadata.xml")).findtext("Title")
    assert title == "Bell\\x07 tour"
    assert root.find("Structure/Track").attrib["name"] == "01 Keys\\x1b[2J"  # type: ignore[union-attr]
