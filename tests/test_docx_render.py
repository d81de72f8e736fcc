"""The Word renderer, read back the way its users read it: python-docx, the
raw package XML, and pandoc."""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import io
import json
import re
import shutil
import subprocess
import zipfile
from functools import cache
from pathlib import Path

import docx
import pytest
from conftest import REPO, make_tree, shown_text
from docx.shared import Mm
from lxml import etree

from agreement_kit import assemble, load_library, load_spec
from agreement_kit.assembly.model import Agreement, Clause, ItemList, block_text, letter, plain
from agreement_kit.load.list_numbers import ListNumbers
from agreement_kit.render.docx import render_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}
NS_DECL = b'xmlns:w="' + W[1:-1].encode() + b'"'
MINI_SAMPLE = REPO / "samples" / "test-mini.yaml"
WHEN = dt.datetime(2026, 5, 6, 7, 8, 9, tzinfo=dt.UTC)

# A library and spec of this file's own that exercise what test-mini may not:
# a chosen variant, custom wording with a reason, an added clause without a
# note, italic and bold text, signatories on both sides, and every character
# XML must escape.
RICH_LIBRARY = {
    "agreements.yaml": """
        library_version: "rich-test"
        kinds:
          partnership:
            title: Partnership Agreement
            short_title: Partnership Agreement
            sections:
              - id: parties
                title: Parties
                clauses: [parties.parties, parties.definitions]
              - id: meetings
                title: Meetings
                clauses: [meetings.frequency, meetings.chair]
        """,
    "terms.yaml": """
        terms:
          Forum:
            definition: the partnership forum of {{ org.name }}
        """,
    "references.yaml": """
        as_at: 2026-11-01
        instruments:
          tulrca-1992-s178:
            title: Trade Union and Labour Relations (Consolidation) Act 1992
            section: s.178(2)
            short: TULRCA 1992 s.178(2)
            status: in_force
            as_at: 2026-11-01
            source: legislation.gov.uk
          acas-code-3:
            title: Acas Code of Practice 3
            short: Acas Code 3
            status: in_force
            as_at: 2026-11-01
            source: acas.org.uk
        """,
    "parties.yaml": """
        topic: parties
        title: Parties
        clauses:
          - id: parties.parties
            title: Parties
            version: 1
            kinds: [partnership]
            text: |
              This agreement is between {{ org.name }} and the unions below.
            generated: unions
            note: Names who is bound.
            references: [tulrca-1992-s178, acas-code-3]
          - id: parties.definitions
            title: Definitions
            version: 1
            kinds: [partnership]
            text: "In this agreement:"
            generated: definitions
            note: Keeps the terms consistent.
        """,
    "meetings.yaml": """
        topic: meetings
        title: Meetings
        clauses:
          - id: meetings.frequency
            title: Frequency
            version: 1
            kinds: [partnership]
            text: |
              The [[Forum]] meets *at least* **six** times a year.

              Papers go out as [[meetings.chair]] says.
            note: |
              A forum that meets rarely is bypassed.

              - Management side weighs the cost of meetings.
              - Staff side weighs being consulted in time.
          - id: meetings.chair
            title: Chair
            version: 1
            kinds: [partnership]
            variants:
              alternating:
                label: Chair alternates
                text: The chair alternates between the sides each year.
              fixed:
                label: Management chairs
                text: The chief executive chairs the [[Forum]].
                note: Staff side often resists a fixed chair.
            default_variant: alternating
            note: Who chairs shapes the agenda.
        """,
}
AWKWARD = 'Smith & Jones <Holdings> "Quoted" O\'Brien NHS Trust'
RICH_SPEC = """
    agreements: [partnership]
    organisation:
      name: Smith & Jones <Holdings> "Quoted" O'Brien NHS Trust
      short_name: S&J <H>
      type: acute_trust
      nation: england
      headcount: 1200
    unions:
      - {name: UNISON, short_name: UNISON}
      - {name: Royal College of Nursing, short_name: RCN, represents: nursing staff}
    version: "2.1"
    dates: {effective: 2026-04-01, review: 2028-04-01}
    clauses:
      meetings.chair:
        variant: fixed
      parties.parties:
        text: This agreement binds Smith & Jones <Holdings> and the unions below.
        reason: Legal asked for "binds" & <shorter> wording.
    add:
      - id: local.parking
        title: Parking for representatives
        text: The employer provides two parking permits.
        after: meetings.chair
        reason: The site has little parking.
    signatories:
      - {name: Ann Chief, role: Chief Executive, side: management}
      - {name: Bob Steward, role: Staff Side Chair, side: staff, organisation: UNISON}
    """


