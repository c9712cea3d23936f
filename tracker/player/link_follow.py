"""The transport's Link seam: where a start lands, how deadlines follow the session,
what our tempo changes tell it (player/link.py has the session itself).

Each hook does nothing unless the player was started with `PlayerConfig.link`.
"""

from __future__ import annotations

import logging

from tracker.engine.events import LineMark, Timeline
from tracker.errors import TrackerError
from tracker.player.link import (
    LINK_POLL_NS,
    LinkConfig,
    LinkSession,
    LinkState,
    SongBeats,
    link_anchor,
)
from tracker.player.protocol import Notice, StopReason
from tracker.player.reporting import Reporting

log = logging.getLogger(__name__)


class LinkFollow(Reporting):
    _link: LinkSession | None = None
    _link_failed = False
    _link_beats: SongBeats | None = None
    _link_offset = 0.0
    """Session beat minus song beat: constant while we play in step."""
    link_fresh = False
    """The next begin is a start from Play (on the session's bar), even with a set time."""
    _link_next_poll = 0
    _link_bpm = 0.0
    """The song tempo last heard at a line: a change there is a Txx to lead with."""

    _link_chosen: tuple[LinkConfig | None] | None = None
    """SetLink's choice, over PlayerConfig.link once given."""

    def link_config(self) -> LinkConfig | None:
        return self.config.link if self._link_chosen is None else self._link_chosen[0]

    def link_set(self, config: LinkConfig | None) -> None:
        """The editor's Link toggle: leave the session now; join again from the next start."""
        self.link_close()
        self._link_chosen = (config,)
        self._link_failed = False

    def link_session(self) -> LinkSession | None:
        """The session, joined the first time it is needed; None without --link (or
        when Link cannot start here, said once: playback goes on on its own clock)."""
        config = self.link_config()
        if config is None or self._link_failed:
            return None
        if self._link is None:
            try:
                bpm = self.song.bpm if self.song is not None else 120.0
                self._link = LinkSession(bpm, config)
            except TrackerError as error:
                self._link_failed = True
                self.errors.append(Notice("link", error.message))
                return None
        return self._link

    def link_state(self) -> LinkState | None:
        return None if self._link is None else self._link.state()

    def link_begin(self, timeline: Timeline, from_time: float, wall_ns: int, fresh: bool) -> None:
        """Playing starts (fresh: at the next bar line of the session) or goes on from
        a loop wrap, a jump or an edit at `wall_ns` (the session's beat there holds)."""
        fresh, self.link_fresh = fresh or self.link_fresh, False
        session = self.link_session()
        if session is None:
            return
        beats = SongBeats(timeline.lines)
        song_beat = beats.beat_at(from_time)
        if fresh:
            start, self._link_offset = session.aligned_start(wall_ns, song_beat)
            session.set_playing(True, start)
            session.seen_playing = False
        else:
            self._link_offset = session.beat_at(wall_ns) - song_beat
        self._link_beats = beats
        self._link_bpm = beats.bpm_at(from_time)
        self.anchor = link_anchor(session, beats, from_time, self._link_offset)
        self.scale = self.anchor.scale
        self._link_next_poll = 0

    def stop(self, reason: StopReason) -> None:
        raise NotImplementedError  # the transport's (transport.py)

    def link_follow(self, now: int) -> None:
        """Every few milliseconds while playing: re-anchor the next send on the
        session's timeline; stop, every note ended, when the session stops (start/stop
        sync)."""
        session = self._link
        if session is None or not self.playing or now < self._link_next_poll:
            return
        self._link_next_poll = now + LINK_POLL_NS
        session.refresh_offset()
        if session.config.start_stop:
            if session.is_playing():
                session.seen_playing = True
            elif session.seen_playing:
                log.info("the Link session stopped: stopping")
                self.stop("clock")
                return
        item, beats = self.next_item, self._link_beats
        if item is not None and beats is not None:
            self.anchor = link_anchor(session, beats, item.time, self._link_offset)
            self.scale = self.anchor.scale

    def link_mark(self, mark: LineMark, deadline: int) -> None:
        """A line whose tempo differs from the last one's is a Txx: the session follows it."""
        session = self._link
        if session is None or mark.bpm == self._link_bpm:
            return
        self._link_bpm = mark.bpm
        session.propose_tempo(mark.bpm, deadline)
        self._link_next_poll = 0

    def link_tempo(self, bpm: float) -> bool:
        """The tempo control: True when it went to the session (which we then follow)."""
        session = self._link
        if session is None:
            return False
        session.propose_tempo(bpm, self.clock.now_ns())
        self._link_next_poll = 0
        return True

    def link_stop(self, reason: str) -> None:
        """Our Stop stops the session too (start/stop sync)."""
        if self._link is not None and reason == "stop":
            self._link.set_playing(False, self.clock.now_ns())

    def link_close(self) -> None:
        if self._link is not None:
            self._link.close()
            self._link = None

    def set_tempo(self, bpm: float) -> None:
        """The tempo control: Link's session when we are in one, else our own scale."""
        if self.link_tempo(bpm):
            return
        base = self.mark.bpm if self.mark is not None else self._song_bpm()
        if bpm <= 0 or base <= 0:
            return
        self.scale = base / bpm
        if self.playing:
            self.anchor = self.anchor.rescaled(self.clock.now_ns(), self.scale)

    def _song_bpm(self) -> float:
        if self.timeline is not None and self.timeline.lines:
            return self.timeline.lines[0].bpm
        return self.song.bpm if self.song is not None else 120.0
