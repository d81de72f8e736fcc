"""The Markdown and HTML renderers, read back the way their users read them:
Markdown through python-markdown (footnotes, tables), HTML through a parser."""

from __future__ import annotations

from collections import Counter
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreement_kit import LoadedSpec, assemble, load_library, load_spec
from agreement_kit.assembly.model import Agreement, Clause, ItemList, Paragraph, block_text, plain
from agreement_kit.load.spec_models import Spec
from agreement_kit.load.yaml_source import SourceMap
from agreement_kit.render.html import render_html
from agreement_kit.render.markdown import escape, note_blocks, render_markdown

MODES = ("comments", "appendix", "none")
HOSTILE = "*bold* | [x](y) <b>& `code` _u_ #1 \\ &amp; <http://e.org>"


# -- reading the output back ----------------------------------------------------


class Tree(HTMLParser):
    """A minimal DOM: each element with its tag, attributes, text and parent;
    records any closing tag that does not match the open element."""

    VOID = frozenset({"meta", "br", "hr", "img", "link", "input", "col", "wbr"})

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = {"tag": "#root", "attrs": {}, "children": [], "parent": None}
        self.node = self.root
        self.mismatched: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        node = {"tag": tag, "attrs": dict(attrs), "children": [], "parent": self.node}
        self.node["children"].append(node)
        if tag not in self.VOID:
            self.node = node

    def handle_startendtag(self, tag, attrs):
        self.node["children"].append({"tag": tag, "attrs": dict(attrs), "children": [], "parent": self.node})

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self.node["tag"] != tag:
            self.mismatched.append(tag)
            return
        self.node = self.node["parent"]

    def handle_data(self, data):
        self.node["children"].append(data)

    def find(self, tag: str | None = None, node=None, **attrs):
        node = node or self.root
        for child in node["children"]:
            if isinstance(child, str):
                continue
            if (tag is None or child["tag"] == tag) and all(
                attrs_match(child["attrs"].get(k.rstrip("_")), v) for k, v in attrs.items()
            ):
                yield child
            yield from self.find(tag, child, **attrs)


def attrs_match(value: str | None, wanted: str) -> bool:
    return value is not None and (value == wanted or wanted in value.split())


def text(node, skip: tuple[str, ...] = ()) -> str:
    """The visible text of an element, whitespace collapsed; ``skip`` leaves
    out elements by tag (a footnote mark, say)."""
    parts = []
    for child in node["children"]:
        if isinstance(child, str):
            parts.append(child)
        elif child["tag"] not in skip:
            parts.append(text(child, skip))
    return " ".join("".join(parts).split())


def squash(value: str) -> str:
    return " ".join(value.split())


def md_html(agreement: Agreement, notes: str = "comments") -> str:
    return markdown.markdown(render_markdown(agreement, notes=notes), extensions=["footnotes", "tables"])


def note_text(clause: Clause) -> str:
    """The whole printed note, as plain text."""
    return squash(" ".join(block_text(b) for b in note_blocks(clause)))


def annotated(agreement: Agreement) -> list[Clause]:
    return [c for c in agreement.clauses() if note_blocks(c)]


def note_paragraphs(clause: Clause) -> list[str]:
    out = []
    for block in note_blocks(clause):
        if isinstance(block, Paragraph):
            out.append(squash(plain(block.inlines)))
        else:
            out.extend(squash(plain(item)) for item in block.items)
    return out


# -- agreements -----------------------------------------------------------------


@cache
def sample() -> tuple[Agreement, ...]:
    return tuple(assemble(load_spec(REPO / "samples" / "test-mini.yaml"), load_library()))


@pytest.fixture
def agreement() -> Agreement:
    """The first agreement samples/test-mini.yaml asks for."""
    return sample()[0]


def spec_data(**organisation) -> dict:
    return {
        "agreements": ["partnership"],
        "organisation": {
            "name": "Example NHS Trust",
            "short_name": "Example",
            "type": "acute_trust",
            "nation": "england",
            "headcount": 1200,
            **organisation,
        },
        "unions": [
            {"name": "UNISON", "short_name": "UNISON"},
            {
                "name": "Royal College of Nursing",
                "short_name": "RCN",
                "represents": "nursing staff",
            },
        ],
        "dates": {"effective": "2026-04-01", "review": "2028-04-01"},
        "signatories": [
            {"name": "A Person", "role": "Chief Executive", "side": "management"},
            {
                "name": "B Person",
                "role": "Staff Side Chair",
                "side": "staff",
                "organisation": "UNISON",
            },
        ],
    }


