"""The guardrail under the LLM: the severity no model answer may go below, from the signals a
call's situation carries (situation.signals), never from prose."""
from __future__ import annotations


def floor_for(sig: dict) -> tuple[str | None, str, str]:
    """The severity below which no LLM answer may go, from explicit high-confidence signals only:
    (floor, kind, what was described), or (None, "", "") when the model's judgement stands.

    1. A security indicator stated outright (security: encrypted files and ransom notes,
       credentials typed or approved, sign-ins or mail the owner didn't make, remote access by
       someone posing as support, a security tool reporting a threat, a stolen device, payment
       fraud, data sent outside, or a "yes" to the security question) → P1, unless the caller
       says it was already handled ("already reset", "remotely wiped").
    2. A business that has stopped, every condition stated outright: an outage of a critical
       system (or people stopped: "nobody can check in"), everyone affected said of people
       ("everyone", "all the guests"; not "nothing opens", "the whole server"), nothing still
       working, people there tonight, no warning, no "it can wait", no guess ("I think it's all
       down") → P2. Anything less and the model's
       judgement stands: a perfect model's P3 for "the whole server is down" that is one folder
       must not page.
    """
    if sig.get("security") and not sig.get("resolved"):
        return "P1", "security", f"security signals ({', '.join(sig['security'][:2])})"
    stopped = (sig.get("outage") and (sig.get("critical") or sig.get("business_impact"))
               and sig.get("scale") == "all" and sig.get("scale_people"))
    doubts = ("healthy", "nobody_in", "warning", "defer", "resolved", "hedged")
    if stopped and not any(sig.get(k) for k in doubts):
        return "P2", "outage", (f"an outage for everyone ({', '.join(sig['scale_words'][:1])}: "
                                f"{', '.join(sig['outage'][:1])})")
    return None, "", ""
