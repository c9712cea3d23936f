"""Where the audio meets the stream: each rendered block is encoded and published.

The caller is the audio side, block by block; nothing here waits on a listener.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tracker.listen.broadcast import Broadcast
from tracker.listen.opus import OpusEncoder

if TYPE_CHECKING:
    from numpy.typing import NDArray


class StreamFeed:
    def __init__(self, rate: int, broadcast: Broadcast, *, title: str = "") -> None:
        self.broadcast = broadcast
        self._encoder = OpusEncoder(rate, title=title)

    def push(self, block: NDArray[np.float32]) -> None:
        """One block of the live mix, (frames, 2) float32."""
        self.broadcast.publish(self._encoder.encode(block), self._encoder.headers)
