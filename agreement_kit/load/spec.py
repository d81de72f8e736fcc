"""Load an organisation's spec file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .parse import parse
from .spec_models import Spec
from .yaml_source import SourceMap, load_yaml


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
