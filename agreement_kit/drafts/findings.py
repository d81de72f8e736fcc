"""A staff-side chair's findings on a Word draft, as for a spec: wording that
departs from the model (with a word redline), recommended clauses missing, the
Acas Code 3 para 57 and TULRCA s.178(2) checklists judged on what the mapped
clauses say, law cited that is not in force, and clauses not in the model.
Every finding names the draft paragraph it belongs on.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field

from ..assembly.clause_match import Match
from ..assembly.model_text import MODEL_NAME, MODEL_SHORT, ModelClause
from ..load.checklists import load_checklists
from ..load.draft_read import Draft, Segment
from ..load.library import Library
from ..utils.redline import Redline, words_redline
from ..utils.severity import SEVERITIES

SAME = 0.98  # word similarity at or above which wording is the model's
CLOSE = 0.85  # at or above: a low finding, below: medium


@dataclass(frozen=True)
class DraftFinding:
    severity: str
    category: str  # wording, absent, checklist, citation, unmatched, unsure, changes
    summary: str
    para: int  # the draft paragraph (document order) the comment sits on
    clause_id: str | None = None
    segment: int | None = None
    detail: tuple[str, ...] = ()
    redline: Redline | None = None

    def as_json(self) -> dict:
        return {
            "severity": self.severity,
            "category": self.category,
            "summary": self.summary,
            "clause": self.clause_id,
            "segment": self.segment,
            "paragraph": self.para,
            "detail": list(self.detail),
        }


@dataclass
class DraftReview:
    draft: Draft
    kind: str
    nation: str
    date: dt.date
    guessed: dict[str, str]  # what was guessed -> why
    models: dict[str, ModelClause]
    matches: list[Match]
    departures: dict[int, float] = field(default_factory=dict)  # segment -> word similarity
    missing: list[str] = field(default_factory=list)
    checklists: dict[str, dict[str, str]] = field(default_factory=dict)
    checklist_titles: dict[str, str] = field(default_factory=dict)
    findings: list[DraftFinding] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {s: sum(f.severity == s for f in self.findings) for s in reversed(SEVERITIES)}

    def worst(self) -> str | None:
        return max((f.severity for f in self.findings), key=SEVERITIES.index, default=None)

    def summary(self) -> str:
        mapped = sum(m.clause is not None for m in self.matches)
        counts = ", ".join(f"{n} {s}" for s, n in self.counts().items() if n) or "no findings"
        return (
            f"{self.draft.path.name}: {self.kind}, {self.nation}; {mapped} of {len(self.matches)}"
            f" clauses mapped to the model; {counts}"
        )


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _words(a), _words(b), autojunk=False).ratio()


def organisation_name(draft: Draft) -> str | None:
    found = re.search(r"made between (?:the )?(.+?) \(", draft.full_text)
    return found.group(1).strip() if found and len(found.group(1)) < 150 else None


def _as_drafted(text: str, name: str | None) -> str:
    return text.replace(MODEL_NAME, name).replace(MODEL_SHORT, name) if name else text


def review_findings(review: DraftReview, library: Library) -> None:
    draft, models = review.draft, review.models
    name = organisation_name(draft)
    first = _first_para(draft)
    out = review.findings
    mapped: dict[str, int] = {}
    for m in review.matches:
        segment = draft.segments[m.segment]
        anchor = segment.paras[0].index
        if m.clause is None:
            out.append(
                DraftFinding(
                    "low",
                    "unmatched",
                    f"\u201c{segment.heading}\u201d is not in the model: no library clause says this",
                    anchor,
                    None,
                    m.segment,
                    ("Check it against the guidance yourself; the model offers no wording to compare.",),
                )
            )
            continue
        mapped[m.clause] = m.segment
        model = models[m.clause]
        if m.unsure:
            others = ", ".join(f"{c.clause} ({c.score:.2f})" for c in m.candidates if c.clause != m.clause)
            out.append(
                DraftFinding(
                    "info",
                    "unsure",
                    f"read as the model's \u201c{model.title}\u201d ({m.clause}) with confidence"
                    f" {m.confidence:.2f}: please confirm",
                    anchor,
                    m.clause,
                    m.segment,
                    (f"Other candidates: {others}." if others else "", _MAPPING_HINT),
                )
            )
        out.extend(_wording(review, segment, m, model, name))
    review.missing = [cid for cid, mc in models.items() if mc.recommended and cid not in mapped]
    for cid in review.missing:
        mc = models[cid]
        out.append(
            DraftFinding(
                "high",
                "absent",
                f"recommended clause \u201c{mc.title}\u201d ({mc.section}) is absent",
                first,
                cid,
                None,
                (mc.note,),
            )
        )
    _checklists(review, library, mapped, first)
    _citations(review, library)
    for para in draft.paras:
        if para.changes:
            out.append(
                DraftFinding(
                    "info",
                    "changes",
                    f"{para.changes} tracked change{'s' * (para.changes != 1)} pending here;"
                    " reviewed as if accepted",
                    para.index,
                )
            )
    out.sort(key=lambda f: (-SEVERITIES.index(f.severity), f.para))


_MAPPING_HINT = (
    "To confirm or correct it, give this clause's heading (or its index) and the right clause id,"
    " or null, in a mapping file and run the review again with --mapping."
)


def _first_para(draft: Draft) -> int:
    for para in draft.paras:
        if para.text.strip():
            return para.index
    return 0


def _wording(
    review: DraftReview, segment: Segment, m: Match, model: ModelClause, name: str | None
) -> list[DraftFinding]:
    body = segment.body
    texts = [_as_drafted(t, name) for t in model.texts]
    best = max(texts, key=lambda t: similarity(t, body))
    ratio = similarity(best, body)
    review.departures[segment.index] = ratio
    if ratio >= SAME:
        return []
    redline = words_redline(best, body)
    severity = "low" if ratio >= CLOSE else "medium"
    anchor = _changed_para(segment, best)
    return [
        DraftFinding(
            severity,
            "wording",
            f"wording departs from the model\u2019s \u201c{model.title}\u201d"
            f" ({round(ratio * 100)}% the same words)",
            anchor,
            m.clause,
            segment.index,
            (model.note,),
            redline,
        )
    ]


def _changed_para(segment: Segment, model_text: str) -> int:
    """The body paragraph least like the model: where the wording moved."""
    body = [p for p in segment.paras[1:] if p.text.strip()]
    if not body:
        return segment.paras[0].index
    model_lines = [line for line in model_text.split("\n") if line.strip()] or [model_text]

    def closeness(text: str) -> float:
        return max(similarity(line, text) for line in model_lines)

    return min(body, key=lambda p: closeness(p.text)).index


def _checklists(review: DraftReview, library: Library, mapped: dict[str, int], first: int) -> None:
    for loaded in load_checklists(library):
        checklist = loaded.checklist
        if review.kind not in checklist.kinds:
            continue
        review.checklist_titles[checklist.id] = checklist.title
        results: dict[str, str] = {}
        for item in checklist.items:
            found = [mapped[c] for c in item.clauses if c in mapped]
            strong = [s for s in found if review.departures.get(s, 1.0) >= SAME]
            status = "covered" if strong else "weak" if found else "missing"
            results[item.id] = status
            if status == "covered":
                continue
            anchor = review.draft.segments[found[0]].paras[0].index if found else first
            out = "is missing" if status == "missing" else "is only weakly covered"
            why = (
                "No clause of this draft covers it."
                if not found
                else "Only covered by wording that departs from the model."
            )
            review.findings.append(
                DraftFinding(
                    "high" if status == "missing" else "medium",
                    "checklist",
                    f"{checklist.title}: \u201c{item.text}\u201d {out}",
                    anchor,
                    item.clauses[0],
                    found[0] if found else None,
                    (why, item.weak_because or ""),
                )
            )
        review.checklists[checklist.id] = results


def _citations(review: DraftReview, library: Library) -> None:
    """Instruments the draft names, by short name or title, not in force for its nation on its date."""
    for key, inst in sorted(library.instruments.items()):
        if inst.in_force(review.nation, review.date):
            continue
        names = [inst.short] + ([inst.title] if not inst.section else [])
        patterns = [
            re.compile(r"(?<!\w)" + re.escape(n).replace(r"\ ", r"\s+") + r"(?!\w)", re.I) for n in names
        ]
        for para in review.draft.paras:
            if any(p.search(para.text) for p in patterns):
                changed = f" by {inst.changed_by}" if inst.changed_by else ""
                review.findings.append(
                    DraftFinding(
                        "medium",
                        "citation",
                        f"cites {inst.short}, which is not in force for {review.nation.title()} on"
                        f" {review.date.isoformat()} ({inst.force_text(review.nation)}{changed})",
                        para.index,
                        None,
                        None,
                        (f"Register entry: {key}.", inst.note or ""),
                    )
                )
                break
