"""security: accounts, sessions, tokens (issue 9)

Revision ID: e6secacct006
Revises: e5secur0005
Create Date: 2026-12-01 10:10:00

A reserved slot in the chain, filled by the work it names (empty until then).
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import examapp.db  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'e6secacct006'
down_revision = 'e5secur0005'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
