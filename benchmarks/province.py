"""Generate the province data set in a scratch PostgreSQL database (issue 13).

1,000,000 people in 5,000 units (province → 16 cities → 96 counties → 960 towns → 3,927 villages), one
published exam with 1,000,000 finished attempts of 50 answered items each, a certificate for every passed
counted attempt, study credits for a third of the people, and two smaller exams (10,000 and 100,000
attempts, no items) for the growth table. The schema comes from the app's own migrations
(`flask db upgrade`); bulk rows go in with COPY (psycopg) or INSERT … SELECT generate_series, never the ORM.

    python benchmarks/province.py            # drops and recreates examapp_province (never another database)
    python benchmarks/province.py --people 100000 --units 500    # a smaller run of the same shape

The one big county (乌塘县, 50,000 people) is what province_bench.py reports on.
"""

import json
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import click
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DB_NAME = os.environ.get("PROVINCE_DB", "examapp_province")  # a smaller trial: examapp_province_small
if not DB_NAME.startswith("examapp_province"):
    raise SystemExit("PROVINCE_DB 必须以 examapp_province 开头：生成器会删除并重建这个数据库。")
SERVER = "postgresql://postgres@127.0.0.1:5432"
URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB_NAME}"
SECRET = "province-benchmark-secret-key-0123456789abcdef"  # signatures verify only under this key
RUN_FILE = Path(__file__).resolve().parent / ".run" / f"{DB_NAME}.json"
YEAR = 2026
OPENS = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
CITIES, COUNTIES_PER_CITY, TOWNS_PER_COUNTY = 16, 6, 10
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玉兰海燕志强晓东春生文斌丹凤"
POSITIONS = ("科员", "副科长", "科长", "办事员", "网格员", "执法队员", "村委委员", "副镇长")
PASS_K = 30  # 2 points a question: 30 right of 50 is the pass mark 60


def k_right(attempt_id: int) -> int:
    """How many of an attempt's 50 items are right (deterministic; SQL derives the items from it)."""
    h = attempt_id * 2654435761 % 4294967296
    return min(50, 16 + h % 18 + (h >> 8) % 18)


def name_of(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 331) % len(GIVEN)]


