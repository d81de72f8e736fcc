"""List numbers counted as Word counts them (load/list_numbers.py), on hand-made
numbering parts and on a draft auto-numbered the way drafts written in Word are."""

from __future__ import annotations

import io
import re

import docx
import pytest
from docx.oxml.parser import parse_xml
from lxml import etree

from agreement_kit.load.draft_read import open_draft
from agreement_kit.load.list_numbers import ListNumbers, format_number
from agreement_kit.load.spec import load_spec

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DECL = f'xmlns:w="{W_NS}"'


def level(ilvl: int, text: str, fmt: str = "decimal", *, start: int = 1, extra: str = "") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>{extra}'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
    )


def numbering(*parts: str) -> bytes:
    return f"<w:numbering {DECL}>{''.join(parts)}</w:numbering>".encode()


def abstract(abstract_id: int, *levels: str, head: str = "") -> str:
    return f'<w:abstractNum w:abstractNumId="{abstract_id}">{head}{"".join(levels)}</w:abstractNum>'


def num(num_id: int, abstract_id: int, overrides: str = "") -> str:
    return f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'


def restart_at(ilvl: int, start: int) -> str:
    return f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'


def para(num_id: int | None = None, ilvl: int | None = None, style: str | None = None) -> etree._Element:
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    if num_id is not None or ilvl is not None:
        props += "<w:numPr>"
        props += f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else ""
        props += f'<w:numId w:val="{num_id}"/>' if num_id is not None else ""
        props += "</w:numPr>"
    return etree.fromstring(f"<w:p {DECL}><w:pPr>{props}</w:pPr></w:p>")


def labels(numbers: ListNumbers, paragraphs: list[etree._Element]) -> list[str | None]:
    out = []
    for p in paragraphs:
        label = numbers.label(p)
        out.append(label.text if label else None)
    return out


LEGAL = abstract(0, level(0, "%1."), level(1, "%1.%2"), level(2, "%1.%2.%3"))


def test_multilevel_legal_numbering_restarts_deeper_levels():
    numbers = ListNumbers(numbering(LEGAL, num(1, 0)))
    walk = [
        (0, None),
        (1, None),
        (2, None),
        (2, None),
        (1, None),
        (None, None),
        (2, None),
        (0, None),
        (1, None),
    ]
    got = labels(numbers, [para(1, lvl) if lvl is not None else para() for lvl, _ in walk])
    assert got == ["1.", "1.1", "1.1.1", "1.1.2", "1.2", None, "1.2.1", "2.", "2.1"]


@pytest.mark.parametrize(
    ("fmt", "values", "shown"),
    [
        ("decimal", [1, 10], ["1", "10"]),
        ("lowerLetter", [1, 26, 27, 28], ["a", "z", "aa", "bb"]),
        ("upperLetter", [2, 53], ["B", "AAA"]),
        ("lowerRoman", [4, 9, 14, 1994], ["iv", "ix", "xiv", "mcmxciv"]),
        ("upperRoman", [3, 40], ["III", "XL"]),
        ("decimalZero", [7, 12], ["07", "12"]),
        (
            "ordinal",
            [1, 2, 3, 4, 11, 12, 13, 21, 112],
            ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "112th"],
        ),
        ("none", [3], [""]),
        ("cardinalText", [3], ["3"]),  # not written out in words: shown as a decimal
    ],
)
def test_number_formats(fmt, values, shown):
    assert [format_number(v, fmt) for v in values] == shown


def test_formats_start_values_and_the_label_text_around_the_number():
    numbers = ListNumbers(
        numbering(
            abstract(
                0,
                level(0, "Article %1", "upperRoman", start=4),
                level(1, "(%2)", "lowerLetter"),
                level(2, "%3)", "lowerRoman"),
                level(3, "[%4]", "upperLetter"),
            ),
            num(1, 0),
        )
    )
    got = labels(
        numbers, [para(1, 0), para(1, 1), para(1, 1), para(1, 2), para(1, 2), para(1, 3), para(1, 0)]
    )
    assert got == ["Article IV", "(a)", "(b)", "i)", "ii)", "[A]", "Article V"]


def test_a_start_override_restarts_a_list_that_shares_its_abstract_list():
    """Two w:num of one abstract list continue each other; one with a startOverride
    begins again, once, the first time it is used (Word's 'Restart at 1')."""
    items = abstract(0, level(0, "(%1)", "lowerLetter"))
    numbers = ListNumbers(numbering(items, num(1, 0), num(2, 0), num(3, 0, restart_at(0, 1))))
    got = labels(numbers, [para(1, 0), para(1, 0), para(2, 0), para(3, 0), para(3, 0), para(1, 0)])
    assert got == ["(a)", "(b)", "(c)", "(a)", "(b)", "(c)"]


