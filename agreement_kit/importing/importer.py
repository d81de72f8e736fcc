"""Write the spec recovered from an edited Word agreement, checked before it is written."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..assembly.assembler import assemble
from ..load.docx_spec import imported_spec
from ..load.library import Library, load_library
from ..load.spec import load_spec
from ..utils.atomic_write import write_atomic
from ..utils.errors import InputError, Problem, UsageError, display_path


@dataclass(frozen=True)
class ImportResult:
    spec_path: Path
    changes: tuple[str, ...]
    warnings: tuple[str, ...]


def import_docx(docx_path: Path, spec_path: Path, *, library: Library | None = None) -> ImportResult:
    """Recover the spec of ``docx_path``, with its Word edits, into ``spec_path``.

    The recovered spec is assembled before it is written, so a spec that would
    not build is reported and nothing is written."""
    if spec_path.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(f"{display_path(spec_path)}: the spec is written as YAML; give a .yaml file for -o")
    recovered = imported_spec(docx_path)
    staging = spec_path.with_name(f".{spec_path.name}.check")
    try:
        staging.write_text(recovered.text, encoding="utf-8")
        assemble(load_spec(staging), library or load_library())
    except InputError as exc:
        problems = [Problem(display_path(docx_path), None, "", "the recovered spec does not build:")]
        raise InputError(problems + [p for p in exc.problems]) from None
    finally:
        staging.unlink(missing_ok=True)
    write_atomic(spec_path, recovered.text.encode("utf-8"))
    return ImportResult(spec_path, recovered.changes, recovered.warnings)
