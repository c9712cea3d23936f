"""A Session as a DAWproject file (.dawproject): a zip holding `project.xml` and
`metadata.xml`, the open exchange format of Bitwig Studio, Studio One and Cubase
(github.com/bitwig/dawproject; the XSD its tests validate against is in
tests/handover/dawproject_xsd/).

The arrangement counts beats: each stem is a clip from beat 0 whose content (the
audio, referenced beside the .dawproject with `external="true"`, so the file stays
small and the folder can move) plays in seconds, unstretched; the song's tempo
changes are the tempo automation, the meter its time signature, each order entry
a marker. A MIDI file cannot be referenced in this format, so each track's notes
(the same notes as its .mid) are a clip of their own on a muted notes track.
Names and the title go through `visible`: a control character, which XML 1.0
cannot hold, is spelled out.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict, deque
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from xml.etree import ElementTree as ET

from tracker.engine.events import Kind, Timeline
from tracker.handover.session import Session, SessionTrack, decimal
from tracker.text import visible

FORMAT_VERSION = "1.0"
TEMPO_RANGE = (20.0, 999.0)
"""The tempo parameter's range: the tempos a song can hold (Txx 20-FF, and the song's bpm)."""


@dataclass(frozen=True)
class Note:
    beat: float
    length: float
    channel: int
    key: int
    velocity: int


def dawproject_bytes(session: Session) -> bytes:
    """The .dawproject file's bytes: the same session always gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, root in (
            ("project.xml", project_xml(session)),
            ("metadata.xml", metadata_xml(session)),
        ):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, _xml_bytes(root))
    return out.getvalue()


def metadata_xml(session: Session) -> ET.Element:
    root = ET.Element("MetaData")
    ET.SubElement(root, "Title").text = visible(session.title)
    ET.SubElement(root, "Comment").text = "Rendered by tracker: stems, their MIDI and the tempo map"
    return root


def project_xml(session: Session) -> ET.Element:
    song = session.time
    ids = _Ids()
    project = ET.Element("Project", version=FORMAT_VERSION)
    ET.SubElement(project, "Application", name="tracker", version=_our_version())
    transport = ET.SubElement(project, "Transport")
    tempo_id, meter_id = ids.next("tempo"), ids.next("signature")
    low, high = TEMPO_RANGE
    ET.SubElement(
        transport, "Tempo", id=tempo_id, name="Tempo", unit="bpm",
        value=decimal(song.tempos[0].bpm), min=decimal(low), max=decimal(max(high, *(t.bpm for t in song.tempos))),
    )  # fmt: skip
    ET.SubElement(
        transport, "TimeSignature", id=meter_id, name="Time signature",
        numerator=str(song.numerator), denominator=str(song.denominator),
    )  # fmt: skip

    structure = ET.SubElement(project, "Structure")
    master = ids.next("master")
    master_channel = ids.next("master-channel")
    audio_ids = [
        _track(structure, ids, t.label, "audio", t.muted, master_channel) for t in session.tracks
    ]
    midi_tracks = [t for t in session.tracks if t.midi is not None]
    midi_ids = [
        _track(structure, ids, t.midi_label, "notes", True, master_channel) for t in midi_tracks
    ]
    master_track = ET.SubElement(
        structure, "Track", id=master, name="Master", contentType="audio notes", loaded="true"
    )
    channel = ET.SubElement(
        master_track, "Channel", id=master_channel, role="master", audioChannels="2", solo="false"
    )
    _mixer(channel, ids, muted=False)

    arrangement = ET.SubElement(project, "Arrangement", id=ids.next("arrangement"))
    lanes = ET.SubElement(arrangement, "Lanes", id=ids.next("lanes"), timeUnit="beats")
    audio_beats = song.beat_at(session.seconds)
    for track, track_id in zip(session.tracks, audio_ids, strict=True):
        clips = _clips(lanes, ids, track_id)
        clip = ET.SubElement(
            clips, "Clip", time="0", duration=decimal(audio_beats), contentTimeUnit="seconds",
            playStart="0", playStop=decimal(session.seconds), name=track.audio.rsplit(".", 1)[0],
        )  # fmt: skip
        audio = ET.SubElement(
            clip, "Audio", id=ids.next("audio"), channels="2",
            sampleRate=str(session.rate), duration=decimal(session.seconds),
        )  # fmt: skip
        ET.SubElement(audio, "File", path=track.audio, external="true")
    notes_of = track_notes(session.timeline, {t.index for t in midi_tracks})
    for track, track_id in zip(midi_tracks, midi_ids, strict=True):
        _notes_clip(_clips(lanes, ids, track_id), ids, track, notes_of[track.index], song.end_beat)

    markers = ET.SubElement(arrangement, "Markers", id=ids.next("markers"), timeUnit="beats")
    for mark in song.marks:
        ET.SubElement(markers, "Marker", time=decimal(mark.beat), name=visible(mark.pattern))
    tempo = ET.SubElement(
        arrangement,
        "TempoAutomation",
        id=ids.next("tempo-automation"),
        timeUnit="beats",
        unit="bpm",
    )
    ET.SubElement(tempo, "Target", parameter=tempo_id)
    for change in song.tempos:
        ET.SubElement(
            tempo,
            "RealPoint",
            time=decimal(change.beat),
            value=decimal(change.bpm),
            interpolation="hold",
        )
    meter = ET.SubElement(
        arrangement,
        "TimeSignatureAutomation",
        id=ids.next("signature-automation"),
        timeUnit="beats",
    )
    ET.SubElement(meter, "Target", parameter=meter_id)
    ET.SubElement(
        meter, "TimeSignaturePoint", time="0",
        numerator=str(song.numerator), denominator=str(song.denominator),
    )  # fmt: skip
    ET.SubElement(project, "Scenes")
    return project


