"""S-12 machinery: schemathesis drives every operation of /api/v1/openapi.json in-process (WSGI).

Each operation is fuzzed as a learner, as an administrator and with a token that is not valid, with generated
data that fits the document (positive) and data that does not (negative). Path parameters are half of the time
replaced by ids that exist in the world, so that the fuzz reaches past the 404s. Every failure is collected (not
only the first) so that a run reports how many operations, examples and failures it saw.
"""

import json
from dataclasses import dataclass, field

import pytest
import schemathesis
from flask import g, has_app_context
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import FlakyStrategyDefinition, Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import func, select, update

from examapp.audit import AuditEvent
from examapp.auth.models import ApiToken
from examapp.auth.services import issue_token
from examapp.bank.models import QuestionVersion
from examapp.db import utcnow
from examapp.exams.models import AttemptEvent, AttemptItem
from examapp.extensions import db
from examapp.org.models import User
from tests.functional.world import build_world, untangle_bank

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
SEED = 20261201


@dataclass
class Tally:
    operations: set = field(default_factory=set)
    examples: int = 0
    statuses: dict = field(default_factory=dict)
    callers: dict = field(default_factory=dict)
    stopped: list = field(default_factory=list)
    failures: list = field(default_factory=list)

    def distinct(self) -> dict:
        """Failures grouped by operation and what was wrong (the first lines of the report)."""
        groups: dict = {}
        for text in self.failures:
            operation, _, rest = text.partition(" as ")
            groups.setdefault(operation + " | " + " | ".join(rest.split(" | ")[1:4]), []).append(text)
        return groups

    def summary(self) -> str:
        return (f"{len(self.operations)} operations, {self.examples} examples, {len(self.failures)} failures "
                f"({len(self.distinct())} distinct); statuses {dict(sorted(self.statuses.items()))}, "
                f"callers {dict(sorted(self.callers.items()))}")


def load_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def fuzz_operation(operation, tally: Tally, *, tokens: dict, known: dict, examples: int, mode: GenerationMode,
                   reset=None) -> None:
    """Run `examples` generated cases of one operation for each caller; record every failure."""
    strategy = operation.as_strategy(generation_mode=mode)

    @seed(SEED)
    @settings(max_examples=examples, database=None, deadline=None, derandomize=False, print_blob=False,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy, who=st.sampled_from(sorted(tokens)), real=st.booleans())
    def run(case, who, real):
        if real:
            for name in case.path_parameters or {}:
                if name in known:
                    case.path_parameters[name] = known[name]
        tally.examples += 1
        tally.operations.add(operation.label)
        if reset is not None:
            reset()
        forget_previous_request()
        response = case.call(headers={"Authorization": f"Bearer {tokens[who]}"})
        tally.statuses[response.status_code] = tally.statuses.get(response.status_code, 0) + 1
        tally.callers[who] = tally.callers.get(who, 0) + 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (FailureGroup, AssertionError) as exc:  # every failure is collected and reported at the end
            tally.failures.append(f"{operation.label} as {who} ({mode.value}): {failure_text(exc)}")

    try:
        run()
    except Unsatisfiable:  # no data can break this operation's document (e.g. a free-form string in the path)
        if mode is GenerationMode.POSITIVE:
            raise


def forget_previous_request() -> None:
    """The test keeps one app context pushed, which Flask reuses for requests: clear what the last request
    left on `g` (its logged-in user above all), as tests.conftest.RequestIsolatingClient does."""
    if has_app_context():
        for name in list(vars(g._get_current_object())):
            delattr(g, name)


