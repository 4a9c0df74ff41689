"""certificates: an attempt holds at most one *valid* certificate, not one certificate ever

Revision ID: o15certre015
Revises: n14pracix014
Create Date: 2026-12-01 23:50:00

A regrade can take a pass away (reconcile revokes the certificate) and a later correction give it back.
With attempt_id unique over all rows the re-issue could never be stored. The rule becomes a partial
unique index over the certificates that are not revoked.
"""
import sqlalchemy as sa
from alembic import op

revision = 'o15certre015'
down_revision = 'n14pracix014'
branch_labels = None
depends_on = None

VALID = sa.text("revoked_at IS NULL")


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_certificates_attempt_id'), type_='unique')
        batch_op.create_index('uq_certificates_attempt_valid', ['attempt_id'], unique=True,
                              sqlite_where=VALID, postgresql_where=VALID)


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index('uq_certificates_attempt_valid', sqlite_where=VALID, postgresql_where=VALID)
        batch_op.create_unique_constraint(batch_op.f('uq_certificates_attempt_id'), ['attempt_id'])
