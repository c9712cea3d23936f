"""Handing a render over to a DAW: session files beside the stems.

`tempo_map.py` reads the song's tempo changes and order entries off the compiled
timeline; `reaper.py` writes REAPER's text project (.RPP), `dawproject.py` the open
DAWproject format (.dawproject, read by Bitwig Studio, Studio One and Cubase);
`session.py` writes the chosen ones beside a render's stems, all together or none.
"""
