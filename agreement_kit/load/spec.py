"""Load an organisation's spec file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..utils.errors import InputError, Problem, display_path
from ..utils.yaml_dump import safe_dump
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
        values = self.spec.model_dump(mode="json", exclude_defaults=True, warnings=False)
        return safe_dump(values, sort_keys=False, allow_unicode=True)


_NOT_A_SPEC = {
    ".docx": "a Word file: to check a draft use `agreement-kit review DRAFT.docx`; to bring edits"
    " back into its spec, `agreement-kit import DRAFT.docx -o spec.yaml`",
    ".doc": "an old Word file: save it as .docx, then use `agreement-kit review`",
    ".md": "Markdown, which agreement-kit writes but does not read; give the spec (.yaml) it was built from",
    ".html": "a web page, which agreement-kit writes but does not read; give the spec (.yaml)",
    ".pdf": "a PDF, which agreement-kit cannot read; give the spec (.yaml)",
    ".csv": "a table: for one agreement per row use `agreement-kit batch TABLE --base SPEC`",
    ".xlsx": "a spreadsheet: for one agreement per row use `agreement-kit batch TABLE --base SPEC`",
}


def load_spec(path: Path | str) -> LoadedSpec:
    """Read and validate one spec; raise InputError listing every problem."""
    path = Path(path)
    if path.suffix.lower() in _NOT_A_SPEC:
        message = f"this command needs a spec (.yaml), and this is {_NOT_A_SPEC[path.suffix.lower()]}"
        raise InputError([Problem(display_path(path), None, "", message)])
    data, source = load_yaml(path)
    return LoadedSpec(parse(Spec, data, source), source, path)
