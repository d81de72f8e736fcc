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

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup

from .._model import Agreement
from .._review import SEVERITIES, ChecklistResult, Finding, Redline, Review
from ._html import html_environment, stylesheet
from ._markdown import escape, guard_start, long_date

TEMPLATE = "review.html.j2"
STYLESHEET = "report.css"

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

# -- shared with the comparison report -----------------------------------------

Run = tuple[str, str]  # ("=" | "-" | "+", text)


def redline_paragraphs(redline: Redline) -> list[list[Run]]:
    """The runs of a redline split at line breaks, one list per paragraph, so
    a reworded multi-paragraph clause reads as paragraphs, not one block."""
    paragraphs: list[list[Run]] = [[]]
    for op, text in redline.runs:
        for i, part in enumerate(text.split("\n")):
            if i:
                paragraphs.append([])
            if part:
                paragraphs[-1].append((op, part))
    return [p for p in paragraphs if any(t.strip() for _, t in p)]


def _split_space(text: str) -> tuple[str, str, str]:
    """(leading space, words, trailing space): marks hug the words, so a
    struck-through run does not strike the gap after it."""
    core = text.strip()
    if not core:
        return text, "", ""
    start = text.index(core)
    return text[:start], core, text[start + len(core) :]


_TAGS = {"-": "del", "+": "ins"}


def _spaced(runs: Iterable[Run]) -> list[Run]:
    """A deletion that ends a text runs straight into the insertion that
    replaces it ("year.Forum."); give the pair a space between them."""
    out: list[Run] = []
    for op, text in runs:
        if out and out[-1][0] == "-" and op == "+" and not out[-1][1][-1:].isspace():
            out[-1] = ("-", out[-1][1] + " ")
        out.append((op, text))
    return out


def runs_md(runs: Iterable[Run]) -> str:
    """Runs as one Markdown line; changes as inline <del>/<ins> HTML, which
    python-markdown passes through, with the words inside escaped."""
    out = []
    for op, text in _spaced(runs):
        lead, core, trail = _split_space(text)
        body = escape(core)
        if op in _TAGS and core:
            body = f"<{_TAGS[op]}>{body}</{_TAGS[op]}>"
        out.append(f"{' ' if lead else ''}{body}{' ' if trail else ''}")
    return guard_start("".join(out)).strip()


def runs_html(runs: Iterable[Run]) -> Markup:
    """Runs as escaped HTML with <del>/<ins> marks, for the templates."""
    out = []
    for op, text in _spaced(runs):
        lead, core, trail = _split_space(text)
        if op in _TAGS and core:
            tag = _TAGS[op]
            body = Markup("<{0}>{1}</{0}>").format(Markup(tag), core)
        else:
            body = Markup.escape(core)
        out.append(Markup.escape(" " if lead else "") + body + Markup.escape(" " if trail else ""))
    return Markup("").join(out)


def sentence(text: str) -> str:
    """A summary as a sentence: capital first letter, full stop at the end."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def library_versions(agreements: Iterable[Agreement]) -> str:
    return ", ".join(dict.fromkeys(a.library_version for a in agreements)) or "unknown"


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
        css=stylesheet(STYLESHEET),
    )
