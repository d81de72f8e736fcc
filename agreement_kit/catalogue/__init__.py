"""`clauses list`, `clauses show` and `schema`: the library at a glance, and
the JSON Schemas editors use to complete specs and clause files.

A feature: imports ``load`` and ``utils``, never another feature.
"""
