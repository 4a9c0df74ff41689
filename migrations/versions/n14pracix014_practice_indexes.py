"""practice: drop two single-column indexes that a composite index already leads with

Revision ID: n14pracix014
Revises: m13ops0013
Create Date: 2026-12-01 21:15:00

practice_answers.user_id is the first column of ix_practice_answers_user_day and practice_cards.user_id
of uq_practice_cards_user_question, so the single-column indexes only cost writes on every practice answer.
"""
from alembic import op

revision = 'n14pracix014'
down_revision = 'm13ops0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('practice_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_answers_user_id'))
    with op.batch_alter_table('practice_cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_cards_user_id'))


def downgrade():
    with op.batch_alter_table('practice_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_cards_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('practice_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_answers_user_id'), ['user_id'], unique=False)
