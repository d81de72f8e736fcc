"""The version comparison as a Markdown and HTML redline."""

from __future__ import annotations

import re

import markdown
import pytest
from conftest import MINI_SPEC, make_tree
from test_review_text import Tags

from agreement_kit import assemble, load_library, load_spec
from agreement_kit.comparison.compare import compare
from agreement_kit.comparison.render_text import render_compare_html, render_compare_markdown

HOSTILE = "<b>&*x*|</b> [a](b)"

# The new version meets ten times a year instead of eight, drops the chair
# clause (so the frequency clause, which refers to it, is reworded), and adds
# extra meetings (so the definitions gain "Staff Side").
NEW_SPEC = (
    MINI_SPEC.replace(
        "clauses:\n",
        "clauses:\n  meetings.frequency:\n"
        "    text: The [[Forum]] meets ten times a year.\n    reason: fewer papers\n",
        1,
    ).replace("  meetings.frequency:\n    params: {per_year: 8}\n", "")
    + "add: [meetings.extra]\nremove: [meetings.chair]\n"
)


def _diffs(tmp_path, library, old_text: str, new_text: str):
    make_tree(tmp_path, {"old.yaml": old_text, "new.yaml": new_text})
    lib = load_library(library)
    return compare(
        assemble(load_spec(tmp_path / "old.yaml"), lib), assemble(load_spec(tmp_path / "new.yaml"), lib)
    )


@pytest.fixture
def diffs(mini_library, tmp_path):
    return _diffs(tmp_path, mini_library, MINI_SPEC, NEW_SPEC)


def md_html(text: str) -> str:
    return markdown.markdown(text, extensions=["tables"])


def clause_section(text: str, heading: str) -> str:
    """The Markdown of one clause: from its heading to the next heading."""
    start = text.index(heading)
    end = text.find("\n#", start + 1)
    return text[start:] if end < 0 else text[start:end]


def test_fixture_has_every_kind_of_change(diffs):
    (diff,) = diffs
    assert {c.status for c in diff.clauses} == {"unchanged", "changed", "added", "removed"}


def test_markdown_lists_the_changes_after_the_summary(diffs):
    text = render_compare_markdown(diffs)
    assert text.startswith("# Changes: Example NHS Trust\n")
    (diff,) = diffs
    listed = re.findall(r"^- (.*)$", text, re.MULTILINE)
    assert listed == [c.describe() for c in diff.changed()]
    assert "1.2 Definitions: changed" in listed and "2.2 Chair: removed" in listed
    assert text.index(f"**{diff.summary()}**") < text.index("- 1.2 Definitions: changed")


def test_unchanged_clauses_are_left_out(diffs):
    text = render_compare_markdown(diffs)
    assert "### 1.1 Parties" not in text and "between Example NHS Trust" not in text
    headings = re.findall(r"^### (.*)$", text, re.MULTILINE)
    assert headings == [
        "1.2 Definitions (changed)",
        "2.1 Frequency (changed)",
        "2.2 Chair (removed)",
        "2.2 Extra meetings (added)",
    ]


def test_units_are_redlined_whole_or_word_by_word(diffs):
    text = render_compare_markdown(diffs)
    freq = clause_section(text, "### 2.1 Frequency")
    # now one paragraph, so it loses its paragraph number
    assert "\n\nThe Forum meets <del>eight</del> <ins>ten</ins> times a year.\n" in freq
    assert "<del>Papers go out as clause 2.2 says.</del>" in freq  # a deleted unit, wholly
    chair = clause_section(text, "### 2.2 Chair")
    assert "<del>The chair alternates between the sides each year.</del>" in chair
    extra = clause_section(text, "### 2.2 Extra meetings")
    assert "<ins>The Staff Side may call an extra meeting.</ins>" in extra
    definitions = clause_section(text, "### 1.2 Definitions")
    assert "(b) <ins>“Staff Side” means the recognised trade unions acting together</ins>" in definitions
    assert "(a) “Forum” means the partnership forum of Example NHS Trust" in definitions  # context


def test_markdown_converts_to_del_and_ins(diffs):
    tags = Tags(md_html(render_compare_markdown(diffs)))
    assert "eight" in tags.text["del"] and "ten" in tags.text["ins"]
    assert "The Staff Side may call an extra meeting." in tags.text["ins"]


