"""The library's model wording for each clause, as a draft would carry it.

For one agreement kind and nation, every clause of the outline (optional ones
too) is rendered with the parameters' defaults under each of its variants, by
assembling small specs in memory: the wording the matcher compares a draft's
clauses with, and the model a wording finding redlines against.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..load.library import Library
from ..load.parse import parse
from ..load.spec import LoadedSpec
from ..load.spec_models import Spec
from ..load.yaml_source import SourceMap
from ..utils.errors import InputError
from .assembler import assemble
from .model import Agreement, block_text

# The organisation the model is rendered for; a draft's own name replaces it in redlines.
MODEL_NAME, MODEL_SHORT = "Model Employer NHS Trust", "Model Employer"
_ORG_TYPE = {"england": "acute_trust", "scotland": "health_board", "wales": "health_board"}
_UNIONS = [
    {"name": "UNISON", "short_name": "UNISON"},
    {"name": "Royal College of Nursing", "short_name": "RCN"},
    {"name": "British Medical Association", "short_name": "BMA"},
]


@dataclass(frozen=True)
class ModelClause:
    id: str
    title: str
    section: str
    recommended: bool  # a default clause of the outline: its absence is a finding
    texts: tuple[str, ...]  # the wording under each variant, the default first
    note: str
    labels: str = ""  # the words the library describes it with: parameter and variant labels, help
    variants: tuple[str, ...] = ()  # the variant each of ``texts`` is, "" for the one in force

    @property
    def checklist_text(self) -> str:
        return " ".join(self.texts)

    @property
    def commentary(self) -> str:
        return f"{self.note}\n{self.labels}".strip()

    @property
    def heading_words(self) -> str:
        return self.title


def _spec(kind: str, nation: str, add: list[str], choices: dict[str, Any]) -> LoadedSpec:
    data = {
        "agreements": [kind],
        "organisation": {
            "name": MODEL_NAME,
            "short_name": MODEL_SHORT,
            "type": _ORG_TYPE[nation],
            "nation": nation,
            "headcount": 5000,
        },
        "unions": _UNIONS,
        "dates": {"effective": dt.date.today()},
        "add": add,
        "clauses": choices,
    }
    return LoadedSpec(parse(Spec, data, SourceMap("(model)")), SourceMap("(model)"), None)  # type: ignore[arg-type]


def _clause_texts(agreement: Agreement) -> dict[str, tuple[str, str, str]]:
    return {
        c.id: (c.title, "\n".join(block_text(b) for b in c.blocks), " ".join(block_text(b) for b in c.note))
        for c in agreement.clauses()
    }


def _assemble(library: Library, kind: str, nation: str, add: list[str], choices: dict) -> Agreement | None:
    try:
        return assemble(_spec(kind, nation, add, choices), library)[0]
    except InputError:
        return None


def model_clauses(library: Library, kind: str, nation: str) -> dict[str, ModelClause]:
    """Clause id -> its model wording for ``kind`` in ``nation``, in outline order."""
    key = (id(library), kind, nation)
    if key not in _CACHE or _CACHE[key][0] is not library:
        _CACHE[key] = (library, _render(library, kind, nation))
    return _CACHE[key][1]


_CACHE: dict[tuple[int, str, str], tuple[Library, dict[str, ModelClause]]] = {}


def _render(library: Library, kind: str, nation: str) -> dict[str, ModelClause]:
    outline = [(s.title, e) for s in library.kinds[kind].sections for e in s.entries()]
    optional = [e.clause for _, e in outline if not e.default]
    base = _assemble(library, kind, nation, optional, {})
    if base is None:  # an optional clause that cannot stand in this nation: the defaults alone
        base = _assemble(library, kind, nation, [], {})
    if base is None:
        raise InputError([])
    info = _clause_texts(base)
    texts = {cid: [body] for cid, (_, body, _) in info.items()}
    names: dict[str, list[str]] = {cid: [""] for cid in texts}
    add = [cid for cid in optional if cid in texts]
    for choices in _variant_rounds(library, nation, list(texts)):
        # every clause's next variant in one assembly; clause by clause only if that fails
        other = _assemble(library, kind, nation, add, choices)
        singles = (
            [other]
            if other is not None
            else [_assemble(library, kind, nation, add, {cid: c}) for cid, c in choices.items()]
        )
        for agreement in singles:
            if agreement is None:
                continue
            for cid, (_, body, _) in _clause_texts(agreement).items():
                if cid in choices and body not in texts[cid]:
                    texts[cid].append(body)
                    names[cid].append(choices[cid]["variant"])
    out = {}
    for title, entry in outline:
        if entry.clause in info:
            name, _, note = info[entry.clause]
            out[entry.clause] = ModelClause(
                entry.clause,
                name,
                title,
                entry.default,
                tuple(texts[entry.clause]),
                note,
                _labels(library, entry.clause),
                tuple(names[entry.clause]),
            )
    return out


def _variant_rounds(library: Library, nation: str, present: list[str]) -> list[dict[str, dict]]:
    """Round k chooses the k-th variant other than the one in force for every clause that has one."""
    others: dict[str, list[str]] = {}
    for cid in present:
        clause = library.clauses[cid].clause if cid in library.clauses else None
        if clause is None or len(clause.variants) < 2:
            continue
        chosen = clause.variant_for(nation, None)  # type: ignore[arg-type]
        others[cid] = [name for name in clause.variants if name != chosen]
    rounds = max((len(v) for v in others.values()), default=0)
    return [{cid: {"variant": v[k]} for cid, v in others.items() if k < len(v)} for k in range(rounds)]


def _labels(library: Library, cid: str) -> str:
    loaded = library.clauses.get(cid)
    if loaded is None:
        return ""
    clause = loaded.clause
    words = [v.label for v in clause.variants.values()]
    for param in clause.params.values():
        words += [param.label, param.help or ""]
        words += list(getattr(param, "choices", {}).values())
    return "\n".join(w for w in words if w)
