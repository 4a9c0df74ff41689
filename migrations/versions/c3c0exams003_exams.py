"""exams: exams, overrides, attempts, attempt items and events

Revision ID: c3c0exams003
Revises: b2c0bank0002
Create Date: 2026-11-28 06:39:19.082743

"""
from alembic import op
import sqlalchemy as sa
import examapp.db


# revision identifiers, used by Alembic.
revision = 'c3c0exams003'
down_revision = 'b2c0bank0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('opens_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closes_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('makeup_opens_at', examapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('makeup_closes_at', examapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('pass_mark', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('excellent_mark', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('counted_rule', sa.String(length=10), nullable=False),
    sa.Column('multiple_rule', sa.String(length=20), nullable=False),
    sa.Column('partial_share', sa.Numeric(precision=4, scale=2), nullable=False),
    sa.Column('review_policy', sa.String(length=20), nullable=False),
    sa.Column('review_shows_key', sa.Boolean(), nullable=False),
    sa.Column('counts_toward_record', sa.Boolean(), nullable=False),
    sa.Column('is_qualification', sa.Boolean(), nullable=False),
    sa.Column('certificate_valid_months', sa.Integer(), nullable=True),
    sa.Column('leave_limit', sa.Integer(), nullable=True),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('eligibility', sa.JSON(), nullable=False),
    sa.Column('blueprint', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', examapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_exams_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exams'))
    )
    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exams_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_exams_year'), ['year'], unique=False)

    op.create_table('attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exam_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('is_makeup', sa.Boolean(), nullable=False),
    sa.Column('variant', sa.String(length=30), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('draw', sa.JSON(), nullable=False),
    sa.Column('started_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deadline_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', examapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finish_reason', sa.String(length=20), nullable=False),
    sa.Column('score', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('max_score', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('excellent', sa.Boolean(), nullable=True),
    sa.Column('leave_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['exam_id'], ['exams.id'], name=op.f('fk_attempts_exam_id_exams')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_attempts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempts')),
    sa.UniqueConstraint('exam_id', 'user_id', 'number', name='uq_attempts_exam_user_number')
    )
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempts_deadline_at'), ['deadline_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempts_exam_id'), ['exam_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempts_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempts_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_attempts_one_open', ['exam_id', 'user_id'], unique=True, sqlite_where=sa.text("state = 'in_progress'"), postgresql_where=sa.text("state = 'in_progress'"))

    op.create_table('exam_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exam_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('until_at', examapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['exam_id'], ['exams.id'], name=op.f('fk_exam_overrides_exam_id_exams')),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_exam_overrides_granted_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_exam_overrides_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_overrides'))
    )
    with op.batch_alter_table('exam_overrides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exam_overrides_exam_id'), ['exam_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exam_overrides_user_id'), ['user_id'], unique=False)

    op.create_table('attempt_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('client_at', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_attempt_events_attempt_id_attempts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_events'))
    )
    with op.batch_alter_table('attempt_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_events_attempt_id'), ['attempt_id'], unique=False)

    op.create_table('attempt_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=120), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('question_version_id', sa.Integer(), nullable=False),
    sa.Column('graded_version_id', sa.Integer(), nullable=True),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('points', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('option_order', sa.JSON(), nullable=False),
    sa.Column('key', sa.JSON(), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=True),
    sa.Column('answer_seq', sa.BigInteger(), nullable=False),
    sa.Column('answered_at', examapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('is_flagged', sa.Boolean(), nullable=False),
    sa.Column('is_correct', sa.Boolean(), nullable=True),
    sa.Column('awarded', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_attempt_items_attempt_id_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['graded_version_id'], ['question_versions.id'], name=op.f('fk_attempt_items_graded_version_id_question_versions')),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_attempt_items_question_id_questions')),
    sa.ForeignKeyConstraint(['question_version_id'], ['question_versions.id'], name=op.f('fk_attempt_items_question_version_id_question_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_items')),
    sa.UniqueConstraint('attempt_id', 'position', name='uq_attempt_items_position'),
    sa.UniqueConstraint('attempt_id', 'question_id', name='uq_attempt_items_question')
    )
    with op.batch_alter_table('attempt_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_items_attempt_id'), ['attempt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempt_items_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempt_items_question_version_id'), ['question_version_id'], unique=False)



def downgrade():
    with op.batch_alter_table('attempt_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_items_question_version_id'))
        batch_op.drop_index(batch_op.f('ix_attempt_items_question_id'))
        batch_op.drop_index(batch_op.f('ix_attempt_items_attempt_id'))

    op.drop_table('attempt_items')
    with op.batch_alter_table('attempt_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_events_attempt_id'))

    op.drop_table('attempt_events')
    with op.batch_alter_table('exam_overrides', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exam_overrides_user_id'))
        batch_op.drop_index(batch_op.f('ix_exam_overrides_exam_id'))

    op.drop_table('exam_overrides')
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_index('uq_attempts_one_open', sqlite_where=sa.text("state = 'in_progress'"), postgresql_where=sa.text("state = 'in_progress'"))
        batch_op.drop_index(batch_op.f('ix_attempts_user_id'))
        batch_op.drop_index(batch_op.f('ix_attempts_state'))
        batch_op.drop_index(batch_op.f('ix_attempts_exam_id'))
        batch_op.drop_index(batch_op.f('ix_attempts_deadline_at'))

    op.drop_table('attempts')
    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exams_year'))
        batch_op.drop_index(batch_op.f('ix_exams_status'))

    op.drop_table('exams')
