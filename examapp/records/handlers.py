"""Signal handlers: a passed, finished attempt earns its certificate at once."""

from ..db import utcnow


def on_attempt_finished(attempt, now=None, **_extra) -> None:
    """Issue the certificate in the same transaction as the finish (the caller commits)."""
    from .services import issue_for_attempt

    issue_for_attempt(attempt, now=now or utcnow())


def connect() -> bool:
    """Connect to the exams domain's signal; False while that domain is absent."""
    try:
        from ..exams.signals import attempt_finished
    except ModuleNotFoundError:
        return False
    attempt_finished.connect(on_attempt_finished)
    return True


CONNECTED = connect()
