"""Map a draft's clauses onto the library: offline, deterministic, one to one.

Each segment (heading plus body) is compared with each model clause by TF-IDF
cosine similarity over word (1-2) and character (3-5) n-grams: the body with
the closest of the clause's variants (its title added), the heading with the
clause's title, and the clause's commentary at a lower weight. scipy's
``linear_sum_assignment`` then gives each clause to at most one segment, so two
reworded paragraphs cannot both claim it. An assignment scoring below
``THRESHOLD`` is "not in the model"; one below ``SURE`` or too close to the
runner-up is flagged for the user to confirm in a mapping file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from ..load.draft_read import Segment
from .model_text import ModelClause

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


def _vectorizers() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    words = TfidfVectorizer(
        analyzer="word", ngram_range=(1, 2), sublinear_tf=True, stop_words="english", lowercase=True
    )
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True)
    return words, chars


def _similarity(left: list[str], right: list[str], fit: list[str]) -> np.ndarray:
    """Mean of word and character n-gram cosine similarity, left x right."""
    out = np.zeros((len(left), len(right)))
    for vectorizer in _vectorizers():
        vectorizer.fit(fit)
        a = normalize(vectorizer.transform(left))
        b = normalize(vectorizer.transform(right))
        out += (a @ b.T).toarray()
    return out / 2


def scores(segments: list[Segment], models: list[ModelClause]) -> np.ndarray:
    """Segments x clauses similarity in [0, 1]."""
    if not segments or not models:
        return np.zeros((len(segments), len(models)))
    seg_text = [s.text for s in segments]
    rows, owner = [], []
    for j, m in enumerate(models):
        for text in m.texts:
            rows.append(f"{m.title}\n{text}")
            owner.append(j)
    notes = [m.note for m in models]
    titles = [m.title for m in models]
    fit = seg_text + rows + notes
    body_rows = _similarity(seg_text, rows, fit)
    body = np.zeros((len(segments), len(models)))
    for r, j in enumerate(owner):
        body[:, j] = np.maximum(body[:, j], body_rows[:, r])
    note = _similarity(seg_text, notes, fit)
    title = _similarity([s.heading for s in segments], titles, [s.heading for s in segments] + titles)
    return W_BODY * body + W_TITLE * title + W_NOTE * note


def match(
    segments: list[Segment], models: list[ModelClause], fixed: dict[int, str | None] | None = None
) -> list[Match]:
    """One match per segment, in order. ``fixed`` (segment index -> clause id or
    None) holds the user's confirmed answers: kept, and their clauses taken."""
    fixed = fixed or {}
    matrix = scores(segments, models)
    ids = [m.id for m in models]
    taken = {cid for cid in fixed.values() if cid}
    free_rows = [i for i in range(len(segments)) if i not in fixed]
    free_cols = [j for j, cid in enumerate(ids) if cid not in taken]
    assigned: dict[int, int] = {}
    if free_rows and free_cols:
        sub = matrix[np.ix_(free_rows, free_cols)]
        rows, cols = linear_sum_assignment(-sub)
        assigned = {free_rows[r]: free_cols[c] for r, c in zip(rows, cols, strict=True)}
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
