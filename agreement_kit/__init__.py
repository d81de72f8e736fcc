"""agreement-kit: annotated NHS partnership and recognition agreements from a YAML clause library."""

from ._assembly import assemble
from ._errors import AgreementKitError, InputError, Problem, UsageError
from ._library import Library, load_library
from ._spec import LoadedSpec, load_spec

__all__ = [
    "AgreementKitError",
    "InputError",
    "Library",
    "LoadedSpec",
    "Problem",
    "UsageError",
    "assemble",
    "load_library",
    "load_spec",
]
__version__ = "0.1.0"