# -- fixtures ------------------------------------------------------------------


@cache
def _mini() -> Agreement:
    return assemble(load_spec(MINI_SAMPLE), load_library())[0]


@pytest.fixture
def mini() -> Agreement:
    return _mini()


@pytest.fixture
def rich(tmp_path: Path) -> Agreement:
    tree = make_tree(tmp_path, {"lib": RICH_LIBRARY, "spec.yaml": RICH_SPEC})
    return assemble(load_spec(tree / "spec.yaml"), load_library(tree / "lib"))[0]


def read(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def part_bytes(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name)


def has_part(data: bytes, name: str) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return name in z.namelist()


def noted(agreement: Agreement) -> list[Clause]:
    return [c for c in agreement.clauses() if c.note]


def note_text(clause: Clause) -> str:
    """The note as the renderer lays it out: a line per paragraph and per item."""
    lines = []
    for block in clause.note:
        if isinstance(block, ItemList):
            lines += [f"({letter(i)}) {plain(item)}" for i, item in enumerate(block.items)]
        else:
            lines.append(block_text(block))
    return "\n".join(lines)


def words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.replace("\u00b6", " ")))


def body_text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


# -- page, language, styles -----------------------------------------------------


def test_a4_page_and_uk_english(mini):
    data = render_docx(mini)
    section = read(data).sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5)
    assert abs(section.page_height - Mm(297)) < Mm(0.5)
    styles = part(data, "word/styles.xml")
    assert styles.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val", namespaces=NS) == ["en-GB"]


def test_headings_and_numbers(mini):
    document = read(render_docx(mini))
    by_style: dict[str, list[str]] = {}
    for p, shown in zip(document.paragraphs, shown_text(document), strict=True):
        by_style.setdefault(p.style.name, []).append(shown)
    assert by_style["Title"] == [mini.title]
    assert by_style["Heading 1"][: len(mini.sections)] == [f"{s.number}. {s.title}" for s in mini.sections]
    assert by_style["Heading 2"] == [f"{c.number} {c.title}" for c in mini.clauses()]
    numbered = [b for c in mini.clauses() for b in c.blocks if getattr(b, "number", None)]
    assert numbered, "test-mini should have a clause with numbered paragraphs"
    assert [t.split("\t")[0] for t in by_style["Clause Number"]] == [b.number for b in numbered]
    lists = [b for c in mini.clauses() for b in c.blocks if isinstance(b, ItemList)]
    items = [f"({letter(i)})\t{plain(item)}" for b in lists for i, item in enumerate(b.items)]
    assert items and by_style["Clause Item"] == items


def test_numbers_are_words_own_lists_not_text(rich):
    """Sections, clause headings and numbered paragraphs are levels 0, 1 and 2 of
    one list; each lettered list a list of its own; no number is typed."""
    data = render_docx(rich)
    body = part(data, "word/document.xml")

    def num_pr(style: str) -> list[tuple[str, str, str]]:
        return [
            (
                p.xpath("w:pPr/w:numPr/w:numId/@w:val", namespaces=NS)[0],
                p.xpath("w:pPr/w:numPr/w:ilvl/@w:val", namespaces=NS)[0],
                "".join(p.xpath(".//w:t/text()", namespaces=NS)),
            )
            for p in body.xpath(f"//w:p[w:pPr/w:pStyle/@w:val='{style}'][w:pPr/w:numPr]", namespaces=NS)
        ]

    sections, clauses, paragraphs = num_pr("Heading1"), num_pr("Heading2"), num_pr("ClauseNumber")
    assert [(lvl, text) for _, lvl, text in sections] == [("0", s.title) for s in rich.sections]
    assert [(lvl, text) for _, lvl, text in clauses] == [("1", c.title) for c in rich.clauses()]
    assert paragraphs and {lvl for _, lvl, _ in paragraphs} == {"2"}
    assert len({n for n, _, _ in sections + clauses + paragraphs}) == 1  # one list
    # schedules and the signatures are Heading 1 too, and not numbered
    unnumbered = body.xpath("//w:p[w:pPr/w:pStyle/@w:val='Heading1'][not(w:pPr/w:numPr)]", namespaces=NS)
    assert {"Signatures", "Schedule 1: Recognised trade unions"} <= {
        "".join(p.xpath(".//w:t/text()", namespaces=NS)) for p in unnumbered
    }
    # the lettered lists (a definitions list here): each its own w:num, restarting at (a)
    items = body.xpath("//w:p[w:pPr/w:pStyle/@w:val='ClauseItem']", namespaces=NS)
    assert items and all(p.xpath("w:pPr/w:numPr[w:ilvl/@w:val='0']", namespaces=NS) for p in items)
    numbering = part(data, "word/numbering.xml")
    for num_id in {p.xpath("string(w:pPr/w:numPr/w:numId/@w:val)", namespaces=NS) for p in items}:
        (num,) = numbering.xpath(f"w:num[@w:numId='{num_id}']", namespaces=NS)
        assert num.xpath("w:lvlOverride[@w:ilvl='0']/w:startOverride/@w:val", namespaces=NS) == ["1"]


