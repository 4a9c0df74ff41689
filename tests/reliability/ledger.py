"""The acknowledgement-ledger client (catalogue H1).

Each simulated examinee starts an attempt over HTTP with a bearer token and keeps changing answers. Every
save carries a per-question sequence number; a save counts as acknowledged only when the server answers 2xx
and echoes the question and that sequence. On a dropped connection or a 5xx the client sends the *same*
sequence and value again with backoff, as the browser's queue does. At the end `check()` compares the ledger
with the database: an acknowledged answer is lost when the stored sequence is lower than the highest
acknowledged one; a stored value that was never sent with its sequence is a phantom.
"""

import http.client
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

RETRY_FOR_SECONDS = 60


@dataclass
class Ledger:
    """Everything the clients sent and what the server acknowledged, shared by all client threads."""

    sent: dict = field(default_factory=dict)  # (attempt, question, seq) -> value
    acked: dict = field(default_factory=dict)  # (attempt, question) -> highest acknowledged seq
    latencies: list = field(default_factory=list)  # seconds from first send to acknowledgement
    statuses: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)  # (status, headers, body) of every non-2xx answer
    gave_up: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def acknowledged(self) -> int:
        return len(self.latencies)

    def check(self, stored: dict) -> dict:
        """Classify every (attempt, question) the clients touched: lost, phantom."""
        lost, phantom = [], []
        for key, top in self.acked.items():
            value, seq = stored.get(key, (None, 0))
            if seq < top:
                lost.append((key, top, seq))
        touched = {(a, q) for a, q, _ in self.sent}
        for key in touched:
            value, seq = stored.get(key, (None, 0))
            if seq and normal(self.sent.get((*key, seq), object())) != normal(value):
                phantom.append((key, seq, value))
        return {"acknowledged": self.acknowledged, "lost": lost, "phantom": phantom}

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


def normal(value):
    return sorted(value) if isinstance(value, list) else value


def random_answer(question: dict, rng: random.Random):
    kind = question["type"]
    keys = [option["key"] for option in question.get("options") or []]
    if kind == "single":
        return rng.choice(keys)
    if kind == "multiple":
        return sorted(rng.sample(keys, rng.randint(1, len(keys))))
    if kind == "true_false":
        return rng.random() < 0.5
    return [f"答{rng.randint(1, 99)}" for _ in range(question.get("blanks") or 1)]


class Examinee(threading.Thread):
    """One learner: start (or resume) the attempt, then save answers until told to stop."""

    def __init__(self, base_port: int, token: str, exam_id: int, ledger: Ledger, stop: threading.Event,
                 think: float = 1.0, seed: int = 0):
        super().__init__(daemon=True)
        self.port, self.token, self.exam_id, self.ledger, self.stop_event = base_port, token, exam_id, ledger, stop
        self.think, self.rng = think, random.Random(seed)
        self.conn: http.client.HTTPConnection | None = None
        self.attempt_id: int | None = None
        self.seqs: Counter = Counter()
        self.error: BaseException | None = None

    def connect(self) -> http.client.HTTPConnection:
        """A new connection to the server (the scale-out test makes it HTTPS, to nginx)."""
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=35)

    def request(self, method: str, path: str, body=None) -> tuple[int, dict, bytes]:
        reused = self.conn is not None
        if self.conn is None:
            self.conn = self.connect()
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        try:
            self.conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
            response = self.conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = None
            if reused and isinstance(exc, http.client.RemoteDisconnected | BrokenPipeError | ConnectionResetError):
                # The server closed an idle keep-alive connection: send again on a new one, as browsers do.
                with self.ledger.lock:
                    self.ledger.statuses["reconnected"] += 1
                return self.request(method, path, body)
            raise

    def persist(self, method: str, path: str, body=None, accept=lambda status, data: 200 <= status < 300):
        """Send until accepted (retrying drops and 5xx with backoff); return (status, json) or None."""
        delay, give_up = 0.2, time.monotonic() + RETRY_FOR_SECONDS
        while time.monotonic() < give_up:
            try:
                status, headers, raw = self.request(method, path, body)
            except (OSError, http.client.HTTPException):
                status, headers, raw = None, {}, b""
            data = safe_json(raw)
            with self.ledger.lock:
                self.ledger.statuses[status or "dropped"] += 1
                if status is not None and not 200 <= status < 300:
                    self.ledger.failures.append((status, headers, raw[:2000]))
            if status is not None and accept(status, data):
                return status, data
            if status is not None and status < 500:
                return status, data  # a definite refusal: retrying the same request cannot change it
            time.sleep(delay * (0.5 + self.rng.random()))
            delay = min(delay * 2, 5.0)
        with self.ledger.lock:
            self.ledger.gave_up += 1
        return None

    def run(self) -> None:
        try:
            started = self.persist("POST", f"/api/v1/exams/{self.exam_id}/attempts")
            if started is None or started[0] not in (200, 201):
                raise RuntimeError(f"could not start: {started}")
            paper = started[1]
            self.attempt_id = paper["attempt_id"]
            questions = paper["questions"]
            while not self.stop_event.is_set():
                self.save(self.rng.choice(questions))
                self.stop_event.wait(self.rng.expovariate(1 / self.think) if self.think else 0)
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            if self.conn is not None:
                self.conn.close()

    def save(self, question: dict) -> None:
        qid = question["id"]
        self.seqs[qid] += 1
        seq, value = self.seqs[qid], random_answer(question, self.rng)
        key = (self.attempt_id, qid)
        with self.ledger.lock:
            self.ledger.sent[(*key, seq)] = value
        began = time.monotonic()

        def echoed(status, data):
            return 200 <= status < 300 and data.get("question_id") == str(qid) and data.get("seq", -1) >= seq

        outcome = self.persist("PUT", f"/api/v1/attempts/{self.attempt_id}/answers/{qid}",
                               {"answer": value, "seq": seq}, accept=echoed)
        if outcome is not None and echoed(*outcome):
            with self.ledger.lock:
                self.ledger.latencies.append(time.monotonic() - began)
                self.ledger.acked[key] = max(self.ledger.acked.get(key, 0), seq)


def safe_json(raw: bytes) -> dict:
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def run_examinees(port: int, world, seconds: float, think: float, during=None, until_acked: int = 0,
                  cap: float = 0, kind: type[Examinee] = Examinee) -> tuple[Ledger, list[Examinee]]:
    """Run one examinee per token for `seconds` (calling `during(ledger)` meanwhile), then on until
    `until_acked` saves were acknowledged or `cap` seconds passed; return the ledger and the examinees."""
    ledger, stop = Ledger(), threading.Event()
    examinees = [kind(port, token, world.exam_id, ledger, stop, think=think, seed=uid)
                 for uid, token in world.tokens.items()]
    for examinee in examinees:
        examinee.start()
    began = time.monotonic()
    if during is not None:
        during(ledger)
    stop.wait(max(0.0, seconds - (time.monotonic() - began)))
    while ledger.acknowledged < until_acked and time.monotonic() - began < cap:
        time.sleep(0.2)
    stop.set()
    for examinee in examinees:
        examinee.join(RETRY_FOR_SECONDS + 40)
    errors = [e.error for e in examinees if e.error is not None]
    assert not errors, errors[:3]
    return ledger, examinees
