"""The review as Markdown and HTML: what a staff-side chair reads."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import ClassVar

import markdown
import pytest
from conftest import MINI_SPEC, checklist_yaml, departures_spec, make_tree

from agreement_kit import load_library, load_spec
from agreement_kit.reviewing.render_text import render_review_html, render_review_markdown
from agreement_kit.reviewing.review import review

CHECKLIST = checklist_yaml(
    "test-list",
    "Test checklist",
    {
        "parties": ("The parties are named", "parties.parties"),
        "chair": ("The chair is agreed", "meetings.chair"),
        "extra": ("Extra meetings can be called", "meetings.extra"),
    },
)

# Custom wording (medium), a value below guidance (medium), a variant the
# library does not recommend (low), a removed recommended clause (high), and
# the parties clause weakening a checklist item.
DEPARTURES = departures_spec("This agreement binds {{ org.name }} and its unions below.", add_extra=False)


HOSTILE = "<b>&*x*|</b> [a](b)"


def _review(mini_library, tmp_path, text: str):
    make_tree(mini_library, {"checklists": {"test.yaml": CHECKLIST}})
    spec = make_tree(tmp_path, {"spec.yaml": text}) / "spec.yaml"
    return review(load_spec(spec), load_library(mini_library))


@pytest.fixture
def reviewed(mini_library, tmp_path):
    return _review(mini_library, tmp_path, DEPARTURES)


@pytest.fixture
def hostile(mini_library, tmp_path):
    text = DEPARTURES.replace("name: Example NHS Trust", f"name: '{HOSTILE}'").replace(
        "reason: Shorter wording preferred by the board.", f"reason: '{HOSTILE}'"
    )
    return _review(mini_library, tmp_path, text)


class Tags(HTMLParser):
    """Text inside each element of interest, and a check that tags balance."""

    VOID: ClassVar[set[str]] = {"meta", "br", "link", "hr", "img", "input"}

    def __init__(self, html: str) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: dict[str, list[str]] = {}
        self.open: dict[str, int] = {}
        self.attrs: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.attrs.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)
            self.text.setdefault(tag, []).append("")

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()

    def handle_data(self, data):
        for tag in set(self.stack):
            self.text[tag][-1] += data


def md_html(text: str) -> str:
    return markdown.markdown(text, extensions=["tables"])


def test_fixture_has_a_finding_of_each_severity(reviewed):
    assert {f.severity for f in reviewed.findings} == {"high", "medium", "low"}
    assert any(f.redline for f in reviewed.findings)


def test_markdown_opens_with_title_library_summary_and_counts(reviewed):
    text = render_review_markdown(reviewed)
    assert text.startswith("# Review: Example NHS Trust\n")
    assert "Partnership Agreement, version 1.0, effective 1 April 2026" in text
    assert "clause library test." in text
    assert f"**Summary:** {reviewed.summary()}" in text
    counts = reviewed.counts()
    assert f"| High | {counts['high']} |" in text and f"| Medium | {counts['medium']} |" in text
    assert "| For information | 0 |" in text


def test_findings_are_grouped_high_first_under_clause_headings(reviewed):
    text = render_review_markdown(reviewed)
    headings = re.findall(r"^## (High|Medium|Low|For information): (\d+) findings?$", text, re.MULTILINE)
    counts = reviewed.counts()
    assert headings == [
        (label, str(counts[s]))
        for s, label in (("high", "High"), ("medium", "Medium"), ("low", "Low"))
        if counts[s]
    ]
    high, medium, low = (text.index(f"## {h}:") for h in ("High", "Medium", "Low"))
    absent = text.index("### Partnership Agreement: Definitions (not in the agreement)")
    wording = text.index("### Partnership Agreement, clause 1.1 Parties")
    variant = text.index("### Partnership Agreement, clause 2.2 Chair")
    assert high < absent < medium < wording < low < variant


def test_finding_has_summary_and_commentary_in_plain_words(reviewed):
    text = render_review_markdown(reviewed)
    assert "**Chosen value:** Meetings a year: 4 is below the guidance minimum of 6." in text
    section = text[text.index("clause 2.1 Frequency") :]
    assert section.index("A forum that meets rarely is bypassed.") < section.index("###")
    # The variant's own note is part of the clause note: it is said once.
    variant = text[text.index("clause 2.2 Chair") : text.index("## Checklists")]
    assert variant.count("Staff side often resists a fixed chair.") == 1
    assert "**Reason given:** Shorter wording preferred by the board." in text
    html = render_review_html(reviewed)
    assert (
        '<p class="detail reason"><strong>Reason given:</strong> Shorter wording preferred by the board.</p>'
        in html
    )


def test_markdown_redline_marks_the_changed_words(reviewed):
    html = md_html(render_review_markdown(reviewed))
    tags = Tags(html)
    assert any("is between Example NHS Trust" in t for t in tags.text["del"])
    assert "binds {{ org.name }}" in tags.text["ins"]  # custom text is data, braces as typed
    assert "its" in tags.text["ins"] and "the" in tags.text["del"]
    assert "unions below." not in "".join(tags.text["del"] + tags.text["ins"])


def test_checklist_table_gives_status_and_clauses(reviewed):
    html = md_html(render_review_markdown(reviewed))
    html = html[html.index("<h2>Checklists</h2>") :]
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*</tr>", html, re.DOTALL)
    assert rows == [
        ("The parties are named", "<strong>weakened</strong>", "1.1 Parties"),
        ("The chair is agreed", "covered", "2.2 Chair"),
        ("Extra meetings can be called", "<strong>missing</strong>", "—"),
    ]
    assert "1 of 3 items covered, 1 weakened, 1 missing." in html


def test_model_agreement_says_there_are_no_findings(mini_library, tmp_path):
    spec = make_tree(tmp_path, {"spec.yaml": MINI_SPEC.replace("per_year: 8", "per_year: 6")}) / "spec.yaml"
    result = review(load_spec(spec), load_library(mini_library))
    assert result.findings == [] and result.checklists == []
    text = render_review_markdown(result)
    assert "No findings: the agreement follows the model and the guidance throughout." in text
    assert "## High" not in text and "## Checklists" not in text
    html = render_review_html(result)
    assert "No findings: the agreement follows the model" in html
    assert '<section class="severity' not in html and "Checklists" not in html


def test_library_markup_in_an_absent_clause_note_reads_as_words(mini_library, tmp_path):
    # The note of a clause the parties left out is rendered for this agreement:
    # a term reads as itself, a reference as its number, or as the title of a
    # clause that is not in the agreement.
    parties = mini_library / "parties.yaml"
    parties.write_text(
        parties.read_text().replace(
            "note: Keeps the terms consistent.",
            "note: Keeps the [[Forum]] terms consistent with [[meetings.chair]] and [[meetings.extra]].",
        )
    )
    result = _review(mini_library, tmp_path, DEPARTURES)
    (absent,) = [f for f in result.findings if f.category == "absent"]
    expected = "Keeps the Forum terms consistent with clause 2.2 and the “Extra meetings” clause."
    assert absent.detail == (expected,)
    assert expected in render_review_markdown(result)
    assert expected in render_review_html(result)


def test_hostile_values_are_escaped_in_markdown(hostile):
    text = render_review_markdown(hostile)
    html = md_html(text)
    assert "<b>" not in html and "<a " not in html
    assert "<h1>Review: &lt;b&gt;&amp;*x*|&lt;/b&gt; [a](b)</h1>" in html
    assert "<strong>Reason given:</strong> &lt;b&gt;&amp;*x*|&lt;/b&gt; [a](b)</p>" in html
    # The summary line names the organisation and must not break out.
    assert "<strong>Summary:</strong> &lt;b&gt;&amp;*x*|&lt;/b&gt; [a](b): 2 high" in html
    # The redline still marks the changed words, escaped inside the marks.
    assert "<del>is between &lt;b&gt;&amp;*x*|&lt;/b&gt; [a](b)</del>" in html


def test_hostile_values_are_escaped_in_html(hostile):
    html = render_review_html(hostile)
    assert "<b>" not in html
    assert "<h1>&lt;b&gt;&amp;*x*|&lt;/b&gt; [a](b)</h1>" in html
    assert "<del>is between &lt;b&gt;&amp;*x*|&lt;/b&gt; [a](b)</del>" in html
    assert "<strong>Reason given:</strong> &lt;b&gt;&amp;*x*|&lt;/b&gt; [a](b)</p>" in html
    Tags(html)  # still balanced


def test_html_is_standalone_a4_and_marks_changes_without_colour(reviewed):
    html = render_review_html(reviewed)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in html
    assert "<link" not in html and "<script" not in html
    css = html[html.index("<style>") : html.index("</style>")]
    assert "size: A4" in css and "@media print" in css
    assert re.search(r"del \{[^}]*text-decoration: line-through", css)
    assert re.search(r"ins \{[^}]*text-decoration: underline", css)
    tags = Tags(html)
    assert tags.stack == []
    assert any("is between Example NHS Trust" in t for t in tags.text["del"])
    assert "binds {{ org.name }}" in tags.text["ins"]
    assert [t.split()[0] for t in tags.text["h2"][:3]] == ["High", "Medium", "Low"]
    assert "Partnership Agreement, clause 1.1 Parties" in tags.text["h3"]
    statuses = [t.strip() for t in tags.text["td"] if t.strip() in ("covered", "weakened", "missing")]
    assert statuses == ["weakened", "covered", "missing"]


def test_html_and_markdown_say_the_same_summary(reviewed):
    html = render_review_html(reviewed)
    assert reviewed.summary() in html
    assert reviewed.summary() in render_review_markdown(reviewed)
