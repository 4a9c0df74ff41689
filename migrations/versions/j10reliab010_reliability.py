"""reliability: what the fault and attack tests need (issue 14)

Revision ID: j10reliab010
Revises: i9perform009
Create Date: 2026-12-01 10:10:00

A reserved slot in the chain, filled by the work it names (empty until then).
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import examapp.db  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'j10reliab010'
down_revision = 'i9perform009'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
