"""The key map: one table of every binding, applied by the widgets and drawn by the help screen.

Each row has an id (for user overrides through `App.set_keymap`), the keys in
Textual's names, the action it runs, a description and a group. `scope` names
the widget that owns the action: "app" for the App itself, "pattern" for the
pattern editor, "orders", "patterns" and "instruments" for the side panels, "mixer"
for the mixer.

Every key here can be sent by a terminal over SSH, inside tmux, with TERM=screen:
plain keys, Ctrl+letter, Alt+letter (sent as ESC + letter), F1-F12, Shift+arrows.

Over 400 lines, on purpose: the table is one fact (which key does what), and splitting
it would let two halves disagree about a key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from textual.binding import Binding

from tracker.paths import config_dir
from tracker.song.scales import SCALES, snap
from tracker.tomlfile import TomlFile, describe


@dataclass(frozen=True)
class Key:
    id: str
    keys: str
    action: str
    description: str
    group: str
    scope: str = "pattern"
    show: bool = False
    """Shown in the footer."""


KEYMAP: tuple[Key, ...] = (
    # Moving around the pattern
    Key("cursor.up", "up", "move_lines(-1)", "Line up", "Move"),
    Key("cursor.down", "down", "move_lines(1)", "Line down", "Move"),
    Key("cursor.left", "left", "move_field(-1)", "Previous field", "Move"),
    Key("cursor.right", "right", "move_field(1)", "Next field", "Move"),
    Key("cursor.next-track", "tab", "move_track(1)", "Next track", "Move"),
    Key("cursor.previous-track", "shift+tab", "move_track(-1)", "Previous track", "Move"),
    Key(
        "cursor.next-column",
        "ctrl+right",
        "move_column(1)",
        "Next note column or CC lane",
        "Move",
    ),
    Key(
        "cursor.previous-column",
        "ctrl+left",
        "move_column(-1)",
        "Previous note column or CC lane",
        "Move",
    ),
    Key(
        "cursor.cc-lanes",
        "alt+f",
        "cc_lanes",
        "To the track's CC lanes (again: the next lane)",
        "Move",
    ),
    Key("cursor.bar-up", "pageup", "move_bars(-1)", "Up one bar (4 beats)", "Move"),
    Key("cursor.bar-down", "pagedown", "move_bars(1)", "Down one bar (4 beats)", "Move"),
    Key("cursor.top", "home", "move_to_line(0)", "First line", "Move"),
    Key("cursor.bottom", "end", "move_to_line(-1)", "Last line", "Move"),
    Key("pattern.next", "alt+n", "step_order(1)", "Next order entry's pattern", "Move"),
    Key("pattern.previous", "alt+b", "step_order(-1)", "Previous order entry's pattern", "Move"),
    # Selecting
    Key("select.up", "shift+up", "select_lines(-1)", "Extend selection up", "Select"),
    Key("select.down", "shift+down", "select_lines(1)", "Extend selection down", "Select"),
    Key(
        "select.left",
        "shift+left",
        "select_columns(-1)",
        "Extend selection a column left",
        "Select",
    ),
    Key(
        "select.right",
        "shift+right",
        "select_columns(1)",
        "Extend selection a column right",
        "Select",
    ),
    Key("select.track", "alt+t", "select_track", "Select the whole track", "Select"),
    Key("select.pattern", "alt+p", "select_pattern", "Select the whole pattern", "Select"),
    Key("select.clear", "escape", "clear_selection", "Clear the selection", "Select"),
    # Editing
    Key("edit.note-off", "grave_accent", "note_off", "Note-off (OFF)", "Edit"),
    Key("edit.note-cut", "tilde", "note_cut", "Note cut (^^^)", "Edit"),
    Key("edit.clear", "delete", "clear", "Clear field or selection", "Edit"),
    Key("edit.insert-line", "insert", "insert_line", "Insert a line (track)", "Edit"),
    Key("edit.delete-line", "backspace", "delete_line", "Delete the line (track)", "Edit"),
    Key("edit.copy", "ctrl+c", "copy", "Copy selection", "Edit"),
    Key("edit.cut", "ctrl+x", "cut", "Cut selection", "Edit"),
    Key("edit.paste", "ctrl+v", "paste", "Paste at the cursor", "Edit"),
    Key("edit.transpose-up", "alt+q", "transpose(1)", "Transpose up a semitone", "Edit"),
    Key("edit.transpose-down", "alt+a", "transpose(-1)", "Transpose down a semitone", "Edit"),
    Key("edit.octave-up", "alt+w", "transpose(12)", "Transpose up an octave", "Edit"),
    Key("edit.octave-down", "alt+s", "transpose(-12)", "Transpose down an octave", "Edit"),
    Key(
        "edit.interpolate",
        "alt+i",
        "interpolate",
        "Interpolate volume or CC between the ends",
        "Edit",
    ),
    Key("edit.base-octave-up", "asterisk", "base_octave(1)", "Base octave up", "Edit"),
    Key("edit.base-octave-down", "slash", "base_octave(-1)", "Base octave down", "Edit"),
    Key("edit.step-up", "right_square_bracket", "edit_step(1)", "Edit step +1", "Edit"),
    Key("edit.step-down", "left_square_bracket", "edit_step(-1)", "Edit step -1", "Edit"),
    Key("edit.next-instrument", "greater_than_sign", "instrument(1)", "Next instrument", "Edit"),
    Key("edit.prev-instrument", "less_than_sign", "instrument(-1)", "Previous instrument", "Edit"),
    Key("track.mute", "alt+m", "mute", "Mute / unmute the track", "Edit"),
    Key("track.solo", "alt+o", "solo", "Solo / unsolo the track", "Edit"),
    Key(
        "track.settings",
        "alt+e",
        "track_settings",
        "Track settings: name, columns, CC lanes",
        "Edit",
    ),
    Key(
        "track.learn-cc",
        "alt+shift+m",
        "learn_cc",
        "Learn the CC lane under the cursor from a control moved on the MIDI input",
        "Edit",
    ),
    Key("track.add", "alt+j", "add_track", "Add a track right of this one", "Edit"),
    Key("track.remove", "alt+r", "remove_track", "Remove this track (undo brings it back)", "Edit"),
    # Composing: chords, the scale, generators
    Key(
        "compose.chord", "alt+c", "chord", "Enter a chord by name (Cm7, F#maj9/A, Gsus4)", "Compose"
    ),
    Key(
        "compose.invert-up", "alt+u", "invert(1)", "Chord on the line: next inversion up", "Compose"
    ),
    Key(
        "compose.invert-down", "alt+d", "invert(-1)", "Chord on the line: inversion down", "Compose"
    ),
    Key(
        "compose.voicing",
        "alt+v",
        "voicing",
        "Chord on the line: next voicing (close, drop-2, drop-3, drop-2-4)",
        "Compose",
    ),
    Key(
        "compose.scale-lock",
        "alt+l",
        "scale_lock",
        "Scale lock: letter keys walk the scale, others snap into it",
        "Compose",
    ),
    Key(
        "compose.degree-up",
        "alt+shift+q",
        "transpose_degrees(1)",
        "Transpose up a scale degree",
        "Compose",
    ),
    Key(
        "compose.degree-down",
        "alt+shift+a",
        "transpose_degrees(-1)",
        "Transpose down a scale degree",
        "Compose",
    ),
    Key(
        "compose.euclid",
        "alt+k",
        "euclid",
        "Fill the selection with a Euclidean rhythm E(k, n, r) of the note",
        "Compose",
    ),
    Key("compose.thin", "alt+h", "thin", "Thin: keep every other note", "Compose"),
    Key(
        "compose.double",
        "alt+shift+h",
        "double",
        "Double: a copy of each note halfway on (Alt+H thins)",
        "Compose",
    ),
    Key(
        "compose.new-seed",
        "alt+g",
        "new_seed",
        "Roll a new seed for chance and humanise",
        "Compose",
    ),
    Key("play.pattern-enter", "enter", "app.play_pattern", "Play the pattern", "Transport"),
    # The whole app
    Key("edit.undo", "ctrl+z", "undo", "Undo", "Edit", "app", True),
    Key("edit.redo", "ctrl+y", "redo", "Redo", "Edit", "app"),
    Key("play.toggle", "space", "play_stop", "Play song / stop", "Transport", "app", True),
    Key("play.song", "f5", "play_song", "Play the song from the start", "Transport", "app"),
    Key("play.pattern", "f6", "play_pattern", "Play the pattern (loops)", "Transport", "app"),
    Key("play.cursor", "f7", "play_from_cursor", "Play from the cursor", "Transport", "app"),
    Key("play.stop", "f8", "stop", "Stop", "Transport", "app"),
    Key("play.loop", "f9", "toggle_loop", "Loop on / off", "Transport", "app"),
    Key("play.follow", "ctrl+f", "toggle_follow", "Follow the playhead", "Transport", "app"),
    Key("play.record", "ctrl+r", "toggle_record", "MIDI record on / off", "Transport", "app"),
    Key(
        "play.capture",
        "alt+shift+r",
        "toggle_capture",
        "Audio capture on / off (beside the song; needs --listen)",
        "Transport",
        "app",
    ),
    Key(
        "play.link",
        "alt+shift+k",
        "toggle_link",
        "Ableton Link on / off (a preference, kept)",
        "Transport",
        "app",
    ),
    Key(
        "play.panic",
        "f12,ctrl+backslash",
        "panic",
        "Panic: stop, all notes and sound off everywhere",
        "Transport",
        "app",
    ),
    Key("file.save", "ctrl+s", "save", "Save", "Song", "app", True),
    Key("file.save-as", "f3", "save_as", "Save as…", "Song", "app"),
    Key("file.open", "ctrl+o", "open", "Open a song…", "Song", "app"),
    Key("song.settings", "f2", "settings", "Song settings (title, bpm, lpb…)", "Song", "app"),
    Key(
        "panel.next",
        "f4",
        "next_panel",
        "Next panel (pattern, orders, patterns, instruments, mixer)",
        "Song",
        "app",
    ),
    Key(
        "panel.mixer",
        "alt+x",
        "mixer",
        "Mixer: volume, pan, sends, mute, solo per track",
        "Song",
        "app",
    ),
    Key(
        "panel.side",
        "alt+z",
        "side_panel",
        "Side panel: full, compact, hidden",
        "Song",
        "app",
    ),
    Key("app.help", "f1,question_mark", "help", "This help", "Song", "app", True),
    Key(
        "app.messages",
        "alt+shift+l",
        "message_log",
        "Message log: the last messages in full",
        "Song",
        "app",
    ),
    Key("app.redraw", "ctrl+l", "redraw", "Redraw the screen (after line noise)", "Song", "app"),
    Key("app.quit", "ctrl+q", "quit_tracker", "Quit (asks when unsaved)", "Song", "app", True),
    # Order list panel
    Key("orders.up", "up", "cursor(-1)", "Previous entry", "Order list", "orders"),
    Key("orders.down", "down", "cursor(1)", "Next entry", "Order list", "orders"),
    Key("orders.edit", "enter", "edit", "Edit this entry's pattern", "Order list", "orders"),
    Key("orders.repeat", "insert,d", "repeat", "Repeat the entry after it", "Order list", "orders"),
    Key("orders.remove", "delete", "remove", "Remove the entry", "Order list", "orders"),
    Key("orders.new", "n", "new_pattern", "New empty pattern after", "Order list", "orders"),
    Key("orders.clone", "c", "clone_pattern", "Clone the pattern after", "Order list", "orders"),
    Key("orders.move-up", "shift+up", "move(-1)", "Move the entry up", "Order list", "orders"),
    Key("orders.move-down", "shift+down", "move(1)", "Move the entry down", "Order list", "orders"),
    Key(
        "orders.next-pattern",
        "plus",
        "choose(1)",
        "Play the next pattern here",
        "Order list",
        "orders",
    ),
    Key(
        "orders.prev-pattern",
        "minus",
        "choose(-1)",
        "Play the previous pattern here",
        "Order list",
        "orders",
    ),
    Key("orders.back", "escape", "back", "Back to the pattern", "Order list", "orders"),
    # Pattern list panel
    Key("patterns.up", "up", "cursor(-1)", "Previous pattern", "Patterns", "patterns"),
    Key("patterns.down", "down", "cursor(1)", "Next pattern", "Patterns", "patterns"),
    Key("patterns.edit", "enter", "edit", "Edit this pattern", "Patterns", "patterns"),
    Key("patterns.rename", "r", "rename", "Rename the pattern", "Patterns", "patterns"),
    Key("patterns.length", "l", "length", "Change its length in lines", "Patterns", "patterns"),
    Key("patterns.new", "n", "new", "New empty pattern", "Patterns", "patterns"),
    Key("patterns.clone", "c", "clone", "Clone the pattern", "Patterns", "patterns"),
    Key("patterns.key", "k", "key", "Key and scale of the pattern", "Patterns", "patterns"),
    Key(
        "patterns.remove",
        "delete",
        "remove",
        "Remove it (and its order entries)",
        "Patterns",
        "patterns",
    ),
    Key("patterns.back", "escape", "back", "Back to the pattern", "Patterns", "patterns"),
    # Instruments panel
    Key("inst.up", "up", "cursor(-1)", "Previous instrument", "Instruments", "instruments"),
    Key("inst.down", "down", "cursor(1)", "Next instrument", "Instruments", "instruments"),
    Key("inst.choose", "enter", "choose", "Use this instrument", "Instruments", "instruments"),
    Key(
        "inst.edit",
        "e",
        "edit",
        "Edit name, program, device, channel",
        "Instruments",
        "instruments",
    ),
    Key("inst.new", "n", "new", "New instrument", "Instruments", "instruments"),
    Key("inst.audition", "a", "audition", "Play a test note", "Instruments", "instruments"),
    Key("inst.back", "escape", "back", "Back to the pattern", "Instruments", "instruments"),
    # Mixer panel
    Key("mixer.up", "up", "cursor(-1)", "Previous track", "Mixer", "mixer"),
    Key("mixer.down", "down", "cursor(1)", "Next track", "Mixer", "mixer"),
    Key("mixer.left", "left", "field(-1)", "Previous setting", "Mixer", "mixer"),
    Key("mixer.right", "right", "field(1)", "Next setting", "Mixer", "mixer"),
    Key(
        "mixer.more",
        "plus,equals_sign",
        "step(1)",
        "Up a step: +1 dB, pan 1 right, send +1 (mute / solo: on-off)",
        "Mixer",
        "mixer",
    ),
    Key("mixer.less", "minus", "step(-1)", "Down a step", "Mixer", "mixer"),
    Key(
        "mixer.more-big",
        "pageup",
        "big_step(1)",
        "Up a big step: +6 dB, pan 16 right, send +16",
        "Mixer",
        "mixer",
    ),
    Key("mixer.less-big", "pagedown", "big_step(-1)", "Down a big step", "Mixer", "mixer"),
    Key(
        "mixer.type",
        "enter",
        "type_value",
        "Type the value (mute / solo: on-off)",
        "Mixer",
        "mixer",
    ),
    Key(
        "mixer.reset",
        "delete",
        "reset",
        "Back to 0 dB, centre, send off",
        "Mixer",
        "mixer",
    ),
    Key("mixer.mute", "m", "mute", "Mute / unmute the track", "Mixer", "mixer"),
    Key("mixer.solo", "s", "solo", "Solo / unsolo the track", "Mixer", "mixer"),
    Key(
        "mixer.master",
        "g",
        "master",
        "Master: gain, loudness target, true-peak ceiling",
        "Mixer",
        "mixer",
    ),
    Key("mixer.back", "escape", "back", "Back to the pattern", "Mixer", "mixer"),
)

DIALOG_KEYS: tuple[tuple[str, str], ...] = (
    ("Tab / Shift+Tab", "next / previous field"),
    ("Up / Down", "pick from the list under a field: General MIDI sounds, soundfonts, files"),
    ("Enter", "take the picked entry, then OK; in Open and Save as a folder is entered"),
    ("Tab (Open/Save)", "in Open and Save as: complete the file name (a folder with its slash)"),
    ("Esc", "cancel"),
    ("Alt+Shift+M (track settings)", "learn a CC lane: the next control moved on the MIDI input"),
)
"""Keys inside dialogs: each field's own, not key map bindings (so not overridable);
the help screen and the README list them."""

PIANO_LOWER = "zsxdcvgbhnjm"
"""One octave from the base octave: z = C, s = C#, x = D ..."""
PIANO_UPPER = "q2w3er5t6y7ui9o0p"
"""From the next octave's C up to E of the octave above."""