def test_bold_and_italic_runs_kept(rich):
    document = read(render_docx(rich))
    definitions = next(p for p in document.paragraphs if "\u201cForum\u201d" in p.text)
    assert "\u201cForum\u201d" in [r.text for r in definitions.runs if r.bold]
    shown = dict(zip(shown_text(document), document.paragraphs, strict=True))
    frequency = next(p for text, p in shown.items() if text.startswith("2.1.1\t"))
    assert frequency.text == "The Forum meets at least six times a year."
    assert [r.text for r in frequency.runs if r.italic] == ["at least"]
    assert [r.text for r in frequency.runs if r.bold] == ["six"]
    # a cross-reference prints as its resolved label
    assert "2.1.2\tPapers go out as clause 2.2 says." in shown


def ref_fields(body: etree._Element) -> list[tuple[str, str, str]]:
    """Each REF field of the body: (its instruction, its shown result, the paragraph's text before it)."""
    out = []
    for p in body.iter(f"{W}p"):
        state, instruction, result, before = None, "", "", ""
        for node in p.iter(f"{W}fldChar", f"{W}instrText", f"{W}t"):
            if node.tag == f"{W}fldChar":
                kind = node.get(f"{W}fldCharType")
                if kind == "begin":
                    state, instruction, result = "code", "", ""
                elif kind == "separate":
                    state = "result"
                else:
                    if instruction.split()[:1] == ["REF"]:
                        out.append((instruction, result, before))
                    state = None
            elif node.tag == f"{W}instrText":
                instruction += node.text or ""
            elif state == "result":
                result += node.text or ""
            else:
                before += node.text or ""
    return out


def heading_numbers(data: bytes) -> dict[str, str]:
    """Bookmark -> the number Word shows on the paragraph it marks, which it must enclose whole."""
    body = part(data, "word/document.xml")
    numbers = ListNumbers(part_bytes(data, "word/numbering.xml"))
    out = {}
    for p in body.iter(f"{W}p"):
        label = numbers.label(p)
        for mark in p.xpath("w:bookmarkStart/@w:name", namespaces=NS):
            content = [el.tag.split("}")[1] for el in p if el.tag != f"{W}pPr"]
            assert content[0] == "bookmarkStart" and content[-1] == "bookmarkEnd", content
            out[mark] = label.text
    return out


def test_cross_reference_is_a_ref_field_to_the_clause_heading(rich):
    """The words stay text; the number is a REF field (paragraph number, as a link)
    to the bookmark around the clause heading, its shown result that heading's number."""
    data = render_docx(rich)
    (field,) = ref_fields(part(data, "word/document.xml"))
    instruction, result, before = field
    assert instruction == " REF clause_2_2 \\n \\h "
    assert heading_numbers(data)["clause_2_2"] == result == "2.2"
    assert before.endswith("Papers go out as clause ")


def test_every_cross_reference_shows_the_number_word_gives_its_target():
    agreements = assemble(load_spec(REPO / "samples" / "teaching-trust.yaml"), load_library())
    for agreement in agreements:
        data = render_docx(agreement, notes="none")
        numbers = heading_numbers(data)
        fields = ref_fields(part(data, "word/document.xml"))
        assert len(fields) > 5, agreement.kind
        for instruction, result, before in fields:
            target = re.fullmatch(r" REF (\S+) \\n \\h ", instruction)
            assert target and numbers[target.group(1)] == result, (instruction, result)
            assert before.endswith("clause ")
        # nothing asks Word to update a field on opening: the results are right as they stand
        assert not part(data, "word/document.xml").xpath("//w:fldChar[@w:dirty]", namespaces=NS)


