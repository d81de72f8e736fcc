"""A spec from a Word draft agreement-kit did not write: the best it can guess, and why.

The draft is read as `review DRAFT.docx` reads it (load/draft_read.py) and its
clauses mapped onto the library the same way (assembly/clause_match.py). Then:

- kind, nation, organisation, unions and effective date are guessed from its
  words, each with how sure the guess is;
- a clause whose words are all the model's (of the variant in force, or of another
  variant, which is then chosen) is kept as the model: the spec says nothing,
  or switches an optional clause on, or names the variant;
- a clause that does the job of a model clause in other words keeps its own
  wording as the parties' ``text:`` for that clause;
- a clause not in the model becomes one of the parties' own clauses, after the
  clause it follows in the draft;
- a recommended clause the draft lacks is left out (``remove:``), so that the
  spec builds the draft as it is; the report lists each, for the parties to decide.

The spec is assembled before anything is written (importer.py); a removal or a
wording the library will not build with is undone and reported instead.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from ..assembly.clause_match import match
from ..assembly.model_cache import closest_kind, prepared
from ..assembly.model_text import MODEL_NAME, MODEL_SHORT, ModelClause
from ..load.docx_spec import markup_text
from ..load.draft_guess import guess_date, guess_kind, guess_nation, guess_organisation
from ..load.draft_read import Draft, Para, Segment
from ..load.library import Library
from ..utils.errors import InputError, Problem, display_path

SAME = 1.0  # word similarity at which a clause is kept as the model's wording: every word the same
FRONT = re.compile(r"^(contents|table of contents|.*\bagreement)$", re.I)  # a cover or contents, not a clause

_LETTERED = re.compile(r"\([a-z]{1,3}\)")


@dataclass
class Guess:
    what: str
    value: str
    confidence: float
    why: str


@dataclass
class ClauseOutcome:
    heading: str
    clause: str | None  # model clause id, or the parties' own clause id
    action: str  # model, variant, text, own
    confidence: float  # of the mapping
    same: float | None  # share of the model's words, for mapped clauses


@dataclass
class ForeignSpec:
    data: dict[str, Any]
    guesses: list[Guess]
    outcomes: list[ClauseOutcome]
    removed: list[tuple[str, str]]  # (clause id, title) recommended but absent
    kept: list[tuple[str, str]] = field(default_factory=list)  # removals undone: (id, why)
    unsure: list[str] = field(default_factory=list)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _words(a), _words(b), autojunk=False).ratio()


def foreign_spec(draft: Draft, library: Library) -> ForeignSpec:
    name = display_path(draft.path)
    if not draft.segments:
        raise InputError(
            [
                Problem(
                    name,
                    None,
                    "",
                    "this Word file carries no agreement-kit spec, and no clause headings were found in it"
                    " (headings in Word's Heading styles, or short bold numbered lines) to guess one from",
                )
            ]
        )
    guesses = _guesses(draft, library)
    value = {g.what: g.value for g in guesses}
    kind, nation = value["kind"], value["nation"]
    models, matcher = prepared(library, kind, nation)
    matches = match(draft.segments, matcher)
    org_name = value["organisation"]
    short = _short(org_name)
    data: dict[str, Any] = {
        "agreements": [kind],
        "organisation": {
            "name": org_name,
            "short_name": short,
            "type": value["organisation type"],
            "nation": nation,
            "headcount": 1000,
        },
        "unions": [
            {"name": n, "short_name": short_name}
            for n, short_name in _unions(draft, library) or [("UNISON", "UNISON")]
        ],
        "dates": {"effective": dt.date.fromisoformat(value["effective date"])},
    }
    add: list[Any] = []
    choices: dict[str, dict[str, str]] = {}
    outcomes: list[ClauseOutcome] = []
    result = ForeignSpec(data, guesses, outcomes, [])
    previous = next(iter(models))
    taken: set[str] = set()
    for segment, m in zip(draft.segments, matches, strict=True):
        if m.clause is None and previous == next(iter(models)) and FRONT.match(segment.heading):
            continue  # the title page or contents, before the first clause
        if m.clause is None:
            own = _own_id(segment.heading, taken)
            taken.add(own)
            add.append(
                {
                    "id": own,
                    "title": segment.heading[:300] or "Untitled",
                    "after": previous,
                    "text": _text(segment),
                    "reason": "The parties' own clause: the model has none like it.",
                }
            )
            outcomes.append(ClauseOutcome(segment.heading, own, "own", m.confidence, None))
            previous = own
            continue
        model = models[m.clause]
        if m.unsure:
            result.unsure.append(segment.heading)
        index, same = _closest_text(model, segment.body, org_name, short)
        if not model.recommended:
            add.append(m.clause)
        if same >= SAME:
            action = "model"
            if index:
                choices[m.clause] = {"variant": model.variants[index]}
                action = "variant"
        else:
            action = "text"
            choices[m.clause] = {
                "text": _text(segment),
                "reason": f"The draft's own wording ({round(same * 100)}% the model's words).",
            }
        outcomes.append(ClauseOutcome(segment.heading, m.clause, action, m.confidence, same))
        previous = m.clause
    mapped = {m.clause for m in matches if m.clause}
    result.removed = [(cid, mc.title) for cid, mc in models.items() if mc.recommended and cid not in mapped]
    if add:
        data["add"] = add
    if choices:
        data["clauses"] = choices
    if result.removed:
        data["remove"] = [
            {
                "id": cid,
                "reason": "Not in the draft: a recommended clause of the model, for the parties to consider.",
            }
            for cid, _ in result.removed
        ]
    return result


def _guesses(draft: Draft, library: Library) -> list[Guess]:
    nation, why_nation = guess_nation(draft)
    text = draft.full_text.lower()
    counts = {n: text.count(n[:5]) for n in ("england", "scotland", "wales")}
    nation_conf = (
        0.5 if why_nation.startswith("no nation") else 0.95 if len(set(counts.values())) > 1 else 0.75
    )
    kind, why_kind = guess_kind(draft)
    kind_conf = 0.95 if kind and "title" in why_kind else 0.8 if kind else 0.0
    if kind is None:
        kind, score = closest_kind(draft.segments, library, nation)
        why_kind, kind_conf = "its clauses are closest to that model", min(0.7, 0.3 + score)
    org, org_type, why_org = guess_organisation(draft)
    org_conf = 0.8 if org else 0.0
    unions = [n for n, _ in _unions(draft, library)]
    date, why_date = guess_date(draft)
    return [
        Guess("kind", kind, kind_conf, why_kind),
        Guess("nation", nation, nation_conf, why_nation),
        Guess(
            "organisation", org or "Our NHS Employer", org_conf, why_org + ("" if org else "; a placeholder")
        ),
        Guess("organisation type", org_type or "other", org_conf * 0.8, "from the organisation's name"),
        Guess(
            "unions",
            "; ".join(unions) or "UNISON",
            0.8 if unions else 0.0,
            "the unions the draft names" if unions else "the draft names no union; UNISON as a placeholder",
        ),
        Guess("effective date", date.isoformat(), 0.9 if "draft gives" in why_date else 0.0, why_date),
    ]


def _unions(draft: Draft, library: Library) -> list[tuple[str, str]]:
    """(name, short name) of each known union the draft names."""
    text = draft.full_text
    found = []
    for union in library.known_unions:
        names = [union.name, *union.also]
        if any(re.search(r"(?<!\w)" + re.escape(n) + r"(?!\w)", text) for n in names):
            found.append((union.name, union.also[0] if union.also else union.name))
    return found


def _short(name: str) -> str:
    short = re.sub(r"\s+(NHS Foundation Trust|NHS Trust|University Health Board|Health Board)$", "", name)
    return short[:300] or name


def _closest_text(model: ModelClause, body: str, name: str, short: str) -> tuple[int, float]:
    texts = [t.replace(MODEL_NAME, name).replace(MODEL_SHORT, short) for t in model.texts]
    ratios = [similarity(t, body) for t in texts]
    best = max(range(len(texts)), key=lambda i: ratios[i])
    return best, ratios[best]


def _text(segment: Segment) -> str:
    paragraphs = [_line(p) for p in segment.paras[1:] if p.text.strip()] or ["(no text)"]
    return markup_text(paragraphs)


def _line(para: Para) -> str:
    """A paragraph as markup_text reads it: a lettered list number Word shows, "(a)",
    makes an item; any other is left out (the spec's own numbering replaces it)."""
    if _LETTERED.fullmatch(para.label):
        return f"{para.label}\t{para.words}"
    return para.words


def _own_id(heading: str, taken: set[str]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", heading.lower()).strip("_")[:40].strip("_") or "clause"
    if not slug[0].isalpha():
        slug = "c_" + slug
    candidate, n = f"local.{slug}", 2
    while candidate in taken:
        candidate, n = f"local.{slug}_{n}", n + 1
    return candidate
