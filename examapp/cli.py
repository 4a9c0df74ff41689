"""Registers each domain's command group on `flask --app wsgi`."""

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

translate = AppGroup("translate", help="Message catalogues.")


@translate.command("compile")
def compile_command():
    """Compile the .po catalogues into .mo files."""
    click.echo(f"compiled {compile_catalogues()} catalogue(s)")


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
