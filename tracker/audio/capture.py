"""`--record-audio FILE.wav|.flac`: the live mix written as it plays, atomically.

The audio goes to a hidden temporary file beside FILE, block by block, and takes
FILE's place only when the capture ends (tracker.files.install_temporary): a crash
or a full disk leaves FILE as it was. It ends as a bounce ends: after the last
release, the tail runs until a whole window stays below the bounce's silence
(tracker.audio.render's rule) or MAX_TAIL_SECONDS, so a capture and a render of
the same span hold the same samples. Until then the audio after a release waits
in memory, where it can still be cut.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import numpy as np

from tracker.audio.passes import SILENCE
from tracker.audio.render import MAX_TAIL_SECONDS, TAIL_WINDOW, tail_length
from tracker.audio.synth import Frames
from tracker.audio.writing import FORMATS, check_format
from tracker.errors import AudioError
from tracker.files import NotAFileError, check_target, install_temporary, reason, temporary_prefix


def capture_format(path: Path, rate: int, bits: int | str = 24) -> tuple[str, str]:
    """(format, soundfile subtype) from the file's suffix: .wav or .flac."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise AudioError(f"--record-audio {path}: expected a .wav or .flac file name")
    return check_format(fmt, rate, bits)


class Capture:
    """Writes mix blocks from the first start on; `finish` ends the file."""

    def __init__(self, target: Path, rate: int, bits: int | str = 24) -> None:
        import soundfile

        self.target = target
        self.rate = rate
        fmt, subtype = capture_format(target, rate, bits)
        try:
            check_target(target)
            handle, self.temporary = tempfile.mkstemp(
                prefix=temporary_prefix(target), suffix=".tmp", dir=target.parent
            )
        except NotAFileError as error:
            raise AudioError(f"cannot record to {target}: it is {error.kind}") from None
        except OSError as error:
            raise AudioError(f"cannot record to {target}: {reason(error)}") from None
        os.close(handle)
        self.file = soundfile.SoundFile(
            self.temporary, "w", rate, 2, subtype=subtype, format=FORMATS[fmt]
        )
        self.start: int | None = None
        """Mix frame of the capture's first sample (the first start)."""
        self.written = 0
        self.tail: list[Frames] = []
        self.tail_from: int | None = None
        """Mix frame of the release the held tail follows."""
        self.peak = 0.0

    def begin(self, frame: int) -> None:
        if self.start is None:
            self.start = frame

    def write(self, frame: int, block: Frames, released_at: int | None) -> None:
        """One block of the mix at `frame`; `released_at`: the mix frame of the last
        release of everything, when nothing sounded since."""
        if self.start is None or frame + len(block) <= self.start:
            return
        if frame < self.start:
            block, frame = block[self.start - frame :], self.start
        if released_at is None or (self.tail_from is not None and released_at != self.tail_from):
            self._flush_tail()
        if released_at is None:
            self._put(block)
            return
        if self.tail_from is None:
            cut = max(0, released_at - frame)
            self._put(block[:cut])
            block = block[cut:]
            self.tail_from = released_at
        self.tail.append(block)
        if sum(len(b) for b in self.tail) > round(MAX_TAIL_SECONDS * self.rate) + TAIL_WINDOW:
            self._flush_tail()  # a long pause is what played: it stays

    def tail_done(self) -> bool:
        """The held tail has fallen silent (or reached MAX_TAIL_SECONDS)."""
        if self.tail_from is None:
            return True
        return self._tail_end(np.concatenate(self.tail) if self.tail else _EMPTY) is not None

    def _tail_end(self, tail: Frames) -> int | None:
        """The bounce's rule on the held tail: where it ends, or None when more is needed."""
        limit = round(MAX_TAIL_SECONDS * self.rate)
        pos = 0
        while pos < limit:
            end = min(pos + TAIL_WINDOW, limit)
            if end > len(tail):
                return None
            if float(np.max(np.abs(tail[pos:end]), initial=0.0)) < SILENCE:
                break
            pos = end
        return tail_length(tail[None, :pos], SILENCE)

    def _put(self, block: Frames) -> None:
        if len(block):
            self.peak = max(self.peak, float(np.max(np.abs(block))))
            self.file.write(np.clip(block, -1.0, 1.0))
            self.written += len(block)

    def _flush_tail(self) -> None:
        for block in self.tail:
            self._put(block)
        self.tail, self.tail_from = [], None

    @property
    def seconds(self) -> float:
        return self.written / self.rate

    def finish(self) -> None:
        """Cut the held tail by the bounce's rule, close and put the file in place."""
        if self.tail:
            tail = np.concatenate(self.tail)
            end = self._tail_end(tail)
            self.tail = [tail[: len(tail) if end is None else end]]
            self._flush_tail()
        try:
            self.file.close()
            with open(self.temporary, "rb+") as written:
                os.fsync(written.fileno())
            install_temporary(self.temporary, self.target)
        except OSError as error:
            self.abandon()
            raise AudioError(f"cannot record to {self.target}: {reason(error)}") from None

    def abandon(self) -> None:
        with contextlib.suppress(Exception):
            self.file.close()
        with contextlib.suppress(OSError):
            os.unlink(self.temporary)


_EMPTY = np.zeros((0, 2), dtype=np.float32)
