"""Registers each domain's command group on `flask --app wsgi`, and the Chinese help every group shares."""

import sys
from importlib import import_module

import click
from flask.cli import AppGroup

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


class ChineseHelp:
    """Mixin for click commands: Chinese help chrome, `[选项]` in the usage line."""

    context_class = ChineseContext

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

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
