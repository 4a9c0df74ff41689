"""operations - backup, restore, upgrade checks (issue 14)

Revision ID: m13ops0013
Revises: l12hotpth012
Create Date: 2026-12-01 10:10:00

A reserved slot in the chain, filled by the work it names (empty until then).
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import examapp.db  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'm13ops0013'
down_revision = 'l12hotpth012'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
