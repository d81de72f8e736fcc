"""Plain data as YAML, exactly as PyYAML's ``safe_dump`` writes it, with the
text of each top-level entry kept for the next document that has it.

A batch writes every employer's spec as YAML (a table row's values over one
base spec): most of its top-level entries (clauses, unions, dates) are the
same for every employer. PyYAML writes a block mapping's top-level entries
one after another, each as the text it would be on its own, so an entry's
text is kept, keyed on its value's ``repr`` (which tells a date from the
string it reads as, and True from 1), and only the entries that differ are
written. Data PyYAML would write with an anchor (one list or mapping placed
twice), or that holds a type other than YAML's plain ones, is written by
``safe_dump`` whole, as before.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from typing import Any

ENTRY_CACHE_SIZE = 256  # entries kept (a spec has about a dozen)
ENTRY_CACHE_LONGEST = 200_000  # characters of repr: a larger entry is written afresh
_PLAIN = (str, int, float, bool, type(None))
_DATES = (dt.date, dt.datetime)
# options under which a mapping's text is its entries' texts one after another
# (explicit_start, for one, would begin each entry with ---)
_OPTIONS = frozenset({"sort_keys", "default_flow_style", "allow_unicode", "width", "indent"})


def safe_dump(data: Any, **options: Any) -> str:
    """``yaml.safe_dump(data, **options)``, the same text; entries are kept
    for block style with the keys in their own order (``sort_keys=False``)."""
    import yaml

    block = options.get("default_flow_style", False) is False and options.get("sort_keys") is False
    if not (block and options.keys() <= _OPTIONS and isinstance(data, dict) and data and _plain_tree(data)):
        return yaml.safe_dump(data, **options)
    try:
        entries = [(repr((key, value)), key, value) for key, value in data.items()]
    except RecursionError:  # nested deeper than repr goes: PyYAML says what it says
        return yaml.safe_dump(data, **options)
    settings = tuple(sorted(options.items()))
    out = []
    for entry, key, value in entries:
        if len(entry) > ENTRY_CACHE_LONGEST:
            out.append(yaml.safe_dump({key: value}, **options))
            continue
        with _LOCK:
            text = _KEPT.get((entry, settings))
            if text is not None:
                _KEPT.move_to_end((entry, settings))
        if text is None:
            text = yaml.safe_dump({key: value}, **options)
            with _LOCK:
                _KEPT[entry, settings] = text
                if len(_KEPT) > ENTRY_CACHE_SIZE:
                    _KEPT.popitem(last=False)
        out.append(text)
    return "".join(out)


_KEPT: OrderedDict[tuple[str, tuple[tuple[str, Any], ...]], str] = OrderedDict()  # least recent first
_LOCK = threading.Lock()


def kept_entries() -> int:
    """How many entries' text is kept (for tests)."""
    return len(_KEPT)


def forget() -> None:
    """Drop every kept entry."""
    with _LOCK:
        _KEPT.clear()


def _plain_tree(data: Any) -> bool:
    """Only YAML's plain types, and no list, mapping or date met twice (which
    PyYAML would write as an anchor and an alias)."""
    seen: set[int] = set()
    stack = [data]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind in _PLAIN:
            continue
        if kind not in (dict, list) and kind not in _DATES:
            return False
        if id(node) in seen:
            return False
        seen.add(id(node))
        if kind is dict:
            stack.extend(node.keys())
            stack.extend(node.values())
        elif kind is list:
            stack.extend(node)
    return True
