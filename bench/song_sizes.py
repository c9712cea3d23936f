"""Generated songs of a given size, for the whole-command benchmark (#16).

`sized_song(tracks, minutes)` is a busy song of that many tracks and minutes:
every order entry plays its own pattern (no pattern repeats, so the file grows
with the length the way a long hand-written song does), drums on the beat grid,
bass and chords every other line, leads with effects, one CC lane. `big_song()`
is the issue's 64 tracks x 256 lines x 200 patterns (about 52 MB of text).
The same arguments always give the same song, byte for byte.

    python -m bench.song_sizes 16 5 -o /tmp/16x5.toml
    python -m bench.song_sizes --big -o /tmp/big.toml
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from tracker.song.canonical import dumps
from tracker.song.model import Cell, Effect, Instrument, Pattern, PatternTrack, Song, Track

BPM = 125.0
LPB = 4
LINES = 64
"""Lines per pattern of the sized songs: at 125 bpm and 4 lines per beat, 7.68 s."""
LEAD_EFFECTS = ("A37", "U04", "D02", "V46", "Q03", "R02", "C03", "G10", "W90", "P05")
_EMPTY = Cell()
_OFF = Cell(note=128)


def lines_for(minutes: float) -> int:
    """Lines of a song of `minutes` at BPM and LPB."""
    return round(minutes * 60 * BPM / 60 * LPB)


def _effect(text: str) -> Effect:
    return Effect(text[0], int(text[1:], 16))


class _Cells:
    """A pool of cells to draw from: generation stays fast on a 3-million-cell song,
    and a song shares its equal cells the way a loaded one does."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.drums = [
            Cell(note=36 + d, instrument=1, volume=v) for d in range(4) for v in (64, 96, 127)
        ]
        self.notes = [Cell(note=n, instrument=2 + i % 6) for n in range(36, 85) for i in range(6)]
        self.leads = [Cell(note=n, instrument=2 + n % 6, effects=(_effect(e),))
                      for n in range(48, 85, 3) for e in LEAD_EFFECTS]  # fmt: skip

    def cell(self, track: int, line: int) -> Cell:
        rng = self.rng
        kind = track % 16
        if kind < 4:
            return (
                rng.choice(self.drums[kind * 3 : kind * 3 + 3])
                if line % (1 + kind) == 0
                else _EMPTY
            )
        if line % 2:
            return _OFF if rng.random() < 0.2 else _EMPTY
        if kind >= 10 and rng.random() < 0.4:
            return rng.choice(self.leads)
        return rng.choice(self.notes)


def _pattern(cells: _Cells, tracks: list[Track], lines: int) -> Pattern:
    parts = []
    for t, track in enumerate(tracks):
        column = [cells.cell(t, line) for line in range(lines)]
        cc = [[cells.rng.randint(0, 127) if line % 4 == 0 else None for line in range(lines)]]
        parts.append(PatternTrack(columns=[column], cc=cc if track.cc else []))
    return Pattern(lines=lines, tracks=parts)


def generated_song(tracks: int, patterns: int, lines: int, seed: int = 1) -> Song:
    """`patterns` distinct patterns of `lines` lines across `tracks` tracks, each once in the order."""
    cells = _Cells(random.Random(seed))
    song_tracks = [
        Track(name=f"T{i + 1}", cc=["cutoff"] if i % 16 == 12 else []) for i in range(tracks)
    ]
    names = [f"p{p:03d}" for p in range(patterns)]
    instruments = {1: Instrument("Drums", bank=128)}
    instruments.update({n: Instrument(f"Synth {n}", program=n * 8) for n in range(2, 8)})
    return Song(
        title=f"Bench {tracks} tracks",
        bpm=BPM,
        lpb=LPB,
        tpl=6,
        order=names,
        instruments=instruments,
        tracks=song_tracks,
        patterns={name: _pattern(cells, song_tracks, lines) for name in names},
    )


def sized_song(tracks: int, minutes: float, seed: int = 1) -> Song:
    """A song of `tracks` tracks lasting `minutes` (rounded up to whole 64-line patterns)."""
    return generated_song(tracks, -(-lines_for(minutes) // LINES), LINES, seed)


def big_song(seed: int = 1) -> Song:
    """The issue's big song: 64 tracks x 256 lines x 200 patterns."""
    return generated_song(64, 200, 256, seed)


def write_song(song: Song, path: Path) -> Path:
    path.write_text(dumps(song), encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.song_sizes", description=__doc__)
    parser.add_argument("tracks", type=int, nargs="?", default=16)
    parser.add_argument("minutes", type=float, nargs="?", default=5.0)
    parser.add_argument("--big", action="store_true", help="64 tracks x 256 lines x 200 patterns")
    parser.add_argument(
        "--midi", type=int, metavar="NOTES", help="a MIDI file of NOTES notes instead"
    )
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    if args.midi:
        write_midi(args.output, args.midi)
        print(f"wrote {args.output}: {args.output.stat().st_size / 1e6:.1f} MB")
        return 0
    song = big_song() if args.big else sized_song(args.tracks, args.minutes)
    write_song(song, args.output)
    print(f"wrote {args.output}: {args.output.stat().st_size / 1e6:.1f} MB")
    return 0


def write_midi(path: Path, notes: int, tracks: int = 64, seed: int = 1) -> Path:
    """A type-1 MIDI file of `notes` notes over `tracks` tracks (channels in turn, so four
    tracks share one; drums on 10), written by mido, not by our exporter: the import's
    outside input. About 8 bytes a note: 1.1 million notes make the issue's 10 MB file
    (8.8 MB), 30,000 lines long."""
    import mido  # only the MIDI benches need it

    rng = random.Random(seed)
    file = mido.MidiFile(type=1, ticks_per_beat=96)
    per_track = notes // tracks
    for t in range(tracks):
        channel = 9 if t == 9 else t % 16
        track = mido.MidiTrack()
        track.append(mido.MetaMessage("track_name", name=f"T{t + 1}", time=0))
        if t == 0:
            track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(BPM), time=0))
        track.append(mido.Message("program_change", channel=channel, program=t * 5 % 128, time=0))
        for _ in range(per_track):
            note = rng.randint(36, 84)
            track.append(
                mido.Message(
                    "note_on",
                    channel=channel,
                    note=note,
                    velocity=rng.randint(40, 127),
                    time=rng.choice((0, 24, 24, 48)),
                )
            )
            track.append(
                mido.Message(
                    "note_off", channel=channel, note=note, velocity=0, time=rng.choice((12, 24))
                )
            )
        file.tracks.append(track)
    file.save(path)
    return path


if __name__ == "__main__":
    raise SystemExit(main())
