"""Import every domain's models so metadata (migrations, create_all) sees them."""

from importlib import import_module

MODEL_MODULES = (
    "examapp.audit",
    "examapp.org.models",
    "examapp.auth.models",
    "examapp.study.models",
    "examapp.bank.models",
    "examapp.bank.generation",
    "examapp.exams.models",
    "examapp.records.models",
    "examapp.practice.models",
)


def import_all() -> None:
    """Import the model modules that exist (domains add theirs here)."""
    for name in MODEL_MODULES:
        try:
            import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
