"""The one block renderer: a synth, its channel routing and its position, for the
bounce (tracker.audio.render) and the live mix (tracker.audio.livemix) alike.

The rule both share: an event applied when the renderer stands at frame f sounds
from the first 64-frame block at or after f (FluidSynth's own block); so the
caller renders up to an event's frame, applies it, and renders on. Reads are
large (up to GROUP_READ frames), split only where an event falls.

Each (track, MIDI channel) pair has a synth channel of its own, in its track's
output group: the bounce lays them all out before it starts (`channel_layout`),
the live mix takes the next free one when a pair first plays (`layout=None`).
Which synth channel a pair gets changes no sample: the voices, their order and
the groups they sound in are the same.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from tracker.audio.passes import Grouped
from tracker.audio.patches import Patch
from tracker.audio.progress import ProgressSink
from tracker.audio.synth import GROUP_READ, MAX_CHANNELS, Synth, SynthSettings
from tracker.engine.events import Event, Kind
from tracker.instruments.model import DRUM_CHANNEL

_MAKING = threading.Lock()
"""Renderers are made, soundfont loaded, one at a time: a bounce's two passes make
theirs at once, and `render --stems` of a 64-track song once crashed (FluidSynth
reporting garbage modulators, then a segmentation fault) with only the synth's
creation serialised. Loading takes a tenth of a second; rendering still runs side by side."""


class BlockRenderer:
    """One Synth rendering its output groups forward from frame 0, events applied
    between reads. Not thread-safe: one thread drives one renderer."""

    def __init__(
        self,
        soundfont: Path,
        patches: dict[int, Patch],
        settings: SynthSettings,
        *,
        layout: dict[tuple[int, int], int] | None = None,
        group_of: dict[int, int] | None = None,
    ) -> None:
        with _MAKING:
            self.synth = Synth(soundfont, settings)
        self.groups = settings.groups
        self.pos = 0
        """Frames rendered so far."""
        self.router = Router(self.synth, patches, layout or {}, group_of or {})
        self.router.growing = layout is None

    def fill(
        self, out: Grouped, target: int, progress: ProgressSink | None = None, *, offset: int = 0
    ) -> None:
        """Render frames pos to target into `out`, whose index 0 is frame `offset`,
        in large reads."""
        pos = self.pos
        while pos < target:
            step = min(GROUP_READ, target - pos)
            at = pos - offset
            out[:, at : at + step] = self.synth.render_groups(step).transpose(0, 2, 1)
            pos += step
            if progress is not None:
                progress(pos / self.synth.settings.rate)
        self.pos = max(self.pos, pos)

    def render_to(self, target: int) -> Grouped:
        """The frames from the position to `target` as a new (groups, n, 2) array."""
        n = max(0, target - self.pos)
        out = np.empty((self.groups, n, 2), dtype=np.float32)
        done = 0
        while done < n:
            step = min(GROUP_READ, n - done)
            out[:, done : done + step] = self.synth.render_groups(step).transpose(0, 2, 1)
            done += step
        self.pos += n
        return out

    def apply(self, event: Event) -> None:
        """Apply one event now: it sounds from the next 64-frame block."""
        self.router.apply(event)

    def all_notes_off(self) -> None:
        """Release every note on every channel (CC 123), as the bounce does at the end."""
        self.synth.all_notes_off()

    def close(self) -> None:
        self.synth.close()

    @property
    def warnings(self) -> list[str]:
        return self.synth.warnings


def channel_layout(
    events: Sequence[Event], group_of: dict[int, int], groups: int
) -> tuple[dict[tuple[int, int], int], int, list[str]]:
    """A synth channel for each (track, MIDI channel) the events use, in the
    track's group (channel % groups == group), and the synth's channel count.

    Each track keeps its own channels, so a bend or program change on one track
    never reaches another that shares its MIDI channel: a stem sounds as the
    track alone would. Past FluidSynth's 256 channels, a track's channels share.
    Channel 255 is never given: FluidSynth marks a free voice's channel 255
    (NO_CHANNEL), so a controller there reaches every free voice, whose channel may
    be unset (a segmentation fault in fluid_synth_cc, depending on the heap).
    """
    used: dict[int, int] = {}
    layout: dict[tuple[int, int], int] = {}
    warnings: list[str] = []
    for track, channel in sorted({(e.track, e.channel) for e in events if e.track >= 0}):
        group = group_of[track]
        per_group = (MAX_CHANNELS - 2 - group) // groups + 1  # channels up to 254
        slot = used.get(group, 0)
        used[group] = slot + 1
        if slot >= per_group:
            warnings.append(
                f"track {track + 1:02d} plays on more MIDI channels than one render can keep "
                "apart: some of its instruments share a channel (and its program changes)"
            )
            slot %= per_group
        layout[(track, channel)] = group + groups * slot
    top = max(layout.values(), default=0) + 1
    return layout, max(16, -(-top // 16) * 16), warnings


class Router:
    """Sends each event to its track's own synth channel, keeping that channel on
    the right soundfont program as instruments change."""

    def __init__(
        self,
        synth: Synth,
        patches: dict[int, Patch],
        layout: dict[tuple[int, int], int],
        group_of: dict[int, int],
    ) -> None:
        self.synth = synth
        self.patches = patches
        self.layout: dict[tuple[int, int], int] = {}
        self.group_of = group_of
        self.growing = False
        """New (track, channel) pairs get the next free channel (the live mix)."""
        self.by_midi: dict[int, list[int]] = {}
        """MIDI channel -> the synth channels standing for it (for song-wide events)."""
        for pair, synth_channel in sorted(layout.items()):
            self._add(pair, synth_channel)
        self.current: dict[int, int] = {}
        """synth channel -> instrument number whose patch it holds."""

    def _add(self, pair: tuple[int, int], synth_channel: int) -> None:
        channel = pair[1]
        self.layout[pair] = synth_channel
        self.synth.reset_channel(synth_channel, drum=channel == DRUM_CHANNEL)
        self.by_midi.setdefault(channel, []).append(synth_channel)

    def channel_of(self, track: int, channel: int) -> int | None:
        """The synth channel of a pair; a growing router gives a new pair the next
        free channel of its group (None when the synth has none left)."""
        found = self.layout.get((track, channel))
        if found is not None or not self.growing:
            return found
        groups = self.synth.settings.groups
        group = self.group_of.get(track, 0) % groups
        taken = set(self.layout.values())
        for synth_channel in range(group, self.synth.settings.channels, groups):
            if synth_channel not in taken:
                self._add((track, channel), synth_channel)
                return synth_channel
        return None

    def apply(self, event: Event) -> None:
        if event.track >= 0:
            synth_channel = self.channel_of(event.track, event.channel)
            if synth_channel is not None:
                self._apply(event, synth_channel)
        else:
            for synth_channel in self.by_midi.get(event.channel, ()):
                self._apply(event, synth_channel)

    def _apply(self, event: Event, ch: int) -> None:
        patch = self.patches.get(event.instrument) if event.instrument is not None else None
        if patch is None or event.instrument is None:
            self.synth.send(event, ch)
            return
        if event.kind is Kind.PROGRAM:
            self.current[ch] = event.instrument
            if patch.fixed:
                self.synth.select(ch, patch.program, patch.bank, patch.font, shown=event.channel)
            else:
                self.synth.select(ch, event.a, event.b, patch.font, shown=event.channel)
            return
        if self.current.get(ch) != event.instrument and event.kind is Kind.NOTE_ON:
            # A note of an instrument the channel does not hold yet: the timeline
            # did not say which program, so the instrument's own applies.
            self.current[ch] = event.instrument
            self.synth.select(ch, patch.program, patch.bank, patch.font, shown=event.channel)
        self.synth.send(event, ch)