def failure_text(exc: BaseException) -> str:
    """The failure's title, what was wrong and the request to reproduce it, on a few lines."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    keep = [line for line in lines if not line.startswith(("Reproduce with", "[Filtered]"))]
    return " | ".join(keep)[:900]


@pytest.fixture
def api_world(app, org):
    """(tokens, known path parameters) of `fuzz_world`; the bank is untangled afterwards."""
    yield fuzz_world(app, org)
    untangle_bank()


def keep_callers(org):
    """Return a function that undoes what fuzzed calls did to the callers themselves (an admin may PATCH its own
    role, or end its own access), so that every example runs as the same two people with live tokens."""
    saved = {user.id: {"role": user.role, "unit_id": user.unit_id, "scope_unit_id": user.scope_unit_id,
                       "status": user.status, "must_change_password": user.must_change_password}
             for user in (org.learner, org.admin)}

    def restore() -> None:
        db.session.rollback()
        db.session.execute(update(ApiToken).where(ApiToken.user_id.in_(saved)).values(revoked_at=None))
        for user_id, values in saved.items():
            db.session.execute(update(User).where(User.id == user_id).values(**values))
        db.session.commit()

    return restore


def fuzz_world(app, org) -> tuple[dict, dict]:
    """The access matrix's world, a learner's attempt in progress, and bearer tokens for a learner and an
    admin (and one that is not valid): returns (tokens, known path parameters)."""
    world = build_world(org)
    tokens = {"learner": issue_token(org.learner, utcnow()), "admin": issue_token(org.admin, utcnow())}
    db.session.commit()
    tokens["anonymous"] = "exa_revoked-or-never-issued"  # 401 on every operation but the public ones
    paper = app.test_client().post(f"/api/v1/exams/{world.exam}/attempts",
                                   headers={"Authorization": f"Bearer {tokens['learner']}"}).get_json()
    known = {"exam_id": world.exam, "attempt_id": paper["attempt_id"], "question_id": str(paper["questions"][0]["id"]),
             "serial": world.serial, "user_id": world.learner, "slug": "administrative-penalty-law-2021", "number": 5}
    return tokens, known


QUESTION = '{"type": "single", "stem": @, "options": [{"key": "A", "text": "a"}, {"key": "B", "text": "b"}], ' \
           '"answer": "A", "basis": [{"law": "administrative-penalty-law-2021", "article": 5}]}'
TEMPLATES = {  # operation: (caller, a valid body with @ where a value goes)
    ("PUT", "/api/v1/attempts/{attempt_id}/answers/{question_id}"): ("learner", '{"answer": @, "seq": 7}'),
    ("POST", "/api/v1/attempts/{attempt_id}/events"): ("learner", '{"kind": "leave", "client_at": @}'),
    ("PATCH", "/api/v1/people/{user_id}"): ("admin", '{"name": @}'),
    ("POST", "/api/v1/bank/questions"): ("admin", QUESTION),
    ("PUT", "/api/v1/bank/questions/{question_id}"): ("admin", QUESTION),
    ("POST", "/api/v1/practice/answers"): ("learner", '{"question_id": 999999, "answer": @}'),
    ("POST", "/api/v1/study/heartbeat"): ("learner", '{"slug": @, "visible": true}'),
    ("POST", "/api/v1/study/offline-time"): ("learner", '{"batch": @, "segments": []}'),
}


def snapshot() -> tuple:
    """What a refused body must leave as it was: versions, events, answers, people, audit trail."""
    db.session.rollback()
    return (db.session.scalar(select(func.count(QuestionVersion.id))),
            db.session.scalar(select(func.count(AttemptEvent.id))),
            sorted((i.id, json.dumps(i.answer), i.answer_seq) for i in db.session.scalars(select(AttemptItem))),
            sorted((u.id, u.name, u.role, u.unit_id) for u in db.session.scalars(select(User))),
            db.session.scalar(select(func.count(AuditEvent.id))))


def send(client, tokens, known, operation, body, content_type="application/json"):
    (method, path), (who, _template) = operation, TEMPLATES[operation]
    return client.open(path.format(**known), method=method, data=body, content_type=content_type,
                       headers={"Authorization": f"Bearer {tokens[who]}"})


def fuzz_stateful(schema, tally: Tally, *, tokens: dict, examples: int, steps: int, reset=None) -> None:
    """Schemathesis' stateful phase: sequences of calls that feed one reply's ids into the next call (start an
    attempt, then save, submit and read it; create a question, then read, edit and retire it), along the links
    schemathesis infers from the document, as a learner and as an administrator."""
    for who in ("learner", "admin"):
        machine = caller_machine(schema.as_state_machine(), tally, who, tokens[who], reset)
        try:
            machine.run(settings=settings(max_examples=examples, stateful_step_count=steps, deadline=None,
                                          database=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                                          suppress_health_check=list(HealthCheck)))
        except FlakyStrategyDefinition:
            # The world keeps what earlier sequences did, so Hypothesis, replaying a sequence, may find other
            # links open and stop. Every answer up to there was checked and counted; failures are in the tally.
            tally.stopped.append(who)


def caller_machine(machine, tally: Tally, who: str, token: str, reset):
    """The state machine calling as one person, recording every answer in the tally instead of stopping."""

    class Caller(machine):
        def get_call_kwargs(self, case):
            if reset is not None:
                reset()
            forget_previous_request()
            return {"headers": {"Authorization": f"Bearer {token}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            tally.examples += 1
            tally.operations.add(case.operation.label)
            tally.statuses[response.status_code] = tally.statuses.get(response.status_code, 0) + 1
            tally.callers[who] = tally.callers.get(who, 0) + 1
            try:
                case.validate_response(response, checks=CHECKS)
            except (FailureGroup, AssertionError) as exc:
                tally.failures.append(f"{case.operation.label} as {who} (stateful): {failure_text(exc)}")

    return Caller
