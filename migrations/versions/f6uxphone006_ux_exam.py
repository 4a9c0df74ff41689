"""ux: exam page on a phone (issue 10)

Revision ID: f6uxphone006
Revises: e7secbank007
Create Date: 2026-12-01 10:10:00

A reserved slot in the chain, filled by the work it names (empty until then).
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
    pass


def downgrade():
    pass
