"""Where a bounce's passes go as they play (tracker.audio.render.pieces): every
piece is metered and written at once, so a render's memory stays a few pieces
however long the song.

- The mix (MixSink) is kept as float samples in a scratch file of the staging
  folder and metered as it comes; the master stage then needs its reading alone
  (one gain: streamed from the scratch file into mix.<fmt>) or, with a loudness
  target or a peak over the ceiling, the whole mix (read back for the limiter).
- The stems (StemSink) go straight into their files up to the end of the last
  line; the tail after it waits in memory (at most MAX_TAIL_SECONDS) until the
  mix's length is known, and every stem is cut or padded to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from tracker.audio.loudness import Loudness, Meter
from tracker.audio.master import MasterReport, gained, master, one_gain
from tracker.audio.passes import Grouped
from tracker.audio.render import PIECE
from tracker.audio.synth import Frames
from tracker.audio.writing import AudioWriter
from tracker.errors import AudioError
from tracker.files import reason
from tracker.song.model import MasterSettings


class MixSink:
    """The mix pass's heard group, spooled as float32 and metered."""

    def __init__(self, scratch: Path, final: Path, rate: int) -> None:
        self.rate = rate
        self.final = final
        """The mix file: what a failed write names (the scratch file is ours alone)."""
        try:
            self.file = open(scratch, "w+b")  # noqa: SIM115 (closed in close())
        except OSError as error:
            raise AudioError(f"cannot write {final}: {reason(error)}") from None
        self.meter = Meter(rate)
        self.frames = 0

    def __call__(self, grouped: Grouped) -> None:
        piece = np.ascontiguousarray(grouped[0])
        try:
            self.file.write(piece.data)
        except OSError as error:
            raise AudioError(f"cannot write {self.final}: {reason(error)}") from None
        self.meter.feed(piece)
        self.frames += piece.shape[0]

    def pad_to(self, length: int) -> None:
        """Silence up to `length` frames (the song's own length, when all is muted)."""
        while self.frames < length:
            self(np.zeros((1, min(PIECE, length - self.frames), 2), dtype=np.float32))

    def master_into(self, writer: AudioWriter, settings: MasterSettings) -> MasterReport:
        """The master stage, the mastered mix written by `writer` (not closed)."""
        before = self.meter.reading()
        plain = one_gain(before, settings)
        if plain is not None:
            for piece in self._read():
                writer.write(gained(piece, plain.gain_db))
            return plain
        whole = np.concatenate([np.zeros((0, 2), dtype=np.float32), *self._read()])
        mastered, report = master(whole, self.rate, settings)
        writer.write(mastered)
        return report

    def _read(self) -> Iterator[Frames]:
        try:
            self.file.flush()
        except OSError as error:
            raise AudioError(f"cannot write {self.final}: {reason(error)}") from None
        self.file.seek(0)
        while piece := self.file.read(PIECE * 8):
            yield np.frombuffer(piece, dtype=np.float32).reshape(-1, 2)

    def close(self) -> None:
        self.file.close()


class StemSink:
    """The stems pass: group g of each piece is track `track_of[g]`'s stem."""

    def __init__(
        self,
        writers: dict[int, AudioWriter],
        group_of: dict[int, int],
        groups: int,
        body: int,
        rate: int,
    ) -> None:
        self.writers = writers
        self.groups = groups
        self.group_of = group_of
        self.meters = {t: Meter(rate) for t in writers}
        self.body = body
        self.frames = 0
        self.tail: list[Grouped] = []

    def __call__(self, grouped: Grouped) -> None:
        count = grouped.shape[1]
        keep = min(count, max(0, self.body - self.frames))
        if keep:
            self._write(grouped[:, :keep])
        if keep < count:
            self.tail.append(grouped[:, keep:])
        self.frames += count

    def finish(self, length: int) -> dict[int, Loudness]:
        """Every stem cut or padded to `length` frames; the stems' readings."""
        written = min(self.frames, self.body)
        groups = self.groups
        tail = np.concatenate([np.zeros((groups, 0, 2), dtype=np.float32), *self.tail], axis=1)
        self.tail = []
        tail = tail[:, : max(0, length - written)]
        for start in range(0, tail.shape[1], PIECE):
            self._write(tail[:, start : start + PIECE])
        written += tail.shape[1]
        silence = np.zeros((groups, PIECE, 2), dtype=np.float32)
        while written < length:
            step = min(PIECE, length - written)
            self._write(silence[:, :step])
            written += step
        return {t: meter.reading() for t, meter in self.meters.items()}

    def _write(self, grouped: Grouped) -> None:
        silent: Frames | None = None
        for t, writer in self.writers.items():
            group = self.group_of.get(t)
            if group is None:
                if silent is None:
                    silent = np.zeros((grouped.shape[1], 2), dtype=np.float32)
                piece = silent
            else:
                piece = grouped[group]
            writer.write(piece)
            self.meters[t].feed(piece)
