import subprocess
import sys

import pytest

from app.config import PROJECT_ROOT, Config, ConfigError


def test_nothing_is_required_for_the_embedded_default():
    cfg = Config.from_env({})
    assert cfg.resolved_database_url().startswith("sqlite:///")
    assert cfg.resolved_queue_url().startswith("sqlite:///")
    assert not cfg.connectwise_enabled and not cfg.openai_enabled


def test_worker_threads_are_set_per_kind_of_work():
    assert Config.from_env({}).worker_threads == {"triage": 64, "tickets": 16, "pages": 16, "other": 4}
    cfg = Config.from_env({"NIGHTDESK_PAGE_THREADS": "8", "NIGHTDESK_TICKET_THREADS": "1"})
    assert cfg.worker_threads == {"triage": 64, "tickets": 1, "pages": 8, "other": 4}


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
    ({"NIGHTDESK_PAGE_THREADS": "0"}, "NIGHTDESK_PAGE_THREADS"),
    ({"NIGHTDESK_TRIAGE_THREADS": "129"}, "NIGHTDESK_TRIAGE_THREADS"),
    ({"NIGHTDESK_TRIAGE_THREADS": "four"}, "NIGHTDESK_TRIAGE_THREADS"),
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


def test_start_up_says_every_bad_variable_on_a_line_of_its_own(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "SMTP_PORT": "seventy", "NIGHTDESK_LINK_TTL_DAYS": "a week",
           "NIGHTDESK_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 3
    assert sorted(result.stderr.strip().splitlines()) == [
        "nightdesk: configuration error: NIGHTDESK_LINK_TTL_DAYS: expected a whole number of days "
        "1-366, got 'a week'",
        "nightdesk: configuration error: SMTP_PORT: expected a port number 1-65535, got 'seventy'"]


SECRETS = {"TWILIO_AUTH_TOKEN": "tw-secret-123", "OPENAI_API_KEY": "sk-secret-456",
           "SLACK_BOT_TOKEN": "xoxb-secret-789", "SLACK_SIGNING_SECRET": "signing-secret-1",
           "SLACK_CLIENT_ID": "111.222", "SLACK_CLIENT_SECRET": "client-secret-2",
           "CONNECTWISE_BASE_URL": "https://na.myconnectwise.net/v4_6_release/apis/3.0",
           "CONNECTWISE_COMPANY": "msp", "CONNECTWISE_CLIENT_ID": "cid",
           "CONNECTWISE_PUBLIC_KEY": "cw-public-3", "CONNECTWISE_PRIVATE_KEY": "cw-private-4",
           "SMTP_HOST": "smtp.example", "SMTP_PASSWORD": "smtp-secret-0",
           "NIGHTDESK_SECRET_KEY": "a-long-install-secret-key",
           "DATABASE_URL": "postgresql://nightdesk:db-pass-5@db.example/nightdesk",
           "QUEUE_URL": "redis://:queue-pass-6@redis.example:6379/0",
           "NIGHTDESK_SLACK_WEBHOOK": "https://hooks.slack.com/services/T0/B0/webhook-secret-7",
           "NIGHTDESK_TEAMS_WEBHOOK": "https://msp.webhook.office.com/webhookb2/teams-secret-8"}
HIDDEN = ["tw-secret-123", "sk-secret-456", "xoxb-secret-789", "signing-secret-1", "client-secret-2",
          "cw-public-3", "cw-private-4", "smtp-secret-0", "a-long-install-secret-key", "db-pass-5",
          "queue-pass-6", "webhook-secret-7", "teams-secret-8"]


def test_secrets_never_show_in_the_settings_repr_or_str():
    cfg = Config.from_env(SECRETS)
    for shown in (repr(cfg), str(cfg), f"{cfg.smtp_password} {cfg.slack_bot_token}"):
        assert [secret for secret in HIDDEN if secret in shown] == []
    assert "db.example" in repr(cfg) and "redis.example" in repr(cfg)  # the URL, less its password


def test_code_that_needs_a_secret_still_gets_its_text():
    cfg = Config.from_env(SECRETS)
    assert cfg.twilio_auth_token.get_secret_value() == "tw-secret-123"
    assert cfg.connectwise_private_key.get_secret_value() == "cw-private-4"
    assert cfg.database_url == "postgresql+psycopg://nightdesk:db-pass-5@db.example/nightdesk"
    assert cfg.slack_webhook == SECRETS["NIGHTDESK_SLACK_WEBHOOK"]
    assert Config(slack_bot_token="xoxb-test").replace(smtp_port=25).slack_bot_token.get_secret_value() == \
        "xoxb-test"


def test_every_bad_variable_is_its_own_line_and_no_value_of_pydantics_leaks():
    with pytest.raises(ConfigError) as err:
        Config.from_env({"SMTP_PORT": "seventy", "NIGHTDESK_TIMEZONE": "Eastern",
                         "DATABASE_URL": "mysql://root:db-pass-9@db.example/x", "PATH": "/bin"})
    assert sorted(str(err.value).splitlines()) == [
        "DATABASE_URL: expected sqlite:/// or postgresql://, got mysql",
        "NIGHTDESK_TIMEZONE: expected an IANA time zone like America/New_York, got 'Eastern'",
        "SMTP_PORT: expected a port number 1-65535, got 'seventy'"]


def test_empty_means_unset_except_for_a_flag_where_it_means_false():
    cfg = Config.from_env({"SMTP_PORT": "", "NIGHTDESK_TRIAGE_MODEL": " ", "SMTP_STARTTLS": "",
                           "FLASK_DEBUG": " yes ", "NIGHTDESK_TIMEZONE": " Europe/London "})
    assert (cfg.smtp_port, cfg.triage_model, cfg.smtp_starttls) == (587, "gpt-4o-mini", False)
    assert cfg.debug is True and cfg.timezone == "Europe/London"


def test_building_a_config_in_code_never_reads_the_process_environment(monkeypatch):
    monkeypatch.setenv("SMTP_PORT", "2525")
    monkeypatch.setenv("NIGHTDESK_TIMEZONE", "Asia/Tokyo")
    assert (Config().smtp_port, Config().timezone) == (587, "UTC")
    assert Config.from_env().smtp_port == 2525


def test_the_spool_lives_under_the_instance_unless_nightdesk_spool_dir_says_otherwise(tmp_path):
    assert Config.from_env({"NIGHTDESK_INSTANCE_PATH": str(tmp_path)}).resolved_spool_dir() == \
        tmp_path / "spool"
    cfg = Config.from_env({"NIGHTDESK_SPOOL_DIR": str(tmp_path / "elsewhere"),
                           "NIGHTDESK_MSP_PHONE": "+15555550199"})
    assert cfg.resolved_spool_dir() == tmp_path / "elsewhere" and cfg.msp_phone == "+15555550199"
