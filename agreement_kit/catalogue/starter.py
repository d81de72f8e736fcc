"""`init`: an annotated starter spec, written from the clause library.

Every clause that can be configured is listed in agreement order under
``clauses:``, commented out, with its settings at their defaults and a
comment saying what each means: the range and recommended value of a number,
each variant's one-line label and which side it favours. Uncommenting a
block gives a valid spec, so a first-time user edits rather than writes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast, get_args

from ..load import library_models as lm
from ..load.library import Library
from ..load.spec_models import OrgType
from ..utils.errors import UsageError

NATIONS = ("england", "scotland", "wales")


def starter_spec(library: Library, *, org_type: str = "acute_trust", nation: str = "england") -> str:
    types = get_args(OrgType)
    if org_type not in types:
        raise UsageError(f"--type {org_type!r} is not one of: {', '.join(types)}")
    if nation not in NATIONS:
        raise UsageError(f"--nation {nation!r} is not one of: {', '.join(NATIONS)}")
    effective = dt.date(dt.date.today().year + 1, 4, 1)
    lines = [
        "# A starter spec for agreement-kit. Fill in the organisation, the unions",
        "# and the signatories; then change any clause setting below by removing",
        "# the '# ' at the start of its lines. Every value shown is the model's",
        "# default. Build the agreements with:",
        "#",
        "#   agreement-kit build spec.yaml -o out/",
        "#",
        "# A reason: line may go with any choice; it is printed in that clause's",
        "# note as the parties' thinking.",
        f"agreements: [{', '.join(library.kinds)}]",
        "organisation:",
        "  name: Example NHS Trust          # the employer's full legal name",
        "  short_name: Example              # used in running heads and file names",
        f"  type: {org_type:<26} # one of: {', '.join(types)}",
        f"  nation: {nation:<24} # england, scotland or wales: picks the right bodies and law",
        "  headcount: 5000                  # staff employed",
        "unions:                            # each union recognised, and the staff it represents",
        "  - {name: UNISON, short_name: UNISON}",
        "  - {name: Royal College of Nursing, short_name: RCN, represents: nursing staff}",
        "dates:",
        f"  effective: {effective.isoformat()}           # YYYY-MM-DD: the law as at this date is applied",
        f"  review: {effective.replace(year=effective.year + 2).isoformat()}              # YYYY-MM-DD",
        "signatories:                       # side: management or staff",
        "  - {name: A. N. Other, role: Chief Executive, side: management}",
        "  - {name: A. Rep, role: Staff Side Chair, side: staff, organisation: UNISON}",
        "clauses:                           # remove the '# ' from a clause's lines to change it",
    ]
    optional: list[tuple[str, str]] = []
    for kind in library.kinds.values():
        for section in kind.sections:
            block: list[str] = []
            for entry in section.entries():
                clause = library.clauses[entry.clause].clause
                if nation not in clause.nations:
                    continue
                if not entry.default:  # listed under add:, where it is switched on
                    optional.append((clause.id, clause.title))
                    continue
                block.extend(_clause_block(clause, cast(lm.Nation, nation)))
            if block:
                lines.append(f"  # --- {kind.title}: {section.title} ---")
                lines.extend(block)
    if optional:
        lines.append("# Clauses the model leaves out unless asked for (an id, or {id: ..., reason: ...}):")
        lines.append("# add:")
        lines.extend(f"#   - {cid:<34} # {title}" for cid, title in optional)
    lines.append("# Clauses of the model to leave out, with the reason (a review flags each):")
    lines.append("# remove:")
    lines.append("#   - {id: values.public_statements, reason: ...}")
    return "\n".join(lines) + "\n"


def _clause_block(clause: lm.Clause, nation: lm.Nation) -> list[str]:
    settings: list[str] = []
    if clause.variants:
        default = clause.variant_for(nation, None)
        settings.append(f"  #   variant: {default}")
        for name, variant in clause.variants.items():
            side = f" [favours {variant.favours}]" if variant.favours and variant.favours != "neutral" else ""
            settings.append(f"  #     # {name}: {variant.label}{side}")
    params = [(n, p) for n, p in clause.params.items() if p.default is not None]
    if params:
        settings.append("  #   params:")
        for name, param in params:
            settings.append(f"  #     {name}: {_value(param.default)}  # {_describe(param)}")
    if not settings:
        return []
    return [f"  # {clause.id}:  # {clause.title}", *settings]


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_quoted(v) for v in value) + "]"
    if isinstance(value, str):
        return _quoted(value)
    return str(value)


def _quoted(text: Any) -> str:
    text = str(text)
    return "'" + text.replace("'", "''") + "'"


def _describe(param: lm.Param) -> str:
    parts = [param.label]
    if isinstance(param, lm.IntegerParam):
        if param.min is not None and param.max is not None:
            parts.append(f"{param.min} to {param.max}" + (f" {param.unit}" if param.unit else ""))
        if param.guidance and param.guidance.recommended is not None:
            parts.append(f"recommended {param.guidance.recommended}")
    elif isinstance(param, lm.ChoiceParam):
        parts.append("one of: " + ", ".join(param.choices))
    return "; ".join(parts)
