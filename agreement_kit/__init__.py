"""agreement-kit: annotated NHS partnership and recognition agreements from a YAML clause library.

The public API is re-exported here. Names load on first use, so that the
command line starts quickly when it only needs ``--help``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "AgreementKitError": "_errors",
    "InputError": "_errors",
    "Problem": "_errors",
    "UsageError": "_errors",
    "Library": "_library",
    "load_library": "_library",
    "LoadedSpec": "_spec",
    "load_spec": "_spec",
    "assemble": "_assembly",
    "build": "_build",
    "review": "_review",
    "compare": "_compare",
}

__all__ = [
    "AgreementKitError",
    "InputError",
    "Library",
    "LoadedSpec",
    "Problem",
    "UsageError",
    "assemble",
    "build",
    "compare",
    "load_library",
    "load_spec",
    "review",
]

if TYPE_CHECKING:
    from ._assembly import assemble
    from ._build import build
    from ._compare import compare
    from ._errors import AgreementKitError, InputError, Problem, UsageError
    from ._library import Library, load_library
    from ._review import review
    from ._spec import LoadedSpec, load_spec


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'agreement_kit' has no attribute {name!r}")
