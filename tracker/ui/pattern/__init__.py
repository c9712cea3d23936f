"""The pattern editor, the screen's main region: the grid of tracks and lines the music is typed into.

Two Textual layers, `view.PatternView` (drawing, scrolling, moving the cursor) and
`editor.PatternEditor` on top of it (what the keys write); the rules they follow
are pure modules the tests drive without an app: `cursor` (the pattern shown, the
cursor and the selection, and where each key moves them), `layout` (where each
field sits on screen), `entry` (what a key typed into a field writes),
`recording` (where notes from a MIDI keyboard go) and `painter` (one row of the
grid as coloured text); `rows` keeps the rows the view drew while nothing they show
changes, so a scroll draws only the rows it brings in.
"""
