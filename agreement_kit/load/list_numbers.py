"""The numbers Word shows in front of list paragraphs, counted as Word counts them.

A paragraph in a Word list holds no number as text: it names a list and a
level (w:numPr, on the paragraph or on its paragraph style) and Word counts
as it lays the document out. Anything that reads a .docx and wants "3.2"
where Word shows "3.2" has to do the same count, from word/numbering.xml and
word/styles.xml:

- a level's label is its w:lvlText with each %n replaced by level n's
  counter, written in level n's w:numFmt (every level in decimal under
  w:isLgl); a bullet level's text is shown as it is;
- a counter starts at its level's w:start and restarts after a paragraph at
  a higher level (w:lvlRestart names the level; 0 means never);
- counters belong to the abstract list (w:abstractNum): two w:num of one
  abstract list continue each other, except that a w:num's
  w:lvlOverride/w:startOverride restarts that level the first time a
  paragraph of that w:num is at it (Word's "Restart at 1");
- a w:num's w:lvlOverride/w:lvl replaces that level's definition; an abstract
  list that only points at a list style (w:numStyleLink) uses that style's list.

Call ``ListNumbers.label`` on each paragraph in document order: the count
depends on the numbered paragraphs before it. Paragraphs may be left out
only if they are deeper in their list than every one asked about after them
(the contents list counts its section and clause headings alone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LEVELS = 9
_VAL = f"{W}val"
_SUFFIX = {"tab": "\t", "space": " ", "nothing": ""}
# fmt: off
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
          (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
# fmt: on
_PLACEHOLDER = re.compile(r"%([1-9])")
_ORDINAL = {1: "st", 2: "nd", 3: "rd"}
_PARAGRAPH_NUMBERING = etree.XPath(
    "concat(w:pPr/w:numPr/w:numId/@w:val, '|', w:pPr/w:numPr/w:ilvl/@w:val, '|', w:pPr/w:pStyle/@w:val)",
    namespaces={"w": W[1:-1]},
)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class ListLabel(NamedTuple):
    """What Word shows in front of a list paragraph."""

    text: str  # "3.2", "(a)", or a bullet character
    level: int  # 0-based (w:ilvl)
    suffix: str  # between the label and the text: a tab, a space or nothing
    bullet: bool


@dataclass(frozen=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # w:lvlRestart; None: after any higher level
    suffix: str = "\t"
    legal: bool = False
    style: str | None = None  # a paragraph style bound to this level (w:pStyle)

    @cached_property
    def pieces(self) -> tuple[str, ...]:
        """lvlText split at its placeholders: text, level digit, text, level digit, ... text."""
        return tuple(_PLACEHOLDER.split(self.text))


@dataclass(frozen=True)
class _List:
    """A w:num resolved: the abstract list that owns the counters, its levels
    with the w:num's overrides applied, and the levels it restarts."""

    key: str
    levels: tuple[_Level, ...]
    starts: dict[int, int]  # level -> w:startOverride
    resets: tuple[tuple[int, ...], ...]  # by level: the deeper levels a paragraph there restarts