def build(library_root: Path, data: dict) -> Agreement:
    loaded = LoadedSpec(Spec.model_validate(data), SourceMap("test.yaml"), Path("test.yaml"))
    return assemble(loaded, load_library(library_root))[0]


# -- the sample ----------------------------------------------------------------


@pytest.mark.parametrize("notes", MODES)
def test_markdown_has_every_section_and_clause_heading(agreement, notes):
    tree = Tree(md_html(agreement, notes))
    h2 = [text(h) for h in tree.find("h2")]
    h3 = [text(h, skip=("sup",)) for h in tree.find("h3")]
    for section in agreement.sections:
        assert f"{section.number}. {section.title}" in h2
    for clause in agreement.clauses():
        assert f"{clause.number} {clause.title}" in h3, clause.id
    assert "Contents" in h2 and "Schedule 1: Recognised trade unions" in h2 and "Signatures" in h2
    assert h2.index("Signatures") < h2.index("Schedule 1: Recognised trade unions")  # the order Word has


@pytest.mark.parametrize("notes", MODES)
def test_html_has_every_section_and_clause_heading(agreement, notes):
    tree = Tree(render_html(agreement, notes=notes))
    assert not tree.mismatched
    for clause in agreement.clauses():
        article = next(tree.find("article", id=f"clause-{clause.number.replace('.', '-')}"))
        assert text(next(tree.find("h3", article))).startswith(f"{clause.number} {clause.title}")
    contents = text(next(tree.find("nav")))
    for section in agreement.sections:
        assert f"{section.number}. {section.title}" in contents


def test_cover_facts_in_both_formats(agreement):
    for page in (md_html(agreement), render_html(agreement)):
        visible = text(Tree(page).root)
        assert agreement.title in visible
        assert agreement.organisation in visible
        assert "1 April 2026" in visible  # the sample's effective date, written out
        assert agreement.library_version in visible and agreement.version in visible
        for party in agreement.parties:
            assert party.name in visible


def test_paragraph_numbers_and_letters(agreement):
    paragraphs = [text(p) for p in Tree(md_html(agreement, "none")).find("p")]
    numbered = [b for c in agreement.clauses() for b in c.blocks if isinstance(b, Paragraph) and b.number]
    assert numbered, "the sample should have a clause of several paragraphs"
    for block in numbered:
        assert f"{block.number} {squash(plain(block.inlines))}" in paragraphs
    lists = [b for c in agreement.clauses() for b in c.blocks if isinstance(b, ItemList)]
    for block in lists:
        assert f"(a) {squash(plain(block.items[0]))}" in paragraphs


def test_every_schedule_is_a_table_and_the_first_lists_the_unions(agreement):
    for page in (md_html(agreement), render_html(agreement)):
        tree = Tree(page)
        tables = list(tree.find("table"))
        assert len(tables) == len(agreement.schedules)
        for table, schedule in zip(tables, agreement.schedules, strict=True):
            rows = [[text(td) for td in tree.find("td", node=tr)] for tr in tree.find("tr", node=table)]
            assert len([r for r in rows if r]) == len(schedule.rows)
        unions = [[text(td) for td in tree.find("td", node=tr)] for tr in tree.find("tr", node=tables[0])]
        assert [r[:2] for r in unions if r] == [[u.name, u.short_name] for u in agreement.unions]


def test_markdown_footnotes_one_per_note(agreement):
    tree = Tree(md_html(agreement, "comments"))
    clauses = annotated(agreement)
    assert clauses, "the sample's clauses carry notes"
    footnotes = {
        li["attrs"]["id"]: text(li) for li in tree.find("li") if li["attrs"].get("id", "").startswith("fn:")
    }
    assert sorted(footnotes) == sorted(f"fn:note-{c.number.replace('.', '-')}" for c in clauses)
    refs = list(tree.find("sup"))
    assert len(refs) == len(clauses)
    for clause in clauses:
        key = f"note-{clause.number.replace('.', '-')}"
        body = footnotes[f"fn:{key}"]
        for paragraph in note_paragraphs(clause):
            assert paragraph in body, clause.id
        # The reference sits in the clause's own heading.
        heading = next(
            h for h in tree.find("h3") if text(h, skip=("sup",)) == f"{clause.number} {clause.title}"
        )
        assert any(s["attrs"].get("id") == f"fnref:{key}" for s in tree.find("sup", heading))
    page = text(tree.root)
    for clause in clauses:
        assert page.count(note_paragraphs(clause)[0]) == 1, clause.id


def test_notes_none_leaves_no_note(agreement):
    for page in (md_html(agreement, "none"), render_html(agreement, notes="none")):
        assert "footnote" not in page and "Drafting note" not in page and "<aside" not in page
        visible = text(Tree(page).root)
        for clause in annotated(agreement):
            assert note_paragraphs(clause)[0] not in visible, clause.id


