"""Load an organisation's spec file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ._spec_models import Spec
from ._validation import parse
from ._yaml import SourceMap, load_yaml


@dataclass(frozen=True)
class LoadedSpec:
    spec: Spec
    source: SourceMap
    path: Path


def load_spec(path: Path | str) -> LoadedSpec:
    """Read and validate one spec; raise InputError listing every problem."""
    path = Path(path)
    data, source = load_yaml(path)
    return LoadedSpec(parse(Spec, data, source), source, path)
