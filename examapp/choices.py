"""Choices for WTForms' select and radio fields.

The label tables stay (value, label) pairs, which views and exports also read as dicts; WTForms 3.3 deprecates
pairs as field choices (3.4 will refuse them), so every field's choices go through options().
"""

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def options(pairs: Iterable) -> list[SelectChoice]:
    """SelectField / RadioField choices from (value, label) pairs; SelectChoices pass through unchanged."""
    return [pair if isinstance(pair, SelectChoice) else SelectChoice(*pair) for pair in pairs]
