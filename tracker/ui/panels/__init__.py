"""The panels around the pattern editor: the side column (order list, pattern list,
instruments, each a `ListPanel` driven from the keyboard) and the transport bar at
the bottom. Each panel owns its keys and its edits; it tells the app what changed
through its messages.
"""