def test_lvl_restart_and_legal_numbering():
    numbers = ListNumbers(
        numbering(
            abstract(
                0,
                level(0, "Part %1", "upperRoman"),
                # keeps counting through a new Part: lvlRestart 0
                level(1, "%2.", extra='<w:lvlRestart w:val="0"/>'),
                # legal: the Part's roman number is shown in decimal
                level(2, "%1.%2.%3", "lowerLetter", extra="<w:isLgl/>"),
            ),
            num(1, 0),
        )
    )
    got = labels(
        numbers, [para(1, 0), para(1, 1), para(1, 1), para(1, 2), para(1, 0), para(1, 1), para(1, 2)]
    )
    assert got == ["Part I", "1.", "2.", "1.2.1", "Part II", "3.", "2.3.1"]


def test_a_level_lower_than_any_before_it_counts_its_parents_as_zero():
    numbers = ListNumbers(numbering(LEGAL, num(1, 0)))
    assert labels(numbers, [para(1, 1), para(1, 2)]) == ["0.1", "0.1.1"]


def test_overridden_level_definition_and_suffix_and_bullets():
    numbers = ListNumbers(
        numbering(
            abstract(0, level(0, "%1.", extra='<w:suff w:val="space"/>'), level(1, "\u2022", "bullet")),
            num(1, 0, f'<w:lvlOverride w:ilvl="0">{level(0, "Step %1:", start=3)}</w:lvlOverride>'),
        )
    )
    first, bullet = numbers.label(para(1, 0)), numbers.label(para(1, 1))
    assert first is not None and (first.text, first.suffix, first.level, first.bullet) == (
        "Step 3:",
        "\t",
        0,
        False,
    )
    assert bullet is not None and (bullet.text, bullet.bullet) == ("\u2022", True)
    plain = ListNumbers(numbering(abstract(0, level(0, "%1.", extra='<w:suff w:val="space"/>')), num(1, 0)))
    label = plain.label(para(1, 0))
    assert label is not None and label.suffix == " "


STYLES = f"""<w:styles {DECL}>
  <w:style w:type="paragraph" w:default="1" w:styleId="Normal"/>
  <w:style w:type="paragraph" w:styleId="Heading1"><w:basedOn w:val="Normal"/>
    <w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
  <w:style w:type="paragraph" w:styleId="Heading2"><w:basedOn w:val="Heading1"/>
    <w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>
  <w:style w:type="paragraph" w:styleId="Clause3"><w:basedOn w:val="Normal"/>
    <w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
  <w:style w:type="numbering" w:styleId="ContractList">
    <w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
</w:styles>""".encode()


def test_numbering_that_comes_with_the_paragraph_style():
    """numId and level from the style and the styles it is based on; a level bound
    to a style by the list's w:pStyle; numId 0 on the paragraph switches it off."""
    legal = abstract(
        0, level(0, "%1."), level(1, "%1.%2"), level(2, "%1.%2.%3", extra='<w:pStyle w:val="Clause3"/>')
    )
    numbers = ListNumbers(numbering(legal, num(1, 0)), STYLES)
    paragraphs = [
        para(style="Heading1"),
        para(style="Heading2"),
        para(style="Clause3"),
        para(0, style="Heading2"),  # numbering switched off on this heading
        para(style="Heading2"),
        para(style="Normal"),
        para(ilvl=2, style="Heading1"),  # the style's list, at another level
    ]
    assert labels(numbers, paragraphs) == ["1.", "1.1", "1.1.1", None, "1.2", None, "1.2.1"]


def test_a_list_that_points_at_a_list_style():
    linked = abstract(1, head='<w:numStyleLink w:val="ContractList"/>')
    numbers = ListNumbers(numbering(LEGAL, linked, num(1, 0), num(2, 1)), STYLES)
    assert labels(numbers, [para(1, 0), para(2, 1), para(2, 0)]) == ["1.", "1.1", "2."]


def test_missing_or_broken_parts_give_no_numbers():
    assert ListNumbers(None).label(para(1, 0)) is None
    assert ListNumbers(b"<not xml").label(para(1, 0)) is None
    assert ListNumbers(numbering(num(1, 7))).label(para(1, 0)) is None  # no such abstract list
    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>'
    assert ListNumbers(hostile).label(para(1, 0)) is None


# -- a draft written in Word: numbered by its heading styles, lettered lists restarting


