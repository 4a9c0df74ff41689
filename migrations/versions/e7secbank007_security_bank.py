"""security: confidential bank, key visibility, review release (issue 9)

Revision ID: e7secbank007
Revises: e6secacct006
Create Date: 2026-12-01 10:10:00

A reserved slot in the chain, filled by the work it names (empty until then).
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
    pass


def downgrade():
    pass