class Clock:
    """Step timings, printed at the end."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, float]] = []
        self.started = time.perf_counter()

    def step(self, label: str, since: float) -> None:
        seconds = time.perf_counter() - since
        self.steps.append((label, seconds))
        click.echo(f"  {label}：{seconds:.1f} 秒")


def reset_database() -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    env = dict(os.environ, DATABASE_URL=URL, SECRET_KEY=SECRET, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)


def unit_tree(units_total: int, people: int):
    """Return unit rows (id, name, parent, path, full_name, kind, order) and (unit id, people) slots."""
    cities, per_city = CITIES, COUNTIES_PER_CITY
    counties = cities * per_city
    towns = counties * TOWNS_PER_COUNTY
    villages = max(0, units_total - 1 - cities - counties - towns)
    rows, slots = [], []

    def add(name, parent, kind, order):
        uid = len(rows) + 1
        p = rows[parent - 1] if parent else None
        path = f"{p[3]}{uid}/" if p else f"/{uid}/"
        rows.append((uid, name, parent, path, f"{p[4]}/{name}" if p else name, kind, order))
        return uid

    root = add("江南省", None, "province", 0)
    town_no = 0
    for c in range(cities):
        city = add(f"第{c + 1}市", root, "city", c)
        for k in range(per_city):
            county_no = len(slots) + 1
            name = "乌塘县" if county_no == 1 else f"第{c + 1}市第{k + 1}县"
            county = add(name, city, "county", k)
            leaves = []
            for t in range(TOWNS_PER_COUNTY):
                town = add(f"{name}第{t + 1}镇", county, "town", t)
                leaves.append(town)
                share = villages // towns + (1 if town_no < villages % towns else 0)
                town_no += 1
                for v in range(share):
                    leaves.append(add(f"{name}第{t + 1}镇第{v + 1}村民委员会", town, "village", 100 + v))
            slots.append((county_no, leaves))
    big = people // 20  # the one county whose report is measured (50,000 of 1,000,000)
    # People per county: the big one 50,000, its five neighbours in the first city (so that city holds
    # 100,000 with it: the growth exam's audience), the rest split evenly.
    counts = [big] + [big // 5] * (per_city - 1)
    rest = people - sum(counts)
    others = counties - per_city
    counts += [rest // others + (1 if i < rest % others else 0) for i in range(others)]
    placed = []
    for (_, leaves), count in zip(slots, counts, strict=True):
        placed.append([(leaves[i % len(leaves)]) for i in range(count)])
    return rows, placed


def copy_rows(cur, table: str, columns: tuple[str, ...], rows, label: str, total: int) -> None:
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy, \
            click.progressbar(length=total, label=label, show_pos=True) as bar:
        batch = 0
        for row in rows:
            copy.write_row(row)
            batch += 1
            if batch == 10000:
                bar.update(batch)
                batch = 0
        bar.update(batch)


def setval(cur, table: str) -> None:
    cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def load_units(cur, rows) -> None:
    now = OPENS - timedelta(days=300)
    copy_rows(cur, "units", ("id", "name", "parent_id", "path", "full_name", "kind", "sort_order", "is_archived",
                             "created_at", "updated_at"),
              (r + (False, now, now) for r in rows), "单位", len(rows))
    setval(cur, "units")


def people_rows(placed, first_id: int):
    now = OPENS - timedelta(days=200)
    uid = first_id
    for leaves in placed:
        for unit_id in leaves:
            yield (uid, f"p{uid:07d}", name_of(uid), "", "learner", unit_id, POSITIONS[uid % len(POSITIONS)], "",
                   "", uid % 13 == 0, uid % 3 == 0, uid % 11 == 0, "active", "", "", False, 0, 0, now, now)
            uid += 1


def load_people(cur, placed) -> tuple[int, int]:
    cur.execute("SELECT coalesce(max(id), 0) FROM users")
    first = cur.fetchone()[0] + 1
    total = sum(len(p) for p in placed)
    copy_rows(cur, "users", ("id", "username", "name", "password_hash", "role", "unit_id", "position", "rank",
                             "phone", "is_leader", "is_grid_worker", "is_enforcement", "status", "exempt_reason",
                             "exempt_approved_by", "must_change_password", "failed_logins", "session_version",
                             "created_at", "updated_at"),
              people_rows(placed, first), "人员", total)
    setval(cur, "users")
    return first, first + total - 1


ATTEMPT_COLUMNS = ("id", "exam_id", "user_id", "number", "state", "is_makeup", "variant", "seed", "draw",
                   "started_at", "deadline_at", "finished_at", "finish_reason", "score", "max_score", "passed",
                   "excellent", "leave_count")


def attempt_row(aid: int, exam_id: int, user_id: int, number: int, k: int):
    started = OPENS + timedelta(seconds=aid * 37 % (40 * 86400))
    finished = started + timedelta(minutes=20 + aid % 40)
    return (aid, exam_id, user_id, number, "finished", False, "default", aid * 7919, "{}", started,
            started + timedelta(minutes=90), finished, "submitted", 2 * k, 100, k >= PASS_K, k >= 45, 0)


def main_attempts(first_user: int, last_user: int, total: int, exam_id: int, first_id: int):
    """95% of people sit once; the first failers retake until there are `total` attempts; 5% stay away."""
    sitting = min(total, (last_user - first_user + 1) * 19 // 20)
    retakes = total - sitting
    aid = first_id
    for n in range(sitting):
        uid = first_user + n
        k = k_right(aid)
        yield attempt_row(aid, exam_id, uid, 1, k), (uid, aid, k)
        aid += 1
        if retakes and k < PASS_K:
            retakes -= 1
            k2 = k_right(aid)
            yield attempt_row(aid, exam_id, uid, 2, k2), (uid, aid, k2)
            aid += 1


def load_attempts(cur, first_user: int, last_user: int, total: int, exam_id: int) -> dict[int, tuple[int, int]]:
    """COPY the main exam's attempts; return each sitter's counted (highest) attempt: user → (attempt, k)."""
    cur.execute("SELECT coalesce(max(id), 0) FROM attempts")
    first_id = cur.fetchone()[0] + 1
    best: dict[int, tuple[int, int]] = {}

    def rows():
        for row, (uid, aid, k) in main_attempts(first_user, last_user, total, exam_id, first_id):
            if uid not in best or k > best[uid][1]:
                best[uid] = (aid, k)
            yield row

    copy_rows(cur, "attempts", ATTEMPT_COLUMNS, rows(), "考试记录", total)
    setval(cur, "attempts")
    return best


def load_growth_attempts(cur, exam_id: int, user_ids: list[int], label: str) -> None:
    cur.execute("SELECT coalesce(max(id), 0) FROM attempts")
    aid = cur.fetchone()[0] + 1
    rows = (attempt_row(aid + i, exam_id, uid, 1, k_right(aid + i)) for i, uid in enumerate(user_ids))
    copy_rows(cur, "attempts", ATTEMPT_COLUMNS, rows, label, len(user_ids))
    setval(cur, "attempts")


ITEMS_SQL = """
INSERT INTO attempt_items (attempt_id, position, section, question_id, question_version_id, type, points,
                           content, option_order, key, answer, answer_seq, answered_at, is_flagged, is_correct,
                           awarded)
