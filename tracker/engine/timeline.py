"""Song -> Timeline: the one compile shared by live playback, the bounce and MIDI export.

What it does, and where each rule lives:
- the order in which lines play (order list, Bxx jumps, Kxx breaks, start and
  end, loop protection): engine/sequence.py;
- seconds and beats from integer ticks, tempo (Txx) and lines-per-beat (Lxx)
  changes, swing and grooves: engine/tempo.py, engine/feel.py;
- chance (Yxx), conditions (Ixy), humanise and the pass counts they go by:
  engine/variation.py, engine/feel.py;
- tracks looping at their own length (polymeter): engine/score.py;
- notes, velocities, sticky instruments, every note effect, programs, CC
  lanes: engine/voices.py;
- MIDI channels per instrument, muting and solo: engine/routing.py;
- each track's mixer strip (CC 7, 10, 91, 93) where the timeline starts:
  engine/mixer.py.

Txx and Lxx take effect at the start of their line. A TEMPO event opens the
timeline and marks every tempo change. Notes still sounding at the end get a
note-off where the last line ends, so the timeline itself never leaves a
note stuck.

Playing from a cursor (start_order/start_line) first chases the song from its
beginning to that line without recording, so tempo, lines per beat, sticky
instruments and Pxx programs are what they would be there; notes sounding at
the cursor are not restarted. If play from the start never reaches the cursor
(it is jumped over), the song's own settings apply.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from tracker.engine.controllers import CcResolver, standard_cc
from tracker.engine.emitter import CountingEmitter, Emitter, SilentEmitter
from tracker.engine.events import LineMark, Timeline
from tracker.engine.feel import Humaniser, LineShifts, all_delays, exact_grooves
from tracker.engine.mixer import emit_mix, instruments_in_steps
from tracker.engine.routing import assign_channels
from tracker.engine.score import LineData, Score
from tracker.engine.sequence import check_start, walk
from tracker.engine.tempo import TempoMap
from tracker.engine.variation import Passes, gated, passes_per_run
from tracker.engine.voices import Performance
from tracker.song.model import Song
from tracker.steps import run_to_end


def compile_song(
    song: Song,
    *,
    start_order: int = 0,
    start_line: int = 0,
    end_order: int | None = None,
    loop_guard: int = 1,
    cc_resolver: CcResolver | None = None,
    repeat: int = 0,
) -> Timeline:
    """Every event of the song (or of a range of its order list), timed and sorted.

    `end_order` is exclusive: play stops before that order entry (None: the
    song's end). `loop_guard` is how many times one line may play (see
    engine/sequence.py). `cc_resolver` names CC lanes (default: numbers and
    the General MIDI names in engine/controllers.py). Every track is included,
    muted or not: filter with routing.audible_tracks / keep_tracks. `repeat` is how
    many times a looping player has already played this range: each pattern's
    passes (engine/variation.py) go on from there.
    """
    steps = compile_in_steps(
        song,
        start_order=start_order,
        start_line=start_line,
        end_order=end_order,
        loop_guard=loop_guard,
        cc_resolver=cc_resolver,
        sort_in_steps=False,
        repeat=repeat,
    )
    return run_to_end(steps)


def compile_in_steps(
    song: Song,
    *,
    start_order: int = 0,
    start_line: int = 0,
    end_order: int | None = None,
    loop_guard: int = 1,
    cc_resolver: CcResolver | None = None,
    sort_in_steps: bool = True,
    repeat: int = 0,
    abandoned: Callable[[list[Any]], None] | None = None,
) -> Generator[None, None, Timeline]:
    """`compile_song` a little at a time: it yields after each pattern indexed, each
    line played and each slice of the final sort (none takes more than a fraction of
    a millisecond on a dense song), and returns the same Timeline. The player compiles
    an edit this way in the gaps between its deadlines.

    Closed before it ends (a newer edit), it hands what it built so far to
    `abandoned`: hundreds of thousands of events on a big song, which freed at once
    with the generator held the player 35-65 ms (measured); the player frees them a
    slice at a time in its gaps instead."""
    # The compile builds tens of thousands of small objects that all survive it:
    # the cyclic garbage collector would walk them again and again (a third of the
    # time, measured) and find nothing, since events hold no cycles.
    collecting = gc.isenabled()
    gc.disable()
    marks: list[LineMark] = []
    made: list[Emitter | Score] = []
    """The emitter and the score as they are made, for `abandoned`."""

    def emitter(tempo: TempoMap, humaniser: Humaniser | None) -> Emitter:
        em = Emitter(tempo, humaniser)
        made.append(em)
        return em

    try:
        played = yield from _play(
            song,
            emitter,
            marks,
            start_order,
            start_line,
            end_order,
            loop_guard,
            cc_resolver,
            repeat,
            made,
        )
        em = played.em
        events = (yield from em.finish_in_steps()) if sort_in_steps else em.finish()
        return Timeline(
            events=events,
            lines=marks,
            duration=played.duration,
            end_beat=played.end_beat,
            end_tick=played.end_tick,
            held=played.held,
            varies=played.varies,
            held_offs=sorted(em.held_offs, key=lambda e: e.sort_key),
        )
    except GeneratorExit:
        if abandoned is not None:
            for built in made:
                if isinstance(built, Emitter):
                    abandoned(built.events)
                else:
                    for lines in built.release():
                        abandoned(lines)
            abandoned(marks)
        raise
    finally:
        if collecting:
            gc.enable()


def song_length(song: Song, *, cc_resolver: CcResolver | None = None) -> tuple[float, int]:
    """(seconds, notes struck) of the whole song: the `duration` of `compile_song`'s
    timeline and its NOTE_ON events, played by the same voices through an emitter that
    counts instead of building and sorting events (`tracker check` reports these)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        steps = _play(song, CountingEmitter, None, 0, 0, None, 1, cc_resolver, 0)
        played = run_to_end(steps)
        assert isinstance(played.em, CountingEmitter)
        return played.duration, played.em.notes
    finally:
        if collecting:
            gc.enable()


