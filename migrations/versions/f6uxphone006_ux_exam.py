"""ux: exam page on a phone (issue 10)

Revision ID: f6uxphone006
Revises: e7secbank007
Create Date: 2026-12-01 10:10:00

The examiner's page-leave policy per exam (record / warn / submit after N leaves); each leave
keeps when the person came back and whether it lasted long enough to count. Exams that had a
leave limit keep their behaviour (policy "submit").
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import examapp.db  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'f6uxphone006'
down_revision = 'e7secbank007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leave_policy', sa.String(length=10), server_default='record', nullable=False))
    op.execute("UPDATE exams SET leave_policy = 'submit' WHERE leave_limit IS NOT NULL")
    with op.batch_alter_table('attempt_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ended_at', examapp.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('is_counted', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('attempt_events', schema=None) as batch_op:
        batch_op.drop_column('is_counted')
        batch_op.drop_column('ended_at')
    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.drop_column('leave_policy')
