"""No index repeats another's leading column: every row written would pay for it, no read needs it."""

from sqlalchemy import Index, PrimaryKeyConstraint, UniqueConstraint

from examapp.extensions import db


def partial(index: Index) -> bool:
    return any(index.dialect_options[name].get("where") is not None for name in ("postgresql", "sqlite"))


def leading_columns(table) -> dict[str, list[str]]:
    """column name: the multi-column indexes and constraints that start with it and cover every row."""
    leads: dict[str, list[str]] = {}
    for index in table.indexes:
        if len(index.columns) > 1 and not partial(index):
            leads.setdefault(index.columns[0].name, []).append(index.name)
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint | PrimaryKeyConstraint) and len(constraint.columns) > 1:
            leads.setdefault(list(constraint.columns)[0].name, []).append(constraint.name)
    return leads


def redundant_indexes(metadata) -> list[str]:
    found = []
    for table in metadata.sorted_tables:
        leads = leading_columns(table)
        for index in table.indexes:
            covers = leads.get(index.columns[0].name) if len(index.columns) == 1 and not index.unique else None
            if covers:
                found.append(f"{table.name}.{index.name} (covered by {', '.join(map(str, covers))})")
    return sorted(found)


def test_no_single_column_index_repeats_the_lead_of_another(app):
    assert redundant_indexes(db.metadata) == []


def test_the_check_sees_a_covered_index_and_ignores_a_partial_cover():
    from sqlalchemy import Column, Integer, MetaData, Table, text

    metadata = MetaData()
    Table("t", metadata, Column("a", Integer, index=True), Column("b", Integer, index=True), Column("c", Integer),
          UniqueConstraint("a", "c"), Index("ix_b_c", "b", "c", sqlite_where=text("c > 0")))
    assert redundant_indexes(metadata) == ["t.ix_t_a (covered by None)"]
