"""Small valid files to start from: a song file and a MIDI file written by mido (not
by our exporter), for tests that damage them or feed them to the command; and DEMO,
a song written by hand in the canonical layout, for the file format's tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

import mido

SONG = textwrap.dedent(
    '''\
    format = 1
    title = "Hostile"
    bpm = 120.0
    lpb = 4
    tpl = 6
    swing = 0.0
    order = ["verse", "verse"]

    [instruments.01]
    name = "Piano"
    soundfont = "default"
    program = 0

    [[tracks]]
    name = "Keys"
    notes = 2
    effects = 1

    [[tracks]]
    name = "Bass"
    notes = 1
    effects = 1

    [patterns.verse]
    lines = 4
    rows = """
    C-4 01 64 ... E-4 01 50 ... | C-2 01 7F ...
    --- .. .. ... --- .. .. ... | --- .. .. ...
    OFF .. .. ... OFF .. .. ... | G-2 01 70 ...
    --- .. .. ... --- .. .. ... | OFF .. .. ...
    """
    '''
)
"""A small valid song: two tracks, a chord, a bass line, a repeated pattern."""

# Written by hand in the canonical layout (fileformat's docstring): saving it must not change a byte.
DEMO = '''\
format = 1
title = "Demo \\"live\\" take"
bpm = 124.5
lpb = 4
tpl = 6
swing = 0.25
soundfont = "instruments/piano.sf2"
order = ["intro", "verse", "verse", "my chorus"]

[instruments.01]
name = "Piano"
soundfont = "default"
program = 0

[instruments.02]
name = "Bass synth"
device = "generic"
channel = 2

[instruments.0A]
name = "Drums"
soundfont = "default"
program = 0
bank = 128
channel = 10
volume = 90

[[tracks]]
name = "Keys"
notes = 2
effects = 1
cc = ["cutoff", 74]

[[tracks]]
name = "Bass"
notes = 1
effects = 2
mute = true

[[tracks]]
name = "Drums"
notes = 1
effects = 0
solo = true

[patterns.intro]
lines = 2
rows = """
C-4 01 64 ... E-4 01 .. ... 40 .. | C-2 02 7F ... ... | C-2 0A 7F
--- .. .. ... --- .. .. ... .. 10 | OFF .. .. Q03 U10 | ^^^ .. ..
"""

[patterns.verse]
lines = 1
rows = """
A#3 01 .. A37 --- .. .. ... .. .. | --- .. .. ... ... | --- .. ..
"""

[patterns."my chorus"]
lines = 1
rows = """
--- .. .. ... --- .. .. ... .. .. | G-1 02 40 ... ... | D-2 0A ..
"""
'''


def song_file_in(folder: Path) -> Path:
    """SONG written to `folder`/song.toml, for a test that hands the command a file."""
    path = folder / "song.toml"
    path.write_text(SONG, encoding="utf-8")
    return path


def midi_bytes(folder: Path) -> bytes:
    """A small honest type 1 file written by mido (not our exporter): a conductor
    track with two tempos, a piano melody (mido writes it with running status), drums
    on channel 10."""
    tpb = 96
    conductor = mido.MidiTrack(
        [
            mido.MetaMessage("track_name", name="Hostile", time=0),
            mido.MetaMessage("set_tempo", tempo=500_000, time=0),
            mido.MetaMessage("set_tempo", tempo=600_000, time=4 * tpb),
        ]
    )
    keys = mido.MidiTrack([mido.MetaMessage("track_name", name="Keys", time=0)])
    keys.append(mido.Message("program_change", program=4, time=0))
    for pitch in (60, 64, 67, 72):
        keys.append(mido.Message("note_on", note=pitch, velocity=90, time=0))
        keys.append(mido.Message("note_on", note=pitch, velocity=0, time=tpb))
    drums = mido.MidiTrack()
    for _ in range(4):
        drums.append(mido.Message("note_on", channel=9, note=36, velocity=110, time=0))
        drums.append(mido.Message("note_off", channel=9, note=36, velocity=0, time=tpb))
    midi = mido.MidiFile(type=1, ticks_per_beat=tpb)
    midi.tracks.extend([conductor, keys, drums])
    path = folder / "made-by-mido.mid"
    midi.save(path)
    return path.read_bytes()
