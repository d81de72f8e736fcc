"""`validate`: check specs and clause libraries, collecting every problem."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..assembly.assembler import assemble
from ..load.library import Library, load_library
from ..load.spec import load_spec
from ..utils.errors import InputError, Problem, display_path
from .library_checks import check_library


def _library_root(path: Path) -> Path | None:
    """The clause library a path belongs to, if any."""
    for folder in ([path] if path.is_dir() else []) + list(path.resolve().parents)[:2]:
        if (folder / "agreements.yaml").is_file():
            return folder
    return None


def validate_paths(paths: Iterable[Path], library_dir: Path | None = None) -> list[Problem]:
    problems: list[Problem] = []
    libraries_checked: set[Path] = set()
    spec_library: Library | None = None
    for path in paths:
        if not path.exists():
            problems.append(Problem(display_path(path), None, "", "no such file or folder"))
            continue
        root = _library_root(path)
        if root is not None:
            if root.resolve() not in libraries_checked:
                libraries_checked.add(root.resolve())
                problems.extend(_check_library_at(root))
            continue
        specs = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        if path.is_dir() and not specs:
            problems.append(Problem(display_path(path), None, "", "folder holds no .yaml specs"))
        for spec_path in specs:
            try:
                spec_library = spec_library or load_library(library_dir)
                problems.extend(_check_spec(spec_path, spec_library))
            except InputError as exc:
                problems.extend(exc.problems)
    return problems


def _check_library_at(root: Path) -> list[Problem]:
    try:
        return check_library(load_library(root))
    except InputError as exc:
        return exc.problems


def _check_spec(path: Path, library: Library) -> list[Problem]:
    """A spec's problems: errors raise; settings that would have no effect are warnings.
    (Citations of law not in force are errors in assembly, unless overridden with a reason.)"""
    warnings: list[Problem] = []
    assemble(load_spec(path), library, warnings)
    return warnings
