"""A Word draft's review as Markdown and as one HTML page.

The same order as a spec's review: counts by severity, what was guessed, each
finding (high first) with its redline, the checklists item by item, then how
each of the draft's clauses was mapped onto the model and how sure the match
is. Every value from the draft is escaped.
"""

from __future__ import annotations

import html

import markdown as md

from ..render.html import stylesheet
from ..render.markdown import escape, guard_start
from ..render.redline import REPORT_STYLESHEET, redline_paragraphs, runs_md
from .findings import DraftReview

LABELS = {"high": "High", "medium": "Medium", "low": "Low", "info": "For information"}
LEGEND = "Model wording that was removed is struck through; the draft's own words are underlined."


def render_markdown(review: DraftReview) -> str:
    draft = review.draft
    parts = [f"# Review: {escape(draft.path.name)}"]
    guessed = "; ".join(f"{k} guessed from {escape(v)}" for k, v in review.guessed.items())
    parts.append(
        f"Reviewed as a **{escape(review.kind)}** agreement for **{escape(review.nation.title())}**,"
        f" law as at {review.date.isoformat()}" + (f" ({guessed})." if guessed else ".")
    )
    parts.append(f"**Summary:** {escape(review.summary())}")
    rows = ["| Severity | Findings |", "| --- | ---: |"]
    rows += [f"| {LABELS[s]} | {n} |" for s, n in review.counts().items()]
    parts.append("\n".join(rows))
    headings = {s.index: s.heading for s in draft.segments}
    for severity in ("high", "medium", "low", "info"):
        found = [f for f in review.findings if f.severity == severity]
        if not found:
            continue
        parts.append(f"## {LABELS[severity]}: {len(found)} finding{'s' * (len(found) != 1)}")
        for f in found:
            where = headings.get(f.segment, "") if f.segment is not None else ""
            title = (
                f"{where} ({f.clause_id})" if where and f.clause_id else where or f.clause_id or "The draft"
            )
            parts.append(f"### {escape(title)}")
            parts.append(f"**{escape(f.category.capitalize())}:** {escape(f.summary)}")
            parts.extend(guard_start(escape(d)) for d in f.detail if d)
            if f.redline is not None and f.redline.changed:
                parts.append(f"*{escape(LEGEND)}*")
                parts.append("\n>\n".join("> " + runs_md(p) for p in redline_paragraphs(f.redline)))
    if review.checklists:
        parts.append("## Checklists")
        for cid, items in review.checklists.items():
            rows = ["| Item | Status |", "| --- | --- |"]
            rows += [
                f"| {escape(item)} | {status if status == 'covered' else f'**{status}**'} |"
                for item, status in items.items()
            ]
            parts += [f"### {escape(review.checklist_titles.get(cid, cid))}", "\n".join(rows)]
    parts.append("## How the draft's clauses were read")
    rows = [
        "| # | Heading | Model clause | Confidence | Other candidates |",
        "| ---: | --- | --- | ---: | --- |",
    ]
    for s, m in zip(draft.segments, review.matches, strict=True):
        clause = m.clause or "not in the model"
        if m.confirmed:
            clause += " (confirmed)"
        elif m.unsure:
            clause += " (**please confirm**)"
        others = ", ".join(f"{c.clause} {c.score:.2f}" for c in m.candidates if c.clause != m.clause)
        rows.append(
            f"| {s.index} | {escape(s.heading)} | {escape(clause)} | {m.confidence:.2f} | {escape(others)} |"
        )
    parts.append("\n".join(rows))
    return "\n\n".join(parts) + "\n"


def render_html(review: DraftReview) -> str:
    body = md.markdown(render_markdown(review), extensions=["tables"])
    title = html.escape(f"Review: {review.draft.path.name}")
    return (
        f'<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
        f"<style>\n{stylesheet(REPORT_STYLESHEET)}\n</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
