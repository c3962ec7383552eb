"""The follow-up questions and their kinds. The fallback's questions carry their kind; an LLM's
question is classified from its words (for the record and the evaluation bench)."""
from __future__ import annotations

from .text import tokens

COMPANY, SECURITY, CALLBACK, SCOPE, OTHER = "company", "security", "callback", "scope", "other"

QUESTIONS = {
    COMPANY: "Which company are you calling from?",
    SECURITY: "Did anyone type a password, approve a sign-in prompt, or let someone connect to a "
              "computer?",
    CALLBACK: "What is the best number to call you back on?",
    SCOPE: "Is it just you, or is everyone affected?",
    OTHER: "Sorry, what is the problem you're calling about?",
}

# Words that give a question's kind away, most telling first.
CLUES = [
    (SECURITY, {"password", "passwords", "approve", "approved", "prompt", "click", "clicked",
                "credentials", "connect", "remote", "code", "mfa", "link", "attachment"}),
    (CALLBACK, {"number", "callback", "reach", "phone"}),
    (COMPANY, {"company", "organization", "organisation", "business", "employer", "firm",
               "practice", "who"}),
    (SCOPE, {"everyone", "everybody", "just", "how", "many", "affected", "sites", "site",
             "people", "users", "others", "anyone", "else", "office", "offices", "whole", "all",
             "location", "locations", "clinic", "clinics"}),
]


def classify_question(text: str) -> str:
    """scope | security | company | callback | other, from a question's words."""
    words = set(tokens(text))
    if not words:
        return OTHER
    best, best_hits = OTHER, 0
    for kind, clues in CLUES:
        hits = len(words & clues)
        if hits > best_hits:
            best, best_hits = kind, hits
    if best == SCOPE and "call" in words and "number" in words:
        return CALLBACK
    return best
