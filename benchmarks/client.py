"""A small HTTP client for the multi-step flows wrk cannot script: start, submit, a synchronised start, practice."""

import http.client
import json
import statistics
import threading
import time
from dataclasses import dataclass, field

ANSWERS = {"single": "B", "multiple": ["A", "C"], "true_false": True}


class Client:
    """One keep-alive connection with one learner's bearer token."""

    def __init__(self, port: int, token: str, timeout: float = 30):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body=None) -> tuple[int, dict | None, float]:
        """Send one request; return (status, JSON body or None, milliseconds)."""
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=None if body is None else json.dumps(body), headers=self.headers)
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            return 0, None, (time.perf_counter() - start) * 1000
        elapsed = (time.perf_counter() - start) * 1000
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = None
        return response.status, data, elapsed

    def close(self) -> None:
        self.conn.close()


@dataclass
class Timings:
    values: list[float] = field(default_factory=list)
    errors: int = 0

    def p(self, q: float) -> float:
        if not self.values:
            return float("nan")
        ordered = sorted(self.values)
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))]

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")


def start_attempts(port: int, exam_id: int, learners: list[dict]) -> tuple[Timings, list[dict]]:
    """Start one attempt per learner, one after another: the draw-and-freeze latency; return the papers."""
    timings, papers = Timings(), []
    for learner in learners:
        client = Client(port, learner["token"])
        status, data, ms = client.call("POST", f"/api/v1/exams/{exam_id}/attempts")
        client.close()
        if status != 201 or not data:
            timings.errors += 1
            continue
        timings.values.append(ms)
        papers.append({"attempt_id": data["attempt_id"], "token": learner["token"],
                       "items": [(q["id"], q["type"]) for q in data["questions"]]})
    return timings, papers


def submit_attempts(port: int, papers: list[dict]) -> Timings:
    """Submit and score each attempt (50 questions), one after another."""
    timings = Timings()
    for paper in papers:
        client = Client(port, paper["token"])
        status, data, ms = client.call("POST", f"/api/v1/attempts/{paper['attempt_id']}/submit")
        client.close()
        if status == 200 and data and data.get("state") == "finished" and data.get("score") is not None:
            timings.values.append(ms)
        else:
            timings.errors += 1
    return timings


def synchronised_start(port: int, exam_id: int, learners: list[dict], double_every: int = 3) -> dict:
    """Every learner presses start at the same instant (every `double_every`-th one twice, a double tap).

    Returns the timings and, per learner, the set of attempt ids the replies named.
    """
    presses = [(n, learner) for n, learner in enumerate(learners)]
    presses += [(n, learner) for n, learner in enumerate(learners) if n % double_every == 0]
    barrier = threading.Barrier(len(presses))
    timings, seen, lock = Timings(), {}, threading.Lock()

    def press(n: int, learner: dict) -> None:
        client = Client(port, learner["token"], timeout=60)
        barrier.wait()
        status, data, ms = client.call("POST", f"/api/v1/exams/{exam_id}/attempts")
        client.close()
        with lock:
            if status == 201 and data:
                timings.values.append(ms)
                seen.setdefault(n, set()).add(data["attempt_id"])
            else:
                timings.errors += 1

    threads = [threading.Thread(target=press, args=p) for p in presses]
    for thread in threads:
        thread.start()
    # The load generator shares the 2 cores: its own CPU time from the barrier's release (the last thread
    # started) to the last reply says how much of the burst it took from the server.
    cpu = time.process_time()
    for thread in threads:
        thread.join()
    return {"timings": timings, "seen": seen, "presses": len(presses),
            "client_cpu_s": round(time.process_time() - cpu, 2)}


def practice_round_trips(port: int, learner: dict, paper: dict, count: int, warmup: int = 0) -> dict:
    """Alternate an exam answer save with a practice round trip (serve the next question, answer it): `warmup`
    rounds whose figures are dropped (errors still count), then `count` measured ones."""
    client = Client(port, learner["token"])
    out = {"save": Timings(), "practice_answer": Timings(), "practice_next": Timings(), "warmup": warmup}
    for i in range(warmup + count):
        qid, kind = paper["items"][i % len(paper["items"])]
        status, _, ms = client.call("PUT", f"/api/v1/attempts/{paper['attempt_id']}/answers/{qid}",
                                    {"answer": ANSWERS[kind]})
        record(out["save"], status, ms, i >= warmup)
        status, data, ms = client.call("GET", "/api/v1/practice/next")
        record(out["practice_next"], status, ms, i >= warmup)
        question = (data or {}).get("question")
        if not question:
            out["practice_answer"].errors += 1
            continue
        status, _, ms = client.call("POST", "/api/v1/practice/answers",
                                    {"question_id": question["id"], "answer": ANSWERS.get(question["type"], "A")})
        record(out["practice_answer"], status, ms, i >= warmup)
    client.close()
    return out


def record(timings: Timings, status: int, ms: float, measured: bool = True) -> None:
    if status != 200:
        timings.errors += 1
    elif measured:
        timings.values.append(ms)
