"""exam-day hot path: the bank's generation and stored draw pools (issues 12, 13)

Revision ID: l12hotpth012
Revises: k11scale011
Create Date: 2026-12-01 17:00:00

bank_generation: one row whose value triggers on questions and question_versions renew on every change
(examapp.bank.generation), so starting an attempt may reuse rule pools while it is unchanged.
draw_pools: each distinct pool stored once; draw records made from now on name pools by digest (records
made before keep their inline pools and still reproduce).
"""
from alembic import op
import sqlalchemy as sa
import examapp.db
from examapp.bank.generation import ddl_for


# revision identifiers, used by Alembic.
revision = 'l12hotpth012'
down_revision = 'k11scale011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bank_generation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_generation'))
    )
    op.create_table('draw_pools',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('question_ids', sa.JSON(), nullable=False),
    sa.Column('created_at', examapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_draw_pools'))
    )
    for statement in ddl_for(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in ("questions", "question_versions"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_bank_generation ON {table}")
        op.execute("DROP FUNCTION IF EXISTS bump_bank_generation()")
        op.execute("DROP SEQUENCE IF EXISTS bank_generation_seq")
    else:
        for table in ("questions", "question_versions"):
            for action in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_{action}_bank_generation")
    op.drop_table('draw_pools')
    op.drop_table('bank_generation')
