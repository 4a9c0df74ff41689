"""content: canonical blanks, coverage, drafts, corrections (issue 11)

Revision ID: g7content007
Revises: f8uxhome0008
Create Date: 2026-12-01 10:10:00

Learners' error reports on questions (纠错): question_reports.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import examapp.db  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'g7content007'
down_revision = 'f8uxhome0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('question_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('created_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', examapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('fixed_version_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['fixed_version_id'], ['question_versions.id'], name=op.f('fk_question_reports_fixed_version_id_question_versions')),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_reports_question_id_questions')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_question_reports_resolved_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_question_reports_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['question_versions.id'], name=op.f('fk_question_reports_version_id_question_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_reports'))
    )
    with op.batch_alter_table('question_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_reports_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_reports_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_reports_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_reports_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('question_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_reports_user_id'))
        batch_op.drop_index(batch_op.f('ix_question_reports_status'))
        batch_op.drop_index(batch_op.f('ix_question_reports_question_id'))
        batch_op.drop_index(batch_op.f('ix_question_reports_created_at'))
    op.drop_table('question_reports')
