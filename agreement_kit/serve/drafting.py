"""A working spec through the ordinary pipeline: checked, reviewed, previewed and downloaded.

The page keeps its spec as a plain dict (what a YAML file holds, with dates
as ISO text so it can travel as JSON to the browser's storage). Each change
is parsed with the spec's models and reviewed, which assembles the
agreements: the problems are the pipeline's own, with their field paths;
the preview is the HTML renderer's page. Nothing is validated twice.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..assembly.model import Agreement
from ..load.library import Library
from ..load.parse import parse
from ..load.spec import LoadedSpec
from ..load.spec_models import Spec, slugify
from ..load.yaml_source import SourceMap, load_yaml
from ..render import FORMATS, render
from ..render.html import anchor, render_html
from ..reviewing.review import Review, review
from ..utils.errors import InputError, Problem
from .editor import mapping

SPEC_FILE = "spec.yaml"


def jsonable(value: Any) -> Any:
    """YAML data as JSON data: dates become ISO text (the spec's models read it back)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def spec_yaml(spec: dict[str, Any]) -> str:
    """The working spec as a YAML file a person could have written."""
    data = dict(spec)
    if isinstance(data.get("dates"), dict):
        data["dates"] = {k: _date_or_text(v) for k, v in mapping(data, "dates").items()}
    head = "# Drafted with agreement-kit's drafting page; build it with: agreement-kit build THIS-FILE\n"
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _date_or_text(value: Any) -> Any:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return value


def read_spec_file(path: Path) -> dict[str, Any]:
    """A spec file's data, safely loaded (every limit of the YAML loader), not yet checked."""
    data, _ = load_yaml(path)
    if not isinstance(data, dict):
        raise InputError(
            [Problem(path.name, None, "", "a spec is a mapping of fields (agreements, organisation...)")]
        )
    return jsonable(data)


def read_spec_bytes(raw: bytes, name: str) -> dict[str, Any]:
    """An uploaded spec, through the same loader as a file on disk."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(name).name or SPEC_FILE)
        path.write_bytes(raw)
        return read_spec_file(path)


@dataclass
class Outcome:
    """What the pipeline made of a working spec."""

    spec: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    review: Review | None = None
    loaded: LoadedSpec | None = None

    @property
    def agreements(self) -> list[Agreement]:
        return self.review.agreements if self.review else []

    def agreement(self, kind: str | None) -> Agreement | None:
        return next(
            (a for a in self.agreements if a.kind == kind), self.agreements[0] if self.agreements else None
        )

    def target(self, problem: Problem) -> str:
        """The page field a problem belongs beside: an ``add``/``remove`` entry is its clause's switch."""
        head, _, rest = problem.field.partition("]")
        for key in ("add[", "remove["):
            if head.startswith(key) and head[len(key) :].isdigit():
                entries = self.spec.get(key[:-1]) or []
                index = int(head[len(key) :])
                entry = entries[index] if index < len(entries) else None
                clause = (
                    entry if isinstance(entry, str) else entry.get("id") if isinstance(entry, dict) else None
                )
                if isinstance(clause, str):
                    return f"clauses.{clause}.include"
        return problem.field

    def problem_list(self) -> list[dict[str, Any]]:
        return [
            {"field": p.field, "target": self.target(p), "message": p.message, "severity": p.severity}
            for p in self.problems
        ]

    def numbers(self) -> dict[str, dict[str, str]]:
        """Clause id -> (agreement kind -> clause number)."""
        out: dict[str, dict[str, str]] = {}
        for a in self.agreements:
            for c in a.clauses():
                out.setdefault(c.id, {})[a.kind] = c.number
        return out

    def finding_list(self) -> list[dict[str, Any]]:
        if self.review is None:
            return []
        titles = {a.kind: a.short_title for a in self.agreements}
        return [
            {
                "severity": f.severity,
                "category": f.category,
                "summary": f.summary,
                "clause_id": f.clause_id,
                "number": f.clause_number,
                "title": f.clause_title,
                "kind": f.agreement,
                "agreement": titles.get(f.agreement, f.agreement),
                "anchor": anchor("clause", f.clause_number) if f.clause_number else None,
            }
            for f in self.review.findings
        ]

    def preview(self, kind: str | None) -> tuple[str, str] | None:
        """(kind, the agreement's HTML page) for the preview pane."""
        agreement = self.agreement(kind)
        return (agreement.kind, render_html(agreement)) if agreement else None


def check(spec: dict[str, Any], library: Library, *, preview: bool = False) -> Outcome:
    """Parse and review a working spec; every problem found, by field. For a ``preview``
    the agreements carry the spec as JSON (which is YAML too), quicker to write than YAML."""
    outcome = Outcome(spec)
    source = SourceMap(SPEC_FILE)
    try:
        source.text = json.dumps(spec, ensure_ascii=False) if preview else spec_yaml(spec)
        loaded = LoadedSpec(parse(Spec, spec, source), source, Path(SPEC_FILE))
        outcome.loaded = loaded
        outcome.review = review(loaded, library)
    except InputError as exc:
        outcome.problems = list(exc.problems)
    except yaml.YAMLError as exc:  # a value YAML cannot write (should not happen with JSON data)
        outcome.problems = [Problem(SPEC_FILE, None, "", f"cannot be written as YAML: {exc}")]
    return outcome


def file_stem(spec: dict[str, Any]) -> str:
    org = mapping(spec, "organisation")
    slug = org.get("slug")
    if isinstance(slug, str) and slug:
        return slugify(slug)
    short = org.get("short_name")
    return slugify(short) if isinstance(short, str) else "agreement"


def agreement_file(outcome: Outcome, kind: str, fmt: str) -> tuple[str, bytes] | None:
    agreement = next((a for a in outcome.agreements if a.kind == kind), None)
    if agreement is None or fmt not in FORMATS:
        return None
    return f"{agreement.file_stem}-{kind}.{fmt}", render(agreement, fmt)


def facility_time_files(outcome: Outcome) -> list[tuple[str, bytes]]:
    """The facility-time report, when the package has it and the spec states facility time."""
    if outcome.loaded is None or outcome.loaded.spec.facility_time is None:
        return []
    try:
        from ..facility_time.write import facility_time_report
    except ImportError:  # pragma: no cover - a build of the package without the feature
        return []
    with tempfile.TemporaryDirectory() as folder:
        spec_path = Path(folder) / SPEC_FILE
        spec_path.write_text(spec_yaml(outcome.spec), encoding="utf-8")
        out = Path(folder) / "out"
        result = facility_time_report(spec_path, out)
        return [(p.name, p.read_bytes()) for p in result.paths]


def all_files(outcome: Outcome) -> list[tuple[str, bytes]]:
    files = [f for a in outcome.agreements for fmt in FORMATS if (f := agreement_file(outcome, a.kind, fmt))]
    files.append((f"{file_stem(outcome.spec)}-spec.yaml", spec_yaml(outcome.spec).encode("utf-8")))
    return files + facility_time_files(outcome)


def zip_of(files: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()


def outline_numbers(outcome: Outcome) -> dict[str, str]:
    """Clause id -> ``3.2`` in the first agreement it is in, for the form's headings."""
    return {cid: next(iter(kinds.values())) for cid, kinds in outcome.numbers().items()}
