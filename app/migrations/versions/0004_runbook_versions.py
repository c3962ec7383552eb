"""runbook versions: the last good text of each runbook file, and which broken version was reported

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('runbook_versions',
    sa.Column('file', sa.String(length=255), nullable=False),
    sa.Column('good_version', sa.String(length=40), nullable=False),
    sa.Column('good_text', sa.Text(), nullable=False),
    sa.Column('reported_version', sa.String(length=40), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('file')
    )


def downgrade():
    op.drop_table('runbook_versions')
