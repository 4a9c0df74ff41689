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
    pass


def downgrade():
    pass
