"""Core fixtures: reuse the exam domain's small bank and open exam."""

import pytest

from tests.exams.conftest import make_bank, make_exam, untangle  # noqa: F401  (fixture re-exported)
from tests.study.conftest import library  # noqa: F401  (fixture re-exported)


@pytest.fixture
def bank(untangle):  # noqa: F811
    return make_bank()


@pytest.fixture
def exam(org, bank):
    return make_exam(org)
