"""How a departure from the model rates for the staff side: one set of rules
for every feature that counts or reports findings (the review, the batch's
findings count). Variants, choices and guidance ranges say which side they
favour (``favours``, ``higher_favours``); a departure that favours the staff
side, or neither, is for information, one that favours management is medium,
and one whose side the library does not say is low.
"""

from __future__ import annotations

from typing import Any

from ..load import library_models as lm
from ..load.library import Library
from . import model as m

# Which side a departure favours -> (severity, what it means for the staff side).
# A departure that favours staff is reported for information, not as a weakness.
FOR_STAFF: dict[str | None, tuple[str, str | None]] = {
    "staff": ("info", "stronger for the staff side than the model"),
    "management": ("medium", "weaker for the staff side than the model"),
    "neutral": ("info", "neither side gains against the model"),
    None: ("low", None),
}


def parameter_departure(param: lm.Param, value: Any) -> tuple[str, str, str | None] | None:
    """(severity, what the value is against the guidance, why the guidance is what it is), or None."""
    if isinstance(param, lm.IntegerParam) and param.guidance is not None:
        g, unit = param.guidance, f" {param.unit}" if param.unit else ""
        if g.min is not None and value < g.min:
            side = _other(g.higher_favours)
            severity, effect = _outside_guidance(side)
            return severity, f"{value}{unit} is below the guidance minimum of {g.min}{effect}", g.why
        if g.max is not None and value > g.max:
            severity, effect = _outside_guidance(g.higher_favours)
            return severity, f"{value}{unit} is above the guidance maximum of {g.max}{effect}", g.why
    if isinstance(param, lm.ChoiceParam) and param.recommended and value != param.recommended:
        choice_severity, choice_effect = FOR_STAFF[param.favours.get(value)]
        return (
            choice_severity,
            f"“{param.choices[value]}” rather than the recommended “{param.choices[param.recommended]}”"
            + (f": {choice_effect}" if choice_effect else ""),
            param.help,
        )
    if isinstance(param, lm.BooleanParam) and param.recommended is not None and value != param.recommended:
        return (
            "low",
            f"set to {_yes_no(value)}; the guidance recommends {_yes_no(param.recommended)}",
            param.help,
        )
    return None


def _other(side: str | None) -> str | None:
    return {"staff": "management", "management": "staff"}.get(side, side) if side else None


def _outside_guidance(side: str | None) -> tuple[str, str]:
    """A value outside the guidance is at least low even when it favours staff: it may not work."""
    if side == "staff":
        return "low", ", stronger for the staff side than the model"
    if side == "management":
        return "medium", ", weaker for the staff side than the model"
    if side == "neutral":
        return "low", ""
    return "medium", ""


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def omitted_severity(omitted: m.Omitted) -> str:
    """A recommended clause left out: high, or medium when the parties gave a reason."""
    return "medium" if omitted.reason else "high"


def clause_severities(clause: m.Clause, library: Library) -> list[str]:
    """The severity of each finding the review makes of a clause, checklists aside."""
    prov = clause.provenance
    found = []
    if prov.source == "custom":
        found.append("medium")
    elif prov.source == "added":
        found.append("low")
    located = library.clauses.get(clause.id)
    if prov.variant and prov.recommended_variant and prov.variant != prov.recommended_variant:
        variant = located.clause.variants.get(prov.variant) if located else None
        found.append(FOR_STAFF[variant.favours if variant else None][0])
    if located is not None:
        for value in prov.params:
            param = located.clause.params.get(value.name)
            departure = parameter_departure(param, value.value) if param is not None else None
            if departure is not None:
                found.append(departure[0])
    found += ["medium" for citation in clause.citations if not citation.in_force]
    return found