@dataclass(slots=True)
class _Played:
    """What playing the song through an emitter leaves, beside the emitter's events."""

    em: Emitter
    duration: float
    end_beat: float
    end_tick: int
    held: list[tuple[int, int, int, int]]
    varies: bool


def _play(
    song: Song,
    emitter: Callable[[TempoMap, Humaniser | None], Emitter],
    marks: list[LineMark] | None,
    start_order: int,
    start_line: int,
    end_order: int | None,
    loop_guard: int,
    cc_resolver: CcResolver | None,
    repeat: int,
    made: list[Emitter | Score] | None = None,
) -> Generator[None, None, _Played]:
    """Every line played through the voices into an `emitter`, a step per pattern indexed,
    per line and per pattern's index let go; each line's mark into `marks` (None: not
    wanted); the score, as it is made, into `made` (None: not wanted)."""
    score = Score(song, later=True)
    if made is not None:
        made.append(score)
    yield from score.index_in_steps()
    check_start(song, score, start_order, start_line)
    channels = assign_channels(song)
    resolver = cc_resolver or standard_cc
    performance = Performance(song, channels, resolver)
    bpm, lpb = song.bpm, song.lpb
    held: list[tuple[int, int, int, int]] = []
    passes = Passes()
    chased = (start_order, start_line) != (0, 0) and (
        yield from _chase(score, performance, start_order, start_line, passes)
    )
    if chased:
        bpm, lpb = performance.chased_bpm, performance.chased_lpb
        held = performance.ghosts()
    else:
        performance = Performance(song, channels, resolver)
        passes = Passes()
    if repeat:
        per_run = passes_per_run(song, score, start_order, start_line, end_order)
        passes = passes.shifted(repeat, per_run)
    grooves = exact_grooves(song)
    tempo = TempoMap(bpm, lpb, song.tpl, song.swing, all_delays(grooves))
    shifts = LineShifts(grooves, tempo)
    humaniser = None if song.humanise.is_off else Humaniser(song.seed, song.humanise)
    em = emitter(tempo, humaniser)
    em.begin_line(0)
    performance.start_programs(em)
    uses = yield from instruments_in_steps(song, score)
    lanes_before = performance.lane_mix if chased else {}
    performance.lane_mix = {}
    tick = 0
    last_bpm: float | None = None
    seed = song.seed
    for position in walk(song, score, start_order, start_line, end_order, loop_guard):
        data = position.data
        pass_number = passes.enter(position)
        if data.gated:
            data = gated(data, seed, position.pattern, position.line, pass_number)
        _apply_tempo(tempo, tick, data)
        em.begin_line(tick, *shifts.at(position.line))
        em.where = (position.pattern, position.line, pass_number)
        if tempo.bpm != last_bpm:
            last_bpm = tempo.bpm
            em.tempo_event(last_bpm)
        if marks is not None:
            _, time, beat = em.line_start()
            mark = LineMark(
                time,
                beat,
                tick,
                position.order,
                position.pattern,
                position.line,
                last_bpm,
                tempo.lpb,
            )
            marks.append(mark)
        performance.play_line(data, em)
        if not tick:  # the first line: its CC lanes' values win over the strips
            emit_mix(em, song, uses, channels, lanes_before, performance.lane_mix)
        tick += song.tpl
        yield
    if last_bpm is None:
        em.tempo_event(tempo.bpm)
    em.begin_line(tick)
    performance.release_all(em, 0)
    _, duration, end_beat = em.line_start()
    varies = score.gated or humaniser is not None
    for lines in score.release():
        lines.clear()
        yield
    return _Played(em, duration, end_beat, tick, held, varies)


def beat_of_line(song: Song, order: int, line: int) -> float | None:
    """Where (order, line) first plays in the whole song, in beats from its start
    (for Song Position Pointer); None when play never gets there. It walks the lines
    as compile_song does with the tempo map alone, no notes: a fraction of a compile."""
    score = Score(song)
    tempo = TempoMap(song.bpm, song.lpb, song.tpl, song.swing)
    tick = 0
    for position in walk(song, score):
        _apply_tempo(tempo, tick, position.data)
        if (position.order, position.line) == (order, line):
            return tempo.locate(tick * tempo.sub)[1]
        tick += song.tpl
    return None


def _apply_tempo(tempo: TempoMap, tick: int, data: LineData) -> None:
    if data.tempo is not None or data.lpb is not None:
        tempo.change(tick, bpm=data.tempo, lpb=data.lpb)


def _chase(
    score: Score, performance: Performance, start_order: int, start_line: int, passes: Passes
) -> Generator[None, None, bool]:
    """Play silently from the top to the cursor, counting passes; False if play never
    gets there."""
    song = performance.song
    em = SilentEmitter(TempoMap(song.bpm, song.lpb, song.tpl))
    for position in walk(song, score):
        if (position.order, position.line) == (start_order, start_line):
            performance.silence()
            return True
        data = position.data
        pass_number = passes.enter(position)
        if data.gated:
            data = gated(data, song.seed, position.pattern, position.line, pass_number)
        if data.tempo is not None:
            performance.chased_bpm = float(data.tempo)
        if data.lpb is not None:
            performance.chased_lpb = data.lpb
        performance.play_line(data, em)
        yield
    return False
