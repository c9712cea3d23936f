"""The Open / Save as listing and completion, on a real folder (no Textual)."""

from __future__ import annotations

from pathlib import Path

from tracker.ui.screens.folder import UP, Entry, complete, enter, listing, with_suffix


def folder_of_takes(root: Path) -> Path:
    for name in ("take one.toml", "take two.toml", "Tango.toml", "readme.md", ".x.toml"):
        (root / name).write_text("")
    (root / "Takes old").mkdir()
    return root


def test_tab_grows_the_name_as_far_as_the_matches_agree(tmp_path: Path) -> None:
    folder_of_takes(tmp_path)
    assert complete(tmp_path, "ta") == "ta", "take…, Takes old/ and Tango.toml part at 'tak'/'tan'"
    assert complete(tmp_path, "take ") == "take "
    assert complete(tmp_path, "take o") == "take one.toml"
    assert complete(tmp_path, "takes") == "Takes old/", "case is ignored, the folder's own kept"
    assert complete(tmp_path, "tak") == "take", "take one, take two and Takes old agree on 'take'"


def test_a_folders_listing_filters_by_prefix_and_hides_what_is_not_a_song(tmp_path: Path) -> None:
    folder_of_takes(tmp_path)
    assert [e.shown for e in listing(tmp_path, "").entries] == [
        "../",
        "Takes old/",
        "Tango.toml",
        "take one.toml",
        "take two.toml",
    ]
    assert [e.shown for e in listing(tmp_path, "Takes old/").entries] == ["../"]
    missing = listing(tmp_path, "nowhere/")
    assert missing.entries == () and "no folder" in missing.problem


def test_choosing_dot_dot_walks_back_up_the_typed_path() -> None:
    up = Entry(UP, folder=True)
    assert enter("a/b/", up) == "a/"
    assert enter("sub/", up) == ""
    assert enter("", up) == "../"
    assert enter("../", up) == "../../"
    assert enter("/tmp/", up) == "/"
    assert enter("a/", Entry("b", folder=True)) == "a/b/"


def test_save_as_adds_toml_only_without_an_extension() -> None:
    assert with_suffix(Path("songs/mysong")) == Path("songs/mysong.toml")
    assert with_suffix(Path("songs/mysong.toml")) == Path("songs/mysong.toml")
    assert with_suffix(Path("my.song")) == Path("my.song")
