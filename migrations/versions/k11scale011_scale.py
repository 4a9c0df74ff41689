"""throughput at scale - certificates, imports, progress (issue 13)

Revision ID: k11scale011
Revises: j10reliab010
Create Date: 2026-12-01 10:10:00

A reserved slot in the chain, filled by the work it names (empty until then).
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import examapp.db  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'k11scale011'
down_revision = 'j10reliab010'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
