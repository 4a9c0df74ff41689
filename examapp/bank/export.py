"""Export questions to the spreadsheet template (round-trips through import) and to GIFT."""

import io

import openpyxl
from flask_babel import gettext as _
from openpyxl.styles import Alignment, Font

from ..uploads import neutralise
from . import library
from .formats.gift_text import escape
from .formats.xlsx_csv import AUDIENCE_LABELS, EXTRA, HEADER, STATUS_LABELS, SUB_PREFIX, TYPE_LABELS

INSTRUCTIONS = (
    ("题型", "单选、多选、判断、填空、案例分析；案例的小题紧随其后，题型写“案例-单选”“案例-多选”“案例-判断”。"),
    ("题干", "题目正文。填空题用 ____（四个下划线）标出每个空。"),
    ("选项A … 选项F", "单选、多选题填 2–8 个选项（需要第七、八个选项时加“选项G”“选项H”列）；判断、填空题留空。"),
    ("答案", "单选填一个字母；多选如 ABD、A,B,D 或 A、B、D；判断填 正确/错误（也可 对/错、√/×、T/F）；"
             "填空题各空用 | 分隔，同一空的多个可接受答案用 / 分隔，如 七日/7日|三日；"
             "答案本身含 / 或 | 时写作 \\/、\\|（如 1\\/5）。"),
    ("解析", "答案解析。"),
    ("法律依据", "如《中华人民共和国行政处罚法》第三十三条、《行政处罚法》第33条、行政处罚法第三十三条、第三十四条。"
                 "可以留空（导入时会提示缺少依据）。"),
    ("难度", "1–5，或 易/中/难；留空为 3。"),
    ("标签", "知识点，多个用顿号或逗号分隔。"),
    ("编号（可选）", "已有题目的编号：再次导入时更新该题（生成新版本），不会重复。"),
    ("适用对象（可选）", "全体、领导干部、执法人员、网格员；留空为全体。"),
    ("状态（可选）", "启用、草稿、停用；留空为启用。"),
    ("注意", "以 =、+、-、@ 开头的内容按普通文字处理。导入前会先预览；有任何错误都不会写入，"
             "并可下载带“错误说明”列的文件，改正后重新上传。"),
)
EXAMPLES = (
    ["单选", "行政处罚遵循什么原则？", "公正、公开", "效率优先", "从重从快", "保密", "", "", "A",
     "《行政处罚法》第五条规定，行政处罚遵循公正、公开的原则。", "《中华人民共和国行政处罚法》第五条", "2", "处罚原则"],
    ["判断", "行政处罚可以代替刑事处罚。", "", "", "", "", "", "", "错误",
     "违法行为构成犯罪的，不得以行政处罚代替刑事处罚。", "《行政处罚法》第8条", "易", "处罚原则"],
)


def columns(pairs) -> list[str]:
    wide = any(len(v.options or []) > 6 for _q, v in pairs)
    wide = wide or any(len(s.get("options") or []) > 6 for _q, v in pairs for s in v.subquestions or [])
    return list(HEADER) + list(EXTRA[:3]) + (list(EXTRA[3:]) if wide else [])


def row_of(question, content: dict, header: list[str], sub: bool = False) -> list:
    kind = content["type"]
    values = {"题型": (SUB_PREFIX if sub else "") + TYPE_LABELS[kind], "题干": content["stem"],
              "答案": answer_text(kind, content.get("answer")), "解析": content.get("explanation", ""),
              "法律依据": library.basis_text(content.get("basis") or [])}
    for option in content.get("options") or []:
        values[f"选项{option['key']}"] = option["text"]
    if not sub:
        values.update({"难度": str(content["difficulty"]), "标签": "、".join(content["tags"]), "编号": question.code,
                       "适用对象": AUDIENCE_LABELS.get(content["audience"], "全体"),
                       "状态": STATUS_LABELS.get(question.status, "启用")})
    return [neutralise(values.get(name, "")) for name in header]


def answer_text(kind: str, answer) -> str:
    if kind == "single":
        return answer
    if kind == "multiple":
        return "".join(answer)
    if kind == "true_false":
        return "正确" if answer else "错误"
    if kind == "blank":
        return "|".join("/".join(a.replace("/", "\\/").replace("|", "\\|") for a in alts) for alts in answer)
    return ""


def to_xlsx(pairs) -> bytes:
    """Write (Question, QuestionVersion) pairs to the import template."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "试题"
    header = columns(pairs)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for question, version in pairs:
        content = version.content()
        sheet.append(row_of(question, content, header))
        for sub in content.get("subquestions") or []:
            sheet.append(row_of(question, sub, header, sub=True))
    for letter, width in zip("ABCDEFGHIJKLMNOP", (8, 48, 20, 20, 20, 20, 16, 16, 10, 40, 36, 6, 16, 14, 10, 8),
                             strict=False):
        sheet.column_dimensions[letter].width = width
    add_instructions(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def add_instructions(book) -> None:
    sheet = book.create_sheet("填写说明")
    sheet.append(["列", "怎么填"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for name, text in INSTRUCTIONS:
        sheet.append([name, neutralise(text)])
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 100
    for row in sheet.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True)


def template_xlsx() -> bytes:
    """The empty template with two example rows and the instructions sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "试题"
    sheet.append(list(HEADER) + list(EXTRA[:3]))
    for row in EXAMPLES:
        sheet.append([neutralise(v) for v in row])
    add_instructions(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_gift(pairs) -> tuple[str, list[str]]:
    """Write GIFT; return the text and the codes it cannot express (case, several blanks)."""
    chunks, skipped = [], []
    for question, version in pairs:
        content = version.content()
        body = gift_question(content)
        if body is None:
            skipped.append(question.code)
            continue
        meta = [f"// 编号: {question.code}", f"// 难度: {content['difficulty']}",
                f"// 适用对象: {AUDIENCE_LABELS.get(content['audience'], '全体')}"]
        if content["basis"]:
            meta.append("// 法律依据: " + "; ".join(f"{b['law']}:{b['article']}" for b in content["basis"]))
        if content["tags"]:
            meta.append("// 标签: " + "、".join(content["tags"]))
        chunks.append("\n".join(meta + [f"::{escape(question.code)}:: {body}"]))
    header = "// " + _("Exported from examapp; metadata in // comments is read back on import.")
    return header + "\n\n" + "\n\n".join(chunks) + "\n", skipped


def gift_question(content: dict) -> str | None:
    kind, stem = content["type"], content["stem"]
    general = f" ####{escape(content['explanation'])}" if content.get("explanation") else ""
    if kind == "true_false":
        return f"{escape(stem)} {{{'TRUE' if content['answer'] else 'FALSE'}{general}}}"
    if kind == "single":
        answers = " ".join(("=" if o["key"] == content["answer"] else "~") + escape(o["text"])
                           for o in content["options"])
        return f"{escape(stem)} {{{answers}{general}}}"
    if kind == "multiple":
        share = f"{100 / len(content['answer']):.5f}".rstrip("0").rstrip(".")
        answers = " ".join(f"~%{share}%" + escape(o["text"]) if o["key"] in content["answer"]
                           else "~%-100%" + escape(o["text"]) for o in content["options"])
        return f"{escape(stem)} {{{answers}{general}}}"
    if kind == "blank" and len(content["answer"]) == 1:
        before, _sep, after = stem.partition("____")
        answers = " ".join("=" + escape(a) for a in content["answer"][0])
        return f"{escape(before)}{{{answers}{general}}}{escape(after)}"
    return None
