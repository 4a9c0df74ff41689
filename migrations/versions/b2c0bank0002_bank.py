"""bank: questions, immutable versions, amendment reviews

Revision ID: b2c0bank0002
Revises: a1c0study001
Create Date: 2026-11-28 06:39:19.082743

"""
from alembic import op
import sqlalchemy as sa
import examapp.db


# revision identifiers, used by Alembic.
revision = 'b2c0bank0002'
down_revision = 'a1c0study001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('law_slug', sa.String(length=100), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('needs_review', sa.Boolean(), nullable=False),
    sa.Column('current_version_id', sa.Integer(), nullable=True),
    sa.Column('created_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['current_version_id'], ['question_versions.id'], name='fk_questions_current_version_id', ondelete='SET NULL', use_alter=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions')),
    sa.UniqueConstraint('code', name=op.f('uq_questions_code'))
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questions_law_slug'), ['law_slug'], unique=False)
        batch_op.create_index(batch_op.f('ix_questions_needs_review'), ['needs_review'], unique=False)
        batch_op.create_index(batch_op.f('ix_questions_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_questions_type'), ['type'], unique=False)

    op.create_table('question_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('stem', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('basis', sa.JSON(), nullable=False),
    sa.Column('chapter', sa.String(length=200), nullable=False),
    sa.Column('has_basis', sa.Boolean(), nullable=False),
    sa.Column('difficulty', sa.Integer(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('tag_index', sa.Text(), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('subquestions', sa.JSON(), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_question_versions_created_by_id_users')),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_versions_question_id_questions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_versions')),
    sa.UniqueConstraint('question_id', 'number', name='uq_question_versions_question_number')
    )
    with op.batch_alter_table('question_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_versions_audience'), ['audience'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_versions_chapter'), ['chapter'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_versions_difficulty'), ['difficulty'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_versions_fingerprint'), ['fingerprint'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_versions_has_basis'), ['has_basis'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_versions_question_id'), ['question_id'], unique=False)
    if op.get_bind().dialect.name != 'sqlite':  # SQLite created it inline; others skip use_alter FKs
        op.create_foreign_key('fk_questions_current_version_id', 'questions', 'question_versions',
                              ['current_version_id'], ['id'], ondelete='SET NULL')

    op.create_table('question_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('old_law', sa.String(length=100), nullable=False),
    sa.Column('new_law', sa.String(length=100), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', examapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_reviews_question_id_questions')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_question_reviews_resolved_by_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['question_versions.id'], name=op.f('fk_question_reviews_version_id_question_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_reviews'))
    )
    with op.batch_alter_table('question_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_reviews_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_reviews_status'), ['status'], unique=False)



def downgrade():
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('fk_questions_current_version_id', 'questions', type_='foreignkey')
    with op.batch_alter_table('question_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_reviews_status'))
        batch_op.drop_index(batch_op.f('ix_question_reviews_question_id'))

    op.drop_table('question_reviews')
    with op.batch_alter_table('question_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_versions_question_id'))
        batch_op.drop_index(batch_op.f('ix_question_versions_has_basis'))
        batch_op.drop_index(batch_op.f('ix_question_versions_fingerprint'))
        batch_op.drop_index(batch_op.f('ix_question_versions_difficulty'))
        batch_op.drop_index(batch_op.f('ix_question_versions_chapter'))
        batch_op.drop_index(batch_op.f('ix_question_versions_audience'))

    op.drop_table('question_versions')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questions_type'))
        batch_op.drop_index(batch_op.f('ix_questions_status'))
        batch_op.drop_index(batch_op.f('ix_questions_needs_review'))
        batch_op.drop_index(batch_op.f('ix_questions_law_slug'))

    op.drop_table('questions')
