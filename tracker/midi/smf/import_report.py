"""What a MIDI import kept, moved and left out: the report shown to the musician after it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TempoChange:
    """A tempo of the file and what the song says instead."""

    line: int
    file_bpm: float
    song_bpm: float

    @property
    def rounded(self) -> bool:
        """Changed by more than the file's own precision (a microsecond per beat)."""
        return abs(self.file_bpm - self.song_bpm) > 0.005


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
    """The song's tempo at line 0 and every later change, with its rounding."""
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
        for change in self.tempo:
            if change.rounded:
                lines.append(
                    f"tempo {change.file_bpm:.3f} bpm at line {change.line} "
                    f"written as {change.song_bpm:g}"
                )
        for kind, count in sorted(self.dropped.items()):
            lines.append(f"left out: {count} x {kind}")
        if self.trimmed_lines:
            lines.append(f"{self.trimmed_lines} silent lines at the end left out")
        return lines