def format_number(value: int, fmt: str) -> str:
    """A counter in a w:numFmt; formats not listed here are written in decimal."""
    if fmt == "none":
        return ""
    if fmt in ("lowerLetter", "upperLetter") and value > 0:
        # Word repeats the letter past z: y, z, aa, bb, cc
        letters = chr(97 + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letters if fmt == "lowerLetter" else letters.upper()
    if fmt in ("lowerRoman", "upperRoman") and 0 < value < 4000:
        out, rest = "", value
        for amount, digits in _ROMAN:
            count, rest = divmod(rest, amount)
            out += digits * count
        return out if fmt == "lowerRoman" else out.upper()
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "ordinal":
        teen = value % 100 in (11, 12, 13)
        return f"{value}{'th' if teen else _ORDINAL.get(value % 10, 'th')}"
    return str(value)


class ListNumbers:
    """The list numbering of one document; ``label`` walks its paragraphs in order."""

    def __init__(self, numbering: bytes | Any | None, styles: bytes | Any | None = None) -> None:
        """``numbering`` and ``styles``: the parts' XML, or their root elements
        (either may be None: a document without lists, or without styles)."""
        if isinstance(numbering, bytes | None) and isinstance(styles, bytes | None):
            self._lists = _read_parts(numbering, styles)  # documents from one template share them
        else:
            self._lists = _Lists(_root(numbering), _root(styles))
        self._counters: dict[str, list[int | None]] = {}
        self._started: set[tuple[str, int]] = set()  # (numId, level) whose startOverride has been used

    def label(self, p: Any) -> ListLabel | None:
        """The label Word shows before paragraph ``p`` (a w:p element), or None if it is
        not in a list. Counts ``p``: call once per paragraph, in document order."""
        return self.label_of(paragraph_numbering(p))

    def label_of(self, numbering: str) -> ListLabel | None:
        """As ``label``, for a paragraph known by its ``paragraph_numbering``."""
        found = self._lists.place(numbering)
        if found is None:
            return None
        num_id, ilvl, lst = found
        counters = self._counters.setdefault(lst.key, [None] * LEVELS)
        level = lst.levels[ilvl]
        if ilvl in lst.starts and (num_id, ilvl) not in self._started:
            self._started.add((num_id, ilvl))
            counters[ilvl] = lst.starts[ilvl]
        else:
            current = counters[ilvl]
            counters[ilvl] = level.start if current is None else current + 1
        for deeper in lst.resets[ilvl]:
            counters[deeper] = None
        if level.fmt == "bullet":
            return ListLabel(level.text, ilvl, level.suffix, True)
        return ListLabel(_fill(level, lst.levels, counters), ilvl, level.suffix, False)


def paragraph_numbering(p: Any) -> str:
    """What places paragraph ``p`` in a list: its numId, level and style, as
    one string ("7|1|Heading2"; parts left empty when absent)."""
    # one XPath for the three: several times faster than finding each element
    # (python-docx makes an object of each one found)
    return str(_PARAGRAPH_NUMBERING(p))


@lru_cache(maxsize=8)
def _read_parts(numbering: bytes | None, styles: bytes | None) -> _Lists:
    return _Lists(_root(numbering), _root(styles))


class _Lists:
    """A document's list definitions (numbering.xml, and styles.xml for numbering
    that comes with a style), resolved as paragraphs ask for them."""

    def __init__(self, numbering_root: Any, styles_root: Any) -> None:
        self._abstract: dict[str, Any] = {}
        self._nums: dict[str, Any] = {}
        if numbering_root is not None:
            for el in numbering_root.iterchildren(f"{W}abstractNum"):
                self._abstract[el.get(f"{W}abstractNumId", "")] = el
            for el in numbering_root.iterchildren(f"{W}num"):
                self._nums[el.get(f"{W}numId", "")] = el
        # paragraph and numbering styles: id -> (numId, ilvl, based on)
        self._styles: dict[str, tuple[str | None, int | None, str | None]] = {}
        self._default_style = ""
        if styles_root is not None:
            for style in styles_root.iterchildren(f"{W}style"):
                style_id = style.get(f"{W}styleId", "")
                num_pr = style.find(f"{W}pPr/{W}numPr")
                based = style.find(f"{W}basedOn")
                num_id, ilvl = _num_pr(num_pr)
                self._styles[style_id] = (num_id, ilvl, based.get(_VAL) if based is not None else None)
                if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true", "on"):
                    self._default_style = style_id
        self._lists: dict[str, _List | None] = {}
        self._places: dict[str, tuple[str, int, _List] | None] = {}

    def place(self, numbering: str) -> tuple[str, int, _List] | None:
        """(numId, level, list) for a paragraph's "numId|ilvl|style" (each may be empty)."""
        if numbering not in self._places:
            self._places[numbering] = self._place(*numbering.split("|"))
        return self._places[numbering]

    def _place(self, num_id: str, ilvl_text: str, style_id: str) -> tuple[str, int, _List] | None:
        style_id = style_id or self._default_style
        ilvl = _int(ilvl_text or None)
        if not num_id or ilvl is None:
            style_num, style_ilvl = self._style_numbering(style_id)
            num_id = num_id or style_num or ""
            ilvl = ilvl if ilvl is not None else style_ilvl
        if not num_id or num_id == "0":  # numId 0: numbering switched off
            return None
        lst = self._list(num_id)
        if lst is None:
            return None
        if ilvl is None:
            bound = [i for i, lvl in enumerate(lst.levels) if lvl.style == style_id]
            ilvl = bound[0] if bound else 0
        return num_id, min(max(ilvl, 0), LEVELS - 1), lst

    def _style_numbering(self, style_id: str) -> tuple[str | None, int | None]:
        """numId and level from the style or the nearest style it is based on that has each."""
        num_id: str | None = None
        ilvl: int | None = None
        seen: set[str] = set()
        current: str | None = style_id
        while current and current not in seen and current in self._styles:
            seen.add(current)
            style_num, style_ilvl, based = self._styles[current]
            num_id = num_id if num_id is not None else style_num
            ilvl = ilvl if ilvl is not None else style_ilvl
            current = based
        return num_id, ilvl

    # -- the lists ------------------------------------------------------------------

    def _list(self, num_id: str) -> _List | None:
        if num_id not in self._lists:
            self._lists[num_id] = self._resolve(num_id)
        return self._lists[num_id]

    def _resolve(self, num_id: str) -> _List | None:
        num = self._nums.get(num_id)
        abstract_id = _val(num.find(f"{W}abstractNumId")) if num is not None else None
        abstract = self._abstract.get(abstract_id or "")
        for _ in range(3):  # an abstract list that points at a list style: that style's list
            link = abstract.find(f"{W}numStyleLink") if abstract is not None else None
            if link is None:
                break
            linked_num = self._styles.get(link.get(_VAL, ""), (None, None, None))[0]
            linked = self._nums.get(linked_num or "")
            abstract_id = _val(linked.find(f"{W}abstractNumId")) if linked is not None else None
            abstract = self._abstract.get(abstract_id or "")
        if num is None or abstract is None or abstract_id is None:
            return None
        levels = [_Level()] * LEVELS
        for lvl in abstract.iterchildren(f"{W}lvl"):
            index = _int(lvl.get(f"{W}ilvl"))
            if index is not None and 0 <= index < LEVELS:
                levels[index] = _level(lvl)
        starts: dict[int, int] = {}
        for override in num.iterchildren(f"{W}lvlOverride"):
            index = _int(override.get(f"{W}ilvl"))
            if index is None or not 0 <= index < LEVELS:
                continue
            lvl = override.find(f"{W}lvl")
            if lvl is not None:
                levels[index] = _level(lvl)
            start = _int(_val(override.find(f"{W}startOverride")))
            if start is not None:
                starts[index] = start
        # lvlRestart n restarts a level after a paragraph at level n or higher (0: never)
        resets = tuple(
            tuple(d for d in range(i + 1, LEVELS) if i < _after(levels[d], d)) for i in range(LEVELS)
        )
        return _List(abstract_id, tuple(levels), starts, resets)


def _after(level: _Level, index: int) -> int:
    """The level count whose paragraphs restart this level: all above it, unless w:lvlRestart says."""
    return index if level.restart is None else level.restart


def _fill(level: _Level, levels: tuple[_Level, ...], counters: list[int | None]) -> str:
    """lvlText with %1..%9 replaced by the counters; a level not yet used counts as 0
    (Word shows "0.1" for a level-2 paragraph with no level-1 paragraph before it)."""

    pieces = list(level.pieces)
    for i in range(1, len(pieces), 2):
        index = int(pieces[i]) - 1
        pieces[i] = format_number(counters[index] or 0, "decimal" if level.legal else levels[index].fmt)
    return "".join(pieces)


def _level(lvl: Any) -> _Level:
    start = _int(_val(lvl.find(f"{W}start")))
    restart = _int(_val(lvl.find(f"{W}lvlRestart")))
    text = lvl.find(f"{W}lvlText")
    legal = lvl.find(f"{W}isLgl")
    style = lvl.find(f"{W}pStyle")
    return _Level(
        start=1 if start is None else start,
        fmt=_val(lvl.find(f"{W}numFmt")) or "decimal",
        text=text.get(_VAL, "") if text is not None else "",
        restart=restart,
        suffix=_SUFFIX.get(_val(lvl.find(f"{W}suff")) or "tab", "\t"),
        legal=legal is not None and legal.get(_VAL, "true") not in ("0", "false", "off"),
        style=style.get(_VAL) if style is not None else None,
    )


def _num_pr(num_pr: Any) -> tuple[str | None, int | None]:
    if num_pr is None:
        return None, None
    return _val(num_pr.find(f"{W}numId")), _int(_val(num_pr.find(f"{W}ilvl")))


def _val(el: Any) -> str | None:
    return el.get(_VAL) if el is not None else None


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _root(part: bytes | Any | None) -> Any:
    if part is None or not isinstance(part, bytes):
        return part
    try:
        return etree.fromstring(part, _PARSER)
    except etree.XMLSyntaxError:
        return None
