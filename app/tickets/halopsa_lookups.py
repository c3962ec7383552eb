"""HaloPSA: what NightDesk looks up beside its tickets: contacts by phone (callers recognised
from the PSA) and the runbook's client, team and statuses (`tickets check`); and the shapes
Halo's answers come in."""
from __future__ import annotations

import requests

from .phones import national, same_number
from .port import Contact, PlaceProblem, TicketError, TicketPlace, unknown_names

USER_PHONES = ("phonenumber_preferred", "phonenumber", "mobilenumber", "mobilenumber2")


class HaloLookups:
    """Mixed into HaloTickets, whose _call, _client_id, _status_id and timeout these use."""

    def find_contacts(self, phone_e164: str) -> list[Contact]:
        """Halo's users (its customers' contacts) searched by phone, as integrators search them:
        the national number with search_phonenumbers; the fields read are unconfirmed (§10)."""
        response = self._call("GET", "/Users", params={
            "search": national(phone_e164), "search_phonenumbers": "true", "count": 50})
        found = []
        for user in rows_of(body_of(response), "users"):
            phones = [str(user.get(f) or "") for f in USER_PHONES]
            if user.get("id") and not user.get("inactive") and any(same_number(p, phone_e164) for p in phones):
                found.append(Contact(str(user["id"]), str(user.get("name") or ""),
                                     str(user.get("client_id") or ""), str(user.get("client_name") or "")))
        return found

    def check(self, where: TicketPlace) -> list[PlaceProblem]:
        self._call("GET", "/Status", params={"type": "ticket"})  # credentials: a token, then a call
        problems = []
        if where.company.isdigit() and not self._client_exists(int(where.company)):
            problems.append(PlaceProblem("company", f"Halo has no client with id {where.company}"))
        if where.board:
            teams = [str(t.get("name", "")) for t in rows_of(body_of(self._call("GET", "/Team")), "teams")]
            if where.board.casefold() not in {t.casefold() for t in teams}:
                shown = ", ".join(f'"{t}"' for t in teams[:12]) or "none"
                problems.append(PlaceProblem("board", f'no team named "{where.board}" in HaloPSA '
                                                      f"(it has: {shown})"))
        asked = [("company", lambda: self._client_id(where.company, self.timeout))] \
            if where.company and not where.company.isdigit() else []
        asked += [(f"statuses.{change}", lambda name=name: self._status_id(name))
                  for change, name in sorted(where.statuses.items())]
        return problems + unknown_names(asked)

    def _client_exists(self, client_id: int) -> bool:
        try:
            data = body_of(self._call("GET", f"/Client/{client_id}"))
        except TicketError as exc:
            if exc.permanent and "(404)" in exc.message:  # Halo's answer for an id it doesn't have
                return False
            raise
        return isinstance(data, dict) and str(data.get("id")) == str(client_id)


def body_of(response: requests.Response):
    try:
        return response.json()
    except ValueError:
        return None


def rows_of(data, key: str) -> list[dict]:
    """Halo's lists come bare or wrapped with a record_count ({"tickets": [...]})."""
    rows = data.get(key) if isinstance(data, dict) else data
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


def first_of(data) -> dict:
    """A POST of a one-element array is answered with the object (or, by some, a one-element array)."""
    if isinstance(data, list):
        data = data[0] if data else {}
    return data if isinstance(data, dict) else {}
