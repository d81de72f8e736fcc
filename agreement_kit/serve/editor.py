"""The drafting form, generated from the clause library and the spec's JSON Schema.

``editor()`` describes every control of the page for a working spec (a plain
JSON-like dict): the spec's own fields from its JSON Schema, then each chosen
agreement's outline section by section, each clause with its variants,
typed parameters, commentary, a switch and the parties' own wording. Nothing
here is written per clause: a new clause, variant or parameter in the
library appears on the page by itself. ``spec_from_form()`` in ``form.py``
reads the same names back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..load import library_models as lm
from ..load.library import Library
from ..load.spec_models import Spec

SIDES = {"staff": "favours the staff side", "management": "favours management", "neutral": "neutral"}


@dataclass(frozen=True)
class Control:
    """One labelled input. ``name`` is the form field; ``path`` the spec field its errors name."""

    name: str
    path: str
    label: str
    kind: str  # text, number, date, select, textarea, lines
    value: Any = ""
    options: tuple[tuple[str, str], ...] = ()
    required: bool = False
    hint: str = ""
    min: int | None = None
    max: int | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class VariantOption:
    name: str
    label: str
    side: str  # staff, management, neutral or ""
    favours: str  # words, e.g. "favours the staff side"; "" when unrated
    marks: tuple[str, ...]  # recommended, model default, for scotland...
    note: str


@dataclass
class ClauseEditor:
    id: str
    title: str
    optional: bool
    included: bool
    include_reason: str
    variants: list[VariantOption]
    variant: str | None
    params: list[Control]
    text: str
    reason: str
    commentary: list[str]
    shown_before: bool = False  # already edited under an earlier agreement


@dataclass
class SectionEditor:
    id: str
    title: str
    clauses: list[ClauseEditor]


@dataclass
class KindEditor:
    kind: str
    title: str
    sections: list[SectionEditor]


@dataclass
class Editor:
    kinds: list[tuple[str, str, bool]]  # (kind, title, chosen)
    organisation: list[Control]
    general: list[Control]
    unions: list[list[Control]]
    signatories: list[list[Control]]
    outlines: list[KindEditor] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)  # spec parts the page keeps but does not edit


def mapping(data: Any, key: str) -> dict[str, Any]:
    """``data[key]`` when it is a mapping, else an empty one: a working spec may be half written."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def sequence(data: Any, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


# -- the spec's own fields, from its JSON Schema ----------------------------


@lru_cache(maxsize=1)
def spec_schema() -> dict[str, Any]:
    return Spec.model_json_schema()


