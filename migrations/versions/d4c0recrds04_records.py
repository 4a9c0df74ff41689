"""records: certificates

Revision ID: d4c0recrds04
Revises: c3c0exams003
Create Date: 2026-11-28 06:39:19.082743

"""
from alembic import op
import sqlalchemy as sa
import examapp.db


# revision identifiers, used by Alembic.
revision = 'd4c0recrds04'
down_revision = 'c3c0exams003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('exam_id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.Column('holder_name', sa.String(length=80), nullable=False),
    sa.Column('unit_name', sa.String(length=600), nullable=False),
    sa.Column('exam_title', sa.String(length=200), nullable=False),
    sa.Column('exam_year', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('max_score', sa.Float(), nullable=False),
    sa.Column('grade', sa.String(length=12), nullable=False),
    sa.Column('passed_on', sa.Date(), nullable=False),
    sa.Column('is_qualification', sa.Boolean(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.Column('issued_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', examapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_certificates_attempt_id_attempts')),
    sa.ForeignKeyConstraint(['exam_id'], ['exams.id'], name=op.f('fk_certificates_exam_id_exams')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_certificates_revoked_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_certificates_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('attempt_id', name=op.f('uq_certificates_attempt_id')),
    sa.UniqueConstraint('serial', name=op.f('uq_certificates_serial'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_exam_id'), ['exam_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_exam_year'), ['exam_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_valid_until'), ['valid_until'], unique=False)





def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_valid_until'))
        batch_op.drop_index(batch_op.f('ix_certificates_user_id'))
        batch_op.drop_index(batch_op.f('ix_certificates_exam_year'))
        batch_op.drop_index(batch_op.f('ix_certificates_exam_id'))

    op.drop_table('certificates')
