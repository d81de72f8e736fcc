"""JSON Schemas of the YAML files, so editors can complete and check them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..load import library_models as lm
from ..load import register_models as rm
from ..load.library import Library
from ..load.spec_models import Spec
from ..utils.atomic_write import write_atomic

SCHEMAS: dict[str, type[BaseModel]] = {
    "spec.schema.json": Spec,
    "clause-file.schema.json": lm.ClauseFile,
    "agreements.schema.json": lm.KindsFile,
    "terms.schema.json": lm.TermsFile,
    "references.schema.json": rm.ReferencesFile,
    "checklist.schema.json": lm.Checklist,
}


def schema_text(model: type[BaseModel], library: Library | None = None) -> str:
    """The model's JSON Schema; for the spec, with the library's clauses spelt out
    (ids, variants and parameters, each described) so that an editor completes them."""
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    if model is Spec and library is not None:
        clauses = schema["properties"]["clauses"]
        clauses["properties"] = {cid: _clause_schema(lc.clause) for cid, lc in library.clauses.items()}
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _clause_schema(clause: lm.Clause) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "text": {"type": "string", "description": "The parties' own wording, in place of the model's"},
        "reason": {"type": "string", "description": "The parties' thinking, printed in the clause's note"},
    }
    if clause.variants:
        properties["variant"] = {
            "enum": list(clause.variants),
            "description": "; ".join(f"{name}: {v.label}" for name, v in clause.variants.items()),
        }
    if clause.params:
        properties["params"] = {
            "type": "object",
            "additionalProperties": False,
            "properties": {name: _param_schema(p) for name, p in clause.params.items()},
        }
    return {
        "type": "object",
        "description": clause.title,
        "additionalProperties": False,
        "properties": properties,
    }


def _param_schema(param: lm.Param) -> dict[str, Any]:
    description = param.label + (f". {param.help}" if param.help else "")
    out: dict[str, Any] = {"description": description.strip()}
    if isinstance(param, lm.IntegerParam):
        out["type"] = "integer"
        out.update({k: v for k, v in (("minimum", param.min), ("maximum", param.max)) if v is not None})
    elif isinstance(param, lm.ChoiceParam):
        out["enum"] = list(param.choices)
    elif isinstance(param, lm.BooleanParam):
        out["type"] = "boolean"
    elif isinstance(param, lm.ListParam):
        out["type"] = "array"
        out["items"] = {"type": "string"}
    else:
        out["type"] = "string"
    if param.default is not None:
        default = param.default
        out["default"] = default.isoformat() if isinstance(default, dt.date) else default
    return out


def write_schemas(out_dir: Path, library: Library | None = None) -> list[Path]:
    paths = []
    for name, model in SCHEMAS.items():
        path = Path(out_dir) / name
        write_atomic(path, schema_text(model, library).encode("utf-8"))
        paths.append(path)
    return paths