def test_schedule_tables_refer_to_clauses_by_field_but_not_across_agreements():
    """The terms of reference cite "clause 7.2" as the clauses do: a field that follows
    a clause inserted in Word; "clause 3.1 of the Recognition Agreement" stays text."""
    agreements = assemble(load_spec(REPO / "samples" / "teaching-trust.yaml"), load_library())
    for agreement in agreements:
        body = part(render_docx(agreement, notes="none"), "word/document.xml")
        tables = body.findall(f".//{W}tbl")
        in_tables = [f for t in tables for f in ref_fields(t)]
        assert len(in_tables) >= 4, agreement.kind
        numbers = heading_numbers(render_docx(agreement, notes="none"))
        for instruction, result, _ in in_tables:
            assert numbers[instruction.split()[1]] == result
        left_as_text = [
            "".join(t.itertext()) for tbl in tables for t in tbl.iter(f"{W}p") if not ref_fields(t)
        ]
        typed = [m for text in left_as_text for m in re.findall(r"clause \d+\.\d+(?! of the)\b", text)]
        assert typed == [], agreement.kind


def test_note_lists_become_lettered_comment_lines(rich):
    comment = next(c for c in read(render_docx(rich)).comments if c.text.startswith("A forum"))
    assert comment.text.split("\n")[1:] == [
        "(a) Management side weighs the cost of meetings.",
        "(b) Staff side weighs being consulted in time.",
    ]


def test_every_style_referenced_exists(rich):
    data = render_docx(rich)
    ids = set(part(data, "word/styles.xml").xpath("w:style/@w:styleId", namespaces=NS))
    for name in ("word/document.xml", "word/comments.xml", "word/header1.xml", "word/footer1.xml"):
        used = set(
            part(data, name).xpath(
                "//w:pStyle/@w:val | //w:rStyle/@w:val | //w:tblStyle/@w:val", namespaces=NS
            )
        )
        assert used <= ids, (name, used - ids)
    assert {"CommentText", "CommentReference"} <= ids


# -- cover, header, footer, contents -------------------------------------------


