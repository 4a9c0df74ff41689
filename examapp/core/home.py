"""What the home page says to do now: exams in progress, open and worth retrying, credits, sessions, practice."""

from dataclasses import dataclass, field
from datetime import datetime

from ..org.models import User


@dataclass
class ExamTodo:
    """One exam on the home page: in progress (seconds left), open (closes at), or failed with attempts left."""

    exam: object
    kind: str  # "in_progress" | "open" | "retry"
    attempt: object | None = None
    seconds_left: int = 0
    closes_at: datetime | None = None
    attempts_left: int = 0
    last_score: object | None = None


@dataclass
class Today:
    exams: list[ExamTodo] = field(default_factory=list)
    progress: object | None = None
    leader: object | None = None

    @property
    def in_progress(self) -> list[ExamTodo]:
        return [t for t in self.exams if t.kind == "in_progress"]

    @property
    def retry(self) -> list[ExamTodo]:
        return [t for t in self.exams if t.kind == "retry"]

    @property
    def open(self) -> list[ExamTodo]:
        return [t for t in self.exams if t.kind == "open"]


def exam_todo(exam, situation, user: User, now: datetime) -> ExamTodo | None:
    """Classify one exam by the person's standing; None when there is nothing to do now."""
    from ..exams.availability import finished_attempts

    if situation.open_attempt is not None:
        attempt = situation.open_attempt
        left = max(int((attempt.deadline_at - now).total_seconds()), 0)
        return ExamTodo(exam, "in_progress", attempt=attempt, seconds_left=left)
    if not situation.can_start:
        return None
    done = finished_attempts(exam, user)
    if any(a.passed for a in done):
        return None  # passed already: nothing the home page needs to ask for
    kind = "retry" if done else "open"
    return ExamTodo(exam, kind, closes_at=situation.window_closes_at, attempts_left=situation.attempts_left,
                    last_score=done[-1].score if done else None)


def exam_todos(user: User, now: datetime) -> list[ExamTodo]:
    """The exams that ask for something now, in progress first, then retries, then by closing time."""
    from ..exams.attempts import current_standing
    from ..exams.queries import exams_for

    todos = []
    for exam in exams_for(user, now):
        situation = current_standing(exam, user, now)
        todo = exam_todo(exam, situation, user, now)
        if todo is not None:
            todos.append(todo)
    order = {"in_progress": 0, "retry": 1, "open": 2}
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(todos, key=lambda t: (order[t.kind], t.closes_at or far))


def today(user: User, now: datetime) -> Today:
    """Everything the home page shows a person; learners also get credits and sessions (practice has its card)."""
    from ..study.credits import leader_sessions, local_day, yearly_progress

    result = Today(exams=exam_todos(user, now))
    if user.role != "learner":
        return result
    year = local_day(now).year
    result.progress = yearly_progress(user, year)
    leader = leader_sessions(user, year)
    result.leader = leader if leader.applies else None
    return result
