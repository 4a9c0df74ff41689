"""exam-day hot path - start, save, page, practice (issues 12, 13)

Revision ID: l12hotpth012
Revises: k11scale011
Create Date: 2026-12-01 10:10:00

A reserved slot in the chain, filled by the work it names (empty until then).
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import examapp.db  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'l12hotpth012'
down_revision = 'k11scale011'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
