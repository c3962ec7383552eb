"""live_messages: each channel's own reference to the message it keeps up to date for an
incident, instead of Slack columns on the incident; incidents.origin for where a request came from

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('live_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('ref', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('incident_id', 'method')
    )
    op.add_column('incidents', sa.Column('origin', sa.JSON(), nullable=True))
    incidents = sa.table('incidents', sa.column('id', sa.Integer), sa.column('created_at', sa.DateTime),
                         sa.column('slack_team', sa.String), sa.column('slack_channel', sa.String),
                         sa.column('slack_ts', sa.String), sa.column('origin', sa.JSON))
    live = sa.table('live_messages', sa.column('incident_id', sa.Integer), sa.column('method', sa.String),
                    sa.column('ref', sa.JSON), sa.column('created_at', sa.DateTime))
    bind = op.get_bind()
    rows = bind.execute(sa.select(incidents.c.id, incidents.c.created_at, incidents.c.slack_team,
                                  incidents.c.slack_channel, incidents.c.slack_ts)).all()
    for id_, created, team, channel, ts in rows:
        if ts:
            bind.execute(live.insert().values(incident_id=id_, method='slack', created_at=created,
                                              ref={'team': team or '', 'channel': channel, 'ts': ts}))
        origin = {'method': 'slack', 'team': team} if team else {}
        bind.execute(incidents.update().where(incidents.c.id == id_).values(origin=origin))
    with op.batch_alter_table('incidents') as batch:
        batch.alter_column('origin', existing_type=sa.JSON(), nullable=False)
        batch.drop_column('slack_team')
        batch.drop_column('slack_channel')
        batch.drop_column('slack_ts')


def downgrade():
    with op.batch_alter_table('incidents') as batch:
        batch.add_column(sa.Column('slack_team', sa.String(length=40), nullable=False, server_default=''))
        batch.add_column(sa.Column('slack_channel', sa.String(length=80), nullable=False, server_default=''))
        batch.add_column(sa.Column('slack_ts', sa.String(length=40), nullable=False, server_default=''))
        batch.drop_column('origin')
    op.drop_table('live_messages')
