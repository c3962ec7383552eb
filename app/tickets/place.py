"""A runbook's tickets: section as the PSAs see it (TicketPlace), and their answers about it as
runbook errors that name the file, line and field as the file spells them."""
from __future__ import annotations

from typing import Callable

from app.runbooks import Runbook, RunbookError

from .port import PlaceProblem, TicketError, TicketPlace, TicketSystem
from .registry import PSA


def place_of(book: Runbook) -> TicketPlace:
    return TicketPlace(company=book.cw_company, board=book.cw_board,
                       priorities=dict(book.cw_priorities), statuses=dict(book.cw_statuses))


def located(book: Runbook, problem: PlaceProblem) -> RunbookError:
    name, line, given = book.tickets_at.get(problem.field, (f"tickets.{problem.field}", 1, True))
    why = problem.why
    if not given and problem.field.startswith("priorities."):
        why += f" (NightDesk's default name: give your PSA's under {name.rsplit('.', 1)[0]})"
    return RunbookError(book.file, line, name, why)


def check_tickets(psa: PSA | None, tickets: TicketSystem, books: list[Runbook],
                  say: Callable[[str], object]) -> int:
    """`tickets check`: which PSA, whether it takes NightDesk's credentials, then each runbook's
    tickets: section against it. The exit code: 0 all there, 1 refused or missing, 2 no answer."""
    if psa is None:
        say("PSA: none configured: tickets are numbered and kept by NightDesk (ND-1001 …)")
    else:
        say(f"PSA: {psa.title or psa.name} ({psa.settings or psa.name} settings)")
    try:
        tickets.check(TicketPlace())
    except TicketError as exc:
        say(f"credentials: {'refused' if exc.permanent else 'no answer'}: {exc.message}")
        return 1 if exc.permanent else 2
    say("credentials: ok")
    failed = unreachable = False
    for book in books:
        try:
            errors = sorted((located(book, p) for p in tickets.check(place_of(book))),
                            key=lambda e: e.line)
        except TicketError as exc:  # a lookup refused (a permission) or unanswered
            name, line, _ = book.tickets_at.get("company", ("tickets.company", 1, True))
            errors = [RunbookError(book.file, line, name.split(".")[0], exc.message)]
            unreachable = not exc.permanent
        failed = failed or bool(errors)
        for error in errors:
            say(f"FAIL {error}")
        if not errors:
            say(f"ok   {book.file}")
        if unreachable:
            break  # the rest would wait out the same timeout
    return 2 if unreachable else 1 if failed else 0
