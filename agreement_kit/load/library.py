"""Load and cross-check the clause library."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..utils import cache
from ..utils.errors import InputError, Problem, display_path
from ..utils.resources import clauses_dir
from . import library_models as lm
from . import register_models as rm
from . import schedule_models as sm
from .parse import checked_key, parse
from .yaml_source import Loc, SourceMap, load_yaml

RESERVED = {"agreements.yaml", "terms.yaml", "references.yaml", "unions.yaml", "schedules.yaml"}
BAD_STATUSES = {"repealed", "superseded"}


@dataclass(frozen=True)
class Located:
    """A library clause and where it was written."""

    clause: lm.Clause
    source: SourceMap
    loc: Loc

    def line(self, field: str = "") -> int | None:
        return self.source.line_of(self.loc + ((field,) if field else ()))

    def problem(
        self, field: str, message: str, *, template_line: int | None = None, severity: str = "error"
    ) -> Problem:
        parts = tuple(int(p) if p.isdigit() else p for p in field.split(".")) if field else ()
        loc = self.loc + parts
        line = self.source.line_of(loc)
        if template_line is not None and line is not None:
            line += template_line  # block scalars start on the line after the key
        return Problem(
            self.source.file,
            line,
            f"{self.clause.id}.{field}" if field else self.clause.id,
            message,
            severity,
        )


@dataclass(frozen=True)
class Library:
    root: Path
    version: str
    as_at: object
    kinds: dict[str, lm.Kind]
    clauses: dict[str, Located]
    terms: dict[str, lm.Term]
    instruments: dict[str, rm.Instrument]
    sources: dict[str, SourceMap]  # by reserved file name
    known_unions: tuple[rm.KnownUnion, ...] = ()  # from the optional unions.yaml
    schedules: tuple[sm.ScheduleDef, ...] = ()  # from the optional schedules.yaml

    def outline_ids(self, kind: str) -> list[str]:
        return [e.clause for s in self.kinds[kind].sections for e in s.entries()]


def load_library(root: Path | None = None) -> Library:
    """Load every file of a clause library; raise InputError listing every problem.

    The bundled library, once loaded and checked, is kept in the per-user
    cache (utils/cache.py) under a hash of its files, their paths as shown in
    messages and the loading code, and read from there while all are unchanged."""
    bundled = clauses_dir()
    root = Path(root) if root is not None else bundled
    if not root.is_dir():
        raise InputError([Problem(display_path(root), None, "", "clause library folder not found")])
    if root != bundled and root.resolve() != bundled.resolve():
        return _load(root)
    # one entry per library folder: a newer one replaces it, another checkout's stays
    folder = f"library-{cache.key(str(root))[:8]}-"
    name = f"{folder}{checked_key(root, sorted(root.glob('*.yaml')))}.pickle"
    return cache.pickled(name, lambda: _load(root), lambda kept: isinstance(kept, Library), replaces=folder)


def _load(root: Path) -> Library:
    problems: list[Problem] = []

    def load(path: Path, model):
        try:
            data, source = load_yaml(path)
            return parse(model, data, source), source
        except InputError as exc:
            problems.extend(exc.problems)
            return None, None

    kinds_file, kinds_src = load(root / "agreements.yaml", lm.KindsFile)
    terms_file, terms_src = load(root / "terms.yaml", lm.TermsFile)
    refs_file, refs_src = load(root / "references.yaml", rm.ReferencesFile)
    # unions.yaml and schedules.yaml are optional: a library without them names no unions to look for
    # and has no schedules beyond those its agreements write themselves.
    unions_file = load(root / "unions.yaml", rm.UnionsFile)[0] if (root / "unions.yaml").is_file() else None
    schedules_file, schedules_src = (None, None)
    if (root / "schedules.yaml").is_file():
        schedules_file, schedules_src = load(root / "schedules.yaml", sm.SchedulesFile)

    clauses: dict[str, Located] = {}
    for path in sorted(root.glob("*.yaml")):
        if path.name in RESERVED:
            continue
        topic, source = load(path, lm.ClauseFile)
        if topic is None:
            continue
        for index, clause in enumerate(topic.clauses):
            located = Located(clause, source, ("clauses", index))
            if clause.id in clauses:
                first = clauses[clause.id]
                problems.append(
                    located.problem(
                        "id", f"duplicate clause id (also at {first.source.file}:{first.line('id')})"
                    )
                )
                continue
            if not clause.id.startswith(topic.topic + "."):
                problems.append(located.problem("id", f"clause ids in this file start with '{topic.topic}.'"))
            clauses[clause.id] = located
    if problems:
        raise InputError(problems)

    library = Library(
        root=root,
        version=kinds_file.library_version,
        as_at=refs_file.as_at,
        kinds=dict(kinds_file.kinds),
        clauses=clauses,
        terms=dict(terms_file.terms),
        instruments=dict(refs_file.instruments),
        sources={"agreements": kinds_src, "terms": terms_src, "references": refs_src},
        known_unions=tuple(unions_file.unions) if unions_file else (),
        schedules=tuple(schedules_file.schedules) if schedules_file else (),
    )
    if schedules_src is not None:
        library.sources["schedules"] = schedules_src
    problems.extend(_cross_check(library))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    return library


def _cross_check(library: Library) -> list[Problem]:
    """Outline and citation consistency; template checks happen at assembly."""
    problems = []
    kinds_src = library.sources["agreements"]
    for kind_name, kind in library.kinds.items():
        seen: set[str] = set()
        for s_index, section in enumerate(kind.sections):
            for c_index, entry in enumerate(section.entries()):
                loc = ("kinds", kind_name, "sections", s_index, "clauses", c_index)
                if entry.clause in seen:
                    problems.append(kinds_src.problem(loc, f"{entry.clause} appears twice in the outline"))
                seen.add(entry.clause)
                located = library.clauses.get(entry.clause)
                if located is None:
                    problems.append(kinds_src.problem(loc, f"unknown clause id {entry.clause}"))
                elif kind_name not in located.clause.kinds:
                    problems.append(
                        kinds_src.problem(loc, f"{entry.clause} does not list '{kind_name}' among its kinds")
                    )
    for located in library.clauses.values():
        clause = located.clause
        for kind_name in clause.kinds:
            if kind_name not in library.kinds:
                problems.append(located.problem("kinds", f"unknown agreement kind '{kind_name}'"))
        for field in ("references", "references_when_in_force"):
            for i, key in enumerate(getattr(clause, field)):
                if key not in library.instruments:
                    problems.append(
                        located.problem(f"{field}.{i}", f"unknown reference '{key}' (not in references.yaml)")
                    )
    return problems


def stale_citations(library: Library) -> list[Problem]:
    """Warnings for clauses that cite repealed or superseded instruments."""
    out = []
    for located in library.clauses.values():
        for i, key in enumerate(located.clause.references):
            inst = library.instruments.get(key)
            if inst is not None and inst.status in BAD_STATUSES:
                changed = f" by {inst.changed_by}" if inst.changed_by else ""
                out.append(
                    located.problem(
                        f"references.{i}",
                        f"cites {inst.short}, which is {inst.status}{changed} (register as at {inst.as_at})",
                        severity="warning",
                    )
                )
    return out
