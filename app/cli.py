"""`flask --app wsgi …` commands: db upgrade, runbooks check, runbooks test-page, simulate-call."""
from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app import migrate


def register(app: Flask) -> None:
    db = AppGroup("db", help="Database schema.")
    runbooks = AppGroup("runbooks", help="Validate and rehearse customer runbooks.")

    @db.command("upgrade")
    def db_upgrade():
        """Bring the database to the newest schema."""
        migrate.upgrade(current_app.extensions["nightdesk"].db.url)
        click.echo("database is up to date")

    @runbooks.command("check")
    def runbooks_check():
        """Validate every runbook; print errors as file:line: field: problem; exit 1 on any."""
        from app.runbooks import check_directory
        svc = current_app.extensions["nightdesk"]
        books, errors = check_directory(svc.config.runbooks_dir, svc.channels)
        for book in books:
            click.echo(f"ok   {book.file}: {book.customer} ({len(book.rules)} rules)")
        for error in errors:
            click.echo(f"FAIL {error}", err=True)
        if errors:
            sys.exit(1)
        click.echo(f"{len(books)} runbooks valid")

    @runbooks.command("test-page")
    @click.argument("customer")
    def runbooks_test_page(customer):
        """Send a clearly marked test page over every route of CUSTOMER's runbook."""
        from app.incidents.dispatch import send_now
        from app.paging import PageMessage
        from app.simulate import shown_target
        svc = current_app.extensions["nightdesk"]
        book = svc.runbooks.get(customer)
        if book is None:
            click.echo(f"no runbook for customer {customer!r}", err=True)
            sys.exit(2)
        failed = 0
        for rule in book.rules:
            routes = [("rule", rule.route)] + ([("fallback", rule.fallback)] if rule.fallback else [])
            for label, route in routes:
                message = PageMessage(severity=rule.severity or "P1", customer=book.name,
                                      summary=f"Test page for rule {rule.index}: {rule.trigger}"[:100],
                                      callback_number="+15555550100", reference="TEST", kind="test")
                result = send_now(svc, route.method, route.page, message)
                where = f"{route.method} {shown_target(route.page)}"
                if result.sent:
                    click.echo(f"delivered  rule {rule.index} {label}: {where}")
                else:
                    failed += 1
                    click.echo(f"FAILED     rule {rule.index} {label}: {where}: {result.error}")
        sys.exit(1 if failed else 0)

    @app.cli.command("simulate-call")
    @click.option("--to", "to_number", default="", help="The number dialed (selects the customer).")
    @click.option("--from", "from_number", default="+15555550123", help="The caller ID.")
    @click.option("--timeout", default=30.0, help="Seconds to wait for the page to go out.")
    @click.argument("utterances", nargs=-1, required=True)
    def simulate_call(to_number, from_number, timeout, utterances):
        """Call NightDesk: signed webhooks, the real queue and the real adapters."""
        from app.simulate import simulate
        simulate(current_app, to_number, from_number, list(utterances), timeout, click.echo)

    app.cli.add_command(db)
    app.cli.add_command(runbooks)
