"""Everything `flask --app wsgi …` prints for an operator is Chinese: every --help and the main commands' output."""

import re
from importlib import import_module

import click
import pytest

from examapp.cli import CLI_MODULES, translate

from ..bank.helpers import SAMPLE_DIR
from ..conftest import make_app

# Three or more English words in one stretch of ASCII text make an English sentence. Option names, paths and
# file names, quoted commands, code spans and an option's [a|b] choices are names to type, not text to read;
# all-capital words are metavariables (FILE) or format names (GIFT). They are left out.
NAMES = [re.compile(p) for p in (r"`[^`]*`", r'"[^"]*"', r"\[[^\]\n]*\]", r"(?<![\w-])--?[A-Za-z][\w-]*",
                                 r"\S*[/\\]\S*", r"\S*\.[A-Za-z]\w*\S*")]
ASCII_RUN = re.compile(r"[ -~\t]+")
WORD = re.compile(r"[A-Za-z]+")


def english_sentences(text: str) -> list[str]:
    for pattern in NAMES:
        text = pattern.sub(" ", text)
    found = []
    for run in ASCII_RUN.findall(text):
        tokens = (token.replace("(s)", "").strip("(),;:.!?'") for token in run.split())
        if sum(1 for token in tokens if WORD.fullmatch(token) and not token.isupper()) >= 3:
            found.append(run.strip())
    return found


def test_the_detector_finds_english_and_leaves_names_alone():
    assert english_sentences("  --dry-run  Check everything, write nothing.") == ["Check everything, write nothing."]
    assert english_sentences("closed 0 overdue attempt(s); 0 failed")
    assert not english_sentences("用法：flask users [选项] USERNAME\n  --role [learner|unit_admin|hr]")
    assert not english_sentences("请先运行 \"flask --app wsgi db upgrade\"；文件 instance/backups/a b c.json。")
    assert not english_sentences("新题的可见范围：confidential 保密或 public 公开。  [默认：confidential]")


def our_commands() -> list[tuple[str, ...]]:
    """The path of every command and group the project registers (not Flask's or Flask-Migrate's own)."""
    tops = [translate] + [c for name in CLI_MODULES for c in getattr(_module(name), "COMMANDS", ())]
    paths = []
    for top in tops:
        paths.append((top.name,))
        if isinstance(top, click.Group):
            paths += [(top.name, sub) for sub in top.commands]
    return paths


def _module(name: str):
    try:
        return import_module(name)
    except ModuleNotFoundError:
        return None


@pytest.mark.parametrize("path", our_commands(), ids=" ".join)
def test_help_is_chinese(runner, path):
    result = runner.invoke(args=[*path, "--help"])
    assert result.exit_code == 0, result.output
    assert re.search(r"[\u4e00-\u9fff]", result.output.split("\n\n")[1]), result.output  # a Chinese first line
    assert english_sentences(result.output.replace(" ".join(path), " ")) == [], result.output


def run_all(runner, tmp_path) -> dict[str, str]:
    """The main commands, on their ordinary and their failing paths; everything they print."""
    empty, laws, bank = tmp_path / "empty", tmp_path / "laws", tmp_path / "bank"
    for folder in (empty, laws, bank):
        folder.mkdir()
    (laws / "broken-2099.md").write_text("# 测试法\n\n2020年1月1日 通过\n\n第一条 内容\n", encoding="utf-8")
    sample = (SAMPLE_DIR / "sample.yaml").read_text(encoding="utf-8")
    (bank / "sample.yaml").write_text(sample.replace("answer: A\n", "answer: Z\n", 1), encoding="utf-8")
    people = tmp_path / "people.csv"
    people.write_text("姓名,账号\n张三,zhangsan\n", encoding="utf-8-sig")
    questions = tmp_path / "questions.csv"
    questions.write_text("题型,题干,选项A,选项B,答案\n单选,问,甲,乙,C\n", encoding="utf-8")
    commands = [
        ["translate", "compile"],
        ["content", "load", "--laws", str(empty), "--cases", str(empty), "--bank", str(empty)],
        ["content", "load", "--laws", str(laws), "--cases", str(empty), "--bank", str(bank)],
        ["questions", "import", str(questions)], ["questions", "import", str(questions), "--dry-run"],
        ["questions", "stats", "--summary"], ["questions", "export", str(tmp_path / "all.gift")],
        ["questions", "sweep-uploads"],
        ["users", "create", "clitest", "--role", "learner", "--unit", "乌塘镇"],
        ["users", "create", "clitest2", "--role", "learner", "--unit", "无此单位"],
        ["users", "token", "nobody"], ["users", "import", str(people), "--dry-run"],
        ["exams", "close-overdue"], ["exams", "regrade-rule"], ["exams", "regrade-rule", "999999"],
        ["exams", "rebuild-results"],
        ["records", "verify", "XF2026-AAAA-BBBB-CCCC"], ["records", "reconcile", "999999"],
    ]
    outputs = {}
    for args in commands:
        result = runner.invoke(args=args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        outputs[" ".join(args)] = result.output
    return outputs


def test_main_commands_print_chinese(runner, org, tmp_path):
    outputs = run_all(runner, tmp_path)
    for command, printed in outputs.items():
        assert english_sentences(printed) == [], (command, printed)
        assert "{" not in printed, (command, printed)  # no raw dicts or JSON
    output = "\n".join(outputs.values())
    for expected in ("法规：新增 0 部", "找不到信息区的结束标记", "题库：1 个文件共 5 题",
                     "题库共 0 题", "已创建账号 clitest（", "找不到单位：无此单位",
                     "找不到账号：nobody", "已为 0 份超时答卷交卷计分", "没有编号为 999999 的考试", "查无此证书",
                     "个翻译目录"):
        assert expected in output, (expected, output)


@pytest.mark.parametrize("args, said", [
    (["users", "create", "x1"], "缺少选项 --role"),
    (["users", "create", "x1", "--role", "boss", "--unit", "乌塘镇"], "--role 的值 boss 不对：应为 learner、"),
    (["users", "create", "x1", "--rol", "learner"], "没有 --rol 这个选项。是不是要用 --role？"),
    (["users", "create", "x1", "--role"], "选项 --role 的写法不对"),
    (["users", "nosuch"], "没有 nosuch 这个命令"),
    (["questions", "import", "/no/such/file.xlsx"], "FILE 的值 /no/such/file.xlsx 不对：这个路径不存在，或不是文件"),
    (["exams", "regrade-rule", "abc"], "EXAM_IDS 的值 abc 不对：应为整数"),
    (["records", "verify", "a", "b"], "多余的参数：b"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_command_line_mistakes_are_told_in_chinese(runner, args, said):
    result = runner.invoke(args=args)
    assert result.exit_code == 2 and said in result.output, result.output
    assert "用法：" in result.output and "--help 查看帮助" in result.output
    assert english_sentences(result.output.replace(" ".join(args[:2]), " ")) == [], result.output


def test_a_database_without_tables_is_told_in_chinese(_schema, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.sqlite'}")
    for args in (["questions", "stats", "--summary"], ["exams", "close-overdue"], ["users", "token", "admin"]):
        result = app.test_cli_runner().invoke(args=args)
        assert result.exit_code == 1, (args, result.output)
        assert "请先运行 flask --app wsgi db upgrade" in result.output and "Traceback" not in result.output
