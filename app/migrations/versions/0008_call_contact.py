"""calls.contact: the PSA's contacts with the caller's number (callers recognised from the PSA)

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('calls', sa.Column('contact', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('calls') as batch:
        batch.drop_column('contact')