SELECT a.id, p.position, p.section, q.question_id, q.version_id, p.type, 2,
       q.content, q.option_order, q.key,
       CASE WHEN right_ THEN q.key ELSE q.wrong END,
       p.position, a.started_at + make_interval(secs => p.position * 20), false, right_,
       CASE WHEN right_ THEN 2 ELSE 0 END
FROM attempts a
CROSS JOIN province_positions p
CROSS JOIN LATERAL (SELECT ((p.position - 1) * 17 + a.id) %% 50 < a.score / 2 AS right_) r
JOIN province_questions q ON q.type = p.type AND q.n = (a.id * 7 + p.position * 97) %% p.pool
WHERE a.exam_id = %(exam)s AND a.id BETWEEN %(lo)s AND %(hi)s
"""


def prepare_item_sources(cur) -> None:
    """Two small helper tables: the 50 paper positions, and each question's frozen content by type."""
    cur.execute("""
        CREATE TEMP TABLE province_positions AS
        SELECT g AS position,
               CASE WHEN g <= 25 THEN 'single' WHEN g <= 40 THEN 'multiple' ELSE 'true_false' END AS type,
               CASE WHEN g <= 25 THEN '单选题' WHEN g <= 40 THEN '多选题' ELSE '判断题' END AS section
        FROM generate_series(1, 50) g""")
    cur.execute("""
        CREATE TEMP TABLE province_questions AS
        SELECT q.id AS question_id, v.id AS version_id, q.type,
               (row_number() OVER (PARTITION BY q.type ORDER BY q.id) - 1)::int AS n,
               CASE WHEN q.type = 'true_false' THEN json_build_object('stem', v.stem)
                    ELSE json_build_object('stem', v.stem, 'options', v.options) END AS content,
               CASE WHEN q.type = 'true_false' THEN '[]'::json ELSE '["A","B","C","D"]'::json END AS option_order,
               v.answer AS key,
               CASE q.type WHEN 'single' THEN (CASE WHEN v.answer::text = '"A"' THEN '"B"' ELSE '"A"' END)::json
                           WHEN 'multiple' THEN '["A"]'::json
                           ELSE (CASE WHEN v.answer::text = 'true' THEN 'false' ELSE 'true' END)::json END AS wrong
        FROM questions q JOIN question_versions v ON v.id = q.current_version_id""")
    cur.execute("ALTER TABLE province_positions ADD COLUMN pool int")
    cur.execute("""UPDATE province_positions p SET pool = (SELECT count(*) FROM province_questions q
                                                           WHERE q.type = p.type)""")
    cur.execute("CREATE INDEX ON province_questions (type, n)")


def secondary_ddl(cur, table: str) -> list[tuple[str, str]]:
    """(drop, create) statements for a table's foreign keys, unique constraints and non-primary indexes."""
    cur.execute("""SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                   WHERE conrelid = %s::regclass AND contype IN ('f', 'u')""", (table,))
    constraints = cur.fetchall()
    names = {name for name, _ in constraints}
    out = [(f"ALTER TABLE {table} DROP CONSTRAINT {name}", f"ALTER TABLE {table} ADD CONSTRAINT {name} {ddl}")
           for name, ddl in constraints]
    cur.execute("""SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                   WHERE x.indrelid = %s::regclass AND NOT x.indisprimary""", (table,))
    out += [(f"DROP INDEX {name}", ddl) for name, ddl in cur.fetchall() if name not in names]
    return out


def load_items(conn, exam_id: int, clock: Clock, chunk: int = 20000) -> None:
    """50 items per attempt of the main exam, built in the server in chunks of attempts."""
    with conn.cursor() as cur:
        prepare_item_sources(cur)
        ddl = secondary_ddl(cur, "attempt_items")
        for drop, _ in ddl:
            cur.execute(drop)
        cur.execute("SELECT min(id), max(id) FROM attempts WHERE exam_id = %s", (exam_id,))
        lo, hi = cur.fetchone()
        conn.commit()
        started = time.perf_counter()
        with click.progressbar(range(lo, hi + 1, chunk), label="答题明细（每份 50 题）", show_pos=True) as bar:
            for start in bar:
                cur.execute(ITEMS_SQL, {"exam": exam_id, "lo": start, "hi": min(hi, start + chunk - 1)})
                conn.commit()
        clock.step("答题明细写入", started)
        started = time.perf_counter()
        cur.execute("SET maintenance_work_mem = '512MB'")
        with click.progressbar(ddl, label="答题明细的索引与约束", show_pos=True) as bar:
            for _, create in bar:
                cur.execute(create)
                conn.commit()
        setval(cur, "attempt_items")
        conn.commit()
        clock.step("答题明细索引与约束", started)


