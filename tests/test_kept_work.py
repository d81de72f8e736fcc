"""What a batch keeps from one employer for the next gives the same results
as doing the work afresh, and is bounded."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import yaml
from conftest import SAMPLES

from agreement_kit import assemble, load_library, load_spec
from agreement_kit.assembly import markup
from agreement_kit.assembly.markup import MarkupError, parse
from agreement_kit.assembly.templating import CLOSE, OPEN
from agreement_kit.utils import yaml_dump


def value(n: int) -> str:
    return f"{OPEN}{n}{CLOSE}"


TEXTS = [
    "Plain words only.",
    "The [[Forum]] meets as [[meetings.chair]] says.",
    f"**{value(0)}** and *{value(1)}*{value(2)} then **bold**{value(1)}**again**",
    f"a****b and {value(0)}{value(1)}",
    "First paragraph.\n\nSecond\nparagraph with \\*stars\\* and \\[[not a ref]]."
    "\n- item one\n  continued\n- item two",
    "- an item first\nstill the item\n\nthen words",
    "Words before\n- an item after words without a blank line",
    "**never closed",
    "[[not valid!]] here",
    "[[Forum]] then [[missing.clause]] then [[Staff Side]]",
    "[[Unknown Term]] and [[meetings.chair]]",
    f"{value(5)} beyond the values given",
    "",
    "\n\n\n",
]
LITERALS = ["Trust", "", "x"]


def attempt(text: str, literals: list[str]) -> tuple:
    """The result or error of a parse, with every call it made to its callbacks."""
    calls: list[tuple[str, str]] = []

    def ref_label(target: str) -> str:
        calls.append(("ref", target))
        if target == "missing.clause":
            raise MarkupError("cross-reference to unknown clause id missing.clause")
        return f"clause {len(target)}"

    def on_term(term: str) -> None:
        calls.append(("term", term))
        if term == "Unknown Term":
            raise MarkupError(f"[[{term}]] is not a defined term")

    try:
        return ("parsed", parse(text, literals, ref_label, on_term), calls)
    except MarkupError as exc:
        return ("refused", exc.message, exc.line, calls)
    except IndexError:
        return ("index error", calls)


def test_markup_parse_gives_the_same_cold_and_warm():
    markup._kept_layout.cache_clear()
    cold = [attempt(t, LITERALS) for t in TEXTS]
    assert markup._kept_layout.cache_info().currsize == len(set(TEXTS))
    warm = [attempt(t, LITERALS) for t in TEXTS]
    assert markup._kept_layout.cache_info().hits >= len(TEXTS)
    assert warm == cold
    # other values, the same kept parse
    assert [attempt(t, ["A", "B", "C"]) for t in TEXTS] != cold


def test_markup_parse_results():
    assert attempt(TEXTS[2], LITERALS)[1][0].inlines == (
        markup.Text("Trust", bold=True),
        markup.Text(" and x then "),  # the empty value in italics adds nothing
        markup.Text("boldagain", bold=True),  # runs of one look merge across an empty value
    )
    assert attempt(TEXTS[3], LITERALS)[1][0].inlines == (markup.Text("ab and Trust"),)
    assert attempt(TEXTS[7], [])[1:3] == ("emphasis opened with * or ** is not closed", 1)
    assert attempt(TEXTS[8], [])[1] == "[[not valid!]] is neither a clause id nor a defined term"
    # callbacks are asked in order, and stop at the first error
    assert attempt(TEXTS[9], [])[1:] == (
        "cross-reference to unknown clause id missing.clause",
        1,
        [("term", "Forum"), ("ref", "missing.clause")],
    )
    assert attempt(TEXTS[10], [])[-1] == [("term", "Unknown Term")]
    assert attempt(TEXTS[11], LITERALS)[0] == "index error"
    blocks = attempt(TEXTS[4], [])[1]
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Paragraph", "ItemList"]
    assert blocks[2].items == ((markup.Text("item one continued"),), (markup.Text("item two"),))


def test_markup_parse_cache_is_bounded():
    assert markup._kept_layout.cache_info().maxsize == markup.PARSE_CACHE_SIZE
    markup._kept_layout.cache_clear()
    long_text = "word " * (markup.PARSE_CACHE_LONGEST // 5 + 1)
    assert attempt(long_text, [])[0] == "parsed"
    assert markup._kept_layout.cache_info().currsize == 0  # a long text is parsed afresh


@pytest.mark.parametrize("spec", SAMPLES, ids=lambda p: p.stem)
def test_agreements_are_the_same_with_the_parse_cache_cold_and_warm(spec):
    library = load_library()
    markup._kept_layout.cache_clear()
    cold = assemble(load_spec(spec), library)
    warm = assemble(load_spec(spec), library)
    assert markup._kept_layout.cache_info().hits > 0
    assert warm == cold


# -- YAML ---------------------------------------------------------------------

PIECES = ["word", "two words", "x: y", "#c", "- a", "null", "yes", "1.5", "~", "'q'", '"q"', "", "...", "---"]
CHARACTERS = list("ab Z9:#-?&*!|>'\"%@`,[]{}\t\n\\~.=") + ["\x85", "\xa0", "\u2028", "\ufeff", "é", "—", "😀"]


def random_data(rnd: random.Random, depth: int = 0):
    roll = rnd.random()
    if depth < 3 and roll < 0.2:
        return {random_data(rnd, 3): random_data(rnd, depth + 1) for _ in range(rnd.randint(0, 3))}
    if depth < 3 and roll < 0.35:
        return [random_data(rnd, depth + 1) for _ in range(rnd.randint(0, 3))]
    if roll < 0.5:
        return rnd.choice([None, True, False, 0, 1, -5, 10**20, 1.5, 1.0, dt.date(2026, 4, 1)])
    if roll < 0.7:
        return " ".join(rnd.choice(PIECES) for _ in range(rnd.choice([1, 3, 30])))
    return "".join(rnd.choice(CHARACTERS) for _ in range(rnd.choice([0, 1, 5, 40, 150])))


OPTIONS = [
    {"sort_keys": False, "allow_unicode": True, "default_flow_style": False, "width": 100},
    {"sort_keys": False, "allow_unicode": True},
    {"sort_keys": True},
    {"sort_keys": False, "explicit_start": True},
]


def test_yaml_is_written_as_pyyaml_writes_it():
    rnd = random.Random(18)
    written = []
    for _ in range(1500):
        data = {random_data(rnd, 3): random_data(rnd) for _ in range(rnd.randint(1, 4))}
        if written and rnd.random() < 0.5:  # entries seen before: their kept text
            data.update(rnd.choice(written))
        if rnd.random() < 0.05:  # one list in two places: PyYAML writes an anchor
            shared = [1, 2]
            data.update(a=shared, b={"c": shared})
        written.append(data)
        for options in OPTIONS:
            assert yaml_dump.safe_dump(data, **options) == yaml.safe_dump(data, **options)
    assert yaml_dump.kept_entries() == yaml_dump.ENTRY_CACHE_SIZE  # bounded


def test_yaml_entries_of_equal_repr_but_other_types_are_told_apart():
    yaml_dump.forget()
    options = {"sort_keys": False, "allow_unicode": True}
    for data in ({"a": "2026-04-01"}, {"a": dt.date(2026, 4, 1)}, {"a": 1}, {"a": True}, {"a": "1"}):
        assert yaml_dump.safe_dump(data, **options) == yaml.safe_dump(data, **options)
        assert yaml_dump.safe_dump(data, **options) == yaml.safe_dump(data, **options)  # warm


# -- renderers -------------------------------------------------------------------


def clear_render_caches() -> None:
    from agreement_kit.render import docx, html, markdown
    from agreement_kit.render.word import body, comments, document

    markdown._kept_block_md.cache_clear()
    html._kept_block_html.cache_clear()
    comments._comment_paragraphs.cache_clear()
    docx._lines_of_note.cache_clear()
    body._kept_runs.clear()
    document._spliced_headings.cache_clear()


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_renderers_give_the_same_bytes_with_kept_blocks_cold_and_warm(fmt):
    from agreement_kit.render import NOTES_MODES, render

    library = load_library()
    agreements = [a for spec in SAMPLES for a in assemble(load_spec(spec), library)]
    clear_render_caches()
    cold = [render(a, fmt, notes=n) for a in agreements for n in NOTES_MODES]
    warm = [render(a, fmt, notes=n) for a in agreements for n in NOTES_MODES]
    assert warm == cold
    clear_render_caches()  # warmed by other agreements first
    backwards = [[render(a, fmt, notes=n) for n in NOTES_MODES] for a in reversed(agreements)]
    assert [page for pages in reversed(backwards) for page in pages] == cold


def test_kept_blocks_are_bounded():
    from agreement_kit.render import docx, html, markdown
    from agreement_kit.render.word import comments

    assert markdown._kept_block_md.cache_info().maxsize == markdown.BLOCK_CACHE_SIZE
    assert html._kept_block_html.cache_info().maxsize == html.BLOCK_CACHE_SIZE
    assert comments._comment_paragraphs.cache_info().maxsize == comments.COMMENT_CACHE_SIZE
    assert docx._lines_of_note.cache_info().maxsize is not None


def test_a_kept_block_links_only_to_a_clause_of_its_own_page():
    from agreement_kit.assembly.model import Paragraph, Ref
    from agreement_kit.render.html import _block_html

    block = Paragraph((markup.Text("See "), Ref("meetings.chair", "clause 4.3")))
    linked = _block_html(block, {"meetings.chair": "4.3"})
    assert 'href="#clause-4-3"' in linked
    assert "href" not in _block_html(block, {})  # the same block on a page without that clause
    assert _block_html(block, {"meetings.chair": "4.3"}) == linked


def test_a_large_block_is_written_afresh_not_kept():
    from agreement_kit.assembly.model import ItemList, letter
    from agreement_kit.render import html, markdown

    clear_render_caches()
    large = ItemList(tuple((markup.Text(f"item {i}"),) for i in range(markdown.KEPT_INLINES + 1)))
    small = ItemList(((markup.Text("one"),), (markup.Text("two"),)))
    last = markdown.KEPT_INLINES
    assert markdown.block_md(large)[-1] == f"({letter(last)}) item {last}"
    assert "item 0" in html._block_html(large, {})
    assert markdown._kept_block_md.cache_info().currsize == html._kept_block_html.cache_info().currsize == 0
    markdown.block_md(small), html._block_html(small, {})
    assert markdown._kept_block_md.cache_info().currsize == html._kept_block_html.cache_info().currsize == 1


def test_work_kept_by_identity_is_found_for_the_same_object_only_and_bounded():
    from agreement_kit.utils.by_identity import KeptByIdentity

    kept: KeptByIdentity[str] = KeptByIdentity(3)
    words = ("a", "b")
    kept.put(words, "made")
    assert kept.get(words) == "made"
    assert kept.get(tuple(["a", "b"])) is None  # equal, not the same: made afresh
    for n in range(3):
        kept.put((n,), "x")
    assert len(kept) <= 3
    assert kept.get(words) is None  # dropped when it filled


def test_equal_inlines_are_one_object_across_agreements_and_bounded():
    library = load_library()
    first, second = (assemble(load_spec(SAMPLES[0]), library)[0] for _ in range(2))

    def inlines(agreement):
        return [b.inlines for c in agreement.clauses() for b in c.blocks if hasattr(b, "inlines")]

    pairs = list(zip(inlines(first), inlines(second), strict=True))
    assert all(a == b for a, b in pairs)
    assert all(a is b for a, b in pairs)
    assert len(markup._interned) <= markup.INTERNED_SIZE


def test_kept_paragraph_runs_never_hold_a_cross_reference():
    """A cross-reference's link is the target clause's bookmark, which depends
    on the agreement's numbering: its paragraph is written afresh each time."""
    from agreement_kit.assembly.model import Ref
    from agreement_kit.render import render
    from agreement_kit.render.word import body

    library = load_library()
    body._kept_runs.clear()
    for spec in SAMPLES:
        for agreement in assemble(load_spec(spec), library):
            render(agreement, "docx")
    kept = [entry[0] for entry in body._kept_runs._kept.values()]
    assert len(kept) > 100  # and the check is alive
    assert not [k for k in kept if any(isinstance(i, Ref) for i in k)]
    assert len(body._kept_runs) <= body.RUNS_KEPT
