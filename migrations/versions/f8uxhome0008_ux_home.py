"""ux: home, offline study, read aloud (issue 10)

Revision ID: f8uxhome0008
Revises: f7uxdesk0007
Create Date: 2026-12-01 10:10:00

A reserved slot in the chain, filled by the work it names (empty until then).
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import examapp.db  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'f8uxhome0008'
down_revision = 'f7uxdesk0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'offline_study_batches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('batch_key', sa.String(length=64), nullable=False),
        sa.Column('received_at', examapp.db.UTCDateTime(), nullable=False),
        sa.Column('seconds_claimed', sa.Integer(), nullable=False),
        sa.Column('seconds_credited', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'batch_key'),
    )
    with op.batch_alter_table('offline_study_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offline_study_batches_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('offline_study_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offline_study_batches_user_id'))
    op.drop_table('offline_study_batches')