def certificate_rows(best, exam, units_by_user, names_by_user):
    from examapp.records import signing

    passed_on = (OPENS + timedelta(days=20)).date()
    cid = 0
    for uid, (aid, k) in best.items():
        if k < PASS_K:
            continue
        cid += 1
        code = signing._b32(cid.to_bytes(5, "big"), 8)  # unique per certificate, in the serial alphabet
        body = f"XF{YEAR}-{code[:4]}-{code[4:]}"
        serial = f"{body}-{signing.check_code(body)}"
        content = {"serial": serial, "user_id": uid, "holder_name": names_by_user(uid),
                   "unit_name": units_by_user(uid), "exam_id": exam["id"], "exam_title": exam["title"],
                   "exam_year": YEAR, "score": f"{2 * k:.2f}", "max_score": "100.00",
                   "grade": "excellent" if k >= 45 else "pass", "passed_on": passed_on.isoformat(),
                   "is_qualification": False, "valid_until": None}
        yield (cid, serial, uid, exam["id"], aid, content["holder_name"], content["unit_name"], exam["title"],
               YEAR, 2.0 * k, 100.0, content["grade"], passed_on, False, None, signing.sign(content),
               OPENS + timedelta(days=20), "")


def load_certificates(cur, best, exam) -> int:
    cur.execute("SELECT u.id, u.name, n.full_name FROM users u JOIN units n ON n.id = u.unit_id "
                "WHERE u.role = 'learner'")
    people = {uid: (name, unit) for uid, name, unit in cur.fetchall()}
    total = sum(1 for _, k in best.values() if k >= PASS_K)
    copy_rows(cur, "certificates", ("id", "serial", "user_id", "exam_id", "attempt_id", "holder_name", "unit_name",
                                    "exam_title", "exam_year", "score", "max_score", "grade", "passed_on",
                                    "is_qualification", "valid_until", "signature", "issued_at", "revoke_reason"),
              certificate_rows(best, exam, lambda u: people[u][1], lambda u: people[u][0]), "合格证书", total)
    setval(cur, "certificates")
    return total


def load_credits(cur, first_user: int, last_user: int) -> int:
    cur.execute("SELECT id FROM laws ORDER BY id")
    laws = [r[0] for r in cur.fetchall()]
    now = OPENS

    def rows():
        for uid in range(first_user, last_user + 1, 3):
            for j in range(1 + uid % 3):
                yield (uid, laws[(uid + j) % len(laws)], date(2026, 3, 1) + timedelta(days=uid % 200),
                       600 + uid % 1800, uid % 2, now, uid % 20)

    total = sum(1 + uid % 3 for uid in range(first_user, last_user + 1, 3))
    copy_rows(cur, "study_credits", ("user_id", "law_id", "day", "seconds", "cases", "updated_at",
                                     "practice_answers"), rows(), "学习学时", total)
    return total


def make_app():
    """The app on the province database, with the key its certificates are signed with."""
    os.environ.update(DATABASE_URL=URL, SECRET_KEY=SECRET)
    from examapp import create_app

    return create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


def app_objects(app) -> dict:
    """Laws, the 5,000-question bank, staff accounts and the exams, through the app (small and few)."""
    from benchmarks.seed import BLUEPRINT, make_bank
    from examapp.exams.models import Exam
    from examapp.extensions import db
    from examapp.org.models import Unit, User
    from examapp.study.loader import ensure_library

    with app.app_context():
        ensure_library(OPENS)
        make_bank(5000)
        root = db.session.get(Unit, 1)
        county = db.session.scalar(db.select(Unit).where(Unit.name == "乌塘县"))
        city = db.session.get(Unit, county.parent_id)
        small = db.session.scalar(db.select(Unit).where(Unit.kind == "county", Unit.id != county.id,
                                                        Unit.parent_id != city.id).order_by(Unit.id))
        staff = {}
        for username, role, unit in (("province_hr", "hr", root), ("county_hr", "hr", county),
                                     ("province_admin", "admin", root)):
            user = User(username=username, name={"hr": "人事干部", "admin": "系统管理员"}[role], role=role, unit=unit,
                        scope_unit=unit)
            user.set_password("Province-2026!")
            db.session.add(user)
            staff[username] = user
        exams = {}
        for key, title, audience in (("main", f"{YEAR}年度全省国家工作人员学法考试", root),
                                     ("g10k", f"{YEAR}年度县级学法考试（一万人）", small),
                                     ("g100k", f"{YEAR}年度市级学法考试（十万人）", city)):
            exam = Exam(title=title, year=YEAR, status="published", opens_at=OPENS,
                        closes_at=OPENS + timedelta(days=60), duration_minutes=90, max_attempts=3,
                        audience={"unit_ids": [audience.id]}, blueprint=BLUEPRINT, allows_public_questions=True,
                        published_at=OPENS, created_by=staff["province_admin"])
            db.session.add(exam)
            exams[key] = exam
        db.session.commit()
        return {"exams": {k: {"id": e.id, "title": e.title} for k, e in exams.items()},
                "units": {"root": root.id, "county": county.id, "city": city.id, "small": small.id},
                "staff": {k: u.id for k, u in staff.items()}}


