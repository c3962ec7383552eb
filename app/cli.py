"""`flask --app wsgi …` commands: db upgrade, runbooks check, runbooks test-page, tickets check,
simulate-call."""
from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app import migrate
from app.tickets.registry import PSARegistry
from app.voice.page_call import KEYS


def register(app: Flask, psas: PSARegistry) -> None:
    """`psas`: every PSA NightDesk knows (bootstrap's), to name the configured one and read
    runbooks' tickets: sections in its terms."""
    db = AppGroup("db", help="Database schema.")
    runbooks = AppGroup("runbooks", help="Validate and rehearse customer runbooks.")
    tickets = AppGroup("tickets", help="The PSA NightDesk opens tickets in.")

    @db.command("upgrade")
    def db_upgrade():
        """Bring the database to the newest schema."""
        migrate.upgrade(current_app.extensions["nightdesk"].db.url)
        click.echo("database is up to date")

    @runbooks.command("check")
    def runbooks_check():
        """Validate every runbook; print errors as file:line: field: problem; exit 1 on any."""
        from app.runbooks import check_directory
        from app.tickets.place import located, place_of
        svc = current_app.extensions["nightdesk"]
        books, errors = check_directory(svc.config.runbooks_dir, svc.channels)
        psa = psas.chosen(svc.config)
        if psa and psa.validate_place:  # what the configured PSA needs, read without asking it
            errors += [located(book, problem) for book in books
                       for problem in psa.validate_place(place_of(book))]
        wrong = {error.file for error in errors}
        for book in books:
            if book.file not in wrong:
                click.echo(f"ok   {book.file}: {book.customer} ({len(book.rules)} rules)")
        for error in errors:
            click.echo(f"FAIL {error}", err=True)
        if errors:
            sys.exit(1)
        click.echo(f"{len(books)} runbooks valid")

    @runbooks.command("test-page")
    @click.argument("customer")
    def runbooks_test_page(customer):
        """Send a clearly marked test page over every route of CUSTOMER's runbook (its customer
        id or its file name)."""
        from app.incidents.dispatch import send_now
        from app.incidents.targets import resolve
        from app.paging import PageMessage
        from app.simulate import shown_target
        svc = current_app.extensions["nightdesk"]
        book = svc.runbooks.get(customer) or svc.runbooks.by_file(customer)
        if book is None:
            known = ", ".join(f"{b.customer} ({Path(b.file).name})" for b in svc.runbooks.all())
            click.echo(f"no runbook for customer {customer!r}. Customer ids (files): {known}",
                       err=True)
            sys.exit(2)
        failed = 0
        routes = [(f"rule {r.index}", r.route) for r in book.rules]
        routes += [(f"rule {r.index} fallback", r.fallback) for r in book.rules if r.fallback]
        routes += [(f"escalation step {i + 1}", route) for i, step in enumerate(book.steps)
                   for route in step.routes]
        for label, route in routes:
            # Where a real P1 page would go now: the on-call person, the bot-mode channel.
            page = resolve(svc, book, SimpleNamespace(severity="P1"), route)
            if route.page == "{oncall}":
                label += f" (on call: {book.oncall.on_call(svc.clock()).name})"
            message = PageMessage(severity="P1", customer=book.name,
                                  summary=f"Test page: {label}"[:100],
                                  callback_number="+15555550100", reference="TEST", kind="test")
            result = send_now(svc, route.method, page, message)
            where = f"{route.method} {shown_target(page)}"
            if result.sent:
                click.echo(f"delivered  {label}: {where}")
            else:
                failed += 1
                click.echo(f"FAILED     {label}: {where}: {result.error}")
        sys.exit(1 if failed else 0)

    @tickets.command("check")
    def tickets_check():
        """Ask the configured PSA whether NightDesk's credentials work and whether every loaded
        runbook's company, board or queue, priorities and statuses exist there. Exit 0 when all
        do, 1 when anything is refused or missing, 2 when the PSA doesn't answer."""
        from app.tickets.place import check_tickets
        svc = current_app.extensions["nightdesk"]
        sys.exit(check_tickets(psas.chosen(svc.config), svc.tickets, svc.runbooks.all(), click.echo))

    @app.cli.command("simulate-call")
    @click.option("--to", "to_number", default="", help="The number dialed (selects the customer).")
    @click.option("--from", "from_number", default="+15555550123", help="The caller ID.")
    @click.option("--timeout", default=30.0, help="Seconds to wait for the page to go out.")
    @click.option("--tech-press", type=click.Choice(sorted(KEYS, key=lambda k: (not k.isdigit(), k))),
                  help="Then, as the technician, answer the page call and press this key "
                       "(1 ack, 2 resolve, 3 snooze, 9 again, 0 call the caller back).")
    @click.option("--tech-sms", default=None, metavar="TEXT",
                  help='Then, as the technician, reply to the SMS page with TEXT (e.g. "ack").')
    @click.argument("utterances", nargs=-1, required=True)
    def simulate_call(to_number, from_number, timeout, tech_press, tech_sms, utterances):
        """Call NightDesk: signed webhooks, the real queue and the real adapters. With --tech-press
        or --tech-sms the page goes to a simulated technician by call or SMS (no Twilio account
        needed) and the technician answers it."""
        from app.simulate import simulate
        from app.simulate.technician import Tech
        if tech_press is not None and tech_sms is not None:
            raise click.UsageError("use one of --tech-press and --tech-sms")
        tech = Tech(press=tech_press or "", sms=tech_sms or "") \
            if tech_press is not None or tech_sms is not None else None
        simulate(current_app, to_number, from_number, list(utterances), timeout, click.echo, tech)

    app.cli.add_command(db)
    app.cli.add_command(runbooks)
    app.cli.add_command(tickets)
