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

    @property
    def checklist_text(self) -> str:
        return " ".join(self.texts)


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
    texts = {cid: [body] for cid, (_, body, _) in _clause_texts(base).items()}
    info = _clause_texts(base)
    present = set(texts)
    add = [cid for cid in optional if cid in present]
    for cid in present:
        clause = library.clauses[cid].clause if cid in library.clauses else None
        if clause is None or len(clause.variants) < 2:
            continue
        chosen = clause.variant_for(nation, None)  # type: ignore[arg-type]
        for name in clause.variants:
            if name == chosen:
                continue
            other = _assemble(library, kind, nation, add, {cid: {"variant": name}})
            if other is not None:
                body = _clause_texts(other).get(cid)
                if body and body[1] not in texts[cid]:
                    texts[cid].append(body[1])
    out = {}
    for title, entry in outline:
        if entry.clause in info:
            name, _, note = info[entry.clause]
            out[entry.clause] = ModelClause(
                entry.clause, name, title, entry.default, tuple(texts[entry.clause]), note
            )
    return out
