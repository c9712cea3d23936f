"""The screens pushed over the main one: modal dialogs driven from the keyboard (forms of
text fields, the confirm dialog for choices that can lose work), what the song, track
and instrument forms ask and how their answers become edits, and the F1 help screen
drawn from the key map.
"""
