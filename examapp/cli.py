"""Registers each domain's command group on `flask --app wsgi`, and the Chinese help every group shares."""

import re
import sys
from importlib import import_module

import click
from flask.cli import AppGroup
from sqlalchemy.exc import DBAPIError

from .i18n import compile_catalogues

CLI_MODULES = (
    "examapp.org.cli",       # users …, demo seed
    "examapp.study.cli",     # content load
    "examapp.bank.cli",      # questions …
    "examapp.exams.cli",     # exams close-overdue
    "examapp.records.cli",
    "examapp.reports.cli",
    "examapp.ops.cli",       # backup, restore
)

# click writes its own help chrome in English (it has no Chinese catalogue): these replace it.
HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}
EXTRAS = (("[default: ", "[默认："), ("; required]", "；必填]"), ("[required]", "[必填]"))
USAGE = "用法："
HELP_OPTION = "显示本帮助并退出。"


class ChineseFormatter(click.HelpFormatter):
    """Help with Chinese section headings and usage prefix."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, USAGE if prefix is None else prefix)

    def section(self, name: str):
        return super().section(HEADINGS.get(name, name))

    def write_dl(self, rows, *args, **kwargs) -> None:
        super().write_dl([(term, chinese_extras(text)) for term, text in rows], *args, **kwargs)


def chinese_extras(text: str) -> str:
    """An option's '[default: x; required]' note, in Chinese."""
    for english, chinese in EXTRAS:
        text = text.replace(english, chinese)
    return text


class ChineseContext(click.Context):
    formatter_class = ChineseFormatter


class ChineseUsageError(click.UsageError):
    """A mistake on the command line, told in Chinese with the usage line and where help is."""

    def show(self, file=None) -> None:
        file = file or sys.stderr
        if self.ctx is not None:
            click.echo(f"{self.ctx.get_usage()}\n运行 {self.ctx.command_path} --help 查看帮助。\n", file=file)
        click.echo(f"错误：{self.format_message()}", file=file)


def quoted(text: str) -> str:
    """The first 'quoted' value in one of click's messages (the value the operator typed), or ''."""
    match = re.search(r"'([^']*)'", text)
    return match.group(1) if match else ""


def expected(param) -> str:
    """What a parameter takes, for an error about a wrong value."""
    kind = getattr(param, "type", None)
    if isinstance(kind, click.Choice):
        return "应为 " + "、".join(map(str, kind.choices)) + " 之一"
    if isinstance(kind, click.types.IntParamType):
        return "应为整数"
    if isinstance(kind, click.Path):
        wanted = "文件" if not kind.dir_okay else "文件夹" if not kind.file_okay else "文件或文件夹"
        return f"这个路径不存在，或不是{wanted}"
    return "请对照 --help 填写"


def usage_message(exc: click.UsageError) -> str:
    """click's own message about a mistake on the command line, in Chinese."""
    param = getattr(exc, "param", None)
    name = (param.opts[0] if isinstance(param, click.Option) else (param.name or "").upper()) if param else ""
    if isinstance(exc, click.MissingParameter):
        return f"缺少{'选项' if isinstance(param, click.Option) else '参数'} {name}。"
    if isinstance(exc, click.BadParameter):
        value = quoted(exc.message)
        return f"{name} 的值{f' {value} ' if value else ''}不对：{expected(param)}。"
    if isinstance(exc, click.NoSuchOption):
        close = f"是不是要用 {'、'.join(exc.possibilities)}？" if exc.possibilities else ""
        return f"没有 {exc.option_name} 这个选项。{close}"
    if isinstance(exc, click.BadOptionUsage):
        return f"选项 {exc.option_name} 的写法不对：缺少它的值，或它不带值。"
    extra = re.search(r"\((.*)\)", exc.message)
    return f"多余的参数：{extra.group(1)}。" if extra else "命令行的写法不对，请对照上面的用法。"


def missing_table(exc: DBAPIError) -> bool:
    """The database has not been set up (SQLite: no such table; PostgreSQL: undefined table, 42P01)."""
    return "no such table" in str(exc.orig) or getattr(exc.orig, "sqlstate", None) == "42P01"


class ChineseHelp:
    """Mixin for click commands: Chinese help chrome, `[选项]` in the usage line, Chinese usage errors."""

    context_class = ChineseContext

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DBAPIError as exc:
            if not missing_table(exc):
                raise
            fail("数据库里还没有本程序的数据表：请先运行 flask --app wsgi db upgrade。")

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except (ChineseUsageError, click.exceptions.NoArgsIsHelpError):
            raise
        except click.UsageError as exc:
            raise ChineseUsageError(usage_message(exc), ctx) from exc

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option


class ChineseCommand(ChineseHelp, click.Command):
    """A command whose --help is Chinese throughout."""


class ChineseGroup(ChineseHelp, AppGroup):
    """An AppGroup (app context for each command) whose commands' --help is Chinese throughout."""

    command_class = ChineseCommand

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as exc:
            raise ChineseUsageError(f"没有 {exc.command_name} 这个命令。", ctx) from exc


def fail(message: str, code: int = 1):
    """Undo the session's unsaved changes, print an operator-facing error (stderr) and exit non-zero."""
    from .extensions import db

    db.session.rollback()
    click.echo(message, err=True)
    sys.exit(code)


translate = ChineseGroup("translate", help="界面文字的翻译目录。")


@translate.command("compile")
def compile_command():
    """把 .po 翻译目录编译成 .mo 文件（只编译有改动的）。"""
    click.echo(f"已编译 {compile_catalogues()} 个翻译目录。")


def register(app) -> None:
    app.cli.add_command(translate)
    for name in CLI_MODULES:
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        for command in getattr(module, "COMMANDS", ()):
            app.cli.add_command(command)
