"""Tests of the `tracker` command: each command family as a shell user meets it."""