def _branch(prop: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The non-null branch of an optional property, and whether null was allowed."""
    if "anyOf" in prop:
        kinds = [p for p in prop["anyOf"] if p.get("type") != "null"]
        return (kinds[0] if len(kinds) == 1 else {}), True
    return prop, False


def label_of(name: str, prop: dict[str, Any]) -> str:
    title = prop.get("title") or name.replace("_", " ")
    return title[:1].upper() + title[1:].lower()


def schema_controls(
    model: str, prefix: str, values: dict[str, Any], *, skip: tuple[str, ...] = ()
) -> list[Control]:
    """One control per scalar property of ``$defs[model]``; lists and mappings are left out."""
    definition = spec_schema()["$defs"][model]
    required = set(definition.get("required", ()))
    out = []
    for name, prop in definition["properties"].items():
        if name in skip:
            continue
        branch, _nullable = _branch(prop)
        value = values.get(name)
        common: dict[str, Any] = {
            "name": f"{prefix}.{name}",
            "path": f"{prefix}.{name}",
            "label": label_of(name, prop),
            "required": name in required,
            "value": "" if value is None else value,
        }
        if "enum" in branch:
            options = tuple((v, v.replace("_", " ")) for v in branch["enum"])
            if name not in required or value is None:  # a blank row stays blank
                options = (("", "(none)"), *options)
            out.append(Control(kind="select", options=options, **common))
        elif branch.get("type") == "integer":
            low = branch.get(
                "minimum", branch.get("exclusiveMinimum", -1) + 1 if "exclusiveMinimum" in branch else None
            )
            out.append(Control(kind="number", min=low, max=branch.get("maximum"), **common))
        elif branch.get("type") == "string" and branch.get("format") == "date":
            out.append(Control(kind="date", **common))
        elif branch.get("type") == "string":
            hint = "Lowercase letters, digits and hyphens; used in file names." if "pattern" in branch else ""
            out.append(Control(kind="text", max_length=branch.get("maxLength"), hint=hint, **common))
    return out


def _rows(model: str, key: str, rows: list[Any], spare: int) -> list[list[Control]]:
    values = [r if isinstance(r, dict) else {} for r in rows] + [{}] * spare
    return [schema_controls(model, f"{key}[{i}]", v) for i, v in enumerate(values)]


# -- the clause library ------------------------------------------------------


_REF = re.compile(r"\[\[([^\]]+)\]\]")


def plain_markup(text: str, library: Library) -> list[str]:
    """Clause commentary as plain paragraphs: ``[[Term]]`` as the term, ``[[a.b]]`` as that clause's title."""

    def swap(match: re.Match[str]) -> str:
        target = match.group(1)
        located = library.clauses.get(target)
        return f"“{located.clause.title}”" if located else target

    return [" ".join(_REF.sub(swap, p).split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def _param_control(clause_id: str, name: str, param: lm.Param, value: Any) -> Control:
    shown = param.default if value is None else value
    base = f"clauses.{clause_id}.params.{name}"
    common: dict[str, Any] = {"name": f"c.{clause_id}.p.{name}", "path": base, "label": param.label}
    hints = [param.help] if param.help else []
    if isinstance(param, lm.IntegerParam):
        unit = f" {param.unit}" if param.unit else ""
        if param.min is not None or param.max is not None:
            hints.insert(
                0,
                f"From {param.min if param.min is not None else 'any'} to "
                f"{param.max if param.max is not None else 'any'}{unit}.",
            )
        if param.default is not None:
            hints.append(f"Model: {param.default}{unit}.")
        g = param.guidance
        if g is not None:
            bits = [
                f"recommended {g.recommended}" if g.recommended is not None else "",
                f"at least {g.min}" if g.min is not None else "",
                f"at most {g.max}" if g.max is not None else "",
            ]
            said = ", ".join(b for b in bits if b)
            if said:
                hints.append(f"Guidance: {said}{unit}." + (f" {g.why}" if g.why else ""))
        return Control(
            kind="number",
            value="" if shown is None else shown,
            min=param.min,
            max=param.max,
            hint=" ".join(hints),
            **common,
        )
    if isinstance(param, lm.ChoiceParam):
        options = tuple(
            (
                k,
                words
                + (" (recommended)" if k == param.recommended else "")
                + (f", {SIDES[param.favours[k]]}" if k in param.favours else ""),
            )
            for k, words in param.choices.items()
        )
        if shown is None:
            options = (("", "(choose)"), *options)
        return Control(kind="select", value=shown or "", options=options, hint=" ".join(hints), **common)
    if isinstance(param, lm.BooleanParam):
        rec = param.recommended
        options = tuple(
            (k, k + (" (recommended)" if rec is not None and (k == "yes") == rec else ""))
            for k in ("yes", "no")
        )
        if shown is None:
            options = (("", "(choose)"), *options)
        current = "" if shown is None else ("yes" if shown else "no")
        return Control(kind="select", value=current, options=options, hint=" ".join(hints), **common)
    if isinstance(param, lm.DateParam):
        return Control(kind="date", value="" if shown is None else str(shown), hint=" ".join(hints), **common)
    if isinstance(param, lm.ListParam):
        hints.insert(0, "One item a line.")
        text = "\n".join(shown) if isinstance(shown, list) else ""
        return Control(kind="lines", value=text, hint=" ".join(hints), **common)
    max_length = param.max_length if isinstance(param, lm.TextParam) else None
    return Control(kind="text", value=shown or "", max_length=max_length, hint=" ".join(hints), **common)


def _variants(clause: lm.Clause, library: Library) -> list[VariantOption]:
    out = []
    for name, v in clause.variants.items():
        marks = []
        if name == clause.recommended:
            marks.append("recommended")
        if name == clause.default_variant and name != clause.recommended:
            marks.append("model default")
        marks += [f"default in {n.title()}" for n, vn in clause.nation_variants.items() if vn == name]
        note = " ".join(plain_markup(v.note, library)) if v.note else ""
        side = v.favours or ""
        out.append(VariantOption(name, v.label, side, SIDES.get(side, ""), tuple(marks), note))
    return out


def clause_editor(library: Library, clause_id: str, optional: bool, spec: dict[str, Any]) -> ClauseEditor:
    clause = library.clauses[clause_id].clause
    choice = mapping(mapping(spec, "clauses"), clause_id)
    params = mapping(choice, "params")
    entries = {
        (e if isinstance(e, str) else e.get("id")): e
        for e in sequence(spec, "add")
        if isinstance(e, (str, dict))
    }
    removed = {
        (e if isinstance(e, str) else e.get("id")): e
        for e in sequence(spec, "remove")
        if isinstance(e, (str, dict))
    }
    entry = entries.get(clause_id) if optional else removed.get(clause_id)
    included = (entry is not None) if optional else (entry is None)
    nation = mapping(spec, "organisation").get("nation")
    variant = choice.get("variant") or (
        clause.variant_for(nation, None) if nation in lm.NATIONS else clause.default_variant
    )
    return ClauseEditor(
        id=clause_id,
        title=clause.title,
        optional=optional,
        included=included,
        include_reason=(entry.get("reason") or "") if isinstance(entry, dict) else "",
        variants=_variants(clause, library),
        variant=variant,
        params=[_param_control(clause_id, n, p, params.get(n)) for n, p in clause.params.items()],
        text=choice.get("text") or "",
        reason=choice.get("reason") or "",
        commentary=plain_markup(clause.note, library),
    )


def editor(library: Library, spec: dict[str, Any]) -> Editor:
    """Every control of the page for this working spec."""
    chosen = [k for k in sequence(spec, "agreements") if isinstance(k, str)]
    org, dates = mapping(spec, "organisation"), mapping(spec, "dates")
    unions, signatories = sequence(spec, "unions"), sequence(spec, "signatories")
    general = schema_controls("Dates", "dates", dates)
    version = spec_schema()["properties"]["version"]
    general.append(
        Control(
            name="version",
            path="version",
            label=label_of("version", version),
            kind="text",
            value=spec.get("version") or "",
            max_length=version.get("maxLength"),
            hint="The agreement's version, printed on its cover.",
        )
    )
    page = Editor(
        kinds=[(k, kind.title, k in chosen) for k, kind in library.kinds.items()],
        organisation=schema_controls("Organisation", "organisation", org),
        general=general,
        unions=_rows("Union", "unions", unions, 1),
        signatories=_rows("Signatory", "signatories", signatories, 1),
        carried=[k for k in ("law_overrides", "facility_time") if spec.get(k)]
        + (["organisation.employers"] if org.get("employers") else [])
        + (
            ["your own clauses"]
            if any(isinstance(e, dict) and "text" in e for e in sequence(spec, "add"))
            else []
        ),
    )
    nation = org.get("nation")
    seen: set[str] = set()
    for kind_name in chosen:
        kind = library.kinds.get(kind_name)
        if kind is None:
            continue
        sections = []
        for section in kind.sections:
            clauses = []
            for entry in section.entries():
                located = library.clauses.get(entry.clause)
                if located is None or (nation in lm.NATIONS and nation not in located.clause.nations):
                    continue
                ed = clause_editor(library, entry.clause, not entry.default, spec)
                ed.shown_before = entry.clause in seen
                seen.add(entry.clause)
                clauses.append(ed)
            if clauses:
                sections.append(SectionEditor(section.id, section.title, clauses))
        page.outlines.append(KindEditor(kind_name, kind.title, sections))
    return page
