"""Render a version comparison as a Markdown or HTML redline.

Per agreement: the one-line summary, the list of clauses that changed, were
added, removed or renumbered, then each clause whose words changed with its
paragraphs and items redlined: an inserted unit wholly underlined, a deleted
one wholly struck through, a reworded one word by word. Unchanged clauses
are left out; unchanged units of a changed clause are kept for context.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..assembly.model import Agreement
from ..render.html import html_environment, stylesheet
from ..render.markdown import escape, guard_start
from ..render.redline import REPORT_STYLESHEET, Run, library_versions, runs_html, runs_md
from .compare import AgreementDiff, ClauseDiff, UnitChange

TEMPLATE = "compare.html.j2"
LEGEND = "Removed words are struck through; added words are underlined. Unchanged clauses are not shown."


@dataclass(frozen=True)
class UnitView:
    label: str
    runs: list[Run]  # one paragraph of runs
    item: bool


@dataclass(frozen=True)
class ClauseView:
    diff: ClauseDiff
    heading: str  # "2.1 Frequency"
    status: str  # "changed", "added", "removed"
    was: str | None  # the old number, when renumbered
    title_runs: list[Run]
    units: list[UnitView]


def _unit_runs(change: UnitChange) -> list[Run]:
    # The op says which sides a change has: inserted only the new,
    # deleted only the old, equal and changed both (compare's _diff_units).
    if change.op == "changed" and change.redline is not None:
        return list(change.redline.runs)
    if change.op == "inserted":
        assert change.new is not None
        return [("+", change.new.text)]
    if change.op == "deleted":
        assert change.old is not None
        return [("-", change.old.text)]
    assert change.new is not None
    return [("=", change.new.text)]


def _unit_view(change: UnitChange) -> UnitView:
    unit = change.new or change.old
    assert unit is not None  # a change has a side at least
    return UnitView(unit.label, _unit_runs(change), unit.item)


def clause_views(diff: AgreementDiff) -> list[ClauseView]:
    """The clauses whose words changed, added or went; a clause only renumbered is in the list, not here."""
    views = []
    for c in diff.clauses:
        if c.status == "unchanged":
            continue
        title = list(c.title_redline.runs) if c.title_redline else [("=", c.title)]
        was = c.old.number if c.old is not None and c.moved else None
        views.append(
            ClauseView(c, f"{c.number} {c.title}", c.status, was, title, [_unit_view(u) for u in c.units])
        )
    return views


def _organisation(diffs: list[AgreementDiff]) -> str:
    names: dict[str, None] = {}
    for d in diffs:
        side = d.new or d.old
        assert side is not None  # a diff always has at least one side
        names[side.organisation] = None
    return " / ".join(names)


def _versions(diff: AgreementDiff) -> str:
    """ "Old: version 1 (clause library 2026.1). New: version 2 (clause library 2026.2)."."""

    def side(a: Agreement | None) -> str:
        return f"version {a.version} (clause library {a.library_version})" if a else "no such agreement"

    return f"Old: {side(diff.old)}. New: {side(diff.new)}."


def _anchor(kind: str, clause_id: str) -> str:
    """An id for a clause's redline; ids, not numbers, since a number can
    belong to a removed clause and an added one at once."""
    return f"{kind}-{clause_id}".replace(".", "-")


def _status_note(view: ClauseView) -> str:
    moved = f", was {view.was}" if view.was else ""
    return f"{view.status}{moved}"


def _reason(view: ClauseView) -> str | None:
    return f"Reason given: {view.diff.reason}" if view.status != "removed" and view.diff.reason else None


# -- Markdown -----------------------------------------------------------------------


def _unit_md(unit: UnitView) -> str:
    text = runs_md(unit.runs)
    if unit.label:
        return f"{escape(unit.label)} {text}"
    return text


def _clause_md(view: ClauseView) -> list[str]:
    number = view.diff.number
    title = runs_md(view.title_runs)
    out = [f"### {escape(number)} {title} ({_status_note(view)})"]
    if view.diff.section:
        out.append(f"*Section {escape(view.diff.section)}*")
    if reason := _reason(view):
        out.append(f"*{escape(reason)}*")
    out.extend(_unit_md(u) for u in view.units)
    return out


def _agreement_md(diff: AgreementDiff) -> list[str]:
    out = [f"## {escape(diff.title)}", escape(_versions(diff)), f"**{escape(diff.summary())}**"]
    listed = diff.changed()
    if listed:
        out.append("\n".join(f"- {guard_start(escape(c.describe()))}" for c in listed))
    for view in clause_views(diff):
        out.extend(_clause_md(view))
    return out


def render_compare_markdown(diffs: list[AgreementDiff]) -> str:
    """The comparison as Markdown; changes are inline <del>/<ins> HTML."""
    parts = [f"# Changes: {escape(_organisation(diffs))}" if diffs else "# Changes"]
    if not diffs:
        parts.append("Neither version has an agreement to compare.")
        return "\n\n".join(parts) + "\n"
    parts.append(f"*{escape(LEGEND)}*")
    for diff in diffs:
        parts.extend(_agreement_md(diff))
    return "\n\n".join(parts) + "\n"


# -- HTML ---------------------------------------------------------------------------


def _agreements(diffs: Iterable[AgreementDiff]) -> list[Agreement]:
    return [a for d in diffs for a in (d.old, d.new) if a is not None]


def render_compare_html(diffs: list[AgreementDiff]) -> str:
    """The comparison as one standalone HTML page (stylesheet embedded, A4 print rules)."""
    template = html_environment().get_template(TEMPLATE)
    return template.render(
        organisation=_organisation(diffs),
        library=library_versions(_agreements(diffs)),
        diffs=[(d, _versions(d), clause_views(d)) for d in diffs],
        status_note=_status_note,
        anchor=_anchor,
        legend=LEGEND,
        runs_html=runs_html,
        css=stylesheet(REPORT_STYLESHEET),
    )