def test_cover_lists_parties_dates_and_versions(rich):
    document = read(render_docx(rich))
    text = (
        body_text(document)
        + "\n"
        + "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    )
    for party in rich.parties:
        assert party.name in text
    assert "1 April 2026" in text and "1 April 2028" in text
    assert "2.1" in text and f"version {rich.library_version}" in text


def test_header_and_footer(mini):
    data = render_docx(mini)
    section = read(data).sections[0]
    header = "".join(p.text for p in section.header.paragraphs)
    assert mini.short_name in header and mini.title in header
    footer = "".join(p.text for p in section.footer.paragraphs)
    assert f"Version {mini.version}" in footer and "Page" in footer
    fields = [t.strip() for t in part(data, "word/footer1.xml").xpath("//w:instrText/text()", namespaces=NS)]
    assert fields == ["PAGE", "NUMPAGES"]


def test_table_of_contents_is_filled_in_and_word_does_not_ask_to_update_fields(mini):
    data = render_docx(mini)
    instructions = part(data, "word/document.xml").xpath("//w:instrText/text()", namespaces=NS)
    assert any(re.match(r'\s*TOC \\o "1-2"', i) for i in instructions)
    settings = part(data, "word/settings.xml")
    # updateFields would make Word ask "update the fields?" on every opening
    assert settings.xpath("w:updateFields", namespaces=NS) == []
    # the cached contents list the headings, with the numbers Word's lists give them,
    # until Word refreshes them
    toc = [p.text for p in read(data).paragraphs if p.style.name == "toc 2"]
    assert toc == [f"{c.number} {c.title}" for c in mini.clauses()]
    toc = [p.text for p in read(data).paragraphs if p.style.name == "toc 1"]
    assert toc[: len(mini.sections)] == [f"{s.number}. {s.title}" for s in mini.sections]
    assert "Signatures" in toc  # not in the clause list: no number


def test_core_properties(mini):
    data = render_docx(mini, timestamp=WHEN)
    props = read(data).core_properties
    assert props.title == mini.title
    assert props.subject == mini.organisation
    assert props.author == "agreement-kit"
    assert props.created == props.modified == WHEN
    core = part(data, "docProps/core.xml")
    assert not core.xpath("//*[local-name()='lastPrinted' or local-name()='revision']")


def test_same_input_gives_same_bytes(mini):
    assert render_docx(mini) == render_docx(mini)
    assert render_docx(mini, timestamp=WHEN) != render_docx(mini)


def test_template_parts_not_rendered_are_copied_byte_for_byte(mini):
    # Styles, theme and settings come from the template untouched (the template
    # is read once per process, never re-serialised); numbering gains only a
    # w:num per lettered list, appended as text.
    data = render_docx(mini)
    template = zipfile.ZipFile(REPO / "templates" / "agreement.docx")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in ("word/styles.xml", "word/theme/theme1.xml", "word/settings.xml"):
            assert z.read(name) == template.read(name), name
        numbering, ours = template.read("word/numbering.xml"), z.read("word/numbering.xml")
        end = numbering.rindex(b"</w:numbering>")
        assert ours.startswith(numbering[:end]) and ours.endswith(numbering[end:])
        added = etree.fromstring(b"<x %s>%s</x>" % (NS_DECL, ours[end : -len(numbering) + end]))
        lists = sum(isinstance(b, ItemList) for c in mini.clauses() for b in c.blocks)
        assert lists and len(added) == lists and all(n.tag == f"{W}num" for n in added)
        assert z.namelist()[: len(template.namelist())] == template.namelist()
        assert z.namelist()[len(template.namelist()) :] == [
            "word/comments.xml",
            "customXml/item1.xml",
            "customXml/itemProps1.xml",
            "customXml/_rels/item1.xml.rels",
        ]


def test_template_with_a_column_loop_is_refused(tmp_path):
    # docxtpl's {%tc %} needs a table-grid repair the renderer does not make.
    from agreement_kit.render.word.template import load_template

    source = zipfile.ZipFile(REPO / "templates" / "agreement.docx")
    edited = tmp_path / "columns.docx"
    with zipfile.ZipFile(edited, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"{{ s.detail }}", b"{%tc for x in s.extra %}{{ x }}{%tc endfor %}")
            target.writestr(info, data)
    with pytest.raises(ValueError, match=r"columns.docx: .*\{%tc %\} column loop"):
        load_template(edited)


def test_newline_in_a_template_value_becomes_a_line_break(mini):
    # docxtpl's rule, kept by the fast path that skips its clean-up when no
    # value carries a tab or newline.
    from agreement_kit.render.word.document import TEMPLATE_NAME, _context, _jinja_env
    from agreement_kit.render.word.template import load_template

    template = load_template(REPO / "templates" / TEMPLATE_NAME)
    context = _context(mini, "copy")
    plain_doc = template.render(context, _jinja_env())
    broken_doc = template.render({**context, "organisation": "Line one\nLine two"}, _jinja_env())
    subtitle = "w:p[w:pPr/w:pStyle/@w:val='Subtitle']"
    w = {"w": W[1:-1]}
    assert not plain_doc.body.xpath(f"{subtitle}//w:br", namespaces=w)
    (paragraph,) = broken_doc.body.xpath(subtitle, namespaces=w)
    assert paragraph.xpath(".//w:br", namespaces=w)
    assert list(paragraph.itertext(f"{W}t")) == ["Line one", "Line two"]


# -- tables ----------------------------------------------------------------------


def test_union_table_has_a_row_per_union(rich):
    document = read(render_docx(rich))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Trade union")
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert rows == [
        ["UNISON", "UNISON", "\u2014"],
        ["Royal College of Nursing", "RCN", "nursing staff"],
    ]


def test_signature_block_groups_signatories_by_side(rich):
    document = read(render_docx(rich))
    tables = [t for t in document.tables if t.rows[0].cells[1].text == "Signature"]
    assert len(tables) == 2
    management, staff = ([c.text for c in t.rows[1].cells] for t in tables)
    assert management[0] == "Ann Chief\nChief Executive"
    assert staff[0] == "Bob Steward\nStaff Side Chair, UNISON"
    labels = [p.text for p in document.paragraphs if p.style.name == "Heading 3"]
    assert labels[:2] == ["For the employer", "For the trade unions"]


def test_unnamed_side_gets_blank_rows_to_sign(mini):
    assert not mini.signatories
    document = read(render_docx(mini))
    tables = [t for t in document.tables if t.rows[0].cells[1].text == "Signature"]
    first_cells = [r.cells[0].text for t in tables for r in t.rows[1:]]
    assert first_cells == [f"\nFor {p.name}" for p in mini.parties] + [f"\nFor {u.name}" for u in mini.unions]


# -- escaping --------------------------------------------------------------------


def test_awkward_characters_appear_exactly(rich):
    assert rich.organisation == AWKWARD
    data = render_docx(rich)
    document = read(data)
    text = body_text(document)
    assert AWKWARD in text  # cover subtitle and definition
    assert "This agreement binds Smith & Jones <Holdings> and the unions below." in text
    header = "".join(p.text for p in document.sections[0].header.paragraphs)
    assert header.startswith("S&J <H>")
    comment = next(c for c in document.comments if "binds" in c.text)
    assert 'Legal asked for "binds" & <shorter> wording.' in comment.text
    assert read(data).core_properties.subject == AWKWARD


# -- drafting notes ---------------------------------------------------------------


def test_one_comment_per_clause_with_a_note(mini):
    data = render_docx(mini, timestamp=WHEN)
    comments = list(read(data).comments)
    clauses = noted(mini)
    assert clauses and len(comments) == len(clauses)
    for comment, clause in zip(comments, clauses, strict=True):
        assert comment.author == "Drafting note"
        assert comment.initials == "DN"
        assert comment.timestamp == WHEN
        assert comment.text.startswith(note_text(clause))


def test_comments_span_the_clause_text_not_its_heading(mini):
    data = render_docx(mini)
    body = part(data, "word/document.xml").find(f"{W}body")
    paragraphs = list(body.iter(f"{W}p"))

    def text(p):
        return "".join(p.xpath(".//w:t/text()", namespaces=NS))

    for index, clause in enumerate(noted(mini)):
        start = next(p for p in paragraphs if p.xpath(f"w:commentRangeStart[@w:id='{index}']", namespaces=NS))
        end = next(p for p in paragraphs if p.xpath(f"w:commentRangeEnd[@w:id='{index}']", namespaces=NS))
        # the comment starts on the clause's text, not its heading
        assert text(start) != f"{clause.number} {clause.title}"
        assert block_text(clause.blocks[0])[:15] in text(start)
        last_block = clause.blocks[-1]
        assert text(end).endswith(block_text(last_block).split(") ")[-1])


def test_comment_adds_citations_departures_and_reasons_but_not_the_library_recommendation(rich):
    comments = {c.text.split("\n")[0]: c.text for c in read(render_docx(rich)).comments}
    parties = comments["Names who is bound."]
    assert "\nCites: TULRCA 1992 s.178(2); Acas Code 3" in parties
    assert (
        "departs" in parties.lower()
        and 'The parties\' reasons: Legal asked for "binds" & <shorter> wording.' in parties
    )
    # a variant the library does not recommend is the review's business, not the agreement's
    chair = next(text for text in comments.values() if "Who chairs shapes the agenda." in text)
    assert "recommend" not in chair.lower() and "variant" not in chair.lower()
    # the added clause has no note, so no comment of its own
    assert not any("parking" in text.lower() for text in comments.values())
    assert len(comments) == len(noted(rich))


def test_signing_copy_has_no_notes(mini):
    data = render_docx(mini, notes="none")
    document = read(data)
    assert len(document.comments) == 0
    assert not has_part(data, "word/comments.xml")
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # nor a declaration of one
        for name in ("[Content_Types].xml", "word/_rels/document.xml.rels"):
            assert b"comments" not in z.read(name)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "commentReference" not in xml and "Drafting notes" not in xml
    for clause in noted(mini):
        assert note_text(clause) not in body_text(document)


def test_appendix_lists_notes_after_the_schedules(rich):
    document = read(render_docx(rich, notes="appendix"))
    assert len(document.comments) == 0
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[-2:] == ["Schedule 1: Recognised trade unions", "Drafting notes"]
    text = body_text(document)
    appendix = text[text.rindex("Drafting notes") :]
    for clause in noted(rich):
        assert f"{clause.number} {clause.title}" in appendix
        assert note_text(clause) in appendix
    assert "Cites: TULRCA 1992 s.178(2); Acas Code 3" in appendix


def test_unknown_notes_mode_is_refused(mini):
    with pytest.raises(ValueError, match="notes"):
        render_docx(mini, notes="footnotes")  # type: ignore[arg-type]


@pytest.mark.skipif(not shutil.which("pandoc"), reason="pandoc not installed")
def test_pandoc_sees_the_comments(mini):
    result = subprocess.run(
        ["pandoc", "-f", "docx", "--track-changes=all", "-t", "json"],
        input=render_docx(mini),
        capture_output=True,
        check=True,
    )
    comments: list[tuple[dict, str]] = []

    def text(node) -> str:
        if isinstance(node, list):
            return "".join(text(n) for n in node)
        if isinstance(node, dict):
            kind = node.get("t")
            if kind == "Str":
                return node["c"]
            if kind in ("Space", "SoftBreak", "LineBreak"):
                return " "
            return text(node.get("c", []))
        return ""

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("t") == "Span" and "comment-start" in node["c"][0][1]:
                comments.append((dict(node["c"][0][2]), text(node["c"][1])))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(result.stdout))
    clauses = noted(mini)
    assert len(comments) == len(clauses)
    for (attrs, body), clause in zip(comments, clauses, strict=True):
        assert attrs["author"] == "Drafting note"
        # pandoc marks paragraph breaks with a pilcrow and may turn quotes into
        # its own quote nodes: compare the words only
        assert words(body).startswith(words(note_text(clause)))


