"""Load the library's checklists: statutory and Code of Practice items mapped to clauses."""

from __future__ import annotations

from dataclasses import dataclass

from ..utils.errors import InputError
from . import library_models as lm
from .library import Library
from .parse import parse
from .yaml_source import SourceMap, load_yaml


@dataclass(frozen=True)
class LoadedChecklist:
    checklist: lm.Checklist
    source: SourceMap


def load_checklists(library: Library) -> list[LoadedChecklist]:
    problems, out = [], []
    for path in sorted((library.root / "checklists").glob("*.yaml")):
        try:
            data, source = load_yaml(path)
            out.append(LoadedChecklist(parse(lm.Checklist, data, source), source))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return out