def piano_offset(character: str) -> int | None:
    """Semitones above the base octave's C for a piano key, None for other keys."""
    if character in PIANO_LOWER:
        return PIANO_LOWER.index(character)
    if character in PIANO_UPPER:
        return 12 + PIANO_UPPER.index(character)
    return None


_WHITE = (0, 2, 4, 5, 7, 9, 11)
"""Semitones of the white keys in an octave: the letter keys z x c v b n m, q w e r t y u i o p."""


def piano_note(character: str, octave: int, scale: tuple[int, str] | None = None) -> int | None:
    """The note a piano key enters from the base octave, None for other keys.

    With a scale (tonic, name) other than chromatic, the scale lock: the white (letter)
    keys walk the scale's degrees from its tonic, z the tonic in the base octave and q
    the tonic an octave up; the black (digit and s d g h j) keys give their note taken
    to the nearest scale note."""
    offset = piano_offset(character)
    if offset is None:
        return None
    base = (octave + 1) * 12
    if scale is None or scale[1] == "chromatic":
        return base + offset
    tonic, name = scale
    if offset % 12 not in _WHITE:
        return snap(base + offset, tonic, name)
    row = 0 if offset < 12 else 12  # the lower row starts on z, the upper on q
    within = offset - row
    walked = 7 * (within // 12) + _WHITE.index(within % 12)  # z=0 x=1 ... (q=0 w=1 ...)
    degrees = SCALES[name]
    octaves, degree = divmod(walked, len(degrees))
    return base + row + 12 * octaves + tonic + degrees[degree]


def bindings(scope: str) -> list[Binding | tuple[str, str] | tuple[str, str, str]]:
    """The Textual bindings a widget (or the app) owns, with their ids for overrides."""
    return [
        Binding(k.keys, k.action, k.description, show=k.show, id=k.id)
        for k in KEYMAP
        if k.scope == scope
    ]


def key_actions(
    scopes: tuple[str, ...], overrides: Mapping[str, str] | None = None
) -> dict[str, tuple[str, str]]:
    """Key name -> (scope, action) for the keys of `scopes`, the musician's overrides
    (binding id -> keys, as for `App.set_keymap`) applied; an earlier scope wins a key.

    The pattern editor runs these itself, in the order the keys come: a Textual binding
    runs only once its key has bubbled up to the app, and a note typed right after it
    (a burst over SSH; Alt+C and a digit, which the terminal parser hands over together)
    was written first, at the old cursor.
    """
    overrides = overrides or {}
    actions: dict[str, tuple[str, str]] = {}
    for scope in scopes:
        for k in KEYMAP:
            if k.scope != scope:
                continue
            for name in overrides.get(k.id, k.keys).split(","):
                actions.setdefault(name.strip(), (scope, k.action))
    return actions


def key_display(keys: str) -> str:
    """`ctrl+s,f3` -> `Ctrl+S / F3` for the help screen."""
    names = {
        "grave_accent": "`",
        "tilde": "~",
        "asterisk": "*",
        "slash": "/",
        "question_mark": "?",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "less_than_sign": "<",
        "greater_than_sign": ">",
        "plus": "+",
        "minus": "-",
        "equals_sign": "=",
        "pageup": "PgUp",
        "pagedown": "PgDn",
        "escape": "Esc",
        "backslash": "\\",
    }
    shown = []
    for key in keys.split(","):
        parts = key.split("+")
        parts[-1] = names.get(parts[-1], parts[-1].capitalize())
        shown.append(
            "+".join(p.capitalize() if i < len(parts) - 1 else p for i, p in enumerate(parts))
        )
    return " / ".join(shown)


GROUPS: tuple[str, ...] = tuple(dict.fromkeys(k.group for k in KEYMAP))


def user_keymap_path() -> Path | None:
    """Where a musician's own keys live: $XDG_CONFIG_HOME/tracker/keys.toml
    (None without a home folder: then there are no overrides)."""
    folder = config_dir()
    return None if folder is None else folder / "keys.toml"


def load_overrides(path: Path | None) -> dict[str, str]:
    """Read `[keys]` of a keys.toml: binding id = "keys", e.g. `"play.loop" = "ctrl+o"`.

    A missing file (or no config folder at all) is no overrides; an unknown id
    or a bad file is an error naming it.
    """
    if path is None:
        return {}
    keys_file = TomlFile.read_if_there(path, "key map")
    if keys_file is None:
        return {}
    data = keys_file.parse()
    keys = data.get("keys", {})
    known = {key.id for key in KEYMAP}
    if not isinstance(keys, dict):
        raise keys_file.at_value(
            ("keys",), f'keys should be a [keys] table of id = "key" lines, not {describe(keys)}'
        )
    for binding_id, value in keys.items():
        if binding_id not in known:
            raise keys_file.at_key(
                ("keys", binding_id),
                f'unknown key id "{binding_id}" (F1 lists them; e.g. "play.loop")',
            )
        if not isinstance(value, str) or not value:
            raise keys_file.at_value(
                ("keys", binding_id),
                f'"{binding_id}" should be keys as text, e.g. "ctrl+o" or "f9,ctrl+o", '
                f"not {describe(value)}",
            )
    return dict(keys)
