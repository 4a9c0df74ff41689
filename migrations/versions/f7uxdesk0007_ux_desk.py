"""ux: staff desk (issue 10)

Revision ID: f7uxdesk0007
Revises: f6uxphone006
Create Date: 2026-12-01 10:10:00

People import batches: the people one import created, for issuing their first passwords together.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import examapp.db  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'f7uxdesk0007'
down_revision = 'f6uxphone006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('people_import_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('user_ids', sa.JSON(), nullable=False),
    sa.Column('created_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('passwords_issued_at', examapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('passwords_issued_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_people_import_batches_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people_import_batches'))
    )


def downgrade():
    op.drop_table('people_import_batches')
