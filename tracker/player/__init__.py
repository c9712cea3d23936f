"""The player: playback in a process of its own, so the UI never keeps time.

`protocol` is what the UI and the process say to each other (configuration,
commands, messages); `handle` is the UI's side, which starts the process and talks
to it; `process` is the process's entry point, and `transport` its loop, split by
seam (state, sends, reporting, inputs, edits) around the stream of what to send,
the wiring of ports and synth, note previews and the command inbox. The process
side never imports the handle, the UI or Textual (pyproject.toml's contracts).
"""
