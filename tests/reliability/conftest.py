"""Reliability tests: the fast ones run in `make test`; those marked `reliability` (the app under gunicorn
with faults injected) run only when asked for: `make reliability`, or `pytest -m reliability`."""

import os

from tests.bank.conftest import library, req  # noqa: F401  (the statute library, an English request: E-04, E-05)
from tests.exams.conftest import bank, clock, exam, untangle  # noqa: F401  (fixtures shared with tests/exams)
from tests.reliability.api_fuzz import api_world  # noqa: F401  (the API fuzz world, S-12)


def wanted(config) -> bool:
    return "reliability" in (config.option.markexpr or "") or os.environ.get("EXAMAPP_RELIABILITY") == "1"


def pytest_collection_modifyitems(config, items):
    """Leave the slow fault runs out of a plain `pytest` / `make test` run."""
    if wanted(config):
        return
    slow = [item for item in items if item.get_closest_marker("reliability")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("reliability")]
