"""Loading: YAML with line numbers, and the models of the clause library and of a spec.

Owns the YAML loader, turning pydantic errors into ``file:line: field``
problems, the library (models, loading, cross-checks, checklists) and the
spec (models, loading, parameter coercion). Imports only ``utils``.
"""
