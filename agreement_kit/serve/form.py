"""The drafting form's fields read back into a spec.

The same names ``editor.py`` gives the controls: ``organisation.name``,
``unions[0].short_name``, ``c.<clause id>.variant``, ``c.<clause id>.p.<param>``...
Only what differs from the model is written, as a person would write the
spec by hand; everything the page does not edit (law overrides, facility
time, the parties' own clauses) is carried over from the working spec. No
value is checked here: the pipeline checks the spec and its problems are
shown beside the fields they name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..load import library_models as lm
from ..load.library import Library
from .editor import mapping, sequence

EDITED = (
    "agreements",
    "organisation",
    "unions",
    "version",
    "dates",
    "clauses",
    "add",
    "remove",
    "signatories",
)
_ROW = re.compile(r"^(unions|signatories)\[(\d{1,3})\]\.([a-z_]+)$")


class Form:
    """A form's fields: the last value of a name, or all of them."""

    def __init__(self, items: Sequence[tuple[str, str]]):
        self.values: dict[str, list[str]] = {}
        self.file: tuple[str, bytes] | None = None  # an uploaded file's name and bytes
        for key, value in items:
            self.values.setdefault(key, []).append(value)

    def get(self, name: str, default: str = "") -> str:
        got = self.values.get(name)
        return got[-1] if got else default

    def getlist(self, name: str) -> list[str]:
        return self.values.get(name, [])

    def __contains__(self, name: str) -> bool:
        return name in self.values


def _number(text: str) -> int | str:
    """A whole number as a number; anything else as typed, for the pipeline to refuse by name."""
    return int(text) if re.fullmatch(r"-?\d{1,12}", text) else text


def _rows(form: Form, key: str) -> list[dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for name in form.values:
        match = _ROW.match(name)
        if match and match.group(1) == key:
            value = form.get(name).strip()
            row = found.setdefault(int(match.group(2)), {})
            if value:
                row[match.group(3)] = value
    return [row for _, row in sorted(found.items()) if row]


def _param_value(param: lm.Param, text: str) -> Any:
    """The typed value of a parameter's field, or None when left blank (the model's value)."""
    if isinstance(param, lm.ListParam):
        items = [line.strip() for line in text.splitlines() if line.strip()]
        return items or None
    text = text.strip()
    if not text:
        return None
    if isinstance(param, lm.IntegerParam):
        return _number(text)
    if isinstance(param, lm.BooleanParam):
        return {"yes": True, "no": False}.get(text, text)
    return text


def _entry_id(entry: Any) -> str | None:
    if isinstance(entry, str):
        return entry
    return entry.get("id") if isinstance(entry, dict) else None


def _with_reason(clause_id: str, reason: str) -> str | dict[str, str]:
    return {"id": clause_id, "reason": reason} if reason else clause_id


def spec_from_form(form: Form, library: Library, base: Mapping[str, Any]) -> dict[str, Any]:
    """The working spec ``base`` with every field of the form applied."""
    spec: dict[str, Any] = {"agreements": [k for k in form.getlist("agreements") if k]}
    org = dict(mapping(base, "organisation"))
    for name in ("name", "short_name", "slug", "type", "nation", "headcount"):
        key = f"organisation.{name}"
        if key in form:
            value = form.get(key).strip()
            if value:
                org[name] = _number(value) if name == "headcount" else value
            else:
                org.pop(name, None)
    spec["organisation"] = org
    spec["unions"] = _rows(form, "unions")
    version = form.get("version").strip()
    if version:
        spec["version"] = version
    dates = {k: form.get(f"dates.{k}").strip() for k in ("effective", "review")}
    spec["dates"] = {k: v for k, v in dates.items() if v}
    clauses, add, remove = _clause_choices(form, library, base, org.get("nation"))
    if clauses:
        spec["clauses"] = clauses
    if add:
        spec["add"] = add
    if remove:
        spec["remove"] = remove
    signatories = _rows(form, "signatories")
    if signatories:
        spec["signatories"] = signatories
    for key, value in base.items():
        if key not in EDITED:
            spec[key] = value
    return spec


def _clause_choices(
    form: Form, library: Library, base: Mapping[str, Any], nation: Any
) -> tuple[dict[str, Any], list[Any], list[Any]]:
    shown = [c for c in form.get("clauses_shown").split(",") if c in library.clauses]
    on_page = set(shown)
    clauses = {cid: choice for cid, choice in mapping(base, "clauses").items() if cid not in on_page}
    add = [e for e in sequence(base, "add") if _entry_id(e) not in on_page]
    remove = [e for e in sequence(base, "remove") if _entry_id(e) not in on_page]
    optional = {
        e.clause
        for kind in library.kinds.values()
        for s in kind.sections
        for e in s.entries()
        if not e.default
    }
    for cid in shown:
        clause = library.clauses[cid].clause
        prefix = f"c.{cid}."
        choice: dict[str, Any] = {}
        variant = form.get(prefix + "variant")
        model = clause.variant_for(nation, None) if nation in lm.NATIONS else clause.default_variant
        if variant and variant != model:
            choice["variant"] = variant
        params = {}
        for name, param in clause.params.items():
            if prefix + "p." + name not in form:
                continue
            value = _param_value(param, form.get(prefix + "p." + name))
            if value is not None and value != param.default:
                params[name] = value
        if params:
            choice["params"] = params
        for key in ("text", "reason"):
            value = form.get(prefix + key).strip()
            if value:
                choice[key] = value
        if choice:
            clauses[cid] = choice
        included = form.get(prefix + "include") == "on"
        why = form.get(prefix + "why").strip()
        if cid in optional and included:
            add.append(_with_reason(cid, why))
        elif cid not in optional and not included:
            remove.append(_with_reason(cid, why))
    return clauses, add, remove
