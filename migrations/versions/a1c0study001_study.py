"""study: statute library, study credits, organised sessions, case studies

Revision ID: a1c0study001
Revises: 2818e97b29d2
Create Date: 2026-11-28 06:39:19.082743

"""
from alembic import op
import sqlalchemy as sa
import examapp.db


# revision identifiers, used by Alembic.
revision = 'a1c0study001'
down_revision = '2818e97b29d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('laws',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('short_title', sa.String(length=120), nullable=False),
    sa.Column('version_date', sa.Date(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('is_in_force', sa.Boolean(), nullable=False),
    sa.Column('history', sa.Text(), nullable=False),
    sa.Column('preamble', sa.Text(), nullable=False),
    sa.Column('article_count', sa.Integer(), nullable=False),
    sa.Column('source_sha256', sa.String(length=64), nullable=False),
    sa.Column('source_path', sa.String(length=300), nullable=False),
    sa.Column('loaded_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_laws')),
    sa.UniqueConstraint('slug', name=op.f('uq_laws_slug')),
    info={'reference': True}
    )
    with op.batch_alter_table('laws', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_laws_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_laws_short_title'), ['short_title'], unique=False)
        batch_op.create_index(batch_op.f('ix_laws_title'), ['title'], unique=False)

    op.create_table('articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('law_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('suffix', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.Column('chapter', sa.String(length=200), nullable=False),
    sa.Column('section', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('source_line', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['law_id'], ['laws.id'], name=op.f('fk_articles_law_id_laws'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_articles')),
    sa.UniqueConstraint('law_id', 'number', 'suffix', name=op.f('uq_articles_law_id')),
    info={'reference': True}
    )
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_articles_law_id'), ['law_id'], unique=False)

    op.create_table('case_studies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('scenario', sa.Text(), nullable=False),
    sa.Column('analysis', sa.Text(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('is_published', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('edited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['edited_by_id'], ['users.id'], name=op.f('fk_case_studies_edited_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_studies')),
    sa.UniqueConstraint('code', name=op.f('uq_case_studies_code'))
    )
    op.create_table('study_credits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('law_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.Column('updated_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['law_id'], ['laws.id'], name=op.f('fk_study_credits_law_id_laws')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_study_credits_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_credits')),
    sa.UniqueConstraint('user_id', 'law_id', 'day', name=op.f('uq_study_credits_user_id'))
    )
    with op.batch_alter_table('study_credits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_credits_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_credits_law_id'), ['law_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_credits_user_id'), ['user_id'], unique=False)

    op.create_table('study_presence',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('law_id', sa.Integer(), nullable=True),
    sa.Column('last_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('was_active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['law_id'], ['laws.id'], name=op.f('fk_study_presence_law_id_laws')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_study_presence_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_study_presence'))
    )
    op.create_table('study_requirements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('credits_required', sa.Float(), nullable=False),
    sa.Column('hours_required', sa.Float(), nullable=False),
    sa.Column('leader_sessions_required', sa.Integer(), nullable=False),
    sa.Column('daily_cap_minutes', sa.Integer(), nullable=False),
    sa.Column('minutes_per_credit', sa.Integer(), nullable=False),
    sa.Column('case_credits', sa.Float(), nullable=False),
    sa.Column('session_hours', sa.Float(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_study_requirements_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_requirements')),
    sa.UniqueConstraint('year', name=op.f('uq_study_requirements_year'))
    )
    op.create_table('study_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('speaker', sa.String(length=80), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_study_sessions_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_study_sessions_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_sessions'))
    )
    with op.batch_alter_table('study_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_sessions_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_sessions_unit_id'), ['unit_id'], unique=False)

    op.create_table('case_articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('law_id', sa.Integer(), nullable=False),
    sa.Column('article_number', sa.Integer(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_studies.id'], name=op.f('fk_case_articles_case_id_case_studies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['law_id'], ['laws.id'], name=op.f('fk_case_articles_law_id_laws')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_articles'))
    )
    with op.batch_alter_table('case_articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_articles_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_articles_law_id'), ['law_id'], unique=False)

    op.create_table('case_completions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('finished_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_studies.id'], name=op.f('fk_case_completions_case_id_case_studies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_case_completions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_completions')),
    sa.UniqueConstraint('user_id', 'case_id', name=op.f('uq_case_completions_user_id'))
    )
    with op.batch_alter_table('case_completions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_completions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_completions_user_id'), ['user_id'], unique=False)

    op.create_table('study_attendances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['study_sessions.id'], name=op.f('fk_study_attendances_session_id_study_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_study_attendances_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_attendances')),
    sa.UniqueConstraint('session_id', 'user_id', name=op.f('uq_study_attendances_session_id'))
    )
    with op.batch_alter_table('study_attendances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_attendances_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_attendances_user_id'), ['user_id'], unique=False)

    op.create_table('study_session_laws',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('law_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['law_id'], ['laws.id'], name=op.f('fk_study_session_laws_law_id_laws')),
    sa.ForeignKeyConstraint(['session_id'], ['study_sessions.id'], name=op.f('fk_study_session_laws_session_id_study_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'law_id', name=op.f('pk_study_session_laws'))
    )


def downgrade():
    op.drop_table('study_session_laws')
    with op.batch_alter_table('study_attendances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_attendances_user_id'))
        batch_op.drop_index(batch_op.f('ix_study_attendances_session_id'))

    op.drop_table('study_attendances')
    with op.batch_alter_table('case_completions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_completions_user_id'))
        batch_op.drop_index(batch_op.f('ix_case_completions_case_id'))

    op.drop_table('case_completions')
    with op.batch_alter_table('case_articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_articles_law_id'))
        batch_op.drop_index(batch_op.f('ix_case_articles_case_id'))

    op.drop_table('case_articles')
    with op.batch_alter_table('study_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_sessions_unit_id'))
        batch_op.drop_index(batch_op.f('ix_study_sessions_held_on'))

    op.drop_table('study_sessions')
    op.drop_table('study_requirements')
    op.drop_table('study_presence')
    with op.batch_alter_table('study_credits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_credits_user_id'))
        batch_op.drop_index(batch_op.f('ix_study_credits_law_id'))
        batch_op.drop_index(batch_op.f('ix_study_credits_day'))

    op.drop_table('study_credits')
    op.drop_table('case_studies')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_articles_law_id'))

    op.drop_table('articles')
    with op.batch_alter_table('laws', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_laws_title'))
        batch_op.drop_index(batch_op.f('ix_laws_short_title'))
        batch_op.drop_index(batch_op.f('ix_laws_level'))

    op.drop_table('laws')
