"""drop ten single-column indexes whose column already leads a unique constraint or a composite index

Revision ID: p16dupix016
Revises: o15certre015
Create Date: 2026-12-02 13:20:00

Each covered every row a second time: a start wrote 50 attempt_items rows into three indexes on attempt_id
(two unique constraints and this one), a practice question's serve and credit one more each. Any read the
single-column index served, the constraint's index serves (tests/foundation/test_schema_indexes.py keeps it so).
"""
from alembic import op

revision = 'p16dupix016'
down_revision = 'o15certre015'
branch_labels = None
depends_on = None

DROPPED = [  # (table, column)
    ('articles', 'law_id'),
    ('study_credits', 'user_id'),
    ('case_completions', 'user_id'),
    ('study_attendances', 'session_id'),
    ('offline_study_batches', 'user_id'),
    ('question_versions', 'question_id'),
    ('attempts', 'exam_id'),
    ('attempt_items', 'attempt_id'),
    ('practice_serves', 'user_id'),
    ('practice_sets', 'user_id'),
]


def upgrade():
    for table, column in DROPPED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))


def downgrade():
    for table, column in reversed(DROPPED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)
