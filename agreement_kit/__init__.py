"""agreement-kit: annotated NHS partnership and recognition agreements from a YAML clause library.

The public API is re-exported here, and only the names in ``__all__`` are
public: the subpackages are internal and may change. Names load on first use,
so that the command line starts quickly when it only needs ``--help``.

The package tree is the pipeline and the features built on it; imports run
one way, from the top of this list to the bottom:

- ``cli``: the command line (flags -> one function per command)
- features: ``building``, ``validate``, ``reviewing``, ``comparison``, ``batch``,
  ``catalogue``; each imports the pipeline, never another feature
- ``render``: docx / md / html from the assembled model
- ``assembly``: choices + library -> numbered agreements with provenance
- ``load``: YAML, the clause library and the spec, as validated models
- ``utils``: errors, atomic writes, fixed time, resources
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "AgreementKitError": "utils.errors",
    "InputError": "utils.errors",
    "Problem": "utils.errors",
    "UsageError": "utils.errors",
    "Library": "load.library",
    "load_library": "load.library",
    "LoadedSpec": "load.spec",
    "load_spec": "load.spec",
    "assemble": "assembly.assembler",
    "build": "building.build",
    "review": "reviewing.review",
    "compare": "comparison.compare",
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
    from .assembly.assembler import assemble
    from .building.build import build
    from .comparison.compare import compare
    from .load.library import Library, load_library
    from .load.spec import LoadedSpec, load_spec
    from .reviewing.review import review
    from .utils.errors import AgreementKitError, InputError, Problem, UsageError


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'agreement_kit' has no attribute {name!r}")
