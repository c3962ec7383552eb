from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from app.models import Base


def test_the_migrations_build_exactly_the_models(database_url):
    engine = create_engine(database_url)
    ours = {t.name for t in Base.metadata.sorted_tables}

    def include(obj, name, kind, reflected, compare_to):
        # slack-sdk's installation and OAuth state tables are its own, created by migration 0003.
        return not (kind == "table" and reflected and name not in ours and name.startswith("slack_"))

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_object": include}),
                                Base.metadata)
    engine.dispose()
    assert diff == []


def test_healthz_answers_with_what_it_checked(make_app):
    response = make_app().test_client().get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True and body["database"] == "ok"
    assert body["runbooks"] == 3 and body["runbook_errors"] == 0
    assert body["queue_pending"] == 0


def test_healthz_reports_a_broken_database_as_503(make_app, tmp_path):
    app = make_app()
    app.extensions["nightdesk"].db.engine.dispose()
    from app.models import Database
    app.extensions["nightdesk"].db = Database(f"sqlite:///{tmp_path}/missing/dir/x.db")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["database"].startswith("error")
