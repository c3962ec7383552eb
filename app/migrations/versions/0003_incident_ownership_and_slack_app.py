"""incident ownership, escalation timers, the live Slack message, and the Slack app's tables

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

TEXT_COLUMNS = [("acknowledged_by", 100), ("resolved_by", 100), ("slack_team", 40),
                ("slack_channel", 80), ("slack_ts", 40)]


def slack_tables() -> sa.MetaData:
    """slack-sdk's own table definitions for its installation and OAuth state stores."""
    metadata = sa.MetaData()
    SQLAlchemyInstallationStore.build_installations_table(metadata, "slack_installations")
    SQLAlchemyInstallationStore.build_bots_table(metadata, "slack_bots")
    SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, "slack_oauth_states")
    return metadata


def upgrade():
    # Existing rows get defaults, so this runs on a live database.
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_test', sa.Boolean(), nullable=False, server_default=sa.false()))
        for name, length in TEXT_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=False, server_default=""))
        batch_op.add_column(sa.Column('acknowledged_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('resolved_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('resolution_note', sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column('snoozed_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('escalation_step', sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column('page_round', sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column('next_escalation_at', sa.DateTime(), nullable=True))
    slack_tables().create_all(op.get_bind())


def downgrade():
    slack_tables().drop_all(op.get_bind())
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        for name in ("is_test", "acknowledged_at", "resolved_at", "resolution_note", "snoozed_until",
                     "escalation_step", "page_round", "next_escalation_at") + tuple(n for n, _ in TEXT_COLUMNS):
            batch_op.drop_column(name)
