"""performance: summary tables and indexes (issue 13)

Revision ID: i9perform009
Revises: h8practic008
Create Date: 2026-12-01 10:10:00

exam_results: each person's counted result per exam (kept by Attempt.record_result), which the dashboard
and the reports read instead of every person's attempts; filled here from the attempts already finished.
ix_certificates_exam_user_valid: each person's first valid certificate of an exam, from the index alone.
"""
from alembic import op
import sqlalchemy as sa
import examapp.db


# revision identifiers, used by Alembic.
revision = 'i9perform009'
down_revision = 'h8practic008'
branch_labels = None
depends_on = None

# The counted attempt: the highest score (earliest on a tie), or the latest under counted_rule "latest".
BACKFILL = """
INSERT INTO exam_results (exam_id, user_id, attempt_id, attempts, score, max_score, passed, excellent, finished_at)
SELECT exam_id, user_id, id, finished, score, max_score, coalesce(passed, false), coalesce(excellent, false),
       finished_at
FROM (SELECT a.exam_id, a.user_id, a.id, a.score, a.max_score, a.passed, a.excellent, a.finished_at,
             row_number() OVER (PARTITION BY a.exam_id, a.user_id ORDER BY
                 CASE WHEN e.counted_rule = 'latest' THEN -a.number ELSE 0 END,
                 CASE WHEN e.counted_rule = 'latest' THEN 0 ELSE coalesce(a.score, -1) END DESC,
                 a.number) AS rank,
             count(*) OVER (PARTITION BY a.exam_id, a.user_id) AS finished
      FROM attempts a JOIN exams e ON e.id = a.exam_id
      WHERE a.state = 'finished') ranked
WHERE rank = 1
"""


def upgrade():
    op.create_table('exam_results',
    sa.Column('exam_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('score', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('max_score', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('excellent', sa.Boolean(), nullable=False),
    sa.Column('finished_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_exam_results_attempt_id_attempts'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['exam_id'], ['exams.id'], name=op.f('fk_exam_results_exam_id_exams')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_exam_results_user_id_users')),
    sa.PrimaryKeyConstraint('exam_id', 'user_id', name=op.f('pk_exam_results')),
    sa.UniqueConstraint('attempt_id', name=op.f('uq_exam_results_attempt_id'))
    )
    with op.batch_alter_table('exam_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exam_results_user_id'), ['user_id'], unique=False)
    op.execute(BACKFILL)
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index('ix_certificates_exam_user_valid', ['exam_id', 'user_id', 'id'], unique=False,
                              sqlite_where=sa.text('revoked_at IS NULL'),
                              postgresql_where=sa.text('revoked_at IS NULL'))


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index('ix_certificates_exam_user_valid')
    with op.batch_alter_table('exam_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exam_results_user_id'))
    op.drop_table('exam_results')
