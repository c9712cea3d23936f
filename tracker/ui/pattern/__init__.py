"""The pattern editor, the screen's main region: the grid of tracks and lines the music is typed into.

`editor.PatternEditor` is the Textual widget; what it does is worked out in pure modules
the tests drive without an app: `cursor` (where the cursor and the selection are and
where each key moves them), `layout` (where each field sits on screen), `entry` (what a
key typed into a field writes), `recording` (where notes from a MIDI keyboard go) and
`painter` (one row of the grid as coloured text).
"""