# -- the template script ------------------------------------------------------------


def test_template_script_rebuilds_the_template(tmp_path):
    script = REPO / "templates" / "make_agreement_template.py"
    spec = importlib.util.spec_from_file_location("make_agreement_template", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.main(tmp_path / "agreement.docx")
    assert built.read_bytes() == (REPO / "templates" / "agreement.docx").read_bytes(), (
        "templates/agreement.docx differs from what its script builds:"
        " run python templates/make_agreement_template.py and commit the result"
    )
    text = body_text(docx.Document(str(built)))
    for marker in (
        "{{ contents }}",
        "{{ clauses }}",
        "{{ schedules }}",
        "{{ drafting_notes }}",
        "{%tr for s in side.rows %}",
    ):
        assert marker in text or marker in "".join(
            c.text for t in docx.Document(str(built)).tables for r in t.rows for c in r.cells
        )


def test_contents_open_without_an_update_prompt_and_titles_keep_with_their_entries(mini):
    xml = part(render_docx(mini), "word/document.xml")
    begins = xml.xpath("//w:fldChar[@w:fldCharType='begin']", namespaces=NS)
    assert begins and not any(b.get(f"{{{NS['w']}}}dirty") for b in begins)
    styles = zipfile.ZipFile(REPO / "templates" / "agreement.docx").read("word/styles.xml").decode()
    toc1 = styles[styles.index('w:styleId="TOC1"') :]
    assert "<w:keepNext/>" in toc1[: toc1.index("</w:style>")]


def test_a_clause_inserted_by_hand_renumbers_the_ones_after_it():
    """A heading given the clause list's numbering, as Word gives it on pressing
    Enter after a clause heading, numbers itself 3.2 and pushes the old 3.2 to 3.3:
    the numbers are Word's, not typed."""
    agreement = assemble(load_spec(REPO / "samples" / "teaching-trust.yaml"), load_library())[0]
    data = render_docx(agreement)
    body = part(data, "word/document.xml")
    (heading,) = body.xpath("//w:p[w:bookmarkStart/@w:name='clause_3_2']", namespaces=NS)
    inserted = etree.Element(f"{W}p")
    inserted.append(copy.deepcopy(heading.find(f"{W}pPr")))
    etree.SubElement(etree.SubElement(inserted, f"{W}r"), f"{W}t").text = "Inserted by hand"
    heading.addprevious(inserted)
    numbers = ListNumbers(part_bytes(data, "word/numbering.xml"))
    shown = {}
    for p in body.iter(f"{W}p"):
        label = numbers.label(p)
        for mark in p.xpath("w:bookmarkStart/@w:name", namespaces=NS) if p is not inserted else ["inserted"]:
            shown[mark] = label.text if label else None
    assert shown["inserted"] == "3.2"
    assert shown["clause_3_2"] == "3.3"
    assert shown["clause_3_1"] == "3.1" and shown["clause_4_1"] == "4.1"  # the next section starts again
