"""Tests of tracker.song.edit: every edit command, its undo, and the History."""
