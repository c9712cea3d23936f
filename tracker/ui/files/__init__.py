"""The song's file as the editor sees it: `song_file.SongFile` saves, autosaves to a
recovery file and notices changes made on disk (no Textual); `actions.FileActions`,
the App's file half, puts that on the keyboard: save, save as, open, quit,
recovery and reload, asking first where work could be lost.
"""
