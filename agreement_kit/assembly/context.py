"""What every clause template sees, and the agreement's own particulars.

The template context is the organisation, parties, unions, the agreement's
title and dates, the nation, and ``in_force('key')`` for wording that
follows the law at the effective date. The record is the assembled
agreement's cover, parties, signatories and dates around its sections.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..load import library_models as lm
from ..load.library import Library
from ..load.spec_models import Spec
from . import model as m


def template_context(
    spec: Spec, kind_def: lm.Kind, kind: str, in_force: Callable[[str], bool]
) -> dict[str, Any]:
    org = spec.organisation
    return {
        "org": {
            "name": org.name,
            "short_name": org.short_name,
            "type": org.type,
            "nation": org.nation,
            "headcount": org.headcount,
        },
        "parties": [{"name": p.name, "role": p.role} for p in org.parties],
        "unions": [
            {"name": u.name, "short_name": u.short_name, "represents": u.represents} for u in spec.unions
        ],
        "agreement": {
            "title": kind_def.title,
            "kind": kind,
            "effective": spec.dates.effective,
            "review": spec.dates.review,
            "version": spec.version,
        },
        "nation": org.nation,
        "in_force": in_force,
    }


def agreement_record(
    spec: Spec,
    library: Library,
    kind: str,
    sections: tuple[m.Section, ...],
    definitions: tuple[m.Definition, ...],
    omitted: tuple[m.Omitted, ...],
) -> m.Agreement:
    org, k = spec.organisation, library.kinds[kind]
    return m.Agreement(
        kind=kind,
        title=k.title,
        short_title=k.short_title,
        organisation=org.name,
        short_name=org.short_name,
        file_stem=org.file_stem,
        nation=org.nation,
        parties=tuple(m.Party(p.name, p.role) for p in org.parties),
        unions=tuple(m.UnionRow(u.name, u.short_name, u.represents) for u in spec.unions),
        signatories=tuple(m.SignatoryRow(x.name, x.role, x.side, x.organisation) for x in spec.signatories),
        version=spec.version,
        effective=spec.dates.effective,
        review=spec.dates.review,
        library_version=library.version,
        sections=sections,
        definitions=definitions,
        omitted=omitted,
    )


def union_line(union: Any) -> str:
    line = union.name if union.short_name == union.name else f"{union.name} ({union.short_name})"
    return f"{line}, for {union.represents}" if union.represents else line
