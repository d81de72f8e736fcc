"""Render a review as a Markdown or HTML report for a staff-side chair.

The report answers "what should we challenge in this draft?": a count of
findings by severity, then each finding (high first) with the commentary
that says why it matters and, for reworded clauses, a word-level redline
against the model; then the statutory and Acas checklists item by item.

Both formats escape every value that came from the spec or the library, as
the agreement renderers do. The redline helpers here are shared with the
comparison report.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..assembly.model import Agreement
from ..render.html import html_environment, stylesheet
from ..render.markdown import escape, guard_start, long_date
from ..render.notes import sentence
from ..render.redline import REPORT_STYLESHEET, Run, library_versions, redline_paragraphs, runs_html, runs_md
from .review import SEVERITIES, ChecklistResult, Finding, Review

TEMPLATE = "review.html.j2"

# Highest first: the order a reader deals with them.
SEVERITY_ORDER = tuple(reversed(SEVERITIES))
SEVERITY_LABELS = {"high": "High", "medium": "Medium", "low": "Low", "info": "For information"}
CATEGORY_LABELS = {
    "wording": "Wording",
    "variant": "Variant",
    "parameter": "Chosen value",
    "absent": "Absent clause",
    "checklist": "Checklist",
    "citation": "Citation",
}
REDLINE_LEGEND = "Model wording that was removed is struck through; the agreement's own words are underlined."

# -- the review as data both formats read ----------------------------------------


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    heading: str  # "Partnership Agreement, clause 4.3 Quorum"
    category: str
    summary: str
    detail: tuple[tuple[str, str], ...]  # (label, text): the parties' reason is labelled
    redline: list[list[Run]]


@dataclass(frozen=True)
class ChecklistView:
    title: str
    items: list[ChecklistResult]

    def counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.items) for s in ("covered", "weakened", "missing")}


def _short_titles(review: Review) -> dict[str, str]:
    return {a.kind: a.short_title for a in review.agreements}


def _heading(finding: Finding, titles: dict[str, str]) -> str:
    agreement = titles.get(finding.agreement, finding.agreement)
    if finding.clause_number:
        return f"{agreement}, clause {finding.clause_number} {finding.clause_title}"
    if finding.category == "absent":
        return f"{agreement}: {finding.clause_title} (not in the agreement)"
    return f"{agreement}: {finding.clause_title}"


REASON = "Reason given:"


def _detail(paragraphs: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The detail without blanks, with the parties' stated reason set apart
    from the library's commentary."""
    texts = [" ".join(p.split()) for p in paragraphs if p and p.strip()]
    return tuple((REASON, t[len(REASON) :].strip()) if t.startswith(REASON) else ("", t) for t in texts)


def finding_views(review: Review) -> dict[str, list[FindingView]]:
    """Findings by severity, highest first; a severity with none is left out."""
    titles = _short_titles(review)
    groups: dict[str, list[FindingView]] = {}
    for severity in SEVERITY_ORDER:
        views = [
            FindingView(
                f,
                _heading(f, titles),
                CATEGORY_LABELS.get(f.category, f.category),
                sentence(f.summary),
                _detail(f.detail),
                redline_paragraphs(f.redline) if f.redline and f.redline.changed else [],
            )
            for f in review.findings
            if f.severity == severity
        ]
        if views:
            groups[severity] = views
    return groups


def checklist_views(review: Review) -> list[ChecklistView]:
    lists: dict[str, ChecklistView] = {}
    for result in review.checklists:
        lists.setdefault(result.checklist, ChecklistView(result.title, [])).items.append(result)
    return list(lists.values())


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _agreement_line(a: Agreement) -> str:
    return f"{a.title}, version {a.version}, effective {long_date(a.effective)}"


# -- Markdown -----------------------------------------------------------------------


def _counts_md(review: Review) -> str:
    rows = ["| Severity | Findings |", "| --- | ---: |"]
    rows.extend(f"| {SEVERITY_LABELS[s]} | {n} |" for s, n in review.counts().items())
    return "\n".join(rows)


def _finding_md(view: FindingView) -> list[str]:
    out = [f"### {escape(view.heading)}", f"**{escape(view.category)}:** {escape(view.summary)}"]
    out.extend(
        f"**{escape(label)}** {escape(text)}" if label else guard_start(escape(text))
        for label, text in view.detail
    )
    if view.redline:
        out.append(f"*{escape(REDLINE_LEGEND)}*")
        out.append("\n>\n".join("> " + runs_md(p) for p in view.redline))
    return out


def _status_md(status: str) -> str:
    return status if status == "covered" else f"**{status}**"


def _checklist_md(view: ChecklistView) -> list[str]:
    c = view.counts()
    rows = ["| Item | Status | Covered by |", "| --- | --- | --- |"]
    for r in view.items:
        clauses = "; ".join(escape(x) for x in r.clauses) or "—"
        rows.append(f"| {escape(r.text)} | {_status_md(r.status)} | {clauses} |")
    summary = (
        f"{c['covered']} of {len(view.items)} items covered, {c['weakened']} weakened,"
        f" {c['missing']} missing."
    )
    return [f"### {escape(view.title)}", summary, "\n".join(rows)]


def render_review_markdown(review: Review) -> str:
    """The review as Markdown (python-markdown with `tables` renders it)."""
    parts = [f"# Review: {escape(review.organisation)}"]
    reviewed = [f"- {guard_start(escape(_agreement_line(a)))}" for a in review.agreements]
    parts.append(
        "Agreements reviewed:\n\n" + "\n".join(reviewed) if reviewed else "No agreements were reviewed."
    )
    parts.append(f"Reviewed against clause library {escape(library_versions(review.agreements))}.")
    parts.append(f"**Summary:** {escape(review.summary())}")
    parts.append(_counts_md(review))
    groups = finding_views(review)
    if not groups:
        parts.append("## Findings")
        parts.append("No findings: the agreement follows the model and the guidance throughout.")
    for severity, views in groups.items():
        parts.append(f"## {SEVERITY_LABELS[severity]}: {_plural(len(views), 'finding')}")
        for view in views:
            parts.extend(_finding_md(view))
    lists = checklist_views(review)
    if lists:
        parts.append("## Checklists")
        parts.append(
            "Whether a clause of the agreement covers each item, and whether it does so in the model's terms."
        )
        for checklist in lists:
            parts.extend(_checklist_md(checklist))
    return "\n\n".join(parts) + "\n"


# -- HTML ---------------------------------------------------------------------------


def render_review_html(review: Review) -> str:
    """The review as one standalone HTML page (stylesheet embedded, A4 print rules)."""
    template = html_environment().get_template(TEMPLATE)
    return template.render(
        review=review,
        agreement_lines=[_agreement_line(a) for a in review.agreements],
        library=library_versions(review.agreements),
        counts=review.counts(),
        labels=SEVERITY_LABELS,
        plural=_plural,
        groups=finding_views(review),
        checklists=checklist_views(review),
        legend=REDLINE_LEGEND,
        runs_html=runs_html,
        css=stylesheet(REPORT_STYLESHEET),
    )
