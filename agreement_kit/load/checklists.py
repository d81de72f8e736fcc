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


# Checklists read before, by their files' paths, sizes and times: the drafting page reviews
# a spec on every change, and reading the YAML again each time was a third of a review.
_READ: dict[tuple[tuple[str, int, int], ...], list[LoadedChecklist]] = {}


def load_checklists(library: Library) -> list[LoadedChecklist]:
    paths = sorted((library.root / "checklists").glob("*.yaml"))
    key = tuple((str(p), (st := p.stat()).st_mtime_ns, st.st_size) for p in paths)
    if key in _READ:
        return list(_READ[key])
    problems, out = [], []
    for path in paths:
        try:
            data, source = load_yaml(path)
            out.append(LoadedChecklist(parse(lm.Checklist, data, source), source))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    _READ.clear()
    _READ[key] = out
    return list(out)
