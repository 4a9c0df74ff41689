"""Build hook: compile the message catalogues (.po -> .mo) into the package being built.

The .mo files are build products and are not committed; without this a plain `pip install .`
would carry only the .po sources and serve an English site. Metadata lives in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


def compile_catalogues(package_dir: Path) -> list[Path]:
    """Write messages.mo next to every messages.po under package_dir; return the files written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in sorted(package_dir.glob("**/translations/*/LC_MESSAGES/messages.po")):
        with open(po_path, "rb") as fh:
            catalog = read_po(fh)
        mo_path = po_path.with_suffix(".mo")
        with open(mo_path, "wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written


class BuildWithCatalogues(build_py):
    """build_py, then compile the catalogues it copied."""

    def run(self):
        super().run()
        if not self.dry_run:
            compile_catalogues(Path(self.build_lib) / "examapp")


setup(cmdclass={"build_py": BuildWithCatalogues})
