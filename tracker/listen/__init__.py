"""Listening from afar: the live mix as an Ogg/Opus stream over HTTP (issue #14).

`ogg` splits an Ogg stream into pages, `opus` encodes blocks of audio into them,
`broadcast` fans the pages out to listeners that may stall, `server` serves them
and a small page over HTTP, `address` reads `--listen [HOST:]PORT`.
"""
