"""What a table cell holds, turned into spec data: a value of a clause
parameter, a list, the unions or the signatories.

A spreadsheet cell holds one line of text (or several, with Alt+Enter), so
the lists in a spec are written one item after another, separated by ``;``
or a line break:

- ``agreements``, ``add``, ``remove`` and list parameters: ``partnership; recognition``
- ``unions``: ``NAME (SHORT NAME) = WHOM IT REPRESENTS``, the short name and
  what it represents optional:
  ``UNISON; Royal College of Nursing (RCN) = nursing staff``
- ``signatories``: ``NAME | ROLE | SIDE | ORGANISATION``, the side
  ``management`` or ``staff``, the organisation optional:
  ``A. N. Other | Chief Executive | management; A. Rep | Staff Side Chair | staff | UNISON``

A cell that does not fit raises ValueError with a message naming the item;
the table adds the file, row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..load import library_models as lm
from ..load.yaml_source import Loc

LIST_FIELDS = {"agreements", "add", "remove"}
SIDES = ("management", "staff")
_ITEMS = re.compile(r"[;\n\r]")
_UNION = re.compile(r"(?P<name>[^()=]+?)\s*(?:\((?P<short>[^()=]*)\))?\s*(?:=(?P<represents>.*))?")


def items(value: Any) -> list[str]:
    """The items of a list cell: separated by ``;`` or line breaks, blanks dropped."""
    return [v.strip() for v in _ITEMS.split(str(value)) if v.strip()]


def convert(value: Any, loc: Loc, param: lm.Param | None) -> Any:
    """A cell's value as the spec holds it at ``loc``."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if param is None:
        if loc[0] in LIST_FIELDS:
            return items(value)
        if loc == ("unions",):
            return [union(v, n) for n, v in enumerate(items(value), start=1)]
        if loc == ("signatories",):
            return [signatory(v, n) for n, v in enumerate(items(value), start=1)]
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value.strip() if isinstance(value, str) else value
    text = value.strip() if isinstance(value, str) else value
    if isinstance(param, lm.IntegerParam):
        if isinstance(text, (int, float)) and float(text).is_integer():
            return int(text)
        if isinstance(text, str) and re.fullmatch(r"-?\d+", text):
            return int(text)
        raise ValueError(f"{value!r} is not a whole number")
    if isinstance(param, lm.BooleanParam):
        lowered = str(text).lower()
        if lowered in {"yes", "true", "1", "y"}:
            return True
        if lowered in {"no", "false", "0", "n"}:
            return False
        raise ValueError(f"{value!r} is not yes or no")
    if isinstance(param, lm.ListParam):
        return items(text)
    if isinstance(param, lm.DateParam) and isinstance(text, dt.date):
        return text
    return str(text)


def union(text: str, number: int = 1) -> dict[str, str]:
    """``Royal College of Nursing (RCN) = nursing staff`` as a spec's union."""
    match = _UNION.fullmatch(text)
    if match is None:
        raise ValueError(
            f"union {number} {text!r} is not NAME (SHORT NAME) = WHOM IT REPRESENTS,"
            " e.g. 'Royal College of Nursing (RCN) = nursing staff'"
        )
    name = match["name"].strip()
    out = {"name": name, "short_name": name}
    if match["short"] is not None:
        if not match["short"].strip():
            raise ValueError(f"union {number} {text!r}: the short name in brackets is empty")
        out["short_name"] = match["short"].strip()
    if match["represents"] is not None:
        if not match["represents"].strip():
            raise ValueError(f"union {number} {text!r}: nothing follows '='; say whom it represents")
        out["represents"] = match["represents"].strip()
    return out


def signatory(text: str, number: int = 1) -> dict[str, str]:
    """``A. Rep | Staff Side Chair | staff | UNISON`` as a spec's signatory."""
    parts = [p.strip() for p in text.split("|")]
    if not 3 <= len(parts) <= 4:
        raise ValueError(
            f"signatory {number} {text!r} has {len(parts)} part{'s' if len(parts) != 1 else ''};"
            " write NAME | ROLE | SIDE, or NAME | ROLE | SIDE | ORGANISATION"
        )
    for label, part in zip(("name", "role", "side", "organisation"), parts, strict=False):
        if not part:
            raise ValueError(f"signatory {number} {text!r}: the {label} is empty")
    side = parts[2].casefold()
    if side not in SIDES:
        raise ValueError(f"signatory {number} {text!r}: the side is {parts[2]!r}; write management or staff")
    out = {"name": parts[0], "role": parts[1], "side": side}
    if len(parts) == 4:
        out["organisation"] = parts[3]
    return out
