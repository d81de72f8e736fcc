"""Assembly: an organisation's choices plus the library make numbered agreements.

Owns the assembled model that every renderer and feature reads, the clause
markup, and the sandboxed Jinja templating clause text is written in.
Imports ``load`` and ``utils``.
"""
