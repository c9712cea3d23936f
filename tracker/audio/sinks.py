"""Where a bounce's passes go as they play (tracker.audio.render.pieces): every
piece is metered and written at once, so a render's memory stays a few pieces
however long the song.

- The mix (MixSink) is kept as float samples in a scratch file of the staging
  folder and metered as it comes; with a loudness target its peaks too, at the
  limiter's points, go to a second scratch file. The master stage then reads
  them back piece by piece into mix.<fmt>: once for one gain, twice with a
  peak over the ceiling, and a few rounds for the limiter (tracker.audio.master).
- The stems (StemSink) go straight into their files up to the end of the last
  line; the tail after it waits in memory (at most MAX_TAIL_SECONDS) until the
  mix's length is known, and every stem is cut or padded to it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np

from tracker.audio.loudness import Loudness, Meter
from tracker.audio.master import (
    LIMITER_OVERSAMPLING,
    Analysis,
    Levels,
    MasterReport,
    gained,
    needs_peak,
    peak_levels,
    to_target,
    without_target,
)
from tracker.audio.passes import Grouped
from tracker.audio.render import PIECE
from tracker.audio.synth import Frames
from tracker.audio.writing import AudioWriter
from tracker.errors import AudioError
from tracker.files import reason
from tracker.song.model import MasterSettings


class MixSink:
    """The mix pass's heard group, spooled as float32 and metered; with `peaks` (a
    scratch path: there is a loudness target) metered at the limiter's points too,
    and the peak level of every frame spooled there as float64."""

    def __init__(self, scratch: Path, final: Path, rate: int, peaks: Path | None = None) -> None:
        self.rate = rate
        self.final = final
        """The mix file: what a failed write names (the scratch files are ours alone)."""
        self.file = self._open(scratch)
        self.peaks: BinaryIO | None = None
        self.meter = Meter(rate)
        if peaks is not None:
            self.peaks = self._open(peaks)
            self.meter = Meter(rate, 2, LIMITER_OVERSAMPLING, whole=True)
        self.highest = -math.inf
        """The highest peak level spooled."""
        self.frames = 0

    def _open(self, scratch: Path) -> BinaryIO:
        try:
            return open(scratch, "w+b")
        except OSError as error:
            raise AudioError(f"cannot write {self.final}: {reason(error)}") from None

    def __call__(self, grouped: Grouped) -> None:
        piece = np.ascontiguousarray(grouped[0])
        self._write(self.file, piece)
        self.meter.feed(piece)
        self.frames += piece.shape[0]
        self._spool_peaks()

    def _spool_peaks(self) -> None:
        """The peak levels of the frames whose points the meter knows now."""
        if self.peaks is None:
            return
        envelope = self.meter.envelope()
        if envelope.size:
            levels = peak_levels(envelope)
            self.highest = max(self.highest, float(levels.max()))
            self._write(self.peaks, levels)

    def _write(self, file: BinaryIO, data: np.ndarray) -> None:
        try:
            file.write(data.data)
        except OSError as error:
            raise AudioError(f"cannot write {self.final}: {reason(error)}") from None

    def pad_to(self, length: int) -> None:
        """Silence up to `length` frames (the song's own length, when all is muted)."""
        while self.frames < length:
            self(np.zeros((1, min(PIECE, length - self.frames), 2), dtype=np.float32))

    def master_into(self, writer: AudioWriter, settings: MasterSettings) -> MasterReport:
        """The master stage, the mastered mix written by `writer` (not closed): the
        mix read back piece by piece (a second read for the peaks when they may pass
        the ceiling; a few for the limiter with a loudness target)."""
        before = self.meter.reading()
        self._spool_peaks()  # the last frames' points, known once the meter has read
        if settings.loudness is not None and before.lufs is not None:
            assert self.peaks is not None, "a loudness target spools the peaks"
            analysis = Analysis(before, self.frames, self.highest)
            return to_target(
                self._read, self._read_peaks, analysis, self.rate, settings, writer.write
            )
        peak = None
        if needs_peak(before, settings):
            if self.peaks is not None:
                peak = self.highest
            else:
                peaks = Meter(self.rate, 2, LIMITER_OVERSAMPLING)
                for piece in self._read():
                    peaks.feed(piece)
                peaks.reading()
                peak = peaks.highest_db()
        report = without_target(before, settings, peak)
        for piece in self._read():
            writer.write(gained(piece, report.gain_db))
        return report

    def _read(self) -> Iterator[Frames]:
        for piece in self._pieces(self.file, PIECE * 8):
            yield np.frombuffer(piece, dtype=np.float32).reshape(-1, 2)

    def _read_peaks(self) -> Iterator[Levels]:
        assert self.peaks is not None
        for piece in self._pieces(self.peaks, PIECE * 8):
            yield np.frombuffer(piece, dtype=np.float64)

    def _pieces(self, file: BinaryIO, size: int) -> Iterator[bytes]:
        """A scratch file from its start, `size` bytes at a time."""
        try:
            file.flush()
        except OSError as error:
            raise AudioError(f"cannot write {self.final}: {reason(error)}") from None
        file.seek(0)
        while piece := file.read(size):
            yield piece

    def close(self) -> None:
        self.file.close()
        if self.peaks is not None:
            self.peaks.close()


class StemSink:
    """The stems pass: group g of each piece is track t's stem (group_of[t] == g),
    written as it comes up to the end of the last line, and past it up to the mix's
    length once that is known (`limit`, set when the mix pass ends: usually before
    the stems pass reaches its tail, which then never waits in memory)."""

    def __init__(
        self,
        writers: dict[int, AudioWriter],
        group_of: dict[int, int],
        groups: int,
        body: int,
        rate: int,
    ) -> None:
        self.writers = writers
        self.group_of = group_of
        self.groups = groups
        self.meters = {t: Meter(rate) for t in writers}
        self.body = body
        self.limit: int | None = None
        """The stems' length (the mix's), once known; set from another thread."""
        self.written = 0
        self.waiting: list[Grouped] = []

    def __call__(self, grouped: Grouped) -> None:
        self.waiting.append(grouped)
        self._flush()

    def finish(self, length: int) -> dict[int, Loudness]:
        """Every stem cut or padded to `length` frames; the stems' readings."""
        self.limit = length
        self._flush()
        silence = np.zeros((self.groups, PIECE, 2), dtype=np.float32)
        while self.written < length:
            step = min(PIECE, length - self.written)
            self._write(silence[:, :step])
        return {t: meter.reading() for t, meter in self.meters.items()}

    def _flush(self) -> None:
        """Write what may be written: up to the limit, or the end of the last line."""
        limit = self.limit
        bound = self.body if limit is None else limit
        while self.waiting:
            piece = self.waiting[0]
            take = max(0, min(bound - self.written, piece.shape[1]))
            if take:
                self._write(piece[:, :take])
            if take < piece.shape[1] and limit is None:
                self.waiting[0] = piece[:, take:]  # past the last line: waits for the length
                return
            self.waiting.pop(0)  # all of it written, or past the length: cut

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
        self.written += grouped.shape[1]