def summary_rebuild() -> int:
    from examapp.db import lift_statement_timeout
    from examapp.exams.results import rebuild
    from examapp.extensions import db

    lift_statement_timeout(db.session)  # as `flask exams rebuild-results` does
    written = rebuild()
    db.session.commit()
    return written


def subtree_people(cur, unit_id: int) -> list[int]:
    cur.execute("""SELECT u.id FROM users u JOIN units n ON n.id = u.unit_id
                   WHERE n.path LIKE (SELECT path FROM units WHERE id = %s) || '%%' AND u.role = 'learner'
                   ORDER BY u.id""", (unit_id,))
    return [r[0] for r in cur.fetchall()]


@click.command()
@click.option("--people", default=1_000_000, show_default=True)
@click.option("--units", "units_total", default=5000, show_default=True)
@click.option("--attempts", default=1_000_000, show_default=True, help="finished attempts of the main exam")
def generate(people: int, units_total: int, attempts: int) -> None:
    """Drop and regenerate examapp_province."""
    clock = Clock()
    t = time.perf_counter()
    reset_database()
    clock.step("建库并执行迁移（flask db upgrade）", t)
    rows, placed = unit_tree(units_total, people)
    with psycopg.connect(f"{SERVER}/{DB_NAME}") as conn, conn.cursor() as cur:
        t = time.perf_counter()
        load_units(cur, rows)
        conn.commit()
        clock.step(f"{len(rows):,} 个单位", t)
        t = time.perf_counter()
        first, last = load_people(cur, placed)
        conn.commit()
        clock.step(f"{last - first + 1:,} 名人员", t)
    t = time.perf_counter()
    app = make_app()
    info = app_objects(app)
    clock.step("法规库、5,000 道题、考试与管理账号（经应用写入）", t)
    exams = info["exams"]
    with psycopg.connect(f"{SERVER}/{DB_NAME}") as conn:
        with conn.cursor() as cur:
            t = time.perf_counter()
            best = load_attempts(cur, first, last, attempts, exams["main"]["id"])
            growth = (("g10k", "small", "增长对照考试（一万人）"), ("g100k", "city", "增长对照考试（十万人）"))
            for key, unit, label in growth:
                load_growth_attempts(cur, exams[key]["id"], subtree_people(cur, info["units"][unit]), label)
            conn.commit()
            clock.step("考试记录", t)
        load_items(conn, exams["main"]["id"], clock)
        with conn.cursor() as cur:
            t = time.perf_counter()
            with app.app_context():
                info["certificates"] = load_certificates(cur, best, exams["main"])
            conn.commit()
            clock.step(f"{info['certificates']:,} 张合格证书（逐张签名）", t)
            t = time.perf_counter()
            info["credits"] = load_credits(cur, first, last)
            conn.commit()
            clock.step(f"{info['credits']:,} 条学习学时", t)
    t = time.perf_counter()
    with app.app_context():
        info["results"] = summary_rebuild()
    clock.step(f"成绩汇总 exam_results：{info['results']:,} 行（与 flask exams rebuild-results 同一函数）", t)
    t = time.perf_counter()
    with psycopg.connect(f"{SERVER}/{DB_NAME}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    clock.step("整理与统计（VACUUM ANALYZE）", t)
    info["people"], info["attempts"] = last - first + 1, attempts
    info["timings"] = dict(clock.steps)
    RUN_FILE.parent.mkdir(exist_ok=True)
    RUN_FILE.write_text(json.dumps(info, ensure_ascii=False, indent=1))
    click.echo(f"完成：共用时 {time.perf_counter() - clock.started:.0f} 秒；数据库 {DB_NAME}。")


if __name__ == "__main__":
    generate()