def test_renumbered_clause_is_listed_but_not_shown(mini_library, tmp_path):
    new = MINI_SPEC.replace("clauses:\n  meetings.frequency:\n    params: {per_year: 8}\n", "")
    (diff,) = _diffs(tmp_path, mini_library, MINI_SPEC, new + "remove: [meetings.frequency]\n")
    text = render_compare_markdown([diff])
    assert "- 2.1 Chair (was 2.2): renumbered" in text  # only its number changed
    assert "1 removed, 1 renumbered" in text
    assert "### 2.1 Chair" not in text  # same words: nothing to redline
    assert "### 2.1 Frequency (removed)" in text


def test_identical_versions_say_no_changes(mini_library, tmp_path):
    diffs = _diffs(tmp_path, mini_library, MINI_SPEC, MINI_SPEC)
    text = render_compare_markdown(diffs)
    assert "**Partnership Agreement: no changes**" in text
    assert "###" not in text and "<del>" not in text and "<ins>" not in text
    html = render_compare_html(diffs)
    assert "<del>" not in html.split("</header>", 1)[1] and 'class="clause-diff' not in html


def test_hostile_values_are_escaped(mini_library, tmp_path):
    old = MINI_SPEC.replace("name: Example NHS Trust", f"name: '{HOSTILE}'")
    new = old.replace(
        "clauses:\n",
        "clauses:\n  parties.parties:\n    text: This agreement binds the unions below.\n    reason: x\n",
        1,
    )
    diffs = _diffs(tmp_path, mini_library, old, new)
    html = md_html(render_compare_markdown(diffs))
    assert "<b>" not in html and "<a " not in html
    assert "<h1>Changes: &lt;b&gt;&amp;*x*|&lt;/b&gt; [a](b)</h1>" in html
    escaped = "&lt;b&gt;&amp;*x*|&lt;/b&gt; [a](b)"
    assert f"<del>is between {escaped} and</del> <ins>binds</ins> the unions below." in html
    page = render_compare_html(diffs)
    assert "<b>" not in page
    assert f"<del>is between {escaped} and</del> <ins>binds</ins> the unions below." in page
    Tags(page)


def test_html_is_standalone_with_redlines(diffs):
    html = render_compare_html(diffs)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in html
    assert "<link" not in html and "<script" not in html and "size: A4" in html
    tags = Tags(html)
    assert tags.stack == []
    assert "eight" in tags.text["del"] and "ten" in tags.text["ins"]
    assert "The chair alternates between the sides each year." in tags.text["del"]
    (diff,) = diffs
    assert [t.strip() for t in tags.text["li"] if ":" in t][1:] == [c.describe() for c in diff.changed()]
    assert not any("Parties" in h for h in tags.text["h3"])  # 1.1 is unchanged
    articles = [a["id"] for tag, a in tags.attrs if "clause-diff" in a.get("class", "")]
    assert len(articles) == 4
    # each listed change links to its redline
    links = [
        a["href"][1:] for tag, a in tags.attrs if tag == "a" and a.get("href", "").startswith("#partnership-")
    ]
    assert links == articles


def test_the_parties_reason_is_shown_for_changed_and_added_clauses(mini_library, tmp_path):
    new = MINI_SPEC.replace(
        "    params: {per_year: 8}\n",
        "    params: {per_year: 10}\n    reason: The board wants monthly oversight.\n",
    )
    (diff,) = _diffs(tmp_path, mini_library, MINI_SPEC, new)
    assert "*Reason given: The board wants monthly oversight.*" in render_compare_markdown([diff])
    assert "Reason given: The board wants monthly oversight." in render_compare_html([diff])


def test_tracked_changes_are_dated_now_unless_a_date_or_epoch_is_given(
    mini_library, tmp_path, run_cli, monkeypatch
):
    import datetime as dt
    import re
    import zipfile

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    old.write_text(MINI_SPEC)
    new.write_text(MINI_SPEC.replace("per_year: 8", "per_year: 10"))
    code, _, stderr = run_cli("compare", old, new, "-o", tmp_path / "out", "--old-library", mini_library)
    assert code == 0, stderr
    docx_file = next((tmp_path / "out").glob("*.docx"))
    dates = set(
        re.findall(
            r'w:date="(\d{4}-\d\d-\d\d)', zipfile.ZipFile(docx_file).read("word/document.xml").decode()
        )
    )
    assert dates == {dt.datetime.now(dt.UTC).date().isoformat()}
