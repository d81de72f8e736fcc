"""What a draft is, when the user does not say: its kind, nation and date.

Kind: the title ("Recognition Agreement" or "Partnership Agreement") on the
cover or in the first headings. Nation: the bodies and words each nation's
agreements use ("Area Partnership Forum", "Employee Director" in Scotland;
"Local Partnership Forum", "Welsh" in Wales). Date: the effective date on the
cover or in the declaration, for judging which law is in force.
"""

from __future__ import annotations

import datetime as dt
import re

from .draft_read import Draft

NATION_WORDS = {
    "scotland": (
        "area partnership forum",
        "employee director",
        "scotland",
        "scottish",
        "staff governance",
        "partnership information network",
        "nhs scotland",
    ),
    "wales": (
        "local partnership forum",
        "welsh",
        "wales",
        "cymru",
        "welsh partnership forum",
        "university health board",
    ),
    "england": (
        "nhs foundation trust",
        "england",
        "integrated care board",
        "clinical commissioning group",
        "nhs staff council",
        "nhs trust",
    ),
}
KIND_WORDS = {"recognition": "recognition agreement", "partnership": "partnership agreement"}
MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
LONG_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTHS})\s+(\d{{4}})\b", re.I)
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
EFFECT = re.compile(r"(effect|effective|takes effect|commenc|from)", re.I)


def guess_kind(draft: Draft) -> tuple[str | None, str]:
    """(kind, why), or (None, why) when neither the title nor the text says."""
    front = [p.text.lower() for p in draft.front if p.text.strip()]
    title = [p.text.lower() for p in draft.front if p.level == 0] or front[:2]
    lead = front + [s.heading.lower() for s in draft.segments[:3]]
    places = [
        (title, {k: k for k in KIND_WORDS}),
        (lead, KIND_WORDS),
        ([draft.full_text.lower()], KIND_WORDS),
    ]
    for place, words in places:
        counts = {kind: sum(t.count(word) for t in place) for kind, word in words.items()}
        best = max(counts, key=lambda k: counts[k])
        if counts[best] and counts[best] > min(counts.values()):
            where = "its title says" if place is title else "it calls itself a"
            return best, f"{where} \u201c{words[best].title()}\u201d"
    return None, "the title does not say"


def guess_nation(draft: Draft) -> tuple[str, str]:
    text = draft.full_text.lower()
    counts = {n: {w: text.count(w) for w in words} for n, words in NATION_WORDS.items()}
    totals = {n: sum(c.values()) for n, c in counts.items()}
    # Welsh university health boards and Scottish "health board" both say health board: count words only
    best = max(totals, key=lambda n: (totals[n], n == "england"))
    if not totals[best]:
        return "england", "no nation's bodies are named; England assumed"
    words = sorted((w for w, c in counts[best].items() if c), key=lambda w: -counts[best][w])[:2]
    return best, "it says " + " and ".join(f"\u201c{w}\u201d" for w in words)


def parse_date(text: str) -> dt.date | None:
    for found in LONG_DATE.finditer(text):
        day, month, year = found.groups()
        try:
            return dt.date(int(year), MONTHS.split("|").index(month.lower()) + 1, int(day))
        except ValueError:
            continue
    for found in ISO_DATE.finditer(text):
        try:
            return dt.date(*(int(g) for g in found.groups()))
        except ValueError:
            continue
    return None


def guess_date(draft: Draft) -> tuple[dt.date, str]:
    """The effective date on the cover or in a clause that says when it takes effect; else today."""
    places = [p.text for p in draft.front if EFFECT.search(p.text)] + [p.text for p in draft.front]
    places += [p.text for p in draft.paras if EFFECT.search(p.text) and "agreement" in p.text.lower()]
    for text in places:
        found = parse_date(text)
        if found and 1948 <= found.year <= 2100:
            return found, "the date the draft gives"
    return dt.date.today(), "today (the draft gives no date)"


ORGANISATION = re.compile(
    r"\b((?:[A-Z][\w'&-]* +){1,7}?(?:NHS Foundation Trust|NHS Trust|University Health Board|"
    r"Health Board|Integrated Care Board)|NHS +[A-Z][\w'-]+(?: +[A-Z][\w'-]+){0,3})"
)
_ORG_TYPES = (
    ("ambulance", "ambulance_trust"),
    ("mental health", "mental_health_trust"),
    ("integrated care board", "icb"),
    ("university health board", "health_board"),
    ("health board", "health_board"),
    ("community", "community_trust"),
    ("trust", "acute_trust"),
)


def guess_organisation(draft: Draft) -> tuple[str | None, str | None, str]:
    """(name, type, why): the NHS body the draft names most often, and its type from its name."""
    found = [m.group(1).strip() for m in ORGANISATION.finditer(draft.full_text)]
    generic = {"university health board", "nhs foundation trust", "nhs trust", "integrated care board"}
    found = [
        f
        for f in found
        if not f.lower().startswith(("the ", "this ", "each ", "an ", "our ")) and f.lower() not in generic
    ]
    if not found:
        return None, None, "the draft names no NHS body"
    name = max(set(found), key=lambda f: (found.count(f), len(f)))
    lowered = name.lower()
    if lowered.startswith("nhs ") and "trust" not in lowered:
        kind = "health_board"  # NHS Fernbrae: Scotland's boards are named so
    else:
        kind = next((t for word, t in _ORG_TYPES if word in lowered), "other")
    return name, kind, f"it names \u201c{name}\u201d {found.count(name)} time{'s' * (found.count(name) != 1)}"