def track_notes(timeline: Timeline, tracks: set[int]) -> dict[int, list[Note]]:
    """Each track's notes, in beats from the timeline's first line: every note-on
    paired with the next note-off of its key on its channel."""
    beat0 = timeline.lines[0].beat if timeline.lines else 0.0
    notes: dict[int, list[Note]] = {t: [] for t in tracks}
    sounding: dict[tuple[int, int, int], deque[tuple[float, int]]] = defaultdict(deque)
    for event in timeline.events:
        if event.track not in notes:
            continue
        voice = (event.track, event.channel, event.a)
        if event.kind is Kind.NOTE_ON:
            sounding[voice].append((event.beat - beat0, event.b))
        elif event.kind is Kind.NOTE_OFF and sounding[voice]:
            start, velocity = sounding[voice].popleft()
            end = event.beat - beat0
            notes[event.track].append(Note(start, end - start, event.channel, event.a, velocity))
    for (track, channel, key), left in sounding.items():
        for start, velocity in left:  # the timeline ends every note; this is a guard
            end = timeline.end_beat - beat0
            notes[track].append(Note(start, max(end - start, 0.0), channel, key, velocity))
    for found in notes.values():
        found.sort(key=lambda n: (n.beat, n.key))
    return notes


class _Ids:
    """Unique ids (xs:ID) for elements that others point at."""

    def __init__(self) -> None:
        self.count = 0

    def next(self, kind: str) -> str:
        self.count += 1
        return f"{kind}-{self.count}"


def _track(
    structure: ET.Element, ids: _Ids, name: str, content: str, muted: bool, master: str
) -> str:
    track_id = ids.next("track")
    track = ET.SubElement(
        structure, "Track", id=track_id, name=visible(name), contentType=content, loaded="true"
    )
    channel = ET.SubElement(
        track, "Channel", id=ids.next("channel"), role="regular", audioChannels="2",
        destination=master, solo="false",
    )  # fmt: skip
    _mixer(channel, ids, muted=muted)
    return track_id


def _mixer(channel: ET.Element, ids: _Ids, *, muted: bool) -> None:
    """Unity gain, centre, and the mute: the stems already carry the song's mix."""
    ET.SubElement(channel, "Mute", id=ids.next("mute"), name="Mute", value=str(muted).lower())
    ET.SubElement(
        channel, "Pan", id=ids.next("pan"), name="Pan", unit="normalized",
        value="0.5", min="0", max="1",
    )  # fmt: skip
    ET.SubElement(
        channel, "Volume", id=ids.next("volume"), name="Volume", unit="linear",
        value="1", min="0", max="2",
    )  # fmt: skip


def _clips(lanes: ET.Element, ids: _Ids, track_id: str) -> ET.Element:
    lane = ET.SubElement(lanes, "Lanes", id=ids.next("lane"), track=track_id)
    return ET.SubElement(lane, "Clips", id=ids.next("clips"))


def _notes_clip(
    clips: ET.Element, ids: _Ids, track: SessionTrack, notes: list[Note], end_beat: float
) -> None:
    clip = ET.SubElement(
        clips, "Clip", time="0", duration=decimal(end_beat), playStart="0",
        name=(track.midi or track.label).rsplit(".", 1)[0],
    )  # fmt: skip
    holder = ET.SubElement(clip, "Notes", id=ids.next("notes"))
    for note in notes:
        ET.SubElement(
            holder, "Note", time=decimal(note.beat), duration=decimal(note.length),
            channel=str(note.channel), key=str(note.key), vel=decimal(note.velocity / 127),
        )  # fmt: skip


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8")  # lower case: no declaration of its own
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body + b"\n"


def _our_version() -> str:
    try:
        return version("tracker")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0"
