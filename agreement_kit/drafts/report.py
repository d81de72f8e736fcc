"""Review a Word draft and write its reports: the pipeline behind
`agreement-kit review DRAFT.docx`.

Everything is read and checked before anything is written: a hostile or
broken draft, or a bad mapping file, ends in an error naming the file and
leaves the output folder as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..assembly.clause_match import match
from ..assembly.model_cache import closest_kind, prepared
from ..load.draft_guard import read_docx_bytes
from ..load.draft_guess import guess_date, guess_kind, guess_nation
from ..load.draft_read import Draft, open_draft
from ..load.library import Library, load_library
from ..load.yaml_source import load_yaml
from ..utils.atomic_write import write_atomic
from ..utils.errors import InputError, Problem, display_path
from ..utils.formats import chosen_formats
from .findings import DraftReview, review_findings

REPORT_FORMATS = ("md", "html", "docx")
NATIONS = ("england", "scotland", "wales")


def review_draft(
    path: Path,
    *,
    library: Library | None = None,
    kind: str | None = None,
    nation: str | None = None,
    mapping: Path | None = None,
) -> DraftReview:
    library = library or load_library()
    draft = open_draft(path, read_docx_bytes(path))
    guessed: dict[str, str] = {}
    if nation is None:
        nation, why = guess_nation(draft)
        guessed["nation"] = why
    if kind is None:
        kind, why = guess_kind(draft)
        if kind is None:
            kind, why = (
                closest_kind(draft.segments, library, nation)[0],
                "its clauses are closest to that model",
            )
        guessed["kind"] = why
    if kind not in library.kinds:
        raise InputError([Problem("--kind", None, "", f"unknown agreement kind {kind!r}")])
    date, why = guess_date(draft)
    guessed["date"] = why
    models, matcher = prepared(library, kind, nation)
    fixed = read_mapping(mapping, draft, set(models)) if mapping else {}
    matches = match(draft.segments, matcher, fixed)
    result = DraftReview(draft, kind, nation, date, guessed, models, matches)
    review_findings(result, library)
    return result


def read_mapping(path: Path, draft: Draft, known: set[str]) -> dict[int, str | None]:
    """A YAML mapping: a segment's heading (or index) -> clause id, or null for "not in the model"."""
    data, source = load_yaml(path)
    if not isinstance(data, dict):
        raise InputError(
            [Problem(display_path(path), 1, "", "expected a mapping: heading or index -> clause id")]
        )
    by_heading: dict[str, int] = {}
    for s in draft.segments:
        for key in (s.heading, f"{s.number} {s.heading}" if s.number else s.heading):
            by_heading.setdefault(" ".join(key.lower().split()), s.index)
    problems, out = [], {}
    for key, value in data.items():
        line = source.line_of((key,))
        if isinstance(key, int | str) and str(key).isdigit() and not isinstance(key, bool):
            index = int(key) if int(key) < len(draft.segments) else None
        else:
            index = by_heading.get(" ".join(str(key).lower().split()))
        if index is None:
            problems.append(
                Problem(
                    display_path(path), line, str(key), "no clause of the draft has this heading or index"
                )
            )
        elif value is not None and (not isinstance(value, str) or value not in known):
            problems.append(
                Problem(display_path(path), line, str(key), f"{value!r} is not a clause of this model")
            )
        else:
            out[index] = value
    if problems:
        raise InputError(problems)
    return out


def review_json(review: DraftReview, paths: Sequence[Path] = ()) -> dict[str, Any]:
    draft = review.draft
    return {
        "file": str(draft.path),
        "kind": review.kind,
        "nation": review.nation,
        "date": review.date.isoformat(),
        "guessed": review.guessed,
        "segments": [
            {
                "index": s.index,
                "heading": s.heading,
                "number": s.number,
                "text": s.body,
                "clause": m.clause,
                "confidence": m.confidence,
                "unsure": m.unsure,
                "confirmed": m.confirmed,
                "candidates": [{"clause": c.clause, "score": c.score} for c in m.candidates],
            }
            for s, m in zip(draft.segments, review.matches, strict=True)
        ],
        "missing": review.missing,
        "checklists": review.checklists,
        "findings": [f.as_json() for f in review.findings],
        "summary": review.summary(),
        "outputs": [str(p) for p in paths],
    }


def write_draft_review(
    path: Path,
    out_dir: Path,
    *,
    formats: Sequence[str] = REPORT_FORMATS,
    library: Library | None = None,
    kind: str | None = None,
    nation: str | None = None,
    mapping: Path | None = None,
) -> tuple[DraftReview, list[Path]]:
    """Review one Word draft; write the reports (and their annotated document)."""
    from .annotate import annotated_docx
    from .render_text import render_html, render_markdown

    formats = chosen_formats(formats, REPORT_FORMATS)
    result = review_draft(path, library=library, kind=kind, nation=nation, mapping=mapping)
    stem = path.stem
    files: list[tuple[Path, bytes]] = []
    if "md" in formats:
        files.append((out_dir / f"{stem}-review.md", render_markdown(result).encode()))
    if "html" in formats:
        files.append((out_dir / f"{stem}-review.html", render_html(result).encode()))
    if "docx" in formats:
        files.append((out_dir / f"{stem}-review.docx", annotated_docx(result)))
    for target, data in files:
        write_atomic(target, data)
    return result, [p for p, _ in files]
