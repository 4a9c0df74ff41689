"""S-02 (the review-option matrix) and S-15 (answer keys by role and time).

One exam per review policy, sat by grid1 (东山村: in HR's and the unit admin's scope); HR and unit admins are
in its audience too (staff who may sit it). It is read through the API and on the result page at five
moments: during the attempt, just after it, later while the window is open, after the window closed while
cadre1 still answers on extra time, and after everyone is done. What each field shows (the person's answers,
per-question correctness, marks, explanation, key, the cited articles, the overall score) is compared with
what the policy allows for the owner; every other role gets what its role allows whatever the policy: other
learners and examiners nothing (404), HR and unit admins the marks without keys, system admins the keys once
the attempt is finished. A second test walks a confidential paper through practice at every moment.
"""

from datetime import timedelta

import pytest
from sqlalchemy import update

from examapp.bank.models import PUBLIC, Question
from examapp.exams.models import ExamOverride
from examapp.extensions import db

from .conftest import make_exam, right_answers, start

POLICIES = [("after_submit", True), ("after_submit", False), ("after_close", True), ("after_close", False),
            ("never", True)]
MOMENTS = ("during", "just after", "later while open", "closed, extra time running", "after close")
FIELDS = ("answers", "correctness", "marks", "explanation", "key", "basis", "overall")
VIEWERS = ("grid1", "cadre1", "hr", "unitadmin", "examiner", "admin")


def owner_level(policy: str, with_key: bool, moment: str) -> str:
    if moment == "during" or policy == "never" or (policy == "after_close" and moment != "after close"):
        return "none"
    return "full" if with_key else "answers"


def expected(viewer: str, level_for_owner: str, moment: str) -> dict | None:
    """What a viewer sees of grid1's attempt: None when refused (404), else each field's presence."""
    if viewer in ("cadre1", "examiner"):
        return None
    finished = moment != "during"
    level = level_for_owner if viewer == "grid1" else ("full" if viewer == "admin" else "answers")
    level = level if finished else "none"
    return {"answers": viewer == "grid1" or finished, "correctness": level != "none", "marks": level != "none",
            "explanation": level == "full", "key": level == "full", "basis": level == "full", "overall": finished}


def api_fields(response) -> dict | None:
    if response.status_code == 404:
        return None
    data = response.get_json()
    review = data.get("review") or []
    return {"answers": bool(data.get("answers")) and ("questions" in data or "result" in data),
            "correctness": any("is_correct" in row for row in review),
            "marks": any("awarded" in row for row in review),
            "explanation": any("explanation" in row for row in review), "key": any("key" in row for row in review),
            "basis": any("basis" in row for row in review), "overall": data.get("result", {}).get("score") is not None}


def page_fields(response) -> dict | None:
    if response.status_code in (302, 404):  # during: the owner is sent to the paper, others are refused
        return None
    html = response.get_data(as_text=True)
    return {"answers": 'data-testid="review-answer-' in html, "correctness": 'class="card right' in html,
            "marks": "分（满分" in html, "explanation": 'data-testid="review-explanation-' in html,
            "key": 'data-testid="review-key-' in html, "overall": 'data-testid="score"' in html}


def page_expected(viewer: str, want: dict | None, moment: str) -> dict | None:
    if want is None or moment == "during":
        return None
    shown = want["correctness"]  # the page shows answers only inside the review
    return {"answers": shown, "correctness": shown, "marks": shown, "explanation": want["explanation"],
            "key": want["key"], "overall": want["overall"]}


def to_moment(moment: str, org, clock, login, exam) -> None:
    """Move the clock (and cadre1) to a moment; the window closes 2 h after the start."""
    if moment == "later while open":
        clock.now = org.now + timedelta(hours=1)
    elif moment == "closed, extra time running":
        clock.now = org.now + timedelta(hours=1, minutes=50)
        start(login(org.learner), exam.id)  # 30 extra minutes: may answer until 2 h 30 min
        clock.now = org.now + timedelta(hours=2, minutes=10)
    elif moment == "after close":
        clock.now = org.now + timedelta(hours=2, minutes=32)  # past cadre1's deadline and the grace


