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

    @property
    def text(self) -> str:
        """The spec as written, for a document to carry; from a table row, its values as YAML."""
        if self.source.text:
            return self.source.text
        import yaml

        values = self.spec.model_dump(mode="json", exclude_defaults=True, warnings=False)
        return yaml.safe_dump(values, sort_keys=False, allow_unicode=True)


def load_spec(path: Path | str) -> LoadedSpec:
    """Read and validate one spec; raise InputError listing every problem."""
    path = Path(path)
    data, source = load_yaml(path)
    return LoadedSpec(parse(Spec, data, source), source, path)
