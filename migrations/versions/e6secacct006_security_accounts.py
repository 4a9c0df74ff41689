"""security: accounts, sessions, tokens (issue 9)

Revision ID: e6secacct006
Revises: e5secur0005
Create Date: 2026-12-01 10:10:00

Server-side session records (logging out ends the session), and every HR account gets a scope
(its own unit, where none was recorded).
"""
from alembic import op
import sqlalchemy as sa
import examapp.db


# revision identifiers, used by Alembic.
revision = 'e6secacct006'
down_revision = 'e5secur0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sid_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', examapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('sid_hash', name=op.f('uq_user_sessions_sid_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)
    # HR without a scope used to see the whole organisation: give each its own unit.
    op.execute("UPDATE users SET scope_unit_id = unit_id WHERE role = 'hr' AND scope_unit_id IS NULL")


def downgrade():
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
    op.drop_table('user_sessions')
