"""Word's own list numbering for an agreement's clauses.

The template's numbering part (built by templates/make_agreement_template.py)
defines two lists, found here by name: "Agreement clauses" (sections 3.,
clauses 3.2, paragraphs 3.2.1) and "Agreement items" (lettered (a), (b)).
Sections, clause headings and numbered paragraphs all join the one clause
list, so that Word renumbers them, and the cross-references to them, when a
clause is inserted by hand. Each lettered list is an instance of its own (a
w:num whose w:startOverride starts it again at (a)); those instances are
added to each document's copy of the numbering part.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .wordml import W_NS

NUMBERING = "word/numbering.xml"
CLAUSE_LIST, ITEM_LIST = "Agreement clauses", "Agreement items"
SECTION, CLAUSE, PARAGRAPH = 0, 1, 2  # levels of the clause list
_W = f"{{{W_NS}}}"


@dataclass(frozen=True)
class Lists:
    """The template's numbering part and the ids of its two lists."""

    part: bytes
    clauses: int  # w:numId of the clause list
    items: int  # w:abstractNumId of the lettered items
    free: int  # the first w:numId the template leaves free

    def item_list(self, index: int) -> int:
        """The w:numId of the document's ``index``-th lettered list (from 0)."""
        return self.free + index

    def part_with(self, count: int) -> bytes:
        """The numbering part with ``count`` lettered lists, each starting at (a)."""
        nums = "".join(
            f'<w:num w:numId="{self.item_list(i)}"><w:abstractNumId w:val="{self.items}"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
            for i in range(count)
        )
        return self.part.replace(b"</w:numbering>", nums.encode() + b"</w:numbering>")


def numbering_lists(part: bytes, template_name: str) -> Lists:
    """The two lists of a template's numbering part (``template_name`` names
    the template in errors)."""
    root = etree.fromstring(part, etree.XMLParser(resolve_entities=False, no_network=True))
    abstract = {
        name: int(a.get(f"{_W}abstractNumId", "-1"))
        for a in root.iterchildren(f"{_W}abstractNum")
        if (name := _attr(a.find(f"{_W}name")))
    }
    for name in (CLAUSE_LIST, ITEM_LIST):
        if name not in abstract:
            raise ValueError(f"{template_name}: the Word template defines no list named {name!r}")
    nums = {int(n.get(f"{_W}numId", "0")): n for n in root.iterchildren(f"{_W}num")}
    clauses = next(
        (
            num_id
            for num_id, n in sorted(nums.items())
            if _attr(n.find(f"{_W}abstractNumId")) == str(abstract[CLAUSE_LIST])
        ),
        None,
    )
    if clauses is None:
        raise ValueError(f"{template_name}: the Word template's list {CLAUSE_LIST!r} has no w:num")
    return Lists(part, clauses, abstract[ITEM_LIST], max(nums, default=0) + 1)


def _attr(el: etree._Element | None) -> str | None:
    return el.get(f"{_W}val") if el is not None else None
