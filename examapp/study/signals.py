"""Signals other domains listen to."""

from blinker import Namespace

_signals = Namespace()

#: Sent as law_version_loaded.send(new_law, old_law=..., now=...) when a new version of a law already in
#: the library is loaded (the question bank reviews the questions based on the old version).
law_version_loaded = _signals.signal("law-version-loaded")
