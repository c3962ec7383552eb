"""timers for calls rung again (`every`) and for an acknowledgement left unresolved (`ack_timeout`)

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    # Existing rows get defaults, so this runs on a live database.
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_call_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('calls_repeated', sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column('ack_due_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('ack_reminded', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        for name in ("next_call_at", "calls_repeated", "ack_due_at", "ack_reminded"):
            batch_op.drop_column(name)
