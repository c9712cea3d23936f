"""What a MIDI import kept, moved and left out: the report shown to the musician after it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TempoChange:
    """A tempo of the file and what the song says instead."""

    line: int
    file_bpm: float
    """The file's mean tempo over the line (several changes inside one line count by how
    long each lasts)."""
    song_bpm: float
    clamped: bool = False
    """The file's tempo is beyond what the song can say here, so the song runs off its time."""

    @property
    def rounded(self) -> bool:
        """Changed by more than the file's own precision (a microsecond per beat)."""
        return abs(self.file_bpm - self.song_bpm) > 0.005


@dataclass(frozen=True)
class MeterChange:
    """A time signature of the file and the patterns it gave the song."""

    line: int
    numerator: int
    denominator: int
    bar_lines: float
    """A bar's length in lines at the song's lines per beat."""
    pattern_lines: int | None
    """Patterns of whole bars from here on; None: the bar is not a whole number of lines
    (or the pattern length was asked for), so patterns go on as before."""

    def describe(self, lpb: int) -> str:
        signature = f"time signature {self.numerator}/{self.denominator} at line {self.line}"
        bar = f"{self.bar_lines:g} lines a bar"
        if self.pattern_lines is not None:
            bars = round(self.pattern_lines / self.bar_lines)
            return f"{signature}: {bar}, patterns of {self.pattern_lines} lines ({bars} bars)"
        if self.bar_lines != int(self.bar_lines):
            return (
                f"{signature}: a bar is {self.bar_lines:g} lines at {lpb} lines per beat,"
                " not a whole number, so patterns are not cut at bars"
            )
        return f"{signature}: {bar}, patterns not cut at bars"


@dataclass
class ImportReport:
    """What the import kept, moved and left out: shown to the musician after an import."""

    notes_imported: int = 0
    max_shift_ms: float = 0.0
    mean_shift_ms: float = 0.0
    max_shift_lines: float = 0.0
    mean_shift_lines: float = 0.0
    notes_lengthened: int = 0
    """Notes shorter than a line after rounding, kept one line long."""
    notes_unended: int = 0
    """Notes with no note-off, ended at the end of the file."""
    dropped: dict[str, int] = field(default_factory=dict)
    """Events left out, by kind."""
    tempo: list[TempoChange] = field(default_factory=list)
    """The song's tempo at line 0 and every Txx written, with the file's tempo there."""
    tempo_changes_in_file: int = 0
    """Tempo changes after the file's start."""
    meters: list[MeterChange] = field(default_factory=list)
    lpb: int = 4
    """The song's lines per beat (chosen from the time signatures when not asked for)."""
    trimmed_lines: int = 0
    """Silent lines after the last event that were not kept."""

    def summary(self) -> list[str]:
        """Lines for the terminal."""
        lines = [
            f"{self.notes_imported} note{'s' if self.notes_imported != 1 else ''} imported; timing moved by at most "
            f"{self.max_shift_ms:.1f} ms ({self.max_shift_lines:.2f} lines), "
            f"{self.mean_shift_ms:.1f} ms on average"
        ]
        if self.notes_lengthened:
            lines.append(f"{self.notes_lengthened} very short notes kept one line long")
        if self.notes_unended:
            lines.append(f"{self.notes_unended} notes without a note-off end with the file")
        if self.tempo_changes_in_file:
            written = len(self.tempo) - 1
            lines.append(
                f"{self.tempo_changes_in_file} tempo changes in the file written as {written} Txx"
                f" effect{'s' if written != 1 else ''} (whole bpm, each line as long as in the file)"
            )
        for change in self.tempo:
            if change.clamped:
                lines.append(
                    f"tempo {change.file_bpm:.3f} bpm at line {change.line} "
                    f"written as {change.song_bpm:g} (beyond what the song can play there)"
                )
        lines += [meter.describe(self.lpb) for meter in self.meters]
        for kind, count in sorted(self.dropped.items()):
            lines.append(f"left out: {count} x {kind}")
        if self.trimmed_lines:
            lines.append(f"{self.trimmed_lines} silent lines at the end left out")
        return lines
