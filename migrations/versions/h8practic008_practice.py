"""practice: cards, reviews, wrong-answer book (issue 12)

Revision ID: h8practic008
Revises: g7content007
Create Date: 2026-12-01 10:10:00

Practice tables (cards, serves, answers, the wrong-answer book, sets, settings, exam imports); the exam's
"keep out of practice" choice; practice credits on study credits and the yearly requirement.
"""
from alembic import op
import sqlalchemy as sa
import examapp.db


# revision identifiers, used by Alembic.
revision = 'h8practic008'
down_revision = 'g7content007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('practice_book',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('wrong_count', sa.Integer(), nullable=False),
    sa.Column('exam_wrong_count', sa.Integer(), nullable=False),
    sa.Column('first_wrong_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_wrong_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_wrong_day', sa.Date(), nullable=False),
    sa.Column('right_days', sa.Integer(), nullable=False),
    sa.Column('last_right_day', sa.Date(), nullable=True),
    sa.Column('left_at', examapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_practice_book_question_id_questions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_practice_book_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_book')),
    sa.UniqueConstraint('user_id', 'question_id', name='uq_practice_book_user_question')
    )
    with op.batch_alter_table('practice_book', schema=None) as batch_op:
        batch_op.create_index('ix_practice_book_user_status', ['user_id', 'status'], unique=False)

    op.create_table('practice_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('due_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('stability', sa.Float(), nullable=True),
    sa.Column('last_review_at', examapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reviews', sa.Integer(), nullable=False),
    sa.Column('lapses', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_practice_cards_question_id_questions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_practice_cards_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_cards')),
    sa.UniqueConstraint('user_id', 'question_id', name='uq_practice_cards_user_question')
    )
    with op.batch_alter_table('practice_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_cards_question_id'), ['question_id'], unique=False)
        batch_op.create_index('ix_practice_cards_user_due', ['user_id', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_cards_user_id'), ['user_id'], unique=False)

    op.create_table('practice_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('question_ids', sa.JSON(), nullable=False),
    sa.Column('created_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_practice_sets_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_sets'))
    )
    with op.batch_alter_table('practice_sets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_sets_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_practice_sets_daily', ['user_id', 'day'], unique=True, sqlite_where=sa.text("kind = 'daily'"), postgresql_where=sa.text("kind = 'daily'"))

    op.create_table('practice_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('desired_retention', sa.Float(), nullable=False),
    sa.Column('updated_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_practice_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_settings'))
    )
    op.create_table('practice_serves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('scope_key', sa.String(length=300), nullable=False),
    sa.Column('set_id', sa.Integer(), nullable=True),
    sa.Column('served_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_at', examapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_practice_serves_question_id_questions')),
    sa.ForeignKeyConstraint(['set_id'], ['practice_sets.id'], name=op.f('fk_practice_serves_set_id_practice_sets'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_practice_serves_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['question_versions.id'], name=op.f('fk_practice_serves_version_id_question_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_serves'))
    )
    with op.batch_alter_table('practice_serves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_serves_user_id'), ['user_id'], unique=False)
        batch_op.create_index('ix_practice_serves_user_question', ['user_id', 'question_id'], unique=False)

    op.create_table('practice_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('serve_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=True),
    sa.Column('is_correct', sa.Boolean(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('answered_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_credited', sa.Boolean(), nullable=False),
    sa.Column('due_at', examapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_practice_answers_question_id_questions')),
    sa.ForeignKeyConstraint(['serve_id'], ['practice_serves.id'], name=op.f('fk_practice_answers_serve_id_practice_serves'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_practice_answers_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['question_versions.id'], name=op.f('fk_practice_answers_version_id_question_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_answers')),
    sa.UniqueConstraint('serve_id', name=op.f('uq_practice_answers_serve_id'))
    )
    with op.batch_alter_table('practice_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_answers_answered_at'), ['answered_at'], unique=False)
        batch_op.create_index('ix_practice_answers_question_correct', ['question_id', 'is_correct'], unique=False)
        batch_op.create_index('ix_practice_answers_user_day', ['user_id', 'day'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_answers_user_id'), ['user_id'], unique=False)

    op.create_table('practice_exam_imports',
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('imported_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_practice_exam_imports_attempt_id_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_practice_exam_imports_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('attempt_id', name=op.f('pk_practice_exam_imports'))
    )
    with op.batch_alter_table('practice_exam_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_exam_imports_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_kept_out_of_practice', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('study_credits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('practice_answers', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('study_requirements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('practice_answers_per_credit', sa.Integer(), server_default='20', nullable=False))
        batch_op.add_column(sa.Column('practice_daily_cap', sa.Float(), server_default='1', nullable=False))



def downgrade():
    with op.batch_alter_table('study_requirements', schema=None) as batch_op:
        batch_op.drop_column('practice_daily_cap')
        batch_op.drop_column('practice_answers_per_credit')

    with op.batch_alter_table('study_credits', schema=None) as batch_op:
        batch_op.drop_column('practice_answers')

    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.drop_column('is_kept_out_of_practice')

    with op.batch_alter_table('practice_exam_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_exam_imports_user_id'))

    op.drop_table('practice_exam_imports')
    with op.batch_alter_table('practice_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_answers_user_id'))
        batch_op.drop_index('ix_practice_answers_user_day')
        batch_op.drop_index('ix_practice_answers_question_correct')
        batch_op.drop_index(batch_op.f('ix_practice_answers_answered_at'))

    op.drop_table('practice_answers')
    with op.batch_alter_table('practice_serves', schema=None) as batch_op:
        batch_op.drop_index('ix_practice_serves_user_question')
        batch_op.drop_index(batch_op.f('ix_practice_serves_user_id'))

    op.drop_table('practice_serves')
    op.drop_table('practice_settings')
    with op.batch_alter_table('practice_sets', schema=None) as batch_op:
        batch_op.drop_index('uq_practice_sets_daily', sqlite_where=sa.text("kind = 'daily'"), postgresql_where=sa.text("kind = 'daily'"))
        batch_op.drop_index(batch_op.f('ix_practice_sets_user_id'))

    op.drop_table('practice_sets')
    with op.batch_alter_table('practice_cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_cards_user_id'))
        batch_op.drop_index('ix_practice_cards_user_due')
        batch_op.drop_index(batch_op.f('ix_practice_cards_question_id'))

    op.drop_table('practice_cards')
    with op.batch_alter_table('practice_book', schema=None) as batch_op:
        batch_op.drop_index('ix_practice_book_user_status')

    op.drop_table('practice_book')