def test_appendix_lists_every_note_once(agreement):
    clauses = annotated(agreement)
    for page in (md_html(agreement, "appendix"), render_html(agreement, notes="appendix")):
        assert "footnote" not in page and "<aside" not in page
        tree = Tree(page)
        h2 = [text(h) for h in tree.find("h2")]
        assert h2[-1] == "Appendix: Drafting notes"
        visible = text(tree.root)
        appendix = visible[visible.rindex("Appendix: Drafting notes") :]
        for clause in clauses:
            assert f"{clause.number} {clause.title}" in appendix
            assert visible.count(note_paragraphs(clause)[0]) == 1, clause.id
        # In clause order.
        positions = [appendix.index(f"{c.number} {c.title}") for c in clauses]
        assert positions == sorted(positions)


def test_html_notes_follow_their_clause(agreement):
    tree = Tree(render_html(agreement, notes="comments"))
    asides = list(tree.find("aside", class_="note"))
    assert len(asides) == len(annotated(agreement))
    for clause in annotated(agreement):
        article = next(tree.find("article", id=f"clause-{clause.number.replace('.', '-')}"))
        aside = next(tree.find("aside", article))
        body = text(aside)
        assert body.startswith("Drafting note")
        for paragraph in note_paragraphs(clause):
            assert paragraph in body


def test_html_document_shape(agreement):
    page = render_html(agreement)
    assert page.lstrip().startswith("<!DOCTYPE html>")
    tree = Tree(page)
    assert not tree.mismatched
    html = next(tree.find("html"))
    assert html["attrs"]["lang"] == "en-GB"
    assert any(m["attrs"].get("charset") == "utf-8" for m in tree.find("meta"))
    assert agreement.title in text(next(tree.find("title")))
    css = text(next(tree.find("style")))
    assert "@media print" in css and "size: A4" in css
    assert len(list(tree.find("script"))) == 0


def test_html_escapes_the_sample_organisation(agreement):
    page = render_html(agreement)
    name = agreement.organisation
    assert "&" in name and "<" in name, "test-mini.yaml names its organisation with & and <"
    escaped = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert escaped in page
    assert name not in page
    assert name in text(Tree(page).root)


def test_unknown_notes_mode_is_refused(agreement):
    with pytest.raises(ValueError):
        render_markdown(agreement, notes="margin")
    with pytest.raises(ValueError):
        render_html(agreement, notes="margin")


# -- hostile values ---------------------------------------------------------------


def hostile_spec() -> dict:
    data = spec_data(name=f"Smith & Jones <Holdings> {HOSTILE}", short_name="S&J <1>")
    data["organisation"]["employers"] = [
        {"name": "1. Numbered Trust", "role": "- hosts the *team*"},
        {"name": "> Quoted Board", "role": None},
    ]
    data["unions"].append({"name": "Unite | the *Union*", "short_name": "U|[x]", "represents": "a | b"})
    data["signatories"].append({"name": "C <Person> & Co", "role": "[Role](x)", "side": "staff"})
    data["version"] = "2.0 <draft> *final*"
    return data


def hostile_values(data: dict) -> list[str]:
    org = data["organisation"]
    return [
        org["name"],
        *(e["name"] for e in org["employers"]),
        org["employers"][0]["role"],
        data["unions"][-1]["name"],
        data["unions"][-1]["represents"],
        data["version"],
        data["signatories"][-1]["name"],
        data["signatories"][-1]["role"],
    ]


@pytest.mark.parametrize("notes", MODES)
def test_hostile_values_round_trip_through_markdown(mini_library, notes):
    data = hostile_spec()
    agreement = build(mini_library, data)
    tree = Tree(md_html(agreement, notes))
    visible = text(tree.root)
    for value in hostile_values(data):
        assert squash(value) in visible, value
    # Nothing the values hold became markup.
    assert not list(tree.find("a", href="x")) and not list(tree.find("a", href="y"))
    assert not list(tree.find("b")) and not list(tree.find("code")) and not list(tree.find("blockquote"))
    assert not list(tree.find("em"))
    rows = [list(tree.find("td", node=tr)) for tr in tree.find("tr")]
    assert all(len(r) == 3 for r in rows if r)
    assert text(rows[-1][0]) == "Unite | the *Union*" and text(rows[-1][2]) == "a | b"
    parties = [text(li) for li in tree.find("li")]
    assert "1. Numbered Trust, - hosts the *team*" in parties and "> Quoted Board" in parties