@pytest.mark.parametrize("policy,with_key", POLICIES, ids=[f"{p}-{'key' if k else 'nokey'}" for p, k in POLICIES])
def test_s02_s15_each_role_sees_what_the_policy_and_its_role_allow(org, bank, login, clock, policy, with_key):
    db.session.execute(update(Question).values(visibility=PUBLIC))
    exam = make_exam(org, review_policy=policy, review_shows_key=with_key, allows_public_questions=True,
                     closes_at=org.now + timedelta(hours=2), audience={"unit_ids": [org.town.id],
                                                                      "roles": ["learner", "hr", "unit_admin"]})
    db.session.add(ExamOverride(exam_id=exam.id, user_id=org.learner.id, kind="extra_time", minutes=30,
                                reason="视力障碍", granted_by_id=org.examiner.id, granted_at=org.now))
    db.session.commit()
    owner = login(org.villager)
    aid = start(owner, exam.id)["attempt_id"]
    for qid, answer in right_answers(aid).items():
        owner.put(f"/api/v1/attempts/{aid}/answers/{qid}", json={"answer": answer})
    wrong, cells = [], 0
    for moment in MOMENTS:
        if moment == "just after":
            login(org.villager).post(f"/api/v1/attempts/{aid}/submit")
        to_moment(moment, org, clock, login, exam)
        level = owner_level(policy, with_key, moment)
        for viewer in VIEWERS:
            client = login(getattr(org, {"grid1": "villager", "cadre1": "learner"}.get(viewer, viewer)))
            want = expected(viewer, level, moment)
            seen = api_fields(client.get(f"/api/v1/attempts/{aid}"))
            page_want = page_expected(viewer, want, moment)
            page_seen = page_fields(client.get(f"/exams/attempts/{aid}/result"))
            for name, got, should in (("API", seen, want), ("page", page_seen, page_want)):
                cells += len(should) if should else len(FIELDS)
                if got != should:
                    wrong.append(f"{moment} · {viewer} · {name}: {got} != {should}")
    print(f"\nS-02/S-15 {policy} key={with_key}: {cells} cells, {len(wrong)} wrong")
    assert wrong == [], "\n".join(wrong)


def wrong(question: dict, keys: dict):
    key = keys[str(question["id"])]
    letters = [o["key"] for o in question.get("options", [])]
    return {"single": lambda: next(k for k in letters if k != key), "multiple": lambda: [letters[0]] if key != [
        letters[0]] else [letters[1]], "true_false": lambda: not key, "blank": lambda: ["错"]}[question["type"]]()


def test_s15_no_confidential_question_is_reachable_through_practice(org, bank, login, clock):
    """A confidential paper (the default): at every moment, practice (page and API) and the wrong-answer book
    never serve one of its questions to the person who sat it."""
    exam = make_exam(org, review_policy="after_submit", closes_at=org.now + timedelta(hours=2))
    owner = login(org.villager)
    paper = start(owner, exam.id)
    stems = [q["stem"] for q in paper["questions"]]
    keys = right_answers(paper["attempt_id"])
    for q in paper["questions"]:  # all wrong, so a released review would feed the book
        owner.put(f"/api/v1/attempts/{paper['attempt_id']}/answers/{q['id']}", json={"answer": wrong(q, keys)})
    reached, tries = [], 0
    for moment in ("during", "just after", "after close"):
        if moment == "just after":
            owner.post(f"/api/v1/attempts/{paper['attempt_id']}/submit")
        if moment == "after close":
            clock.now = org.now + timedelta(hours=3)
        for q in paper["questions"]:
            for path in (f"/practice/question?question={q['id']}", f"/api/v1/practice/next?question={q['id']}"):
                body = owner.get(path).get_data(as_text=True)
                tries += 1
                reached += [f"{moment} {path}" for stem in stems if stem in body]
        book = owner.get("/practice/book").get_data(as_text=True)
        reached += [f"{moment} book" for stem in stems if stem in book]
    print(f"\nS-15 practice: {tries} tries on {len(stems)} confidential questions, {len(reached)} reached")
    assert reached == []
