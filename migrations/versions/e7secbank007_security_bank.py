"""security: confidential bank, key visibility, review release (issue 9)

Revision ID: e7secbank007
Revises: e6secacct006
Create Date: 2026-12-01 10:10:00

Exams draw from confidential questions unless the examiner allows public ones.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import examapp.db  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'e7secbank007'
down_revision = 'e6secacct006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allows_public_questions', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.drop_column('allows_public_questions')
