"""ConnectWise Manage: what NightDesk looks up beside its tickets: contacts by phone (callers
recognised from the PSA) and the runbook's company, board, priorities and statuses
(`tickets check`)."""
from __future__ import annotations

from .phones import national, same_number
from .port import Contact, PlaceProblem, TicketPlace


class ConnectWiseLookups:
    """Mixed into ConnectWiseTickets, whose _call these use."""

    def find_contacts(self, phone_e164: str) -> list[Contact]:
        # Phones are stored as typed ("(555) 555-0142"): a wildcard between the digits finds them
        # however punctuated, and same_number keeps those that really are this number.
        pattern = "%" + "%".join(national(phone_e164)) + "%"
        response = self._call("GET", "/company/contacts", params={
            "conditions": "inactiveFlag=false",
            "childConditions": f"communicationItems/value like '{pattern}' AND "
                               "communicationItems/communicationType='Phone'",
            "fields": "id,firstName,lastName,company,communicationItems", "pageSize": 100})
        rows = response.json()
        found = []
        for row in rows if isinstance(rows, list) else []:
            phones = [item.get("value", "") for item in row.get("communicationItems") or []
                      if item.get("communicationType", "Phone") == "Phone"]
            company = row.get("company") or {}
            if row.get("id") and any(same_number(str(p), phone_e164) for p in phones):
                name = f"{row.get('firstName') or ''} {row.get('lastName') or ''}".strip()
                found.append(Contact(str(row["id"]), name, str(company.get("identifier", "")),
                                     str(company.get("name", ""))))
        return found

    def check(self, where: TicketPlace) -> list[PlaceProblem]:
        self._call("GET", "/system/info")  # credentials: refused here, or ConnectWise is away
        problems = []
        if where.company and not self._named("/company/companies", "identifier", where.company):
            problems.append(PlaceProblem("company", f'no company with identifier "{where.company}" '
                                                    f'in ConnectWise'))
        board = self._named("/service/boards", "name", where.board) if where.board else []
        if where.board and not board:
            problems.append(PlaceProblem("board", f'no board named "{where.board}" in ConnectWise'))
        if any(where.priorities.values()):
            known = self._names("/service/priorities")
            problems += [PlaceProblem(f"priorities.{severity}", _missing("priority", name, known))
                         for severity, name in sorted(where.priorities.items())
                         if name.casefold() not in {k.casefold() for k in known}]
        if board and where.statuses:
            known = self._names(f"/service/boards/{int(board[0]['id'])}/statuses")
            problems += [PlaceProblem(f"statuses.{change}", _missing(
                f'status on board "{where.board}"', name, known))
                for change, name in sorted(where.statuses.items())
                if name.casefold() not in {k.casefold() for k in known}]
        return problems

    def _named(self, path: str, key: str, value: str) -> list[dict]:
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        rows = self._call("GET", path, params={"conditions": f'{key}="{escaped}"',
                                               "fields": "id", "pageSize": 1}).json()
        return [r for r in rows if isinstance(r, dict) and r.get("id")] if isinstance(rows, list) else []

    def _names(self, path: str) -> list[str]:
        rows = self._call("GET", path, params={"fields": "name", "pageSize": 1000}).json()
        return [str(r["name"]) for r in rows if isinstance(r, dict) and r.get("name")] \
            if isinstance(rows, list) else []


def _missing(what: str, name: str, known: list[str]) -> str:
    shown = ", ".join(f'"{k}"' for k in known[:12]) or "none"
    return f'no {what} named "{name}" in ConnectWise (it has: {shown})'
