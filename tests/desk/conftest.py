"""Fixtures for the staff-desk tests: the exams domain's small bank and open exam."""

from tests.exams.conftest import bank, exam, untangle  # noqa: F401  (re-exported fixtures)