def auto_numbered_draft() -> bytes:
    """A policy as drafts come from HR: headings numbered by their styles (1., 1.1),
    clause text in a legal list level (1.1.1), lettered lists that restart at (a)."""
    document = docx.Document()
    numbering_el = document.part.numbering_part.element
    for child in list(numbering_el):
        numbering_el.remove(child)
    legal = abstract(
        10,
        level(0, "%1.", extra='<w:pStyle w:val="Heading1"/>'),
        level(1, "%1.%2", extra='<w:pStyle w:val="Heading2"/>'),
        level(2, "%1.%2.%3"),
    )
    letters = abstract(11, level(0, "(%1)", "lowerLetter"))
    for xml in (legal, letters, num(20, 10), num(21, 11), num(22, 11, restart_at(0, 1))):
        numbering_el.append(parse_xml(xml.replace(">", f" {DECL}>", 1)))  # declare w: on the root
    for name, ilvl in (("Heading 1", 0), ("Heading 2", 1)):
        ppr = document.styles[name].element.get_or_add_pPr()
        ppr.append(parse_xml(f'<w:numPr {DECL}><w:ilvl w:val="{ilvl}"/><w:numId w:val="20"/></w:numPr>'))

    def numbered(text: str, num_id: int, ilvl: int) -> None:
        p = document.add_paragraph(text)
        p._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {DECL}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
        )

    document.add_paragraph("Time off for trade union duties", style="Title")
    document.add_heading("Introduction", level=1)
    document.add_heading("Purpose", level=2)
    numbered("This policy sets out time off for representatives.", 20, 2)
    numbered("It applies to all staff.", 20, 2)
    document.add_heading("Representatives", level=2)
    numbered("Representatives may take paid time off to:", 20, 2)
    numbered("represent members at hearings;", 21, 0)
    numbered("attend approved training.", 21, 0)
    document.add_heading("Procedure", level=1)
    document.add_heading("Requests", level=2)
    numbered("A request states:", 20, 2)
    numbered("the date;", 22, 0)
    numbered("the duty.", 22, 0)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_an_auto_numbered_draft_is_read_with_the_numbers_word_shows(tmp_path):
    path = tmp_path / "policy.docx"
    data = auto_numbered_draft()
    path.write_bytes(data)
    draft = open_draft(path, data)
    shown = [p.text for p in draft.paras if p.text]
    assert shown == [
        "Time off for trade union duties",
        "1. Introduction",
        "1.1 Purpose",
        "1.1.1 This policy sets out time off for representatives.",
        "1.1.2 It applies to all staff.",
        "1.2 Representatives",
        "1.2.1 Representatives may take paid time off to:",
        "(a) represent members at hearings;",
        "(b) attend approved training.",
        "2. Procedure",
        "2.1 Requests",
        "2.1.1 A request states:",
        "(a) the date;",
        "(b) the duty.",
    ]
    assert [(s.number, s.section, s.heading) for s in draft.segments] == [
        ("1.1", "Introduction", "Purpose"),
        ("1.2", "Introduction", "Representatives"),
        ("2.1", "Procedure", "Requests"),
    ]
    assert draft.segments[2].body == "A request states:\nthe date;\nthe duty."


def test_an_auto_numbered_draft_imports_with_its_lettered_lists_as_items(tmp_path, run_cli, monkeypatch):
    monkeypatch.setenv("AGREEMENT_KIT_CACHE", str(tmp_path / "cache"))
    draft = tmp_path / "policy.docx"
    draft.write_bytes(auto_numbered_draft())
    code, _, stderr = run_cli("import", draft, "-o", tmp_path / "policy.yaml")
    assert code == 0, stderr
    texts = [c.text for c in load_spec(tmp_path / "policy.yaml").spec.clauses.values() if c.text]
    # Word's numbers are not the parties' words: 1.1.1 is left out, (a) makes an item
    assert "A request states:\n\n- the date;\n- the duty.\n" in texts
    assert not any(re.search(r"\d\.\d", t) for t in texts)


def test_markdown_and_html_letter_items_past_z_as_word_does():
    from agreement_kit.assembly.model import letter
    from agreement_kit.load.list_numbers import format_number

    assert [letter(i) for i in (0, 25, 26, 27, 52)] == ["a", "z", "aa", "bb", "aaa"]
    assert [letter(i) for i in range(60)] == [format_number(i + 1, "lowerLetter") for i in range(60)]


def test_a_template_without_the_clause_list_is_refused_by_name():
    from agreement_kit.render.word.lists import CLAUSE_LIST, numbering_lists

    empty = b'<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
    with pytest.raises(
        ValueError, match=f"house.docx: the Word template defines no list named '{CLAUSE_LIST}'"
    ):
        numbering_lists(empty, "house.docx")
