"""Signals other domains listen to (records issues certificates on attempt_finished)."""

from blinker import Namespace

_signals = Namespace()

# Sent once per attempt, when it moves to finished: sender=attempt, now=finish time of the request.
attempt_finished = _signals.signal("attempt-finished")
