"""The build pipeline: load -> validate -> assemble -> render -> write.

Every spec is loaded and assembled before anything is written, so a run with
one bad spec writes nothing at all rather than leaving a partial set.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..assembly.assembler import assemble
from ..assembly.model import Agreement
from ..load.library import Library, load_library
from ..load.spec import LoadedSpec, load_spec
from ..render import FORMATS, NOTES_MODES, NotesMode, render
from ..utils.atomic_write import write_atomic_all
from ..utils.errors import InputError, Problem, UsageError, display_path
from ..utils.formats import chosen_formats


@dataclass(frozen=True)
class Planned:
    spec: LoadedSpec
    agreement: Agreement

    def path(self, out_dir: Path, fmt: str) -> Path:
        return out_dir / f"{self.agreement.file_stem}-{self.agreement.kind}.{fmt}"


def prepare(
    spec_paths: Iterable[Path | str], library: Library, warnings: list[Problem] | None = None
) -> list[Planned]:
    """Load and assemble every spec; raise one InputError with every problem."""
    problems: list[Problem] = []
    planned: list[Planned] = []
    for path in spec_paths:
        try:
            loaded = load_spec(Path(path))
            planned.extend(Planned(loaded, a) for a in assemble(loaded, library, warnings))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return planned


def build(
    spec_paths: Sequence[Path | str],
    out_dir: Path | str,
    *,
    formats: Sequence[str] = FORMATS,
    notes: NotesMode = "comments",
    library: Library | None = None,
    warnings: list[Problem] | None = None,
) -> list[Path]:
    """Build every agreement of every spec in every format; return the paths written.
    Settings that have no effect are added to ``warnings`` when it is given."""
    formats = chosen_formats(formats, (*FORMATS, "pdf"))
    if notes not in NOTES_MODES:
        raise UsageError(f"--notes must be one of {', '.join(NOTES_MODES)}, not {notes!r}")
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{display_path(out_dir)}: output path exists and is not a folder")
    library = library or load_library()
    planned = prepare(spec_paths, library, warnings)
    _refuse_collisions(planned, out_dir, formats)
    rendered = [
        (p.path(out_dir, fmt), data) for p in planned for fmt, data in _outputs(p.agreement, formats, notes)
    ]
    # all in one folder: flushed to disk together, each file still whole or absent
    write_atomic_all(rendered)
    return [path for path, _ in rendered]


def _outputs(agreement: Agreement, formats: Sequence[str], notes: NotesMode) -> list[tuple[str, bytes]]:
    """Each format's bytes. A PDF is laid out by LibreOffice (render/pdf.py), and the
    Word copy then carries the page numbers that layout gave its contents."""
    done: dict[str, bytes] = {}
    if "pdf" in formats:
        from ..render.pdf import render_pdf

        done["pdf"], done["docx"] = render_pdf(agreement, notes)
    return [(fmt, done[fmt] if fmt in done else render(agreement, fmt, notes=notes)) for fmt in formats]


def _refuse_collisions(planned: list[Planned], out_dir: Path, formats: Sequence[str]) -> None:
    """Two specs that would write the same file: refuse rather than overwrite one with the other."""
    owners: dict[Path, LoadedSpec] = {}
    problems = []
    for p in planned:
        path = p.path(out_dir, formats[0])
        if path in owners and owners[path].path != p.spec.path:
            first = display_path(owners[path].path)
            problems.append(
                p.spec.source.problem(
                    ("organisation", "short_name"),
                    f"writes the same files as {first} ({path.name});"
                    " give one of them a distinct organisation.slug",
                )
            )
        owners.setdefault(path, p.spec)
    if problems:
        raise InputError(problems)
