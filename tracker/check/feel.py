"""What `tracker check` says about a song's feel: its key and scale, seed,
grooves, humanise, chance and conditions, and the tracks that loop at their own
length. Lines of plain text; only the CLI prints them."""

from __future__ import annotations

from collections import Counter

from tracker.song.grooves import PRESETS, named
from tracker.song.model import Song, is_pitch


def describe_feel(song: Song) -> list[tuple[str, str]]:
    """(label, text) rows for the feel the song uses; nothing for what it leaves at default."""
    rows: list[tuple[str, str]] = []
    key = _key_text(song)
    if key:
        rows.append(("key", key))
    chords = _chord_text(song)
    if chords:
        rows.append(("chords", chords))
    variation = _variation_text(song)
    if song.seed or "chance" in variation or not song.humanise.is_off:
        rows.append(("seed", f"{song.seed} (render or export-midi --seed N plays another)"))
    rows += [("groove", text) for text in _groove_texts(song)]
    if not song.humanise.is_off:
        h = song.humanise
        rows.append(
            (
                "humanise",
                f"velocity +-{h.velocity}, starts up to {h.timing:g} tick late (seeded)",
            )
        )
    if variation:
        rows.append(("variation", variation))
    for text in _loop_texts(song):
        rows.append(("polymeter", text))
    return rows


def _key_text(song: Song) -> str:
    parts = []
    if song.scale != "chromatic" or song.key != "C":
        parts.append(f"{song.key} {song.scale}")
    for name, pattern in song.patterns.items():
        if pattern.key is not None or pattern.scale is not None:
            key = pattern.key or song.key
            scale = pattern.scale or song.scale
            parts.append(f"pattern {name} in {key} {scale}")
    return "; ".join(parts)


def _groove_texts(song: Song) -> list[str]:
    own = [(track.name, track.groove) for track in song.tracks if track.groove is not None]
    rest = "every track" if not own else "the other tracks"
    texts = []
    if song.groove is not None:
        texts.append(f"{song.groove} {_delays(song, song.groove)} on {rest}")
    elif song.swing and own:
        texts.append(f"swing {song.swing:g} on {rest}")
    texts += [f"{name}: {groove} {_delays(song, groove)}" for name, groove in own]
    return texts


def _delays(song: Song, name: str) -> str:
    groove = named(song, name)
    delays = groove.delays if groove is not None else ()
    source = "preset" if name in PRESETS and name not in song.grooves else "the song's"
    unit = " ticks" if groove is not None and groove.in_ticks else ""
    shown = " ".join(f"{d:g}" for d in delays[:16])
    return f"({source}, {len(delays)} lines: {shown}{unit})"


def _chord_text(song: Song) -> str:
    """Tracks striking two or more notes on one line: the chords typed in."""
    parts = []
    for t, track in enumerate(song.tracks):
        sizes: Counter[int] = Counter()
        for pattern in song.patterns.values():
            part = pattern.tracks[t]
            if len(part.columns) < 2:  # one note column strikes one note a line
                continue
            for line in range(pattern.lines):
                struck = sum(1 for column in part.columns if is_pitch(column[line].note))
                if struck >= 2:
                    sizes[struck] += 1
        if sizes:
            shapes = ", ".join(
                f"{count} {size}-note chords" for size, count in sorted(sizes.items())
            )
            parts.append(f"{track.name} ({shapes})")
    return "; ".join(parts)


def _variation_text(song: Song) -> str:
    count: Counter[str] = Counter()
    where: dict[str, set[str]] = {"Y": set(), "I": set()}
    letters: dict[int, list[str]] = {}
    """id(cell) -> its Y and I letters: a loaded song shares its equal cells, so most
    cells are seen before (the song holds them all while this runs)."""
    for name, pattern in song.patterns.items():
        for part in pattern.tracks:
            for column in part.columns:
                for cell in column:
                    found = letters.get(id(cell))
                    if found is None:
                        found = letters[id(cell)] = [
                            e.command.upper()
                            for e in cell.effects
                            if e is not None and e.command.upper() in where
                        ]
                    for letter in found:
                        count[letter] += 1
                        where[letter].add(name)
    parts = []
    if count["Y"]:
        parts.append(f"{count['Y']} chance (Yxx) in patterns {', '.join(sorted(where['Y']))}")
    if count["I"]:
        parts.append(f"{count['I']} conditions (Ixy) in patterns {', '.join(sorted(where['I']))}")
    return "; ".join(parts)


def _loop_texts(song: Song) -> list[str]:
    texts = []
    for name, pattern in song.patterns.items():
        for track, part in zip(song.tracks, pattern.tracks, strict=False):
            if part.loop is not None and part.loop < pattern.lines:
                texts.append(
                    f"pattern {name}: {track.name} loops {part.loop} of {pattern.lines} lines"
                )
    return texts
