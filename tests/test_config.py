import subprocess
import sys

import pytest

from app.config import PROJECT_ROOT, Config, ConfigError


def test_nothing_is_required_for_the_embedded_default():
    cfg = Config.from_env({})
    assert cfg.resolved_database_url().startswith("sqlite:///")
    assert cfg.resolved_queue_url().startswith("sqlite:///")
    assert not cfg.connectwise_enabled and not cfg.openai_enabled


@pytest.mark.parametrize("env, named", [
    ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
    ({"QUEUE_URL": "amqp://localhost"}, "QUEUE_URL"),
    ({"PUBLIC_BASE_URL": "nightdesk.example.com"}, "PUBLIC_BASE_URL"),
    ({"SMTP_PORT": "smtp"}, "SMTP_PORT"),
    ({"SMTP_STARTTLS": "maybe"}, "SMTP_STARTTLS"),
    ({"TWILIO_FROM_NUMBER": "555-1234"}, "TWILIO_FROM_NUMBER"),
    ({"TWILIO_ACCOUNT_SID": "XX123"}, "TWILIO_ACCOUNT_SID"),
    ({"NIGHTDESK_EMAIL_FROM": "nightdesk"}, "NIGHTDESK_EMAIL_FROM"),
    ({"NIGHTDESK_SLACK_WEBHOOK": "https://hooks.slack.com.evil.io/services/T/B/x"}, "NIGHTDESK_SLACK_WEBHOOK"),
    ({"NIGHTDESK_RUNBOOKS_DIR": "/no/such/dir"}, "NIGHTDESK_RUNBOOKS_DIR"),
    ({"CONNECTWISE_BASE_URL": "https://na.myconnectwise.net/v4_6_release/apis/3.0"}, "CONNECTWISE_COMPANY"),
    ({"NIGHTDESK_INSECURE_DEV": "1"}, "NIGHTDESK_INSECURE_DEV"),
    ({"SLACK_CLIENT_ID": "111.222"}, "SLACK_CLIENT_SECRET"),
    ({"NIGHTDESK_SLACK_SEVERITY_CHANNELS": "P1:#critical"}, "NIGHTDESK_SLACK_SEVERITY_CHANNELS"),
    ({"NIGHTDESK_SLACK_CHANNEL": "alerts"}, "NIGHTDESK_SLACK_CHANNEL"),
    ({"NIGHTDESK_SECRET_KEY": "short"}, "NIGHTDESK_SECRET_KEY"),
    ({"NIGHTDESK_ALERT_EMAIL": "alerts"}, "NIGHTDESK_ALERT_EMAIL"),
    ({"NIGHTDESK_LINK_TTL_DAYS": "a week"}, "NIGHTDESK_LINK_TTL_DAYS"),
    ({"NIGHTDESK_LINK_TTL_DAYS": "0"}, "NIGHTDESK_LINK_TTL_DAYS"),
    ({"NIGHTDESK_RUNBOOK_MAX_BYTES": "1MB"}, "NIGHTDESK_RUNBOOK_MAX_BYTES"),
    ({"NIGHTDESK_MSP_PHONE": "555-0199"}, "NIGHTDESK_MSP_PHONE"),
])
def test_a_set_but_invalid_variable_is_named_in_one_line(env, named):
    with pytest.raises(ConfigError) as err:
        Config.from_env(env)
    message = str(err.value)
    assert message.startswith(named + ":")
    assert "\n" not in message


def test_insecure_dev_is_allowed_only_in_debug_mode():
    assert Config.from_env({"NIGHTDESK_INSECURE_DEV": "1", "FLASK_DEBUG": "1"}).insecure_dev


def test_a_password_in_a_bad_url_is_not_echoed():
    with pytest.raises(ConfigError) as err:
        Config.from_env({"QUEUE_URL": "amqp://user:hunter2@mq.example/"})
    assert "hunter2" not in str(err.value)


def test_postgres_url_uses_the_installed_driver():
    cfg = Config.from_env({"DATABASE_URL": "postgresql://postgres@127.0.0.1/test"})
    assert cfg.database_url.startswith("postgresql+psycopg://")


def test_start_up_stops_with_one_line_naming_the_variable(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "SMTP_PORT": "seventy", "NIGHTDESK_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 3  # gunicorn's "worker failed to boot": the master stops too
    assert result.stderr.strip().splitlines() == [
        "nightdesk: configuration error: SMTP_PORT: expected a port number 1-65535, got 'seventy'"]


def test_secrets_never_show_in_the_settings_repr():
    secrets = {"TWILIO_AUTH_TOKEN": "tw-secret-123", "OPENAI_API_KEY": "sk-secret-456",
               "SLACK_BOT_TOKEN": "xoxb-secret-789", "SMTP_PASSWORD": "smtp-secret-0",
               "NIGHTDESK_SECRET_KEY": "a-long-install-secret-key"}
    shown = repr(Config.from_env({**secrets, "SMTP_HOST": "smtp.example"}))
    assert not [value for value in secrets.values() if value in shown]


def test_the_spool_lives_under_the_instance_unless_nightdesk_spool_dir_says_otherwise(tmp_path):
    assert Config.from_env({"NIGHTDESK_INSTANCE_PATH": str(tmp_path)}).resolved_spool_dir() == \
        tmp_path / "spool"
    cfg = Config.from_env({"NIGHTDESK_SPOOL_DIR": str(tmp_path / "elsewhere"),
                           "NIGHTDESK_MSP_PHONE": "+15555550199"})
    assert cfg.resolved_spool_dir() == tmp_path / "elsewhere" and cfg.msp_phone == "+15555550199"
