"""Reading a transcript in linear time: capped turns, word tokens, and phrase lookup by token.

No regex here scans back over what it has read: words are split once, phrases are looked up by
their first word, so a decision costs time proportional to what was said (capped per turn).
"""
from __future__ import annotations

import re

TURN_MAX = 2000          # characters of one caller turn the fallback reads
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# Speech-to-text often drops apostrophes ("cant", "dont"); a few two-word forms mean the same.
CONTRACTIONS = {
    "cant": "can't", "cannot": "can't", "dont": "don't", "doesnt": "doesn't", "didnt": "didn't",
    "wont": "won't", "isnt": "isn't", "arent": "aren't", "wasnt": "wasn't", "werent": "weren't",
    "havent": "haven't", "hasnt": "hasn't", "couldnt": "couldn't", "wouldnt": "wouldn't",
    "im": "i'm", "ive": "i've", "theyre": "they're", "thats": "that's",
    "theres": "there's", "whats": "what's", "youre": "you're", "shes": "she's", "hes": "he's",
    "nobodys": "nobody's", "everyones": "everyone's", "everythings": "everything's",
}
PAIRS = {("can", "not"): "can't", ("do", "not"): "don't", ("does", "not"): "doesn't",
         ("did", "not"): "didn't", ("is", "not"): "isn't", ("are", "not"): "aren't",
         ("will", "not"): "won't", ("was", "not"): "wasn't", ("has", "not"): "hasn't",
         ("have", "not"): "haven't", ("no", "one"): "nobody", ("no", "one's"): "nobody's"}

NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
           "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100,
           "dozen": 12, "couple": 2, "few": 3}


def normal(text: str) -> str:
    return (text or "")[:TURN_MAX].lower().replace("’", "'").replace("‘", "'")


KEEP_S = {"it's", "that's", "there's", "what's", "he's", "she's", "nobody's", "everyone's",
          "everything's", "let's", "who's", "here's", "where's", "power's", "laptop's", "one's",
          "everybody's", "someone's", "nothing's"}


def tokens(text: str) -> list[str]:
    """Lowercase words of one (capped) turn, contractions made uniform ("cant" → "can't",
    "no one" → "nobody", "server's down" → "server is down")."""
    out: list[str] = []
    for word in WORD.findall(normal(text)):
        word = CONTRACTIONS.get(word, word)
        if word.endswith("'s") and word not in KEEP_S:
            out.append(word[:-2])
            word = "is"
        elif word.endswith("'re"):
            out.append(word[:-3])
            word = "are"
        if out and (out[-1], word) in PAIRS:
            out[-1] = PAIRS[(out[-1], word)]
        else:
            out.append(word)
    return out


def number(word: str) -> int | None:
    if word.isdigit():
        return int(word) if len(word) <= 4 else None
    return NUMBERS.get(word)


class Phrases:
    """A set of phrases found by their first two words: `find(words)` → [(start, end, phrase)]."""

    def __init__(self, phrases):
        self.single: set[str] = set()
        self.by_pair: dict[tuple[str, str], list[tuple[str, ...]]] = {}
        for phrase in dict.fromkeys(phrases):
            parts = tuple(tokens(phrase))
            if len(parts) == 1:
                self.single.add(parts[0])
            elif parts:
                self.by_pair.setdefault(parts[:2], []).append(parts)
        for options in self.by_pair.values():
            options.sort(key=len, reverse=True)  # the longest phrase at a position wins

    def find(self, words: list[str]) -> list[tuple[int, int, str]]:
        hits = []
        last = len(words) - 1
        for i, word in enumerate(words):
            found = None
            if i < last:
                for parts in self.by_pair.get((word, words[i + 1]), ()):
                    if len(parts) == 2 or tuple(words[i:i + len(parts)]) == parts:
                        found = parts
                        break
            if found is None and word in self.single:
                found = (word,)
            if found:
                hits.append((i, i + len(found), " ".join(found)))
        return hits

    def names(self, words: list[str]) -> list[str]:
        return list(dict.fromkeys(p for _, _, p in self.find(words)))


class PhraseBook:
    """Many named phrase sets looked up in one pass: `find(words)` → {name: [(start, end, phrase)]},
    the longest phrase of each set winning at a position."""

    def __init__(self, sets: dict[str, list[str]]):
        self.names_ = list(sets)
        self.single: dict[str, list[str]] = {}
        self.by_pair: dict[tuple[str, str], list[tuple[int, str, tuple[str, ...]]]] = {}
        for name, phrases in sets.items():
            for phrase in dict.fromkeys(phrases):
                parts = tuple(tokens(phrase))
                if len(parts) == 1:
                    self.single.setdefault(parts[0], []).append(name)
                elif parts:
                    self.by_pair.setdefault(parts[:2], []).append((len(parts), name, parts))
        for options in self.by_pair.values():
            options.sort(key=lambda o: o[0], reverse=True)

    def find(self, words: list[str]) -> dict[str, list[tuple[int, int, str]]]:
        hits: dict[str, list] = {name: [] for name in self.names_}
        last = len(words) - 1
        for i, word in enumerate(words):
            taken = set()
            if i < last:
                for length, name, parts in self.by_pair.get((word, words[i + 1]), ()):
                    if name not in taken and (length == 2 or tuple(words[i:i + length]) == parts):
                        taken.add(name)
                        hits[name].append((i, i + length, " ".join(parts)))
            for name in self.single.get(word, ()):
                if name not in taken:
                    hits[name].append((i, i + 1, word))
        return hits


def near(words: list[str], first: set[str], second: set[str], window: int) -> str:
    """The first stretch where a word of `first` and a word of `second` come within `window`
    words of each other (either order), or ""."""
    last_a = last_b = -10**9
    for i, word in enumerate(words):
        if word in first:
            last_a = i
            if i - last_b <= window:
                return " ".join(words[last_b:i + 1])
        if word in second:
            last_b = i
            if i - last_a <= window:
                return " ".join(words[last_a:i + 1])
    return ""