def test_hostile_values_round_trip_through_html(mini_library):
    data = hostile_spec()
    agreement = build(mini_library, data)
    page = render_html(agreement)
    tree = Tree(page)
    assert not tree.mismatched
    visible = text(tree.root)
    for value in hostile_values(data):
        assert squash(value) in visible, value
    assert not list(tree.find("b")) and "<Holdings>" not in page and "<http" not in page
    assert "Smith &amp; Jones &lt;Holdings&gt;" in page
    assert agreement.organisation in text(next(tree.find("title")))


def _organisation_names():
    alphabet = st.sampled_from(
        list("aZ1 .-+*_`[]()#|<>&\\!{}:;=~^\"'") + ["&amp;", "&#65;", "<b>", "1. ", "- ", "[^1]", "---"]
    )
    return st.lists(alphabet, min_size=1, max_size=20).map("".join).filter(lambda s: s.strip())


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(name=_organisation_names())
def test_any_organisation_name_reads_back_in_markdown(mini_library, name):
    agreement = build(mini_library, spec_data(name=name))
    tree = Tree(md_html(agreement))
    cover = text(next(tree.find("p")))  # the organisation line under the title
    assert cover == squash(name)
    plain_run = build(mini_library, spec_data(name="Plain Name"))
    # The same document shape as a plain name: escaping added or removed no element.
    assert Counter(n["tag"] for n in tree.find()) == Counter(
        n["tag"] for n in Tree(md_html(plain_run)).find()
    )


# -- what notes say -----------------------------------------------------------------


def test_notes_say_where_the_words_came_from_and_the_parties_reasons(mini_library):
    data = spec_data()
    data["clauses"] = {
        "parties.parties": {
            "text": "This agreement binds the parties named above.",
            "reason": "Shorter | plainer",
        },
        "meetings.chair": {"variant": "fixed", "reason": "The chief executive chairs every board committee."},
    }
    data["add"] = [
        {
            "id": "local.parking",
            "title": "Parking & <passes>",
            "after": "meetings.chair",
            "text": "Representatives may park on site.",
            "note": "Asked for by the *staff* side.",
        }
    ]
    agreement = build(mini_library, data)
    parties, chair, added = (
        agreement.clause(i) for i in ("parties.parties", "meetings.chair", "local.parking")
    )
    assert "Departs from the model:" in note_text(
        parties
    ) and "The parties' reasons: Shorter | plainer." in note_text(parties)
    assert note_paragraphs(parties)[-1] == "Cites: TULRCA 1992 s.178(2)"
    # a reason is kept for a variant too, and the library's own preference is not printed
    assert "The parties' reasons: The chief executive chairs every board committee." in note_text(chair)
    assert "recommend" not in note_text(chair) and "Departs" not in note_text(chair)
    assert "the model has no equivalent" in note_text(added) and "No reason was recorded." in note_text(added)
    assert "Departs" not in note_text(agreement.clause("meetings.frequency"))

    for page in (
        md_html(agreement),
        md_html(agreement, "appendix"),
        render_html(agreement),
        render_html(agreement, notes="appendix"),
    ):
        visible = text(Tree(page).root)
        for clause in (parties, chair, added):
            for paragraph in note_paragraphs(clause):
                assert visible.count(paragraph) == 1, (clause.id, paragraph)
    html = Tree(render_html(agreement))
    assert "Added by the parties" in text(next(html.find("article", id="clause-2-3")))
    assert "Added by the parties" not in render_html(agreement, notes="none")


def test_cross_references_link_in_html(mini_library):
    agreement = build(mini_library, spec_data())
    tree = Tree(render_html(agreement))
    links = {a["attrs"]["href"] for a in tree.find("a", class_="ref")}
    assert links and all(next(tree.find(id=href[1:]), None) is not None for href in links)


def test_signature_block_by_side(mini_library):
    agreement = build(mini_library, spec_data())
    for page in (md_html(agreement), render_html(agreement)):
        visible = text(Tree(page).root)
        management = visible.index("For the management side")
        staff = visible.index("For the staff side")
        assert management < visible.index("A Person") < staff < visible.index("B Person")
        assert visible.count("Signature") >= 2 and visible.count("Date") >= 2
        assert "Staff Side Chair" in visible and "1 April 2028" in visible


@pytest.mark.parametrize("space", [c for c in map(chr, range(0x110000)) if c.isspace() and c != " "])
def test_markdown_folds_every_kind_of_whitespace_to_one_space(space):
    # A tab, newline or no-break space inside a value would otherwise end a
    # Markdown line or paragraph early; the fast path must not skip any.
    assert escape(f"a{space}b") == "a b"
    assert escape(f"a {space} b") == "a b"
    assert escape("a  b") == "a b"
