"""Map a draft's clauses onto the library: offline, deterministic, one to one.

Each segment (heading plus body) is compared with each model clause by TF-IDF
cosine similarity over word (1-2) and character (3-5) n-grams: the body with
the closest of the clause's variants (its title added), the heading with the
clause's title, and the clause's commentary at a lower weight (tfidf.py, fitted on the model
wording alone, so that it can be kept on disk). The Hungarian method
(assign.py) then gives each clause to at most one segment, so two
reworded paragraphs cannot both claim it. An assignment scoring below
``THRESHOLD`` is "not in the model"; one below ``SURE`` or too close to the
runner-up is flagged for the user to confirm in a mapping file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..load.draft_read import Segment
from .assign import assign
from .model_text import ModelClause
from .tfidf import Space, similarity

THRESHOLD = 0.11  # below: not in the model (unrelated policies score under 0.09)
SURE = 0.45  # below, or within MARGIN of the runner-up: ask the user to confirm
MARGIN = 0.04
W_BODY, W_TITLE, W_NOTE = 0.7, 0.2, 0.1


@dataclass(frozen=True)
class Candidate:
    clause: str
    score: float


@dataclass(frozen=True)
class Match:
    segment: int
    clause: str | None
    confidence: float
    candidates: tuple[Candidate, ...]
    unsure: bool
    confirmed: bool = False  # set by the user's mapping file


@dataclass
class Matcher:
    """The model wording of one kind and nation, fitted: built once, kept on disk (model_cache)."""

    ids: list[str]
    owner: np.ndarray  # body row -> the clause it is a variant of
    body: tuple[Space, Space]
    note: tuple[Space, Space]
    title: tuple[Space, Space]

    @classmethod
    def fit(cls, models: list[ModelClause]) -> Matcher:
        rows, owner = [], []
        for j, m in enumerate(models):
            for text in m.texts:
                rows.append(f"{m.title}\n{text}")
                owner.append(j)
        notes = [m.commentary for m in models]
        titles = [m.heading_words for m in models]
        corpus = rows + notes
        return cls(
            [m.id for m in models],
            np.array(owner, np.int64),
            (Space.fit("words", corpus, rows), Space.fit("chars", corpus, rows)),
            (Space.fit("words", corpus, notes), Space.fit("chars", corpus, notes)),
            (Space.fit("words", corpus + titles, titles), Space.fit("chars", corpus + titles, titles)),
        )

    def spaces(self) -> dict[str, Space]:
        return {
            f"{part}.{i}": space
            for part in ("body", "note", "title")
            for i, space in enumerate(getattr(self, part))
        }


def scores(segments: list[Segment], matcher: Matcher) -> np.ndarray:
    """Segments x clauses similarity in [0, 1]."""
    n = len(matcher.ids)
    if not segments or not n:
        return np.zeros((len(segments), n))
    seg_text = [s.text for s in segments]
    body_rows = similarity(matcher.body, seg_text)
    body = np.zeros((len(segments), n))
    np.maximum.at(body.T, matcher.owner, body_rows.T)
    note = similarity(matcher.note, seg_text)
    title = similarity(matcher.title, [s.heading for s in segments])
    return W_BODY * body + W_TITLE * title + W_NOTE * note


def match(
    segments: list[Segment], matcher: Matcher, fixed: dict[int, str | None] | None = None
) -> list[Match]:
    """One match per segment, in order. ``fixed`` (segment index -> clause id or
    None) holds the user's confirmed answers: kept, and their clauses taken."""
    fixed = fixed or {}
    matrix = scores(segments, matcher)
    ids = matcher.ids
    taken = {cid for cid in fixed.values() if cid}
    free_rows = [i for i in range(len(segments)) if i not in fixed]
    free_cols = [j for j, cid in enumerate(ids) if cid not in taken]
    assigned: dict[int, int] = {}
    if free_rows and free_cols:
        sub = matrix[np.ix_(free_rows, free_cols)]
        assigned = {free_rows[r]: free_cols[c] for r, c in assign(sub)}
    out = []
    for i in range(len(segments)):
        order: list[int] = list(np.argsort(-matrix[i], kind="stable")[:3]) if ids else []
        candidates = tuple(Candidate(ids[j], round(float(matrix[i, j]), 3)) for j in order)
        if i in fixed:
            cid = fixed[i]
            score = float(matrix[i, ids.index(cid)]) if cid in ids else 0.0
            out.append(Match(i, cid, round(score, 3), candidates, False, True))
            continue
        j = assigned.get(i)
        score = float(matrix[i, j]) if j is not None else 0.0
        if j is None or score < THRESHOLD:
            best = candidates[0].score if candidates else 0.0
            out.append(Match(i, None, round(best, 3), candidates, best >= THRESHOLD))
            continue
        others = [c.score for c in candidates if c.clause != ids[j]]
        unsure = score < SURE or bool(others and score - others[0] < MARGIN)
        out.append(Match(i, ids[j], round(score, 3), candidates, unsure))
    return out
