"""JSON Schemas of the YAML files, so editors can complete and check them."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from ..load import library_models as lm
from ..load import register_models as rm
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


def schema_text(model: type[BaseModel]) -> str:
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(out_dir: Path) -> list[Path]:
    paths = []
    for name, model in SCHEMAS.items():
        path = Path(out_dir) / name
        write_atomic(path, schema_text(model).encode("utf-8"))
        paths.append(path)
    return paths
