"""An upgrade keeps every live Slack message: the incident's old Slack columns become its
channel-neutral live message reference, and a rehearsal's workspace its origin."""
from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from app.migrate import alembic_config


def test_the_slack_columns_become_live_message_references(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0008")
    engine = create_engine(url)
    with engine.begin() as conn:
        for id_, team, channel, ts in ((1, "T0NEW", "C0ALERTS", "1700000000.000100"),
                                       (2, "T0ASKED", "", ""), (3, "", "", "")):
            conn.execute(text(
                "INSERT INTO incidents (id, customer, severity, summary, details, caller_name, "
                "callback_number, transcript, triage, status, ticket_status, ticket_error, "
                "ticket_attempts, pages_planned, created_at, is_test, acknowledged_by, resolved_by, "
                "resolution_note, escalation_step, page_round, calls_repeated, ack_reminded, "
                "slack_team, slack_channel, slack_ts) VALUES (:id, 'acme', 'P1', 'down', '', '', '', "
                "'', '{}', 'open', 'pending', '', 0, 1, '2026-11-24 02:00:00', 0, '', '', '', 0, 0, 0, 0, "
                ":team, :channel, :ts)"), {"id": id_, "team": team, "channel": channel, "ts": ts})
    engine.dispose()
    command.upgrade(alembic_config(url), "head")
    engine = create_engine(url)
    with engine.connect() as conn:
        live = conn.execute(text("SELECT incident_id, method, ref FROM live_messages")).all()
        origins = dict(conn.execute(text("SELECT id, origin FROM incidents ORDER BY id")).all())
        columns = [row[1] for row in conn.execute(text("PRAGMA table_info(incidents)"))]
    engine.dispose()
    assert [(i, m) for i, m, _ in live] == [(1, "slack")]
    assert '"ts": "1700000000.000100"' in live[0][2] and '"channel": "C0ALERTS"' in live[0][2]
    assert '"team": "T0ASKED"' in origins[2] and origins[3] == "{}"
    assert not {"slack_team", "slack_channel", "slack_ts"} & set(columns)
