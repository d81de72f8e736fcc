"""The employers of a batch, one job each: from a folder of specs, or from
the rows of a table over a base spec. A job that cannot run (a spec that
cannot be read, a name shared with another employer) carries its error and
fails alone, without stopping the others."""

from __future__ import annotations

import stat
from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..load.library import Library
from ..load.spec_models import slugify
from ..load.yaml_source import SourceMap, load_yaml
from ..utils.errors import InputError, UsageError, display_path
from ..utils.yaml_dump import safe_dump

ROW = " row "  # joins a table's name and a row number in a job's source
SPEC = "spec.yaml"  # each employer's spec as built: a table row's values over the base
SPEC_HEADER = (
    "# The spec this employer's agreements were built from (for a table, the row's\n"
    "# values over the base spec): build, review or compare it like any other.\n"
)


@dataclass(frozen=True)
class Job:
    key: str  # output folder name
    label: str  # where the spec came from: a file, or a table row
    data: dict[str, Any] | None
    source: SourceMap | None
    error: str | None = None  # a failure found before the job could run
    row: int | None = None  # the table row it came from


# -- collecting jobs ----------------------------------------------------------


def jobs_from_source(
    source: Path, base: Path | None, library: Library, ignore: Collection[str] = ()
) -> list[Job]:
    """The employers of a batch: a folder of specs, or a .csv/.xlsx table over
    a base spec, less the columns ``ignore`` names."""
    if source.is_dir():
        if ignore:
            raise UsageError("--ignore-columns is for a .csv/.xlsx table, not a folder of specs")
        return jobs_from_folder(source)
    if source.suffix.lower() in (".csv", ".xlsx"):
        if base is None:
            raise UsageError("a table needs --base SPEC: the spec its rows override")
        return jobs_from_table(source, base, library, ignore)
    raise UsageError(f"{source}: give a folder of specs or a .csv/.xlsx table")


def jobs_from_folder(folder: Path) -> list[Job]:
    """A job for every entry named *.yaml or *.yml: one that is not a
    readable spec file (a broken link, a FIFO, a folder) is a failed job
    naming it, never silently skipped, and never stops the others."""
    paths = sorted(folder.glob("*.y*ml"))
    if not paths:
        raise UsageError(f"{display_path(folder)}: no .yaml specs in this folder")
    jobs = []
    for path in paths:
        label = printable(display_path(path))
        problem = _not_a_spec_file(path)
        try:
            if problem is not None:
                raise InputError([])
            data, source = load_yaml(path)
        except InputError as exc:
            error = f"{label}: {problem}" if problem else printable("\n".join(exc.lines()))
            jobs.append(Job(slugify(path.stem), label, None, None, error=error))
            continue
        except Exception as exc:  # unreadable, or a bug: this spec fails, the others run
            jobs.append(Job(slugify(path.stem), label, None, None, error=f"{label}: {describe(exc)}"))
            continue
        jobs.append(Job(_stem(data, path.stem), label, data, source))
    return jobs


def _not_a_spec_file(path: Path) -> str | None:
    try:
        mode = path.stat().st_mode  # through a link to what it names
    except FileNotFoundError:
        return "a broken symbolic link: what it names does not exist" if path.is_symlink() else "no such file"
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISDIR(mode):
        return "is a directory, not a spec file"
    if not stat.S_ISREG(mode):
        return "not a regular file (a FIFO, socket or device); a spec is a .yaml file"
    return None


def printable(text: str) -> str:
    """Text with the bytes of a non-UTF-8 file name shown as \\xNN escapes,
    so that it can be printed and written to the manifest."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def describe(exc: BaseException) -> str:
    """An unexpected failure, in a line: the file for an OSError, else the
    exception's type, which says it is a bug in agreement-kit."""
    if isinstance(exc, OSError):
        where = f"{printable(str(exc.filename))}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    return printable(f"internal error: {type(exc).__name__}: {exc}")


def jobs_from_table(table: Path, base: Path, library: Library, ignore: Collection[str] = ()) -> list[Job]:
    from .table import table_rows

    base_data, base_source = load_yaml(base)
    if not isinstance(base_data, dict):
        raise InputError([base_source.problem((), "the base spec must be a mapping")])
    rows = table_rows(table, base_data, base_source, library, ignore)
    return [
        Job(
            _stem(r.data, f"row-{r.number}"),
            f"{display_path(table)}{ROW}{r.number}",
            r.data,
            r.source,
            row=r.number,
            error="\n".join(str(p) for p in r.problems) if r.problems else None,
        )
        for r in rows
    ]


def _stem(data: Any, fallback: str) -> str:
    org = data.get("organisation") if isinstance(data, dict) else None
    if isinstance(org, dict):
        slug = org.get("slug")
        if isinstance(slug, str) and slug == slugify(slug):
            return slug
        if isinstance(org.get("short_name"), str):
            return slugify(org["short_name"])
    return slugify(fallback)


def dedupe(jobs: list[Job]) -> list[Job]:
    """Two employers never share an output folder: the later ones fail instead."""
    seen: dict[str, str] = {}
    out = []
    for job in jobs:
        if job.key in seen and job.error is None:
            job = replace(
                job,
                key=job.key + "-duplicate",
                source=None,  # never built; the data stays for the index to name the employer
                error=f"writes to the same folder ({job.key}/) as {seen[job.key]};"
                " give it a distinct organisation.slug",
            )
        seen.setdefault(job.key, job.label)
        out.append(job)
    return out


def resolved_spec(data: Any) -> bytes:
    """A job's spec as YAML that loads back to the same data."""
    body = safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    return (SPEC_HEADER + body).encode("utf-8")
